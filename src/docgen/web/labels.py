"""The words of the meeting form: a Vietnamese label for every field of the model.

Labels are looked up as ``Model.field`` first (a person's ``name`` is "Họ và tên", a body's is
"Tên cơ quan"), then as ``field``; a field the model gains later shows its own name until it is
given a label here. Built per call so that they follow the current language.
"""

from __future__ import annotations

from docgen.i18n import _
from docgen.web.formspec import KEY, Field


def _labels() -> dict[str, str]:
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
        "Body.place": _("Place name (if not the meeting's)"),
        "term": _("Term (Party numbering)"),
        "bodies." + KEY: _("Identifier"),
        # people
        "Person.name": _("Full name"),
        "positions": _("Positions (most senior first)"),
        "people." + KEY: _("Identifier"),
        # roles
        "chairs": _("Chair"),
        "co_chairs": _("Co-chairs"),
        "secretary": _("Secretary (takes the minutes)"),
        "attendees": _("Named attendees"),
        "attendee_groups": _("Attendees described as groups"),
        # reports, conclusion
        "title": _("Title"),
        "presenter": _("Presented by"),
        "summary": _("Summary"),
        "by": _("Concluded by"),
        "assessment": _("Assessment (one paragraph each)"),
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
        "person": _("Person who signs"),
        "Signer.name": _("Name (if not among the people)"),
        "invitation": _("Invitation"),
        "programme": _("Programme"),
        "news": _("News report draft"),
        "mode": _("How the invitation is sent"),
        "bring": _("Please bring"),
        "contact": _("Contact person"),
        "Contact.name": _("Name and position"),
        "phone": _("Telephone"),
        "notes": _("Further notes"),
        "headline": _("Headline (blank: the one docgen writes)"),
        "author": _("Signed at the end by"),
        # invitees and the programme
        "Invitee.person": _("Person"),
        "Invitee.name": _("Or a name as written"),
        "detail": _("Position and unit (blank: the person's positions)"),
        "time": _("Time"),
        "AgendaItem.end": _("Until (blank: until the next item)"),
        "content": _("Content"),
        "AgendaItem.by": _("Presented or chaired by"),
        # awards
        "key": _("Identifier of the group"),
        "authority": _("Awarding authority"),
        "authority_full": _("Authority in full (with place)"),
        "form": _("Form of award"),
        "reason": _("Reason"),
        "decision": _("Decision"),
        "grounds": _("Grounds (Căn cứ)"),
        "Decision.proposal": _("Proposal line (Xét đề nghị)"),
        "AwardGroup.proposal": _("Proposal (tờ trình)"),
        "to": _("Addressed to (Kính gửi)"),
        "Proposal.by": _("The proposer as the decision names them"),
        "achievements": _("Achievements (one paragraph each)"),
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
        "file": _("Spreadsheet file (.xlsx/.csv)"),
        "sheet": _("Sheet"),
        "collectives_sheet": _("Sheet of collectives"),
        "individuals_sheet": _("Sheet of individuals"),
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
        self._labels = _labels()
        self._hints = _hints()
        self._choices = {
            **{("profile", k): v for k, v in profile_names().items()},
            ("mode", "list"): _("One invitation, to those on the attached list"),
            ("mode", "each"): _("One invitation for each invitee"),
        }

    def __call__(self, f: Field | str, table: str | None = None) -> str:
        if isinstance(f, str):
            return self._labels.get(f, f)
        for key in (f"{f.owner}.{f.name}", f.name):
            if key in self._labels:
                return self._labels[key]
        return f.name

    def choice(self, f: Field, value: str) -> str:
        """How a fixed choice is shown: the value itself unless it is a code."""
        return self._choices.get((f.name, value), value)

    def hint(self, f: Field) -> str:
        kind_hint = {"date": "date"}.get(f.kind)  # a blank time is meant (the item runs on)
        own = self._hints.get(f"{f.owner}.{f.name}") or self._hints.get(f.name)
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


def profile_names() -> dict[str, str]:
    return {
        "state": _("State format (Nghị định 30/2020/NĐ-CP)"),
        "party": _("Party format (Hướng dẫn 36-HD/VPTW)"),
    }
