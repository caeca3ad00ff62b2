"""Small, exact edits of a paragraph's text that keep every other character and its formatting.

The fix changes only spaces, the colon, separators and leading zeros of a number or date.
Word splits text into runs wherever formatting or editing history changed, so an edit is made
on the ``w:t`` elements it falls in: a deletion trims each element it covers, an insertion goes
into the element holding its position. Edits of one paragraph are applied from the end, so
earlier offsets stay valid.
"""

from __future__ import annotations

import re

from docgen import formats
from docgen.check.read import Para, w

Op = tuple[int, int, str]  # (start, end, replacement) in the paragraph's text

_NUMBER = re.compile(
    r"^(?P<so>Số)(?P<sp1>\s*)(?P<colon>:?)(?P<sp2>\s*)(?P<num>\d+|[\s\u00a0.…_]*?)(?P<sp3>\s*)"
    r"(?P<s1>[/-])(?P<sp4>\s*)(?P<a>[^\s/-]+)(?P<sp5>\s*)(?P<s2>[/-])(?P<sp6>\s*)(?P<b>\S+)\s*$"
)


def number_type(text: str) -> str | None:
    """The code between the number's two separators (``QĐ`` of ``Số: 05/QĐ-SNV``), if readable."""
    m = _NUMBER.match(text.strip())
    return m.group("a") if m else None


def number_edits(text: str, form: formats.NumberForm) -> tuple[str, list[Op]] | None:
    """(the number as the profile writes it, the edits that make it so), or None if unreadable."""
    m = _NUMBER.match(text.strip())
    if m is None:
        return None
    offset = len(text) - len(text.lstrip())
    seps = re.match(r"\{number\}(.)\{type\}(.)\{issuer\}", form.form)
    if seps is None:
        return None
    colon = form.prefix.endswith(":")
    blank = not m.group("num").isdigit()
    want = {
        "sp1": "" if colon else " ",
        "colon": ":" if colon else "",
        "sp2": " " if colon else "",
        "num": m.group("num"),
        "sp3": m.group("sp3"),
        "s1": seps.group(1),
        "sp4": "",
        "sp5": "",
        "s2": seps.group(2),
        "sp6": "",
    }
    if not blank:
        want["num"] = form.digits(int(m.group("num")))
        want["sp3"] = ""
    else:  # an unnumbered draft keeps its blank ("Số:       /QĐ-UBND")
        spaces = (m.group("sp1") + m.group("sp2")) or " "
        want["sp1"], want["sp2"] = ("", spaces) if colon else (spaces, "")
    ops: list[Op] = []
    for group, value in want.items():
        if m.group(group) == value:
            continue
        op = (offset + m.start(group), offset + m.end(group), value)
        if ops and ops[-1][1] == op[0]:  # touching edits become one, so insertions keep order
            ops[-1] = (ops[-1][0], op[1], ops[-1][2] + value)
        else:
            ops.append(op)
    expected = text.strip()
    for a, b, value in sorted(ops, reverse=True):
        a, b = a - offset, b - offset
        expected = expected[:a] + value + expected[b:]
    return " ".join(expected.split()) if not blank else expected, ops


class TextEdits:
    """Edits collected per paragraph while fixing, applied together at the end."""

    def __init__(self) -> None:
        self._ops: dict[int, tuple[Para, list[Op]]] = {}

    def add(self, para: Para, ops: list[Op]) -> bool:
        """Queue ``ops``; False (and nothing queued) when one falls outside plain text."""
        if not all(_placeable(para, op) for op in ops):
            return False
        self._ops.setdefault(id(para.el), (para, []))[1].extend(ops)
        return True

    def apply(self) -> None:
        for para, ops in self._ops.values():
            for start, end, value in sorted(ops, key=lambda op: (op[0], op[1]), reverse=True):
                _apply(para, start, end, value)
        self._ops.clear()


def _text_pieces(para: Para) -> list:
    return [p for p in para.pieces if p.el.tag == w("t")]


def _placeable(para: Para, op: Op) -> bool:
    start, end, _value = op
    for piece in para.pieces:
        if piece.end <= start or piece.start >= end:
            continue
        if piece.el.tag != w("t"):
            return False
    return any(p.start <= start <= p.end for p in _text_pieces(para))


def _apply(para: Para, start: int, end: int, value: str) -> None:
    pieces = _text_pieces(para)
    inserted = False
    for piece in pieces:
        if piece.end <= start and not (piece.end == start == end):
            continue
        if piece.start > end or (piece.start == end and (inserted or start != end)):
            continue
        text = piece.el.text or ""
        a = max(start, piece.start) - piece.start
        b = min(end, piece.end) - piece.start
        new = text[:a] + ("" if inserted else value) + text[b:]
        inserted = True
        piece.el.text = new
        piece.el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if start == end:
            break
