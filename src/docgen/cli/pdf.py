"""``docgen pdf`` (DOCX → PDF) and ``docgen doctor`` (fonts and LibreOffice check)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from docgen.errors import DocgenError
from docgen.i18n import _


@click.command("pdf", help=_("Convert DOCX FILES to PDF."))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output-dir",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help=_("Folder for the PDFs (default: next to each DOCX)."),
)
@click.option(
    "--pdf-engine",
    type=click.Choice(["builtin", "libreoffice"]),
    default="builtin",
    show_default=True,
    help=_("builtin needs no office suite; libreoffice uses soffice."),
)
@click.option(
    "--font-dir",
    "font_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help=_("Extra folder to search for fonts (repeatable)."),
)
def pdf(
    files: tuple[Path, ...], out_dir: Path | None, pdf_engine: str, font_dirs: tuple[Path, ...]
) -> None:
    from docgen.outputs import atomic_write
    from docgen.pdf import docx_to_pdf, libreoffice_to_pdf

    problems = []
    for src in files:
        if not src.exists():
            problems.append(_("{file}: no such file.").format(file=src))
        elif src.suffix.lower() != ".docx":
            problems.append(_("{file}: not a .docx file.").format(file=src))
    if problems:
        raise DocgenError(_("Nothing was converted."), problems)
    with tempfile.TemporaryDirectory(prefix="docgen-pdf-") as tmp:
        for src in files:
            dst = (out_dir or src.parent) / (src.stem + ".pdf")
            # Made aside and renamed into place: an interrupted run never leaves half a PDF
            # where the previous one was.
            if pdf_engine == "libreoffice":
                made = libreoffice_to_pdf(src, Path(tmp))
            else:
                made = Path(tmp) / dst.name
                docx_to_pdf(
                    src,
                    made,
                    font_dirs=font_dirs,
                    warn=lambda m, s=src: click.echo(
                        _("warning: {file}: {message}").format(file=s.name, message=m), err=True
                    ),
                )
            atomic_write(dst, made.read_bytes())
            made.unlink()
            click.echo(str(dst))


@click.command(
    "doctor",
    help=_("Show which fonts the PDF engine uses and whether LibreOffice is available."),
)
@click.option(
    "--font-dir",
    "font_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help=_("Extra folder to search for fonts (repeatable)."),
)
def doctor(font_dirs: tuple[Path, ...]) -> None:
    from docgen.pdf import find_soffice
    from docgen.pdf.fonts import font_report

    click.echo(_("Fonts (DOCX family → font file):"))
    for line in font_report(("Times New Roman", "Arial", "Courier New"), font_dirs):
        click.echo("  " + line)
    soffice = find_soffice()
    click.echo(
        _("LibreOffice: {path}").format(path=soffice)
        if soffice
        else _("LibreOffice: not found (only --pdf-engine builtin is available)")
    )
