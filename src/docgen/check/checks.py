"""The rules applied to a found layout: each breach a :class:`Finding`, located and sourced.

Severity: a breach of a rule whose source is verified is an *error*; a breach of a rule the
spec marks "unverified", or one found on an element the check could not place for sure, is a
*warning*. A finding that can be corrected mechanically carries a ``fix``; ``--fix`` applies
only those on elements found for sure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from docgen import formats
from docgen.check import fixes
from docgen.check.find import (
    NUMBER_LINE,
    PLACE_DATE,
    SIGNER_PREFIX,
    Layout,
    Spot,
    is_upper,
    squeeze,
)
from docgen.check.fixes import describe as _describe
from docgen.check.fixes import pt
from docgen.check.read import Document, Para, Where, page_fields
from docgen.check.rule import check_issuer_rule
from docgen.check.text import TextEdits, number_edits, number_type
from docgen.i18n import _

MM = 72 / 25.4  # points per millimetre


@dataclass
class Finding:
    code: str  # stable name of the rule: "size", "margin", "number-form" …
    severity: str  # "error" or "warning"
    element: str  # a formats.Elements field, or page / font / page_number
    where: list[Where]
    excerpt: str  # the first words of the place, as the clerk sees them
    expected: str
    found: str
    certain: bool
    source: str
    fix: Callable[[], list[str]] | None = field(default=None, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "element": self.element,
            "where": [w.as_dict() for w in self.where],
            "excerpt": self.excerpt,
            "expected": self.expected,
            "found": self.found,
            "certainty": "certain" if self.certain else "likely",
            "source": self.source,
            "fixable": self.fix is not None and self.certain,
        }


def _severity(source: str, certain: bool = True) -> str:
    return "warning" if "unverified" in source or not certain else "error"


def mm(value_pt: float) -> str:
    return f"{value_pt / MM:.1f} mm".replace(".0 mm", " mm")


class Checker:
    def __init__(self, doc: Document, layout: Layout) -> None:
        self.doc = doc
        self.layout = layout
        self.rules = formats.profile(layout.profile)
        self.kind = formats.rules().kinds[layout.kind]
        self.findings: list[Finding] = []
        self.edits = TextEdits()

    def add(
        self,
        code: str,
        element: str,
        where: list[Where],
        excerpt: str,
        expected: str,
        found: str,
        source: str,
        *,
        certain: bool = True,
        severity: str | None = None,
        fix: Callable[[], list[str]] | None = None,
    ) -> None:
        self.findings.append(
            Finding(
                code,
                severity or _severity(source, certain),
                element,
                where,
                excerpt,
                expected,
                found,
                certain,
                source,
                fix,
            )
        )

    def run(self) -> list[Finding]:
        if not self.kind.official:
            return self.findings  # asked to take it for a news report: no rule applies
        if not any(
            s.element in ("title", "number", "type_name", "list_title") for s in self.layout.spots
        ):
            if self.layout.kind_reason != "--kind":
                # No national title or Party heading, number or type name: a news report (or
                # a note), which the rules of official documents do not apply to.
                self.layout.kind, self.layout.kind_reason = "news", ""
                self.kind = formats.rules().kinds["news"]
                return self.findings
        self.page()
        self.fonts()
        for spot in self.layout.spots:
            self.element(spot)
        check_issuer_rule(self)
        self.number()
        self.date()
        self.body()
        self.page_numbers()
        self.signer()
        self.recipients()
        self.findings = _merge(self.findings)
        order = {"error": 0, "warning": 1}
        self.findings.sort(key=lambda f: (order[f.severity], _position(self.doc, f.where[0])))
        return self.findings

    # ------------------------------------------------------------------ page setup
    def page(self) -> None:
        rules = self.rules.page
        for index, section in enumerate(self.doc.docx.sections, 1):
            where = [Where(part=f"section {index}")]
            width, height = section.page_width, section.page_height
            if width is None or height is None:
                continue
            w_mm, h_mm = width.mm, height.mm
            short, long_ = sorted((w_mm, h_mm))
            if abs(short - rules.width_mm) > 1 or abs(long_ - rules.height_mm) > 1:
                self.add(
                    "paper",
                    "page",
                    where,
                    "",
                    f"A4 ({rules.width_mm:g} × {rules.height_mm:g} mm)",
                    f"{w_mm:.0f} × {h_mm:.0f} mm",
                    rules.source,
                    fix=partial(fixes.paper, section, rules, w_mm, h_mm, where[0]),
                )
            if w_mm > h_mm and rules.orientation == "portrait":
                self.add(
                    "orientation",
                    "page",
                    where,
                    "",
                    _("portrait (landscape only for a wide table)"),
                    _("landscape"),
                    rules.source,
                    severity="warning",
                )
            for side in ("top", "bottom", "left", "right"):
                value = getattr(section, f"{side}_margin")
                if value is None:
                    continue
                allowed = getattr(rules.margin_ranges_mm, side)
                if value.mm not in allowed:
                    self.add(
                        f"margin-{side}",
                        "page",
                        where,
                        "",
                        allowed.text(" mm"),
                        f"{value.mm:.1f} mm",
                        rules.source,
                        fix=partial(fixes.margin, section, side, value, allowed, where[0]),
                    )

    # ------------------------------------------------------------------ fonts
    def fonts(self) -> None:
        family = self.rules.font.family
        wrong: dict[str, list[tuple[Para, list[Any]]]] = {}
        paras = list(self.doc.paragraphs)
        for section in self.doc.sections:
            for part in section.headers:
                paras.extend(part.paragraphs)
        for para in paras:
            bad = [
                run
                for run in para.runs
                if run.text.strip() and (run.props.get("font") or family) != family
            ]
            for font in sorted({r.props.get("font") for r in bad}):
                wrong.setdefault(font, []).append(
                    (para, [r for r in bad if r.props.get("font") == font])
                )
        for font, places in wrong.items():
            first = places[0][0]
            self.add(
                "font",
                "font",
                [p.where for p, _runs in places],
                first.first_words(),
                family,
                font,
                self.rules.font.source,
                fix=partial(fixes.font, places, font, family),
            )

    # ------------------------------------------------------------------ one element
    def element(self, spot: Spot) -> None:
        # A minutes' sign-off titles (THƯ KÝ, CHỦ TỌA) are set as an authority line.
        name = "signer_prefix" if spot.element == "minutes_title" else spot.element
        rule: formats.Element | None = getattr(self.rules.elements, name, None)
        if rule is None:
            return
        if spot.element == "summary" and self.layout.kind == "minutes":
            # The minutes' summary is the meeting's own name: its first letter is a capital.
            rule = rule.model_copy(update={"case": "any"})
        runs = spot.para.runs_in(spot.start, spot.end)
        if not runs:
            return
        where = [spot.para.where]
        excerpt = spot.para.first_words(spot.start, spot.end)
        sizes = sorted({float(r.props.get("size") or 10) for r in runs})
        bad = [s for s in sizes if s not in rule.sizes]
        if bad:
            self.add(
                "size",
                spot.element,
                where,
                excerpt,
                rule.sizes.text(" pt"),
                ", ".join(pt(s) for s in sizes),
                rule.source,
                certain=spot.certain,
                fix=partial(fixes.element_size, spot.para, spot.start, spot.end, runs, rule, bad),
            )
        for attr, prop, name in (("bold", "b", _("bold")), ("italic", "i", _("italic"))):
            wanted = getattr(rule, attr)
            if wanted is None:
                continue
            have = {bool(r.props.get(prop)) for r in runs}
            if have != {wanted}:
                self.add(
                    attr,
                    spot.element,
                    where,
                    excerpt,
                    name if wanted else _("not {style}").format(style=name),
                    name if True in have else _("not {style}").format(style=name),
                    rule.source,
                    certain=spot.certain,
                )
        if rule.underline is not None:
            have = {bool(r.props.get("u")) for r in runs}
            if have != {rule.underline}:
                self.add(
                    "underline",
                    spot.element,
                    where,
                    excerpt,
                    _("underlined") if rule.underline else _("not underlined"),
                    _("underlined") if True in have else _("not underlined"),
                    rule.source,
                    certain=spot.certain,
                )
        text = spot.clean
        caps = all(r.props.get("caps") for r in runs)
        letters = [c for c in text if c.isalpha()]
        if rule.case == "upper" and not (caps or is_upper(text)):
            self.add(
                "case",
                spot.element,
                where,
                excerpt,
                _("in capitals"),
                _("not all capitals"),
                rule.source,
                certain=spot.certain,
            )
        elif rule.case == "initial_upper" and letters and not (caps or letters[0].isupper()):
            self.add(
                "case",
                spot.element,
                where,
                excerpt,
                _("capital first letter"),
                _("lower-case first letter"),
                rule.source,
                certain=spot.certain,
            )
        elif rule.case == "initial_lower" and letters and (caps or letters[0].isupper()):
            self.add(
                "case",
                spot.element,
                where,
                excerpt,
                _("lower-case first letter"),
                _("capital first letter"),
                rule.source,
                certain=spot.certain,
            )

    # ------------------------------------------------------------------ number and date
    def number(self) -> None:
        spot = self.layout.first("number")
        form = self.rules.number
        if spot is None:
            if self.kind.number:
                self.add(
                    "number-missing",
                    "number",
                    [Where()],
                    "",
                    _("a number line ('{example}')").format(example=_example_number(form)),
                    _("none found"),
                    form.source,
                    certain=False,
                )
            return
        text = spot.text
        edits = number_edits(text, form)
        if edits is None:
            self.add(
                "number-form",
                "number",
                [spot.para.where],
                spot.clean,
                _example_number(form),
                spot.clean,
                form.source,
                certain=False,
            )
            return
        self._number_type(spot)
        expected, ops = edits
        if not ops:
            return

        def fix_number(spot=spot, ops=ops, expected=expected) -> list[str]:
            if not self.edits.add(
                spot.para, [(spot.start + a, spot.start + b, t) for a, b, t in ops]
            ):
                return []
            return [
                _("{where}: number {old!r} → {new!r}").format(
                    where=_describe(spot.para.where), old=spot.clean, new=expected
                )
            ]

        self.add(
            "number-form",
            "number",
            [spot.para.where],
            spot.clean,
            expected,
            spot.clean,
            form.source,
            certain=spot.certain,
            fix=fix_number,
        )

    def _number_type(self, spot: Spot) -> None:
        """A giấy mời numbered "/TB-": the type code must be the kind's, in this profile."""
        code = self.kind.code(self.layout.profile)
        found = number_type(spot.text)
        if code is None or found is None or found == code:
            return
        self.add(
            "number-type",
            "number",
            [spot.para.where],
            spot.clean,
            code,
            found,
            self.rules.number.source,
            certain=spot.certain and self.layout.kind_reason != "",
        )

    def date(self) -> None:
        spot = self.layout.first("place_date")
        rule = formats.rules().date
        if spot is None:
            if self.kind.place_date:
                self.add(
                    "date-missing",
                    "place_date",
                    [Where()],
                    "",
                    _("a place-and-date line ('Lạng Sơn, ngày 05 tháng 02 năm 2022')"),
                    _("none found"),
                    rule.source,
                    certain=False,
                )
            return
        m = PLACE_DATE.search(spot.text)
        if m is None:
            return
        ops = []
        for group in ("day", "month"):
            digits = m.group(group)
            if not digits.isdigit():
                continue
            value = int(digits)
            width = len(str(rule.day_pad_below))
            padded = group == "day" or value in rule.padded_months
            want = f"{value:0{width}d}" if padded else str(value)
            if digits != want:
                ops.append((m.start(group), m.end(group), want))
        if not ops:
            return
        new = spot.text
        for a, b, t in sorted(ops, reverse=True):
            new = new[:a] + t + new[b:]

        def fix_date(spot=spot, ops=ops, new=new) -> list[str]:
            if not self.edits.add(
                spot.para, [(spot.start + a, spot.start + b, t) for a, b, t in ops]
            ):
                return []
            return [
                _("{where}: date {old!r} → {new!r}").format(
                    where=_describe(spot.para.where), old=spot.clean, new=squeeze(new)
                )
            ]

        self.add(
            "date-padding",
            "place_date",
            [spot.para.where],
            spot.clean,
            squeeze(new),
            spot.clean,
            rule.source,
            certain=spot.certain,
            fix=fix_date,
        )

    # ------------------------------------------------------------------ body
    def body(self) -> None:
        rule = self.rules.body
        size_rule = self.rules.elements.body
        groups: dict[tuple[str, str], list[Para]] = {}
        for para in self.layout.body:
            props = para.props
            if props.get("align") != "justify":
                groups.setdefault(("align", str(props.get("align"))), []).append(para)
            first = (props.get("first_line") or 0.0) / MM
            if not para.numbered and first not in rule.first_line_range_mm:
                groups.setdefault(("indent", f"{first:.1f} mm"), []).append(para)
            space = (props.get("before") or 0.0) + (props.get("after") or 0.0)
            if space + 0.05 < rule.min_space_between_pt:
                groups.setdefault(("spacing", pt(round(space, 1))), []).append(para)
            line = _line_value(props, rule, float(size_rule.pt))
            if line is not None and line not in rule.line_range:
                unit = _("lines") if rule.line_rule == "auto" else "pt"
                groups.setdefault(("line", f"{line:.2f} {unit}"), []).append(para)
            sizes = {float(r.props.get("size") or 10) for r in para.runs if r.text.strip()}
            for size in sorted(s for s in sizes if s not in size_rule.sizes):
                groups.setdefault(("size", pt(size)), []).append(para)
        for (code, found), paras in groups.items():
            first = paras[0]
            where = [p.where for p in paras]
            fix = None
            if code == "align":
                expected = _("justified")
                found = _align(found)
                fix = partial(fixes.justify, paras)
            elif code == "indent":
                expected = _("first line indented {range}").format(
                    range=rule.first_line_range_mm.text(" mm")
                )
                fix = partial(fixes.indent, paras, rule)
            elif code == "spacing":
                expected = _("at least {value} between paragraphs").format(
                    value=pt(rule.min_space_between_pt)
                )
            elif code == "line":
                unit = _("lines") if rule.line_rule == "auto" else "pt"
                expected = f"{rule.line_range.text()} {unit}"
            else:
                expected = size_rule.sizes.text(" pt")
                fix = partial(fixes.body_size, paras, size_rule)
            self.add(
                f"body-{code}",
                "body",
                where,
                first.first_words(),
                expected,
                found,
                rule.source if code != "size" else size_rule.source,
                severity="warning" if code in ("spacing", "line") else None,
                fix=fix,
            )
        if self.layout.body:
            last = self.layout.body[-1]
            if not last.clean.endswith(rule.ending) and self.layout.kind not in (
                "list",
                "programme",
            ):
                self.add(
                    "body-ending",
                    "body",
                    [last.where],
                    last.first_words(),
                    _("ends with '{ending}'").format(ending=rule.ending),
                    repr(last.clean[-3:]),
                    rule.source,
                    severity="warning",
                )

    # ------------------------------------------------------------------ page numbers
    def page_numbers(self) -> None:
        rule = self.rules.page_numbers
        size_rule = self.rules.elements.page_number
        if not any(
            "PAGE" in page_fields(para)
            for section in self.doc.sections
            for part in section.headers
            for para in part.paragraphs
        ):
            # A one-page document needs none, and the check cannot count pages as Word does.
            self.add(
                "page-number-missing",
                "page_number",
                [Where(part="header")],
                "",
                _("a page number from page 2, centred in the header (if there is a page 2)"),
                _("none"),
                rule.source,
                severity="warning",
            )
        for section in self.doc.sections:
            where_section = Where(part=f"section {section.index}")
            numbered = [
                (part, para)
                for part in section.headers
                for para in part.paragraphs
                if "PAGE" in page_fields(para)
            ]
            if not numbered:
                continue
            for part, para in numbered:
                if part.kind != rule.location:
                    self.add(
                        "page-number-place",
                        "page_number",
                        [para.where],
                        "",
                        _("in the header"),
                        _("in the footer"),
                        rule.source,
                    )
                # Page 1 is the first section's first page; a later section's first page is
                # numbered like any other.
                on_page_one = part.type == "first" or (
                    part.type == "default" and not section.title_page
                )
                if section.index == 1 and on_page_one and rule.from_page > 1:
                    self.add(
                        "page-number-first",
                        "page_number",
                        [para.where if part.type == "first" else where_section],
                        "",
                        _("no number on page 1"),
                        _("page 1 numbered"),
                        rule.source,
                        fix=partial(
                            fixes.first_page_unnumbered,
                            self.doc.docx.sections[0],
                            where_section,
                        ),
                    )
                if para.props.get("align") != rule.align and para.props.get("align") != {
                    "center": "center"
                }.get(rule.align):
                    self.add(
                        "page-number-align",
                        "page_number",
                        [para.where],
                        "",
                        _("centred"),
                        _align(str(para.props.get("align"))),
                        rule.source,
                    )
                sizes = {float(r.props.get("size") or 10) for r in para.runs if r.text.strip()}
                sizes |= {float(para.mark_size or 10)} if not sizes else set()
                bad = [s for s in sorted(sizes) if s not in size_rule.sizes]
                if bad:
                    self.add(
                        "size",
                        "page_number",
                        [para.where],
                        "",
                        size_rule.sizes.text(" pt"),
                        ", ".join(pt(s) for s in bad),
                        size_rule.source,
                    )

    # ------------------------------------------------------------------ signer and Nơi nhận
    def signer(self) -> None:
        rule = self.rules.signer
        for spot in self.layout.all("signer_prefix"):
            lead = len(spot.text) - len(spot.text.lstrip())
            m = SIGNER_PREFIX.match(spot.text[lead:])
            if m is None:
                continue
            key = re.sub(r"[\s/.]", "", m.group("prefix")).upper()
            expected = rule.prefixes.get(key)  # type: ignore[call-overload]
            token = m.group("token")
            if expected is None or token == expected:
                continue
            # Only the authority's letters change ("K/T" → "KT."); the position after it and
            # every run's formatting stay as typed.
            op = (spot.start + lead + m.start("token"), spot.start + lead + m.end("token"))

            def fix_prefix(spot=spot, op=op, token=token, expected=expected) -> list[str]:
                if not self.edits.add(spot.para, [(*op, expected)]):
                    return []
                return [
                    _("{where}: signing authority {old!r} → {new!r}").format(
                        where=_describe(spot.para.where), old=squeeze(token), new=expected
                    )
                ]

            self.add(
                "signer-prefix",
                "signer_prefix",
                [spot.para.where],
                spot.clean,
                expected,
                squeeze(token),
                rule.source,
                certain=spot.certain,
                fix=fix_prefix,
            )
        name = self.layout.first("signer_name")
        if name is not None and re.match(r"^(GS|PGS|TS|ThS|KS|BS|CN)\.", name.clean):
            self.add(
                "signer-title",
                "signer_name",
                [name.para.where],
                name.clean,
                _("the name without academic titles"),
                name.clean.split()[0],
                self.rules.elements.signer_name.source,
                severity="warning",
            )

    def recipients(self) -> None:
        rule = self.rules.recipients
        head = self.layout.first("recipients_head")
        if head is None:
            if self.kind.recipients:
                self.add(
                    "recipients-missing",
                    "recipients_head",
                    [Where()],
                    "",
                    _("a Nơi nhận block"),
                    _("none found"),
                    rule.source,
                    certain=False,
                )
            return
        if (
            not head.clean.endswith(":")
            or head.clean.rstrip(":").strip().lower() != rule.head.rstrip(":").lower()
        ):
            self.add(
                "recipients-head",
                "recipients_head",
                [head.para.where],
                head.clean,
                rule.head,
                head.clean,
                rule.source,
                severity="warning",
            )
        items = self.layout.recipients_items
        if not items:
            return
        last = items[-1]
        if not re.sub(r"^[-–•+]\s*", "", last.clean).startswith(rule.archive_prefix):
            self.add(
                "recipients-archive",
                "recipients_item",
                [last.para.where],
                last.clean,
                "- " + rule.archive.format(code="…", body="…") + ".",
                last.clean,
                rule.source,
            )
        unended = [item for item in items[:-1] if not item.clean.endswith(rule.item_end)]
        if unended:
            self.add(
                "recipients-item-end",
                "recipients_item",
                [i.para.where for i in unended],
                unended[0].clean,
                _("ends with '{end}'").format(end=rule.item_end),
                repr(unended[0].clean[-1:]),
                rule.source,
                severity="warning",
            )


def _align(value: str) -> str:
    names = {
        "left": _("aligned left"),
        "right": _("aligned right"),
        "center": _("centred"),
        "justify": _("justified"),
    }
    return names.get(value, value)


def _merge(findings: list[Finding]) -> list[Finding]:
    """One finding for one breach repeated on several lines (each Nơi nhận item at 14 pt)."""
    out: list[Finding] = []
    for f in findings:
        prev = out[-1] if out else None
        if (
            prev is not None
            and (prev.code, prev.element, prev.expected, prev.found, prev.certain)
            == (f.code, f.element, f.expected, f.found, f.certain)
            and f.element not in ("number", "place_date", "page")
        ):
            prev.where = prev.where + f.where
            if prev.fix is not None and f.fix is not None:
                first, second = prev.fix, f.fix
                prev.fix = lambda first=first, second=second: first() + second()
            continue
        out.append(f)
    return out


def _line_value(props: dict[str, Any], rule: formats.Body, size: float) -> float | None:
    """The paragraph's line spacing in the rule's unit: lines (auto) or points (exact)."""
    line = props.get("line")
    if line is None:
        return None
    kind = props.get("line_rule") or "auto"
    single = 1.15 * size  # Times New Roman's line height
    if kind == "auto":
        lines = float(line) / 240
        return lines if rule.line_rule == "auto" else lines * single
    pitch = float(line) / 20
    return pitch / single if rule.line_rule == "auto" else pitch


def _example_number(form: formats.NumberForm) -> str:
    return f"{form.prefix} {form.reference('05', 'TB', 'UBND')}"


def _position(doc: Document, where: Where) -> tuple[int, int]:
    for para in doc.paragraphs:
        if para.where == where:
            return (1, para.index)
    return (0, 0)


__all__ = ["Checker", "Finding", "NUMBER_LINE"]
