"""Bằng khen and giấy khen: one certificate page per award recipient.

Two modes. ``overlay`` prints only the variable fields (name, position and unit, achievement,
decision, golden-book number, place and date, signer) at millimetre positions, for the
pre-printed blank stock offices buy; ``full`` prints the whole certificate on plain paper
(frame, motto, the issuer's title and the award's name in red). Positions come from a layout
file per kind (``templates/certificates/bang-khen.yaml``, ``giay-khen.yaml``) that a clerk
edits; a calibration sheet tells the printer's offset, which every page is then shifted by.

Public API: :func:`render_certificates` (one PDF), :func:`render_per_recipient` (one PDF each),
:func:`certificate_pages`, :func:`calibration_sheet`, :func:`load_layout`.

The package imports its parts only when they are used (:func:`__getattr__`): a build that
makes no certificate, or ``docgen awards check``, never loads the layout, drawing and
calibration code; the names below are cheap to import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from docgen.errors import DocgenError
from docgen.i18n import _

if TYPE_CHECKING:
    from docgen.certificates.layout import LoadedLayout
    from docgen.certificates.render import Page
    from docgen.model import MeetingRecord

Mode = Literal["overlay", "full"]
MODES: tuple[Mode, ...] = ("overlay", "full")

#: The numbered name of the certificates among a meeting's documents (after the award lists).
FILE_STEM = "05-bang-khen-giay-khen"

#: Which layout file prints which form of award.
LAYOUT_FOR_FORM = {"Bằng khen": "bang-khen", "Giấy khen": "giay-khen"}

# Public name → the module that defines it, imported on first use.
_LAZY = {
    "calibration_sheet": "docgen.certificates.calibration",
    "page_contexts": "docgen.certificates.context",
    "LoadedLayout": "docgen.certificates.layout",
    "builtin_dir": "docgen.certificates.layout",
    "layout_path": "docgen.certificates.layout",
    "load_layout": "docgen.certificates.layout",
    "Page": "docgen.certificates.render",
    "Renderer": "docgen.certificates.render",
    "fit": "docgen.certificates.render",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'docgen.certificates' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "FILE_STEM",
    "LAYOUT_FOR_FORM",
    "MODES",
    "LoadedLayout",
    "Mode",
    "Page",
    "Renderer",
    "builtin_dir",
    "calibration_sheet",
    "certificate_pages",
    "certificates_stem",
    "file_slug",
    "fit",
    "layout_path",
    "load_layout",
    "render_certificates",
    "render_per_recipient",
]


def certificates_stem(mode: str, *, award: str | None = None, preview: bool = False) -> str:
    """The file name, without ``.pdf``, of a list of certificates, whoever writes it.

    ``docgen build`` and ``docgen certificates`` write the same thing under the same name, so
    the second replaces the first's file instead of leaving two copies the clerk must tell
    apart: ``05-bang-khen-giay-khen-overlay``, ``05-bang-khen-giay-khen-<award>-full``, with
    ``-preview`` when the stock's background is drawn. (``--per-recipient`` makes it a folder.)
    """
    # Imported here: the names of this module stay cheap to import.
    from docgen.outputs import safe_filename

    parts = [FILE_STEM]
    if award:
        # As the award group's decision and list are told apart (pipeline.plan).
        parts.append(safe_filename(award, max_length=60, default="khen-thuong"))
    parts.append(mode)
    if preview:
        parts.append("preview")
    return "-".join(parts)


def certificate_pages(
    record: MeetingRecord,
    *,
    award: str | None = None,
    layouts_dir: Path | None = None,
    layouts: dict[Any, LoadedLayout] | None = None,
) -> list[Page]:
    """Every certificate of the meeting (or of award group ``award``), in list order.

    Award groups in file order; in each, collectives then individuals as listed (individuals
    sorted by name when the group asks for it, as on the award list). Each layout file is
    loaded once; ``layouts`` is a cache a caller keeps between calls (a file is loaded again
    when it changed on disk).
    """
    from docgen.certificates.context import page_contexts
    from docgen.certificates.layout import layout_path, load_layout
    from docgen.certificates.render import Page

    groups = record.awards
    if award is not None:
        groups = [g for g in groups if g.key == award]
        if not groups:
            keys = ", ".join(g.key for g in record.awards) or _("none")
            raise DocgenError(
                _('there is no award group "{award}"; the groups are: {keys}.').format(
                    award=award, keys=keys
                )
            )
    if not groups:
        raise DocgenError(_("the meeting file has no awards, so there are no certificates."))
    if layouts is None:
        layouts = {}
    pages = []
    for group in groups:
        path = layout_path(group.form, layouts_dir)
        key = (path, _stamp(path))
        layout = layouts.get(key)
        if layout is None:
            layout = layouts[key] = load_layout(path)
        shared, recipients = page_contexts(record, group)
        pages.extend(Page(layout, group.key, shared, r) for r in recipients)
    return pages


def render_certificates(
    record: MeetingRecord,
    *,
    award: str | None = None,
    mode: Mode = "overlay",
    offset: tuple[float, float] = (0.0, 0.0),
    preview: bool = False,
    layouts_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
    warn: Callable[[str], None] | None = None,
    layouts: dict[Any, LoadedLayout] | None = None,
) -> bytes:
    """All certificates as one PDF (bytes), one page per recipient.

    ``offset`` is (DX, DY) in mm: DX moves everything right, DY moves everything down, as the
    calibration sheet measures. ``preview`` draws each layout's background image (overlay mode
    only) so the placement can be checked on screen; never print a preview on the stock.
    """
    from docgen.certificates.render import Renderer

    pages = certificate_pages(record, award=award, layouts_dir=layouts_dir, layouts=layouts)
    renderer = Renderer(mode=mode, offset=offset, preview=preview, warn=warn)
    return renderer.render(pages, progress)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None  # load_layout says what is wrong with it
    return (st.st_mtime_ns, st.st_size)


def file_slug(text: str, limit: int = 60) -> str:
    """ASCII file-name part: 'Ban Tuyên giáo Huyện ủy Cao Lộc' → 'ban-tuyen-giao-huyen-uy-cao-loc'."""
    from docgen.outputs import safe_filename

    return safe_filename(text, max_length=limit, default="x")


def render_per_recipient(
    record: MeetingRecord,
    *,
    award: str | None = None,
    mode: Mode = "overlay",
    offset: tuple[float, float] = (0.0, 0.0),
    preview: bool = False,
    layouts_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> list[tuple[str, bytes]]:
    """One PDF per recipient: ``(file name, bytes)``, names ``NNN-<group>-<name>.pdf`` in order."""
    from docgen.certificates.render import Renderer

    pages = certificate_pages(record, award=award, layouts_dir=layouts_dir)
    renderer = Renderer(mode=mode, offset=offset, preview=preview, warn=warn)
    width = max(3, len(str(len(pages))))
    out = []
    for i, page in enumerate(pages, start=1):
        name = f"{i:0{width}d}-{page.group_key}-{file_slug(page.recipient['name'])}.pdf"
        out.append((name, renderer.render([page], progress)))
    return out
