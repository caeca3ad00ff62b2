"""The meeting record: everything the documents are made from, validated once.

One YAML file describes one meeting — who issues its documents and in which format profile,
who chaired and attended, what was reported and concluded, and which awards were given. The
classes below are that file's schema. They hold facts only; how a fact is *written* (dates,
numbers, capitals) is decided in :mod:`docgen.vietnamese` and :mod:`docgen.context`.

Every text field is cleaned on the way in (:func:`docgen.vietnamese.clean_text`): NFC,
trimmed, no control characters. Unknown keys are errors, so a misspelt key never silently
drops a fact. Cross-references (a chair who is not among ``people``, an award issued by a body
that is not declared) are checked by :func:`reference_problems` after the schema.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from docgen.i18n import N_, _
from docgen.vietnamese import MAX_DOCUMENT_NUMBER, check_code, clean_text


def choice(*options: str) -> Any:
    """A field with fixed choices, taken in any case and spacing, stored as written here.

    ``sáng``, ``Sáng`` and ``SÁNG`` are one choice to a clerk (and NFD text was made NFC by the
    loader before this runs); the record keeps the canonical ``sáng``.
    """
    canonical = {option.casefold(): option for option in options}

    def pick(value: Any) -> Any:
        if isinstance(value, str):
            return canonical.get(
                " ".join(unicodedata.normalize("NFC", value).split()).casefold(), value
            )
        return value

    return Annotated[Literal[options], BeforeValidator(pick)]  # type: ignore[valid-type]


Profile = choice("state", "party")
"""``state`` follows Nghị định 30/2020/NĐ-CP; ``party`` follows Hướng dẫn 36-HD/VPTW."""


def _clean_line(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


def _clean_paragraph(value: Any) -> Any:
    return clean_text(value, multiline=True) if isinstance(value, str) else value


def _not_empty(value: str) -> str:
    if not value:
        raise ValueError(_("must not be empty"))
    return value


Text = Annotated[str, BeforeValidator(_clean_line), AfterValidator(_not_empty)]
"""One line of text: NFC, trimmed, not empty."""

Paragraph = Annotated[str, BeforeValidator(_clean_paragraph), AfterValidator(_not_empty)]
"""Running text that may span lines (a YAML block scalar); a blank line starts a new paragraph."""

_KEY = re.compile(r"[a-z0-9][a-z0-9_-]*")
KEY_MAX_LENGTH = 60


def _check_key(value: str) -> str:
    # Keys become parts of file names and register entries: plain ASCII, bounded.
    if not _KEY.fullmatch(value) or len(value) > KEY_MAX_LENGTH:
        raise ValueError(
            _(
                "an identifier uses lower-case ASCII letters, digits, '-' and '_' only, starting "
                "with a letter or digit, at most {limit} characters (got {value})"
            ).format(limit=KEY_MAX_LENGTH, value=_short(value))
        )
    return value


def _short(value: str) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


Key = Annotated[str, AfterValidator(_check_key)]
"""An identifier used to refer to a person or a body elsewhere in the file."""


def _check_code(value: str) -> str:
    return check_code(value, _("code"))


Code = Annotated[str, BeforeValidator(_clean_line), AfterValidator(_check_code)]
"""A body's code as it stands in document numbers (``UBND``, ``BCĐ``, ``UBND-VX``)."""


def _parse_date(value: Any) -> Any:
    # Clerks write 12/12/2022 as often as 2022-12-12; accept both, reject the impossible.
    if isinstance(value, str):
        text = value.strip()
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if m:
            day, month, year = (int(g) for g in m.groups())
        else:
            m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
            if not m:
                raise ValueError(
                    _(
                        "{text!r} is not a date; write it as YYYY-MM-DD (2022-12-12) "
                        "or DD/MM/YYYY (12/12/2022)"
                    ).format(text=text)
                )
            year, month, day = (int(g) for g in m.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            if not 1 <= month <= 12:
                why = _("the month must be 1 to 12")
            else:
                last = calendar.monthrange(year, month)[1] if 1 <= year <= 9999 else 31
                why = _("month {month} of {year} has {days} days").format(
                    month=month, year=year, days=last
                )
            raise ValueError(
                _("{text!r} is not a real date ({why})").format(text=text, why=why)
            ) from None
    return value


Date = Annotated[dt.date, BeforeValidator(_parse_date)]


def _parse_time(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(_('write a time in quotes, as "08:00"'))
    if isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        m = re.fullmatch(r"(\d{1,2})(?::|h|giờ)(\d{1,2})?(?:phút)?", text)
        if not m:
            raise ValueError(
                _('{value!r} is not a time; write it as "08:00" or "8 giờ 30"').format(value=value)
            )
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        try:
            return dt.time(hour, minute)
        except ValueError:
            raise ValueError(_("{value!r} is not a time of day").format(value=value)) from None
    return value


Time = Annotated[dt.time, BeforeValidator(_parse_time)]


class Record(BaseModel):
    """Base of every part of the file: unknown keys are errors, values are re-checked on edit."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


class Body(Record):
    """An issuing body: its name as printed in the header and its format profile."""

    name: Text = Field(
        description="Full name, e.g. 'Ban Chỉ đạo Công tác thông tin đối ngoại tỉnh'."
    )
    parent: Text | None = Field(
        None, description="The body above it, printed above its name (e.g. 'Tỉnh ủy Lạng Sơn')."
    )
    header: list[Text] = Field(
        default_factory=list,
        description="The name as broken into lines in the header; defaults to the name.",
    )
    code: Code = Field(description="Short code in document numbers, e.g. 'UBND', 'BCĐ'.")
    profile: Profile
    place: Text | None = Field(
        None, description="Place name in its date lines; defaults to the meeting's."
    )
    term: Text | None = Field(
        None,
        description="The committee's term, e.g. '2020-2025': Party numbering runs through it "
        "instead of restarting each year.",
    )

    @property
    def header_lines(self) -> list[str]:
        return self.header or [self.name]


class Person(Record):
    name: Text
    positions: list[Text] = Field(default_factory=list, description="Most senior first.")

    @property
    def title(self) -> str:
        """The name followed by the positions, as running text introduces a person."""
        return ", ".join([self.name, *self.positions])


class Meeting(Record):
    name: Text = Field(description="Begins with the kind: 'Hội nghị tổng kết …'.")
    kind: Text = "hội nghị"
    date: Date
    session: choice("sáng", "chiều", "tối") | None = None  # type: ignore[valid-type]
    start: Time | None = None
    end: Time | None = None
    venue: Text
    place: Text = Field(description="Place name written in date lines, e.g. 'Lạng Sơn'.")
    organisers: list[Key] = Field(
        min_length=1, description="Keys of the bodies that held the meeting (see bodies)."
    )


class Roles(Record):
    chairs: list[Key] = Field(min_length=1)
    co_chairs: list[Key] = Field(default_factory=list)
    secretary: Key | None = None
    attendees: list[Key] = Field(default_factory=list, description="Named guests and members.")
    attendee_groups: list[Text] = Field(
        default_factory=list, description="Those attending, described as groups."
    )


class Report(Record):
    title: Text
    presenter: Text | None = Field(None, description="A person key, or a body's name.")
    summary: Paragraph | None = None


class Directive(Record):
    task: Paragraph
    lead: Text | None = Field(None, description="The body that leads the task.")
    coordinate: list[Text] = Field(default_factory=list, description="Bodies that help.")
    deadline: Text | None = None


class Conclusion(Record):
    by: Key = Field(description="Key of the person who concluded.")
    assessment: list[Paragraph] = Field(min_length=1)
    directives: list[Directive] = Field(default_factory=list)


SignerPrefix = Literal["TM", "KT", "TL", "Q", "TUQ"]


def _signer_prefix(value: Any) -> Any:
    # The two profiles spell the same authority differently (TM. / T/M); accept either.
    if isinstance(value, str):
        code = value.strip().upper().replace(".", "").replace("/", "")
        if code and code not in get_args(SignerPrefix):
            # Named as a clerk writes them, not as the codes the record keeps.
            raise ValueError(
                _(
                    "{value} is not a signing authority; leave it blank or write one of TM., KT., "
                    "TL., Q., TUQ. — in a Party document T/M, K/T, T/L"
                ).format(value=_short(value))
            )
        return code or None
    return value


class Signer(Record):
    """Who signs, and on whose behalf: 'TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / <name>'."""

    prefix: Annotated[SignerPrefix | None, BeforeValidator(_signer_prefix)] = None
    on_behalf_of: Text | None = Field(
        None, description="What follows the prefix: 'ỦY BAN NHÂN DÂN', 'BAN CHỈ ĐẠO', 'CHỦ TỊCH'."
    )
    position: Text = Field(description="The signer's own position: 'CHỦ TỊCH', 'PHÓ TRƯỞNG BAN'.")
    person: Key | None = Field(None, description="A key in people; or give name instead.")
    name: Text | None = None


class DocumentSettings(Record):
    """Number, date, signer and recipients of one issued document."""

    issuer: Key
    number: int | None = Field(
        None,
        ge=1,
        le=MAX_DOCUMENT_NUMBER,
        description="Left blank for hand numbering when absent.",
    )
    date: Date | None = None
    signer: Signer | None = None
    recipients: list[Text] = Field(default_factory=list, description="Nơi nhận, without '- '.")


class Collective(Record):
    name: Text
    unit: Text | None = Field(None, description="The body it belongs to, when not in its name.")
    golden_book: Text | None = None


class Individual(Record):
    name: Text
    position: Text | None = None
    unit: Text | None = None
    golden_book: Text | None = None


class Decision(DocumentSettings):
    grounds: list[Text] = Field(default_factory=list, description="Căn cứ lines, in order.")
    proposal: Text | None = Field(None, description="'Xét đề nghị của …' line.")


class Proposal(DocumentSettings):
    """The tờ trình asking for this award, issued by the proposing body (``issuer``).

    The decision then cites it ("Xét đề nghị của … tại Tờ trình số … ngày …") instead of a
    free-text ``proposal`` line, so the two cannot disagree.
    """

    to: Text | None = Field(
        None, description="Kính gửi: who decides. Defaults to the award's authority_full."
    )
    by: Text | None = Field(
        None,
        description="How the decision names the proposer: 'Giám đốc Sở Nội vụ'. "
        "Defaults to the proposing body's name.",
    )
    grounds: list[Text] = Field(default_factory=list, description="Căn cứ lines, in order.")
    achievements: list[Paragraph] = Field(
        default_factory=list, description="The achievement in brief, one paragraph each."
    )
    collectives: int | None = Field(
        None, ge=0, description="Collectives proposed; must equal the list's count when given."
    )
    individuals: int | None = Field(
        None, ge=0, description="Individuals proposed; must equal the list's count when given."
    )


class RecipientSource(Record):
    """A spreadsheet (.xlsx or .csv) that holds an award group's recipients.

    Member units send their award lists as Excel files; pointing at the file avoids retyping
    it into YAML. Collectives and individuals are told apart by a "Loại" column, by section
    rows ("I. TẬP THỂ"), by the name column's header, or by the sheets named here.
    """

    file: Text = Field(description="Path of the .xlsx/.csv file, relative to the meeting file.")
    sheet: Text | None = Field(
        None, description="The one sheet to read; all sheets when neither this nor the two below."
    )
    collectives_sheet: Text | None = Field(None, description="A sheet holding only collectives.")
    individuals_sheet: Text | None = Field(None, description="A sheet holding only individuals.")


class AwardGroup(Record):
    """One award given by one authority in one decision, with its recipients."""

    key: Key
    authority: Text = Field(description="Who awards: 'Chủ tịch Ủy ban nhân dân tỉnh'.")
    authority_full: Text | None = Field(
        None,
        description="The authority with its place, as headed on the decision and certificate: "
        "'Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn'. Defaults to authority.",
    )
    form: choice("Bằng khen", "Giấy khen")  # type: ignore[valid-type]
    reason: Paragraph = Field(description="Begins 'đã có thành tích …'.")
    decision: Decision
    collectives: list[Collective] = Field(default_factory=list)
    individuals: list[Individual] = Field(default_factory=list)
    sort_individuals: bool = Field(
        False, description="Sort individuals by Vietnamese name order instead of list order."
    )
    proposal: Proposal | None = Field(
        None, description="The proposing body's tờ trình for this award, when there is one."
    )
    recipients_from: RecipientSource | None = Field(
        None,
        description="Take collectives and individuals from a spreadsheet instead of this file.",
    )

    @property
    def recipients(self) -> Iterator[Collective | Individual]:
        yield from self.collectives
        yield from self.individuals


class Contact(Record):
    name: Text = Field(description="Who answers questions about the meeting: 'đồng chí …'.")
    phone: Text | None = None


class Invitation(DocumentSettings):
    """The giấy mời: one addressed 'theo danh sách' with the list attached, or one per invitee."""

    mode: Literal["list", "each"] = Field(
        "list",
        description="'list': one invitation to the invitees 'theo danh sách gửi kèm', the list "
        "attached; 'each': one invitation addressed to each invitee.",
    )
    bring: Text | None = Field(None, description="What to bring: 'tài liệu Hội nghị …'.")
    contact: Contact | None = None
    notes: list[Text] = Field(default_factory=list, description="Further notes, one a line.")


class Invitee(Record):
    """One addressee: a person of ``people``, or a name as written ('Thường trực Huyện ủy …')."""

    person: Key | None = Field(None, description="A key in people; or give name instead.")
    name: Text | None = None
    detail: Text | None = Field(
        None, description="Position and unit; defaults to the person's positions."
    )


class AgendaItem(Record):
    """One line of the programme: when, what, who."""

    time: Time
    end: Time | None = Field(None, description="Defaults to the next item's time.")
    content: Text
    by: Text | None = Field(None, description="Who presents or chairs: a person key or a name.")


class News(Record):
    """The news report draft (bản tin)."""

    headline: Text | None = Field(None, description="Replaces the headline docgen writes.")
    author: Text | None = Field(None, description="Signed at the end: 'Ban Tuyên giáo Tỉnh ủy'.")


class Documents(Record):
    minutes: DocumentSettings
    notice: DocumentSettings
    invitation: Invitation | None = Field(None, description="The giấy mời; none when absent.")
    programme: DocumentSettings | None = Field(
        None,
        description="Number, issuer and signer of the chương trình; it is made whenever there "
        "is an agenda (issued by the first organiser when this is absent).",
    )
    news: News | None = None


class MeetingRecord(Record):
    """The whole YAML file."""

    meeting: Meeting
    bodies: dict[Key, Body] = Field(min_length=1)
    people: dict[Key, Person] = Field(default_factory=dict)
    roles: Roles
    reports: list[Report] = Field(default_factory=list)
    discussion: list[Paragraph] = Field(default_factory=list)
    conclusion: Conclusion
    awards: list[AwardGroup] = Field(default_factory=list)
    documents: Documents
    invitees: list[Invitee] = Field(default_factory=list, description="Who the giấy mời invites.")
    agenda: list[AgendaItem] = Field(
        default_factory=list, description="The programme, in order of time."
    )

    def person(self, key: str) -> Person:
        return self.people[key]

    def body(self, key: str) -> Body:
        return self.bodies[key]

    def award(self, key: str) -> AwardGroup:
        for group in self.awards:
            if group.key == key:
                return group
        raise KeyError(key)


Path = tuple[str | int, ...]


# What a dangling key should have named, translated when the problem is reported.
BODIES = N_('"{key}" is not one of the bodies declared ({known}).')
PEOPLE = N_('"{key}" is not one of the people declared ({known}).')


def reference_problems(record: MeetingRecord) -> list[tuple[Path, str]]:
    """Keys that point nowhere, as (field path, message) pairs for the loader to locate."""
    problems: list[tuple[Path, str]] = []

    def need(kind: str, table: dict[str, Any], key: str | None, path: Path) -> None:
        if key is None or key in table:
            return
        from difflib import get_close_matches

        near = get_close_matches(key, list(table), n=1)
        hint = " " + _('Did you mean "{near}"?').format(near=near[0]) if near else ""
        known = ", ".join(sorted(table)) or _("none")
        problems.append((path, _(kind).format(key=key, known=known) + hint))

    for i, key in enumerate(record.meeting.organisers):
        need(BODIES, record.bodies, key, ("meeting", "organisers", i))
    roles = record.roles
    for field in ("chairs", "co_chairs", "attendees"):
        for i, key in enumerate(getattr(roles, field)):
            need(PEOPLE, record.people, key, ("roles", field, i))
    need(PEOPLE, record.people, roles.secretary, ("roles", "secretary"))
    need(PEOPLE, record.people, record.conclusion.by, ("conclusion", "by"))

    def settings(doc: DocumentSettings, path: Path) -> None:
        need(BODIES, record.bodies, doc.issuer, (*path, "issuer"))
        if doc.signer is not None:
            need(PEOPLE, record.people, doc.signer.person, (*path, "signer", "person"))
            if doc.signer.person is None and doc.signer.name is None:
                problems.append(((*path, "signer"), _("give the signer's person key or name.")))

    settings(record.documents.minutes, ("documents", "minutes"))
    settings(record.documents.notice, ("documents", "notice"))
    if record.documents.programme is not None:
        settings(record.documents.programme, ("documents", "programme"))
    invitation = record.documents.invitation
    if invitation is not None:
        settings(invitation, ("documents", "invitation"))
        if not record.invitees:
            if invitation.mode == "list":
                message = _(
                    "the invitation goes 'theo danh sách' (mode: list) but the list of "
                    "invitees is empty; add them under invitees."
                )
                problems.append((("documents", "invitation", "mode"), message))
            else:
                message = _(
                    "one invitation per invitee (mode: each) needs invitees; add them under "
                    "invitees."
                )
                problems.append((("documents", "invitation", "mode"), message))
    for i, invitee in enumerate(record.invitees):
        need("people", record.people, invitee.person, ("invitees", i, "person"))
        if (invitee.person is None) == (invitee.name is None):
            message = _("give the invitee's person key or name (one of them).")
            problems.append((("invitees", i), message))
    problems.extend(agenda_problems(record))
    seen: dict[str, int] = {}
    for i, group in enumerate(record.awards):
        settings(group.decision, ("awards", i, "decision"))
        if group.proposal is not None:
            settings(group.proposal, ("awards", i, "proposal"))
            if group.decision.proposal is not None:
                message = _(
                    "this award has a tờ trình (proposal), whose number and date the decision "
                    "cites; remove this line so the two cannot disagree."
                )
                problems.append((("awards", i, "decision", "proposal"), message))
        if group.key in seen:
            problems.append(
                (
                    ("awards", i, "key"),
                    _('"{key}" is already the key of award group {number}.').format(
                        key=group.key, number=seen[group.key] + 1
                    ),
                )
            )
        seen.setdefault(group.key, i)
        if group.recipients_from is not None:
            if group.collectives or group.individuals:
                problems.append(
                    (
                        ("awards", i, "recipients_from"),
                        _(
                            "give the recipients either here (a spreadsheet) or as collectives/"
                            "individuals in this file, not both."
                        ),
                    )
                )
        elif not group.collectives and not group.individuals:
            problems.append((("awards", i), _("an award group needs at least one recipient.")))
    return problems


def _at(t: dt.time) -> str:
    return f"{t:%H:%M}"


def agenda_problems(record: MeetingRecord) -> list[tuple[Path, str]]:
    """Agenda times out of order, or outside the meeting's start and end."""
    problems: list[tuple[Path, str]] = []
    start, end = record.meeting.start, record.meeting.end
    previous: dt.time | None = None
    for i, item in enumerate(record.agenda):
        where: Path = ("agenda", i, "time")
        if start is not None and item.time < start:
            message = _("{time} is before the meeting starts ({start}).")
            problems.append((where, message.format(time=_at(item.time), start=_at(start))))
        elif end is not None and item.time > end:
            message = _("{time} is after the meeting ends ({end}).")
            problems.append((where, message.format(time=_at(item.time), end=_at(end))))
        elif previous is not None and item.time < previous:
            message = _(
                "{time} comes before the item above it ({previous}); list the items in "
                "order of time."
            )
            problems.append((where, message.format(time=_at(item.time), previous=_at(previous))))
        if item.end is not None:
            if item.end < item.time:
                message = _("{end} is before the item begins ({time}).")
                problems.append(
                    (("agenda", i, "end"), message.format(end=_at(item.end), time=_at(item.time)))
                )
            elif end is not None and item.end > end:
                message = _("{time} is after the meeting ends ({end}).")
                problems.append(
                    (("agenda", i, "end"), message.format(time=_at(item.end), end=_at(end)))
                )
        previous = max(filter(None, (previous, item.time, item.end)))
    return problems


def count_problems(
    record: MeetingRecord, *, from_spreadsheets: bool = False
) -> list[tuple[Path, str]]:
    """Counts a tờ trình states that differ from its award group's list.

    Checked once the recipients are known: for the lists written in the file when it is read,
    for those taken from a spreadsheet (``from_spreadsheets``) after reading the spreadsheet.
    """
    problems: list[tuple[Path, str]] = []
    for i, group in enumerate(record.awards):
        proposal = group.proposal
        if proposal is None or (group.recipients_from is not None) != from_spreadsheets:
            continue
        for field, actual, message in (
            (
                "collectives",
                len(group.collectives),
                _(
                    "the tờ trình proposes {stated} collective(s) but the award's list holds "
                    "{actual}; correct the count or the list."
                ),
            ),
            (
                "individuals",
                len(group.individuals),
                _(
                    "the tờ trình proposes {stated} individual(s) but the award's list holds "
                    "{actual}; correct the count or the list."
                ),
            ),
        ):
            stated = getattr(proposal, field)
            if stated is not None and stated != actual:
                where: Path = ("awards", i, "proposal", field)
                problems.append((where, message.format(stated=stated, actual=actual)))
    return problems
