"""Builders of damaged and extreme Office files for the hostile-input tests.

Each builder starts from a file a real library wrote and changes one thing, so that a test
fails for the one reason it is about.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"


def xlsx_bytes(rows: list[list[object]], title: str = "Tập thể") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def award_xlsx(names: list[str] | None = None) -> bytes:
    """A small collectives list; openpyxl writes its text cells inline (t="inlineStr")."""
    names = names or ["Phòng A", "Phòng B"]
    rows: list[list[object]] = [["STT", "Tên tập thể", "Đơn vị"]]
    rows += [[i, name, "Sở X"] for i, name in enumerate(names, start=1)]
    return xlsx_bytes(rows)


def rewrite_member(data: bytes, member: str, change: Callable[[str], str]) -> bytes:
    """The zip ``data`` with the text of ``member`` passed through ``change``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename == member:
                changed = change(content.decode("utf-8"))
                assert changed != content.decode("utf-8"), f"{member} was not changed"
                content = changed.encode("utf-8")
            target.writestr(info.filename, content)
    return out.getvalue()


def replace_cell(data: bytes, ref: str, cell_xml: str) -> bytes:
    """Replace the XML of cell ``ref`` (as openpyxl wrote it) by ``cell_xml``."""
    import re

    def change(xml: str) -> str:
        return re.sub(rf'<c r="{ref}"[^>]*>.*?</c>', cell_xml, xml, count=1)

    return rewrite_member(data, SHEET, change)


def corrupt_deflate(data: bytes, member: str) -> bytes:
    """``data`` with the compressed stream of ``member`` made undecodable (not just a bad CRC)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    assert info.compress_type == zipfile.ZIP_DEFLATED, f"{member} is not deflated"
    header = data[info.header_offset : info.header_offset + 30]
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    # 0xFF: a final block of the reserved type 3, which zlib refuses at once.
    return data[:start] + b"\xff" * 8 + data[start + 8 :]


def encrypted_office_file() -> bytes:
    """The outline of a password-protected .docx/.xlsx: an OLE container whose directory
    names the ``EncryptionInfo`` and ``EncryptedPackage`` streams (as Office writes them)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    directory = b""
    for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"):
        encoded = name.encode("utf-16-le") + b"\0\0"
        directory += encoded.ljust(64, b"\0") + struct.pack("<H", len(encoded)) + b"\0" * 62
    return header + directory.ljust(512, b"\0") + b"\0" * 1024


def old_office_file() -> bytes:
    """An OLE file with no encrypted package: a Word/Excel 97–2003 document."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    name = "WordDocument".encode("utf-16-le") + b"\0\0"
    return header + name.ljust(512, b"\0") + b"\0" * 1024


def million_row_xlsx(rows: int = 1_000_000) -> bytes:
    """A workbook whose one sheet holds ``rows`` filled rows (written directly: openpyxl
    would take a minute)."""
    base = award_xlsx()

    def change(xml: str) -> str:
        head, _, _ = xml.partition("<sheetData>")
        _, _, tail = xml.partition("</sheetData>")
        body = "".join(
            f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Phòng {r}</t></is></c></row>'
            for r in range(1, rows + 1)
        )
        return f"{head}<sheetData>{body}</sheetData>{tail}"

    return rewrite_member(base, SHEET, change)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    import zlib

    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_declaring(width: int, height: int) -> bytes:
    """A few hundred bytes of PNG whose header declares ``width`` × ``height`` pixels."""
    import zlib

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + _png_chunk(b"IEND", b"")
    )


def real_png(width: int = 64, height: int = 48) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def truncated_png() -> bytes:
    """A real picture cut off in the middle of its pixel data."""
    from PIL import Image

    buffer = io.BytesIO()
    # Noise does not compress, so half the file is half the pixels.
    Image.effect_noise((200, 200), 64).convert("RGB").save(buffer, "PNG")
    data = buffer.getvalue()
    return data[: len(data) // 2]


# -- Word documents ---------------------------------------------------------------------------


def _document():
    from docx import Document

    document = Document()
    document.add_paragraph("Biên bản hội nghị")
    return document


def _saved(document, path: Path) -> Path:
    document.save(path)
    return path


def _element(tag: str, **attrs: str):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(key), value)
    return el


def docx_with_page(path: Path, **attrs: str) -> Path:
    """A document whose ``w:pgSz``/``w:pgMar`` attributes are set as given (``pgSz_w="0"``)."""
    from docx.oxml.ns import qn

    document = _document()
    sect = document.sections[0]._sectPr
    for key, value in attrs.items():
        element, attr = key.split("_")
        sect.find(qn(f"w:{element}")).set(qn(f"w:{attr}"), value)
    return _saved(document, path)


def docx_with_font_size(path: Path, points: float) -> Path:
    from docx.shared import Pt

    document = _document()
    document.add_paragraph().add_run("Chữ rất to").font.size = Pt(points)
    return _saved(document, path)


def docx_with_tall_row(path: Path, kind: str) -> Path:
    """A table whose first row is taller than a page: ``exact``, ``atLeast``, ``cantSplit``
    (text), ``header`` (a heading row of text) or ``long-name`` (one 2,250-character cell)."""
    from docx.shared import Mm

    document = _document()
    table = document.add_table(rows=3, cols=2)
    row = table.rows[0]
    if kind in ("exact", "atLeast"):
        row.height = Mm(400)
        row._tr.get_or_add_trPr().find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}trHeight"
        ).set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}hRule", kind)
        table.cell(0, 0).text = "a"
    elif kind in ("cantSplit", "header"):
        row._tr.get_or_add_trPr().append(
            _element("w:cantSplit" if kind == "cantSplit" else "w:tblHeader")
        )
        table.cell(0, 0).text = "\n".join(["Dòng"] * 120)
    else:
        table.cell(0, 1).text = ("Nguyễn Thị " * 250)[:2250]
    table.cell(1, 0).text = "Hàng sau"
    return _saved(document, path)


def docx_with_grid_span(path: Path, span: int) -> Path:
    document = _document()
    table = document.add_table(rows=2, cols=3)
    table.cell(1, 2).text = "ô cuối"
    table.cell(0, 0)._tc.get_or_add_tcPr().append(_element("w:gridSpan", **{"w:val": str(span)}))
    return _saved(document, path)


def docx_with_nested_tables(path: Path, depth: int) -> Path:
    document = _document()
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    for level in range(depth):
        cell.text = f"Mức {level + 1}"
        cell = cell.add_table(rows=1, cols=1).cell(0, 0)
    cell.text = "Đáy"
    return _saved(document, path)


def docx_with_picture(path: Path, picture: bytes, extent_emu: int | None = None) -> Path:
    """A document with one picture whose bytes are ``picture`` (python-docx is given a real
    PNG, then the part is replaced), and optionally an extent of ``extent_emu`` each way."""
    from docx.shared import Mm

    document = _document()
    document.add_picture(io.BytesIO(real_png()), width=Mm(50))
    if extent_emu is not None:
        extent = document.element.body.find(
            ".//{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"
        )
        extent.set("cx", str(extent_emu))
        extent.set("cy", str(extent_emu))
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("word/media/"):
                content = picture
            target.writestr(info.filename, content)
    path.write_bytes(out.getvalue())
    return path
