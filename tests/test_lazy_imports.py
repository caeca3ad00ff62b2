"""Each command imports what it runs and nothing more, so a clerk does not wait for the rest.

Measured in a fresh interpreter per case: which docgen modules (and heavy libraries) are in
``sys.modules`` after the command ran. The timings themselves are benchmarks/bench_build.py's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE

HEAVY_LIBRARIES = ("pydantic", "yaml", "jinja2", "lxml", "docx", "docxtpl", "reportlab", "openpyxl")


def modules_after(args: list[str], cwd: Path = ROOT, *, one_process: bool = False) -> set[str]:
    """The modules loaded by running ``docgen ARGS`` in a new interpreter.

    ``one_process``: a build makes half its files in a forked copy (docgen.forking), whose
    imports this process would not see; counted here, they are all in one.
    """
    probe = (
        "import json, sys\n"
        + (
            "import docgen.forking\ndocgen.forking.available = lambda: False\n"
            if one_process
            else ""
        )
        + "from docgen.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=cwd, check=True
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["-h"]])
def test_help_and_version_import_no_pipeline_module(args) -> None:
    loaded = modules_after(args)
    docgen = {m for m in loaded if m == "docgen" or m.startswith("docgen.")}
    assert docgen == {"docgen", "docgen.cli", "docgen.errors", "docgen.i18n"}
    assert not {m.split(".")[0] for m in loaded} & set(HEAVY_LIBRARIES)


def test_the_command_list_needs_no_command_module() -> None:
    # `docgen --help` lists every command with its summary from the table alone; the
    # summaries must stay those of the commands themselves.
    import click

    from docgen.cli import COMMANDS, main

    for name, (module, summary) in COMMANDS.items():
        command = main.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.callback.__module__ == module
        first = " ".join((command.help or "").split("\n\n")[0].split())
        assert first == summary, f"COMMANDS[{name!r}] no longer matches its help"
        for width in (30, 45, 60):
            listed = click.Command(name, help=summary).get_short_help_str(width)
            assert listed == command.get_short_help_str(width)


def test_validate_loads_the_model_but_nothing_that_builds() -> None:
    loaded = modules_after(["validate", str(SAMPLE)])
    assert {"docgen.loader", "docgen.model"} <= loaded
    building = {
        "docgen.build",
        "docgen.pipeline",
        "docgen.render",
        "docgen.sandbox",
        "docgen.templatecheck",
        "docgen.outputs",
        "docgen.certificates.layout",
        "docgen.pdf.writer",
    }
    assert not loaded & building
    assert not {m.split(".")[0] for m in loaded} & {"jinja2", "docx", "docxtpl", "reportlab"}
    # typing_extensions before 4.16 made every pydantic import load asyncio and ssl (pyproject).
    assert not loaded & {"asyncio", "ssl"}


def test_a_build_without_certificates_never_loads_their_code(tmp_path) -> None:
    loaded = modules_after(
        ["build", str(SAMPLE), "-o", str(tmp_path), "--format", "docx", "--certificates", "none"]
    )
    assert "docgen.pipeline" in loaded and "docgen.render" in loaded
    assert not {m for m in loaded if m.startswith("docgen.certificates.")}
    assert "docgen.pdf.writer" not in loaded  # no PDF asked for: the engine stays unloaded


def test_a_build_with_certificates_skips_the_calibration_code(tmp_path) -> None:
    loaded = modules_after(
        ["build", str(SAMPLE), "-o", str(tmp_path), "--format", "docx"], one_process=True
    )
    assert "docgen.certificates.render" in loaded
    assert "docgen.certificates.calibration" not in loaded


def test_checking_an_award_spreadsheet_loads_no_certificate_code() -> None:
    loaded = modules_after(["awards", "check", str(ROOT / "seeds" / "lang-son-2022-awards.xlsx")])
    assert "docgen.spreadsheet" in loaded
    assert not {m for m in loaded if m.startswith("docgen.certificates.")}
