"""DOCX blocks → Platypus flowables, with LibreOffice Writer's metrics.

One :class:`Builder` per document. It walks body/cell/header content in order, resolves
formatting through :mod:`docgen.pdf.styles`, turns runs into reportlab paragraph markup (fonts
by their registered face names, so bold/italic need no font-family mapping at draw time), and
turns tables into :class:`~docgen.pdf.flowables.DocTable`.

Why the markup route: reportlab's ``Paragraph`` already does justified line breaking with the
last line left-aligned, and splits across pages; what it lacks (Writer's line height, borders,
widow rule, tab stops) is added around it rather than rewriting a line breaker.
"""

from __future__ import annotations

import base64
import math
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Image, PageBreak, Spacer

from docgen.explain import word_place
from docgen.i18n import _
from docgen.pdf import FontWarning
from docgen.pdf.bidi import has_rtl
from docgen.pdf.docx_reader import (
    NS,
    WP,
    CellSpec,
    DocxPackage,
    R,
    Section,
    Table,
    TableRow,
    integer,
    number,
    on_off,
    twips,
    w,
    wval,
)
from docgen.pdf.flowables import CellLayout, DocPara, DocTable, KeepNext, TableModel
from docgen.pdf.fonts import FontFaces, has_glyph, resolve_family
from docgen.pdf.images import BadImage, check_image
from docgen.pdf.styles import (
    Border,
    Numbering,
    Props,
    apply_ppr,
    apply_rpr,
    parse_border,
    stylesheet,
)

# One fully transparent pixel: what fills the gap to a tab stop (see _tab and _blank).
_BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4//8/AwAI/AL+p5qgoAAAAABJRU5ErkJggg=="
)


def escape(text: str) -> str:
    """``&``, ``<``, ``>`` as entities for reportlab's markup (and ``"`` for attributes).

    Not ``xml.sax.saxutils.escape``: importing it pulls in ``urllib.request`` and
    ``http.client``, a twelfth of a one-document conversion's start-up.
    """
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


_TA = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
_HIGHLIGHT = {
    "yellow": "FFFF00",
    "green": "00FF00",
    "cyan": "00FFFF",
    "magenta": "FF00FF",
    "blue": "0000FF",
    "red": "FF0000",
    "darkBlue": "000080",
    "darkCyan": "008080",
    "darkGreen": "008000",
    "darkMagenta": "800080",
    "darkRed": "800000",
    "darkYellow": "808000",
    "darkGray": "808080",
    "lightGray": "C0C0C0",
    "black": "000000",
    "white": "FFFFFF",
}
EMU_PER_PT = 12700
#: Tables inside tables beyond this depth are set as plain paragraphs: each level takes its
#: cell margins from the width, and 80 levels leave no width at all.
MAX_TABLE_DEPTH = 12
DEFAULT_CELL_MARGIN = 108 / 20  # 0.19 cm, Word's and Writer's default left/right cell margin

# Elements that carry nothing visible in a PDF; skipping them is not a loss worth a warning.
_SILENT = {
    "pPr",
    "rPr",
    "bookmarkStart",
    "bookmarkEnd",
    "proofErr",
    "permStart",
    "permEnd",
    "commentRangeStart",
    "commentRangeEnd",
    "commentReference",
    "lastRenderedPageBreak",
    "annotationRef",
    "del",
    "moveFrom",
    "moveFromRangeStart",
    "moveFromRangeEnd",
    "moveToRangeStart",
    "moveToRangeEnd",
    "customXmlInsRangeStart",
    "customXmlInsRangeEnd",
    "customXmlDelRangeStart",
    "customXmlDelRangeEnd",
    "tblPr",
    "tblGrid",
    "trPr",
    "tcPr",
    "tblPrEx",
    "sectPr",
    "noBreakHyphen",
    "softHyphen",
    "delText",
    "delInstrText",
    "footnoteRef",
    "endnoteRef",
    "separator",
    "continuationSeparator",
}
# Containers whose children are rendered as if they stood in the parent.
_TRANSPARENT = {"hyperlink", "ins", "moveTo", "smartTag", "customXml", "sdtContent", "dir", "bdo"}


@dataclass(frozen=True)
class RunFmt:
    face: str
    size: float
    color: str | None
    u: bool
    strike: bool
    vert: str | None
    highlight: str | None
    faces: FontFaces


@dataclass
class Token:
    kind: str  # text | tab | br | page | img | field
    text: str = ""
    fmt: RunFmt | None = None
    img: tuple[str, float, float] | None = None


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


class Builder:
    """Converts one package; collects warnings through ``warn``."""

    def __init__(
        self,
        pkg: DocxPackage,
        font_dirs: Sequence[Path] = (),
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.pkg = pkg
        self.font_dirs = tuple(font_dirs)
        self._warn = warn or (lambda _m: None)
        self.warned: set[str] = set()
        self.styles = stylesheet(pkg)
        self.numbering = Numbering.from_xml(pkg.numbering)
        self._faces: dict[str, FontFaces] = {}
        self._missing: set[tuple[str, str]] = set()
        self._tmp: tempfile.TemporaryDirectory | None = None  # made on the first picture
        self._img_n = 0
        self.default_tab = 36.0
        self.compat_mode = 12
        s = pkg.settings
        if s is not None:
            dt = s.find(w("defaultTabStop"))
            if dt is not None:
                self.default_tab = twips(wval(dt), 36.0) or 36.0
            for cs in s.iterfind(".//w:compatSetting", NS):
                if cs.get(w("name")) == "compatibilityMode":
                    self.compat_mode = integer(cs.get(w("val")), 12)
        self.even_odd = bool(s is not None and on_off(s.find(w("evenAndOddHeaders"))))
        self.uses_numpages = False
        self.fields: dict[str, str] = {}
        self.frame_height = 700.0
        self.frame_width = 450.0
        self.where = "body"

    # ------------------------------------------------------------------ warnings, fonts
    def warn(self, msg: str) -> None:
        if msg not in self.warned:
            self.warned.add(msg)
            self._warn(msg)

    def faces(self, family: str) -> FontFaces:
        if family not in self._faces:
            try:
                f = resolve_family(family, self.font_dirs)
            except LookupError:
                self.warn(
                    _("no font for {family!r} and no fallback font installed").format(family=family)
                )
                raise
            if not f.compatible:
                self.warn(
                    FontWarning(
                        _(
                            "font {family!r} is not installed; using {used} (its widths differ, so "
                            "lines may break differently from Word)"
                        ).format(family=family, used=f.family)
                    )
                )
            self._faces[family] = f
        return self._faces[family]

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()

    @property
    def tmpdir(self) -> Path:
        """Where pictures are written for reportlab, which reads ``<img>`` from files."""
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="docgen-pdf-")
        return Path(self._tmp.name)

    # ------------------------------------------------------------------ blocks
    def blocks(
        self, container: etree._Element, width: float, where: str, in_cell: bool = False
    ) -> list[Flowable]:
        """Flowables for the paragraphs/tables of a body, cell, header or footer."""
        out: list[Flowable] = []
        prev_style: str | None = None
        prev_para: DocPara | None = None
        n_para = 0
        n_tbl = 0
        for child in self._block_children(container, where):
            tag = etree.QName(child).localname
            if tag == "p":
                n_para += 1
                self.where = f"{where} paragraph {n_para}"
                fl = self.paragraph(child, width, self.where, in_cell=in_cell)
                sid = wval(child.find("w:pPr/w:pStyle", NS))
                paras = [f for f in fl if isinstance(f, DocPara)]
                if (
                    paras
                    and prev_para is not None
                    and sid == prev_style
                    and getattr(paras[0].style, "dg_contextual", False)
                ):
                    # contextualSpacing: no space between paragraphs of the same style
                    prev_para.style.spaceAfter = 0
                    paras[0].style.spaceBefore = 0
                out.extend(fl)
                prev_style, prev_para = sid, (paras[-1] if paras else None)
            elif tag == "tbl":
                n_tbl += 1
                out.extend(self.table(child, width, f"{where} table {n_tbl}"))
                prev_style, prev_para = None, None
        if not in_cell:
            out = self._keep_next(out)
        return out

    def _block_children(self, container: etree._Element, where: str):
        for child in container:
            if not isinstance(child.tag, str):
                continue
            q = etree.QName(child)
            tag = q.localname
            if q.namespace == NS["w"] and tag in ("p", "tbl"):
                yield child
            elif tag in ("sdt", "customXml"):
                content = child.find(w("sdtContent")) if tag == "sdt" else child
                if content is not None:
                    yield from self._block_children(content, where)
            elif tag == "AlternateContent":
                fb = child.find("mc:Fallback", NS)
                if fb is not None:
                    yield from self._block_children(fb, where)
            elif tag not in _SILENT:
                self.warn(
                    _("unsupported element {element} in {place}; skipped").format(
                        element=f"{child.prefix}:{tag}", place=word_place(where)
                    )
                )

    def _keep_next(self, flows: list[Flowable]) -> list[Flowable]:
        """Insert a KeepNext check before each run of keep-with-next paragraphs."""
        out: list[Flowable] = []
        i = 0
        while i < len(flows):
            f = flows[i]
            if getattr(getattr(f, "style", None), "dg_keep_next", False):
                j = i
                while j < len(flows) and getattr(
                    getattr(flows[j], "style", None), "dg_keep_next", False
                ):
                    j += 1
                if j < len(flows) and not isinstance(flows[j], PageBreak):
                    out.append(KeepNext(flows[i : j + 1], self.frame_height))
                out.extend(flows[i:j])
                i = j
                continue
            out.append(f)
            i += 1
        return out

    # ------------------------------------------------------------------ paragraphs
    def paragraph(
        self,
        p: etree._Element,
        width: float,
        where: str,
        in_cell: bool = False,
        table_ppr: Props | None = None,
        table_rpr: Props | None = None,
    ) -> list[Flowable]:
        ppr_el = p.find(w("pPr"))
        sid = wval(ppr_el.find(w("pStyle"))) if ppr_el is not None else None
        base_ppr, base_rpr = self.styles.paragraph_style(sid)
        ppr = dict(base_ppr)
        rpr = dict(base_rpr)
        if table_ppr:
            # table-style formatting sits under the paragraph style, over docDefaults
            for k, v in table_ppr.items():
                if base_ppr.get(k) == self.styles.doc_ppr.get(k):
                    ppr[k] = v
        if table_rpr:
            for k, v in table_rpr.items():
                if base_rpr.get(k) == self.styles.doc_rpr.get(k):
                    rpr[k] = v
        # numbering: style-level or direct numPr; level indents come before direct ind
        direct: Props = {}
        apply_ppr(direct, ppr_el)
        num_id = direct.get("numId", ppr.get("numId"))
        ilvl = direct.get("ilvl", ppr.get("ilvl", 0))
        label: str | None = None
        label_rpr: Props | None = None
        lvl = None
        if num_id and num_id != "0":
            lvl = self.numbering.level(num_id, ilvl)
            if lvl is not None:
                apply_ppr(ppr, lvl.ppr)
        apply_ppr(ppr, ppr_el)
        mark_rpr = dict(rpr)
        if ppr_el is not None:
            apply_rpr(mark_rpr, ppr_el.find(w("rPr")), self.styles.theme)
        if lvl is not None and num_id:
            label = self.numbering.next_label(num_id, ilvl)
            label_rpr = dict(rpr)
            apply_rpr(label_rpr, lvl.rpr, self.styles.theme)
            if lvl.fmt == "bullet":
                label = lvl.text or "\u2022"
                label = {"\uf0b7": "\u2022", "\uf0a7": "\u25aa", "\uf0d8": "\u27a2", "o": "o"}.get(
                    label, label
                )
                if label_rpr.get("font", "").lower() in ("symbol", "wingdings"):
                    label_rpr["font"] = rpr.get("font", "Times New Roman")

        tokens = self._runs(p, rpr, where)
        if label is not None and label_rpr is not None:
            fmt = self._fmt(label_rpr)
            suff = lvl.suff if lvl else "tab"
            pre = [Token("text", label, fmt)]
            if suff == "tab":
                pre.append(Token("tab", fmt=fmt))
            elif suff == "space":
                pre.append(Token("text", " ", fmt))
            tokens = pre + tokens

        # split at hard page breaks: Writer continues the paragraph on the next page
        segments: list[list[Token]] = [[]]
        for t in tokens:
            if t.kind == "page":
                segments.append([])
            else:
                segments[-1].append(t)
        out: list[Flowable] = []
        if ppr.get("pageBreakBefore") and not in_cell:
            out.append(PageBreak())
        mark_fmt = self._fmt(mark_rpr)
        for k, seg in enumerate(segments):
            if k:
                out.append(PageBreak())
            if k and not seg:
                continue
            out.append(
                self._make_para(
                    seg, ppr, mark_fmt, width, first=k == 0, last=k == len(segments) - 1
                )
            )
        return out

    def _fmt(self, rp: Props) -> RunFmt:
        faces = self.faces(rp.get("font") or "Times New Roman")
        size = float(rp.get("size") or 10.0)
        # A line must fit on a page (Word allows 1,638 pt, a glyph taller than A4).
        largest = max(4.0, self.frame_height / 4)
        if size > largest:
            self.warn(
                _(
                    "a font size of {size} pt does not fit on the page; set at {largest} pt "
                    "({place})"
                ).format(size=f"{size:g}", largest=f"{largest:.0f}", place=word_place(self.where))
            )
            size = largest
        if rp.get("smallCaps") and not rp.get("caps"):
            size *= 0.8  # approximate: Writer draws small caps at ~80 % of the size
        hl = rp.get("highlight")
        return RunFmt(
            face=faces.face(bool(rp.get("b")), bool(rp.get("i"))),
            size=size,
            color=rp.get("color"),
            u=bool(rp.get("u")),
            strike=bool(rp.get("strike") or rp.get("dstrike")),
            vert=rp.get("vert") if rp.get("vert") in ("superscript", "subscript") else None,
            highlight=_HIGHLIGHT.get(hl or "") or rp.get("shd"),
            faces=faces,
        )

    def _runs(self, p: etree._Element, para_rpr: Props, where: str) -> list[Token]:
        tokens: list[Token] = []
        state: dict[str, Any] = {"fld": []}  # stack of [instr, phase] for complex fields
        self._walk_inline(p, para_rpr, tokens, state, where)
        return tokens

    def _walk_inline(
        self,
        parent: etree._Element,
        para_rpr: Props,
        tokens: list[Token],
        state: dict[str, Any],
        where: str,
    ) -> None:
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag == "r":
                self._run(child, para_rpr, tokens, state, where)
            elif tag in _TRANSPARENT:
                self._walk_inline(child, para_rpr, tokens, state, where)
            elif tag == "sdt":
                c = child.find(w("sdtContent"))
                if c is not None:
                    self._walk_inline(c, para_rpr, tokens, state, where)
            elif tag == "fldSimple":
                instr = (child.get(w("instr")) or "").strip().split()
                name = instr[0].upper() if instr else ""
                if name in ("PAGE", "NUMPAGES", "SECTIONPAGES"):
                    first_r = child.find(w("r"))
                    rp = self._run_props(first_r, para_rpr) if first_r is not None else para_rpr
                    tokens.append(Token("field", name, self._fmt(rp)))
                    self.uses_numpages |= name != "PAGE"
                else:
                    self._walk_inline(child, para_rpr, tokens, state, where)
            elif tag == "AlternateContent":
                fb = child.find("mc:Fallback", NS)
                if fb is not None:
                    self._walk_inline(fb, para_rpr, tokens, state, where)
            elif tag in ("oMath", "oMathPara"):
                self.warn(
                    _("unsupported element {element} (equation) in {place}; skipped").format(
                        element=f"m:{tag}", place=word_place(where)
                    )
                )
            elif tag not in _SILENT:
                self.warn(
                    _("unsupported element {element} in {place}; skipped").format(
                        element=f"{child.prefix}:{tag}", place=word_place(where)
                    )
                )

    def _run_props(self, r: etree._Element, para_rpr: Props) -> Props:
        rpr_el = r.find(w("rPr"))
        rp = dict(para_rpr)
        if rpr_el is not None:
            rs = rpr_el.find(w("rStyle"))
            if rs is not None:
                rp.update(self.styles.char_style(wval(rs)))
            apply_rpr(rp, rpr_el, self.styles.theme)
        return rp

    def _run(
        self,
        r: etree._Element,
        para_rpr: Props,
        tokens: list[Token],
        state: dict[str, Any],
        where: str,
    ) -> None:
        rp = self._run_props(r, para_rpr)
        if rp.get("vanish"):
            return
        fmt: RunFmt | None = None
        fld: list[list[str]] = state["fld"]
        for child in r:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag == "fldChar":
                kind = child.get(w("fldCharType"))
                if kind == "begin":
                    fld.append(["", "instr"])
                elif kind == "separate" and fld:
                    fld[-1][1] = "result"
                    self._field_token(fld[-1], rp, tokens)
                elif kind == "end" and fld:
                    if fld[-1][1] == "instr":  # no result part: emit now
                        self._field_token(fld[-1], rp, tokens)
                    fld.pop()
                continue
            if tag == "instrText":
                if fld and fld[-1][1] == "instr":
                    fld[-1][0] += child.text or ""
                continue
            if fld and (fld[-1][1] == "instr" or fld[-1][1] == "skip"):
                continue  # inside field code, or the cached result of a live field
            if fmt is None:
                fmt = self._fmt(rp)
            if tag == "t":
                text = child.text or ""
                if text:
                    if rp.get("caps") or rp.get("smallCaps"):
                        text = text.upper()
                    tokens.append(Token("text", text, fmt))
            elif tag == "tab":
                tokens.append(Token("tab", fmt=fmt))
            elif tag in ("br", "cr"):
                typ = child.get(w("type")) or "textWrapping"
                if typ == "page":
                    tokens.append(Token("page"))
                elif typ == "column":
                    self.warn(
                        _("column break treated as a line break in {place}").format(
                            place=word_place(where)
                        )
                    )
                    tokens.append(Token("br", fmt=fmt))
                else:
                    tokens.append(Token("br", fmt=fmt))
            elif tag == "sym":
                ch = child.get(w("char")) or ""
                try:
                    code = int(ch, 16)
                    if code >= 0xF000:
                        code -= 0xF000
                    tokens.append(Token("text", chr(code), fmt))
                except ValueError:
                    pass
            elif tag == "noBreakHyphen":
                tokens.append(Token("text", "\u2011", fmt))
            elif tag == "drawing":
                self._drawing(child, tokens, where)
            elif tag in ("footnoteReference", "endnoteReference"):
                self.warn(
                    _(
                        "unsupported element {element} (footnotes are not rendered) in {place}"
                    ).format(element=f"w:{tag}", place=word_place(where))
                )
            elif tag in ("pict", "object"):
                self.warn(
                    _("unsupported element {element} (VML/OLE object) in {place}; skipped").format(
                        element=f"w:{tag}", place=word_place(where)
                    )
                )
            elif tag == "AlternateContent":
                fb = child.find("mc:Fallback", NS)
                ch = child.find("mc:Choice", NS)
                src = ch if ch is not None and ch.find(".//w:drawing", NS) is not None else fb
                for d in src.iterfind(".//w:drawing", NS) if src is not None else []:
                    self._drawing(d, tokens, where)
            elif tag not in _SILENT:
                self.warn(
                    _("unsupported element {element} in {place}; skipped").format(
                        element=f"{child.prefix}:{tag}", place=word_place(where)
                    )
                )

    def _field_token(self, fld: list[str], rp: Props, tokens: list[Token]) -> None:
        instr = fld[0].strip().split()
        name = instr[0].upper() if instr else ""
        if name in ("PAGE", "NUMPAGES", "SECTIONPAGES"):
            tokens.append(Token("field", name, self._fmt(rp)))
            self.uses_numpages |= name != "PAGE"
            fld[1] = "skip"  # drop the cached result; the live value is drawn instead

    def _drawing(self, d: etree._Element, tokens: list[Token], where: str) -> None:
        container = d.find(f"{{{WP}}}inline")
        if container is None:
            container = d.find(f"{{{WP}}}anchor")
            if container is not None:
                self.warn(
                    _("floating image placed inline in {place}").format(place=word_place(where))
                )
        if container is None:
            return
        ext = container.find(f"{{{WP}}}extent")
        blip = container.find(".//a:blip", NS)
        if ext is None or blip is None:
            self.warn(
                _("unsupported drawing (shape or chart, not a picture) in {place}").format(
                    place=word_place(where)
                )
            )
            return
        rid = blip.get(f"{{{R}}}embed") or ""
        data = self.pkg.image_bytes(rid, self._part_rels)
        if data is None:
            self.warn(
                _("image {image} not found in the package ({place})").format(
                    image=rid, place=word_place(where)
                )
            )
            return
        kind = (
            "png"
            if data[:8] == b"\x89PNG\r\n\x1a\n"
            else ("jpg" if data[:2] == b"\xff\xd8" else None)
        )
        if kind is None:
            self.warn(
                _("unsupported image format (not PNG/JPEG) in {place}; skipped").format(
                    place=word_place(where)
                )
            )
            return
        try:
            check_image(data)
        except BadImage as exc:
            self.warn(
                _("a picture is left out ({place}): {reason}").format(
                    place=word_place(where), reason=exc
                )
            )
            return
        wpt = (number(ext.get("cx")) or 0.0) / EMU_PER_PT
        hpt = (number(ext.get("cy")) or 0.0) / EMU_PER_PT
        if wpt <= 0 or hpt <= 0:
            self.warn(
                _("a picture without a size is left out ({place})").format(place=word_place(where))
            )
            return
        # A picture never exceeds the page's text area: scaled down, its proportions kept.
        scale = min(1.0, self.frame_width / wpt, self.frame_height * 0.95 / hpt)
        if scale < 1.0:
            self.warn(
                _(
                    "a picture of {width} × {height} mm is larger than the page; scaled down to "
                    "fit ({place})"
                ).format(
                    width=f"{wpt / 72 * 25.4:,.0f}",
                    height=f"{hpt / 72 * 25.4:,.0f}",
                    place=word_place(where),
                )
            )
            wpt, hpt = wpt * scale, hpt * scale
        self._img_n += 1
        path = self.tmpdir / f"img{self._img_n}.{kind}"
        path.write_bytes(data)
        tokens.append(Token("img", img=(str(path), wpt, hpt)))

    _part_rels: dict | None = None

    # ------------------------------------------------------------------ paragraph assembly
    def _line_height(self, fmts: list[RunFmt], ppr: Props) -> tuple[float, float, float]:
        """(leading, max font size, ascent) per Writer: single = hhea ascent+descent+gap."""
        natural = 0.0
        size = 0.0
        ascent = 0.0
        for f in fmts:
            lh = f.faces.metrics.line_height * f.size
            if lh > natural:
                natural = lh
                ascent = (f.faces.metrics.ascent + f.faces.metrics.line_gap) * f.size
            size = max(size, f.size)
        rule = ppr.get("line_rule", "auto")
        line = float(ppr.get("line", 240.0))
        if rule == "exact":
            return line / 20.0, size, ascent - (natural - line / 20.0)
        if rule == "atLeast":
            return max(natural, line / 20.0), size, ascent + max(line / 20.0 - natural, 0)
        return natural * line / 240.0, size, ascent

    def _make_para(
        self, tokens: list[Token], ppr: Props, mark: RunFmt, width: float, first: bool, last: bool
    ) -> Flowable:
        fmts = [t.fmt for t in tokens if t.fmt is not None and t.kind != "field"]
        fmts += [t.fmt for t in tokens if t.kind == "field" and t.fmt is not None]
        if not [t for t in tokens if t.kind in ("text", "field", "img")]:
            fmts.append(mark)  # an empty paragraph is one line of its mark's size
        leading, size, ascent = self._line_height(fmts or [mark], ppr)
        img_h = max((t.img[2] for t in tokens if t.img), default=0.0)
        if img_h > leading and ppr.get("line_rule", "auto") != "exact":
            # a picture line is as tall as the picture plus the text's descent
            leading = img_h + (mark.faces.metrics.descent * mark.size)
            ascent = img_h
        markup = self._markup(tokens, ppr, mark, width)
        before = ppr.get("before", 0.0) or 0.0
        after = ppr.get("after", 0.0) or 0.0
        if ppr.get("beforeAutospacing"):
            before = 14.0
        if ppr.get("afterAutospacing"):
            after = 14.0
        st = ParagraphStyle(
            "p",
            fontName=mark.face,
            fontSize=size or mark.size,
            leading=leading,
            alignment=_TA.get(ppr.get("align", "left"), TA_LEFT),
            leftIndent=ppr.get("ind_left", 0.0) or 0.0,
            rightIndent=ppr.get("ind_right", 0.0) or 0.0,
            firstLineIndent=(ppr.get("first_line", 0.0) or 0.0) if first else 0.0,
            spaceBefore=before if first else 0.0,
            spaceAfter=after if last else 0.0,
            allowWidows=0 if ppr.get("widowControl") else 1,
            allowOrphans=0 if ppr.get("widowControl") else 1,
            splitLongWords=True,
            wordWrap=None,
            embeddedHyphenation=0,
            # Writer never squeezes spaces to fit one more word; reportlab's default 5 % does
            spaceShrinkage=0.0,
        )
        borders: dict[str, Border | None] = ppr.get("borders") or {}
        st.dg_btop = borders.get("top")
        st.dg_bbottom = borders.get("bottom")
        st.dg_shade = ppr.get("shd")
        # reportlab puts the first baseline one font size below the top; Writer at the ascent
        st.dg_dy = (size or mark.size) - ascent
        st.dg_keep_lines = bool(ppr.get("keepLines"))
        st.dg_keep_next = bool(ppr.get("keepNext"))
        st.dg_widow = bool(ppr.get("widowControl"))
        st.dg_contextual = bool(ppr.get("contextualSpacing"))
        st.dg_frame_h = self.frame_height
        st.dg_empty = not markup
        st.dg_rtl = has_rtl(markup)  # drawn with its right-to-left runs reordered
        return DocPara(markup, st)

    def _markup(self, tokens: list[Token], ppr: Props, mark: RunFmt, width: float) -> str:
        parts: list[str] = []
        ind_left = ppr.get("ind_left", 0.0) or 0.0
        first_line = ppr.get("first_line", 0.0) or 0.0
        x = ind_left + first_line  # tab stops are measured from the text area's left edge
        stops = sorted((ppr.get("tabs") or {}).items())
        for i, t in enumerate(tokens):
            if t.kind == "text":
                text = unicodedata.normalize("NFC", t.text)
                self._check_glyphs(text, t.fmt)
                parts.append(self._span(escape(text), t.fmt))
                x += stringWidth(text, t.fmt.face, t.fmt.size)
            elif t.kind == "field":
                val = self.fields.get(t.text, "1" if t.text == "PAGE" else "1")
                parts.append(self._span(escape(val), t.fmt))
                x += stringWidth(val, t.fmt.face, t.fmt.size)
            elif t.kind == "br":
                parts.append("<br/>")
                x = ind_left
            elif t.kind == "img" and t.img:
                path, iw, ih = t.img
                parts.append(
                    f'<img src="{escape(path)}" width="{iw:.2f}" height="{ih:.2f}" '
                    'valign="baseline"/>'
                )
                x += iw
            elif t.kind == "tab":
                fill, x = self._tab(tokens, i, x, stops, ind_left, first_line, width, ppr)
                parts.append(fill)
        # An empty paragraph stays empty markup: DocPara gives it one line's height without
        # drawing a glyph, so no stray space reaches the PDF's text.
        return "".join(parts)

    def _span(self, text: str, f: RunFmt) -> str:
        s = f'<font face="{f.face}"'
        if not f.vert:
            s += f' size="{f.size:g}"'
        if f.color and f.color.lower() != "000000":
            s += f' color="#{f.color}"'
        if f.highlight:
            s += f' backColor="#{f.highlight}"'
        s += f">{text}</font>"
        if f.u:
            s = f"<u>{s}</u>"
        if f.strike:
            s = f"<strike>{s}</strike>"
        if f.vert:
            # Writer's defaults: 58 % size, raised 33 % / lowered 8 % of the full size
            tag = "super" if f.vert == "superscript" else "sub"
            rise = f.size * (0.33 if tag == "super" else 0.08)
            s = f'<{tag} rise="{rise:.2f}" size="{f.size * 0.58:.2f}">{s}</{tag}>'
        return s

    def _tab(
        self,
        tokens: list[Token],
        i: int,
        x: float,
        stops: list[tuple[float, str]],
        ind_left: float,
        first_line: float,
        width: float,
        ppr: Props,
    ) -> tuple[str, float]:
        """Fill a tab with non-breaking spaces sized to reach the next stop (approximation:
        exact on the first line, which is where docgen's and clerks' tabs live)."""
        fmt = tokens[i].fmt
        assert fmt is not None
        # the following text up to the next tab/break, for right/center stops
        follow = 0.0
        for t in tokens[i + 1 :]:
            if t.kind in ("tab", "br"):
                break
            if t.kind == "text" and t.fmt:
                follow += stringWidth(t.text, t.fmt.face, t.fmt.size)
        right_edge = width - (ppr.get("ind_right", 0.0) or 0.0)
        target = None
        kind = "left"
        cand = [(p, k) for p, k in stops if p > x + 0.01 and k not in ("clear", "bar")]
        if first_line < 0 and x < ind_left - 0.01:
            cand.append((ind_left, "left"))  # a hanging indent is an implicit tab stop
            cand.sort()
        if cand:
            target, kind = cand[0]
        if target is None:
            target = (math.floor(x / self.default_tab + 1e-6) + 1) * self.default_tab
        if kind == "right":
            gap = target - follow - x
        elif kind == "center":
            gap = target - follow / 2 - x
        else:
            gap = target - x
        if target > right_edge + 0.01 and not cand:
            gap = min(gap, max(right_edge - x - follow, 0.0))
        if gap <= 0.3:
            return "", x
        # A blank inline image of exactly the gap: unlike spaces it is not stretched when the
        # line is justified, and it is no glyph, so text extraction sees only a gap.
        return (
            f'<img src="{self._blank()}" width="{gap:.3f}" height="0.01" valign="baseline"/>',
            x + gap,
        )

    def _blank(self) -> str:
        path = self.tmpdir / "blank.png"
        if not path.exists():
            path.write_bytes(_BLANK_PNG)
        return str(path)

    def _check_glyphs(self, text: str, fmt: RunFmt) -> None:
        for ch in set(text):
            if ch.isspace() or ord(ch) < 0x20:
                continue
            key = (fmt.face, ch)
            if key in self._missing:
                continue
            self._missing.add(key)
            if not has_glyph(fmt.face, ch):
                self.warn(
                    _(
                        "character {code} {name} is not in font {font} (first in {place}); it "
                        "will not print"
                    ).format(
                        code=f"U+{ord(ch):04X}",
                        name=unicodedata.name(ch, "?"),
                        font=fmt.faces.family,
                        place=word_place(self.where),
                    )
                )

    # ------------------------------------------------------------------ tables
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

    # ------------------------------------------------------------------ headers/footers
    def header_footer(
        self, section: Section, kind: str, page_in_section: int, page_no: int
    ) -> etree._Element | None:
        refs = section.headers if kind == "header" else section.footers
        if section.title_pg and page_in_section == 1:
            rid = refs.get("first")
            if rid is None:
                return None
        elif self.even_odd and page_no % 2 == 0:
            rid = refs.get("even") or refs.get("default")
        else:
            rid = refs.get("default")
        if not rid:
            return None
        el = self.pkg.related_xml(rid)
        if el is not None:
            self._part_rels = self.pkg.part_rels(rid)
        return el


def image_flowable(path: str, w_pt: float, h_pt: float) -> Image:
    return Image(path, width=w_pt, height=h_pt)
