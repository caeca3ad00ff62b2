"""Sample DOCX files exercising what docgen's templates and clerks' edits use.

Shared by the PDF tests and ``benchmarks/bench_pdf.py`` so both measure the same documents.
Built with python-docx plus raw WordprocessingML where python-docx has no API (numbering,
borders, vMerge, tblHeader, fields).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt, RGBColor

BODY = (
    "Thực hiện Chương trình công tác năm 2024, ngày 05 tháng 02 năm 2024, Ủy ban nhân dân tỉnh "
    "tổ chức hội nghị sơ kết công tác quý I và triển khai nhiệm vụ trọng tâm quý II. Đồng chí "
    "Nguyễn Văn Hùng, Phó Chủ tịch Ủy ban nhân dân tỉnh chủ trì hội nghị; tham dự có lãnh đạo các "
    "sở, ban, ngành, đoàn thể tỉnh và Ủy ban nhân dân các huyện, thành phố. Sau khi nghe báo cáo "
    "của Sở Kế hoạch và Đầu tư và ý kiến phát biểu của các đại biểu, đồng chí chủ trì kết luận."
)
NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bích Ngọc",
    "Lê Hoàng Phúc",
    "Phạm Minh Đức",
    "Hoàng Thị Thu Hường",
    "Vũ Quốc Khánh",
    "Đặng Thị Lệ Quyên",
    "Bùi Xuân Trường",
]
UNITS = [
    "Trưởng phòng Tổ chức - Hành chính, Sở Tài chính",
    "Chuyên viên Phòng Kế hoạch, Sở Kế hoạch và Đầu tư",
    "Phó Chủ tịch Ủy ban nhân dân huyện Cao Lộc",
    "Giáo viên Trường Trung học phổ thông chuyên Chu Văn An",
]


def png_bytes(width: int = 120, height: int = 60, transparent: bool = False) -> bytes:
    """A small red-ring PNG (a stand-in for a seal), or a fully transparent one; no Pillow."""
    rows = []
    cx, cy, r = width / 2, height / 2, min(width, height) / 2 - 2
    px = 4 if transparent else 3
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            if transparent:
                row += bytes((255, 255, 255, 0))
                continue
            d = ((x - cx) ** 2 + (y - cy) ** 2) ** 0.5
            row += bytes((220, 30, 30)) if abs(d - r) < 2 else bytes((255, 255, 255))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + tag
            + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6 if px == 4 else 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _base(landscape: bool = False) -> docx.Document:
    d = docx.Document()
    st = d.styles["Normal"]
    st.font.name = "Times New Roman"
    st.font.size = Pt(14)
    rpr = st.element.get_or_add_rPr()
    rpr.rFonts.set(qn("w:hAnsi"), "Times New Roman")
    rpr.rFonts.set(qn("w:cs"), "Times New Roman")
    pf = st.paragraph_format
    pf.space_after = Pt(0)
    pf.line_spacing = 1.0
    s = d.sections[0]
    if landscape:
        s.orientation = WD_ORIENT.LANDSCAPE
        s.page_width, s.page_height = Mm(297), Mm(210)
    else:
        s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin = Mm(20), Mm(20)
    s.left_margin, s.right_margin = Mm(30), Mm(15)
    s.header_distance = Mm(10)
    s.footer_distance = Mm(10)
    return d


def add_field(paragraph, instr: str, simple: bool = False) -> None:
    """A PAGE/NUMPAGES field, as fldSimple or as complex fldChar/instrText runs."""
    p = paragraph._p
    if simple:
        p.append(
            parse_xml(
                f'<w:fldSimple {nsdecls("w")} w:instr=" {instr} "><w:r><w:t>1</w:t>'
                "</w:r></w:fldSimple>"
            )
        )
        return
    for xml in (
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>',
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {nsdecls('w')}><w:t>9</w:t></w:r>",
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        p.append(parse_xml(xml))


def para_border(paragraph, side: str = "bottom", sz: int = 6, val: str = "single") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:{side} w:val="{val}" w:sz="{sz}" '
            'w:space="1" w:color="auto"/></w:pBdr>'
        )
    )


def _set_table_borders(table, val: str = "single") -> None:
    tblpr = table._tbl.tblPr
    for el in tblpr.findall(qn("w:tblBorders")):
        tblpr.remove(el)
    sides = "".join(
        f'<w:{s} w:val="{val}" w:sz="4" w:space="0" w:color="auto"/>'
        for s in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    tblpr.append(parse_xml(f"<w:tblBorders {nsdecls('w')}>{sides}</w:tblBorders>"))


def _grid(table, widths_mm: list[float]) -> None:
    grid = table._tbl.tblGrid
    for gc, wmm in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=False):
        gc.set(qn("w:w"), str(int(wmm / 25.4 * 1440)))
    for row in table.rows:
        for cell, wmm in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(wmm)


def _cell_text(
    cell,
    text: str,
    bold: bool = False,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    size: float = 13,
    italic: bool = False,
):
    p = cell.paragraphs[0]
    p.alignment = align
    first = True
    for line in text.split("\n"):
        if not first:
            p = cell.add_paragraph()
            p.alignment = align
        r = p.add_run(line)
        r.bold, r.italic = bold, italic
        r.font.size = Pt(size)
        first = False
    return p


def header_table(
    d,
    *,
    number: str | None = "Số: 05/TB-UBND",
    date: str | None = "Lạng Sơn, ngày 05 tháng 02 năm 2024",
) -> None:
    """The official two-column header: bodies + short rule | motto + rule; number | date."""
    t = d.add_table(rows=2 if number or date else 1, cols=2)
    _set_table_borders(t, "nil")
    _grid(t, [67.5, 100])
    left, right = t.rows[0].cells
    _cell_text(left, "ỦY BAN NHÂN DÂN", size=13)
    p = left.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run("TỈNH LẠNG SƠN")
    r.bold, r.font.size = True, Pt(13)
    p.paragraph_format.left_indent = Cm(1.6)
    p.paragraph_format.right_indent = Cm(1.6)
    para_border(p, "bottom")
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run("Độc lập - Tự do - Hạnh phúc")
    r.bold, r.font.size = True, Pt(13)
    p.paragraph_format.left_indent = Cm(1.85)
    p.paragraph_format.right_indent = Cm(1.85)
    para_border(p, "bottom")
    if number or date:
        a, b = t.rows[1].cells
        _cell_text(a, number or "", size=13)
        _cell_text(b, date or "", italic=True, size=14)
        a.paragraphs[0].paragraph_format.space_before = Pt(6)
        b.paragraphs[0].paragraph_format.space_before = Pt(6)


def _numbering(d) -> dict[str, str]:
    """Add abstractNums for decimal "%1." / "%1.%2.", lowerLetter "%1)", upperRoman, bullet."""
    numbering = d.part.numbering_part.element
    defs = {
        "90": [("decimal", "%1."), ("decimal", "%1.%2."), ("lowerLetter", "%3)")],
        "91": [("upperRoman", "%1."), ("lowerRoman", "%2.")],
        "92": [("bullet", "-")],
        "93": [("upperLetter", "%1.")],
    }
    first_num = numbering.find(qn("w:num"))
    ids = {}
    for aid, levels in defs.items():
        lv = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{720 + 360 * i}" w:hanging="360"/></w:pPr></w:lvl>'
            for i, (fmt, text) in enumerate(levels)
        )
        el = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}">'
            f'<w:multiLevelType w:val="multilevel"/>{lv}</w:abstractNum>'
        )
        if first_num is not None:
            first_num.addprevious(el)
        else:
            numbering.append(el)
        nid = str(100 + int(aid))
        numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{nid}"><w:abstractNumId w:val="{aid}"/></w:num>'
            )
        )
        ids[aid] = nid
    # a restart of the decimal list: same abstractNum, startOverride 1
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="200"><w:abstractNumId w:val="90"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        )
    )
    ids["restart"] = "200"
    return ids


def numbered(d, text: str, num_id: str, ilvl: int = 0):
    p = d.add_paragraph(text)
    ppr = p._p.get_or_add_pPr()
    ppr.append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
        )
    )
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return p


def body_para(d, text: str = BODY):
    p = d.add_paragraph(text)
    pf = p.paragraph_format
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.first_line_indent = Cm(1)
    pf.space_after = Pt(6)
    pf.widow_control = True
    return p


def page_number_header(d, simple: bool = False) -> None:
    """Different first page; PAGE centred in the top margin from page 2."""
    s = d.sections[0]
    s.different_first_page_header_footer = True
    hp = s.header.paragraphs[0]
    hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_field(hp, "PAGE", simple=simple)
    for r in hp.runs:
        r.font.size = Pt(13)
    s.first_page_header.paragraphs[0].text = ""


def signature(
    d,
    left_title: str = "THƯ KÝ",
    right_title: str = "CHỦ TỌA",
    left_name: str = "Trần Thị Bích Ngọc",
    right_name: str = "Nguyễn Văn Hùng",
    recipients: bool = True,
) -> None:
    t = d.add_table(rows=1, cols=2)
    _set_table_borders(t, "nil")
    _grid(t, [80, 85])
    a, b = t.rows[0].cells
    if recipients:
        p = _cell_text(
            a, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT
        )
        for item in (
            "- Thường trực Tỉnh ủy;",
            "- Chủ tịch, các PCT UBND tỉnh;",
            "- Các sở, ban, ngành;",
            "- Lưu: VT, KGVX.",
        ):
            q = a.add_paragraph()
            r = q.add_run(item)
            r.font.size = Pt(11)
        del p
    else:
        _cell_text(a, left_title, bold=True, size=14)
        for _ in range(3):
            a.add_paragraph()
        _cell_text_add(a, left_name)
    _cell_text(b, right_title, bold=True, size=14)
    for _ in range(3):
        b.add_paragraph()
    _cell_text_add(b, right_name)


def _cell_text_add(cell, text: str) -> None:
    p = cell.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(text)
    r.bold = True


def official_notice(path: Path, paragraphs: int = 14) -> Path:
    """A multi-page Thông báo kết luận: header table, numbered conclusions, page numbers."""
    d = _base()
    page_number_header(d)
    header_table(d)
    p = d.add_paragraph()
    p.paragraph_format.space_before = Pt(12)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run("THÔNG BÁO")
    r.bold = True
    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(
        "Kết luận của đồng chí Nguyễn Văn Hùng, Phó Chủ tịch Ủy ban nhân dân tỉnh\n"
        "tại hội nghị sơ kết công tác quý I năm 2024"
    )
    r.bold = True
    p.paragraph_format.left_indent = Cm(0)
    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.left_indent = Cm(6.5)
    p.paragraph_format.right_indent = Cm(6.5)
    p.paragraph_format.space_after = Pt(12)
    para_border(p, "top")
    ids = _numbering(d)
    body_para(d)
    for i in range(paragraphs):
        numbered(d, f"Nhiệm vụ {i + 1}: " + BODY[: 180 + 13 * i], ids["90"], 0)
        if i % 3 == 0:
            numbered(
                d,
                "Giao Sở Tài chính chủ trì, phối hợp với các đơn vị liên quan tham mưu thực hiện.",
                ids["90"],
                1,
            )
            numbered(d, "Hoàn thành trước ngày 30 tháng 6 năm 2024.", ids["90"], 2)
        body_para(d)
    body_para(d, "Ủy ban nhân dân tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.")
    signature(d, right_title="TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG")
    d.save(path)
    return path


def _row_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def _cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))


def award_list(path: Path, rows: int = 300, landscape: bool = False) -> Path:
    """Danh sách khen thưởng: STT | Họ và tên | Chức vụ, đơn vị; header row repeats."""
    d = _base(landscape)
    page_number_header(d)
    header_table(d, number=None, date=None)
    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(12)
    r = p.add_run(
        "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC TẶNG BẰNG KHEN CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH"
    )
    r.bold = True
    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(
        "(Kèm theo Quyết định số 125/QĐ-UBND ngày 05 tháng 02 năm 2024 của Chủ tịch "
        "Ủy ban nhân dân tỉnh)"
    )
    r.italic = True
    p.paragraph_format.space_after = Pt(12)
    t = d.add_table(rows=1, cols=3)
    _set_table_borders(t)
    hdr = t.rows[0]
    _row_header(hdr)
    for cell, text in zip(hdr.cells, ("STT", "Họ và tên", "Chức vụ, đơn vị"), strict=True):
        _cell_text(cell, text, bold=True)
    groups = {0: "I. TẬP THỂ", max(rows // 10, 1): "II. CÁ NHÂN"}
    n = 0
    tr_proto = None
    for i in range(rows):
        if i in groups:
            row = t.add_row()
            a = row.cells[0].merge(row.cells[2])
            _cell_text(a, groups[i], bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
            n = 0
        n += 1
        row = t.add_row()
        _cant_split(row)
        c = row.cells
        _cell_text(c[0], str(n))
        _cell_text(c[1], f"{NAMES[i % len(NAMES)]} {i + 1}", align=WD_ALIGN_PARAGRAPH.LEFT)
        _cell_text(c[2], UNITS[i % len(UNITS)], align=WD_ALIGN_PARAGRAPH.LEFT)
        tr_proto = row
    del tr_proto
    _grid(t, [15, 60, 90] if not landscape else [20, 90, 157])
    d.save(path)
    return path


def award_list_fast(path: Path, rows: int) -> Path:
    """Same layout as :func:`award_list` but its rows written as raw XML (20,000 rows with
    python-docx's cell API take minutes; the benchmark needs the DOCX, not the API)."""
    award_list(path, rows=2)
    import zipfile
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    cell = (
        '<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:jc w:val="{jc}"/>'
        '</w:pPr><w:r><w:rPr><w:sz w:val="26"/></w:rPr><w:t>{t}</w:t></w:r></w:p></w:tc>'
    )
    out = []
    for i in range(rows):
        out.append(
            "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            + cell.format(w=850, jc="center", t=i + 1)
            + cell.format(w=3402, jc="left", t=escape(f"{NAMES[i % 8]} {i + 1}"))
            + cell.format(w=5102, jc="left", t=escape(UNITS[i % 4]))
            + "</w:tr>"
        )
    end = xml.rindex("</w:tbl>")
    xml = xml[:end] + "".join(out) + xml[end:]
    parts["word/document.xml"] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    return path


def features(path: Path) -> Path:
    """Every run/paragraph/table feature the engine claims, on a few pages."""
    d = _base()
    s = d.sections[0]
    fp = s.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    fp.add_run("Trang ")
    add_field(fp, "PAGE", simple=True)
    fp.add_run(" / ")
    add_field(fp, "NUMPAGES")
    p = d.add_paragraph()
    for text, attrs in (
        ("Đậm ", {"bold": True}),
        ("nghiêng ", {"italic": True}),
        ("gạch chân ", {"underline": True}),
        ("gạch ngang ", {"strike": True}),
        ("chữ đỏ ", {"color": "C00000"}),
        ("viết hoa ", {"all_caps": True}),
        ("chữ nhỏ ", {"small_caps": True}),
        ("mũ", {"superscript": True}),
        (" chỉ số", {"subscript": True}),
    ):
        r = p.add_run(text)
        for k, v in attrs.items():
            if k == "color":
                r.font.color.rgb = RGBColor.from_string(v)
            else:
                setattr(r.font if k not in ("bold", "italic", "underline") else r, k, v)
    p = d.add_paragraph("Arial ")
    p.runs[0].font.name = "Arial"
    p.add_run("Courier New").font.name = "Courier New"
    p = d.add_paragraph("Trái\tPhải")
    p.paragraph_format.tab_stops.add_tab_stop(Cm(16.5), alignment=2)  # right
    p = d.add_paragraph("Dòng một")
    p.add_run().add_break()
    p.add_run("Dòng hai sau ngắt dòng")
    for align in (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT):
        d.add_paragraph(f"Căn lề {align}").alignment = align
    p = d.add_paragraph("Thụt lề treo: " + BODY[:200])
    p.paragraph_format.left_indent = Cm(2)
    p.paragraph_format.first_line_indent = Cm(-1)
    p.paragraph_format.right_indent = Cm(1)
    p = d.add_paragraph("Giãn dòng chính xác 20 pt: " + BODY[:250])
    p.paragraph_format.line_spacing = Pt(20)
    p = d.add_paragraph("Giãn dòng 1,5: " + BODY[:250])
    p.paragraph_format.line_spacing = 1.5
    p = d.add_paragraph("Đoạn có nền và viền trên dưới.")
    p._p.get_or_add_pPr().append(
        parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="DDEEFF"/>')
    )
    para_border(p, "top")
    para_border(p, "bottom", sz=12, val="double")
    ids = _numbering(d)
    for i in range(3):
        numbered(d, f"Mục La Mã {i + 1}", ids["91"], 0)
        numbered(d, "Mục la mã thường", ids["91"], 1)
    for i in range(2):
        numbered(d, f"Gạch đầu dòng {i}", ids["92"])
        numbered(d, f"Chữ cái hoa {i}", ids["93"])
    numbered(d, "Danh sách số", ids["90"])
    numbered(d, "Danh sách số (2)", ids["90"])
    numbered(d, "Bắt đầu lại", ids["restart"])
    h = d.add_paragraph("Tiêu đề giữ với đoạn sau")
    h.paragraph_format.keep_with_next = True
    h.runs[0].bold = True
    body_para(d)
    # table: gridSpan, vMerge, shading, vAlign, cell margins
    t = d.add_table(rows=4, cols=3)
    _set_table_borders(t)
    t.cell(0, 0).merge(t.cell(0, 2)).paragraphs[0].text = "Gộp ngang ba cột"
    t.cell(1, 0).merge(t.cell(3, 0)).paragraphs[0].text = "Gộp dọc"
    for r in range(1, 4):
        t.cell(r, 1).paragraphs[0].text = f"Hàng {r}"
        t.cell(r, 2).paragraphs[0].text = "Ô có nền" if r == 2 else f"Ô {r}"
    tcpr = t.cell(2, 2)._tc.get_or_add_tcPr()
    tcpr.append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:fill="FFF2CC"/>'))
    tcpr.append(parse_xml(f'<w:vAlign {nsdecls("w")} w:val="center"/>'))
    tcpr = t.cell(3, 2)._tc.get_or_add_tcPr()
    tcpr.append(parse_xml(f'<w:tcMar {nsdecls("w")}><w:left w:w="400" w:type="dxa"/></w:tcMar>'))
    tcpr.append(parse_xml(f'<w:tcBorders {nsdecls("w")}><w:bottom w:val="nil"/></w:tcBorders>'))
    _grid(t, [40, 60, 65])
    p = d.add_paragraph("Con dấu: ")
    import io

    p.add_run().add_picture(io.BytesIO(png_bytes()), width=Cm(3))
    p = d.add_paragraph("Sang trang mới bằng ngắt trang")
    p.add_run().add_break(WD_BREAK.PAGE)
    p.add_run("Sau ngắt trang.")
    p = d.add_paragraph("Đoạn bắt đầu trang mới")
    p.paragraph_format.page_break_before = True
    for _ in range(6):
        body_para(d)
    d.save(path)
    return path


def minutes(path: Path, paragraphs: int = 10) -> Path:
    """Biên bản: number without a date line, sections of content, THƯ KÝ / CHỦ TỌA."""
    d = _base()
    page_number_header(d, simple=True)
    header_table(d, date=None, number="Số: 12/BB-UBND")
    for text, bold in (("BIÊN BẢN", True), ("Hội nghị sơ kết công tác quý I năm 2024", True)):
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(text).bold = bold
    for i in range(paragraphs):
        p = d.add_paragraph()
        p.paragraph_format.space_before = Pt(6)
        p.paragraph_format.keep_with_next = True
        p.add_run(f"{i + 1}. Nội dung thứ {i + 1}").bold = True
        body_para(d)
        if i % 2:
            body_para(d, BODY[:300])
    body_para(d, "Cuộc họp kết thúc vào 11 giờ 30 phút, ngày 05 tháng 02 năm 2024./.")
    signature(d, recipients=False)
    d.save(path)
    return path


SAMPLES = {
    "official_notice": official_notice,
    "minutes": minutes,
    "features": features,
}


def build_all(directory: Path) -> dict[str, Path]:
    """Write every sample (plus a 300-row award list) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    out = {name: fn(directory / f"{name}.docx") for name, fn in SAMPLES.items()}
    out["award_list_300"] = award_list(directory / "award_list_300.docx", 300)
    return out
