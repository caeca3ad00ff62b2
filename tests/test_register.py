"""The document-number register: series, voiding, idempotent rebuilds, CLI, and real concurrency."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.cli import main
from docgen.errors import DocgenError
from docgen.loader import load_meeting
from docgen.register import Register, assign_numbers, meeting_documents, register_path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"
D = dt.date(2022, 12, 8)


@pytest.fixture
def reg(tmp_path: Path):
    with Register(tmp_path / "so-dang-ky.sqlite") as register:
        yield register


def test_numbers_run_per_issuer_and_type(reg: Register) -> None:
    assert [reg.assign("UBND", "QĐ", "state", D) for _ in range(3)] == [1, 2, 3]
    assert reg.assign("UBND", "TB", "state", D) == 1
    assert reg.assign("SNV", "QĐ", "state", D) == 1
    assert reg.assign("UBND", None, "state", D) == 1  # công văn: no type code
    assert reg.next("UBND", "QĐ", "state", D) == 4
    assert reg.next("UBND", "QĐ", "state", D) == 4  # peeking takes nothing


def test_the_state_profile_restarts_each_first_of_january(reg: Register) -> None:
    assert reg.assign("UBND", "QĐ", "state", dt.date(2022, 12, 31)) == 1
    assert reg.assign("UBND", "QĐ", "state", dt.date(2022, 12, 31)) == 2
    assert reg.assign("UBND", "QĐ", "state", dt.date(2023, 1, 1)) == 1
    assert reg.assign("UBND", "QĐ", "state", dt.date(2022, 6, 1)) == 3  # late entry, old year
    assert [(e.period, e.number) for e in reg.list(issuer="UBND")] == [
        ("2022", 1),
        ("2022", 2),
        ("2022", 3),
        ("2023", 1),
    ]


def test_the_party_profile_runs_through_the_term(reg: Register) -> None:
    term = "2020-2025"
    assert reg.assign("BCĐ35", "TB", "party", dt.date(2022, 12, 16), term=term) == 1
    assert reg.assign("BCĐ35", "TB", "party", dt.date(2023, 1, 5), term=term) == 2
    assert reg.assign("BCĐ35", "TB", "party", dt.date(2025, 11, 1), term="2025-2030") == 1
    # no term: one continuous series across years
    assert reg.assign("TU", "KL", "party", dt.date(2022, 1, 1)) == 1
    assert reg.assign("TU", "KL", "party", dt.date(2024, 1, 1)) == 2
    assert [e.reference for e in reg.list(issuer="BCĐ35")] == [
        "01-TB/BCĐ35",
        "02-TB/BCĐ35",
        "01-TB/BCĐ35",
    ]


def test_a_party_number_needs_a_type_code(reg: Register) -> None:
    with pytest.raises(DocgenError, match="type code"):
        reg.assign("TU", None, "party", D)


def test_a_voided_number_is_listed_and_never_given_again(reg: Register) -> None:
    for _ in range(3):
        reg.assign("UBND", "QĐ", "state", D)
    entry = reg.void("UBND", "QĐ", "state", 3, reason="ký nhầm")
    assert entry.status == "void" and entry.void_reason == "ký nhầm"
    assert reg.assign("UBND", "QĐ", "state", D) == 4
    listed = {e.number: e.status for e in reg.list(issuer="UBND")}
    assert listed == {1: "issued", 2: "issued", 3: "void", 4: "issued"}
    with pytest.raises(DocgenError, match="already void"):
        reg.void("UBND", "QĐ", "state", 3, reason="again")
    with pytest.raises(DocgenError, match="was voided"):
        reg.assign("UBND", "QĐ", "state", D, number=3)
    with pytest.raises(DocgenError, match="not in the register"):
        reg.void("UBND", "QĐ", "state", 99, reason="x")
    with pytest.raises(DocgenError, match="why"):
        reg.void("UBND", "QĐ", "state", 2, reason=" ")


def test_voiding_the_last_number_does_not_let_it_come_back(reg: Register) -> None:
    reg.assign("UBND", "QĐ", "state", D)
    reg.void("UBND", "QĐ", "state", 1, reason="hủy")
    assert reg.next("UBND", "QĐ", "state", D) == 2


def test_a_number_given_in_two_years_needs_the_year_to_void(reg: Register) -> None:
    reg.assign("UBND", "QĐ", "state", dt.date(2022, 3, 1))
    reg.assign("UBND", "QĐ", "state", dt.date(2023, 3, 1))
    with pytest.raises(DocgenError, match="several periods.*2022, 2023"):
        reg.void("UBND", "QĐ", "state", 1, reason="x")
    assert reg.void("UBND", "QĐ", "state", 1, period="2023", reason="x").period == "2023"


def test_a_number_given_by_hand_is_recorded_and_the_series_continues(reg: Register) -> None:
    assert reg.assign("UBND", "QĐ", "state", D, number=56, document="by hand") == 56
    assert reg.assign("UBND", "QĐ", "state", D) == 57
    assert reg.assign("UBND", "QĐ", "state", D, number=10) == 10  # a gap may be filled
    assert reg.assign("UBND", "QĐ", "state", D) == 58
    with pytest.raises(DocgenError, match="already given"):
        reg.assign("UBND", "QĐ", "state", D, number=57)


def test_asking_again_for_the_same_document_returns_its_number(reg: Register) -> None:
    first = reg.assign("UBND", "QĐ", "state", D, document="m/award:a", file="v1.docx")
    reg.assign("UBND", "QĐ", "state", D, document="m/award:b")
    again = reg.assign("UBND", "QĐ", "state", D, document="m/award:a", file="v2.docx")
    assert again == first == 1
    assert [e.file for e in reg.list(document="m/award:a")] == ["v2.docx"]
    # once voided, the document gets a fresh number
    reg.void("UBND", "QĐ", "state", 1, reason="redo")
    assert reg.assign("UBND", "QĐ", "state", D, document="m/award:a") == 3


def test_assign_many_is_all_or_nothing(reg: Register) -> None:
    reg.assign("UBND", "QĐ", "state", D, number=5)
    with pytest.raises(DocgenError):
        reg.assign_many(
            [
                ("UBND", "TB", "state", D, None, "x", None, None, None),
                ("UBND", "QĐ", "state", D, None, "y", None, None, 5),  # taken
            ]
        )
    assert reg.list(type_code="TB") == []


def test_assign_numbers_numbers_every_document_of_the_meeting(tmp_path: Path) -> None:
    record = load_meeting(SAMPLE)
    with Register(tmp_path / "r.sqlite") as reg:
        reg.assign("UBND", "QĐ", "state", dt.date(2022, 1, 3), number=2155)  # earlier in 2022
        files = {key: f"{key.replace(':', '-')}.docx" for key in meeting_documents(record)}
        numbered = assign_numbers(record, reg, files, terms={"bcd35": "2020-2025"})
        again = assign_numbers(record, reg, files, terms={"bcd35": "2020-2025"})
        entries = reg.list()
    assert record.documents.minutes.number == 7  # the input record is left alone
    docs = meeting_documents(numbered)
    assert docs["minutes"].number == 1  # BB of BCĐ35
    assert docs["notice"].number == 1  # TB of BCĐ35
    assert docs["award:ubnd-bang-khen"].number == 2156  # the state series continues
    # the two decisions of BCĐ35 share its QĐ series; BCĐTTĐN has its own
    assert sorted([docs["award:bcd35-giay-khen"].number, docs["award:bcd35-cuoc-thi"].number]) == [
        1,
        2,
    ]
    assert docs["award:bcd-ttdn-giay-khen"].number == 1
    # rebuilding draws nothing new
    assert meeting_documents(again) == docs
    assert len(entries) == 1 + len(files)
    by_file = {e.file: e.reference for e in entries if e.file}
    assert by_file["award-ubnd-bang-khen.docx"] == "2156/QĐ-UBND"
    assert by_file["minutes.docx"] == "01-BB/BCĐ35"
    assert {e.period for e in entries if e.issuer == "BCĐ35"} == {"2020-2025"}


def test_assign_numbers_can_number_some_documents(tmp_path: Path) -> None:
    record = load_meeting(SAMPLE)
    with Register(tmp_path / "r.sqlite") as reg:
        numbered = assign_numbers(record, reg, ["notice"])
        assert len(reg.list()) == 1
        with pytest.raises(ValueError, match="unknown documents"):
            assign_numbers(record, reg, ["award:nope"])
    assert numbered.documents.notice.number == 1
    assert numbered.documents.minutes.number == 7


def test_the_register_path_comes_from_option_env_or_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DOCGEN_REGISTER", raising=False)
    assert register_path() == Path("docgen-register.sqlite")
    monkeypatch.setenv("DOCGEN_REGISTER", str(tmp_path / "env.sqlite"))
    assert register_path() == tmp_path / "env.sqlite"
    assert register_path(tmp_path / "opt.sqlite") == tmp_path / "opt.sqlite"


def test_a_file_that_is_not_a_register_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "r.sqlite"
    bad.write_bytes(b"this is a spreadsheet, not a database" * 100)
    with pytest.raises(DocgenError, match="not a docgen register"):
        Register(bad).next("UBND", "QĐ", "state", D)
    with pytest.raises(DocgenError, match="does not exist"):
        Register(tmp_path / "missing" / "r.sqlite").next("UBND", "QĐ", "state", D)


def test_a_register_held_locked_too_long_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    Register(path).assign("UBND", "QĐ", "state", D)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DocgenError, match="in use by another docgen"):
            Register(path, busy_timeout=0.2).assign("UBND", "QĐ", "state", D)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert Register(path).assign("UBND", "QĐ", "state", D) == 2


# ---------------------------------------------------------------------------------------------
# Several processes at once
# ---------------------------------------------------------------------------------------------


def _draw(path: str, count: int, barrier, results) -> None:
    barrier.wait()  # all eight interpreters are up before anyone draws
    began = time.time()
    with Register(path, busy_timeout=120) as reg:
        pid = multiprocessing.current_process().pid
        drawn = [
            reg.assign("UBND", "QĐ", "state", D, document=f"pid-{pid}-{i}") for i in range(count)
        ]
    results.put((began, time.time(), drawn))


def test_eight_processes_drawing_a_hundred_numbers_each_get_800_distinct_consecutive(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "r.sqlite")
    ctx = multiprocessing.get_context("spawn")  # real, separate interpreters
    barrier = ctx.Barrier(8)
    results = ctx.Queue()
    procs = [ctx.Process(target=_draw, args=(path, 100, barrier, results)) for _ in range(8)]
    for proc in procs:
        proc.start()
    runs = [results.get(timeout=300) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    drawn = [batch for _, _, batch in runs]
    everything = [n for batch in drawn for n in batch]
    assert len(everything) == 800
    assert sorted(everything) == list(range(1, 801))
    for batch in drawn:
        assert batch == sorted(batch)  # each process saw the series only move forward
    # the processes really ran at the same time (otherwise this test proves nothing)
    assert max(began for began, _, _ in runs) < min(ended for _, ended, _ in runs)
    entries = Register(path).list()
    assert sorted(e.number for e in entries) == list(range(1, 801))
    assert len({e.document for e in entries}) == 800


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


def run(*args: str) -> object:
    return CliRunner().invoke(main, ["register", *args])


def test_cli_assign_next_list_void(tmp_path: Path) -> None:
    path = str(tmp_path / "r.sqlite")
    opt = ["--register", path]
    result = run(
        "assign",
        "UBND",
        "QĐ",
        "--profile",
        "state",
        "--date",
        "08/12/2022",
        "--file",
        "qd.docx",
        *opt,
    )
    assert result.exit_code == 0, result.output
    assert "Số: 01/QĐ-UBND" in result.output
    result = run("assign", "BCĐ35", "TB", "--profile", "party", "--term", "2020-2025", *opt)
    assert "Số 01-TB/BCĐ35" in result.output
    result = run("next", "UBND", "QĐ", "--profile", "state", "--date", "2022-12-09", *opt)
    assert "Số: 02/QĐ-UBND" in result.output and "not taken" in result.output
    result = run("void", "Số: 01/QĐ-UBND", "--reason", "ký nhầm", *opt)
    assert result.exit_code == 0, result.output
    assert "01/QĐ-UBND (2022) is void: ký nhầm" in result.output
    result = run("list", *opt)
    assert result.exit_code == 0
    assert "VOID: ký nhầm" in result.output and "qd.docx" in result.output
    assert "01-TB/BCĐ35" in result.output and "2 numbers, 1 void" in result.output
    result = run("list", "--year", "2022", *opt)
    assert "01-TB/BCĐ35" not in result.output and "01/QĐ-UBND" in result.output
    result = run("assign", "UBND", "QĐ", "--profile", "state", "--date", "2022-12-10", *opt)
    assert "Số: 02/QĐ-UBND" in result.output


def test_cli_voids_a_cong_van_whose_issuer_code_has_a_hyphen(tmp_path: Path) -> None:
    opt = ["--register", str(tmp_path / "r.sqlite")]
    assert (
        run("assign", "UBND-VX", "-", "--profile", "state", "--date", "2022-01-05", *opt).exit_code
        == 0
    )
    result = run("void", "01/UBND-VX", "--reason", "x", *opt)
    assert result.exit_code == 0, result.output
    assert "01/UBND-VX (2022) is void" in result.output


def test_cli_errors_exit_2_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCGEN_REGISTER", str(tmp_path / "env.sqlite"))
    result = run("list")
    assert result.exit_code == 2 and "no register here yet" in result.output
    result = run("void", "not-a-number", "--reason", "x")
    assert result.exit_code == 2 and "05/QĐ-UBND" in result.output
    result = run("void", "05/QĐ-UBND", "--reason", "x")
    assert result.exit_code == 2 and "not in the register" in result.output
    assert (tmp_path / "env.sqlite").exists()  # the env var chose the file
    result = run("assign", "TU", "-", "--profile", "party")
    assert result.exit_code == 2 and "type code" in result.output
    for result in (run("list"), run("void", "x", "--reason", "y")):
        assert "Traceback" not in result.output
