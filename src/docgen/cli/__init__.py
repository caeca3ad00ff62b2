"""The ``docgen`` command line: a thin layer over the pipeline modules.

Each sub-command lives in its own module so that a reader finds ``docgen build`` in
``cli/build.py``, and is imported only when it runs. Errors of type :class:`~docgen.errors.DocgenError` become a message on
stderr and exit status 2, never a traceback.

Exit statuses: 0 done, 1 problems found (a check that reports them), 2 bad input, 3 a fault
in docgen itself. A clerk cannot act on a traceback, so an unexpected exception becomes one
paragraph naming the step that failed and the log file holding the details (``--debug``
prints the traceback instead, for whoever fixes docgen).

Language: ``--lang`` is an eager option of the group, so it is settled before a sub-command's
module is imported — and that module's help texts, written ``help=_("…")``, are translated
as it loads. Only the group itself exists before ``--lang`` is read: its own texts (and the
command summaries it lists) are kept in English (:func:`~docgen.i18n.N_`) and translated when
the help is shown.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import sys
import tempfile
import traceback
from pathlib import Path

import click

# pydantic looks for plugins by reading the metadata of every installed distribution the first
# time a model is built (importlib.metadata, email, …: about 15 ms of every command that loads
# a meeting). docgen uses none; a user who does can still set the variable to something else.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from docgen import __version__
from docgen.errors import DocgenError
from docgen.i18n import LANGUAGES, N_, _, ngettext, retranslate, set_language

INTERNAL_ERROR = 3
# What a shell reports for a tool that SIGPIPE ended (128 + 13): `docgen … | head` stops as
# `yes | head` does. Python ignores SIGPIPE and raises BrokenPipeError instead.
CLOSED_PIPE = 141

# Command name → the module defining it (as an attribute of that name), and the first
# paragraph of its help, which `docgen --help` lists. Modules are imported only when their
# command runs, so `docgen pdf` does not pay for the build and certificate machinery it never
# uses, and `docgen --help` imports none of them (a test keeps each summary equal to its
# command's own help).
COMMANDS = {
    "validate": ("docgen.cli.meeting", N_("Check MEETING.yaml and print what it holds.")),
    "new": (
        "docgen.cli.meeting",
        N_("Write a commented skeleton meeting file to PATH, ready to fill in."),
    ),
    "build": (
        "docgen.cli.build",
        N_(
            "Make the meeting's documents: minutes, conclusion notice, award decisions and "
            "lists, invitation, programme, award proposals, news report, certificates."
        ),
    ),
    "templates": (
        "docgen.cli.templates",
        N_("List, copy and check the Word templates of the documents."),
    ),
    "pdf": ("docgen.cli.pdf", N_("Convert DOCX FILES to PDF.")),
    "doctor": (
        "docgen.cli.pdf",
        N_("Show the fonts, the LibreOffice and the cache folder docgen uses."),
    ),
    "certificates": (
        "docgen.cli.certificates",
        N_("Print a bằng khen / giấy khen for every award recipient of MEETING.yaml."),
    ),
    "awards": ("docgen.cli.certificates", N_("Award lists kept in spreadsheets.")),
    "register": (
        "docgen.cli.register",
        N_("The register of outgoing documents (sổ đăng ký văn bản đi)."),
    ),
    "serve": (
        "docgen.cli.serve",
        N_("Edit, check and build the meetings of FOLDER (default: here) in the browser."),
    ),
    "check": (
        "docgen.cli.check",
        N_("Check the format of Word documents (.docx) against the official rules."),
    ),
}
COMMAND_MODULES = {name: module for name, (module, _summary) in COMMANDS.items()}

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


# Click translates the "[required]" mark of an option's help at run time, from a plain string
# its own source never marks for extraction; marked here so the catalogue carries it.
N_("required")


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
DEBUG_HELP = N_("On a fault in docgen itself, print the full technical details (traceback).")
OPTION_HELP = {"lang": LANG_HELP, "version": VERSION_HELP, "debug": DEBUG_HELP}
HELP_HELP = N_("Show this message and exit.")


def _choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    set_language(value)


def _speak_usage(command: click.Command) -> None:
    """Click's fixed English in a usage line ("[OPTIONS]", "COMMAND [ARGS]...") and the metavar
    of a path option (Click shows the type's name in capitals, "THƯ MỤC" with a space) in the
    current language, for ``command`` and the commands under it."""
    # Help texts were translated when their module was imported, perhaps in another language.
    command.help = retranslate(command.help)
    for param in (*command.params, getattr(command, "_help_option", None)):
        if isinstance(param, click.Option):
            param.help = retranslate(param.help)
    command.options_metavar = _("[OPTIONS]")
    if isinstance(command, click.Group):
        command.subcommand_metavar = _("COMMAND [ARGS]...")
        for sub in command.commands.values():
            _speak_usage(sub)
    for param in command.params:
        if not isinstance(param, click.Option) or param.is_flag:
            continue
        if param.metavar is not None and not getattr(param, "_docgen_metavar", False):
            continue  # the command chose its own
        kind = param.type
        if isinstance(kind, click.Path):
            if not kind.dir_okay:
                param.metavar = _("FILE")
            elif not kind.file_okay:
                param.metavar = _("FOLDER")
            else:
                param.metavar = _("PATH")
        elif isinstance(kind, click.types.IntParamType):
            param.metavar = _("NUMBER")
        elif isinstance(kind, click.types.StringParamType):
            param.metavar = _("TEXT")
        else:
            continue
        param._docgen_metavar = True  # type: ignore[attr-defined]


def _step(exc: BaseException) -> str:
    """The pipeline step the exception came from: the innermost docgen module on its traceback.

    Longest prefix first, so ``docgen.certificates.layout`` is a layout and not a certificate.
    """
    steps = {
        "docgen.loader": _("reading the meeting file"),
        "docgen.model": _("reading the meeting file"),
        "docgen.vietnamese": _("reading the meeting file"),
        "docgen.spreadsheet": _("reading the recipients' spreadsheet"),
        "docgen.context": _("preparing the documents' contents"),
        "docgen.around": _("preparing the documents' contents"),
        "docgen.documents": _("preparing the documents' contents"),
        "docgen.render": _("filling in the templates"),
        "docgen.sandbox": _("filling in the templates"),
        "docgen.templatecheck": _("checking the templates"),
        "docgen.templates_dir": _("finding the templates"),
        "docgen.safezip": _("opening a Word or Excel file"),
        "docgen.pdf": _("making the PDF files"),
        "docgen.certificates.layout": _("reading the certificate layout"),
        "docgen.certificates": _("making the certificates"),
        "docgen.register": _("numbering the documents (register)"),
        "docgen.outputs": _("writing the files"),
        "docgen.pipeline": _("building the documents"),
        "docgen.build": _("building the documents"),
    }
    module = ""
    for frame, _line in traceback.walk_tb(exc.__traceback__):
        name = frame.f_globals.get("__name__", "")
        if name.startswith("docgen.") and not name.startswith("docgen.cli"):
            module = name
    for prefix in sorted(steps, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return steps[prefix]
    return _("running the command")


def _save_details(exc: BaseException, argv: list[str]) -> Path | None:
    """Write the traceback to a log file in the temporary folder; its path, or None."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (
        f"docgen {__version__}, Python {sys.version.split()[0]}, {sys.platform}\n"
        f"command: docgen {' '.join(argv)}\n\n" + "".join(traceback.format_exception(exc))
    )
    try:
        fd, name = tempfile.mkstemp(prefix=f"docgen-error-{stamp}-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError:
        return None
    return Path(name)


def internal_error_message(exc: BaseException, argv: list[str]) -> str:
    """The paragraph a clerk reads when docgen itself failed."""
    log = _save_details(exc, argv)
    where = (
        _("The details were saved in {log}; send that file to whoever looks after docgen.").format(
            log=log
        )
        if log
        else _("The details could not be saved; run the command again with --debug to see them.")
    )
    return " ".join(
        [
            _(
                "docgen stopped because of a fault in docgen itself, not in your files, while "
                "{step} ({kind}). Nothing was written."
            ).format(step=_step(exc), kind=type(exc).__name__),
            where,
        ]
    )


def _output_closed() -> bool:
    """Whether whoever read our stdout or stderr went away (``docgen … | head``).

    Only then is a BrokenPipeError the reader's doing; one from a pipe docgen opened itself is a
    fault like any other. Where poll() is missing (Windows) it can only be the output.
    """
    import select

    if not hasattr(select, "poll"):
        return True
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            fd = stream.fileno()
        except (AttributeError, OSError, ValueError):
            continue
        poller = select.poll()
        poller.register(fd, 0)  # POLLERR is always reported: the read end is closed
        if any(event & select.POLLERR for _fd, event in poller.poll(0)):
            return True
    return False


def _quit_on_closed_output() -> None:
    """End quietly, as Unix tools do, when the reader of the output closed the pipe."""
    # Python would complain on exit about the unflushed rest of the buffer; send it nowhere.
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            os.dup2(devnull, stream.fileno())
        except (AttributeError, OSError, ValueError):
            pass
    sys.exit(CLOSED_PIPE)


class DocgenGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is None:
            return None
        command = getattr(importlib.import_module(module), cmd_name)
        assert isinstance(command, click.Command), f"{module}.{cmd_name} is not a command"
        _speak_usage(command)
        return command

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = _(HELP_HELP)
        return option

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The group was made before --lang was read: put its own words in the language now.
        self.help = _(GROUP_HELP)
        self.options_metavar = _("[OPTIONS]")
        self.subcommand_metavar = _("COMMAND [ARGS]...")
        for param in self.params:
            if param.name in OPTION_HELP and isinstance(param, click.Option):
                param.help = _(OPTION_HELP[param.name])
        super().format_help(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from :data:`COMMANDS`, laid out as Click would, importing none."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        # A bare Command shortens the summary exactly as the real one would (Click's public
        # API; its helper for it is deprecated).
        rows = [
            (name, click.Command(name, help=_(COMMANDS[name][1])).get_short_help_str(limit))
            for name in names
        ]
        # Click's own heading, in the catalogue Click's messages go through (see above).
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            try:
                result = super().invoke(ctx)
                sys.stdout.flush()  # a closed pipe shows now, not in Python's exit handler
                return result
            except DocgenError as exc:
                click.echo(f"docgen: {exc}", err=True)
                sys.exit(2)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError as exc:
            if _output_closed():
                _quit_on_closed_output()
            self._internal_error(ctx, exc)
        except Exception as exc:
            self._internal_error(ctx, exc)

    def _internal_error(self, ctx: click.Context, exc: Exception) -> None:
        if ctx.params.get("debug"):
            raise exc
        argv = list(ctx.meta.get("docgen.argv", sys.argv[1:]))
        click.echo(f"docgen: {internal_error_message(exc, argv)}", err=True)
        sys.exit(INTERNAL_ERROR)

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: object,
    ) -> object:
        """Run the command line — in the standby (:mod:`docgen.cli.standby`) when one is ready.

        Only a real command line (``args`` None, read from ``sys.argv``) goes there: a caller
        that passes its own arguments (a test, a script) runs them in its own process.
        """
        if args is not None or not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        from docgen.cli import standby

        status = standby.run(sys.argv)
        if status is not None:
            sys.exit(status)
        try:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        except SystemExit:
            standby.after_local_run(sys.argv)
            raise

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["docgen.argv"] = list(args)
        return super().parse_args(ctx, args)


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # Not click.version_option: it translates its message when the module is imported, before
    # --lang is read, so `docgen --lang en --version` would still answer in Vietnamese.
    if value and not ctx.resilient_parsing:
        click.echo(_("%(prog)s, version %(version)s") % {"prog": "docgen", "version": __version__})
        ctx.exit()


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
@click.option(
    "--version",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=_show_version,
    help=VERSION_HELP,
)
@click.option("--debug", is_flag=True, help=DEBUG_HELP)
def main(debug: bool) -> None:
    pass
