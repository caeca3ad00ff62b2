"""The PDF engine hands reportlab its paragraph markup as a tuple tree, not as text to parse.

What reportlab draws must not change by that: the fragments (text with its font, size, colour,
rise, underline, strike, highlight, breaks and inline pictures) must be those reportlab makes
from the same markup written out and parsed — white space folded the same way, no-break
spaces kept, ``&``, ``<`` and ``"`` as typed.
"""

from __future__ import annotations

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

import docgen.pdf.writer  # noqa: F401 - registers the bundled fonts
from docgen.pdf.fonts import resolve_family
from docgen.pdf.layout import _BLANK_PNG, Node, _text_node, markup_text, paragraph_frags

FACE = resolve_family("Times New Roman").regular
BOLD = resolve_family("Times New Roman").bold


def font(text: str, **attrs: str) -> Node:
    return _text_node("font", {"face": FACE, "size": "13", **attrs}, text)


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("img") / "blank.png"
    path.write_bytes(_BLANK_PNG)
    return str(path)


CASES = {
    "plain": lambda b: [font("Ủy ban nhân dân tỉnh Lạng Sơn")],
    "signs as typed": lambda b: [font('AT&T <tag> "quotes" \'apos\' 5 > 3 & 2 < 4')],
    "white space folded": lambda b: [font("  two  spaces\tand a tab\nand a line  ")],
    "no-break spaces kept": lambda b: [font("số\u00a0\u00a01/QĐ-UBND   ngày")],
    "runs": lambda b: [
        font("Điều 1. ", face=BOLD),
        font("Tặng Bằng khen", color="#C00000", backcolor="#FFFF00"),
        font(" "),
        font("cho"),
    ],
    "underline, strike": lambda b: [
        ("u", {}, [font("gạch chân")], None),
        font(" "),
        ("strike", {}, [font("gạch ngang")], None),
    ],
    "super and sub": lambda b: [
        font("H"),
        ("sub", {"rise": "1.04", "size": "7.54"}, [_text_node("font", {"face": FACE}, "2")], None),
        font("O, m"),
        ("super", {"rise": "4.29", "size": "7.54"}, [_text_node("font", {"face": FACE}, "2")], None),
    ],
    "line break": lambda b: [font("dòng một"), ("br", {}, [], None), font("dòng hai")],
    "inline picture (a tab's blank)": lambda b: [
        font("Nơi nhận:"),
        ("img", {"src": b, "width": "36.000", "height": "0.01", "valign": "baseline"}, [], None),
        font("- Như Điều 3;"),
    ],
    "empty": lambda b: [],
}

ATTRIBUTES = (
    "fontName",
    "fontSize",
    "textColor",
    "backColor",
    "rise",
    "underline",
    "strike",
    "lineBreak",
    "bold",
    "italic",
)


def runs(frags: list) -> list[tuple]:
    """The fragments as runs: neighbours of one look joined (a parsed ``&`` splits a run)."""
    out: list[tuple] = []
    for frag in frags:
        look = tuple(repr(getattr(frag, name, None)) for name in ATTRIBUTES)
        picture = getattr(frag, "cbDefn", None)
        if picture is not None:
            look += tuple(sorted((k, repr(v)) for k, v in vars(picture).items() if k != "image"))
        text = getattr(frag, "text", "")
        if out and out[-1][0] == look and picture is None:
            out[-1] = (look, out[-1][1] + text)
        else:
            out.append((look, text))
    return out


@pytest.mark.parametrize("case", CASES)
def test_the_tree_gives_the_fragments_of_the_written_markup(case: str, blank: str) -> None:
    nodes = CASES[case](blank)
    style = ParagraphStyle("p", fontName=FACE, fontSize=13, leading=15)
    parsed = Paragraph(markup_text(nodes), style)
    direct = paragraph_frags(nodes, style)
    assert runs(direct) == runs(parsed.frags)
    if case != "empty":
        assert direct, "no fragment at all"


def test_white_space_is_folded_but_no_break_spaces_stay() -> None:
    style = ParagraphStyle("p", fontName=FACE, fontSize=13, leading=15)
    frags = paragraph_frags([font("a  \t b\u00a0\u00a0c")], style)
    assert "".join(f.text for f in frags) == "a b\u00a0\u00a0c"
