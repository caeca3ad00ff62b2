"""``docgen pdf`` and ``docgen doctor``."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

import docx_samples as samples
from docgen.cli import main


def test_pdf_command_writes_pdf(tmp_path):
    src = samples.minutes(tmp_path / "bb.docx", paragraphs=2)
    res = CliRunner().invoke(main, ["pdf", str(src), "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    out = tmp_path / "out" / "bb.pdf"
    assert out.read_bytes()[:5] == b"%PDF-"


def test_pdf_command_user_errors_exit_2(tmp_path):
    res = CliRunner().invoke(main, ["pdf", str(tmp_path / "missing.docx")])
    assert res.exit_code == 2
    assert "no such file" in res.output and "Traceback" not in res.output
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 broken")
    res = CliRunner().invoke(main, ["pdf", str(bad)])
    assert res.exit_code == 2 and "Traceback" not in res.output


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_pdf_command_libreoffice_engine(tmp_path):
    src = samples.minutes(tmp_path / "bb.docx", paragraphs=2)
    res = CliRunner().invoke(main, ["pdf", str(src), "--pdf-engine", "libreoffice"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "bb.pdf").exists()


def test_doctor_reports_fonts():
    res = CliRunner().invoke(main, ["doctor"])
    assert res.exit_code == 0
    assert "Times New Roman:" in res.output and "LibreOffice:" in res.output
