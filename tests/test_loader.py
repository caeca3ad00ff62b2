"""The meeting file: the sample validates, and every kind of mistake is located for the clerk."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.cli import main
from docgen.errors import DocgenError
from docgen.loader import load_meeting, parse_meeting

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"


@pytest.fixture(scope="module")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def test_sample_holds_the_article_facts() -> None:
    record = load_meeting(SAMPLE)
    assert record.meeting.date == dt.date(2022, 12, 12)
    assert record.meeting.session == "sáng"
    chair = record.person(record.roles.chairs[0])
    assert chair.name == "Hoàng Văn Nghiệm"
    assert chair.positions[:2] == [
        "Phó Bí thư Thường trực Tỉnh ủy",
        "Trưởng Đoàn Đại biểu Quốc hội tỉnh",
    ]
    assert record.person(record.roles.co_chairs[0]).name == "Phùng Quang Hội"
    assert record.person(record.roles.attendees[0]).name == "Dương Xuân Huyên"
    counts = [(g.form, len(g.collectives), len(g.individuals)) for g in record.awards]
    assert counts == [
        ("Bằng khen", 9, 11),
        ("Giấy khen", 4, 1),
        ("Giấy khen", 4, 9),
        ("Giấy khen", 7, 7),
    ]
    profiles = {key: body.profile for key, body in record.bodies.items()}
    assert profiles == {
        "bcd35": "party",
        "bcd-ttdn": "party",
        "ubnd": "state",
        "sonv": "state",  # the proposing bodies of the tờ trình (illustrative)
        "btg": "party",
    }
    assert record.body(record.awards[0].decision.issuer).profile == "state"


def test_validate_prints_the_award_groups_as_the_genre_writes_them() -> None:
    result = CliRunner().invoke(main, ["validate", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: 09 tập thể, 11 cá nhân" in out
    assert (
        "Giấy khen của Ban Chỉ đạo Công tác thông tin đối ngoại tỉnh: 04 tập thể, 01 cá nhân" in out
    )
    assert out.count("Giấy khen của Ban Chỉ đạo cấp tỉnh về bảo vệ nền tảng") == 2
    assert "04 tập thể, 09 cá nhân" in out and "07 tập thể, 07 cá nhân" in out
    assert "ngày 12 tháng 12 năm 2022" in out
    assert "Party format" in out and "state format" in out
    assert "Hoàng Văn Nghiệm" in out


def _fail(text: str) -> str:
    with pytest.raises(DocgenError) as info:
        parse_meeting(text, "m.yaml")
    return str(info.value)


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_bad_indentation_is_located(sample_text: str) -> None:
    bad = _replace(sample_text, "  kind: hội nghị\n", "    kind: hội nghị\n")
    message = _fail(bad)
    assert message.startswith("m.yaml, line ")
    assert "indentation" in message


def test_unclosed_quote_is_located(sample_text: str) -> None:
    bad = _replace(sample_text, 'start: "08:00"', 'start: "08:00')
    message = _fail(bad)
    assert "m.yaml, line" in message and "not valid YAML" in message


def test_wrong_type_names_line_and_field(sample_text: str) -> None:
    bad = _replace(sample_text, "    number: 7\n", "    number: bảy\n")
    message = _fail(bad)
    assert f"line {_line_of(bad, 'number: bảy')}, column 13" in message
    assert "Documents › Minutes › Number (number)" in message
    assert "whole number" in message


def test_impossible_date_names_line_and_field(sample_text: str) -> None:
    bad = _replace(sample_text, "  date: 2022-12-12\n", "  date: 2022-13-45\n")
    message = _fail(bad)
    assert f"line {_line_of(bad, '2022-13-45')}" in message
    assert (
        "The meeting › Date of the meeting (date)" in message
        and "2022-13-45" in message
        and "not a real date" in message
    )


def test_unknown_key_suggests_the_near_miss(sample_text: str) -> None:
    bad = _replace(sample_text, "  venue: ", "  venu: ")
    message = _fail(bad)
    assert f"line {_line_of(bad, 'venu:')}, column 3" in message
    assert '"venu" is not a known key' in message and 'Did you mean "venue"?' in message


def test_all_problems_of_a_file_are_reported_at_once(sample_text: str) -> None:
    bad = _replace(sample_text, "  venue: ", "  venu: ")
    bad = _replace(bad, "    number: 7\n", "    number: bảy\n")
    message = _fail(bad)
    assert "2 problems" in message
    assert "venu" in message and "Documents › Minutes › Number (number)" in message


def test_empty_file_is_explained() -> None:
    assert "the file is empty" in _fail("")
    assert "the file is empty" in _fail("# only a comment\n")


def test_list_at_the_top_is_explained() -> None:
    message = _fail("- meeting\n- bodies\n")
    assert "line 1" in message and "holds a list" in message


def test_missing_field_points_at_its_block(sample_text: str) -> None:
    bad = _replace(sample_text, "  venue: Hội trường Tỉnh ủy Lạng Sơn   # illustrative\n", "")
    message = _fail(bad)
    assert "The meeting › Venue (venue) — this field is required" in message
    assert f"line {_line_of(bad, 'name: Hội nghị tổng kết')}" in message


def test_dangling_reference_is_located_with_a_suggestion(sample_text: str) -> None:
    bad = _replace(sample_text, "  chairs: [nghiem]", "  chairs: [nghiem2]")
    message = _fail(bad)
    assert f"line {_line_of(bad, 'nghiem2')}" in message
    assert "Roles › Chair (chairs), item 1" in message and 'Did you mean "nghiem"?' in message


def test_duplicate_key_is_an_error(sample_text: str) -> None:
    bad = _replace(sample_text, "  kind: hội nghị\n", "  kind: hội nghị\n  kind: cuộc họp\n")
    message = _fail(bad)
    assert "given twice" in message and f"line {_line_of(bad, 'kind: cuộc họp')}" in message


def test_control_character_is_rejected_with_its_code(sample_text: str) -> None:
    bad = _replace(sample_text, "venue: Hội trường", "venue: Hội\x07 trường")
    message = _fail(bad)
    assert "The meeting › Venue (venue)" in message and "U+0007" in message


def test_text_is_nfc_and_trimmed(sample_text: str) -> None:
    decomposed = unicodedata.normalize("NFD", "Hội trường Tỉnh ủy")
    text = _replace(sample_text, "venue: Hội trường Tỉnh ủy", f"venue: '  {decomposed}")
    text = _replace(text, "Lạng Sơn   # illustrative", "Lạng Sơn  '  # illustrative")
    record = parse_meeting(text, "m.yaml")
    assert record.meeting.venue == "Hội trường Tỉnh ủy Lạng Sơn"
    assert unicodedata.is_normalized("NFC", record.meeting.venue)


def test_times_and_dates_in_clerk_forms(sample_text: str) -> None:
    text = _replace(sample_text, "  date: 2022-12-12\n", "  date: 12/12/2022\n")
    text = _replace(text, 'start: "08:00"', "start: 8:00")
    text = _replace(text, 'end: "11:30"', "end: 11 giờ 30")
    record = parse_meeting(text, "m.yaml")
    assert record.meeting.date == dt.date(2022, 12, 12)
    assert record.meeting.start == dt.time(8, 0)
    assert record.meeting.end == dt.time(11, 30)


def test_cli_exit_status_2_without_traceback(tmp_path: Path, sample_text: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(_replace(sample_text, "  date: 2022-12-12\n", "  date: 2022-13-45\n"), "utf-8")
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{bad}, line" in result.output


def test_missing_file_and_non_utf8(tmp_path: Path) -> None:
    assert "no such file" in str(
        pytest.raises(DocgenError, load_meeting, tmp_path / "x.yaml").value
    )
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("meeting:\n  name: H\xf4i\n".encode("latin-1"))
    assert "not UTF-8" in str(pytest.raises(DocgenError, load_meeting, latin).value)


def test_new_writes_a_skeleton_that_validates(tmp_path: Path) -> None:
    target = tmp_path / "cuoc-hop.yaml"
    runner = CliRunner()
    assert runner.invoke(main, ["new", str(target)]).exit_code == 0
    assert "#" in target.read_text("utf-8")  # the clerk gets explanations
    result = runner.invoke(main, ["validate", str(target)])
    assert result.exit_code == 0, result.output
    again = runner.invoke(main, ["new", str(target)])
    assert again.exit_code == 2 and "already exists" in again.output


def test_version_and_help() -> None:
    runner = CliRunner()
    assert "docgen, version" in runner.invoke(main, ["--version"]).output
    help_text = runner.invoke(main, ["--help"]).output
    assert "validate" in help_text and "new" in help_text


@pytest.mark.parametrize(
    ("typed", "stored"), [("K/T", "KT"), ("kt.", "KT"), ("KT", "KT"), ("T/M", "TM"), ("  ", None)]
)
def test_a_signing_authority_is_read_as_either_format_writes_it(
    sample_text: str, typed: str, stored: str | None
) -> None:
    text = _replace(sample_text, "        prefix: KT.\n", f"        prefix: '{typed}'\n")
    assert parse_meeting(text, "m.yaml").awards[0].decision.signer.prefix == stored


def test_a_signing_authority_that_is_none_is_refused_as_typed(sample_text: str) -> None:
    bad = _replace(sample_text, "        prefix: KT.\n", "        prefix: K/Y\n")
    message = _fail(bad)
    assert f"line {_line_of(bad, 'prefix: K/Y')}, column 17: " in message
    assert (
        "Signing authority (prefix) — 'K/Y' is not a signing authority; leave it blank or write one of TM., KT."
        in message
    )
