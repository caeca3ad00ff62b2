"""The working folder the server edits: its meeting files, their outputs, templates and register.

Every file the web layer reads or writes is found here, from a name the browser sent, and only
here: a meeting is one of the ``*.yaml`` files listed directly in the folder, an output one of
the files listed in its output folder. A name is never joined to a path before it has been
found in such a listing, so no parameter can reach outside the folder (``..``, absolute
paths, links pointing elsewhere).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from docgen.build import default_output
from docgen.errors import DocgenError
from docgen.loader import load_meeting
from docgen.model import MeetingRecord
from docgen.outputs import safe_filename

MEETING_SUFFIXES = (".yaml", ".yml")
REGISTER_NAME = "docgen-register.sqlite"


class NotHere(Exception):
    """A name that is not one of the working folder's files (answered with 404)."""


@dataclass
class Check:
    """What ``docgen validate`` says about one meeting file."""

    record: MeetingRecord | None
    problems: list[str] = field(default_factory=list)
    fields: list[tuple[str | int, ...] | None] = field(default_factory=list)


class Workspace:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder).resolve()

    # -- meeting files -------------------------------------------------------------------------

    def _inside(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.folder)
        except (ValueError, OSError):
            return False
        return True

    def meetings(self) -> list[Path]:
        return sorted(
            p
            for p in self.folder.iterdir()
            if p.suffix.lower() in MEETING_SUFFIXES
            and not p.name.startswith(".")
            and p.is_file()
            and self._inside(p)
        )

    def meeting(self, name: str) -> Path:
        """The meeting file called ``name`` in the folder, or :class:`NotHere`."""
        for path in self.meetings():
            if path.name == name:
                return path
        raise NotHere(name)

    def new_name(self, wanted: str) -> str:
        """A file name for a new meeting from what the clerk typed (ASCII, ``.yaml``)."""
        stem = wanted.strip()
        for suffix in MEETING_SUFFIXES:
            if stem.lower().endswith(suffix):
                stem = stem[: -len(suffix)]
        return safe_filename(stem, max_length=60, default="cuoc-hop") + ".yaml"

    def copy_name(self, path: Path) -> str:
        """``x-ban-sao.yaml``, ``x-ban-sao-2.yaml`` …: the first name not taken."""
        base = f"{path.stem}-ban-sao"
        name, n = f"{base}.yaml", 2
        while (self.folder / name).exists():
            name, n = f"{base}-{n}.yaml", n + 1
        return name

    def check(self, path: Path) -> Check:
        """Validate with the very function ``docgen validate`` uses, naming the file plainly."""
        try:
            return Check(load_meeting(path))
        except DocgenError as exc:
            prefix = str(path)
            problems = [p.replace(prefix, path.name) for p in exc.problems] or [
                str(exc).replace(prefix, path.name)
            ]
            fields = exc.fields if exc.problems else [None]
            return Check(None, problems, fields)

    # -- outputs -------------------------------------------------------------------------------

    def output_dir(self, meeting: Path) -> Path:
        return default_output(meeting, self.folder)

    def outputs(self, meeting: Path) -> list[Path]:
        folder = self.output_dir(meeting)
        if not folder.is_dir() or not self._inside(folder):
            return []
        return sorted(
            p
            for p in folder.iterdir()
            if p.is_file()
            and not p.is_symlink()
            and not p.name.startswith(".")
            and p.suffix.lower() in (".docx", ".pdf")
        )

    def output(self, meeting: Path, name: str) -> Path:
        for path in self.outputs(meeting):
            if path.name == name:
                return path
        raise NotHere(name)

    def last_build(self, meeting: Path) -> dt.datetime | None:
        files = self.outputs(meeting)
        if not files:
            return None
        return dt.datetime.fromtimestamp(max(p.stat().st_mtime for p in files))

    # -- templates and register ----------------------------------------------------------------

    @property
    def templates_dir(self) -> Path:
        """Where uploaded templates go: ``./templates`` of the folder, which builds then use."""
        return self.folder / "templates"

    @property
    def register_path(self) -> Path:
        return self.folder / REGISTER_NAME
