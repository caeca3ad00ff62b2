"""`templates check` and `build` agree (issue 9, items 15 and 16).

A template the check passes is one the build renders; what the build would stop, the check
reports first, located in Word's terms. Document properties are not template text: the build
leaves them as they are and the check reports a tag found there.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from docgen.cli import main
from docgen.templates_dir import builtin_dir

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.output


def templates_with(tmp_path: Path, change) -> Path:
    """The built-in templates with every minutes.docx changed by ``change(document)``."""
    folder = tmp_path / "templates"
    shutil.copytree(builtin_dir(), folder)
    for path in folder.glob("*/minutes.docx"):
        document = Document(path)
        change(document)
        document.save(path)
    return folder


def build(tmp_path: Path, templates: Path) -> tuple[int, str, Path]:
    out = tmp_path / "out"
    status, output = invoke(
        "build", str(SAMPLE), "-o", str(out), "--templates", str(templates),
        "--only", "minutes", "--format", "docx", "--certificates", "none",
    )  # fmt: skip
    return status, output, out


@pytest.mark.parametrize(
    ("tag", "needle"),
    [
        ("{{ ''.__class__ }}", "__class__"),
        ("{{ meeting_name.__class__.__mro__ }}", "__class__"),
        ("{{ meeting_name['__class__'] }}", "__class__"),
        ("{% for i in range(10**9) %}{% endfor %}", "range() of 1,000,000,000"),
        ("{% for i in range(0, 200000, 2) %}{% endfor %}", "range() of 100,000"),
        ("{{ 'x' * 1000000000 }}", "1,000,000,000 times"),
        ("{{ 10 ** 100000 }}", "too large a number"),
    ],
)
def test_what_the_build_stops_the_check_reports(tmp_path: Path, tag: str, needle: str) -> None:
    templates = templates_with(tmp_path, lambda d: d.add_paragraph(f"Đoạn thêm {tag}"))
    status, output = invoke("templates", "check", str(templates))
    assert status == 1, output
    assert "minutes.docx" in output and needle in output and "Đoạn thêm" in output
    status, output, out = build(tmp_path, templates)
    assert status == 2, output
    assert "minutes.docx" in output
    assert not out.exists() or not any(out.iterdir())


def test_ordinary_ranges_and_arithmetic_are_not_reported(tmp_path: Path) -> None:
    templates = templates_with(
        tmp_path,
        lambda d: d.add_paragraph(
            "{% for i in range(3) %}{{ i * 2 }}{% endfor %}{{ 'x' * 3 }}{{ 2 ** 10 }}"
        ),
    )
    status, output = invoke("templates", "check", str(templates))
    assert status == 0, output
    status, output, _out = build(tmp_path, templates)
    assert status == 0, output


def test_jinja_in_document_properties_is_reported_and_not_run(tmp_path: Path) -> None:
    def change(document) -> None:
        document.core_properties.title = "{{ meeting_nam }}"
        document.core_properties.subject = "{{ ''.__class__ }}"

    templates = templates_with(tmp_path, change)
    status, output = invoke("templates", "check", str(templates))
    assert status == 1, output
    assert "document properties: the Title property holds '{{ meeting_nam }}'" in output
    assert "Subject property" in output
    status, output, out = build(tmp_path, templates)
    assert status == 2, output
    assert "the Title property holds '{{ meeting_nam }}'" in output
    assert not out.exists() or not any(out.iterdir())


def test_the_renderer_leaves_document_properties_as_they_are() -> None:
    import io

    from docxtpl import DocxTemplate

    from docgen.sandbox import render_docx

    document = Document()
    document.add_paragraph("{{ name }}")
    document.core_properties.title = "{{ ''.__class__ }}"
    document.core_properties.subject = "{{ missing }}"
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    template = DocxTemplate(buffer)
    render_docx(template, {"name": "Hội nghị"}, what="t.docx")
    out = io.BytesIO()
    template.save(out)
    out.seek(0)
    made = Document(out)
    assert made.paragraphs[0].text == "Hội nghị"
    assert made.core_properties.title == "{{ ''.__class__ }}"  # not run, not refused
    assert made.core_properties.subject == "{{ missing }}"


def test_a_package_without_content_types_is_reported_by_both(tmp_path: Path) -> None:
    templates = templates_with(tmp_path, lambda d: None)
    for path in templates.glob("*/minutes.docx"):
        with zipfile.ZipFile(path) as source:
            members = [(i, source.read(i)) for i in source.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for info, data in members:
                if info.filename != "[Content_Types].xml":
                    target.writestr(info, data)
    status, output = invoke("templates", "check", str(templates))
    assert status == 1 and "minutes.docx" in output and "[Content_Types].xml" in output
    status, output, _out = build(tmp_path, templates)
    assert status == 2 and "minutes.docx" in output and "[Content_Types].xml" in output


def test_undefined_attributes_through_filters_stop_the_build_located(tmp_path: Path) -> None:
    templates = templates_with(
        tmp_path, lambda d: d.add_paragraph("Nghe: {{ reports|map(attribute='hear')|list }}")
    )
    status, output, out = build(tmp_path, templates)
    assert status == 2, output
    assert "minutes.docx" in output and "'hear'" in output and "Nghe:" in output
    assert "Undefined" not in output
    assert not out.exists() or not any(out.iterdir())
