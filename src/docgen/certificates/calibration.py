"""The calibration sheet: one test print that tells the printer's offset.

Printers do not put the page exactly where the PDF says: the sheet is fed a millimetre or three
off, differently on each printer and tray. The calibration sheet prints a millimetre ruler along
each axis and a cross at every field's anchor (the point its alignment hangs on, on its
baseline) with the field's box; laid over the blank stock, or measured with a real ruler from
the paper's edge, it gives the (DX, DY) to pass as ``--offset``. Printing it again with that
offset should put each 100 mm mark 100 mm from the edge.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from docgen.certificates.layout import MM, LoadedLayout, Mode
from docgen.certificates.render import binary_streams
from docgen.pdf.fonts import resolve_family

RULER_AT = 20.0  # mm: where the rulers run, clear of the printer's unprintable edge

_INSTRUCTIONS = [
    "TRANG CĂN CHỈNH MÁY IN",
    "1. In trang này ở tỷ lệ 100 % (bỏ chọn “Fit to page” / “Vừa trang”), đúng khổ giấy của phôi.",
    "2. Đo bằng thước thật từ mép trái tờ giấy đến vạch 100 của thước ngang in trên trang:",
    "    đo được 102 mm — máy in lệch phải 2 mm, dùng --offset -2,0; đo được 99 mm — dùng --offset 1,0.",
    "3. Đo từ mép trên tờ giấy đến vạch 100 của thước dọc:",
    "    đo được 103 mm — máy in lệch xuống 3 mm, dùng --offset 0,-3 (cả hai chiều: --offset -2,-3).",
    "4. Đặt trang in lên phôi, soi trước ánh sáng: dấu + là điểm neo của từng trường (trên đường",
    "    chân chữ), đoạn mảnh là bề rộng của trường. In lại trang này với --offset để kiểm tra.",
]


def _ruler(c: Canvas, w: float, h: float, font: str) -> None:
    c.setStrokeColor(colors.black)
    c.setFillColor(colors.black)
    c.setFont(font, 7)
    top = h - RULER_AT * MM
    c.setLineWidth(0.3)
    c.line(0, top, w, top)
    c.line(RULER_AT * MM, 0, RULER_AT * MM, h)
    for mm in range(0, int(w / MM) + 1):
        x = mm * MM
        length = 5 if mm % 10 == 0 else 3.5 if mm % 5 == 0 else 2
        c.setLineWidth(0.4 if mm % 10 == 0 else 0.2)
        c.line(x, top, x, top - length * MM)
        if mm % 10 == 0 and mm and abs(mm - RULER_AT) > 5:
            c.drawCentredString(x, top - 8 * MM, str(mm))
    for mm in range(0, int(h / MM) + 1):
        y = h - mm * MM
        length = 5 if mm % 10 == 0 else 3.5 if mm % 5 == 0 else 2
        c.setLineWidth(0.4 if mm % 10 == 0 else 0.2)
        c.line(RULER_AT * MM, y, (RULER_AT + length) * MM, y)
        if mm % 10 == 0 and mm and abs(mm - RULER_AT) > 5:
            c.drawString((RULER_AT + 6) * MM, y - 2.4, str(mm))


def _anchors(c: Canvas, layout: LoadedLayout, h: float, font: str, mode: Mode) -> None:
    blue = colors.HexColor("#1F4FD8")
    for f in layout.spec.fields:
        if mode not in f.modes:
            continue
        left, y = f.x * MM, h - f.y * MM
        anchor = {"left": left, "center": left + f.width * MM / 2, "right": left + f.width * MM}
        ax = anchor[f.align]
        c.setStrokeColor(blue)
        c.setLineWidth(0.25)
        c.line(left, y, left + f.width * MM, y)
        c.line(left, y - 1.5 * MM, left, y + 1.5 * MM)
        c.line(left + f.width * MM, y - 1.5 * MM, left + f.width * MM, y + 1.5 * MM)
        c.setLineWidth(0.5)
        c.line(ax - 4 * MM, y, ax + 4 * MM, y)
        c.line(ax, y - 4 * MM, ax, y + 4 * MM)
        c.setFillColor(blue)
        c.setFont(font, 7)
        c.drawString(ax + 1.2 * MM, y + 1.2 * MM, f"{f.name} ({f.x:g}; {f.y:g})")


def calibration_sheet(
    layouts: Sequence[LoadedLayout],
    *,
    offset: tuple[float, float] = (0.0, 0.0),
    mode: Mode = "overlay",
) -> bytes:
    """One calibration page per layout, shifted by ``offset`` like the certificates."""
    with binary_streams():
        return _calibration(layouts, offset, mode)


def _calibration(layouts: Sequence[LoadedLayout], offset: tuple[float, float], mode: Mode) -> bytes:
    faces = resolve_family("Times New Roman")
    regular, bold = faces.face(), faces.face(bold=True)
    buffer = io.BytesIO()
    c = Canvas(buffer, invariant=1)
    c.setCreator("docgen")
    c.setTitle("Certificate calibration sheet")
    for layout in layouts:
        w, h = layout.spec.page.points
        c.setPageSize((w, h))
        c.saveState()
        c.translate(offset[0] * MM, -offset[1] * MM)
        _ruler(c, w, h, regular)
        _anchors(c, layout, h, regular, mode)
        c.setFillColor(colors.black)
        x, y = (RULER_AT + 20) * MM, h - (RULER_AT + 20) * MM
        c.setFont(bold, 12)
        c.drawString(x, y, f"{_INSTRUCTIONS[0]} — {layout.name}")
        c.setFont(regular, 9)
        size = f"{w / MM:.0f} × {h / MM:.0f} mm"
        shifted = f"; in với --offset {offset[0]:g},{offset[1]:g}" if any(offset) else ""
        c.drawString(x, y - 5 * MM, f"Khổ giấy {size}{shifted}.")
        for i, line in enumerate(_INSTRUCTIONS[1:]):
            c.drawString(x, y - (11 + 5 * i) * MM, line)
        c.restoreState()
        c.showPage()
    c.save()
    return buffer.getvalue()
