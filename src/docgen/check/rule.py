"""The rule under the issuing body's name: 1/3–1/2 of the name's width [ND30].

Drafts draw it as the official templates do, as the bottom border of an (empty) paragraph
under the name, its length set by the paragraph's indents in its cell or page. The name is
measured in the font and size its runs carry (:mod:`docgen.measure`, the widths the PDF engine
uses), and the share allowed is :class:`docgen.formats.IssuerRule`'s, which the context also
draws docgen's own rule with. A line drawn as a shape, or typed as underscores, is not judged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from docgen import formats
from docgen.check.find import squeeze
from docgen.check.read import Para, w
from docgen.i18n import _
from docgen.measure import text_width_mm

if TYPE_CHECKING:
    from docgen.check.checks import Checker

_TWIPS_PER_MM = 1440 / 25.4
_WORD_CELL_MARGIN = 108  # twips: Word's default left and right cell margin


def _twips(el: etree._Element | None, attr: str, default: float = 0.0) -> float:
    if el is None:
        return default
    value = el.get(w(attr))
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


def _room_mm(para: Para) -> float | None:
    """The width a paragraph's indents are taken from: its cell's text width, or the page's."""
    tc = next(para.el.iterancestors(w("tc")), None)
    if tc is not None:
        tcw = tc.find(f"{w('tcPr')}/{w('tcW')}")
        if tcw is None or (tcw.get(w("type")) or "dxa") != "dxa":
            return None
        tbl = next(tc.iterancestors(w("tbl")))
        mar = tbl.find(f"{w('tblPr')}/{w('tblCellMar')}")
        sides = [
            _twips(mar.find(w(side)) if mar is not None else None, "w", _WORD_CELL_MARGIN)
            for side in ("left", "right")
        ]
        return (_twips(tcw, "w") - sum(sides)) / _TWIPS_PER_MM
    body = next(para.el.iterancestors(w("body")), None)
    sect = body.find(w("sectPr")) if body is not None else None
    if sect is None:
        return None
    width = _twips(sect.find(w("pgSz")), "w")
    mar = sect.find(w("pgMar"))
    return (width - _twips(mar, "left") - _twips(mar, "right")) / _TWIPS_PER_MM


def _rule_under(name: Para, paras: list[Para]) -> Para | None:
    """The empty bordered paragraph right under the name, in the same cell, if any."""
    for para in paras[name.index + 1 : name.index + 3]:
        if para.where.table != name.where.table or para.where.cell != name.where.cell:
            return None
        if para.clean:
            return None
        if (para.props.get("borders") or {}).get("bottom") is not None:
            return para
    return None


def check_issuer_rule(checker: Checker) -> None:
    """Add a finding when the rule under the issuing body's name is too short or too long."""
    if checker.layout.profile != "state":
        return  # the Party's header has a line holding "*" under the name, not a rule
    spots = checker.layout.all("issuer")
    if not spots:
        return
    last = spots[-1].para
    rule_para = _rule_under(last, checker.doc.paragraphs)
    room = _room_mm(rule_para) if rule_para is not None else None
    if rule_para is None or room is None:
        return
    props = rule_para.props
    length = room - ((props.get("ind_left") or 0) + (props.get("ind_right") or 0)) * 25.4 / 72
    widths = []
    for spot in spots:
        runs = spot.para.runs_in(spot.start, spot.end) or spot.para.runs
        first = runs[0].props if runs else {}
        # "ỦY BAN NHÂN DÂN" / "TỈNH LẠNG SƠN" is often one paragraph broken by a line break.
        widths.extend(
            text_width_mm(
                squeeze(line),
                first.get("font") or checker.rules.font.family,
                float(first.get("size") or 10),
                bold=bool(first.get("b")),
            )
            for line in spot.text.split("\n")
            if line.strip()
        )
    name = min(max(widths), room)
    allowed = formats.rules().layout.issuer_rule
    if allowed.allows(length, name):
        return
    low, high = allowed.shares.low * name, allowed.shares.high * name
    checker.add(
        "issuer-rule",
        "issuer",
        [rule_para.where],
        spots[-1].clean,
        _("a rule of {low}–{high} mm (1/3–1/2 of the name, {name} mm)").format(
            low=f"{low:.1f}", high=f"{high:.1f}", name=f"{name:.1f}"
        ),
        _("{length} mm ({share} % of the name)").format(
            length=f"{length:.1f}", share=round(100 * length / name) if name else 0
        ),
        allowed.source,
        certain=all(s.certain for s in spots),
    )
