"""From the meeting record to the values a template prints.

Templates are edited by clerks in Word, so they hold wording and layout only: every value that
is *computed* — a number line, a date, a count, an upper-cased heading, a sorted list, a
sentence whose shape depends on the data (one chair or two, a co-chair or none) — is made here,
in Python, with the rules of :mod:`docgen.vietnamese`, and handed over as plain strings and
lists. Profile-specific *words* (``TM.`` or ``T/M``, ``Số:`` or ``Số``, the ``Lưu`` line) are
chosen here too, from the format rules (:mod:`docgen.formats`); profile-specific *sizes and
layout* live in the per-profile templates, generated from the same rules.

Each ``*_context`` function builds the context of one kind of document; the ``*_VARIABLES``
tables say which names it provides and what they hold (``templates check`` uses them to flag a
misspelt variable, and the clerk guide lists them). :mod:`docgen.documents` ties each document
type to its function and table.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from docgen import formats
from docgen.docx.rules import rule_paragraph
from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.measure import text_width_mm
from docgen.model import AwardGroup, Body, DocumentSettings, MeetingRecord, Person, Signer
from docgen.vietnamese import (
    DATE_BLANK,
    capitalize_first,
    document_number,
    format_counts,
    format_date,
    lower_first,
    name_sort_key,
    nfc,
    number_reference,
    place_date_line,
    upper,
)

_COMMON = {
    "profile": "the issuer's format profile: 'state' or 'party'",
    "parent": "the body above the issuer, in capitals ('TỈNH ỦY LẠNG SƠN'); empty if none",
    "issuer_header": "the issuing body as broken into header lines, in capitals",
    "issuer_rule": "the rule under the issuing body's name, a paragraph of its own: {{p issuer_rule }}",
    "issuer_name": "the issuing body's full name ('Ủy ban nhân dân tỉnh Lạng Sơn')",
    "issuer_short": "the issuing body's name as its header reads, in running text",
    "number": "the number line: 'Số: 05/TB-UBND' (state) or 'Số 15-TB/BCĐ35' (party)",
    "place_date": "'Lạng Sơn, ngày 12 tháng 12 năm 2022'",
    "recipients": "Nơi nhận items, each written out ('- Thường trực Tỉnh ủy;'), the Lưu line last",
    "signer_prefix_line": "'KT. CHỦ TỊCH', 'T/M BAN CHỈ ĐẠO'; empty when the head signs",
    "signer_position": "the signer's position in capitals ('PHÓ CHỦ TỊCH')",
    "signer_name": "the signer's name",
    "meeting_name": "the meeting's name as written in the record",
    "kind_cap": "the kind of meeting with a capital: 'Hội nghị'",
    "kind_lower": "the kind of meeting in lower case: 'hội nghị'",
}

_MEETING = {
    "venue": "where the meeting was held",
    "start_text": "'08 giờ 00, ngày 12 tháng 12 năm 2022' (or the session and date)",
    "end_text": "'11 giờ 30, ngày 12 tháng 12 năm 2022' (blanks when the end is not known)",
    "participants": "those attending, named people first, then groups, separated by '; '",
    "chairs_text": "'đồng chí <name>, <positions>' for each chair, co-chairs marked",
    "secretary_text": "'đồng chí <name>, <position>' of the secretary (blanks when unknown)",
    "secretary_name": "the secretary's name",
    "chair_name": "the (first) chair's name",
    "reports": "reports heard: each has .heard ('<presenter> trình bày <title>.'), .title, "
    ".presenter and .summary (a list of paragraphs)",
    "discussion": "discussion topics, one string each",
    "concluder_name": "the name of who concluded",
    "concluder_title": "'<name>, <first position>' of who concluded, with the position held in "
    "the issuing body when that is another",
    "conclusion_items": "the conclusion: assessment paragraphs first, then each directive "
    "written as who leads, who coordinates, what, by when",
    "opening": "the notice's first paragraph: when, where, who held it, who chaired and attended",
    "heard": "what the meeting heard and discussed, as one paragraph",
}

_AWARD = {
    "form": "'Bằng khen' or 'Giấy khen'",
    "form_upper": "'BẰNG KHEN' or 'GIẤY KHEN'",
    "authority": "who awards: 'Chủ tịch Ủy ban nhân dân tỉnh'",
    "authority_upper": "the same in capitals",
    "authority_full": "the authority with its place: 'Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn'",
    "authority_heading": "the decision's enacting line in capitals",
    "reason": "'đã có thành tích …' without a final full stop",
    "counts": "'09 tập thể và 11 cá nhân', counted from the list",
    "grounds": "căn cứ lines, each ending with ';' (the last with '.' when there is no proposal)",
    "proposal": "'Xét đề nghị của ….' or empty",
    "executors": "who carries the decision out, after the head of the office (state wording)",
    "executors_cap": "who carries the decision out, with a capital (Party wording)",
    "decision_ref": "the decision's number without 'Số': '2156/QĐ-UBND'",
    "decision_date": "'ngày 08 tháng 12 năm 2022'",
    "decision_issuer": "who issued the decision, as the list's subtitle names it",
    "list_who": "'TẬP THỂ, CÁ NHÂN', 'TẬP THỂ' or 'CÁ NHÂN'",
    "collectives": "list rows of collectives: .number (from 1), .name, .detail",
    "individuals": "list rows of individuals: .number (from 1), .name, .detail (position, unit)",
    "collectives_numeral": "'I' (the collectives' group row)",
    "individuals_numeral": "'II', or 'I' when there are no collectives",
}

MINUTES_VARIABLES: dict[str, str] = {**_COMMON, **_MEETING}
NOTICE_VARIABLES: dict[str, str] = {**_COMMON, **_MEETING}
AWARD_VARIABLES: dict[str, str] = {**_COMMON, **_AWARD}
"""The decision and its list share one context."""


# ---------------------------------------------------------------------------------------------
# Small writers
# ---------------------------------------------------------------------------------------------


def _strip_end(text: str) -> str:
    """Drop trailing punctuation so the template or the list decides how a line ends."""
    return text.rstrip(" .;,:")


def _person_title(person: Person) -> str:
    return f"đồng chí {person.title}"


def _clock(t: dt.time) -> str:
    return f"{t.hour:02d} giờ {t.minute:02d}"


def _short_name(body: Body) -> str:
    # The header lines are how the body names itself in short ("Ban Chỉ đạo 35"); joined
    # they read well in running text, the full name would fill a line.
    return " ".join(body.header_lines)


def _join_and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]


def _paragraphs(text: str | None) -> list[str]:
    if not text:
        return []
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()]


def _issuer(record: MeetingRecord, settings: DocumentSettings) -> Body:
    return record.body(settings.issuer)


def issuer_rule_mm(lines: list[str], profile: str) -> float:
    """The rule under the issuing body's name ``lines``, as the templates print them.

    A share of the name's longest line (a line wider than the header's column wraps, so the
    column's width caps it), measured in the profile's font at the issuer's size.
    """
    rules = formats.profile(profile)
    layout = formats.rules().layout
    element = rules.elements.issuer
    widths = [
        text_width_mm(line, rules.font.family, element.pt, bold=bool(element.bold))
        for line in lines
    ]
    return layout.issuer_rule.length_mm(min(max(widths, default=0.0), _header_cell_mm()))


def _header_cell_mm() -> float:
    """The left header column's text width: the column less its cell margins (1 mm a side)."""
    return formats.rules().layout.header_columns_mm[0] - 2


def _header(record: MeetingRecord, body: Body) -> dict[str, str]:
    lines = [upper(line) for line in body.header_lines]
    rule_mm = issuer_rule_mm(lines, body.profile)
    return {
        "profile": body.profile,
        "parent": upper(body.parent) if body.parent else "",
        "issuer_header": "\n".join(lines),
        # Markup: a whole paragraph of OOXML, put in place of the template's {{p issuer_rule }}.
        "issuer_rule": Markup(rule_paragraph(rule_mm, _header_cell_mm())),
        "issuer_name": body.name,
        "issuer_short": _short_name(body),
    }


def _number(settings: DocumentSettings, body: Body, type_code: str) -> str:
    return document_number(settings.number, type_code, body.code, body.profile)


def _place_date(record: MeetingRecord, settings: DocumentSettings, body: Body) -> str:
    return place_date_line(body.place or record.meeting.place, settings.date)


def decision_reference(decision: DocumentSettings, issuer: Body, type_code: str) -> str:
    """The decision's number as other documents cite it, without 'Số': '2156/QĐ-UBND'."""
    return number_reference(decision.number, type_code, issuer.code, issuer.profile)


def signer_lines(record: MeetingRecord, signer: Signer | None, profile: str) -> dict[str, str]:
    """The signature block's three lines; all empty when nobody is named yet."""
    if signer is None:
        return {"signer_prefix_line": "", "signer_position": "", "signer_name": ""}
    prefix = ""
    if signer.prefix:
        prefix = formats.profile(profile).signer.prefixes[signer.prefix]
        if signer.on_behalf_of:
            prefix = f"{prefix} {upper(signer.on_behalf_of)}"
    if signer.person:
        name = record.person(signer.person).name
    else:
        name = signer.name or ""
    return {
        "signer_prefix_line": prefix,
        "signer_position": upper(signer.position),
        "signer_name": name,
    }


def _is_archive_line(item: str) -> bool:
    return nfc(item).lower().startswith("lưu")


def recipients(items: list[str], body: Body) -> list[str]:
    """Nơi nhận as printed: each recipient once, the archive (Lưu) line last.

    State [ND30]: ``- X;`` and last ``- Lưu: VT, <code>.``. Party [HD36]: ``- X,`` and last
    ``- Lưu Văn phòng <body>.``. A record may give its own Lưu line (any item starting with
    "Lưu"); it then replaces the derived one instead of appearing twice.
    """
    seen: set[str] = set()
    unique: list[str] = []
    archive: str | None = None
    for item in items:
        text = _strip_end(item.lstrip("-–• ").strip())
        if not text:
            continue
        if _is_archive_line(text):
            archive = text
            continue
        key = nfc(text).casefold()
        if key not in seen:
            seen.add(key)
            unique.append(text)
    form = formats.profile(body.profile).recipients
    archive = archive or form.archive.format(code=body.code, body=_short_name(body))
    return [f"- {item}{form.item_end}" for item in unique] + [f"- {archive}."]


def _meeting_common(record: MeetingRecord) -> dict[str, str]:
    kind = record.meeting.kind
    return {
        "meeting_name": record.meeting.name,
        "kind_cap": capitalize_first(kind),
        "kind_lower": kind.lower(),
    }


# ---------------------------------------------------------------------------------------------
# Minutes and notice
# ---------------------------------------------------------------------------------------------


def directive_text(directive: Any) -> str:
    """One task as a sentence: who leads, who coordinates, what, by when."""
    task = _strip_end(directive.task)
    parts = []
    if directive.lead:
        subject = directive.lead
        if directive.coordinate:
            subject += " chủ trì, phối hợp với " + _join_and(list(directive.coordinate))
        parts.append(f"{subject} {lower_first(task)}")
    else:
        parts.append(capitalize_first(task))
    sentence = parts[0]
    if directive.deadline:
        sentence += f"; thời hạn: {_strip_end(directive.deadline)}"
    return sentence + "."


def _conclusion_items(record: MeetingRecord) -> list[str]:
    items = [" ".join(p.split()) for p in record.conclusion.assessment]
    items += [directive_text(d) for d in record.conclusion.directives]
    return items


def _presenter(record: MeetingRecord, presenter: str | None) -> str | None:
    if presenter is None:
        return None
    if presenter in record.people:
        return "Đồng chí " + record.person(presenter).title
    return presenter


def _reports(record: MeetingRecord) -> list[dict[str, Any]]:
    out = []
    for report in record.reports:
        presenter = _presenter(record, report.presenter)
        title = _strip_end(report.title)
        heard = f"{presenter} trình bày {title}." if presenter else f"{title}."
        out.append(
            {
                "heard": heard,
                "title": title,
                "presenter": presenter or "",
                "summary": _paragraphs(report.summary),
            }
        )
    return out


def _when(record: MeetingRecord) -> str:
    m = record.meeting
    return f"{m.session} {format_date(m.date)}" if m.session else format_date(m.date)


def _concluder_title(record: MeetingRecord, person: Person) -> str:
    """Name, first position, and the position in the issuing body: a summary line, not a CV.

    The notice's summary names who concluded; listing every post would fill the title block
    (the sample's chair holds four). The first (most senior) post and the one that ties the
    person to the body issuing the notice are what readers expect.
    """
    issuer = record.body(record.documents.notice.issuer)
    kept = person.positions[:1]
    for position in person.positions[1:]:
        if issuer.name.lower() in position.lower() and position not in kept:
            kept.append(position)
    return ", ".join([person.name, *kept])


def _meeting_facts(record: MeetingRecord) -> dict[str, Any]:
    m = record.meeting
    roles = record.roles
    chairs = [_person_title(record.person(k)) for k in roles.chairs]
    co_chairs = [_person_title(record.person(k)) + " (đồng chủ trì)" for k in roles.co_chairs]
    attendees = [_person_title(record.person(k)) for k in roles.attendees]
    participants = attendees + list(roles.attendee_groups)
    secretary = record.person(roles.secretary) if roles.secretary else None
    concluder = record.person(record.conclusion.by)
    date = format_date(m.date)
    start = f"{_clock(m.start)}, {date}" if m.start else _when(record)
    end = f"{_clock(m.end)}, {date}" if m.end else f"{DATE_BLANK}giờ{DATE_BLANK}, {date}"
    kind = m.kind.lower()

    opening = (
        f"{capitalize_first(_when(record))}, tại {m.venue}, "
        + _join_and([record.body(k).name for k in m.organisers])
        + f" tổ chức {m.name}."
    )
    chair_sentence = _join_and(chairs) + f" chủ trì {kind}"
    if roles.co_chairs:
        chair_sentence += (
            "; "
            + _join_and([_person_title(record.person(k)) for k in roles.co_chairs])
            + " đồng chủ trì"
        )
    opening += " " + capitalize_first(chair_sentence) + "."
    if participants:
        opening += f" Dự {kind} có " + "; ".join(participants) + "."

    reports = _reports(record)
    heard_parts = [r["heard"][:-1] for r in reports]
    heard = ""
    if heard_parts:
        heard = (
            f"{capitalize_first(kind)} đã nghe "
            + "; ".join(lower_first(h) if h.startswith("Đồng chí") else h for h in heard_parts)
            + "."
        )
    if record.discussion:
        topics = "; ".join(lower_first(_strip_end(t)) for t in record.discussion)
        heard += (" " if heard else "") + (f"Các đại biểu đã thảo luận, tập trung vào: {topics}.")
    return {
        "venue": m.venue,
        "start_text": start,
        "end_text": end,
        "participants": "; ".join(participants),
        "chairs_text": "; ".join(chairs + co_chairs),
        "secretary_text": _person_title(secretary) if secretary else DATE_BLANK * 4,
        "secretary_name": secretary.name if secretary else "",
        "chair_name": record.person(roles.chairs[0]).name,
        "reports": reports,
        "discussion": [" ".join(t.split()) for t in record.discussion],
        "concluder_name": concluder.name,
        "concluder_title": _concluder_title(record, concluder),
        "conclusion_items": _conclusion_items(record),
        "opening": opening,
        "heard": heard,
    }


def _meeting_document(
    record: MeetingRecord, settings: DocumentSettings, type_code: str
) -> dict[str, Any]:
    body = _issuer(record, settings)
    ctx: dict[str, Any] = _header(record, body)
    ctx["number"] = _number(settings, body, type_code)
    ctx["place_date"] = _place_date(record, settings, body)
    ctx["recipients"] = recipients(list(settings.recipients), body)
    ctx.update(signer_lines(record, settings.signer, body.profile))
    ctx.update(_meeting_common(record))
    ctx.update(_meeting_facts(record))
    return ctx


def minutes_context(
    record: MeetingRecord, item: None, type_codes: Mapping[str, str]
) -> dict[str, Any]:
    return _meeting_document(record, record.documents.minutes, type_codes["minutes"])


def notice_context(
    record: MeetingRecord, item: None, type_codes: Mapping[str, str]
) -> dict[str, Any]:
    return _meeting_document(record, record.documents.notice, type_codes["notice"])


# ---------------------------------------------------------------------------------------------
# Award decision and list
# ---------------------------------------------------------------------------------------------

_PROPOSAL_LEAD = re.compile(r"^(xét|theo)\s+đề\s+nghị\s+của\s+", re.IGNORECASE)


def proposer_name(record: MeetingRecord, group: AwardGroup) -> str:
    """Who proposed the award, as the decision names them: 'Giám đốc Sở Nội vụ'."""
    proposal = group.proposal
    if proposal is None:
        return ""
    return proposal.by or record.body(proposal.issuer).name


def proposal_reference(record: MeetingRecord, group: AwardGroup, type_code: str) -> str:
    """The tờ trình as the decision cites it: 'Tờ trình số 123/TTr-SNV ngày 05 tháng 12 năm …'."""
    proposal = group.proposal
    if proposal is None:
        return ""
    body = record.body(proposal.issuer)
    number = number_reference(proposal.number, type_code, body.code, body.profile)
    return f"Tờ trình số {number} {format_date(proposal.date)}"


def _grounds(record: MeetingRecord, group: AwardGroup, proposal_code: str) -> tuple[list[str], str]:
    grounds = [_strip_end(g) for g in group.decision.grounds]
    if group.proposal is not None:
        # Cited from the tờ trình itself, so its number and date cannot disagree with it.
        proposal = f"Xét đề nghị của {proposer_name(record, group)} tại " + proposal_reference(
            record, group, proposal_code
        )
    else:
        proposal = _strip_end(group.decision.proposal) if group.decision.proposal else ""
    lines = [f"{g};" for g in grounds]
    if proposal:
        return lines, f"{proposal}."
    if lines:
        lines[-1] = lines[-1][:-1] + "."
    return lines, ""


def _rows(people: list[Any], detail: Any) -> list[dict[str, str]]:
    return [
        {"number": str(i), "name": p.name, "detail": detail(p)} for i, p in enumerate(people, 1)
    ]


def award_facts(group: AwardGroup) -> dict[str, str]:
    """What the decision and the tờ trình both say of an award: form, authority, reason, counts."""
    try:
        counts = format_counts(len(group.collectives), len(group.individuals), " và ")
    except ValueError:
        raise DocgenError(
            _("Award group {key!r}: there are no collectives and no individuals to award.").format(
                key=group.key
            )
        ) from None
    return {
        "form": group.form,
        "form_upper": upper(group.form),
        "authority": group.authority,
        "authority_upper": upper(group.authority),
        "authority_full": group.authority_full or group.authority,
        "reason": _strip_end(" ".join(group.reason.split())),
        "counts": counts,
    }


def award_list(group: AwardGroup) -> dict[str, Any]:
    """The attached list as the decision and the tờ trình both print it: who, rows, numerals."""
    collectives = list(group.collectives)
    individuals = list(group.individuals)
    if group.sort_individuals:
        individuals.sort(key=lambda p: name_sort_key(p.name))
    return {
        "list_who": ", ".join(
            w for w, n in (("TẬP THỂ", collectives), ("CÁ NHÂN", individuals)) if n
        ),
        "collectives": _rows(collectives, lambda c: c.unit or ""),
        "individuals": _rows(
            individuals, lambda p: ", ".join(x for x in (p.position, p.unit) if x)
        ),
        "collectives_numeral": "I",
        "individuals_numeral": "II" if collectives else "I",
    }


def award_context(
    record: MeetingRecord, group: AwardGroup, type_codes: Mapping[str, str]
) -> dict[str, Any]:
    """The award decision's context, which its list shares."""
    code = type_codes["decision"]
    settings = group.decision
    body = _issuer(record, settings)
    ctx: dict[str, Any] = _header(record, body)
    ctx["number"] = _number(settings, body, code)
    ctx["place_date"] = _place_date(record, settings, body)
    ctx["recipients"] = recipients(list(settings.recipients), body)
    ctx.update(signer_lines(record, settings.signer, body.profile))
    ctx.update(_meeting_common(record))

    ctx.update(award_facts(group))
    grounds, proposal = _grounds(record, group, type_codes["proposal"])
    if group.proposal is not None:
        proposer = proposer_name(record, group)
    else:
        proposer = _PROPOSAL_LEAD.sub("", proposal[:-1]) if proposal else ""
    full = group.authority_full or group.authority
    if body.profile == "state":
        # The state template's Điều 3 already opens with the issuer's Chánh Văn phòng; when
        # that office is also the proposer, naming it twice is what a clerk would strike out.
        if " ".join(proposer.split()).casefold() == f"chánh văn phòng {body.name}".casefold():
            proposer = ""
        executors = [proposer, "Thủ trưởng các cơ quan, đơn vị có liên quan"]
    else:
        executors = [proposer, "các cơ quan, đơn vị có liên quan"]
    executors_text = ", ".join(e for e in executors if e)
    ctx.update(
        {
            "authority_heading": upper(full),
            "grounds": grounds,
            "proposal": proposal,
            "executors": executors_text,
            "executors_cap": capitalize_first(executors_text),
            "decision_ref": decision_reference(settings, body, code),
            "decision_date": format_date(settings.date),
            "decision_issuer": full,
        }
    )
    ctx.update(award_list(group))
    return ctx
