"""Pages: one reportlab page template per section (plus a first-page one for ``titlePg``), headers
and footers drawn per page so PAGE/NUMPAGES fields show live values.

Why headers are drawn in ``onPage`` rather than as frame content: Writer keeps the header in the
top margin at ``w:header`` from the paper edge and never lets it push body text when it fits,
which is what the official format's page number "in the top margin" relies on.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lxml import etree
from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate
from reportlab.platypus.doctemplate import LayoutError

from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.pdf.docx_reader import DocxPackage, Section, w
from docgen.pdf.layout import Builder


def _split_sections(pkg: DocxPackage) -> list[list[etree._Element]]:
    """Body children grouped per section (a paragraph holding a sectPr closes its section)."""
    groups: list[list[etree._Element]] = [[]]
    for child in pkg.body:
        if child.tag == w("sectPr"):
            continue
        groups[-1].append(child)
        if child.tag == w("p") and child.find(f"{w('pPr')}/{w('sectPr')}") is not None:
            groups.append([])
    if not groups[-1] and len(groups) > 1:
        groups.pop()
    return groups


#: Paper from 1 inch to the PDF format's own limit (200 inches) is laid out as given.
_PAGE_RANGE = (72.0, 14_400.0)
#: What a section keeps for its text when its margins ask for more than the paper has.
_MIN_BODY = 0.25


def _mm(points: float) -> str:
    return f"{points / 72 * 25.4:,.0f}"


def usable_section(sec: Section, number: int, warn: Callable[[str], None]) -> Section:
    """``sec`` with geometry a page can be made of; every change is told through ``warn``.

    A DOCX can hold any numbers: a page 0 mm wide, margins taller than the paper, header
    distances beyond it. Word refuses to save such values but other programs write them.
    """
    low, high = _PAGE_RANGE
    if not (low <= sec.page_width <= high and low <= sec.page_height <= high):
        landscape = sec.el.find(w("pgSz")) is not None and (
            sec.el.find(w("pgSz")).get(w("orient")) == "landscape"
        )
        width, height = (841.9, 595.3) if landscape else (595.3, 841.9)
        warn(
            _(
                "section {number}: a page of {width} × {height} mm is not a paper size; A4 is used"
            ).format(number=number, width=_mm(sec.page_width), height=_mm(sec.page_height))
        )
        sec.page_width, sec.page_height = width, height
    for side in ("left", "right", "header", "footer"):
        if getattr(sec, side) < 0:
            setattr(sec, side, 0.0)
    for first, second, extent, label in (
        ("top", "bottom", sec.page_height, _("the top and bottom margins")),
        ("left", "right", sec.page_width, _("the left and right margins")),
    ):
        a, b = getattr(sec, first), getattr(sec, second)
        room = extent - a - b
        if room < extent * _MIN_BODY:
            # Shrink both margins in proportion until the text has a quarter of the paper.
            scale = extent * (1 - _MIN_BODY) / max(a + b, 1e-9)
            setattr(sec, first, a * scale)
            setattr(sec, second, b * scale)
            warn(
                _(
                    "section {number}: {margins} ({first} + {second} mm) leave no room on a page "
                    "{extent} mm across; they are narrowed to {new_first} + {new_second} mm"
                ).format(
                    number=number,
                    margins=label,
                    first=_mm(a),
                    second=_mm(b),
                    extent=_mm(extent),
                    new_first=_mm(a * scale),
                    new_second=_mm(b * scale),
                )
            )
    sec.header = min(sec.header, sec.page_height / 2)
    sec.footer = min(sec.footer, sec.page_height / 2)
    return sec


class _Doc(BaseDocTemplate):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)


class _Renderer:
    def __init__(
        self,
        pkg: DocxPackage,
        font_dirs: Sequence[Path],
        warn: Callable[[str], None],
        total_pages: int | None,
    ) -> None:
        self.pkg = pkg
        self.builder = Builder(pkg, font_dirs, warn)
        self.sections = [
            usable_section(sec, n, self.builder.warn)
            for n, sec in enumerate(pkg.sections(), start=1)
        ]
        self.total_pages = total_pages
        self.page_in_section: dict[int, int] = {}
        self.number = 0  # the page number printed (pgNumType start aware)
        self.cur_section = -1

    def on_page(self, section_idx: int):
        def draw(canvas, doc) -> None:
            sec = self.sections[section_idx]
            n = self.page_in_section.get(section_idx, 0) + 1
            self.page_in_section[section_idx] = n
            if section_idx != self.cur_section:
                self.cur_section = section_idx
                if sec.page_start is not None:
                    self.number = sec.page_start - 1
            self.number += 1
            self._draw_hf(canvas, sec, n, "header")
            self._draw_hf(canvas, sec, n, "footer")

        return draw

    def _hf_flows(
        self, sec: Section, n: int, number: int, kind: str
    ) -> tuple[list[tuple[Any, float, float, float]], float]:
        """The header's (footer's) flowables of page ``n`` of ``sec``, sized, and their height."""
        b = self.builder
        el = b.header_footer(sec, kind, n, number)
        if el is None:
            return [], 0.0
        b.fields = {
            "PAGE": str(number),
            "NUMPAGES": str(self.total_pages or number),
            "SECTIONPAGES": str(self.total_pages or number),
        }
        saved_where = b.where
        try:
            flows = b.blocks(el, sec.frame_width, kind)
        finally:
            b._part_rels = None
            b.fields = {}
            b.where = saved_where
        sized = []
        total = 0.0
        for f in flows:
            _w, h = f.wrap(sec.frame_width, 1e6)
            sb, sa = f.getSpaceBefore(), f.getSpaceAfter()
            sized.append((f, h, sb, sa))
            total += sb + h + sa
        return sized, total

    def _draw_hf(self, canvas, sec: Section, n: int, kind: str) -> None:
        sized, total = self._hf_flows(sec, n, self.number, kind)
        y = sec.page_height - sec.header if kind == "header" else sec.footer + total
        for f, h, sb, sa in sized:
            y -= sb + h
            f.drawOn(canvas, sec.left, y)
            y -= sa

    def _body_box(self, sec: Section, first: bool) -> tuple[float, float]:
        """The body's top and bottom edges above the paper's foot, as Word places them.

        A header taller than the room between its distance from the edge and the top margin
        pushes the text down (a footer pushes it up), unless the margin is exact (negative in
        Word). Measured on the first page's or on later pages' header (even and odd).
        """
        if first:
            pages = [(1, 1)]
        else:
            pages = [(2, 2), (2, 3)] if self.builder.even_odd else [(2, 2)]
        header = max(self._hf_flows(sec, n, number, "header")[1] for n, number in pages)
        footer = max(self._hf_flows(sec, n, number, "footer")[1] for n, number in pages)
        top = sec.top if sec.top_exact else max(sec.top, sec.header + header)
        bottom = sec.bottom if sec.bottom_exact else max(sec.bottom, sec.footer + footer)
        # The text keeps at least a quarter of the paper, as usable_section keeps the margins.
        room = sec.page_height * _MIN_BODY
        if sec.page_height - top - bottom < room:
            top, bottom = sec.top, sec.bottom
        return sec.page_height - top, bottom

    def build(self, out) -> int:
        b = self.builder
        templates: list[PageTemplate] = []
        story: list = []
        groups = _split_sections(self.pkg)
        for i, sec in enumerate(self.sections):

            def body_frame(frame_id: str, sec=sec, first: bool = False) -> Frame:
                # Paragraph and table spacing come from the DOCX; the frame adds none.
                top, bottom = self._body_box(sec, first)
                return Frame(
                    sec.left,
                    bottom,
                    sec.frame_width,
                    top - bottom,
                    leftPadding=0,
                    rightPadding=0,
                    topPadding=0,
                    bottomPadding=0,
                    id=frame_id,
                )

            frame = body_frame(f"f{i}")
            size = (sec.page_width, sec.page_height)
            main = PageTemplate(id=f"s{i}", frames=[frame], onPage=self.on_page(i), pagesize=size)
            templates.append(main)
            if sec.title_pg:
                first = PageTemplate(
                    id=f"s{i}first",
                    frames=[body_frame(f"f{i}first", first=True)],
                    onPage=self.on_page(i),
                    pagesize=size,
                    autoNextPageTemplate=f"s{i}",
                )
                templates.insert(0 if i == 0 else len(templates) - 1, first)
            b.frame_height = frame._y2 - frame._y1
            b.frame_width = sec.frame_width
            if i:
                story.append(NextPageTemplate(f"s{i}first" if sec.title_pg else f"s{i}"))
                if sec.start_type != "continuous":
                    story.append(PageBreak())
                else:
                    b.warn(
                        _("continuous section break {number} starts a new page here").format(
                            number=i
                        )
                    )
                    story.append(PageBreak())
            body = groups[i] if i < len(groups) else []
            story.extend(
                b.blocks(
                    body,
                    sec.frame_width,
                    f"section {i + 1} body" if len(self.sections) > 1 else "body",
                )
            )
        first_sec = self.sections[0]
        doc = _Doc(
            out,
            pagesize=(first_sec.page_width, first_sec.page_height),
            pageTemplates=templates,
            leftMargin=first_sec.left,
            rightMargin=first_sec.right,
            topMargin=first_sec.top,
            bottomMargin=first_sec.bottom,
            creator="docgen",
            producer="docgen",
            title=self._title(),
            invariant=True,
            # an embedded font, so no unembedded Helvetica lands in the resources
            initialFontName=b.faces("Times New Roman").regular,
            initialFontSize=12,
        )
        if self.sections[0].title_pg:
            doc.pageTemplates.sort(key=lambda t: t.id != "s0first")
        try:
            doc.build(story)
        except LayoutError as exc:
            # Everything known to be too large is shrunk or clipped before this; what is left
            # is told as a fault of the document's content, with the page it stopped on.
            raise DocgenError(
                _(
                    "{file}: page {page} cannot be laid out — a part of the document ({where}) "
                    "is larger than the page and cannot be divided. Make it smaller in Word: "
                    "a picture, a table row or a font size ({detail})."
                ).format(
                    file=self.pkg.path,
                    page=doc.page,
                    where=b.where,
                    detail=str(exc).splitlines()[0][:160],
                )
            ) from None
        finally:
            b.close()
        return doc.page

    def _title(self) -> str:
        try:
            root = self.pkg.xml("docProps/core.xml")
        except DocgenError:
            return ""  # a damaged title is no reason to refuse the document
        if root is None:
            return ""
        t = root.find("{http://purl.org/dc/elements/1.1/}title")
        return (t.text or "") if t is not None else ""


def _warnings_collector(
    warn: Callable[[str], None] | None,
) -> tuple[list[str], Callable[[str], None]]:
    warnings: list[str] = []

    def collect(msg: str) -> None:
        if msg not in warnings:
            warnings.append(msg)
            if warn:
                warn(msg)

    return warnings, collect


def _write(
    pkg: DocxPackage, out, font_dirs: Sequence[Path], collect: Callable[[str], None]
) -> None:
    # Only the main document and its headers/footers can hold a page-count field.
    fielded = ["word/document.xml"] + [
        target for typ, target, _mode in pkg.rels.values() if typ in ("header", "footer")
    ]
    needs_total = any(
        b"NUMPAGES" in data or b"SECTIONPAGES" in data for data in map(pkg.part, fielded) if data
    )
    total = None
    if needs_total:  # first pass only counts pages
        total = _Renderer(pkg, font_dirs, lambda _m: None, None).build(io.BytesIO())
    _Renderer(pkg, font_dirs, collect, total).build(out)


def render(
    src: Path, dst: Path, font_dirs: Sequence[Path] = (), warn: Callable[[str], None] | None = None
) -> list[str]:
    """Convert ``src`` (DOCX) to ``dst`` (PDF); return the warnings (also passed to ``warn``)."""
    warnings, collect = _warnings_collector(warn)
    pkg = DocxPackage(Path(src))
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".part")
    try:
        with open(tmp, "wb") as fh:
            _write(pkg, fh, font_dirs, collect)
        tmp.replace(dst)
    finally:
        if tmp.exists():
            tmp.unlink()
    return warnings


def render_bytes(
    data: bytes,
    name: str = "document.docx",
    font_dirs: Sequence[Path] = (),
    warn: Callable[[str], None] | None = None,
) -> tuple[bytes, list[str]]:
    """Convert DOCX ``data`` to PDF in memory: (the PDF's bytes, the warnings)."""
    warnings, collect = _warnings_collector(warn)
    out = io.BytesIO()
    _write(DocxPackage(data, name), out, font_dirs, collect)
    return out.getvalue(), warnings
