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
    "signer-prefix",
    "page-number-first",
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


# ---------------------------------------------------------------------------------------------
# The documents around a meeting [official-format.md §5]: giấy mời, chương trình, tờ trình,
# typed by a clerk in either profile. Their words, per kind and profile, live here once: the
# builder types them and the tests find the paragraph a fault must be located at by them.

PAPER_KINDS = ("invitation", "programme", "proposal")

# What each kind's number carries [ND30 Phụ lục III; formats.yaml], and a wrong code for a fault.
_CODES = {"invitation": "GM", "programme": "CTr", "proposal": "TTr"}

PAPER_TEXT = {
    "state": {
        "parent": "UBND TỈNH LẠNG SƠN",
        "issuer": "SỞ NỘI VỤ",
        "issuer_code": "SNV",
        "title": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto": "Độc lập - Tự do - Hạnh phúc",
        "body_name": "Sở Nội vụ tỉnh Lạng Sơn",
        "prefix": "KT. GIÁM ĐỐC",
        "bad_prefix": "KT GIÁM ĐỐC",
        "position": "PHÓ GIÁM ĐỐC",
        "name": "Nguyễn Văn An",
        "items": ["- Như trên;", "- Lãnh đạo Sở;"],
        "archive": "- Lưu: VT, TCCB.",
        "ending": "./.",
    },
    "party": {
        "parent": "TỈNH ỦY LẠNG SƠN",
        "issuer": "BAN TUYÊN GIÁO",
        "issuer_code": "BTGTU",
        "title": "ĐẢNG CỘNG SẢN VIỆT NAM",
        "motto": None,
        "body_name": "Ban Tuyên giáo Tỉnh ủy",
        "prefix": "K/T TRƯỞNG BAN",
        "bad_prefix": "KT. TRƯỞNG BAN",
        "position": "PHÓ TRƯỞNG BAN",
        "name": "Hoàng Văn Nghiệm",
        "items": ["- Thường trực Tỉnh ủy,", "- Các ban xây dựng Đảng Tỉnh ủy,"],
        "archive": "- Lưu Văn phòng Ban.",
        "ending": ".",
    },
}

_MEETING = "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2022"


def paper_summary(kind: str, profile: str) -> str:
    """The trích yếu: capital first letter in a state document, lower-case in a Party one."""
    text = {
        "invitation": f"Dự {_MEETING}",
        "programme": _MEETING,
        "proposal": "Về việc đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
    }[kind]
    if profile == "party":
        text = text[0].lower() + text[1:]
    return text


def paper_body(kind: str, profile: str) -> list[str]:
    """Body paragraphs as the clerk types them (the programme's timetable is a table)."""
    t = PAPER_TEXT[profile]
    end = t["ending"]
    if kind == "invitation":
        return [
            f"{t['body_name']} trân trọng kính mời:",
            "Đồng chí Giám đốc Sở Tài chính",  # the invitee: stands alone, centred
            f"Tới dự: {_MEETING}.",
            "Thời gian: 08 giờ 00, thứ Hai, ngày 12 tháng 12 năm 2022.",
            "Địa điểm: Hội trường Sở Nội vụ, số 1 đường Hoàng Văn Thụ, thành phố Lạng Sơn.",
            "Đề nghị đồng chí mang theo tài liệu hội nghị; thông tin liên hệ: đồng chí Lăng Thị "
            "Minh Thư, điện thoại 0205 3800 000.",
            f"Rất mong đồng chí đến dự đúng thời gian{end}",
        ]
    if kind == "programme":
        return [
            "Thời gian: 08 giờ 00, thứ Hai, ngày 12 tháng 12 năm 2022.",
            "Địa điểm: Hội trường Sở Nội vụ, thành phố Lạng Sơn.",
        ]
    return [
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi "
        "tiết thi hành một số điều của Luật Thi đua, khen thưởng;",
        "Năm 2022, các tập thể, cá nhân được đề nghị đã hoàn thành xuất sắc nhiệm vụ được giao "
        "trong công tác thi đua, khen thưởng (có danh sách kèm theo).",
        f"{t['body_name']} kính trình Chủ tịch Ủy ban nhân dân tỉnh xem xét, quyết định{end}",
    ]


PROGRAMME_ROWS = [
    ("Thời gian", "Nội dung", "Người thực hiện"),
    ("08h00 - 08h15", "Tuyên bố lý do, giới thiệu đại biểu", "Văn phòng Sở"),
    ("08h15 - 09h00", "Báo cáo tổng kết công tác thi đua, khen thưởng năm 2022", "Lãnh đạo Sở"),
    ("09h00 - 10h30", "Thảo luận", "Đại biểu dự hội nghị"),
    ("10h30 - 11h00", "Phát biểu kết luận hội nghị", "Giám đốc Sở"),
]

# fault → (rule code, element); every kind, both profiles unless PAPER_ONLY says otherwise.
PAPER_FAULTS = {
    "margin-top-30": ("margin-top", "page"),
    "font-arial-direct": ("font", "font"),
    "type-name-not-bold": ("bold", "type_name"),
    "summary-case": ("case", "summary"),
    "number-unpadded": ("number-form", "number"),
    "number-wrong-type": ("number-type", "number"),
    "date-unpadded": ("date-padding", "place_date"),
    "body-left": ("body-align", "body"),
    "body-12pt": ("body-size", "body"),
    "page-number-first": ("page-number-first", "page_number"),
    "recipients-14pt": ("size", "recipients_item"),
    "signer-prefix": ("signer-prefix", "signer_prefix"),
    "no-archive": ("recipients-archive", "recipients_item"),
}
# Faults only a signed document with a Nơi nhận can have (a programme has neither).
PAPER_SIGNED_ONLY = {"recipients-14pt", "signer-prefix", "no-archive"}
PAPER_FIXABLE = {
    "margin-top-30",
    "font-arial-direct",
    "number-unpadded",
    "date-unpadded",
    "body-left",
    "body-12pt",
    "recipients-14pt",
    "signer-prefix",
    "page-number-first",
}


def paper_faults(kind: str) -> list[str]:
    return sorted(f for f in PAPER_FAULTS if kind != "programme" or f not in PAPER_SIGNED_ONLY)


def paper_number(kind: str, profile: str, faults: set[str]) -> str:
    code = "TB" if "number-wrong-type" in faults else _CODES[kind]
    number = "5" if "number-unpadded" in faults else "05"
    issuer = PAPER_TEXT[profile]["issuer_code"]
    return f"Số: {number}/{code}-{issuer}" if profile == "state" else f"Số {number}-{code}/{issuer}"


def paper_date(faults: set[str]) -> str:
    day = "5" if "date-unpadded" in faults else "05"
    return f"Lạng Sơn, ngày {day} tháng 12 năm 2022"


def paper_where(kind: str, profile: str, fault: str) -> str:
    """Words of the paragraph the fault must be located at ('' for page setup)."""
    t = PAPER_TEXT[profile]
    f = {fault}
    return {
        "font-arial-direct": paper_body(kind, profile)[0],
        "type-name-not-bold": {"invitation": "GIẤY MỜI", "programme": "CHƯƠNG TRÌNH"}.get(
            kind, "TỜ TRÌNH"
        ),
        "summary-case": paper_summary(kind, profile)[1:30],
        "number-unpadded": paper_number(kind, profile, f),
        "number-wrong-type": paper_number(kind, profile, f),
        "date-unpadded": paper_date(f),
        "body-left": paper_body(kind, profile)[0],
        "body-12pt": paper_body(kind, profile)[0],
        "recipients-14pt": t["items"][0],
        "signer-prefix": t["bad_prefix"],
        "no-archive": t["items"][-1],
    }.get(fault, "")


def make_paper(
    path: Path,
    kind: str,
    profile: str = "state",
    *,
    layout: str = "table",
    fault: str | set[str] | None = None,
) -> Path:
    """A giấy mời, chương trình or tờ trình of a Sở (state) or a Tỉnh ủy's Ban (party) as a
    clerk types it: body text from a paragraph style, the header in a borderless table or in
    tab columns, the signature in a table or in indented paragraphs."""
    f = _faults(fault)
    t = PAPER_TEXT[profile]
    rules_line = (18, "exact") if profile == "party" else (1.15, "auto")
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    normal.paragraph_format.space_after = Pt(0)
    body_style = doc.styles.add_style("Noi dung", WD_STYLE_TYPE.PARAGRAPH)
    body_style.base_style = normal
    body_fmt = body_style.paragraph_format
    body_fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT if "body-left" in f else WD_ALIGN_PARAGRAPH.JUSTIFY
    body_fmt.first_line_indent = Mm(10)
    body_fmt.space_after = Pt(6)
    body_fmt.line_spacing = Pt(rules_line[0]) if rules_line[1] == "exact" else rules_line[0]
    if "body-12pt" in f:
        body_style.font.size = Pt(12)

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(30 if "margin-top-30" in f else 20)
    section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)

    title_size = 13 if profile == "state" else 15
    header_size = 13 if profile == "state" else 14
    number_size = 13 if profile == "state" else 14
    number, date = paper_number(kind, profile, f), paper_date(f)
    left = [(t["parent"], False), (t["issuer"], True)]
    if profile == "party":
        left.append(("*", False))
    right = [(t["title"], title_size)] + ([(t["motto"], 14)] if t["motto"] else [])
    if layout == "table":
        table = doc.add_table(rows=2, cols=2)
        _no_borders(table)
        # About 40 % / 60 %, as the official template's 67.5 / 100 mm (the grid for
        # LibreOffice, each cell's width for Word).
        table.autofit = False
        for column, width in zip(table.columns, (Mm(65), Mm(100)), strict=True):
            column.width = width
            for cell in column.cells:
                cell.width = width
        for i, (text, bold) in enumerate(left):
            cell = table.cell(0, 0)
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            _center(p)
            _run(p, text, header_size, bold=bold)
        for i, (text, size) in enumerate(right):
            cell = table.cell(0, 1)
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            _center(p)
            _run(p, text, size, bold=True)
        p = table.cell(1, 0).paragraphs[0]
        _center(p)
        _run(p, number, number_size)
        p = table.cell(1, 1).paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER if profile == "state" else WD_ALIGN_PARAGRAPH.RIGHT
        _run(p, date, 14, italic=True)
    else:
        rows = [
            (left[i] if i < len(left) else ("", False), right[i] if i < len(right) else ("", 14))
            for i in range(max(len(left), len(right)))
        ]
        rows.append(((number, False), (date, 14)))
        for i, ((ltext, lbold), (rtext, rsize)) in enumerate(rows):
            p = doc.add_paragraph()
            p.paragraph_format.tab_stops.add_tab_stop(Mm(32), WD_TAB_ALIGNMENT.CENTER)
            p.paragraph_format.tab_stops.add_tab_stop(Mm(115), WD_TAB_ALIGNMENT.CENTER)
            last = i == len(rows) - 1
            _run(p, "\t")
            _run(p, ltext, number_size if last else header_size, bold=lbold)
            if rtext:
                _run(p, "\t")
                _run(p, rtext, rsize, bold=not last, italic=last)

    type_name = {"invitation": "GIẤY MỜI", "programme": "CHƯƠNG TRÌNH", "proposal": "TỜ TRÌNH"}
    p = doc.add_paragraph()
    _center(p)
    p.paragraph_format.space_before = Pt(12)
    _run(p, type_name[kind], 14 if profile == "state" else 16, bold="type-name-not-bold" not in f)
    summary = paper_summary(kind, profile)
    if "summary-case" in f:
        summary = (summary[0].upper() if profile == "party" else summary[0].lower()) + summary[1:]
    p = doc.add_paragraph()
    _center(p)
    _run(p, summary, 14, bold=True)
    p = doc.add_paragraph()
    _center(p)
    _run(p, "__________" if profile == "state" else "-----", 14)
    if kind == "proposal":
        p = doc.add_paragraph()
        _center(p)
        _run(p, "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn.", 14)
    for i, text in enumerate(paper_body(kind, profile)):
        p = doc.add_paragraph(style="Noi dung")
        if kind == "invitation" and i == 1:
            _center(p)
            p.paragraph_format.first_line_indent = Mm(0)
            _run(p, text, bold=True)
            continue
        _run(p, text, font="Arial" if "font-arial-direct" in f and i == 0 else None)
    if kind == "programme":
        table = doc.add_table(rows=len(PROGRAMME_ROWS), cols=3)
        table.style = doc.styles["Table Grid"]
        for r, row in enumerate(PROGRAMME_ROWS):
            for c, text in enumerate(row):
                cp = table.cell(r, c).paragraphs[0]
                cp.alignment = WD_ALIGN_PARAGRAPH.CENTER if r == 0 else WD_ALIGN_PARAGRAPH.LEFT
                _run(cp, text, 13, bold=r == 0)
    else:
        _paper_signature(doc, t, f, profile, layout)

    if "page-number-first" not in f:
        section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(p, 14)
    doc.save(path)
    return path


def _paper_signature(doc, t: dict, f: set[str], profile: str, layout: str) -> None:
    items = list(t["items"]) + ([] if "no-archive" in f else [t["archive"]])
    state = profile == "state"
    head_size, item_size = (12, 11) if state else (14, 12)
    if "recipients-14pt" in f:
        item_size = 14 if state else 15
    prefix = t["bad_prefix"] if "signer-prefix" in f else t["prefix"]
    signer = [(prefix, True), (t["position"], state), ("", False), ("", False), ("", False)]
    signer.append((t["name"], True))

    def head(p) -> None:
        run = _run(p, "Nơi nhận:", head_size, bold=state, italic=state)
        run.underline = not state

    if layout == "table":
        doc.add_paragraph()
        table = doc.add_table(rows=1, cols=2)
        _no_borders(table)
        left, right = table.cell(0, 0), table.cell(0, 1)
        head(left.paragraphs[0])
        for item in items:
            _run(left.add_paragraph(), item, item_size)
        for i, (text, bold) in enumerate(signer):
            p = right.paragraphs[0] if i == 0 else right.add_paragraph()
            _center(p)
            if text:
                _run(p, text, 14, bold=bold)
    else:
        for text, bold in signer:
            p = doc.add_paragraph()
            _center(p)
            p.paragraph_format.left_indent = Mm(85)
            if text:
                _run(p, text, 14, bold=bold)
        head(doc.add_paragraph())
        for item in items:
            _run(doc.add_paragraph(), item, item_size)


# The faulty sample shipped as seeds/du-thao-giay-moi.docx for trying `docgen check` (the README
# and the Vietnamese guide show its output): the usual mistakes of a draft typed in Word.
DEMO_FAULTS = {
    "font-arial-direct",
    "number-unpadded",
    "date-unpadded",
    "body-left",
    "recipients-14pt",
    "signer-prefix",
    "page-number-first",
}


def make_demo(path: Path) -> Path:
    return make_paper(path, "invitation", "state", layout="table", fault=DEMO_FAULTS)


if __name__ == "__main__":  # python tests/check_corpus.py seeds/du-thao-giay-moi.docx
    import sys

    print(make_demo(Path(sys.argv[1])))
