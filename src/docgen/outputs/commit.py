"""All files or none: staging a build's files and committing them (:func:`transaction`)."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.outputs.files import (
    _BINARY,
    _NOFOLLOW,
    LinkError,
    _fsync_dir,
    _os_message,
    _real_folder,
    _sync_files,
    _temp_name,
    _write_temp,
)
from docgen.outputs.folders import check_output_folder
from docgen.outputs.lock import DEFAULT_LOCK_TIMEOUT, folder_lock
from docgen.outputs.manifest import (
    MANIFEST,
    Manifest,
    _file_hash,
    _is_plain_file,
    _linked_parent,
    sha256,
)
from docgen.outputs.names import check_output_name


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
        same: list[Path] = []
        try:
            for name, data in self.staged.items():
                target = self.folder / name
                _real_folder(target.parent, self.folder)
                if _is_plain_file(target) and _file_hash(target) == hashes[name]:
                    # Already on disk exactly as it would be written (a rebuild that changed
                    # nothing in it): no copy to write, flush, compare and remove again.
                    same.append(target)
                    continue
                made[name] = _write_temp(target, data, temps[name], sync=False)
            # On disk, every one, before the first rename makes any of them visible.
            _sync_files(list(made.values()))
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
        self.unchanged.extend(same)
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
