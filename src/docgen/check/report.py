"""Findings in words for the clerk (text) and as data for other programs (JSON)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from docgen.check.read import Where
from docgen.i18n import _, ngettext

if TYPE_CHECKING:
    from docgen.check import Result


def _part(name: str) -> str:
    names = {
        "body": _("body"),
        "header": _("header"),
        "first-page header": _("first-page header"),
        "even-page header": _("even-page header"),
        "footer": _("footer"),
        "first-page footer": _("first-page footer"),
        "even-page footer": _("even-page footer"),
    }
    if name.startswith("section "):
        return _("page setup (section {n})").format(n=name.split()[1])
    return names.get(name, name)


def describe(where: Where) -> str:
    """'table 1, row 2, cell 1, paragraph 3', 'paragraph 12', 'header, paragraph 1' …"""
    if where.part == "body" and where.paragraph is None and where.table is None:
        return _("the document")  # something missing: no one place to point at
    parts = []
    if where.part != "body":
        parts.append(_part(where.part))
    if where.table is not None:
        parts.append(
            _("table {t}, row {r}, cell {c}").format(t=where.table, r=where.row, c=where.cell)
        )
    if where.paragraph is not None:
        parts.append(_("paragraph {n}").format(n=where.paragraph))
    return ", ".join(parts)


def element_name(element: str, profile: str) -> str:
    names = {
        "title": _("national title") if profile == "state" else _("Party heading"),
        "motto": _("motto"),
        "parent": _("parent body"),
        "issuer": _("issuing body"),
        "number": _("number and symbol"),
        "place_date": _("place and date"),
        "type_name": _("document type name"),
        "summary": _("summary (trích yếu)"),
        "list_title": _("list title"),
        "body": _("body text"),
        "signer_prefix": _("signing authority"),
        "signer_position": _("signer's position"),
        "signer_name": _("signer's name"),
        "minutes_title": _("sign-off title"),
        "recipients_head": _("Nơi nhận heading"),
        "recipients_item": _("Nơi nhận item"),
        "page_number": _("page number"),
        "page": _("paper and margins"),
        "font": _("font"),
    }
    return names.get(element, element)


def rule_name(code: str) -> str:
    names = {
        "paper": _("paper size"),
        "orientation": _("orientation"),
        "margin-top": _("top margin"),
        "margin-bottom": _("bottom margin"),
        "margin-left": _("left margin"),
        "margin-right": _("right margin"),
        "font": _("font family"),
        "size": _("font size"),
        "bold": _("bold"),
        "italic": _("italic"),
        "underline": _("underline"),
        "case": _("capitals"),
        "number-form": _("form of the number"),
        "number-missing": _("number line"),
        "number-type": _("type code in the number"),
        "date-padding": _("zero before a day below 10 and the months 1 and 2"),
        "date-missing": _("place-and-date line"),
        "body-align": _("alignment"),
        "body-indent": _("first-line indent"),
        "body-spacing": _("spacing between paragraphs"),
        "body-line": _("line spacing"),
        "body-size": _("font size"),
        "body-ending": _("closing mark"),
        "page-number-place": _("where the page number is"),
        "page-number-first": _("page number on page 1"),
        "page-number-missing": _("page numbers"),
        "page-number-align": _("page number alignment"),
        "signer-prefix": _("authority prefix"),
        "signer-title": _("academic title before the name"),
        "recipients-missing": _("Nơi nhận block"),
        "recipients-head": _("Nơi nhận heading"),
        "recipients-archive": _("the Lưu line last"),
        "recipients-item-end": _("end of each item"),
        "issuer-rule": _("length of the rule under the issuing body"),
    }
    return names.get(code, code)


# Rules whose required and found values are words of the document: quoted, so the sentence's
# own full stop stands apart from theirs.
_QUOTED = {
    "number-form",
    "number-type",
    "date-padding",
    "signer-prefix",
    "recipients-head",
    "recipients-archive",
}


def _severity(name: str) -> str:
    return _("error") if name == "error" else _("warning")


def text_report(result: Result) -> str:
    out = []
    profile = result.profile_label
    kind = result.kind_label
    if not result.official:
        # Said plainly, not as a fault: a news report has no thể thức to check.
        out.append(
            _(
                "{file}: {kind}, not an official document: the format rules of Nghị định 30 "
                "and Hướng dẫn 36 do not apply to it, so nothing was checked."
            ).format(file=result.path, kind=result.kind_label)
        )
        return "\n".join(out)
    else:
        out.append(
            _("{file}: checked against {profile}, {kind}").format(
                file=result.path, profile=profile, kind=kind
            )
        )
    for f in result.findings:
        more = len(f.where) - 1
        place = describe(f.where[0])
        if more:
            place += " " + ngettext("(and {n} more place)", "(and {n} more places)", more).format(
                n=more
            )
        excerpt = f" «{f.excerpt}»" if f.excerpt else ""
        sure = "" if f.certain else " " + _("(not sure)")
        element, rule = element_name(f.element, result.profile), rule_name(f.code)
        if element == rule:  # "font, font family" reads as one word twice in Vietnamese
            what = rule
        else:
            what = _("{element}, {rule}").format(element=element, rule=rule)
        out.append(
            "  "
            + _(
                "{severity}: {place}{excerpt} — {what}: required {expected}; found {found}.{sure} [{source}]"
            ).format(
                severity=_severity(f.severity).upper(),
                place=place,
                excerpt=excerpt,
                what=what,
                expected=f"“{f.expected}”" if f.code in _QUOTED else f.expected,
                found=f"“{f.found}”" if f.code in _QUOTED else f.found,
                sure=sure,
                source=f.source,
            )
        )
    errors = sum(1 for f in result.findings if f.severity == "error")
    warnings = len(result.findings) - errors
    if not result.findings:
        out.append("  " + _("no problem found."))
    else:
        out.append(
            "  "
            + ngettext("{n} error", "{n} errors", errors).format(n=errors)
            + ", "
            + ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings)
            + "."
        )
    if result.fixed is None and result.left:
        out.append("  " + _("Nothing here can be corrected automatically; no copy was written."))
    if result.fixed is not None:
        out.append(
            "  "
            + ngettext(
                "Corrected copy: {path} ({n} change):",
                "Corrected copy: {path} ({n} changes):",
                len(result.changes),
            ).format(path=result.fixed, n=len(result.changes))
        )
        out.extend(f"    - {change}" for change in result.changes)
        if result.left:
            out.append(
                "  "
                + ngettext(
                    "{n} problem left for you to correct by hand (see above).",
                    "{n} problems left for you to correct by hand (see above).",
                    len(result.left),
                ).format(n=len(result.left))
            )
        else:
            out.append("  " + _("Nothing is left to correct by hand."))
    return "\n".join(out)


def json_report(results: list[Result]) -> str:
    data: list[dict[str, Any]] = []
    for r in results:
        data.append(
            {
                "file": str(r.path),
                "profile": r.profile,
                "profile_reason": r.profile_reason,
                "kind": r.kind,
                "kind_reason": r.kind_reason,
                "official": r.official,  # False: a news report, nothing was checked
                "errors": sum(1 for f in r.findings if f.severity == "error"),
                "warnings": sum(1 for f in r.findings if f.severity == "warning"),
                "findings": [
                    {**f.as_dict(), "location": [describe(w) for w in f.where]} for f in r.findings
                ],
                "fixed": str(r.fixed) if r.fixed else None,
                "changes": r.changes,
            }
        )
    return json.dumps(data, ensure_ascii=False, indent=2)
