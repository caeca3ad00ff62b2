"""Located messages name a meeting file's fields as the clerk knows them, in their language.

The words come from one table (docgen.fieldnames), the same the browser form labels its fields
with; the key of the field stays in the message, since that is what a clerk editing the file
looks for on the line the message gives.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from docgen.cli import main
from docgen.fieldnames import KEY, describe, lookup, names, unwrap
from docgen.i18n import set_language
from docgen.model import MeetingRecord

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_TEXT = (ROOT / "seeds" / "lang-son-2022.yaml").read_text(encoding="utf-8")

# Each mistake: (text in the sample, what replaces it, the text of the line the message names,
# the field in Vietnamese, in English).
MISTAKES = [
    # a field of a top-level part
    (
        "  date: 2022-12-12\n",
        "  date: 2022-13-45\n",
        "date: 2022-13-45",
        "Cuộc họp › Ngày họp (date)",
        "The meeting › Date of the meeting (date)",
    ),
    # a field three parts deep
    (
        "    date: 2022-12-16\n    signer:\n      prefix: K/T\n",
        "    date: 2022-12-16\n    signer:\n      prefix: XT\n",
        "prefix: XT",
        "Văn bản › Thông báo kết luận › Người ký › Quyền hạn của người ký (prefix)",
        "Documents › Conclusion notice › Signer › Signing authority (prefix)",
    ),
    # a field of a list item
    (
        '  - {time: "08:20"',
        '  - {time: "25:20"',
        '"25:20"',
        "Nội dung chương trình, mục 3 › Thời gian (time)",
        "Programme items, item 3 › Time (time)",
    ),
    # a list item itself (a line of Nơi nhận)
    (
        "      - Thành viên hai ban chỉ đạo\n  notice:",
        "      - [Thành viên hai ban chỉ đạo]\n  notice:",
        "- [Thành viên hai ban chỉ đạo]",
        "Văn bản › Biên bản › Nơi nhận (recipients), mục 2",
        "Documents › Minutes › Recipients (Nơi nhận) (recipients), item 2",
    ),
    # a field of a row of a keyed table, under the row's own key
    (
        "    name: Lăng Thị Minh Thư\n",
        "    name: [Lăng Thị Minh Thư]\n",
        "name: [Lăng Thị Minh Thư]",
        "Nhân sự có tên trong tệp › thu-ky › Họ và tên (name)",
        "People named in the file › thu-ky › Full name (name)",
    ),
    # a field of an award group's decision
    (
        "      number: 2156\n",
        "      number: hai\n",
        "number: hai",
        "Khen thưởng, mục 1 › Quyết định › Số, ký hiệu (number)",
        "Award groups, item 1 › Decision › Number (number)",
    ),
]


def _broken() -> str:
    text = SAMPLE_TEXT
    for old, new, _line, _vi, _en in MISTAKES:
        assert text.count(old) >= 1, old
        text = text.replace(old, new, 1)
    return text


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_broken_field_is_named_in_words_with_its_key_and_line(
    tmp_path: Path, language: str
) -> None:
    text = _broken()
    path = tmp_path / "hop.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", language, "validate", str(path)])
    assert result.exit_code == 2, result.output
    line_word = "dòng" if language == "vi" else "line"
    paragraphs = [p for p in result.output.split("\n\n") if p.startswith(f"{path}, ")]
    assert len(paragraphs) == len(MISTAKES), result.output
    for _old, _new, needle, vi, en in MISTAKES:
        shown = vi if language == "vi" else en
        line = _line_of(text, needle)
        found = [p for p in paragraphs if f": {shown} — " in p]
        assert found, f"{shown!r} not in:\n{result.output}"
        assert found[0].startswith(f"{path}, {line_word} {line}, "), found[0]
    # no field is named by its path any more: agenda[3].time, documents.notice.signer …
    assert not re.search(r"\w\[\d+\]|\b[a-z_]+\.[a-z_]+\b", result.output.replace(str(path), ""))


def test_a_misspelt_key_is_shown_as_written_under_its_part(tmp_path: Path) -> None:
    path = tmp_path / "hop.yaml"
    path.write_text(SAMPLE_TEXT.replace("  venue:", "  venu:", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "vi", "validate", str(path)])
    assert result.exit_code == 2
    line = _line_of(SAMPLE_TEXT, "  venue:")
    assert f"{path}, dòng {line}, cột 3: Cuộc họp › venu — " in result.output
    assert 'Có phải là "venue"?' in result.output


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ((), "(top level)"),
        (("meeting",), "The meeting (meeting)"),
        (("agenda", 0), "Programme items (agenda), item 1"),
        (("people", "Thu Ky", "[key]"), "People named in the file › Thu Ky › Identifier"),
        (("bodies", "ubnd", "<key>"), "Issuing bodies › ubnd"),
        (("meeting", "venue", "<key>"), "The meeting › Venue (venue)"),
        (("awards", 0, "proposal", "by"), "Award groups, item 1 › Proposal (tờ trình) › "
         "The proposer as the decision names them (by)"),
        (("conclusion", "by"), "Conclusion › Concluded by (by)"),
        (("agenda", 7, "by"), "Programme items, item 8 › Presented or chaired by (by)"),
        (("meeting", "x", 2, "y"), "The meeting › x, item 3 › y"),
        (("awards", "proposal"), "Award groups › Proposal (tờ trình) (proposal)"),
    ],
)  # fmt: skip
def test_describe(path: tuple, words: str) -> None:
    assert describe(path) == words


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    seen.add(model)
    for info in model.model_fields.values():
        stack = [info.annotation]
        while stack:
            tp = unwrap(stack.pop())
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                if tp not in seen:
                    _models(tp, seen)
            else:
                stack.extend(typing.get_args(tp))


def test_every_field_of_a_meeting_file_has_a_name_in_both_languages() -> None:
    models: set[type[BaseModel]] = set()
    _models(MeetingRecord, models)
    assert len(models) > 15
    for language in ("vi", "en"):
        set_language(language)
        table = names()
        missing = [
            f"{model.__name__}.{field}"
            for model in models
            for field in model.model_fields
            if not lookup(table, model.__name__, field)
        ]
        assert not missing, f"no name in docgen/fieldnames.py for {missing}"
        for keyed in ("people", "bodies"):
            assert table[f"{keyed}.{KEY}"]
    set_language("vi")
    assert describe(("agenda", 2, "time")) == "Nội dung chương trình, mục 3 › Thời gian (time)"
