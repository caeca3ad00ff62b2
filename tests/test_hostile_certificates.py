"""Certificates against hostile options, layouts and names (issue 9, items 7, 10, 11, 14, 18).

Each test asserts exit status 2 with a located message and nothing written, or — where the
rule is "print and warn" — exit 0 with a warning naming the field and the character.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.certificates import render as certificate_render
from docgen.certificates.layout import builtin_dir
from docgen.cli import main
from docgen.sandbox import Limits
from hostile_office import png_declaring, real_png, truncated_png

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.output


def refused(out: Path, *args: str) -> str:
    status, output = run(*args)
    assert status == 2, output
    assert not list(out.rglob("*.pdf")) if out.exists() else True
    return output


def layouts_with(tmp_path: Path, change=None, files: dict[str, bytes] | None = None) -> Path:
    folder = tmp_path / "layouts"
    folder.mkdir()
    for name in ("bang-khen.yaml", "giay-khen.yaml"):
        text = (builtin_dir() / name).read_text(encoding="utf-8")
        if change is not None and name == "bang-khen.yaml":
            text = change(text)
        (folder / name).write_text(text, encoding="utf-8")
    for name, data in (files or {}).items():
        (folder / name).write_bytes(data)
    return folder


# -- item 7: number options are finite and on the page -----------------------------------------


@pytest.mark.parametrize("offset", ["nan,nan", "inf,0", "0,-inf", "1e400,0", "3,nan"])
def test_offset_must_be_finite(tmp_path: Path, offset: str) -> None:
    out = tmp_path / "out"
    output = refused(out, "certificates", str(SAMPLE), "-o", str(out), f"--offset={offset}")
    assert "--offset" in output and "two numbers of millimetres" in output


def test_offset_beyond_the_page_margin_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    output = refused(out, "certificates", str(SAMPLE), "-o", str(out), "--offset=400,0")
    assert "--offset" in output and "50 mm" in output


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("width: 160", "width: .nan", "fields"),
        ("size: 16", "size: .inf", "fields"),
        ("inset: 9,", "inset: .nan,", "frame"),
    ],
)
def test_layout_numbers_must_be_finite(tmp_path: Path, old: str, new: str, where: str) -> None:
    def change(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    layouts = layouts_with(tmp_path, change)
    out = tmp_path / "out"
    output = refused(
        out,
        "certificates",
        str(SAMPLE),
        "-o",
        str(out),
        "--layouts",
        str(layouts),
        "--mode",
        "full",
    )
    assert "bang-khen.yaml, line" in output and where in output


def test_a_rule_off_the_paper_is_located(tmp_path: Path) -> None:
    layouts = layouts_with(
        tmp_path,
        lambda text: text + "rules:\n  - {x1: 10, y1: 10, x2: 5000, y2: 10}\n",
    )
    out = tmp_path / "out"
    output = refused(out, "certificates", str(SAMPLE), "-o", str(out), "--layouts", str(layouts))
    assert "bang-khen.yaml, line" in output and "x2" in output and "off the paper" in output


# -- item 10: one budget for the whole run ----------------------------------------------------


def test_one_budget_for_the_whole_certificate_run(tmp_path: Path, monkeypatch) -> None:
    # 9,000 steps per field per page is within every per-render limit; 52 pages of it are not
    # within a run budget of 100,000 steps.
    monkeypatch.setattr(certificate_render, "RUN_LIMITS", Limits(max_steps=100_000))
    loop = "{% for i in range(9000) %}{% endfor %}{{ recipient.name }}"
    layouts = layouts_with(
        tmp_path,
        lambda text: text.replace('text: "{{ recipient.name }}"', f'text: "{loop}"', 1),
    )
    assert loop in (layouts / "bang-khen.yaml").read_text(encoding="utf-8")
    out = tmp_path / "out"
    output = refused(out, "certificates", str(SAMPLE), "-o", str(out), "--layouts", str(layouts))
    assert "certificate fields together repeat too much work" in output
    assert "bang-khen.yaml" in output and "field" in output


def test_the_run_budget_is_shared_by_per_recipient_files(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(certificate_render, "RUN_LIMITS", Limits(max_steps=100_000))
    loop = "{% for i in range(9000) %}{% endfor %}{{ recipient.name }}"
    layouts = layouts_with(
        tmp_path,
        lambda text: text.replace('text: "{{ recipient.name }}"', f'text: "{loop}"', 1),
    )
    out = tmp_path / "out"
    output = refused(
        out,
        "certificates", str(SAMPLE), "-o", str(out), "--layouts", str(layouts), "--per-recipient",
    )  # fmt: skip
    assert "certificate fields together repeat too much work" in output


# -- item 11: characters the font lacks --------------------------------------------------------


def test_a_character_the_font_lacks_is_warned_with_field_and_code_point(tmp_path: Path) -> None:
    meeting = tmp_path / "cuoc-hop.yaml"
    text = SAMPLE.read_text(encoding="utf-8")
    assert "{name: Ban Tuyên giáo Huyện ủy Cao Lộc}" in text
    meeting.write_text(
        text.replace(
            "{name: Ban Tuyên giáo Huyện ủy Cao Lộc}", "{name: Ban Tuyên giáo 😀 Cao Lộc}"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["certificates", str(meeting), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "U+1F600" in result.output and "GRINNING FACE" in result.output
    assert "field 'recipient'" in result.output and "Ban Tuyên giáo 😀 Cao Lộc" in result.output
    assert list(out.rglob("*.pdf"))


# -- item 14: the background and font paths of a layout ---------------------------------------


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"this is not a picture", "not a picture"),
        (png_declaring(60_000, 60_000), "pixels a page can use"),
        (png_declaring(8_000, 8_000), "8,000 × 8,000"),
        (truncated_png(), "damaged or cut off"),
    ],
)
def test_a_bad_background_is_refused_with_preview(tmp_path: Path, data: bytes, needle: str) -> None:
    layouts = layouts_with(tmp_path, files={"bang-khen-blank.png": data})
    out = tmp_path / "out"
    output = refused(
        out, "certificates", str(SAMPLE), "-o", str(out), "--layouts", str(layouts), "--preview"
    )
    assert "bang-khen" in output and "background" in output and needle in output


def test_a_good_background_still_previews(tmp_path: Path) -> None:
    layouts = layouts_with(tmp_path, files={"bang-khen-blank.png": real_png()})
    shutil.copy(builtin_dir() / "giay-khen-blank.png", layouts / "giay-khen-blank.png")
    out = tmp_path / "out"
    status, output = run(
        "certificates", str(SAMPLE), "-o", str(out), "--layouts", str(layouts), "--preview"
    )
    assert status == 0, output
    assert list(out.rglob("*-preview.pdf"))


@pytest.mark.parametrize(
    "background", ["/etc/passwd", "../secret.png", "sub/../../x.png", "C:\\\\x.png"]
)
def test_background_paths_stay_in_the_layout_folder(tmp_path: Path, background: str) -> None:
    layouts = layouts_with(
        tmp_path,
        lambda text: text.replace("background: bang-khen-blank.png", f'background: "{background}"'),
    )
    out = tmp_path / "out"
    output = refused(
        out, "certificates", str(SAMPLE), "-o", str(out), "--layouts", str(layouts), "--preview"
    )
    assert "bang-khen.yaml, line" in output and "background" in output
    assert "outside the layout's folder" in output


def test_a_background_linked_outside_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(real_png())
    layouts = layouts_with(tmp_path)
    (layouts / "bang-khen-blank.png").symlink_to(outside)
    out = tmp_path / "out"
    output = refused(
        out, "certificates", str(SAMPLE), "-o", str(out), "--layouts", str(layouts), "--preview"
    )
    assert "outside the layout's folder" in output


@pytest.mark.parametrize("font", ["/usr/share/fonts/x.ttf", "../fonts/Times.ttf", "times.ttf"])
def test_a_font_is_a_family_not_a_path(tmp_path: Path, font: str) -> None:
    layouts = layouts_with(
        tmp_path, lambda text: text.replace("font: Times New Roman", f'font: "{font}"', 1)
    )
    out = tmp_path / "out"
    output = refused(out, "certificates", str(SAMPLE), "-o", str(out), "--layouts", str(layouts))
    assert "bang-khen.yaml, line" in output and "font" in output and "family" in output


# -- item 18: a missing folder is an error ----------------------------------------------------


def test_a_missing_layouts_folder_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    output = refused(
        out, "certificates", str(SAMPLE), "-o", str(out), "--layouts", str(tmp_path / "layuots")
    )
    assert "--layouts" in output and "layuots" in output and "no such folder" in output
    output = refused(out, "certificates", "--calibration", "--layouts", str(tmp_path / "nope"))
    assert "no such folder" in output


def test_a_missing_font_dir_is_an_error(tmp_path: Path) -> None:
    from docx import Document

    source = tmp_path / "a.docx"
    document = Document()
    document.add_paragraph("Xin chào")
    document.save(source)
    output = refused(tmp_path, "pdf", str(source), "--font-dir", str(tmp_path / "fnts"))
    assert "--font-dir" in output and "fnts" in output and "no such folder" in output
    status, output = run("doctor", "--font-dir", str(tmp_path / "fnts"))
    assert status == 2 and "no such folder" in output
