"""The standby (docgen.cli.standby): a command sent to it behaves as one run on its own.

Each test runs real ``python -m docgen`` processes with the standby turned on in a runtime
folder of the test's own, and stops the standby it started.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import SAMPLE, docx_parts
from docgen.cli import standby

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="the standby runs on Linux only (fork, SCM_RIGHTS)"
)


@pytest.fixture
def env():
    # Short, as a real runtime folder (/run/user/1000) is: a socket's path has a length limit.
    runtime = Path(tempfile.mkdtemp(prefix="dg-", dir="/tmp"))
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), DOCGEN_STANDBY="on")
    env["DOCGEN_STANDBY_IDLE"] = "60"
    yield env
    _query("stop", env)
    shutil.rmtree(runtime, ignore_errors=True)


def _query(what: str, env: dict, cwd: Path | None = None) -> dict | None:
    """The standby's status (or stop it), asked from a process that sees docgen as the commands do."""
    code = f"import json; from docgen.cli import standby; print(json.dumps(standby.{what}()))"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _ready(env: dict, timeout: float = 20, cwd: Path | None = None) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = _query("status", env, cwd)
        if state is not None:
            return state
        time.sleep(0.1)
    raise AssertionError("no standby started")


def docgen(*args: str, env: dict, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "docgen", *args], env=env, cwd=cwd, capture_output=True, text=True
    )


def test_a_build_after_the_first_runs_in_the_standby_and_makes_the_same_files(tmp_path, env):
    first = docgen("build", str(SAMPLE), "-o", str(tmp_path / "one"), env=env)
    assert first.returncode == 0, first.stderr
    assert _ready(env)["served"] == 0
    second = docgen("build", str(SAMPLE), "-o", str(tmp_path / "two"), env=env)
    assert second.returncode == 0, second.stderr
    state = _query("status", env)
    assert state["served"] == 1
    assert second.stdout.replace("two", "one") == first.stdout
    doctor = docgen("--lang", "en", "doctor", env=env)
    assert f"process {state['pid']}" in doctor.stdout and "1 command served" in doctor.stdout
    one = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert one == sorted(p.name for p in (tmp_path / "two").iterdir())
    assert any(n.endswith(".pdf") for n in one) and any(n.endswith(".docx") for n in one)
    for name in one:
        a, b = (tmp_path / "one" / name).read_bytes(), (tmp_path / "two" / name).read_bytes()
        if name.endswith(".docx"):
            assert docx_parts(a) == docx_parts(b), name
        elif name.endswith(".pdf"):
            ra, rb = PdfReader(io.BytesIO(a)), PdfReader(io.BytesIO(b))
            assert len(ra.pages) == len(rb.pages), name
            assert [p.extract_text() for p in ra.pages] == [p.extract_text() for p in rb.pages]
        elif name == ".docgen-manifest.json":  # hashes of the PDFs, whose save times differ
            assert json.loads(a).keys() == json.loads(b).keys()
        elif name == ".docgen.lock":  # the process id of the build that held the folder
            assert a.isdigit() and b.isdigit()
        else:
            assert a == b, name


def test_the_command_gets_its_own_folder_environment_umask_and_streams(tmp_path, env):
    assert docgen("validate", str(SAMPLE), env=env).returncode == 0
    _ready(env)
    work = tmp_path / "work"
    work.mkdir()
    (work / "cuoc-hop.yaml").write_bytes(SAMPLE.read_bytes())
    script = "import os, runpy, sys; os.umask(0o027); sys.argv[0] = 'docgen'; runpy.run_module('docgen', run_name='__main__')"
    results = {}
    for mode in ("on", "off"):
        run_env = dict(env, DOCGEN_STANDBY=mode, DOCGEN_LANG="vi")
        out = subprocess.run(
            [sys.executable, "-c", script, "build", "cuoc-hop.yaml", "-o", f"ra-{mode}",
             "--only", "minutes", "--format", "docx"],
            env=run_env, cwd=work, capture_output=True, text=True,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        made = work / f"ra-{mode}" / "01-bien-ban.docx"
        results[mode] = (out.stdout.replace(f"ra-{mode}", "ra"), made.stat().st_mode & 0o777)
    assert _query("status", env)["served"] == 1  # the "on" run; "off" and the first, here
    assert results["on"] == results["off"]
    assert results["on"][1] == 0o640  # the command's umask, not the standby's
    assert "biên bản" in results["on"][0].lower() or "01-bien-ban" in results["on"][0]


def test_bad_input_gives_the_same_message_and_status_through_the_standby(tmp_path, env):
    bad = tmp_path / "hop.yaml"
    bad.write_text("meeting:\n  title: Hội nghị\n  date: 31/02/2022\n", encoding="utf-8")
    assert docgen("validate", str(SAMPLE), env=env).returncode == 0
    _ready(env)
    through = docgen("--lang", "vi", "validate", str(bad), env=env)
    alone = docgen("--lang", "vi", "validate", str(bad), env=dict(env, DOCGEN_STANDBY="off"))
    assert _query("status", env)["served"] == 1
    assert through.returncode == alone.returncode == 2
    assert through.stderr == alone.stderr and through.stdout == alone.stdout
    assert "hop.yaml" in through.stderr and "Traceback" not in through.stderr


def test_a_closed_pipe_ends_the_command_as_it_would_alone(env):
    assert docgen("validate", str(SAMPLE), env=env).returncode == 0
    _ready(env)
    # `true` has gone before docgen writes: its output meets a closed pipe.
    shell = f"{sys.executable} -m docgen validate {SAMPLE} | true; echo ${{PIPESTATUS[0]}}"
    for mode in ("on", "off"):
        out = subprocess.run(
            ["bash", "-c", shell], env=dict(env, DOCGEN_STANDBY=mode), capture_output=True
        )
        assert (out.stdout, out.stderr) == (b"141\n", b""), mode
    assert _query("status", env)["served"] == 1


def test_off_unsafe_folder_and_other_commands_start_no_standby(tmp_path, env):
    runtime = Path(env["XDG_RUNTIME_DIR"])
    assert docgen("validate", str(SAMPLE), env=dict(env, DOCGEN_STANDBY="off")).returncode == 0
    assert docgen("--version", env=env).returncode == 0
    assert docgen("templates", "list", env=env).returncode == 0
    time.sleep(0.3)
    assert list(runtime.glob("*/*.sock")) == []
    # A folder others may enter is never used: the command simply runs on its own.
    (runtime / f"docgen-standby-{os.getuid()}").mkdir(mode=0o700)
    os.chmod(runtime / f"docgen-standby-{os.getuid()}", 0o777)
    done = docgen("validate", str(SAMPLE), env=env)
    assert done.returncode == 0, done.stderr
    time.sleep(0.5)
    assert list(runtime.glob("*/*.sock")) == [] and _query("status", env) is None
    doctor = docgen("--lang", "en", "doctor", env=env)
    assert "Standby: not used, because the folder" in doctor.stdout
    doctor = docgen("--lang", "en", "doctor", env=dict(env, DOCGEN_STANDBY="off"))
    assert "Standby: off (DOCGEN_STANDBY=off)" in doctor.stdout


def test_an_idle_standby_goes_away_and_removes_its_socket(tmp_path, env):
    env = dict(env, DOCGEN_STANDBY_IDLE="1")
    assert docgen("validate", str(SAMPLE), env=env).returncode == 0
    state = _ready(env)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _alive(state["pid"]):
        time.sleep(0.2)
    assert not _alive(state["pid"])
    assert list(Path(env["XDG_RUNTIME_DIR"]).glob("*/*.sock")) == []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
def test_another_user_cannot_reach_the_standby(env):
    assert docgen("validate", str(SAMPLE), env=env).returncode == 0
    _ready(env)
    (sock,) = Path(env["XDG_RUNTIME_DIR"]).glob("*/*.sock")
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.setgid(65534)
            os.setuid(65534)
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                conn.connect(str(sock))
            except PermissionError:
                code = 0
        finally:
            os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_the_command_line_names_its_command():
    assert standby.command_of(["--lang", "vi", "build", "x.yaml"]) == "build"
    assert standby.command_of(["--debug", "validate"]) == "validate"
    assert standby.command_of(["--lang=en", "check", "a.docx"]) == "check"
    assert standby.command_of(["--version"]) is None
    assert {"build", "validate"} <= standby.ROUTED and "serve" not in standby.ROUTED


def test_the_socket_name_changes_with_the_code_and_the_locale(monkeypatch):
    first = standby._stamp()
    monkeypatch.setenv("LC_ALL", "C")
    assert standby._stamp() != first
    monkeypatch.delenv("LC_ALL")
    assert standby._stamp() == first
    import docgen.cache

    monkeypatch.setattr(docgen.cache, "code_stamp", lambda: b"another docgen")
    assert standby._stamp() != first


def test_a_socket_path_past_the_system_limit_means_no_standby(monkeypatch, tmp_path):
    deep = tmp_path / ("d" * 60)
    deep.mkdir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(deep))
    assert standby.socket_path() is None
    short = tempfile.mkdtemp(prefix="dg-", dir="/tmp")
    try:
        monkeypatch.setenv("XDG_RUNTIME_DIR", short)
        assert standby.socket_path() is not None
    finally:
        shutil.rmtree(short)


def test_a_stop_signal_reaches_the_command_and_then_ends_the_caller(tmp_path):
    # The caller's side alone, against a stand-in for the standby's copy (a sleeping process):
    # SIGTERM sent to docgen goes on to the copy, and docgen then ends by that signal.
    script = textwrap.dedent(
        """
        import socket, subprocess, sys, threading
        from docgen.cli import standby
        copy = subprocess.Popen(["sleep", "30"])
        mine, theirs = socket.socketpair()
        def hang_up():
            copy.wait()
            print(copy.returncode, flush=True)
            theirs.close()
        threading.Thread(target=hang_up).start()
        with standby._Relay() as relay:
            print("ready", flush=True)
            relay.to(copy.pid)
            standby._wait(mine.makefile("rb"), relay)
        print("not reached", flush=True)
        """
    )
    caller = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert caller.stdout.readline() == "ready\n"
    time.sleep(0.2)
    caller.send_signal(signal.SIGTERM)
    out, _ = caller.communicate(timeout=20)
    assert out.split() == [str(-signal.SIGTERM)]
    assert caller.returncode == -signal.SIGTERM


def test_a_copy_that_dies_without_a_status_is_reported(capsys):
    mine, theirs = socket.socketpair()
    theirs.close()
    with standby._Relay() as relay:
        relay.to(os.getpid())
        assert standby._wait(mine.makefile("rb"), relay) == 3
    err = capsys.readouterr().err
    assert "DOCGEN_STANDBY=off" in err


def test_ctrl_c_stops_a_command_running_in_the_standby_and_writes_nothing(tmp_path, env):
    from docx_samples import award_list_fast

    big = award_list_fast(tmp_path / "danh-sach.docx", 6000)  # a few seconds of PDF work
    small = award_list_fast(tmp_path / "nho.docx", 5)
    assert docgen("pdf", str(small), "-o", str(tmp_path / "warm"), env=env).returncode == 0
    served = _ready(env)["served"]
    out = tmp_path / "out"
    caller = subprocess.Popen(
        [sys.executable, "-m", "docgen", "pdf", str(big), "-o", str(out)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while _query("status", env)["served"] == served and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    assert caller.poll() is None, "the command ended before it could be stopped"
    started = time.monotonic()
    caller.send_signal(signal.SIGINT)
    _out, err = caller.communicate(timeout=30)
    assert time.monotonic() - started < 3  # stopped, not finished
    # What Ctrl-C does to the same command run on its own, at the same point of its work.
    alone = subprocess.Popen(
        [sys.executable, "-m", "docgen", "pdf", str(big), "-o", str(tmp_path / "alone")],
        env=dict(env, DOCGEN_STANDBY="off"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    time.sleep(1.5)
    assert alone.poll() is None
    alone.send_signal(signal.SIGINT)
    _out, alone_err = alone.communicate(timeout=30)
    assert caller.returncode == alone.returncode != 0
    assert err == alone_err and "Traceback" not in err
    assert not out.exists() or not any(out.glob("*.pdf"))


def test_a_relative_pythonpath_gets_a_standby_of_the_same_docgen_and_replaces_its_old_one(env):
    # Whoever works on docgen runs it as PYTHONPATH=src from a checkout: the standby must run
    # that checkout's code, and the standby of the code before an edit must not linger.
    checkout = Path(tempfile.mkdtemp(prefix="dg-co-", dir="/tmp"))
    try:
        shutil.copytree(
            Path(standby.__file__).parents[1],
            checkout / "src" / "docgen",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        local = dict(env, PYTHONPATH="src")
        done = docgen("validate", str(SAMPLE), env=local, cwd=checkout)
        assert done.returncode == 0, done.stderr
        first = _ready(local, cwd=checkout)
        assert first["package"] == str(checkout / "src" / "docgen")
        edited = checkout / "src" / "docgen" / "cli" / "standby.py"
        edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        done = docgen("validate", str(SAMPLE), env=local, cwd=checkout)
        assert done.returncode == 0, done.stderr
        second = _ready(local, cwd=checkout)
        assert second["pid"] != first["pid"]
        deadline = time.monotonic() + 15
        while _alive(first["pid"]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(first["pid"])
        assert len(list(Path(env["XDG_RUNTIME_DIR"]).glob("*/*.sock"))) == 1
    finally:
        _query("stop", local, checkout)
        shutil.rmtree(checkout, ignore_errors=True)
