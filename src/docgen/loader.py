"""Reading a meeting YAML file into a :class:`~docgen.model.MeetingRecord`, or saying exactly why not.

A clerk fixes a file by going to a line. So the YAML is read with a loader that remembers where
every key and value stood, and every problem — YAML syntax, schema, dangling references — is
reported as one paragraph: ``file, line L, column C: field.path — what is wrong; what was
expected``. All problems of a file are reported at once.

The YAML dialect is deliberately plain: safe loading only, dates and times are kept as text
for the model to parse (YAML 1.1 would turn ``8:30`` into 510 and reject ``2022-13-45`` with
no line), and a key given twice is an error rather than a silent overwrite.

Files are bounded before anything is built from them (size, nesting, alias expansion), and
parsed with libyaml where PyYAML has it; a file libyaml refuses is parsed again in pure Python
so that every message is PyYAML's, as the tests expect.
"""

from __future__ import annotations

import re
import stat
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from docgen.errors import DocgenError
from docgen.explain import os_reason, pydantic_message, yaml_message
from docgen.fieldnames import FieldPath, describe, model_at
from docgen.i18n import _, ngettext
from docgen.model import MeetingRecord, count_problems, reference_problems
from docgen.vietnamese import SPACE_LIKE

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based, as an editor shows it
    column: int

    @classmethod
    def of(cls, node: yaml.Node) -> Mark:
        return cls(node.start_mark.line + 1, node.start_mark.column + 1)


class _Loader(yaml.SafeLoader):
    """SafeLoader without timestamps or sexagesimal numbers, refusing duplicate keys."""

    yaml_implicit_resolvers: dict = {}


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same dialect on libyaml (about 15× faster), where PyYAML was built with it.

    libyaml words its errors differently and places some of them elsewhere, so a file it
    refuses is parsed again by :class:`_Loader`: every message stays PyYAML's.
    """

    yaml_implicit_resolvers: dict = {}


for _cls in (_Loader, _FastLoader):
    for _first, _resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items():
        _cls.yaml_implicit_resolvers[_first] = [
            (tag, regexp)
            for tag, regexp in _resolvers
            if tag
            not in (
                "tag:yaml.org,2002:timestamp",
                "tag:yaml.org,2002:int",
                "tag:yaml.org,2002:float",
            )
        ]
    # Plain decimal integers and floats only: '08:00' and '1_000' stay text.
    _cls.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^[-+]?(0|[1-9][0-9]*)$"), list("-+0123456789")
    )
    _cls.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)$"),
        list("-+0123456789."),
    )

# Bounds that no real meeting file or layout comes near, and that keep a hostile or broken
# file from exhausting memory (aliases repeating aliases: 10 levels of 10 are 10¹⁰ values in
# 17 KB), the stack (nesting: the C composer recurses without a limit) or time (size).
MAX_YAML_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_VALUES = 100_000


def parse_yaml(
    text: str,
    source: str,
    notes: list[str] | None = None,
    root: type[BaseModel] = MeetingRecord,
) -> tuple[Any, dict[FieldPath, Mark], dict[FieldPath, Mark]]:
    """Parse YAML text; return the data and where each value (and each key) stands.

    Every string comes back NFC, so that what looks the same compares the same in every check
    that follows (``sáng`` typed decomposed is ``sáng``). Space-like characters pasted from Word
    or Excel (:data:`~docgen.vietnamese.SPACE_LIKE`) are read as spaces; when ``notes`` is given,
    one located note per such change is added to it. ``root`` is the model the file is for,
    so that messages name its fields.
    """
    if len(text) > MAX_YAML_BYTES:
        raise DocgenError(_too_big(len(text.encode("utf-8", "replace")), source))
    # PyYAML refuses VT and FF and takes NEL and U+2028/U+2029 for line breaks, cutting a value
    # in two; as spaces they read as the clerk saw them.
    pasted = list(_SPACE_LIKE_RAW.finditer(text))
    if pasted:
        text = _SPACE_LIKE_RAW.sub(" ", text)
    bad = [m for m in _NON_PRINTABLE.finditer(text)]
    if bad:
        raise DocgenError(_control_characters(text, bad, source, root))
    try:
        try:
            _check_bounds(_FastLoader, text, source, root)
            loader, node = _compose(_FastLoader, text)
        except yaml.YAMLError:
            # libyaml refused it: PyYAML says why in its own words (and checks the bounds again
            # in case libyaml stopped earlier than PyYAML will).
            _check_bounds(_Loader, text, source, root)
            loader, node = _compose(_Loader, text)
    except yaml.MarkedYAMLError as exc:
        raise DocgenError(_yaml_error_message(exc, source)) from None
    except yaml.YAMLError as exc:
        raise DocgenError(
            _("{file}: this is not valid YAML ({reason}).").format(file=source, reason=exc)
        ) from None
    values: dict[FieldPath, Mark] = {}
    keys: dict[FieldPath, Mark] = {}
    duplicates: list[str] = []
    changes: list[tuple[int, int, str, str]] = []

    def build(n: yaml.Node, path: FieldPath) -> Any:
        values[path] = Mark.of(n)
        if isinstance(n, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in n.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise DocgenError(
                        _(
                            "{where}: merge keys ('<<') are not supported; write the fields out."
                        ).format(where=_at(source, Mark.of(key_node).line))
                    )
                key = build(key_node, (*path, "<key>"))
                if not isinstance(key, str | int) or isinstance(key, bool):
                    key = str(key)
                if key in out:
                    first = keys[(*path, key)]
                    at = Mark.of(key_node)
                    duplicates.append(
                        _(
                            '{where}: {field} — the key "{key}" is given twice (first at line '
                            "{first}); keep one."
                        ).format(
                            where=_at(source, at.line, at.column),
                            field=_field((*path, key), root),
                            key=key,
                            first=first.line,
                        )
                    )
                    continue
                keys[(*path, key)] = Mark.of(key_node)
                out[key] = build(value_node, (*path, key))
            return out
        if isinstance(n, yaml.SequenceNode):
            return [build(item, (*path, i)) for i, item in enumerate(n.value)]
        try:
            value = loader.construct_object(n, deep=True)
        except (ValueError, TypeError, ArithmeticError, LookupError):
            # PyYAML raises these bare for an explicit tag its value does not fit: '!!int x'.
            mark = values[path]
            raise DocgenError(
                _(
                    "{file}, line {line}, column {column}: {field} — {value!r} cannot be read "
                    "as {tag}; remove the tag or correct the value."
                ).format(
                    file=source,
                    line=mark.line,
                    column=mark.column,
                    field=_field(path, root),
                    value=n.value,
                    tag=n.tag.replace("tag:yaml.org,2002:", "!!"),
                )
            ) from None
        if isinstance(value, str) and not value.isascii():
            value = unicodedata.normalize("NFC", value)
        if notes is not None and isinstance(value, str) and path[-1:] != ("<key>",):
            typed = set()  # found in the file as typed, each at its own place
            for match in _SPACE_LIKE_VALUE.finditer(text, n.start_mark.index, n.end_mark.index):
                line, column = _line_column(text, match.start())
                changes.append((line, column, _field(path, root), match.group()))
                typed.add(match.group())
            mark = values[path]
            for char in set(_SPACE_LIKE_VALUE.findall(value)) - typed:  # written as escapes
                changes.append((mark.line, mark.column, _field(path, root), char))
        return value

    if node is None:
        raise DocgenError(
            _(
                "{file}: the file is empty. A meeting file starts with 'meeting:'; "
                "run 'docgen new FILE.yaml' for a skeleton to fill in."
            ).format(file=source)
        )
    try:
        data = build(node, ())
    except yaml.MarkedYAMLError as exc:
        raise DocgenError(_yaml_error_message(exc, source)) from None
    if duplicates:
        raise DocgenError("", duplicates)
    if notes is not None:
        for match in pasted:
            line, column = _line_column(text, match.start())
            field = _field(_path_at(values, line, column), root)
            changes.append((line, column, field, match.group()))
        notes.extend(
            _(
                "{file}, line {line}, column {column}: {field} — the {name}, U+{code:04X}, was read as a space."
            ).format(
                file=source,
                line=line,
                column=column,
                field=field,
                name=_(SPACE_LIKE[char]),
                code=ord(char),
            )
            for line, column, field, char in sorted(set(changes))
        )
    return data, values, keys


def _line_column(text: str, pos: int) -> tuple[int, int]:
    return text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _path_at(values: dict[FieldPath, Mark], line: int, column: int) -> FieldPath:
    """The field whose value starts last before (line, column): the one that holds it."""
    before = [
        (m.line, m.column, p) for p, m in values.items() if (m.line, m.column) <= (line, column)
    ]
    return max(before)[2] if before else ()


def _compose(loader_class: type, text: str) -> tuple[Any, yaml.Node | None]:
    loader = loader_class(text)
    try:
        return loader, loader.get_single_node()
    finally:
        loader.dispose()


def _check_bounds(
    loader_class: type, text: str, source: str, root: type[BaseModel] = MeetingRecord
) -> None:
    """Refuse nesting deeper than MAX_DEPTH, aliases that contain themselves or repeat more
    than MAX_ALIAS_VALUES values — from the event stream, before any node is built.

    A syntax error ends the check quietly: composing the file reports it, with its place.
    """
    # One entry per open block: [anchor, values so far (aliases expanded), mark, is_mapping,
    # children seen, last key] — the last three only to name the field in a message.
    stack: list[list[Any]] = []
    sizes: dict[str, int] = {}
    repeated = 0
    loader = loader_class(text)

    def where(mark: yaml.Mark) -> str:
        path: list[str | int] = []
        for _anchor, _size, _mark, mapping, seen, key in stack:
            if mapping:
                if seen % 2 == 1 and key is not None:
                    path.append(key)
            else:
                path.append(seen)
        if len(path) > 8:  # a path 64 levels long helps nobody: its start and its end
            head, tail = tuple(path[:4]), tuple(path[-2:])
            # The tail named by its keys (and item numbers): no field of the form is that deep.
            field = " › ".join(
                [
                    describe(head, root),
                    "…",
                    *(
                        _("item {number}").format(number=p + 1) if isinstance(p, int) else p
                        for p in tail
                    ),
                ]
            )
        else:
            field = _field(tuple(path), root)
        return f"{_at(source, mark.line + 1, mark.column + 1)}: {field}"

    def add(value: Any, size: int) -> None:
        if stack:
            top = stack[-1]
            top[1] += size
            if top[3] and top[4] % 2 == 0:
                top[5] = value if isinstance(value, str) else None
            top[4] += 1

    try:
        while True:
            event = loader.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return
            if isinstance(event, yaml.ScalarEvent):
                if event.anchor is not None:
                    sizes[event.anchor] = 1
                add(event.value, 1)
            elif isinstance(event, yaml.CollectionStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise DocgenError(
                        _(
                            "{where} — the values are nested more than {limit} levels deep; a "
                            "docgen file needs a few levels only. Check the indentation and the "
                            "brackets."
                        ).format(where=where(event.start_mark), limit=MAX_DEPTH)
                    )
                mapping = isinstance(event, yaml.MappingStartEvent)
                stack.append([event.anchor, 1, event.start_mark, mapping, 0, None])
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, size = stack.pop()[:2]
                if anchor is not None:
                    sizes[anchor] = size
                add(None, size)
            elif isinstance(event, yaml.AliasEvent):
                if any(entry[0] == event.anchor for entry in stack):
                    raise DocgenError(
                        _(
                            "{where} — the alias *{name} stands inside the block it names "
                            "(&{name}), so it would repeat itself without end; write the values "
                            "out instead."
                        ).format(where=where(event.start_mark), name=event.anchor)
                    )
                size = sizes.get(event.anchor, 1)  # an unknown alias: composing reports it
                repeated += size
                if repeated > MAX_ALIAS_VALUES:
                    raise DocgenError(
                        _(
                            "{where} — the aliases (*{name} and the others) would repeat more "
                            "than {limit:,} values; write the values out instead of repeating "
                            "blocks with aliases."
                        ).format(
                            where=where(event.start_mark), name=event.anchor, limit=MAX_ALIAS_VALUES
                        )
                    )
                add(None, size)
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()


def _too_big(size: int, source: str) -> str:
    return _(
        "{file}: the file is {size:.1f} MB; docgen reads YAML files of at most {limit} MB. Is "
        "this the right file?"
    ).format(file=source, size=size / 1024 / 1024, limit=MAX_YAML_BYTES // 1024 // 1024)


def read_text_file(path: Path, what: str) -> str:
    """The UTF-8 text of a YAML file docgen reads, refused above MAX_YAML_BYTES before reading.

    ``what`` names the file a clerk should give instead, already translated
    (``_("the meeting's .yaml file")``).
    """
    source = str(path)
    try:
        # Checked before opening: opening a pipe would wait for a writer for ever.
        if not stat.S_ISREG(path.stat().st_mode) and not path.is_dir():
            raise DocgenError(
                _("{file}: this is not a regular file; give {what}.").format(file=source, what=what)
            )
        with open(path, "rb") as fh:
            raw = fh.read(MAX_YAML_BYTES + 1)
    except FileNotFoundError:
        raise DocgenError(_("{file}: no such file.").format(file=source)) from None
    except IsADirectoryError:
        raise DocgenError(
            _("{file}: this is a folder; give {what}.").format(file=source, what=what)
        ) from None
    except OSError as exc:
        raise DocgenError(
            _("{file}: cannot be read ({reason}).").format(file=source, reason=os_reason(exc))
        ) from None
    if len(raw) > MAX_YAML_BYTES:
        raise DocgenError(_too_big(path.stat().st_size, source))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocgenError(
            _(
                "{file}, line {line}: the file is not UTF-8 text. Save it as UTF-8 (in Notepad: "
                "Save As → Encoding: UTF-8)."
            ).format(file=source, line=raw[: exc.start].count(b"\n") + 1)
        ) from None


_SPACE_LIKE_RAW = re.compile("[\x0b\x0c\x85\u2028\u2029]")
_SPACE_LIKE_VALUE = re.compile(f"[{''.join(SPACE_LIKE)}]")
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE


def _control_characters(
    text: str, found: list[re.Match[str]], source: str, root: type[BaseModel]
) -> str:
    """Name each control character with its line and the field it sits in.

    PyYAML refuses such text outright with a bare offset; parsing a copy with the characters
    blanked out tells which field each one is in.
    """
    try:
        _data, values, _keys = parse_yaml(_NON_PRINTABLE.sub(" ", text), source, root=root)
    except DocgenError:
        values = {}
    problems = []
    for match in found:
        line, column = _line_column(text, match.start())
        field = f"{_field(_path_at(values, line, column), root)} — " if values else ""
        problems.append(
            _(
                "{where}: {field}contains the control character {code}, which a document cannot "
                "hold; delete it (it often comes from text pasted from another program)."
            ).format(
                where=_at(source, line, column), field=field, code=f"U+{ord(match.group()):04X}"
            )
        )
    return "\n\n".join(problems)


def _yaml_error_message(exc: yaml.MarkedYAMLError, source: str) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = _at(source, mark.line + 1, mark.column + 1) if mark else source
    return yaml_message(where, exc.problem, exc.context)


def _at(source: str, line: int, column: int | None = None) -> str:
    """Where a problem is, as every message of the loader starts."""
    if column is None:
        return _("{file}, line {line}").format(file=source, line=line)
    return _("{file}, line {line}, column {column}").format(file=source, line=line, column=column)


def _field(path: FieldPath, root: type[BaseModel] = MeetingRecord) -> str:
    """A field as a message names it: in words, with its key (see :mod:`docgen.fieldnames`)."""
    return describe(path, root)


def _locate(path: FieldPath, marks: dict[FieldPath, Mark]) -> Mark | None:
    while path not in marks and path:
        path = path[:-1]
    return marks.get(path)


def _near_key(loc: FieldPath, root: type[BaseModel] = MeetingRecord) -> str | None:
    model = model_at(loc[:-1], root)
    near = get_close_matches(
        str(loc[-1]), list(model.model_fields) if model else [], n=1, cutoff=0.6
    )
    return near[0] if near else None


def _message(error: dict[str, Any], root: type[BaseModel] = MeetingRecord) -> str:
    if error["type"] != "extra_forbidden":
        return pydantic_message(error)
    model = model_at(tuple(error["loc"][:-1]), root)
    allowed = list(model.model_fields) if model else []
    return pydantic_message(error, allowed, _near_key(tuple(error["loc"]), root))


SKELETON = "skeleton.yaml"


def skeleton_text() -> str:
    """The commented meeting file a clerk starts from (``docgen new``, the workspace's "new")."""
    return files("docgen").joinpath(SKELETON).read_text(encoding="utf-8")


def load_meeting(path: str | Path, notes: list[str] | None = None) -> MeetingRecord:
    """Read and validate one meeting file; raise :class:`DocgenError` listing every problem.

    ``notes``, when given, receives what was read differently from how it was typed (see
    :func:`parse_yaml`) — not problems, but worth the clerk's look.
    """
    path = Path(path)
    source = str(path)
    text = read_text_file(path, _("the meeting's .yaml file"))
    record, values = _parse_meeting(text, source, notes)
    if any(group.recipients_from is not None for group in record.awards):
        # Imported here: only meetings that point at spreadsheets pay for openpyxl.
        from docgen.spreadsheet import fill_recipients

        fill_recipients(record, path.parent, source)
        # The lists are known only now; a tờ trình's counts are checked against them.
        raise_located(source, values, count_problems(record, from_spreadsheets=True))
    return record


def parse_meeting(
    text: str, source: str = "<meeting>", notes: list[str] | None = None
) -> MeetingRecord:
    """Validate YAML text already in memory (``source`` names it in messages)."""
    return _parse_meeting(text, source, notes)[0]


def _parse_meeting(
    text: str, source: str, notes: list[str] | None
) -> tuple[MeetingRecord, dict[FieldPath, Mark]]:
    data, values, keys = parse_yaml(text, source, notes)
    if not isinstance(data, dict):
        kind = _("a list") if isinstance(data, list) else _("a single value")
        raise DocgenError(
            _(
                "{where}: the file holds {kind}; a meeting file is a block of keys "
                "starting with 'meeting:', 'bodies:', 'people:' …"
            ).format(where=_at(source, 1), kind=kind)
        )
    record = validate_located(MeetingRecord, data, values, keys, source)
    raise_located(source, values, reference_problems(record) + count_problems(record))
    return record, values


def validate_located(
    model: type[M],
    data: Any,
    values: dict[FieldPath, Mark],
    keys: dict[FieldPath, Mark],
    source: str,
) -> M:
    """``data`` validated as ``model``, or a DocgenError with every schema error located."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        located = located_validation_problems(exc, values, keys, source, model)
        problems = [paragraph for _, paragraph in located]
        fields = [loc for loc, _ in located]
        raise DocgenError(_summary(source, problems), problems, fields) from None


def raise_located(
    source: str,
    values: dict[FieldPath, Mark],
    found: Iterable[tuple[FieldPath, str]],
    root: type[BaseModel] = MeetingRecord,
) -> None:
    """Raise a DocgenError locating each (field path, message) in ``found``, if there is one.

    For the checks a schema cannot express (dangling keys, a layout box off the paper).
    """
    found = list(found)
    problems = [
        _paragraph(source, _locate(loc, values), loc, message, root) for loc, message in found
    ]
    if problems:
        raise DocgenError(_summary(source, problems), problems, [loc for loc, _ in found])


def validation_problems(
    exc: ValidationError,
    values: dict[FieldPath, Mark],
    keys: dict[FieldPath, Mark],
    source: str,
    root: type[BaseModel],
) -> list[str]:
    """One located paragraph per schema error of ``root`` (also used for certificate layouts)."""
    return [
        paragraph for _, paragraph in located_validation_problems(exc, values, keys, source, root)
    ]


def located_validation_problems(
    exc: ValidationError,
    values: dict[FieldPath, Mark],
    keys: dict[FieldPath, Mark],
    source: str,
    root: type[BaseModel],
) -> list[tuple[FieldPath, str]]:
    """Like :func:`validation_problems`, each paragraph with the field path it is about."""
    errors = exc.errors(include_url=False)
    # "venu" unknown and "venue" missing are one mistake: report the misspelling only.
    misspelt = {
        (*error["loc"][:-1], near)
        for error in errors
        if error["type"] == "extra_forbidden" and (near := _near_key(tuple(error["loc"]), root))
    }
    problems = []
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "missing" and loc in misspelt:
            continue
        marks = keys if error["type"] == "extra_forbidden" else values
        mark = _locate(loc, marks) or _locate(loc, values)
        problems.append((loc, _paragraph(source, mark, loc, _message(error, root), root)))
    return problems


def _paragraph(
    source: str, mark: Mark | None, loc: FieldPath, message: str, root: type[BaseModel]
) -> str:
    where = _at(source, mark.line, mark.column) if mark else source
    return f"{where}: {_field(loc, root)} — {message}"


def _summary(source: str, problems: list[str]) -> str:
    n = len(problems)
    return ngettext("{file} has {count} problem:", "{file} has {count} problems:", n).format(
        file=source, count=n
    )
