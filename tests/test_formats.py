"""The format rules as package data: validated on load, the one source the templates, the
context and ``docgen check`` read."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from docgen import formats
from docgen.context import recipients, signer_lines
from docgen.loader import load_meeting
from docgen.vietnamese import document_number, format_date

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"


def _data() -> dict:
    return yaml.safe_load(formats.DATA_FILE.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "formats.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_every_rule_names_its_source() -> None:
    rules = formats.rules()
    assert rules.date.source and rules.layout.source
    for name in formats.PROFILE_NAMES:
        p = formats.profile(name)
        for section in (p.page, p.font, p.number, p.body, p.page_numbers, p.signer, p.recipients):
            assert section.source.startswith(("ND30", "HD36")), section
        for element_name, element in p.elements:
            if element is not None:
                assert element.source.startswith(("ND30", "HD36")), (name, element_name)


def test_profiles_differ_where_the_texts_differ() -> None:
    state, party = formats.profile("state"), formats.profile("party")
    assert (state.number.prefix, party.number.prefix) == ("Số:", "Số")
    assert state.signer.prefixes["TM"] == "TM." and party.signer.prefixes["TM"] == "T/M"
    assert state.elements.summary.case == "initial_upper"
    assert party.elements.summary.case == "initial_lower"
    assert state.elements.motto is not None and party.elements.motto is None
    assert state.body.line_ooxml == (276, "auto") and party.body.line_ooxml == (360, "exact")


def test_a_template_size_outside_its_range_is_refused(tmp_path) -> None:
    data = _data()
    data["profiles"]["state"]["elements"]["body"]["pt"] = 16
    with pytest.raises(ValidationError, match="outside 13–14 pt"):
        formats._load(_write(tmp_path, data))


def test_an_unknown_or_missing_key_is_refused(tmp_path) -> None:
    data = _data()
    data["profiles"]["party"]["body"]["alignment"] = "both"
    with pytest.raises(ValidationError, match="alignment"):
        formats._load(_write(tmp_path, data))
    data = _data()
    del data["profiles"]["party"]["signer"]["prefixes"]["KT"]
    with pytest.raises(ValidationError, match="KT"):
        formats._load(_write(tmp_path, data))


def test_a_margin_template_value_outside_its_range_is_refused(tmp_path) -> None:
    data = _data()
    data["profiles"]["state"]["page"]["margins_mm"]["left"] = 25
    with pytest.raises(ValidationError, match="left margin"):
        formats._load(_write(tmp_path, data))


def test_unknown_profile_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown format profile 'stat'"):
        formats.profile("stat")


def test_a_change_of_rule_is_one_edit(tmp_path, monkeypatch) -> None:
    """Edit the data file only; the number line, date, signer prefix and Lưu line follow."""
    data = _data()
    data["profiles"]["state"]["number"]["prefix"] = "Số hiệu:"
    data["profiles"]["party"]["signer"]["prefixes"]["KT"] = "KÍ THAY"
    data["profiles"]["state"]["recipients"]["archive"] = "Lưu: VT, {code}, HS"
    data["date"]["padded_months"] = [1, 2, 3]
    edited = formats._load(_write(tmp_path, data))
    monkeypatch.setattr(formats, "rules", lambda: edited)

    assert document_number(5, "TB", "UBND", "state") == "Số hiệu: 05/TB-UBND"
    assert format_date(dt.date(2022, 3, 4)) == "ngày 04 tháng 03 năm 2022"
    record = load_meeting(SAMPLE)
    party_body = next(b for b in record.bodies.values() if b.profile == "party")
    state_body = next(b for b in record.bodies.values() if b.profile == "state")
    assert recipients([], state_body)[-1] == f"- Lưu: VT, {state_body.code}, HS."
    signer = record.documents.notice.signer
    assert signer is not None
    lines = signer_lines(record, signer.model_copy(update={"prefix": "KT"}), "party")
    assert lines["signer_prefix_line"].startswith("KÍ THAY")
    assert recipients(["Sở Nội vụ"], party_body)[0] == "- Sở Nội vụ,"


def test_generated_templates_match_the_committed_ones(tmp_path, monkeypatch) -> None:
    """The committed templates are what the rules make: regenerate and compare every part."""
    spec = importlib.util.spec_from_file_location(
        "make_templates", ROOT / "tools" / "make_templates.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Its dataclass looks its own module up while being defined.
    monkeypatch.setitem(sys.modules, "make_templates", module)
    spec.loader.exec_module(module)
    assert module.main(["make_templates", str(tmp_path)]) == 0
    generated = sorted(tmp_path.glob("*/*.docx"))
    assert generated
    for path in generated:
        committed = ROOT / "templates" / path.relative_to(tmp_path)
        with zipfile.ZipFile(path) as new, zipfile.ZipFile(committed) as old:
            assert sorted(new.namelist()) == sorted(old.namelist()), path
            for part in new.namelist():
                if part == "docProps/core.xml":  # creation time
                    continue
                assert new.read(part) == old.read(part), f"{path.relative_to(tmp_path)}: {part}"


def test_type_codes_have_one_source_the_profiles_tables() -> None:
    """A kind names its type; its code is looked up in the profile's table: "quy định" is QyĐ
    in a state number [ND30 Phụ lục III] and QĐi in a Party one, from the same entry."""
    kinds = formats.rules().kinds
    assert kinds["regulation"].code("state") == "QyĐ"
    assert kinds["regulation"].code("party") == "QĐi"
    assert kinds["letter"].code("state") is None and kinds["letter"].code("party") == "CV"
    assert kinds["list"].code("state") is None
    for kind in kinds.values():
        for name in formats.PROFILE_NAMES:
            code = kind.code(name)
            assert code is None or formats.profile(name).number.type_codes[code] == kind.type


def test_every_document_carries_the_code_of_its_kind_in_both_profiles() -> None:
    from docgen import documents

    for doc in documents.TYPES:
        kind = doc.kind if doc.numbered_by is None else documents.get(doc.numbered_by).kind
        if kind is None:
            assert doc.type_code == "" and doc.key == "news"
            continue
        for name in formats.PROFILE_NAMES:
            assert formats.rules().kinds[kind].code(name) == doc.type_code, (doc.key, name)
    assert documents.TYPE_CODES == {
        "minutes": "BB",
        "notice": "TB",
        "decision": "QĐ",
        "list": "QĐ",
        "invitation": "GM",
        "programme": "CTr",
        "proposal": "TTr",
        "news": "",
    }


def test_a_kind_with_its_own_code_or_an_unknown_type_is_refused(tmp_path) -> None:
    data = _data()
    data["kinds"]["regulation"]["code"] = "QyĐ"  # a second place for a code: refused
    with pytest.raises(ValidationError, match="code"):
        formats._load(_write(tmp_path, data))
    data = _data()
    data["kinds"]["plan"]["type"] = "kế hoạch công tác"
    with pytest.raises(ValidationError, match="no profile has a type code"):
        formats._load(_write(tmp_path, data))
    data = _data()
    data["profiles"]["party"]["number"]["type_codes"]["QyĐ"] = "quy định"
    with pytest.raises(ValidationError, match="more than once"):
        formats._load(_write(tmp_path, data))
