"""A docgen kept ready in the background, so that the next command starts with its modules loaded.

Why: of the second a ``docgen build`` of the sample takes, about 0.4 s is Python importing
pydantic, python-docx, docxtpl, Jinja and reportlab — the same work, to the same result, every
time a clerk builds again. A process that has already imported them and waits can start the
next build in a few milliseconds (the model of Bazel's server and Gradle's daemon).

How it works:

* The first build (or ``validate``, ``certificates``, ``pdf``, ``check``) runs as it always
  did, in its own process, and then starts the *standby*: a detached ``python -m
  docgen.cli.standby`` that imports the modules that command needed and waits on a Unix socket.
* The next such command connects and hands over its argument list, working folder,
  environment, umask and its three standard streams — the open files themselves, passed over
  the socket (``SCM_RIGHTS``) — and the standby forks. The copy takes them on and runs the
  command line exactly as a fresh process would, writing straight to the user's terminal or
  pipe, and reports the exit status back. The standby itself runs nothing, so nothing of one
  command (a meeting, a language, a cache in memory) can leak into the next.
* Ctrl-C and the other stop signals the user sends to ``docgen`` are passed on to the copy.

When it is not used: ``DOCGEN_STANDBY=off``; any system but Linux (fork is unsafe on macOS
and missing on Windows); a folder for its socket that is not this user's alone. Then every
command simply runs in its own process, as before.

Staying current: the socket's name carries a stamp of docgen's code, the Python, the folders
its libraries are installed in and the locale variables, so after an upgrade or an edit of
docgen a command finds no standby of its kind and starts a fresh one; the old one goes away
after :data:`IDLE_SECONDS` without work, as every standby does (``DOCGEN_STANDBY_IDLE``).

Safety: the socket lives in the user's runtime folder (``$XDG_RUNTIME_DIR``) or in a folder of
the temporary folder that must belong to this user with no access for anyone else, and the
standby serves only a peer of its own user id (``SO_PEERCRED``).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import io
import json
import os
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "ROUTED",
    "after_local_run",
    "enabled",
    "idle_seconds",
    "run",
    "status",
    "stop",
    "turned_off",
]

#: Commands sent to the standby: batch jobs that read files and write files or a report. Not
#: ``serve`` (a long-running server of its own), nor the commands that create or edit a file
#: the user then opens, whose speed nobody waits on.
ROUTED = frozenset({"build", "validate", "certificates", "pdf", "check"})

#: Seconds without a command after which a standby goes away.
IDLE_SECONDS = 600

_LOCALE_VARIABLES = ("LANG", "LC_ALL", "LC_CTYPE", "PYTHONIOENCODING", "PYTHONUTF8")
_FRAME = struct.Struct("!I")
_REAP_EVERY = 2.0  # seconds between collecting finished copies while no command comes


# ---------------------------------------------------------------- where, and whether


def turned_off() -> bool:
    """Whether the user turned the standby off (``DOCGEN_STANDBY=off``)."""
    from docgen.cache import OFF_VALUES

    return os.environ.get("DOCGEN_STANDBY", "").strip().lower() in OFF_VALUES


def enabled() -> bool:
    """Whether commands may go through a standby here (see the module docstring)."""
    if turned_off():
        return False
    return (
        sys.platform == "linux"
        and hasattr(os, "fork")
        and hasattr(socket, "AF_UNIX")
        and hasattr(socket, "send_fds")
        and hasattr(socket, "SO_PEERCRED")
    )


def _folder() -> Path | None:
    """The folder of this user's standby sockets, made if need be; None if it is not safe."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "").strip()
    base = Path(runtime) if runtime and os.path.isabs(runtime) else Path(tempfile.gettempdir())
    path = base / f"docgen-standby-{os.getuid()}"
    try:
        path.mkdir(mode=0o700, exist_ok=True)
        st = path.lstat()
    except OSError:
        return None
    # A folder someone else made, or can enter, could hold a socket that is not ours.
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        return None
    return path


def _stamp() -> str:
    """What a standby must share with a command to run it as that command's own process would."""
    from docgen.cache import code_stamp

    digest = hashlib.sha256(code_stamp())
    digest.update(sys.executable.encode(errors="surrogateescape"))
    # A library installed, upgraded or removed changes its folder's modification time.
    for entry in sys.path[1:]:  # [0] is the script's folder, or the working folder
        with contextlib.suppress(OSError):
            digest.update(f"{entry}|{os.stat(entry or '.').st_mtime_ns}\n".encode(errors="replace"))
    for name in _LOCALE_VARIABLES:
        digest.update(f"{name}={os.environ.get(name)}\n".encode(errors="replace"))
    digest.update(f"{sys.flags.utf8_mode}|{sys.getfilesystemencoding()}".encode())
    return digest.hexdigest()[:24]


def socket_path() -> Path | None:
    """The socket of the standby for this docgen, or None where no standby can be used."""
    folder = _folder()
    if folder is None:
        return None
    address = folder / f"{_stamp()}.sock"
    # The system's limit on a socket's path (108 bytes on Linux, the final NUL included).
    return address if len(os.fsencode(address)) < 108 else None


def command_of(argv: list[str]) -> str | None:
    """The sub-command named in ``argv`` (after the group's own options), or None."""
    args = iter(argv)
    for arg in args:
        if arg == "--":
            return next(args, None)
        if arg == "--lang":
            next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None


# ---------------------------------------------------------------- the command's side


def _send(conn: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode()
    frame = _FRAME.pack(len(data)) + data
    if fds:
        sent = socket.send_fds(conn, [frame], fds)
        conn.sendall(frame[sent:])
    else:
        conn.sendall(frame)


def _receive_request(conn: socket.socket) -> tuple[dict | None, list[int]]:
    """The command's one message and the three files that came with it (None if cut short)."""
    data, fds, _flags, _addr = socket.recv_fds(conn, 65536, 3)
    rest = conn.makefile("rb")
    buffer = data + rest.read(max(0, _FRAME.size - len(data)))
    if len(buffer) < _FRAME.size:
        return None, fds
    (length,) = _FRAME.unpack_from(buffer)
    body = buffer[_FRAME.size :] + rest.read(max(0, _FRAME.size + length - len(buffer)))
    return (json.loads(body) if len(body) == length else None), fds


def _read(stream: io.BufferedReader) -> dict | None:
    """The next message from the other side, or None when it hung up."""
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        return None
    (length,) = _FRAME.unpack(head)
    body = stream.read(length)
    return json.loads(body) if len(body) == length else None


def _connect(address: Path) -> socket.socket | None:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(str(address))
    except OSError:
        conn.close()
        return None
    return conn


def _program_name(argv0: str) -> str:
    """What Click would call the program in its usage lines: ``docgen`` or ``python -m docgen``."""
    if os.path.basename(argv0) == "__main__.py":
        return "python -m docgen"
    return os.path.basename(argv0) or "docgen"


def run(argv: list[str]) -> int | None:
    """Run the command line ``argv`` (``sys.argv``) in the standby: its exit status, or None
    when there is no standby for it and the command must run in this process."""
    if command_of(argv[1:]) not in ROUTED or not enabled() or _completing():
        return None
    address = socket_path()
    conn = None if address is None else _connect(address)
    if conn is None:
        return None
    with conn:
        umask = os.umask(0o022)
        os.umask(umask)
        try:
            cwd = os.getcwd()
        except OSError:  # a working folder removed under us: let the command itself say so
            return None
        request = {
            "kind": "run",
            "args": argv[1:],
            "argv": argv,
            "prog": _program_name(argv[0]),
            "cwd": cwd,
            "env": dict(os.environ),
            "umask": umask,
        }
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        replies = conn.makefile("rb")
        with _Relay() as relay:
            try:
                _send(conn, request, [0, 1, 2])
                started = _read(replies)
            except (OSError, ValueError):
                started = None
            if not started or "pid" not in started:
                relay.end_as_sent()  # Ctrl-C before the standby took the command: stop here
                return None  # the standby went away before it took the command: run it here
            relay.to(int(started["pid"]))
            return _wait(replies, relay)


class _Relay:
    """Stop signals sent to this process, passed on to the standby's copy once it is known.

    Ctrl-C in a terminal reaches the foreground process — this one, not the copy, which runs
    in the standby's session.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)

    def __enter__(self) -> _Relay:
        self.pid: int | None = None
        self.sent: list[int] = []
        self.previous = {signum: signal.signal(signum, self._forward) for signum in self.SIGNALS}
        return self

    def __exit__(self, *_exc: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def _forward(self, signum: int, _frame: object) -> None:
        self.sent.append(signum)
        if self.pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signum)

    def to(self, pid: int) -> None:
        self.pid = pid
        for signum in self.sent:
            with contextlib.suppress(OSError):
                os.kill(pid, signum)

    def end_as_sent(self) -> None:
        """End this process by the last signal sent, as it would have ended without a relay."""
        if self.sent:
            signal.signal(self.sent[-1], signal.SIG_DFL)
            os.kill(os.getpid(), self.sent[-1])


def _wait(replies: io.BufferedReader, relay: _Relay) -> int:
    """The exit status the standby's copy reports, its stop signals relayed meanwhile."""
    try:
        ended = _read(replies)
    except (OSError, ValueError):
        ended = None
    if ended is not None and "status" in ended:
        return int(ended["status"])
    # The copy ended without a status: by the signal the user sent (so does this process), or
    # by a fault.
    relay.end_as_sent()
    from docgen.i18n import _

    print(
        "docgen: "
        + _(
            "The docgen kept ready in the background stopped before the command finished. "
            "Run the command again; if this happens again, set DOCGEN_STANDBY=off to run "
            "every command on its own, and tell whoever looks after docgen."
        ),
        file=sys.stderr,
    )
    return 3  # docgen.cli.INTERNAL_ERROR: a fault of docgen's, not of the user's files


def _completing() -> bool:
    # Shell completion is answered by Click from the environment, in this process.
    return any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ)


def after_local_run(argv: list[str]) -> None:
    """After a command ran in this process, start a standby for the next one (best effort)."""
    if command_of(argv[1:]) not in ROUTED or not enabled() or _completing():
        return
    address = socket_path()
    if address is None or _answers(address):  # one is there (a command that chose to run here)
        return
    modules = _loadable(list(sys.modules))
    with contextlib.suppress(OSError, ValueError):
        spawned = subprocess.Popen(
            [sys.executable, "-m", "docgen.cli.standby", str(address), _package()],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
            # Here, so that a relative PYTHONPATH (PYTHONPATH=src) finds the same docgen.
            cwd=os.getcwd(),
        )
        assert spawned.stdin is not None
        spawned.stdin.write("\n".join(modules).encode())
        spawned.stdin.close()
        # Not waited for: it outlives this command on purpose. Marking it finished keeps
        # Python from warning at exit about a child it still runs.
        spawned.returncode = 0


def status() -> dict | None:
    """What the standby for this docgen reports of itself (pid, started, served), or None."""
    return _ask(socket_path(), "status") if enabled() else None


def stop() -> bool:
    """Ask the standby for this docgen to go away now; whether there was one."""
    return enabled() and _ask(socket_path(), "stop") is not None


def _ask(address: Path | None, kind: str) -> dict | None:
    """The standby at ``address``'s answer to a request of ``kind``, or None if none came."""
    conn = None if address is None else _connect(address)
    if conn is None:
        return None
    with conn:
        try:
            _send(conn, {"kind": kind})
            return _read(conn.makefile("rb"))
        except (OSError, ValueError):
            return None


def _answers(address: Path) -> bool:
    """Whether a standby listens at ``address``."""
    conn = _connect(address)
    if conn is not None:
        conn.close()
    return conn is not None


# ---------------------------------------------------------------- the standby's side


def _package() -> str:
    """The folder of the docgen this process runs (a standby must run the same one)."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _serve(address: Path, package: str, modules: list[str]) -> None:
    import fcntl  # Unix only, as the standby is; the command's side runs everywhere

    if _package() != package:
        return  # this interpreter finds another docgen than the command that started it
    os.chdir("/")  # holds no folder of the user's busy; sys.path is absolute by now
    lock_path = address.with_suffix(".lock")
    with open(lock_path, "a+b") as lock:
        # Two commands ending at once may both start a standby: the second finds the socket
        # taken (by a live standby) and leaves.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _answers(address):
            return
        with contextlib.suppress(FileNotFoundError):
            address.unlink()  # left by a standby that was killed
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o177)
        try:
            listener.bind(str(address))
        finally:
            os.umask(old_umask)
        listener.listen(16)
        fcntl.flock(lock, fcntl.LOCK_UN)
    mine = os.stat(address).st_ino

    def leave(_signum: int, _frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGHUP, leave)
    try:
        # Commands that connect now wait in the queue until the modules are loaded.
        _retire_others(address)
        _load(modules)
        _accept_loop(listener)
    finally:
        listener.close()
        with contextlib.suppress(OSError):
            if os.stat(address).st_ino == mine:
                address.unlink()


def _retire_others(address: Path) -> None:
    """Stop the standbys of this same docgen and Python left from before its code changed.

    After an upgrade (or each edit, for whoever works on docgen) the old standby's stamp
    matches no command any more; it would only wait out its idle time.
    """
    for other in address.parent.glob("*.sock"):
        if other == address:
            continue
        state = _ask(other, "status")
        if state and state.get("package") == _package() and state.get("python") == sys.executable:
            _ask(other, "stop")


def _load(modules: list[str]) -> None:
    import importlib

    from docgen.cli import COMMAND_MODULES

    wanted = [*modules, *(COMMAND_MODULES[name] for name in sorted(ROUTED))]
    for name in wanted:
        with contextlib.suppress(Exception):
            importlib.import_module(name)


def idle_seconds() -> float:
    """Seconds without a command after which a standby goes away."""
    try:
        return float(os.environ.get("DOCGEN_STANDBY_IDLE", IDLE_SECONDS))
    except ValueError:
        return IDLE_SECONDS


def _accept_loop(listener: socket.socket) -> None:
    idle = idle_seconds()
    started = time.time()
    served = 0
    last = time.monotonic()
    lessons: dict[int, int] = {}  # a copy's process id → the pipe it names its new modules on
    listener.settimeout(min(_REAP_EVERY, idle))
    while True:
        _reap(lessons)
        try:
            conn, _addr = listener.accept()
        except TimeoutError:
            if time.monotonic() - last >= idle:
                return
            continue
        last = time.monotonic()
        _reap(lessons)  # so that a status counts the copy that has just ended
        with conn:
            conn.setblocking(True)
            if not _same_user(conn):
                continue
            conn.settimeout(10)
            try:
                request, fds = _receive_request(conn)
            except (OSError, ValueError):
                continue
            try:
                if request is None:
                    continue
                kind = request.get("kind")
                if kind == "status":
                    import resource

                    spent = resource.getrusage(resource.RUSAGE_CHILDREN)
                    answer = {
                        "pid": os.getpid(),
                        "started": started,
                        "served": served,
                        "idle": idle,
                        "package": _package(),
                        "python": sys.executable,
                        # What the commands it ran used, for benchmarks/bench_build.py.
                        "cpu": spent.ru_utime + spent.ru_stime,
                        "peak_mb": spent.ru_maxrss / 1024,
                    }
                    with contextlib.suppress(OSError):
                        _send(conn, answer)
                elif kind == "stop":
                    with contextlib.suppress(OSError):
                        _send(conn, {"stopping": True})
                    return
                elif kind == "run" and len(fds) == 3:
                    served += 1
                    learn, tell = os.pipe()
                    pid = os.fork()
                    if pid == 0:
                        listener.close()
                        for fd in (learn, *lessons.values()):
                            os.close(fd)
                        conn.settimeout(None)
                        _become(conn, request, fds, tell)  # never returns
                    os.close(tell)
                    lessons[pid] = learn
            finally:
                for fd in fds:
                    with contextlib.suppress(OSError):
                        os.close(fd)


def _same_user(conn: socket.socket) -> bool:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid == os.getuid()


def _reap(lessons: dict[int, int]) -> None:
    """Collect the copies that ended, and load the modules they had to import themselves.

    A standby started after ``validate`` has not loaded the PDF engine; the first build it
    runs imports it in its copy and names it here, so the builds after it start with it.
    """
    learned: list[str] = []
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
        learn = lessons.pop(pid, None)
        if learn is not None:
            with contextlib.suppress(OSError), os.fdopen(learn, "rb") as pipe:
                learned += pipe.read().decode(errors="replace").split()
    if learned:
        _load(learned)


def _become(conn: socket.socket, request: dict, fds: list[int], tell: int) -> None:
    """In the fork: turn into the command's own process, run it, report, end.

    At the end it names on ``tell`` the modules it imported that the standby had not loaded.
    """
    status = 1
    known = set(sys.modules)
    try:
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        fds.clear()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.umask(int(request["umask"]))
        tempfile.tempdir = None  # found again from this command's TMPDIR
        sys.argv = list(request["argv"])
        # The same file objects now write to the command's streams; a terminal is
        # line-buffered, as Python makes it at start.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(AttributeError, OSError, ValueError):
                stream.reconfigure(line_buffering=stream.isatty() or stream is sys.stderr)
        _send(conn, {"pid": os.getpid()})
        status = _run_command(request["args"], request["prog"])
    except BaseException:  # noqa: BLE001 - the fork must end here, whatever happened
        with contextlib.suppress(BaseException):
            sys.excepthook(*sys.exc_info())
    finally:
        with contextlib.suppress(BaseException):
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            atexit._run_exitfuncs()
            _send(conn, {"status": status})
        with contextlib.suppress(BaseException):
            new = "\n".join(_loadable(name for name in list(sys.modules) if name not in known))
            # Never blocks: what does not fit in the pipe is simply not learned.
            os.set_blocking(tell, False)
            os.write(tell, new.encode()[:65536])
        os._exit(status)


def _loadable(names: Iterable[str]) -> list[str]:
    """The module names a standby may import ahead of time (no ``__main__`` of any kind)."""
    return [name for name in names if "__main__" not in name and sys.modules.get(name) is not None]


def _run_command(args: list[str], prog: str) -> int:
    from docgen.cli import main

    try:
        main.main(args=args, prog_name=prog, standalone_mode=True)
    except SystemExit as exc:
        return _exit_status(exc.code)
    return 0


def _exit_status(code: object) -> int:
    """The status Python's own exit would give for ``sys.exit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and enabled():
        _serve(Path(sys.argv[1]), sys.argv[2], sys.stdin.read().split())
