"""The meeting form, derived from the meeting model itself.

The form is not a second description of a meeting file: its fields are read from
:class:`docgen.model.MeetingRecord` (every field of every part, in the model's order), so a field
added to the model appears in the form without touching the web layer. Only what a schema
cannot say lives here: which identifiers point at people or at bodies (they become selects
showing names) and the Vietnamese labels (:mod:`docgen.web.labels`).

Form fields are named by their path in the file — ``meeting.date``,
``awards.0.decision.signer.prefix`` — except that the rows of a keyed table (``bodies``,
``people``) are numbered like a list, with the key in a ``_key`` field; :func:`field_id` turns a
loader path (``("people", "giam-doc", "name")``) into that name, so a problem from
``docgen validate`` finds its field.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, BeforeValidator

from docgen.fieldnames import KEY
from docgen.model import MeetingRecord, _check_key, _clean_paragraph

# The text box beside a "person or name" select: ``agenda.0.by~name``.
OTHER = "~name"
# Where a row of a list (an award group, an agenda item) stood in the file when the page was
# opened: moving rows moves the file's entries, with their comments, instead of rewriting the
# values of the entries in place.
AT = "_at"
# The same for a line of a plain list (a Nơi nhận line), posted beside it: ``….recipients.0~at``.
LINE_AT = "~at"


class Placed(str):
    """A line of a plain list with the place it stood in the file when the page was opened.

    Rows move as objects (↑, ↓), so the place moves with the text; saving then moves the file's
    line with its comments instead of rewriting the lines in place.
    """

    at: int

    def __new__(cls, text: str, at: int) -> Placed:
        line = super().__new__(cls, text)
        line.at = at
        return line

# Identifiers (fields of type Key) that name a person or a body declared elsewhere in the file:
# chosen by name. A Text field of the same name (a tờ trình's ``by``) is not a reference.
_REFERENCES = {
    "organisers": "bodies",
    "chairs": "people",
    "co_chairs": "people",
    "attendees": "people",
    "secretary": "people",
    "by": "people",
    "issuer": "bodies",
    "person": "people",
}

# Text fields that hold either a person's key (printed "Đồng chí <name>, <positions>") or a
# name as written: a select of the people beside a text box for any other name.
_PERSON_OR_NAME = {("Report", "presenter"), ("AgendaItem", "by")}


@dataclass
class Field:
    """One field of the form: a scalar input, a group of fields, or a repeating part."""

    name: str
    owner: str  # the model class holding it, for labels ("Person.name" ≠ "Body.name")
    kind: str  # text paragraph date time int bool choice ref who group list keyed
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: str | None = None  # "people" or "bodies" for kind "ref"
    fields: list[Field] = field(default_factory=list)  # group / keyed rows / list of groups
    item: Field | None = None  # the element of a list
    default: Any = None
    # The model's own reading of typed text for a fixed choice ('K/T' → 'KT', 'Sáng' → 'sáng').
    readers: tuple[Callable[[Any], Any], ...] = ()

    def canonical(self, value: Any) -> Any:
        """The choice ``value`` stands for, read as the model reads it; else ``value`` itself.

        A file may spell a choice as a clerk types it (``prefix: K/T``, ``session: Sáng``): the
        form shows the choice it means, not a stray option holding the typed text.
        """
        read = value
        try:
            for reader in self.readers:
                read = reader(read)
        except ValueError:  # not one of them: shown as written, and validate says why
            return value
        return read if read in self.choices else value


def _unwrap(tp: Any) -> tuple[Any, list[Any], bool]:
    """(bare type, Annotated metadata, optional?) of an annotation."""
    metadata: list[Any] = []
    optional = False
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            args = typing.get_args(tp)
            tp, metadata = args[0], [*metadata, *args[1:]]
        elif origin in (typing.Union, types.UnionType):
            rest = [a for a in typing.get_args(tp) if a is not type(None)]
            optional = optional or len(rest) < len(typing.get_args(tp))
            if len(rest) != 1:
                return tp, metadata, optional
            tp = rest[0]
        else:
            return tp, metadata, optional


def _is_paragraph(metadata: list[Any]) -> bool:
    return any(getattr(m, "func", None) is _clean_paragraph for m in metadata)


def _is_key(metadata: list[Any]) -> bool:
    return any(getattr(m, "func", None) is _check_key for m in metadata)


def _scalar(name: str, owner: str, tp: Any, metadata: list[Any]) -> Field:
    if typing.get_origin(tp) is typing.Literal:
        readers = tuple(m.func for m in metadata if isinstance(m, BeforeValidator))
        choices = tuple(str(a) for a in typing.get_args(tp))
        return Field(name, owner, "choice", choices=choices, readers=readers)
    if name in _REFERENCES and _is_key(metadata):
        return Field(name, owner, "ref", ref=_REFERENCES[name])
    if (owner, name) in _PERSON_OR_NAME:
        return Field(name, owner, "who", ref="people")
    if tp is bool:
        return Field(name, owner, "bool")
    if tp is int:
        return Field(name, owner, "int")
    if tp is dt.date:
        return Field(name, owner, "date")
    if tp is dt.time:
        return Field(name, owner, "time")
    return Field(name, owner, "paragraph" if _is_paragraph(metadata) else "text")


def _field(name: str, owner: str, annotation: Any, metadata: list[Any]) -> Field:
    tp, more, _ = _unwrap(annotation)
    metadata = [*metadata, *more]
    origin = typing.get_origin(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return Field(name, owner, "group", fields=model_fields(tp))
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        item = _field(name, owner, item_tp, [])
        return Field(name, owner, "list", item=item)
    if origin is dict:
        _, value_tp = typing.get_args(tp)
        value, _, _ = _unwrap(value_tp)
        return Field(name, owner, "keyed", fields=model_fields(value))
    return _scalar(name, owner, tp, metadata)


def model_fields(model: type[BaseModel]) -> list[Field]:
    """The form fields of ``model``, in the order the model declares them."""
    out = []
    for name, info in model.model_fields.items():
        f = _field(name, model.__name__, info.annotation, list(info.metadata))
        f.required = info.is_required()
        f.default = None if info.is_required() else info.get_default(call_default_factory=True)
        out.append(f)
    return out


def meeting_fields() -> list[Field]:
    return model_fields(MeetingRecord)


# ---------------------------------------------------------------------------------------------
# Submitted form → the file's data


def _text(value: str) -> str:
    # Browsers send CRLF from text areas; the file and the documents hold NFC text.
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _nest(pairs: typing.Iterable[tuple[str, str]]) -> dict[str, Any]:
    """``{"a.0.b": "x"}`` → ``{"a": {"0": {"b": "x"}}}`` (indices stay text until shaped)."""
    root: dict[str, Any] = {}
    for name, value in pairs:
        parts = name.split(".")
        node = root
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[parts[-1]] = value
    return root


def _numbered(raw: Any) -> list[tuple[str, Any]]:
    """(number as posted, value) of the rows of a list or table, in their order on the page."""
    if not isinstance(raw, dict):
        return []
    return sorted(((k, v) for k, v in raw.items() if k.isdigit()), key=lambda kv: int(kv[0]))


def _rows(raw: Any) -> list[Any]:
    return [v for _, v in _numbered(raw)]


def _shape(f: Field, raw: Any, keep_empty: bool) -> Any:
    if f.kind == "group":
        return _shape_group(f.fields, raw if isinstance(raw, dict) else {}, keep_empty)
    if f.kind == "list":
        assert f.item is not None
        items = []
        for number, r in _numbered(raw):
            item = _shape(f.item, r, keep_empty)
            if isinstance(item, dict) and isinstance(r, dict) and str(r.get(AT, "")).isdigit():
                item[AT] = int(r[AT])
            at = raw.get(number + LINE_AT)
            if isinstance(item, str) and isinstance(at, str) and at.isdigit():
                item = Placed(item, int(at))
            items.append(item)
        return items if keep_empty else [i for i in items if not is_empty(i)]
    if f.kind == "keyed":
        rows = []
        for r in _rows(raw):
            row = _shape_group(f.fields, r if isinstance(r, dict) else {}, keep_empty)
            key = _text(r.get(KEY, "")) if isinstance(r, dict) else ""
            rows.append({KEY: key, **row})
        return rows if keep_empty else [r for r in rows if not is_empty(r)]
    if f.kind == "bool":
        return raw == "on"
    if not isinstance(raw, str):
        return None
    text = _text(raw)
    if f.kind != "paragraph":
        text = " ".join(text.split())
    return text or None


def _shape_group(fields: list[Field], raw: dict[str, Any], keep_empty: bool) -> dict[str, Any]:
    out = {}
    for f in fields:
        value = _shape(f, raw.get(f.name), keep_empty)
        if f.kind == "who" and value is None:
            value = _shape(f, raw.get(f.name + OTHER), keep_empty)  # a name as written
        out[f.name] = value
    return out


def is_empty(value: Any) -> bool:
    if isinstance(value, dict):
        return all(is_empty(v) for k, v in value.items() if k != AT)
    if isinstance(value, list):
        return all(is_empty(v) for v in value)
    return value is None or value is False or value == ""


def form_values(
    pairs: typing.Iterable[tuple[str, str]], *, keep_empty: bool = True
) -> dict[str, Any]:
    """The form's values, shaped like the model (keyed tables as rows with ``_key``).

    ``keep_empty`` keeps rows the clerk added but has not filled yet (while editing); saving
    drops them.
    """
    raw = _nest((k, v) for k, v in pairs if not k.startswith("_") and k != "csrf_token")
    return _shape_group(meeting_fields(), raw, keep_empty)


def fill_keys(values: dict[str, Any]) -> None:
    """Give each new person (from the name) and body (from its code) the identifier it lacks.

    Clerks choose people by name; the identifier the file needs is made for them, unique in
    its table, in the form the model accepts ("Nguyễn Văn An" → "nguyen-van-an").
    """
    from docgen.spreadsheet import fold

    for table, source in (("people", "name"), ("bodies", "code")):
        rows = values.get(table) or []
        taken = {r.get(KEY) for r in rows if r.get(KEY)}
        for row in rows:
            if row.get(KEY):
                continue
            base = "-".join(fold(row.get(source) or row.get("name") or "").split())
            if not base:
                continue
            key, n = base, 2
            while key in taken:
                key, n = f"{base}-{n}", n + 1
            row[KEY] = key
            taken.add(key)


# ---------------------------------------------------------------------------------------------
# The file's data → form values


class Unfit(Exception):
    """The file's data does not have the shape the form edits (kept as it is, not overwritten)."""

    def __init__(self, path: tuple[str | int, ...]) -> None:
        super().__init__(path)
        self.path = path


def _display(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _from_data(f: Field, value: Any, path: tuple[str | int, ...]) -> Any:
    if value is None:
        if f.kind in ("list", "keyed"):
            return []
        if f.kind == "group":
            return from_data_group(f.fields, {}, path)
        return False if f.kind == "bool" else None
    if f.kind == "group":
        if not isinstance(value, dict):
            raise Unfit(path)
        return from_data_group(f.fields, value, path)
    if f.kind == "list":
        if not isinstance(value, list):
            raise Unfit(path)
        assert f.item is not None
        rows = [_from_data(f.item, v, (*path, i)) for i, v in enumerate(value)]
        if f.item.kind == "group":
            for i, row in enumerate(rows):
                row[AT] = i
        elif f.item.kind not in ("list", "keyed"):
            rows = [Placed(row, i) if isinstance(row, str) else row for i, row in enumerate(rows)]
        return rows
    if f.kind == "keyed":
        if not isinstance(value, dict):
            raise Unfit(path)
        rows = []
        for key, row in value.items():
            if not isinstance(row, dict):
                raise Unfit((*path, key))
            rows.append({KEY: str(key), **from_data_group(f.fields, row, (*path, key))})
        return rows
    if isinstance(value, dict | list):
        raise Unfit(path)
    if f.kind == "bool":
        return value is True
    if f.kind == "choice":
        return f.canonical(_display(value))
    return _display(value)


def from_data_group(
    fields: list[Field], data: dict[str, Any], path: tuple[str | int, ...] = ()
) -> dict[str, Any]:
    return {f.name: _from_data(f, data.get(f.name), (*path, f.name)) for f in fields}


def from_data(data: Any) -> dict[str, Any]:
    """Form values for a meeting file's data; :class:`Unfit` when its shape is not a meeting's."""
    if not isinstance(data, dict):
        raise Unfit(())
    return from_data_group(meeting_fields(), data)


# ---------------------------------------------------------------------------------------------
# Field paths


def field_id(loc: tuple[str | int, ...], values: dict[str, Any]) -> str:
    """The form field name for a loader path: keys of keyed tables become row numbers.

    A path pointing at a part that has no field of its own (a list item, a table row) gives
    that part's name; the page shows the problem at the nearest element of that name.
    """
    out: list[str] = []
    node: Any = values
    fields = meeting_fields()
    current: Field | None = None
    for part in loc:
        if part == "[key]":
            out.append(KEY)
            break
        if current is not None and current.kind == "keyed":
            rows = node if isinstance(node, list) else []
            index = next((i for i, r in enumerate(rows) if r.get(KEY) == part), None)
            if index is None:
                break
            out.append(str(index))
            node, fields, current = rows[index], current.fields, None
            continue
        if current is not None and current.kind == "list":
            if not isinstance(part, int) or not isinstance(node, list) or part >= len(node):
                break
            out.append(str(part))
            node = node[part]
            assert current.item is not None
            current = current.item
            if current.kind == "group":
                fields, current = current.fields, None
            continue
        match = next((f for f in fields if f.name == part), None)
        if match is None or not isinstance(node, dict):
            break
        out.append(str(part))
        node = node.get(part)
        if match.kind == "group":
            fields, current = match.fields, None
        else:
            current = match
    return ".".join(out)


def references(values: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """(key, label) of the people and bodies in the form, for the selects that name them."""
    out: dict[str, list[tuple[str, str]]] = {"people": [], "bodies": []}
    for table in out:
        for row in values.get(table) or []:
            key = row.get(KEY)
            if key:
                out[table].append((key, row.get("name") or key))
    return out
