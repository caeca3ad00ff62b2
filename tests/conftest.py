"""What many test modules share: where the sample lives, and the skips for missing readers.

The suite reads docgen's messages in English: ``DOCGEN_LANG=en`` is set for this process and
every ``docgen`` it starts. Vietnamese, docgen's default, is tested on purpose in
tests/test_i18n.py, which switches the language itself.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from docgen.i18n import set_language

os.environ["DOCGEN_LANG"] = "en"
set_language("en")

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


@pytest.fixture(autouse=True)
def _english_again():
    """A test that switches to Vietnamese (``--lang vi``) leaves English for the next one."""
    yield
    set_language("en")
