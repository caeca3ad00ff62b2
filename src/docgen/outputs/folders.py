"""Where outputs go: the folder docgen may write into, and a meeting's own default folder."""

from __future__ import annotations

from pathlib import Path

from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.identity import meeting_key
from docgen.outputs.manifest import Manifest
from docgen.outputs.names import safe_filename


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
