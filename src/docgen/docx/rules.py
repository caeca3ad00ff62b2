"""The short centred rule of an official document's header and title, as one OOXML paragraph.

Why here: the template generator draws the fixed rules (under the motto, under the summary) and
the context draws the rule under the issuing body's name, whose length follows the name and so
cannot be fixed in a template (a Jinja tag inside ``w:ind``'s attributes is a file Word refuses
to open; the template holds ``{{p issuer_rule }}`` as text instead, which Word keeps). Both must
draw the same rule, so both take it from here.
"""

from __future__ import annotations


def twips(mm: float) -> int:
    """Millimetres to twentieths of a point, OOXML's length unit for layout."""
    return round(mm * 1440 / 25.4)


def rule_paragraph(width_mm: float, cell_mm: float, *, after_pt: float = 0) -> str:
    """An empty paragraph whose bottom border, ``width_mm`` long, is centred in ``cell_mm``.

    The border of a paragraph runs between its indents, so centring the rule in a cell (or the
    text width) of ``cell_mm`` means equal indents on both sides. The paragraph is 2 pt high with
    2 pt before it, so the rule sits just under the line above as in the official templates; a
    lower paragraph lets LibreOffice draw the rule through the descenders of that line.
    """
    side = twips(max((cell_mm - width_mm) / 2, 0))
    return (
        "<w:p><w:pPr>"
        '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>'
        f'<w:spacing w:before="40" w:after="{round(after_pt * 20)}" w:line="40" '
        'w:lineRule="exact"/>'
        f'<w:ind w:left="{side}" w:right="{side}"/>'
        '<w:jc w:val="center"/>'
        '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>'
        "</w:pPr></w:p>"
    )
