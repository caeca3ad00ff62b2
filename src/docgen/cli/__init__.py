"""The ``docgen`` command line: a thin layer over the pipeline modules.

Each sub-command lives in its own module so that a reader finds ``docgen build`` in
``cli/build.py``, and is imported only when it runs. Errors of type :class:`~docgen.errors.DocgenError` become a message on
stderr and exit status 2, never a traceback.

Language: ``--lang`` is an eager option of the group, so it is settled before a sub-command's
module is imported — and that module's help texts, written ``help=_("…")``, are translated
as it loads. Only the group itself exists before ``--lang`` is read: its own texts are kept
in English (:func:`~docgen.i18n.N_`) and translated when the help is shown.
"""

from __future__ import annotations

import importlib
import sys

import click

from docgen import __version__
from docgen.errors import DocgenError
from docgen.i18n import LANGUAGES, N_, _, ngettext, set_language

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
}

# Click's modules say "Usage:", "Error: …", "No such option …" through the stdlib's global
# gettext, whose language comes from the environment, not from --lang. Pointing their
# `_`/`ngettext` at docgen's catalogue (which carries Click's messages, see tools/i18n.py)
# makes Click speak the language docgen speaks.
_CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)


def _route_click_messages() -> None:
    for name in _CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = _
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


_route_click_messages()

GROUP_HELP = N_(
    "Official documents of a Vietnamese meeting, from one YAML record.\n"
    "\n"
    "Start with `docgen new cuoc-hop.yaml`, fill it in, check it with `docgen validate`."
)
LANG_HELP = N_("Language of messages: vi (Vietnamese, the default) or en. Also $DOCGEN_LANG.")
VERSION_HELP = N_("Show the version and exit.")
HELP_HELP = N_("Show this message and exit.")


def _choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    set_language(value)


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

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = _(HELP_HELP)
        return option

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The group was made before --lang was read: put its own words in the language now.
        self.help = _(GROUP_HELP)
        for param in self.params:
            if isinstance(param, click.Option) and getattr(param, "msgid", None):
                param.help = _(param.msgid)
        super().format_help(ctx, formatter)

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except DocgenError as exc:
            click.echo(f"docgen: {exc}", err=True)
            sys.exit(2)


@click.group(
    cls=DocgenGroup, help=GROUP_HELP, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES, case_sensitive=False),
    is_eager=True,
    expose_value=False,
    callback=_choose_language,
    help=LANG_HELP,
)
@click.version_option(__version__, prog_name="docgen", help=VERSION_HELP)
def main() -> None:
    pass


for _param in main.params:
    if isinstance(_param, click.Option):
        _param.msgid = {"lang": LANG_HELP, "version": VERSION_HELP}.get(_param.name)
