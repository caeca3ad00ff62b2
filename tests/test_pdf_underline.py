"""An underline as thick and as low as LibreOffice draws it.

The Party format underlines "Nơi nhận:"; Writer draws a single underline a quarter of the
font's descent thick, about half the descent below the baseline (0.8 pt thick, 1.2 pt down at
14 pt), where reportlab's default is 1 pt thick and an eighth of the size down.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from docx.shared import Pt

from conftest import needs_pdftotext, needs_soffice
from docgen.pdf import docx_bytes_to_pdf, libreoffice_convert
from docx_samples import _base

SIZES = (11, 12, 13, 14, 16, 20)


def _document(path: Path) -> Path:
    d = _base()
    for size in SIZES:
        for family in ("Times New Roman", "Arial"):
            p = d.add_paragraph()
            run = p.add_run(f"Nơi nhận {size}:")
            run.font.size, run.font.name, run.underline = Pt(size), family, True
            p.add_run(" - Lưu: VT.").font.size = Pt(size)
    d.save(path)
    return path


def _underlines(pdf: Path) -> list[tuple[float, float, float]]:
    """Each underline's length, thickness and depth of its middle below the text's baseline."""
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        baselines = sorted({round(page.height - c["matrix"][5], 3) for c in page.chars})
        out = []
        for line in sorted(page.lines, key=lambda rule: rule["top"]):
            base = max(b for b in baselines if b <= line["top"] + 0.01)
            out.append((line["x1"] - line["x0"], line["linewidth"], line["top"] - base))
        return out


@needs_soffice
@needs_pdftotext
def test_underlines_are_libreoffices(tmp_path) -> None:
    source = _document(tmp_path / "underline.docx")
    ours = tmp_path / "ours.pdf"
    ours.write_bytes(docx_bytes_to_pdf(source.read_bytes())[0])
    (theirs,) = libreoffice_convert([source], tmp_path / "lo")
    mine, lo = _underlines(ours), _underlines(theirs)
    assert len(mine) == len(lo) == 2 * len(SIZES)
    for (length, thick, depth), (lo_length, lo_thick, lo_depth) in zip(mine, lo, strict=True):
        assert abs(length - lo_length) < 0.2
        assert abs(thick - lo_thick) < 0.05, (thick, lo_thick)
        assert abs(depth - lo_depth) < 0.05, (depth, lo_depth)
