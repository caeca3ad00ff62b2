"""Award lists from spreadsheets: found headers, told-apart kinds, located errors."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from docgen import spreadsheet, workbook
from docgen.cli import main
from docgen.errors import DocgenError
from docgen.loader import load_meeting
from docgen.spreadsheet import fold, read_recipients
from docgen.workbook import column_letter

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def problems(excinfo) -> str:
    return "\n".join(excinfo.value.problems) or str(excinfo.value)


# -- the sample -------------------------------------------------------------------------------


def test_sample_award_groups_from_xlsx_equal_the_yaml_lists():
    typed = load_meeting(SEEDS / "lang-son-2022.yaml")
    from_xlsx = load_meeting(SEEDS / "lang-son-2022-xlsx.yaml")
    assert [g.key for g in from_xlsx.awards] == [g.key for g in typed.awards]
    for a, b in zip(typed.awards, from_xlsx.awards, strict=True):
        assert b.recipients_from is not None
        assert [c.model_dump() for c in b.collectives] == [c.model_dump() for c in a.collectives]
        assert [i.model_dump() for i in b.individuals] == [i.model_dump() for i in a.individuals]
    assert sum(len(g.collectives) + len(g.individuals) for g in from_xlsx.awards) == 52


def test_whole_sample_workbook_reads_every_sheet():
    found = read_recipients(SEEDS / "lang-son-2022-awards.xlsx")
    assert (len(found.collectives), len(found.individuals)) == (24, 28)
    headers = {s.name: s.header_row for s in found.sheets}
    assert headers["BK UBND tỉnh"] == 4  # two title rows and a blank row above
    assert found.sheets[0].ignored == ["Ghi chú"]


# -- headers and kinds ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        ["STT", "Họ và tên", "Chức vụ", "Đơn vị"],
        ["stt", "HO VA TEN", "CHUC VU", "DON VI"],
        [" Stt ", "Họ  và   tên", "chức  vụ", "Đơn vị công tác"],
        ["Số TT", "HỌ VÀ TÊN", "Chức danh", "Cơ quan, đơn vị"],
    ],
)
def test_header_is_found_with_or_without_diacritics(tmp_path, header):
    path = xlsx(
        tmp_path / "a.xlsx",
        {"Cá nhân": [["DANH SÁCH"], [], header, [1, "Lê Thị Hả", "Hội viên", "Hội Nhà báo tỉnh"]]},
    )
    found = read_recipients(path)
    assert found.individuals[0].name == "Lê Thị Hả"
    assert found.individuals[0].position == "Hội viên"
    assert found.individuals[0].unit == "Hội Nhà báo tỉnh"
    assert found.sheets[0].header_row == 3


def test_kind_by_column_by_section_row_by_sheet_and_by_header(tmp_path):
    path = xlsx(
        tmp_path / "k.xlsx",
        {
            "Loại": [
                ["STT", "Tên tập thể / Họ và tên", "Chức vụ", "Đơn vị", "Loại"],
                [1, "Sở Ngoại vụ", None, None, "Tập thể"],
                [2, "Lý Thị Ngân", "Chuyên viên", "Sở Ngoại vụ", "cá nhân"],
            ],
            "Mục": [
                ["STT", "Tên tập thể / Họ và tên", "Chức vụ", "Đơn vị"],
                ["I. TẬP THỂ"],
                [1, "Phòng Chính trị", None, "Bộ Chỉ huy Quân sự tỉnh"],
                ["II - Cá nhân"],
                [1, "Vy Văn Tuấn", "Cán bộ", "Công an tỉnh"],
            ],
            "Tập thể": [["STT", "Tên"], [1, "Tỉnh đoàn Lạng Sơn"]],
            "Khác": [["STT", "Họ và tên"], [1, "Bế Thị Mai"]],
        },
    )
    found = read_recipients(path)
    assert [c.name for c in found.collectives] == [
        "Sở Ngoại vụ",
        "Phòng Chính trị",
        "Tỉnh đoàn Lạng Sơn",
    ]
    assert [i.name for i in found.individuals] == ["Lý Thị Ngân", "Vy Văn Tuấn", "Bế Thị Mai"]
    assert found.collectives[1].unit == "Bộ Chỉ huy Quân sự tỉnh"


def test_named_sheets_for_each_kind(tmp_path):
    path = xlsx(
        tmp_path / "s.xlsx",
        {
            "A": [["STT", "Tên"], [1, "Sở Ngoại vụ"]],
            "B": [["STT", "Tên", "Chức vụ"], [1, "Lý Thị Ngân", "Chuyên viên"]],
            "C": [["STT", "Tên"], [1, "Không đọc"]],
        },
    )
    found = read_recipients(path, collectives_sheet="a", individuals_sheet="B")
    assert [c.name for c in found.collectives] == ["Sở Ngoại vụ"]
    assert [i.name for i in found.individuals] == ["Lý Thị Ngân"]


def test_text_is_nfc_trimmed_and_empty_rows_skipped(tmp_path):
    decomposed = "Nguye\u0302\u0303n Thi\u0323 A\u0301nh"  # typed with combining marks
    path = xlsx(
        tmp_path / "t.xlsx",
        {
            "Cá nhân": [
                ["STT", "Họ và tên", "Đơn vị"],
                [],
                [1, f"  {decomposed}\u00a0 ", "Ban Tuyên giáo\nHuyện ủy"],
                [None, None, None],
                [2.0, "Hoàng Văn Đức", "Trung đoàn 123"],
            ]
        },
    )
    found = read_recipients(path)
    assert [i.name for i in found.individuals] == ["Nguyễn Thị Ánh", "Hoàng Văn Đức"]
    assert found.individuals[0].unit == "Ban Tuyên giáo Huyện ủy"
    assert found.individuals[1].unit == "Trung đoàn 123"  # a number in it is refused
    assert found.individuals[1].where.row == 5


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_with_bom_and_any_delimiter(tmp_path, delimiter):
    rows = [
        ["STT", "Tên tập thể / Họ và tên", "Chức vụ", "Đơn vị", "Loại"],
        ["1", "Phòng Thời sự", "", "Đài Phát thanh và Truyền hình tỉnh", "Tập thể"],
        ["2", "Nông Thị Thủy", "Biên tập viên", "Đài Phát thanh và Truyền hình tỉnh", "Cá nhân"],
    ]
    text = "\n".join(delimiter.join(r) for r in rows) + "\n"
    path = tmp_path / "list.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    found = read_recipients(path)
    assert [c.name for c in found.collectives] == ["Phòng Thời sự"]
    assert found.individuals[0].position == "Biên tập viên"


# -- located errors ---------------------------------------------------------------------------


def test_errors_name_file_sheet_row_and_column(tmp_path):
    path = xlsx(
        tmp_path / "bad.xlsx",
        {
            "Danh sách": [
                ["Danh sách đề nghị khen thưởng"],
                ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Loại"],
                [1, "Sở Ngoại vụ", "Giám đốc", None, "Tập thể"],
                [2, None, "Chuyên viên", "Sở Ngoại vụ", "Cá nhân"],
                [3, "Lý Thị Ngân", "Chuyên viên", "Sở Ngoại vụ", "Khác"],
                [4, "Vy Văn Tuấn", "Cán bộ", "Công an tỉnh", "Cá nhân"],
                [5, "Vy Văn Tuấn", "Cán bộ", "Công an tỉnh", "Cá nhân"],
                [6, "Bế Thị\u200b Mai", "Chuyên viên", "Sở", "Cá nhân"],
            ]
        },
    )
    with pytest.raises(DocgenError) as err:
        read_recipients(path)
    text = problems(err)
    where = f'{path}, sheet "Danh sách"'
    assert f"{where}, row 3, column C (Chức vụ): a collective has no position" in text
    assert f"{where}, row 4, column B (Họ và tên): the name is empty" in text
    assert f"{where}, row 5, column E (Loại): 'Khác' is not a kind of recipient" in text
    assert f"{where}, row 7: 'Vy Văn Tuấn' is listed twice (first at row 6)" in text
    assert f"{where}, row 8, column B (Họ và tên):" in text and "U+200B" in text
    assert len(err.value.problems) == 5
    assert str(err.value).startswith(f"{path} has 5 problems:")


def test_a_number_in_a_name_position_or_unit_cell_is_refused(tmp_path):
    # A date openpyxl does not know for one reads as Excel's day number: 44927 is 01/01/2023.
    path = xlsx(
        tmp_path / "so.xlsx",
        {
            "Cá nhân": [
                ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Số sổ vàng"],
                [1, 44927, "Chuyên viên", "Sở Nội vụ", 12],
                [2, "Lê Văn B", 3.5, "Sở Nội vụ", 13],
                [3, "Lê Văn C", "Chuyên viên", 250000.0, 14],
                [4, "Lê Văn D", "Chuyên viên", "Sở Tư pháp", 15],
            ]
        },
    )
    with pytest.raises(DocgenError) as err:
        read_recipients(path)
    where = f'{path}, sheet "Cá nhân"'
    found = err.value.problems
    assert len(found) == 3, found
    assert found[0].startswith(
        f"{where}, row 2, column B (Họ và tên): the cell holds the number 44927 (how Excel "
        "stores the date 01/01/2023), but this column needs the name of the collective or the "
        "person's full name, written as text."
    )
    assert "format the cell as Text" in found[0]
    assert found[1].startswith(
        f"{where}, row 3, column C (Chức vụ): the cell holds the number 3.5,"
    )
    assert "needs a position" in found[1] and "Excel stores the date" not in found[1]
    assert found[2].startswith(
        f"{where}, row 4, column D (Đơn vị): the cell holds the number 250000,"
    )
    # The golden-book number and STT are numbers by nature.
    fixed = xlsx(
        tmp_path / "dung.xlsx",
        {"Cá nhân": [["STT", "Họ và tên", "Số sổ vàng"], [1, "Lê Văn D", 15]]},
    )
    (person,) = read_recipients(fixed).individuals
    assert (person.name, person.golden_book) == ("Lê Văn D", "15")


def test_a_number_for_a_name_stops_the_build_in_vietnamese(tmp_path):
    xlsx(tmp_path / "thi.xlsx", {"Cá nhân": [["STT", "Họ và tên"], [1, "Lê Văn A"], [2, 44927]]})
    meeting = _meeting_with(tmp_path, "    recipients_from: {file: thi.xlsx}")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["--lang", "vi", "build", str(meeting), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert (
        f'{tmp_path / "thi.xlsx"}, trang tính "Cá nhân", hàng 3, cột B (Họ và tên): ô chứa số '
        "44927 (cách Excel lưu ngày 01/01/2023)"
    ) in result.output
    assert "định dạng ô là Text" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())


def test_rows_whose_kind_cannot_be_told(tmp_path):
    path = xlsx(tmp_path / "k.xlsx", {"Sheet1": [["STT", "Tên", "Đơn vị"], [1, "A"], [2, "B"]]})
    with pytest.raises(DocgenError) as err:
        read_recipients(path)
    assert f'{path}, sheet "Sheet1", row 2 (and 1 more row): cannot tell whether' in problems(err)


def test_no_header_and_missing_sheet(tmp_path):
    path = xlsx(tmp_path / "h.xlsx", {"Sheet1": [["a", "b"], [1, 2]]})
    with pytest.raises(DocgenError) as err:
        read_recipients(path, sheet="Sheet1")
    assert f'{path}, sheet "Sheet1": no header row found' in problems(err)
    with pytest.raises(DocgenError, match="there is no sheet \"Tập thể\"; the sheets are 'Sheet1'"):
        read_recipients(path, sheet="Tập thể")


def test_csv_errors_are_located_too(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("STT;Họ và tên;Loại\n1;Lê Văn A;ai đó\n".encode())
    with pytest.raises(DocgenError) as err:
        read_recipients(path)
    assert f"{path}, row 2, column C (Loại): 'ai đó' is not a kind" in problems(err)
    path.write_bytes(b"STT,Ho va ten\n1,L\xea V\xe3n A\n")  # a legacy 8-bit encoding
    with pytest.raises(DocgenError, match=r"row 2: the file is not UTF-8 text"):
        read_recipients(path)


def test_files_that_are_not_workbooks(tmp_path):
    xls = tmp_path / "old.xlsx"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(DocgenError, match=r"Excel 97–2003 \(.xls\)"):
        read_recipients(xls)
    junk = tmp_path / "junk.xlsx"
    junk.write_text("hello")
    with pytest.raises(DocgenError, match="not a valid zip package"):
        read_recipients(junk)
    with pytest.raises(DocgenError, match="expected an .xlsx or .csv file"):
        read_recipients(tmp_path / "list.ods")
    with pytest.raises(DocgenError, match="no such file"):
        read_recipients(tmp_path / "missing.xlsx")


def test_zip_bombs_and_huge_sheets_are_refused(tmp_path, monkeypatch):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 2**20))
    monkeypatch.setattr(workbook, "MAX_UNPACKED_BYTES", 2**20)
    with pytest.raises(DocgenError, match="refused as unsafe"):
        read_recipients(bomb)
    rows = [["STT", "Họ và tên"]] + [[i, f"Người {i}"] for i in range(30)]
    path = xlsx(tmp_path / "big.xlsx", {"Cá nhân": rows})
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 20)
    with pytest.raises(DocgenError, match="more than 20 filled rows"):
        read_recipients(path)
    monkeypatch.setattr(workbook, "MAX_FILE_BYTES", 100)
    with pytest.raises(DocgenError, match="is expected to be under"):
        read_recipients(path)


def test_xml_entities_in_a_workbook_are_refused(tmp_path):
    good = xlsx(tmp_path / "g.xlsx", {"Cá nhân": [["STT", "Họ và tên"], [1, "A Văn B"]]})
    evil = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(evil, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + data
            dst.writestr(info, data)
    with pytest.raises(DocgenError, match="refused as unsafe|DOCTYPE"):
        read_recipients(evil)


def test_a_long_run_of_empty_rows_ends_the_table(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheet, "EMPTY_RUN_END", 5)
    rows = [["STT", "Họ và tên"], [1, "A Văn B"]] + [[]] * 6 + [[2, "C Thị D"]]
    path = xlsx(tmp_path / "e.xlsx", {"Cá nhân": rows})
    assert [i.name for i in read_recipients(path).individuals] == ["A Văn B"]


# -- the meeting file -------------------------------------------------------------------------


def _meeting_with(tmp_path: Path, source: str) -> Path:
    text = (SEEDS / "lang-son-2022-xlsx.yaml").read_text("utf-8")
    text = text.replace(
        "    recipients_from: {file: lang-son-2022-awards.xlsx, sheet: GK Cuộc thi}", source
    )
    path = tmp_path / "m.yaml"
    path.write_text(text, "utf-8")
    (tmp_path / "lang-son-2022-awards.xlsx").write_bytes(
        (SEEDS / "lang-son-2022-awards.xlsx").read_bytes()
    )
    return path


def test_meeting_errors_name_the_group_and_the_cell(tmp_path):
    xlsx(tmp_path / "thi.xlsx", {"Cá nhân": [["STT", "Họ và tên", "Loại"], [1, "A", "??"]]})
    path = _meeting_with(tmp_path, "    recipients_from: {file: thi.xlsx}")
    with pytest.raises(DocgenError) as err:
        load_meeting(path)
    text = str(err.value)
    assert "award group 4 (bcd35-cuoc-thi) takes its recipients from" in text
    assert f'{tmp_path / "thi.xlsx"}, sheet "Cá nhân", row 2, column C (Loại)' in text


def test_recipients_both_inline_and_from_a_file_is_a_located_error(tmp_path):
    path = _meeting_with(
        tmp_path,
        "    recipients_from: {file: thi.xlsx}\n    individuals: [{name: Lê Văn A}]",
    )
    with pytest.raises(DocgenError) as err:
        load_meeting(path)
    assert (
        "Award groups, item 4 › Recipients from a spreadsheet (recipients_from) — give the recipients either here"
        in str(err.value)
    )


def test_awards_check_cli(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["awards", "check", str(SEEDS / "lang-son-2022-awards.xlsx")])
    assert result.exit_code == 0, result.output
    assert "24 tập thể, 28 cá nhân" in result.output
    assert "II. CÁ NHÂN" in result.output
    bad = xlsx(tmp_path / "bad.xlsx", {"DS": [["STT", "Họ và tên", "Loại"], [1, "A", "x"]]})
    result = runner.invoke(main, ["awards", "check", str(bad)])
    assert result.exit_code == 2
    assert f'{bad}, sheet "DS", row 2, column C (Loại)' in result.output
    assert "Traceback" not in result.output


def test_helpers():
    assert fold("  Họ  và TÊN ") == "ho va ten"
    assert fold("Đơn vị") == "don vi"
    assert [column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
