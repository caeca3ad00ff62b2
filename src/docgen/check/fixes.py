"""The corrections ``--fix`` makes: mechanical, on elements found for sure, each one listed.

Finding a breach (:mod:`docgen.check.checks`) and correcting it are two jobs: a finding carries
a ``fix`` made here with :func:`functools.partial`, run only by ``--fix`` on the copy's element
tree. Each correction changes formatting only — paper, margins, fonts, sizes, alignment,
indent — never a word; the number's and the date's characters go through
:class:`docgen.check.text.TextEdits`, which keeps every other character.
"""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run as DocxRun

from docgen import formats
from docgen.check.read import Para, Where, w
from docgen.i18n import _


def pt(value: float) -> str:
    return f"{value:g} pt"


def describe(where: Where) -> str:
    from docgen.check.report import describe as words

    return words(where)


def side_name(side: str) -> str:
    return {"top": _("top"), "bottom": _("bottom"), "left": _("left"), "right": _("right")}[side]


def paper(section: Any, rules: formats.Page, w_mm: float, h_mm: float, where: Where) -> list[str]:
    landscape = w_mm > h_mm
    a, b = Mm(rules.width_mm), Mm(rules.height_mm)
    section.page_width, section.page_height = (b, a) if landscape else (a, b)
    return [
        _("{where}: paper {found} → A4").format(
            where=describe(where), found=f"{w_mm:.0f} × {h_mm:.0f} mm"
        )
    ]


def margin(section: Any, side: str, value: Any, allowed: formats.Range, where: Where) -> list[str]:
    new = min(max(value.mm, allowed.low), allowed.high)
    setattr(section, f"{side}_margin", Mm(new))
    return [
        _("{where}: {side} margin {old} → {new}").format(
            where=describe(where),
            side=side_name(side),
            old=f"{value.mm:.1f} mm",
            new=f"{new:g} mm",
        )
    ]


def font(places: list[tuple[Para, list[Any]]], found: str, family: str) -> list[str]:
    changes = []
    for para, runs in places:
        for run in runs:
            rpr = run.el.get_or_add_rPr()
            fonts = rpr.get_or_add_rFonts()
            # A theme font wins over a named one in Word: drop it, or the fix would not show.
            for attr in ("asciiTheme", "hAnsiTheme", "cstheme", "eastAsiaTheme"):
                fonts.attrib.pop(w(attr), None)
            DocxRun(run.el, None).font.name = family  # type: ignore[arg-type]
            fonts.set(w("cs"), family)
            fonts.set(w("eastAsia"), family)
        changes.append(
            _("{where} «{text}»: font {old} → {new}").format(
                where=describe(para.where), text=para.first_words(), old=found, new=family
            )
        )
    return changes


def element_size(
    para: Para, start: int, end: int, runs: list[Any], rule: formats.Element, bad: list[float]
) -> list[str]:
    new_sizes = set()
    for run in runs:
        size = float(run.props.get("size") or 10)
        if size in rule.sizes:
            continue
        new = min(max(size, rule.sizes.low), rule.sizes.high)
        rpr = run.el.get_or_add_rPr()
        rpr.sz_val = Pt(new)
        cs = rpr.find(w("szCs"))
        if cs is not None:
            cs.set(w("val"), str(round(new * 2)))
        new_sizes.add(new)
    return [
        _("{where} «{text}»: size {old} → {new}").format(
            where=describe(para.where),
            text=para.first_words(start, end),
            old=", ".join(pt(s) for s in bad),
            new=", ".join(pt(s) for s in sorted(new_sizes)),
        )
    ]


def justify(paras: list[Para]) -> list[str]:
    changes = []
    for para in paras:
        Paragraph(para.el, None).paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY  # type: ignore[arg-type]
        changes.append(
            _("{where} «{text}»: aligned justified").format(
                where=describe(para.where), text=para.first_words()
            )
        )
    return changes


def indent(paras: list[Para], rule: formats.Body) -> list[str]:
    changes = []
    for para in paras:
        fmt = Paragraph(para.el, None).paragraph_format  # type: ignore[arg-type]
        fmt.first_line_indent = Mm(rule.first_line_mm)
        changes.append(
            _("{where} «{text}»: first-line indent {value}").format(
                where=describe(para.where),
                text=para.first_words(),
                value=f"{rule.first_line_mm:g} mm",
            )
        )
    return changes


def body_size(paras: list[Para], rule: formats.Element) -> list[str]:
    changes = []
    for para in paras:
        moved: dict[float, float] = {}
        for run in para.runs:
            size = float(run.props.get("size") or 10)
            if not run.text.strip() or size in rule.sizes:
                continue
            new = min(max(size, rule.sizes.low), rule.sizes.high)
            run.el.get_or_add_rPr().sz_val = Pt(new)
            moved[size] = new
        changes.append(
            _("{where} «{text}»: size {old} → {new}").format(
                where=describe(para.where),
                text=para.first_words(),
                old=", ".join(pt(s) for s in sorted(moved)),
                new=", ".join(pt(s) for s in sorted(set(moved.values()))),
            )
        )
    return changes
