"""docgen.cache: a template's check and compile kept between builds, and only what is sound.

A second build of the sample must neither check, safety-open nor compile any template again; a
changed template must be; a template with problems must be checked (and refused) every time;
entries someone else could have written, or that are damaged, must be ignored; and the
documents must be the same bytes whether they came from the cache or not.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE, docx_parts
from docgen import cache
from docgen.build import build
from docgen.errors import DocgenError
from hostile_office import rewrite_member


def _build(out: Path, templates: Path | None = None):
    return build(
        SAMPLE,
        output=out,
        formats="docx",
        certificates=None,
        cwd=SAMPLE.parent,
        templates=templates,
        force=True,
    )


def _reset(counts) -> None:
    for counter in counts.values():
        counter.clear()


def _docx(folder: Path) -> dict[str, dict[str, bytes]]:
    return {p.name: docx_parts(p.read_bytes()) for p in sorted(folder.glob("*.docx"))}


def test_a_second_build_checks_opens_and_compiles_nothing(tmp_path, counted) -> None:
    first = _build(tmp_path / "one")
    assert counted["checked"] and counted["opened"] and counted["compiled"]
    _reset(counted)

    second = _build(tmp_path / "two")

    assert not counted["checked"], "a sound template was checked again"
    assert not counted["opened"], "sound template bytes were safety-checked again"
    assert not counted["compiled"], "a part's Jinja was compiled again"
    assert len(second.jobs) == len(first.jobs) == 16
    # the documents are the same bytes, cached work or not
    assert _docx(tmp_path / "one") == _docx(tmp_path / "two")
    kinds = {p.name for p in (tmp_path / "cache").iterdir()}
    # "fonts" too when this process had not read them yet: the state header measures the
    # issuing body's name (docgen.measure) even in a DOCX-only build.
    assert kinds - {"fonts"} == {"checked", "safe", "patched", "jinja"}


def test_the_cache_off_keeps_nothing_and_works_each_time(tmp_path, counted, monkeypatch) -> None:
    monkeypatch.setenv("DOCGEN_CACHE_DIR", "off")
    _build(tmp_path / "one")
    _reset(counted)
    _build(tmp_path / "two")
    assert counted["checked"] and counted["opened"] and counted["compiled"]
    assert not (tmp_path / "cache").exists()


def _edited_templates(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    """A copy of the bundled templates with ``old`` → ``new`` in the minutes' body."""
    from docgen.templates_dir import builtin_dir

    folder = tmp_path / "templates"
    shutil.copytree(builtin_dir(), folder)
    for minutes in folder.glob("*/minutes.docx"):
        edited = rewrite_member(
            minutes.read_bytes(), "word/document.xml", lambda xml: xml.replace(old, new, 1)
        )
        minutes.write_bytes(edited)
    return folder, "minutes.docx"


def test_an_edited_template_is_checked_and_compiled_again(tmp_path, counted) -> None:
    _build(tmp_path / "one")
    folder, minutes = _edited_templates(tmp_path, "{{ venue }}", "{{ venue|upper }}")
    _reset(counted)

    _build(tmp_path / "two", templates=folder)

    # only the edited file is new to the cache; the others are the bundled bytes
    assert {path.name for path in counted["checked"]} == {minutes}
    assert len(counted["opened"]) == 1
    assert counted["compiled"]


def test_a_template_with_a_problem_is_refused_every_time(tmp_path, counted) -> None:
    folder, minutes = _edited_templates(tmp_path, "{{ venue }}", "{{ venu }}")
    for attempt in ("one", "two"):
        _reset(counted)
        with pytest.raises(DocgenError) as caught:
            _build(tmp_path / attempt, templates=folder)
        assert "venu" in str(caught.value) and minutes in str(caught.value)
        times = sum(n for path, n in counted["checked"].items() if path.name == minutes)
        assert times == 1, attempt
        assert not (tmp_path / attempt).exists()


def test_damaged_entries_are_ignored(tmp_path, counted) -> None:
    _build(tmp_path / "one")
    for kind in ("jinja", "patched", "checked", "safe"):
        for entry in (tmp_path / "cache" / kind).iterdir():
            data = bytearray(entry.read_bytes())
            data[-1] ^= 0xFF  # one flipped byte, as a disk error would leave it
            entry.write_bytes(bytes(data))
    _reset(counted)

    _build(tmp_path / "two")

    assert counted["checked"] and counted["opened"] and counted["compiled"]
    assert _docx(tmp_path / "one") == _docx(tmp_path / "two")


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX ownership and modes")
def test_entries_others_could_write_are_not_trusted(tmp_path, counted) -> None:
    _build(tmp_path / "one")
    jinja = tmp_path / "cache" / "jinja"
    jinja.chmod(0o777)  # a folder anyone can write to: its code is not run
    _reset(counted)
    _build(tmp_path / "two")
    assert counted["compiled"]
    jinja.chmod(0o700)
    for entry in (tmp_path / "cache" / "checked").iterdir():
        entry.chmod(0o666)  # an entry anyone could have rewritten
    _reset(counted)
    _build(tmp_path / "three")
    assert counted["checked"] and not counted["compiled"]


def test_the_cache_stays_bounded(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "MAX_ENTRIES", 20)
    for n in range(60):
        cache.put("patched", f"part {n}".encode(), b"x")
    kept = list((tmp_path / "cache" / "patched").iterdir())
    assert 0 < len(kept) <= 20
    assert cache.get("patched", b"part 59") == b"x"
    assert cache.clear() == len(kept)
    assert cache.get("patched", b"part 59") is None


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(blocker / "cache"))
    result = _build(tmp_path / "out")
    assert len(result.jobs) == 16
    assert cache.get("patched", b"anything") is None


def test_doctor_says_where_the_cache_is_or_that_it_is_off(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from docgen.cli import main

    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "kept"))
    result = CliRunner().invoke(main, ["--lang", "vi", "doctor"])
    assert result.exit_code == 0
    assert f"Các mẫu đã kiểm tra được ghi nhớ tại: {tmp_path / 'kept'}" in result.output
    monkeypatch.setenv("DOCGEN_CACHE_DIR", "off")
    result = CliRunner().invoke(main, ["--lang", "vi", "doctor"])
    assert "Không ghi nhớ các mẫu đã kiểm tra (DOCGEN_CACHE_DIR=off)." in result.output


def test_fonts_read_from_the_cache_make_the_same_pdf(tmp_path, monkeypatch) -> None:
    """A font read back from the cache draws and subsets exactly as one read from its file."""
    import subprocess
    import sys

    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    docx = tmp_path / "out"
    _build(docx)
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from docgen.pdf import docx_bytes_to_pdf\n"
        "pdf, _warnings = docx_bytes_to_pdf(Path(sys.argv[1]).read_bytes())\n"
        "Path(sys.argv[2]).write_bytes(pdf)\n"
    )
    minutes = docx / "01-bien-ban.docx"
    runs = []
    for n in range(3):  # a fresh process each: the first reads the files, the others the cache
        pdf = tmp_path / f"{n}.pdf"
        subprocess.run([sys.executable, "-c", probe, str(minutes), str(pdf)], check=True)
        runs.append(pdf.read_bytes())
        if n == 0:
            kept = list((tmp_path / "cache" / "fonts").iterdir())
            assert len(kept) >= 4, "the four faces of Times New Roman were not kept"
        if n == 1:
            for entry in (tmp_path / "cache" / "fonts").iterdir():
                entry.write_bytes(entry.read_bytes()[:-100])  # damaged: read the files again
    assert runs[0] == runs[1] == runs[2]
