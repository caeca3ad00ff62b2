"""Platypus flowables that behave like LibreOffice Writer where reportlab's stock ones do not.

* :class:`DocPara` — a reportlab ``Paragraph`` plus paragraph borders/shading, LibreOffice's
  baseline position, keep-lines, and Writer's 2-line widow/orphan rule.
* :class:`KeepNext` — Writer's "keep with next": the paragraph must share a page with the *start*
  of the next block (two lines, or a table's header + first row), not with all of it as
  reportlab's ``KeepTogether`` would demand; that difference alone moves page breaks.
* :class:`DocTable` — a table drawn by hand, row by row. Rows are materialised lazily and a page
  takes only the rows that fit, so a 20,000-row list costs linear time and one page of memory;
  header rows (``w:tblHeader``) repeat on each page; borders are drawn per cell edge exactly as
  resolved (``nil`` stays invisible), which reportlab's ``TableStyle`` cannot express cheaply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from reportlab.lib.colors import HexColor
from reportlab.platypus import Flowable, Paragraph

from docgen.explain import word_place
from docgen.i18n import _
from docgen.pdf.bidi import reorder, reorder_pieces
from docgen.pdf.styles import Border

_TIE = 2.0**-20  # pt: far below Writer's 1/120 pt, and a power of two, so taken off exactly


def _color(hexstr: str):
    try:
        return HexColor("#" + hexstr)
    except (ValueError, TypeError):
        return HexColor("#000000")


def draw_border_line(canv, b: Border, x1: float, y1: float, x2: float, y2: float) -> None:
    canv.saveState()
    canv.setStrokeColor(_color(b.color))
    if b.style == "double":
        w = b.width / 3
        canv.setLineWidth(w)
        dx, dy = (0, w) if y1 == y2 else (w, 0)
        canv.line(x1 - dx, y1 - dy, x2 - dx, y2 - dy)
        canv.line(x1 + dx, y1 + dy, x2 + dx, y2 + dy)
    else:
        canv.setLineWidth(b.width)
        if b.style in ("dashed", "dashSmallGap"):
            canv.setDash(3 * b.width + 2, 2 * b.width + 1)
        elif b.style == "dotted":
            canv.setDash(b.width, b.width * 2)
        canv.line(x1, y1, x2, y2)
    canv.restoreState()


class DocPara(Paragraph):
    """Paragraph with Writer's extras. Extra attributes live on the style (``dg_*``) because
    reportlab re-creates split halves from the style."""

    def _extra(self) -> tuple[float, float]:
        st = self.style
        top = st.dg_btop.width + st.dg_btop.space if getattr(st, "dg_btop", None) else 0.0
        bot = st.dg_bbottom.width + st.dg_bbottom.space if getattr(st, "dg_bbottom", None) else 0.0
        return top, bot

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's signature
        top, bot = self._extra()
        if getattr(self.style, "dg_empty", False):
            # Writer gives an empty paragraph one line of its mark's size; nothing is drawn
            self.width, self.height = availWidth, self.style.leading
            self._dg_h = self.height + top + bot
            return availWidth, self._dg_h
        w, h = super().wrap(availWidth, availHeight - top - bot)
        self._dg_h = h + top + bot
        return w, self._dg_h

    def breakLines(self, width):  # noqa: N802 - reportlab's name
        # Writer compares whole units: a line exactly as wide as its room fits. Summed float
        # widths land a rounding error (~1e-13 pt) either side of such a tie, so the room is
        # widened by _TIE to break the line, and narrowed back in what the lines keep for
        # drawing: the words are placed as in the room itself.
        if isinstance(width, (list, tuple)):
            broken = super().breakLines([w + _TIE for w in width])
        else:
            broken = super().breakLines(width + _TIE)
        for i, line in enumerate(broken.lines):
            if isinstance(line, tuple):  # one style in the paragraph: (spare width, words)
                broken.lines[i] = (line[0] - _TIE, *line[1:])
            else:
                line.extraSpace -= _TIE
                line.maxWidth -= _TIE
        return broken

    def split(self, availWidth, availHeight):  # noqa: N803
        top, bot = self._extra()
        if getattr(self.style, "dg_empty", False):
            return []  # one line: moves whole
        if getattr(self.style, "dg_keep_lines", False):
            frame_h = getattr(self.style, "dg_frame_h", 1e9)
            _w, h = self.wrap(availWidth, availHeight)
            if h <= frame_h:
                return []  # move whole paragraph; only a page-taller one may split
        return super().split(availWidth, availHeight - top - bot)

    def min_start_height(self, avail_width: float) -> float:
        """Height of the first lines a page must hold before this paragraph may start there."""
        self.wrap(avail_width, 1e9)
        lines = (
            1
            if getattr(self.style, "dg_empty", False)
            else (len(getattr(self.blPara, "lines", [])) or 1)
        )
        widow = getattr(self.style, "dg_widow", True)
        keep = getattr(self.style, "dg_keep_lines", False)
        n = lines if keep or not widow or lines <= 3 else 2
        if lines <= 3 and widow:
            n = lines  # 2+1 is not allowed by the widow rule; 3 lines travel together
        top, bot = self._extra()
        return self.getSpaceBefore() + top + n * self.style.leading + (bot if n == lines else 0)

    def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802, N803
        st = self.style
        top, bot = self._extra()
        h = getattr(self, "_dg_h", self.height + top + bot)
        x0 = x + st.leftIndent
        x1 = x + self.width - st.rightIndent
        shade = getattr(st, "dg_shade", None)
        if shade:
            canvas.saveState()
            canvas.setFillColor(_color(shade))
            canvas.rect(x0, y, x1 - x0, h, stroke=0, fill=1)
            canvas.restoreState()
        if getattr(st, "dg_btop", None):
            yy = y + h - st.dg_btop.width / 2
            draw_border_line(canvas, st.dg_btop, x0, yy, x1, yy)
        if getattr(st, "dg_bbottom", None):
            yy = y + st.dg_bbottom.width / 2
            draw_border_line(canvas, st.dg_bbottom, x0, yy, x1, yy)
        if not getattr(st, "dg_empty", False):
            super().drawOn(canvas, x, y + bot + getattr(st, "dg_dy", 0.0), _sW)

    def drawPara(self, debug=0):  # noqa: N802 - reportlab's name
        if not getattr(self.style, "dg_rtl", False):
            return super().drawPara(debug)
        logical = self.blPara
        self.blPara = _visual_lines(logical)
        try:
            return super().drawPara(debug)
        finally:
            self.blPara = logical


def _visual_lines(bl):
    """``blPara`` with each line's right-to-left runs in drawing order (see :mod:`.bidi`).

    Done at drawing time only, on a copy: line breaking and page splitting keep working on the
    logical text, so a split paragraph is never reordered twice.
    """
    if bl.kind == 0:  # one style: lines are (extra space, [words])
        lines = [(extra, reorder(" ".join(words)).split(" ")) for extra, words in bl.lines]
    else:
        lines = []
        for line in bl.lines:
            pieces = [("" if hasattr(f, "cbDefn") else f.text, f) for f in line.words]
            words = [f if not t else f.clone(text=t) for t, f in reorder_pieces(pieces)]
            lines.append(line.clone(words=words))
    return bl.clone(lines=lines)


class KeepNext(Flowable):
    """A conditional page break placed before a run of keep-with-next blocks.

    ``blocks`` are the keep-next paragraphs and the block after them; it breaks the page when the
    keep-next paragraphs plus the start of the following block do not fit in what is left, but
    would fit on a fresh page (otherwise breaking helps nothing, as in Writer).
    """

    # Zero-size and space-transparent: paragraph spacing collapses across it (Writer and Word
    # use the larger of space-after and the next space-before, reportlab's Frame too).
    _ZEROSIZE = True
    _SPACETRANSFER = True

    def __init__(self, blocks: list[Flowable], frame_height: float) -> None:
        super().__init__()
        self.blocks = blocks
        self.frame_height = frame_height
        self._need = 0.0

    def _needed(self, avail_width: float) -> float:
        total = 0.0
        for b in self.blocks[:-1]:
            _w, h = b.wrap(avail_width, 1e9)
            total += h + b.getSpaceBefore() + b.getSpaceAfter()
        last = self.blocks[-1]
        start = getattr(last, "min_start_height", None)
        if start is not None:
            total += start(avail_width)
        else:
            _w, h = last.wrap(avail_width, 1e9)
            total += h + last.getSpaceBefore()
        return total

    def wrap(self, availWidth, availHeight):  # noqa: N803
        self._need = self._needed(availWidth)
        if self._need > availHeight + 1e-6 and self._need <= self.frame_height:
            return availWidth, availHeight + 1e-3  # does not fit → frame moves on
        return 0, 0

    def split(self, availWidth, availHeight):  # noqa: N803
        return []  # never split: forces the page break when wrap said "too tall"

    def draw(self) -> None:
        pass


@dataclass
class CellLayout:
    """One cell as drawn: position in the grid, its content and edge borders."""

    col: int
    span: int
    rowspan: int
    content: list[Flowable]
    margins: tuple[float, float, float, float]  # top, right, bottom, left
    borders: dict[str, Border | None]
    shade: str | None
    valign: str  # top | center | bottom
    content_h: float = 0.0
    _wrapped: list[tuple[Flowable, float, float]] = field(default_factory=list)


@dataclass
class RowLayout:
    cells: list[CellLayout]
    height: float  # final, after min/exact rules and merged-cell distribution
    header: bool = False


def measure_cell(cell: CellLayout, width: float) -> float:
    """Wrap the cell's flowables; content height includes every paragraph space (Writer sums)."""
    inner = max(width - cell.margins[1] - cell.margins[3], 1.0)
    wrapped = []
    total = 0.0
    for f in cell.content:
        w, h = f.wrap(inner, 1e9)
        sb, sa = f.getSpaceBefore(), f.getSpaceAfter()
        wrapped.append((f, w, h))
        total += sb + h + sa
    cell._wrapped = wrapped
    cell.content_h = total
    return total + cell.margins[0] + cell.margins[2]


class TableModel:
    """Shared state of a (possibly long) table: column geometry, lazily built rows, groups.

    ``build_row(i)`` turns XML row ``i`` into cells (flowables built then); ``groups`` lists
    [start, end) row ranges that vertical merges tie together, so a page never cuts them.
    """

    def __init__(
        self,
        col_widths: list[float],
        x_offset: Callable[[float], float],
        header_count: int,
        groups: list[tuple[int, int]],
        build_row: Callable[[int], tuple[list[CellLayout], float | None, str, bool]],
        frame_height: float,
        warn: Callable[[str], None],
        where: str,
    ) -> None:
        self.col_x = [0.0]
        for cw in col_widths:
            self.col_x.append(self.col_x[-1] + cw)
        self.width = self.col_x[-1]
        self.x_offset = x_offset
        self.header_count = header_count
        self.groups = groups
        self.build_row = build_row
        self.frame_height = frame_height
        self.warn = warn
        self.where = where
        self.cache: dict[int, RowLayout] = {}
        self.group_h: dict[int, float] = {}  # group index → height
        self._header: list[RowLayout] | None = None

    def header_rows(self) -> list[RowLayout]:
        if self._header is None:
            self._header = []
            if self.header_count:
                self._header = self._layout_group(0, self.header_count, keep=True)
                if sum(r.height for r in self._header) > self.frame_height / 2:
                    # Repeated on every page, heading rows this tall would leave no room for
                    # the table itself: they are printed once, as ordinary rows.
                    self.warn(
                        _(
                            "the heading rows of a table take more than half a page; they are not "
                            "repeated on each page ({place})"
                        ).format(place=word_place(self.where))
                    )
                    self.groups.insert(0, (0, self.header_count))
                    self.header_count = 0
                    self._header = []
                    self.group_h.clear()
        return self._header

    def header_height(self) -> float:
        return sum(r.height for r in self.header_rows())

    def _layout_group(self, start: int, end: int, keep: bool = False) -> list[RowLayout]:
        rows: list[RowLayout] = []
        for i in range(start, end):
            if i in self.cache:
                rows.append(self.cache[i] if keep else self.cache.pop(i))
                continue
            cells, hval, hrule, is_header = self.build_row(i)
            natural = 0.0
            for c in cells:
                w = self.col_x[c.col + c.span] - self.col_x[c.col]
                h = measure_cell(c, w)
                if c.rowspan == 1:
                    natural = max(natural, h)
            if hval is not None and hrule == "exact":
                height = hval
            elif hval is not None:
                height = max(natural, hval)
            else:
                height = natural
            rows.append(RowLayout(cells, height, is_header))
        # merged cells: the group's last row grows to hold a taller merged cell
        for k, row in enumerate(rows):
            for c in row.cells:
                if c.rowspan > 1:
                    need = c.content_h + c.margins[0] + c.margins[2]
                    have = sum(r.height for r in rows[k : k + c.rowspan])
                    if need > have:
                        rows[min(k + c.rowspan, len(rows)) - 1].height += need - have
        return rows

    def group_rows(self, g: int) -> list[RowLayout]:
        self.header_rows()  # settles whether the heading rows repeat, which renumbers groups
        start, end = self.groups[g]
        if start not in self.cache:
            for k, row in enumerate(self._layout_group(start, end)):
                self.cache[start + k] = row
        return [self.cache[i] for i in range(start, end)]

    def group_height(self, g: int) -> float:
        self.header_rows()
        if g not in self.group_h:
            self.group_h[g] = sum(r.height for r in self.group_rows(g))
        return self.group_h[g]

    def take(self, g: int) -> list[RowLayout]:
        rows = self.group_rows(g)
        start, end = self.groups[g]
        for i in range(start, end):
            self.cache.pop(i, None)
        self.group_h.pop(g, None)
        return rows


class DocTable(Flowable):
    """The rest of a table from body group ``first``; splits into one :class:`RowsChunk` per
    page, each starting with the header rows (rows ``[0, header_count)``) when there are any."""

    def __init__(self, model: TableModel, first: int = 0) -> None:
        super().__init__()
        self.model = model
        self.first = first
        self.hAlign = "LEFT"

    def wrap(self, availWidth, availHeight):  # noqa: N803
        # Measure only until it overflows: enough to tell "fits" from "must split".
        m = self.model
        h = m.header_height()
        for g in range(self.first, len(m.groups)):
            h += m.group_height(g)
            if h > availHeight and g + 1 < len(m.groups):
                h = availHeight + 1.0  # more rows exist; the exact total is not needed
                break
        self._aw = availWidth
        return availWidth, h

    def min_start_height(self, avail_width: float) -> float:
        m = self.model
        first = m.group_height(self.first) if self.first < len(m.groups) else 0.0
        return m.header_height() + first

    def split(self, availWidth, availHeight):  # noqa: N803
        m = self.model
        h = m.header_height()
        g = self.first
        while g < len(m.groups) and h + m.group_height(g) <= availHeight + 1e-6:
            h += m.group_height(g)
            g += 1
        clip = None
        if g == self.first and g < len(m.groups):  # not even one row fits
            if availHeight < m.frame_height - 1e-3:
                return []
            g += 1  # a row taller than a page: place it alone, clipped
            m.warn(
                _(
                    "a table row taller than the page is clipped ({place}); shorten its text or "
                    "let the row break across pages in Word"
                ).format(place=word_place(f"{m.where} row {m.groups[self.first][0] + 1}"))
            )
            clip = availHeight
        rows: list[RowLayout] = list(m.header_rows())
        for k in range(self.first, g):
            rows.extend(m.take(k))
        chunk = RowsChunk(m, rows, clip)
        if g >= len(m.groups):
            return [chunk]
        return [chunk, DocTable(m, g)]

    def draw(self) -> None:  # only reached when drawn outside a frame (headers, footers)
        chunk = self.split(self._aw, 1e12)[0]
        chunk.wrap(self._aw, 1e12)
        chunk.drawOn(self.canv, 0, 0)


class RowsChunk(Flowable):
    """The rows of one page of a table, already measured; draws backgrounds, text, borders."""

    def __init__(self, model: TableModel, rows: list[RowLayout], clip: float | None = None) -> None:
        super().__init__()
        self.model = model
        self.rows = rows
        self.hAlign = "LEFT"
        self.clip = clip  # a row taller than the page: only this much of its top is shown

    def wrap(self, availWidth, availHeight):  # noqa: N803
        self._aw = availWidth
        self.full_height = sum(r.height for r in self.rows)
        self.height = self.full_height
        if self.clip is not None:
            self.height = min(self.full_height, self.clip, availHeight)
        return availWidth, self.height

    def split(self, availWidth, availHeight):  # noqa: N803
        return []

    def draw(self) -> None:
        if self.clip is None or self.height >= self.full_height:
            self._draw_rows()
            return
        canv = self.canv
        canv.saveState()
        path = canv.beginPath()
        path.rect(-1, 0, self._aw + 2, self.height)
        canv.clipPath(path, stroke=0, fill=0)
        canv.translate(0, self.height - self.full_height)
        self._draw_rows()
        canv.restoreState()

    def _draw_rows(self) -> None:
        canv = self.canv
        m = self.model
        x0 = m.x_offset(self._aw)
        y_top = self.full_height
        tops = []
        y = y_top
        for r in self.rows:
            tops.append(y)
            y -= r.height
        tops.append(y)
        lines: list[tuple[Border, float, float, float, float]] = []
        for ri, row in enumerate(self.rows):
            for c in row.cells:
                rs = min(c.rowspan, len(self.rows) - ri)
                cx0 = x0 + m.col_x[c.col]
                cx1 = x0 + m.col_x[c.col + c.span]
                ct, cb = tops[ri], tops[ri + rs]
                if c.shade:
                    canv.saveState()
                    canv.setFillColor(_color(c.shade))
                    canv.rect(cx0, cb, cx1 - cx0, ct - cb, stroke=0, fill=1)
                    canv.restoreState()
                mt, _mr, mb, ml = c.margins
                free = (ct - cb) - c.content_h - mt - mb
                off = 0.0 if c.valign == "top" else (free / 2 if c.valign == "center" else free)
                yy = ct - mt - max(off, 0.0)
                for f, fw, fh in c._wrapped:
                    yy -= f.getSpaceBefore() + fh
                    inner = (cx1 - cx0) - c.margins[1] - ml
                    dx = 0.0
                    align = getattr(f, "hAlign", "LEFT")
                    if not isinstance(f, Paragraph) and fw < inner:
                        dx = (
                            (inner - fw) / 2
                            if align == "CENTER"
                            else (inner - fw if align == "RIGHT" else 0.0)
                        )
                    f.drawOn(canv, cx0 + ml + dx, yy)
                    yy -= f.getSpaceAfter()
                b = c.borders
                if b.get("top"):
                    lines.append((b["top"], cx0, ct, cx1, ct))
                if b.get("bottom"):
                    lines.append((b["bottom"], cx0, cb, cx1, cb))
                if b.get("left"):
                    lines.append((b["left"], cx0, ct, cx0, cb))
                if b.get("right"):
                    lines.append((b["right"], cx1, ct, cx1, cb))
        # Borders last, over every background; plain solid lines batched per pen, since a
        # state save/restore per cell edge dominated drawing time for long lists.
        plain: dict[tuple[float, str], list[tuple[float, float, float, float]]] = {}
        for bd, a, b_, c_, d in lines:
            if bd.style == "single":
                plain.setdefault((bd.width, bd.color), []).append((a, b_, c_, d))
            else:
                draw_border_line(canv, bd, a, b_, c_, d)
        for (width, color), segs in plain.items():
            canv.saveState()
            canv.setStrokeColor(_color(color))
            canv.setLineWidth(width)
            canv.lines(segs)
            canv.restoreState()
