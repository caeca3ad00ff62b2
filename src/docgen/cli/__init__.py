"""The ``docgen`` command line: a thin layer over the pipeline modules.

Each sub-command lives in its own module so that a reader finds ``docgen build`` in
``cli/build.py``. Errors of type :class:`~docgen.errors.DocgenError` become a message on
stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import sys

import click

from docgen import __version__
from docgen.errors import DocgenError


class DocgenGroup(click.Group):
    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except DocgenError as exc:
            click.echo(f"docgen: {exc}", err=True)
            sys.exit(2)


@click.group(cls=DocgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docgen")
def main() -> None:
    """Official documents of a Vietnamese meeting, from one YAML record.

    Start with `docgen new cuoc-hop.yaml`, fill it in, check it with `docgen validate`.
    """


def _register() -> None:
    # Imported here, not at the top, so each command module can import ``main``'s helpers
    # without a cycle; one line per command module.
    from docgen.cli import build as build_cli
    from docgen.cli import certificates as certificates_cli
    from docgen.cli import meeting
    from docgen.cli import pdf as pdf_cli
    from docgen.cli import register as register_cli
    from docgen.cli import templates as templates_cli

    for module in (build_cli, templates_cli, meeting, pdf_cli, certificates_cli, register_cli):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
