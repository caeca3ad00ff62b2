"""The paper around the meeting: giấy mời, chương trình, tờ trình and the news report.

Built from the Lạng Sơn sample in both profiles; the decision cites its tờ trình; the news
report carries the facts of the record; bad input is refused, located, with nothing written.
(Page count and text against LibreOffice: tests/test_pdf_fidelity.py.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from docx import Document

from docgen import documents
from docgen.around import number_words
from docgen.build import build
from docgen.cli import main
from docgen.documents import context_for
from docgen.loader import load_meeting
from docgen.templates_dir import PROFILES, builtin_dir
from docgen.vietnamese import format_counts

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"
SAMPLE_XLSX = ROOT / "seeds" / "lang-son-2022-xlsx.yaml"

NEW = ("invitation", "programme", "proposal", "news")


@pytest.fixture(scope="module")
def record():
    return load_meeting(SAMPLE)


def sample_data() -> dict:
    return yaml.safe_load(SAMPLE.read_text("utf-8"))


def write(data: dict, path: Path) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def state_variant(tmp_path: Path) -> Path:
    """The sample with its Party bodies made state bodies: every document in the state form."""
    data = sample_data()
    for key in ("bcd35", "bcd-ttdn", "btg"):
        data["bodies"][key]["profile"] = "state"
    return write(data, tmp_path / "state.yaml")


def all_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def flat(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------------ the table


def test_every_document_type_has_a_template_in_both_profiles_and_a_unique_name() -> None:
    assert len({t.stem for t in documents.TYPES}) == len(documents.TYPES)
    assert len({t.template for t in documents.TYPES}) == len(documents.TYPES)
    for doc in documents.TYPES:
        for profile in PROFILES:
            assert (builtin_dir() / profile / doc.template).is_file(), (profile, doc.key)
    assert [documents.TYPE_CODES[k] for k in ("invitation", "programme", "proposal")] == [
        "GM",
        "CTr",
        "TTr",
    ]


def test_the_register_numbers_the_new_documents_with_their_codes(record) -> None:
    numbered = documents.numbered(record)
    assert numbered["invitation"][1] == "GM"
    assert numbered["programme"][1] == "CTr"
    proposals = {k: code for k, (_s, code) in numbered.items() if k.startswith("proposal:")}
    assert proposals == {
        "proposal:ubnd-bang-khen": "TTr",
        "proposal:bcd-ttdn-giay-khen": "TTr",
        "proposal:bcd35-giay-khen": "TTr",
    }


# ------------------------------------------------------------------------ contexts


def test_invitation_names_time_in_words_with_weekday_and_the_list(record) -> None:
    ctx = context_for(record, "invitation")
    assert ctx["number"] == "Số 45-GM/BCĐ35"
    assert ctx["time_text"] == "08 giờ 00, sáng thứ Hai, ngày 12 tháng 12 năm 2022"
    assert ctx["summary"].startswith("dự Hội nghị tổng kết")  # party: lower-case initial
    assert ctx["invitee"] == "Các đồng chí đại biểu (theo danh sách gửi kèm)"
    assert ctx["attached"] is True
    assert [row["name"] for row in ctx["invitees"]][0] == "Dương Xuân Huyên"
    assert len(ctx["invitees"]) == len(record.invitees) == 5
    assert any("0205 3800 000" in note for note in ctx["notes"])


def test_programme_rows_run_from_item_to_item_and_name_who(record) -> None:
    items = context_for(record, "programme")["items"]
    assert [i["time"] for i in items][:2] == ["08h00 - 08h10", "08h10 - 08h20"]
    assert items[-1]["time"] == "11h20 - 11h30"
    assert items[1]["by"] == "Đồng chí Hoàng Văn Nghiệm, Phó Bí thư Thường trực Tỉnh ủy"
    assert items[2]["by"] == "Ban Tuyên giáo Tỉnh ủy"


def test_proposal_counts_in_digits_and_words_as_the_decision_writes_them(record) -> None:
    group = record.award("ubnd-bang-khen")
    ctx = context_for(record, "proposal", group)
    decision = context_for(record, "decision", group)
    assert ctx["counts"] == decision["counts"] == "09 tập thể và 11 cá nhân"
    assert ctx["counts_words"] == "chín tập thể và mười một cá nhân"
    assert ctx["number"] == "Số: 318/TTr-SNV"
    assert ctx["to"] == "Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn"
    assert ctx["grounds"][-1].endswith(".") and ctx["grounds"][0].endswith(";")
    assert ctx["recipients"][0] == "- Như trên;"
    party = context_for(record, "proposal", record.award("bcd35-giay-khen"))
    assert party["number"] == "Số 22-TTr/BTGTU"
    assert party["counts"] == "04 tập thể và 09 cá nhân"


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1, "một"),
        (9, "chín"),
        (10, "mười"),
        (11, "mười một"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (105, "một trăm lẻ năm"),
        (110, "một trăm mười"),
        (131, "một trăm ba mươi mốt"),
    ],
)
def test_number_words(n: int, words: str) -> None:
    assert number_words(n) == words


def test_the_decision_cites_its_proposal_and_follows_it(record) -> None:
    group = record.award("ubnd-bang-khen")
    ctx = context_for(record, "decision", group)
    assert ctx["proposal"] == (
        "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 318/TTr-SNV ngày 05 tháng 12 năm 2022."
    )
    # Renumber the tờ trình: the decision follows, so the two cannot disagree.
    import datetime as dt

    proposal = group.proposal.model_copy(update={"number": 7, "date": dt.date(2022, 12, 1)})
    ctx = context_for(record, "decision", group.model_copy(update={"proposal": proposal}))
    assert "Tờ trình số 07/TTr-SNV ngày 01 tháng 12 năm 2022." in ctx["proposal"]
    # A group without a tờ trình keeps its free-text line.
    contest = context_for(record, "decision", record.award("bcd35-cuoc-thi"))
    assert contest["proposal"] == "Xét đề nghị của Ban Tổ chức Cuộc thi."


def test_the_office_proposing_is_not_named_twice_in_article_3(record) -> None:
    # Điều 3 of the state decision opens with the issuer's Chánh Văn phòng; when that office
    # wrote the tờ trình it must not follow again among the executors.
    group = record.award("ubnd-bang-khen")
    issuer = record.body(group.decision.issuer).name
    proposal = group.proposal.model_copy(update={"by": f"Chánh Văn phòng  {issuer}"})
    ctx = context_for(record, "decision", group.model_copy(update={"proposal": proposal}))
    assert ctx["executors"] == "Thủ trưởng các cơ quan, đơn vị có liên quan"
    assert f"Xét đề nghị của Chánh Văn phòng  {issuer}" in ctx["proposal"]
    # Another proposer still carries the decision out.
    ctx = context_for(record, "decision", group)
    assert ctx["executors"].startswith("Giám đốc Sở Nội vụ, ")


# ------------------------------------------------------------------------ builds


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The new documents of the sample as it is (party, and the state Sở Nội vụ) and of its
    state variant, as DOCX; templates are checked by the build itself."""
    root = tmp_path_factory.mktemp("paper")
    build(SAMPLE, output=root / "party", formats="docx", only=NEW, certificates=None)
    state = state_variant(root)
    build(state, output=root / "state", formats="docx", only=(*NEW, "decision"), certificates=None)
    return {"party": root / "party", "state": root / "state"}


def test_each_new_document_is_built_for_the_sample_in_both_profiles(built, record) -> None:
    proposed = [g.key for g in record.awards if g.proposal is not None]
    expected = {"06-giay-moi.docx", "07-chuong-trinh.docx", "09-ban-tin.docx"}
    expected |= {f"08-to-trinh-{k}.docx" for k in proposed}
    for profile in ("party", "state"):
        names = {p.name for p in built[profile].glob("*.docx") if p.name[:2] in "06 07 08 09"}
        assert names == expected, profile
        assert (built[profile] / "09-ban-tin.txt").is_file()
    party, state = built["party"], built["state"]
    invitation = all_text(party / "06-giay-moi.docx")
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in invitation and "Số 45-GM/BCĐ35" in invitation
    assert "DANH SÁCH ĐẠI BIỂU ĐƯỢC MỜI" in invitation
    assert "(Kèm theo Giấy mời số 45-GM/BCĐ35 ngày 05 tháng 12 năm 2022" in flat(invitation)
    state_invitation = all_text(state / "06-giay-moi.docx")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in state_invitation
    assert "Số: 45/GM-BCĐ35" in state_invitation
    assert "Rất mong đại biểu đến dự đúng thời gian./." in state_invitation
    programme = all_text(state / "07-chuong-trinh.docx")
    assert "Số: 08/CTr-BCĐ35" in programme and "Kết luận hội nghị" in programme
    proposal = all_text(party / "08-to-trinh-bcd35-giay-khen.docx")
    assert "TỜ TRÌNH" in proposal and "Số 22-TTr/BTGTU" in proposal
    assert "04 tập thể và 09 cá nhân (bốn tập thể và chín cá nhân)" in flat(proposal)
    assert "Bế Thị Mai" in proposal  # the attached list
    assert "Số: 22/TTr-BTGTU" in all_text(state / "08-to-trinh-bcd35-giay-khen.docx")


def test_the_new_official_documents_pass_docgen_check(built) -> None:
    """The project's own format checks, as for the minutes and the decisions. (The news
    report is not an official document: plain news formatting, nothing to check.)"""
    for profile in ("party", "state"):
        files = [str(p) for p in sorted(built[profile].glob("0[678]-*.docx"))]
        assert len(files) == 5, profile
        result = CliRunner().invoke(main, ["check", *files])
        assert result.exit_code == 0, result.output
        assert "ERROR" not in result.output, result.output


def test_the_built_decision_cites_the_built_proposal(built) -> None:
    proposal = all_text(built["state"] / "08-to-trinh-bcd35-giay-khen.docx")
    decision = all_text(built["state"] / "03-quyet-dinh-bcd35-giay-khen.docx")
    number = re.search(r"Số: (\d+/TTr-BTGTU)", proposal).group(1)
    date = re.search(r"Lạng Sơn, (ngày \d+ tháng \d+ năm \d+)", proposal).group(1)
    assert f"tại Tờ trình số {number} {date}." in flat(decision)


def test_the_news_report_carries_the_record(built, record) -> None:
    for text in (
        flat((built["party"] / "09-ban-tin.txt").read_text("utf-8")),
        flat(all_text(built["party"] / "09-ban-tin.docx")),
    ):
        assert "ngày 12 tháng 12 năm 2022" in text
        assert record.meeting.venue in text
        for key in ("nghiem", "hoi", "huyen"):  # chair, co-chair, guest: with their positions
            person = record.person(key)
            assert f"{person.name}, {', '.join(person.positions)}" in text, key
        assert "chủ trì hội nghị" in text and "đồng chủ trì" in text
        for group in record.awards:
            counts = format_counts(len(group.collectives), len(group.individuals), " và ")
            assert f"{group.authority} tặng {group.form} cho {counts}" in text, group.key
        assert "09 tập thể và 11 cá nhân" in text and "07 tập thể và 07 cá nhân" in text
        assert text.endswith("Ban Tuyên giáo Tỉnh ủy")  # the author


def test_the_news_headline_and_author_come_from_the_record(tmp_path) -> None:
    data = sample_data()
    data["documents"]["news"] = {"headline": "Tổng kết hai ban chỉ đạo", "author": "Minh Thư"}
    out = tmp_path / "out"
    build(write(data, tmp_path / "m.yaml"), output=out, only="news", certificates=None)
    text = (out / "09-ban-tin.txt").read_text("utf-8")
    assert text.startswith("Tổng kết hai ban chỉ đạo\n")
    assert text.rstrip().endswith("Minh Thư")
    assert (out / "09-ban-tin.pdf").read_bytes().startswith(b"%PDF")


def test_one_invitation_per_invitee_when_the_record_says_so(tmp_path) -> None:
    data = sample_data()
    data["documents"]["invitation"]["mode"] = "each"
    out = tmp_path / "out"
    build(
        write(data, tmp_path / "m.yaml"),
        output=out,
        only="invitation",
        formats="docx",
        certificates=None,
    )
    files = sorted(out.glob("06-giay-moi-*.docx"))
    assert len(files) == len(data["invitees"]) == 5
    texts = [flat(all_text(f)) for f in files]
    guest = next(t for t in texts if "Dương Xuân Huyên" in t)
    assert "Đồng chí Dương Xuân Huyên, Ủy viên Ban Thường vụ Tỉnh ủy" in guest
    assert all("DANH SÁCH ĐẠI BIỂU" not in t and "theo danh sách" not in t for t in texts)
    assert all("Số 45-GM/BCĐ35" in t for t in texts)  # one number, one copy per addressee


def test_a_record_without_the_new_sections_builds_as_before(tmp_path) -> None:
    data = sample_data()
    for key in ("invitees", "agenda"):
        del data[key]
    for key in ("invitation", "programme", "news"):
        del data["documents"][key]
    for group in data["awards"]:
        group.pop("proposal", None)
    out = tmp_path / "out"
    build(write(data, tmp_path / "m.yaml"), output=out, formats="docx", certificates=None)
    stems = sorted(p.name[:2] for p in out.glob("*.docx"))
    assert set(stems) == {"01", "02", "03", "04", "09"}  # the news needs nothing more


def test_templates_check_passes_against_the_sample(tmp_path) -> None:
    for meeting in (SAMPLE, state_variant(tmp_path)):
        result = CliRunner().invoke(main, ["templates", "check", "--meeting", str(meeting)])
        assert result.exit_code == 0, result.output


def test_validate_summarises_the_new_sections() -> None:
    result = CliRunner().invoke(main, ["validate", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "318/TTr-SNV" in result.output and "45-GM/BCĐ35" in result.output
    assert "8 items, 08:00–11:30" in result.output


# ------------------------------------------------------------------------ bad input


def _refused(tmp_path: Path, data: dict, *where: str, source: Path | None = None) -> str:
    """Build ``data``: exit 2, each of ``where`` in the message (field paths count from 1, as
    a clerk does), a line number, no traceback, and no output folder."""
    meeting = write(data, (source or tmp_path) / "bad.yaml")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(meeting), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    for text in where:
        assert text in result.output, (text, result.output)
    assert re.search(r"bad\.yaml, line \d+", result.output), result.output
    return result.output


def test_agenda_out_of_order_is_refused(tmp_path) -> None:
    data = sample_data()
    data["agenda"][3]["time"] = "08:15"
    _refused(tmp_path, data, "Programme items, item 4 › Time (time)", "08:15", "08:20")


def test_agenda_outside_the_meeting_is_refused(tmp_path) -> None:
    data = sample_data()
    data["agenda"][0]["time"] = "07:30"
    data["agenda"][-1]["end"] = "12:00"
    _refused(
        tmp_path,
        data,
        "Programme items, item 1 › Time (time)",
        "07:30",
        "Programme items, item 8 › End time (end)",
        "12:00",
        "11:30",
    )


def test_a_proposal_from_an_undeclared_body_is_refused(tmp_path) -> None:
    data = sample_data()
    data["awards"][0]["proposal"]["issuer"] = "so-noi-vu"
    _refused(
        tmp_path,
        data,
        "Award groups, item 1 › Proposal (tờ trình) › Issuing body (issuer)",
        "so-noi-vu",
    )


def test_an_empty_invitee_list_with_theo_danh_sach_is_refused(tmp_path) -> None:
    data = sample_data()
    data["invitees"] = []
    _refused(
        tmp_path,
        data,
        "Documents › Invitation › How the invitation is sent (mode)",
        "theo danh sách",
    )


def test_proposal_counts_that_differ_from_the_list_are_refused(tmp_path) -> None:
    data = sample_data()
    data["awards"][1]["proposal"]["individuals"] = 2
    _refused(
        tmp_path,
        data,
        "Award groups, item 2 › Proposal (tờ trình) › Number of individuals proposed (individuals)",
        "2",
        "1",
    )


def test_proposal_counts_are_checked_against_a_spreadsheet_list_too(tmp_path) -> None:
    data = yaml.safe_load(SAMPLE_XLSX.read_text("utf-8"))
    data["awards"][1]["proposal"]["collectives"] = 5
    # Written beside the sample, so the spreadsheet it names is found.
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "lang-son-2022-awards.xlsx").write_bytes(
        (SAMPLE.parent / "lang-son-2022-awards.xlsx").read_bytes()
    )
    _refused(
        tmp_path,
        data,
        "Award groups, item 2 › Proposal (tờ trình) › Number of collectives proposed (collectives)",
        "5",
        "4",
        source=folder,
    )


def test_a_free_text_proposal_line_beside_a_tờ_trình_is_refused(tmp_path) -> None:
    data = sample_data()
    data["awards"][0]["decision"]["proposal"] = "Xét đề nghị của Giám đốc Sở Nội vụ"
    _refused(
        tmp_path, data, "Award groups, item 1 › Decision › Proposal line (Xét đề nghị) (proposal)"
    )


def test_only_a_document_the_record_cannot_make_says_what_it_needs(tmp_path) -> None:
    data = sample_data()
    del data["documents"]["invitation"]
    del data["agenda"]
    meeting = write(data, tmp_path / "m.yaml")
    out = tmp_path / "out"
    args = ["build", str(meeting), "--only", "invitation,programme", "-o", str(out)]
    said = {}
    for lang in ("vi", "en"):
        result = CliRunner().invoke(main, ["--lang", lang, *args, "--certificates", "none"])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output and "documents.invitation" not in result.output
        said[lang] = " ".join(result.output.split())
    # The fields as the form and every located message name them, each with its key.
    assert "giấy mời cần có mục Văn bản › Giấy mời (invitation)" in said["vi"]
    assert "chương trình cần có mục Nội dung chương trình (agenda)" in said["vi"]
    assert "không có văn bản nào để tạo" in said["vi"]
    assert "giấy mời (invitation) needs Documents › Invitation (invitation)" in said["en"]
    assert "chương trình (programme) needs Programme items (agenda)" in said["en"]
    assert not out.exists()


def test_documents_that_need_the_same_field_are_told_together(tmp_path) -> None:
    data = sample_data()
    del data["awards"]
    meeting = write(data, tmp_path / "m.yaml")
    args = ["build", str(meeting), "--only", "decision,list,proposal", "-o", str(tmp_path / "o")]
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert (
        "quyết định khen thưởng (award decision), danh sách khen thưởng (award list) need "
        "Award groups (awards); tờ trình đề nghị khen thưởng (award proposal) needs "
        "Award groups › Proposal (tờ trình) (proposal). Fill them in"
    ) in said
