"""What a certificate field's template sees: ``recipient``, ``award``, ``meeting``, ``issuer``.

The award's values are written out here once per award group (issuer's title in capitals,
decision number in the issuer's profile, dates the [ND30] way, the signer's lines), so that a
layout never rebuilds a number or a date from pieces and every certificate agrees with the
decision it refers to.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from docgen import context, documents
from docgen.model import AwardGroup, Body, Collective, Individual, MeetingRecord, Signer
from docgen.vietnamese import (
    format_date,
    format_date_short,
    place_date_line,
    upper,
)


def signer_lines(signer: Signer | None, record: MeetingRecord, profile: str) -> dict:
    """The three lines under the place and date: authority, position, name (any may be '').

    The same lines as the decision's signature block (:func:`docgen.context.signer_lines`), so a
    certificate and its decision are signed alike.
    """
    lines = context.signer_lines(record, signer, profile)
    return {
        "authority": lines["signer_prefix_line"],
        "position": lines["signer_position"],
        "name": lines["signer_name"],
    }


def award_context(group: AwardGroup, record: MeetingRecord) -> dict[str, Any]:
    """The ``award`` of the templates, computed once per award group."""
    decision = group.decision
    issuer = record.body(decision.issuer)
    place = issuer.place or record.meeting.place
    full = group.authority_full or group.authority
    return {
        "key": group.key,
        "authority": group.authority,
        "authority_full": full,
        "title": upper(full),
        "form": group.form,
        "form_upper": upper(group.form),
        "reason": group.reason,
        "decision_number": context.decision_reference(
            decision, issuer, documents.DECISION.type_code
        ),
        "decision_date": format_date(decision.date),
        "decision_date_short": format_date_short(decision.date),
        "place": place,
        "place_date": place_date_line(place, decision.date),
        "signer": signer_lines(decision.signer, record, issuer.profile),
        "profile": issuer.profile,
    }


def recipient_context(person: Collective | Individual) -> dict[str, Any]:
    """The ``recipient`` of the templates."""
    position = getattr(person, "position", None) or ""
    unit = person.unit or ""
    return {
        "name": person.name,
        "kind": "individual" if isinstance(person, Individual) else "collective",
        "position": position,
        "unit": unit,
        # "Phó Trưởng ban, Ban Tuyên giáo Huyện ủy Tràng Định" — the line under the name.
        "details": ", ".join(p for p in (position, unit) if p),
        "golden_book": person.golden_book or "",
    }


@lru_cache(maxsize=1)
def _sample_record() -> MeetingRecord:
    from docgen.loader import parse_meeting

    return parse_meeting(_SAMPLE, "<sample>")


def sample_contexts() -> list[dict[str, Any]]:
    """Contexts of a made-up collective and individual, for checking a layout on load."""
    record = _sample_record()
    group = record.awards[0]
    award = award_context(group, record)
    issuer: Body = record.body(group.decision.issuer)
    return [
        {
            "recipient": recipient_context(person),
            "award": award,
            "meeting": record.meeting,
            "issuer": issuer,
        }
        for person in (*group.collectives, *group.individuals)
    ]


def page_contexts(record: MeetingRecord, group: AwardGroup) -> tuple[dict, list[dict]]:
    """(the group's shared context, one recipient context per page in list order)."""
    shared = {
        "award": award_context(group, record),
        "meeting": record.meeting,
        "issuer": record.body(group.decision.issuer),
    }
    individuals = list(group.individuals)
    if group.sort_individuals:
        from docgen.vietnamese import name_sort_key

        individuals.sort(key=lambda p: name_sort_key(p.name))
    people = [*group.collectives, *individuals]
    return shared, [recipient_context(p) for p in people]


_SAMPLE = f"""
meeting: {{name: Hội nghị mẫu, date: {dt.date(2022, 12, 12)}, venue: Hội trường, place: Lạng Sơn,
  organisers: [b]}}
bodies: {{b: {{name: Ủy ban nhân dân tỉnh, code: UBND, profile: state}}}}
people: {{p: {{name: Nguyễn Văn A}}}}
roles: {{chairs: [p]}}
conclusion: {{by: p, assessment: [Tốt.]}}
documents: {{minutes: {{issuer: b}}, notice: {{issuer: b}}}}
awards:
  - key: k
    authority: Chủ tịch Ủy ban nhân dân tỉnh
    form: Bằng khen
    reason: đã có thành tích
    decision: {{issuer: b, number: 1, date: 2022-12-08,
      signer: {{prefix: KT, on_behalf_of: CHỦ TỊCH, position: PHÓ CHỦ TỊCH, person: p}}}}
    collectives: [{{name: Phòng Một, unit: Sở Hai, golden_book: "12"}}]
    individuals: [{{name: Trần Thị B, position: Chuyên viên, unit: Sở Ba}}]
"""
