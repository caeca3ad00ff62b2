"""The corrections ``--fix`` makes: mechanical, on elements found for sure, each one listed.

Finding a breach (:mod:`docgen.check.checks`) and correcting it are two jobs: a finding carries
a ``fix`` made here with :func:`functools.partial`, run only by ``--fix`` on the copy's element
tree. Each correction changes formatting only — paper, margins, fonts, sizes, alignment,
indent — never a word; the number's and the date's characters go through
:class:`docgen.check.text.TextEdits`, which keeps every other character.
"""

from __future__ import annotations

from copy import deepcopy
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


def first_page_unnumbered(section: Any, where: Where) -> list[str]:
    """Page 1 without its number, the other pages as they were (numbers from page 2).

    Word's "Different First Page": page 1 gets a header of its own. A first-page header the
    document already holds is the one Word would show when the clerk ticks the box, and keeps
    what is in it; otherwise page 1's header (and footer) start as copies of the other pages',
    so nothing the clerk typed there is lost. Only the PAGE field leaves page 1's header.
    Safe to run twice: a page 1 already unnumbered is left alone.
    """
    changed = not section.different_first_page_header_footer
    section.different_first_page_header_footer = True
    for other, first in (
        (section.header, section.first_page_header),
        (section.footer, section.first_page_footer),
    ):
        if first.is_linked_to_previous and not other.is_linked_to_previous:
            first.is_linked_to_previous = False  # a part of its own, then the other's content
            element = first._element  # noqa: SLF001 — python-docx has no copy of a header
            for child in list(element):
                element.remove(child)
            for child in other._element:  # noqa: SLF001
                element.append(deepcopy(child))
            _carry_relationships(element, other.part, first.part)
            changed = True
    if not section.first_page_header.is_linked_to_previous:
        changed = _drop_page_fields(section.first_page_header._element) or changed  # noqa: SLF001
    if not changed:
        return []
    return [
        _("{where}: no page number on page 1 (Different First Page); page 2 on keep theirs").format(
            where=describe(where)
        )
    ]


_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _carry_relationships(element: Any, source: Any, target: Any) -> None:
    """A picture (a logo) or a link in copied header content points at its part's relationships
    by id: give the copy's part the same targets, under the ids it assigns."""
    for node in element.iter():
        for name, value in list(node.attrib.items()):
            if not name.startswith(f"{{{_R}}}") or value not in source.rels:
                continue
            rel = source.rels[value]
            if rel.is_external:
                node.set(name, target.relate_to(rel.target_ref, rel.reltype, is_external=True))
            else:
                node.set(name, target.relate_to(rel.target_part, rel.reltype))


def _field_name(instr: str | None) -> str:
    words = (instr or "").split()
    return words[0].upper() if words else ""


def _drop_page_fields(root: Any) -> bool:
    """Take every PAGE field out of ``root`` (simple or complex), keeping all other text."""
    dropped = False
    for simple in list(root.iter(w("fldSimple"))):
        if _field_name(simple.get(w("instr"))) == "PAGE":
            simple.getparent().remove(simple)
            dropped = True
    for para in root.iter(w("p")):
        runs = list(para.iter(w("r")))
        # A complex field runs from its 'begin' run to its 'end' run; fields nest.
        open_fields: list[tuple[int, list[str]]] = []
        spans: list[tuple[int, int]] = []
        for i, run in enumerate(runs):
            for instr in run.iterfind(w("instrText")):
                if open_fields:
                    open_fields[-1][1].append(instr.text or "")
            mark = run.find(w("fldChar"))
            kind = mark.get(w("fldCharType")) if mark is not None else None
            if kind == "begin":
                open_fields.append((i, []))
            elif kind == "end" and open_fields:
                start, instr_parts = open_fields.pop()
                if _field_name("".join(instr_parts)) == "PAGE":
                    spans.append((start, i))
        for start, end in spans:
            for run in runs[start : end + 1]:
                if run.getparent() is not None:
                    run.getparent().remove(run)
                    dropped = True
    return dropped
