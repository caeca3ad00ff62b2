"""Damaged, disguised and oversized award lists and templates: located messages, exit 2.

Issue 9, items 6, 17 and 22: every fault below once ended in a traceback, a hang, a wrong name
for the fault or a report nobody could read.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.cli import main
from docgen.errors import DocgenError
from docgen.spreadsheet import MAX_PROBLEMS_SHOWN, read_recipients
from hostile_office import (
    award_xlsx,
    corrupt_deflate,
    encrypted_office_file,
    million_row_xlsx,
    old_office_file,
    replace_cell,
    rewrite_member,
    write,
    xlsx_bytes,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"


def awards_check(path: Path) -> str:
    result = CliRunner().invoke(main, ["awards", "check", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.output


# -- item 6: damaged cells read lazily --------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "located"),
    [
        ('<c r="B3" t="s"><v>999</v></c>', "row 3, column B"),  # shared string out of range
        ('<c r="B3"><v>abc</v></c>', "row 3, column B"),  # text in a number cell
        ('<c r="B3" t="d"><v>notadate</v></c>', "row 3, column B"),  # bad date cell
        ('<c r="3B!" t="inlineStr"><is><t>x</t></is></c>', "'3B!'"),  # bad cell reference
    ],
)
def test_a_damaged_cell_is_located(tmp_path: Path, cell: str, located: str) -> None:
    path = write(tmp_path / "ds.xlsx", replace_cell(award_xlsx(), "B3", cell))
    output = awards_check(path)
    assert 'ds.xlsx, sheet "Tập thể"' in output
    assert located in output and "damaged" in output


def test_a_bad_row_number_is_located(tmp_path: Path) -> None:
    data = rewrite_member(
        award_xlsx(), "xl/worksheets/sheet1.xml", lambda x: x.replace('<row r="3"', '<row r="x3"')
    )
    output = awards_check(write(tmp_path / "ds.xlsx", data))
    assert "after row 2" in output and "'row x3'" in output and "damaged" in output


# -- item 17: values that are not names --------------------------------------------------------


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?"])
def test_excel_error_values_are_not_names(tmp_path: Path, error: str) -> None:
    path = write(
        tmp_path / "ds.xlsx",
        replace_cell(award_xlsx(), "B3", f'<c r="B3" t="e"><v>{error}</v></c>'),
    )
    output = awards_check(path)
    assert "row 3, column B (Tên tập thể)" in output and f"Excel error {error}" in output


def test_an_error_value_in_a_csv_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "ds.csv"
    path.write_text("STT,Tên tập thể,Đơn vị\n1,Phòng A,Sở X\n2,#N/A,Sở Y\n", encoding="utf-8")
    output = awards_check(path)
    assert "row 3, column B" in output and "#N/A" in output


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ('<c r="B3" t="b"><v>1</v></c>', "TRUE/FALSE"),
        ('<c r="B3" t="d"><v>2022-12-12T00:00:00</v></c>', "a date"),
        ('<c r="C3" t="b"><v>0</v></c>', "TRUE/FALSE"),
    ],
)
def test_dates_and_booleans_in_text_columns_are_refused(
    tmp_path: Path, cell: str, kind: str
) -> None:
    ref = cell[6:8]
    path = write(tmp_path / "ds.xlsx", replace_cell(award_xlsx(), ref, cell))
    output = awards_check(path)
    assert f"row 3, column {ref[0]}" in output and kind in output and "not text" in output


def test_a_formula_without_a_saved_result_is_called_a_formula(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ds.xlsx",
        replace_cell(award_xlsx(), "B3", '<c r="B3"><f>A1&amp;"x"</f></c>'),
    )
    output = awards_check(path)
    assert "row 3, column B" in output and "formula" in output
    assert "the name is empty" not in output


# -- item 17: files that are not files ---------------------------------------------------------


def test_a_symlink_to_a_device_is_refused_without_reading(tmp_path: Path) -> None:
    link = tmp_path / "ds.csv"
    link.symlink_to("/dev/zero")
    output = awards_check(link)
    assert "ds.csv" in output and "not an ordinary file" in output


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "ds.xlsx"
    os.mkfifo(fifo)
    output = awards_check(fifo)  # a blocking read would hang the test here
    assert "ds.xlsx" in output and "not an ordinary file" in output


def test_a_long_report_is_capped(tmp_path: Path) -> None:
    rows = [["STT", "Tên tập thể", "Đơn vị"]] + [[i, None, "Sở X"] for i in range(1, 2001)]
    path = write(tmp_path / "ds.xlsx", xlsx_bytes(rows))
    with pytest.raises(DocgenError) as info:
        read_recipients(path)
    problems = info.value.problems
    assert len(problems) == MAX_PROBLEMS_SHOWN + 1
    assert problems[-1] == f"… and {2000 - MAX_PROBLEMS_SHOWN:,} more problems."
    assert "2000 problems" in str(info.value).splitlines()[0]


# -- item 22: the right name for the fault ----------------------------------------------------


def test_a_password_protected_workbook_is_called_so(tmp_path: Path) -> None:
    output = awards_check(write(tmp_path / "ds.xlsx", encrypted_office_file()))
    assert "password" in output
    assert "97–2003" not in output and "not a valid zip" not in output


def test_an_old_xls_is_still_called_old(tmp_path: Path) -> None:
    output = awards_check(write(tmp_path / "ds.xlsx", old_office_file()))
    assert "Excel 97–2003" in output and "password" not in output


def test_a_million_row_sheet_is_too_many_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "ds.xlsx", million_row_xlsx())
    output = awards_check(path)
    assert 'ds.xlsx, sheet "Tập thể": too many rows' in output
    assert "unsafe" not in output and "zip bomb" not in output


# -- item 6 and 22 for templates: the check and the build say the same ------------------------


def _templates(tmp_path: Path) -> Path:
    from docgen.templates_dir import builtin_dir

    folder = tmp_path / "templates"
    shutil.copytree(builtin_dir(), folder)
    return folder


def _build(tmp_path: Path, templates: Path) -> tuple[int, str, Path]:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "build", str(SAMPLE), "-o", str(out), "--templates", str(templates),
            "--format", "docx", "--certificates", "none",
        ],
    )  # fmt: skip
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output, out


def _check(templates: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["templates", "check", str(templates)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("damage", "needle"),
    [
        (lambda data: corrupt_deflate(data, "word/document.xml"), "damaged"),
        (lambda data: encrypted_office_file(), "password"),
        (lambda data: old_office_file(), "Word 97–2003"),
    ],
)
def test_a_damaged_template_is_reported_by_check_and_build(
    tmp_path: Path, damage, needle: str
) -> None:
    templates = _templates(tmp_path)
    for minutes in templates.glob("*/minutes.docx"):
        minutes.write_bytes(damage(minutes.read_bytes()))
    status, output = _check(templates)
    assert status != 0 and "minutes.docx" in output and needle in output
    status, output, out = _build(tmp_path, templates)
    assert status == 2 and "minutes.docx" in output and needle in output
    assert not out.exists() or not any(out.rglob("*.docx"))


@pytest.mark.parametrize(
    ("data", "needle"),
    [(encrypted_office_file(), "password"), (old_office_file(), "Word 97–2003")],
)
def test_pdf_names_a_password_protected_or_old_document(
    tmp_path: Path, data: bytes, needle: str
) -> None:
    source = write(tmp_path / "bien-ban.docx", data)
    result = CliRunner().invoke(main, ["pdf", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "bien-ban.docx" in result.output
    assert needle in result.output and "not a valid zip" not in result.output
    assert not list(tmp_path.rglob("*.pdf"))
