"""Trying to break docgen: hostile text in every field, and kill -9 in the middle of a build.

Property tests put arbitrary Unicode — XML specials, control characters, NFD, emoji,
right-to-left text, Jinja and docxtpl syntax, very long strings — into the text fields of the
sample meeting. Whatever the text, docgen either succeeds and every string appears, as NFC,
in the documents, or it stops with a clean exit-2 message and writes nothing. It never shows a
traceback and never leaves a file Word cannot open.
"""

from __future__ import annotations

import copy
import random
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from docx import Document
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from docgen.cli import main
from docgen.errors import DocgenError
from docgen.loader import load_meeting
from docgen.outputs import MANIFEST, is_temp_name, sha256, transaction
from docgen.vietnamese import clean_text

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"
BASE = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))

HAVE_PDF = shutil.which("pdftotext") is not None  # reads the PDFs back

FieldPath = tuple[str | int, ...]

#: Text fields the templates print as they are (not upper-cased, not re-capitalised), each
#: with whether it may span paragraphs. Header lines, the directive task (its first letter is
#: lowered) and the parent body (printed in capitals) are transformed on purpose, so a literal
#: check does not apply to them; they are still fed hostile text in HEADER_FIELDS below.
LITERAL_FIELDS: dict[FieldPath, bool] = {
    ("meeting", "name"): False,
    ("meeting", "venue"): False,
    ("bodies", "ubnd", "name"): False,
    ("people", "nghiem", "name"): False,
    ("people", "nghiem", "positions", 0): False,
    ("people", "thu-ky", "name"): False,
    ("roles", "attendee_groups", 0): False,
    ("reports", 0, "title"): False,
    ("reports", 0, "summary"): True,
    ("reports", 0, "presenter"): False,
    ("discussion", 0): True,
    ("conclusion", "assessment", 0): True,
    ("conclusion", "directives", 1, "lead"): False,
    ("conclusion", "directives", 1, "coordinate", 0): False,
    ("conclusion", "directives", 4, "deadline"): False,
    ("awards", 0, "reason"): True,
    ("awards", 0, "authority"): False,
    ("awards", 0, "collectives", 0, "name"): False,
    ("awards", 0, "collectives", 3, "unit"): False,
    ("awards", 0, "individuals", 0, "name"): False,
    ("awards", 0, "individuals", 0, "position"): False,
    ("awards", 0, "individuals", 0, "unit"): False,
    ("documents", "notice", "recipients", 0): False,
    ("awards", 0, "decision", "grounds", 0): False,
    ("awards", 0, "decision", "proposal"): False,
    ("awards", 0, "decision", "recipients", 1): False,
}
HEADER_FIELDS: list[FieldPath] = [
    ("bodies", "bcd35", "parent"),
    ("bodies", "bcd35", "header", 0),
    ("conclusion", "directives", 0, "task"),
    ("meeting", "place"),
]
#: Header fields the model reads as running text (a line break inside is allowed).
PARAGRAPH_HEADER_FIELDS = {("conclusion", "directives", 0, "task")}

# ---------------------------------------------------------------------------------------------
# Hostile text
# ---------------------------------------------------------------------------------------------

PIECES = [
    "<",
    ">",
    "&",
    '"',
    "'",
    "&amp;",
    "&#x41;",
    "<w:t>",
    "</w:p>",
    "]]>",
    "<!DOCTYPE x>",
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    "{{ x }}",
    "{% for i in range(10**9) %}",
    "{_{",
    "}_}",
    "{_%",
    "%_}",
    "{{ ''.__class__ }}",
    "\\",
    "$",
    "%s",
    "\t",
    "\n",
    "\r\n",
    "\x00",
    "\x07",
    "\x0b",
    "\x1b",
    "\x7f",
    "\x85",
    "\u00ad",
    "\u200b",
    "\u200e",
    "\u202e",
    "\u2028",
    "\ufeff",
    "\u00a0",
    "\u3000",
    "e\u0301",
    "Nguye\u0302\u0303n",
    "Đa\u0300",
    "\u0110\u1ea0I",
    "🎉",
    "👍🏽",
    "👨\u200d👩\u200d👧",
    "🇻🇳",
    "مرحبا",
    "שלום",
    "漢字",
    "한국어",
    "Ω≈ç√∫",
    "ǅ",
    "ß",
    "ﬁ",
    "İ",
    "\U0001d400",
    "\ue000",
    "\ufffd",
    " ",
    "  ",
    "-",
    "/",
    "..",
    "CON",
    "ỦY BAN NHÂN DÂN",
    "Hoàng Văn Nghiệm",
    "null",
    "true",
    "08:00",
    "- ",
    ": ",
    "#",
    "*a",
    "&a",
]

hostile_piece = st.one_of(
    st.sampled_from(PIECES),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12),
)
long_text = st.builds(
    lambda piece, n: (piece * n)[: 40 * n],
    st.sampled_from(PIECES + ["xyz ", "Ánh"]),
    st.integers(20, 500),
)
#: Longer than any table cell can hold on one PDF page: see HUGE below.
huge_text = st.builds(
    lambda piece, n: piece * n,
    st.sampled_from(["Ánh ", "ỦY BAN NHÂN DÂN", "x"]),
    st.integers(2000, 6000),
)
hostile_text = st.one_of(
    st.lists(hostile_piece, min_size=1, max_size=8).map("".join),
    long_text,
    huge_text,
)
#: Beyond this length the property checks the DOCX only: the PDF of a table row taller than a
#: page is covered by test_a_table_row_taller_than_a_page_fails_cleanly_in_the_pdf.
HUGE = 1_500
mutations = st.dictionaries(
    st.sampled_from([*LITERAL_FIELDS, *HEADER_FIELDS]), hostile_text, min_size=1, max_size=3
)


def mutate(changes: dict[FieldPath, str]) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for path, value in changes.items():
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return data


def write_meeting(folder: Path, changes: dict[FieldPath, str]) -> Path:
    path = folder / "hop.yaml"
    text = yaml.safe_dump(mutate(changes), allow_unicode=True, sort_keys=False, width=10**6)
    path.write_text(text, encoding="utf-8")
    return path


def expected_text(path: FieldPath, value: str) -> str | None:
    """What the field holds after the model's cleaning, or None if the model must refuse it."""
    try:
        multiline = LITERAL_FIELDS.get(path, path in PARAGRAPH_HEADER_FIELDS)
        cleaned = clean_text(value, multiline=multiline)
    except ValueError:
        return None
    return cleaned or None


def printed_text(path: FieldPath, value: str) -> str | None:
    """What the documents surely print for the field, without its trailing punctuation.

    The context drops a field's own trailing punctuation so that the template or the list
    decides how the line ends (docgen.context._strip_end: report titles, grounds, the
    proposal, the reason, deadlines; a recipient's ';' or ',' gives way to the list's). So the
    text is looked for without it — a value made only of dots or colons prints nothing of its
    own, and is then not looked for.
    """
    cleaned = expected_text(path, value)
    if cleaned is not None and "recipients" in path:
        # and a recipient's own leading dash or bullet gives way to the list's "- "
        cleaned = cleaned.lstrip("-–• ").strip()
    if cleaned is not None:
        cleaned = cleaned.rstrip(" .;,:") or None
    return cleaned


def flat(text: str) -> str:
    return " ".join(text.split())


def docx_text(path: Path) -> str:
    document = Document(str(path))
    parts: list[str] = []

    def walk(container: Any) -> None:
        for paragraph in container.paragraphs:
            parts.append(paragraph.text)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(document)
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header):
            walk(part)
    return "\n".join(parts)


def clean_exit_2(result: Any) -> str:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.output.startswith("docgen: ")
    return result.output


# ---------------------------------------------------------------------------------------------
# The loader
# ---------------------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=mutations)
def test_the_loader_takes_any_text_cleanly_or_refuses_it(tmp_path_factory, changes) -> None:
    folder = tmp_path_factory.mktemp("load")
    path = write_meeting(folder, changes)
    try:
        record = load_meeting(path)
    except DocgenError as error:
        event("refused")
        message = str(error)
        assert message.strip() and "Traceback" not in message
        assert str(path) in message  # located in the file
        return
    event("loaded")
    data = record.model_dump()
    for field, value in changes.items():
        held = data
        for key in field:
            held = held[key]
        assert held == expected_text(field, value)
        assert unicodedata.is_normalized("NFC", held)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=mutations)
def test_validate_exits_0_or_2_never_a_traceback(tmp_path_factory, changes) -> None:
    path = write_meeting(tmp_path_factory.mktemp("validate"), changes)
    result = CliRunner().invoke(main, ["validate", str(path)])
    if result.exit_code != 0:
        clean_exit_2(result)
    else:
        assert result.exception is None


# ---------------------------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------------------------

_WARNED = re.compile(r"character U\+([0-9A-F]{4,6}) .* will not print")
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def pdf_text(path: Path) -> str:
    """The PDF's text in drawing order, without the page numbers heading pages 2 and on.

    ``-raw`` keeps a cell's wrapped lines together; the page number would otherwise sit in the
    middle of a text that runs over a page break.
    """
    raw = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = raw.split("\f")
    for i in range(1, len(pages)):
        lines = pages[i].split("\n")
        first = next((n for n, line in enumerate(lines) if line.strip()), None)
        if first is not None and lines[first].strip().isdigit():
            del lines[first]
        pages[i] = "\n".join(lines)
    return "\f".join(pages)


def squeeze(text: str) -> str:
    # PDF text extraction expands ligatures and compatibility forms, and a wrapped line has
    # no trace of where it wrapped: compare NFKC text without any whitespace.
    return "".join(unicodedata.normalize("NFKC", text).split())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=mutations)
def test_build_with_hostile_text_succeeds_literally_or_fails_cleanly(
    tmp_path_factory, changes
) -> None:
    folder = tmp_path_factory.mktemp("build")
    meeting = write_meeting(folder, changes)
    out = folder / "out"
    with_pdf = HAVE_PDF and all(len(v) <= HUGE for v in changes.values())
    formats = "docx,pdf" if with_pdf else "docx"
    args = ["build", str(meeting), "-o", str(out), "--format", formats, "--certificates", "none"]
    result = CliRunner().invoke(main, args)
    if result.exit_code != 0:
        event("refused with exit 2")
        clean_exit_2(result)
        assert not out.exists() or not any(out.iterdir())  # a failing build writes nothing
        return
    event("built")
    assert result.exception is None, result.output
    docx_files = sorted(out.glob("*.docx"))
    assert docx_files
    texts = flat("\n".join(docx_text(p) for p in docx_files))  # opens in python-docx
    for field, value in changes.items():
        assert expected_text(field, value) is not None  # the loader would have refused it
        expected = printed_text(field, value)
        if field in LITERAL_FIELDS and expected:
            assert flat(expected) in texts, (field, expected)
    if not with_pdf:
        return
    pdfs = sorted(out.glob("*.pdf"))
    assert [p.stem for p in pdfs] == [p.stem for p in docx_files]
    pdf = squeeze("".join(pdf_text(p) for p in pdfs))
    unprintable = {chr(int(code, 16)) for code in _WARNED.findall(result.output)}
    for field, value in changes.items():
        expected = printed_text(field, value) or ""
        if field not in LITERAL_FIELDS or _RTL.search(expected):
            continue  # RTL: see test_rtl_text_reads_in_order_in_the_pdf
        # A character missing from the font must have been warned about, by code point;
        # everything else must be in the PDF's text.
        visible = squeeze("".join(ch for ch in expected if ch not in unprintable))
        assert visible in pdf, (field, expected)


@pytest.mark.skipif(not HAVE_PDF, reason="pdftotext (poppler-utils) is not installed")
def test_rtl_text_reads_in_order_in_the_pdf(tmp_path: Path) -> None:
    meeting = write_meeting(tmp_path, {("awards", 0, "individuals", 0, "name"): "שלום עולם"})
    out = tmp_path / "out"
    args = ["build", str(meeting), "-o", str(out), "--only", "list", "--certificates", "none"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    # Read in reading order (not -raw, which lists words in drawing order): a right-to-left
    # name drawn right to left reads back as typed.
    text = "".join(
        subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(p), "-"], capture_output=True, text=True, check=True
        ).stdout
        for p in out.glob("*.pdf")
    )
    assert "שלום עולם" in text


@pytest.mark.skipif(not HAVE_PDF, reason="pdftotext (poppler-utils) is not installed")
def test_a_table_row_taller_than_a_page_fails_cleanly_in_the_pdf(tmp_path: Path) -> None:
    name = "ỦY BAN NHÂN DÂN" * 200
    meeting = write_meeting(tmp_path, {("people", "nghiem", "name"): name})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(meeting), "-o", str(out)])
    if result.exit_code != 0:
        clean_exit_2(result)
    else:
        assert squeeze(name) in squeeze("".join(pdf_text(p) for p in out.glob("*.pdf")))


#: What a clerk may type that looks like markup: each must reach the DOCX and the PDF as typed,
#: never decoded (a character reference is not "A"), whichever escaping layer it passes.
ENTITY_LIKE = "&#x41; &#65; &amp; &lt;b&gt; &quot; &nbsp; &#x0; &#xZZ; &x"


@pytest.mark.skipif(not HAVE_PDF, reason="pdftotext (poppler-utils) is not installed")
def test_character_references_typed_by_a_clerk_are_printed_exactly(tmp_path: Path) -> None:
    reason = ("awards", 0, "reason")
    name = ("awards", 0, "individuals", 0, "name")
    meeting = write_meeting(tmp_path, {reason: ENTITY_LIKE + " X", name: ENTITY_LIKE})
    out = tmp_path / "out"
    args = ["build", str(meeting), "-o", str(out), "--only", "decision,list,proposal"]
    result = CliRunner().invoke(main, [*args, "--certificates", "full"])
    assert result.exit_code == 0, result.output
    docx = "\n".join(docx_text(p) for p in sorted(out.glob("*ubnd-bang-khen.docx")))
    pdf = "".join(pdf_text(p) for p in sorted(out.glob("*ubnd-bang-khen.pdf")))
    certificates = pdf_text(out / "05-bang-khen-giay-khen-full.pdf")
    # The decision, the list and the tờ trình print both fields; a certificate prints the
    # reason with its first letter capitalised.
    for where, text, typed_reason, typed_name in (
        ("docx", docx, ENTITY_LIKE, ENTITY_LIKE),
        ("pdf", pdf, ENTITY_LIKE, ENTITY_LIKE),
        ("certificates", certificates, ENTITY_LIKE.replace("x", "X", 1), ENTITY_LIKE),
    ):
        assert squeeze(typed_reason + " X") in squeeze(text), where
        assert squeeze(typed_name) in squeeze(text), where
        assert "A &#65;" not in text and "A A" not in text, where  # nothing decoded


HOSTILE_EXAMPLES = {
    ("awards", 0, "individuals", 0, "name"): 'Nguye\u0302\u0303n <Thị> & "Ánh" {{ x }} {_{ 🎉',
    ("meeting", "venue"): "Hội trường ]]> {% raw %} '" + "dài " * 300,
    ("reports", 0, "summary"): "Đoạn một & <b>.\n\nĐoạn hai שלום مرحبا 漢字",
    ("bodies", "bcd35", "parent"): "Tỉnh ủy <Lạng Sơn> & 𝐀",
}


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_opens_documents_built_from_hostile_text(tmp_path: Path) -> None:
    meeting = write_meeting(tmp_path, HOSTILE_EXAMPLES)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(meeting), "-o", str(out), "--format", "docx"])
    assert result.exit_code == 0, result.output
    docs = sorted(out.glob("*.docx"))
    converted = tmp_path / "lo"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(converted),
            *map(str, docs),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for doc in docs:
        pdf = converted / f"{doc.stem}.pdf"
        assert pdf.exists() and pdf.stat().st_size > 1000, doc.name
    names = squeeze(pdf_text(converted / "04-danh-sach-ubnd-bang-khen.pdf"))
    assert squeeze('Nguyễn <Thị> & "Ánh" {{ x }} {_{') in names


# ---------------------------------------------------------------------------------------------
# kill -9 in the middle of a build
# ---------------------------------------------------------------------------------------------

_SLOW_BUILD = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from docgen.outputs import transaction

    folder, version, count, size = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    real_replace, real_fsync = os.replace, os.fsync

    def say(event):
        sys.stdout.write(event + "\\n")
        sys.stdout.flush()

    # Widen the window: every disk step is announced and slowed, so the parent can kill the
    # process at a chosen step of the commit.
    def slow_replace(src, dst):
        say("replace")
        time.sleep(0.01)
        real_replace(src, dst)

    def slow_fsync(fd):
        say("fsync")
        time.sleep(0.005)
        real_fsync(fd)

    os.replace, os.fsync = slow_replace, slow_fsync
    with transaction(folder) as out:
        for i in range(count):
            out.add(f"doc-{i:02d}.docx", content(version, i, size))
    say("done")
    """
)


def content(version: str, index: int, size: int) -> bytes:
    line = f"{version}:{index}:".encode()
    return (line * (size // len(line) + 1))[:size]


_CHILD = "def content(version, index, size):\n" + textwrap.indent(
    textwrap.dedent(
        """
        line = f"{version}:{index}:".encode()
        return (line * (size // len(line) + 1))[:size]
        """
    ),
    "    ",
)


def test_kill_9_mid_build_leaves_each_file_old_or_new_and_the_next_build_recovers(
    tmp_path: Path,
) -> None:
    count, size = 12, 200_000
    folder = tmp_path / "out"
    names = [f"doc-{i:02d}.docx" for i in range(count)]
    with transaction(folder) as out:
        for i, name in enumerate(names):
            out.add(name, content("v0", i, size))
    script = _CHILD + _SLOW_BUILD
    rng = random.Random(20221212)
    mixed_states = 0
    for trial in range(1, 7):
        new, old_versions = f"v{trial}", {f"v{t}" for t in range(trial)}
        # events: count fsyncs (temporaries) + manifest writes + count replaces
        kill_at = rng.randrange(1, 2 * count + 4)
        child = subprocess.Popen(
            [sys.executable, "-c", script, str(folder), new, str(count), str(size)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        seen = 0
        for line in child.stdout:
            if line.strip() in ("fsync", "replace"):
                seen += 1
            if seen >= kill_at or line.strip() == "done":
                break
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert child.returncode in (-signal.SIGKILL, 0)

        visible = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
        assert visible == names  # no half-written or extra output
        versions = set()
        for i, name in enumerate(names):
            data = (folder / name).read_bytes()
            whole = {v for v in old_versions | {new} if data == content(v, i, size)}
            assert whole, f"trial {trial}: {name} is neither a whole old nor a whole new file"
            versions |= whole
        if new in versions and versions - {new}:
            mixed_states += 1

        # The next ordinary build (no --force) is not refused: the manifest journal knows
        # every file is docgen's own; and it clears the killed build's temporaries.
        with transaction(folder) as out:
            for i, name in enumerate(names):
                out.add(name, content(f"v{trial}", i, size))
        assert not [p for p in folder.rglob("*") if is_temp_name(p.name)]
        for i, name in enumerate(names):
            assert (folder / name).read_bytes() == content(new, i, size)
        manifest = (folder / MANIFEST).read_text("utf-8")
        assert sha256(content(new, 0, size)) in manifest and '"pending"' not in manifest
    # at least one kill landed between two renames, so the test exercised the hard case
    assert mixed_states >= 1
