"""Write seeds/lang-son-2022-awards.xlsx from the award lists of seeds/lang-son-2022.yaml.

The workbook imitates what member units really send, so the spreadsheet reader is exercised
on it: title rows above the table, a "Ghi chú" column, headers without diacritics, section rows
("I. TẬP THỂ"), one kind per sheet, and a "Loại" column. Run from the repository root:

    python tools/make_award_spreadsheet.py
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from docgen.loader import load_meeting
from docgen.vietnamese import upper

ROOT = Path(__file__).resolve().parents[1]


def _title(ws, lines: list[str]) -> None:
    for line in lines:
        ws.append([line])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.append([])


def main() -> None:
    record = load_meeting(ROOT / "seeds/lang-son-2022.yaml")
    groups = {g.key: g for g in record.awards}
    wb = Workbook()
    wb.remove(wb.active)

    # 1. One sheet, a "Loại" column, a notes column, title rows above.
    g = groups["ubnd-bang-khen"]
    ws = wb.create_sheet("BK UBND tỉnh")
    _title(ws, [f"DANH SÁCH ĐỀ NGHỊ TẶNG {upper(g.form)} CỦA {upper(g.authority)}", "(Năm 2022)"])
    ws.append(["STT", "Tên tập thể / Họ và tên", "Chức vụ", "Đơn vị", "Loại", "Ghi chú"])
    for i, c in enumerate(g.collectives, 1):
        ws.append([i, c.name, None, c.unit, "Tập thể", None])
    for i, p in enumerate(g.individuals, 1):
        ws.append([i, p.name, p.position, p.unit, "Cá nhân", None])

    # 2. Section rows instead of a kind column; headers typed without diacritics.
    g = groups["bcd-ttdn-giay-khen"]
    ws = wb.create_sheet("GK BCĐ TTĐN")
    ws.append(["STT", "TEN TAP THE / HO VA TEN", "CHUC VU", "DON VI"])
    ws.append(["I. TẬP THỂ"])
    for i, c in enumerate(g.collectives, 1):
        ws.append([i, c.name, None, c.unit])
    ws.append([])
    ws.append(["II. CÁ NHÂN"])
    for i, p in enumerate(g.individuals, 1):
        ws.append([i, p.name, p.position, p.unit])

    # 3. One kind per sheet.
    g = groups["bcd35-giay-khen"]
    ws = wb.create_sheet("GK BCĐ35 - Tập thể")
    ws.append(["STT", "Tên tập thể", "Đơn vị"])
    for i, c in enumerate(g.collectives, 1):
        ws.append([i, c.name, c.unit])
    ws = wb.create_sheet("GK BCĐ35 - Cá nhân")
    ws.append(["STT", "Họ và tên", "Chức vụ", "Đơn vị"])
    for i, p in enumerate(g.individuals, 1):
        ws.append([i, p.name, p.position, p.unit])

    # 4. Odd spacing and case in the headers, lower-case kinds.
    g = groups["bcd35-cuoc-thi"]
    ws = wb.create_sheet("GK Cuộc thi")
    ws.append(["Stt", " Họ  và  tên ", "chức vụ", "đơn  vị", "loại"])
    n = 0
    for c in g.collectives:
        n += 1
        ws.append([n, c.name, None, c.unit, "tập thể"])
    for p in g.individuals:
        n += 1
        ws.append([n, p.name, p.position, p.unit, "Cá Nhân"])

    for ws in wb.worksheets:
        ws.column_dimensions["B"].width = 48
        ws.column_dimensions["C"].width = 18
        ws.column_dimensions["D"].width = 40
        for row in ws.iter_rows():
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = ROOT / "seeds/lang-son-2022-awards.xlsx"
    wb.save(out)
    print(out)


if __name__ == "__main__":
    main()
