"""The same PDF on every machine: docgen carries Liberation Serif, Sans and Mono, used whenever
the family itself (Times New Roman, Arial, Courier New) is not installed — on a machine with no
fonts at all the sample builds with the same pages and line breaks as with fonts-liberation2."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from docgen.pdf import fonts

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"
SYSTEM_LIBERATION = Path("/usr/share/fonts/truetype/liberation2")
FACES = ("Regular", "Bold", "Italic", "BoldItalic")

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils not installed",
)
needs_system_liberation = pytest.mark.skipif(
    not (SYSTEM_LIBERATION / "LiberationSerif-Regular.ttf").is_file(),
    reason="fonts-liberation2 not installed",
)


@pytest.fixture
def no_system_fonts(monkeypatch: pytest.MonkeyPatch):
    """This process sees no installed font, as on a fresh server or container."""
    monkeypatch.setattr(fonts, "SYSTEM_FONT_DIRS", ())
    monkeypatch.setattr(fonts, "_indexes", {})
    monkeypatch.setattr(fonts, "_resolved", {})


def test_the_package_carries_four_faces_of_each_family_and_the_licence() -> None:
    for family in ("Serif", "Sans", "Mono"):
        for face in FACES:
            assert (fonts.BUNDLED_FONT_DIR / f"Liberation{family}-{face}.ttf").is_file()
    licence = (fonts.BUNDLED_FONT_DIR / "LICENSE").read_text(encoding="utf-8")
    assert (
        "SIL OPEN FONT LICENSE Version 1.1" in licence
        and "Reserved Font Name Liberation" in licence
    )


@pytest.mark.parametrize(
    ("asked", "family", "file"),
    [
        ("Times New Roman", "Liberation Serif", "LiberationSerif"),
        ("Arial", "Liberation Sans", "LiberationSans"),
        ("Courier New", "Liberation Mono", "LiberationMono"),
    ],
)
def test_without_installed_fonts_the_bundled_twin_is_used(
    no_system_fonts, asked: str, family: str, file: str
) -> None:
    faces = fonts.resolve_family(asked)
    assert (faces.family, faces.bundled, faces.compatible) == (family, True, True)
    for face in FACES:
        style = face.lower()
        assert faces.files[style] == fonts.BUNDLED_FONT_DIR / f"{file}-{face}.ttf"


def test_an_unknown_family_falls_back_to_bundled_liberation_and_says_widths_differ(
    no_system_fonts,
) -> None:
    faces = fonts.resolve_family("VNI-Times")
    assert faces.family == "Liberation Serif" and faces.bundled and not faces.compatible
    assert fonts.resolve_family("Tahoma").family == "Liberation Sans"


@pytest.mark.parametrize(
    ("asked", "stand_in"), [("Calibri", "Liberation Sans"), ("Cambria", "Liberation Serif")]
)
def test_a_stand_in_with_other_widths_is_not_called_compatible(
    no_system_fonts, asked: str, stand_in: str
) -> None:
    """Without Carlito (Caladea) the bundled Liberation stands in for Calibri (Cambria), but
    its widths are Arial's (Times'): the clerk is warned that lines may break elsewhere."""
    faces = fonts.resolve_family(asked)
    assert faces.family == stand_in and faces.substituted and not faces.compatible


def test_doctor_says_calibris_stand_in_has_other_widths(no_system_fonts) -> None:
    lines = fonts.font_report(("Calibri",))
    assert "different widths" in lines[0] and "Liberation Sans" in lines[0], lines[0]


def test_never_dejavu_for_times_new_roman(monkeypatch: pytest.MonkeyPatch) -> None:
    # Even with the bundle gone and DejaVu installed, Times New Roman does not become DejaVu.
    monkeypatch.setattr(fonts, "BUNDLED_FONT_DIR", Path("/nonexistent-docgen-fonts"))
    monkeypatch.setattr(fonts, "SYSTEM_FONT_DIRS", (Path("/usr/share/fonts/truetype/dejavu"),))
    monkeypatch.setattr(fonts, "_indexes", {})
    monkeypatch.setattr(fonts, "_resolved", {})
    assert not any("dejavu" in c.lower() for c in fonts.candidates("Times New Roman"))
    with pytest.raises(LookupError):
        fonts.resolve_family("Times New Roman")


def _renamed_font(source: Path, old: str, new: str, target: Path) -> Path:
    """A copy of ``source`` whose name table calls its family ``new`` (same length as ``old``)."""
    assert len(old) == len(new)
    data = source.read_bytes()
    data = data.replace(old.encode("utf-16-be"), new.encode("utf-16-be"))
    data = data.replace(old.encode("latin-1"), new.encode("latin-1"))
    target.write_bytes(data)
    return target


def test_an_installed_times_new_roman_still_wins(no_system_fonts, tmp_path: Path) -> None:
    installed = _renamed_font(
        fonts.BUNDLED_FONT_DIR / "LiberationSans-Regular.ttf",
        "Liberation Sans",
        "Times New Roman",
        tmp_path / "times.ttf",
    )
    faces = fonts.resolve_family("Times New Roman", font_dirs=[tmp_path])
    assert faces.files["regular"] == installed
    assert not faces.substituted and not faces.bundled


def test_doctor_names_each_file_and_where_it_comes_from(no_system_fonts) -> None:
    from docgen.cli import main
    from docgen.i18n import set_language

    set_language("en")
    try:
        result = CliRunner().invoke(main, ["doctor"])
    finally:
        set_language(None)
    assert result.exit_code == 0, result.output
    assert "Times New Roman: Liberation Serif (same widths), bundled with docgen" in result.output
    assert f"regular: {fonts.BUNDLED_FONT_DIR / 'LiberationSerif-Regular.ttf'}" in result.output
    assert f"bold: {fonts.BUNDLED_FONT_DIR / 'LiberationMono-Bold.ttf'}" in result.output


def _docx_in(family: str) -> bytes:
    document = Document()
    for text in ("Biên bản hội nghị", "Nội dung"):
        run = document.add_paragraph().add_run(text)
        run.font.name = family
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_font_warning_appears_once_per_build_not_once_per_file(no_system_fonts) -> None:
    from docgen.build import pdf_converter

    data = _docx_in("VNI-Times")
    converted = pdf_converter("builtin")([(f"doc-{i}", data) for i in range(4)])
    warnings = [w for _pdf, found in converted for w in found]
    about_font = [w for w in warnings if "VNI-Times" in w]
    assert len(about_font) == 1, warnings
    assert not about_font[0].startswith("doc-")  # about the machine, not one file


def test_docgen_pdf_of_several_files_warns_about_a_font_once(no_system_fonts, tmp_path) -> None:
    from docgen.cli import main

    files = []
    for i in range(3):
        path = tmp_path / f"van-ban-{i}.docx"
        path.write_bytes(_docx_in("VNI-Times"))
        files.append(str(path))
    result = CliRunner().invoke(main, ["pdf", *files])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("VNI-Times") == 1, result.stderr
    assert all((tmp_path / f"van-ban-{i}.pdf").is_file() for i in range(3))


# --- a fresh machine ---------------------------------------------------------------------------

HIDE_SYSTEM = "import docgen.pdf.fonts as f; f.SYSTEM_FONT_DIRS = ()\n"
HIDE_BUNDLE = (
    "import docgen.pdf.fonts as f, pathlib; f.BUNDLED_FONT_DIR = pathlib.Path('/nonexistent')\n"
)
RUN = "import sys\nfrom docgen.cli import main\nmain(sys.argv[1:])\n"


def _docgen(tmp_path: Path, name: str, setup: str, *args: str) -> str:
    """Run docgen in a child process whose font search is limited by ``setup``; its stderr
    and stdout."""
    home = tmp_path / f"home-{name}"
    home.mkdir(exist_ok=True)
    empty = tmp_path / f"fonts-{name}.conf"
    empty.write_text('<?xml version="1.0"?><fontconfig></fontconfig>\n', encoding="utf-8")
    env = {**os.environ, "HOME": str(home), "FONTCONFIG_FILE": str(empty), "DOCGEN_LANG": "en"}
    done = subprocess.run(
        [sys.executable, "-c", setup + RUN, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr + done.stdout


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def _fonts_of(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout


@needs_poppler
@needs_system_liberation
def test_a_machine_with_no_fonts_lays_out_the_sample_like_one_with_liberation(tmp_path) -> None:
    fresh, installed = tmp_path / "fresh", tmp_path / "installed"
    fresh_log = _docgen(tmp_path, "fresh", HIDE_SYSTEM, "build", str(SAMPLE), "-o", str(fresh))
    _docgen(tmp_path, "installed", HIDE_BUNDLE, "build", str(SAMPLE), "-o", str(installed))
    assert "warning" not in fresh_log.lower()  # nothing substituted with other widths
    made = sorted(p.name for p in fresh.glob("*.pdf"))
    assert len(made) >= 11 and made == sorted(p.name for p in installed.glob("*.pdf"))
    for name in made:
        fresh_pages, installed_pages = _pages(fresh / name), _pages(installed / name)
        assert len(fresh_pages) == len(installed_pages), name
        for number, (a, b) in enumerate(zip(fresh_pages, installed_pages, strict=True), 1):
            assert a.splitlines() == b.splitlines(), f"{name}, page {number}"
        embedded = _fonts_of(fresh / name)
        assert "LiberationSerif" in embedded and "DejaVu" not in embedded, name
    # The two builds really read different files: docgen's copies, and the installed ones.
    assert "bundled with docgen" in _docgen(tmp_path, "fresh", HIDE_SYSTEM, "doctor")
    assert "installed on this machine" in _docgen(tmp_path, "installed", HIDE_BUNDLE, "doctor")
