"""Writing generated files so that nothing is lost.

A build writes all its files or none. Files are staged in memory (:class:`OutputSet`) while the
documents are made; only when the whole build has succeeded does :func:`transaction` commit
them, in two phases:

1. every file is written to a temporary file beside its target (``.NAME.XXXX.tmp``) and
   flushed to disk. A failure here (disk full, permission) removes the temporaries and leaves
   the folder exactly as it was;
2. each temporary is renamed over its target with :func:`os.replace`, which is atomic: a
   reader, or a build killed with ``kill -9`` at any instant, sees either the whole old file or
   the whole new one, never a mixture.

A manifest (``.docgen-manifest.json``) records the SHA-256 of every file docgen wrote. A file
whose hash differs from the recorded one was edited by hand (a clerk retouching the minutes):
the build refuses to replace it, naming the file and saying how to proceed, unless forced, in
which case the edited copy is first kept as ``NAME.edited-YYYYMMDD-HHMMSS.ext``.

Keeping the manifest true through a crash is the subtle part: if the files were renamed first
and the manifest written last, a build killed in between would leave new files whose hashes
the manifest has never seen, and the next build would wrongly refuse them as hand-edited.
So before the first rename the manifest is rewritten with a ``pending`` table holding the new
hashes (a journal): while it is there, either hash is docgen's own. The next build settles a
leftover journal against the files on disk before it does anything else.

Two builds into one folder at once are serialised by an exclusive lock on
``.docgen.lock`` (``fcntl.flock``; ``msvcrt.locking`` on Windows), held for the whole commit so
that the read-check-write of the manifest is never interleaved. The lock is released by the
kernel when a process dies, so a killed build never leaves the folder locked.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from docgen.errors import DocgenError

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
try:  # Windows
    import msvcrt  # type: ignore[import-not-found]
except ImportError:
    msvcrt = None  # type: ignore[assignment]

MANIFEST = ".docgen-manifest.json"
LOCK = ".docgen.lock"
MANIFEST_VERSION = 1

#: Temporary files are hidden (leading dot) and end in ``.tmp`` so that no one mistakes them
#: for outputs; :func:`clean_stale_temps` removes those left by a killed build.
_TEMP_RE = re.compile(r"^\..+\.[A-Za-z0-9_]{6,}\.tmp$")

#: How long a build waits for another build into the same folder before giving up.
DEFAULT_LOCK_TIMEOUT = 60.0


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_temp_name(name: str) -> bool:
    """True for the names docgen gives its temporary files (``.NAME.XXXXXXXX.tmp``)."""
    return bool(_TEMP_RE.match(name))


# ---------------------------------------------------------------------------------------------
# Output names
# ---------------------------------------------------------------------------------------------

#: Device names Windows reserves in every folder, with or without an extension ("CON.docx"
#: cannot be created either). Superscript digits count on recent Windows versions.
WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{dev}{n}" for dev in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]]
)
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
#: Bytes, not characters: most file systems limit a name to 255 bytes.
MAX_NAME_BYTES = 255


def _is_reserved(part: str) -> bool:
    return part.split(".")[0].rstrip(" ").upper() in WINDOWS_RESERVED


def check_output_name(name: str) -> str:
    """Return ``name`` (NFC) if it is a safe relative output path, else raise ``ValueError``.

    ``/`` separates sub-folders. Every part must be a name that all of Linux, macOS and
    Windows can create inside the output folder: no ``..`` (path traversal), no absolute
    path, no backslash, no characters Windows forbids, no reserved device names, no leading
    dot (those are docgen's own files), no trailing dot or space (Windows drops them, so two
    names would collide). Names come from code; data-derived parts must go through
    :func:`safe_filename` first, so a bad name here is a bug, hence ``ValueError``.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"an output name must be a non-empty string, got {name!r}")
    name = unicodedata.normalize("NFC", name)
    if "\\" in name:
        raise ValueError(f"output name {name!r}: use '/' between folders, not '\\'")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise ValueError(f"output name {name!r} is absolute; give a name inside the folder")
    for part in name.split("/"):
        if part in ("", ".", ".."):
            raise ValueError(f"output name {name!r} has an empty, '.' or '..' part")
        if part.startswith("."):
            raise ValueError(f"output name {name!r}: names starting with '.' are docgen's own")
        if part != part.rstrip(". "):
            raise ValueError(f"output name {name!r}: a name must not end with '.' or a space")
        if _WINDOWS_FORBIDDEN.search(part):
            raise ValueError(f"output name {name!r} holds a character Windows forbids")
        if _is_reserved(part):
            raise ValueError(f"output name {name!r}: {part.split('.')[0]} is reserved on Windows")
        if len(part.encode("utf-8")) > MAX_NAME_BYTES - 16:  # room for the temp-name wrapping
            raise ValueError(f"output name {name!r} is too long")
    return name


def safe_filename(text: str, *, max_length: int = 80, default: str = "tai-lieu") -> str:
    """Turn data (a person's or unit's name) into a file name stem safe on every system.

    ``"Nguyễn Thị Ánh"`` → ``"nguyen-thi-anh"``. The result is an ASCII slug: Vietnamese
    letters lose their marks (``đ`` → ``d``), anything that is not a letter or a digit becomes
    one ``-``; so no path separator, no ``..``, no character Windows forbids, no leading dot can
    survive. A Windows device name (``CON``, ``com1``, …) gets a ``-`` appended. The slug is
    cut to ``max_length`` characters at a word boundary when there is one; an empty result is
    ``default``. ASCII rather than Unicode names because clerks move outputs through e-mail,
    zip tools and USB sticks formatted FAT32, which mangle non-ASCII names in different ways.
    Add the extension after: ``safe_filename(name) + ".docx"``.
    """
    if max_length < 8:
        raise ValueError("max_length must be at least 8")
    text = unicodedata.normalize("NFKD", str(text).replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(ch for ch in text if not unicodedata.combining(ch)).encode(
        "ascii", "ignore"
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.decode("ascii").lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[max_length // 2 :] else cut
        slug = slug.strip("-")
    if not slug:
        slug = default
    if _is_reserved(slug):
        slug += "-"
    return slug


# ---------------------------------------------------------------------------------------------
# Low-level writing
# ---------------------------------------------------------------------------------------------


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


def _write_temp(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new hidden temporary file beside ``path``; return its path."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename; never a half-written file.

    For a single file outside a build (a register export, a skeleton). Files of a build go
    through :func:`transaction`, which adds the manifest, the lock and the all-or-nothing
    commit.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def clean_stale_temps(folder: Path) -> list[Path]:
    """Remove temporaries left by a killed build in ``folder`` and its sub-folders.

    Only call this while holding the folder's lock (a live build's temporaries look the same).
    """
    removed = []
    if not folder.is_dir():
        return removed
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if is_temp_name(name):
                path = Path(root) / name
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(path)
    return removed


# ---------------------------------------------------------------------------------------------
# The folder lock
# ---------------------------------------------------------------------------------------------


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


@contextmanager
def folder_lock(folder: Path, *, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the exclusive lock on ``folder`` (waiting up to ``timeout`` seconds).

    The lock file is never deleted: deleting it would let a third build lock a fresh file
    while the second still holds the old one.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK
    try:
        handle = open(path, "a+b")  # noqa: SIM115 - closed in finally
    except OSError as exc:
        raise DocgenError(
            f"{folder}: cannot create the lock file {LOCK} ({exc.strerror}); check that the "
            "folder is writable."
        ) from None
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                holder = ""
                with contextlib.suppress(OSError, ValueError):
                    pid = path.read_text("ascii").strip()
                    holder = f" (process {int(pid)})" if pid else ""
                raise DocgenError(
                    f"{folder}: another docgen build{holder} is writing into this folder and "
                    f"has not finished after {timeout:.0f} s. Wait for it to finish and build "
                    f"again, or build into another folder."
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


# ---------------------------------------------------------------------------------------------
# The manifest
# ---------------------------------------------------------------------------------------------


@dataclass
class Manifest:
    """What docgen wrote into one folder: ``files`` name → hash, ``pending`` the journal."""

    files: dict[str, str] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            raise DocgenError(
                f"{path} cannot be read ({exc}). It records which files docgen wrote. "
                "If no file in the folder was edited by hand, delete it and build again with "
                "--force (every replaced file is kept as a backup)."
            ) from None

        def table(key: str) -> dict[str, str]:
            value = data.get(key, {}) if isinstance(data, dict) else {}
            if not isinstance(value, dict):
                return {}
            return {str(k): str(v) for k, v in value.items()}

        return cls(files=table("files"), pending=table("pending"))

    def write(self, folder: Path) -> None:
        payload: dict[str, object] = {"version": MANIFEST_VERSION, "files": self.files}
        if self.pending:
            payload["pending"] = self.pending
        text = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        atomic_write(folder / MANIFEST, text.encode("utf-8"))

    def ours(self, name: str, digest: str) -> bool:
        """Whether a file of this name and hash is one docgen wrote (not edited since)."""
        return digest in (self.files.get(name), self.pending.get(name))

    def settle(self, folder: Path) -> bool:
        """Resolve the journal of a build that died mid-commit; True if anything changed."""
        if not self.pending:
            return False
        for name, new in self.pending.items():
            path = folder / name
            try:
                if path.is_file() and _file_hash(path) == new:
                    self.files[name] = new
            except OSError:
                continue
        self.pending = {}
        return True


# ---------------------------------------------------------------------------------------------
# The output set
# ---------------------------------------------------------------------------------------------


def _backup_path(path: Path, stamp: str) -> Path:
    candidate = path.with_name(f"{path.stem}.edited-{stamp}{path.suffix}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.edited-{stamp}-{n}{path.suffix}")
        n += 1
    return candidate


def _keep_backup(path: Path, backup: Path) -> None:
    # A hard link, not a move: at no instant is the edited file missing from its place, so a
    # crash right after this still leaves the clerk's edit where they left it.
    try:
        os.link(path, backup)
    except OSError:
        shutil.copy2(path, backup)


@dataclass
class OutputSet:
    """Files staged in memory for one folder, committed together by :func:`transaction`."""

    folder: Path
    force: bool = False
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    staged: dict[str, bytes] = field(default_factory=dict)
    backups: list[Path] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)

    def add(self, name: str, data: bytes) -> Path:
        """Stage ``data`` as ``folder/name``; nothing touches the disk until the build succeeds.

        ``name`` may hold ``/`` for a sub-folder; it is checked by :func:`check_output_name`.
        Two names differing only in case are refused too: on Windows and macOS they are one
        file, and the second would silently replace the first.
        """
        name = check_output_name(name)
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"{name}: expected bytes, got {type(data).__name__}")
        folded = name.casefold()
        for other in self.staged:
            if other.casefold() == folded:
                raise ValueError(f"{name} is produced twice in one build (as {other})")
        self.staged[name] = bytes(data)
        return self.folder / name

    def _edited_by_hand(self, manifest: Manifest) -> list[Path]:
        edited = []
        for name, data in self.staged.items():
            path = self.folder / name
            if path.is_dir():
                raise DocgenError(
                    f"{path} is a folder, but this build writes a file of that name. Rename "
                    "or move the folder and build again."
                )
            if not path.exists():
                continue
            digest = _file_hash(path)
            if digest == sha256(data) or manifest.ours(name, digest):
                continue
            edited.append(path)
        return edited

    def _refuse(self, edited: list[Path], manifest: Manifest) -> DocgenError:
        lines = []
        for path in edited:
            name = path.relative_to(self.folder).as_posix()
            why = (
                "edited since docgen wrote it"
                if name in manifest.files
                else "not written by docgen"
            )
            lines.append(f"  {path}  ({why})")
        return DocgenError(
            "The build stopped without writing anything, because it would replace files that "
            "docgen did not write or that were changed since:\n"
            + "\n".join(lines)
            + "\nTo keep those edits, move or rename the files, or build into another folder "
            "(-o/--output). To replace them anyway, build again with --force: each file is first kept "
            "as NAME.edited-YYYYMMDD-HHMMSS.ext beside the new one."
        )

    def _check_writable(self) -> None:
        # On Windows a document open in Word cannot be replaced; finding out now, before any
        # file is touched, keeps the build all-or-nothing.
        for name in self.staged:
            path = self.folder / name
            if not path.is_file():
                continue
            try:
                with path.open("r+b"):
                    pass
            except PermissionError:
                raise DocgenError(
                    f"{path} cannot be replaced: it is read-only or open in another program "
                    "(Word, LibreOffice). Close it and build again; nothing was written."
                ) from None

    def commit(self) -> list[Path]:
        """Write every staged file, or none; return the paths written (see module docstring)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DocgenError(
                f"{self.folder}: cannot create the output folder ({exc.strerror})."
            ) from None
        with folder_lock(self.folder, timeout=self.lock_timeout):
            clean_stale_temps(self.folder)
            manifest = Manifest.read(self.folder)
            if manifest.settle(self.folder):
                manifest.write(self.folder)
            edited = self._edited_by_hand(manifest)
            if edited and not self.force:
                raise self._refuse(edited, manifest)
            self._check_writable()

            # Phase 1: every new file on disk beside its target. Nothing visible has changed.
            temps: dict[str, Path] = {}
            try:
                for name, data in self.staged.items():
                    target = self.folder / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    temps[name] = _write_temp(target, data)
            except OSError as exc:
                for tmp in temps.values():
                    tmp.unlink(missing_ok=True)
                raise DocgenError(
                    f"{self.folder}: could not write the new files ({exc.strerror or exc}); "
                    "nothing was changed. Free some disk space or check permissions, then "
                    "build again."
                ) from None
            except BaseException:
                for tmp in temps.values():
                    tmp.unlink(missing_ok=True)
                raise

            # The journal: from here on, old and new hashes both count as docgen's own.
            hashes = {name: sha256(data) for name, data in self.staged.items()}
            manifest.pending = dict(hashes)
            manifest.write(self.folder)

            # Phase 2: backups of edited files, then one atomic rename per file.
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            for path in edited:
                backup = _backup_path(path, stamp)
                _keep_backup(path, backup)
                self.backups.append(backup)
            for name, tmp in temps.items():
                target = self.folder / name
                if target.is_file() and _file_hash(target) == hashes[name]:
                    tmp.unlink(missing_ok=True)
                    self.unchanged.append(target)
                else:
                    os.replace(tmp, target)
                    self.written.append(target)
            for parent in {(self.folder / name).parent for name in temps}:
                _fsync_dir(parent)

            manifest.files.update(hashes)
            manifest.pending = {}
            manifest.write(self.folder)
        return self.written + self.unchanged


@contextmanager
def transaction(
    folder: Path,
    *,
    force: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> Iterator[OutputSet]:
    """Stage files inside the ``with`` block; write them all only if the block succeeds.

    An exception inside the block (a template error, a bad field) propagates and nothing is
    written, not even the folder. ``force`` replaces hand-edited files, keeping backups
    (``OutputSet.backups`` lists them afterwards, for the CLI to report).
    """
    outputs = OutputSet(Path(folder), force=force, lock_timeout=lock_timeout)
    yield outputs
    outputs.commit()
