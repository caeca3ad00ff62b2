"""A line holds the words LibreOffice Writer puts on it, to the last word.

Writer rounds each glyph's advance to a whole unit of its reference device (1/120 pt) and
breaks a line where those rounded widths overflow it. The sum of the exact advances is up to a
twip or so away from that, one way at 13 pt and the other at 14 pt: a line that is a hair too
long by the exact advances still fits in Writer, and the other way round; and a line exactly as
wide as its room fits. Each paragraph below is set in a width chosen between the two measures of
its first words, or equal to Writer's: the engine must break each where LibreOffice does.
"""

from __future__ import annotations

import math
from itertools import groupby
from pathlib import Path

import pdfplumber
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, Twips
from reportlab.pdfbase.pdfmetrics import stringWidth

from conftest import needs_pdftotext, needs_soffice
from docgen.pdf import docx_bytes_to_pdf, libreoffice_convert
from docgen.pdf.fonts import resolve_family
from docx_samples import BODY, UNITS, _base

TEXT_WIDTH = 11906 - 1701 - 850  # twips: A4 with the templates' 30 mm / 15 mm margins
WORDS = (BODY + " " + " ".join(UNITS)).split()


def _cases(per_kind: int = 6) -> list[tuple[str, float, int, int, bool]]:
    """(text, size, twips available, words of the first line with the number, fits in Writer)
    for ``per_kind`` paragraphs of each kind: first words that fit by Writer's measure and not
    by the exact advances, the other way round, and exactly as wide as the room (they fit)."""
    exact = resolve_family("Times New Roman")
    writer = exact.measured_as_writer()
    found: dict[str, list] = {"writer": [], "exact": [], "tie": []}
    for size in (13, 14, 12, 11, 15):
        for start in range(0, len(WORDS) - 30, 3):
            for n in range(9, 18):
                # "00. " stands for the paragraph's number: all digits are equally wide
                head = "00. " + " ".join(WORDS[start : start + n])
                e = stringWidth(head, exact.regular, size) * 20
                w = stringWidth(head, writer.regular, size) * 20
                if abs(w - round(w)) < 1e-6:
                    kind, avail = "tie", round(w)
                else:
                    kind, avail = ("writer" if w < e else "exact"), math.ceil(min(e, w))
                    if avail >= max(e, w):
                        continue  # no whole twip between the two: both measures agree
                if len(found[kind]) < per_kind:
                    text = " ".join(WORDS[start : start + n + 12])
                    found[kind].append((text, size, avail, n + 1, kind != "exact"))
                break
    return found["writer"] + found["exact"] + found["tie"]


def _document(path: Path, cases: list) -> Path:
    d = _base()
    section = d.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)
    section.left_margin, section.right_margin = Twips(1701), Twips(850)
    for i, (text, size, avail, _n, _fits) in enumerate(cases):
        p = d.add_paragraph()
        run = p.add_run(f"{i:02d}. {text}")
        run.font.size = Pt(size)
        p.paragraph_format.right_indent = Twips(TEXT_WIDTH - avail)
        p.paragraph_format.space_after = Pt(12)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if i % 2 else WD_ALIGN_PARAGRAPH.LEFT
    d.save(path)
    return path


def _first_lines(pdf: Path) -> dict[str, list[str]]:
    """Each paragraph's first line, by its number ("00." …)."""
    lines = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            words = page.extract_words(use_text_flow=True)
            lines += [
                [w["text"] for w in g] for _k, g in groupby(words, key=lambda w: round(w["top"]))
            ]
    return {line[0]: line for line in lines if line[0][:2].isdigit() and line[0].endswith(".")}


def test_the_cases_are_ones_where_the_two_measures_disagree_or_tie() -> None:
    exact = resolve_family("Times New Roman")
    writer = exact.measured_as_writer()
    cases = _cases()
    assert len(cases) == 18
    for i, (text, size, avail, n, fits) in enumerate(cases):
        head = " ".join(f"00. {text}".split()[:n])
        e = stringWidth(head, exact.regular, size) * 20
        w = stringWidth(head, writer.regular, size) * 20
        if i < 12:  # the two measures on either side of the room
            assert (w <= avail) == fits and (e <= avail) != fits
        else:  # as wide as the room to the rounding of a float
            assert fits and abs(w - avail) < 1e-6


@needs_soffice
@needs_pdftotext
def test_each_line_breaks_where_libreoffice_breaks_it(tmp_path) -> None:
    cases = _cases()
    source = _document(tmp_path / "fit.docx", cases)
    ours = tmp_path / "ours.pdf"
    ours.write_bytes(docx_bytes_to_pdf(source.read_bytes())[0])
    (theirs,) = libreoffice_convert([source], tmp_path / "lo")
    ours_lines, theirs_lines = _first_lines(ours), _first_lines(theirs)
    assert len(theirs_lines) == len(cases)
    for i, (_text, size, avail, n, fits) in enumerate(cases):
        key = f"{i:02d}."
        assert len(theirs_lines[key]) == (n if fits else n - 1), "LibreOffice measures otherwise"
        assert ours_lines[key] == theirs_lines[key], (
            f"paragraph {key} at {size} pt in {avail} twips"
        )


def test_the_certificates_keep_the_exact_widths() -> None:
    # The certificate renderer measures a text once at 1 pt and scales it: widths must stay
    # linear in the size for the faces resolve_family gives it.
    regular = resolve_family("Times New Roman").regular
    text = " ".join(WORDS[:12])
    assert stringWidth(text, regular, 13) == pytest.approx(
        13 * stringWidth(text, regular, 1), rel=1e-9
    )
