"""Text as clerks really type it: decomposed Vietnamese, any case in fixed choices, whitespace
pasted from Word — accepted and noted; every other control character, and every key or code that
could not stand in a file name or a document number, refused with its line and field."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from docgen.certificates.layout import parse_layout
from docgen.cli import main
from docgen.errors import DocgenError
from docgen.loader import parse_meeting
from docgen.vietnamese import SPACE_LIKE

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"
SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
# Fields as the (English) messages name them: the form's words, the key last.
VENUE_FIELD = "The meeting › Venue (venue)"
UBND_CODE = "Issuing bodies › ubnd › Code in document numbers (code)"
GROUP_KEY = "Award groups, item 1 › Identifier of the group (key)"
BASE = yaml.safe_load(SAMPLE_TEXT)
LAYOUT = ROOT / "templates" / "certificates" / "bang-khen.yaml"

FieldPath = tuple[str | int, ...]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def validate(folder: Path, text: str) -> tuple[Any, Path]:
    path = folder / "hop.yaml"
    path.write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["validate", str(path)]), path


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# --- NFC before anything else ----------------------------------------------------------------


def test_the_sample_typed_decomposed_is_the_same_record() -> None:
    decomposed = nfd(SAMPLE_TEXT)
    assert decomposed != SAMPLE_TEXT and "sa\u0301ng" in decomposed
    assert parse_meeting(decomposed, "nfd").model_dump() == parse_meeting(SAMPLE_TEXT).model_dump()


def test_decomposed_keys_refer_to_the_same_person() -> None:
    # A key with an accent is refused (keys are ASCII), but the refusal must be the same for
    # both spellings, and a decomposed reference must match its composed declaration.
    text = SAMPLE_TEXT.replace("nghiem", "nghiệm")
    mixed = text.replace("  chairs: [nghiệm]", f"  chairs: [{nfd('nghiệm')}]")
    with pytest.raises(DocgenError) as composed:
        parse_meeting(text, "f")
    with pytest.raises(DocgenError) as decomposed:
        parse_meeting(mixed, "f")
    assert str(composed.value) == str(decomposed.value)
    assert "is not one of the people" not in str(decomposed.value)


@pytest.mark.parametrize(
    ("old", "typed", "path", "canonical"),
    [
        ("session: sáng", "session: Sáng", ("meeting", "session"), "sáng"),
        ("session: sáng", "session: SÁNG", ("meeting", "session"), "sáng"),
        ("session: sáng", f"session: {nfd('Sáng')}", ("meeting", "session"), "sáng"),
        ("session: sáng", "session: '  sáng '", ("meeting", "session"), "sáng"),
        ("form: Bằng khen", "form: bằng khen", ("awards", 0, "form"), "Bằng khen"),
        ("form: Bằng khen", f"form: {nfd('Bằng khen')}", ("awards", 0, "form"), "Bằng khen"),
        ("form: Bằng khen", "form: BẰNG  KHEN", ("awards", 0, "form"), "Bằng khen"),
        ("profile: state", "profile: State", ("bodies", "ubnd", "profile"), "state"),
        ("profile: party", "profile: PARTY", ("bodies", "bcd35", "profile"), "party"),
    ],
)
def test_fixed_choices_take_any_case_and_store_the_canonical_form(
    old: str, typed: str, path: FieldPath, canonical: str
) -> None:
    assert old in SAMPLE_TEXT
    record = parse_meeting(SAMPLE_TEXT.replace(old, typed, 1), "f")
    value: Any = record.model_dump()
    for part in path:
        value = value[part]
    assert value == canonical


def test_a_choice_that_is_not_one_still_lists_the_choices(tmp_path: Path) -> None:
    text = SAMPLE_TEXT.replace("session: sáng", "session: trưa")
    result, path = validate(tmp_path, text)
    assert result.exit_code == 2
    line = line_of(text, "session: trưa")
    assert (
        f"{path}, line {line}, column 12: The meeting › Session (session) — 'trưa' is not allowed"
        in result.stderr
    )
    assert "'sáng'" in result.stderr


def test_layout_choices_take_any_case() -> None:
    text = LAYOUT.read_text(encoding="utf-8")
    typed = text.replace("{size: A3, orientation: landscape}", "{size: a3, orientation: Landscape}")
    typed = typed.replace("overflow: wrap", "overflow: WRAP")
    assert typed != text
    loaded = parse_layout(typed, "layout.yaml")
    assert (loaded.spec.page.size, loaded.spec.page.orientation) == ("A3", "landscape")
    assert "wrap" in {field.overflow for field in loaded.spec.fields}


# --- control characters --------------------------------------------------------------------

VENUE = "  venue: Hội trường Tỉnh ủy Lạng Sơn"


@pytest.mark.parametrize("char", list(SPACE_LIKE), ids=[f"U+{ord(c):04X}" for c in SPACE_LIKE])
@pytest.mark.parametrize("written", ["raw", "escaped"])
def test_space_like_characters_become_one_space_and_are_noted(
    tmp_path: Path, char: str, written: str
) -> None:
    if written == "raw":
        typed = f"  venue: Hội{char}trường Tỉnh ủy Lạng Sơn"
    else:
        typed = f'  venue: "Hội\\u{ord(char):04X}trường Tỉnh ủy Lạng Sơn"'
    text = SAMPLE_TEXT.replace(VENUE, typed, 1)
    result, path = validate(tmp_path, text)
    assert result.exit_code == 0, result.output + result.stderr
    # The summary lines its values up after the longest label, whatever the language.
    assert re.search(r"\n  Venue: +Hội trường Tỉnh ủy Lạng Sơn\n", result.stdout)
    line = line_of(text, "  venue: ")
    notes = [n for n in result.stderr.splitlines() if n.startswith("note: ")]
    assert len(notes) == 1, result.stderr
    assert f"{path}, line {line}, column " in notes[0]
    assert (
        f"{VENUE_FIELD} — the {SPACE_LIKE[char]}, U+{ord(char):04X}, was read as a space"
        in notes[0]
    )


def test_each_change_is_noted_with_its_own_line(tmp_path: Path) -> None:
    text = SAMPLE_TEXT.replace(VENUE, "  venue: Hội\x0btrường\u2028Tỉnh ủy", 1).replace(
        "  place: Lạng Sơn", "  place: Lạng\u00a0Sơn", 1
    )
    result, path = validate(tmp_path, text)
    assert result.exit_code == 0
    venue, place = line_of(text, "  venue: "), line_of(text, "  place: Lạng")
    notes = [n for n in result.stderr.splitlines() if n.startswith("note: ")]
    assert [n.split(": ", 2)[1] for n in notes] == [
        f"{path}, line {venue}, column 13",
        f"{path}, line {venue}, column 20",
        f"{path}, line {place}, column 14",
    ]


def test_build_shows_the_notes_once_before_its_summary(tmp_path: Path) -> None:
    # A clerk who only ever builds must see them too, not only one who validates.
    text = SAMPLE_TEXT.replace(VENUE, "  venue: Hội\x0btrường Tỉnh ủy", 1).replace(
        "  place: Lạng Sơn", "  place: Lạng\u00a0Sơn", 1
    )
    path = tmp_path / "hop.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    args = ["build", str(path), "-o", str(out), "--only", "minutes", "--format", "docx"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    venue, place = line_of(text, "  venue: "), line_of(text, "  place: Lạng")
    notes = [n for n in result.stderr.splitlines() if n.startswith("note: ")]
    assert [n.split(": ", 2)[1] for n in notes] == [
        f"{path}, line {venue}, column 13",
        f"{path}, line {place}, column 14",
    ]
    assert f"{VENUE_FIELD} — the vertical tab (Word's line break), U+000B, was read" in notes[0]
    lines = result.output.splitlines()
    summary = next(i for i, line in enumerate(lines) if line.startswith("Wrote "))
    assert all(lines.index(note) < summary for note in notes)
    assert (out / "01-bien-ban.docx").is_file()


# One or two of every class that is still refused: C0, DEL, C1, invisible formatting, bidi
# controls, the byte order mark, soft hyphen.
REFUSED = ["\x00", "\x07", "\x1b", "\x1f", "\x7f", "\x80", "\x9f", "\u200b", "\u200e", "\u202e",
           "\u2066", "\ufeff", "\u00ad"]  # fmt: skip


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
@pytest.mark.parametrize("written", ["raw", "escaped"])
def test_other_control_characters_are_refused_with_line_and_field(
    tmp_path: Path, char: str, written: str
) -> None:
    if written == "raw":
        typed = f"  venue: Hội{char}trường"
    else:
        typed = f'  venue: "Hội\\u{ord(char):04X}trường"'
    text = SAMPLE_TEXT.replace(VENUE, typed, 1)
    result, path = validate(tmp_path, text)
    assert result.exit_code == 2, result.stdout
    line = line_of(text, "  venue: ")
    assert f"{path}, line {line}, column " in result.stderr
    assert VENUE_FIELD in result.stderr and f"U+{ord(char):04X}" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_line_break_in_a_single_line_field_is_still_refused(tmp_path: Path) -> None:
    text = SAMPLE_TEXT.replace(VENUE, '  venue: "Hội\\ntrường"', 1)
    result, path = validate(tmp_path, text)
    assert result.exit_code == 2
    assert VENUE_FIELD in result.stderr and "single line" in result.stderr


# --- keys and codes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field", "allowed"),
    [
        ("code: UBND", "code: ../../x", UBND_CODE, "letters and digits"),
        ("code: UBND", "code: 'UB ND'", UBND_CODE, "letters and digits"),
        ("code: UBND", "code: UBND\\x", UBND_CODE, "letters and digits"),
        ("code: UBND", f"code: {'U' * 31}", UBND_CODE, "at most 30 characters"),
        ("key: ubnd-bang-khen", "key: ../x", GROUP_KEY, "lower-case ASCII"),
        ("key: ubnd-bang-khen", f"key: {'k' * 61}", GROUP_KEY, "at most 60"),
        (
            "secretary: thu-ky",
            "secretary: Thu-ky",
            "Roles › Secretary (secretary)",
            "lower-case ASCII",
        ),
    ],
)
def test_keys_and_codes_are_checked_in_the_model_with_what_is_allowed(
    tmp_path: Path, old: str, new: str, field: str, allowed: str
) -> None:
    assert old in SAMPLE_TEXT
    text = SAMPLE_TEXT.replace(old, new, 1)
    result, path = validate(tmp_path, text)
    assert result.exit_code == 2, result.stdout
    line = line_of(text, new)
    assert f"{path}, line {line}, column " in result.stderr
    assert f"{field} — " in result.stderr and allowed in result.stderr


def test_a_bad_code_never_reaches_the_renderer(tmp_path: Path) -> None:
    meeting = tmp_path / "hop.yaml"
    meeting.write_text(SAMPLE_TEXT.replace("code: UBND", "code: ../../x", 1), encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "docgen", "build", str(meeting), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2, done.stderr
    assert UBND_CODE in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


# --- any text in every key and code field ----------------------------------------------------

KEY_VALUES: list[FieldPath] = [
    ("meeting", "organisers", 0),
    ("roles", "chairs", 0),
    ("roles", "co_chairs", 0),
    ("roles", "secretary"),
    ("roles", "attendees", 0),
    ("conclusion", "by"),
    ("documents", "minutes", "issuer"),
    ("documents", "notice", "issuer"),
    ("awards", 0, "key"),
    ("awards", 1, "decision", "issuer"),
    ("bodies", "ubnd", "code"),
    ("bodies", "bcd35", "code"),
]
KEY_NAMES: list[FieldPath] = [("bodies", "ubnd"), ("people", "nghiem"), ("people", "thu-ky")]

arbitrary_text = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    # Text that passes the checks, so that the build behind them runs too: letters of any
    # script in a code, a well-formed key.
    st.text(st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd")), min_size=1, max_size=12),
    st.from_regex(r"[a-z0-9][a-z0-9_-]{0,70}", fullmatch=True),
    st.sampled_from(["../../x", "..", ".", "CON", "a/b", "a\\b", "UBND.VX", "bcd35 ", "x" * 80]),
)


def mutate(target: FieldPath, text: str, rename: bool) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    node: Any = data
    for part in target[:-1]:
        node = node[part]
    if rename:
        node[text] = node.pop(target[-1])
    else:
        node[target[-1]] = text
    return data


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    target=st.one_of(
        st.tuples(st.sampled_from(KEY_VALUES), st.just(False)),
        st.tuples(st.sampled_from(KEY_NAMES), st.just(True)),
    ),
    text=arbitrary_text,
)
def test_any_text_in_a_key_or_code_is_accepted_or_refused_with_its_place(
    tmp_path_factory, target: tuple[FieldPath, bool], text: str
) -> None:
    folder = tmp_path_factory.mktemp("keys")
    path = folder / "hop.yaml"
    dumped = yaml.safe_dump(mutate(target[0], text, target[1]), allow_unicode=True, sort_keys=False)
    path.write_text(dumped, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code in (0, 2), (text, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    event(f"validate exit {result.exit_code}")
    if result.exit_code == 2:
        assert f"{path}, line " in result.stderr, result.stderr
        return
    # Accepted: then it must build (here the documents whose names and numbers use it).
    out = folder / "out"
    built = runner.invoke(
        main,
        ["build", str(path), "-o", str(out), "--format", "docx", "--certificates", "none"],
    )
    assert built.exit_code in (0, 2), (text, built.stderr, built.exception)
    assert "Traceback" not in built.stderr
    if built.exit_code == 0:
        assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))


@pytest.mark.parametrize("text", ["../../x", "a\x00b", "ỦY BAN", "\u202e"])
def test_bad_codes_in_a_real_process_exit_2_without_traceback(tmp_path: Path, text: str) -> None:
    path = tmp_path / "hop.yaml"
    dumped = yaml.safe_dump(mutate(("bodies", "ubnd", "code"), text, False), allow_unicode=True)
    path.write_text(dumped, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "docgen", "validate", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert f"{path}, line " in done.stderr and UBND_CODE in done.stderr
    assert "Traceback" not in done.stderr


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    code=st.text(
        st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd")), min_size=1, max_size=8
    )
)
def test_a_code_the_model_accepts_is_printed_in_the_decision_number(tmp_path_factory, code) -> None:
    from docx import Document

    folder = tmp_path_factory.mktemp("code")
    path = folder / "hop.yaml"
    data = mutate(("bodies", "ubnd", "code"), code, False)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = folder / "out"
    built = CliRunner().invoke(
        main, ["build", str(path), "-o", str(out), "--format", "docx", "--certificates", "none"]
    )
    assert built.exit_code == 0, (code, built.stderr, built.exception)
    expected = f"/QĐ-{unicodedata.normalize('NFC', code)}"
    texts = [
        "\n".join(p.text for p in Document(str(docx)).paragraphs) for docx in out.glob("*.docx")
    ]
    assert any(expected in text for text in texts), expected


def test_spreadsheet_headers_and_kinds_typed_decomposed_are_read(tmp_path: Path) -> None:
    from docgen.spreadsheet import read_recipients

    rows = [
        ["STT", "Tên tập thể / Họ và tên", "Chức vụ", "Đơn vị", "Loại"],
        ["1", "Phòng Thời sự", "", "Đài Phát thanh và Truyền hình tỉnh", "TẬP THỂ"],
        ["2", "Nông Thị Thủy", "Biên tập viên", "Đài Phát thanh và Truyền hình tỉnh", "cá nhân"],
    ]
    path = tmp_path / "list.csv"
    path.write_text(nfd("\n".join(",".join(r) for r in rows) + "\n"), encoding="utf-8")
    found = read_recipients(path)
    assert [c.name for c in found.collectives] == ["Phòng Thời sự"]  # stored NFC
    assert [(i.name, i.position) for i in found.individuals] == [("Nông Thị Thủy", "Biên tập viên")]
