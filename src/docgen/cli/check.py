"""``docgen check``: the format check of Word documents, and ``--fix`` for a corrected copy."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from docgen.errors import DocgenError
from docgen.i18n import _


def _kinds() -> list[str]:
    from docgen import formats

    return list(formats.rules().kinds)


@click.command(
    "check",
    help=_(
        "Check the format of Word documents (.docx) against the official rules.\n"
        "\n"
        "Exit status 0 when no file has an error, 1 when any has, 2 when a file cannot be read."
    ),
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--profile",
    type=click.Choice(["auto", "state", "party"], case_sensitive=False),
    default="auto",
    show_default=True,
    help=_("Which rules: state (Nghị định 30), party (Hướng dẫn 36), or tell from the header."),
)
@click.option(
    "--kind",
    type=click.Choice(_kinds(), case_sensitive=False),
    default=None,
    help=_("The kind of document, when its type name does not say (default: from the document)."),
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"], case_sensitive=False),
    default="text",
    show_default=True,
    help=_("text for people, json for other programs."),
)
@click.option(
    "--fix",
    is_flag=True,
    help=_("Write a corrected copy NAME.fixed.docx beside each file (the original is kept)."),
)
@click.option("--force", is_flag=True, help=_("With --fix: replace an existing NAME.fixed.docx."))
def check(
    files: tuple[Path, ...], profile: str, kind: str | None, output: str, fix: bool, force: bool
) -> None:
    """``docgen check FILE.docx…``: findings per file, and with --fix a corrected copy."""
    from docgen.check import check_file, fix_file
    from docgen.check.report import json_report, text_report

    problems = []
    for path in files:
        if not path.is_file():
            problems.append(_("{file}: no such file.").format(file=path))
        elif path.suffix.lower() != ".docx":
            problems.append(
                _("{file}: not a .docx file; save it from Word as “Word document (.docx)”.").format(
                    file=path
                )
            )
    if problems:
        raise DocgenError(_("Nothing was checked.") + " " + " ".join(problems))
    chosen = None if profile.lower() == "auto" else profile.lower()
    kind = kind.lower() if kind else None
    results = []
    for path in files:
        if fix:
            results.append(fix_file(path, chosen, kind, force=force))
        else:
            results.append(check_file(path, chosen, kind))
    if output.lower() == "json":
        click.echo(json_report(results))
    else:
        click.echo("\n\n".join(text_report(r) for r in results))
    # With --fix, what counts is what is left in the corrected copy (or the file, if none).
    if fix:
        failed = any(any(f.severity == "error" for f in r.left) for r in results)
    else:
        failed = any(r.errors for r in results)
    sys.exit(1 if failed else 0)
