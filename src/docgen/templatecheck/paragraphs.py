"""Paragraphs in document order, with their Word location and the runs their text came from."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from docgen.i18n import N_, _
from docgen.templatecheck.package import (
    _ALTERNATE,
    _BLOCK_WRAPPERS,
    _CHOICE,
    _FALLBACK,
    _P,
    _R_RUN,
    _T,
    _TBL,
    _TC,
    _TR,
    _TXBX,
    _w,
)
from docgen.templatecheck.problems import Location


@dataclass(frozen=True)
class _Ctx:
    label: str
    depth: int = 0  # table nesting
    outer: tuple[int, int, int] | None = None  # outermost table, row, cell numbers
    rows: tuple[Any, ...] = ()  # w:tr ancestors, outermost first
    cells: tuple[Any, ...] = ()
    tables: tuple[Any, ...] = ()
    container: Any = None  # the element a paragraph sits directly in: body, cell, text box
    anchor: Location | None = None  # set inside a text box: the paragraph holding the box


@dataclass
class _Piece:
    start: int
    end: int
    run: Any
    fmt: tuple
    wrap: tuple[str, ...]


@dataclass
class _Para:
    el: Any
    loc: Location
    text: str
    pieces: list[_Piece]
    breaks: list[tuple[int, str]]
    ctx: _Ctx

    @property
    def row(self) -> Any:
        return self.ctx.rows[-1] if self.ctx.rows else None

    @property
    def cell(self) -> Any:
        return self.ctx.cells[-1] if self.ctx.cells else None

    @property
    def table(self) -> Any:
        return self.ctx.tables[-1] if self.ctx.tables else None


# Run properties that change nothing a reader sees (spelling language, proofing, complex-script
# variants used by Arabic/Hebrew text): runs differing only in these are "the same formatting".
_INVISIBLE_RPR = {
    "lang",
    "noProof",
    "rPrChange",
    "webHidden",
    "specVanish",
    "bCs",
    "iCs",
    "szCs",
    "cs",
}
_TOGGLES = {
    "b",
    "i",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "vanish",
    "emboss",
    "imprint",
    "outline",
    "shadow",
}
_RPR_WORDS = {
    "b": N_("bold"),
    "i": N_("italic"),
    "u": N_("underline"),
    "sz": N_("size"),
    "rFonts": N_("font"),
    "color": N_("colour"),
    "highlight": N_("highlight"),
    "shd": N_("shading"),
    "strike": N_("strikethrough"),
    "dstrike": N_("double strikethrough"),
    "caps": N_("capitals"),
    "smallCaps": N_("small capitals"),
    "vertAlign": N_("superscript/subscript"),
    "rStyle": N_("character style"),
    "spacing": N_("character spacing"),
    "vanish": N_("hidden text"),
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _fmt_key(rpr: Any) -> tuple:
    if rpr is None:
        return ()
    items = []
    for child in rpr:
        if not isinstance(child.tag, str):
            continue
        name = _local(child.tag)
        if name in _INVISIBLE_RPR:
            continue
        attrs = tuple(
            sorted((_local(k), v) for k, v in child.attrib.items() if _local(k) != "hint")
        )
        if name in _TOGGLES and dict(attrs).get("val") in ("0", "false", "off"):
            continue
        if name == "u" and dict(attrs).get("val") == "none":
            continue
        items.append((name, attrs))
    return tuple(sorted(items))


def _fmt_difference(keys: list[tuple]) -> str:
    differing: set[str] = set()
    first = dict(keys[0])
    for key in keys[1:]:
        other = dict(key)
        differing |= {n for n in set(first) | set(other) if first.get(n) != other.get(n)}
    words = sorted({_(_RPR_WORDS[name]) if name in _RPR_WORDS else name for name in differing})
    return ", ".join(words)


class _ParagraphReader:
    """Collects a paragraph's visible text, the runs each character came from, and what breaks it."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.pos = 0
        self.pieces: list[_Piece] = []
        self.breaks: list[tuple[int, str]] = []
        self.boxes: list[Any] = []

    def add(self, s: str, run: Any, fmt: tuple, wrap: tuple[str, ...]) -> None:
        if s:
            self.pieces.append(_Piece(self.pos, self.pos + len(s), run, fmt, wrap))
            self.text.append(s)
            self.pos += len(s)

    def visit(self, el: Any, wrap: tuple[str, ...]) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            name = _local(tag)
            if tag == _R_RUN:
                self.run(child, wrap)
            elif tag in (_w("hyperlink"), _w("smartTag"), _w("customXml"), _w("fldSimple")):
                self.visit(child, (*wrap, {"fldSimple": N_("field")}.get(name, name)))
            elif tag in (_w("ins"), _w("moveTo")):
                self.breaks.append((self.pos, N_("a tracked change")))
                self.visit(child, (*wrap, N_("tracked change")))
                self.breaks.append((self.pos, N_("a tracked change")))
            elif tag in (_w("del"), _w("moveFrom")):
                self.breaks.append((self.pos, N_("a tracked change")))
            elif tag == _w("sdt"):
                content = child.find(_w("sdtContent"))
                if content is not None:
                    self.visit(content, (*wrap, N_("content control")))
            elif name in ("bookmarkStart", "bookmarkEnd"):
                self.breaks.append((self.pos, N_("a bookmark")))
            elif name in ("commentRangeStart", "commentRangeEnd"):
                self.breaks.append((self.pos, N_("a comment")))
            elif tag == _ALTERNATE:
                choice = child.find(_CHOICE)
                if choice is not None:
                    self.visit(choice, wrap)
            # pPr, proofErr (spell-check marks, which docxtpl strips harmlessly), permStart, …

    def run(self, run: Any, wrap: tuple[str, ...]) -> None:
        fmt = _fmt_key(run.find(_w("rPr")))
        for child in run:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            name = _local(tag)
            if tag == _T:
                self.add(child.text or "", run, fmt, wrap)
            elif name == "tab":
                self.add("\t", run, fmt, wrap)
            elif name in ("br", "cr"):
                self.add(" ", run, fmt, wrap)
            elif name == "noBreakHyphen":
                self.add("-", run, fmt, wrap)
            elif name in ("fldChar", "instrText"):
                self.breaks.append((self.pos, N_("a field")))
            elif name in ("drawing", "pict") or tag == _ALTERNATE:
                self.boxes.extend(_text_boxes(child))


def _text_boxes(el: Any) -> Iterator[Any]:
    # Word writes each text box twice (DrawingML and a VML fallback); read it once.
    for child in el:
        if not isinstance(child.tag, str) or child.tag == _FALLBACK:
            continue
        if child.tag == _TXBX:
            yield child
        else:
            yield from _text_boxes(child)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text)).strip()


def _shorten(text: str, limit: int = 60) -> str:
    text = _clean(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _find_kind(el: Any, tag: str) -> Iterator[Any]:
    """Children of kind ``tag``, looking through content controls and custom XML."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _find_kind(child, tag)


class _PartReader:
    def __init__(self, label: str) -> None:
        self.label = label
        self.paras: list[_Para] = []
        self.para_no = 0
        self.table_no = 0

    def walk(self, el: Any, ctx: _Ctx) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag == _FALLBACK:
                continue
            if tag == _P:
                self.paragraph(child, ctx)
            elif tag == _TBL:
                self.table(child, ctx)
            elif _local(tag) not in ("sectPr", "pPr", "tblPr", "tcPr", "trPr", "rPr"):
                self.walk(child, ctx)

    def table(self, tbl: Any, ctx: _Ctx) -> None:
        outermost = ctx.depth == 0 and ctx.anchor is None
        if outermost:
            self.table_no += 1
        for row_no, row in enumerate(_find_kind(tbl, _TR), start=1):
            for cell_no, cell in enumerate(_find_kind(row, _TC), start=1):
                outer = (self.table_no, row_no, cell_no) if outermost else ctx.outer
                inner = replace(
                    ctx,
                    depth=ctx.depth + 1,
                    outer=outer,
                    rows=(*ctx.rows, row),
                    cells=(*ctx.cells, cell),
                    tables=(*ctx.tables, tbl),
                    container=cell,
                )
                self.walk(cell, inner)

    def paragraph(self, p: Any, ctx: _Ctx) -> None:
        reader = _ParagraphReader()
        reader.visit(p, ())
        text = "".join(reader.text)
        shown = _shorten(text)
        if ctx.anchor is not None:
            loc = replace(ctx.anchor, part=f"{self.label} (text box)", text=shown)
        elif ctx.outer is not None:
            table, row, cell = ctx.outer
            loc = Location(self.label, None, table, row, cell, shown)
        else:
            self.para_no += 1
            loc = Location(self.label, self.para_no, None, None, None, shown)
        self.paras.append(_Para(p, loc, text, reader.pieces, reader.breaks, ctx))
        for box in reader.boxes:
            anchor = ctx.anchor or loc
            self.walk(box, _Ctx(self.label, container=box, anchor=anchor))
