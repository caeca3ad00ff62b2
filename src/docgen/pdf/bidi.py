"""Right-to-left text inside a left-to-right document: the basic Unicode bidi algorithm.

Why our own and not a library: reportlab's bidi support needs the optional ``rlbidi`` package,
and docgen's documents are Vietnamese, so right-to-left text reaches them only as a name or a
quotation. That case needs little of UAX #9: the paragraph level is always 0 (left-to-right),
explicit embeddings and isolates are not supported (their controls count as neutrals), and one
line is reordered at a time after line breaking — rules W1–W7, N1–N2, I1–I2, L1, L2 and the
common mirrored brackets of L4. A run of Hebrew or Arabic is drawn right to left; numbers
inside it keep their left-to-right digits; neutrals between two right-to-left letters join them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

_RTL = re.compile(
    r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_MIRROR = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")
_TRAILING = {"WS", "S", "B", "BN"}


def has_rtl(text: str) -> bool:
    """True when ``text`` holds a right-to-left letter (fast pre-check, no classification)."""
    return _RTL.search(text) is not None


def levels(text: str) -> list[int]:
    """Resolved embedding level of each character of one line (paragraph level 0)."""
    types = [unicodedata.bidirectional(c) or "L" for c in text]
    n = len(types)
    prev = "L"
    for i, t in enumerate(types):  # W1: a combining mark takes its base's type
        if t == "NSM":
            types[i] = prev
        else:
            prev = t
    last = "L"
    for i, t in enumerate(types):  # W2: European digits after Arabic letters are Arabic
        if t in ("L", "R", "AL"):
            last = t
        elif t == "EN" and last == "AL":
            types[i] = "AN"
    types = ["R" if t == "AL" else t for t in types]  # W3
    for i in range(1, n - 1):  # W4: one separator between two numbers joins them
        a, b = types[i - 1], types[i + 1]
        if types[i] == "ES" and a == b == "EN":
            types[i] = "EN"
        elif types[i] == "CS" and a == b and a in ("EN", "AN"):
            types[i] = a
    for i in range(n):  # W5: terminators (%, currency) next to digits are digits
        if types[i] == "EN":
            for step in (-1, 1):
                j = i + step
                while 0 <= j < n and types[j] == "ET":
                    types[j] = "EN"
                    j += step
    types = ["ON" if t in ("ES", "ET", "CS") else t for t in types]  # W6
    last = "L"
    for i, t in enumerate(types):  # W7: digits after left-to-right text are left-to-right
        if t in ("L", "R"):
            last = t
        elif t == "EN" and last == "L":
            types[i] = "L"

    def strong(t: str) -> str | None:
        return "L" if t == "L" else ("R" if t in ("R", "EN", "AN") else None)

    i = 0
    while i < n:  # N1/N2: neutrals between two same directions take it, else the paragraph's
        if strong(types[i]) is not None:
            i += 1
            continue
        j = i
        while j < n and strong(types[j]) is None:
            j += 1
        before = strong(types[i - 1]) if i else "L"
        after = strong(types[j]) if j < n else "L"
        for k in range(i, j):
            types[k] = before if before == after else "L"
        i = j
    out = [0 if t == "L" else (1 if t == "R" else 2) for t in types]  # I1
    k = n - 1
    while k >= 0 and unicodedata.bidirectional(text[k]) in _TRAILING:  # L1
        out[k] = 0
        k -= 1
    return out


def visual_order(lv: Sequence[int]) -> list[int]:
    """L2: indices in drawing order — every run at level ≥ k reversed, highest k first."""
    order = list(range(len(lv)))
    cur = list(lv)
    for level in range(max(cur, default=0), 0, -1):
        i = 0
        while i < len(cur):
            if cur[i] < level:
                i += 1
                continue
            j = i
            while j < len(cur) and cur[j] >= level:
                j += 1
            order[i:j] = order[i:j][::-1]
            cur[i:j] = cur[i:j][::-1]
            i = j
    return order


def reorder(text: str) -> str:
    """One line's characters in drawing order (brackets inside right-to-left runs mirrored)."""
    if not has_rtl(text):
        return text
    lv = levels(text)
    return "".join(text[i].translate(_MIRROR) if lv[i] % 2 else text[i] for i in visual_order(lv))


def reorder_pieces(pieces: Sequence[tuple[str, T]]) -> list[tuple[str, T]]:
    """A line made of differently formatted pieces, in drawing order.

    Characters are reordered across piece boundaries; consecutive characters of one piece stay
    together, so each returned piece keeps its owner's formatting. An empty text stands for an
    object (a picture) and is treated as a neutral.
    """
    chars: list[str] = []
    owner: list[int] = []
    for k, (text, _obj) in enumerate(pieces):
        for ch in text or "\ufffc":
            chars.append(ch)
            owner.append(k)
    line = "".join(chars)
    if not has_rtl(line):
        return list(pieces)
    lv = levels(line)
    out: list[tuple[str, T]] = []
    cur, buf = -1, []
    for i in visual_order(lv):
        if owner[i] != cur and cur >= 0:
            out.append(("".join(buf) if pieces[cur][0] else "", pieces[cur][1]))
            buf = []
        cur = owner[i]
        buf.append(chars[i].translate(_MIRROR) if lv[i] % 2 else chars[i])
    if cur >= 0:
        out.append(("".join(buf) if pieces[cur][0] else "", pieces[cur][1]))
    return out
