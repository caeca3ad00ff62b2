"""The values of the documents around the meeting: giấy mời, chương trình, tờ trình, bản tin.

The same rule as :mod:`docgen.context`: templates hold the wording, this module computes every
value whose shape depends on the data (a time in words with its weekday, the invitee line, the
counts a tờ trình asks for, the sentences of a news report) from the one meeting record, so the
invitation, the programme, the proposal, the decision and the news report cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from docgen.context import (
    _COMMON,
    _header,
    _join_and,
    _meeting_common,
    _number,
    _paragraphs,
    _person_title,
    _place_date,
    _strip_end,
    award_facts,
    award_list,
    directive_text,
    proposal_reference,
    recipients,
    signer_lines,
)
from docgen.model import AwardGroup, DocumentSettings, Invitee, MeetingRecord
from docgen.vietnamese import (
    capitalize_first,
    format_clock,
    format_counts,
    format_date,
    lower_first,
    number_reference,
    weekday,
)

_MEETING_TIME = {
    "venue": "where the meeting is held",
    "time_text": "'08 giờ 00, sáng thứ Hai, ngày 12 tháng 12 năm 2022' (hour, session, "
    "weekday and date; the session alone when no start time is known)",
}

INVITATION_VARIABLES: dict[str, str] = {
    **_COMMON,
    **_MEETING_TIME,
    "summary": "the trích yếu: 'Dự Hội nghị …' (state) or 'dự Hội nghị …' (party)",
    "invitee": "who is invited: one invitee ('Đồng chí …, <positions>') or 'Các đồng chí đại "
    "biểu (theo danh sách gửi kèm)'",
    "notes": "the notes, one line each: what to bring, whom to contact and the telephone",
    "attached": "True when the invitee list is attached to this invitation",
    "invitees": "the attached list's rows: .number (from 1), .name, .detail",
    "invitation_ref": "the invitation's number without 'Số': '45/GM-BCĐ35'",
    "invitation_date": "'ngày 05 tháng 12 năm 2022'",
}

PROGRAMME_VARIABLES: dict[str, str] = {
    **_COMMON,
    **_MEETING_TIME,
    "summary": "the meeting's name as the title's second line (lower-case initial for party)",
    "items": "the programme's rows: .time ('08h00 - 08h15'), .content, .by",
}

PROPOSAL_VARIABLES: dict[str, str] = {
    **_COMMON,
    "form": "'Bằng khen' or 'Giấy khen'",
    "form_upper": "'BẰNG KHEN' or 'GIẤY KHEN'",
    "authority": "who awards: 'Chủ tịch Ủy ban nhân dân tỉnh'",
    "authority_upper": "the same in capitals",
    "authority_full": "the authority with its place: 'Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn'",
    "to": "Kính gửi: who decides (the authority with its place unless the record says)",
    "reason": "'đã có thành tích …' without a final full stop",
    "counts": "'09 tập thể và 11 cá nhân', counted from the list, as the decision writes them",
    "counts_words": "the same with the numbers in words: 'chín tập thể và mười một cá nhân'",
    "grounds": "căn cứ lines, each ending with ';' but the last, which ends with '.'",
    "achievements": "the achievement in brief, one paragraph each",
    "proposal_ref": "the tờ trình's number without 'Số': '123/TTr-SNV'",
    "proposal_date": "'ngày 05 tháng 12 năm 2022'",
    "list_who": "'TẬP THỂ, CÁ NHÂN', 'TẬP THỂ' or 'CÁ NHÂN'",
    "collectives": "list rows of collectives: .number (from 1), .name, .detail",
    "individuals": "list rows of individuals: .number (from 1), .name, .detail (position, unit)",
    "collectives_numeral": "'I' (the collectives' group row)",
    "individuals_numeral": "'II', or 'I' when there are no collectives",
}

NEWS_VARIABLES: dict[str, str] = {
    "headline": "the headline (the record's, else the meeting's name)",
    "lead": "the lead paragraph: when, where, who held the meeting",
    "paragraphs": "the body paragraphs: who chaired and attended, what the reports covered, "
    "the discussion, the conclusion's main points, the awards by issuer with their counts",
    "author": "who wrote it (empty when the record does not say)",
    "meeting_name": "the meeting's name as written in the record",
}

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def number_words(n: int) -> str:
    """A count below 1000 in words, as a tờ trình repeats it: 11 → 'mười một', 21 → 'hai mươi mốt'."""
    if not 0 <= n < 1000:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds:
        words += [_DIGITS[hundreds], "trăm"]
        if tens == 0 and units:
            words.append("lẻ")
    if tens == 1:
        words.append("mười")
    elif tens > 1:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 5 and tens:
            words.append("lăm")
        elif units == 1 and tens > 1:
            words.append("mốt")
        elif units == 4 and tens > 1:
            words.append("tư")
        else:
            words.append(_DIGITS[units])
    return " ".join(words)


def _counts_words(collectives: int, individuals: int) -> str:
    parts = []
    if collectives:
        parts.append(f"{number_words(collectives)} tập thể")
    if individuals:
        parts.append(f"{number_words(individuals)} cá nhân")
    return " và ".join(parts)


def _settings_context(
    record: MeetingRecord, settings: DocumentSettings, type_code: str
) -> dict[str, Any]:
    body = record.body(settings.issuer)
    ctx: dict[str, Any] = _header(record, body)
    ctx["number"] = _number(settings, body, type_code)
    ctx["place_date"] = _place_date(record, settings, body)
    ctx["recipients"] = recipients(list(settings.recipients), body)
    ctx.update(signer_lines(record, settings.signer, body.profile))
    ctx.update(_meeting_common(record))
    return ctx


def _time_text(record: MeetingRecord) -> str:
    m = record.meeting
    day = f"{m.session} {weekday(m.date)}" if m.session else weekday(m.date)
    text = f"{day}, {format_date(m.date)}"
    return f"{format_clock(m.start)}, {text}" if m.start else capitalize_first(text)


def _summary(record: MeetingRecord, lead: str, profile: str) -> str:
    text = f"{lead} {record.meeting.name}" if lead else record.meeting.name
    return capitalize_first(text) if profile == "state" else lower_first(text)


# ---------------------------------------------------------------------------------------------
# Giấy mời
# ---------------------------------------------------------------------------------------------


def invitee_line(record: MeetingRecord, invitee: Invitee) -> tuple[str, str]:
    """(name, detail) of one invitee: a person with their positions, or the name as written."""
    if invitee.person is not None:
        person = record.person(invitee.person)
        return person.name, invitee.detail or ", ".join(person.positions)
    return invitee.name or "", invitee.detail or ""


def invitation_context(
    record: MeetingRecord, invitee: Invitee | None, type_codes: Mapping[str, str]
) -> dict[str, Any]:
    """The giấy mời; ``invitee`` is the one addressee, or None for the one 'theo danh sách'."""
    settings = record.documents.invitation
    if settings is None:
        raise ValueError("the record has no invitation")
    code = type_codes["invitation"]
    body = record.body(settings.issuer)
    ctx = _settings_context(record, settings, code)
    if invitee is None:
        addressed = "Các đồng chí đại biểu (theo danh sách gửi kèm)"
    else:
        name, detail = invitee_line(record, invitee)
        addressed = f"Đồng chí {name}" if invitee.person is not None else capitalize_first(name)
        if detail:
            addressed += f", {detail}"
    notes = []
    if settings.bring:
        notes.append(f"Đề nghị đại biểu mang theo {_strip_end(lower_first(settings.bring))}.")
    if settings.contact is not None:
        contact = f"Thông tin liên hệ: đồng chí {_strip_end(settings.contact.name)}"
        if settings.contact.phone:
            contact += f", điện thoại: {settings.contact.phone}"
        notes.append(contact + ".")
    notes += [_strip_end(n) + "." for n in settings.notes]
    rows = []
    for i, item in enumerate(record.invitees, 1):
        name, detail = invitee_line(record, item)
        rows.append({"number": str(i), "name": name, "detail": detail})
    ctx.update(
        {
            "venue": record.meeting.venue,
            "time_text": _time_text(record),
            "summary": _summary(record, "Dự", body.profile),
            "invitee": _strip_end(addressed),
            "notes": notes,
            "attached": invitee is None,
            "invitees": rows if invitee is None else [],
            "invitation_ref": number_reference(settings.number, code, body.code, body.profile),
            "invitation_date": format_date(settings.date),
        }
    )
    return ctx


def invitation_copies(record: MeetingRecord) -> list[Invitee | None]:
    settings = record.documents.invitation
    if settings is None:
        return []
    return [None] if settings.mode == "list" else list(record.invitees)


# ---------------------------------------------------------------------------------------------
# Chương trình
# ---------------------------------------------------------------------------------------------


def programme_settings(record: MeetingRecord) -> DocumentSettings:
    """The programme's settings; without any, the first organiser issues it, unnumbered."""
    if record.documents.programme is not None:
        return record.documents.programme
    return DocumentSettings(issuer=record.meeting.organisers[0])


def _short_clock(t: dt.time) -> str:
    return f"{t.hour:02d}h{t.minute:02d}"


def _agenda_by(record: MeetingRecord, by: str | None) -> str:
    if by is None:
        return ""
    if by in record.people:
        person = record.person(by)
        return ", ".join([f"Đồng chí {person.name}", *person.positions[:1]])
    return by


def programme_context(
    record: MeetingRecord, item: None, type_codes: Mapping[str, str]
) -> dict[str, Any]:
    settings = programme_settings(record)
    body = record.body(settings.issuer)
    ctx = _settings_context(record, settings, type_codes["programme"])
    agenda = record.agenda
    rows = []
    for i, entry in enumerate(agenda):
        end = entry.end
        if end is None:
            end = agenda[i + 1].time if i + 1 < len(agenda) else record.meeting.end
        when = _short_clock(entry.time)
        if end is not None and end != entry.time:
            when += f" - {_short_clock(end)}"
        rows.append(
            {"time": when, "content": _strip_end(entry.content), "by": _agenda_by(record, entry.by)}
        )
    ctx.update(
        {
            "venue": record.meeting.venue,
            "time_text": _time_text(record),
            "summary": _summary(record, "", body.profile),
            "items": rows,
        }
    )
    return ctx


# ---------------------------------------------------------------------------------------------
# Tờ trình đề nghị khen thưởng
# ---------------------------------------------------------------------------------------------


def proposal_context(
    record: MeetingRecord, group: AwardGroup, type_codes: Mapping[str, str]
) -> dict[str, Any]:
    settings = group.proposal
    if settings is None:
        raise ValueError(f"award group {group.key!r} has no tờ trình")
    code = type_codes["proposal"]
    body = record.body(settings.issuer)
    ctx = _settings_context(record, settings, code)
    ctx["recipients"] = recipients(["Như trên", *settings.recipients], body)
    ctx.update(award_facts(group))
    grounds = [f"{_strip_end(g)};" for g in settings.grounds]
    if grounds:
        grounds[-1] = grounds[-1][:-1] + "."
    achievements = [p for text in settings.achievements for p in _paragraphs(text)]
    reference = proposal_reference(record, group, code)
    ctx.update(
        {
            "to": settings.to or ctx["authority_full"],
            "counts_words": _counts_words(len(group.collectives), len(group.individuals)),
            "grounds": grounds,
            "achievements": achievements,
            "proposal_ref": reference.removeprefix("Tờ trình số ").rsplit(" ngày", 1)[0],
            "proposal_date": format_date(settings.date),
        }
    )
    ctx.update(award_list(group))
    return ctx


# ---------------------------------------------------------------------------------------------
# Bản tin
# ---------------------------------------------------------------------------------------------


def _sentence(text: str) -> str:
    return capitalize_first(_strip_end(text)) + "."


def news_context(
    record: MeetingRecord, item: None, type_codes: Mapping[str, str]
) -> dict[str, Any]:
    """A news report draft in the register of provincial news, from the record alone."""
    m, roles = record.meeting, record.roles
    kind = m.kind.lower()
    settings = record.documents.news
    organisers = _join_and([record.body(k).name for k in m.organisers])
    day = f"{m.session} {weekday(m.date)}" if m.session else weekday(m.date)
    lead = f"{capitalize_first(day)}, {format_date(m.date)}, tại {m.venue}, {organisers} tổ chức {m.name}."

    paragraphs = []
    chairs = [_person_title(record.person(k)) for k in roles.chairs]
    chaired = capitalize_first(_join_and(chairs)) + f" chủ trì {kind}"
    if roles.co_chairs:
        co = _join_and([_person_title(record.person(k)) for k in roles.co_chairs])
        chaired += f"; {co} đồng chủ trì"
    chaired += "."
    attending = [_person_title(record.person(k)) for k in roles.attendees]
    attending += list(roles.attendee_groups)
    if attending:
        chaired += f" Tham dự {kind} có " + "; ".join(attending) + "."
    paragraphs.append(chaired)

    if record.reports:
        titles = _join_and([lower_first(_strip_end(r.title)) for r in record.reports])
        heard = f"Tại {kind}, các đại biểu đã nghe {titles}."
        summaries = [p for r in record.reports for p in _paragraphs(r.summary)]
        if summaries:
            heard += " Theo các báo cáo, " + " ".join(
                lower_first(s) if i == 0 else s for i, s in enumerate(summaries)
            )
        paragraphs.append(heard)
    if record.discussion:
        topics = "; ".join(lower_first(_strip_end(t)) for t in record.discussion)
        paragraphs.append(f"Các đại biểu đã thảo luận, làm rõ thêm về: {topics}.")

    concluder = record.person(record.conclusion.by)
    assessment = " ".join(" ".join(a.split()) for a in record.conclusion.assessment)
    concluded = f"Kết luận {kind}, đồng chí {concluder.name} nêu rõ: {lower_first(assessment)}"
    concluded = _strip_end(concluded) + "."
    if record.conclusion.directives:
        # Each task as the notice states it, whole sentences: a lead body keeps its capitals.
        tasks = " ".join(directive_text(d) for d in record.conclusion.directives)
        concluded += f" Về nhiệm vụ thời gian tới, {kind} thống nhất: {tasks}"
    paragraphs.append(concluded)

    awards = []
    for group in record.awards:
        counts = format_counts(len(group.collectives), len(group.individuals), " và ")
        reason = _strip_end(" ".join(group.reason.split()))
        awards.append(f"{group.authority} tặng {group.form} cho {counts} {reason}")
    if awards:
        paragraphs.append(_sentence(f"Cũng tại {kind}, " + "; ".join(awards)))
    headline = settings.headline if settings and settings.headline else capitalize_first(m.name)
    return {
        "headline": headline,
        "lead": lead,
        "paragraphs": paragraphs,
        "author": settings.author if settings and settings.author else "",
        "meeting_name": m.name,
    }
