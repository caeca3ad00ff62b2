"""The rule under the issuing body's name is 1/3–1/2 of the name's width [ND30], per document.

A fixed 25 mm rule was 58 % of "ỦY BAN NHÂN DÂN" and longer than "SỞ NỘI VỤ". The sample has
both: the People's Committee's decisions (a long name over two lines) and the Department of
Home Affairs' proposal (a short one). The rule is measured in the DOCX (the cell less the
paragraph's indents) and in docgen's PDF (the drawn line against the words pdfplumber reads),
and ``docgen check`` must judge docgen's own rule as it judges a clerk's.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner

from conftest import SAMPLE, needs_soffice
from docgen.check import check_file
from docgen.cli import main
from docgen.measure import text_width_mm
from docgen.pdf import libreoffice_convert
from hostile_office import rewrite_member

LONG = "03-quyet-dinh-ubnd-bang-khen"  # ỦY BAN NHÂN DÂN / TỈNH LẠNG SƠN
SHORT = "08-to-trinh-ubnd-bang-khen"  # SỞ NỘI VỤ
TW_PER_MM = 1440 / 25.4
PT_PER_MM = 72 / 25.4
# The issuer rule: the first bordered paragraph of the header, in its left cell.
_RULE = re.compile(
    r"<w:p><w:pPr><w:pBdr><w:bottom[^>]*/></w:pBdr><w:spacing[^>]*/>"
    r'<w:ind w:left="(\d+)" w:right="(\d+)"/>'
)


def _build(out: Path, *extra: str) -> Path:
    result = CliRunner().invoke(
        main,
        ["build", str(SAMPLE), "-o", str(out), "--only", "decision,proposal", "--force", *extra],
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("rule"), "--format", "docx,pdf")


def _docx_rule(path: Path) -> tuple[float, list[str]]:
    """(the issuer rule's length in mm, the name's lines) read from the DOCX's XML."""
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    cell = re.search(r"<w:tc>.*?</w:tc>", xml, re.S).group()  # the header's left cell
    width = int(re.search(r'<w:tcW w:w="(\d+)"', cell).group(1))
    margins = re.search(r"<w:tblCellMar>.*?</w:tblCellMar>", xml, re.S).group()
    sides = [int(re.search(rf'<w:{s} w:w="(\d+)"', margins).group(1)) for s in ("left", "right")]
    rule = _RULE.search(cell)
    assert rule, "no bordered paragraph under the issuing body's name"
    indents = int(rule.group(1)) + int(rule.group(2))
    length = (width - sum(sides) - indents) / TW_PER_MM
    # The name: the bold paragraph right above the rule, its lines split at <w:br/>.
    name_para = cell[: rule.start()].rsplit("<w:p>", 1)[1]
    assert "<w:b/>" in name_para
    text = "".join(
        re.findall(r"<w:t[^>]*>([^<]*)</w:t>", name_para.replace("<w:br/>", "<w:t>\n</w:t>"))
    )
    return length, [line for line in text.split("\n") if line.strip()]


@pytest.mark.parametrize("stem, name", [(LONG, "ỦY BAN NHÂN DÂN"), (SHORT, "SỞ NỘI VỤ")])
def test_the_docx_rule_is_a_third_to_a_half_of_the_name(built, stem, name) -> None:
    length, lines = _docx_rule(built / f"{stem}.docx")
    assert name in lines
    widest = max(text_width_mm(line, "Times New Roman", 13, bold=True) for line in lines)
    assert widest / 3 <= length <= widest / 2, (stem, length, widest)
    assert length == pytest.approx(0.4 * widest, abs=0.2)


def test_the_rule_follows_the_name(built) -> None:
    long_, _ = _docx_rule(built / f"{LONG}.docx")
    short, _ = _docx_rule(built / f"{SHORT}.docx")
    assert long_ - short > 5  # 17.3 mm under ỦY BAN NHÂN DÂN, 9.5 mm under SỞ NỘI VỤ


def _pdf_rule(pdf: Path) -> tuple[float, float, float, float]:
    """(rule x0, x1, name x0, x1) in points from docgen's PDF: the line in the left column and
    the widest line of bold words just above it."""
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        left = 30 * PT_PER_MM + 67 * PT_PER_MM  # left margin + the header's left column
        rules = [o for o in page.lines + page.rects if o["x1"] < left and o["top"] < 200]
        assert len(rules) == 1, rules
        rule = rules[0]
        words = page.extract_words(extra_attrs=["fontname"])
        bold = [
            wd
            for wd in words
            if "Bold" in wd["fontname"] and wd["x1"] < left and wd["bottom"] < rule["top"]
        ]
        lines: dict[float, list] = {}
        for wd in bold:
            lines.setdefault(round(wd["top"]), []).append(wd)
        widest = max(
            lines.values(), key=lambda ws: max(w["x1"] for w in ws) - min(w["x0"] for w in ws)
        )
        return rule["x0"], rule["x1"], min(w["x0"] for w in widest), max(w["x1"] for w in widest)


@pytest.mark.parametrize("stem", [LONG, SHORT])
def test_the_pdf_rule_is_a_third_to_a_half_of_the_name_and_centred_under_it(built, stem) -> None:
    r0, r1, n0, n1 = _pdf_rule(built / f"{stem}.pdf")
    rule, name = r1 - r0, n1 - n0
    assert name / 3 <= rule <= name / 2, (stem, rule / PT_PER_MM, name / PT_PER_MM)
    assert (r0 + r1) / 2 == pytest.approx((n0 + n1) / 2, abs=1.5)


def _with_rule_mm(docx: Path, out: Path, length_mm: float) -> Path:
    """``docx`` with its issuer rule redrawn ``length_mm`` long, as a clerk's fixed rule."""

    def redraw(xml: str) -> str:
        m = _RULE.search(xml)
        side = round((65 - length_mm) / 2 * TW_PER_MM)
        return xml[: m.start(1)] + f'{side}" w:right="{side}' + xml[m.end(2) :]

    out.write_bytes(rewrite_member(docx.read_bytes(), "word/document.xml", redraw))
    return out


def _issuer_rule_findings(path: Path) -> list:
    return [f for f in check_file(path).findings if f.code == "issuer-rule"]


def test_check_passes_docgens_rules(built) -> None:
    for stem in (LONG, SHORT):
        assert _issuer_rule_findings(built / f"{stem}.docx") == []


def test_check_reports_a_fixed_25_mm_rule_under_a_short_name(built, tmp_path) -> None:
    bad = _with_rule_mm(built / f"{SHORT}.docx", tmp_path / "short-25.docx", 25)
    assert _docx_rule(bad)[0] == pytest.approx(25, abs=0.1)
    (finding,) = _issuer_rule_findings(bad)
    assert finding.severity == "error"
    assert finding.excerpt == "SỞ NỘI VỤ"
    assert finding.where[0].table == 1 and finding.where[0].cell == 1
    assert "7.9–11.9 mm" in finding.expected and "23.7 mm" in finding.expected
    assert finding.found.startswith("25.0 mm")
    result = CliRunner().invoke(main, ["check", str(bad)])
    assert result.exit_code == 1
    assert "issuer-rule" in result.output or "rule under the issuing body" in result.output


def test_check_reports_a_rule_too_short_and_accepts_one_within_the_range(built, tmp_path) -> None:
    short = _with_rule_mm(built / f"{LONG}.docx", tmp_path / "long-10.docx", 10)  # 23 %
    assert len(_issuer_rule_findings(short)) == 1
    within = _with_rule_mm(built / f"{LONG}.docx", tmp_path / "long-20.docx", 20)  # 46 %
    assert _issuer_rule_findings(within) == []
    party = built / "03-quyet-dinh-bcd35-giay-khen.docx"  # the Party's "*", not a rule
    assert _issuer_rule_findings(party) == []


@needs_soffice
def test_a_template_resaved_by_libreoffice_still_draws_the_rule(tmp_path) -> None:
    """Clerks edit templates in an office suite: the tag is text, which a re-save keeps."""
    templates = tmp_path / "templates"
    shutil.copytree(Path(__file__).resolve().parents[1] / "templates", templates)
    saved = tmp_path / "saved"
    saved.mkdir()
    sources = [templates / "state" / "decision.docx", templates / "state" / "proposal.docx"]
    for out in libreoffice_convert(sources, saved, convert_to="docx:MS Word 2007 XML"):
        assert "{{p issuer_rule }}" in zipfile.ZipFile(out).read("word/document.xml").decode()
        shutil.copy(out, templates / "state" / out.name)
    built = _build(tmp_path / "out", "--format", "docx", "--templates", str(templates))
    for stem in (LONG, SHORT):
        length, lines = _docx_rule(built / f"{stem}.docx")
        widest = max(text_width_mm(line, "Times New Roman", 13, bold=True) for line in lines)
        assert widest / 3 <= length <= widest / 2, (stem, length, widest)
        assert _issuer_rule_findings(built / f"{stem}.docx") == []
