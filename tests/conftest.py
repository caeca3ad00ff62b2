"""What many test modules share: where the sample lives, and the skips for missing readers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"
SAMPLE_XLSX = ROOT / "seeds" / "lang-son-2022-xlsx.yaml"

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed"
)
needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler (pdftotext) not installed"
)


@pytest.fixture
def sample_path() -> Path:
    return SAMPLE
