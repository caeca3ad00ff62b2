"""DOCX tables → :class:`~docgen.pdf.flowables.DocTable`: grid, spans, merges, margins, borders.

Half of :class:`docgen.pdf.layout.Builder`, kept apart because it is a job of its own: working out
the table's geometry the way Writer does (cell margins, ``tblInd``, collapsed borders, vertical
merges and the row groups a page must not cut). Cell content goes back through the Builder's
paragraph and table methods, hence a mixin sharing its state.
"""

from __future__ import annotations

from lxml import etree
from reportlab.platypus import Flowable, PageBreak, Spacer

from docgen.explain import word_place
from docgen.i18n import _
from docgen.pdf.docx_reader import (
    NS,
    CellSpec,
    Table,
    TableRow,
    twips,
    w,
    wval,
)
from docgen.pdf.flowables import CellLayout, DocTable, TableModel
from docgen.pdf.styles import (
    Border,
    Props,
    parse_border,
)

#: Tables inside tables beyond this depth are set as plain paragraphs: each level takes its
#: cell margins from the width, and 80 levels leave no width at all.
MAX_TABLE_DEPTH = 12
DEFAULT_CELL_MARGIN = 108 / 20  # 0.19 cm, Word's and Writer's default left/right cell margin


def _fit_spans(cells: list[CellSpec], n_cols: int) -> list[CellSpec]:
    """A row's cells with each ``gridSpan`` cut so that the cells after it still fit the grid."""
    out = []
    col = cells[0].col if cells else 0
    for index, cell in enumerate(cells):
        after = len(cells) - index - 1
        span = min(cell.span, max(1, n_cols - col - after))
        out.append(CellSpec(cell.el, col, span, cell.vmerge))
        col += span
    return out


class TableLayout:
    """Lays out tables (mixed into :class:`~docgen.pdf.layout.Builder`)."""

    def table(
        self, tbl: etree._Element, avail_width: float, where: str, depth: int = 0
    ) -> list[Flowable]:
        t = Table(tbl)
        tblpr = t.tblpr
        style_ppr, style_rpr, style_tblpr = self.styles.table_style(t.style_id)

        # effective tblPr: table style's, then direct
        def tprop(tag: str) -> etree._Element | None:
            el = tblpr.find(w(tag)) if tblpr is not None else None
            if el is None and style_tblpr is not None:
                el = style_tblpr.find(w(tag))
            return el

        grid = t.grid()
        rows = t.rows()
        if not rows:
            return []
        if not grid or sum(grid) <= 0:
            n = max(sum(c.span for c in r.cells()) for r in rows)
            grid = [avail_width / max(n, 1)] * max(n, 1)
        specs = [_fit_spans(r.cells(), len(grid)) for r in rows]
        if any(
            c.span != o.span
            for r, cells in zip(rows, specs, strict=True)
            for c, o in zip(cells, r.cells(), strict=True)
        ):
            self.warn(
                _("a cell spans more columns than the table has; it is narrowed ({place})").format(
                    place=word_place(where)
                )
            )
        needed = max((c.col + c.span for cells in specs for c in cells), default=len(grid))
        if needed > len(grid):
            # More cells in a row than the grid has columns: Word widens the grid; here the
            # extra columns share the table's width with the others.
            self.warn(
                _(
                    "a row has cells beyond the table's {columns} columns; the table is laid out "
                    "with {needed} ({place})"
                ).format(columns=len(grid), needed=needed, place=word_place(where))
            )
            total = sum(grid)
            grid = [g * len(grid) / needed for g in grid] + [total / needed] * (needed - len(grid))
        # cell margins: table style, table, then per-cell tcMar
        mar = {"top": 0.0, "bottom": 0.0, "left": DEFAULT_CELL_MARGIN, "right": DEFAULT_CELL_MARGIN}
        for src in (style_tblpr, tblpr):
            cm = src.find(w("tblCellMar")) if src is not None else None
            if cm is not None:
                for side, alias in (
                    ("top", "top"),
                    ("bottom", "bottom"),
                    ("left", "start"),
                    ("right", "end"),
                ):
                    el = cm.find(w(side))
                    if el is None:
                        el = cm.find(w(alias))
                    if el is not None and (el.get(w("type")) in (None, "dxa")):
                        mar[side] = twips(el.get(w("w")), mar[side]) or 0.0
        # table-level borders (style then direct, per side)
        tb: dict[str, Border | None] = {}
        for src in (style_tblpr, tblpr):
            bd = src.find(w("tblBorders")) if src is not None else None
            if bd is not None:
                for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
                    el = bd.find(w(side))
                    if el is None and side in ("left", "right"):
                        el = bd.find(w("start" if side == "left" else "end"))
                    if el is not None:
                        tb[side] = parse_border(el)
        jc_el = tprop("jc")
        jc = wval(jc_el) or "left"
        ind_el = tprop("tblInd")
        ind = (
            twips(ind_el.get(w("w")), 0.0)
            if ind_el is not None and ind_el.get(w("type")) in (None, "dxa")
            else 0.0
        )
        ind = ind or 0.0
        if self.compat_mode < 15:
            ind -= mar["left"]  # Word <2013 (and Writer) measure tblInd to the text, not border
        width = sum(grid)

        def x_offset(aw: float, width=width, ind=ind, jc=jc) -> float:
            if jc in ("center",):
                return (aw - width) / 2
            if jc in ("right", "end"):
                return aw - width
            return ind

        n_rows = len(rows)
        header_count = 0
        for r in rows:
            if r.is_header:
                header_count += 1
            else:
                break
        if header_count == n_rows:
            header_count = 0  # a table of only header rows repeats nothing
        # vertical merges: rowspans and the row groups a page must not cut
        rowspan: dict[tuple[int, int], int] = {}
        group_end = list(range(1, n_rows + 1))
        for ri, cells in enumerate(specs):
            for c in cells:
                if c.vmerge == "restart":
                    rs = 1
                    while ri + rs < n_rows and any(
                        o.col == c.col and o.vmerge == "continue" for o in specs[ri + rs]
                    ):
                        rs += 1
                    rowspan[(ri, c.col)] = rs
                    group_end[ri] = max(group_end[ri], ri + rs)
        # Rows never split inside in this engine (w:cantSplit is its only behaviour); a row
        # taller than a page is clipped with a warning.
        groups: list[tuple[int, int]] = []
        ri = header_count
        while ri < n_rows:
            end = group_end[ri]
            k = ri
            while k < end:
                end = max(end, group_end[k])
                k += 1
            groups.append((ri, end))
            ri = end
        n_cols = len(grid)
        part_rels = self._part_rels

        def build_row(i: int) -> tuple[list[CellLayout], float | None, str, bool]:
            saved_rels = self._part_rels
            self._part_rels = part_rels
            try:
                return self._build_row(
                    rows[i],
                    specs[i],
                    i,
                    n_rows,
                    n_cols,
                    grid,
                    rowspan,
                    mar,
                    tb,
                    style_ppr,
                    style_rpr,
                    where,
                    depth,
                )
            finally:
                self._part_rels = saved_rels

        model = TableModel(
            grid, x_offset, header_count, groups, build_row, self.frame_height, self.warn, where
        )
        if n_rows <= 200 or tbl.find(".//w:numPr", NS) is not None:
            # build eagerly: keeps numbering counters in document order
            model.header_rows()
            for g in range(len(groups)):
                model.group_height(g)
        return [DocTable(model)]

    def _build_row(
        self,
        row: TableRow,
        cells,
        ri: int,
        n_rows: int,
        n_cols: int,
        grid: list[float],
        rowspan: dict[tuple[int, int], int],
        mar: dict,
        tb: dict[str, Border | None],
        style_ppr: Props,
        style_rpr: Props,
        where: str,
        depth: int = 0,
    ) -> tuple[list[CellLayout], float | None, str, bool]:
        out: list[CellLayout] = []
        for c in cells:
            if c.vmerge == "continue":
                continue
            rs = rowspan.get((ri, c.col), 1)
            tcpr = c.el.find(w("tcPr"))
            m = dict(mar)
            borders: dict[str, Border | None] = {
                "top": tb.get("top") if ri == 0 else tb.get("insideH"),
                "bottom": tb.get("bottom") if ri + rs >= n_rows else tb.get("insideH"),
                "left": tb.get("left") if c.col == 0 else tb.get("insideV"),
                "right": tb.get("right") if c.col + c.span >= n_cols else tb.get("insideV"),
            }
            shade = None
            valign = "top"
            if tcpr is not None:
                tm = tcpr.find(w("tcMar"))
                if tm is not None:
                    for side, alias in (
                        ("top", "top"),
                        ("bottom", "bottom"),
                        ("left", "start"),
                        ("right", "end"),
                    ):
                        el = tm.find(w(side))
                        if el is None:
                            el = tm.find(w(alias))
                        if el is not None:
                            m[side] = twips(el.get(w("w")), m[side]) or 0.0
                tcb = tcpr.find(w("tcBorders"))
                if tcb is not None:
                    for side, alias in (
                        ("top", "top"),
                        ("bottom", "bottom"),
                        ("left", "start"),
                        ("right", "end"),
                    ):
                        el = tcb.find(w(side))
                        if el is None:
                            el = tcb.find(w(alias))
                        if el is not None:
                            borders[side] = parse_border(el)
                shd = tcpr.find(w("shd"))
                if shd is not None:
                    fill = shd.get(w("fill"))
                    shade = None if not fill or fill == "auto" else fill
                va = tcpr.find(w("vAlign"))
                if va is not None:
                    valign = {"center": "center", "bottom": "bottom"}.get(wval(va) or "", "top")
            # Writer reserves the (collapsed) border's width inside the row: the top line of
            # every row, plus the bottom line under the last row.
            if borders["top"]:
                m["top"] += borders["top"].width
            if borders["bottom"] and ri + rs >= n_rows:
                m["bottom"] += borders["bottom"].width
            cw = sum(grid[c.col : c.col + c.span]) - m["left"] - m["right"]
            content = self._cell_blocks(
                c.el, cw, f"{where} row {ri + 1}", style_ppr, style_rpr, depth
            )
            out.append(
                CellLayout(
                    c.col,
                    c.span,
                    rs,
                    content,
                    (m["top"], m["right"], m["bottom"], m["left"]),
                    borders,
                    shade,
                    valign,
                )
            )
        h, rule = row.height
        return out, h, rule, row.is_header

    def _cell_blocks(
        self,
        tc: etree._Element,
        width: float,
        where: str,
        style_ppr: Props,
        style_rpr: Props,
        depth: int = 0,
    ) -> list[Flowable]:
        out: list[Flowable] = []
        n = 0
        children = list(self._block_children(tc, where))
        if depth >= MAX_TABLE_DEPTH and any(etree.QName(c).localname == "tbl" for c in children):
            self.warn(
                _(
                    "tables nested more than {depth} deep are set as plain paragraphs ({place})"
                ).format(depth=MAX_TABLE_DEPTH, place=word_place(where))
            )
            children = [
                p
                for child in children
                for p in (child.iter(w("p")) if etree.QName(child).localname == "tbl" else [child])
            ]
        for child in children:
            tag = etree.QName(child).localname
            if tag == "p":
                n += 1
                self.where = f"{where} paragraph {n}"
                out.extend(
                    f
                    for f in self.paragraph(
                        child,
                        width,
                        self.where,
                        in_cell=True,
                        table_ppr=style_ppr,
                        table_rpr=style_rpr,
                    )
                    if not isinstance(f, PageBreak)
                )
            elif tag == "tbl":
                out.extend(self.table(child, width, f"{where} nested table", depth + 1))
        return out or [Spacer(1, 0)]
