"""One table of the document types a meeting can produce.

Each :class:`DocumentType` says everything the rest of docgen needs to know about one kind of
document: its ``--only`` key, its output file stem, its template file, the type code its number
carries (and whether the register numbers it or it borrows another document's number), whether
it is made once per award group or per invitee, the variables its template may use and the
function that makes its context. The build, the register, ``templates list|check`` and
``docgen validate`` read this table; adding a document is one entry here, one context function
and one template (the step python-docx takes to register a part: one line).

The arrows stay one way: this module imports the model and :mod:`docgen.context`; neither of
them imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from docgen import around, context, formats
from docgen.i18n import N_
from docgen.model import AwardGroup, DocumentSettings, Invitee, MeetingRecord

Item = Any
"""What one copy of a document is made for: an award group, or ``None`` for the meeting."""


@dataclass(frozen=True)
class DocumentType:
    key: str
    """The name in ``--only`` and in the API."""
    stem: str
    """Output file name without extension: ASCII, numbered so a folder sorts in a useful order."""
    template: str
    """File name of its template inside ``<templates>/<profile>/``."""
    description: str
    """What ``templates list`` calls it: marked for the catalogue, translated where shown."""
    kind: str | None
    """Its kind in :mod:`docgen.formats` (``None``: not an official document), where its type
    code is found: the number line, the register and ``docgen check`` read the one table."""
    variables: Mapping[str, str]
    """The names its context provides, each with what it holds."""
    make: Callable[[MeetingRecord, Item, Mapping[str, str]], dict[str, Any]]
    """``make(record, item, type_codes)`` → the context; ``type_codes`` maps keys to codes."""
    items: Callable[[MeetingRecord], list[Item]]
    """The copies a build makes: ``[None]`` for one per meeting, award groups, … ``[]``: none."""
    settings: Callable[[MeetingRecord, Item], DocumentSettings | None]
    """Issuer, number and date of one copy (``None`` for a document nobody issues)."""
    register_key: Callable[[Item], str] | None = None
    """How the register names its number; ``None`` when it borrows another's (see ``numbered_by``)."""
    numbered_by: str | None = None
    """The document whose number this one prints (an award list prints its decision's)."""
    suffix: Callable[[Item], str] | None = None
    """What tells copies apart in the file name (an award group's key)."""
    text_copy: bool = False
    """Also written as plain text (``.txt``), for pasting into a web portal."""
    per_group: bool = False
    """Made once per award group: its context needs the group."""
    needs: tuple[str, ...] = ()
    """The field of the meeting file without which :attr:`items` is empty (``()``: always
    made), for telling the clerk what to fill in when a build makes none."""

    @property
    def type_code(self) -> str:
        """The type code its number line carries [ND30 Phụ lục III] ('' for none).

        An award list prints its decision's number, so its decision's code. The code is the
        same in both profiles for every document docgen makes (``formats.yaml``); a document
        whose code differed by profile would need the profile here, and is refused.
        """
        if self.numbered_by is not None:
            return get(self.numbered_by).type_code
        if self.kind is None:
            return ""
        kind = formats.rules().kinds[self.kind]
        codes = {kind.code(name) for name in formats.PROFILE_NAMES}
        if len(codes) != 1 or None in codes:
            raise ValueError(f"the {self.key}'s type code differs by profile: {codes}")
        return codes.pop() or ""

    def profile(self, record: MeetingRecord, item: Item = None) -> str:
        """The format profile of one copy: its issuer's, else the first organiser's."""
        settings = self.settings(record, item)
        key = settings.issuer if settings is not None else record.meeting.organisers[0]
        return record.body(key).profile

    def context(self, record: MeetingRecord, item: Item = None) -> dict[str, Any]:
        """The values this document's template prints, exactly :attr:`variables`'s names."""
        ctx = self.make(record, item, TYPE_CODES)
        # Keep the promise that ``variables`` lists exactly what a template can use.
        missing = set(self.variables) - set(ctx)
        if missing:
            raise RuntimeError(f"context for {self.key} lacks {sorted(missing)}")
        return {name: ctx[name] for name in self.variables}


def _once(record: MeetingRecord) -> list[Item]:
    return [None]


def _per_award(record: MeetingRecord) -> list[Item]:
    return list(record.awards)


def _award_key(group: AwardGroup) -> str:
    return group.key


def _meeting_settings(name: str) -> Callable[[MeetingRecord, Item], DocumentSettings]:
    def settings(record: MeetingRecord, item: Item) -> DocumentSettings:
        return getattr(record.documents, name)

    return settings


def _decision_settings(record: MeetingRecord, group: AwardGroup) -> DocumentSettings:
    return group.decision


def _award_register_key(group: AwardGroup) -> str:
    return f"award:{group.key}"


MINUTES = DocumentType(
    key="minutes",
    stem="01-bien-ban",
    template="minutes.docx",
    description=N_("biên bản (minutes)"),
    kind="minutes",
    variables=context.MINUTES_VARIABLES,
    make=context.minutes_context,
    items=_once,
    settings=_meeting_settings("minutes"),
    register_key=lambda item: "minutes",
)
NOTICE = DocumentType(
    key="notice",
    stem="02-thong-bao-ket-luan",
    template="notice.docx",
    description=N_("thông báo kết luận (conclusion notice)"),
    kind="notice",
    variables=context.NOTICE_VARIABLES,
    make=context.notice_context,
    items=_once,
    settings=_meeting_settings("notice"),
    register_key=lambda item: "notice",
)
DECISION = DocumentType(
    key="decision",
    stem="03-quyet-dinh",
    template="decision.docx",
    description=N_("quyết định khen thưởng (award decision)"),
    kind="decision",
    variables=context.AWARD_VARIABLES,
    make=context.award_context,
    items=_per_award,
    settings=_decision_settings,
    register_key=_award_register_key,
    suffix=_award_key,
    per_group=True,
    needs=("awards",),
)
AWARD_LIST = DocumentType(
    key="list",
    stem="04-danh-sach",
    template="award-list.docx",
    description=N_("danh sách khen thưởng (award list)"),
    kind="list",
    variables=context.AWARD_VARIABLES,
    make=context.award_context,
    items=_per_award,
    settings=_decision_settings,
    numbered_by="decision",
    suffix=_award_key,
    per_group=True,
    needs=("awards",),
)


def _invitation_settings(record: MeetingRecord, item: Item) -> DocumentSettings | None:
    return record.documents.invitation


def _invitee_suffix(invitee: Invitee) -> str:
    return invitee.person or invitee.name or ""


def _with_agenda(record: MeetingRecord) -> list[Item]:
    return [None] if record.agenda else []


def _with_proposal(record: MeetingRecord) -> list[Item]:
    return [group for group in record.awards if group.proposal is not None]


def _proposal_settings(record: MeetingRecord, group: AwardGroup) -> DocumentSettings | None:
    return group.proposal


# The Party codes of GM and TTr are not in the spec's Party list (which names CTr): the
# state abbreviations are used for Party bodies too, as Party offices write them in practice
# (formats.yaml, party number.type_codes).
INVITATION = DocumentType(
    key="invitation",
    stem="06-giay-moi",
    template="invitation.docx",
    description=N_("giấy mời (invitation)"),
    kind="invitation",
    variables=around.INVITATION_VARIABLES,
    make=around.invitation_context,
    items=around.invitation_copies,
    settings=_invitation_settings,
    register_key=lambda item: "invitation",
    suffix=lambda item: _invitee_suffix(item) if item is not None else "",
    needs=("documents", "invitation"),
)
PROGRAMME = DocumentType(
    key="programme",
    stem="07-chuong-trinh",
    template="programme.docx",
    description=N_("chương trình (programme)"),
    kind="programme",
    variables=around.PROGRAMME_VARIABLES,
    make=around.programme_context,
    items=_with_agenda,
    settings=lambda record, item: around.programme_settings(record),
    register_key=lambda item: "programme",
    needs=("agenda",),
)
PROPOSAL = DocumentType(
    key="proposal",
    stem="08-to-trinh",
    template="proposal.docx",
    description=N_("tờ trình đề nghị khen thưởng (award proposal)"),
    kind="proposal",
    variables=around.PROPOSAL_VARIABLES,
    make=around.proposal_context,
    items=_with_proposal,
    settings=_proposal_settings,
    register_key=lambda group: f"proposal:{group.key}",
    suffix=_award_key,
    per_group=True,
    needs=("awards", "proposal"),
)
NEWS = DocumentType(
    key="news",
    stem="09-ban-tin",
    template="news.docx",
    description=N_("bản tin (news report draft)"),
    kind=None,
    variables=around.NEWS_VARIABLES,
    make=around.news_context,
    items=_once,
    settings=lambda record, item: None,
    text_copy=True,
)

TYPES: tuple[DocumentType, ...] = (
    MINUTES,
    NOTICE,
    DECISION,
    AWARD_LIST,
    INVITATION,
    PROGRAMME,
    PROPOSAL,
    NEWS,
)
"""Every document type, in the order of the output folder."""

BY_KEY: dict[str, DocumentType] = {t.key: t for t in TYPES}
DOCUMENTS: tuple[str, ...] = tuple(BY_KEY)
"""The ``--only`` keys, in output order."""


def get(key: str) -> DocumentType:
    try:
        return BY_KEY[key]
    except KeyError:
        raise ValueError(f"unknown document {key!r}; expected one of {DOCUMENTS}") from None


TYPE_CODES: dict[str, str] = {t.key: t.type_code for t in TYPES}
"""Each document's type code, read from ``formats.yaml`` through its kind."""


def known_variables(document: str) -> dict[str, str]:
    """Names the context of ``document`` provides, each with what it holds."""
    return dict(get(document).variables)


def context_for(record: MeetingRecord, document: str, item: Item = None) -> dict[str, Any]:
    """The values ``document``'s template prints, for ``record`` (and its award group).

    Documents made per award group need the ``item``; the keys are exactly
    ``known_variables(document)``.
    """
    doc = get(document)
    if item is None and doc.per_group:
        raise ValueError(f"the {document} is made for one award group; pass the group")
    return doc.context(record, item)


def sample_item(record: MeetingRecord, document: str) -> tuple[bool, Item]:
    """A copy of ``document`` the record can make (for checking a template against real
    values); ``(False, None)`` when the record makes none."""
    items = get(document).items(record)
    return (True, items[0]) if items else (False, None)


def numbered(record: MeetingRecord) -> dict[str, tuple[DocumentSettings, str]]:
    """Every document of a meeting the register numbers: register key → (settings, type code).

    The settings are the record's own objects, so numbering a copy of the record is setting
    ``settings.number`` on what this returns for the copy.
    """
    out: dict[str, tuple[DocumentSettings, str]] = {}
    for doc in TYPES:
        if doc.register_key is None:
            continue
        for item in doc.items(record):
            settings = doc.settings(record, item)
            if settings is not None:
                out[doc.register_key(item)] = (settings, doc.type_code)
    return out
