"""The folder lock: two builds into one folder at once take turns."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.outputs.files import _BINARY, _FILE_MODE, _NOFOLLOW, LinkError, _os_message

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
try:  # Windows
    import msvcrt  # type: ignore[import-not-found]
except ImportError:
    msvcrt = None  # type: ignore[assignment]


LOCK = ".docgen.lock"

#: How long a build waits for another build into the same folder before giving up.
DEFAULT_LOCK_TIMEOUT = 60.0


def _try_lock(handle: IO[bytes]) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        elif msvcrt is not None:  # pragma: no cover - Windows
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        return True
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK, errno.EDEADLK):
            return False
        raise


def _open_lock(path: Path) -> IO[bytes]:
    """Open (creating) the lock file, refusing a link: the PID written into it must land there."""
    if os.path.islink(path):  # O_NOFOLLOW is missing on Windows
        raise LinkError(errno.ELOOP, "a symbolic link", str(path))
    fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _BINARY, _FILE_MODE)
    try:
        info = os.fstat(fd)
        # A hard link planted at the lock's name would let the PID overwrite another file.
        if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
            raise LinkError(errno.EMLINK, "not a plain file of its own", str(path))
        return os.fdopen(fd, "r+b")
    except BaseException:
        os.close(fd)
        raise


@contextmanager
def folder_lock(folder: Path, *, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the exclusive lock on ``folder`` (waiting up to ``timeout`` seconds).

    The lock file is never deleted: deleting it would let a third build lock a fresh file
    while the second still holds the old one.
    """
    folder = Path(folder)
    path = folder / LOCK
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = _open_lock(path)
    except LinkError:
        raise DocgenError(
            _(
                "{path} is a link to another file, not docgen's lock file; docgen does not "
                "write through links. Delete {name} from the folder and run the command again."
            ).format(path=path, name=LOCK)
        ) from None
    except OSError as exc:
        raise DocgenError(
            _(
                "{folder}: cannot create the lock file {name} ({reason}); check that the "
                "folder is writable."
            ).format(folder=folder, name=LOCK, reason=_os_message(exc))
        ) from None
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                holder = ""
                with contextlib.suppress(OSError, ValueError):
                    handle.seek(0)
                    pid = handle.read(32).decode("ascii").strip()
                    holder = f" (process {int(pid)})" if pid else ""
                raise DocgenError(
                    _(
                        "{folder}: another docgen{holder} is writing into this folder and has "
                        "not finished after {seconds} s. Wait for it to finish and run the "
                        "command again, or write into another folder."
                    ).format(folder=folder, holder=holder, seconds=f"{timeout:.0f}")
                )
            time.sleep(0.05)
        with contextlib.suppress(OSError):
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()).encode())
            handle.flush()
        yield
    finally:
        handle.close()  # closing the descriptor releases the lock
