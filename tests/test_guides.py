"""The Vietnamese guides stay true to the program and render on GitHub.

The template guide (templates/README.md) is what a clerk reads when editing a template: a
variable the code provides but the guide does not list is one the clerk cannot find, and a name
the guide lists but the code dropped makes `templates check` fail for them. And every relative
link or image in the Markdown files must point at a file that exists, with an anchor that
exists, as GitHub renders them.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen import documents
from docgen.certificates.context import sample_contexts
from docgen.cli import main
from docgen.loader import load_meeting, skeleton_text

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_GUIDE = ROOT / "templates" / "README.md"
USER_GUIDE = ROOT / "docs" / "huong-dan-su-dung.md"
MARKDOWN = sorted({ROOT / "README.md", TEMPLATE_GUIDE, *(ROOT / "docs").glob("*.md")})

_ROW_NAME = re.compile(r"^\|\s*`([^`]+)`\s*\|", re.MULTILINE)


def _sections(text: str) -> dict[str, str]:
    """Level-3 heading → the text under it (up to the next heading of level 1–3)."""
    parts = re.split(r"^(#{1,3} .*)$", text, flags=re.MULTILINE)
    out: dict[str, str] = {}
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        if heading.startswith("### "):
            out[heading] = body
    return out


def _table_names(body: str) -> set[str]:
    """The names in the first column of the tables of a section."""
    return set(_ROW_NAME.findall(body))


def _guide_sections() -> dict[str, str]:
    return _sections(TEMPLATE_GUIDE.read_text(encoding="utf-8"))


def _common_section() -> set[str]:
    (body,) = [b for h, b in _guide_sections().items() if h.startswith("### 5.1 ")]
    return _table_names(body)


def _own_sections(template: str) -> set[str]:
    found = [b for h, b in _guide_sections().items() if f"`{template}`" in h]
    assert found, f"templates/README.md has no section headed with `{template}`"
    return set().union(*(_table_names(b) for b in found))


@pytest.mark.parametrize("doc", documents.TYPES, ids=lambda d: d.key)
def test_template_guide_lists_every_variable_of_every_document(doc) -> None:
    own = _own_sections(doc.template)
    common = _common_section() if "number" in doc.variables else set()
    missing = set(doc.variables) - own - common
    assert not missing, f"{doc.template}: not in templates/README.md: {sorted(missing)}"
    # And nothing stale: a name listed for this document must be one the code provides.
    stale = own - set(doc.variables)
    assert not stale, f"{doc.template}: templates/README.md lists unknown {sorted(stale)}"


@pytest.mark.parametrize("doc", documents.TYPES, ids=lambda d: d.key)
def test_template_guide_names_the_fields_of_every_list_row(doc) -> None:
    # {{ item.name }}, {{ report.heard }}: the fields of a list's rows, read from the sample.
    record = load_meeting(ROOT / "seeds" / "lang-son-2022.yaml")
    made, item = documents.sample_item(record, doc.key)
    assert made, f"the sample makes no {doc.key}"
    context = documents.context_for(record, doc.key, item)
    found = [b for h, b in _guide_sections().items() if f"`{doc.template}`" in h]
    text = "".join(found)
    for name, value in context.items():
        rows = [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []
        for field in {key for row in rows for key in row}:
            assert f"`.{field}`" in text, f"{doc.template}: {name}'s .{field} is not described"


def test_common_variables_are_those_of_every_formal_document() -> None:
    formal = [set(d.variables) for d in documents.TYPES if "number" in d.variables]
    assert len(formal) >= 7
    assert _common_section() == set.intersection(*formal)


def test_template_guide_lists_every_certificate_field() -> None:
    names: set[str] = set()
    for ctx in sample_contexts():
        names |= {f"recipient.{key}" for key in ctx["recipient"]}
        for key, value in ctx["award"].items():
            if isinstance(value, dict):
                names |= {f"award.{key}.{sub}" for sub in value}
            else:
                names.add(f"award.{key}")
    (body,) = [b for h, b in _guide_sections().items() if "`certificates/`" in h]
    listed = _table_names(body)
    assert names - listed == set()
    listed_fields = {n for n in listed if n.startswith(("recipient.", "award."))}
    assert listed_fields - names == set(), "stale certificate fields in the guide"


def test_template_guide_is_vietnamese_nfc() -> None:
    text = TEMPLATE_GUIDE.read_text(encoding="utf-8")
    assert text == unicodedata.normalize("NFC", text)
    assert "Mẫu văn bản" in text and "Variables" not in text


def test_the_user_guides_wrong_file_is_answered_as_the_guide_shows(tmp_path, monkeypatch) -> None:
    # Section 2 shows docgen validate on the skeleton with a wrong date and "venu": the clerk
    # must read on screen what the guide says they will, field names included.
    shown = re.search(
        r"```\n\$ docgen validate cuoc-hop\.yaml\n(docgen: Tệp cuoc-hop\.yaml có 2 lỗi:.*?)```",
        USER_GUIDE.read_text(encoding="utf-8"),
        re.DOTALL,
    )
    assert shown, "the guide no longer shows a file with two mistakes"
    text = skeleton_text()
    for old, new in (("\n  date: 2023-03-15", "\n  date: 2023-13-45"), ("\n  venue:", "\n  venu:")):
        assert old in text
        text = text.replace(old, new, 1)  # the meeting's, the first of the file
    (tmp_path / "cuoc-hop.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["--lang", "vi", "validate", "cuoc-hop.yaml"])
    assert result.exit_code == 2
    assert result.output.strip() == shown.group(1).strip()


# --- links ----------------------------------------------------------------------------------

_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_IMG_TAG = re.compile(r"<img\s[^>]*src=\"([^\"]+)\"", re.IGNORECASE)
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`|\*\*?|__", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    return {_slug(h) for h in re.findall(r"^#{1,6} (.*)$", text, flags=re.MULTILINE)}


def _links(path: Path) -> list[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)
    return _LINK.findall(text) + _IMG_TAG.findall(text)


def test_slug_follows_github() -> None:
    assert _slug("1. Cài đặt") == "1-cài-đặt"
    assert (
        _slug("5.8 Bằng khen, giấy khen (`certificates/`)") == "58-bằng-khen-giấy-khen-certificates"
    )


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_and_images_resolve(path: Path) -> None:
    assert path.is_file()
    problems = []
    for target in _links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            continue  # http(s), mailto: not checked offline
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            problems.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            problems.append(f"{target}: no heading with that anchor")
    assert not problems, f"{path.relative_to(ROOT)}: {problems}"


def test_user_guide_links_both_ways_from_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/huong-dan-su-dung.md" in _links(ROOT / "README.md")
    assert "templates/README.md" in _links(ROOT / "README.md")
    # The Quick start stays two commands.
    quick = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert len([line for line in quick.splitlines() if line.strip()]) == 2
    assert USER_GUIDE.is_file()


# --- output file names ----------------------------------------------------------------------

# A generated file as the guides name it: a numbered document, or a list of certificates.
_OUTPUT_NAME = re.compile(
    r"(?<![\w-])([a-z0-9][a-z0-9-]*?)(?:\.edited-\d{8}-\d{6})?\.(docx|pdf|txt)\b"
)


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_guides_name_output_files_as_docgen_writes_them(path: Path) -> None:
    from docgen.certificates import FILE_STEM, MODES

    stems = {doc.stem for doc in documents.TYPES}
    text = path.read_text(encoding="utf-8")
    wrong = []
    for stem, _ext in _OUTPUT_NAME.findall(text):
        if stem.endswith(tuple(f"-{m}" for m in MODES)) or stem.endswith("-preview"):
            # Certificates: one name whether `build` or `certificates` writes them.
            if not stem.startswith(FILE_STEM + "-"):
                wrong.append(stem)
        elif re.match(r"\d\d-", stem) and not any(
            stem == s or stem.startswith(s + "-") for s in stems
        ):
            wrong.append(stem)
    assert not wrong, f"{path.relative_to(ROOT)} names files docgen does not write: {wrong}"
