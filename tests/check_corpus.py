"""Word documents made the way clerks make them, for ``docgen check``'s tests.

python-docx builds each document as a clerk types it in Word: the body text takes its font,
size, alignment and indent from paragraph *styles* (not direct formatting), the header is laid
out either in a borderless two-column table or in two columns with tabs, the signature block in
a table or as indented paragraphs, the page number a PAGE field in the header. Each named
fault below changes one thing, so a test can ask that exactly that fault is caught, at the
place a clerk would look.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

# fault name → (rule code the check reports, element)
FAULTS = {
    "paper-letter": ("paper", "page"),
    "margin-left-20": ("margin-left", "page"),
    "font-arial-direct": ("font", "font"),
    "font-arial-style": ("font", "font"),
    "recipients-14pt": ("size", "recipients_item"),
    "issuer-not-bold": ("bold", "issuer"),
    "summary-lower": ("case", "summary"),
    "number-no-space": ("number-form", "number"),
    "number-unpadded": ("number-form", "number"),
    "date-unpadded": ("date-padding", "place_date"),
    "date-not-italic": ("italic", "place_date"),
    "body-left": ("body-align", "body"),
    "body-no-indent": ("body-indent", "body"),
    "body-12pt": ("body-size", "body"),
    "page-number-first": ("page-number-first", "page_number"),
    "page-number-footer": ("page-number-place", "page_number"),
    "signer-prefix": ("signer-prefix", "signer_prefix"),
    "no-archive": ("recipients-archive", "recipients_item"),
    "title-12pt-not-bold": ("bold", "title"),
}

# Faults --fix corrects.
FIXABLE = {
    "paper-letter",
    "margin-left-20",
    "font-arial-direct",
    "font-arial-style",
    "recipients-14pt",
    "number-no-space",
    "number-unpadded",
    "date-unpadded",
    "body-left",
    "body-no-indent",
    "body-12pt",
}

BODY = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
    "Xét đề nghị của Trưởng phòng Tổ chức cán bộ, Sở Nội vụ tỉnh Lạng Sơn.",
    "Điều 1. Giao Phòng Tổ chức cán bộ chủ trì, phối hợp với các phòng chuyên môn tổ chức "
    "hội nghị tổng kết công tác thi đua, khen thưởng năm 2022 theo kế hoạch đã được phê duyệt.",
    "Điều 2. Chánh Văn phòng Sở, Trưởng các phòng chuyên môn và các cá nhân có liên quan chịu "
    "trách nhiệm thi hành Quyết định này./.",
]


def _faults(fault: str | set[str] | None) -> set[str]:
    if fault is None:
        return set()
    return {fault} if isinstance(fault, str) else set(fault)


def _run(paragraph, text: str, size: float | None = None, *, bold=None, italic=None, font=None):
    run = paragraph.add_run(text)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    if font is not None:
        run.font.name = font
    return run


def _center(paragraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)


def _no_borders(table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblpr.append(borders)


def _page_field(paragraph, size: float) -> None:
    for kind, text in (
        ("begin", None),
        (None, " PAGE "),
        ("separate", None),
        (None, "2"),
        ("end", None),
    ):
        run = paragraph.add_run()
        run.font.size = Pt(size)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text.strip() == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text


def make_state(path: Path, *, layout: str = "table", fault: str | set[str] | None = None) -> Path:
    """A Sở Nội vụ decision, state profile [ND30]; ``layout`` 'table' or 'tabs'; one fault or several."""
    f = _faults(fault)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Arial" if "font-arial-style" in f else "Times New Roman"
    normal.font.size = Pt(14)
    normal.paragraph_format.space_after = Pt(0)
    body_style = doc.styles.add_style("Noi dung", WD_STYLE_TYPE.PARAGRAPH)
    body_style.base_style = normal
    body_fmt = body_style.paragraph_format
    body_fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT if "body-left" in f else WD_ALIGN_PARAGRAPH.JUSTIFY
    body_fmt.first_line_indent = Mm(0) if "body-no-indent" in f else Mm(10)
    body_fmt.space_after = Pt(6)
    body_fmt.line_spacing = 1.15
    if "body-12pt" in f:
        body_style.font.size = Pt(12)

    section = doc.sections[0]
    if "paper-letter" in f:
        section.page_width, section.page_height = Mm(215.9), Mm(279.4)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin = Mm(20 if "margin-left-20" in f else 30)
    section.right_margin = Mm(15)

    number = "Số: 05/QĐ-SNV"
    if "number-no-space" in f:
        number = "Số:05/QĐ-SNV"
    elif "number-unpadded" in f:
        number = "Số: 5/QĐ-SNV"
    date = (
        "Lạng Sơn, ngày 5 tháng 2 năm 2022"
        if "date-unpadded" in f
        else ("Lạng Sơn, ngày 05 tháng 02 năm 2022")
    )
    date_italic = "date-not-italic" not in f
    title_size, title_bold = (12, False) if "title-12pt-not-bold" in f else (13, True)
    if layout == "table":
        table = doc.add_table(rows=2, cols=2)
        _no_borders(table)
        left, right = table.cell(0, 0), table.cell(0, 1)
        p = left.paragraphs[0]
        _center(p)
        _run(p, "UBND TỈNH LẠNG SƠN", 13, bold=False)
        p = left.add_paragraph()
        _center(p)
        _run(p, "SỞ NỘI VỤ", 13, bold="issuer-not-bold" not in f)
        p = right.paragraphs[0]
        _center(p)
        _run(p, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", title_size, bold=title_bold)
        p = right.add_paragraph()
        _center(p)
        _run(p, "Độc lập - Tự do - Hạnh phúc", 14, bold=True)
        p = table.cell(1, 0).paragraphs[0]
        _center(p)
        # A clerk's edit history: the number typed in two runs.
        _run(p, number[:4], 13)
        _run(p, number[4:], 13)
        p = table.cell(1, 1).paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, date, 14, italic=date_italic)
    else:
        for left_text, left_bold, right_text, right_size, right_bold, right_italic in (
            (
                "UBND TỈNH LẠNG SƠN",
                False,
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                title_size,
                title_bold,
                False,
            ),
            (
                "SỞ NỘI VỤ",
                "issuer-not-bold" not in f,
                "Độc lập - Tự do - Hạnh phúc",
                14,
                True,
                False,
            ),
            (number, False, date, 14, False, date_italic),
        ):
            p = doc.add_paragraph()
            p.paragraph_format.tab_stops.add_tab_stop(Mm(32), WD_TAB_ALIGNMENT.CENTER)
            p.paragraph_format.tab_stops.add_tab_stop(Mm(115), WD_TAB_ALIGNMENT.CENTER)
            _run(p, "\t")
            _run(p, left_text, 13, bold=left_bold)
            _run(p, "\t")
            _run(p, right_text, right_size, bold=right_bold, italic=right_italic)

    p = doc.add_paragraph()
    _center(p)
    p.paragraph_format.space_before = Pt(12)
    _run(p, "QUYẾT ĐỊNH", 14, bold=True)
    p = doc.add_paragraph()
    _center(p)
    summary = "Về việc tổ chức hội nghị tổng kết công tác thi đua, khen thưởng năm 2022"
    _run(p, summary[0].lower() + summary[1:] if "summary-lower" in f else summary, 14, bold=True)
    p = doc.add_paragraph()
    _center(p)
    _run(p, "__________", 14)
    p = doc.add_paragraph()
    _center(p)
    _run(p, "GIÁM ĐỐC SỞ NỘI VỤ TỈNH LẠNG SƠN", 14, bold=True)
    for text in BODY:
        p = doc.add_paragraph(style="Noi dung")
        _run(p, text, font="Arial" if "font-arial-direct" in f else None)

    prefix = "KT GIÁM ĐỐC" if "signer-prefix" in f else "KT. GIÁM ĐỐC"
    items = ["- Như Điều 2;", "- UBND tỉnh (b/c);"]
    if "no-archive" not in f:
        items.append("- Lưu: VT, TCCB.")
    item_size = 14 if "recipients-14pt" in f else 11
    if layout == "table":
        doc.add_paragraph()
        table = doc.add_table(rows=1, cols=2)
        _no_borders(table)
        left, right = table.cell(0, 0), table.cell(0, 1)
        p = left.paragraphs[0]
        _run(p, "Nơi nhận:", 12, bold=True, italic=True)
        for item in items:
            _run(left.add_paragraph(), item, item_size)
        signer_cells = [right.paragraphs[0]] + [right.add_paragraph() for _ in range(6)]
        texts = [prefix, "PHÓ GIÁM ĐỐC", "", "", "", "", "Nguyễn Văn An"]
        for p, text in zip(signer_cells, texts, strict=True):
            _center(p)
            if text:
                _run(p, text, 14, bold=True)
    else:
        for text in [prefix, "PHÓ GIÁM ĐỐC", "", "", "", "Nguyễn Văn An"]:
            p = doc.add_paragraph()
            _center(p)
            p.paragraph_format.left_indent = Mm(85)
            if text:
                _run(p, text, 14, bold=True)
        p = doc.add_paragraph()
        _run(p, "Nơi nhận:", 12, bold=True, italic=True)
        for item in items:
            _run(doc.add_paragraph(), item, item_size)

    if "page-number-first" not in f:
        section.different_first_page_header_footer = True
    target = section.footer if "page-number-footer" in f else section.header
    target.is_linked_to_previous = False
    p = target.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(p, 14)
    doc.save(path)
    return path


def make_party(path: Path, *, fault: str | None = None) -> Path:
    """A Party committee's notice [HD36], header in a table, the Party's own forms."""
    f = _faults(fault)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.first_line_indent = Mm(10)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    normal.paragraph_format.line_spacing = Pt(18)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.cell(0, 0), table.cell(0, 1)
    number = "Số: 15-TB/TU" if "number-colon" in f else "Số 15-TB/TU"
    first = True
    for text, bold in (
        ("TỈNH ỦY LẠNG SƠN", False),
        ("BAN TUYÊN GIÁO", True),
        ("*", False),
        (number, False),
    ):
        p = left.paragraphs[0] if first else left.add_paragraph()
        first = False
        _center(p)
        p.paragraph_format.first_line_indent = Mm(0)
        _run(p, text, 14, bold=bold)
    p = right.paragraphs[0]
    _center(p)
    p.paragraph_format.first_line_indent = Mm(0)
    _run(p, "ĐẢNG CỘNG SẢN VIỆT NAM", 15, bold=True)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.paragraph_format.first_line_indent = Mm(0)
    _run(p, "Lạng Sơn, ngày 16 tháng 12 năm 2022", 14, italic=True)
    for text, size in (
        ("THÔNG BÁO", 16),
        ("kết luận của đồng chí Bí thư Tỉnh ủy tại hội nghị", 14),
        ("-----", 14),
    ):
        p = doc.add_paragraph()
        _center(p)
        p.paragraph_format.first_line_indent = Mm(0)
        _run(p, text, size, bold=text != "-----")
    for text in (
        "Ngày 12 tháng 12 năm 2022, Ban Tuyên giáo Tỉnh ủy tổ chức hội nghị tổng kết công tác năm 2022.",
        "Ban Tuyên giáo Tỉnh ủy thông báo để các cơ quan, đơn vị biết, thực hiện.",
    ):
        doc.add_paragraph(text)
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.cell(0, 0), table.cell(0, 1)
    p = left.paragraphs[0]
    p.paragraph_format.first_line_indent = Mm(0)
    _run(p, "Nơi nhận:", 14).underline = True
    for item in ("- Thường trực Tỉnh ủy,", "- Lưu Văn phòng Tỉnh ủy."):
        p = left.add_paragraph()
        p.paragraph_format.first_line_indent = Mm(0)
        _run(p, item, 12)
    prefix = "TM. BAN THƯỜNG VỤ" if "prefix-state" in f else "T/M BAN THƯỜNG VỤ"
    texts = [prefix, "PHÓ TRƯỞNG BAN", "", "", "Hoàng Văn Nghiệm"]
    for i, text in enumerate(texts):
        p = right.paragraphs[0] if i == 0 else right.add_paragraph()
        _center(p)
        p.paragraph_format.first_line_indent = Mm(0)
        if text:
            _run(p, text, 14, bold=i != 1)
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Mm(0)
    _page_field(p, 14)
    doc.save(path)
    return path
