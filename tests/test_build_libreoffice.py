"""The real-client test: LibreOffice opens every document a build writes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from docgen.build import build

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"
SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_converts_every_generated_docx(tmp_path) -> None:
    out = tmp_path / "out"
    build(SAMPLE, output=out, formats="docx")
    docx = sorted(out.glob("*.docx"))
    # minutes, notice, 4 decisions, 4 lists, invitation, programme, 3 tờ trình, news
    assert len(docx) == 16
    pdf_dir = tmp_path / "pdf"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(pdf_dir),
            *map(str, docx),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    for path in docx:
        pdf = pdf_dir / f"{path.stem}.pdf"
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), path.name
    if shutil.which("pdftotext") is None:
        return
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf_dir / "03-quyet-dinh-ubnd-bang-khen.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "09 tập thể và 11 cá nhân" in " ".join(text.split())
    listing = subprocess.run(
        ["pdftotext", str(pdf_dir / "04-danh-sach-ubnd-bang-khen.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # 20 rows do not fit one page after the header: the header row repeats on page 2.
    pages = listing.split("\f")
    assert len([p for p in pages if p.strip()]) >= 2
    assert all("STT" in p for p in pages if p.strip())
