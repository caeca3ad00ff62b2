"""Find the mistakes in a clerk-edited DOCX template and say where they are, in Word's terms.

docxtpl reports a broken template with a line number in its own preprocessed XML, which means
nothing to the clerk who edited the file in Word. This module reads the template the way docxtpl
will (its ``{%p %}`` / ``{%tr %}`` / ``{%tc %}`` / ``{%r %}`` conventions, run joining, smart
quotes) but keeps, for every line of the Jinja source it builds, the paragraph or table cell that
line came from. Every problem is then told as "body, table 2, row 3, cell 1: "…"" or
"header (first page), paragraph 1: "…"" — something a clerk can find with Ctrl+F.

It checks, part by part (body, every header and footer, footnotes, text boxes):

1. Jinja syntax: tags that never close, bad expressions, unknown tags/filters, blocks
   (``for``/``if``/…) that never close or close what was never opened;
2. variables the document's context does not provide, and misspelt attributes of the sample
   values (``meeting.nam``), with "did you mean …?";
3. tags Word split into runs with different formatting, or broke with a bookmark, comment,
   field or tracked change, or across paragraphs;
4. docxtpl's row/cell/paragraph tags used so that text is lost or the XML breaks: a ``{%tr %}``
   sharing its row, a ``{%p %}`` sharing its paragraph, a ``{%tr for %}`` closed in another table
   or by a plain ``{% endfor %}``.

Templates come from anywhere (e-mail, a USB stick), so the package is read under
:mod:`docgen.safezip`'s zip limits and with its XML parser, which resolves no entities and
fetches nothing.
"""

from __future__ import annotations

import difflib
import io
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateSyntaxError, nodes
from jinja2.meta import find_undeclared_variables
from lxml import etree

from docgen.docx import ns
from docgen.errors import DocgenError
from docgen.explain import jinja_words, library_reason, word_place
from docgen.i18n import N_, _
from docgen.safezip import (
    DEFAULT_ZIP_LIMITS,
    open_docx_safely,
    parse_xml,
    read_untrusted,
    refuse_ole,
)
from docgen.sandbox import DEFAULT_LIMITS
from docgen.templatelimits import property_problems, static_refusals

__all__ = ["Location", "Problem", "check_template", "check_folder"]

# The zip limits are safezip's, shared with every other reader of Office files. One XML part is
# parsed in memory, so it is held to the XML bound (a module name so a test can lower it).
_LIMITS = DEFAULT_ZIP_LIMITS
MAX_PART_BYTES = _LIMITS.max_xml_part_bytes

_W, _R, _MC, _PKG_RELS = ns.W, ns.R, ns.MC, ns.PR
_w = ns.w


_P, _R_RUN, _T, _TBL, _TR, _TC = _w("p"), _w("r"), _w("t"), _w("tbl"), _w("tr"), _w("tc")
_TXBX = _w("txbxContent")
_FALLBACK = f"{{{_MC}}}Fallback"
_ALTERNATE = f"{{{_MC}}}AlternateContent"
_CHOICE = f"{{{_MC}}}Choice"
# Elements that only wrap rows, cells or paragraphs (content controls, custom XML).
_BLOCK_WRAPPERS = {_w("sdt"), _w("sdtContent"), _w("customXml"), _ALTERNATE, _CHOICE}


# --------------------------------------------------------------------------------------------
# Public API


def part_label(part: str) -> str:
    """A part's label ("header (first page)"), kept in English inside the checker (the labels
    sort the parts), in the current language."""
    return word_place(part)


@dataclass(frozen=True)
class Location:
    """Where a clerk finds a problem in Word: the part, then a paragraph or a table cell."""

    part: str
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    text: str = ""

    def __str__(self) -> str:
        where = [part_label(self.part)]
        if self.table is not None:
            where.append(_("table {number}").format(number=self.table))
            if self.row is not None:
                where.append(_("row {number}").format(number=self.row))
            if self.cell is not None:
                where.append(_("cell {number}").format(number=self.cell))
        elif self.paragraph is not None:
            where.append(_("paragraph {number}").format(number=self.paragraph))
        head = ", ".join(where)
        if self.text:
            return f'{head}: "{self.text}"'
        return _("{place} (empty paragraph)").format(place=head)


@dataclass(frozen=True)
class Problem:
    """One thing to fix in one template: where it is and what was expected instead."""

    template: Path
    location: Location | None
    message: str

    def __str__(self) -> str:
        if self.location is None:
            return f"{self.template}: {self.message}"
        return f"{self.template}, {self.location}: {self.message}"


Known = Mapping[str, object] | Collection[str] | None


def check_template(
    path: Path,
    known: Known = None,
    *,
    environment: Environment | None = None,
    data: bytes | None = None,
) -> list[Problem]:
    """Every problem found in the DOCX template at ``path``, in document order.

    ``known`` is the context the template will be rendered with: a mapping of sample values
    (then attribute and item access on them is checked too), or just the top-level names, or
    ``None`` to skip the unknown-variable check. ``environment`` supplies the filters and tests a
    template may use (docgen's sandboxed environment by default). ``data``, when given, are the
    file's bytes already read (a build checks the very bytes it renders); ``path`` then only
    names the template. A file that is not a DOCX is a problem, never an exception.
    """
    path = Path(path)
    if environment is None:
        from docgen.sandbox import make_environment

        environment = make_environment()
    try:
        parts, properties = _read_docx(path, data)
    except _Unreadable as exc:
        return [Problem(path, None, str(exc))]
    found: list[tuple[tuple[int, int], Problem]] = []
    for index, (label, root) in enumerate(parts):
        checker = _PartChecker(path, label, root, known, environment)
        for order, problem in checker.run():
            found.append(((index, order), problem))
    found.sort(key=lambda item: item[0])
    unique: list[Problem] = []
    for _order, problem in found:
        if problem not in unique:
            unique.append(problem)
    unique.extend(
        Problem(path, None, f"{label}: {message}")
        for label, message in property_problems(properties)
    )
    return unique


def check_folder(
    folder: Path,
    known_for: Callable[[Path], Known] | None = None,
    *,
    environment: Environment | None = None,
) -> list[Problem]:
    """Check every ``*.docx`` under ``folder`` (sub-folders too), skipping Word's lock files.

    ``known_for(path)`` gives the context for one template (``None``: no variable check).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return [Problem(folder, None, _("no such folder; expected a folder of .docx templates"))]
    templates = sorted(
        p
        for p in folder.rglob("*.docx")
        # "~$x.docx" is Word's lock file for an open x.docx, not a document.
        if p.is_file() and not p.name.startswith(("~$", ".~lock", "."))
    )
    if not templates:
        return [Problem(folder, None, _("no templates here; expected one or more .docx files"))]
    problems: list[Problem] = []
    for template in templates:
        known = known_for(template) if known_for is not None else None
        problems.extend(check_template(template, known, environment=environment))
    return problems


# --------------------------------------------------------------------------------------------
# Reading the package safely


class _Unreadable(Exception):
    """The file cannot be read as a DOCX at all; the message says why in a clerk's words."""


def _too_large(name: str) -> str:
    return _("its part {part} is larger than {limit} MB").format(
        part=name, limit=MAX_PART_BYTES // 2**20
    )


class _Package:
    def __init__(self, path: Path, data: bytes | None = None) -> None:
        what = str(path)

        def unreadable(exc: DocgenError) -> _Unreadable:
            # Problem puts the file name in front already.
            return _Unreadable(str(exc).removeprefix(f"{what}: ").rstrip("."))

        try:
            if data is None:
                data = read_untrusted(path, what=what, max_bytes=_LIMITS.max_file_bytes)
            refuse_ole(data, what, "Word")
        except DocgenError as exc:
            raise unreadable(exc) from None
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError):
            raise _Unreadable(
                _(
                    "is not a Word document (.docx); expected a file saved by Word or LibreOffice "
                    "as .docx"
                )
            ) from None
        infos = self.zip.infolist()
        # An oversized XML part is named in plain words before the general zip policy would call
        # the same file a zip bomb.
        for info in infos:
            xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
            if xml and info.file_size > MAX_PART_BYTES:
                raise _Unreadable(_too_large(info.filename))
        try:
            # The build's own reader, so that the check refuses exactly what the build refuses:
            # zip bombs, damaged data in any part, a missing [Content_Types].xml, DOCTYPEs.
            open_docx_safely(data, what=what, limits=_LIMITS)
        except DocgenError as exc:
            raise unreadable(exc) from None
        self.names = {info.filename: info for info in infos}
        self.read_total = 0

    def read(self, name: str) -> bytes | None:
        info = self.names.get(name)
        if info is None:
            return None
        if info.file_size > MAX_PART_BYTES:
            raise _Unreadable(_too_large(name))
        try:
            with self.zip.open(info) as member:
                # The size in the directory can lie; never trust it, read at most the limit.
                data = member.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
            raise _Unreadable(
                _("is damaged: its part {part} cannot be unpacked ({reason})").format(
                    part=name, reason=library_reason(exc)
                )
            ) from None
        if len(data) > MAX_PART_BYTES:
            raise _Unreadable(_too_large(name))
        self.read_total += len(data)
        if self.read_total > _LIMITS.max_total_bytes:
            raise _Unreadable(
                _("unpacks to more than {limit} MB").format(limit=_LIMITS.max_total_bytes // 2**20)
            )
        return data

    def xml(self, name: str) -> etree._Element | None:
        data = self.read(name)
        if data is None:
            return None
        try:
            # The same policy as the build's reader, so a template the check passes is one the
            # build will open: a DOCTYPE (entities, XXE) is refused, not just left unexpanded.
            return parse_xml(data, what=_("its part {part}").format(part=name))
        except DocgenError as exc:
            raise _Unreadable(str(exc)) from None

    def rels(self, part: str) -> list[tuple[str, str, str]]:
        """(id, type, target part name) of the internal relationships of ``part``."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        if root is None:
            return []
        out = []
        for rel in root.iter(f"{{{_PKG_RELS}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            name = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            out.append((rel.get("Id", ""), rel.get("Type", ""), posixpath.normpath(name)))
        return out


def _read_docx(
    path: Path, data: bytes | None = None
) -> tuple[list[tuple[str, etree._Element]], etree._Element | None]:
    """(label, root element) of each part docxtpl renders: body, headers, footers, footnotes;
    and the core document properties (``docProps/core.xml``), which it does not."""
    package = _Package(path, data)
    properties = package.xml("docProps/core.xml")
    main = "word/document.xml"
    for _id, rel_type, target in package.rels(""):
        if rel_type.endswith("/officeDocument"):
            main = target
    document = package.xml(main)
    body = document.find(_w("body")) if document is not None else None
    if body is None:
        raise _Unreadable(
            _(
                "is not a Word document (.docx): it has no document body; expected a file saved "
                "by Word or LibreOffice as .docx"
            )
        )
    rels = package.rels(main)
    by_id = {rel_id: (rel_type, target) for rel_id, rel_type, target in rels}
    parts: list[tuple[str, etree._Element]] = [("body", body)]

    labels: dict[str, str] = {}
    sections = list(body.iter(_w("sectPr")))
    several = len(sections) > 1
    kinds = {"first": "first page", "even": "even pages", "default": ""}
    for number, sect in enumerate(sections, start=1):
        for ref_tag, noun in ((_w("headerReference"), "header"), (_w("footerReference"), "footer")):
            for ref in sect.findall(ref_tag):
                target = by_id.get(ref.get(f"{{{_R}}}id", ""), ("", ""))[1]
                if not target or target in labels:
                    continue
                extra = [f"section {number}"] if several else []
                kind = kinds.get(ref.get(_w("type"), "default"), "")
                extra += [kind] if kind else []
                labels[target] = f"{noun} ({', '.join(extra)})" if extra else noun
    ordered: list[tuple[str, str]] = []
    for _id, rel_type, target in rels:
        # docxtpl renders every header and footer the body refers to, used by a section or not.
        for noun in ("header", "footer", "footnotes"):
            if rel_type.endswith("/" + noun):
                label = labels.get(target) or (
                    noun if noun == "footnotes" else f"{noun} ({posixpath.basename(target)})"
                )
                ordered.append((label, target))
    rank = {"header": 0, "footer": 1, "footnotes": 2}
    ordered.sort(key=lambda item: rank.get(item[0].split(" ")[0], 3))
    for label, target in ordered:
        root = package.xml(target)
        if root is not None:
            parts.append((label, root))
    return parts, properties


# --------------------------------------------------------------------------------------------
# Paragraphs in document order, with their Word location and the runs their text came from


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
            elif tag in (_w("r"),):
                self.run(child, wrap)
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


# --------------------------------------------------------------------------------------------
# Tags


@dataclass
class _Tag:
    start: int
    end: int | None  # None: never closed in this paragraph
    kind: str  # "{{", "{%" or "{#"
    raw: str  # as typed

    @property
    def level(self) -> str:
        """docxtpl's level prefix: "tr", "tc", "p", "r" or "" for an ordinary tag."""
        m = re.match(r"\{([{%#])(tr|tc|p|r) ", self.raw)
        if m is None or (m.group(1) == "#" and m.group(2) == "r"):
            return ""
        return m.group(2)


_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_OPENER_RE = re.compile(r"\{[{%#]")


def _scan(text: str) -> list[_Tag]:
    """Tags in ``text``; an opener whose closer comes after the next opener is unclosed."""
    tags: list[_Tag] = []
    i = 0
    while True:
        m = _OPENER_RE.search(text, i)
        if m is None:
            return tags
        start, kind = m.start(), m.group()
        close = text.find(_CLOSERS[kind], start + 2)
        following = _OPENER_RE.search(text, start + 2)
        if close >= 0 and (kind == "{#" or following is None or close < following.start()):
            end = close + 2
            tags.append(_Tag(start, end, kind, text[start:end]))
            i = end
        else:
            tags.append(_Tag(start, None, kind, text[start:]))
            i = start + 2


def _jinja_text(raw: str) -> str:
    """A tag as Jinja will see it after docxtpl's preprocessing."""
    text = re.sub(r"^\{([{%#])(?:tr|tc|p|r) ", r"{\1 ", raw)
    m = re.match(r"\{%-?\s*(colspan|cellbg)\s+(.*?)\s*-?%\}$", text, re.S)
    if m:
        text = "{{ " + m.group(2) + " }}"
    elif re.match(r"\{%-?\s*(vm|hm)\s*-?%\}$", text):
        text = ""
    for smart, plain in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        text = text.replace(smart, plain)
    return text


def _show(raw: str) -> str:
    return _shorten(raw, 70)


_BLOCKS = {"for", "if", "macro", "call", "filter", "with", "autoescape", "raw", "block", "trans"}
_MIDDLES = {"else": {"if", "for"}, "elif": {"if"}}
_CLOSING_PROBES = {
    "for": "{% for _x in _y %}",
    "if": "{% if _x %}",
    "macro": "{% macro _m() %}",
    "call": "{% call _m() %}",
    "filter": "{% filter upper %}",
    "with": "{% with %}",
    "autoescape": "{% autoescape true %}",
    "block": "{% block _b %}",
    "set": "{% set _x %}",
}
_ALL_TAG_NAMES = sorted(
    _BLOCKS
    | {"end" + b for b in _BLOCKS}
    | {"else", "elif", "set", "endset", "include", "import", "from", "extends", "print"}
)


def _statement(jinja: str) -> tuple[str, str]:
    """(tag name, rest) of a ``{% … %}`` tag."""
    body = jinja[2:-2].strip().strip("-+").strip()
    name, _, rest = body.partition(" ")
    if not re.match(r"^[A-Za-z_]\w*$", name):
        m = re.match(r"^([A-Za-z_]\w*)(.*)$", body, re.S)
        name, rest = (m.group(1), m.group(2)) if m else (body, "")
    return name, rest.strip()


def _is_block_set(rest: str) -> bool:
    return "=" not in rest


# --------------------------------------------------------------------------------------------
# The checks for one part


@dataclass
class _Line:
    """One line of the Jinja source docxtpl will build: a paragraph, or a collapsed row/cell."""

    para: _Para
    level: str  # "tr", "tc", "p" for a collapsed unit; "" for an ordinary paragraph
    tags: list[tuple[_Tag, str]] = field(default_factory=list)  # (tag as typed, as Jinja sees it)
    literals: list[str] = field(default_factory=list)  # text around the tags: len(tags) + 1

    def source(self, fixes: Mapping[int, str] | None = None) -> str:
        """The line as Jinja reads it; with ``fixes`` (tag id → replacement), a repaired copy."""
        out = []
        for literal, tagged in zip(self.literals, [*self.tags, None], strict=True):
            # Word never puts a newline inside a paragraph's text, but keep one line per unit.
            literal = re.sub(r"[\r\n]", " ", literal)
            out.append(_OPENER_RE.sub("( ", literal) if fixes is not None else literal)
            if tagged is not None:
                jinja = tagged[1].replace("\n", " ")
                out.append(fixes.get(id(tagged[0]), jinja) if fixes is not None else jinja)
        return "".join(out)


_LEVEL_PLACES = {
    "tr": N_("a later row of the same table"),
    "tc": N_("a later cell of the same row"),
    "p": N_("a paragraph of its own in the same place (same table cell, or outside tables)"),
    "r": N_("the same table cell (or outside tables, like the opening tag)"),
    "": N_("the same table cell (or outside tables, like the opening tag)"),
}


class _PartChecker:
    def __init__(
        self, template: Path, label: str, root: Any, known: Known, env: Environment
    ) -> None:
        self.template = template
        self.label = label
        self.env = env
        self.known = known
        reader = _PartReader(label)
        reader.walk(root, _Ctx(label, container=root))
        self.paras = reader.paras
        self.order = {id(p): i for i, p in enumerate(self.paras)}
        self.out: list[tuple[int, Problem]] = []
        self.syntax_trouble = False
        self.fixes: dict[int, str] = {}  # how to repair broken tags to go on checking names
        self.still_open: list[str] = []

    def report(self, para: _Para | None, message: str, *, syntax: bool = False) -> None:
        order = self.order[id(para)] if para is not None else -1
        self.out.append((order, Problem(self.template, para.loc if para else None, message)))
        self.syntax_trouble |= syntax

    def run(self) -> list[tuple[int, Problem]]:
        tags_by_para = {id(p): self.check_tags_in_paragraph(p) for p in self.paras}
        lines = self.build_lines(tags_by_para)
        source = "\n".join(line.source() for line in lines)
        try:
            ast = self.env.parse(source)
            broken = None
        except TemplateSyntaxError as exc:
            broken = exc
            # Tag by tag only when the whole fails, to say which tag is wrong: a tag that is
            # wrong alone is wrong in the whole, and the whole is what docxtpl renders.
            self.check_tag_syntax(lines)
        self.check_blocks(lines)
        if broken is not None:
            exc = broken
            if not self.syntax_trouble:
                line = lines[min(max((exc.lineno or 1) - 1, 0), len(lines) - 1)] if lines else None
                self.report(
                    line.para if line else None, _explain(exc.message or str(exc), ""), syntax=True
                )
            # Still look for unknown variables, in the template with its broken tags left out
            # and its open blocks closed, so that one run of the check lists every mistake.
            repaired = "\n".join(line.source(self.fixes) for line in lines)
            repaired += "".join("{% end" + name + " %}" for name in reversed(self.still_open))
            try:
                ast = self.env.parse(repaired)
            except TemplateSyntaxError:
                return self.out
        names = _NameChecker(self, lines, ast)
        names.run()
        # What the sandbox would stop while rendering, where the tree already shows it.
        limits = getattr(self.env, "limits", None)
        for node, needle, message in static_refusals(ast, limits or DEFAULT_LIMITS):
            names.report(node, needle, message.replace("{", "{{").replace("}", "}}"))
        exc = names.compile_error
        if exc is not None and not self.syntax_trouble and not names.unknown_callables:
            # What parsing leaves to compile time (a block defined twice, …).
            line = lines[min(max((exc.lineno or 1) - 1, 0), len(lines) - 1)] if lines else None
            self.report(line.para if line else None, _explain(exc.message or str(exc), ""))
        return self.out

    # 3. tags Word split -------------------------------------------------------------------

    def check_tags_in_paragraph(self, para: _Para) -> list[_Tag]:
        tags = _scan(para.text)
        for tag in tags:
            if tag.end is None:
                self.unclosed(para, tag)
                continue
            self.check_runs(para, tag)
        # A closer with no opener is usually the second half of a tag Enter broke in two.
        mask = list(para.text)
        for tag in tags:
            mask[tag.start : tag.end or len(mask)] = " " * ((tag.end or len(mask)) - tag.start)
        rest = "".join(mask)
        for m in re.finditer(r"\}\}|%\}", rest):
            if not self.continues_previous(para, m.start()):
                self.report(
                    para,
                    _(
                        "'{closer}' here closes no tag; the start of the tag is missing or "
                        "mistyped (expected '{{{{' or '{{%' before it)"
                    ).format(closer=m.group()),
                    syntax=True,
                )
        return [t for t in tags if t.end is not None]

    def unclosed(self, para: _Para, tag: _Tag) -> None:
        closer = _CLOSERS[tag.kind]
        index = self.order[id(para)]
        following = self.paras[index + 1 : index + 4]
        tail = para.text[tag.start :]
        for nxt in following:
            opener = _OPENER_RE.search(nxt.text)
            close = nxt.text.find(closer)
            if close >= 0 and (opener is None or close < opener.start()):
                whole = tail + " " + nxt.text[: close + 2]
                self.report(
                    para,
                    _(
                        "the tag {tag} starts in this paragraph and ends in a later one "
                        "({place}); Word broke it with Enter or a line break. Join it back into "
                        "one paragraph"
                    ).format(tag=_show(whole), place=nxt.loc),
                    syntax=True,
                )
                return
            if opener is not None:
                break
        self.report(
            para,
            _(
                "the tag {tag} is never closed; expected '{closer}' after it in the same paragraph"
            ).format(tag=_show(tail), closer=closer),
            syntax=True,
        )

    def continues_previous(self, para: _Para, pos: int) -> bool:
        index = self.order[id(para)]
        if index == 0 or _OPENER_RE.search(para.text[:pos]):
            return False
        for prev in reversed(self.paras[max(0, index - 3) : index]):
            tags = _scan(prev.text)
            if tags and tags[-1].end is None:
                return True
            if tags:
                return False
        return False

    def check_runs(self, para: _Para, tag: _Tag) -> None:
        assert tag.end is not None
        pieces = [p for p in para.pieces if p.start < tag.end and p.end > tag.start]
        runs = []
        for piece in pieces:
            if not runs or runs[-1].run is not piece.run:
                runs.append(piece)
        shown = _show(tag.raw)
        fmts = [p.fmt for p in runs]
        if len(set(fmts)) > 1:
            self.report(
                para,
                _(
                    "the tag {tag} is split across {count} runs with different formatting "
                    "({difference}); docxtpl keeps only the first part's formatting, so it will "
                    "not come out as intended. Retype it in one go (select it, delete, type "
                    "again) or select it and clear its formatting"
                ).format(tag=shown, count=len(runs), difference=_fmt_difference(fmts)),
            )
            return
        wraps = {p.wrap for p in pieces}
        if len(wraps) > 1:
            what = sorted({_(w) for wrap in wraps for w in wrap})
            self.report(
                para,
                _(
                    "the tag {tag} is only partly inside a {what}; docxtpl would break the "
                    "document there. Retype the tag outside it"
                ).format(tag=shown, what=" / ".join(what)),
            )
            return
        inside = sorted({_(what) for pos, what in para.breaks if tag.start < pos < tag.end})
        if inside:
            self.report(
                para,
                _(
                    "the tag {tag} is broken by {what} inside it; docxtpl would leave it "
                    "damaged. Remove it from inside the tag (or accept all tracked changes) and "
                    "retype the tag in one go"
                ).format(tag=shown, what=_(" and ").join(inside)),
            )

    # 4. docxtpl's row/cell/paragraph tags ----------------------------------------------------

    def build_lines(self, tags_by_para: dict[int, list[_Tag]]) -> list[_Line]:
        """Collapse rows, cells and paragraphs as docxtpl does, checking what would be lost."""
        owner: dict[int, tuple[str, _Para, _Tag]] = {}  # id(element) -> first tag of that level
        for para in self.paras:
            for tag in tags_by_para[id(para)]:
                level = tag.level
                if level == "tr" and para.row is None:
                    self.report(
                        para,
                        _(
                            "{tag} is a table-row tag but this paragraph is not in a table; use "
                            "{{% … %}} (or {{%p … %}} for a whole paragraph) here"
                        ).format(tag=_show(tag.raw)),
                        syntax=True,
                    )
                    continue
                if level == "tc" and para.cell is None:
                    self.report(
                        para,
                        _(
                            "{tag} is a table-cell tag but this paragraph is not in a table; use "
                            "{{% … %}} (or {{%p … %}} for a whole paragraph) here"
                        ).format(tag=_show(tag.raw)),
                        syntax=True,
                    )
                    continue
                element = {"tr": para.row, "tc": para.cell, "p": para.el}.get(level)
                if element is not None:
                    owner.setdefault(id(element), (level, para, tag))

        for level, para, tag in owner.values():
            members = self.members(level, para)
            leftover = []
            for member in members:
                text = member.text
                if member is para:
                    text = text[: tag.start] + text[tag.end or len(text) :]
                if text.strip():
                    leftover.append(_clean(text))
            if leftover:
                unit = {"tr": _("table row"), "tc": _("table cell"), "p": _("paragraph")}[level]
                lost = _shorten(" | ".join(leftover), 80)
                self.report(
                    para,
                    _(
                        "docxtpl replaces the whole {unit} holding {tag} by the tag, so the "
                        'other text in it is lost: "{lost}". Put the tag in a {unit} of its own'
                    ).format(unit=unit, tag=_show(tag.raw), lost=lost),
                    syntax=any(_scan(t) for t in leftover),
                )

        lines: list[_Line] = []
        emitted: set[int] = set()
        for para in self.paras:
            hit = None
            for element in (*para.ctx.rows, *para.ctx.cells, para.el):
                if id(element) in owner:
                    hit = (element, owner[id(element)])
                    break
            if hit is None:
                line = _Line(para, "")
                last = 0
                for tag in tags_by_para[id(para)]:
                    line.literals.append(para.text[last : tag.start])
                    line.tags.append((tag, _jinja_text(tag.raw)))
                    last = tag.end or len(para.text)
                line.literals.append(para.text[last:])
                lines.append(line)
                continue
            element, (level, owner_para, tag) = hit
            if id(element) in emitted or owner_para is not para:
                continue
            emitted.add(id(element))
            lines.append(_Line(para, level, [(tag, _jinja_text(tag.raw))], ["", ""]))
        return lines

    def members(self, level: str, para: _Para) -> list[_Para]:
        if level == "p":
            return [para]
        element = para.row if level == "tr" else para.cell
        chain = "rows" if level == "tr" else "cells"
        return [p for p in self.paras if any(e is element for e in getattr(p.ctx, chain))]

    def scope_of(self, line: _Line, tag: _Tag) -> tuple[str, Any]:
        """Opening and closing tags of one block must agree on this (level, element)."""
        para = line.para
        level = line.level or tag.level
        if level == "tr":
            return level, para.table
        if level == "tc":
            return level, para.row
        return level, para.ctx.container

    # 1. syntax ---------------------------------------------------------------------------

    def check_tag_syntax(self, lines: list[_Line]) -> None:
        for line in lines:
            for tag, jinja in line.tags:
                if not jinja or tag.kind == "{#":
                    continue
                probe = jinja
                if tag.kind == "{%":
                    name, rest = _statement(jinja)
                    if name in _BLOCKS - {"raw", "trans"} or (
                        name == "set" and _is_block_set(rest)
                    ):
                        probe = jinja + "{% end" + name + " %}"
                    elif name in _MIDDLES:
                        probe = "{% if _x %}" + jinja + "{% endif %}"
                    elif name.startswith("end") and name[3:] in _CLOSING_PROBES:
                        probe = _CLOSING_PROBES[name[3:]] + jinja
                    elif name in ("raw", "endraw", "trans", "endtrans"):
                        continue
                try:
                    self.env.parse(probe)
                except TemplateSyntaxError as exc:
                    self.report(line.para, _explain(exc.message or str(exc), tag.raw), syntax=True)
                    # An opener keeps a stand-in so its closer still pairs in the repaired copy.
                    name = _statement(jinja)[0] if tag.kind == "{%" else ""
                    self.fixes[id(tag)] = _CLOSING_PROBES.get(name, "")

    def check_blocks(self, lines: list[_Line]) -> None:
        stack: list[tuple[str, _Line, _Tag]] = []
        for line in lines:
            for tag, jinja in line.tags:
                if tag.kind != "{%" or not jinja:
                    continue
                name, rest = _statement(jinja)
                if stack and stack[-1][0] == "raw" and name != "endraw":
                    continue
                if name in _BLOCKS or (name == "set" and _is_block_set(rest)):
                    stack.append((name, line, tag))
                elif name in _MIDDLES:
                    if stack and stack[-1][0] in _MIDDLES[name]:
                        self.same_place(stack[-1], line, tag)
                    else:
                        self.fixes[id(tag)] = ""
                        blocks = _(" or ").join("{% " + b + " %}" for b in sorted(_MIDDLES[name]))
                        self.report(
                            line.para,
                            _("{tag} is outside any {blocks} block").format(
                                tag=_show(tag.raw), blocks=blocks
                            ),
                            syntax=True,
                        )
                elif name.startswith("end") and (name[3:] in _BLOCKS or name == "endset"):
                    opened = name[3:]
                    depth = next(
                        (i for i in range(len(stack) - 1, -1, -1) if stack[i][0] == opened), None
                    )
                    if depth is None:
                        self.fixes[id(tag)] = ""
                        self.report(
                            line.para,
                            _(
                                "{tag} closes a {{% {opened} %}} block that was never opened (or "
                                "was already closed)"
                            ).format(tag=_show(tag.raw), opened=opened),
                            syntax=True,
                        )
                        continue
                    for inner_name, inner_line, inner_tag in stack[depth + 1 :]:
                        where = (
                            _("later in this paragraph")
                            if inner_line.para is line.para
                            else _("in {place}").format(place=line.para.loc)
                        )
                        self.report(
                            inner_line.para,
                            _(
                                "the {tag} opened here is never closed; expected {closer} before "
                                "the {other} {where}"
                            ).format(
                                tag=_show(inner_tag.raw),
                                closer=_expected_closer(inner_name, inner_line, inner_tag),
                                other=_show(tag.raw),
                                where=where,
                            ),
                            syntax=True,
                        )
                    closers = "".join("{% end" + s[0] + " %}" for s in reversed(stack[depth + 1 :]))
                    self.fixes[id(tag)] = closers + self.fixes.get(id(tag), jinja)
                    self.same_place(stack[depth], line, tag)
                    del stack[depth:]
        self.still_open = [entry[0] for entry in stack]
        for name, line, tag in stack:
            self.report(
                line.para,
                _("the {tag} opened here is never closed with {closer}").format(
                    tag=_show(tag.raw), closer=_expected_closer(name, line, tag)
                ),
                syntax=True,
            )

    def same_place(self, opening: tuple[str, _Line, _Tag], line: _Line, tag: _Tag) -> None:
        name, open_line, open_tag = opening
        want = self.scope_of(open_line, open_tag)
        got = self.scope_of(line, tag)
        if want[0] == got[0] and want[1] is got[1]:
            return
        level = want[0]
        prefix = level if level in ("tr", "tc", "p", "r") else ""
        if want[0] != got[0]:
            problem = _("{tag} (in {place}) is a different kind of tag").format(
                tag=_show(tag.raw), place=line.para.loc
            )
        else:
            problem = _("{tag} is in another place ({place})").format(
                tag=_show(tag.raw), place=line.para.loc
            )
        word = _statement(_jinja_text(tag.raw))[0]
        self.report(
            open_line.para,
            _(
                "the {tag} opened here is continued or closed by {problem}; docxtpl would "
                "produce a damaged document. Use {{%{prefix} {word} %}} in {place}"
            ).format(
                tag=_show(open_tag.raw),
                problem=problem,
                prefix=prefix,
                word=word,
                place=_(_LEVEL_PLACES[level]),
            ),
            syntax=True,
        )


def _expected_closer(name: str, line: _Line, tag: _Tag) -> str:
    level = line.level or tag.level
    prefix = level if level else ""
    place = _(_LEVEL_PLACES[level]) if level in ("tr", "tc") else ""
    closer = f"{{%{prefix} end{name} %}}"
    return _("{closer} in {place}").format(closer=closer, place=place) if place else closer


def _explain(message: str, raw: str) -> str:
    """A Jinja syntax message in a clerk's terms, with the tag it is about."""
    where = (
        _("the tag {tag} cannot be read").format(tag=_show(raw))
        if raw
        else _("Jinja cannot read the template")
    )
    hint = ""
    m = re.search(r"unknown tag '(\w+)'", message)
    if m:
        word = m.group(1)
        if word in ("tr", "tc", "p", "r"):
            hint = " " + _(
                "Write {{%{word} … %}} with no space between '{{%' and '{word}'."
            ).format(word=word)
        else:
            close = difflib.get_close_matches(word, _ALL_TAG_NAMES, n=1)
            hint = " " + _("Did you mean '{name}'?").format(name=close[0]) if close else ""
    elif "expected token 'end of print statement'" in message:
        hint = " " + _(
            "A variable name cannot contain spaces or punctuation: use letters, digits and "
            "'_' (for example nguoi_ky)."
        )
    elif "unexpected char" in message:
        hint = " " + _("Check for a stray character or a quote that is not closed.")
    return f"{where}: {jinja_words(message).rstrip('.')}.{hint}"


# --------------------------------------------------------------------------------------------
# 2. variables unknown to the context


class _Unknown:
    def __repr__(self) -> str:
        return "<unknown>"


_UNKNOWN: Any = _Unknown()
_LOOP_ATTRS = {
    "index", "index0", "revindex", "revindex0", "first", "last", "length", "cycle",
    "depth", "depth0", "previtem", "nextitem", "changed",
}  # fmt: skip


class _LoopSample:
    """Stands for Jinja's ``loop`` so that ``loop.idx`` is caught too."""


@dataclass
class _Alternatives:
    """Sample of a loop variable: any element of the sample list."""

    values: list[Any]


_SEQUENCE_FILTERS = {
    "sort",
    "reverse",
    "list",
    "unique",
    "selectattr",
    "rejectattr",
    "select",
    "reject",
}


def _attribute_names(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        return [k for k in value if isinstance(k, str)]
    if isinstance(value, _LoopSample):
        return sorted(_LOOP_ATTRS)
    if isinstance(value, _Alternatives):
        return sorted({n for v in value.values for n in _attribute_names(v)})
    return [n for n in dir(value) if not n.startswith("_")]


def _lookup(value: Any, key: Any) -> tuple[bool, Any]:
    """(found, sample of the result) for ``value.key`` / ``value[key]`` as Jinja resolves it."""
    if isinstance(value, _Alternatives):
        hits = [r for ok, r in (_lookup(v, key) for v in value.values) if ok]
        if not hits:
            return False, None
        return True, hits[0] if len(hits) == 1 else _Alternatives(hits)
    if isinstance(value, _LoopSample):
        return key in _LOOP_ATTRS, _UNKNOWN
    if isinstance(key, str) and key.startswith("_"):
        return True, _UNKNOWN  # the sandbox refuses these at render time; not a spelling matter
    if isinstance(value, Mapping):
        if key in value:
            return True, value[key]
        return (isinstance(key, str) and hasattr(value, key)), _UNKNOWN
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        if isinstance(key, int):
            return True, value[key] if -len(value) <= key < len(value) else _UNKNOWN
        return hasattr(value, str(key)), _UNKNOWN
    if isinstance(key, str):
        try:
            return True, getattr(value, key)
        except AttributeError:
            pass
        except Exception:  # a property that fails on sample data still exists
            return True, _UNKNOWN
    try:
        return True, value[key]
    except Exception:
        return False, None


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_dotted(node.node)}[{node.arg.value!r}]"
    return "the value"


def _suggest(word: str, candidates: Collection[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return _("; did you mean '{name}'?").format(name=close[0]) if close else ""


class _Scope:
    def __init__(self, parent: _Scope | None = None) -> None:
        self.parent = parent
        self.names: dict[str, Any] = {}

    def find(self, name: str) -> tuple[bool, Any]:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.names:
                return True, scope.names[name]
            scope = scope.parent
        return False, None

    def all_names(self) -> set[str]:
        out: set[str] = set()
        scope: _Scope | None = self
        while scope is not None:
            out |= set(scope.names)
            scope = scope.parent
        return out


_SCOPE_NODES = (
    nodes.For,
    nodes.Macro,
    nodes.CallBlock,
    nodes.With,
    nodes.Scope,
    nodes.OverlayScope,
)


def _target_names(target: nodes.Node) -> list[str]:
    if isinstance(target, nodes.Name):
        return [target.name]
    if isinstance(target, nodes.Tuple):
        return [n for item in target.items for n in _target_names(item)]
    return []


def _declare(body: list[nodes.Node], scope: _Scope) -> None:
    """Names a scope assigns anywhere in it (``{% set %}``, macros, imports), not in sub-scopes."""
    for node in body:
        if isinstance(node, nodes.Assign | nodes.AssignBlock):
            for name in _target_names(node.target):
                scope.names.setdefault(name, _UNKNOWN)
        elif isinstance(node, nodes.Macro):
            scope.names.setdefault(node.name, _UNKNOWN)
        elif isinstance(node, nodes.Import):
            scope.names.setdefault(node.target, _UNKNOWN)
        elif isinstance(node, nodes.FromImport):
            for name in node.names:
                scope.names.setdefault(name[1] if isinstance(name, tuple) else name, _UNKNOWN)
        if not isinstance(node, _SCOPE_NODES):
            _declare(list(node.iter_child_nodes()), scope)


class _NameChecker:
    def __init__(self, part: _PartChecker, lines: list[_Line], ast: nodes.Template) -> None:
        self.part = part
        self.lines = lines
        self.ast = ast
        known = part.known
        self.samples: Mapping[str, object] | None = known if isinstance(known, Mapping) else None
        self.names: set[str] = set(known or ())
        self.env = part.env
        #: What Jinja's code generator refused (an unknown filter, a block defined twice): the
        #: analysis below runs the very generator a render's compile runs, so this is what
        #: compiling the template would raise.
        self.compile_error: TemplateSyntaxError | None = None
        try:
            self.undeclared: set[str] | None = find_undeclared_variables(ast)
        except TemplateSyntaxError as exc:  # an unknown filter stops Jinja's analysis; ours goes on
            self.undeclared = None
            self.compile_error = exc
        self.seen: set[tuple[int, str]] = set()
        self.unknown_callables = False

    def run(self) -> None:
        scope = _Scope()
        _declare(self.ast.body, scope)
        for node in self.ast.body:
            self.visit(node, scope)

    def report(self, node: nodes.Node, needle: str, message: str) -> None:
        index = min(max(node.lineno - 1, 0), len(self.lines) - 1)
        line = self.lines[index]
        if (index, message) in self.seen:
            return
        self.seen.add((index, message))
        tag = next(
            (t for t, jinja in line.tags if re.search(rf"(?<![\w.]){re.escape(needle)}\b", jinja)),
            None,
        ) or next((t for t, jinja in line.tags if needle in jinja), None)
        shown = _show(tag.raw) if tag else _("a tag")
        self.part.report(line.para, message.format(tag=shown))

    def visit(self, node: nodes.Node, scope: _Scope) -> Any:
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is not None:
            return method(node, scope)
        for child in node.iter_child_nodes():
            self.visit(child, scope)
        return _UNKNOWN

    # statements that open a scope

    def visit_For(self, node: nodes.For, scope: _Scope) -> Any:
        iterable = node.iter
        # docgen's sandbox counts loop steps: iter becomes environment._budget_iter(iter).
        if (
            isinstance(iterable, nodes.Call)
            and isinstance(iterable.node, nodes.EnvironmentAttribute)
            and len(iterable.args) == 1
        ):
            iterable = iterable.args[0]
        sample = self.visit(iterable, scope)
        inner = _Scope(scope)
        element = _UNKNOWN
        if isinstance(sample, Sequence) and not isinstance(sample, str | bytes) and sample:
            element = sample[0] if len(sample) == 1 else _Alternatives(list(sample))
        names = _target_names(node.target)
        for name in names:
            inner.names[name] = (
                element if len(names) == 1 and isinstance(node.target, nodes.Name) else _UNKNOWN
            )
        inner.names["loop"] = _LoopSample()
        _declare(node.body, inner)
        if node.test is not None:
            self.visit(node.test, inner)
        for child in node.body:
            self.visit(child, inner)
        for child in node.else_:
            self.visit(child, scope)
        return _UNKNOWN

    def _callable_scope(self, node: nodes.Macro | nodes.CallBlock, scope: _Scope) -> None:
        for default in node.defaults:
            self.visit(default, scope)
        inner = _Scope(scope)
        for arg in node.args:
            inner.names[arg.name] = _UNKNOWN
        for name in ("varargs", "kwargs", "caller"):
            inner.names[name] = _UNKNOWN
        _declare(node.body, inner)
        for child in node.body:
            self.visit(child, inner)

    def visit_Macro(self, node: nodes.Macro, scope: _Scope) -> Any:
        self._callable_scope(node, scope)
        return _UNKNOWN

    def visit_CallBlock(self, node: nodes.CallBlock, scope: _Scope) -> Any:
        self.visit(node.call, scope)
        self._callable_scope(node, scope)
        return _UNKNOWN

    def visit_With(self, node: nodes.With, scope: _Scope) -> Any:
        inner = _Scope(scope)
        for target, value in zip(node.targets, node.values, strict=False):
            sample = self.visit(value, scope)
            for name in _target_names(target):
                inner.names[name] = sample if isinstance(target, nodes.Name) else _UNKNOWN
        _declare(node.body, inner)
        for child in node.body:
            self.visit(child, inner)
        return _UNKNOWN

    def visit_Assign(self, node: nodes.Assign, scope: _Scope) -> Any:
        sample = self.visit(node.node, scope)
        if isinstance(node.target, nodes.Name):
            scope.names[node.target.name] = sample
        return _UNKNOWN

    # expressions: each returns a sample of its value, or _UNKNOWN

    def visit_Name(self, node: nodes.Name, scope: _Scope) -> Any:
        if node.ctx != "load" or self.part.known is None:
            return _UNKNOWN
        found, sample = scope.find(node.name)
        if found:
            return sample
        if node.name in self.names:
            return self.samples.get(node.name, _UNKNOWN) if self.samples is not None else _UNKNOWN
        if node.name in self.env.globals or (
            self.undeclared is not None and node.name not in self.undeclared
        ):
            return _UNKNOWN
        candidates = self.names | scope.all_names()
        hint = _suggest(node.name, candidates)
        if not hint and candidates:
            listed = sorted(candidates)
            hint = _("; this document provides {names}").format(
                names=", ".join(listed[:12]) + (", …" if len(listed) > 12 else "")
            )
        self.report(
            node,
            node.name,
            _(
                "{tag} uses the variable '{name}', which this document does not provide{hint}"
            ).format(tag="{tag}", name=node.name, hint=hint),
        )
        return _UNKNOWN

    def _member(self, base: Any, key: Any, node: nodes.Node, owner: nodes.Node) -> Any:
        if base is _UNKNOWN or base is None:
            return _UNKNOWN
        found, value = _lookup(base, key)
        if found:
            return value
        hint = _suggest(key, _attribute_names(base)) if isinstance(key, str) else ""
        self.report(
            node,
            str(key),
            _("{tag} asks for {key!r}, which {owner} does not have{hint}").format(
                tag="{tag}", key=key, owner=_dotted(owner), hint=hint
            ),
        )
        return _UNKNOWN

    def visit_Getattr(self, node: nodes.Getattr, scope: _Scope) -> Any:
        base = self.visit(node.node, scope)
        return self._member(base, node.attr, node, node.node)

    def visit_Getitem(self, node: nodes.Getitem, scope: _Scope) -> Any:
        base = self.visit(node.node, scope)
        if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str | int):
            return self._member(base, node.arg.value, node, node.node)
        self.visit(node.arg, scope)
        return _UNKNOWN

    def _check_named(self, node: nodes.Filter | nodes.Test, scope: _Scope) -> Any:
        base = self.visit(node.node, scope) if node.node is not None else _UNKNOWN
        for child in (*node.args, *node.kwargs, node.dyn_args, node.dyn_kwargs):
            if child is not None:
                self.visit(child, scope)
        table = self.env.filters if isinstance(node, nodes.Filter) else self.env.tests
        if node.name not in table:
            self.unknown_callables = True
            message = (
                _("{tag} uses the unknown filter '{name}'{hint}")
                if isinstance(node, nodes.Filter)
                else _("{tag} uses the unknown test '{name}'{hint}")
            )
            hint = _suggest(node.name, table)
            self.report(node, node.name, message.format(tag="{tag}", name=node.name, hint=hint))
        return base

    def visit_Filter(self, node: nodes.Filter, scope: _Scope) -> Any:
        base = self._check_named(node, scope)
        return base if node.name in _SEQUENCE_FILTERS else _UNKNOWN

    def visit_Test(self, node: nodes.Test, scope: _Scope) -> Any:
        self._check_named(node, scope)
        return _UNKNOWN
