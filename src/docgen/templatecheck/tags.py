"""Jinja tags as typed in a paragraph: finding them, and how docxtpl reads them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from docgen.templatecheck.paragraphs import _shorten


@dataclass
class _Tag:
    start: int
    end: int | None  # None: never closed in this paragraph
    kind: str  # "{{", "{%" or "{#"
    raw: str  # as typed

    @property
    def level(self) -> str:
        """docxtpl's level prefix: "tr", "tc", "p", "r" or "" for an ordinary tag."""
        m = re.match(r"\{([{%#])(tr|tc|p|r) ", self.raw)
        if m is None or (m.group(1) == "#" and m.group(2) == "r"):
            return ""
        return m.group(2)


_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_OPENER_RE = re.compile(r"\{[{%#]")


def _scan(text: str) -> list[_Tag]:
    """Tags in ``text``; an opener whose closer comes after the next opener is unclosed."""
    tags: list[_Tag] = []
    i = 0
    while True:
        m = _OPENER_RE.search(text, i)
        if m is None:
            return tags
        start, kind = m.start(), m.group()
        close = text.find(_CLOSERS[kind], start + 2)
        following = _OPENER_RE.search(text, start + 2)
        if close >= 0 and (kind == "{#" or following is None or close < following.start()):
            end = close + 2
            tags.append(_Tag(start, end, kind, text[start:end]))
            i = end
        else:
            tags.append(_Tag(start, None, kind, text[start:]))
            i = start + 2


def _jinja_text(raw: str) -> str:
    """A tag as Jinja will see it after docxtpl's preprocessing."""
    text = re.sub(r"^\{([{%#])(?:tr|tc|p|r) ", r"{\1 ", raw)
    m = re.match(r"\{%-?\s*(colspan|cellbg)\s+(.*?)\s*-?%\}$", text, re.S)
    if m:
        text = "{{ " + m.group(2) + " }}"
    elif re.match(r"\{%-?\s*(vm|hm)\s*-?%\}$", text):
        text = ""
    for smart, plain in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        text = text.replace(smart, plain)
    return text


def _show(raw: str) -> str:
    return _shorten(raw, 70)


_BLOCKS = {"for", "if", "macro", "call", "filter", "with", "autoescape", "raw", "block", "trans"}
_MIDDLES = {"else": {"if", "for"}, "elif": {"if"}}
_CLOSING_PROBES = {
    "for": "{% for _x in _y %}",
    "if": "{% if _x %}",
    "macro": "{% macro _m() %}",
    "call": "{% call _m() %}",
    "filter": "{% filter upper %}",
    "with": "{% with %}",
    "autoescape": "{% autoescape true %}",
    "block": "{% block _b %}",
    "set": "{% set _x %}",
}
_ALL_TAG_NAMES = sorted(
    _BLOCKS
    | {"end" + b for b in _BLOCKS}
    | {"else", "elif", "set", "endset", "include", "import", "from", "extends", "print"}
)


def _statement(jinja: str) -> tuple[str, str]:
    """(tag name, rest) of a ``{% … %}`` tag."""
    body = jinja[2:-2].strip().strip("-+").strip()
    name, _, rest = body.partition(" ")
    if not re.match(r"^[A-Za-z_]\w*$", name):
        m = re.match(r"^([A-Za-z_]\w*)(.*)$", body, re.S)
        name, rest = (m.group(1), m.group(2)) if m else (body, "")
    return name, rest.strip()


def _is_block_set(rest: str) -> bool:
    return "=" not in rest
