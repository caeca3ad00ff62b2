"""``docgen templates check``: clerk-style broken templates each get a message a clerk can act on.

Templates are built here with python-docx the way Word leaves them (runs split mid-tag, a
bold half, spell-check marks), and every "no problems" verdict is backed by actually rendering
the template with docxtpl in docgen's sandbox.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docxtpl import DocxTemplate, RichText
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from docgen.errors import DocgenError
from docgen.sandbox import render_docx
from docgen.templatecheck import Problem, check_folder, check_template
from docgen.templatecheck import package as template_package

REPO = Path(__file__).resolve().parents[1]

MEETING = {
    "meeting": {"name": "Hội nghị tổng kết", "date": "05/02/2022", "place": "Lạng Sơn"},
    "rows": [{"name": "Nguyễn Văn A", "unit": "Sở Nội vụ"}, {"name": "Trần Thị B", "unit": "UBND"}],
    "nguoi_ky": "Lê Văn C",
    "show": True,
}


def make(tmp_path: Path, build: Callable, name: str = "t.docx") -> Path:
    document = Document()
    build(document)
    path = tmp_path / name
    document.save(path)
    return path


def render_text(path: Path, context: dict) -> str:
    """Render with docxtpl in docgen's sandbox and read every paragraph back (body and tables)."""
    template = DocxTemplate(path)
    render_docx(template, context, what=path.name)
    out = io.BytesIO()
    template.save(out)
    document = Document(io.BytesIO(out.getvalue()))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    for section in document.sections:
        texts += [p.text for p in section.header.paragraphs]
    return "\n".join(texts)


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


# ---------------------------------------------------------------------------------------------
# The three clerk mistakes the issue names


def test_misspelt_attribute_is_located_by_paragraph_text_and_suggests_the_name(tmp_path):
    def build(d):
        d.add_paragraph("Thời gian: {{ meeting.date }}")
        d.add_paragraph("Điều 1. Tặng bằng khen cho {{ meeting.nam }} đã có thành tích")

    problem = only(check_template(make(tmp_path, build), MEETING))
    loc = problem.location
    assert (loc.part, loc.paragraph, loc.table) == ("body", 2, None)
    # Shortened to ~60 characters so the clerk can Ctrl+F its start.
    assert loc.text.startswith("Điều 1. Tặng bằng khen cho {{ meeting.nam }}")
    assert len(loc.text) <= 60 and loc.text.endswith("…")
    assert "'nam'" in problem.message and "did you mean 'name'?" in problem.message
    assert str(problem).startswith(f'{problem.template}, body, paragraph 2: "Điều 1. Tặng')


def test_misspelt_top_level_variable_suggests_the_known_name(tmp_path):
    problem = only(
        check_template(make(tmp_path, lambda d: d.add_paragraph("{{ nguoi_ki }}")), MEETING)
    )
    assert "'nguoi_ki'" in problem.message and "did you mean 'nguoi_ky'?" in problem.message


def test_names_only_context_checks_top_level_names(tmp_path):
    path = make(tmp_path, lambda d: d.add_paragraph("{{ meting.nam }} {{ meeting.anything }}"))
    problem = only(check_template(path, {"meeting", "rows"}))
    assert "'meting'" in problem.message and "did you mean 'meeting'?" in problem.message


def test_missing_endfor_points_at_the_for_in_its_table_row(tmp_path):
    def build(d):
        d.add_paragraph("Danh sách:")
        table = d.add_table(rows=3, cols=2)
        table.cell(0, 0).text = "Họ và tên"
        table.cell(1, 0).text = "{%tr for r in rows %}"
        table.cell(2, 0).text = "{{ r.name }}"

    problem = only(check_template(make(tmp_path, build), MEETING))
    assert (problem.location.table, problem.location.row, problem.location.cell) == (1, 2, 1)
    assert "{%tr for r in rows %}" in problem.message
    assert "never closed" in problem.message and "{%tr endfor %}" in problem.message
    assert "body, table 1, row 2, cell 1" in str(problem)


def test_missing_endfor_in_body_points_at_the_for_paragraph(tmp_path):
    def build(d):
        d.add_paragraph("Mở đầu")
        d.add_paragraph("Các đại biểu: {% for r in rows %}{{ r.name }}, ")
        d.add_paragraph("Kết thúc")

    problem = only(check_template(make(tmp_path, build), MEETING))
    assert problem.location.paragraph == 2
    assert "{% for r in rows %}" in problem.message and "{% endfor %}" in problem.message


def test_tag_split_across_runs_with_different_formatting(tmp_path):
    def build(d):
        d.add_paragraph("Kính gửi")
        p = d.add_paragraph("Chủ trì: ")
        p.add_run("{{ meet")
        p.add_run("ing.name }}").bold = True

    problem = only(check_template(make(tmp_path, build), MEETING))
    assert problem.location.paragraph == 2
    assert problem.location.text == "Chủ trì: {{ meeting.name }}"
    assert "split across 2 runs with different formatting (bold)" in problem.message
    assert "retype it in one go" in problem.message.lower()


def test_tag_split_across_runs_with_the_same_formatting_and_spell_marks_is_fine(tmp_path):
    # Word splits runs for spell-check (proofErr) and editing sessions all the time; docxtpl joins
    # those runs itself, so reporting them would only teach clerks to ignore the check.
    def build(d):
        p = d.add_paragraph()
        p.add_run("Người ký: {{ ngu")
        p._p.append(OxmlElement("w:proofErr"))
        run = p.add_run("oi_ky }}")
        run._r.get_or_add_rPr().append(parse_xml(f'<w:lang {nsdecls("w")} w:val="vi-VN"/>'))

    path = make(tmp_path, build)
    assert check_template(path, MEETING) == []
    assert "Người ký: Lê Văn C" in render_text(path, MEETING)


def test_tag_broken_by_a_bookmark_is_reported(tmp_path):
    def build(d):
        p = d.add_paragraph()
        p.add_run("{{ nguoi")
        mark = OxmlElement("w:bookmarkStart")
        mark.set(qn("w:id"), "0")
        mark.set(qn("w:name"), "ky")
        p._p.append(mark)
        p.add_run("_ky }}")

    problem = only(check_template(make(tmp_path, build), MEETING))
    assert "{{ nguoi_ky }}" in problem.message and "a bookmark" in problem.message


def test_tag_split_across_paragraphs(tmp_path):
    def build(d):
        d.add_paragraph("Người ký: {{ nguoi")
        d.add_paragraph("_ky }}")

    problem = only(check_template(make(tmp_path, build), MEETING))
    assert problem.location.paragraph == 1
    assert "ends in a later one" in problem.message and "paragraph 2" in problem.message


def test_unclosed_print_tag(tmp_path):
    problem = only(
        check_template(make(tmp_path, lambda d: d.add_paragraph("Ký tên: {{ nguoi_ky }")), MEETING)
    )
    assert problem.location.paragraph == 1 and "never closed" in problem.message
    assert "'}}'" in problem.message


# ---------------------------------------------------------------------------------------------
# docxtpl's row / cell / paragraph tags


def test_tr_endfor_in_another_table(tmp_path):
    def build(d):
        first = d.add_table(rows=2, cols=1)
        first.cell(0, 0).text = "{%tr for r in rows %}"
        first.cell(1, 0).text = "{{ r.name }}"
        d.add_paragraph("Giữa hai bảng")
        second = d.add_table(rows=2, cols=1)
        second.cell(1, 0).text = "{%tr endfor %}"

    problem = only(check_template(make(tmp_path, build), MEETING))
    assert (problem.location.table, problem.location.row, problem.location.cell) == (1, 1, 1)
    assert "table 2, row 2, cell 1" in problem.message
    assert "a later row of the same table" in problem.message


def test_tr_for_closed_by_a_plain_endfor(tmp_path):
    def build(d):
        table = d.add_table(rows=3, cols=1)
        table.cell(0, 0).text = "{%tr for r in rows %}"
        table.cell(1, 0).text = "{{ r.name }}"
        table.cell(2, 0).text = "{% endfor %}"

    problem = only(check_template(make(tmp_path, build), MEETING))
    assert problem.location.row == 1 and "different kind of tag" in problem.message
    assert "{%tr endfor %}" in problem.message


def test_tr_tag_sharing_its_row_loses_the_text(tmp_path):
    def build(d):
        table = d.add_table(rows=3, cols=2)
        table.cell(0, 0).text = "{%tr for r in rows %}"
        table.cell(0, 1).text = "Ghi chú"
        table.cell(1, 0).text = "{{ r.name }}"
        table.cell(2, 0).text = "{%tr endfor %}"

    problem = only(check_template(make(tmp_path, build), MEETING))
    assert (problem.location.table, problem.location.row, problem.location.cell) == (1, 1, 1)
    assert "whole table row" in problem.message and '"Ghi chú"' in problem.message


def test_p_tag_sharing_its_paragraph_warns_the_text_is_lost(tmp_path):
    def build(d):
        d.add_paragraph("{%p if show %}Nội dung này sẽ mất")
        d.add_paragraph("Nội dung")
        d.add_paragraph("{%p endif %}")

    problem = only(check_template(make(tmp_path, build), MEETING))
    assert problem.location.paragraph == 1
    assert "whole paragraph" in problem.message and "Nội dung này sẽ mất" in problem.message


def test_plain_block_from_body_into_a_table_cell(tmp_path):
    def build(d):
        d.add_paragraph("{% if show %}")
        d.add_table(rows=1, cols=1).cell(0, 0).text = "{% endif %}"

    problem = only(check_template(make(tmp_path, build), MEETING))
    assert problem.location.paragraph == 1 and "table 1, row 1, cell 1" in problem.message


def test_space_after_percent_gets_a_hint(tmp_path):
    def build(d):
        table = d.add_table(rows=3, cols=1)
        table.cell(0, 0).text = "{% tr for r in rows %}"
        table.cell(1, 0).text = "{{ r.name }}"
        table.cell(2, 0).text = "{%tr endfor %}"

    problems = check_template(make(tmp_path, build), MEETING)
    first = problems[0]
    assert first.location.row == 1 and "no space between '{%' and 'tr'" in first.message


# ---------------------------------------------------------------------------------------------
# Parts, syntax, scopes


def test_error_in_first_page_header(tmp_path):
    def build(d):
        d.add_paragraph("{{ meeting.name }}")
        section = d.sections[0]
        section.different_first_page_header_footer = True
        section.first_page_header.paragraphs[0].text = "Trang đầu {% if show %}"
        section.footer.paragraphs[0].text = "{{ meeting.plac }}"

    problems = check_template(make(tmp_path, build), MEETING)
    assert len(problems) == 2, problems
    header, footer = problems
    assert header.location.part == "header (first page)" and header.location.paragraph == 1
    assert "header (first page), paragraph 1" in str(header)
    assert "{% if show %}" in header.message and "{% endif %}" in header.message
    assert footer.location.part == "footer" and "did you mean 'place'?" in footer.message


def test_text_box_is_checked(tmp_path):
    box = (
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape>'
        "<v:textbox><w:txbxContent><w:p><w:r><w:t>{{ meeting.nam }}</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    )

    def build(d):
        d.add_paragraph("Đầu")
        d.add_paragraph("Khung: ")._p.append(parse_xml(box))

    problem = only(check_template(make(tmp_path, build), MEETING))
    assert problem.location.part == "body (text box)" and problem.location.paragraph == 2
    assert "did you mean 'name'?" in problem.message


def test_bad_expression_located_with_hint(tmp_path):
    def build(d):
        d.add_paragraph("Mở đầu")
        d.add_table(rows=2, cols=2).cell(1, 1).text = "Ký: {{ nguoi ky }}"

    problem = only(check_template(make(tmp_path, build), MEETING))
    assert (problem.location.table, problem.location.row, problem.location.cell) == (1, 2, 2)
    assert "{{ nguoi ky }}" in problem.message and "cannot contain spaces" in problem.message


def test_one_run_reports_syntax_and_variable_mistakes_together(tmp_path):
    def build(d):
        d.add_paragraph("{% for r in rows %}{{ r.nam }}")
        d.add_paragraph("{% iff show %}")
        d.add_paragraph("{{ meeting.name | uper }}")

    messages = [p.message for p in check_template(make(tmp_path, build), MEETING)]
    assert any("never closed" in m and "{% for r in rows %}" in m for m in messages)
    assert any("did you mean 'name'?" in m and "r.nam" in m for m in messages)
    assert any("unknown tag 'iff'" in m and "Did you mean 'if'?" in m for m in messages)
    assert any("unknown filter 'uper'" in m and "did you mean 'upper'?" in m for m in messages)


def test_scopes_loop_set_and_macro_names_are_known_only_inside(tmp_path):
    def build(d):
        d.add_paragraph("{% for r in rows %}{{ loop.index }}. {{ r.unit }}{% endfor %}")
        d.add_paragraph("{% set tieu_de = meeting.name %}{{ tieu_de }}")
        d.add_paragraph("{% macro ky(ten) %}{{ ten }}{% endmacro %}{{ ky(nguoi_ky) }}")
        d.add_paragraph("{{ r }}")

    problem = only(check_template(make(tmp_path, build), MEETING))
    assert problem.location.paragraph == 4 and "'r'" in problem.message


def test_unknown_filter_reported_without_a_context(tmp_path):
    problem = only(check_template(make(tmp_path, lambda d: d.add_paragraph("{{ x|uper }}"))))
    assert "did you mean 'upper'?" in problem.message


# ---------------------------------------------------------------------------------------------
# No false positives: clean and docxtpl-special templates render


def build_valid(d):
    d.add_paragraph("{{ meeting.name|upper }}")
    d.add_paragraph("Thời gian: {{ meeting.date }}, tại {{ meeting.place }}.")
    d.add_paragraph("{%p if show %}")
    d.add_paragraph("Đoạn chỉ hiện khi show.")
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{% if meeting.place == “Lạng Sơn” %}Tỉnh miền núi{% endif %}")
    table = d.add_table(rows=4, cols=2)
    table.cell(0, 0).text = "STT"
    table.cell(0, 1).text = "Họ và tên"
    table.cell(1, 0).text = "{%tr for r in rows %}"
    table.cell(2, 0).text = "{{ loop.index }}"
    table.cell(2, 1).text = "{{r r.name }} ({{ r.unit }})"
    table.cell(3, 0).text = "{%tr endfor %}"
    d.add_paragraph("Người ký: {{ nguoi_ky }}")
    d.sections[0].header.paragraphs[0].text = "{{ meeting.date }}"


def test_clean_plain_template_has_no_problems(tmp_path):
    def build(d):
        d.add_paragraph("BIÊN BẢN {{ meeting.name }}")
        d.add_paragraph("Không có thẻ nào ở đây.")

    path = make(tmp_path, build)
    assert check_template(path, MEETING) == []
    assert "BIÊN BẢN Hội nghị tổng kết" in render_text(path, MEETING)


def test_docxtpl_special_template_is_clean_and_renders(tmp_path):
    path = make(tmp_path, build_valid)
    assert check_template(path, MEETING) == []
    context = dict(
        MEETING, rows=[dict(r, name=RichText(r["name"], bold=True)) for r in MEETING["rows"]]
    )
    text = render_text(path, context)
    assert "HỘI NGHỊ TỔNG KẾT" in text and "Đoạn chỉ hiện khi show." in text
    assert "Nguyễn Văn A" in text and "Trần Thị B (UBND)" in text and "Tỉnh miền núi" in text
    assert "{%" not in text and "{{" not in text


# ---------------------------------------------------------------------------------------------
# Files that are not templates


def test_not_a_docx(tmp_path):
    text = tmp_path / "notes.docx"
    text.write_text("không phải docx", encoding="utf-8")
    old = tmp_path / "old.docx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    missing = tmp_path / "nope.docx"
    assert "is not a Word document" in only(check_template(text)).message
    assert "Word 97–2003" in only(check_template(old)).message
    assert "no such file" in only(check_template(missing)).message


CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)


def test_zip_without_document_and_broken_xml(tmp_path):
    empty = tmp_path / "empty.docx"
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("hello.txt", "x")
    assert "not a Word file" in only(check_template(empty)).message
    bodiless = tmp_path / "bodiless.docx"
    with zipfile.ZipFile(bodiless, "w") as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("word/document.xml", f"<w:document {nsdecls('w')}/>")
    assert "no document body" in only(check_template(bodiless)).message
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("word/document.xml", "<w:document><w:body>")
    assert "the XML is damaged" in only(check_template(broken)).message


def test_entities_are_not_expanded(tmp_path):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "{{ x }}{{ x }}">'
        '<!ENTITY b "&a;&a;&a;&a;">]>'
        f"<w:document {nsdecls('w')}><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body>"
        "</w:document>"
    )
    path = tmp_path / "ent.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("word/document.xml", bomb)
    # Refused outright, as the build refuses it: the entity's {{ x }} is never read.
    message = only(check_template(path, {"y"})).message
    assert "DOCTYPE" in message and "{{ x }}" not in message


def test_zip_bomb_is_refused_without_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "word/document.xml", b"<" + b"a" * (template_package.MAX_PART_BYTES + 10) + b"/>"
        )
    assert path.stat().st_size < 1_000_000
    assert "larger than 50 MB" in only(check_template(path)).message


def test_lying_zip_directory_is_still_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(template_package, "MAX_PART_BYTES", 1000)
    path = make(tmp_path, lambda d: [d.add_paragraph("x" * 5000)])
    assert "larger than" in only(check_template(path)).message


# ---------------------------------------------------------------------------------------------
# Folders


def test_check_folder_skips_lock_files_and_uses_each_context(tmp_path):
    (tmp_path / "state").mkdir()
    make(tmp_path / "state", lambda d: d.add_paragraph("{{ meeting.nam }}"), "minutes.docx")
    make(tmp_path, lambda d: d.add_paragraph("{{ nguoi_ky }}"), "notice.docx")
    (tmp_path / "~$minutes.docx").write_bytes(b"\x00lock")
    seen = []

    def known_for(path):
        seen.append(path.name)
        return MEETING

    problems = check_folder(tmp_path, known_for)
    assert sorted(seen) == ["minutes.docx", "notice.docx"]
    problem = only(problems)
    assert problem.template == tmp_path / "state" / "minutes.docx"


def test_check_folder_missing_or_empty(tmp_path):
    assert "no such folder" in only(check_folder(tmp_path / "nope")).message
    assert "no templates here" in only(check_folder(tmp_path)).message


# ---------------------------------------------------------------------------------------------
# Differential: whatever the checker passes, docxtpl renders into well-formed XML


@st.composite
def near_valid_templates(draw) -> tuple[list[list], str]:
    """A valid template as units (["p", text] / ["table", rows]) and at most one clerk slip."""
    units: list[list] = []

    def body(depth: int, in_loop: bool) -> None:
        for _ in range(draw(st.integers(0, 3))):
            kinds = ["text", "var", "runif", "pif", "pfor", "table"] if depth < 2 else ["text"]
            kind = draw(st.sampled_from(kinds))
            if kind == "text":
                units.append(["p", "chữ"])
            elif kind == "var":
                units.append(["p", "{{ i }}" if in_loop else "{{ x }}"])
            elif kind == "runif":
                units.append(["p", "a {% if x %}{{ x }}{% else %}b{% endif %} c"])
            elif kind in ("pif", "pfor"):
                units.append(["p", "{%p if x %}" if kind == "pif" else "{%p for i in xs %}"])
                body(depth + 1, in_loop or kind == "pfor")
                units.append(["p", "{%p endif %}" if kind == "pif" else "{%p endfor %}"])
            else:
                wrap = draw(st.sampled_from([("for i in xs", "endfor"), ("if x", "endif")]))
                units.append(
                    ["table", ["STT", f"{{%tr {wrap[0]} %}}", "{{ x }}", f"{{%tr {wrap[1]} %}}"]]
                )

    body(0, False)
    slip = draw(st.sampled_from(["none", "drop", "swap", "plain", "typo", "split", "join", "move"]))
    if not units:
        return units, "none"
    i = draw(st.integers(0, len(units) - 1))
    j = draw(st.integers(0, len(units) - 1))
    unit = units[i]
    if slip == "drop":
        if unit[0] == "table":
            unit[1].pop(draw(st.integers(0, len(unit[1]) - 1)))
        else:
            units.pop(i)
    elif slip == "swap":
        units[i], units[j] = units[j], units[i]
    elif slip == "plain" and unit[0] == "p":
        unit[1] = unit[1].replace("{%p ", "{% ")
    elif slip == "typo" and unit[0] == "p":
        unit[1] = unit[1].replace("{{ x }}", "{{ xx }}").replace("{{ i }}", "{{ x.i }}")
    elif slip == "split" and unit[0] == "p" and len(unit[1]) > 1:
        k = draw(st.integers(1, len(unit[1]) - 1))
        units[i : i + 1] = [["p", unit[1][:k]], ["p", unit[1][k:]]]
    elif slip == "join" and i + 1 < len(units) and unit[0] == units[i + 1][0] == "p":
        units[i : i + 2] = [["p", unit[1] + " " + units[i + 1][1]]]
    elif slip == "move" and unit[0] == "p":
        tables = [u for u in units if u[0] == "table"]
        if tables:
            units.pop(i)
            tables[0][1].insert(draw(st.integers(0, len(tables[0][1]))), unit[1])
    else:
        slip = "none"
    return units, slip


def build_units(units: list[list]) -> Callable:
    def build(d):
        for kind, content in units:
            if kind == "p":
                d.add_paragraph(content)
            elif content:
                table = d.add_table(rows=len(content), cols=2)
                for r, text in enumerate(content):
                    table.cell(r, 0).text = text
                    table.cell(r, 1).text = "ô" if text == "{{ x }}" else ""

    return build


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=near_valid_templates())
def test_valid_templates_pass_and_whatever_passes_renders(case):
    """No false positives on valid templates; no template the checker passes breaks docxtpl."""
    units, slip = case
    context = {"x": 1, "xs": [1, 2]}
    with tempfile.TemporaryDirectory() as folder:
        path = make(Path(folder), build_units(units))
        problems = check_template(path, context)
        try:
            text = render_text(path, context)
            template = DocxTemplate(path)
            render_docx(template, context, what="t")
            out = Path(folder) / "out.docx"
            template.save(out)
            with zipfile.ZipFile(out) as z:
                etree.fromstring(z.read("word/document.xml"))
        except (DocgenError, etree.XMLSyntaxError):
            text = None
        if slip == "none":
            assert problems == [], "\n".join(map(str, problems))
        if not problems:
            assert text is not None, "the checker passed a template docxtpl cannot render"
            assert "{{" not in text and "{%" not in text


# ---------------------------------------------------------------------------------------------
# The built-in templates


def builtin_templates() -> list[Path]:
    return sorted(p for p in (REPO / "templates").rglob("*.docx") if not p.name.startswith("~$"))


def builtin_contexts() -> list[tuple[Path, dict]]:
    """(template, its real context from the Lạng Sơn sample) for every built-in template."""
    from docgen import documents
    from docgen.loader import load_meeting

    record = load_meeting(REPO / "seeds" / "lang-son-2022.yaml")
    out = []
    for doc in documents.TYPES:
        found, item = documents.sample_item(record, doc.key)
        assert found, doc.key
        for path in sorted((REPO / "templates").glob(f"*/{doc.template}")):
            out.append((path, doc.context(record, item)))
    return out


@pytest.mark.skipif(not builtin_templates(), reason="no built-in templates in templates/ yet")
def test_builtin_templates_check_clean_against_their_real_context():
    cases = builtin_contexts()
    assert len(cases) == len(builtin_templates())
    for path, context in cases:
        problems = check_template(path, context)
        assert problems == [], "\n\n".join(map(str, problems))


@pytest.mark.skipif(not builtin_templates(), reason="no built-in templates in templates/ yet")
def test_a_misspelt_name_in_each_builtin_template_is_caught(tmp_path):
    for path, context in builtin_contexts():
        document = Document(path)
        runs = [r for p in document.paragraphs for r in p.runs]
        runs += [r for t in document.tables for c in t._cells for p in c.paragraphs for r in p.runs]
        run = next(r for r in runs if re.search(r"\{\{ \w+ \}\}", r.text))
        name = re.search(r"\{\{ (\w+) \}\}", run.text).group(1)
        run.text = run.text.replace("{{ " + name + " }}", "{{ " + name + "x }}")
        broken = tmp_path / f"{path.parent.name}-{path.name}"
        document.save(broken)
        problem = only(check_template(broken, context))
        assert f"did you mean '{name}'?" in problem.message, problem
        assert f"{name}x" in problem.location.text


def test_what_only_compiling_finds_is_reported_once_at_its_paragraph(tmp_path):
    # A block defined twice parses; Jinja refuses it while generating code, which the check
    # runs once (for the names) rather than compiling the template a second time.
    def build(d):
        d.add_paragraph("{% block a %}{{ meeting.name }}{% endblock %}")
        d.add_paragraph("Giữa")
        d.add_paragraph("{% block a %}hai{% endblock %}")

    problem = only(check_template(make(tmp_path, build), MEETING))
    assert problem.location.paragraph == 3
    assert "'a'" in problem.message and "twice" in problem.message


@pytest.mark.parametrize("language", ["en", "vi"])
def test_every_problem_is_a_sentence_with_its_full_stop(tmp_path, language):
    """Each problem is a paragraph of its own in `templates check`: it ends as a sentence does,
    whichever check found it and whether or not a "did you mean" follows."""
    from docgen import i18n

    def syntax(d):
        p = d.add_paragraph("Chủ trì: ")
        p.add_run("{{ meet")
        p.add_run("ing.name }}").bold = True
        d.add_paragraph("{%tr for r in rows %}")
        d.add_paragraph("{% endfor %} }} {% if show %}")
        d.add_paragraph("Ký: {{ nguoi_ky")
        d.add_paragraph("}}")

    def names(d):
        d.add_paragraph("{{ meeting.nam }} {{ nguoi_ki }} {{ zzzz }} {{ meeting.name | uper }}")
        d.add_paragraph("{{ meeting.name | qqqqq }} {{ range(10 ** 9) | length }}")
        d.add_paragraph("{% for r in rows %}{{ r.name }}")

    i18n.set_language(language)
    try:
        problems = check_template(make(tmp_path, syntax, "a.docx"), MEETING)
        problems += check_template(make(tmp_path, names, "b.docx"), MEETING)
        problems += check_template(tmp_path / "missing.docx", MEETING)
        (tmp_path / "c.docx").write_bytes(b"not a zip")
        problems += check_template(tmp_path / "c.docx", MEETING)
    finally:
        i18n.set_language("en")
    assert len(problems) >= 12, problems
    unfinished = [str(p) for p in problems if not p.message.rstrip().endswith((".", "?", "!"))]
    assert not unfinished, "\n".join(unfinished)
