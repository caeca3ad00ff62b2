"""``docgen serve`` through Flask's test client: every route, the file rules, the guards."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from docgen.i18n import set_language
from docgen.loader import load_meeting, skeleton_text
from docgen.templates_dir import builtin_dir
from docgen.web import create_app
from web_support import broken_template, form_fields, token, working_folder

MEETING = "lang-son-2022.yaml"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return working_folder(tmp_path)


@pytest.fixture
def client(folder: Path):  # noqa: ANN201
    return create_app(folder).test_client()


def post_form(client, name: str, changes: dict[str, str], op: str = "save", **extra):  # noqa: ANN001, ANN003, ANN201
    """Post the meeting form as the page shows it, with ``changes`` typed in."""
    html = client.get(f"/m/{name}").get_data(as_text=True)
    pairs = [(k, changes.get(k, v)) for k, v in form_fields(html)]
    pairs += [(k, v) for k, v in changes.items() if k not in dict(pairs)]
    pairs.append(("_op", op))
    data: dict[str, list[str]] = {}
    for k, v in pairs:
        data.setdefault(k, []).append(v)
    data.update(extra)
    return client.post(f"/m/{name}", data=data)


def post_form_from(client, html: str, changes: dict[str, str], op: str, extra_pairs=()):  # noqa: ANN001, ANN201
    """Post the form shown in ``html`` (the page after an earlier button) with ``changes``."""
    pairs = [(k, changes.get(k, v)) for k, v in form_fields(html)]
    pairs += [(k, v) for k, v in changes.items() if k not in dict(pairs)]
    pairs += [p for p in extra_pairs if p[0] not in dict(pairs)]
    data: dict[str, list[str]] = {}
    for k, v in [*pairs, ("_op", op)]:
        data.setdefault(k, []).append(v)
    name = re.search(r'<form id="meeting-form"[^>]*action="/m/([^"]+)"', html).group(1)
    return client.post(f"/m/{name}", data=data).get_data(as_text=True)


# -- meetings list and "new" ------------------------------------------------------------------


def test_index_lists_each_meeting_with_its_state_and_last_build(client, folder: Path) -> None:
    (folder / "hong.yaml").write_text("meeting:\n  name: Họp\n", encoding="utf-8")
    page = client.get("/").get_data(as_text=True)
    row = re.search(r"lang-son-2022\.yaml.*?</tr>", page, re.S).group(0)
    assert "Hội nghị tổng kết" in row and "hợp lệ" in row or "valid" in row
    bad = re.search(r"hong\.yaml.*?</tr>", page, re.S).group(0)
    n = len(client.application.extensions["docgen_workspace"].check(folder / "hong.yaml").problems)
    assert n > 1 and str(n) in bad


def test_new_meeting_starts_from_the_skeleton_and_never_overwrites(client, folder: Path) -> None:
    csrf = token(client)
    reply = client.post("/new", data={"csrf_token": csrf, "name": "../Họp quý I"})
    assert reply.status_code == 303
    made = [p for p in folder.iterdir() if p.name != MEETING]
    assert len(made) == 1 and made[0].parent == folder and made[0].suffix == ".yaml"
    assert made[0].read_text(encoding="utf-8") == skeleton_text()
    assert reply.headers["Location"].endswith(f"/m/{made[0].name}")
    again = client.post("/new", data={"csrf_token": csrf, "name": made[0].stem})
    assert again.status_code == 409
    assert made[0].read_text(encoding="utf-8") == skeleton_text()


# -- the form -----------------------------------------------------------------------------------


def test_form_shows_every_part_of_the_meeting(client) -> None:
    html = client.get(f"/m/{MEETING}").get_data(as_text=True)
    names = {k for k, _ in form_fields(html)}
    for expected in (
        "meeting.date",
        "meeting.session",
        "meeting.organisers.0",
        "bodies.0.profile",
        "bodies.0._key",
        "people.0.name",
        "people.0.positions.0",
        "roles.chairs.0",
        "roles.secretary",
        "reports.0.summary",
        "discussion.0",
        "conclusion.by",
        "conclusion.directives.0.deadline",
        "awards.0.form",
        "awards.0.decision.number",
        "awards.0.decision.grounds.0",
        "awards.0.decision.signer.prefix",
        "awards.0.individuals.0.unit",
        "awards.0.collectives.0.name",
        "documents.minutes.recipients.0",
        "documents.notice.date",
    ):
        assert expected in names, expected
    # fixed choices are selects; people are chosen by name
    assert re.search(r'<select name="meeting.session"', html)
    chair = re.search(r'<select name="roles.chairs.0".*?</select>', html, re.S).group(0)
    assert 'value="nghiem" selected>Hoàng Văn Nghiệm<' in chair


def test_saving_unchanged_form_leaves_the_file_byte_for_byte(client, folder: Path) -> None:
    before = (folder / MEETING).read_bytes()
    reply = post_form(client, MEETING, {})
    assert reply.status_code == 200
    assert (folder / MEETING).read_bytes() == before


def test_saving_changes_one_line_and_keeps_comments_and_order(client, folder: Path) -> None:
    before = (folder / MEETING).read_text(encoding="utf-8").splitlines()
    reply = post_form(client, MEETING, {"meeting.venue": "Hội trường  Nhà khách Tỉnh ủy"})
    assert reply.status_code == 200
    after = (folder / MEETING).read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1 and changed[0][0].startswith("  venue: Hội trường Tỉnh ủy Lạng")
    # the typed double space is tidied; the comment stays on its line
    assert re.fullmatch(r"  venue: Hội trường Nhà khách Tỉnh ủy +# illustrative", changed[0][1])
    assert load_meeting(folder / MEETING).meeting.venue == "Hội trường Nhà khách Tỉnh ủy"


def test_an_impossible_date_is_shown_beside_its_field_in_validates_words(client, folder) -> None:
    reply = post_form(client, MEETING, {"meeting.date": "2022-13-45"})
    html = reply.get_data(as_text=True)
    beside = re.search(r'<div class="field[^"]*" id="f-meeting\.date">.*?</div>', html, re.S)
    assert beside and 'class="problem"' in beside.group(0)
    # the line of the meeting's date in the file the form was saved to
    line = next(
        i
        for i, text in enumerate((folder / MEETING).read_text("utf-8").splitlines(), 1)
        if text.startswith("  date: ")
    )
    assert "2022-13-45" in beside.group(0) and f"line {line}," in beside.group(0)
    assert 'aria-invalid="true"' in beside.group(0)
    # the file was written, and docgen validate says the same thing
    with pytest.raises(Exception) as exc:
        load_meeting(folder / MEETING)
    assert str(exc.value).count("2022-13-45") >= 1


def test_problems_beside_their_fields_name_them_in_the_clerks_words(client, folder) -> None:
    # The text beside a field names it as the form does; the raw path only places it.
    set_language("vi")
    reply = post_form(
        client,
        MEETING,
        {"agenda.2.time": "25:20", "documents.notice.date": "2022-02-30", "people.3.name": ""},
    )
    html = reply.get_data(as_text=True)
    lines = (folder / MEETING).read_text("utf-8").splitlines()

    def line_of(needle: str) -> int:
        return next(i for i, text in enumerate(lines, 1) if needle in text)

    expected = {  # field: (its name beside it, the line it is on in the saved file)
        "agenda.2.time": ("Nội dung chương trình, mục 3 › Thời gian (time)", line_of('"25:20"')),
        "documents.notice.date": (
            "Văn bản › Thông báo kết luận › Ngày ban hành (date)",
            line_of("date: '2022-02-30'"),
        ),
        # a missing name: at the row's first line
        "people.3.name": (
            "Nhân sự có tên trong tệp › thu-ky › Họ và tên (name)",
            line_of("  thu-ky:") + 1,
        ),
    }
    for name, (words, line) in expected.items():
        beside = re.search(
            rf'id="f-{re.escape(name)}">.*?<p class="problem"[^>]*>([^<]*)</p>', html, re.S
        )
        assert beside, name
        text = unescape(beside.group(1))
        assert f", dòng {line}, cột " in text and f": {words} — " in text, text
    assert "agenda[" not in html and "documents.notice.date —" not in html


def test_problem_in_a_keyed_table_finds_its_row(client) -> None:
    reply = post_form(client, MEETING, {"people.1.name": ""})
    html = reply.get_data(as_text=True)
    assert re.search(r'id="f-people\.1\.name">.*?class="problem"', html, re.S)


def test_changed_on_disk_refuses_keeps_the_typed_text_and_offers_a_copy(client, folder) -> None:
    html = client.get(f"/m/{MEETING}").get_data(as_text=True)
    pairs = [(k, v) for k, v in form_fields(html)]
    pairs = [(k, "Nhà văn hóa tỉnh" if k == "meeting.venue" else v) for k, v in pairs]
    edited = (folder / MEETING).read_text(encoding="utf-8") + "# sửa tay\n"
    (folder / MEETING).write_text(edited, encoding="utf-8")
    data: dict[str, list[str]] = {}
    for k, v in [*pairs, ("_op", "save")]:
        data.setdefault(k, []).append(v)
    reply = client.post(f"/m/{MEETING}", data=data)
    assert reply.status_code == 409
    page = reply.get_data(as_text=True)
    assert 'id="conflict"' in page and 'value="Nhà văn hóa tỉnh"' in page
    assert (folder / MEETING).read_text(encoding="utf-8") == edited
    data["_op"] = ["copy"]
    copy = client.post(f"/m/{MEETING}", data=data)
    assert copy.status_code == 303
    saved = folder / "lang-son-2022-ban-sao.yaml"
    assert load_meeting(saved).meeting.venue == "Nhà văn hóa tỉnh"
    assert "# sửa tay" in saved.read_text(encoding="utf-8")  # built on the file as it is now
    assert (folder / MEETING).read_text(encoding="utf-8") == edited


def test_rows_are_added_moved_and_removed_without_touching_the_file(client, folder) -> None:
    before = (folder / MEETING).read_bytes()
    html = post_form(client, MEETING, {}, op="add:people").get_data(as_text=True)
    assert 'name="people.4.name"' in html and 'name="people.5.name"' not in html
    html = post_form(client, MEETING, {}, op="down:people.0").get_data(as_text=True)
    first = re.search(r'name="people\.0\.name"[^>]*value="([^"]*)"', html).group(1)
    assert first == "Phùng Quang Hội"
    html = post_form(client, MEETING, {}, op="remove:people.3").get_data(as_text=True)
    assert 'name="people.3.name"' not in html
    assert (folder / MEETING).read_bytes() == before


def test_new_person_gets_a_key_and_a_reordered_table_keeps_comments(client, folder) -> None:
    html = post_form(client, MEETING, {}, op="add:people").get_data(as_text=True)
    pairs = form_fields(html)
    pairs = [(k, "Đặng Thị Hòa" if k == "people.4.name" else v) for k, v in pairs]
    pairs = [p for p in pairs if p[0] != "people.4._key"]
    data: dict[str, list[str]] = {}
    for k, v in [*pairs, ("_op", "save")]:
        data.setdefault(k, []).append(v)
    assert client.post(f"/m/{MEETING}", data=data).status_code == 200
    record = load_meeting(folder / MEETING)
    assert record.people["dang-thi-hoa"].name == "Đặng Thị Hòa"
    assert "thu-ky:                 # illustrative" in (folder / MEETING).read_text("utf-8")


# -- the paper trail's parts: invitees, programme, tờ trình, invitation, news ---------------------


def _select(html: str, name: str) -> str:
    return re.search(rf'<select name="{re.escape(name)}".*?</select>', html, re.S).group(0)


def test_form_holds_the_paper_trail_parts_with_people_by_name(client) -> None:
    html = client.get(f"/m/{MEETING}").get_data(as_text=True)
    names = dict(form_fields(html))
    assert names["invitees.0.person"] == "huyen"
    assert names["invitees.1.name"].startswith("Các đồng chí thành viên Ban Chỉ đạo")
    assert names["agenda.0.time"] == "08:00" and names["agenda.7.end"] == "11:30"
    assert names["awards.0.proposal.number"] == "318"
    assert names["awards.0.proposal.grounds.0"].startswith("Căn cứ")
    assert names["documents.invitation.contact.phone"] == "0205 3800 000"
    assert names["documents.programme.number"] == "8"
    assert names["documents.news.author"] == "Ban Tuyên giáo Tỉnh ủy"
    # a person key is chosen by name; a name as written stays in the text box beside it
    assert 'value="nghiem" selected>Hoàng Văn Nghiệm<' in _select(html, "agenda.1.by")
    assert names["agenda.1.by~name"] == ""
    assert names["agenda.0.by"] == "" and names["agenda.0.by~name"] == "Ban Tuyên giáo Tỉnh ủy"
    assert 'value="huyen" selected>' in _select(html, "invitees.0.person")
    # fixed choices are selects, with words for codes
    mode = _select(html, "documents.invitation.mode")
    assert re.search(r'value="list" selected>One invitation, to those on the attached list<', mode)
    assert 'value="each">' in mode
    # a tờ trình's "by" is how the decision names the proposer: text, not a person
    assert re.search(r'<input type="text" name="awards\.0\.proposal\.by"', html)


def test_agenda_item_out_of_order_is_shown_beside_its_time(client, folder: Path) -> None:
    before = (folder / MEETING).read_text(encoding="utf-8").splitlines()
    reply = post_form(client, MEETING, {"agenda.2.time": "08:05"})  # item 2 is at 08:10
    html = reply.get_data(as_text=True)
    beside = re.search(r'<div class="field[^"]*" id="f-agenda\.2\.time">.*?</div>', html, re.S)
    assert beside and 'class="problem"' in beside.group(0)
    assert "08:05" in beside.group(0) and "08:10" in beside.group(0)
    assert 'aria-invalid="true"' in beside.group(0)
    # one line changed, in the item's flow mapping; the comments of the file stay
    after = (folder / MEETING).read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1 and 'time: "08:05"' in changed[0][1] and "08:20" in changed[0][0]
    with pytest.raises(Exception, match="08:05"):
        load_meeting(folder / MEETING)


def test_paper_trail_parts_are_added_moved_and_saved(client, folder: Path) -> None:
    html = post_form(client, MEETING, {}, op="add:agenda").get_data(as_text=True)
    html = post_form_from(client, html, {}, op="add:invitees")
    html = post_form_from(client, html, {}, op="up:agenda.8")
    html = post_form_from(client, html, {}, op="remove:invitees.0")
    last = max(int(k.split(".")[1]) for k, _ in form_fields(html) if k.startswith("invitees."))
    reply = post_form_from(
        client,
        html,
        {
            # the new item moved up one place, before the closing item at 11:20
            "agenda.7.time": "11:15",
            "agenda.7.content": "Trao Giấy khen",
            "agenda.7.by": "hoi",
            f"invitees.{last}.name": "Thường trực Huyện ủy Cao Lộc",
            "documents.invitation.mode": "each",
            "documents.invitation.notes.0": "Đề nghị có mặt trước 15 phút",
            "documents.news.headline": "Tổng kết công tác năm 2022",
            "awards.0.proposal.to": "Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn",
        },
        op="save",
        extra_pairs=[("documents.invitation.notes.0", "Đề nghị có mặt trước 15 phút")],
    )
    assert 'id="problem-count"' in reply and "problem" not in re.search(
        r'id="problem-count">([^<]*)', reply
    ).group(1)
    record = load_meeting(folder / MEETING)
    assert [i.content for i in record.agenda][-2:] == ["Trao Giấy khen", "Bế mạc hội nghị"]
    assert record.agenda[-2].by == "hoi" and str(record.agenda[-2].time) == "11:15:00"
    assert record.invitees[0].person is None and record.invitees[-1].name.endswith("Cao Lộc")
    assert record.documents.invitation.mode == "each"
    assert record.documents.invitation.notes == ["Đề nghị có mặt trước 15 phút"]
    assert record.documents.news.headline == "Tổng kết công tác năm 2022"
    assert record.awards[0].proposal.to == "Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn"
    text = (folder / MEETING).read_text(encoding="utf-8")
    assert '# one invitation "theo danh sách"' in text  # the comment beside mode stays


def test_refresh_offers_a_person_just_typed_in_every_people_select(client, folder) -> None:
    before = (folder / MEETING).read_bytes()
    html = post_form(client, MEETING, {}, op="add:people").get_data(as_text=True)
    html = post_form_from(client, html, {"people.4.name": "Đặng Thị Hòa"}, op="refresh")
    assert 'name="people.4._key" id="people.4._key" value="dang-thi-hoa"' in html
    for select in ("roles.secretary", "agenda.0.by", "invitees.0.person", "conclusion.by"):
        assert 'value="dang-thi-hoa">Đặng Thị Hòa<' in _select(html, select)
    assert 'class="problem"' not in html
    assert (folder / MEETING).read_bytes() == before


def test_recipients_pasted_from_excel_are_added_to_the_group(client) -> None:
    cells = "Loại\tHọ và tên\tChức vụ\tĐơn vị\nCá nhân\tVi Thị Lan\tChuyên viên\tSở Nội vụ\n"
    reply = post_form(client, MEETING, {"_paste.awards.1": cells}, op="paste:awards.1")
    html = reply.get_data(as_text=True)
    names = dict(form_fields(html))
    last = max(int(k.split(".")[3]) for k in names if k.startswith("awards.1.individuals."))
    assert names[f"awards.1.individuals.{last}.name"] == "Vi Thị Lan"
    assert names[f"awards.1.individuals.{last}.position"] == "Chuyên viên"


def test_bad_pasted_cells_are_located_by_row_and_column(client) -> None:
    cells = "Loại\tHọ và tên\nCá nhân\tVi Thị Lan\nNhóm\tLò Văn Hùng\n"
    reply = post_form(client, MEETING, {"_paste.awards.0": cells}, op="paste:awards.0")
    html = reply.get_data(as_text=True)
    problem = re.search(
        r'<p class="problem" data-field="awards\.0\._recipients">([^<]*)', html
    ).group(1)
    assert "row 3" in problem and "column A" in problem and "Nhóm" in problem


def test_recipients_from_an_uploaded_xlsx(client) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tập thể"
    sheet.append(["STT", "Tên tập thể", "Đơn vị"])
    sheet.append([1, "Phòng Thông tin đối ngoại", "Sở Ngoại vụ"])
    data = io.BytesIO()
    book.save(data)
    upload = (io.BytesIO(data.getvalue()), "danh-sach.xlsx")
    reply = post_form(client, MEETING, {}, op="upload:awards.0", **{"_upload.awards.0": upload})
    names = dict(form_fields(reply.get_data(as_text=True)))
    collectives = [
        v for k, v in names.items() if re.fullmatch(r"awards\.0\.collectives\.\d+\.name", k)
    ]
    assert collectives[-1] == "Phòng Thông tin đối ngoại"


def test_a_file_the_form_cannot_hold_is_not_shown_as_a_form(client, folder: Path) -> None:
    (folder / "la.yaml").write_text("meeting: {}\npeople: [a, b]\n", encoding="utf-8")
    html = client.get("/m/la.yaml").get_data(as_text=True)
    assert 'id="unfit"' in html and "people" in html and 'id="meeting-form"' not in html


# -- build and download -------------------------------------------------------------------------


def test_build_lists_downloads_and_zips_the_files(client, folder: Path) -> None:
    csrf = token(client, f"/m/{MEETING}/build")
    reply = client.post(
        f"/m/{MEETING}/build",
        data={
            "csrf_token": csrf,
            "documents": ["minutes", "list"],
            "formats": ["docx", "pdf"],
            "certificates": "none",
        },
    )
    assert reply.status_code == 200
    html = reply.get_data(as_text=True)
    out = folder / "output" / "lang-son-2022"
    built = sorted(p.name for p in out.iterdir() if p.suffix in (".docx", ".pdf"))
    assert "01-bien-ban.docx" in built and "01-bien-ban.pdf" in built
    assert not any(n.startswith("02-") for n in built)
    for name in built:
        assert name in html
    one = client.get(f"/m/{MEETING}/files/01-bien-ban.docx")
    assert one.status_code == 200 and one.data == (out / "01-bien-ban.docx").read_bytes()
    assert "attachment" in one.headers["Content-Disposition"]
    view = client.get(f"/m/{MEETING}/files/01-bien-ban.pdf?view=1")
    assert view.mimetype == "application/pdf" and "inline" in view.headers["Content-Disposition"]
    # the preview: one image per page, drawn by PDFium (a headless browser has no PDF viewer)
    shown = client.get(f"/m/{MEETING}/build?view=01-bien-ban.pdf").get_data(as_text=True)
    assert re.search(r'id="open-pdf"[^>]*01-bien-ban\.pdf\?view=1', shown)
    images = re.findall(r'<img src="([^"]+)"', shown)
    pages = len(PdfReader(out / "01-bien-ban.pdf").pages)
    assert len(images) == pages >= 1
    for url in images:
        image = Image.open(io.BytesIO(client.get(url).data))
        assert image.format == "PNG" and abs(image.width / image.height - 210 / 297) < 0.01
        assert image.convert("L").getextrema()[0] < 64  # some black ink on the page, not blank
    assert client.get(images[0].replace("page-1.", f"page-{pages + 1}.")).status_code == 404
    docx_page = images[0].replace("01-bien-ban.pdf", "01-bien-ban.docx")
    assert client.get(docx_page).status_code == 404
    for bad in ("../lang-son-2022.yaml", "01-bien-ban.docx", "/etc/passwd"):
        assert 'id="pdf-view"' not in client.get(
            f"/m/{MEETING}/build", query_string={"view": bad}
        ).get_data(as_text=True)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/m/{MEETING}/files.zip").data))
    assert sorted(archive.namelist()) == built
    listing = client.get("/").get_data(as_text=True)
    assert "not built yet" not in listing and "chưa tạo" not in listing


def test_build_time_and_sizes_are_written_as_the_language_writes_numbers(client) -> None:
    from docgen.i18n import set_language

    set_language("vi")  # the conftest fixture sets English again afterwards
    csrf = token(client, f"/m/{MEETING}/build")
    data = {"csrf_token": csrf, "documents": ["minutes"], "formats": ["docx"]}
    html = client.post(f"/m/{MEETING}/build", data=data).get_data(as_text=True)
    assert re.search(r"trong \d+,\d giây", html), html
    assert not re.search(r"\d\.\d giây", html)


def test_build_problems_are_shown_and_nothing_is_written(client, folder: Path) -> None:
    text = (folder / MEETING).read_text("utf-8").replace("date: 2022-12-12", "date: 2022-02-30", 1)
    (folder / MEETING).write_text(text, "utf-8")
    csrf = token(client, f"/m/{MEETING}/build")
    reply = client.post(
        f"/m/{MEETING}/build",
        data={"csrf_token": csrf, "documents": ["minutes"], "formats": ["docx"]},
    )
    assert reply.status_code == 422 and "2022-02-30" in reply.get_data(as_text=True)
    assert not (folder / "output").exists()


def test_a_document_the_meeting_cannot_make_names_the_field_it_needs(client, folder) -> None:
    text = (folder / MEETING).read_text("utf-8")
    (folder / MEETING).write_text(re.sub(r"\nagenda:\n(  .*\n)+", "\n", text), "utf-8")
    csrf = token(client, f"/m/{MEETING}/build")
    data = {"csrf_token": csrf, "documents": ["programme"], "formats": ["docx"]}
    set_language("vi")  # the conftest fixture sets English again afterwards
    reply = client.post(f"/m/{MEETING}/build", data=data)
    html = " ".join(unescape(reply.get_data(as_text=True)).split())
    assert reply.status_code == 422
    assert "chương trình cần có mục Nội dung chương trình (agenda)" in html
    assert "không có hình thức khen thưởng" not in html  # the old words, wrong here
    assert not (folder / "output").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/m/..%2F..%2Fetc%2Fpasswd",
        "/m/%2Fetc%2Fpasswd",
        f"/m/{MEETING}/files/..%2F{MEETING}",
        f"/m/{MEETING}/files/%2Fetc%2Fpasswd",
        "/m/../x.yaml",
        "/templates/builtin/..%2F..%2F/minutes",
        "/templates/builtin/state/..%2Fnotice",
    ],
)
def test_no_parameter_reaches_outside_the_folder(client, url: str) -> None:
    reply = client.get(url)
    assert reply.status_code == 404
    assert b"root:" not in reply.data and b"meeting:" not in reply.data


def test_a_link_out_of_the_folder_is_not_a_meeting(client, folder: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text("meeting: bí mật\n", encoding="utf-8")
    (folder / "link.yaml").symlink_to(outside)
    assert client.get("/m/link.yaml").status_code == 404
    assert "link.yaml" not in client.get("/").get_data(as_text=True)


# -- templates ----------------------------------------------------------------------------------


def test_templates_page_download_and_upload(client, folder: Path) -> None:
    page = client.get("/templates").get_data(as_text=True)
    assert page.count("/templates/builtin/") == 2 * 8  # two profiles, eight document types
    got = client.get("/templates/builtin/party/list")
    assert got.data == (builtin_dir() / "party" / "award-list.docx").read_bytes()
    csrf = token(client, "/templates")
    bad = client.post(
        "/templates/upload",
        data={
            "csrf_token": csrf,
            "profile": "state",
            "document": "minutes",
            "template": (io.BytesIO(broken_template()), "bien-ban-sua.docx"),
        },
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "bien-ban-sua.docx, body, paragraph 2" in html and "never closed" in html
    assert not (folder / "templates").exists()
    good = (builtin_dir() / "state" / "minutes.docx").read_bytes()
    ok = client.post(
        "/templates/upload",
        data={
            "csrf_token": csrf,
            "profile": "state",
            "document": "minutes",
            "template": (io.BytesIO(good), "bien-ban.docx"),
        },
    )
    assert ok.status_code == 200 and 'id="accepted"' in ok.get_data(as_text=True)
    assert (folder / "templates" / "state" / "minutes.docx").read_bytes() == good
    assert str(folder / "templates" / "state" / "minutes.docx") in client.get(
        "/templates"
    ).get_data(as_text=True)


def test_an_upload_that_is_not_a_docx_is_refused_with_a_reason(client, folder: Path) -> None:
    csrf = token(client, "/templates")
    reply = client.post(
        "/templates/upload",
        data={
            "csrf_token": csrf,
            "profile": "state",
            "document": "notice",
            "template": (io.BytesIO(b"PK\x03\x04 not really"), "x.docx"),
        },
    )
    assert reply.status_code == 422 and 'class="problem"' in reply.get_data(as_text=True)
    assert not (folder / "templates").exists()


def test_uploads_are_size_limited(client) -> None:
    csrf = token(client, "/templates")
    big = io.BytesIO(b"0" * (26 * 1024 * 1024))
    reply = client.post(
        "/templates/upload",
        data={
            "csrf_token": csrf,
            "profile": "state",
            "document": "notice",
            "template": (big, "x.docx"),
        },
    )
    assert reply.status_code == 413


# -- register -----------------------------------------------------------------------------------


def test_register_take_and_void_a_number(client, folder: Path) -> None:
    csrf = token(client, "/register")
    taken = client.post(
        "/register/take",
        data={
            "csrf_token": csrf,
            "issuer": "UBND",
            "type_code": "QĐ",
            "profile": "state",
            "date": "12/12/2022",
            "document": "Quyết định khen thưởng",
        },
    )
    html = taken.get_data(as_text=True)
    assert taken.status_code == 200 and "01/QĐ-UBND" in html
    assert (folder / "docgen-register.sqlite").is_file()
    entry_id = re.search(r'name="id" value="(\d+)"', html).group(1)
    refused = client.post("/register/void", data={"csrf_token": csrf, "id": entry_id, "reason": ""})
    assert refused.status_code == 422
    voided = client.post(
        "/register/void", data={"csrf_token": csrf, "id": entry_id, "reason": "Ghi nhầm"}
    )
    assert 'id="voided"' in voided.get_data(as_text=True)
    again = client.post(
        "/register/take",
        data={
            "csrf_token": csrf,
            "issuer": "UBND",
            "type_code": "QĐ",
            "profile": "state",
            "date": "2022-12-13",
        },
    )
    assert "02/QĐ-UBND" in again.get_data(as_text=True)  # a void number is never given again


# -- guards -------------------------------------------------------------------------------------


def test_a_foreign_host_header_is_refused(client, folder: Path) -> None:
    reply = client.get("/", headers={"Host": "evil.example:8765"})
    assert reply.status_code == 400
    csrf = token(client)
    post = client.post(
        "/new", data={"csrf_token": csrf, "name": "x"}, headers={"Host": "attacker.test"}
    )
    assert post.status_code == 400
    assert sorted(p.name for p in folder.iterdir()) == [MEETING]


def test_a_post_without_the_csrf_token_is_refused(client, folder: Path) -> None:
    before = (folder / MEETING).read_bytes()
    assert client.post("/new", data={"name": "x"}).status_code == 400
    html = client.get(f"/m/{MEETING}").get_data(as_text=True)
    pairs = [(k, v) for k, v in form_fields(html) if k != "csrf_token"]
    pairs = [(k, "Chỗ khác" if k == "meeting.venue" else v) for k, v in pairs]
    reply = client.post(f"/m/{MEETING}", data=dict(pairs))
    assert reply.status_code == 400
    assert (
        client.post("/register/take", data={"issuer": "UBND", "profile": "state"}).status_code
        == 400
    )
    assert (folder / MEETING).read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == [MEETING]


def test_with_a_password_every_page_asks_for_it(folder: Path) -> None:
    client = create_app(folder, host="0.0.0.0", password="mật khẩu dài").test_client()
    for url in ("/", f"/m/{MEETING}", "/templates", "/register", f"/m/{MEETING}/files.zip"):
        reply = client.get(url)
        assert reply.status_code == 302 and "/login" in reply.headers["Location"], url
    csrf = token(client, "/login")
    wrong = client.post("/login", data={"csrf_token": csrf, "password": "sai"})
    assert wrong.status_code == 401
    right = client.post(
        "/login?next=//evil.example/", data={"csrf_token": csrf, "password": "mật khẩu dài"}
    )
    assert right.status_code == 302 and right.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_serve_refuses_other_addresses_without_a_password(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from docgen.cli import main

    result = CliRunner().invoke(main, ["serve", str(tmp_path), "--host", "0.0.0.0", "--no-browser"])
    assert result.exit_code == 2 and "--password-file" in result.output
    short = tmp_path / "pw.txt"
    short.write_text("1234\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["serve", str(tmp_path), "--password-file", str(short), "--no-browser"]
    )
    assert result.exit_code == 2 and "8" in result.output


def test_nothing_outside_web_imports_the_web_layer() -> None:
    src = Path(__file__).resolve().parents[1] / "src" / "docgen"
    for path in src.rglob("*.py"):
        rel = path.relative_to(src).as_posix()
        if rel.startswith("web/") or rel == "cli/serve.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "docgen.web" not in text and "from . import web" not in text, rel


def test_listening_everywhere_trusts_this_computers_names_only(folder: Path) -> None:
    import socket

    client = create_app(folder, host="0.0.0.0", password="mật khẩu dài").test_client()
    own = client.get("/", headers={"Host": f"{socket.gethostname()}:8765"})
    assert own.status_code == 302 and "/login" in own.headers["Location"]
    assert client.get("/", headers={"Host": "rebind.example:8765"}).status_code == 400


def test_a_second_build_reuses_the_warm_renderer_and_matches_docgen_build(
    client, folder: Path, tmp_path: Path
) -> None:
    from docgen.build import build

    csrf = token(client, f"/m/{MEETING}/build")
    form = {
        "csrf_token": csrf,
        "documents": ["minutes", "decision"],
        "formats": ["docx"],
        "certificates": "none",
    }
    assert client.post(f"/m/{MEETING}/build", data=form).status_code == 200
    kept = client.application.extensions["docgen_renderers"]
    first = dict(kept._kept)
    assert len(first) == 1
    assert client.post(f"/m/{MEETING}/build", data=form).status_code == 200
    assert dict(kept._kept) == first  # the same renderer, templates already compiled
    cli = build(
        folder / MEETING,
        output=tmp_path / "cli",
        only="minutes,decision",
        formats="docx",
        certificates=None,
        cwd=folder,
    )
    out = folder / "output" / "lang-son-2022"

    def members(data: bytes) -> dict[str, bytes]:
        # Zip entries carry the second they were written; what they hold must be the same.
        archive = zipfile.ZipFile(io.BytesIO(data))
        return {n: archive.read(n) for n in archive.namelist()}

    assert len(cli.written) == 5
    for path in cli.written:
        assert members((out / path.name).read_bytes()) == members(path.read_bytes()), path.name


def test_every_field_of_the_model_has_its_own_vietnamese_label() -> None:
    from docgen.i18n import set_language
    from docgen.web.formspec import meeting_fields
    from docgen.web.labels import Labels

    set_language("vi")
    labels = Labels()

    def walk(fields, path: str) -> None:  # noqa: ANN001
        shown = [labels(f) for f in fields]
        for f, label in zip(fields, shown, strict=True):
            assert label != f.name, f"{path}{f.name} has no label"
            inner = f.item.fields if f.kind == "list" and f.item else f.fields
            if inner:
                walk(inner, f"{path}{f.name}.")
        # two fields side by side never share one word
        assert len(set(shown)) == len(shown), (path, shown)

    walk(meeting_fields(), "")
    sections = [labels(f) for f in meeting_fields()]
    assert labels("people") != labels("roles") and len(set(sections)) == len(sections)


def test_a_moved_award_group_takes_its_comments_and_quotes_along(client, folder: Path) -> None:
    before = (folder / MEETING).read_text(encoding="utf-8").splitlines()
    html = post_form(client, MEETING, {}, op="down:awards.0").get_data(as_text=True)
    post_form_from(client, html, {}, op="save")
    after = (folder / MEETING).read_text(encoding="utf-8").splitlines()
    assert after != before and sorted(after) == sorted(before)  # lines moved, none rewritten
    keys = [g.key for g in load_meeting(folder / MEETING).awards]
    assert keys[:2] == ["bcd-ttdn-giay-khen", "ubnd-bang-khen"]
    # a comment belonging to the second group is now inside the first one
    first = after.index("  - key: bcd-ttdn-giay-khen")
    second = after.index("  - key: ubnd-bang-khen")
    comment = next(i for i, t in enumerate(after) if "# collectives: 4" in t)
    assert first < comment < second


def test_a_choice_spelt_as_typed_shows_as_the_choice_it_means_and_keeps_its_spelling(
    client, folder: Path
) -> None:
    # The sample writes the party's "K/T"; a clerk may write "Sáng" for the session.
    path = folder / MEETING
    path.write_text(
        path.read_text(encoding="utf-8").replace("session: sáng", "session: Sáng"), "utf-8"
    )
    before = path.read_text(encoding="utf-8")
    assert before.count("prefix: K/T") == 5
    html = client.get(f"/m/{MEETING}").get_data(as_text=True)
    select = re.search(
        r'<select name="documents\.notice\.signer\.prefix".*?</select>', html, re.S
    ).group(0)
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    assert [v for v, _sel, _label in options] == ["", "TM", "KT", "TL", "Q", "TUQ"]
    assert [v for v, sel, _label in options if sel] == ["KT"]
    assert "KT. / K/T" in dict((v, label) for v, _sel, label in options)["KT"]
    assert re.search(r'name="meeting\.session".*?<option value="sáng" selected>', html, re.S)
    # saved untouched, the file keeps the clerk's spelling
    post_form(client, MEETING, {})
    assert path.read_text(encoding="utf-8") == before
    # another choice is written, and read back
    post_form(client, MEETING, {"documents.notice.signer.prefix": "TM"})
    after = path.read_text(encoding="utf-8")
    assert after.count("prefix: K/T") == 4 and after.count("prefix: TM\n") == 1
    assert load_meeting(path).documents.notice.signer.prefix == "TM"


def _with_comments(folder: Path, *edits: tuple[str, str]) -> list[str]:
    path = folder / MEETING
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text.splitlines()


GROUNDS_1 = "        - Căn cứ Luật Tổ chức chính quyền địa phương ngày 19"
# the second line of the first decision's Căn cứ (the tờ trình has the same line, before another)
GROUNDS_2 = "năm 2013\n        - Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng\n      signer:"  # noqa: E501


@pytest.mark.parametrize(
    ("op", "edits", "comments"),
    [
        (  # Nơi nhận of the notice: the third line moves up, over the second
            "up:documents.notice.recipients.2",
            [
                ("      - Thành viên hai ban chỉ đạo\n      - Các cơ quan",
                 "      - Thành viên hai ban chỉ đạo   # cả hai ban\n"
                 "      # theo danh sách kèm theo\n      - Các cơ quan"),
                ("      - Các huyện ủy, thành ủy\n", "      - Các huyện ủy, thành ủy   # 11 đơn vị\n"),
            ],
            # (comment, the text of the line it is on or above)
            [("# cả hai ban", "- Thành viên hai ban chỉ đạo"),
             ("# theo danh sách kèm theo", "- Các cơ quan, đơn vị thành viên"),
             ("# 11 đơn vị", "- Các huyện ủy, thành ủy")],
        ),
        (  # Căn cứ of the first decision: the first line moves down
            "down:awards.0.decision.grounds.0",
            [
                # above the first line: the list's own comment, which stays at its top
                (GROUNDS_1, "        # theo thứ bậc văn bản\n" + GROUNDS_1),
                (GROUNDS_2, GROUNDS_2.replace("2013\n", "2013   # luật thi đua\n        # nghị định\n")),
            ],
            [("# theo thứ bậc văn bản", "- Căn cứ Luật Thi đua, khen thưởng ngày 26"),
             ("# luật thi đua", "- Căn cứ Luật Thi đua, khen thưởng ngày 26"),
             ("# nghị định", "- Căn cứ Nghị định số 91")],
        ),
        (  # a programme item (a row of keys written on one line): the comment at its end
            "up:agenda.7",
            [("content: Bế mạc hội nghị, by: hoi}\n",
              "content: Bế mạc hội nghị, by: hoi}   # bế mạc\n")],
            [("# bế mạc", "content: Bế mạc hội nghị")],
        ),
    ],
)  # fmt: skip
def test_a_moved_line_of_a_list_takes_its_comments_along(
    client, folder: Path, op: str, edits, comments
) -> None:
    before = _with_comments(folder, *edits)
    html = post_form(client, MEETING, {}, op=op).get_data(as_text=True)
    post_form_from(client, html, {}, op="save")
    after = (folder / MEETING).read_text(encoding="utf-8").splitlines()
    assert after != before and sorted(after) == sorted(before)  # lines moved, none rewritten
    for comment, text in comments:
        (at,) = [i for i, line in enumerate(after) if comment in line]
        if after[at].lstrip().startswith("#"):  # a comment line: above its line
            assert text in after[at + 1], (comment, after[at - 1 : at + 2])
        else:
            assert text in after[at], (comment, after[at])
    # the comment that opens the next part stays after the programme
    assert after.index("# Document numbers and dates below are illustrative.") > max(
        i for i, t in enumerate(after) if t.startswith("  - {time: ")
    )


def test_moved_lines_of_nơi_nhận_are_saved_in_their_new_order(client, folder: Path) -> None:
    _with_comments(
        folder, ("      - Các huyện ủy, thành ủy\n", "      - Các huyện ủy, thành ủy   # 11\n")
    )
    html = post_form(client, MEETING, {}, op="up:documents.notice.recipients.3").get_data(
        as_text=True
    )
    html = post_form_from(client, html, {}, op="up:documents.notice.recipients.2")
    post_form_from(
        client, html, {"documents.notice.recipients.0": "Thường trực Tỉnh ủy Lạng Sơn"}, op="save"
    )
    notice = load_meeting(folder / MEETING).documents.notice
    assert notice.recipients == [
        "Thường trực Tỉnh ủy Lạng Sơn",
        "Các huyện ủy, thành ủy",
        "Thành viên hai ban chỉ đạo",
        "Các cơ quan, đơn vị thành viên",
    ]
    text = (folder / MEETING).read_text(encoding="utf-8")
    assert "      - Các huyện ủy, thành ủy   # 11\n      - Thành viên hai ban chỉ đạo\n" in text


def test_a_proposal_count_that_disagrees_with_the_list_is_shown_beside_the_count(client) -> None:
    reply = post_form(client, MEETING, {"awards.0.proposal.collectives": "99"})
    html = reply.get_data(as_text=True)
    beside = re.search(
        r'<div class="field[^"]*" id="f-awards\.0\.proposal\.collectives">.*?</div>', html, re.S
    )
    assert beside and 'class="problem"' in beside.group(0) and "99" in beside.group(0)
    assert html.count('class="problem"') == 1
