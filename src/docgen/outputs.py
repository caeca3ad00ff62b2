"""Writing generated files so that nothing is lost.

A build writes all its files or none: each file is first written to a temporary file in the
target folder and renamed into place only when the whole build has succeeded, so an interrupted
build leaves the previous files whole. A manifest (``.docgen-manifest.json``) in the output
folder records the hash of every file docgen wrote; a file whose hash has changed since was
edited by hand, and is not overwritten unless the caller forces it, in which case the edited
copy is kept as a backup first.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from docgen.errors import DocgenError

MANIFEST = ".docgen-manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise DocgenError(
            f"{folder / MANIFEST} cannot be read ({exc}); delete it if the folder holds no "
            "hand-edited files, then build again."
        ) from None
    files = data.get("files", {}) if isinstance(data, dict) else {}
    return {str(k): str(v) for k, v in files.items()}


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename; never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class OutputSet:
    """Files staged in memory for one folder, committed together by :func:`transaction`."""

    folder: Path
    force: bool = False
    staged: dict[str, bytes] = field(default_factory=dict)
    backups: list[Path] = field(default_factory=list)

    def add(self, name: str, data: bytes) -> Path:
        """Stage ``data`` as ``folder/name``; nothing touches the disk until the build succeeds."""
        if name in self.staged:
            raise ValueError(f"{name} is produced twice in one build")
        self.staged[name] = data
        return self.folder / name

    def _edited_by_hand(self, manifest: dict[str, str]) -> list[Path]:
        edited = []
        for name in self.staged:
            path = self.folder / name
            if not path.exists():
                continue
            recorded = manifest.get(name)
            if recorded is None or sha256(path.read_bytes()) != recorded:
                edited.append(path)
        return edited

    def commit(self) -> list[Path]:
        self.folder.mkdir(parents=True, exist_ok=True)
        manifest = _read_manifest(self.folder)
        edited = self._edited_by_hand(manifest)
        if edited and not self.force:
            names = "\n".join(f"  {p}" for p in edited)
            raise DocgenError(
                f"These files were changed since docgen wrote them (or were not written by "
                f"docgen), so the build stopped without writing anything:\n{names}\n"
                "Move or rename them to keep your edits, or build again with --force, which "
                "keeps each edited file as a backup (NAME.edited-YYYYMMDD-HHMMSS.ext) before "
                "replacing it."
            )
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        for path in edited:
            backup = path.with_name(f"{path.stem}.edited-{stamp}{path.suffix}")
            os.replace(path, backup)
            self.backups.append(backup)
        written = []
        for name, data in self.staged.items():
            atomic_write(self.folder / name, data)
            manifest[name] = sha256(data)
            written.append(self.folder / name)
        atomic_write(
            self.folder / MANIFEST,
            json.dumps({"files": manifest}, ensure_ascii=False, indent=2, sort_keys=True).encode(),
        )
        return written


@contextmanager
def transaction(folder: Path, *, force: bool = False) -> Iterator[OutputSet]:
    """Stage files inside the ``with`` block; write them all only if the block succeeds."""
    outputs = OutputSet(Path(folder), force=force)
    yield outputs
    outputs.commit()
