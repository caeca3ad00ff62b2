"""The manifest (``.docgen-manifest.json``): what docgen wrote, the journal of a commit in
progress, and the temporaries a killed commit left."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from docgen.errors import DocgenError
from docgen.explain import os_reason
from docgen.i18n import _
from docgen.outputs.files import _replace_file

MANIFEST = ".docgen-manifest.json"
MANIFEST_VERSION = 1

#: Temporary files are hidden (leading dot) and end in ``.tmp`` so that no one mistakes them
#: for outputs; :meth:`Manifest.sweep` removes those a killed build recorded.
_TEMP_RE = re.compile(r"^\..+\.[A-Za-z0-9_]{6,}\.tmp$")


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
                ).format(
                    path=path,
                    reason=os_reason(exc)
                    if isinstance(exc, OSError)
                    else _("it is not a manifest docgen wrote (damaged JSON)"),
                )
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
