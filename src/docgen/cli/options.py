"""Options and messages shared by the commands that write into an output folder.

``docgen build`` and ``docgen certificates`` both write through
:func:`docgen.outputs.transaction`, so they make the same promise about files edited by hand
and report backups and warnings the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import click

from docgen.i18n import _


class OutputPath(click.Path):
    """A ``-o`` path that may not be empty: ``-o ''`` would otherwise mean the current folder."""

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, str) and not value.strip():
            self.fail(
                _("the path is empty; give a folder name, or leave the option out."), param, ctx
            )
        return super().convert(value, param, ctx)


force_option = click.option(
    "--force", is_flag=True, help=_("Replace files edited by hand, keeping backups.")
)


def echo_backups(backups: Iterable[Path]) -> None:
    """Tell the clerk where each replaced hand-edited file was kept."""
    for backup in backups:
        click.echo(_("Kept your edited copy as {backup}").format(backup=backup))


def echo_warning(message: str) -> None:
    """A warning on stderr, so that stdout keeps only what was written."""
    click.echo(_("warning: {message}").format(message=message), err=True)


def echo_notes(notes: list[str]) -> None:
    """What was read differently from how it was typed, one located note each, on stderr."""
    for note in notes:
        click.echo(_("note: {message}").format(message=note), err=True)
