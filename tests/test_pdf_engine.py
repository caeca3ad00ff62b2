"""Builtin DOCX → PDF engine: each feature, checked in the PDF it produces."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from pypdf import PdfReader

import docx_samples as samples
from docgen.errors import DocgenError
from docgen.pdf import docx_to_pdf
from docgen.pdf.bidi import levels, reorder, reorder_pieces, visual_order
from docgen.pdf.docx_reader import DocxPackage
from docgen.pdf.fonts import font_report, has_glyph, resolve_family
from docgen.pdf.styles import Numbering, format_number


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, tuple[Path, Path, list[str]]]:
    d = tmp_path_factory.mktemp("pdf")
    out = {}
    for name, path in samples.build_all(d).items():
        pdf = d / f"{name}.pdf"
        out[name] = (path, pdf, docx_to_pdf(path, pdf))
    return out


def words_by_page(pdf: Path) -> list[list[dict]]:
    with pdfplumber.open(pdf) as p:
        return [pg.extract_words() for pg in p.pages]


def page_text(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as p:
        return [pg.extract_text() or "" for pg in p.pages]


def test_samples_render_without_warnings(built):
    for name, (_docx, pdf, warnings) in built.items():
        assert pdf.stat().st_size > 1000, name
        assert warnings == [], (name, warnings)


def test_fonts_are_embedded_truetype_subsets(built):
    _docx, pdf, _w = built["features"]
    reader = PdfReader(pdf)
    seen = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            base = str(font["/BaseFont"])
            desc = font.get("/FontDescriptor")
            if desc is None:  # Type0 (not used by reportlab's TTF subsets)
                desc = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in desc.get_object(), base
            assert re.match(r"/?[A-Z]{6}\+", base), base  # subset tag
            seen.add(base.split("+", 1)[1])
    assert {"LiberationSerif", "LiberationSerif-Bold", "LiberationSans", "LiberationMono"} <= seen


def test_vietnamese_text_is_extractable(built):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler pdftotext missing")
    _docx, pdf, _w = built["official_notice"]
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Lạng Sơn, ngày 05 tháng 02 năm 2024" in text
    assert unicodedata.is_normalized("NFC", text)


def test_page_number_only_from_page_two_in_top_margin(built):
    _docx, pdf, _w = built["official_notice"]
    pages = words_by_page(pdf)
    assert len(pages) >= 3
    top_margin = 20 / 25.4 * 72
    with pdfplumber.open(pdf) as p:
        width = p.pages[0].width
    assert not [w for w in pages[0] if w["bottom"] < top_margin]
    for n, page in enumerate(pages[1:], start=2):
        top = [w for w in page if w["bottom"] < top_margin]
        assert [w["text"] for w in top] == [str(n)]
        centre = (top[0]["x0"] + top[0]["x1"]) / 2
        body_centre = (30 + (210 - 15)) / 2 / 25.4 * 72
        assert abs(centre - body_centre) < 3, (centre, body_centre, width)
        assert top[0]["top"] == pytest.approx(10 / 25.4 * 72, abs=3)  # header distance


def test_header_rules_are_short_and_under_the_text(built):
    _docx, pdf, _w = built["official_notice"]
    with pdfplumber.open(pdf) as p:
        page = p.pages[0]
        lines = [ln for ln in page.lines if ln["top"] < 120]
        words = page.extract_words()
    motto = [w for w in words if w["text"] == "Hạnh"][0]
    under = [ln for ln in lines if ln["x0"] > 300]
    assert len(under) == 1 and under[0]["top"] > motto["bottom"]
    width_mm = (under[0]["x1"] - under[0]["x0"]) / 72 * 25.4
    assert 55 < width_mm < 70  # 100 mm cell − 2 × 1.85 cm indents − cell margins


def test_run_formatting(built):
    _docx, pdf, _w = built["features"]
    with pdfplumber.open(pdf) as p:
        chars = p.pages[0].chars

    def font_of(word: str) -> tuple[str, float, tuple]:
        text = "".join(c["text"] for c in chars)
        i = text.index(word)
        c = chars[i]
        return c["fontname"], round(c["size"], 1), tuple(c["non_stroking_color"] or ())

    assert font_of("Đậm")[0].endswith("LiberationSerif-Bold")
    assert font_of("nghiêng")[0].endswith("LiberationSerif-Italic")
    assert font_of("VIẾT")[1] == 14.0  # caps: text upper-cased
    assert font_of("CHỮ")[1] < 14.0  # small caps: smaller capitals
    assert font_of("mũ")[1] < 10  # superscript shrinks
    assert font_of("Arial")[0].endswith("LiberationSans")
    assert font_of("Courier")[0].endswith("LiberationMono")
    red = font_of("chữ")[2]
    assert red and red[0] > 0.7 and red[1] < 0.1


def test_tab_to_right_stop_reaches_right_edge(built):
    _docx, pdf, _w = built["features"]
    words = words_by_page(pdf)[0]
    right = [w for w in words if w["text"] == "Phải"][0]
    edge = (210 - 15) / 25.4 * 72
    assert abs(right["x1"] - edge) < 2


def test_numbering_formats_and_restart(built):
    _docx, pdf, _w = built["features"]
    text = "\n".join(page_text(pdf))
    for label, item in (
        ("I.", "Mục La Mã 1"),
        ("II.", "Mục La Mã 2"),
        ("III.", "Mục La Mã 3"),
        ("A.", "Chữ cái hoa 0"),
        ("B.", "Chữ cái hoa 1"),
        ("1.", "Danh sách số"),
        ("2.", "Danh sách số (2)"),
        ("1.", "Bắt đầu lại"),
        ("-", "Gạch đầu dòng 0"),
    ):
        assert re.search(rf"^{re.escape(label)}\s*{re.escape(item)}$", text, re.M), label
    assert re.search(r"^i\.\s*Mục la mã thường$", text, re.M)
    _docx, pdf, _w = built["official_notice"]
    text = "\n".join(page_text(pdf))
    assert re.search(r"^4\.1\.\s*Giao Sở Tài chính", text, re.M)
    assert re.search(r"^a\)\s*Hoàn thành", text, re.M)


def test_page_breaks_and_page_break_before(built):
    _docx, pdf, _w = built["features"]
    pages = page_text(pdf)
    i = next(k for k, t in enumerate(pages) if "Sang trang mới bằng ngắt trang" in t)
    assert "Sau ngắt trang." not in pages[i] and pages[i + 1].lstrip().startswith("Sau ngắt")
    assert "Đoạn bắt đầu trang mới" in pages[i + 2].split("\n")[0]


def test_footer_page_x_of_y(built):
    _docx, pdf, _w = built["features"]
    pages = page_text(pdf)
    for n, text in enumerate(pages, start=1):
        assert f"Trang {n} / {len(pages)}" in text


def test_table_merges_shading_and_nil_border(built):
    _docx, pdf, _w = built["features"]
    with pdfplumber.open(pdf) as p:
        page = next(pg for pg in p.pages if "Gộp dọc" in (pg.extract_text() or ""))
        words = page.extract_words()
        lines = page.lines
        rects = page.rects
    doc = next(w for w in words if w["text"] == "dọc")
    row3 = [w for w in words if w["text"] == "3" and w["x0"] > doc["x1"]]
    col0_x = doc["x0"] - 2
    # no horizontal rule crosses the vertically merged cell, but rules do cross column 2
    inside = [
        ln
        for ln in lines
        if ln["top"] > doc["bottom"]
        and ln["top"] < row3[0]["top"]
        and abs(ln["top"] - ln["bottom"]) < 0.1
    ]
    assert not [ln for ln in inside if ln["x0"] <= col0_x + 5 <= ln["x1"]]
    assert len([ln for ln in inside if ln["x0"] > col0_x + 20]) >= 2
    # merged-across row (the table's first row, maybe on the previous page): no inner rule
    with pdfplumber.open(pdf) as p:
        first = next(pg for pg in p.pages if "Gộp ngang ba cột" in (pg.extract_text() or ""))
        across = next(w for w in first.extract_words() if w["text"] == "ba")
        verticals = [
            ln
            for ln in first.lines
            if abs(ln["x0"] - ln["x1"]) < 0.1 and ln["top"] <= across["top"] <= ln["bottom"]
        ]
    assert len(verticals) == 2  # only the outer left and right edges
    shaded = [
        r
        for r in rects
        if r.get("non_stroking_color")
        and tuple(round(c, 2) for c in r["non_stroking_color"]) == (1.0, 0.95, 0.8)
    ]
    assert shaded, "cell shading missing"


def test_image_is_drawn(built):
    _docx, pdf, _w = built["features"]
    with pdfplumber.open(pdf) as p:
        images = [im for page in p.pages for im in page.images]
    assert any(abs(im["width"] - 3 / 2.54 * 72) < 1 for im in images)


def test_award_list_header_repeats_and_no_row_is_cut(built):
    _docx, pdf, _w = built["award_list_300"]
    pages = words_by_page(pdf)
    assert len(pages) > 5
    seen: dict[int, int] = {}
    for n, page in enumerate(pages):
        header = [w for w in page if w["text"] == "STT"]
        assert header, f"header row missing on page {n + 1}"
        cells = [w for w in page if w["top"] > header[0]["bottom"]]
        assert all(w["top"] >= header[0]["top"] for w in cells)
        text = " ".join(w["text"] for w in page)
        for m in re.finditer(r"(\S+ \S+(?: \S+)*?) (\d+) (Trưởng|Chuyên|Phó|Giáo)", text):
            seen[int(m.group(2))] = seen.get(int(m.group(2)), 0) + 1
        # every unit text that starts on this page also ends on it (the row is whole)
        assert text.count("Trưởng phòng") == text.count("Sở Tài chính")
    assert sorted(seen) == list(range(1, 301))
    assert set(seen.values()) == {1}


def test_widow_control_keeps_two_lines(tmp_path):
    d = samples._base()
    for _ in range(8):
        samples.body_para(d)
    path = tmp_path / "w.docx"
    d.save(path)
    pdf = tmp_path / "w.pdf"
    docx_to_pdf(path, pdf)
    pages = words_by_page(pdf)
    if len(pages) > 1:
        lines_p2 = {round(w["top"]) for w in pages[1]}
        assert len(lines_p2) >= 2


def _doc_with(tmp_path: Path, xml_para: str, name: str = "x.docx") -> Path:
    d = samples._base()
    d.add_paragraph("Trước")
    d.element.body.insert(1, parse_xml(xml_para))
    path = tmp_path / name
    d.save(path)
    return path


def test_unsupported_elements_are_warned_with_location(tmp_path):
    m = "http://schemas.openxmlformats.org/officeDocument/2006/math"
    path = _doc_with(
        tmp_path,
        f'<w:p {nsdecls("w")} xmlns:m="{m}"><w:r><w:t>A</w:t></w:r>'
        "<m:oMath><m:r><m:t>x</m:t></m:r></m:oMath>"
        '<w:r><w:footnoteReference w:id="1"/></w:r></w:p>',
    )
    warnings = docx_to_pdf(path, tmp_path / "x.pdf")
    assert any("m:oMath" in w and "body paragraph 2" in w for w in warnings), warnings
    assert any("footnoteReference" in w for w in warnings), warnings


def test_missing_glyph_warns_with_code_point(tmp_path):
    d = samples._base()
    d.add_paragraph("Chữ Hán 漢")
    path = tmp_path / "g.docx"
    d.save(path)
    warnings = docx_to_pdf(path, tmp_path / "g.pdf")
    assert any("U+6F22" in w for w in warnings), warnings


def test_nfd_text_is_written_nfc(tmp_path):
    d = samples._base()
    d.add_paragraph(unicodedata.normalize("NFD", "Nguyễn Thị Hường"))
    path = tmp_path / "n.docx"
    d.save(path)
    docx_to_pdf(path, tmp_path / "n.pdf")
    text = page_text(tmp_path / "n.pdf")[0]
    assert "Nguyễn Thị Hường" in text


def test_line_height_matches_writer(tmp_path):
    d = samples._base()
    for i in range(5):
        d.add_paragraph(f"Dòng {i}")
    path = tmp_path / "l.docx"
    d.save(path)
    docx_to_pdf(path, tmp_path / "l.pdf")
    tops = [w["top"] for w in words_by_page(tmp_path / "l.pdf")[0] if w["text"] == "Dòng"]
    gaps = {round(b - a, 2) for a, b in zip(tops, tops[1:], strict=False)}
    assert gaps == {round(14 * 1.149, 2)} or all(abs(g - 16.09) < 0.05 for g in gaps)


# ------------------------------------------------------------------ reader safety


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(DocgenError, match="no such file"):
        docx_to_pdf(tmp_path / "nope.docx", tmp_path / "x.pdf")


def test_not_a_zip_is_a_user_error(tmp_path):
    p = tmp_path / "a.docx"
    p.write_text("hello")
    with pytest.raises(DocgenError, match="not a valid zip package"):
        docx_to_pdf(p, tmp_path / "x.pdf")


def test_corrupt_zip_is_a_user_error(tmp_path, built):
    src = built["minutes"][0].read_bytes()
    p = tmp_path / "c.docx"
    data = bytearray(src)
    mid = len(data) // 3
    data[mid : mid + 400] = b"\0" * 400
    p.write_bytes(bytes(data))
    with pytest.raises(DocgenError):
        docx_to_pdf(p, tmp_path / "x.pdf")


def test_zip_without_document_is_a_user_error(tmp_path):
    p = tmp_path / "e.docx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("hello.txt", "x")
    with pytest.raises(DocgenError, match="document.xml"):
        docx_to_pdf(p, tmp_path / "x.pdf")


def test_zip_bomb_is_refused(tmp_path):
    p = tmp_path / "b.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<a/>")
        zf.writestr("word/media/big.bin", b"\0" * (60 * 1024 * 1024))
    with pytest.raises(DocgenError, match="zip bomb"):
        docx_to_pdf(p, tmp_path / "x.pdf")


def test_xml_entities_are_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    d = samples._base()
    d.add_paragraph("PLACEHOLDER")
    path = tmp_path / "xxe.docx"
    d.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    xml = parts["word/document.xml"].decode()
    xml = xml.replace("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>", "")
    xml = f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>' + xml.replace(
        "PLACEHOLDER", "&x;"
    )
    parts["word/document.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    # docgen.safezip's policy: a DOCTYPE in any part is refused before anything is parsed
    with pytest.raises(DocgenError, match="DOCTYPE"):
        docx_to_pdf(path, tmp_path / "xxe.pdf")
    assert not (tmp_path / "xxe.pdf").exists()


# ------------------------------------------------------------------ units


def test_resolve_family_prefers_metric_compatible_substitutes():
    tnr = resolve_family("Times New Roman")
    assert tnr.family in ("Times New Roman", "Liberation Serif", "Tinos")
    assert tnr.metrics.line_height == pytest.approx(1.149, abs=0.01)
    assert tnr.bold != tnr.regular and tnr.bolditalic != tnr.italic
    assert resolve_family("Arial").family in ("Arial", "Liberation Sans", "Arimo")
    assert "Serif" in resolve_family("Unknown Serif Face").family
    assert "Sans" in resolve_family("Unknown Sans").family
    assert has_glyph(tnr.regular, "ự") and not has_glyph(tnr.regular, "漢")


def test_resolve_family_searches_font_dirs(tmp_path):
    src = Path(resolve_family("DejaVu Sans").files["regular"])
    shutil.copy(src, tmp_path / "renamed-file.ttf")
    faces = resolve_family("DejaVu Sans", font_dirs=[tmp_path])
    assert faces.family == "DejaVu Sans"


def test_font_report_names_files():
    lines = font_report(("Times New Roman",))
    assert lines and "Times New Roman" in lines[0]
    assert [line.split(": ")[0].strip() for line in lines[1:5]] == [
        "regular",
        "bold",
        "italic",
        "bold italic",
    ]
    assert all(line.endswith(".ttf") for line in lines[1:5])


def test_number_formats():
    assert [format_number(n, "upperRoman") for n in (1, 4, 9, 14)] == ["I", "IV", "IX", "XIV"]
    assert format_number(3, "lowerRoman") == "iii"
    assert [format_number(n, "lowerLetter") for n in (1, 26, 27)] == ["a", "z", "aa"]
    assert format_number(2, "upperLetter") == "B"


def test_numbering_levels_reset_and_override(tmp_path):
    d = docx.Document()
    ids = samples._numbering(d)
    buf = io.BytesIO()
    d.save(buf)
    path = tmp_path / "n.docx"
    path.write_bytes(buf.getvalue())
    num = Numbering.from_xml(DocxPackage(path).numbering)
    nid = ids["90"]
    assert num.next_label(nid, 0) == "1."
    assert num.next_label(nid, 1) == "1.1."
    assert num.next_label(nid, 1) == "1.2."
    assert num.next_label(nid, 0) == "2."
    assert num.next_label(nid, 1) == "2.1."  # deeper level restarts
    assert num.next_label(ids["restart"], 0) == "1."


# ------------------------------------------------------------------ right-to-left text


def test_bidi_reverses_rtl_runs_and_keeps_numbers_left_to_right():
    heb = "שלום עולם"
    # a right-to-left run is drawn reversed; digits after it join it but keep their order
    assert reorder(f"Tên: {heb} 12 và") == f"Tên: 12 {heb[::-1]} và"
    # digits after left-to-right text stay where they are; a lone run is reversed in place
    assert reorder(f"Số 12 {heb}") == f"Số 12 {heb[::-1]}"
    # brackets inside a right-to-left run are mirrored; outside it they are not
    assert reorder("(אב)") == "(בא)"
    assert reorder("א (ב) ג") == "ג (ב) א"
    assert reorder("không có chữ nào") == "không có chữ nào"
    assert levels("a 1 א") == [0, 0, 0, 0, 1]
    assert visual_order([0, 1, 1, 2, 2, 0]) == [0, 3, 4, 2, 1, 5]


def test_bidi_keeps_each_piece_formatting():
    pieces = [("Tên ", "regular"), ("שלום ", "bold"), ("עולם", "italic"), (" x", "regular")]
    out = reorder_pieces(pieces)
    assert "".join(t for t, _ in out) == reorder("".join(t for t, _ in pieces))
    assert [f for _t, f in out] == ["regular", "italic", "bold", "regular"]


def test_rtl_names_are_drawn_right_to_left(tmp_path):
    heb = "שלום עולם"
    d = samples._base()
    d.add_paragraph(f"Người nhận: {heb} 2022.")
    p = d.add_paragraph("Đậm ")
    p.add_run("שלום").bold = True
    p.add_run(" עולם ở giữa câu")
    path = tmp_path / "rtl.docx"
    d.save(path)
    docx_to_pdf(path, tmp_path / "rtl.pdf")
    with pdfplumber.open(tmp_path / "rtl.pdf") as pdf:
        chars = pdf.pages[0].chars
    rows: dict[int, list] = {}
    for c in chars:
        rows.setdefault(round(c["top"]), []).append(c)
    drawn = ["".join(c["text"] for c in sorted(r, key=lambda c: c["x0"])) for r in rows.values()]
    assert f"Người nhận: 2022 {heb[::-1]}." in drawn  # what the eye sees, left to right
    assert f"Đậm {heb[::-1]} ở giữa câu" in drawn
    bold = {c["text"] for c in chars if c["fontname"].endswith("Bold")}
    assert bold == set("שלום")  # the bold run kept its face after reordering
    if shutil.which("pdftotext"):  # a reader that knows bidi gets the logical text back
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(tmp_path / "rtl.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert heb in text.replace("\u202b", "").replace("\u202c", "")
