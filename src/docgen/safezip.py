"""Reading DOCX and XLSX files that came from someone else, without being harmed by them.

A DOCX or XLSX file is a zip of XML parts, and both layers can be made hostile:

* a *zip bomb* declares or unpacks to gigabytes (one huge member with an extreme compression
  ratio, thousands of members, or many directory entries that overlap one compressed stream),
  and would exhaust memory or disk the moment a library opens it;
* an XML part with a ``<!DOCTYPE>`` can declare entities: external ones read local files or
  URLs into the document (XXE) — a template that travels between offices would then carry a
  clerk's files back in the documents it generates — and nested internal ones expand
  exponentially ("billion laughs").

So :func:`check_zip` reads only the zip's directory and refuses, before anything is unpacked,
a file over the size limits (total, per member, ratio, member count, overlapping entries,
encrypted members, unsafe member names). :func:`open_docx_safely` / :func:`open_xlsx_safely`
then read the whole file *once* into memory — so the bytes checked are the bytes used, with no
window for the file to change — verify the package's required parts, and refuse any XML part
that holds a DOCTYPE: Office never writes one in an OOXML part, so refusing costs nothing and
removes entity expansion entirely, whatever parser a library uses later. :func:`parse_xml`
is the parser for docgen's own reading: entities off, no network, no DTD, lxml's huge-tree
protections on.

Pass the returned bytes on as ``io.BytesIO(data)`` to python-docx, docxtpl or openpyxl.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree

from docgen.errors import DocgenError
from docgen.explain import library_reason, os_reason
from docgen.i18n import _
from docgen.outputs import safe_filename

__all__ = [
    "ZipLimits",
    "DEFAULT_ZIP_LIMITS",
    "check_zip",
    "open_docx_safely",
    "open_xlsx_safely",
    "parse_xml",
    "read_untrusted",
    "refuse_ole",
    "safe_parser",
    "safe_filename",
]


@dataclass(frozen=True)
class ZipLimits:
    """Bounds for an Office file from outside. A 40-page DOCX with pictures is ~5 MB packed."""

    max_file_bytes: int = 50 * 2**20
    max_total_bytes: int = 250 * 2**20
    """All members unpacked together."""
    max_member_bytes: int = 100 * 2**20
    """One member unpacked (an embedded picture or a very long document.xml)."""
    max_xml_part_bytes: int = 50 * 2**20
    """One XML part unpacked; XML is parsed in memory, so it is held to a lower bound."""
    max_members: int = 2_000
    max_ratio: float = 200.0
    """Unpacked / packed size of a member, checked for members above ``ratio_floor_bytes``.
    XML compresses 5–30×, even very repetitive XML rarely beyond 100×; bombs go to 1000× and up."""
    ratio_floor_bytes: int = 2 * 2**20


DEFAULT_ZIP_LIMITS = ZipLimits()

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _mb(n: float) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{n / 1024:.0f} KB"


def _refuse(what: str, problem: str) -> DocgenError:
    return DocgenError(
        _(
            "{file}: {problem}. The file is refused as unsafe to open. If it should be an "
            "ordinary document, open it in Word or Excel and save it again under a new name."
        ).format(file=what, problem=problem)
    )


def _bad_name(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return (
        name.startswith(("/", "\\"))
        or bool(re.match(r"^[A-Za-z]:", name))
        or ".." in path.parts
        or "\x00" in name
    )


def _file_size(path: Path, what: str) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        raise DocgenError(_("{file}: no such file.").format(file=what)) from None
    except OSError as exc:
        raise DocgenError(
            _("{file}: cannot be read ({reason}).").format(file=what, reason=os_reason(exc))
        ) from None


def read_untrusted(path: str | Path, *, what: str, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, or a DocgenError.

    A path named like a spreadsheet may be a symlink to ``/dev/zero`` (endless) or a FIFO
    (reading blocks forever). The file is opened without blocking, checked on the open handle
    (so it cannot be swapped after the check), and read no further than the bound.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise DocgenError(_("{file}: no such file.").format(file=what)) from None
    except IsADirectoryError:
        raise DocgenError(_("{file}: this is a folder, not a file.").format(file=what)) from None
    except OSError as exc:
        raise DocgenError(
            _("{file}: cannot be read ({reason}).").format(file=what, reason=os_reason(exc))
        ) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise DocgenError(_("{file}: this is a folder, not a file.").format(file=what))
        if not stat.S_ISREG(info.st_mode):
            raise DocgenError(
                _(
                    "{file}: this is not an ordinary file (it is a device, a pipe or a socket) "
                    "and was not read. Give the path of the file itself."
                ).format(file=what)
            )
        if info.st_size > max_bytes:
            raise _refuse(
                what,
                _("it is {size}, more than the {limit} allowed").format(
                    size=_mb(info.st_size), limit=_mb(max_bytes)
                ),
            )
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # the file grew while it was read
        raise _refuse(what, _("it is more than the {limit} allowed").format(limit=_mb(max_bytes)))
    return data


#: The first bytes of an OLE compound file: Office 97–2003 files, and *encrypted* Office
#: 2007+ files, which are an OLE container holding an ``EncryptedPackage`` stream.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


def refuse_ole(data: bytes, what: str, kind: str) -> None:
    """Raise the right DocgenError if ``data`` is an OLE file rather than a zip package.

    ``kind`` is ``"Word"`` or ``"Excel"``. A password-protected .docx/.xlsx is such an OLE
    file too; telling the clerk it is an "old 97–2003 file" would send them the wrong way.
    """
    if not data.startswith(OLE_MAGIC):
        return
    if _ENCRYPTED_STREAM in data:
        raise DocgenError(
            _(
                "{file}: the file is protected by a password, so docgen cannot read it. Open "
                "it in {program}, remove the password (File → Info → Protect → Encrypt with "
                "Password, clear the box) and save it again."
            ).format(file=what, program=kind)
        )
    if kind == "Excel":
        raise DocgenError(
            _(
                "{file}: this is an old Excel 97–2003 (.xls) file; open it in Excel or "
                "LibreOffice and save it as .xlsx (Excel Workbook)."
            ).format(file=what)
        )
    raise DocgenError(
        _(
            "{file}: this is an old Word 97–2003 (.doc) file; open it in Word or LibreOffice "
            "and save it as .docx (Word Document)."
        ).format(file=what)
    )


def _check_file_size(size: int, what: str, limits: ZipLimits) -> None:
    if size > limits.max_file_bytes:
        raise _refuse(
            what,
            _("it is {size}, more than the {limit} allowed").format(
                size=_mb(size), limit=_mb(limits.max_file_bytes)
            ),
        )


def check_zip(
    source: str | Path | bytes,
    *,
    what: str | None = None,
    limits: ZipLimits = DEFAULT_ZIP_LIMITS,
) -> list[zipfile.ZipInfo]:
    """Check a zip's directory against ``limits``; return its members or raise DocgenError.

    ``source`` is a path or the file's bytes. Nothing is decompressed: the sizes checked are
    those the directory declares, and :func:`_read_member` later holds each member to its
    declared size, so a member that lies about its size cannot unpack beyond it.
    """
    what = what or (str(source) if not isinstance(source, bytes) else _("the file"))
    if isinstance(source, bytes):
        size = len(source)
        handle: io.BytesIO | Path = io.BytesIO(source)
    else:
        path = Path(source)
        size = _file_size(path, what)
        handle = path
    _check_file_size(size, what, limits)
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise DocgenError(
            _(
                "{file}: this is not a Word or Excel file (it is not a valid zip package). "
                "Open it in Word or Excel and save it as .docx / .xlsx."
            ).format(file=what)
        ) from None
    if len(members) > limits.max_members:
        raise _refuse(
            what,
            _("it holds {count:,} parts (at most {limit:,})").format(
                count=len(members), limit=limits.max_members
            ),
        )
    total = 0
    names: set[str] = set()
    offsets: set[int] = set()
    for info in members:
        if _bad_name(info.filename):
            raise _refuse(
                what,
                _("it holds a part named {part!r}, outside the package").format(part=info.filename),
            )
        if info.filename in names:
            raise _refuse(what, _("the part {part!r} appears twice").format(part=info.filename))
        names.add(info.filename)
        if info.header_offset in offsets:
            raise _refuse(what, _("several parts share the same packed data (a zip bomb)"))
        offsets.add(info.header_offset)
        if info.flag_bits & 0x1:
            raise DocgenError(
                _(
                    "{file}: the file is password-protected; remove the password in Word/Excel "
                    "(File → Info → Protect) and save it again."
                ).format(file=what)
            )
        if info.file_size > limits.max_member_bytes:
            raise _refuse(
                what,
                _("the part {part!r} unpacks to {size} (at most {limit})").format(
                    part=info.filename,
                    size=_mb(info.file_size),
                    limit=_mb(limits.max_member_bytes),
                ),
            )
        if info.file_size > limits.ratio_floor_bytes:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise _refuse(
                    what,
                    _(
                        "the part {part!r} is compressed {ratio:,.0f} times "
                        "(at most {limit:,.0f}; a zip bomb)"
                    ).format(part=info.filename, ratio=ratio, limit=limits.max_ratio),
                )
        total += info.file_size
        if total > limits.max_total_bytes:
            raise _refuse(
                what,
                _("its parts unpack to more than {limit} together").format(
                    limit=_mb(limits.max_total_bytes)
                ),
            )
    return members


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, what: str) -> bytes:
    # zipfile stops at the declared size and checks the CRC; the cap is a second, independent
    # bound in case a future zipfile stops trusting the declared size.
    with archive.open(info) as member:
        data = member.read(cap + 1)
    if len(data) > cap:
        raise _refuse(
            what,
            _("the part {part!r} unpacks beyond {limit}").format(
                part=info.filename, limit=_mb(cap)
            ),
        )
    return data


def safe_parser() -> etree.XMLParser:
    """An lxml parser that never expands entities, loads a DTD or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def parse_xml(data: bytes, *, what: str) -> etree._Element:
    """Parse an XML part from outside; a DOCTYPE or malformed XML is a DocgenError."""
    refusal = _("it declares a DOCTYPE or entities, which Office files never hold")
    if _DOCTYPE.search(data):
        raise _refuse(what, refusal)
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise DocgenError(
            _("{file}: the XML is damaged ({reason}).").format(
                file=what, reason=library_reason(exc)
            )
        ) from None
    # The byte search misses a DOCTYPE in UTF-16 text; the parsed document does not.
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _refuse(what, refusal)
    return root


_XML_PART = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)


def _open_office(
    source: str | Path | bytes,
    *,
    what: str | None,
    limits: ZipLimits,
    required: tuple[str, ...],
    kind: str,
) -> bytes:
    if isinstance(source, bytes):
        what = what or "the file"
        _check_file_size(len(source), what, limits)
        data = source
    else:
        what = what or str(source)
        data = read_untrusted(source, what=what, max_bytes=limits.max_file_bytes)
    refuse_ole(data, what, kind)
    members = check_zip(data, what=what, limits=limits)
    names = {info.filename for info in members}
    missing = [name for name in required if name not in names]
    if missing:
        raise DocgenError(
            _(
                "{file}: this is not a {kind} file (it lacks {parts}). Open it in {kind} and "
                "save it as {suffix}."
            ).format(
                file=what,
                kind=kind,
                parts=", ".join(missing),
                suffix=".docx" if kind == "Word" else ".xlsx",
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in members:
                if not _XML_PART.search(info.filename):
                    # Unpacked once here so that damaged data (a picture whose deflate stream
                    # is broken) is found now, not as a zlib error deep in a library later.
                    _read_member(archive, info, limits.max_member_bytes, what)
                    continue
                if info.file_size > limits.max_xml_part_bytes:
                    raise _refuse(
                        what,
                        _("the part {part!r} is {size} of XML (at most {limit})").format(
                            part=info.filename,
                            size=_mb(info.file_size),
                            limit=_mb(limits.max_xml_part_bytes),
                        ),
                    )
                part = _read_member(archive, info, limits.max_xml_part_bytes, what)
                parse_xml(part, what=_("{file}, part {part}").format(file=what, part=info.filename))
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # bad CRC or deflate data
        raise DocgenError(
            _(
                "{file}: the file is damaged ({reason}). Open it in {program} and save it "
                "again, or take a good copy."
            ).format(file=what, reason=library_reason(exc), program=kind)
        ) from None
    return data


def open_docx_safely(
    path: str | Path | bytes, *, what: str | None = None, limits: ZipLimits = DEFAULT_ZIP_LIMITS
) -> bytes:
    """Check a DOCX from outside (a path, or bytes already read) and return its bytes.

    Use them as ``Document(io.BytesIO(data))``.

    Raises DocgenError for a zip bomb, a password, a damaged package, a DOCTYPE/entity in any
    XML part (XXE, billion laughs) or a file that is not a Word document.
    """
    return _open_office(
        path,
        what=what,
        limits=limits,
        required=("[Content_Types].xml", "word/document.xml"),
        kind="Word",
    )


def open_xlsx_safely(
    path: str | Path | bytes, *, what: str | None = None, limits: ZipLimits = DEFAULT_ZIP_LIMITS
) -> bytes:
    """Check an XLSX from outside and return its bytes: ``load_workbook(io.BytesIO(data))``.

    ``path`` may also be the file's bytes, already read with :func:`read_untrusted`.
    """
    return _open_office(
        path,
        what=what,
        limits=limits,
        required=("[Content_Types].xml", "xl/workbook.xml"),
        kind="Excel",
    )
