"""`docgen templates list|init|check`, and the templates surviving a LibreOffice round trip."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from docgen.cli import main
from docgen.documents import TYPES, context_for
from docgen.loader import load_meeting
from docgen.render import render_docx
from docgen.templates_dir import PROFILES, builtin_dir, resolve

TEMPLATE_FILES = {t.key: t.template for t in TYPES}

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"
SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")


def _text(data: bytes | Path) -> list[str]:
    from io import BytesIO

    doc = Document(BytesIO(data) if isinstance(data, bytes) else data)
    out = []

    def walk(container):
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                for row in block.rows:
                    for cell in row.cells:
                        walk(cell)
            else:
                out.append(block.text)

    walk(doc)
    return [t for t in out if t.strip()]


def _contexts():
    record = load_meeting(SAMPLE)
    state = record.award("ubnd-bang-khen")
    party = record.award("bcd35-giay-khen")
    return {
        ("state", "decision"): context_for(record, "decision", state),
        ("state", "list"): context_for(record, "list", state),
        ("party", "decision"): context_for(record, "decision", party),
        ("party", "list"): context_for(record, "list", party),
        **{(p, "minutes"): context_for(record, "minutes") for p in PROFILES},
        **{(p, "notice"): context_for(record, "notice") for p in PROFILES},
    }


def test_builtin_templates_exist_for_every_document_and_profile() -> None:
    root = builtin_dir()
    for profile in PROFILES:
        for name in TEMPLATE_FILES.values():
            assert (root / profile / name).is_file()
    assert (root / "README.md").is_file()


def test_builtin_templates_carry_only_the_styles_and_parts_they_use() -> None:
    # python-docx's blank document brings 164 styles and a Word 2010 copy of them (0.8 MB of
    # XML read and written for every document); tools/make_templates.py keeps what is used.
    import re

    for profile in PROFILES:
        for name in TEMPLATE_FILES.values():
            path = builtin_dir() / profile / name
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
                styles = z.read("word/styles.xml").decode()
                others = "".join(
                    z.read(n).decode() for n in names if n.startswith("word/") and n.endswith(".xml")
                    and n != "word/styles.xml"
                )  # fmt: skip
            assert "word/stylesWithEffects.xml" not in names, path
            assert "docProps/thumbnail.jpeg" not in names, path
            defined = set(re.findall(r'w:styleId="([^"]+)"', styles))
            named = set(re.findall(r'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', others))
            assert named <= defined, (path, named - defined)
            assert {"Normal", "DefaultParagraphFont", "TableNormal", "Header", "Footer"} <= defined
            assert len(defined) <= 20, (path, sorted(defined))
            assert len(styles) < 40_000, path


def test_list_names_every_template(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["templates", "list"])
    assert result.exit_code == 0, result.output
    assert "built-in templates" in result.output
    for profile in PROFILES:
        for name in TEMPLATE_FILES.values():
            assert str(builtin_dir() / profile / name) in result.output


def test_init_copies_and_refuses_to_overwrite(tmp_path) -> None:
    target = tmp_path / "mau"
    runner = CliRunner()
    first = runner.invoke(main, ["templates", "init", str(target)])
    assert first.exit_code == 0, first.output
    for profile in PROFILES:
        for name in TEMPLATE_FILES.values():
            copied = target / profile / name
            assert copied.read_bytes() == (builtin_dir() / profile / name).read_bytes()
    edited = target / "state" / "minutes.docx"
    edited.write_bytes(b"clerk's edit")
    again = runner.invoke(main, ["templates", "init", str(target)])
    assert again.exit_code == 2
    assert "nothing was copied" in again.output
    assert edited.read_bytes() == b"clerk's edit"


def test_init_folder_is_picked_up_as_dot_templates(tmp_path) -> None:
    CliRunner().invoke(main, ["templates", "init", str(tmp_path / "templates")])
    source = resolve(None, tmp_path)
    assert source.origin == "./templates"
    assert source.path("party", "notice") == (
        tmp_path / "templates" / "party" / "notice.docx",
        False,
    )
    explicit = resolve(tmp_path / "templates", ROOT)
    assert explicit.origin == "--templates"


def test_check_passes_on_the_builtins_and_locates_a_misspelt_variable(tmp_path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["templates", "check", str(builtin_dir())])
    assert ok.exit_code == 0, ok.output
    folder = tmp_path / "t"
    (folder / "state").mkdir(parents=True)
    src = builtin_dir() / "state" / "decision.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(folder / "state" / "decision.docx", "w") as z:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"{{ counts }}", b"{{ count }}")
            z.writestr(item, data)
    bad = runner.invoke(main, ["templates", "check", str(folder)])
    assert bad.exit_code == 1
    assert "decision.docx" in bad.output and "count" in bad.output
    assert "Điều 1." in bad.output or "Tặng" in bad.output  # the paragraph, for Ctrl+F


def test_check_against_a_meeting_follows_fields_inside_loops(tmp_path) -> None:
    folder = tmp_path / "t"
    (folder / "party").mkdir(parents=True)
    src = builtin_dir() / "party" / "minutes.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(folder / "party" / "minutes.docx", "w") as z:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                assert b"{{ report.heard }}" in data
                data = data.replace(b"{{ report.heard }}", b"{{ report.hear }}")
            z.writestr(item, data)
    runner = CliRunner()
    # Names alone cannot tell a misspelt field of a loop variable…
    assert runner.invoke(main, ["templates", "check", str(folder)]).exit_code == 0
    # …the meeting's real values can, and say which field was meant.
    sample = Path(__file__).resolve().parents[1] / "seeds" / "lang-son-2022.yaml"
    bad = runner.invoke(main, ["templates", "check", str(folder), "--meeting", str(sample)])
    assert bad.exit_code == 1, bad.output
    assert "minutes.docx" in bad.output and "hear" in bad.output and "heard" in bad.output


def _soffice(args: list[str], tmp: Path) -> None:
    profile = (tmp / "lo-profile").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", *args],
        check=True,
        capture_output=True,
        timeout=300,
    )


@needs_soffice
def test_templates_resaved_by_libreoffice_render_the_same_text(tmp_path) -> None:
    """A clerk who opens a template in LibreOffice and saves it must not break it."""
    contexts = _contexts()
    sources = [builtin_dir() / p / TEMPLATE_FILES[d] for p, d in contexts]
    # Same names in two profiles: convert each profile into its own folder.
    for profile in PROFILES:
        files = [str(s) for s in sources if s.parent.name == profile]
        _soffice(["--convert-to", "docx", "--outdir", str(tmp_path / profile), *files], tmp_path)
    for (profile, document), context in contexts.items():
        original = builtin_dir() / profile / TEMPLATE_FILES[document]
        resaved = tmp_path / profile / TEMPLATE_FILES[document]
        assert resaved.is_file(), resaved
        assert resaved.read_bytes() != original.read_bytes()
        expected = _text(render_docx(original, context))
        rendered = render_docx(resaved, context)
        assert _text(rendered) == expected, (profile, document)
        # One zip entry per part: a duplicate docProps/core.xml makes Word call it damaged.
        names = zipfile.ZipFile(io.BytesIO(rendered)).namelist()
        assert len(names) == len(set(names)), (profile, document)
        assert len(expected) > 10


def test_the_shipped_templates_are_what_the_generator_makes(tmp_path) -> None:
    """templates/ is tools/make_templates.py's output, part for part and byte for byte: a change
    of the generator that is meant to change nothing (a refactoring) changes nothing, and a
    template edited by hand in the repository instead of through the generator is caught."""
    import sys

    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_templates.py"), str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    shipped = ROOT / "templates"
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.glob("*/*.docx"))
    assert made == sorted(p.relative_to(shipped) for p in shipped.glob("*/*.docx"))
    differ = []
    for name in made:
        with zipfile.ZipFile(tmp_path / name) as new, zipfile.ZipFile(shipped / name) as old:
            assert sorted(new.namelist()) == sorted(old.namelist()), name
            differ += [
                f"{name}: {part}" for part in new.namelist() if new.read(part) != old.read(part)
            ]
    assert not differ, differ
