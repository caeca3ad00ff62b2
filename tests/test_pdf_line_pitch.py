"""Every baseline where LibreOffice puts it: exact and proportional line spacing.

Writer sets the baseline of an exactly spaced line at four fifths of its height (the Party
format's 18 pt body: 14.4 pt down, not 15 pt), and makes a proportional line (1.15, 1.5 …)
the natural height in whole twips times a whole percentage, cut to whole twips: 17.15 pt for
13 pt text at 1.15, where the exact product is 17.19 — 1.4 pt by the foot of a page.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from docx.oxml.ns import qn
from docx.shared import Pt

from conftest import needs_pdftotext, needs_soffice
from docgen.pdf import docx_bytes_to_pdf, libreoffice_convert
from docx_samples import BODY, _base

# (size, rule, w:line): the body spacings of both profiles, and others a clerk may choose
SPACINGS = [
    (14, "exact", 360),
    (13, "auto", 276),
    (14, "exact", 480),
    (14, "auto", 276),
    (11, "exact", 600),
    (12, "auto", 264),
    (15, "auto", 300),
    (14, "auto", 360),
    (13, "exact", 320),
]


def _document(path: Path) -> Path:
    d = _base()
    for size, rule, line in SPACINGS:
        p = d.add_paragraph()
        p.add_run(BODY).font.size = Pt(size)
        spacing = p._p.get_or_add_pPr().get_or_add_spacing()
        spacing.set(qn("w:line"), str(line))
        spacing.set(qn("w:lineRule"), rule)
    d.save(path)
    return path


def _baselines(pdf: Path) -> list[list[float]]:
    with pdfplumber.open(pdf) as doc:
        return [sorted({round(p.height - c["matrix"][5], 3) for c in p.chars}) for p in doc.pages]


@needs_soffice
@needs_pdftotext
def test_each_baseline_is_libreoffices(tmp_path) -> None:
    source = _document(tmp_path / "pitch.docx")
    ours = tmp_path / "ours.pdf"
    ours.write_bytes(docx_bytes_to_pdf(source.read_bytes())[0])
    (theirs,) = libreoffice_convert([source], tmp_path / "lo")
    mine, lo = _baselines(ours), _baselines(theirs)
    assert [len(page) for page in mine] == [len(page) for page in lo]
    for n, (page, lo_page) in enumerate(zip(mine, lo, strict=True), 1):
        # LibreOffice writes positions to a tenth of a point (its rounding, and a few hundredths
        # where the font's ascent rounds otherwise in whole twips)
        worst = max(abs(a - b) for a, b in zip(page, lo_page, strict=True))
        assert worst < 0.1, f"page {n}: a baseline {worst:.2f} pt from LibreOffice's"
