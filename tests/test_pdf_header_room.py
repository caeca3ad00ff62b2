"""A header taller than the top margin pushes the text down, as in Word and LibreOffice.

A clerk's letterhead in the page header (several lines, a logo) can be taller than the room
between the header's distance from the edge and the top margin. Word then starts the text
below the header, and LibreOffice does the same; drawing the text at the margin would print it
over the header. A negative margin in Word ("exact") keeps the text where the margin says.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
from docx.shared import Cm

from conftest import needs_pdftotext, needs_soffice
from docgen.pdf import docx_bytes_to_pdf
from hostile_office import rewrite_member

_WORD = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')


def _document(path: Path, header_lines: int, footer_lines: int, exact: bool = False) -> Path:
    d = docx.Document()
    section = d.sections[0]
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.header_distance, section.footer_distance = Cm(1.25), Cm(1.25)
    header = section.header
    header.paragraphs[0].text = "HEAD1 đầu trang"
    for i in range(2, header_lines + 1):
        header.add_paragraph(f"HEAD{i} đầu trang")
    footer = section.footer
    footer.paragraphs[0].text = "FOOT1 chân trang"
    for i in range(2, footer_lines + 1):
        footer.add_paragraph(f"FOOT{i} chân trang")
    for i in range(1, 70):
        d.add_paragraph(f"BODY{i:02d} nội dung đoạn văn số {i} của văn bản thử.")
    d.save(path)
    if exact:
        # python-docx writes no negative margin; Word does, for "exactly this margin".
        path.write_bytes(
            rewrite_member(
                path.read_bytes(),
                "word/document.xml",
                lambda xml: re.sub(r'w:top="(\d+)"', r'w:top="-\1"', xml, count=1),
            )
        )
    return path


def _words(pdf: Path, page: int = 1) -> dict[str, tuple[float, float]]:
    """Each word's top and bottom on ``page`` (points from the top), by its text."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {text: (float(top), float(bottom)) for top, bottom, text in _WORD.findall(out)}


def _pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", out.stdout).group(1))


def _ours(source: Path) -> Path:
    pdf, _warnings = docx_bytes_to_pdf(source.read_bytes())
    out = source.with_suffix(".pdf")
    out.write_bytes(pdf)
    return out


@needs_pdftotext
def test_the_text_starts_below_a_tall_header_and_ends_above_a_tall_footer(tmp_path) -> None:
    pdf = _ours(_document(tmp_path / "tall.docx", header_lines=6, footer_lines=4))
    words = _words(pdf)
    assert words["BODY01"][0] > words["HEAD6"][1], "the text is drawn over the header"
    last = max((k for k in words if k.startswith("BODY")), key=lambda k: words[k][0])
    assert words[last][1] < words["FOOT1"][0], "the text is drawn over the footer"
    # every page, not only the first
    second = _words(pdf, 2)
    body = [v for k, v in second.items() if k.startswith("BODY")]
    assert min(top for top, _bottom in body) > second["HEAD6"][1]


@needs_pdftotext
def test_a_header_that_fits_leaves_the_text_at_the_margin(tmp_path) -> None:
    words = _words(_ours(_document(tmp_path / "short.docx", header_lines=1, footer_lines=1)))
    top_margin = Cm(2).pt
    # the first line's ascent starts at the margin (2 cm), not below the header
    assert abs(words["BODY01"][0] - top_margin) < 6


@needs_pdftotext
def test_an_exact_top_margin_is_kept_even_under_a_tall_header(tmp_path) -> None:
    words = _words(_ours(_document(tmp_path / "exact.docx", 6, 1, exact=True)))
    assert abs(words["BODY01"][0] - Cm(2).pt) < 6


@needs_soffice
@needs_pdftotext
def test_the_pages_are_those_of_libreoffice(tmp_path) -> None:
    source = _document(tmp_path / "tall.docx", header_lines=6, footer_lines=4)
    ours = _ours(source)
    theirs_dir = tmp_path / "lo"
    subprocess.run(
        [
            shutil.which("soffice") or "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(theirs_dir),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    theirs = theirs_dir / "tall.pdf"
    assert _pages(ours) == _pages(theirs)
    for page in (1, 2):
        ours_body = sorted(k for k in _words(ours, page) if k.startswith("BODY"))
        theirs_body = sorted(k for k in _words(theirs, page) if k.startswith("BODY"))
        assert ours_body == theirs_body, f"page {page} holds other paragraphs than LibreOffice's"
    assert abs(_words(ours)["BODY01"][0] - _words(theirs)["BODY01"][0]) < 6
