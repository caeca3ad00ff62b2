"""Effective paragraph and run formatting: docDefaults → table style → paragraph style chain →
numbering level → direct formatting; run properties additionally through the run style chain.

Why flat dicts merged in order rather than objects: OOXML formatting is a stack of partial
overrides, and "last writer wins per property" is exactly a dict ``update``. Style chains are
merged once and cached, so a 20,000-row table pays one dict copy per paragraph/run.
"""

from __future__ import annotations

import copy
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from docgen.pdf.docx_reader import (
    DocxPackage,
    integer,
    number,
    on_off,
    theme_fonts,
    twips,
    w,
    wval,
)

Props = dict[str, Any]

_ALIGN = {
    "left": "left",
    "start": "left",
    "right": "right",
    "end": "right",
    "center": "center",
    "both": "justify",
    "distribute": "justify",
    "justify": "justify",
    "lowKashida": "justify",
    "mediumKashida": "justify",
    "highKashida": "justify",
}
_BORDER_SIDES = ("top", "bottom", "left", "right", "between")


@dataclass
class Border:
    """One border line (points); ``style`` is the OOXML value (single, double, dashed …)."""

    width: float
    color: str
    space: float
    style: str = "single"


def parse_border(el: etree._Element | None) -> Border | None:
    """A ``w:top``/``w:bottom``/… element → Border, or None for none/nil/absent."""
    if el is None:
        return None
    val = wval(el) or "none"
    if val in ("none", "nil"):
        return None
    sz = el.get(w("sz"))
    # sz is in eighths of a point; Word draws at least 1/4 pt.
    width = min(max(int(sz) / 8.0, 0.25), 12.0) if sz and sz.isdigit() else 0.5
    color = el.get(w("color")) or "auto"
    space = number(el.get(w("space")), 0.0) or 0.0
    if val == "double":
        width = width * 3
    return Border(width, "000000" if color == "auto" else color, space, val)


def apply_rpr(props: Props, rpr: etree._Element | None, theme: dict[str, str]) -> None:
    """Merge run properties from ``rpr`` into ``props``."""
    if rpr is None:
        return
    for child in rpr:
        tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if tag == "rFonts":
            font = None
            for attr in ("hAnsi", "ascii"):
                font = child.get(w(attr))
                if font:
                    break
            if not font:
                for attr in ("hAnsiTheme", "asciiTheme"):
                    t = child.get(w(attr))
                    if t:
                        font = theme["major" if t.startswith("major") else "minor"]
                        break
            if font:
                props["font"] = font
        elif tag == "sz":
            v = wval(child)
            size = number(v)
            if size is not None and size > 0:
                props["size"] = size / 2
        elif tag in ("b", "i", "strike", "dstrike", "caps", "smallCaps", "vanish"):
            props[tag] = bool(on_off(child))
        elif tag == "u":
            v = wval(child) or "single"
            props["u"] = None if v == "none" else v
        elif tag == "color":
            v = wval(child)
            props["color"] = None if not v or v == "auto" else v
        elif tag == "vertAlign":
            props["vert"] = wval(child)
        elif tag == "highlight":
            props["highlight"] = wval(child)
        elif tag == "shd":
            fill = child.get(w("fill"))
            props["shd"] = None if not fill or fill == "auto" else fill
        elif tag == "spacing":
            props["char_spacing"] = twips(wval(child), 0.0)


def apply_ppr(props: Props, ppr: etree._Element | None) -> None:
    """Merge paragraph properties from ``ppr`` into ``props``."""
    if ppr is None:
        return
    for child in ppr:
        tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if tag == "jc":
            props["align"] = _ALIGN.get(wval(child) or "left", "left")
        elif tag == "ind":
            g = child.get
            left = g(w("left")) or g(w("start"))
            right = g(w("right")) or g(w("end"))
            if left is not None:
                props["ind_left"] = twips(left, 0.0)
            if right is not None:
                props["ind_right"] = twips(right, 0.0)
            if g(w("hanging")) is not None:
                props["first_line"] = -(twips(g(w("hanging")), 0.0) or 0.0)
            elif g(w("firstLine")) is not None:
                props["first_line"] = twips(g(w("firstLine")), 0.0)
        elif tag == "spacing":
            g = child.get
            if g(w("before")) is not None:
                props["before"] = twips(g(w("before")), 0.0)
            if g(w("after")) is not None:
                props["after"] = twips(g(w("after")), 0.0)
            for k in ("beforeAutospacing", "afterAutospacing"):
                if g(w(k)) is not None:
                    props[k] = g(w(k)) in ("1", "true", "on")
            if g(w("line")) is not None:
                props["line"] = number(g(w("line")), 240.0)
                props["line_rule"] = g(w("lineRule")) or "auto"
        elif tag in (
            "keepNext",
            "keepLines",
            "pageBreakBefore",
            "widowControl",
            "contextualSpacing",
            "suppressAutoHyphens",
        ):
            props[tag] = bool(on_off(child))
        elif tag == "pBdr":
            borders = dict(props.get("borders") or {})
            for side in _BORDER_SIDES:
                el = child.find(w(side))
                if el is not None:
                    borders[side] = parse_border(el)
            props["borders"] = borders
        elif tag == "shd":
            fill = child.get(w("fill"))
            props["shd"] = None if not fill or fill == "auto" else fill
        elif tag == "numPr":
            ilvl = child.find(w("ilvl"))
            num = child.find(w("numId"))
            if num is not None:
                props["numId"] = wval(num)
            if ilvl is not None:
                props["ilvl"] = integer(wval(ilvl))
        elif tag == "tabs":
            tabs = dict(props.get("tabs") or {})
            for t in child.iterchildren(w("tab")):
                pos = twips(t.get(w("pos")), 0.0) or 0.0
                if wval(t) == "clear":
                    tabs.pop(pos, None)
                else:
                    tabs[pos] = wval(t) or "left"
            props["tabs"] = tabs
        elif tag == "outlineLvl":
            props["outline"] = integer(wval(child), 9)


@dataclass
class NumberingLevel:
    fmt: str
    text: str
    start: int
    jc: str
    ppr: etree._Element | None
    rpr: etree._Element | None
    suff: str
    restart: int | None = None


@dataclass
class Numbering:
    """numbering.xml: num → abstractNum levels, with counters kept per ``numId``.

    Counters follow LibreOffice, which imports each ``w:num`` as its own list: two numIds over
    one abstractNum count separately, and ``startOverride`` restarts.
    """

    levels: dict[str, dict[int, NumberingLevel]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def from_xml(cls, root: etree._Element | None) -> Numbering:
        n = cls()
        if root is None:
            return n
        abstract: dict[str, dict[int, NumberingLevel]] = {}
        for an in root.iterchildren(w("abstractNum")):
            abstract[an.get(w("abstractNumId")) or ""] = {
                integer(lvl.get(w("ilvl"))): _level(lvl) for lvl in an.iterchildren(w("lvl"))
            }
        for num in root.iterchildren(w("num")):
            nid = num.get(w("numId")) or ""
            aid = wval(num.find(w("abstractNumId"))) or ""
            levels = dict(abstract.get(aid, {}))
            for ov in num.iterchildren(w("lvlOverride")):
                ilvl = integer(ov.get(w("ilvl")))
                lvl_el = ov.find(w("lvl"))
                if lvl_el is not None:
                    levels[ilvl] = _level(lvl_el)
                so = ov.find(w("startOverride"))
                if so is not None and ilvl in levels:
                    base = levels[ilvl]
                    levels[ilvl] = NumberingLevel(
                        base.fmt,
                        base.text,
                        integer(wval(so), 1),
                        base.jc,
                        base.ppr,
                        base.rpr,
                        base.suff,
                        base.restart,
                    )
            n.levels[nid] = levels
        return n

    def level(self, num_id: str, ilvl: int) -> NumberingLevel | None:
        return self.levels.get(num_id, {}).get(ilvl)

    def next_label(self, num_id: str, ilvl: int) -> str | None:
        """Advance the counter of (num_id, ilvl) and return the label text (e.g. ``"2.1."``)."""
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return None
        cnt = self.counters.setdefault(num_id, {})
        lvl = levels[ilvl]
        cnt[ilvl] = cnt[ilvl] + 1 if ilvl in cnt else lvl.start
        for deeper in [k for k in cnt if k > ilvl]:
            del cnt[deeper]
        if lvl.fmt == "none":
            return ""
        text = lvl.text
        for k in range(9):
            token = f"%{k + 1}"
            if token in text:
                other = levels.get(k)
                value = cnt.get(k, other.start if other else 1)
                fmt = lvl.fmt if k == ilvl else (other.fmt if other else "decimal")
                text = text.replace(token, format_number(value, fmt))
        return text


def _level(lvl: etree._Element) -> NumberingLevel:
    restart = lvl.find(w("lvlRestart"))
    return NumberingLevel(
        fmt=wval(lvl.find(w("numFmt"))) or "decimal",
        text=wval(lvl.find(w("lvlText"))) or "",
        start=integer(wval(lvl.find(w("start"))), 1),
        jc=wval(lvl.find(w("lvlJc"))) or "left",
        ppr=lvl.find(w("pPr")),
        rpr=lvl.find(w("rPr")),
        suff=wval(lvl.find(w("suff"))) or "tab",
        restart=integer(wval(restart)) if restart is not None else None,
    )


def _roman(n: int) -> str:
    vals = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ]
    out = []
    for v, s in vals:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def _letters(n: int) -> str:
    # Word: a..z, then aa..zz, aaa.. (repeat the letter), not base-26.
    if n <= 0:
        return ""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """A counter value in an OOXML ``numFmt``."""
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "bullet":
        return ""
    return str(n)


class StyleSheet:
    """styles.xml, resolved. Answers "what are the effective props of this paragraph/run"."""

    def __init__(self, root: etree._Element | None, theme: dict[str, str]) -> None:
        self.theme = theme
        self.by_id: dict[str, etree._Element] = {}
        self.default_para: str | None = None
        self.default_table: str | None = None
        self.default_char: str | None = None
        self.doc_ppr: Props = {
            "before": 0.0,
            "after": 0.0,
            "line": 240.0,
            "line_rule": "auto",
            "align": "left",
            "ind_left": 0.0,
            "ind_right": 0.0,
            "first_line": 0.0,
            "widowControl": True,
        }
        self.doc_rpr: Props = {"font": "Times New Roman", "size": 10.0}
        self._pcache: dict[str | None, tuple[Props, Props]] = {}
        self._rcache: dict[str | None, Props] = {}
        self._tcache: dict[str | None, tuple[Props, Props, etree._Element | None]] = {}
        if root is None:
            return
        dd = root.find(w("docDefaults"))
        if dd is not None:
            apply_ppr(self.doc_ppr, dd.find(f"{w('pPrDefault')}/{w('pPr')}"))
            apply_rpr(self.doc_rpr, dd.find(f"{w('rPrDefault')}/{w('rPr')}"), theme)
        for st in root.iterchildren(w("style")):
            sid = st.get(w("styleId")) or ""
            self.by_id[sid] = st
            if st.get(w("default")) in ("1", "true", "on"):
                kind = st.get(w("type"))
                if kind == "paragraph":
                    self.default_para = sid
                elif kind == "table":
                    self.default_table = sid
                elif kind == "character":
                    self.default_char = sid

    def _chain(self, sid: str | None) -> list[etree._Element]:
        chain: list[etree._Element] = []
        seen: set[str] = set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            st = self.by_id[sid]
            chain.append(st)
            sid = wval(st.find(w("basedOn")))
        return chain[::-1]

    def paragraph_style(self, sid: str | None) -> tuple[Props, Props]:
        """(pPr, rPr) of paragraph style ``sid`` (or the default style) over docDefaults."""
        if sid not in self._pcache:
            ppr, rpr = dict(self.doc_ppr), dict(self.doc_rpr)
            use = sid if sid in self.by_id else self.default_para
            for st in self._chain(use):
                apply_ppr(ppr, st.find(w("pPr")))
                apply_rpr(rpr, st.find(w("rPr")), self.theme)
            self._pcache[sid] = (ppr, rpr)
        return self._pcache[sid]

    def char_style(self, sid: str | None) -> Props:
        if sid not in self._rcache:
            rpr: Props = {}
            for st in self._chain(sid):
                apply_rpr(rpr, st.find(w("rPr")), self.theme)
            self._rcache[sid] = rpr
        return self._rcache[sid]

    def table_style(self, sid: str | None) -> tuple[Props, Props, etree._Element | None]:
        """(pPr, rPr, merged tblPr element list) of a table style; tblPr parts taken last-wins."""
        if sid not in self._tcache:
            ppr: Props = {}
            rpr: Props = {}
            tblpr: etree._Element | None = None
            use = sid if sid in self.by_id else self.default_table
            for st in self._chain(use):
                apply_ppr(ppr, st.find(w("pPr")))
                apply_rpr(rpr, st.find(w("rPr")), self.theme)
                tp = st.find(w("tblPr"))
                if tp is not None:
                    tblpr = _merge_elements(tblpr, tp)
            self._tcache[sid] = (ppr, rpr, tblpr)
        return self._tcache[sid]


def _merge_elements(base: etree._Element | None, over: etree._Element) -> etree._Element:
    """Child-wise merge of two property elements (over's children replace base's same tags)."""
    if base is None:
        return over
    merged = etree.Element(base.tag)
    children = {c.tag: c for c in base}
    for c in over:
        if c.tag in children and c.tag in (w("tblBorders"), w("tblCellMar")):
            children[c.tag] = _merge_elements(children[c.tag], c)
        else:
            children[c.tag] = c
    for c in children.values():
        merged.append(copy.deepcopy(c))  # append() would move it out of the style's own tblPr
    return merged


_SHEETS: OrderedDict[bytes, StyleSheet] = OrderedDict()
_SHEETS_MAX = 8
_sheets_lock = threading.Lock()


def stylesheet(pkg: DocxPackage) -> StyleSheet:
    """The package's resolved styles, shared by packages with byte-identical styles and theme.

    Why share: every document docgen makes carries the same 350 KB styles.xml (Word's whole
    latent-style table), and parsing and resolving it was a tenth of a short document's
    conversion; a batch or a build converts many such documents in one process. A StyleSheet
    only memoises once built, so sharing it cannot leak one document's formatting into another.
    """
    names = [pkg.part_name("styles"), pkg.part_name("theme")]
    digest = hashlib.blake2b(digest_size=16)
    for name in names:
        digest.update((name or "").encode() + b"\0")
        digest.update(pkg.part(name) or b"" if name else b"")
        digest.update(b"\0")
    key = digest.digest()
    with _sheets_lock:
        sheet = _SHEETS.get(key)
        if sheet is not None:
            _SHEETS.move_to_end(key)
            return sheet
    sheet = StyleSheet(pkg.styles, theme_fonts(pkg.theme))
    with _sheets_lock:
        _SHEETS[key] = sheet
        while len(_SHEETS) > _SHEETS_MAX:
            _SHEETS.popitem(last=False)
    return sheet
