"""A Word document as the check sees it: paragraphs in reading order, each with the place a
clerk finds it at, its text, and the *effective* formatting of the paragraph and of every run.

Effective formatting is Word's stack — document defaults (and the theme's fonts), table style,
paragraph style chain, numbering level, direct formatting; runs then their character style and
direct formatting — resolved by the PDF engine's :class:`~docgen.pdf.styles.StyleSheet`, so the
check and the PDF agree on what a paragraph looks like. The document is opened with python-docx
over bytes checked by :mod:`docgen.safezip`, and the same element tree serves the fix.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from docgen.docx.ns import R, W, w  # noqa: F401 (W: for the check's modules)
from docgen.pdf.docx_reader import theme_fonts
from docgen.pdf.styles import Numbering, Props, StyleSheet, apply_ppr, apply_rpr
from docgen.safezip import open_docx_safely, parse_xml


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Where:
    """Where a clerk finds a paragraph: the part, then paragraph N or table T row R cell C."""

    part: str = "body"  # body, header, first-page header, footer …
    paragraph: int | None = None  # a top-level paragraph's number, or the one inside the cell
    table: int | None = None
    row: int | None = None
    cell: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class Piece:
    """A stretch of a paragraph's text and the element it comes from (``w:t`` or a tab)."""

    start: int
    end: int
    el: etree._Element  # the w:t, w:tab, w:br … element
    run: int  # index into Para.runs


@dataclass
class Run:
    el: etree._Element
    text: str
    props: Props  # effective: font, size, b, i, u, caps …
    direct: Props  # what the run's own rPr sets


@dataclass
class Para:
    el: etree._Element
    where: Where
    text: str  # raw text; tabs as \t, line breaks as \n
    runs: list[Run]
    pieces: list[Piece]
    props: Props  # effective paragraph properties (points)
    direct: Props  # the paragraph's own pPr
    style_id: str | None
    style_rpr: Props  # run properties the paragraph style gives
    mark_size: float | None
    numbered: bool = False
    index: int = 0  # position in Document.paragraphs (reading order)

    @property
    def clean(self) -> str:
        return nfc(self.text).strip()

    def runs_in(self, start: int, end: int) -> list[Run]:
        """Runs holding visible characters between ``start`` and ``end``."""
        seen: list[int] = []
        for piece in self.pieces:
            if piece.end <= start or piece.start >= end:
                continue
            chunk = self.text[max(piece.start, start) : min(piece.end, end)]
            if chunk.strip() and piece.run not in seen:
                seen.append(piece.run)
        return [self.runs[i] for i in seen]

    def first_words(self, start: int = 0, end: int | None = None, limit: int = 40) -> str:
        text = " ".join(nfc(self.text[start:end]).split())
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class HeaderPart:
    """One header or footer part and the paragraphs in it."""

    kind: str  # "header" or "footer"
    type: str  # default, first, even
    paragraphs: list[Para]


@dataclass
class SectionInfo:
    el: etree._Element
    index: int
    headers: list[HeaderPart] = field(default_factory=list)

    @property
    def title_page(self) -> bool:
        tp = self.el.find(w("titlePg"))
        return tp is not None and tp.get(w("val")) not in ("0", "false", "off")


class Document:
    """The opened document: python-docx's tree plus the resolved formatting."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        self.docx: DocxDocument = docx.Document(io.BytesIO(data))
        part = self.docx.part
        theme_el = None
        for rel in part.rels.values():
            if rel.reltype == RT.THEME and not rel.is_external:
                theme_el = parse_xml(rel.target_part.blob, what=f"{path}, theme")
        styles_el = part._styles_part.element if part._styles_part is not None else None  # noqa: SLF001
        self.styles = StyleSheet(styles_el, theme_fonts(theme_el))
        try:
            numbering_el = part.numbering_part.element
        except (KeyError, NotImplementedError):
            numbering_el = None
        self.numbering = Numbering.from_xml(numbering_el)
        self.paragraphs: list[Para] = []
        self.tables = 0
        self._walk_body()
        self.sections = self._sections()

    # ------------------------------------------------------------------ walking
    def _walk_body(self) -> None:
        body = self.docx.element.body
        n_para = 0
        for child in _blocks(body):
            tag = etree.QName(child).localname
            if tag == "p":
                n_para += 1
                self._add(child, Where(paragraph=n_para), None)
            elif tag == "tbl":
                self.tables += 1
                self._walk_table(child, self.tables, "body")

    def _walk_table(self, tbl: etree._Element, number: int, part: str) -> None:
        style_id = None
        tblpr = tbl.find(w("tblPr"))
        if tblpr is not None and tblpr.find(w("tblStyle")) is not None:
            style_id = tblpr.find(w("tblStyle")).get(w("val"))
        table_ppr, table_rpr, _ = self.styles.table_style(style_id)
        for r, tr in enumerate(tbl.iterchildren(w("tr")), 1):
            for c, tc in enumerate(tr.iterchildren(w("tc")), 1):
                n = 0
                for child in _blocks(tc):
                    if etree.QName(child).localname == "p":
                        n += 1
                        where = Where(part=part, paragraph=n, table=number, row=r, cell=c)
                        self._add(child, where, (table_ppr, table_rpr))
                    else:  # a table inside a cell: its rows count under the outer table
                        self._walk_table(child, number, part)

    def _add(self, p: etree._Element, where: Where, table: tuple[Props, Props] | None) -> Para:
        para = self.read_paragraph(p, where, table)
        para.index = len(self.paragraphs)
        self.paragraphs.append(para)
        return para

    def read_paragraph(
        self, p: etree._Element, where: Where, table: tuple[Props, Props] | None = None
    ) -> Para:
        ppr_el = p.find(w("pPr"))
        sid = None
        if ppr_el is not None and ppr_el.find(w("pStyle")) is not None:
            sid = ppr_el.find(w("pStyle")).get(w("val"))
        base_ppr, base_rpr = self.styles.paragraph_style(sid)
        ppr, rpr = dict(base_ppr), dict(base_rpr)
        if table is not None:
            # Table-style formatting sits under the paragraph style, over the defaults.
            for k, v in table[0].items():
                if base_ppr.get(k) == self.styles.doc_ppr.get(k):
                    ppr[k] = v
            for k, v in table[1].items():
                if base_rpr.get(k) == self.styles.doc_rpr.get(k):
                    rpr[k] = v
        direct: Props = {}
        apply_ppr(direct, ppr_el)
        num_id = direct.get("numId", ppr.get("numId"))
        ilvl = direct.get("ilvl", ppr.get("ilvl", 0))
        numbered = False
        if num_id and num_id != "0":
            level = self.numbering.level(num_id, ilvl)
            if level is not None:
                numbered = True
                apply_ppr(ppr, level.ppr)
        apply_ppr(ppr, ppr_el)
        mark = dict(rpr)
        if ppr_el is not None:
            apply_rpr(mark, ppr_el.find(w("rPr")), self.styles.theme)
        runs: list[Run] = []
        pieces: list[Piece] = []
        text: list[str] = []
        pos = 0
        for r in _runs(p):
            rpr_el = r.find(w("rPr"))
            props = dict(rpr)
            own: Props = {}
            if rpr_el is not None:
                rs = rpr_el.find(w("rStyle"))
                if rs is not None:
                    props.update(self.styles.char_style(rs.get(w("val"))))
                apply_rpr(own, rpr_el, self.styles.theme)
                apply_rpr(props, rpr_el, self.styles.theme)
            run_text: list[str] = []
            index = len(runs)
            for child in r:
                tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
                chunk = {"t": child.text or "", "tab": "\t", "br": "\n", "cr": "\n"}.get(tag)
                if tag == "noBreakHyphen":
                    chunk = "-"
                if chunk is None or chunk == "":
                    continue
                pieces.append(Piece(pos, pos + len(chunk), child, index))
                run_text.append(chunk)
                text.append(chunk)
                pos += len(chunk)
            runs.append(Run(r, "".join(run_text), props, own))
        return Para(
            el=p,
            where=where,
            text="".join(text),
            runs=runs,
            pieces=pieces,
            props=ppr,
            direct=direct,
            style_id=sid,
            style_rpr=rpr,
            mark_size=mark.get("size"),
            numbered=numbered,
        )

    def _sections(self) -> list[SectionInfo]:
        body = self.docx.element.body
        els = [
            s for p in body.iterchildren(w("p")) for s in p.iterfind(f"{w('pPr')}/{w('sectPr')}")
        ]
        last = body.find(w("sectPr"))
        if last is not None:
            els.append(last)
        out = []
        part = self.docx.part
        for i, el in enumerate(els, 1):
            info = SectionInfo(el, i)
            for kind in ("header", "footer"):
                for ref in el.iterchildren(w(f"{kind}Reference")):
                    rid = ref.get(f"{{{RT_NS}}}id")
                    try:
                        target = part.related_parts[rid]
                    except KeyError:
                        continue
                    root = target.element
                    paras = []
                    name = _PART_NAMES[(kind, ref.get(w("type")) or "default")]
                    for n, child in enumerate(
                        (c for c in _blocks(root) if etree.QName(c).localname == "p"), 1
                    ):
                        paras.append(self.read_paragraph(child, Where(part=name, paragraph=n)))
                    info.headers.append(HeaderPart(kind, ref.get(w("type")) or "default", paras))
            out.append(info)
        return out


RT_NS = R
_PART_NAMES = {
    ("header", "default"): "header",
    ("header", "first"): "first-page header",
    ("header", "even"): "even-page header",
    ("footer", "default"): "footer",
    ("footer", "first"): "first-page footer",
    ("footer", "even"): "even-page footer",
}

# Wrappers whose content reads as if they were not there.
_TRANSPARENT = {"hyperlink", "smartTag", "ins", "customXml", "fldSimple", "dir", "bdo", "moveTo"}


def _runs(parent: etree._Element) -> Iterator[etree._Element]:
    for child in parent:
        if not isinstance(child.tag, str):
            continue
        tag = etree.QName(child).localname
        if tag == "r":
            yield child
        elif tag in _TRANSPARENT:
            yield from _runs(child)
        elif tag == "sdt":
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from _runs(content)


def _blocks(container: etree._Element) -> Iterator[etree._Element]:
    for child in container:
        if not isinstance(child.tag, str):
            continue
        tag = etree.QName(child).localname
        if tag in ("p", "tbl"):
            yield child
        elif tag in ("sdt", "customXml"):
            content = child.find(w("sdtContent")) if tag == "sdt" else child
            if content is not None:
                yield from _blocks(content)


def open_document(path: Path) -> Document:
    """Read ``path`` through docgen's safe reader; DocgenError when it is not a sound .docx."""
    data = open_docx_safely(path)
    return Document(path, data)


def page_fields(para: Para) -> list[str]:
    """Names of the fields in a paragraph (``PAGE``, ``NUMPAGES`` …), simple or complex."""
    names = []
    for el in para.el.iter(w("fldSimple"), w("instrText")):
        instr = el.get(w("instr")) if el.tag == w("fldSimple") else el.text
        words = (instr or "").split()
        if words:
            names.append(words[0].upper())
    return names
