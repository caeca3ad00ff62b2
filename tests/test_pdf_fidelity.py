"""Builtin engine vs LibreOffice on the same DOCX: same pages, same words, embedded fonts.

The documents are docgen's own: the sample meeting is built here (party profile, and the same
meeting under the state profile), a clerk's edits of two of them re-saved by LibreOffice, and
a multi-page award list; the engine's synthetic feature samples come last. Each group's
LibreOffice conversions run in one ``soffice`` call, which pays its start-up once.

Skipped where ``soffice`` or ``pdftotext`` is missing; CI installs both.
"""

from __future__ import annotations

import copy
import difflib
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import docx
import pdfplumber
import pytest
import yaml
from click.testing import CliRunner
from docx.oxml.ns import qn
from docx.text.run import Run
from pypdf import PdfReader

import docx_samples as samples
from docgen.build import build
from docgen.cli import main
from docgen.errors import DocgenError
from docgen.pdf import docx_to_pdf, libreoffice_convert

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) and poppler (pdftotext) are needed",
)

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "seeds" / "lang-son-2022.yaml"
MIN_SIMILARITY = 0.98
LO_TIMEOUT = 600.0


# ------------------------------------------------------------------------------- helpers


@dataclass
class Pair:
    """One DOCX with the builtin engine's PDF and LibreOffice's PDF of it."""

    docx: Path
    ours: Path
    lo: Path


def words(pdf: Path) -> tuple[list[str], int]:
    with pdfplumber.open(pdf) as p:
        return [w["text"] for pg in p.pages for w in pg.extract_words()], len(p.pages)


def similarity(a: list[str], b: list[str]) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def flat(text: str) -> str:
    """Whitespace collapsed: a wrapped line leaves no trace of where it wrapped."""
    return " ".join(text.split())


def unembedded_fonts(pdf: Path) -> list[str]:
    missing = []
    for page in PdfReader(pdf).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            desc = font.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            if desc is None or "/FontFile2" not in desc.get_object():
                missing.append(str(font.get("/BaseFont")))
    return missing


def convert_both(docs: dict[str, Path], work: Path) -> dict[str, Pair]:
    """Builtin PDF of each DOCX, and LibreOffice's PDFs of all of them in one soffice call."""
    flat_in = work / "in"
    flat_in.mkdir(parents=True)
    sources = {}
    for name, path in docs.items():
        # one folder for one soffice call, so names made unique ("party/01-…" → "party--01-…")
        sources[name] = flat_in / (name.replace("/", "--") + ".docx")
        shutil.copy(path, sources[name])
    lo_pdfs = libreoffice_convert(list(sources.values()), work / "lo", timeout=LO_TIMEOUT)
    out = {}
    for (name, src), lo in zip(sources.items(), lo_pdfs, strict=True):
        ours = work / "builtin" / (src.stem + ".pdf")
        docx_to_pdf(src, ours)
        out[name] = Pair(src, ours, lo)
    return out


def compare(pair: Pair) -> tuple[int, int, float]:
    w_lo, n_lo = words(pair.lo)
    w_ours, n_ours = words(pair.ours)
    return n_lo, n_ours, similarity(w_lo, w_ours)


def sample_data() -> dict:
    return yaml.safe_load(SAMPLE.read_text("utf-8"))


def write_yaml(data: dict, path: Path) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


# ----------------------------------------------------------------- the sample's documents


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> dict[str, Pair]:
    """Every document of the sample meeting, both profiles, built from the YAML here."""
    root = tmp_path_factory.mktemp("real")
    build(SAMPLE, output=root / "party", formats="docx", certificates=None)
    # The same meeting held by state bodies: its minutes, notice, invitation, programme and
    # tờ trình take the state header.
    data = sample_data()
    for body in ("bcd35", "btg"):
        data["bodies"][body]["profile"] = "state"
    state = write_yaml(data, root / "state.yaml")
    only = "minutes,notice,invitation,programme,proposal,news"
    build(state, output=root / "state", formats="docx", certificates=None, only=only)
    docs = {
        f"{profile}/{p.stem}": p
        for profile in ("party", "state")
        for p in sorted((root / profile).glob("*.docx"))
    }
    return convert_both(docs, root / "cmp")


def test_the_sample_yields_every_document_of_both_profiles(real):
    n_awards = len(sample_data()["awards"])
    party = [n for n in real if n.startswith("party/")]
    state = [n for n in real if n.startswith("state/")]
    n_proposals = sum(1 for group in sample_data()["awards"] if "proposal" in group)
    # minutes, notice, a decision and a list per award; invitation, programme, tờ trình, news
    assert len(party) == 2 + 2 * n_awards + 2 + n_proposals + 1
    assert len(state) == 2 + 2 + n_proposals + 1
    assert n_proposals == 3
    # Both national headers are among the PDFs: the Party's and the state's.
    mottos = Counter(
        "party" if "ĐẢNG CỘNG SẢN VIỆT NAM" in text else "state"
        for text in (pdftotext(p.ours) for p in real.values())
        if "ĐẢNG CỘNG SẢN VIỆT NAM" in text or "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    )
    assert mottos["party"] >= 2 and mottos["state"] >= 4, mottos


def test_every_document_matches_libreoffice(real):
    """Same page count and ≥ 98 % of the words in the same order, for every document."""
    table, bad = [], []
    for name, pair in sorted(real.items()):
        n_lo, n_ours, sim = compare(pair)
        table.append(f"{name:<45} pages {n_ours}/{n_lo} (builtin/LO)  words {sim:.2%}")
        if n_lo != n_ours or sim < MIN_SIMILARITY:
            bad.append(table[-1])
    print("\n" + "\n".join(table))
    assert not bad, "\n".join(bad)


def test_every_document_embeds_its_fonts(real):
    for name, pair in real.items():
        assert unembedded_fonts(pair.ours) == [], name


def test_every_document_has_extractable_vietnamese(real):
    for name, pair in real.items():
        ours, lo = pdftotext(pair.ours), pdftotext(pair.lo)
        assert ours == unicodedata.normalize("NFC", ours), name
        # every word with a diacritic that LibreOffice's PDF yields, ours yields as often
        accented = re.compile(r"[^\x00-\x7f]")
        assert Counter(w for w in ours.split() if accented.search(w)) == Counter(
            w for w in lo.split() if accented.search(w)
        ), name
    for name in ("party/01-bien-ban", "party/02-thong-bao-ket-luan", "state/01-bien-ban"):
        text = flat(pdftotext(real[name].ours))
        assert "Lạng Sơn" in text and "Hoàng Văn Nghiệm" in text, name


# ------------------------------------------------------------------- a clerk's edits


ADDED = "Đoạn bổ sung của văn thư: đề nghị các đơn vị gửi báo cáo trước ngày 20 tháng 12."
NEW_NAME = "Đinh Thị Xuân Quỳnh"
NEW_UNIT = "Chuyên viên, Phòng Văn hóa và Thông tin huyện Bình Gia"


def _set_texts(el, text: str) -> None:
    """Put ``text`` in the first ``w:t`` under ``el`` and empty the others."""
    ts = list(el.iter(qn("w:t")))
    ts[0].text = text
    ts[0].set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    for t in ts[1:]:
        t.text = ""


def edit_notice(src: Path, dst: Path) -> str:
    """Add a paragraph (as Enter at a paragraph's end would: same formatting) and make one
    word bold by splitting its run; return the word made bold."""
    d = docx.Document(src)
    body = [p for p in d.paragraphs if len(p.text) > 200]
    anchor = body[0]
    new_p = copy.deepcopy(anchor._p)
    for r in new_p.findall(qn("w:r"))[1:]:
        new_p.remove(r)
    _set_texts(new_p, ADDED)
    anchor._p.addnext(new_p)
    target = body[1]
    run = max(target.runs, key=lambda r: len(r.text))
    before, word, after = run.text.partition(run.text.split()[3])
    r_word, r_after = copy.deepcopy(run._r), copy.deepcopy(run._r)
    _set_texts(run._r, before)
    _set_texts(r_word, word)
    _set_texts(r_after, after)
    run._r.addnext(r_word)
    r_word.addnext(r_after)
    Run(r_word, target).bold = True
    d.save(dst)
    return word


def edit_list(src: Path, dst: Path) -> None:
    """Insert a recipient row after the last one (a copy of that row, new text)."""
    d = docx.Document(src)
    table = next(t for t in d.tables if t.rows[0].cells[0].text.strip() == "STT")
    last = table.rows[-1]
    new_tr = copy.deepcopy(last._tr)
    tcs = new_tr.findall(qn("w:tc"))
    _set_texts(tcs[0], str(int(last.cells[0].text) + 1))
    _set_texts(tcs[1], NEW_NAME)
    _set_texts(tcs[2], NEW_UNIT)
    last._tr.addnext(new_tr)
    d.save(dst)


def test_a_clerks_edit_resaved_by_libreoffice_converts_like_libreoffice(real, tmp_path):
    award = sample_data()["awards"][0]["key"]
    notice = real["party/02-thong-bao-ket-luan"].docx
    award_list = real[f"party/04-danh-sach-{award}"].docx
    edited = tmp_path / "edited"
    edited.mkdir()
    bold = edit_notice(notice, edited / "thong-bao.docx")
    edit_list(award_list, edited / "danh-sach.docx")
    resaved = libreoffice_convert(
        sorted(edited.glob("*.docx")),
        tmp_path / "resaved",  # not the source folder: the output has the same name
        convert_to="docx:MS Word 2007 XML",
        timeout=LO_TIMEOUT,
    )
    result = CliRunner().invoke(main, ["pdf", *map(str, resaved), "-o", str(tmp_path / "ours")])
    assert result.exit_code == 0, result.output
    lo_pdfs = libreoffice_convert(resaved, tmp_path / "lo", timeout=LO_TIMEOUT)
    for src, lo in zip(resaved, lo_pdfs, strict=True):
        pair = Pair(src, tmp_path / "ours" / (src.stem + ".pdf"), lo)
        n_lo, n_ours, sim = compare(pair)
        assert n_ours == n_lo, src.name
        assert sim >= MIN_SIMILARITY, (src.name, sim)
    text = flat(pdftotext(tmp_path / "ours" / "thong-bao.pdf"))
    assert ADDED in text
    with pdfplumber.open(tmp_path / "ours" / "thong-bao.pdf") as p:
        found = [
            w
            for pg in p.pages
            for w in pg.extract_words(extra_attrs=["fontname"])
            if w["text"].strip(",.;:") == bold
        ]
    assert any(w["fontname"].endswith("Bold") for w in found), found
    assert any(not w["fontname"].endswith("Bold") for w in found) or len(found) == 1
    rows = flat(pdftotext(tmp_path / "ours" / "danh-sach.pdf"))
    assert NEW_NAME in rows and NEW_UNIT in rows


# ------------------------------------------------------------- a multi-page award list

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Quang")
GIVEN = ("Ánh", "Bình", "Cường", "Dũng", "Giang", "Hạnh", "Khánh", "Lộc", "Mai", "Nga",
         "Phúc", "Quý", "Thắng", "Tâm", "Uyên")  # fmt: skip


@pytest.fixture(scope="module")
def long_list(tmp_path_factory) -> tuple[Pair, list[str]]:
    root = tmp_path_factory.mktemp("long")
    data = sample_data()
    group = data["awards"][0]
    people = [f"{f} {m} {g}" for g in GIVEN for f in FAMILY for m in MIDDLE][::5][:150]
    assert len(set(people)) == 150
    group["individuals"] = [
        {"name": name, "position": "Chuyên viên", "unit": f"Phòng Tuyên truyền số {i + 1}"}
        for i, name in enumerate(people)
    ]
    data["awards"] = [group]
    meeting = write_yaml(data, root / "long.yaml")
    build(meeting, output=root / "out", formats="docx", certificates=None, only="list")
    (src,) = sorted((root / "out").glob("*.docx"))
    return convert_both({"list": src}, root / "cmp")["list"], people


def test_a_long_award_list_repeats_its_header_and_numbers_its_pages(long_list):
    pair, people = long_list
    section = docx.Document(pair.docx).sections[0]
    top, bottom = section.top_margin.pt, section.bottom_margin.pt
    with pdfplumber.open(pair.ours) as pdf:
        pages = [(pg.height, pg.extract_words()) for pg in pdf.pages]
    assert len(pages) >= 3
    assert len(pages) == words(pair.lo)[1]
    for n, (height, ws) in enumerate(pages, start=1):
        in_margin = [w for w in ws if w["bottom"] <= top]
        numbers = [w["text"] for w in in_margin if w["text"].isdigit()]
        assert numbers == ([] if n == 1 else [str(n)]), (n, numbers)
        assert [w for w in in_margin if not w["text"].isdigit()] == []
        body = [w for w in ws if w["bottom"] > top]
        # nothing runs into the bottom margin: a row that does not fit moves whole
        assert max(w["bottom"] for w in body) <= height - bottom + 0.5, n
        stt = [w for w in body if w["text"] == "STT"]
        assert len(stt) == 1, n  # the header row, once per page
        if n > 1:  # and it opens the page: the table is the first thing under the margin
            assert stt[0]["top"] <= min(w["top"] for w in body) + 1, n
    text = pdftotext(pair.ours, "-raw")
    for name in people:
        assert len(re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", text)) == 1, name


def test_a_long_award_list_matches_libreoffice(long_list):
    pair, _people = long_list
    n_lo, n_ours, sim = compare(pair)
    assert n_ours == n_lo
    assert sim >= MIN_SIMILARITY


# ----------------------------------------------------------- the engine's feature samples


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> dict[str, Pair]:
    root = tmp_path_factory.mktemp("samples")
    built = samples.build_all(root / "docx")
    return convert_both(built, root / "cmp")


@pytest.mark.parametrize("name", ["official_notice", "minutes", "features", "award_list_300"])
def test_feature_samples_match_libreoffice(synthetic, name):
    n_lo, n_ours, sim = compare(synthetic[name])
    assert n_ours == n_lo
    assert sim >= MIN_SIMILARITY
    assert unembedded_fonts(synthetic[name].ours) == []


def test_feature_samples_resaved_by_libreoffice(synthetic, tmp_path):
    """Files a clerk re-saved in LibreOffice (its own styles.xml, numbering, rsids)."""
    names = ("official_notice", "award_list_300")
    resaved = libreoffice_convert(
        [synthetic[n].docx for n in names],
        tmp_path / "resaved",
        convert_to="docx:MS Word 2007 XML",
        timeout=LO_TIMEOUT,
    )
    pairs = convert_both(dict(zip(names, resaved, strict=True)), tmp_path / "cmp")
    for name, pair in pairs.items():
        n_lo, n_ours, sim = compare(pair)
        assert n_ours == n_lo, name
        assert sim >= MIN_SIMILARITY, name


# ------------------------------------------------------------------ LibreOffice runs


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_a_libreoffice_timeout_leaves_no_process_behind(tmp_path):
    src = samples.award_list_fast(tmp_path / "long.docx", 3000)  # far more than 2 s of work
    out = tmp_path / "lo-out"
    with pytest.raises(DocgenError, match="did not finish"):
        libreoffice_convert([src], out, timeout=2)
    # soffice is a launcher: its soffice.bin must be ended with it, not left running orphaned
    left = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(out) in args:
            left.append(args)
    assert left == []
