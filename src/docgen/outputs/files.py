"""Writing one file: never through a link, atomically, with the user's umask."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from docgen.errors import DocgenError
from docgen.explain import os_reason
from docgen.i18n import _

#: ``O_NOFOLLOW`` makes ``open`` fail on a symbolic link instead of writing to its target.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)
#: Created files get 0666 less the umask (0644 under 022), as any other program's would;
#: ``tempfile.mkstemp`` would make them 0600, unreadable to colleagues on a shared folder.
_FILE_MODE = 0o666


class LinkError(OSError):
    """A symbolic link (or a second hard link) where docgen was about to write."""


def _fsync_dir(folder: Path) -> None:
    # Makes the renames themselves durable; not possible (nor needed) on Windows.
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temp_name(name: str) -> str:
    return f".{name}.{secrets.token_hex(4)}.tmp"


def _create(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Write ``data`` to the new file ``path`` and, with ``sync``, flush it to disk.

    ``O_CREAT | O_EXCL`` never opens an existing file, nor follows a link planted at ``path``.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY, _FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _sync_files(paths: list[Path]) -> None:
    """Flush the files at ``paths`` to disk, several at once (``OSError`` if one fails).

    Why at once: each flush waits for the disk, and one after another a build's thirty-odd
    files waited 80-180 ms on this project's busy machine against 10-25 ms together — the
    file system commits flushes that arrive together in one go.
    """
    if not paths:
        return

    def flush(path: Path) -> None:
        fd = os.open(path, os.O_RDWR | _NOFOLLOW | _BINARY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(8, len(paths))) as pool:
        for _done in pool.map(flush, paths):
            pass


def _write_temp(
    path: Path, data: bytes, temp_name: str | None = None, *, sync: bool = True
) -> Path:
    """Write ``data`` to a new hidden temporary file beside ``path``; return its path.

    ``sync=False`` leaves the flush to the caller (:func:`_sync_files` for many files).
    """
    for _attempt in range(5):
        tmp = path.with_name(temp_name or _temp_name(path.name))
        try:
            _create(tmp, data, sync=sync)
        except FileExistsError:
            if temp_name is not None:
                raise
            continue
        return tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))


def _real_folder(folder: Path, top: Path) -> None:
    """Make ``folder`` (inside ``top``) a real directory: create it, or refuse a link.

    Every level below ``top`` is checked with ``lstat``, so a sub-folder replaced by a link to
    somewhere else is never written through.
    """
    relative = folder.relative_to(top)
    current = top
    for part in relative.parts:
        current = current / part
        with contextlib.suppress(FileExistsError):
            os.mkdir(current)
        info = os.lstat(current)
        if stat.S_ISLNK(info.st_mode):
            raise LinkError(errno.ELOOP, "a symbolic link", str(current))
        if not stat.S_ISDIR(info.st_mode):
            raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(current))


def _replace_file(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename (``OSError`` on failure, nothing left)."""
    tmp = _write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _os_message(exc: OSError) -> str:
    return os_reason(exc)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename; never a half-written file.

    For a single file outside a build (a register export, a skeleton). Files of a build go
    through :func:`transaction`, which adds the manifest, the lock and the all-or-nothing
    commit. A link at ``path`` is replaced, not followed. A file that cannot be written (a
    read-only folder, a full disk) is a :class:`DocgenError` naming it.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        _replace_file(path, data)
    except OSError as exc:
        raise DocgenError(
            _("{path} could not be written ({reason}); nothing was changed.").format(
                path=path, reason=_os_message(exc)
            )
        ) from None
