"""``docgen certificates`` and ``docgen awards check``: certificates and award spreadsheets."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

# Only the cheap names at import time: each command below imports what it runs, so
# `docgen awards check` never loads the certificate drawing code, nor the certificates the
# spreadsheet reader.
from docgen.certificates import MODES, certificates_stem
from docgen.cli.options import OutputPath, echo_backups, echo_warning, force_option
from docgen.errors import DocgenError
from docgen.i18n import _, ngettext


def parse_offset(text: str | None) -> tuple[float, float]:
    """'3,-2' → (3.0, -2.0): millimetres right and down."""
    if not text:
        return (0.0, 0.0)
    parts = text.replace(";", ",").split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        dx, dy = (float(p.strip().replace("mm", "")) for p in parts)
        # float() reads "nan" and "inf"; either would be written into the PDF as is.
        if not (math.isfinite(dx) and math.isfinite(dy)):
            raise ValueError
    except ValueError:
        raise DocgenError(
            _(
                "--offset {text!r}: write two numbers of millimetres, right then down, "
                "such as --offset 3,-2 (3 mm right, 2 mm up)."
            ).format(text=text)
        ) from None
    if abs(dx) > 50 or abs(dy) > 50:
        raise DocgenError(
            _("--offset {text!r}: more than 50 mm; measure the calibration again.").format(
                text=text
            )
        )
    return (dx, dy)


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int], None]]:
    # click hides the bar itself when stderr is not a terminal; an empty label keeps it silent.
    if not sys.stderr.isatty():
        yield lambda _n: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


@click.command(
    help=_(
        "Print a bằng khen / giấy khen for every award recipient of MEETING.yaml.\n"
        "\n"
        "One page per recipient, award groups in file order, collectives then individuals. The "
        "layout of each group follows its form (Bằng khen: bang-khen.yaml, Giấy khen: "
        "giay-khen.yaml). Print `docgen certificates --calibration` once per printer to find "
        "--offset."
    )
)
@click.argument("meeting", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=OutputPath(path_type=Path),
    help=_(
        "Folder to write to (default: output/<meeting file name>/); with --calibration, the "
        "PDF file (default: output/calibration.pdf)."
    ),
)
@click.option("--award", metavar=_("KEY"), help=_("Only the award group with this key."))
@click.option(
    "--mode",
    type=click.Choice(MODES),
    default="overlay",
    show_default=True,
    help=_(
        "overlay: only the variable fields, for pre-printed stock; full: the whole certificate."
    ),
)
@click.option(
    "--offset",
    metavar="DX,DY",
    help=_("Printer offset in mm from the calibration sheet: DX right, DY down (e.g. -2,1.5)."),
)
@click.option("--per-recipient", is_flag=True, help=_("One PDF per recipient instead of one PDF."))
@click.option(
    "--preview",
    is_flag=True,
    help=_(
        "Draw each layout's background image (a scan of the stock) to check placement on "
        "screen; the file is named *-preview.pdf. Never print it on the stock."
    ),
)
@click.option(
    "--layouts",
    type=click.Path(file_okay=False, path_type=Path),
    help=_("Folder with your bang-khen.yaml / giay-khen.yaml (others: the built-in ones)."),
)
@click.option("--calibration", is_flag=True, help=_("Print the calibration sheet instead."))
@force_option
def certificates(
    meeting: Path | None,
    output: Path | None,
    award: str | None,
    mode: str,
    offset: str | None,
    per_recipient: bool,
    preview: bool,
    layouts: Path | None,
    calibration: bool,
    force: bool,
) -> None:
    from docgen.certificates import render_certificates, render_per_recipient
    from docgen.identity import meeting_key
    from docgen.loader import load_meeting
    from docgen.outputs import default_output_folder, transaction

    shift = parse_offset(offset)
    if calibration:
        _calibration(output, layouts, shift, mode)
        return
    if meeting is None:
        raise DocgenError(_("give the meeting file: docgen certificates MEETING.yaml"))
    record = load_meeting(meeting)
    folder = output if output is not None else default_output_folder(meeting)
    stem = certificates_stem(mode, award=award, preview=preview and mode == "overlay")
    if preview and mode == "full":
        echo_warning(
            _("--preview draws the stock's background in overlay mode only; it is ignored here.")
        )
    options = dict(award=award, mode=mode, offset=shift, preview=preview, layouts_dir=layouts)
    total = sum(
        len(g.collectives) + len(g.individuals)
        for g in record.awards
        if award is None or g.key == award
    )
    with transaction(folder, force=force, owner=meeting_key(meeting)) as out:
        with _progress(total, _("Certificates")) as progress:
            if per_recipient:
                # The folder holds this list's certificates only: those of a recipient since
                # removed (and the old numbering) go.
                out.own_folder(stem)
                files = render_per_recipient(
                    record, progress=progress, warn=echo_warning, **options
                )
                for name, data in files:
                    out.add(f"{stem}/{name}", data)
            else:
                out.add(
                    f"{stem}.pdf",
                    render_certificates(record, progress=progress, warn=echo_warning, **options),
                )
    echo_backups(out.backups)
    for warning in out.warnings:
        echo_warning(warning)
    if per_recipient:
        click.echo(
            ngettext(
                "Wrote {count} certificate to {folder}/",
                "Wrote {count} certificates to {folder}/",
                len(out.staged),
            ).format(count=len(out.staged), folder=folder / stem)
        )
    else:
        click.echo(
            ngettext(
                "Wrote {count} certificate page to {file}",
                "Wrote {count} certificate pages to {file}",
                total,
            ).format(count=total, file=folder / (stem + ".pdf"))
        )


def _calibration(
    output: Path | None, layouts: Path | None, shift: tuple[float, float], mode: str
) -> None:
    from docgen.certificates import LAYOUT_FOR_FORM, calibration_sheet, layout_path, load_layout
    from docgen.outputs import transaction

    loaded = [load_layout(layout_path(form, layouts)) for form in LAYOUT_FOR_FORM]
    target = output or Path("output") / "calibration.pdf"
    if target.suffix.lower() != ".pdf":
        target = target / "calibration.pdf"
    data = calibration_sheet(loaded, offset=shift, mode=mode)  # type: ignore[arg-type]
    with transaction(target.parent) as out:
        out.add(target.name, data)
    click.echo(
        _(
            "Wrote the calibration sheet ({layouts}) to {file}. "
            "Print it at 100 % and follow the instructions on it."
        ).format(layouts=", ".join(layout.name for layout in loaded), file=target)
    )


@click.group(help=_("Award lists kept in spreadsheets."))
def awards() -> None:
    pass


@awards.command(
    "check",
    help=_(
        "Check an award list (.xlsx or .csv) and print what docgen reads from it.\n"
        "\n"
        "Every problem is reported with its file, sheet, row and column; the exit status is 2 "
        "when there is any."
    ),
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sheet", help=_("Read only this sheet."))
@click.option("--collectives-sheet", help=_("A sheet holding only collectives."))
@click.option("--individuals-sheet", help=_("A sheet holding only individuals."))
def check(
    file: Path,
    sheet: str | None,
    collectives_sheet: str | None,
    individuals_sheet: str | None,
) -> None:
    from docgen.spreadsheet import describe, read_recipients

    found = read_recipients(
        file,
        sheet=sheet,
        collectives_sheet=collectives_sheet,
        individuals_sheet=individuals_sheet,
    )
    click.echo(describe(found))
    click.echo("\n" + _("{file}: valid.").format(file=file))
