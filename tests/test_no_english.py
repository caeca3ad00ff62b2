"""Hostile input in Vietnamese (the default language): no English sentence reaches the clerk.

Each case is an attack the hardening tests make in English (where their assertions read the
words); here the same attack runs with ``--lang vi`` and the whole output is searched for
English — warnings of the PDF engine, Python's and the operating system's own sentences, Jinja's
parser, a damaged spreadsheet's location. A sentence written straight into the code instead of
through the catalogue shows up as a run of English function words.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from docgen.cli import main
from hostile_office import (
    award_xlsx,
    corrupt_deflate,
    docx_with_font_size,
    docx_with_grid_span,
    docx_with_nested_tables,
    docx_with_page,
    docx_with_picture,
    real_png,
    replace_cell,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"

_ENGLISH = frozenset(
    "the a an is are was be been not no of to in on at for and or with from by as this that it "
    "its has have than must cannot can could only into more there which when where each every "
    "such".split()
)
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


def english_runs(text: str) -> list[str]:
    """Lines holding three English function words in a row (Vietnamese has none of them)."""
    found = []
    for line in text.splitlines():
        run = 0
        for token in line.split():
            word = token.strip(",.;:()'\"“”")
            if _WORD.fullmatch(word) and word.lower() in _ENGLISH:
                run += 1
                if run >= 3:
                    found.append(line.strip())
                    break
            elif not _WORD.fullmatch(word):
                run = 0
    return found


def test_the_detector_finds_english_and_passes_vietnamese() -> None:
    assert english_runs("cảnh báo: a font size of 9 pt does not fit on the page")
    assert english_runs("x (No such file or directory)")
    assert not english_runs("cảnh báo: cỡ chữ 1638 pt không vừa trang giấy (phần thân văn bản)")
    assert not english_runs("Times New Roman: Liberation Serif, đi kèm docgen (TypeError)")


def _pdf(folder: Path, make: Callable[[Path], Path]) -> list[str]:
    source = make(folder / "in.docx")
    return ["pdf", str(source), "-o", str(folder / "out")]


def _template(folder: Path, expression: str) -> list[str]:
    templates = folder / "templates"
    shutil.copytree(ROOT / "templates", templates)
    minutes = templates / "party" / "minutes.docx"
    document = Document(str(minutes))
    document.add_paragraph(expression)
    document.save(str(minutes))
    return ["build", str(SAMPLE), "-o", str(folder / "out"), "--templates", str(templates),
            "--only", "minutes", "--format", "docx"]  # fmt: skip


def _spreadsheet(folder: Path, cell: str) -> list[str]:
    path = folder / "awards.xlsx"
    path.write_bytes(replace_cell(award_xlsx(), "B2", cell))
    return ["awards", "check", str(path)]


def _damaged_workbook(folder: Path) -> list[str]:
    path = folder / "awards.xlsx"
    path.write_bytes(corrupt_deflate(award_xlsx(), "xl/worksheets/sheet1.xml"))
    return ["awards", "check", str(path)]


CASES: dict[str, Callable[[Path], list[str]]] = {
    "margins": lambda f: _pdf(
        f, lambda p: docx_with_page(p, pgMar_top="11339", pgMar_bottom="8504")
    ),
    "page size": lambda f: _pdf(f, lambda p: docx_with_page(p, pgSz_h="-500")),
    "font size": lambda f: _pdf(f, lambda p: docx_with_font_size(p, 1638)),
    "grid span": lambda f: _pdf(f, lambda p: docx_with_grid_span(p, 9)),
    "nested tables": lambda f: _pdf(f, lambda p: docx_with_nested_tables(p, 80)),
    "huge picture": lambda f: _pdf(f, lambda p: docx_with_picture(p, real_png(), 10**12)),
    "sum of lists": lambda f: _template(f, "{{ [[1], 2]|sum(start=[]) }}"),
    "text plus number": lambda f: _template(f, "{{ 'a' + 1 }}"),
    "division by zero": lambda f: _template(f, "{{ 1 / 0 }}"),
    "empty if": lambda f: _template(f, "{% if %}x{% endif %}"),
    "bad cell reference": lambda f: _spreadsheet(f, '<c r="ZZZZZZ2"><v>1</v></c>'),
    "damaged deflate data": lambda f: _damaged_workbook(f),
    "output folder is a file": lambda f: [
        "pdf",
        str(docx_with_font_size(f / "in.docx", 12)),
        "-o",
        str(SAMPLE / "x"),
    ],  # fmt: skip
    "doctor": lambda f: ["doctor"],
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_input_is_answered_in_vietnamese(tmp_path: Path, case: str) -> None:
    args = CASES[case](tmp_path)
    result = CliRunner().invoke(main, ["--lang", "vi", *args])
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    assert result.output.strip()
    assert english_runs(result.output) == []
