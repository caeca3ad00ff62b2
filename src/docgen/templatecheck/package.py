"""Reading a template's package safely, and the parts docxtpl renders.

Under :mod:`docgen.safezip`'s zip limits and with its XML parser (no entities, no network), so
that the check refuses exactly what the build refuses.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from docgen.docx import ns
from docgen.errors import DocgenError
from docgen.explain import library_reason
from docgen.i18n import _
from docgen.safezip import (
    DEFAULT_ZIP_LIMITS,
    open_docx_safely,
    parse_xml,
    read_untrusted,
    refuse_ole,
)

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


class _Unreadable(Exception):
    """The file cannot be read as a DOCX at all; the message says why in a clerk's words."""


def _too_large(name: str) -> str:
    return _("its part {part} is larger than {limit} MB.").format(
        part=name, limit=MAX_PART_BYTES // 2**20
    )


class _Package:
    def __init__(self, path: Path, data: bytes | None = None) -> None:
        what = str(path)

        def unreadable(exc: DocgenError) -> _Unreadable:
            # Problem puts the file name in front already ("FILE: …" or "FILE, part P: …").
            text = str(exc)
            if text.startswith(what):
                text = text[len(what) :].lstrip(",: ")
            return _Unreadable(text)

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
                    "as .docx."
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
                _("is damaged: its part {part} cannot be unpacked ({reason}).").format(
                    part=name, reason=library_reason(exc)
                )
            ) from None
        if len(data) > MAX_PART_BYTES:
            raise _Unreadable(_too_large(name))
        self.read_total += len(data)
        if self.read_total > _LIMITS.max_total_bytes:
            raise _Unreadable(
                _("unpacks to more than {limit} MB.").format(limit=_LIMITS.max_total_bytes // 2**20)
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
                "by Word or LibreOffice as .docx."
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
