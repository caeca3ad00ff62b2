"""Hostile and careless use of docgen's files: links, sweeps, modes, unwritable targets, owners.

Each test plays one class of attack or mistake from issue 9 and asserts the exact outcome: the
exit status, no traceback, the message naming the file, nothing written outside the output
folder and the files that must stay untouched byte for byte.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import docx_samples as samples
from conftest import SAMPLE
from docgen import outputs
from docgen.cli import main
from docgen.errors import DocgenError
from docgen.outputs import LOCK, MANIFEST, sha256, transaction

QUICK = ["--only", "minutes", "--format", "docx", "--certificates", "none"]


def run(*args: str | os.PathLike[str], cwd: Path | None = None) -> Result:
    if cwd is not None:
        old = Path.cwd()
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [str(a) for a in args])
    finally:
        if cwd is not None:
            os.chdir(old)


def assert_clean_failure(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for fragment in fragments:
        assert fragment in result.output, result.output


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def read_only() -> Iterator:
    """Make a folder unwritable for real: chmod for a user, the immutable flag for root."""
    made: list[Path] = []

    def make(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            if shutil.which("chattr") is None:
                pytest.skip("running as root without chattr")
            done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
            if done.returncode != 0:
                pytest.skip(f"chattr +i not supported here: {done.stderr!r}")
        else:
            folder.chmod(0o555)
        made.append(folder)
        return folder

    yield make
    for folder in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], check=False)
        else:
            folder.chmod(0o755)


# ---------------------------------------------------------------------------------------------
# Item 2: never write outside the output folder
# ---------------------------------------------------------------------------------------------


def test_a_link_planted_at_the_lock_file_is_refused_and_its_target_untouched(
    tmp_path: Path,
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK).symlink_to(victim)
    result = run("build", SAMPLE, "-o", out, *QUICK)
    assert_clean_failure(result, LOCK, "link")
    assert victim.read_bytes() == b"precious"
    assert sorted(p.name for p in out.iterdir()) == [LOCK]


def test_a_hard_link_planted_at_the_lock_file_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    out = tmp_path / "out"
    out.mkdir()
    os.link(victim, out / LOCK)
    with pytest.raises(DocgenError, match="link"):
        with transaction(out) as staged:
            staged.add("a.docx", b"a")
    assert victim.read_bytes() == b"precious"
    assert not (out / "a.docx").exists()


def test_a_symlinked_sub_folder_is_never_written_through(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    linked = out / "05-bang-khen-giay-khen-bcd-ttdn-giay-khen-overlay"
    linked.symlink_to(elsewhere, target_is_directory=True)
    result = run(
        "certificates", SAMPLE, "-o", out, "--per-recipient", "--award", "bcd-ttdn-giay-khen"
    )
    assert_clean_failure(result, linked.name, "link")
    assert list(elsewhere.iterdir()) == []
    assert not (out / MANIFEST).exists()


def test_a_link_at_a_target_file_is_refused_even_with_force(tmp_path: Path) -> None:
    victim = tmp_path / "victim.docx"
    victim.write_bytes(b"precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "01-bien-ban.docx").symlink_to(victim)
    result = run("build", SAMPLE, "-o", out, *QUICK, "--force")
    assert_clean_failure(result, "01-bien-ban.docx", "link")
    assert victim.read_bytes() == b"precious"
    assert (out / "01-bien-ban.docx").is_symlink()


def test_a_link_at_a_temporary_name_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The temporary's name is random; fix it to plant a link exactly there.
    monkeypatch.setattr(outputs.files.secrets, "token_hex", lambda n: "abcd1234")
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".a.docx.abcd1234.tmp").symlink_to(victim)
    with pytest.raises(DocgenError, match="nothing was changed"):
        with transaction(out) as staged:
            staged.add("a.docx", b"new")
    assert victim.read_bytes() == b"precious"
    assert not (out / "a.docx").exists()


def test_a_link_at_the_manifest_is_replaced_not_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.json"
    victim.write_text("{}")
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).symlink_to(victim)
    with transaction(out) as staged:
        staged.add("a.docx", b"a")
    assert victim.read_text() == "{}"
    assert not (out / MANIFEST).is_symlink()
    assert json.loads((out / MANIFEST).read_text())["files"] == {"a.docx": sha256(b"a")}


# ---------------------------------------------------------------------------------------------
# Item 8: the sweep removes only recorded temporaries; no root or home as output folder
# ---------------------------------------------------------------------------------------------


def test_temp_lookalikes_of_other_programs_survive_a_build(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    lookalikes = [out / ".report.xlsx.ABCDEF.tmp", out / "sub" / ".x.docx.123456.tmp"]
    for path in lookalikes:
        path.write_bytes(b"someone else's")
    result = run("build", SAMPLE, "-o", out, *QUICK)
    assert result.exit_code == 0, result.output
    assert all(p.read_bytes() == b"someone else's" for p in lookalikes)


def test_a_recorded_temporary_outside_the_folder_is_never_removed(tmp_path: Path) -> None:
    outside = tmp_path / ".victim.docx.abcdef12.tmp"
    outside.write_bytes(b"precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text(
        json.dumps({"files": {}, "temps": ["../.victim.docx.abcdef12.tmp", str(outside)]})
    )
    with transaction(out) as staged:
        staged.add("a.docx", b"a")
    assert outside.read_bytes() == b"precious"


@pytest.mark.parametrize("where", ["root", "home"])
def test_a_filesystem_root_or_the_home_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    target = Path(Path.cwd().anchor) if where == "root" else home
    before = sorted(p.name for p in target.iterdir())
    result = run("build", SAMPLE, "-o", target, *QUICK)
    assert_clean_failure(result, str(target))
    assert sorted(p.name for p in target.iterdir()) == before
    result = run("certificates", SAMPLE, "-o", target)
    assert_clean_failure(result, str(target))
    assert sorted(p.name for p in target.iterdir()) == before


# ---------------------------------------------------------------------------------------------
# Item 12: outputs respect the umask
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_every_file_docgen_creates_follows_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        out = tmp_path / "out"
        result = run("build", SAMPLE, "-o", out, *QUICK)
        assert result.exit_code == 0, result.output
        new = run("new", tmp_path / "cuoc-hop.yaml")
        assert new.exit_code == 0, new.output
        docx = samples.minutes(tmp_path / "bb.docx", paragraphs=1)
        converted = run("pdf", docx, "-o", tmp_path / "pdf")
        assert converted.exit_code == 0, converted.output
    finally:
        os.umask(old)
    made = [*out.iterdir(), tmp_path / "cuoc-hop.yaml", *(tmp_path / "pdf").iterdir()]
    assert {p.name for p in made} >= {"01-bien-ban.docx", MANIFEST, LOCK, "bb.pdf"}
    for path in made:
        assert stat.S_IMODE(path.stat().st_mode) == mode, path


# ---------------------------------------------------------------------------------------------
# Item 13: unwritable targets are a message, never a traceback
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["pdf", "build", "certificates"])
def test_writing_into_a_read_only_folder(tmp_path: Path, read_only, command: str) -> None:
    docx = samples.minutes(tmp_path / "bb.docx", paragraphs=1)
    folder = read_only(tmp_path / "ro")
    args = {
        "pdf": ("pdf", docx, "-o", folder),
        "build": ("build", SAMPLE, "-o", folder, *QUICK),
        "certificates": ("certificates", SAMPLE, "-o", folder, "--award", "bcd-ttdn-giay-khen"),
    }[command]
    result = run(*args)
    assert_clean_failure(result, str(folder))
    assert list(folder.iterdir()) == []
    # and one level down: the output folder cannot even be made
    sub = folder / "out"
    result = run(*[sub if a == folder else a for a in args])
    assert_clean_failure(result, str(sub))
    assert not sub.exists()


def test_pdf_into_an_existing_file(tmp_path: Path) -> None:
    docx = samples.minutes(tmp_path / "bb.docx", paragraphs=1)
    existing = tmp_path / "notes.txt"
    existing.write_bytes(b"keep me")
    result = run("pdf", docx, "-o", existing)
    assert_clean_failure(result, str(existing))
    assert existing.read_bytes() == b"keep me"


def test_new_into_a_read_only_folder(tmp_path: Path, read_only) -> None:
    folder = read_only(tmp_path / "ro")
    result = run("new", folder / "cuoc-hop.yaml")
    assert_clean_failure(result, "cuoc-hop.yaml")
    assert list(folder.iterdir()) == []


def test_templates_init_into_a_read_only_folder(tmp_path: Path, read_only) -> None:
    folder = read_only(tmp_path / "ro")
    result = run("templates", "init", folder)
    assert_clean_failure(result, str(folder))
    assert list(folder.iterdir()) == []
    # and half-way: a read-only sub-folder stops the copy, and what was copied goes again
    target = tmp_path / "mine"
    read_only(target / "party")
    result = run("templates", "init", target)
    assert_clean_failure(result, "party")
    assert [p for p in target.rglob("*") if p.is_file()] == []


def _fail_manifest_write(monkeypatch: pytest.MonkeyPatch, which: int) -> list[int]:
    """Make the ``which``-th manifest write of the next commit hit a full disk."""
    real = outputs.manifest._replace_file
    calls = [0]

    def replace_file(path: Path, data: bytes) -> None:
        if path.name == MANIFEST:
            calls[0] += 1
            if calls[0] == which:
                # as the real one would: the temporary is written, then the disk is full
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(outputs.manifest, "_replace_file", replace_file)
    return calls


def test_disk_full_at_the_first_manifest_write_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert run("build", SAMPLE, "-o", out, *QUICK).exit_code == 0
    (tmp_path / "changed.yaml").write_text(
        SAMPLE.read_text("utf-8").replace("Hội nghị", "Hội nghị (sửa)", 1), "utf-8"
    )
    before = snapshot(out)
    _fail_manifest_write(monkeypatch, 1)
    result = run("build", tmp_path / "changed.yaml", "-o", out, *QUICK, "--force")
    assert_clean_failure(result, "No space left on device", "nothing was changed")
    assert snapshot(out) == before  # no temporaries either


def test_disk_full_at_the_last_manifest_write_is_a_warning_not_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    calls = _fail_manifest_write(monkeypatch, 2)
    result = run("build", SAMPLE, "-o", out, *QUICK)
    assert calls[0] == 2
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert MANIFEST in result.output and "No space left on device" in result.output
    assert (out / "01-bien-ban.docx").is_file()
    assert not [p for p in out.iterdir() if outputs.is_temp_name(p.name)]
    monkeypatch.undo()
    # the journal vouches for the files: the next build is not refused, and settles it
    assert run("build", SAMPLE, "-o", out, *QUICK).exit_code == 0
    recorded = json.loads((out / MANIFEST).read_text())
    assert "pending" not in recorded and "temps" not in recorded
    assert recorded["files"]["01-bien-ban.docx"] == sha256((out / "01-bien-ban.docx").read_bytes())


# ---------------------------------------------------------------------------------------------
# Item 19: a folder knows its meeting; `docgen pdf` keeps the no-lost-edit rule
# ---------------------------------------------------------------------------------------------


def _two_meetings(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "a" / "cuoc-hop.yaml", tmp_path / "b" / "cuoc-hop.yaml"
    for path, name in ((first, "Hội nghị A"), (second, "Hội nghị B")):
        path.parent.mkdir()
        text = SAMPLE.read_text("utf-8")
        path.write_text(text.replace("Hội nghị", name, 1), "utf-8")
    return first, second


def test_two_meetings_with_one_file_name_get_two_default_folders(tmp_path: Path) -> None:
    first, second = _two_meetings(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    assert run("build", first, *QUICK, cwd=work).exit_code == 0
    mine = snapshot(work / "output" / "cuoc-hop")
    result = run("build", second, *QUICK, cwd=work)
    assert result.exit_code == 0, result.output
    assert snapshot(work / "output" / "cuoc-hop") == mine
    assert (work / "output" / "cuoc-hop-2" / "01-bien-ban.docx").is_file()
    # each rebuild finds its own folder again
    assert run("build", first, *QUICK, cwd=work).exit_code == 0
    assert run("build", second, *QUICK, cwd=work).exit_code == 0
    assert sorted(p.name for p in (work / "output").iterdir()) == ["cuoc-hop", "cuoc-hop-2"]
    # certificates follow the same rule
    assert run("certificates", second, "--award", "bcd-ttdn-giay-khen", cwd=work).exit_code == 0
    folder = work / "output" / "cuoc-hop-2"
    assert (folder / "05-bang-khen-giay-khen-bcd-ttdn-giay-khen-overlay.pdf").exists()


def test_another_meeting_into_an_explicit_folder_is_refused(tmp_path: Path) -> None:
    first, second = _two_meetings(tmp_path)
    out = tmp_path / "out"
    assert run("build", first, "-o", out, *QUICK).exit_code == 0
    before = snapshot(out)
    result = run("build", second, "-o", out, *QUICK)
    assert_clean_failure(result, str(first.resolve()), "--force")
    assert snapshot(out) == before
    result = run("build", second, "-o", out, *QUICK, "--force")
    assert result.exit_code == 0, result.output
    assert json.loads((out / MANIFEST).read_text())["meeting"] == str(second.resolve())


def test_pdf_keeps_a_hand_edited_pdf_unless_forced_and_then_backs_it_up(tmp_path: Path) -> None:
    docx = samples.minutes(tmp_path / "bb.docx", paragraphs=1)
    assert run("pdf", docx).exit_code == 0
    pdf = tmp_path / "bb.pdf"
    pdf.write_bytes(b"%PDF-1.4 signed and stamped by hand")
    result = run("pdf", docx)
    assert_clean_failure(result, str(pdf), "--force")
    assert pdf.read_bytes() == b"%PDF-1.4 signed and stamped by hand"
    result = run("pdf", docx, "--force")
    assert result.exit_code == 0, result.output
    backups = list(tmp_path.glob("bb.edited-*.pdf"))
    assert [b.read_bytes() for b in backups] == [b"%PDF-1.4 signed and stamped by hand"]
    assert str(backups[0]) in result.output
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.read_bytes() != backups[0].read_bytes()


@pytest.mark.parametrize("second_name", ["bb.docx", "BB.docx"])
def test_pdf_refuses_two_inputs_that_would_make_one_pdf(tmp_path: Path, second_name: str) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    one = samples.minutes(tmp_path / "x" / "bb.docx", paragraphs=1)
    two = samples.minutes(tmp_path / "y" / second_name, paragraphs=2)
    out = tmp_path / "out"
    result = run("pdf", one, two, "-o", out)
    assert_clean_failure(result, str(one), str(two))
    assert not out.exists()
    # the same file twice is one input, not a clash
    assert run("pdf", one, one, "-o", out).exit_code == 0
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["bb.pdf"]


# ---------------------------------------------------------------------------------------------
# Item 21: certificates per recipient, re-run after the list changed
# ---------------------------------------------------------------------------------------------


def test_per_recipient_rerun_leaves_exactly_the_current_list(tmp_path: Path) -> None:
    meeting = tmp_path / "cuoc-hop.yaml"
    text = SAMPLE.read_text("utf-8")
    meeting.write_text(text, "utf-8")
    out = tmp_path / "out"
    args = ("certificates", meeting, "-o", out, "--per-recipient", "--award", "bcd35-giay-khen")
    assert run(*args).exit_code == 0
    folder = out / "05-bang-khen-giay-khen-bcd35-giay-khen-overlay"
    before = sorted(p.name for p in folder.iterdir())
    assert len(before) == 13 and any("tran-thi-thuy" in n for n in before)
    clerks_note = folder / "ghi-chu.txt"
    clerks_note.write_text("the clerk's own file")

    removed = "      - {name: Trần Thị Thúy, position: Chuyên viên, unit: Ban Dân vận Tỉnh ủy}\n"
    assert removed in text
    meeting.write_text(text.replace(removed, ""), "utf-8")
    result = run(*args)
    assert result.exit_code == 0, result.output
    after = sorted(p.name for p in folder.iterdir() if p != clerks_note)
    assert len(after) == 12
    assert not any("tran-thi-thuy" in n for n in after)
    numbers = [n.split("-")[0] for n in after]
    assert numbers == [f"{i:03d}" for i in range(1, 13)]  # no renumbered duplicates
    assert clerks_note.read_text() == "the clerk's own file"
    recorded = json.loads((out / MANIFEST).read_text())["files"]
    assert sorted(n.split("/")[1] for n in recorded if n.startswith(folder.name)) == after


def test_per_recipient_rerun_keeps_a_hand_edited_certificate_of_a_removed_recipient(
    tmp_path: Path,
) -> None:
    meeting = tmp_path / "cuoc-hop.yaml"
    text = SAMPLE.read_text("utf-8")
    meeting.write_text(text, "utf-8")
    out = tmp_path / "out"
    args = ("certificates", meeting, "-o", out, "--per-recipient", "--award", "bcd35-giay-khen")
    assert run(*args).exit_code == 0
    folder = out / "05-bang-khen-giay-khen-bcd35-giay-khen-overlay"
    last = sorted(folder.iterdir())[-1]  # Bế Thị Mai, the last of the list
    last.write_bytes(b"%PDF retouched")
    removed = (
        "      - {name: Bế Thị Mai, position: Chuyên viên, unit: Sở Thông tin và Truyền thông}\n"
    )
    meeting.write_text(text.replace(removed, ""), "utf-8")
    result = run(*args)
    assert_clean_failure(result, last.name)
    assert last.read_bytes() == b"%PDF retouched"
    result = run(*args, "--force")
    assert result.exit_code == 0, result.output
    assert not last.exists()
    backups = list(folder.glob("*.edited-*.pdf"))
    assert [b.read_bytes() for b in backups] == [b"%PDF retouched"]


# ---------------------------------------------------------------------------------------------
# Item 1: a number is given once per meeting, and a rebuild gets it back
# ---------------------------------------------------------------------------------------------


def _numbered_build(meeting: Path, register: Path, out: Path) -> Result:
    return run(
        "build", meeting, "-o", out, *QUICK, "--number", "auto", "--register", register, "--force"
    )


def test_two_meetings_with_one_file_name_get_different_numbers(tmp_path: Path) -> None:
    from docgen.register import Register

    first, second = _two_meetings(tmp_path)
    book = tmp_path / "so-van-ban.sqlite"
    assert _numbered_build(first, book, tmp_path / "out-a").exit_code == 0
    assert _numbered_build(second, book, tmp_path / "out-b").exit_code == 0
    with Register(book) as reg:
        entries = reg.list()
    assert [e.number for e in entries] == [1, 2]
    assert entries[0].document != entries[1].document
    assert str(first.resolve()) in entries[0].document
    assert str(second.resolve()) in entries[1].document


def test_a_rebuild_of_the_same_meeting_gets_its_numbers_back_after_edits(tmp_path: Path) -> None:
    from docgen.register import Register

    meeting = tmp_path / "cuoc-hop.yaml"
    text = SAMPLE.read_text("utf-8")
    meeting.write_text(text, "utf-8")
    book = tmp_path / "so-van-ban.sqlite"
    out = tmp_path / "out"
    assert _numbered_build(meeting, book, out).exit_code == 0
    with Register(book) as reg:
        given = [(e.reference, e.document) for e in reg.list()]
    assert len(given) == 1
    # the clerk corrects the meeting's name and venue, and builds from another folder
    meeting.write_text(text.replace("Hội nghị", "Hội nghị toàn thể", 1), "utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    numbering = ("--number", "auto", "--register", book)
    result = run("build", "../cuoc-hop.yaml", "-o", out, *QUICK, *numbering, cwd=elsewhere)
    assert result.exit_code == 0, result.output
    with Register(book) as reg:
        assert [(e.reference, e.document) for e in reg.list()] == given


# ---------------------------------------------------------------------------------------------
# Items 9, 20, 22: the register's entry points refuse what would corrupt a series
# ---------------------------------------------------------------------------------------------


def register(book: Path, *args: str) -> Result:
    return run("register", *args, "--register", book)


@pytest.mark.parametrize("number", ["0", "1000000", "9223372036854775807", "99999999999999999999"])
def test_a_hand_typed_number_out_of_range_is_refused(tmp_path: Path, number: str) -> None:
    book = tmp_path / "so.sqlite"
    assert register(book, "assign", "UBND", "QĐ", "--profile", "state").exit_code == 0
    result = register(book, "assign", "UBND", "QĐ", "--profile", "state", "--number", number)
    assert_clean_failure(result, "--number", number)
    # the series goes on as before
    result = register(book, "assign", "UBND", "QĐ", "--profile", "state")
    assert result.exit_code == 0 and "02/QĐ-UBND" in result.output


@pytest.mark.parametrize("number", ["1000000", "9223372036854775807", "99999999999999999999"])
def test_a_number_out_of_range_in_the_meeting_file_is_located(tmp_path: Path, number: str) -> None:
    # The meeting file is an entry point too: its numbers are printed and may reach a register.
    text = SAMPLE.read_text(encoding="utf-8")
    assert "      number: 2156\n" in text
    meeting = tmp_path / "hop.yaml"
    meeting.write_text(text.replace("      number: 2156\n", f"      number: {number}\n"), "utf-8")
    line = text[: text.index("      number: 2156\n")].count("\n") + 1
    result = run("validate", meeting)
    assert_clean_failure(
        result, f"line {line}", "Award groups, item 1 › Decision › Number (number)", "999999"
    )
    out = tmp_path / "out"
    assert_clean_failure(run("build", meeting, "-o", out, "--format", "docx"), f"line {line}")
    assert not out.exists()


@pytest.mark.parametrize("number", [0, -1, 10**6, 2**63 - 1, 10**20, True, 2.0])
def test_the_register_api_bounds_every_number(tmp_path: Path, number: object) -> None:
    import datetime as dt

    from docgen.register import Register

    with Register(tmp_path / "so.sqlite") as reg:
        with pytest.raises(DocgenError, match="from 1 to 999999"):
            reg.assign("UBND", "QĐ", "state", dt.date(2022, 12, 12), number=number)  # type: ignore[arg-type]
        if isinstance(number, int) and not isinstance(number, bool):
            with pytest.raises(DocgenError, match="from 1 to 999999"):
                reg.find("UBND", "QĐ", "state", number)
        assert reg.list() == []


@pytest.mark.parametrize("reference", ["99999999999999999999/QĐ-UBND", "0/QĐ-UBND"])
def test_voiding_a_number_out_of_range_is_a_message(tmp_path: Path, reference: str) -> None:
    book = tmp_path / "so.sqlite"
    assert register(book, "assign", "UBND", "QĐ", "--profile", "state").exit_code == 0
    result = register(book, "void", reference, "--reason", "nhầm")
    assert_clean_failure(result, "999999")


@pytest.mark.parametrize("year", ["0", "-5", "99999999999999999999"])
def test_listing_a_year_out_of_range_is_refused(tmp_path: Path, year: str) -> None:
    book = tmp_path / "so.sqlite"
    assert register(book, "assign", "UBND", "QĐ", "--profile", "state").exit_code == 0
    assert_clean_failure(register(book, "list", "--year", year), "--year")


def test_a_series_at_its_highest_number_stops_with_a_message(tmp_path: Path) -> None:
    book = tmp_path / "so.sqlite"
    args = ("assign", "UBND", "QĐ", "--profile", "state")
    assert register(book, *args, "--number", "999999").exit_code == 0
    assert_clean_failure(register(book, *args), "999999", "QĐ/UBND")


def test_an_unrelated_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "ke-toan.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        db.execute("INSERT INTO invoices (total) VALUES (12.5)")
    db.close()
    before = other.read_bytes()
    for args in (
        ("assign", "UBND", "QĐ", "--profile", "state"),
        ("next", "UBND", "QĐ", "--profile", "state"),
        ("list",),
    ):
        result = register(other, *args)
        assert_clean_failure(result, str(other), "invoices")
    out = tmp_path / "out"
    result = run("build", SAMPLE, "-o", out, *QUICK, "--number", "auto", "--register", other)
    assert_clean_failure(result, str(other))
    assert other.read_bytes() == before
    assert not (tmp_path / "out").exists()


def test_another_programs_database_with_docgens_table_names_is_refused(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("PRAGMA application_id = 1234")
        db.execute("CREATE TABLE series (x)")
    db.close()
    before = other.read_bytes()
    assert_clean_failure(register(other, "assign", "UBND", "QĐ", "--profile", "state"), "other")
    assert other.read_bytes() == before


def test_a_register_made_before_the_application_id_still_opens(tmp_path: Path) -> None:
    import sqlite3

    from docgen.register import _SCHEMA, APPLICATION_ID

    book = tmp_path / "old.sqlite"
    with sqlite3.connect(book) as db:
        db.executescript(_SCHEMA)
        db.execute("PRAGMA user_version = 1")
    db.close()
    result = register(book, "assign", "UBND", "QĐ", "--profile", "state")
    assert result.exit_code == 0, result.output
    with sqlite3.connect(book) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    db.close()


@pytest.mark.parametrize(
    ("issuer", "type_code", "profile", "fragments"),
    [
        ("ubnd", "QĐ", "state", ["'ubnd'", "'UBND'"]),
        ("UBND", "qđ", "state", ["'qđ'", "QĐ?"]),
        ("UBND", "XYZ", "state", ["'XYZ'", "TTr"]),
        ("TU", "Tb", "party", ["'Tb'", "TB?"]),
        ("TU", "-", "party", ["type code"]),
    ],
)
def test_codes_that_would_start_a_new_series_are_refused(
    tmp_path: Path, issuer: str, type_code: str, profile: str, fragments: list[str]
) -> None:
    import sqlite3

    book = tmp_path / "so.sqlite"
    valid = ("UBND", "QĐ") if profile == "state" else ("TU", "TB")
    assert register(book, "assign", *valid, "--profile", profile).exit_code == 0
    result = register(book, "assign", issuer, type_code, "--profile", profile)
    assert_clean_failure(result, *fragments)
    with sqlite3.connect(book) as db:
        assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM series").fetchone()[0] == 1
    db.close()


@pytest.mark.parametrize(
    ("issuer", "type_code", "printed"),
    [("UBND", "TTr", "01/TTr-UBND"), ("UBND-VX", "-", "01/UBND-VX")],
)
def test_mixed_case_codes_of_the_decree_are_accepted(
    tmp_path: Path, issuer: str, type_code: str, printed: str
) -> None:
    result = register(tmp_path / "so.sqlite", "assign", issuer, type_code, "--profile", "state")
    assert result.exit_code == 0, result.output
    assert printed in result.output


def test_voiding_a_cong_van_number_with_a_hyphenated_issuer(tmp_path: Path) -> None:
    book = tmp_path / "so.sqlite"
    assert register(book, "assign", "UBND-VX", "-", "--profile", "state").exit_code == 0
    import datetime as dt

    year = str(dt.date.today().year)
    result = register(book, "void", "01/UBND-VX", "--reason", "nhầm số", "--year", year)
    assert result.exit_code == 0, result.output
    assert "01/UBND-VX" in result.output and "nhầm số" in result.output


def test_a_last_number_lowered_by_hand_is_a_clear_message(tmp_path: Path) -> None:
    import sqlite3

    book = tmp_path / "so.sqlite"
    args = ("assign", "UBND", "QĐ", "--profile", "state")
    for _ in range(3):
        assert register(book, *args).exit_code == 0
    with sqlite3.connect(book) as db:
        db.execute("UPDATE series SET last = 1")
    db.close()
    result = register(book, *args)
    assert_clean_failure(result, str(book), "QĐ/UBND", "3")
    assert "UNIQUE" not in result.output
    # `next` says the same, rather than showing 02 as the next number assign would refuse
    peek = register(book, "next", "UBND", "QĐ", "--profile", "state")
    assert_clean_failure(peek, str(book), "QĐ/UBND", "3")
    with sqlite3.connect(book) as db:
        assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == 3
    db.close()


# ---------------------------------------------------------------------------------------------
# Item 22: options that silently meant something else
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("build", SAMPLE, "-o", ""), "-o"),
        (("build", SAMPLE, "-o", "  "), "-o"),
        (("build", SAMPLE, "--only", ""), "--only"),
        (("build", SAMPLE, "--only", " , "), "--only"),
        (("build", SAMPLE, "--format", ""), "--format"),
        (("certificates", SAMPLE, "-o", ""), "-o"),
        (("pdf", SAMPLE, "-o", ""), "-o"),
    ],
)
def test_an_empty_option_is_an_error_not_everything(
    tmp_path: Path, args: tuple, fragment: str
) -> None:
    result = run(*args, cwd=tmp_path)
    assert_clean_failure(result, fragment, "empty")
    assert list(tmp_path.iterdir()) == []


def test_only_minutes_makes_only_the_minutes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("build", SAMPLE, "-o", out, "--only", "minutes", "--format", "docx")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "01-bien-ban.docx"
    ]
    # asked for, the certificates come too
    asked = ("--only", "minutes", "--format", "docx", "--certificates", "overlay")
    result = run("build", SAMPLE, "-o", out, *asked)
    assert result.exit_code == 0, result.output
    assert (out / "05-bang-khen-giay-khen-overlay.pdf").is_file()


def test_templates_check_of_a_missing_folder_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "mau-van-ban"
    result = run("templates", "check", missing)
    assert_clean_failure(result, str(missing))
    assert not missing.exists()
