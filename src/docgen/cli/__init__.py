"""The ``docgen`` command line: a thin layer over the pipeline modules.

Each sub-command lives in its own module so that a reader finds ``docgen build`` in
``cli/build.py``, and is imported only when it runs. Errors of type :class:`~docgen.errors.DocgenError` become a message on
stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

from docgen import __version__
from docgen.errors import DocgenError

# Command name → the module defining it (as an attribute of that name). Modules are imported
# only when their command runs, so `docgen pdf` does not pay for the build and certificate
# machinery it never uses.
COMMAND_MODULES = {
    "validate": "docgen.cli.meeting",
    "new": "docgen.cli.meeting",
    "build": "docgen.cli.build",
    "templates": "docgen.cli.templates",
    "pdf": "docgen.cli.pdf",
    "doctor": "docgen.cli.pdf",
    "certificates": "docgen.cli.certificates",
    "awards": "docgen.cli.certificates",
    "register": "docgen.cli.register",
    "serve": "docgen.cli.serve",
}


class DocgenGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is None:
            return None
        command = getattr(importlib.import_module(module), cmd_name)
        assert isinstance(command, click.Command), f"{module}.{cmd_name} is not a command"
        return command

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
