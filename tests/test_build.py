"""`docgen build`: the sample's ten documents, read back with python-docx against the spec.

Every format fact asserted here is from shared/spec/official-format.md §1–§3: A4, margins
20/20/30/15 mm, Times New Roman, the header's sizes and weights per profile, the number and
date forms, the page number in the header from page 2, the list's repeated header row.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from docgen.build import build
from docgen.cli import main
from docgen.errors import DocgenError
from docgen.loader import load_meeting
from docgen.vietnamese import count2

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"

DATE_LINE = re.compile(r"^Lạng Sơn, ngày \d{2} tháng (0[12]|[3-9]|1[012]) năm \d{4}$")


@pytest.fixture(scope="module")
def record():
    return load_meeting(SAMPLE)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "out"
    result = build(SAMPLE, output=out, formats="docx")
    assert result.folder == out
    return out


@pytest.fixture(scope="module")
def state_meeting(tmp_path_factory, record) -> Path:
    """The sample with its minutes and notice issued by the provincial People's Committee."""
    data = yaml.safe_load(SAMPLE.read_text("utf-8"))
    for doc in ("minutes", "notice"):
        data["documents"][doc]["issuer"] = "ubnd"
    data["documents"]["notice"]["signer"] = {
        "prefix": "TL",
        "on_behalf_of": "CHỦ TỊCH",
        "position": "CHÁNH VĂN PHÒNG",
        "name": "Nguyễn Văn Bình",
    }
    folder = tmp_path_factory.mktemp("state")
    path = folder / "hop-ubnd.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    out = folder / "out"
    build(path, output=out, formats="docx", only="minutes,notice")
    return out


# ---------------------------------------------------------------------------------------------
# Reading helpers
# ---------------------------------------------------------------------------------------------


def all_paragraphs(doc):
    """Body paragraphs in order, including those inside tables."""

    def walk(container):
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                for row in block.rows:
                    seen = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        yield from walk(cell)
            else:
                yield block

    yield from walk(doc)


def texts(doc) -> list[str]:
    return [p.text for p in all_paragraphs(doc)]


def full_text(doc) -> str:
    return "\n".join(texts(doc))


def paragraph_with(doc, needle: str):
    for p in all_paragraphs(doc):
        if needle in p.text:
            return p
    raise AssertionError(f"no paragraph holds {needle!r}")


def exactly(doc, text: str):
    """The one paragraph whose whole text is ``text`` (signature lines, headings)."""
    hits = [p for p in all_paragraphs(doc) if p.text == text]
    assert len(hits) == 1, (text, len(hits))
    return hits[0]


def size(paragraph) -> float:
    sizes = {r.font.size.pt for r in paragraph.runs if r.text.strip() and r.font.size}
    assert len(sizes) == 1, (paragraph.text, sizes)
    return sizes.pop()


def bold(paragraph) -> bool:
    return all(r.font.bold for r in paragraph.runs if r.text.strip())


def italic(paragraph) -> bool:
    return all(r.font.italic for r in paragraph.runs if r.text.strip())


def header_cells(doc):
    table = doc.tables[0]
    cells = []
    for row in table.rows:
        cells.extend(row.cells)
    return table, cells


def check_page(doc) -> None:
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    assert abs(section.page_height - Mm(297)) < Mm(0.5)
    for value, mm in (
        (section.top_margin, 20),
        (section.bottom_margin, 20),
        (section.left_margin, 30),
        (section.right_margin, 15),
    ):
        assert abs(value - Mm(mm)) < Mm(0.2), (value, mm)
    # Page numbers: a PAGE field in the default header, centred; page 1's header is empty.
    assert section.different_first_page_header_footer
    sect_pr = section._sectPr
    assert sect_pr.find(qn("w:titlePg")) is not None
    header = section.header
    xml = header._element.xml
    assert "PAGE" in xml and ("fldChar" in xml or "fldSimple" in xml)
    assert header.paragraphs[0].alignment == 1  # WD_ALIGN_PARAGRAPH.CENTER
    assert all(not p.text.strip() for p in section.first_page_header.paragraphs)
    assert "PAGE" not in section.first_page_header._element.xml


def check_fonts(doc) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(".//" + qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        assert fonts.get(qn(attr)) == "Times New Roman"
    for p in all_paragraphs(doc):
        for r in p.runs:
            assert r.font.name in (None, "Times New Roman"), (p.text, r.font.name)


def check_borderless(table) -> None:
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None
    for side in borders:
        assert side.get(qn("w:val")) in ("nil", "none")


def check_state_header(doc, *, number_prefix: str | None, dated: bool) -> None:
    table, cells = header_cells(doc)
    check_borderless(table)
    widths = [c.width for c in table.rows[0].cells]
    assert 0.35 < widths[0] / sum(widths) < 0.45  # about 40 % / 60 %
    left, right = cells[0], cells[1]
    issuer = left.paragraphs[
        [p.text for p in left.paragraphs].index("ỦY BAN NHÂN DÂN\nTỈNH LẠNG SƠN")
    ]
    assert bold(issuer) and size(issuer) in (12, 13)
    title = paragraph_with(doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert bold(title) and size(title) in (12, 13)
    motto = paragraph_with(doc, "Độc lập - Tự do - Hạnh phúc")
    assert bold(motto) and size(motto) in (13, 14)
    assert motto in right.paragraphs or motto._p in [p._p for p in right.paragraphs]
    # Short rules: paragraphs with a bottom border narrower than their cell.
    rules = [p for p in all_paragraphs(doc) if p._p.find(".//" + qn("w:bottom")) is not None]
    assert len(rules) >= 2
    number_cell, date_cell = table.rows[1].cells
    number = number_cell.paragraphs[0]
    if number_prefix is None:
        assert not number.text.strip()
    else:
        assert number.text.startswith(number_prefix)
        assert re.fullmatch(r"Số: \d{2,}/[^\s/-]+-[^\s/]+", number.text), number.text
        assert size(number) == 13
    date = date_cell.paragraphs[0]
    if dated:
        assert DATE_LINE.match(date.text), date.text
        assert italic(date) and size(date) in (13, 14)
    else:
        assert not date.text.strip()
        assert not any(DATE_LINE.match(t) for t in texts(doc))


def check_party_header(doc, *, numbered: bool, dated: bool) -> None:
    table, cells = header_cells(doc)
    check_borderless(table)
    left, right = cells[0], cells[1]
    lines = [p.text for p in left.paragraphs if p.text.strip()]
    assert lines[0] == "TỈNH ỦY LẠNG SƠN"
    parent = left.paragraphs[[p.text for p in left.paragraphs].index("TỈNH ỦY LẠNG SƠN")]
    assert not bold(parent) and size(parent) == 14
    issuer = left.paragraphs[[p.text for p in left.paragraphs].index(lines[1])]
    assert bold(issuer) and size(issuer) == 14
    assert lines[2] == "*"
    if numbered:
        assert re.fullmatch(r"Số \d{2,}-[^\s/]+/[^\s/]+", lines[3]), lines[3]
        assert size(left.paragraphs[[p.text for p in left.paragraphs].index(lines[3])]) == 14
    else:
        assert len(lines) == 3
    title = right.paragraphs[0]
    assert title.text == "ĐẢNG CỘNG SẢN VIỆT NAM" and bold(title) and size(title) == 15
    assert right.paragraphs[1]._p.find(".//" + qn("w:bottom")) is not None  # the rule
    dates = [p for p in right.paragraphs[1:] if p.text.strip()]
    if dated:
        assert len(dates) == 1 and DATE_LINE.match(dates[0].text)
        assert italic(dates[0]) and size(dates[0]) == 14
    else:
        assert not dates
        assert not any(DATE_LINE.match(t) for t in texts(doc))
    assert "CỘNG HÒA" not in full_text(doc)


def check_body(doc, needle: str) -> None:
    """Running text: justified, 1 cm first-line indent, at least 6 pt after."""
    p = paragraph_with(doc, needle)
    fmt = p.paragraph_format
    assert p.alignment == 3  # JUSTIFY
    assert abs(fmt.first_line_indent - Mm(10)) < Mm(0.3)
    assert fmt.space_after >= Pt(6)


def check_recipients(doc, expected: list[str]) -> None:
    lines = texts(doc)
    for item in expected:
        hits = [t for t in lines if t.startswith("- ") and t[2:].rstrip(";,.") == item]
        assert len(hits) == 1, (item, hits)
    assert sum(1 for t in lines if t.startswith("- Lưu")) == 1


def list_rows(doc):
    """(group label, [(stt, name, detail)]) for the list table."""
    table = doc.tables[-1]
    groups: list[tuple[str, list[tuple[str, str, str]]]] = []
    for row in table.rows[1:]:
        cells = [c.text for c in row.cells]
        if len({id(c._tc) for c in row.cells}) == 1:
            groups.append((cells[0], []))
        else:
            groups[-1][1].append(tuple(cells))
    return table, groups


# ---------------------------------------------------------------------------------------------
# The sample
# ---------------------------------------------------------------------------------------------


def test_sample_build_writes_minutes_notice_and_four_decisions_and_lists(built, record) -> None:
    names = sorted(p.name for p in built.glob("*.docx"))
    keys = [g.key for g in record.awards]
    proposed = [g.key for g in record.awards if g.proposal is not None]
    assert names == sorted(
        ["01-bien-ban.docx", "02-thong-bao-ket-luan.docx"]
        + [f"03-quyet-dinh-{k}.docx" for k in keys]
        + [f"04-danh-sach-{k}.docx" for k in keys]
        + ["06-giay-moi.docx", "07-chuong-trinh.docx", "09-ban-tin.docx"]
        + [f"08-to-trinh-{k}.docx" for k in proposed]
    )
    assert len(proposed) == 3  # the contest's award has no tờ trình: its decision keeps its line
    assert all(n.isascii() for n in names)


def test_lists_hold_every_recipient(built, record) -> None:
    collectives = individuals = 0
    for group in record.awards:
        doc = Document(built / f"04-danh-sach-{group.key}.docx")
        _table, groups = list_rows(doc)
        labels = [label for label, _ in groups]
        assert labels == ["I. TẬP THỂ", "II. CÁ NHÂN"]
        (_, coll), (_, ind) = groups
        assert [r[0] for r in coll] == [str(i) for i in range(1, len(coll) + 1)]
        assert [r[0] for r in ind] == [str(i) for i in range(1, len(ind) + 1)]
        assert [r[1] for r in coll] == [c.name for c in group.collectives]
        assert [r[1] for r in ind] == [p.name for p in group.individuals]
        collectives += len(coll)
        individuals += len(ind)
    assert (collectives, individuals) == (24, 28)


def test_each_decision_states_its_own_counts(built, record) -> None:
    for group in record.awards:
        doc = Document(built / f"03-quyet-dinh-{group.key}.docx")
        article = paragraph_with(doc, "Điều 1.")
        counts = (
            f"{count2(len(group.collectives))} tập thể và {count2(len(group.individuals))} cá nhân"
        )
        assert f"cho {counts} (có danh sách kèm theo)" in article.text
        assert f"Tặng {group.form} của {group.authority}" in article.text
        assert article.runs[0].text.strip() == "Điều 1." and article.runs[0].font.bold
    ubnd = Document(built / "03-quyet-dinh-ubnd-bang-khen.docx")
    assert "cho 09 tập thể và 11 cá nhân" in full_text(ubnd)


def test_state_decision_format(built, record) -> None:
    group = record.award("ubnd-bang-khen")
    doc = Document(built / f"03-quyet-dinh-{group.key}.docx")
    check_page(doc)
    check_fonts(doc)
    check_state_header(doc, number_prefix="Số: 2156/QĐ-UBND", dated=True)
    heading = paragraph_with(doc, "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN")
    assert bold(heading) and heading.alignment == 1
    assert paragraph_with(doc, "QUYẾT ĐỊNH").text == "QUYẾT ĐỊNH"
    assert paragraph_with(doc, "Về việc tặng Bằng khen").text.startswith("Về việc tặng Bằng khen")
    for ground in group.decision.grounds:
        assert italic(paragraph_with(doc, ground[:40]))
    assert "QUYẾT ĐỊNH:" in texts(doc)
    last = paragraph_with(doc, "Điều 3.")
    assert last.text.endswith("chịu trách nhiệm thi hành Quyết định này./.")
    check_body(doc, "Điều 1.")
    # Signature: TM./KT. line, position and name all bold, state wording.
    for line in ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Dương Xuân Huyên"):
        assert bold(exactly(doc, line)), line
    head = paragraph_with(doc, "Nơi nhận:")
    assert bold(head) and italic(head) and size(head) == 12
    assert size(paragraph_with(doc, "- Như Điều 3;")) == 11
    check_recipients(doc, group.decision.recipients)


def test_state_list_format(built, record) -> None:
    group = record.award("ubnd-bang-khen")
    doc = Document(built / f"04-danh-sach-{group.key}.docx")
    check_page(doc)
    check_fonts(doc)
    check_state_header(doc, number_prefix=None, dated=False)
    title = paragraph_with(doc, "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC TẶNG BẰNG KHEN")
    assert bold(title)
    sub = paragraph_with(doc, "(Kèm theo Quyết định số 2156/QĐ-UBND ngày 08 tháng 12 năm 2022")
    assert italic(sub) and sub.alignment == 1 and sub.text.endswith(")")
    table, _groups = list_rows(doc)
    header = table.rows[0]
    assert [c.text for c in header.cells] == ["STT", "Tên tập thể / Họ và tên", "Chức vụ, đơn vị"]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    for row in table.rows:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert all(side.get(qn("w:val")) == "single" for side in borders)


@pytest.mark.parametrize("key", ["bcd-ttdn-giay-khen", "bcd35-giay-khen", "bcd35-cuoc-thi"])
def test_party_decision_and_list_format(built, record, key) -> None:
    group = record.award(key)
    doc = Document(built / f"03-quyet-dinh-{key}.docx")
    check_page(doc)
    check_fonts(doc)
    check_party_header(doc, numbered=True, dated=True)
    assert paragraph_with(doc, "về việc tặng Giấy khen").text.startswith("về việc")
    assert "-----" in texts(doc)
    article = paragraph_with(doc, "Điều 2.")
    assert article.text.endswith("Quyết định này.") and not article.text.endswith("./.")
    prefix = paragraph_with(doc, "T/M BAN CHỈ ĐẠO")
    assert bold(prefix) and size(prefix) == 14
    assert not bold(exactly(doc, "TRƯỞNG BAN"))  # [HD36]: the position is not bold
    head = paragraph_with(doc, "Nơi nhận:")
    assert all(r.font.underline for r in head.runs if r.text.strip()) and size(head) == 14
    assert size(paragraph_with(doc, group.decision.recipients[0])) == 12
    check_recipients(doc, group.decision.recipients)
    check_body(doc, "Điều 1.")

    listing = Document(built / f"04-danh-sach-{key}.docx")
    check_page(listing)
    check_party_header(listing, numbered=False, dated=False)
    table, _ = list_rows(listing)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_party_minutes_format(built, record) -> None:
    doc = Document(built / "01-bien-ban.docx")
    check_page(doc)
    check_fonts(doc)
    check_party_header(doc, numbered=True, dated=False)
    assert paragraph_with(doc, "Số 07-BB/BCĐ35")
    assert paragraph_with(doc, "BIÊN BẢN").text == "BIÊN BẢN"
    for signs in ("NGƯỜI GHI BIÊN BẢN", "CHỦ TRÌ HỘI NGHỊ"):
        assert bold(exactly(doc, signs))
    lines = texts(doc)
    assert "Lăng Thị Minh Thư" in lines and "Hoàng Văn Nghiệm" in lines
    closing = paragraph_with(doc, "kết thúc vào 11 giờ 30")
    assert closing.text == "Hội nghị kết thúc vào 11 giờ 30, ngày 12 tháng 12 năm 2022."
    check_body(doc, "Thời gian bắt đầu:")
    check_recipients(doc, record.documents.minutes.recipients)
    for report in record.reports:
        assert report.title in full_text(doc)


def test_party_notice_format(built, record) -> None:
    doc = Document(built / "02-thong-bao-ket-luan.docx")
    check_page(doc)
    check_fonts(doc)
    check_party_header(doc, numbered=True, dated=True)
    assert paragraph_with(doc, "Số 15-TB/BCĐ35")
    kind = paragraph_with(doc, "THÔNG BÁO")
    assert kind.text == "THÔNG BÁO" and bold(kind) and size(kind) in (15, 16)
    summary = paragraph_with(doc, "kết luận của đồng chí Hoàng Văn Nghiệm")
    assert bold(summary) and size(summary) in (14, 15)
    assert paragraph_with(doc, "kết luận như sau:")
    items = [t for t in texts(doc) if re.match(r"^\d+\. ", t)]
    assert len(items) == len(record.conclusion.assessment) + len(record.conclusion.directives)
    assert items[0].startswith("1. ")
    assert texts(doc)[texts(doc).index(items[-1]) + 1].endswith("biết, thực hiện.")
    for line in ("K/T TRƯỞNG BAN", "Phùng Quang Hội"):
        assert bold(exactly(doc, line))
    assert not bold(exactly(doc, "PHÓ TRƯỞNG BAN"))
    check_body(doc, "kết luận như sau:")
    check_recipients(doc, record.documents.notice.recipients)


def test_state_minutes_and_notice_format(state_meeting, record) -> None:
    minutes = Document(state_meeting / "01-bien-ban.docx")
    check_page(minutes)
    check_fonts(minutes)
    check_state_header(minutes, number_prefix="Số: 07/BB-UBND", dated=False)
    for signs in ("THƯ KÝ", "CHỦ TỌA"):
        sign = exactly(minutes, signs)
        assert bold(sign) and size(sign) == 14
    closing = paragraph_with(minutes, "kết thúc vào")
    assert closing.text.endswith("năm 2022./.")
    check_recipients(minutes, record.documents.minutes.recipients)

    notice = Document(state_meeting / "02-thong-bao-ket-luan.docx")
    check_page(notice)
    check_fonts(notice)
    check_state_header(notice, number_prefix="Số: 15/TB-UBND", dated=True)
    summary = paragraph_with(notice, "Kết luận của đồng chí Hoàng Văn Nghiệm")
    assert bold(summary) and summary.alignment == 1
    assert paragraph_with(notice, "thông báo để các cơ quan").text.endswith("thực hiện./.")
    for line in ("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Nguyễn Văn Bình"):
        assert bold(exactly(notice, line)), line
    check_recipients(notice, record.documents.notice.recipients)
    assert paragraph_with(notice, "- Lưu: VT, UBND.")


def test_text_is_nfc(built) -> None:
    import unicodedata

    for path in built.glob("*.docx"):
        text = full_text(Document(path))
        assert unicodedata.is_normalized("NFC", text), path.name


# ---------------------------------------------------------------------------------------------
# Options, folders and failures
# ---------------------------------------------------------------------------------------------


def test_cli_default_folder_only_and_templates_message(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--only", "list", "--format", "docx"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "output" / "lang-son-2022"
    assert sorted(p.name for p in folder.glob("*.docx")) == sorted(
        f"04-danh-sach-{g.key}.docx" for g in load_meeting(SAMPLE).awards
    )
    assert "built-in templates" in result.output
    assert str(folder) in result.output


def test_cli_rejects_an_unknown_document_or_format(tmp_path) -> None:
    runner = CliRunner()
    bad = runner.invoke(main, ["build", str(SAMPLE), "-o", str(tmp_path), "--only", "agenda"])
    assert bad.exit_code == 2 and "agenda" in bad.output
    bad = runner.invoke(main, ["build", str(SAMPLE), "-o", str(tmp_path), "--format", "odt"])
    assert bad.exit_code == 2 and "odt" in bad.output
    assert not any(tmp_path.iterdir())


def test_pdf_format_uses_the_pdf_engine(tmp_path) -> None:
    build(SAMPLE, output=tmp_path, formats="pdf", only="minutes", certificates=None)
    pdf = tmp_path / "01-bien-ban.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "01-bien-ban.docx").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "01-bien-ban.pdf"
    ]


def test_a_fault_in_the_pdf_engine_is_an_internal_error_with_a_log(tmp_path, monkeypatch) -> None:
    import tempfile

    from docgen.pdf.layout import Builder

    def broken(self, *args, **kwargs):  # a bug deep in the engine, not in the clerk's files
        raise KeyError("w:tblGrid")

    monkeypatch.setattr(Builder, "blocks", broken)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "-o", str(out), "--only", "minutes"])
    assert result.exit_code == 3, result.output  # docgen's fault, not bad input (2)
    assert "Traceback" not in result.output and "KeyError" in result.output
    logs = list(tmp_path.glob("docgen-error-*.log"))
    assert len(logs) == 1 and str(logs[0]) in result.output
    details = logs[0].read_text(encoding="utf-8")
    assert "while converting 01-bien-ban.docx to PDF" in details and "w:tblGrid" in details
    assert not out.exists() or not any(out.iterdir())  # nothing half-written


def test_a_damaged_docx_stays_a_located_bad_input_error(tmp_path) -> None:
    from docgen.build import pdf_converter

    build(SAMPLE, output=tmp_path, formats="docx", only="minutes", certificates=None)
    docx = (tmp_path / "01-bien-ban.docx").read_bytes()
    with pytest.raises(DocgenError) as caught:
        pdf_converter("builtin")([("01-bien-ban", docx[: len(docx) // 2])])
    assert "01-bien-ban.docx" in str(caught.value)  # which document, for exit status 2
    half = tmp_path / "half.docx"
    half.write_bytes(docx[: len(docx) // 2])
    result = CliRunner().invoke(main, ["pdf", str(half), "-o", str(tmp_path / "pdf")])
    assert result.exit_code == 2 and "half.docx" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "pdf" / "half.pdf").exists()


def test_build_includes_every_recipients_certificate(tmp_path) -> None:
    import pdfplumber

    result = CliRunner().invoke(
        main,
        ["build", str(SAMPLE), "-o", str(tmp_path), "--format", "docx", "--certificates", "full"],
    )
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "05-bang-khen-giay-khen-full.pdf"
    record = load_meeting(SAMPLE)
    names = [r.name for g in record.awards for r in g.recipients]
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) == len(names) == 52
        assert names[0] in doc.pages[0].extract_text()
        assert names[-1] in doc.pages[-1].extract_text()
    none = CliRunner().invoke(
        main,
        [
            "build",
            str(SAMPLE),
            "-o",
            str(tmp_path / "b"),
            "--format",
            "docx",
            "--certificates",
            "none",
        ],
    )
    assert none.exit_code == 0 and not list((tmp_path / "b").glob("05-*"))


def test_number_auto_draws_numbers_from_the_register_and_keeps_them(tmp_path) -> None:
    from docgen.register import Register

    book = tmp_path / "so-van-ban.sqlite"
    args = ["build", str(SAMPLE), "--format", "docx", "--certificates", "none"]
    args += ["--number", "auto", "--register", str(book)]
    first = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "a")])
    assert first.exit_code == 0, first.output
    minutes = Document(str(tmp_path / "a" / "01-bien-ban.docx"))
    text = "\n".join(c.text for t in minutes.tables for r in t.rows for c in r.cells)
    # The sample's party body BCĐ35 issues the minutes: its first BB number is 01.
    assert "Số 01-BB/BCĐ35" in text
    with Register(book) as register:
        entries = register.list()
    # minutes, notice, one decision per award group, invitation, programme, three tờ trình
    assert len(entries) == 2 + 4 + 2 + 3
    assert {e.file for e in entries if e.file} >= {
        "01-bien-ban.docx",
        "02-thong-bao-ket-luan.docx",
        "06-giay-moi.docx",
        "07-chuong-trinh.docx",
        "08-to-trinh-ubnd-bang-khen.docx",
    }
    codes = {(e.issuer, e.type_code) for e in entries}
    assert {("BCĐ35", "GM"), ("BCĐ35", "CTr"), ("SNV", "TTr"), ("BTGTU", "TTr")} <= codes
    # The decision carries the register's number, and cites the tờ trình by the number the
    # register gave it.
    qd = next(e for e in entries if e.file == "03-quyet-dinh-ubnd-bang-khen.docx")
    header = Document(str(tmp_path / "a" / "03-quyet-dinh-ubnd-bang-khen.docx")).tables[0]
    assert f"Số: {qd.number:02d}/QĐ-UBND" in "\n".join(c.text for r in header.rows for c in r.cells)
    tt = next(e for e in entries if e.file == "08-to-trinh-ubnd-bang-khen.docx")
    decision = Document(str(tmp_path / "a" / "03-quyet-dinh-ubnd-bang-khen.docx"))
    assert f"Tờ trình số {tt.number:02d}/TTr-SNV" in "\n".join(p.text for p in decision.paragraphs)
    # Building again for the same meeting gets the same numbers back, not new ones.
    again = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "b")])
    assert again.exit_code == 0, again.output
    with Register(book) as register:
        assert len(register.list()) == 11


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_pdf_engine(tmp_path) -> None:
    build(
        SAMPLE,
        output=tmp_path,
        formats="pdf",
        only="notice",
        pdf_engine="libreoffice",
        certificates=None,
    )
    assert (tmp_path / "02-thong-bao-ket-luan.pdf").read_bytes().startswith(b"%PDF")


def _edit_template(src: Path, dst: Path, old: bytes, new: bytes) -> None:
    import zipfile

    dst.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                assert old in data
                data = data.replace(old, new)
            zout.writestr(item, data)


def test_local_templates_folder_wins_and_missing_files_fall_back(tmp_path, monkeypatch) -> None:
    builtin = ROOT / "templates" / "party" / "minutes.docx"
    _edit_template(
        builtin,
        tmp_path / "templates" / "party" / "minutes.docx",
        "BIÊN BẢN</w:t>".encode(),
        "BIÊN BẢN HỘI NGHỊ</w:t>".encode(),
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["build", str(SAMPLE), "--only", "minutes,notice", "--format", "docx"]
    )
    assert result.exit_code == 0, result.output
    assert "./templates" in result.output
    assert "notice.docx (party) not there; used the built-in one" in result.output
    folder = tmp_path / "output" / "lang-son-2022"
    assert "BIÊN BẢN HỘI NGHỊ" in texts(Document(folder / "01-bien-ban.docx"))
    assert "THÔNG BÁO" in texts(Document(folder / "02-thong-bao-ket-luan.docx"))


def test_a_broken_template_stops_the_build_before_writing(tmp_path) -> None:
    templates = tmp_path / "mine"
    _edit_template(
        ROOT / "templates" / "party" / "notice.docx",
        templates / "party" / "notice.docx",
        b"{{ opening }}",
        b"{{ openning }}",
    )
    out = tmp_path / "out"
    with pytest.raises(DocgenError) as info:
        build(SAMPLE, output=out, formats="docx", templates=templates)
    message = str(info.value)
    assert "notice.docx" in message and "openning" in message
    assert not out.exists()


def test_missing_templates_folder_is_a_clear_error(tmp_path) -> None:
    result = CliRunner().invoke(
        main, ["build", str(SAMPLE), "-o", str(tmp_path / "o"), "--templates", "nope"]
    )
    assert result.exit_code == 2
    assert "templates init" in result.output


def test_hand_edited_output_is_protected(tmp_path) -> None:
    build(SAMPLE, output=tmp_path, formats="docx", only="minutes")
    target = tmp_path / "01-bien-ban.docx"
    target.write_bytes(target.read_bytes() + b"edited")
    with pytest.raises(DocgenError):
        build(SAMPLE, output=tmp_path, formats="docx", only="minutes")
    assert target.read_bytes().endswith(b"edited")
    result = build(SAMPLE, output=tmp_path, formats="docx", only="minutes", force=True)
    assert result.backups and not target.read_bytes().endswith(b"edited")


def test_a_sparse_meeting_builds_without_empty_sections(tmp_path) -> None:
    """No reports, discussion, co-chair, secretary or signer; one-sided award groups."""
    data = yaml.safe_load(SAMPLE.read_text("utf-8"))
    data.update(reports=[], discussion=[])
    data["roles"].update(co_chairs=[], attendees=[], attendee_groups=[])
    data["roles"].pop("secretary")
    data["documents"]["notice"].pop("signer")
    data["awards"][0]["individuals"] = []
    data["awards"][1]["collectives"] = []
    path = tmp_path / "sparse.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    out = tmp_path / "out"
    build(path, output=out, formats="docx")
    notice = Document(out / "02-thong-bao-ket-luan.docx")
    body = [p.text for p in notice.paragraphs]
    opening = body.index(next(t for t in body if t.startswith("Sáng ngày")))
    assert body[opening + 1].startswith("Sau khi nghe")  # no empty "heard" paragraph
    key0, key1 = data["awards"][0]["key"], data["awards"][1]["key"]
    _t, groups = list_rows(Document(out / f"04-danh-sach-{key0}.docx"))
    assert [label for label, _ in groups] == ["I. TẬP THỂ"]
    _t, groups = list_rows(Document(out / f"04-danh-sach-{key1}.docx"))
    assert [label for label, _ in groups] == ["I. CÁ NHÂN"]
    article = paragraph_with(Document(out / f"03-quyet-dinh-{key0}.docx"), "Điều 1.")
    assert "cho 09 tập thể (có danh sách kèm theo)" in article.text
