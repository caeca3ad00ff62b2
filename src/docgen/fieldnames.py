"""What each field of a meeting file is called in the clerk's language — the one table of names.

A clerk knows a field by the words of the form ("Ngày họp", "Nơi nhận"), and, when editing the
file, by its key on the line (``date:``). So a located message names a field as the form does,
from the outermost part to the field itself, with the key of the field last in brackets:
``Nội dung chương trình, mục 3 › Thời gian (time)`` rather than ``agenda[3].time``. The
browser form labels its fields with these names too, so the message beside a field and the
field's label agree.

Names are looked up as ``Model.field`` first (a person's ``name`` is "Họ và tên", a body's is
"Tên cơ quan"), then as ``field``; a field without a name is shown by its key. Built per call so
that they follow the current language.

The other YAML files docgen reads (a certificate layout) register a table of their own with
:func:`register`, so that their messages name locations the same way. They have no form: the
one editing them knows only the keys, so every part keeps its key
(``Các mục in (fields), mục 3 › Nội dung (text)``).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from docgen.i18n import _
from docgen.model import MeetingRecord

FieldPath = tuple[str | int, ...]

# The row identifier of a keyed table (``people``, ``bodies``): the form's ``_key`` field and
# pydantic's ``[key]`` location for a bad dict key.
KEY = "_key"


def names() -> dict[str, str]:
    """Every field's name, keyed ``Model.field`` or ``field`` (sections by their key)."""
    return {
        # sections of the file
        "meeting": _("The meeting"),
        "bodies": _("Issuing bodies"),
        "people": _("People named in the file"),
        "roles": _("Roles"),
        "reports": _("Reports"),
        "discussion": _("Discussion"),
        "conclusion": _("Conclusion"),
        "awards": _("Award groups"),
        "documents": _("Documents"),
        "invitees": _("Invitees"),
        "agenda": _("Programme items"),
        # the meeting
        "Meeting.name": _("Name of the meeting"),
        "kind": _("Kind"),
        "Meeting.date": _("Date of the meeting"),
        "session": _("Session"),
        "start": _("Start time"),
        "end": _("End time"),
        "venue": _("Venue"),
        "place": _("Place name in date lines"),
        "organisers": _("Bodies that held the meeting"),
        # bodies
        "Body.name": _("Name of the body"),
        "parent": _("Parent body"),
        "header": _("Name as broken into header lines"),
        "code": _("Code in document numbers"),
        "profile": _("Format"),
        "Body.place": _("Place name"),
        "term": _("Term"),
        "bodies." + KEY: _("Identifier"),
        # people
        "Person.name": _("Full name"),
        "positions": _("Positions"),
        "people." + KEY: _("Identifier"),
        # roles
        "chairs": _("Chair"),
        "co_chairs": _("Co-chairs"),
        "secretary": _("Secretary"),
        "attendees": _("Named attendees"),
        "attendee_groups": _("Attendees described as groups"),
        # reports, conclusion
        "title": _("Title"),
        "presenter": _("Presented by"),
        "summary": _("Summary"),
        "by": _("Concluded by"),
        "assessment": _("Assessment"),
        "directives": _("Directives"),
        "task": _("Task"),
        "lead": _("Lead body"),
        "coordinate": _("Coordinating bodies"),
        "deadline": _("Deadline"),
        # documents
        "minutes": _("Minutes"),
        "notice": _("Conclusion notice"),
        "issuer": _("Issuing body"),
        "number": _("Number"),
        "date": _("Date of issue"),
        "signer": _("Signer"),
        "recipients": _("Recipients (Nơi nhận)"),
        "prefix": _("Signing authority"),
        "on_behalf_of": _("On behalf of"),
        "position": _("Position"),
        "person": _("Signer chosen among the people"),
        "Signer.name": _("Signer's name"),
        "invitation": _("Invitation"),
        "programme": _("Programme"),
        "news": _("News report draft"),
        "mode": _("How the invitation is sent"),
        "bring": _("Please bring"),
        "contact": _("Contact person"),
        "Contact.name": _("Name and position"),
        "phone": _("Telephone"),
        "notes": _("Further notes"),
        "headline": _("Headline"),
        "author": _("Author"),
        # invitees and the programme
        "Invitee.person": _("Invited person"),
        "Invitee.name": _("Name as written"),
        "detail": _("Position and unit"),
        "time": _("Time"),
        "content": _("Content"),
        "AgendaItem.by": _("Presented or chaired by"),
        # awards
        "key": _("Identifier of the group"),
        "authority": _("Awarding authority"),
        "authority_full": _("Authority in full"),
        "form": _("Form of award"),
        "reason": _("Reason"),
        "decision": _("Decision"),
        "grounds": _("Grounds (Căn cứ)"),
        "Decision.proposal": _("Proposal line (Xét đề nghị)"),
        "AwardGroup.proposal": _("Proposal (tờ trình)"),
        "to": _("Addressed to (Kính gửi)"),
        "Proposal.by": _("The proposer as the decision names them"),
        "achievements": _("Achievements"),
        "Proposal.collectives": _("Number of collectives proposed"),
        "Proposal.individuals": _("Number of individuals proposed"),
        "collectives": _("Collectives"),
        "individuals": _("Individuals"),
        "sort_individuals": _("Sort individuals by Vietnamese name order"),
        "recipients_from": _("Recipients from a spreadsheet"),
        "Collective.name": _("Name of the collective"),
        "Individual.name": _("Full name"),
        "unit": _("Unit"),
        "golden_book": _("Golden book number"),
        "file": _("Spreadsheet file"),
        "sheet": _("Sheet"),
        "collectives_sheet": _("Sheet of collectives"),
        "individuals_sheet": _("Sheet of individuals"),
    }


def lookup(table: dict[str, str], owner: str, field: str) -> str | None:
    """``table``'s entry for ``owner.field``, else for ``field`` (the rule of every name table)."""
    return table.get(f"{owner}.{field}", table.get(field))


NameTable = Callable[[], dict[str, str]]
# The other files' tables, by the model of the file (the meeting file's is names(), below).
_TABLES: dict[type[BaseModel], NameTable] = {}


def register(root: type[BaseModel], table: NameTable) -> None:
    """Name the fields of another kind of file docgen reads, whose model is ``root``.

    Its located messages then name a place as :func:`describe` does, every part with its key.
    """
    _TABLES[root] = table


# ---------------------------------------------------------------------------------------------
# Walking a model along a field path


def unwrap(tp: Any) -> Any:
    """Optional[X], Annotated[X, ...] → X, so that a walk follows the real type."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            rest = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(rest) != 1:
                return tp
            tp = rest[0]
        else:
            return tp


def _step(current: Any, part: str | int) -> tuple[Any, str | None]:
    """The type at ``part`` below ``current`` and the model class owning it (None: not a field)."""
    current = unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        if isinstance(part, str) and part in current.model_fields:
            return current.model_fields[part].annotation, current.__name__
        return None, None
    origin, args = typing.get_origin(current), typing.get_args(current)
    if origin in (list, tuple) and args:
        if isinstance(part, str):  # a field of every item: ("awards", "proposal")
            return _step(args[0], part)
        return args[0], None
    if origin is dict and len(args) == 2:
        return args[1], None
    return None, None


def model_at(path: FieldPath, root: type[BaseModel] = MeetingRecord) -> type[BaseModel] | None:
    """The model class whose fields the path leads into (for suggesting near misses)."""
    current: Any = root
    for part in path:
        current, _owner = _step(current, part)
        if current is None:
            return None
    current = unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


# ---------------------------------------------------------------------------------------------
# A field path in words


def describe(path: FieldPath, root: type[BaseModel] = MeetingRecord) -> str:
    """The field at ``path`` as a clerk knows it: its parts' names, the last one with its key.

    ``("agenda", 2, "time")`` → ``Nội dung chương trình, mục 3 › Thời gian (time)``;
    ``("people", "thu-ky")`` → ``Nhân sự có tên trong tệp › thu-ky``; a key the model does not
    know (a misspelling) is shown as written; a key after a list, ``("awards", "proposal")``,
    is that field of every item: ``Khen thưởng › Tờ trình đề nghị khen thưởng (proposal)``.
    ``"<key>"`` parts (the loader's mark of a key rather than its value) are skipped.

    ``root`` is the model of the file: another file than a meeting file is named with the table
    it registered (:func:`register`), each part with its key.
    """
    if root is MeetingRecord:
        table, every_key = names(), False
    else:
        table, every_key = (_TABLES[root]() if root in _TABLES else {}), True
    # (name, key shown after the last name, list item number or None)
    parts: list[list[Any]] = []
    current: Any = root
    keyed_table: str | None = None
    for part in path:
        if part == "<key>":
            continue
        if part == "[key]":  # pydantic's place for a bad key of a keyed table
            name = table.get(f"{keyed_table}.{KEY}") if keyed_table else None
            parts.append([name or _("identifier"), None, None])
            current = None
            continue
        following, owner = _step(current, part) if current is not None else (None, None)
        if isinstance(part, int):
            if parts and parts[-1][2] is None:
                parts[-1][2] = part + 1
            else:
                parts.append([None, None, part + 1])
        elif owner is not None:
            parts.append([lookup(table, owner, part), part, None])
            origin = typing.get_origin(unwrap(following))
            keyed_table = part if origin is dict else None
        else:
            parts.append([part, None, None])  # a table's row key, or a key the model lacks
        current = following
    if not parts:
        return _("(top level)")
    shown = []
    for i, (name, key, number) in enumerate(parts):
        keyed = every_key or i == len(parts) - 1
        text = name if name is not None else key
        if keyed and key is not None and name is not None:
            text = _("{name} ({key})").format(name=name, key=key)
        if number is not None:
            text = (
                _("{field}, item {number}").format(field=text, number=number)
                if text
                else _("item {number}").format(number=number)
            )
        shown.append(text)
    return " › ".join(shown)
