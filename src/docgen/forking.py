"""Two halves of one piece of work at once, the second in a forked copy of this process.

Why: a build is one process on one core, and the machines docgen runs on have two or more.
A forked copy starts with everything this process has already imported and read (the
meeting, the templates, the fonts), so it costs a few milliseconds where a fresh interpreter
would cost half a second; the halves come back as bytes through a pipe.

Where it is safe: Linux only (Windows has no fork; on macOS system libraries are not safe
after it), at least two processors for this process, and no other thread running — fork
copies one thread, and a lock held by another (the browser workspace's server) would stay
locked in the copy forever. Elsewhere the two halves simply run one after the other.

Any failure of the copy — an exception, a crash, a result that cannot be sent back — makes
this process do that half itself, so the result and every error message are exactly those of
the one-process run.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["available", "in_two"]

T = TypeVar("T")
U = TypeVar("U")


def available() -> bool:
    """Whether :func:`in_two` will fork here (see the module docstring)."""
    if sys.platform != "linux" or not hasattr(os, "fork"):
        return False
    try:
        processors = len(os.sched_getaffinity(0))
    except OSError:
        return False
    return processors >= 2 and threading.active_count() == 1


def in_two(there: Callable[[], T], here: Callable[[], U]) -> tuple[T, U]:
    """``(there(), here())``, with ``there`` run in a forked copy while this process runs ``here``.

    ``there``'s result must pickle. When forking is not :func:`available`, or the copy fails,
    ``here`` runs first and then ``there`` in this process: an error of ``here`` wins, as it
    would in the one-process run where ``here`` comes first.
    """
    if not available():
        mine = here()
        return there(), mine
    for stream in (sys.stdout, sys.stderr):
        # What is still buffered would otherwise be in the copy's buffers too.
        if stream is not None:
            stream.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: send the result, then leave without running this process's exits
        status = 1
        try:
            os.close(read_end)
            data = pickle.dumps(there(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            status = 0
        except BaseException:  # noqa: BLE001 - this process redoes the half and raises
            pass
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        mine = here()
    except BaseException:
        _reap(pid, read_end, kill=True)
        raise
    data = _reap(pid, read_end)
    if data is None:
        return there(), mine
    return pickle.loads(data), mine  # noqa: S301 - our own copy's bytes, through our own pipe


def _reap(pid: int, read_end: int, *, kill: bool = False) -> bytes | None:
    """The copy's result (None if it failed), once it has exited; ``kill``: stop it first."""
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        data = b""
    else:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        read_end = -1
    if read_end >= 0:
        os.close(read_end)
    _pid, status = os.waitpid(pid, 0)
    if kill or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or not data:
        return None
    return data
