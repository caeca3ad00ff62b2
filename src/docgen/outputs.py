"""Writing generated files so that nothing is lost.

A build writes all its files or none. Files are staged in memory (:class:`OutputSet`) while the
documents are made; only when the whole build has succeeded does :func:`transaction` commit
them, in two phases:

1. every file is written to a temporary file beside its target (``.NAME.XXXXXXXX.tmp``) and
   flushed to disk. A failure here (disk full, permission) removes the temporaries and leaves
   the folder exactly as it was;
2. each temporary is renamed over its target with :func:`os.replace`, which is atomic: a
   reader, or a build killed with ``kill -9`` at any instant, sees either the whole old file or
   the whole new one, never a mixture.

A manifest (``.docgen-manifest.json``) records the SHA-256 of every file docgen wrote. A file
whose hash differs from the recorded one was edited by hand (a clerk retouching the minutes):
the build refuses to replace it, naming the file and saying how to proceed, unless forced, in
which case the edited copy is first kept as ``NAME.edited-YYYYMMDD-HHMMSS.ext``. The manifest
also names the meeting the folder belongs to, so a second meeting saved under the same file
name does not silently replace the first one's documents.

Keeping the manifest true through a crash is the subtle part: if the files were renamed first
and the manifest written last, a build killed in between would leave new files whose hashes
the manifest has never seen, and the next build would wrongly refuse them as hand-edited.
So before the first temporary is made the manifest is rewritten with a ``pending`` table
holding the new hashes (a journal: while it is there, either hash is docgen's own) and a
``temps`` list naming the temporaries about to be made. The next build settles a leftover
journal against the files on disk and deletes exactly the recorded temporaries — never a file
that merely looks like one, and never by walking the folder. If the final manifest write
fails (a full disk), every file is already in place and the journal still vouches for it: a
warning, not a failure.

docgen never writes through a link: files are created with ``O_CREAT | O_EXCL | O_NOFOLLOW``
(so a link planted at a temporary's name fails), targets and every sub-folder below the output
folder are checked with ``lstat`` and refused if they are links, and the lock file is opened
with ``O_NOFOLLOW`` and refused if it has a second hard link. Files get mode 0666 less the
umask, like any other program's (``mkstemp``'s 0600 would hide them from colleagues on a shared
folder). A filesystem root or the home folder itself is refused as the output folder.

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
import secrets
import shutil
import stat
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO

from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.identity import meeting_key

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
#: for outputs; :meth:`Manifest.sweep` removes those a killed build recorded.
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
# Where outputs go
# ---------------------------------------------------------------------------------------------


def check_output_folder(folder: Path) -> Path:
    """Return ``folder`` if docgen may write into it; refuse a filesystem root or the home folder.

    Both are places where docgen's own files (manifest, lock, temporaries) do not belong and
    where a clerk who typed ``-o /`` or ``-o ~`` surely meant a folder inside them.
    """
    folder = Path(folder)
    if not str(folder).strip():
        raise DocgenError(_("The output folder is empty; give a folder name after -o."))
    resolved = folder.expanduser().resolve()
    home = Path.home().resolve()
    if resolved == Path(resolved.anchor):
        raise DocgenError(
            _(
                "{folder} is the root of a disk; docgen does not write there. Give a folder "
                "inside it, such as {example}."
            ).format(folder=folder, example=resolved / "output")
        )
    if resolved == home:
        raise DocgenError(
            _(
                "{folder} is your home folder; docgen does not write its files there. Give a "
                "folder inside it, such as {example}."
            ).format(folder=folder, example=home / "output")
        )
    return folder


def folder_owner(folder: Path) -> str | None:
    """The meeting recorded as the owner of ``folder`` (``None``: none recorded or no manifest)."""
    try:
        return Manifest.read(Path(folder)).meeting
    except DocgenError:
        return None


def default_folder(base: Path, owner: str) -> Path:
    """``base``, or ``base-2``, ``base-3``… : the first folder that is ``owner``'s or nobody's.

    Two meetings saved under the same file name in different folders would otherwise share
    ``output/<name>/``, and the second would replace the first's documents. The manifest of
    each folder names its meeting, so a rebuild finds its own folder again.
    """
    base = Path(base)
    for n in range(1, 1000):
        candidate = base if n == 1 else base.with_name(f"{base.name}-{n}")
        if not candidate.exists():
            return candidate
        if folder_owner(candidate) in (None, owner):
            return candidate
    raise DocgenError(
        _("{base}: 999 folders of that name already belong to other meetings; give -o.").format(
            base=base
        )
    )


def default_output_folder(meeting: Path, cwd: Path | None = None) -> Path:
    """Where a meeting's files go without ``-o``: ``output/<meeting file name>/`` here.

    ``output/<name>-2/`` (and so on) when ``output/<name>/`` belongs to another meeting.
    """
    base = (cwd or Path.cwd()) / "output" / safe_filename(Path(meeting).stem, default="cuoc-hop")
    return default_folder(base, meeting_key(meeting))


# ---------------------------------------------------------------------------------------------
# Low-level writing: never through a link, with the user's umask
# ---------------------------------------------------------------------------------------------

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


def _create(path: Path, data: bytes) -> None:
    """Write ``data`` to the new file ``path`` and flush it to disk.

    ``O_CREAT | O_EXCL`` never opens an existing file, nor follows a link planted at ``path``.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY, _FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _write_temp(path: Path, data: bytes, temp_name: str | None = None) -> Path:
    """Write ``data`` to a new hidden temporary file beside ``path``; return its path."""
    for _attempt in range(5):
        tmp = path.with_name(temp_name or _temp_name(path.name))
        try:
            _create(tmp, data)
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
    return exc.strerror or str(exc)


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


# ---------------------------------------------------------------------------------------------
# The manifest
# ---------------------------------------------------------------------------------------------


def _safe_relative(name: str) -> bool:
    """Whether a name read from a manifest stays inside its folder (the file may be tampered)."""
    parts = name.split("/")
    return (
        bool(name)
        and not name.startswith("/")
        and "\\" not in name
        and all(part not in ("", ".", "..") and ":" not in part for part in parts)
    )


@dataclass
class Manifest:
    """What docgen wrote into one folder.

    ``files`` name → hash; ``pending`` the journal of a commit in progress; ``temps`` the
    temporary files that commit is creating (the only ones a later sweep may delete);
    ``meeting`` the meeting the folder's documents belong to.
    """

    files: dict[str, str] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)
    temps: list[str] = field(default_factory=list)
    meeting: str | None = None

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            raise DocgenError(
                _(
                    "{path} cannot be read ({reason}). It records which files docgen wrote. "
                    "If no file in the folder was edited by hand, delete it and run the command "
                    "again with --force (every replaced file is kept as a backup)."
                ).format(path=path, reason=exc)
            ) from None
        if not isinstance(data, dict):
            data = {}

        def table(key: str) -> dict[str, str]:
            value = data.get(key, {})
            if not isinstance(value, dict):
                return {}
            return {str(k): str(v) for k, v in value.items() if _safe_relative(str(k))}

        temps = data.get("temps", [])
        meeting = data.get("meeting")
        return cls(
            files=table("files"),
            pending=table("pending"),
            temps=[str(t) for t in temps if _safe_relative(str(t))]
            if isinstance(temps, list)
            else [],
            meeting=str(meeting) if isinstance(meeting, str) and meeting else None,
        )

    def write(self, folder: Path) -> None:
        """Replace the manifest on disk (``OSError`` if it cannot; the old one then stays)."""
        payload: dict[str, object] = {"version": MANIFEST_VERSION, "files": self.files}
        if self.meeting:
            payload["meeting"] = self.meeting
        if self.pending:
            payload["pending"] = self.pending
        if self.temps:
            payload["temps"] = self.temps
        text = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        _replace_file(folder / MANIFEST, text.encode("utf-8"))

    def ours(self, name: str, digest: str) -> bool:
        """Whether a file of this name and hash is one docgen wrote (not edited since)."""
        return digest in (self.files.get(name), self.pending.get(name))

    def settle(self, folder: Path) -> bool:
        """Resolve the journal of a commit that died midway; True if anything changed."""
        if not self.pending:
            return False
        for name, new in self.pending.items():
            path = folder / name
            try:
                if _is_plain_file(path) and _file_hash(path) == new:
                    self.files[name] = new
            except OSError:
                continue
        self.pending = {}
        return True

    def sweep(self, folder: Path) -> list[Path]:
        """Delete the temporaries a killed commit recorded here; return those removed.

        Only names recorded in the manifest, only plain temp-named files, only inside
        ``folder`` and never through a linked sub-folder: a file that merely looks like a
        temporary (another program's) is never touched. Call it holding the folder's lock.
        """
        removed = []
        for name in self.temps:
            path = folder / name
            if not is_temp_name(path.name) or _linked_parent(path, folder):
                continue
            with contextlib.suppress(OSError):
                if _is_plain_file(path):
                    path.unlink()
                    removed.append(path)
        self.temps = []
        return removed


def _is_plain_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _linked_parent(path: Path, top: Path) -> Path | None:
    """The first folder between ``top`` and ``path`` that is a link (or not a folder), if any."""
    current = top
    for part in path.parent.relative_to(top).parts:
        current = current / part
        try:
            info = os.lstat(current)
        except OSError:
            return None
        if not stat.S_ISDIR(info.st_mode):
            return current
    return None


def clean_stale_temps(folder: Path) -> list[Path]:
    """Remove the temporaries a killed commit recorded in ``folder``'s manifest.

    Only call this while holding the folder's lock (a live commit's temporaries look the same).
    """
    folder = Path(folder)
    manifest = Manifest.read(folder)
    if not manifest.temps:
        return []
    removed = manifest.sweep(folder)
    manifest.write(folder)
    return removed


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
        os.link(path, backup, follow_symlinks=False)
    except OSError:
        shutil.copy2(path, backup, follow_symlinks=False)


@dataclass
class OutputSet:
    """Files staged in memory for one folder, committed together by :func:`transaction`.

    ``owner`` names the meeting the files belong to (``None``: any). A folder whose manifest
    names another meeting is refused unless ``force``. Sub-folders declared with
    :meth:`own_folder` hold exactly this run's files: files docgen wrote there before and does
    not write now are removed (a certificate of a recipient since taken off the list).
    """

    folder: Path
    force: bool = False
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    owner: str | None = None
    staged: dict[str, bytes] = field(default_factory=dict)
    owned_folders: set[str] = field(default_factory=set)
    backups: list[Path] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

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

    def own_folder(self, name: str) -> None:
        """Declare that sub-folder ``name`` holds only the files staged in it by this run."""
        self.owned_folders.add(check_output_name(name))

    def _check_targets(self) -> None:
        for name in self.staged:
            path = self.folder / name
            linked = _linked_parent(path, self.folder)
            if linked is not None:
                raise DocgenError(
                    _(
                        "{path} is a link or a file, but docgen writes a folder of that name "
                        "there; docgen never writes through links. Remove or rename it and run "
                        "the command again; nothing was written."
                    ).format(path=linked)
                )
            if os.path.islink(path):
                raise DocgenError(
                    _(
                        "{path} is a link to another file; docgen does not write through links. "
                        "Remove the link and run the command again; nothing was written."
                    ).format(path=path)
                )
            if path.is_dir():
                raise DocgenError(
                    _(
                        "{path} is a folder, but docgen writes a file of that name. Rename or "
                        "move the folder and run the command again."
                    ).format(path=path)
                )

    def _stale(self, manifest: Manifest) -> list[str]:
        """Files docgen wrote before in an owned sub-folder and does not write now."""
        prefixes = tuple(f"{name}/" for name in self.owned_folders)
        if not prefixes:
            return []
        return sorted(
            name
            for name in manifest.files
            if name.startswith(prefixes)
            and name not in self.staged
            and _linked_parent(self.folder / name, self.folder) is None
            and _is_plain_file(self.folder / name)
        )

    def _edited_by_hand(self, manifest: Manifest, stale: list[str]) -> list[Path]:
        edited = []
        for name, data in self.staged.items():
            path = self.folder / name
            if not path.exists():
                continue
            digest = _file_hash(path)
            if digest == sha256(data) or manifest.ours(name, digest):
                continue
            edited.append(path)
        for name in stale:
            path = self.folder / name
            if not manifest.ours(name, _file_hash(path)):
                edited.append(path)
        return edited

    def _refuse(self, edited: list[Path], manifest: Manifest) -> DocgenError:
        lines = []
        for path in edited:
            name = path.relative_to(self.folder).as_posix()
            why = (
                _("edited since docgen wrote it")
                if name in manifest.files
                else _("not written by docgen")
            )
            lines.append(f"  {path}  ({why})")
        return DocgenError(
            _(
                "Nothing was written, because docgen would replace or remove files that it "
                "did not write or that were changed since:"
            )
            + "\n"
            + "\n".join(lines)
            + "\n"
            + _(
                "To keep those edits, move or rename the files, or write into another folder "
                "(-o/--output). To replace them anyway, run the command again with --force: "
                "each file is first kept as NAME.edited-YYYYMMDD-HHMMSS.ext beside the new one."
            )
        )

    def _refuse_other_meeting(self, other: str) -> DocgenError:
        return DocgenError(
            _(
                "{folder} holds the documents of another meeting ({other}); nothing was "
                "written. Write into another folder with -o/--output, or add --force to "
                "replace them (files edited by hand are kept as backups)."
            ).format(folder=self.folder, other=other)
        )

    def _check_writable(self) -> None:
        # On Windows a document open in Word cannot be replaced; finding out now, before any
        # file is touched, keeps the build all-or-nothing.
        for name in self.staged:
            path = self.folder / name
            if not _is_plain_file(path):
                continue
            try:
                os.close(os.open(path, os.O_RDWR | _NOFOLLOW | _BINARY))
            except PermissionError:
                raise DocgenError(
                    _(
                        "{path} cannot be replaced: it is read-only or open in another program "
                        "(Word, LibreOffice). Close it and run the command again; nothing was "
                        "written."
                    ).format(path=path)
                ) from None

    def _could_not_write(self, exc: OSError) -> DocgenError:
        if isinstance(exc, LinkError):
            return DocgenError(
                _(
                    "{path} is a link; docgen never writes through links inside the output "
                    "folder. Remove it and run the command again; nothing was changed."
                ).format(path=exc.filename)
            )
        return DocgenError(
            _(
                "{folder}: could not write the new files ({reason}); nothing was changed. Free "
                "some disk space or check permissions, then run the command again."
            ).format(folder=self.folder, reason=_os_message(exc))
        )

    def commit(self) -> list[Path]:
        """Write every staged file, or none; return the paths written (see module docstring)."""
        check_output_folder(self.folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DocgenError(
                _("{folder}: cannot create the output folder ({reason}).").format(
                    folder=self.folder, reason=_os_message(exc)
                )
            ) from None
        with folder_lock(self.folder, timeout=self.lock_timeout):
            manifest = Manifest.read(self.folder)
            if self.owner and manifest.meeting not in (None, self.owner) and not self.force:
                raise self._refuse_other_meeting(manifest.meeting)
            manifest.sweep(self.folder)
            manifest.settle(self.folder)
            self._check_targets()
            stale = self._stale(manifest)
            edited = self._edited_by_hand(manifest, stale)
            if edited and not self.force:
                raise self._refuse(edited, manifest)
            self._check_writable()
            self._write_all(manifest, edited, stale)
        return self.written + self.unchanged

    def _write_all(self, manifest: Manifest, edited: list[Path], stale: list[str]) -> None:
        hashes = {name: sha256(data) for name, data in self.staged.items()}
        temps = {name: _temp_name((self.folder / name).name) for name in self.staged}

        # The journal, written before anything else: the temporaries about to be made (so a
        # killed run's are found and only they are removed) and the new hashes (from here on,
        # old and new both count as docgen's own).
        manifest.pending = dict(hashes)
        manifest.temps = [
            (PurePosixPath(name).parent / temps[name]).as_posix().removeprefix("./")
            for name in self.staged
        ]
        try:
            manifest.write(self.folder)
        except OSError as exc:
            raise self._could_not_write(exc) from None

        # Phase 1: every new file on disk beside its target. Nothing visible has changed.
        made: dict[str, Path] = {}
        try:
            for name, data in self.staged.items():
                target = self.folder / name
                _real_folder(target.parent, self.folder)
                made[name] = _write_temp(target, data, temps[name])
        except BaseException as exc:
            for tmp in made.values():
                tmp.unlink(missing_ok=True)
            manifest.pending, manifest.temps = {}, []
            with contextlib.suppress(OSError):
                manifest.write(self.folder)
            if isinstance(exc, OSError):
                raise self._could_not_write(exc) from None
            raise

        # Phase 2: backups of edited files, then one atomic rename per file.
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        try:
            for path in edited:
                backup = _backup_path(path, stamp)
                _keep_backup(path, backup)
                self.backups.append(backup)
            for name, tmp in list(made.items()):
                target = self.folder / name
                if _is_plain_file(target) and _file_hash(target) == hashes[name]:
                    tmp.unlink(missing_ok=True)
                    self.unchanged.append(target)
                else:
                    os.replace(tmp, target)
                    self.written.append(target)
                del made[name]
        except OSError as exc:
            for tmp in made.values():
                tmp.unlink(missing_ok=True)
            done = [p.relative_to(self.folder).as_posix() for p in self.written]
            raise DocgenError(
                _(
                    "{folder}: writing stopped part-way ({reason}). Already replaced: {done}. "
                    "The others are unchanged. Fix the cause and run the command again."
                ).format(folder=self.folder, reason=_os_message(exc), done=", ".join(done) or "-")
            ) from None
        for parent in {(self.folder / name).parent for name in self.staged}:
            _fsync_dir(parent)
        for name in stale:
            with contextlib.suppress(FileNotFoundError):
                (self.folder / name).unlink()
                self.removed.append(self.folder / name)
            manifest.files.pop(name, None)

        manifest.files.update(hashes)
        if self.owner:
            manifest.meeting = self.owner
        manifest.pending = {}
        manifest.temps = []
        try:
            manifest.write(self.folder)
        except OSError as exc:
            # Every file is in place and the journal written before phase 1 already counts
            # the new hashes as docgen's own; the next run settles it. Not a failure.
            self.warnings.append(
                _(
                    "{path} could not be updated ({reason}); every file was written, and the "
                    "next run into this folder brings it up to date."
                ).format(path=self.folder / MANIFEST, reason=_os_message(exc))
            )


@contextmanager
def transaction(
    folder: Path,
    *,
    force: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    owner: str | None = None,
) -> Iterator[OutputSet]:
    """Stage files inside the ``with`` block; write them all only if the block succeeds.

    An exception inside the block (a template error, a bad field) propagates and nothing is
    written, not even the folder. ``force`` replaces hand-edited files, keeping backups
    (``OutputSet.backups`` lists them afterwards, for the CLI to report). ``owner`` is the
    meeting the files belong to (see :class:`OutputSet`).
    """
    outputs = OutputSet(Path(folder), force=force, lock_timeout=lock_timeout, owner=owner)
    yield outputs
    outputs.commit()
