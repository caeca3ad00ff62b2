"""Builtin engine vs LibreOffice on the same DOCX: same pages, same words, embedded fonts.

Skipped where ``soffice`` is missing; CI installs it. Real templates (templates/*.docx) and
generated documents (output/*.docx) are compared too once they exist.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from docgen.pdf import docx_to_pdf, libreoffice_to_pdf, samples

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)

REPO = Path(__file__).resolve().parents[1]
MIN_SIMILARITY = 0.98


def words(pdf: Path) -> tuple[list[str], int]:
    with pdfplumber.open(pdf) as p:
        return [w["text"] for pg in p.pages for w in pg.extract_words()], len(p.pages)


def compare(docx: Path, work: Path) -> tuple[int, int, float]:
    lo = libreoffice_to_pdf(docx, work / "lo")
    ours = work / "builtin" / (docx.stem + ".pdf")
    docx_to_pdf(docx, ours)
    w_lo, n_lo = words(lo)
    w_ours, n_ours = words(ours)
    sim = difflib.SequenceMatcher(None, w_lo, w_ours, autojunk=False).ratio()
    for page in PdfReader(ours).pages:
        for ref in page["/Resources"]["/Font"].values():
            desc = ref.get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in desc
    return n_lo, n_ours, sim


@pytest.fixture(scope="module")
def sample_docs(tmp_path_factory) -> dict[str, Path]:
    return samples.build_all(tmp_path_factory.mktemp("samples"))


@pytest.mark.parametrize("name", ["official_notice", "minutes", "features", "award_list_300"])
def test_matches_libreoffice(sample_docs, tmp_path, name):
    n_lo, n_ours, sim = compare(sample_docs[name], tmp_path)
    assert n_ours == n_lo
    assert sim >= MIN_SIMILARITY


def test_libreoffice_saved_docx(sample_docs, tmp_path):
    """A file a clerk re-saved in LibreOffice (its own styles.xml, numbering, rsids)."""
    for name in ("official_notice", "award_list_300"):
        resaved_dir = tmp_path / name
        resaved = libreoffice_to_pdf(
            sample_docs[name], resaved_dir, convert_to="docx:MS Word 2007 XML"
        )
        n_lo, n_ours, sim = compare(resaved, tmp_path / f"{name}-cmp")
        assert n_ours == n_lo, name
        assert sim >= MIN_SIMILARITY, name


def _real_docs() -> list[Path]:
    found = sorted((REPO / "templates").glob("**/*.docx")) + sorted(
        (REPO / "output").glob("**/*.docx")
    )
    return [p for p in found if not p.name.startswith("~$")]


@pytest.mark.skipif(not _real_docs(), reason="no templates/*.docx or output/*.docx yet")
@pytest.mark.parametrize("docx", _real_docs(), ids=lambda p: p.name)
def test_real_documents_match_libreoffice(docx, tmp_path):
    n_lo, n_ours, sim = compare(docx, tmp_path)
    assert n_ours == n_lo
    assert sim >= MIN_SIMILARITY
