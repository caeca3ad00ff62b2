"""Writing the form back into the clerk's YAML file without disturbing it.

The file stays the clerk's: it may hold comments, a key order and quoting they chose, and keys
the form does not show. So the file is read with ruamel.yaml's round-trip loader and only the
values the form changed are replaced in that tree — an unchanged value keeps its quotes and its
comment, a reordered table keeps each entry's comments, unknown keys stay where they are — and
the result is written atomically. The page carries the fingerprint of the bytes it was opened
from, so a file changed on disk in the meantime is never overwritten (:class:`Changed`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.outputs import atomic_write
from docgen.web.formspec import AT, KEY, Field, Placed, is_empty, meeting_fields


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Changed(Exception):
    """The file on disk is not the one the page was opened from."""


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    # The skeleton's and the sample's layout: lists indented under their key ("  - item").
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap a clerk's long line
    return yaml


def read_document(text: str, source: str) -> Any:
    """The round-trip tree of a YAML text (a DocgenError naming the line when it is not YAML)."""
    try:
        return _yaml().load(text)
    except Exception as exc:  # ruamel raises several error types, all with a mark
        mark = getattr(exc, "problem_mark", None)
        where = _("{file}, line {line}").format(file=source, line=mark.line + 1) if mark else source
        raise DocgenError(
            _("{where}: this is not valid YAML ({problem}).").format(
                where=where, problem=getattr(exc, "problem", None) or exc
            )
        ) from None


def plain(node: Any) -> Any:
    """A round-trip tree as plain dicts, lists and scalars."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _scalar(f: Field, value: Any) -> Any:
    """The form's text as the YAML value to write for field ``f``."""
    if f.kind == "bool":
        return bool(value)
    if not isinstance(value, str):
        return value
    if f.kind == "int" and value.isdigit():
        return int(value)
    if f.kind == "date" and _ISO.match(value):
        try:
            return dt.date.fromisoformat(value)  # written plain, as a clerk writes a date
        except ValueError:
            return value  # quoted, and docgen validate says why it is not a date
    if f.kind == "time":
        return DoubleQuotedScalarString(value)  # "08:00", as the skeleton and sample write it
    if "\n" in value:
        return LiteralScalarString(value + "\n") if not value.endswith("\n") else value
    return value


def _same(old: Any, new: Any) -> bool:
    def norm(v: Any) -> Any:
        if isinstance(v, dt.datetime):
            return v.date().isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, str):
            return str(v).rstrip("\n")
        return v

    return type(old) is type(new) and old == new or norm(old) == norm(new)


def _absent(f: Field, value: Any) -> bool:
    if f.kind == "group" and not f.required and is_empty(value):
        return True  # an optional part left blank (no signer) is not written
    return (
        value is None
        or (f.kind in ("list", "keyed") and value == [])
        or (f.kind == "bool" and value is False)
    )


def _put(node: CommentedMap, key: str, value: Any, fields: list[Field], f: Field) -> None:
    """Add ``key`` after the nearest preceding field the mapping already has (model order)."""
    names = [x.name for x in fields]
    before = [n for n in names[: names.index(f.name)] if n in node]
    if before:
        node.insert(list(node).index(before[-1]) + 1, key, value)
    else:
        node.insert(0, key, value)


def _new(f: Field, value: Any) -> Any:
    if f.kind == "group":
        out = CommentedMap()
        merge_group(out, value, f.fields)
        return out
    if f.kind == "list":
        seq = CommentedSeq()
        merge_list(seq, value, f)
        return seq
    if f.kind == "keyed":
        out = CommentedMap()
        merge_keyed(out, value, f)
        return out
    return _scalar(f, value)


def merge_group(node: CommentedMap, values: dict[str, Any], fields: list[Field]) -> None:
    for f in fields:
        value = values.get(f.name)
        present = f.name in node
        if _absent(f, value):
            if not present:
                continue
            if f.kind in ("list", "keyed") and value == []:
                old = node[f.name]
                if isinstance(old, list | dict):
                    old.clear()  # "co_chairs: []" stays written, as the clerk had it
                    continue
            if f.kind == "bool":
                node[f.name] = False
                continue
            del node[f.name]
            continue
        if not present:
            _put(node, f.name, _new(f, value), fields, f)
            continue
        old = node[f.name]
        if f.kind == "group" and isinstance(old, CommentedMap):
            merge_group(old, value, f.fields)
        elif f.kind == "list" and isinstance(old, CommentedSeq):
            merge_list(old, value, f)
        elif f.kind == "keyed" and isinstance(old, CommentedMap):
            merge_keyed(old, value, f)
        elif f.kind in ("group", "list", "keyed"):
            node[f.name] = _new(f, value)
        elif not _same(old, _scalar(f, value)) and not _same_choice(f, old, value):
            node[f.name] = _scalar(f, value)


def _same_choice(f: Field, old: Any, value: Any) -> bool:
    """The file spells the chosen choice its own way (``K/T`` for ``KT``): keep its spelling."""
    return f.kind == "choice" and isinstance(old, str) and f.canonical(str(old)) == value


def merge_list(seq: CommentedSeq, values: list[Any], f: Field) -> None:
    item = f.item
    assert item is not None
    if item.kind == "group" and any(isinstance(v, dict) and AT in v for v in values):
        _merge_moved(seq, values, item)
        return
    if any(isinstance(v, Placed) for v in values):
        _merge_moved_lines(seq, values, item)
        return
    for i, value in enumerate(values):
        if i < len(seq):
            old = seq[i]
            if item.kind == "group" and isinstance(old, CommentedMap):
                merge_group(old, value, item.fields)
            elif item.kind in ("group", "list", "keyed"):
                seq[i] = _new(item, value)
            elif not _same(old, _scalar(item, value)):
                seq[i] = _scalar(item, value)
        else:
            seq.append(_new(item, value))
            if item.kind == "group" and _all_flow(seq[:-1]):
                seq[-1].fa.set_flow_style()  # a new agenda line looks like the lines above it
    del seq[len(values) :]


def _merge_moved(seq: CommentedSeq, values: list[dict[str, Any]], item: Field) -> None:
    """Merge rows that know where they stood in the file: each file entry moves with its row."""
    old = list(seq)
    used: set[int] = set()
    entries = []
    for value in values:
        at = value.get(AT)
        if isinstance(at, int) and 0 <= at < len(old) and at not in used:
            entry = old[at]
            if isinstance(entry, CommentedMap):
                used.add(at)
                merge_group(entry, value, item.fields)
                entries.append(entry)
                continue
        entry = _new(item, value)
        if _all_flow(old):
            entry.fa.set_flow_style()
        entries.append(entry)
    if len(entries) == len(old) and all(a is b for a, b in zip(entries, old, strict=True)):
        return  # nothing moved, added or removed: the sequence's own comments stay put
    sources = [next((i for i, o in enumerate(old) if o is e), None) for e in entries]
    _reorder(seq, entries, sources)


def _merge_moved_lines(seq: CommentedSeq, values: list[Any], item: Field) -> None:
    """:func:`_merge_moved` for a plain list: each line keeps its comments, edited or not."""
    old = list(seq)
    used: set[int] = set()
    entries: list[Any] = []
    sources: list[int | None] = []
    for value in values:
        at = getattr(value, "at", None)
        new = _scalar(item, str(value) if isinstance(value, str) else value)
        if isinstance(at, int) and 0 <= at < len(old) and at not in used:
            used.add(at)
            entries.append(old[at] if _same(old[at], new) else new)
            sources.append(at)
        else:
            entries.append(new)
            sources.append(None)
    if sources == list(range(len(old))):
        for i, entry in enumerate(entries):
            if entry is not old[i]:
                seq[i] = entry  # edited in place: the line's comment stays beside it
        return
    _reorder(seq, entries, sources)


def _reorder(seq: CommentedSeq, entries: list[Any], sources: list[int | None]) -> None:
    """Make ``entries`` the items of ``seq``; ``sources[j]`` is where entry j stood (None: new).

    ruamel keeps the comments of a list's items in the list, by position: the end of item i's
    line and the lines after it up to item i+1. Here each moved item takes along the comment
    at the end of its line and the comment lines just above it; lines after the last item
    (which introduce what follows the list) and above the first (which open the list) stay
    where they are.
    """
    count = len(seq)
    own: dict[int, tuple[str, Any]] = {}  # the end of item i's line ("# …\n" or "\n"), its mark
    above: dict[int, str] = {}  # the lines between item i-1 and item i
    trailing = ""
    for i, slots in seq.ca.items.items():
        token = slots[0] if slots else None
        if token is None or not isinstance(i, int):
            continue
        end, newline, rest = token.value.partition("\n")
        own[i] = (end + newline, token.start_mark)
        if i + 1 < count:
            above[i + 1] = rest
        else:
            trailing = rest
    del seq[:]
    seq.extend(entries)
    seq.ca.items.clear()
    for j, source in enumerate(sources):
        text, mark = own.get(source, ("\n", None)) if source is not None else ("\n", None)
        if j + 1 < len(sources):
            following = sources[j + 1]
            text += above.get(following, "") if following is not None else ""
        else:
            text += trailing
        if text != "\n":
            token = CommentToken(text, mark or CommentMark(0))
            seq.ca.items[j] = [token, None, None, None]
    first = sources[0] if sources else None
    if first is not None and above.get(first):
        _put_above(seq, above[first])


def _put_above(seq: CommentedSeq, text: str) -> None:
    """Add comment lines above the first item of ``seq`` (after those already there)."""
    present = seq.ca.comment[1] if seq.ca.comment and len(seq.ca.comment) > 1 else None
    if present:
        present[-1].value += text  # the token the list's key shares: both print it
    else:
        seq.ca.comment = [None, [CommentToken(text, CommentMark(0))]]


def _all_flow(items: list[Any]) -> bool:
    return bool(items) and all(
        isinstance(i, CommentedMap) and i.fa.flow_style() for i in items
    )


def merge_keyed(node: CommentedMap, rows: list[dict[str, Any]], f: Field) -> None:
    wanted = [row[KEY] for row in rows]
    for key in [k for k in node if k not in wanted]:
        del node[key]
    for row in rows:
        key = row[KEY]
        values = {k: v for k, v in row.items() if k != KEY}
        if key in node and isinstance(node[key], CommentedMap):
            merge_group(node[key], values, f.fields)
        else:
            sub = CommentedMap()
            merge_group(sub, values, f.fields)
            node[key] = sub
    if list(node) != wanted:
        for key in wanted:
            node.move_to_end(key)  # comments stay with their key


def render(document: Any, values: dict[str, Any]) -> str:
    """``document`` (a round-trip tree) with the form's values merged in, as YAML text."""
    if not isinstance(document, CommentedMap):
        document = CommentedMap()
    merge_group(document, values, meeting_fields())
    out = io.StringIO()
    _yaml().dump(document, out)
    return out.getvalue()


def save(path: Path, text: str, expected: str | None) -> str:
    """Write ``text`` to ``path`` atomically unless it changed since ``expected``; new fingerprint.

    ``expected`` is the fingerprint of the bytes the page was opened from (``None``: the file
    must not exist yet).
    """
    try:
        current = fingerprint(path.read_bytes())
    except FileNotFoundError:
        current = None
    if current != expected:
        raise Changed(path)
    data = text.encode("utf-8")
    atomic_write(path, data)
    return fingerprint(data)
