"""The words of the meeting form: a Vietnamese label for every field of the model.

A label is the field's name from :mod:`docgen.fieldnames` — the names located messages use, so
a problem beside a field names it as its label does — with, for some fields, a note in brackets
("Chức vụ (chức vụ cao nhất ghi trước)"). Notes and hints are looked up like names (``Model.field``
first, then ``field``). Built per call so that they follow the current language.
"""

from __future__ import annotations

from docgen.fieldnames import lookup, names
from docgen.formats import PROFILE_NAMES, profile
from docgen.i18n import _
from docgen.web.formspec import Field


def _notes() -> dict[str, str]:
    """What the form adds in brackets to a field's name (the names: :mod:`docgen.fieldnames`)."""
    return {
        "Body.place": _("if not the meeting's"),
        "term": _("Party numbering"),
        "positions": _("most senior first"),
        "secretary": _("takes the minutes"),
        "assessment": _("one paragraph each"),
        "achievements": _("one paragraph each"),
        "Signer.name": _("if not among the people"),
        "headline": _("blank: the one docgen writes"),
        "author": _("written at the end"),
        "Invitee.person": _("chosen among the people"),
        "Invitee.name": _("or instead of a person"),
        "detail": _("blank: the person's positions"),
        "AgendaItem.end": _("blank: until the next item"),
        "authority_full": _("with place"),
        "file": _(".xlsx/.csv"),
    }


def _hints() -> dict[str, str]:
    return {
        "date": _("2022-12-12 or 12/12/2022"),
        "Meeting.start": "08:00",
        "Meeting.end": "11:30",
        "number": _("blank: numbered by hand when signed"),
    }


class Labels:
    """``labels(field)`` and ``labels.hint(field)`` for the templates."""

    def __init__(self) -> None:
        self._names = names()
        self._notes = _notes()
        self._hints = _hints()
        self._choices = {
            **{("profile", k): v for k, v in profile_names().items()},
            **{("prefix", k): v for k, v in signer_prefixes().items()},
            ("mode", "list"): _("One invitation, to those on the attached list"),
            ("mode", "each"): _("One invitation for each invitee"),
        }

    def __call__(self, f: Field | str) -> str:
        if isinstance(f, str):  # a name of the table itself: "people._key"
            return self._names.get(f, f)
        name = lookup(self._names, f.owner, f.name) or f.name
        note = lookup(self._notes, f.owner, f.name)
        return _("{name} ({note})").format(name=name, note=note) if note else name

    def choice(self, f: Field, value: str) -> str:
        """How a fixed choice is shown: the value itself unless it is a code."""
        return self._choices.get((f.name, value), value)

    def hint(self, f: Field) -> str:
        kind_hint = {"date": "date"}.get(f.kind)  # a blank time is meant (the item runs on)
        own = lookup(self._hints, f.owner, f.name)
        return own or (self._hints.get(kind_hint, "") if kind_hint else "")


def document_names() -> dict[str, str]:
    """The documents a build makes, as the build page and the templates page name them."""
    return {
        "minutes": _("Minutes"),
        "notice": _("Conclusion notice"),
        "decision": _("Award decisions"),
        "list": _("Award lists"),
        "invitation": _("Invitation"),
        "programme": _("Programme"),
        "proposal": _("Award proposals (tờ trình)"),
        "news": _("News report draft"),
    }


def signer_prefixes() -> dict[str, str]:
    """A signing authority as both formats print it, with its meaning: "KT. / K/T — ký thay"."""
    meanings = {
        "TM": _("on behalf of (thay mặt)"),
        "KT": _("signing for (ký thay)"),
        "TL": _("by order of (thừa lệnh)"),
        "Q": _("acting (quyền)"),
        "TUQ": _("by authorisation of (thừa ủy quyền)"),
    }
    out = {}
    for code, meaning in meanings.items():
        printed = dict.fromkeys(profile(name).signer.prefixes[code] for name in PROFILE_NAMES)
        out[code] = _("{printed} — {meaning}").format(printed=" / ".join(printed), meaning=meaning)
    return out


def profile_names() -> dict[str, str]:
    return {
        "state": _("State format (Nghị định 30/2020/NĐ-CP)"),
        "party": _("Party format (Hướng dẫn 36-HD/VPTW)"),
    }
