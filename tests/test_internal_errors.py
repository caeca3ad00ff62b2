"""A fault in docgen itself: one paragraph, a log file, exit status 3 — never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.cli import INTERNAL_ERROR, main


def _break_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    import docgen.cli.meeting as meeting_cli

    def broken(record):  # a bug in docgen, deep inside a command
        return {}["missing"]

    monkeypatch.setattr(meeting_cli, "summary", broken)


def _break_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    import docgen.loader as loader

    def broken(record):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(loader, "reference_problems", broken)


def _log_path(output: str) -> Path:
    found = re.search(r"(\S+docgen-error-\S+\.log)", output)
    assert found, output
    return Path(found.group(1))


def test_an_unexpected_exception_is_one_paragraph_with_a_log_and_exit_3(
    monkeypatch, sample_path
) -> None:
    _break_summary(monkeypatch)
    result = CliRunner().invoke(main, ["validate", str(sample_path)])
    assert result.exit_code == INTERNAL_ERROR == 3
    assert "Traceback" not in result.output
    message = result.output.strip()
    assert "\n" not in message  # one paragraph
    log = _log_path(message)
    try:
        details = log.read_text(encoding="utf-8")
        assert "Traceback" in details and "KeyError: 'missing'" in details
        assert f"validate {sample_path}" in details  # the command as typed
    finally:
        log.unlink()


def test_the_step_that_failed_is_named(monkeypatch, sample_path) -> None:
    from docgen.i18n import set_language

    set_language("en")
    try:
        _break_loader(monkeypatch)
        result = CliRunner().invoke(main, ["validate", str(sample_path)])
        assert result.exit_code == 3
        assert "while reading the meeting file (ZeroDivisionError)" in result.output
        assert "Nothing was written" in result.output
        _log_path(result.output).unlink()
    finally:
        set_language(None)


def test_debug_prints_the_traceback_instead(monkeypatch, sample_path) -> None:
    _break_summary(monkeypatch)
    result = CliRunner().invoke(main, ["--debug", "validate", str(sample_path)])
    # CliRunner catches what main raises: with --debug the exception itself comes through.
    assert isinstance(result.exception, KeyError)
    assert result.exit_code == 1


def test_a_real_process_with_a_fault_exits_3_without_traceback(tmp_path: Path, sample_path) -> None:
    probe = (
        "import sys, docgen.cli.meeting as m\n"
        "m.summary = lambda record: 1 / 0\n"
        "from docgen.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    env_tmp = tmp_path / "tmp"
    env_tmp.mkdir()
    import os

    env = {**os.environ, "TMPDIR": str(env_tmp)}
    done = subprocess.run(
        [sys.executable, "-c", probe, "validate", str(sample_path)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 3
    assert "Traceback" not in done.stderr + done.stdout
    logs = list(env_tmp.glob("docgen-error-*.log"))
    assert len(logs) == 1 and str(logs[0]) in done.stderr
    assert "ZeroDivisionError" in logs[0].read_text(encoding="utf-8")
    debug = subprocess.run(
        [sys.executable, "-c", probe, "--debug", "validate", str(sample_path)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_user_errors_still_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "none.yaml"
    result = CliRunner().invoke(main, ["validate", str(missing)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def _run_into_closed_pipe(tmp_path: Path, args: list[str], *, probe: str = "") -> tuple[int, str]:
    """Run docgen with stdout a pipe whose reader is already gone (``docgen … | head``)."""
    import os

    env_tmp = tmp_path / "tmp"
    env_tmp.mkdir(exist_ok=True)
    read_end, write_end = os.pipe()
    os.close(read_end)
    code = probe + "import sys\nfrom docgen.cli import main\nmain(sys.argv[1:])\n"
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "TMPDIR": str(env_tmp)},
        )
    finally:
        os.close(write_end)
    assert not list(env_tmp.glob("docgen-error-*.log"))  # no log file: nothing went wrong
    return done.returncode, done.stderr


@pytest.mark.parametrize(
    "args",
    [["validate", "{sample}"], ["templates", "list"], ["--lang", "en", "validate", "{sample}"]],
)
def test_a_closed_output_pipe_ends_quietly_as_unix_tools_do(
    tmp_path: Path, sample_path, args
) -> None:
    from docgen.cli import CLOSED_PIPE

    args = [arg.format(sample=sample_path) for arg in args]
    status, stderr = _run_into_closed_pipe(tmp_path, args)
    assert status == CLOSED_PIPE == 141  # what the shell shows for `yes | head`
    assert stderr == ""  # no "internal error", no "Exception ignored", no traceback


def test_a_broken_pipe_of_docgen_s_own_is_still_an_internal_error(
    tmp_path: Path, sample_path
) -> None:
    import os

    probe = (
        "import docgen.cli.meeting as m\n"
        "def broken(record):\n"
        "    raise BrokenPipeError(32, 'Broken pipe')\n"
        "m.summary = broken\n"
    )
    env_tmp = tmp_path / "tmp"
    env_tmp.mkdir()
    code = probe + "import sys\nfrom docgen.cli import main\nmain(sys.argv[1:])\n"
    done = subprocess.run(
        [sys.executable, "-c", code, "validate", str(sample_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "TMPDIR": str(env_tmp)},
    )
    assert done.returncode == INTERNAL_ERROR
    assert "BrokenPipeError" in done.stderr
    assert len(list(env_tmp.glob("docgen-error-*.log"))) == 1
