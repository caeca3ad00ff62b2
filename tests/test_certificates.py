"""Certificates: one page per recipient, fields where the layout says, text inside its box."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner

from docgen.certificates import (
    Renderer,
    builtin_dir,
    calibration_sheet,
    certificate_pages,
    fit,
    load_layout,
    render_certificates,
    render_per_recipient,
)
from docgen.certificates.layout import MM, parse_layout
from docgen.certificates.render import Measurer
from docgen.cli import main
from docgen.errors import DocgenError
from docgen.loader import load_meeting
from docgen.model import Individual
from docgen.pdf.fonts import resolve_family
from docgen.vietnamese import number_reference

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "lang-son-2022.yaml"


@pytest.fixture(scope="module")
def record():
    return load_meeting(SEED)


def expected_pages(record) -> list[tuple[str, str]]:
    """(recipient name, decision number) per page, in the order the award lists give."""
    out = []
    for group in record.awards:
        issuer = record.body(group.decision.issuer)
        number = number_reference(group.decision.number, "QĐ", issuer.code, issuer.profile)
        out += [(p.name, number) for p in (*group.collectives, *group.individuals)]
    return out


def page_texts(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() for page in pdf.pages]


@pytest.mark.parametrize("mode", ["overlay", "full"])
def test_one_page_per_recipient_with_name_and_decision(record, mode):
    texts = page_texts(render_certificates(record, mode=mode))
    expected = expected_pages(record)
    assert len(expected) == 52
    assert len(texts) == 52
    for text, (name, number) in zip(texts, expected, strict=True):
        assert name in text
        assert number in text


def test_full_mode_prints_the_decorations_and_overlay_does_not(record):
    full = page_texts(render_certificates(record, mode="full", award="ubnd-bang-khen"))
    overlay = page_texts(render_certificates(record, mode="overlay", award="ubnd-bang-khen"))
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BẰNG KHEN", "TẶNG"):
        assert words in full[0]
        assert words not in overlay[0]
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN" in full[0]
    party = page_texts(render_certificates(record, mode="full", award="bcd35-giay-khen"))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in party[0]
    assert "CỘNG HÒA" not in party[0]
    assert "GIẤY KHEN" in party[0]


def test_titles_are_red_in_full_mode(record):
    data = render_certificates(record, mode="full", award="ubnd-bang-khen")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        chars = pdf.pages[0].chars
    red = {
        c["text"]
        for c in chars
        if c["non_stroking_color"] == pytest.approx((200 / 255, 16 / 255, 46 / 255), abs=0.01)
    }
    black_tang = [c for c in chars if c["text"] == "T" and c["size"] == 22]
    assert set("BẰNGKHE") <= red
    assert black_tang and black_tang[0]["non_stroking_color"] == (0.0, 0.0, 0.0)


def _chars(data: bytes) -> list[list[tuple[str, float, float]]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [[(c["text"], c["x0"], c["top"]) for c in page.chars] for page in pdf.pages]


@pytest.mark.parametrize("mode", ["overlay", "full"])
def test_offset_moves_every_field_by_exactly_that(record, mode):
    plain = _chars(render_certificates(record, mode=mode))
    moved = _chars(render_certificates(record, mode=mode, offset=(3, -2)))
    assert len(plain) == len(moved) == 52
    for before, after in zip(plain, moved, strict=True):
        assert len(before) == len(after) > 20
        for (t0, x0, top0), (t1, x1, top1) in zip(before, after, strict=True):
            assert t0 == t1
            assert x1 - x0 == pytest.approx(3 * MM, abs=1e-3)  # right
            assert top1 - top0 == pytest.approx(-2 * MM, abs=1e-3)  # up


def test_preview_background_is_not_shifted_by_the_offset(record):
    data = render_certificates(record, award="ubnd-bang-khen", preview=True, offset=(3, -2))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        images = pdf.pages[0].images
        assert len(images) == 1
        assert images[0]["x0"] == pytest.approx(0, abs=1e-3)
        assert images[0]["top"] == pytest.approx(0, abs=1e-3)
        assert images[0]["x1"] == pytest.approx(pdf.pages[0].width, abs=1e-3)
    without = render_certificates(record, award="ubnd-bang-khen")
    with pdfplumber.open(io.BytesIO(without)) as pdf:
        assert pdf.pages[0].images == []


def _field(layout, name):
    return next(f for f in layout.spec.fields if f.name == name)


def _assert_inside(chars, spec, page_height, lines):
    """Every glyph box within the field's box: its width, and ``lines`` lines from y."""
    left, right = spec.x * MM, (spec.x + spec.width) * MM
    first_baseline = spec.y * MM
    for c in chars:
        assert c["x0"] >= left - 0.01, c
        assert c["x1"] <= right + 0.01, c
        # pdfplumber boxes a glyph from its descent to descent + size around the baseline.
        assert (
            c["bottom"] <= first_baseline + (lines - 1) * spec.leading * spec.size + 0.4 * spec.size
        )
        assert c["top"] >= first_baseline - spec.size


@pytest.mark.parametrize("mode", ["overlay", "full"])
def test_a_very_long_unit_name_stays_inside_its_box(record, mode):
    rec = record.model_copy(deep=True)
    group = rec.award("ubnd-bang-khen")
    unit = (
        "Phòng Thông tin - Báo chí - Xuất bản thuộc Sở Thông tin và Truyền thông tỉnh Lạng Sơn, "
        "Trung tâm Công nghệ thông tin và Truyền thông, Ban Quản lý các dự án đầu tư xây dựng "
        "công trình dân dụng và công nghiệp tỉnh Lạng Sơn, Chi nhánh Văn phòng đăng ký đất đai"
    )
    group.collectives = []
    group.individuals = [
        Individual(name="Nguyễn Thị Ánh", position="Phó Trưởng phòng", unit=unit),
        Individual(name="Hoàng Văn Đức", position="Chuyên viên", unit=unit[:90]),
    ]
    warnings: list[str] = []
    data = render_certificates(rec, award="ubnd-bang-khen", mode=mode, warn=warnings.append)
    layout = load_layout(builtin_dir() / "bang-khen.yaml")
    spec = _field(layout, "details")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            details = [
                c for c in page.chars if abs((page.height - c["matrix"][5]) - spec.y * MM) < 0.01
            ]
            assert len(details) > 40
            _assert_inside(details, spec, page.height, 1)
    # The first does not fit even at min_size: it is condensed, and the clerk is told.
    assert any("'details'" in w and "Nguyễn Thị Ánh" in w for w in warnings)
    assert not any("Hoàng Văn Đức" in w for w in warnings)


def test_a_long_reason_wraps_within_max_lines(record):
    rec = record.model_copy(deep=True)
    group = rec.award("ubnd-bang-khen")
    group.reason = "đã có thành tích xuất sắc " + "trong công tác thông tin đối ngoại " * 12
    data = render_certificates(rec, award="ubnd-bang-khen", mode="full")
    layout = load_layout(builtin_dir() / "bang-khen.yaml")
    spec = _field(layout, "reason")
    assert spec.overflow == "wrap"
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        italic = [c for c in page.chars if "Italic" in c["fontname"] and c["top"] < 215 * MM]
        baselines = sorted({round(page.height - c["matrix"][5], 2) for c in italic})
        assert 1 < len(baselines) <= spec.max_lines
        _assert_inside(italic, spec, page.height, spec.max_lines)


def test_fit_shrinks_then_condenses():
    font = resolve_family("Times New Roman").face()
    layout = parse_layout(
        "fields:\n  - {name: a, text: x, x: 0, y: 10, width: 80, size: 20, min_size: 10}\n"
    )
    spec = layout.spec.fields[0]
    box = 80 * MM
    measure = Measurer()
    short = fit("Sở Ngoại vụ", spec, font, box, measure)
    assert short.size == 20 and short.scales == [100.0]
    medium = fit("Ban Tuyên giáo Huyện ủy Tràng Định", spec, font, box, measure)
    assert 10 <= medium.size < 20 and not medium.condensed
    assert measure(medium.lines[0], font) * medium.size <= box
    long = fit("Ban Tuyên giáo Huyện ủy Tràng Định " * 4, spec, font, box, measure)
    assert long.size == 10 and long.condensed
    assert measure(long.lines[0], font) * long.size * long.scales[0] / 100 <= box


def test_wrap_balances_lines_and_respects_max_lines():
    font = resolve_family("Times New Roman").face(bold=True)
    layout = parse_layout(
        "fields:\n  - {name: a, text: x, x: 0, y: 10, width: 120, size: 20, min_size: 8,\n"
        "      overflow: wrap, max_lines: 2}\n"
    )
    spec = layout.spec.fields[0]
    measure = Measurer()
    title = "BAN CHỈ ĐẠO CẤP TỈNH VỀ BẢO VỆ NỀN TẢNG TƯ TƯỞNG CỦA ĐẢNG"
    fitted = fit(title, spec, font, 120 * MM, measure)
    assert len(fitted.lines) == 2
    assert " ".join(fitted.lines) == title
    widths = [measure(line, font) for line in fitted.lines]
    assert max(widths) / min(widths) < 1.3  # balanced, not one long line and a stub
    assert all(w * fitted.size <= 120 * MM for w in widths)


def test_layout_errors_are_located():
    text = (
        "page: {size: A4}\n"
        "fields:\n"
        "  - name: a\n"
        "    text: '{{ recipient.nmae }}'\n"
        "    x: 10\n"
        "    y: 20\n"
        "    width: 100\n"
        "    size: 12\n"
        "  - name: b\n"
        "    text: '{{ award.title }}'\n"
        "    x: 250\n"
        "    y: 20\n"
        "    width: 100\n"
        "    size: 12\n"
        "    colour: red\n"
    )
    with pytest.raises(DocgenError) as err:
        parse_layout(text, "my.yaml")
    message = str(err.value)
    # Located in words, every part with its key: no form stands for a layout's keys.
    second = "Printed fields (fields), item 2 › "
    assert (
        f'my.yaml, line 15, column 5: {second}colour — "colour" is not a known key. Did you '
        'mean "color"?'
    ) in message
    text = text.replace("    colour: red\n", "    color: rouge\n")
    with pytest.raises(DocgenError) as err:
        parse_layout(text, "my.yaml")
    message = str(err.value)
    assert f"line 15, column 12: {second}Text colour (color) — 'rouge' is not a colour" in message
    text = text.replace("    color: rouge\n", "")
    with pytest.raises(DocgenError) as err:
        parse_layout(text, "my.yaml")
    message = str(err.value)
    assert f"line 13, column 12: {second}Width of the box (width) — the box runs off" in message
    text = text.replace("    x: 250\n", "    x: 150\n")
    with pytest.raises(DocgenError) as err:
        parse_layout(text, "my.yaml")
    message = str(err.value)
    assert "line 4, column 11: Printed fields (fields), item 1 › Text (text) — " in message
    assert "'nmae'" in message
    assert "recipient has name" in message


@pytest.mark.parametrize(
    "template, expected",
    [
        ("{{ recipent.name }}", 'Did you mean "recipient"?'),
        ("{{ recipient.name ", "cannot be read"),
        ("{% include 'x' %}", "not allowed"),
        ("{{ recipient.__class__ }}", "unsafe"),
    ],
)
def test_bad_templates_fail_on_load_with_the_field_located(template, expected):
    text = f'fields:\n  - name: a\n    text: "{template}"\n    x: 1\n    y: 2\n    width: 3\n    size: 4\n'
    with pytest.raises(DocgenError) as err:
        parse_layout(text, "l.yaml")
    where = "l.yaml, line 3, column 11: Printed fields (fields), item 1 › Text (text) — "
    assert where in str(err.value)
    assert expected in str(err.value)


def test_shipped_layouts_load_and_fit_their_pages():
    for name, size in (("bang-khen", (420, 297)), ("giay-khen", (297, 210))):
        layout = load_layout(builtin_dir() / f"{name}.yaml")
        w, h = layout.spec.page.points
        assert (round(w / MM), round(h / MM)) == size
        assert layout.background_path is not None and layout.background_path.is_file()
        overlay = {f.name for f in layout.spec.fields if "overlay" in f.modes}
        assert {
            "recipient",
            "details",
            "reason",
            "decision",
            "golden-book",
            "place-date",
            "signer-name",
        } <= overlay
        assert "issuer" not in overlay and "form" not in overlay


def test_golden_book_number_is_printed_only_when_given(record):
    rec = record.model_copy(deep=True)
    group = rec.award("bcd-ttdn-giay-khen")
    group.individuals[0].golden_book = "125/SV"
    texts = page_texts(render_certificates(rec, award="bcd-ttdn-giay-khen"))
    assert "Số sổ vàng: 125/SV" in texts[4]
    assert all("sổ vàng" not in t for t in texts[:4])


def test_output_is_deterministic(record):
    a = render_certificates(record, award="bcd35-cuoc-thi")
    b = render_certificates(record, award="bcd35-cuoc-thi")
    assert a == b


def test_per_recipient_files_have_ascii_names_in_order(record):
    files = render_per_recipient(record, award="ubnd-bang-khen")
    assert len(files) == 20
    names = [name for name, _ in files]
    assert names[0] == "001-ubnd-bang-khen-ban-tuyen-giao-huyen-uy-cao-loc.pdf"
    assert names[9] == "010-ubnd-bang-khen-nguyen-thi-anh.pdf"
    assert all(n.isascii() for n in names)
    assert "Nguyễn Thị Ánh" in page_texts(files[9][1])[0]


def test_unknown_award_group_is_a_docgen_error(record):
    with pytest.raises(DocgenError, match='no award group "nope"; the groups are: ubnd-bang-khen'):
        certificate_pages(record, award="nope")


def test_layouts_dir_overrides_the_builtin_layout(record, tmp_path):
    text = (builtin_dir() / "giay-khen.yaml").read_text("utf-8")
    (tmp_path / "giay-khen.yaml").write_text(
        text.replace("description: Giấy khen, A4 ngang", "description: test").replace(
            "page: {size: A4, orientation: landscape}", "page: {size: A3, orientation: landscape}"
        ),
        "utf-8",
    )
    pages = certificate_pages(record, layouts_dir=tmp_path)
    assert {p.layout.spec.description for p in pages} == {"Bằng khen, A3 ngang", "test"}
    data = Renderer().render(pages[20:21])
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert round(pdf.pages[0].width / MM) == 420


def test_calibration_sheet_has_rulers_and_every_anchor():
    layouts = [load_layout(builtin_dir() / f"{n}.yaml") for n in ("bang-khen", "giay-khen")]
    data = calibration_sheet(layouts)
    texts = page_texts(data)
    assert len(texts) == 2
    for layout, text in zip(layouts, texts, strict=True):
        assert "100" in text and "--offset" in text
        for f in layout.spec.fields:
            if "overlay" in f.modes:
                assert f"{f.name} ({f.x:g}; {f.y:g})" in text
    shifted = _chars(calibration_sheet(layouts, offset=(3, -2)))
    plain = _chars(data)
    # Rulers and anchors come first on the page; compare those (the notes mention the offset).
    assert len(plain[0]) > 300
    for (t0, x0, top0), (t1, x1, top1) in zip(plain[0][:300], shifted[0][:300], strict=True):
        assert t0 == t1
        assert x1 - x0 == pytest.approx(3 * MM, abs=1e-3)
        assert top1 - top0 == pytest.approx(-2 * MM, abs=1e-3)


def test_cli_writes_one_pdf_and_per_recipient_files(tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(main, ["certificates", str(SEED), "-o", str(out), "--mode", "full"])
    assert result.exit_code == 0, result.output
    assert len(page_texts((out / "05-bang-khen-giay-khen-full.pdf").read_bytes())) == 52
    result = runner.invoke(
        main,
        [
            "certificates",
            str(SEED),
            "-o",
            str(out),
            "--per-recipient",
            "--award",
            "bcd-ttdn-giay-khen",
            "--offset",
            "-1.5,2",
        ],
    )
    assert result.exit_code == 0, result.output
    files = sorted((out / "05-bang-khen-giay-khen-bcd-ttdn-giay-khen-overlay").iterdir())
    assert [f.name[:4] for f in files] == ["001-", "002-", "003-", "004-", "005-"]
    assert result.stderr == ""  # no progress bar when stderr is not a terminal, no warning


def test_build_and_certificates_write_one_file_under_one_name(tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    built = runner.invoke(
        main,
        ["build", str(SEED), "-o", str(out), "--only", "decision", "--format", "docx"]
        + ["--certificates", "overlay"],
    )
    assert built.exit_code == 0, built.output
    before = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert "05-bang-khen-giay-khen-overlay.pdf" in before
    printed = runner.invoke(main, ["certificates", str(SEED), "-o", str(out)])
    assert printed.exit_code == 0, printed.output
    assert "05-bang-khen-giay-khen-overlay.pdf" in printed.output
    # Printing again replaces the build's file: no second copy under another name.
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == before
    preview = runner.invoke(
        main, ["certificates", str(SEED), "-o", str(out), "--award", "ubnd-bang-khen", "--preview"]
    )
    assert preview.exit_code == 0, preview.output
    assert (out / "05-bang-khen-giay-khen-ubnd-bang-khen-overlay-preview.pdf").is_file()


def test_cli_calibration_and_bad_options(tmp_path):
    runner = CliRunner()
    target = tmp_path / "cal.pdf"
    result = runner.invoke(main, ["certificates", "--calibration", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert len(page_texts(target.read_bytes())) == 2
    result = runner.invoke(
        main, ["certificates", str(SEED), "--offset", "3;x", "-o", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "--offset" in result.output and "millimetres" in result.output
    result = runner.invoke(main, ["certificates"])
    assert result.exit_code == 2
    assert not list(tmp_path.glob("05-bang-khen-giay-khen-*"))


def test_pdf_renders_with_poppler(record, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler not installed")
    import subprocess

    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(render_certificates(record, award="bcd35-giay-khen", mode="full"))
    run = subprocess.run(
        ["pdftoppm", "-r", "10", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0 and run.stderr == ""
    assert list(tmp_path.glob("p*.png"))


def test_every_key_of_a_layout_has_a_name_in_both_languages() -> None:
    from docgen.certificates.layout import FieldSpec, Frame, Layout, Page, Rule, field_names
    from docgen.fieldnames import lookup
    from docgen.i18n import set_language

    for language in ("vi", "en"):
        set_language(language)
        table = field_names()
        missing = [
            f"{model.__name__}.{key}"
            for model in (Layout, Page, FieldSpec, Frame, Rule)
            for key in model.model_fields
            if not lookup(table, model.__name__, key)
        ]
        assert not missing, f"no name in certificates/layout.field_names for {missing}"


BAD_LAYOUT = (
    "page: {size: A4}\n"
    "fields:\n"
    "  - {name: a, text: '{{ recipient.name }}', x: 10, y: 20, width: 100, size: 12}\n"
    "  - name: b\n"
    "    text: '{{ recipent.name }}'\n"
    "    x: 10\n"
    "    y: 40\n"
    "    width: 100\n"
    "    size: 12\n"
    "rules:\n"
    "  - {x1: 10, y1: 50, x2: 400, y2: 50}\n"
)


@pytest.mark.parametrize(
    ("lang", "field", "rule"),
    [
        (
            "vi",
            "dòng 5, cột 11: Các mục in (fields), mục 2 › Nội dung (text) — ",
            "dòng 11, cột 26: Đường kẻ (rules), mục 1 › Điểm cuối, cách mép trái (x2) — 400 mm",
        ),
        (
            "en",
            "line 5, column 11: Printed fields (fields), item 2 › Text (text) — ",
            "line 11, column 26: Straight lines (rules), item 1 › End, from the left edge (x2) — ",
        ),
    ],
)
def test_layout_problems_name_the_place_in_the_users_language(tmp_path, lang, field, rule):
    layouts = tmp_path / "mau"
    layouts.mkdir()
    for name in ("bang-khen.yaml", "giay-khen.yaml"):
        (layouts / name).write_text(BAD_LAYOUT, encoding="utf-8")
    args = ["--lang", lang, "certificates", str(SEED), "--layouts", str(layouts)]
    result = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "c.pdf")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "fields[" not in result.output
    said = " ".join(result.output.split())
    assert field in said and rule in said
    assert not (tmp_path / "c.pdf").exists()


@pytest.mark.parametrize(
    ("change", "vi", "en"),
    [
        (
            "min_size: 20",
            "Các mục in (fields), mục 1 — cỡ chữ nhỏ nhất (min_size: 20) lớn hơn cỡ chữ (size: 12)",
            "Printed fields (fields), item 1 — the smallest size (min_size: 20) is larger than",
        ),
        (
            "max_lines: 2",
            "mục 1 — muốn in nhiều dòng (max_lines: 2) thì phải ghi 'overflow: wrap'",
            "item 1 — more than one line (max_lines: 2) needs 'overflow: wrap'",
        ),
    ],
)
def test_a_fields_size_rules_are_told_in_the_users_language(change, vi, en) -> None:
    from docgen.i18n import set_language

    text = f"fields:\n  - {{name: a, text: x, x: 0, y: 10, width: 80, size: 12, {change}}}\n"
    for language, expected in (("vi", vi), ("en", en)):
        set_language(language)
        with pytest.raises(DocgenError) as err:
            parse_layout(text, "l.yaml")
        assert expected in str(err.value)
