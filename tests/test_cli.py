"""The command group: every command resolves, and a command loads only what it uses."""

from __future__ import annotations

import subprocess
import sys

import click
from click.testing import CliRunner

from docgen.cli import COMMAND_MODULES, main


def test_every_listed_command_resolves_to_a_click_command_of_that_name() -> None:
    context = click.Context(main)
    for name in COMMAND_MODULES:
        command = main.get_command(context, name)
        assert isinstance(command, click.Command)
        assert command.name == name


def test_help_lists_every_command_and_unknown_commands_are_refused() -> None:
    runner = CliRunner()
    listing = runner.invoke(main, ["--help"]).output
    for name in COMMAND_MODULES:
        assert f"  {name} " in listing
    unknown = runner.invoke(main, ["buld"])
    assert unknown.exit_code == 2 and "No such command" in unknown.output


def test_the_pdf_command_does_not_load_the_build_pipeline() -> None:
    probe = (
        "import sys\n"
        "from docgen.cli import main\n"
        "try:\n"
        "    main(['pdf', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m in ('docgen.build', 'docgen.certificates')))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
