"""Outputs: all-or-nothing builds, the hand-edit manifest, backups, names, and the folder lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from docgen import outputs
from docgen.errors import DocgenError
from docgen.outputs import (
    LOCK,
    MANIFEST,
    atomic_write,
    check_output_name,
    is_temp_name,
    safe_filename,
    sha256,
    transaction,
)


def build(folder: Path, files: dict[str, bytes], **kwargs) -> outputs.OutputSet:
    with transaction(folder, **kwargs) as out:
        for name, data in files.items():
            out.add(name, data)
    return out


def manifest(folder: Path) -> dict:
    return json.loads((folder / MANIFEST).read_text("utf-8"))


def visible(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def test_commit_writes_every_file_and_records_its_hash(tmp_path: Path) -> None:
    files = {"bien-ban.docx": b"minutes v1", "giay-khen/nguyen-van-a.docx": b"cert"}
    out = build(tmp_path / "out", files)
    folder = tmp_path / "out"
    assert visible(folder) == set(files)
    for name, data in files.items():
        assert (folder / name).read_bytes() == data
    recorded = manifest(folder)
    assert recorded["files"] == {name: sha256(data) for name, data in files.items()}
    assert "pending" not in recorded
    assert sorted(p.name for p in out.written) == ["bien-ban.docx", "nguyen-van-a.docx"]
    assert not [p for p in folder.rglob("*") if is_temp_name(p.name)]


def test_a_failing_build_writes_nothing_not_even_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    with pytest.raises(RuntimeError, match="template broke"):
        with transaction(folder) as out:
            out.add("a.docx", b"a")
            raise RuntimeError("template broke")
    assert not folder.exists()


def test_a_failing_rebuild_leaves_the_previous_files_untouched(tmp_path: Path) -> None:
    build(tmp_path, {"a.docx": b"old a", "b.docx": b"old b"})
    before = manifest(tmp_path)
    with pytest.raises(DocgenError):
        with transaction(tmp_path) as out:
            out.add("a.docx", b"new a")
            raise DocgenError("bad field")
    assert (tmp_path / "a.docx").read_bytes() == b"old a"
    assert manifest(tmp_path) == before


def test_rebuilding_replaces_files_docgen_wrote(tmp_path: Path) -> None:
    build(tmp_path, {"a.docx": b"v1"})
    build(tmp_path, {"a.docx": b"v2", "b.docx": b"b"})
    assert (tmp_path / "a.docx").read_bytes() == b"v2"
    assert manifest(tmp_path)["files"]["a.docx"] == sha256(b"v2")
    assert manifest(tmp_path)["files"]["b.docx"] == sha256(b"b")


def test_a_hand_edited_file_is_refused_by_name_and_nothing_is_written(tmp_path: Path) -> None:
    build(tmp_path, {"a.docx": b"v1", "b.docx": b"b1"})
    (tmp_path / "b.docx").write_bytes(b"b1 retouched by the clerk")
    with pytest.raises(DocgenError) as info:
        build(tmp_path, {"a.docx": b"v2", "b.docx": b"b2"})
    message = str(info.value)
    assert str(tmp_path / "b.docx") in message
    assert "edited since docgen wrote it" in message
    assert "--force" in message and "move or rename" in message
    assert str(tmp_path / "a.docx") not in message
    # all-or-nothing: the untouched file was not replaced either
    assert (tmp_path / "a.docx").read_bytes() == b"v1"
    assert (tmp_path / "b.docx").read_bytes() == b"b1 retouched by the clerk"


def test_a_foreign_file_is_refused_unless_it_already_holds_the_new_content(tmp_path: Path) -> None:
    (tmp_path / "a.docx").write_bytes(b"someone else's file")
    with pytest.raises(DocgenError, match="not written by docgen"):
        build(tmp_path, {"a.docx": b"generated"})
    (tmp_path / "a.docx").write_bytes(b"generated")
    out = build(tmp_path, {"a.docx": b"generated"})
    assert out.unchanged == [tmp_path / "a.docx"] and out.written == []
    assert manifest(tmp_path)["files"]["a.docx"] == sha256(b"generated")


def test_force_keeps_the_edited_copy_as_a_backup(tmp_path: Path) -> None:
    build(tmp_path, {"a.docx": b"v1"})
    (tmp_path / "a.docx").write_bytes(b"v1 + clerk's edit")
    out = build(tmp_path, {"a.docx": b"v2"}, force=True)
    assert (tmp_path / "a.docx").read_bytes() == b"v2"
    assert len(out.backups) == 1
    backup = out.backups[0]
    assert backup.parent == tmp_path
    assert backup.name.startswith("a.edited-") and backup.suffix == ".docx"
    assert backup.read_bytes() == b"v1 + clerk's edit"
    assert manifest(tmp_path)["files"]["a.docx"] == sha256(b"v2")
    # a second forced build in the same second does not overwrite the first backup
    (tmp_path / "a.docx").write_bytes(b"edit 2")
    out2 = build(tmp_path, {"a.docx": b"v3"}, force=True)
    assert out2.backups[0] != backup
    assert backup.read_bytes() == b"v1 + clerk's edit"
    assert out2.backups[0].read_bytes() == b"edit 2"


def test_backups_are_not_made_for_files_docgen_wrote(tmp_path: Path) -> None:
    build(tmp_path, {"a.docx": b"v1"})
    out = build(tmp_path, {"a.docx": b"v2"}, force=True)
    assert out.backups == []
    assert visible(tmp_path) == {"a.docx"}


def test_a_folder_in_the_way_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a.docx").mkdir()
    with pytest.raises(DocgenError, match="is a folder"):
        build(tmp_path, {"a.docx": b"x"}, force=True)


def test_a_failure_while_writing_temporaries_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(tmp_path, {"a.docx": b"a1", "b.docx": b"b1", "c.docx": b"c1"})
    before = manifest(tmp_path)
    real = outputs.commit._write_temp
    calls = []

    def disk_full(path: Path, data: bytes, *args, **kwargs) -> Path:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(path, data, *args, **kwargs)

    monkeypatch.setattr(outputs.commit, "_write_temp", disk_full)
    with pytest.raises(DocgenError, match="No space left on device.*nothing was changed"):
        build(tmp_path, {"a.docx": b"a2", "b.docx": b"b2", "c.docx": b"c2"})
    assert [(tmp_path / n).read_bytes() for n in ("a.docx", "b.docx", "c.docx")] == [
        b"a1",
        b"b1",
        b"c1",
    ]
    assert manifest(tmp_path) == before
    assert not [p for p in tmp_path.iterdir() if is_temp_name(p.name)]


def test_a_failure_to_flush_the_new_files_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(tmp_path, {"a.docx": b"a1", "b.docx": b"b1"})
    before = manifest(tmp_path)
    flushed: list[list[Path]] = []

    def disk_error(paths: list[Path]) -> None:
        flushed.append(list(paths))
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(outputs.commit, "_sync_files", disk_error)
    with pytest.raises(DocgenError, match="Input/output error.*nothing was changed"):
        build(tmp_path, {"a.docx": b"a2", "b.docx": b"b2"})
    # every new file was to be flushed before the first rename: none was renamed
    assert len(flushed) == 1 and len(flushed[0]) == 2
    assert [(tmp_path / n).read_bytes() for n in ("a.docx", "b.docx")] == [b"a1", b"b1"]
    assert manifest(tmp_path) == before
    assert not [p for p in tmp_path.iterdir() if is_temp_name(p.name)]


def test_a_file_already_as_it_would_be_written_is_not_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(tmp_path, {"a.docx": b"same", "b.docx": b"b1"})
    inode = (tmp_path / "a.docx").stat().st_ino
    real = outputs.commit._write_temp
    written: list[str] = []

    def counted(path: Path, data: bytes, *args, **kwargs) -> Path:
        written.append(path.name)
        return real(path, data, *args, **kwargs)

    monkeypatch.setattr(outputs.commit, "_write_temp", counted)
    out = build(tmp_path, {"a.docx": b"same", "b.docx": b"b2"})
    assert written == ["b.docx"]
    assert out.unchanged == [tmp_path / "a.docx"] and out.written == [tmp_path / "b.docx"]
    assert (tmp_path / "a.docx").stat().st_ino == inode
    assert (tmp_path / "b.docx").read_bytes() == b"b2"


def test_a_journal_left_by_a_killed_build_is_settled(tmp_path: Path) -> None:
    # As if the build died after renaming a.docx but before renaming b.docx.
    build(tmp_path, {"a.docx": b"a1", "b.docx": b"b1"})
    record = manifest(tmp_path)
    record["pending"] = {"a.docx": sha256(b"a2"), "b.docx": sha256(b"b2")}
    (tmp_path / MANIFEST).write_text(json.dumps(record))
    (tmp_path / "a.docx").write_bytes(b"a2")
    # a build that touches neither file still settles the journal truthfully
    build(tmp_path, {"c.docx": b"c"})
    settled = manifest(tmp_path)
    assert "pending" not in settled
    assert settled["files"]["a.docx"] == sha256(b"a2")
    assert settled["files"]["b.docx"] == sha256(b"b1")
    build(tmp_path, {"a.docx": b"a3", "b.docx": b"b3"})  # neither counts as hand-edited
    assert (tmp_path / "b.docx").read_bytes() == b"b3"


def test_stale_temporaries_are_cleaned_by_the_next_build(tmp_path: Path) -> None:
    # As if a build was killed after recording and making its temporaries.
    build(tmp_path, {"sub/a.docx": b"a"})
    stale = [tmp_path / ".a.docx.k3j4h5g6.tmp", tmp_path / "sub" / ".a.docx.abcdef12.tmp"]
    for path in stale:
        path.write_bytes(b"half a file")
    record = manifest(tmp_path)
    record["temps"] = [".a.docx.k3j4h5g6.tmp", "sub/.a.docx.abcdef12.tmp"]
    (tmp_path / MANIFEST).write_text(json.dumps(record))
    # named like a temporary, but not recorded: another program's file
    lookalike = tmp_path / "sub" / ".report.xlsx.abcdef.tmp"
    lookalike.write_text("not ours")
    keep = tmp_path / ".clerk-notes.txt"
    keep.write_text("not ours")
    build(tmp_path, {"b.docx": b"b"})
    assert not any(p.exists() for p in stale)
    assert keep.read_text() == "not ours"
    assert lookalike.read_text() == "not ours"
    assert "temps" not in manifest(tmp_path)


def test_an_unreadable_manifest_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / MANIFEST).write_text("{not json")
    with pytest.raises(DocgenError, match=r"cannot be read.*--force"):
        build(tmp_path, {"a.docx": b"a"})


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_a_read_only_target_stops_the_build_before_anything_changes(tmp_path: Path) -> None:
    build(tmp_path, {"a.docx": b"a1", "b.docx": b"b1"})
    (tmp_path / "b.docx").chmod(0o444)
    with pytest.raises(DocgenError, match="cannot be replaced"):
        build(tmp_path, {"a.docx": b"a2", "b.docx": b"b2"})
    assert (tmp_path / "a.docx").read_bytes() == b"a1"


@pytest.mark.parametrize(
    "name",
    [
        "../evil.docx",
        "sub/../../evil.docx",
        "/etc/passwd",
        "C:evil.docx",
        "sub\\evil.docx",
        "CON.docx",
        "sub/lpt1",
        "aux",
        ".docgen-manifest.json",
        ".hidden.docx",
        "trailing.",
        "a/ /b",
        "what?.docx",
        "x" * 250 + ".docx",
        "",
    ],
)
def test_unsafe_output_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError):
        check_output_name(name)
    with pytest.raises(ValueError):
        with transaction(tmp_path) as out:
            out.add(name, b"x")
    assert list(tmp_path.iterdir()) == []


def test_names_differing_only_in_case_are_one_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="twice"):
        with transaction(tmp_path) as out:
            out.add("Bien-ban.docx", b"1")
            out.add("bien-ban.DOCX", b"2")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyễn Thị Ánh", "nguyen-thi-anh"),
        ("Đặng Văn Đức", "dang-van-duc"),
        ("../../etc/passwd", "etc-passwd"),
        ("..\\..\\Windows\\System32", "windows-system32"),
        ("CON", "con-"),
        ("com1", "com1-"),
        ("LPT9", "lpt9-"),
        ("  ", "tai-lieu"),
        ("🎉🎉", "tai-lieu"),
        ("<script>&\"'", "script"),
        (
            "Phòng An ninh mạng và phòng, chống tội phạm",
            "phong-an-ninh-mang-va-phong-chong-toi-pham",
        ),
    ],
)
def test_safe_filename(text: str, expected: str) -> None:
    assert safe_filename(text) == expected
    check_output_name(safe_filename(text) + ".docx")


def test_safe_filename_cuts_long_names_at_a_word() -> None:
    name = safe_filename("Ban Tuyên giáo Huyện ủy " * 20, max_length=40)
    assert len(name) <= 40
    assert not name.endswith("-")
    assert "ban-tuyen-giao-huyen-uy".startswith(name.split("-")[0])
    assert safe_filename("a" * 500, max_length=40) == "a" * 40


def test_atomic_write_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "x.txt"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["x.txt"]


_HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from docgen.outputs import folder_lock
    with folder_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def test_a_second_build_waits_for_the_first_then_gives_up_with_a_clear_error(
    tmp_path: Path,
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(tmp_path), "30"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(DocgenError) as info:
            build(tmp_path, {"a.docx": b"a"}, lock_timeout=0.5)
        assert time.monotonic() - started >= 0.5
        assert str(tmp_path) in str(info.value)
        assert f"process {holder.pid}" in str(info.value)
        assert not (tmp_path / "a.docx").exists()
    finally:
        holder.kill()
        holder.wait()
    # the kernel released the dead holder's lock
    build(tmp_path, {"a.docx": b"a"}, lock_timeout=5)
    assert (tmp_path / LOCK).exists() and (tmp_path / "a.docx").read_bytes() == b"a"


_CONCURRENT_BUILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from docgen.outputs import transaction
    folder, tag, start = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    time.sleep(max(0.0, start - time.time()))
    for round in range(5):
        with transaction(folder) as out:
            out.add("shared.docx", f"{tag} round {round}".encode() * 1000)
            out.add(f"own-{tag}.docx", f"{tag} {round}".encode())
    """
)


def test_concurrent_builds_into_one_folder_keep_the_manifest_consistent(tmp_path: Path) -> None:
    start = time.time() + 1.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CONCURRENT_BUILD, str(tmp_path), tag, str(start)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("p1", "p2", "p3")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    recorded = manifest(tmp_path)["files"]
    assert set(recorded) == {"shared.docx", "own-p1.docx", "own-p2.docx", "own-p3.docx"}
    for name, digest in recorded.items():
        assert sha256((tmp_path / name).read_bytes()) == digest
    # the manifest agrees with the folder, so an ordinary rebuild is not refused
    build(tmp_path, {"shared.docx": b"final"})
