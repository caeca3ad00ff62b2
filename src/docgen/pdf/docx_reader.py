"""Thin, read-only proxies over a DOCX package's XML.

Why proxies and not a parsed model: the layout layer needs only a few attributes of each element,
and reading them lazily from the lxml tree keeps a 20,000-row table at one tree plus the flowables
(no third copy). Each proxy is a ``__slots__`` wrapper around an ``lxml`` element; unit conversion
(twips, half-points, EMU → points) happens here so the layers above speak points only.

Reading is defensive: a DOCX is a zip that a clerk may have received by e-mail. Its zip directory
and XML go through :mod:`docgen.safezip`, the policy every docgen reader shares (size and ratio
limits before decompression, no DOCTYPE/entities, no network).
"""

from __future__ import annotations

import io
import math
import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

# The namespaces live in docgen.docx.ns, shared with the template check and docgen check;
# re-exported here for the engine's modules that import them from this reader.
from docgen.docx.ns import MC, NS, PIC, PR, WP, A, R, W, w  # noqa: F401
from docgen.errors import DocgenError
from docgen.explain import library_reason
from docgen.i18n import _
from docgen.safezip import DEFAULT_ZIP_LIMITS, check_zip, parse_xml, read_untrusted, refuse_ole

LIMITS = DEFAULT_ZIP_LIMITS


def wval(el: etree._Element | None, attr: str = "val") -> str | None:
    """``w:val`` (or another ``w:`` attribute) of ``el``; None when absent."""
    if el is None:
        return None
    return el.get(w(attr))


def on_off(el: etree._Element | None) -> bool | None:
    """A CT_OnOff toggle: present without val means on; None when the element is absent."""
    if el is None:
        return None
    v = el.get(w("val"))
    return v is None or v not in ("0", "false", "off", "none")


def number(v: str | None, default: float | None = None) -> float | None:
    """A finite number from an attribute; ``default`` for absent, malformed, nan or inf values.

    Word writes integers, but a DOCX from elsewhere may hold anything: one parse rule here
    keeps a stray "abc" or "1e999" from ending a conversion with a traceback.
    """
    if v is None:
        return default
    try:
        value = float(v)
    except (TypeError, ValueError):
        return default
    return value if math.isfinite(value) else default


def integer(v: str | None, default: int = 0) -> int:
    """An integer attribute (counts, levels, spans); ``default`` when it is not one."""
    value = number(v)
    return int(value) if value is not None and abs(value) < 2**31 else default


def twips(v: str | None, default: float | None = None) -> float | None:
    """Twentieths of a point → points (accepts the ``2.5cm``/``10pt`` forms of strict OOXML)."""
    if v is None:
        return default
    value = number(v)
    if value is not None:
        return int(value) / 20.0
    units = {"pt": 1.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "in": 72.0, "pc": 12.0}
    for suffix, k in units.items():
        if v.endswith(suffix):
            value = number(v[: -len(suffix)])
            return value * k if value is not None else default
    return default
    try:
        return int(float(v)) / 20.0
    except ValueError:
        units = {"pt": 1.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "in": 72.0, "pc": 12.0}
        for suffix, k in units.items():
            if v.endswith(suffix):
                return float(v[: -len(suffix)]) * k
        return default


_REQUIRED = ("[Content_Types].xml", "word/document.xml")


def _read_package(
    source: Path | bytes, what: str
) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    """The package, checked by docgen's one zip policy (:mod:`docgen.safezip`) before use.

    A file is read once into memory, so the bytes checked are the bytes used; members are
    decompressed only when asked for (:meth:`DocxPackage.part`).
    """
    if isinstance(source, bytes):
        data = source
    else:
        # A regular file within the size bound (not a FIFO or a device), read once.
        data = read_untrusted(source, what=what, max_bytes=LIMITS.max_file_bytes)
    refuse_ole(data, what, "Word")  # a password-protected .docx is not "not a zip"
    members = {i.filename: i for i in check_zip(data, what=what, limits=LIMITS)}
    missing = [name for name in _REQUIRED if name not in members]
    if missing:
        raise DocgenError(
            _(
                "{file}: not a Word document (it lacks {parts}). "
                "Save it from Word or LibreOffice as “Word document (.docx)”."
            ).format(file=what, parts=", ".join(missing))
        )
    return zipfile.ZipFile(io.BytesIO(data)), members


# --------------------------------------------------------------------------- proxies


class Run:
    """A ``w:r``: formatting in ``rPr``, content as a sequence of child elements."""

    __slots__ = ("el",)

    def __init__(self, el: etree._Element) -> None:
        self.el = el

    @property
    def rpr(self) -> etree._Element | None:
        return self.el.find(w("rPr"))

    @property
    def style_id(self) -> str | None:
        rpr = self.rpr
        return wval(rpr.find(w("rStyle"))) if rpr is not None else None


class Paragraph:
    """A ``w:p``."""

    __slots__ = ("el",)

    def __init__(self, el: etree._Element) -> None:
        self.el = el

    @property
    def ppr(self) -> etree._Element | None:
        return self.el.find(w("pPr"))

    @property
    def style_id(self) -> str | None:
        ppr = self.ppr
        return wval(ppr.find(w("pStyle"))) if ppr is not None else None

    @property
    def sect_pr(self) -> etree._Element | None:
        ppr = self.ppr
        return ppr.find(w("sectPr")) if ppr is not None else None

    def text(self) -> str:
        return "".join(self.el.itertext(w("t")))


@dataclass
class CellSpec:
    """One grid position's ``w:tc`` with its span resolved."""

    el: etree._Element
    col: int
    span: int
    vmerge: str | None  # None, "restart" or "continue"


class TableRow:
    __slots__ = ("el",)

    def __init__(self, el: etree._Element) -> None:
        self.el = el

    @property
    def trpr(self) -> etree._Element | None:
        return self.el.find(w("trPr"))

    def flag(self, tag: str) -> bool:
        trpr = self.trpr
        return bool(trpr is not None and on_off(trpr.find(w(tag))))

    @property
    def is_header(self) -> bool:
        return self.flag("tblHeader")

    @property
    def cant_split(self) -> bool:
        return self.flag("cantSplit")

    @property
    def height(self) -> tuple[float | None, str]:
        trpr = self.trpr
        h = trpr.find(w("trHeight")) if trpr is not None else None
        if h is None:
            return None, "atLeast"
        return twips(h.get(w("val"))), h.get(w("hRule")) or "atLeast"

    def grid_before(self) -> int:
        trpr = self.trpr
        g = trpr.find(w("gridBefore")) if trpr is not None else None
        return max(0, integer(wval(g))) if g is not None else 0

    def cells(self) -> list[CellSpec]:
        col = self.grid_before()
        out = []
        for tc in self.el.iterchildren(w("tc")):
            tcpr = tc.find(w("tcPr"))
            span, vm = 1, None
            if tcpr is not None:
                gs = tcpr.find(w("gridSpan"))
                if gs is not None:
                    span = max(1, integer(wval(gs), 1))
                v = tcpr.find(w("vMerge"))
                if v is not None:
                    vm = wval(v) or "continue"
            out.append(CellSpec(tc, col, span, vm))
            col += span
        return out


class Table:
    __slots__ = ("el",)

    def __init__(self, el: etree._Element) -> None:
        self.el = el

    @property
    def tblpr(self) -> etree._Element | None:
        return self.el.find(w("tblPr"))

    @property
    def style_id(self) -> str | None:
        p = self.tblpr
        return wval(p.find(w("tblStyle"))) if p is not None else None

    def grid(self) -> list[float]:
        g = self.el.find(w("tblGrid"))
        if g is None:
            return []
        return [twips(c.get(w("w")), 0.0) or 0.0 for c in g.iterchildren(w("gridCol"))]

    def rows(self) -> list[TableRow]:
        return [TableRow(tr) for tr in self.el.iterchildren(w("tr"))]


@dataclass
class Section:
    """Page geometry and header/footer references of one ``w:sectPr`` (all in points)."""

    el: etree._Element
    page_width: float = 595.3
    page_height: float = 841.9
    top: float = 72.0
    bottom: float = 72.0
    left: float = 90.0
    right: float = 90.0
    header: float = 36.0
    footer: float = 36.0
    title_pg: bool = False
    start_type: str = "nextPage"
    headers: dict[str, str] = field(default_factory=dict)  # type → rId
    footers: dict[str, str] = field(default_factory=dict)
    page_start: int | None = None
    # A negative top or bottom margin in Word: the margin holds even when the header (footer)
    # is taller, and the header overlaps the text instead of pushing it down.
    top_exact: bool = False
    bottom_exact: bool = False

    @classmethod
    def from_xml(cls, el: etree._Element) -> Section:
        s = cls(el)
        pg = el.find(w("pgSz"))
        if pg is not None:
            s.page_width = twips(pg.get(w("w")), s.page_width) or s.page_width
            s.page_height = twips(pg.get(w("h")), s.page_height) or s.page_height
            if pg.get(w("orient")) == "landscape" and s.page_width < s.page_height:
                s.page_width, s.page_height = s.page_height, s.page_width
        m = el.find(w("pgMar"))
        if m is not None:
            for attr in ("top", "bottom", "left", "right", "header", "footer"):
                v = twips(m.get(w(attr)))
                if v is not None:
                    setattr(s, attr, abs(v) if attr in ("top", "bottom") else v)
                    if attr in ("top", "bottom") and v < 0:
                        setattr(s, f"{attr}_exact", True)
        s.title_pg = bool(on_off(el.find(w("titlePg"))))
        t = el.find(w("type"))
        if t is not None:
            s.start_type = wval(t) or "nextPage"
        for ref in el.iterchildren(w("headerReference")):
            s.headers[ref.get(w("type")) or "default"] = ref.get(f"{{{R}}}id") or ""
        for ref in el.iterchildren(w("footerReference")):
            s.footers[ref.get(w("type")) or "default"] = ref.get(f"{{{R}}}id") or ""
        pn = el.find(w("pgNumType"))
        if pn is not None and pn.get(w("start")):
            s.page_start = integer(pn.get(w("start")), 1)
        return s

    @property
    def frame_width(self) -> float:
        return self.page_width - self.left - self.right


class DocxPackage:
    """The opened package: main document, styles, numbering, theme, headers, media."""

    def __init__(self, source: Path | bytes, name: str | None = None) -> None:
        """Open a DOCX file, or DOCX ``bytes`` made in memory (``name`` then labels messages)."""
        if isinstance(source, bytes | bytearray):
            self.path = Path(name or "document.docx")
            self._zip, self._members = _read_package(bytes(source), str(self.path))
        else:
            self.path = Path(source)
            self._zip, self._members = _read_package(self.path, str(self.path))
        self._bytes: dict[str, bytes] = {}
        self._xml_cache: dict[str, etree._Element] = {}
        self.document = self.xml("word/document.xml")
        self.rels = self._rels("word/document.xml")
        self.numbering = self._opt_part("numbering")
        self.settings = self._opt_part("settings")

    @property
    def names(self) -> list[str]:
        return list(self._members)

    def part(self, name: str) -> bytes | None:
        """A member's bytes (decompressed on first use), or None when it is not there."""
        if name in self._bytes:
            return self._bytes[name]
        info = self._members.get(name)
        if info is None or info.is_dir():
            return None
        cap = LIMITS.max_xml_part_bytes if _is_xml(name) else LIMITS.max_member_bytes
        if info.file_size > cap:
            raise DocgenError(
                _(
                    "{file}: the part {part!r} is larger than {limit} MB; refusing it as unsafe "
                    "to open."
                ).format(file=self.path, part=name, limit=cap // 2**20)
            )
        try:
            with self._zip.open(info) as member:
                data = member.read(cap + 1)  # zipfile also stops at the declared size
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            raise DocgenError(
                _("{file}: the DOCX file is damaged ({reason}).").format(
                    file=self.path, reason=library_reason(exc)
                )
            ) from None
        if len(data) > cap:
            raise DocgenError(
                _("{file}: the part {part!r} unpacks beyond its limit.").format(
                    file=self.path, part=name
                )
            )
        self._bytes[name] = data
        return data

    def xml(self, name: str) -> etree._Element | None:
        """A member parsed by :func:`docgen.safezip.parse_xml` (once), or None when absent."""
        if name not in self._xml_cache:
            data = self.part(name)
            if data is None:
                return None
            self._xml_cache[name] = parse_xml(
                data, what=_("{file}, part {part}").format(file=self.path, part=name)
            )
        return self._xml_cache[name]

    def _rels(self, part: str) -> dict[str, tuple[str, str, str]]:
        """rId → (type suffix, target part name, target mode)."""
        d, name = posixpath.split(part)
        root = self.xml(posixpath.join(d, "_rels", name + ".rels"))
        if root is None:
            return {}
        out = {}
        for rel in root.iterchildren(f"{{{PR}}}Relationship"):
            target = rel.get("Target") or ""
            mode = rel.get("TargetMode") or "Internal"
            if mode != "External":
                target = posixpath.normpath(posixpath.join(d, target)).lstrip("/")
            out[rel.get("Id") or ""] = ((rel.get("Type") or "").rsplit("/", 1)[-1], target, mode)
        return out

    def part_name(self, kind: str) -> str | None:
        """The part the main document relates to as ``kind`` (``styles``, ``theme`` …)."""
        for typ, target, _mode in self.rels.values():
            if typ == kind and target in self._members:
                return target
        return None

    def _opt_part(self, kind: str) -> etree._Element | None:
        name = self.part_name(kind)
        return self.xml(name) if name else None

    @property
    def styles(self) -> etree._Element | None:
        return self._opt_part("styles")

    @property
    def theme(self) -> etree._Element | None:
        return self._opt_part("theme")

    def related_xml(self, rid: str) -> etree._Element | None:
        """Header/footer part behind relationship ``rid`` of the main document."""
        rel = self.rels.get(rid)
        return self.xml(rel[1]) if rel is not None else None

    def part_rels(self, rid: str) -> dict[str, tuple[str, str, str]]:
        rel = self.rels.get(rid)
        return self._rels(rel[1]) if rel else {}

    def image_bytes(
        self, rid: str, rels: dict[str, tuple[str, str, str]] | None = None
    ) -> bytes | None:
        rel = (rels if rels is not None else self.rels).get(rid)
        if rel is None or rel[2] == "External":
            return None
        return self.part(rel[1])

    @property
    def body(self) -> etree._Element:
        b = self.document.find(w("body"))
        if b is None:
            raise DocgenError(_("{file}: word/document.xml has no w:body.").format(file=self.path))
        return b

    def sections(self) -> list[Section]:
        """Sections in order: each paragraph-level sectPr closes one, the body's closes the last."""
        out = [
            Section.from_xml(s)
            for s in self.body.iterchildren(w("p"))
            for s in s.iterfind("w:pPr/w:sectPr", NS)
        ]
        last = self.body.find(w("sectPr"))
        out.append(Section.from_xml(last if last is not None else etree.Element(w("sectPr"))))
        return out


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


def theme_fonts(theme: etree._Element | None) -> dict[str, str]:
    """``minorHAnsi``-style names → typefaces, from theme1.xml (Calibri/Cambria by default)."""
    out = {"major": "Calibri Light", "minor": "Calibri"}
    if theme is not None:
        for kind in ("major", "minor"):
            latin = theme.find(f".//{{{A}}}{kind}Font/{{{A}}}latin")
            if latin is not None and latin.get("typeface"):
                out[kind] = latin.get("typeface")
    return out
