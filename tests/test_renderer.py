"""The warm renderer: the same bytes as a build, and only what changed is done again."""

from __future__ import annotations

import shutil
from collections import Counter
from io import BytesIO

import pytest
import yaml
from docx import Document

from conftest import ROOT, SAMPLE, docx_parts
from docgen.build import build
from docgen.errors import DocgenError
from docgen.renderer import Renderer


@pytest.fixture(scope="module")
def warm() -> Renderer:
    renderer = Renderer(cwd=ROOT)
    renderer.load(SAMPLE)
    return renderer


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("built")
    build(SAMPLE, output=out, cwd=ROOT)
    return {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(BytesIO(data)).paragraphs)


def test_render_all_gives_the_builds_bytes(warm, built) -> None:
    files = warm.render_all()
    assert list(files) == warm.names()
    assert sorted(files) == sorted(built)
    assert len(files) == 34  # 16 DOCX, the news report's text copy, 16 PDF, the certificates
    for name, data in built.items():
        if name.endswith(".docx"):  # the zip's member dates are the time of saving
            assert docx_parts(files[name]) == docx_parts(data), name
        else:
            assert files[name] == data, name


def test_one_document_is_the_same_as_in_the_whole_build(warm, built) -> None:
    assert docx_parts(warm.render("01-bien-ban.docx")) == docx_parts(built["01-bien-ban.docx"])
    pdf = "04-danh-sach-ubnd-bang-khen.pdf"
    assert warm.render(pdf) == built[pdf]
    certificates = "05-bang-khen-giay-khen-overlay.pdf"
    assert warm.render(certificates) == built[certificates]


def test_a_second_render_reads_and_compiles_nothing_again(warm, monkeypatch) -> None:
    import docgen.render as render
    import docgen.sandbox as sandbox
    import docgen.templatecheck as templatecheck

    calls: Counter[str] = Counter()
    for module, name in (
        (render, "open_docx_safely"),
        (templatecheck, "check_template"),
    ):
        real = getattr(module, name)
        monkeypatch.setattr(
            module,
            name,
            lambda *a, _real=real, _n=name, **k: (calls.update([_n]), _real(*a, **k))[1],
        )
    real_compile = sandbox.DocgenSandbox.compile

    def compile_(self, source, *args, **kwargs):
        calls["compile"] += 1
        return real_compile(self, source, *args, **kwargs)

    monkeypatch.setattr(sandbox.DocgenSandbox, "compile", compile_)
    warm.render("01-bien-ban.docx")  # warm it (the module fixture may be fresh)
    calls.clear()
    first = warm.render("01-bien-ban.docx")
    again = warm.render("01-bien-ban.pdf")
    assert first.startswith(b"PK") and again.startswith(b"%PDF")
    assert calls == Counter(), f"warm renders did {dict(calls)}"


def test_a_changed_record_changes_its_documents_only(tmp_path) -> None:
    meeting = tmp_path / "cuoc-hop.yaml"
    shutil.copy(SAMPLE, meeting)
    renderer = Renderer(cwd=ROOT)
    renderer.load(meeting)
    before = renderer.render("01-bien-ban.docx")
    assert renderer.refresh() is False

    data = yaml.safe_load(meeting.read_text(encoding="utf-8"))
    data["meeting"]["venue"] = "Hội trường B, Trụ sở Tỉnh ủy Lạng Sơn"
    meeting.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert renderer.refresh() is True
    after = renderer.render("01-bien-ban.docx")
    assert "Hội trường B" in docx_text(after) and "Hội trường B" not in docx_text(before)
    assert renderer.record.meeting.venue.startswith("Hội trường B")


def test_an_edited_template_is_read_again(tmp_path) -> None:
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    renderer = Renderer(tmp_path / "templates", certificates=None)
    renderer.load(SAMPLE)
    before = renderer.render("01-bien-ban.docx")
    template = tmp_path / "templates" / "party" / "minutes.docx"
    edited = Document(template)
    edited.add_paragraph("Bản sửa của văn thư")
    edited.save(template)
    after = renderer.render("01-bien-ban.docx")
    assert "Bản sửa của văn thư" in docx_text(after)
    assert "Bản sửa của văn thư" not in docx_text(before)


def test_a_broken_template_is_reported_with_its_location(tmp_path) -> None:
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    renderer = Renderer(tmp_path / "templates", certificates=None)
    renderer.load(SAMPLE)
    renderer.render("02-thong-bao-ket-luan.docx")
    template = tmp_path / "templates" / "party" / "notice.docx"
    edited = Document(template)
    edited.add_paragraph("{{ meeting_nam }}")
    edited.save(template)
    with pytest.raises(DocgenError) as caught:
        renderer.render("02-thong-bao-ket-luan.docx")
    message = str(caught.value) + "\n".join(map(str, caught.value.problems))
    assert "notice.docx" in message and "meeting_nam" in message


def test_set_record_names_and_unknown_names(warm) -> None:
    renderer = Renderer(cwd=ROOT, certificates=None)
    with pytest.raises(DocgenError, match="meeting"):
        renderer.names()
    renderer.set_record(warm.record)
    names = renderer.names(["docx"])
    assert names[0] == "01-bien-ban.docx" and len(names) == 17
    assert all(n.endswith(".docx") for n in names[:-1]) and names[-1] == "09-ban-tin.txt"
    assert renderer.render("09-ban-tin.txt").decode("utf-8").startswith("Hội nghị tổng kết")
    with pytest.raises(DocgenError) as caught:
        renderer.render("09-khong-co.docx")
    assert "09-khong-co.docx" in str(caught.value) and "01-bien-ban.docx" in str(caught.value)


def test_the_check_is_kept_for_contexts_of_one_shape_only() -> None:
    from docgen.render import _shape

    # new words in the same fields: the template check's answer cannot change
    assert _shape({"venue": "Hội trường A", "rows": [{"name": "An"}]}) == _shape(
        {"venue": "Hội trường B", "rows": [{"name": "Bình"}, {"name": "Chi"}]}
    )
    # an emptied list, a missing key or a value of another type may change it: check again
    assert _shape({"rows": [{"name": "An"}]}) != _shape({"rows": []})
    assert _shape({"rows": [{"name": "An"}]}) != _shape({"rows": [{"name": "An", "x": 1}]})
    assert _shape({"venue": "A"}) != _shape({"venue": None})
