"""YAML that would exhaust docgen: alias bombs, aliases inside themselves, deep nesting, huge
files — each refused with a located message (exit 2), for meeting files and certificate layouts
alike; and libyaml, where PyYAML has it, reading files exactly as the pure-Python parser does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgen import loader
from docgen.cli import main
from docgen.errors import DocgenError
from docgen.loader import MAX_DEPTH, MAX_YAML_BYTES, load_meeting, parse_meeting, parse_yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "lang-son-2022.yaml"
LAYOUT = ROOT / "templates" / "certificates" / "bang-khen.yaml"


def alias_bomb(levels: int = 10, width: int = 10, size: int = 17_000) -> str:
    """``levels`` anchors, each a list of ``width`` aliases of the one before: width**levels."""
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    text = "\n".join(lines) + "\n"
    return text + "# " + "x" * max(0, size - len(text) - 3) + "\n"


def validate(tmp_path: Path, text: str, name: str = "hop.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["validate", str(path)]), path


def test_alias_bomb_of_17_kb_is_refused_at_the_alias_that_overflows(tmp_path: Path) -> None:
    text = alias_bomb()
    assert 16_000 < len(text.encode()) < 18_000
    result, path = validate(tmp_path, text)
    assert result.exit_code == 2, result.output
    assert f"{path}, line 6, column " in result.output  # a5: the first level past the bound
    assert "a5, item 4 — " in result.output and "alias" in result.output
    assert "Traceback" not in result.output


def test_alias_bomb_in_a_real_process_with_memory_and_time_bounded(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(), encoding="utf-8")
    # 400 MB of address space and 30 s: without the bound the process would need ~10¹⁰ nodes.
    probe = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (400 << 20, 400 << 20))\n"
        "from docgen.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2, done.stderr
    assert "line 6" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("text", "where", "field"),
    [
        ("a: &r [*r]\n", "line 1, column 8", "a, item 1"),
        ("b: &m {a: *m}\n", "line 1, column 11", "b › a"),
        ("c:\n  d: &m\n    e:\n      - *m\n", "line 4, column 9", "c › d › e, item 1"),
        ("&top [1, 2, *top]\n", "line 1, column 13", "item 3"),
    ],
)
def test_an_alias_inside_itself_is_located(tmp_path: Path, text: str, where: str, field: str):
    result, path = validate(tmp_path, text)
    assert result.exit_code == 2
    assert f"{path}, {where}: {field} — the alias" in result.output
    assert "RecursionError" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000, 200_000])
def test_deep_flow_nesting_is_located_never_a_crash(tmp_path: Path, depth: int) -> None:
    # In a child process: unbounded, the C parser's recursion overflows the stack (a crash no
    # exception handler sees) and the Python one raises RecursionError.
    path = tmp_path / "deep.yaml"
    path.write_text("meeting: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "docgen", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr[-500:]
    assert f"{path}, line 1, column " in done.stderr
    assert f"nested more than {MAX_DEPTH} levels" in done.stderr


def test_deep_block_nesting_names_the_field(tmp_path: Path) -> None:
    text = "meeting:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 100)) + "  " * 100 + "x\n"
    result, path = validate(tmp_path, text)
    assert result.exit_code == 2
    assert f"{path}, line {MAX_DEPTH + 1}, column " in result.output
    assert "The meeting › k1 › k2 › k3 › … › k62 › k63 — " in result.output


def test_nesting_within_the_bound_is_read(tmp_path: Path) -> None:
    data, values, _ = parse_yaml("a: " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1), "f")
    inner = data["a"]
    for _ in range(MAX_DEPTH - 2):
        inner = inner[0]
    assert inner == [1]


def test_a_shared_block_within_the_bound_is_still_allowed() -> None:
    data, _, _ = parse_yaml("base: &b {x: 1}\nuse: *b\nagain: [*b, *b]\n", "f")
    assert data["use"] == {"x": 1} and data["again"] == [{"x": 1}, {"x": 1}]


def test_a_huge_meeting_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    line = "# " + "x" * 1000 + "\n"
    path.write_text(SAMPLE.read_text(encoding="utf-8") + line * (MAX_YAML_BYTES // len(line) + 1))
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}: the file is 5.0 MB" in result.output and "at most 5 MB" in result.output
    assert time.perf_counter() - started < 10  # not parsed: 55 MB took 85 s before the cap


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_pipe_or_device_named_yaml_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(DocgenError, match="not a regular file"):
        load_meeting(fifo)
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    with pytest.raises(DocgenError, match="not a regular file"):
        load_meeting(zero)


def test_certificate_layouts_are_bounded_the_same_way(tmp_path: Path) -> None:
    from docgen.certificates.layout import load_layout

    cases = {
        "bomb.yaml": (LAYOUT.read_text(encoding="utf-8") + alias_bomb(size=0), "alias"),
        "self.yaml": (LAYOUT.read_text(encoding="utf-8") + "extra: &r [*r]\n", "extra, item 1 — "),
        "deep.yaml": ("page: " + "[" * 10_000 + "]" * 10_000 + "\n", "nested more than"),
    }
    for name, (text, expected) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(DocgenError) as caught:
            load_layout(path)
        message = str(caught.value)
        assert f"{path}, line " in message and expected in message, message
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_YAML_BYTES + 10))
    with pytest.raises(DocgenError, match="at most 5 MB"):
        load_layout(big)


# --- libyaml and the pure-Python parser agree ----------------------------------------------


BROKEN = [
    "meeting:\n  name: a\n venue: b\n",  # bad indentation
    'meeting:\n  name: "open\n',  # quote not closed
    "meeting:\n\tname: x\n",  # a tab
    "meeting: [1, 2\n",
    "meeting: {a: 1\n",
    "a: b: c\n",
    "- a\nb: c\n",
    "meeting: *nowhere\n",
    "meeting: !!python/object:os.system x\n",
    "meeting: &a 1\n  &b 2\n",
    "a: 1\n---\nb: 2\n",
    "? [a, b]\n: c\n",
    "x: @y\n",
    "x: `y\n",
    "x: |\n  a\n b\n",
    "%YAML 9.9\n---\na: 1\n",
    "meeting: {venue: !!int x}\n",
    "meeting: !!float abc\n",
    "meeting: !!bool maybe\n",
    "meeting: !!timestamp 2022-13-45\n",
    "meeting: !!binary '%%%'\n",
]


def outcomes(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        try:
            data, values, keys = parse_yaml(text, "f.yaml")
            found.append(repr((data, values, keys)))
        except DocgenError as exc:
            found.append(str(exc))
    return found


def test_libyaml_is_used_when_pyyaml_has_it() -> None:
    if not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML built without libyaml")
    assert issubclass(loader._FastLoader, yaml.CSafeLoader)


def test_every_message_and_mark_is_the_same_with_and_without_libyaml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sample = SAMPLE.read_text(encoding="utf-8")
    texts = [sample, sample.replace("\n  venue:", "\n venue:"), *BROKEN]
    fast = outcomes(texts)
    monkeypatch.setattr(loader, "_FastLoader", loader._Loader)
    slow = outcomes(texts)
    assert fast == slow
    assert sum("line " in outcome for outcome in fast[2:]) >= len(BROKEN) - 4
    assert (
        "line 1, column 18: The meeting › Venue (venue) — 'x' cannot be read as !!int" in fast[-5]
    )


def test_the_sample_is_the_same_record_with_and_without_libyaml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    fast = parse_meeting(text, "s")
    monkeypatch.setattr(loader, "_FastLoader", loader._Loader)
    assert fast.model_dump() == parse_meeting(text, "s").model_dump()


# --- random YAML structures ------------------------------------------------------------------

ANCHORS = ["a", "b", "c"]
PLAIN = [
    "8:30",
    "2022-12-12",
    "yes",
    "~",
    "1_000",
    "0x1F",
    ".inf",
    "1e5",
    "-1",
    "null",
    "!!binary aGk=",
    "!!str 12",
    "!!python/object:os.system x",
    "!!int x",
    "'it''s'",
    "Hội nghị",
]


def scalars() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(PLAIN),
        st.integers(-(10**30), 10**30).map(str),
        st.text(max_size=20).map(json.dumps),
        st.sampled_from(ANCHORS).map(lambda a: f"*{a}"),
    )


def anchored(node: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from([None, *ANCHORS]), node).map(
        lambda pair: f"&{pair[0]} {pair[1]}" if pair[0] else pair[1]
    )


def flow_nodes() -> st.SearchStrategy[str]:
    keys = st.one_of(st.sampled_from(["name", "venue", "x", "1", "[1]"]), scalars())
    return st.recursive(
        anchored(scalars()),
        lambda children: anchored(
            st.one_of(
                st.lists(children, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
                st.lists(st.tuples(keys, children), max_size=4).map(
                    lambda kvs: "{" + ", ".join(f"{k}: {v}" for k, v in kvs) + "}"
                ),
            )
        ),
        max_leaves=30,
    )


def documents() -> st.SearchStrategy[str]:
    sample = SAMPLE.read_text(encoding="utf-8")
    deep = st.integers(1, 3 * MAX_DEPTH).map(lambda n: "[" * n + "]" * n)
    node = st.one_of(flow_nodes(), deep)
    return st.one_of(
        node,  # the whole file
        st.lists(st.tuples(st.sampled_from(["x", "meeting", "&a y"]), node), max_size=5).map(
            lambda kvs: "".join(f"{k}: {v}\n" for k, v in kvs)
        ),
        node.map(lambda v: sample.replace("\n  venue: ", f"\n  venue: {v} #", 1)),
        st.lists(node, min_size=1, max_size=6).map(
            lambda vs: (
                "".join(f"k{i}: &a{i} {v}\n" for i, v in enumerate(vs))
                + "all: ["
                + ", ".join(f"*a{i}" for i in range(len(vs)))
                + "]\n"
            )
        ),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents())
def test_random_yaml_structures_exit_0_or_2_in_bounded_time_and_memory(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("yaml")
    path = folder / "hop.yaml"
    path.write_text(text, encoding="utf-8")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = CliRunner().invoke(main, ["validate", str(path)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - started
    assert result.exit_code in (0, 2), (text, result.output, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert str(path) in result.output, result.output
    assert elapsed < 10, elapsed
    assert peak < 100 << 20, peak


def test_the_10_by_10_bomb_in_a_layout_inside_a_build_is_refused(tmp_path: Path) -> None:
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    for name in ("bang-khen.yaml", "giay-khen.yaml"):
        text = (LAYOUT.parent / name).read_text(encoding="utf-8")
        (layouts / name).write_text(text + alias_bomb(size=0), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["certificates", str(SAMPLE), "--layouts", str(layouts), "-o", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "bang-khen.yaml, line " in result.output or "giay-khen.yaml, line " in result.output
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("number", ["!!float .nan", "!!float .inf", "1e999"])
def test_a_layout_number_that_is_not_finite_is_located(number: str) -> None:
    from docgen.certificates.layout import parse_layout

    text = LAYOUT.read_text(encoding="utf-8")
    typed = text.replace("    x: 235\n", f"    x: {number}\n", 1)
    assert typed != text
    with pytest.raises(DocgenError) as caught:
        parse_layout(typed, "layout.yaml")
    line = typed[: typed.index(f"    x: {number}")].count("\n") + 1
    assert f"layout.yaml, line {line}, column " in str(caught.value)
