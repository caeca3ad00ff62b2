"""`docgen pdf` on extreme but valid DOCX (issue 9, item 5): laid out with a warning, never a
traceback. Each test converts one document, asserts exit 0, a warning that says what was
changed and where, and a PDF that poppler reads with the document's words in it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.cli import main
from hostile_office import (
    docx_with_font_size,
    docx_with_grid_span,
    docx_with_nested_tables,
    docx_with_page,
    docx_with_picture,
    docx_with_tall_row,
    png_declaring,
    real_png,
    truncated_png,
)

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler")


def convert(source: Path) -> tuple[str, Path]:
    out = source.parent / "out"
    result = CliRunner().invoke(main, ["pdf", str(source), "-o", str(out)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code == 0, result.output
    pdf = out / (source.stem + ".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    return result.output, pdf


def text_of(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@needs_poppler
@pytest.mark.parametrize(
    ("attrs", "needles"),
    [
        ({"pgMar_top": "11339", "pgMar_bottom": "8504"}, ["top and bottom margins", "section 1"]),
        ({"pgMar_left": "8504", "pgMar_right": "5669"}, ["left and right margins", "section 1"]),
        ({"pgSz_h": "-500"}, ["not a paper size", "A4"]),
        ({"pgSz_w": "999999999"}, ["not a paper size", "A4"]),
        ({"pgSz_w": "1e999"}, []),  # not a number: the default page, silently
        ({"pgMar_header": "99999999", "pgNumType_start": "x"}, []),
    ],
)
def test_impossible_page_geometry_is_laid_out(
    tmp_path: Path, attrs: dict[str, str], needles: list[str]
) -> None:
    if "pgNumType_start" in attrs:  # python-docx writes no pgNumType; add one
        from docx import Document
        from docx.oxml import OxmlElement

        document = Document()
        document.add_paragraph("Biên bản hội nghị")
        document.sections[0]._sectPr.append(OxmlElement("w:pgNumType"))
        source = tmp_path / "trang.docx"
        document.save(source)
        attrs = dict(attrs)
        from docx.oxml.ns import qn

        document.sections[0]._sectPr.find(qn("w:pgNumType")).set(qn("w:start"), "x")
        document.sections[0]._sectPr.find(qn("w:pgMar")).set(qn("w:header"), "99999999")
        document.save(source)
    else:
        source = docx_with_page(tmp_path / "trang.docx", **attrs)
    output, pdf = convert(source)
    for needle in needles:
        assert needle in output
    assert "Biên bản hội nghị" in text_of(pdf)


@needs_poppler
def test_a_font_larger_than_the_page_is_set_smaller(tmp_path: Path) -> None:
    output, pdf = convert(docx_with_font_size(tmp_path / "to.docx", 1638))
    assert "1638 pt does not fit on the page" in output and "body paragraph 2" in output
    assert "Chữ" in text_of(pdf)


@needs_poppler
@pytest.mark.parametrize("kind", ["exact", "atLeast", "cantSplit", "header", "long-name"])
def test_a_row_taller_than_a_page_is_clipped_with_a_warning(tmp_path: Path, kind: str) -> None:
    output, pdf = convert(docx_with_tall_row(tmp_path / "bang.docx", kind))
    assert "taller than the page is clipped (body table 1 row 1)" in output
    if kind == "header":
        assert "heading rows of a table take more than half a page" in output
    text = text_of(pdf)
    assert "Biên bản hội nghị" in text and "Hàng sau" in text


@needs_poppler
def test_grid_span_beyond_the_grid_widens_the_table(tmp_path: Path) -> None:
    output, pdf = convert(docx_with_grid_span(tmp_path / "o.docx", 50))
    assert "spans more columns than the table has" in output and "body table 1" in output
    assert "ô cuối" in text_of(pdf)


@needs_poppler
def test_deeply_nested_tables_become_paragraphs(tmp_path: Path) -> None:
    output, pdf = convert(docx_with_nested_tables(tmp_path / "long.docx", 80))
    assert "nested more than 12 deep" in output
    text = text_of(pdf)
    assert "Mức 1" in text and "Mức 13" in text


PICTURES = {
    "declares-60000x60000": lambda: png_declaring(60_000, 60_000),
    "truncated": truncated_png,
    "not-png-or-jpeg": lambda: b"GIF89a not really",
}


@needs_poppler
@pytest.mark.parametrize(
    ("picture", "needle"),
    [
        ("declares-60000x60000", "a picture is left out (body paragraph 2)"),
        ("truncated", "damaged or cut off"),
        ("not-png-or-jpeg", "not PNG/JPEG"),
    ],
)
def test_bad_pictures_are_left_out_with_a_warning(
    tmp_path: Path, picture: str, needle: str
) -> None:
    output, pdf = convert(docx_with_picture(tmp_path / "anh.docx", PICTURES[picture]()))
    assert needle in output
    assert "Biên bản hội nghị" in text_of(pdf)


@needs_poppler
def test_a_picture_of_a_million_kilometres_is_scaled_to_the_page(tmp_path: Path) -> None:
    output, pdf = convert(docx_with_picture(tmp_path / "anh.docx", real_png(), 10**12))
    assert "larger than the page; scaled down to fit (body paragraph 2)" in output
    assert "Biên bản hội nghị" in text_of(pdf)


def test_a_name_of_2250_characters_is_laid_out_in_a_build(tmp_path: Path) -> None:
    # Once a reportlab "Splitting error" naming only the PDF; now the row is laid out, clipped
    # at the page's foot, and the warning says which document, table and row.
    sample = Path(__file__).resolve().parents[1] / "seeds" / "lang-son-2022.yaml"
    text = sample.read_text(encoding="utf-8")
    name = ("Ban Tuyên giáo Huyện ủy Cao Lộc " * 80)[:2250].strip()
    assert "{name: Ban Tuyên giáo Huyện ủy Cao Lộc}" in text
    meeting = tmp_path / "cuoc-hop.yaml"
    meeting.write_text(
        text.replace("{name: Ban Tuyên giáo Huyện ủy Cao Lộc}", "{name: " + name + "}"),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["build", str(meeting), "-o", str(out), "--only", "list", "--certificates", "none"],
    )
    assert "Traceback" not in result.output and "Splitting error" not in result.output
    assert result.exit_code == 0, result.output
    assert "04-danh-sach-ubnd-bang-khen.pdf: a table row taller than the page is clipped" in (
        result.output
    )
    assert "(body table 2 row 3)" in result.output  # the heading and "I. TẬP THỂ" rows above
    assert (out / "04-danh-sach-ubnd-bang-khen.pdf").read_bytes().startswith(b"%PDF")
