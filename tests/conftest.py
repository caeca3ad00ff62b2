"""What many test modules share: where the sample lives, and the skips for missing readers.

The suite reads docgen's messages in English: ``DOCGEN_LANG=en`` is set for this process and
every ``docgen`` it starts. Vietnamese, docgen's default, is tested on purpose in
tests/test_i18n.py, which switches the language itself.

The suite keeps docgen's cache (docgen.cache) in a folder of its own, made afresh for each
run: the tests after the first use of a template run on cached checks and compiled code, as a
clerk's second build does, and the user's own cache is never touched.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from io import BytesIO
from pathlib import Path

import pytest

from docgen.i18n import set_language

os.environ["DOCGEN_LANG"] = "en"
set_language("en")
os.environ["DOCGEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="docgen-test-cache-")
# Commands the tests run must not start a standby that outlives the test run
# (docgen.cli.standby); tests/test_standby.py turns it on in a folder of its own.
os.environ["DOCGEN_STANDBY"] = "off"
atexit.register(shutil.rmtree, os.environ["DOCGEN_CACHE_DIR"], True)

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


# Save times: the only bytes allowed to differ between two makings of one document (the zip's
# member dates, Word's created/modified properties).
_SAVE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def docx_parts(data: bytes) -> dict[str, bytes]:
    """A DOCX's parts by name, in zip order, with the save times blanked."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return {
            name: _SAVE_TIMES.sub(rb"\1\3", archive.read(name))
            if name.startswith("docProps/")
            else archive.read(name)
            for name in archive.namelist()
        }


@pytest.fixture
def counted(tmp_path, monkeypatch):
    """Counters of the template checks (by path), safety opens and Jinja compiles (by source)
    of this process, with an empty cache of its own (docgen.cache) and no forked copy."""
    import docgen.render as render
    import docgen.templatecheck as templatecheck
    from docgen import forking, sandbox

    counts = {"checked": Counter(), "opened": Counter(), "compiled": Counter()}
    real_check, real_open = templatecheck.check_template, render.open_docx_safely
    real_compile = sandbox.DocgenSandbox.compile

    def check(path, *args, **kwargs):
        counts["checked"][Path(path)] += 1
        return real_check(path, *args, **kwargs)

    def open_safely(source, **kwargs):
        counts["opened"][kwargs.get("what", "")] += 1
        return real_open(source, **kwargs)

    def compile_(self, source, *args, **kwargs):
        if isinstance(source, str) and "<w:" in source:
            counts["compiled"][source] += 1
        return real_compile(self, source, *args, **kwargs)

    monkeypatch.setattr(forking, "available", lambda: False)
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(templatecheck, "check_template", check)
    monkeypatch.setattr(render, "open_docx_safely", open_safely)
    monkeypatch.setattr(sandbox.DocgenSandbox, "compile", compile_)
    return counts
