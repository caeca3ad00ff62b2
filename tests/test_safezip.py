"""Office files from outside: zip bombs, hostile packages and XXE are refused before use."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from docgen.errors import DocgenError
from docgen.outputs import safe_filename as outputs_safe_filename
from docgen.safezip import (
    ZipLimits,
    check_zip,
    open_docx_safely,
    open_xlsx_safely,
    parse_xml,
    safe_filename,
)

SECRET = "TOPSECRET-4f9a"


def docx_bytes(text: str = "Biên bản hội nghị") -> bytes:
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def replace_part(package: bytes, name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, data if info.filename == name else src.read(info))
    return out.getvalue()


def write(tmp_path: Path, data: bytes, name: str = "x.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_an_ordinary_docx_passes_and_opens(tmp_path: Path) -> None:
    data = open_docx_safely(write(tmp_path, docx_bytes("Kính gửi Sở Nội vụ")))
    assert [p.text for p in Document(io.BytesIO(data)).paragraphs] == ["Kính gửi Sở Nội vụ"]


def test_an_ordinary_xlsx_passes_and_opens(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Họ và tên", "Đơn vị"])
    workbook.active.append(["Nguyễn Thị Ánh", "Sở Ngoại vụ"])
    path = tmp_path / "ds.xlsx"
    workbook.save(path)
    data = open_xlsx_safely(path)
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[1] == ("Nguyễn Thị Ánh", "Sở Ngoại vụ")


def test_a_high_ratio_member_is_refused_by_the_default_limits(tmp_path: Path) -> None:
    bomb = zip_of(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<d/>",
            "big": b"\0" * 20 * 2**20,
        }
    )
    assert len(bomb) < 100_000  # 20 MB of zeros packs into a few KB
    with pytest.raises(DocgenError) as info:
        open_docx_safely(write(tmp_path, bomb))
    message = str(info.value)
    assert "'big'" in message and "compressed" in message and "zip bomb" in message
    assert "refused as unsafe" in message


def test_per_member_total_and_count_limits(tmp_path: Path) -> None:
    limits = ZipLimits(max_member_bytes=100_000, max_total_bytes=250_000, max_members=5)
    random_ish = bytes(range(256)) * 400  # ~100 KB, low compression ratio
    with pytest.raises(DocgenError, match="unpacks to"):
        check_zip(zip_of({"a": random_ish + b"x" * 2000}), limits=limits)
    with pytest.raises(DocgenError, match="together"):
        check_zip(zip_of({f"m{i}": random_ish[:90_000] for i in range(3)}), limits=limits)
    with pytest.raises(DocgenError, match="6 parts"):
        check_zip(zip_of({f"m{i}": b"x" for i in range(6)}), limits=limits)
    assert len(check_zip(zip_of({f"m{i}": b"x" for i in range(5)}), limits=limits)) == 5


def test_a_file_larger_than_allowed_is_refused_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, docx_bytes())
    with pytest.raises(DocgenError, match="more than the"):
        open_docx_safely(path, limits=ZipLimits(max_file_bytes=1000))


def _duplicate_central_entry(package: bytes, new_name: bytes) -> bytes:
    """Add a second directory entry pointing at the first member's data (overlapping bomb)."""
    cd_start = package.index(b"PK\x01\x02")
    name_len, extra_len, comment_len = struct.unpack("<HHH", package[cd_start + 28 : cd_start + 34])
    record_len = 46 + name_len + extra_len + comment_len
    record = bytearray(package[cd_start : cd_start + record_len])
    assert len(new_name) == name_len
    record[46 : 46 + name_len] = new_name
    eocd = package.rindex(b"PK\x05\x06")
    head = bytearray(package[:eocd]) + record
    tail = bytearray(package[eocd:])
    disk_entries, total_entries, cd_size = struct.unpack("<HHI", tail[8:16])
    tail[8:16] = struct.pack("<HHI", disk_entries + 1, total_entries + 1, cd_size + record_len)
    return bytes(head + tail)


def test_overlapping_entries_are_refused() -> None:
    package = zip_of({"a": b"x" * 1000})
    with pytest.raises(DocgenError, match="share the same packed data"):
        check_zip(_duplicate_central_entry(package, b"b"))


def test_unsafe_or_duplicate_member_names_are_refused() -> None:
    with pytest.raises(DocgenError, match="outside the package"):
        check_zip(zip_of({"../../evil.sh": b"x"}))
    with pytest.raises(DocgenError, match="outside the package"):
        check_zip(zip_of({"/etc/cron.d/x": b"x"}))
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("word/document.xml", b"<a/>")
            archive.writestr("word/document.xml", b"<b/>")
    with pytest.raises(DocgenError, match="appears twice"):
        check_zip(out.getvalue())


def test_a_password_protected_member_is_named_as_such() -> None:
    package = bytearray(zip_of({"a": b"x"}))
    cd = package.index(b"PK\x01\x02")
    package[cd + 8] |= 0x1  # the "encrypted" flag
    with pytest.raises(DocgenError, match="password-protected"):
        check_zip(bytes(package))


def test_not_a_zip_and_not_a_docx(tmp_path: Path) -> None:
    with pytest.raises(DocgenError, match="not a valid zip"):
        open_docx_safely(write(tmp_path, b"%PDF-1.7 not a docx"))
    with pytest.raises(DocgenError, match="not a Word file.*word/document.xml"):
        open_docx_safely(write(tmp_path, zip_of({"[Content_Types].xml": b"<Types/>"})))
    with pytest.raises(DocgenError, match="not a Excel file"):
        open_xlsx_safely(write(tmp_path, docx_bytes(), "x.xlsx"))
    with pytest.raises(DocgenError, match="no such file"):
        open_docx_safely(tmp_path / "missing.docx")


def test_a_member_that_lies_about_its_size_is_damaged(tmp_path: Path) -> None:
    package = bytearray(
        zip_of(
            {
                "[Content_Types].xml": b"<Types/>",
                "word/document.xml": b"<d>" + b"x" * 5000 + b"</d>",
            }
        )
    )
    # shrink the declared size of word/document.xml in its directory entry
    cd = package.index(b"PK\x01\x02", package.index(b"PK\x01\x02") + 1)
    package[cd + 24 : cd + 28] = struct.pack("<I", 10)
    with pytest.raises(DocgenError, match="damaged"):
        open_docx_safely(write(tmp_path, bytes(package)))


XXE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file://{path}">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&secret;</w:t></w:r></w:p></w:body></w:document>"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<lolz>&lol3;</lolz>"""


@pytest.mark.parametrize("kind", ["xxe", "laughs", "utf16"])
def test_xml_with_a_doctype_is_refused_in_any_part(tmp_path: Path, kind: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    if kind == "xxe":
        part = XXE.replace("{path}", str(secret)).encode()
    elif kind == "laughs":
        part = LAUGHS.encode()
    else:
        part = XXE.replace("{path}", str(secret)).replace('encoding="UTF-8"', 'encoding="UTF-16"')
        part = part.encode("utf-16")
    for name in ("word/document.xml", "word/styles.xml", "[Content_Types].xml"):
        path = write(tmp_path, replace_part(docx_bytes(), name, part))
        with pytest.raises(DocgenError) as info:
            open_docx_safely(path)
        assert "DOCTYPE" in str(info.value) and name in str(info.value)
        assert SECRET not in str(info.value)


def test_parse_xml_never_expands_entities() -> None:
    root = parse_xml(b"<a>&amp; plain</a>", what="t")
    assert root.text == "& plain"
    with pytest.raises(DocgenError, match="damaged"):
        parse_xml(b"<a><b></a>", what="t")
    with pytest.raises(DocgenError, match="DOCTYPE"):
        parse_xml(LAUGHS.encode(), what="t")


def test_damaged_xml_part_is_reported_with_its_name(tmp_path: Path) -> None:
    path = write(
        tmp_path, replace_part(docx_bytes(), "word/document.xml", b"<w:document><unclosed>")
    )
    with pytest.raises(DocgenError, match=r"part word/document.xml: the XML is damaged"):
        open_docx_safely(path)


def test_safe_filename_is_the_one_from_outputs() -> None:
    assert safe_filename is outputs_safe_filename
    assert safe_filename("../../CON") == "con-"
