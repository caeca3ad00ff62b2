"""The fast pipeline makes the very documents the plain one makes.

The reference is the pre-change code path, rebuilt here from the primitives it used, at test
time: every document from a freshly opened template with a fresh sandbox (so its Jinja is
compiled anew), each DOCX written to a file and converted to PDF from that file. The build under
test shares one read, one check and one compile per template and converts in memory. A committed
fingerprint would go stale with every template edit; this reference follows the templates.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pdfplumber
import pytest
from docxtpl import DocxTemplate

from conftest import SAMPLE, docx_parts
from docgen import sandbox
from docgen.build import build
from docgen.documents import DOCUMENTS, context_for
from docgen.loader import load_meeting
from docgen.pdf import docx_to_pdf
from docgen.pipeline import plan
from docgen.render import _adopt_core_properties
from docgen.safezip import open_docx_safely
from docgen.templates_dir import resolve


def reference_documents(folder: Path) -> dict[str, bytes]:
    """The sample's DOCX and PDF files, made the way docgen made them before it was sped up."""
    record = load_meeting(SAMPLE)
    out: dict[str, bytes] = {}
    for job in plan(record, resolve(None, SAMPLE.parent), DOCUMENTS):
        context = context_for(record, job.document, job.group)
        tpl = DocxTemplate(BytesIO(open_docx_safely(job.template)))
        tpl.init_docx()
        _adopt_core_properties(tpl)
        sandbox.render_docx(tpl, context, what=str(job.template), env=sandbox.make_environment())
        buffer = BytesIO()
        tpl.save(buffer)
        docx = folder / f"{job.stem}.docx"
        docx.write_bytes(buffer.getvalue())
        docx_to_pdf(docx, docx.with_suffix(".pdf"))
        out[docx.name] = docx.read_bytes()
        out[f"{job.stem}.pdf"] = docx.with_suffix(".pdf").read_bytes()
    return out


def pdf_text(data: bytes) -> tuple[int, list[str]]:
    with pdfplumber.open(BytesIO(data)) as pdf:
        return len(pdf.pages), [page.extract_text() or "" for page in pdf.pages]


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, bytes]:
    return reference_documents(tmp_path_factory.mktemp("reference"))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("built")
    build(SAMPLE, output=out, certificates=None, cwd=SAMPLE.parent)
    return {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}


def test_the_build_makes_the_reference_files(reference, built) -> None:
    assert sorted(n for n in built if not n.endswith(".txt")) == sorted(reference)
    assert len(reference) == 2 * 16  # DOCX and PDF of the sample's 16 documents
    assert [n for n in built if n.endswith(".txt")] == ["09-ban-tin.txt"]


def test_every_docx_part_is_byte_for_byte_the_reference(reference, built) -> None:
    for name in (n for n in reference if n.endswith(".docx")):
        ours, theirs = docx_parts(built[name]), docx_parts(reference[name])
        assert list(ours) == list(theirs), name
        for part in theirs:
            assert ours[part] == theirs[part], f"{name}: {part} differs"


def test_every_pdf_has_the_reference_pages_and_text(reference, built) -> None:
    for name in (n for n in reference if n.endswith(".pdf")):
        pages, text = pdf_text(built[name])
        assert (pages, text) == pdf_text(reference[name]), name
        assert pages >= 1 and any(text)
        # reportlab's invariant mode: no dates, no random ids, so the bytes agree too
        assert built[name] == reference[name], name


def test_each_template_is_read_checked_and_compiled_once_per_build(tmp_path, counted) -> None:
    # Counted in this process, its cache empty as on a clerk's first build (tests/test_cache.py:
    # the next build). In two processes each template's documents stay on one side
    # (test_forking).
    checked, opened, compiled = counted["checked"], counted["opened"], counted["compiled"]
    result = build(
        SAMPLE, output=tmp_path / "out", formats="docx", certificates=None, cwd=SAMPLE.parent
    )

    templates = {job.template for job in result.jobs}
    # the sample's four decisions and four lists share a template per issuer profile, as do
    # its three tờ trình (one state, two party)
    assert len(result.jobs) == 16 and len(templates) == 11
    assert set(checked) == templates and set(checked.values()) == {1}
    assert len(opened) == len(templates) and set(opened.values()) == {1}
    assert compiled and set(compiled.values()) == {1}, "a part's Jinja was compiled twice"
