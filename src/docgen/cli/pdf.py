"""``docgen pdf`` (DOCX → PDF) and ``docgen doctor`` (fonts and LibreOffice check)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import click

from docgen.cli.options import OutputPath, echo_backups, echo_warning, force_option
from docgen.errors import DocgenError
from docgen.i18n import _, ngettext


@click.command(
    "pdf",
    help=_(
        "Convert DOCX FILES to PDF.\n"
        "\n"
        "PDFs are written as a build writes its files: all of a folder's or none, and a PDF "
        "edited by hand since docgen wrote it is kept unless --force (which first keeps a backup)."
    ),
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output-dir",
    "out_dir",
    type=OutputPath(file_okay=False, path_type=Path),
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
@force_option
def pdf(
    files: tuple[Path, ...],
    out_dir: Path | None,
    pdf_engine: str,
    font_dirs: tuple[Path, ...],
    force: bool,
) -> None:
    from docgen.outputs import check_output_folder, check_output_name, transaction
    from docgen.pdf import FontWarning, docx_to_pdf, libreoffice_to_pdf

    told: set[str] = set()

    def warn(message: str, source: Path) -> None:
        # A font warning is about this machine, not the file: once per run, without a name.
        if not isinstance(message, FontWarning):
            echo_warning(f"{source.name}: {message}")
        elif message not in told:
            told.add(message)
            echo_warning(message)

    _check_font_dirs(font_dirs)
    folders = _targets(files, out_dir)
    for folder in folders:
        check_output_folder(folder)
    made: dict[Path, dict[str, bytes]] = {}
    with tempfile.TemporaryDirectory(prefix="docgen-pdf-") as tmp:
        for n, (folder, name, src) in enumerate(
            (folder, name, src) for folder, items in folders.items() for name, src in items
        ):
            # Each input in its own scratch folder: two inputs may share a stem.
            scratch = Path(tmp) / str(n)
            scratch.mkdir()
            if pdf_engine == "libreoffice":
                pdf_file = libreoffice_to_pdf(src, scratch)
            else:
                pdf_file = scratch / name
                docx_to_pdf(
                    src,
                    pdf_file,
                    font_dirs=font_dirs,
                    warn=lambda m, s=src: warn(m, s),
                )
            made.setdefault(folder, {})[check_output_name(name)] = pdf_file.read_bytes()
    for folder, pdfs in made.items():
        with transaction(folder, force=force) as out:
            for name, data in pdfs.items():
                out.add(name, data)
        echo_backups(out.backups)
        for warning in out.warnings:
            echo_warning(warning)
        for name in pdfs:
            click.echo(str(folder / name))


def _check_font_dirs(font_dirs: tuple[Path, ...]) -> None:
    """A mistyped --font-dir is an error, as a mistyped --templates is: not silently ignored."""
    missing = [folder for folder in font_dirs if not folder.is_dir()]
    if missing:
        raise DocgenError(
            "\n".join(
                _(
                    "--font-dir {folder}: no such folder. Give a folder that holds .ttf font "
                    "files, or leave --font-dir out."
                ).format(folder=folder)
                for folder in missing
            )
        )


def _targets(files: tuple[Path, ...], out_dir: Path | None) -> dict[Path, list[tuple[str, Path]]]:
    """Output folder → [(PDF name, DOCX)], refusing bad inputs and two inputs for one PDF."""
    from docgen.outputs import check_output_name

    problems: list[str] = []
    folders: dict[Path, list[tuple[str, Path]]] = {}
    claimed: dict[tuple[Path, str], Path] = {}
    for src in files:
        if not src.is_file():
            problems.append(_("{file}: no such file.").format(file=src))
            continue
        if src.suffix.lower() != ".docx":
            problems.append(_("{file}: not a .docx file.").format(file=src))
            continue
        folder = out_dir if out_dir is not None else src.parent
        name = src.stem + ".pdf"
        try:
            check_output_name(name)
        except ValueError:
            problems.append(
                _(
                    "{file}: the name cannot be used for a PDF on every system (a leading dot, "
                    "a reserved or too long name, or a character Windows forbids); rename the "
                    "file."
                ).format(file=src)
            )
            continue
        # Case-insensitive: on Windows and macOS BB.pdf and bb.pdf are one file.
        key = (folder, name.casefold())
        other = claimed.get(key)
        if other is not None:
            if other.resolve() != src.resolve():
                problems.append(
                    _(
                        "{first} and {second} would both be written as {target}; convert them "
                        "into different folders (-o) or rename one."
                    ).format(first=other, second=src, target=folder / name)
                )
            continue
        claimed[key] = src
        folders.setdefault(folder, []).append((name, src))
    if problems:
        raise DocgenError(_("Nothing was converted."), problems)
    return folders


@click.command(
    "doctor",
    help=_("Show the fonts, the LibreOffice and the cache folder docgen uses."),
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

    _check_font_dirs(font_dirs)
    click.echo(_("Fonts (DOCX family → font file):"))
    for line in font_report(("Times New Roman", "Arial", "Courier New"), font_dirs):
        click.echo("  " + line)
    soffice = find_soffice()
    click.echo(
        _("LibreOffice: {path}").format(path=soffice)
        if soffice
        else _("LibreOffice: not found (only --pdf-engine builtin is available)")
    )
    from docgen import cache

    kept = cache.folder()
    click.echo(
        _("Templates already checked are remembered in: {folder}").format(folder=kept)
        if kept is not None
        else _("Templates already checked are not remembered (DOCGEN_CACHE_DIR=off).")
    )
    click.echo(_standby_line())


def _standby_line() -> str:
    from docgen.cli import standby

    if not standby.enabled():
        if standby.turned_off():
            return _("Standby: off (DOCGEN_STANDBY=off); every command runs on its own.")
        return _("Standby: not available on this system; every command runs on its own.")
    if standby.socket_path() is None:
        return _(
            "Standby: not used, because the folder for it in the temporary or runtime folder "
            "is not yours alone (or its path is too long); every command runs on its own."
        )
    state = standby.status()
    if state is None:
        return _(
            "Standby: not running now; the next build starts it, and it makes the builds after "
            "it faster."
        )
    since = dt.datetime.fromtimestamp(state["started"]).strftime("%H:%M %d/%m/%Y")
    return ngettext(
        "Standby (docgen kept ready in the background): process {pid}, running since {since}, "
        "{n:,} command served; it goes away after {minutes} minutes without work.",
        "Standby (docgen kept ready in the background): process {pid}, running since {since}, "
        "{n:,} commands served; it goes away after {minutes} minutes without work.",
        state["served"],
    ).format(
        pid=state["pid"],
        since=since,
        n=state["served"],
        minutes=round(state.get("idle", standby.idle_seconds()) / 60),
    )
