"""The template context: derived values made in Python, right for each profile."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from docgen.context import directive_text
from docgen.documents import DOCUMENTS, TYPES, context_for, known_variables
from docgen.loader import load_meeting
from docgen.model import Directive
from docgen.vietnamese import count2, name_sort_key

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"


@pytest.fixture(scope="module")
def record():
    return load_meeting(SAMPLE)


def _contexts(record):
    yield "minutes", None, context_for(record, "minutes")
    yield "notice", None, context_for(record, "notice")
    for group in record.awards:
        yield "decision", group, context_for(record, "decision", group)
        yield "list", group, context_for(record, "list", group)


def test_every_context_provides_exactly_its_declared_variables(record) -> None:
    for document, _group, ctx in _contexts(record):
        assert set(ctx) == set(known_variables(document)), document
    assert [t.key for t in TYPES] == list(DOCUMENTS)


def test_values_are_plain_strings_and_lists(record) -> None:
    def plain(value) -> bool:
        if isinstance(value, str):
            return True
        if isinstance(value, list):
            return all(plain(v) for v in value)
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        return False

    for document, _group, ctx in _contexts(record):
        for name, value in ctx.items():
            assert plain(value), (document, name, value)


def test_number_and_signer_words_follow_the_issuers_profile(record) -> None:
    state_group = record.award("ubnd-bang-khen")
    state = context_for(record, "decision", state_group)
    assert state["number"] == "Số: 2156/QĐ-UBND"
    assert state["signer_prefix_line"] == "KT. CHỦ TỊCH"
    assert state["signer_position"] == "PHÓ CHỦ TỊCH"
    assert state["signer_name"] == "Dương Xuân Huyên"
    assert state["parent"] == ""
    assert state["issuer_header"] == "ỦY BAN NHÂN DÂN\nTỈNH LẠNG SƠN"

    notice = context_for(record, "notice")
    assert notice["number"] == "Số 15-TB/BCĐ35"
    assert notice["signer_prefix_line"] == "K/T TRƯỞNG BAN"
    assert notice["parent"] == "TỈNH ỦY LẠNG SƠN"
    assert notice["place_date"] == "Lạng Sơn, ngày 16 tháng 12 năm 2022"
    party_group = record.award("bcd35-giay-khen")
    assert context_for(record, "decision", party_group)["signer_prefix_line"] == "T/M BAN CHỈ ĐẠO"


def test_counts_are_computed_from_the_lists(record) -> None:
    for group in record.awards:
        ctx = context_for(record, "decision", group)
        nc, ni = len(group.collectives), len(group.individuals)
        assert ctx["counts"] == f"{count2(nc)} tập thể và {count2(ni)} cá nhân"
        assert [row["number"] for row in ctx["collectives"]] == [str(i) for i in range(1, nc + 1)]
        assert [row["number"] for row in ctx["individuals"]] == [str(i) for i in range(1, ni + 1)]
        assert ctx["individuals_numeral"] == ("II" if nc else "I")
    assert context_for(record, "decision", record.awards[0])["counts"] == "09 tập thể và 11 cá nhân"


def test_a_group_without_collectives_numbers_individuals_first(record) -> None:
    group = record.awards[1].model_copy(update={"collectives": []})
    ctx = context_for(record, "list", group)
    assert ctx["counts"] == "01 cá nhân"
    assert ctx["individuals_numeral"] == "I"
    assert ctx["list_who"] == "CÁ NHÂN"
    assert ctx["collectives"] == []


def test_individuals_are_sorted_only_when_asked(record) -> None:
    group = record.awards[0]
    as_given = [row["name"] for row in context_for(record, "list", group)["individuals"]]
    assert as_given == [p.name for p in group.individuals]
    sorted_group = group.model_copy(update={"sort_individuals": True})
    names = [row["name"] for row in context_for(record, "list", sorted_group)["individuals"]]
    assert names == sorted(as_given, key=name_sort_key)
    assert names != as_given


def test_individual_rows_hold_position_and_unit(record) -> None:
    row = context_for(record, "list", record.awards[0])["individuals"][0]
    person = record.awards[0].individuals[0]
    assert row["detail"] == f"{person.position}, {person.unit}"


def test_recipients_once_each_with_the_archive_line_last(record) -> None:
    notice = record.documents.notice
    doubled = notice.model_copy(
        update={"recipients": [*notice.recipients, notice.recipients[0], "Lưu: VT, BTG"]}
    )
    record2 = record.model_copy(
        update={"documents": record.documents.model_copy(update={"notice": doubled})}
    )
    items = context_for(record2, "notice")["recipients"]
    assert items[-1] == "- Lưu: VT, BTG."
    assert len(items) == len(notice.recipients) + 1
    assert len(set(items)) == len(items)
    # Party items end with a comma; state items with a semicolon.
    assert all(item.endswith(",") for item in items[:-1])
    state = context_for(record, "decision", record.award("ubnd-bang-khen"))["recipients"]
    assert all(item.startswith("- ") and item.endswith(";") for item in state[:-1])
    assert state[-1] == "- Lưu: VT, UBND."


def test_directive_says_who_leads_who_coordinates_what_and_when() -> None:
    text = directive_text(
        Directive(
            task="Tập huấn cho cộng tác viên.",
            lead="Ban Tuyên giáo Tỉnh ủy",
            coordinate=["Sở Nội vụ", "Báo Lạng Sơn"],
            deadline="trong quý I năm 2023",
        )
    )
    assert text == (
        "Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp với Sở Nội vụ và Báo Lạng Sơn tập huấn cho "
        "cộng tác viên; thời hạn: trong quý I năm 2023."
    )
    assert directive_text(Directive(task="rà soát danh sách")) == "Rà soát danh sách."


def test_conclusion_lists_assessment_before_directives(record) -> None:
    items = context_for(record, "notice")["conclusion_items"]
    assert len(items) == len(record.conclusion.assessment) + len(record.conclusion.directives)
    assert items[0].startswith(record.conclusion.assessment[0][:30])
    assert items[-1].endswith("thời hạn: trong quý I năm 2023.")


def test_meeting_times_and_blank_end(record) -> None:
    ctx = context_for(record, "minutes")
    assert ctx["start_text"] == "08 giờ 00, ngày 12 tháng 12 năm 2022"
    assert ctx["end_text"] == "11 giờ 30, ngày 12 tháng 12 năm 2022"
    meeting = record.meeting.model_copy(update={"end": None, "start": None})
    ctx = context_for(record.model_copy(update={"meeting": meeting}), "minutes")
    assert ctx["start_text"] == "sáng ngày 12 tháng 12 năm 2022"
    assert ctx["end_text"].startswith(" ") and "giờ" in ctx["end_text"]
    assert ctx["end_text"].endswith("ngày 12 tháng 12 năm 2022")


def test_grounds_end_with_semicolons_and_the_proposal_with_a_full_stop(record) -> None:
    ctx = context_for(record, "decision", record.awards[0])
    assert all(g.endswith(";") for g in ctx["grounds"])
    assert ctx["proposal"] == (
        "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 318/TTr-SNV ngày 05 tháng 12 năm 2022."
    )
    assert ctx["executors"].startswith("Giám đốc Sở Nội vụ, ")
    # Without a tờ trình and without a free-text line, the last ground ends the sentence.
    group = record.awards[0].model_copy(update={"proposal": None})
    ctx = context_for(record, "decision", group)
    assert ctx["proposal"] == ""
    assert ctx["grounds"][-1].endswith(".")


def test_undated_document_leaves_blanks(record) -> None:
    minutes = record.documents.minutes.model_copy(update={"date": None, "number": None})
    record2 = record.model_copy(
        update={"documents": record.documents.model_copy(update={"minutes": minutes})}
    )
    ctx = context_for(record2, "minutes")
    assert ctx["place_date"].startswith("Lạng Sơn, ngày ")
    assert "  " in ctx["place_date"] and "  " in ctx["number"]
    assert record2.meeting.date == dt.date(2022, 12, 12)


def test_unknown_document_is_refused(record) -> None:
    with pytest.raises(ValueError):
        context_for(record, "certificate")
    with pytest.raises(ValueError):
        context_for(record, "decision")
