"""``docgen build``: every document of one meeting, from its YAML record."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.certificates import MODES as CERTIFICATE_MODES
from docgen.cli.options import OutputPath, echo_backups, echo_notes, echo_warning, force_option
from docgen.documents import DOCUMENTS
from docgen.i18n import _, ngettext
from docgen.pdf import ENGINES as PDF_ENGINES


@click.command(
    help=_(
        "Make the minutes, the conclusion notice, and a decision and a list per award group.\n"
        "\n"
        "All files are written, or none: a broken template or a bad field stops the build "
        "before anything changes on disk."
    )
)
@click.argument("meeting", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=OutputPath(file_okay=False, path_type=Path),
    help=_("Folder to write to (default: output/<meeting file name>/)."),
)
@click.option(
    "--only",
    metavar=_("LIST"),
    help=_("Comma-separated documents to make: {documents} (default: all).").format(
        documents=",".join(DOCUMENTS)
    ),
)
@click.option(
    "--format",
    "formats",
    metavar=_("LIST"),
    help=_("Comma-separated formats: docx,pdf (default: both)."),
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, path_type=Path),
    help=_("Templates folder (default: ./templates if present, else the built-in templates)."),
)
@click.option(
    "--pdf-engine",
    type=click.Choice(PDF_ENGINES),
    default="builtin",
    show_default=True,
    help=_("builtin: docgen's own PDF writer; libreoffice: soffice, where installed."),
)
@click.option(
    "--certificates",
    type=click.Choice([*CERTIFICATE_MODES, "none"]),
    default="overlay",
    show_default=True,
    help=_(
        "Add every recipient's certificate as one PDF: overlay (pre-printed stock) or full. "
        "With --only, only when this option is given."
    ),
)
@click.option(
    "--number",
    type=click.Choice(["auto"]),
    help=_("Draw document numbers from the register instead of the meeting file."),
)
@click.option(
    "--register",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="DOCGEN_REGISTER",
    help=_("Register file for --number auto (default: ./docgen-register.sqlite)."),
)
@force_option
def build(
    meeting: Path,
    output: Path | None,
    only: str | None,
    formats: str | None,
    templates: Path | None,
    pdf_engine: str,
    certificates: str,
    number: str | None,
    register: Path | None,
    force: bool,
) -> None:
    from docgen.build import build as run_build

    source = click.get_current_context().get_parameter_source("certificates")
    if only is not None and source is click.core.ParameterSource.DEFAULT:
        # --only minutes asks for the minutes: not also a 52-page certificates PDF.
        certificates = "none"
    result = run_build(
        meeting,
        output=output,
        only=only,
        formats=formats,
        templates=templates,
        force=force,
        pdf_engine=pdf_engine,
        number=number,
        register=register,
        certificates=None if certificates == "none" else certificates,
    )
    click.echo(_("Templates: {source}").format(source=result.source.describe()))
    for job in result.jobs:
        if job.fallback:
            click.echo(
                "  "
                + _("{template} ({profile}) not there; used the built-in one").format(
                    template=job.template.name, profile=job.profile
                )
            )
    echo_backups(result.backups)
    for warning in result.warnings:
        echo_warning(warning)
    echo_notes(result.notes)
    click.echo(
        ngettext(
            "Wrote {count} file to {folder}:",
            "Wrote {count} files to {folder}:",
            len(result.written),
        ).format(count=len(result.written), folder=result.folder)
    )
    for path in result.written:
        click.echo(f"  {path.name}")
