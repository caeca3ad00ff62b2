"""What a template's check and compile produced, kept on disk between builds.

Why: a clerk builds the same meeting again and again while the templates stay as they are, and
a fresh process would otherwise check every template and compile its Jinja each time — about a
fifth of a build. Those results depend only on the template's bytes and on docgen's own code
(and the libraries it compiles with), so they are kept under the user's cache folder, each under
a hash of both: an edited template, an upgraded docgen or a different Python finds nothing and
does the work again. Reading the fonts is kept the same way. Nothing a *meeting* produces is
kept: every document is made afresh.

What is kept, and only when the work succeeded:

* ``checked``: that a template has no problem for a context of a given shape (an empty
  verdict; a template with problems is checked again, so its messages are always current);
* ``safe``: that a template's bytes passed the zip and XML safety check;
* ``patched``: docxtpl's clean-up of a part's XML;
* ``jinja``: the compiled Python code of a part, made by docgen's sandbox from that text;
* ``fonts``: a TrueType font as reportlab read it (its tables and widths), by the file's path,
  size and modification time.

The folder is the platform's user cache folder (``~/.cache/docgen`` on Linux), or
``DOCGEN_CACHE_DIR``; ``DOCGEN_CACHE_DIR=off`` turns the cache off. Compiled code is run when
read back, so an entry is trusted only in a folder of this user's that no one else can write
to; anything unreadable, foreign or damaged is ignored (and the work is done again). Writing is
best effort: a read-only or full disk only makes builds slower.
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
import sys
import tempfile
from pathlib import Path

__all__ = ["clear", "code_stamp", "folder", "get", "put"]

#: Entries kept per kind; the oldest go first when a new one would pass it.
MAX_ENTRIES = 2000

OFF_VALUES = ("off", "0", "no", "false")
"""What ``DOCGEN_CACHE_DIR`` (and ``DOCGEN_STANDBY``) may say to turn the thing off."""
_CHECK = 16  # bytes of each entry's own hash, written before its data


def folder() -> Path | None:
    """The cache folder, or None when the cache is turned off."""
    chosen = os.environ.get("DOCGEN_CACHE_DIR", "").strip()
    if chosen.lower() in OFF_VALUES:
        return None
    if chosen:
        return Path(chosen)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("docgen", appauthor=False))


@functools.lru_cache(maxsize=1)
def code_stamp() -> bytes:
    """What makes every entry valid besides its key: docgen's own code and Python.

    The size and modification time of every module and data file of the package (a changed
    line of the template check or of the sandbox makes every entry stale) and the Python
    version (compiled code is marshalled in its format). A caller whose entry comes from a
    library (Jinja, docxtpl, reportlab) puts that library's version in its key.
    """
    digest = hashlib.sha256(sys.version.encode())
    package = os.path.dirname(os.path.abspath(__file__))
    stamps = []
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = [d for d in subfolders if d != "__pycache__"]
        for name in files:
            if name.endswith((".py", ".yaml")):
                st = os.stat(os.path.join(folder, name))
                stamps.append(f"{folder[len(package) :]}/{name}|{st.st_size}|{st.st_mtime_ns}")
    digest.update("\n".join(sorted(stamps)).encode())
    return digest.digest()


def _entry(kind: str, key: bytes) -> Path | None:
    base = folder()
    if base is None:
        return None
    name = hashlib.sha256(code_stamp() + b"\0" + key).hexdigest()
    return base / kind / name


def _trusted(path: Path) -> bool:
    """Whether ``path``'s folder and the entry are this user's alone (POSIX; else True)."""
    if not hasattr(os, "getuid"):
        return True
    if not _trusted_folder(path.parent):
        return False
    st = path.lstat()
    return (
        stat.S_ISREG(st.st_mode)
        and st.st_uid == os.getuid()
        and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def get(kind: str, key: bytes) -> bytes | None:
    """The bytes kept for ``key`` of ``kind``, or None."""
    path = _entry(kind, key)
    if path is None:
        return None
    try:
        if not _trusted(path):
            return None
        kept = path.read_bytes()
    except OSError:
        return None
    # A damaged entry (a disk error, a hand edit) is a miss, never wrong data.
    check, data = kept[:_CHECK], kept[_CHECK:]
    return (
        data if len(check) == _CHECK and hashlib.sha256(data).digest()[:_CHECK] == check else None
    )


def put(kind: str, key: bytes, data: bytes) -> None:
    """Keep ``data`` for ``key`` of ``kind`` (best effort; written whole or not at all)."""
    path = _entry(kind, key)
    if path is None:
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted_folder(path.parent):
            return
        _prune(path.parent)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".new-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(hashlib.sha256(data).digest()[:_CHECK] + data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return


def _trusted_folder(path: Path) -> bool:
    if not hasattr(os, "getuid"):
        return True
    st = path.lstat()
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _prune(kind_folder: Path) -> None:
    """Remove the oldest entries when the folder is full (a long-lived cache stays bounded)."""
    entries = [e for e in os.scandir(kind_folder) if e.is_file() and not e.name.startswith(".")]
    if len(entries) < MAX_ENTRIES:
        return
    entries.sort(key=lambda e: e.stat().st_mtime_ns)
    for entry in entries[: len(entries) - MAX_ENTRIES + 1 + MAX_ENTRIES // 10]:
        try:
            os.unlink(entry.path)
        except OSError:
            pass


def clear() -> int:
    """Remove every entry; the number removed."""
    base = folder()
    if base is None or not base.is_dir():
        return 0
    removed = 0
    for kind_folder in base.iterdir():
        if not kind_folder.is_dir():
            continue
        for entry in kind_folder.iterdir():
            try:
                entry.unlink()
                removed += 1
            except OSError:
                pass
    return removed
