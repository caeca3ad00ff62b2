"""``docgen pdf`` (DOCX → PDF) and ``docgen doctor`` (fonts and LibreOffice check)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from docgen.errors import DocgenError


@click.command("pdf")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output-dir",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for the PDFs (default: next to each DOCX).",
)
@click.option(
    "--pdf-engine",
    type=click.Choice(["builtin", "libreoffice"]),
    default="builtin",
    show_default=True,
    help="builtin needs no office suite; libreoffice uses soffice.",
)
@click.option(
    "--font-dir",
    "font_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra folder to search for fonts (repeatable).",
)
def pdf(
    files: tuple[Path, ...], out_dir: Path | None, pdf_engine: str, font_dirs: tuple[Path, ...]
) -> None:
    """Convert DOCX FILES to PDF."""
    from docgen.outputs import atomic_write
    from docgen.pdf import docx_to_pdf, libreoffice_to_pdf

    problems = []
    for src in files:
        if not src.exists():
            problems.append(f"{src}: no such file.")
        elif src.suffix.lower() != ".docx":
            problems.append(f"{src}: not a .docx file.")
    if problems:
        raise DocgenError("Nothing was converted.", problems)
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
                    warn=lambda m, s=src: click.echo(f"warning: {s.name}: {m}", err=True),
                )
            atomic_write(dst, made.read_bytes())
            made.unlink()
            click.echo(str(dst))


@click.command("doctor")
@click.option("--font-dir", "font_dirs", multiple=True, type=click.Path(path_type=Path))
def doctor(font_dirs: tuple[Path, ...]) -> None:
    """Show which fonts the PDF engine uses and whether LibreOffice is available."""
    from docgen.pdf import find_soffice
    from docgen.pdf.fonts import font_report

    click.echo("Fonts (DOCX family → font file):")
    for line in font_report(("Times New Roman", "Arial", "Courier New"), font_dirs):
        click.echo("  " + line)
    soffice = find_soffice()
    click.echo(
        f"LibreOffice: {soffice}"
        if soffice
        else "LibreOffice: not found (only --pdf-engine builtin is available)"
    )
