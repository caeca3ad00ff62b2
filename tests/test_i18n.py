"""docgen speaks Vietnamese by default and English on request, from complete catalogues.

The rest of the suite runs in English (conftest.py); here the language is switched on purpose.
The catalogue tests extract the messages of the code as ``tools/i18n.py`` does, so a message
added without its Vietnamese fails here, as does a placeholder a translation renamed or lost.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from docgen import __version__, i18n
from docgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "docgen"


def _tool():
    spec = importlib.util.spec_from_file_location("docgen_i18n_tool", ROOT / "tools" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalog(language: str):
    with (PACKAGE / "locale" / language / "LC_MESSAGES" / "docgen.po").open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.fixture(scope="module")
def extracted() -> list:
    return _tool().messages()


@pytest.fixture
def vi():
    """Speak Vietnamese for one test, then English again for the rest of the suite."""
    i18n.set_language("vi")
    yield
    i18n.set_language("en")


# --- the catalogues ---------------------------------------------------------------------------


def test_every_message_of_the_code_has_its_vietnamese(extracted) -> None:
    catalog = _catalog("vi")
    missing, untranslated = [], []
    for message, location, _comment in extracted:
        msgid = message[0] if isinstance(message, tuple) else message
        if not msgid:
            continue
        entry = catalog.get(msgid)
        if entry is None:
            missing.append(f"{location}: {msgid!r}")
        elif entry.fuzzy or not all(
            entry.string if isinstance(entry.string, tuple) else [entry.string]
        ):
            untranslated.append(f"{location}: {msgid!r}")
    assert not missing, "not in vi/docgen.po (run python tools/i18n.py):\n" + "\n".join(missing)
    assert not untranslated, "empty or fuzzy in vi/docgen.po:\n" + "\n".join(untranslated)


def test_english_catalogue_has_every_message(extracted) -> None:
    catalog = _catalog("en")
    missing = [
        f"{location}: {m!r}"
        for m, location, _c in extracted
        if (m[0] if isinstance(m, tuple) else m)
        and catalog.get(m[0] if isinstance(m, tuple) else m) is None
    ]
    assert not missing, "\n".join(missing)


def _placeholders(text: str) -> set[str]:
    """``{name}``/``{name!r}`` fields and ``%(name)s`` fields: what .format or % fills in."""
    fields = {
        f"{{{name}{'!' + conversion if conversion else ''}}}"
        for _literal, name, _spec, conversion in string.Formatter().parse(text)
        if name is not None
    }
    return fields | set(re.findall(r"%\([a-z_]+\)[sdr]", text))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_placeholders_are_the_same_in_every_language(language: str) -> None:
    catalog = _catalog(language)
    wrong = []
    for entry in catalog:
        if not entry.id:
            continue
        if isinstance(entry.id, tuple):
            singular, plural = entry.id
            forms = [s for s in entry.string if s]
            for index, form in enumerate(forms):
                # A one-form language (Vietnamese) writes the general, plural, sentence.
                expected = plural if (index > 0 or len(forms) == 1) else singular
                if _placeholders(form) != _placeholders(expected):
                    wrong.append(f"{expected!r} → {form!r}")
        elif entry.string and _placeholders(entry.string) != _placeholders(entry.id):
            wrong.append(f"{entry.id!r} → {entry.string!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_messages_are_literal_text_babel_can_extract() -> None:
    """``_(f"…")`` or ``_("…" % x)`` would never reach the catalogue: only plain strings go in."""
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "ngettext", "N_")
            ):
                for arg in node.args[: 2 if node.func.id == "ngettext" else 1]:
                    if isinstance(arg, ast.JoinedStr | ast.BinOp):
                        bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not bad, "message built at run time inside _():\n" + "\n".join(bad)


def test_every_literal_message_reaches_the_catalogue(extracted) -> None:
    """Babel skips calls it cannot see, such as ``_("…")`` inside an f-string: none may hide."""
    found = {m[0] if isinstance(m, tuple) else m for m, _location, _comment in extracted}
    hidden = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "ngettext", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and node.args[0].value not in found
            ):
                hidden.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.args[0].value!r}")
    assert not hidden, "never extracted (take the call out of the f-string):\n" + "\n".join(hidden)


# Where one sentence ends and the next begins: ". Retype", "? Known", ". {hint}".
_SENTENCE_BREAK = re.compile(r"[.?!] +[\"'({A-ZÀ-ỸĐ]")
# A colon ends a paragraph that introduces what follows it (a list of problems).
_SENTENCE_END = (".", "?", "!", "…", ":")
# A last sentence that hands over a value to copy — a command, a path — after a colon
# ("then run: docgen validate {path}"): a stop there would be copied with it.
_VALUE_AFTER_COLON = re.compile(r": (docgen [^;]*|[^.;:]*\{[a-z_]+\}/?)$")
# A last sentence given whole by a placeholder (". {hint}", the hint ends itself).
_WHOLE_SENTENCE_PLACEHOLDER = re.compile(r"[.?!] \{[a-z_]+\}$")


def _unterminated_paragraph(text: str) -> bool:
    """A message of two sentences or more — a paragraph, never a label, a heading, a button or a
    fragment another message takes in — whose last sentence has no full stop."""
    text = text.rstrip()
    if not _SENTENCE_BREAK.search(text) or text.endswith(_SENTENCE_END):
        return False
    return not (_VALUE_AFTER_COLON.search(text) or _WHOLE_SENTENCE_PLACEHOLDER.search(text))


def test_the_check_for_an_unterminated_paragraph() -> None:
    assert _unterminated_paragraph("the tag is split; docxtpl keeps one part. Retype it")
    assert _unterminated_paragraph("thẻ bị tách. Đề nghị gõ lại thẻ")
    assert not _unterminated_paragraph("the tag is split; docxtpl keeps one part. Retype it.")
    assert not _unterminated_paragraph("Did you mean '{name}'? Known keys: {keys}?")
    # Labels, headings, buttons and fragments are one phrase: not judged.
    assert not _unterminated_paragraph("Overwrite files edited by hand (a backup copy is kept)")
    assert not _unterminated_paragraph("the tag {tag} cannot be read")
    assert not _unterminated_paragraph("Wrote {path}. Fill it in, then run: docgen validate {path}")
    assert not _unterminated_paragraph("a code not in the list starts a new series. {hint}")
    assert not _unterminated_paragraph("Chưa có tệp. Gõ: docgen certificates MEETING.yaml")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_message_of_several_sentences_ends_with_a_full_stop(language: str) -> None:
    wrong = []
    for entry in _catalog(language):
        if not entry.id or all(path.startswith("click/") for path, _line in entry.locations):
            continue  # Click's own English is Click's; its translation follows it
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wrong += [text for text in (*ids, *strings) if text and _unterminated_paragraph(text)]
    assert not wrong, "a paragraph without its full stop:\n" + "\n".join(map(repr, wrong))


def test_vietnamese_catalogue_is_nfc() -> None:
    import unicodedata

    for entry in _catalog("vi"):
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for text in strings:
            assert unicodedata.is_normalized("NFC", text), text


def test_a_checkout_without_compiled_catalogues_compiles_the_po(tmp_path, monkeypatch) -> None:
    """PYTHONPATH=src runs have no .mo (git ignores them) or stale ones: the .po wins."""
    locale = tmp_path / "locale"
    shutil.copytree(PACKAGE / "locale", locale, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    monkeypatch.setattr(i18n, "_loaded", {})
    vi_catalogue = i18n.translations("vi")
    assert vi_catalogue.gettext("Usage:") == "Cách dùng:"
    mo = locale / "vi" / "LC_MESSAGES" / "docgen.mo"
    assert mo.is_file(), "the compiled catalogue is kept for the next run"

    # The .po changes after the .mo was made (a merge, an edit): the .mo is stale and remade.
    po = mo.with_suffix(".po")
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgstr "Cách dùng:"', 'msgstr "Cách dùng lệnh:"'),
        encoding="utf-8",
    )
    os.utime(mo, (1, 1))
    monkeypatch.setattr(i18n, "_loaded", {})
    assert i18n.translations("vi").gettext("Usage:") == "Cách dùng lệnh:"


# --- choosing the language --------------------------------------------------------------------


def _docgen(*args: str, lang: str | None) -> subprocess.CompletedProcess:
    """A fresh `docgen` process: help texts are fixed when a command's module is imported."""
    env = {k: v for k, v in os.environ.items() if k != "DOCGEN_LANG"}
    env["PYTHONPATH"] = str(ROOT / "src")
    if lang is not None:
        env["DOCGEN_LANG"] = lang
    return subprocess.run(
        [sys.executable, "-m", "docgen", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_vietnamese_is_the_default_and_english_is_on_request() -> None:
    default = _docgen("--help", lang=None)
    assert default.returncode == 0
    assert "Cách dùng:" in default.stdout and "Tùy chọn:" in default.stdout
    assert "Lệnh:" in default.stdout and "tệp cuộc họp" in default.stdout
    assert "Usage:" not in default.stdout

    by_option = _docgen("--lang", "en", "--help", lang=None)
    assert "Usage:" in by_option.stdout and "Options:" in by_option.stdout
    assert "Commands:" in by_option.stdout and "Cách dùng" not in by_option.stdout

    by_environment = _docgen("--help", lang="en")
    assert "Usage:" in by_environment.stdout
    # The option wins over the environment.
    assert "Cách dùng:" in _docgen("--lang", "vi", "--help", lang="en").stdout


COMMANDS = [
    ["validate"],
    ["new"],
    ["build"],
    ["templates"],
    ["templates", "list"],
    ["templates", "init"],
    ["templates", "check"],
    ["pdf"],
    ["doctor"],
    ["certificates"],
    ["awards"],
    ["awards", "check"],
    ["register"],
    ["register", "list"],
    ["register", "next"],
    ["register", "assign"],
    ["register", "void"],
    ["check"],
    ["serve"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_of_every_command_is_vietnamese(command: list[str]) -> None:
    result = _docgen(*command, "--help", lang=None)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("Cách dùng:") and "Tùy chọn:" in text
    assert "Xem hướng dẫn này rồi thoát." in text
    english = _docgen("--lang", "en", *command, "--help", lang=None).stdout
    assert english.startswith("Usage:") and "Show this message and exit." in english
    # Every line of the help that English writes is written differently in Vietnamese: the
    # description and each option's help, not only Click's own words, are translated.
    described = []
    for line in english.splitlines()[1:]:
        words = re.split(r"\s{2,}", line.strip(), maxsplit=1)
        # An option's line: its name and choices stay; the help beside them must not.
        words = words[1:] if words[0].startswith("-") else words
        described += [w for w in words if len(w) > 25 and w.count(" ") >= 3]
    same = [words for words in described if words in text]
    assert not same, f"still in English in `docgen {' '.join(command)} --help`: {same}"


def test_clicks_own_errors_are_vietnamese() -> None:
    result = _docgen("build", "--no-such-option", lang=None)
    assert result.returncode == 2
    assert "Lỗi: Không có tùy chọn '--no-such-option'." in result.stderr
    assert "Gõ '" in result.stderr and "--help' để xem hướng dẫn." in result.stderr

    missing = _docgen("validate", lang=None)
    assert missing.returncode == 2 and "Còn thiếu tham số 'MEETING'." in missing.stderr

    english = _docgen("--lang", "en", "validate", lang=None)
    assert "Missing argument 'MEETING'." in english.stderr


def test_an_unknown_language_is_refused_in_both_languages(vi) -> None:
    result = CliRunner().invoke(main, ["--lang", "fr", "validate", "x.yaml"])
    assert result.exit_code == 2
    assert "Giá trị của '--lang' không hợp lệ" in result.output


def test_no_function_hides_the_translation_function() -> None:
    """``_, x = pair`` inside a function that also says ``_("…")`` breaks it at run time."""
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            calls = any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_"
                for n in ast.walk(function)
            )
            binds = any(
                isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)
                for n in ast.walk(function)
            )
            if calls and binds:
                bad.append(f"{path.relative_to(ROOT)}:{function.lineno}")
    assert not bad, "a local `_` hides docgen.i18n._:\n" + "\n".join(bad)


# --- each command's own words, in both languages -------------------------------------------------

BAD_YAML = "meeting:\n  name: Hội nghị\n  venu: Hội trường\n   session: sáng\n"


def _invoke(lang: str, *args: str):
    return CliRunner().invoke(main, ["--lang", lang, *args])


def test_validate_ok_in_both_languages(sample_path) -> None:
    vi = _invoke("vi", "validate", str(sample_path))
    assert vi.exit_code == 0, vi.output
    assert "Thời gian:" in vi.output and "Cơ quan ban hành:" in vi.output
    assert f"{sample_path}: hợp lệ." in vi.output
    en = _invoke("en", "validate", str(sample_path))
    assert "Date and time:" in en.output and f"{sample_path}: valid." in en.output


def test_yaml_syntax_error_with_its_line_in_both_languages(tmp_path) -> None:
    bad = tmp_path / "hop.yaml"
    bad.write_text(BAD_YAML, encoding="utf-8")
    vi = _invoke("vi", "validate", str(bad))
    assert vi.exit_code == 2
    assert f"{bad}, dòng 4, cột 11: tệp viết sai cú pháp YAML" in vi.output
    assert "thụt đầu dòng" in vi.output and "mapping values" not in vi.output
    en = _invoke("en", "validate", str(bad))
    assert f"{bad}, line 4, column 11: this is not valid YAML — mapping values" in en.output


def test_schema_errors_are_told_in_vietnamese_not_in_pydantics_english(tmp_path, sample_path):
    text = sample_path.read_text(encoding="utf-8")
    text = text.replace("  venue:", "  venu:", 1).replace("session: sáng", "session: trưa", 1)
    bad = tmp_path / "hop.yaml"
    bad.write_text(text, encoding="utf-8")
    vi = _invoke("vi", "validate", str(bad))
    assert vi.exit_code == 2
    assert f"Tệp {bad} có 2 lỗi:" in vi.output
    assert '"venu" không phải là tên mục hợp lệ. Có phải là "venue"?' in vi.output
    assert "'trưa' không được chấp nhận ở mục này; chỉ được ghi" in vi.output
    assert " hoặc 'tối'" in vi.output or " hoặc '" in vi.output
    for english in ("Input should be", "is not a known key", " or '", "line "):
        assert english not in vi.output
    en = _invoke("en", "validate", str(bad))
    assert '"venu" is not a known key. Did you mean "venue"?' in en.output
    assert "'trưa' is not allowed here" in en.output


def test_build_summary_in_both_languages(tmp_path, sample_path) -> None:
    args = ["build", str(sample_path), "--format", "docx", "--certificates", "none"]
    vi = _invoke("vi", *args, "-o", str(tmp_path / "vi"))
    assert vi.exit_code == 0, vi.output
    assert "Mẫu văn bản: bộ mẫu có sẵn của docgen" in vi.output
    written = [line.strip() for line in vi.output.splitlines() if line.startswith("  ")]
    assert len(written) > 10 and all((tmp_path / "vi" / name).is_file() for name in written)
    assert f"Đã ghi {len(written)} tệp vào thư mục {tmp_path / 'vi'}:" in vi.output
    en = _invoke("en", *args, "-o", str(tmp_path / "en"))
    assert f"Wrote {len(written)} files to {tmp_path / 'en'}:" in en.output


def test_template_problem_in_both_languages(tmp_path) -> None:
    from docx import Document

    folder = tmp_path / "mau"
    assert _invoke("vi", "templates", "init", str(folder)).exit_code == 0
    path = folder / "state" / "decision.docx"
    document = Document(str(path))
    paragraph = next(p for p in document.paragraphs if "{{" in p.text)
    paragraph.runs[0].text = "{{ nam }} " + paragraph.runs[0].text
    document.save(str(path))

    vi = _invoke("vi", "templates", "check", str(folder))
    assert vi.exit_code == 1
    assert "decision.docx, phần thân văn bản, đoạn " in vi.output
    assert "{{ nam }} dùng tên 'nam', văn bản này không có tên đó" in vi.output
    assert f"Có 1 lỗi trong thư mục {folder}." in vi.output
    en = _invoke("en", "templates", "check", str(folder))
    assert "decision.docx, body, paragraph " in en.output
    assert "uses the variable 'nam', which this document does not provide" in en.output


def test_awards_check_in_both_languages(tmp_path) -> None:
    table = tmp_path / "ds.csv"
    table.write_text(
        "Tên tập thể / Họ và tên,Loại\nPhòng Văn hóa,Tập thể\nNguyễn Văn An,Ca nhan x\n",
        encoding="utf-8",
    )
    vi = _invoke("vi", "awards", "check", str(table))
    assert vi.exit_code == 2
    assert f"Tệp {table} có 1 lỗi:" in vi.output
    assert f"{table}, hàng 3, cột B (Loại): 'Ca nhan x' không phải là loại đối tượng" in vi.output
    en = _invoke("en", "awards", "check", str(table))
    assert f"{table}, row 3, column B (Loại): 'Ca nhan x' is not a kind of recipient" in en.output

    table.write_text("Họ và tên,Loại\nNguyễn Văn An,Cá nhân\n", encoding="utf-8")
    ok = _invoke("vi", "awards", "check", str(table))
    assert ok.exit_code == 0 and "hàng tiêu đề là hàng 1" in ok.output
    assert f"{table}: hợp lệ." in ok.output


def test_register_in_both_languages(tmp_path) -> None:
    register = str(tmp_path / "so.sqlite")
    common = ["UBND", "QĐ", "--profile", "state", "--date", "2022-12-08", "--register", register]
    nxt = _invoke("vi", "register", "next", *common)
    assert nxt.exit_code == 0 and "Số: 01/QĐ-UBND  (2022; chưa lấy số)" in nxt.output
    assert _invoke("vi", "register", "assign", *common).exit_code == 0
    listed = _invoke("vi", "register", "list", "--register", register)
    assert listed.output.startswith("Số, ký hiệu")
    assert "đã cấp" in listed.output and "1 số, 0 số đã hủy." in listed.output
    en = _invoke("en", "register", "list", "--register", register)
    assert en.output.startswith("Number") and "1 number, 0 void." in en.output
    void = _invoke("vi", "register", "void", "01/QĐ-UBND", "--register", register)
    assert void.exit_code == 2 and "Còn thiếu tùy chọn '--reason'." in void.output


def test_pdf_warning_in_both_languages(tmp_path) -> None:
    from docx import Document

    source = tmp_path / "thu.docx"
    document = Document()
    document.add_paragraph("Kính gửi \U0001f600 các đồng chí")
    document.save(str(source))
    vi = _invoke("vi", "pdf", str(source), "-o", str(tmp_path / "vi"))
    assert vi.exit_code == 0, vi.output
    assert "Cảnh báo: thu.docx: ký tự U+1F600" in vi.output
    assert "phần thân văn bản đoạn 1" in vi.output and "sẽ không in ra" in vi.output
    en = _invoke("en", "pdf", str(source), "-o", str(tmp_path / "en"))
    assert "warning: thu.docx: character U+1F600" in en.output
    assert "body paragraph 1" in en.output and "it will not print" in en.output


def test_one_process_shows_help_in_either_language() -> None:
    """A server or a test switches language between commands: help follows, though the
    command's module was imported (and its help written) in the other language."""
    for first, second in (("vi", "en"), ("en", "vi")):
        for lang in (first, second, first):
            shown = _invoke(lang, "build", "--help").output
            if lang == "vi":
                assert shown.startswith("Cách dùng:") and "Thư mục ghi kết quả" in shown
                assert "Xem hướng dẫn này rồi thoát." in shown and "THƯ_MỤC" in shown
            else:
                assert shown.startswith("Usage:") and "Folder to write to" in shown
                assert "Show this message and exit." in shown and "FOLDER" in shown


def test_a_tag_the_value_does_not_fit_is_a_located_error(tmp_path) -> None:
    bad = tmp_path / "hop.yaml"
    bad.write_text("meeting: !!int x\n", encoding="utf-8")
    vi = _invoke("vi", "validate", str(bad))
    assert vi.exit_code == 2
    assert (
        f"{bad}, dòng 1, cột 10: Cuộc họp (meeting) — giá trị 'x' không đọc được theo kiểu !!int"
        in vi.output
    )
    en = _invoke("en", "validate", str(bad))
    assert en.exit_code == 2 and "cannot be read as !!int" in en.output


def test_version_answers_in_the_chosen_language() -> None:
    # Click's own --version translates its message at import, before --lang is read.
    assert _invoke("en", "--version").output.strip() == f"docgen, version {__version__}"
    assert _invoke("vi", "--version").output.strip() == f"docgen, phiên bản {__version__}"


def test_a_required_option_is_marked_in_the_chosen_language() -> None:
    vi = _invoke("vi", "register", "assign", "--help")
    assert "[bắt buộc]" in vi.output and "required" not in vi.output
    assert "[required]" in _invoke("en", "register", "assign", "--help").output


def test_numbers_in_messages_are_grouped_the_readers_way() -> None:
    """1.000.000.000 for a Vietnamese reader, 1,000,000,000 for an English one: Python's ','
    grouping is English only, so every translated message formats its numbers itself."""
    import pytest as _pytest

    from docgen.errors import DocgenError
    from docgen.i18n import _, set_language
    from docgen.sandbox import render_text

    said = {}
    for lang in ("vi", "en"):
        set_language(lang)
        with _pytest.raises(DocgenError) as caught:
            render_text("{% for i in range(1000000000) %}{% endfor %}", {}, what="T")
        said[lang] = str(caught.value)
        set_language("en")
    assert "1.000.000.000" in said["vi"] and "1,000,000,000" not in said["vi"], said["vi"]
    assert "1,000,000,000" in said["en"], said["en"]
    set_language("vi")
    try:
        text = _("{what} made a value of {size:,} characters or items (the limit is {limit:,})")
        assert text.format(what="x", size=1234567.5, limit=10000).count(",") == 1  # 1.234.567,5
        assert "1.234.567,5" in text.format(what="x", size=1234567.5, limit=10000)
    finally:
        set_language("en")
