"""DOCX blocks → Platypus flowables, with LibreOffice Writer's metrics.

One :class:`Builder` per document. It walks body/cell/header content in order, resolves
formatting through :mod:`docgen.pdf.styles`, turns runs into reportlab paragraph markup (fonts
by their registered face names, so bold/italic need no font-family mapping at draw time), and
turns tables into :class:`~docgen.pdf.flowables.DocTable`.

Why the markup route: reportlab's ``Paragraph`` already does justified line breaking with the
last line left-aligned, and splits across pages; what it lacks (Writer's line height, borders,
widow rule, tab stops) is added around it rather than rewriting a line breaker. The markup is
built as reportlab's own tuple tree (:data:`Node`) and handed to its parser as such: the same
fragments as the markup's text would give, without tokenising a string that was just made
(that was a sixth of a PDF's time).

Reading a paragraph's runs into tokens lives in :mod:`docgen.pdf.runs`, a table's geometry in
:mod:`docgen.pdf.tables`; both are mixed into :class:`Builder`, which sets paragraphs, blocks,
headers and footers.
"""

from __future__ import annotations

import base64
import math
import re
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lxml import etree
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Image, PageBreak
from reportlab.platypus.paragraph import _wsc, textTransformFrags
from reportlab.platypus.paraparser import ParaParser

from docgen.explain import word_place
from docgen.i18n import _
from docgen.pdf import FontWarning
from docgen.pdf.bidi import has_rtl
from docgen.pdf.docx_reader import (
    NS,
    DocxPackage,
    Section,
    integer,
    on_off,
    twips,
    w,
    wval,
)
from docgen.pdf.flowables import DocPara, KeepNext
from docgen.pdf.fonts import FontFaces, has_glyph, resolve_family
from docgen.pdf.runs import SILENT_ELEMENTS, RunFmt, RunReader, Token
from docgen.pdf.styles import (
    Border,
    Numbering,
    Props,
    apply_ppr,
    apply_rpr,
    stylesheet,
)
from docgen.pdf.tables import TableLayout

# One fully transparent pixel: what fills the gap to a tab stop (see _tab and _blank).
_BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4//8/AwAI/AL+p5qgoAAAAABJRU5ErkJggg=="
)


#: reportlab's tuple-tree markup: (tag, attributes, children — text or nodes, None).
Node = tuple[str, dict[str, str], list["Node | str"], None]


# The white space reportlab's markup cleaning folds into one space (not the no-break space).
_WHITE_RUN = re.compile(f"[{re.escape(_wsc)}]+")


def _collapse(text: str) -> str:
    """``text`` as reportlab's cleaning of markup leaves it — each run of white space one
    space — which its tuple-tree parser does not do itself."""
    return _WHITE_RUN.sub(" ", text)


def _text_node(tag: str, attrs: dict[str, str], text: str) -> Node:
    text = _collapse(text)
    return (tag, attrs, [text] if text else [], None)


def markup_text(nodes: Sequence[Node | str]) -> str:
    """The markup string of ``nodes`` (what reportlab keeps as a paragraph's text)."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(escape(node))
            continue
        tag, attrs, children, _none = node
        attributes = "".join(f' {k}="{escape(v)}"' for k, v in attrs.items())
        if tag in ("br", "img"):
            parts.append(f"<{tag}{attributes}/>")
        else:
            parts.append(f"<{tag}{attributes}>{markup_text(children)}</{tag}>")
    return "".join(parts)


def paragraph_frags(nodes: list[Node], style: ParagraphStyle) -> list[Any]:
    """reportlab's fragments of the markup ``nodes`` in ``style``, as ``Paragraph`` would parse
    the markup's text (case-sensitive tags, the text transform of the style applied)."""
    parser = ParaParser()
    parser.caseSensitive = 1
    _style, frags, _bullets = parser.tt_parse(("para", {}, nodes, None), style)
    if frags is None:
        raise ValueError(f"reportlab refused the markup: {parser.errors[:1]}")
    textTransformFrags(frags, style)
    return frags


def escape(text: str) -> str:
    """``&``, ``<``, ``>`` as entities for reportlab's markup (and ``"`` for attributes).

    Not ``xml.sax.saxutils.escape``: importing it pulls in ``urllib.request`` and
    ``http.client``, a twelfth of a one-document conversion's start-up.
    """
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


_TA = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}


class Builder(RunReader, TableLayout):
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
                f = resolve_family(family, self.font_dirs).measured_as_writer()
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
            elif tag not in SILENT_ELEMENTS:
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
            # Writer sets the baseline of an exactly spaced line at four fifths of its height
            # (in whole twips), whatever the font: not where the font's descent would put it
            return line / 20.0, size, (4 * int(line) // 5) / 20.0
        if rule == "atLeast":
            return max(natural, line / 20.0), size, ascent + max(line / 20.0 - natural, 0)
        if line >= 240:
            # Writer: the natural height in whole twips, times the whole percentage the DOCX's
            # 240ths make, cut to whole twips (1.15 × 13 pt: 17.15 pt, not 17.19)
            percent = int(line) * 100 // 240
            return (round(natural * 20) * percent // 100) / 20.0, size, ascent
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
        nodes = self._markup(tokens, ppr, mark, width)
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
        underlined = next((f for f in fmts if f.u), None)
        if underlined is not None:
            thickness, below = underlined.faces.metrics.underline(underlined.size)
            st.underlineWidth, st.underlineOffset = thickness, -below
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
        st.dg_empty = not nodes
        markup = markup_text(nodes)
        st.dg_rtl = has_rtl(markup)  # drawn with its right-to-left runs reordered
        return DocPara(markup, st, frags=paragraph_frags(nodes, st))

    def _markup(self, tokens: list[Token], ppr: Props, mark: RunFmt, width: float) -> list[Node]:
        parts: list[Node] = []
        ind_left = ppr.get("ind_left", 0.0) or 0.0
        first_line = ppr.get("first_line", 0.0) or 0.0
        x = ind_left + first_line  # tab stops are measured from the text area's left edge
        stops = sorted((ppr.get("tabs") or {}).items())
        for i, t in enumerate(tokens):
            if t.kind == "text":
                text = unicodedata.normalize("NFC", t.text)
                self._check_glyphs(text, t.fmt)
                parts.append(self._span(text, t.fmt))
                x += stringWidth(text, t.fmt.face, t.fmt.size)
            elif t.kind == "field":
                val = self.fields.get(t.text, "1" if t.text == "PAGE" else "1")
                parts.append(self._span(val, t.fmt))
                x += stringWidth(val, t.fmt.face, t.fmt.size)
            elif t.kind == "br":
                parts.append(("br", {}, [], None))
                x = ind_left
            elif t.kind == "img" and t.img:
                path, iw, ih = t.img
                attrs = {"src": path, "width": f"{iw:.2f}", "height": f"{ih:.2f}"}
                parts.append(("img", {**attrs, "valign": "baseline"}, [], None))
                x += iw
            elif t.kind == "tab":
                fill, x = self._tab(tokens, i, x, stops, ind_left, first_line, width, ppr)
                if fill is not None:
                    parts.append(fill)
        # An empty paragraph stays empty markup: DocPara gives it one line's height without
        # drawing a glyph, so no stray space reaches the PDF's text.
        return parts

    def _span(self, text: str, f: RunFmt) -> Node:
        # Attribute names in lower case, as an HTML parser hands them over.
        attrs = {"face": f.face}
        if not f.vert:
            attrs["size"] = f"{f.size:g}"
        if f.color and f.color.lower() != "000000":
            attrs["color"] = f"#{f.color}"
        if f.highlight:
            attrs["backcolor"] = f"#{f.highlight}"
        node = _text_node("font", attrs, text)
        if f.u:
            node = ("u", {}, [node], None)
        if f.strike:
            node = ("strike", {}, [node], None)
        if f.vert:
            # Writer's defaults: 58 % size, raised 33 % / lowered 8 % of the full size
            tag = "super" if f.vert == "superscript" else "sub"
            rise = f.size * (0.33 if tag == "super" else 0.08)
            node = (tag, {"rise": f"{rise:.2f}", "size": f"{f.size * 0.58:.2f}"}, [node], None)
        return node

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
    ) -> tuple[Node | None, float]:
        """Fill a tab with a blank sized to reach the next stop (approximation: exact on the
        first line, which is where docgen's and clerks' tabs live)."""
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
            return None, x
        # A blank inline image of exactly the gap: unlike spaces it is not stretched when the
        # line is justified, and it is no glyph, so text extraction sees only a gap.
        blank = {"src": self._blank(), "width": f"{gap:.3f}", "height": "0.01"}
        return ("img", {**blank, "valign": "baseline"}, [], None), x + gap

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
