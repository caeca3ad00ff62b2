"""The checks of one part: Jinja syntax, blocks that never close, tags Word split across runs,
and docxtpl's row/cell/paragraph tags used so that text is lost; then its variables."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateSyntaxError

from docgen.explain import jinja_words
from docgen.i18n import N_, _
from docgen.sandbox import DEFAULT_LIMITS
from docgen.templatecheck.paragraphs import (
    _clean,
    _Ctx,
    _fmt_difference,
    _Para,
    _PartReader,
    _shorten,
)
from docgen.templatecheck.problems import Known, Problem
from docgen.templatecheck.tags import (
    _ALL_TAG_NAMES,
    _BLOCKS,
    _CLOSERS,
    _CLOSING_PROBES,
    _MIDDLES,
    _OPENER_RE,
    _is_block_set,
    _jinja_text,
    _scan,
    _show,
    _statement,
    _Tag,
)
from docgen.templatecheck.variables import _NameChecker
from docgen.templatelimits import static_refusals


@dataclass
class _Line:
    """One line of the Jinja source docxtpl will build: a paragraph, or a collapsed row/cell."""

    para: _Para
    level: str  # "tr", "tc", "p" for a collapsed unit; "" for an ordinary paragraph
    tags: list[tuple[_Tag, str]] = field(default_factory=list)  # (tag as typed, as Jinja sees it)
    literals: list[str] = field(default_factory=list)  # text around the tags: len(tags) + 1

    def source(self, fixes: Mapping[int, str] | None = None) -> str:
        """The line as Jinja reads it; with ``fixes`` (tag id → replacement), a repaired copy."""
        out = []
        for literal, tagged in zip(self.literals, [*self.tags, None], strict=True):
            # Word never puts a newline inside a paragraph's text, but keep one line per unit.
            literal = re.sub(r"[\r\n]", " ", literal)
            out.append(_OPENER_RE.sub("( ", literal) if fixes is not None else literal)
            if tagged is not None:
                jinja = tagged[1].replace("\n", " ")
                out.append(fixes.get(id(tagged[0]), jinja) if fixes is not None else jinja)
        return "".join(out)


_LEVEL_PLACES = {
    "tr": N_("a later row of the same table"),
    "tc": N_("a later cell of the same row"),
    "p": N_("a paragraph of its own in the same place (same table cell, or outside tables)"),
    "r": N_("the same table cell (or outside tables, like the opening tag)"),
    "": N_("the same table cell (or outside tables, like the opening tag)"),
}


class _PartChecker:
    def __init__(
        self, template: Path, label: str, root: Any, known: Known, env: Environment
    ) -> None:
        self.template = template
        self.label = label
        self.env = env
        self.known = known
        reader = _PartReader(label)
        reader.walk(root, _Ctx(label, container=root))
        self.paras = reader.paras
        self.order = {id(p): i for i, p in enumerate(self.paras)}
        self.out: list[tuple[int, Problem]] = []
        self.syntax_trouble = False
        self.fixes: dict[int, str] = {}  # how to repair broken tags to go on checking names
        self.still_open: list[str] = []

    def report(self, para: _Para | None, message: str, *, syntax: bool = False) -> None:
        order = self.order[id(para)] if para is not None else -1
        self.out.append((order, Problem(self.template, para.loc if para else None, message)))
        self.syntax_trouble |= syntax

    def run(self) -> list[tuple[int, Problem]]:
        tags_by_para = {id(p): self.check_tags_in_paragraph(p) for p in self.paras}
        lines = self.build_lines(tags_by_para)
        source = "\n".join(line.source() for line in lines)
        try:
            ast = self.env.parse(source)
            broken = None
        except TemplateSyntaxError as exc:
            broken = exc
            # Tag by tag only when the whole fails, to say which tag is wrong: a tag that is
            # wrong alone is wrong in the whole, and the whole is what docxtpl renders.
            self.check_tag_syntax(lines)
        self.check_blocks(lines)
        if broken is not None:
            exc = broken
            if not self.syntax_trouble:
                line = lines[min(max((exc.lineno or 1) - 1, 0), len(lines) - 1)] if lines else None
                self.report(
                    line.para if line else None, _explain(exc.message or str(exc), ""), syntax=True
                )
            # Still look for unknown variables, in the template with its broken tags left out
            # and its open blocks closed, so that one run of the check lists every mistake.
            repaired = "\n".join(line.source(self.fixes) for line in lines)
            repaired += "".join("{% end" + name + " %}" for name in reversed(self.still_open))
            try:
                ast = self.env.parse(repaired)
            except TemplateSyntaxError:
                return self.out
        names = _NameChecker(self, lines, ast)
        names.run()
        # What the sandbox would stop while rendering, where the tree already shows it.
        limits = getattr(self.env, "limits", None)
        for node, needle, message in static_refusals(ast, limits or DEFAULT_LIMITS):
            # The sandbox's words, which its own messages embed: here each is a paragraph.
            message = message.rstrip(".") + "."
            names.report(node, needle, message.replace("{", "{{").replace("}", "}}"))
        exc = names.compile_error
        if exc is not None and not self.syntax_trouble and not names.unknown_callables:
            # What parsing leaves to compile time (a block defined twice, …).
            line = lines[min(max((exc.lineno or 1) - 1, 0), len(lines) - 1)] if lines else None
            self.report(line.para if line else None, _explain(exc.message or str(exc), ""))
        return self.out

    # 3. tags Word split -------------------------------------------------------------------

    def check_tags_in_paragraph(self, para: _Para) -> list[_Tag]:
        tags = _scan(para.text)
        for tag in tags:
            if tag.end is None:
                self.unclosed(para, tag)
                continue
            self.check_runs(para, tag)
        # A closer with no opener is usually the second half of a tag Enter broke in two.
        mask = list(para.text)
        for tag in tags:
            mask[tag.start : tag.end or len(mask)] = " " * ((tag.end or len(mask)) - tag.start)
        rest = "".join(mask)
        for m in re.finditer(r"\}\}|%\}", rest):
            if not self.continues_previous(para, m.start()):
                self.report(
                    para,
                    _(
                        "'{closer}' here closes no tag; the start of the tag is missing or "
                        "mistyped (expected '{{{{' or '{{%' before it)."
                    ).format(closer=m.group()),
                    syntax=True,
                )
        return [t for t in tags if t.end is not None]

    def unclosed(self, para: _Para, tag: _Tag) -> None:
        closer = _CLOSERS[tag.kind]
        index = self.order[id(para)]
        following = self.paras[index + 1 : index + 4]
        tail = para.text[tag.start :]
        for nxt in following:
            opener = _OPENER_RE.search(nxt.text)
            close = nxt.text.find(closer)
            if close >= 0 and (opener is None or close < opener.start()):
                whole = tail + " " + nxt.text[: close + 2]
                self.report(
                    para,
                    _(
                        "the tag {tag} starts in this paragraph and ends in a later one "
                        "({place}); Word broke it with Enter or a line break. Join it back into "
                        "one paragraph."
                    ).format(tag=_show(whole), place=nxt.loc),
                    syntax=True,
                )
                return
            if opener is not None:
                break
        self.report(
            para,
            _(
                "the tag {tag} is never closed; expected '{closer}' after it in the same paragraph."
            ).format(tag=_show(tail), closer=closer),
            syntax=True,
        )

    def continues_previous(self, para: _Para, pos: int) -> bool:
        index = self.order[id(para)]
        if index == 0 or _OPENER_RE.search(para.text[:pos]):
            return False
        for prev in reversed(self.paras[max(0, index - 3) : index]):
            tags = _scan(prev.text)
            if tags and tags[-1].end is None:
                return True
            if tags:
                return False
        return False

    def check_runs(self, para: _Para, tag: _Tag) -> None:
        assert tag.end is not None
        pieces = [p for p in para.pieces if p.start < tag.end and p.end > tag.start]
        runs = []
        for piece in pieces:
            if not runs or runs[-1].run is not piece.run:
                runs.append(piece)
        shown = _show(tag.raw)
        fmts = [p.fmt for p in runs]
        if len(set(fmts)) > 1:
            self.report(
                para,
                _(
                    "the tag {tag} is split across {count} runs with different formatting "
                    "({difference}); docxtpl keeps only the first part's formatting, so it will "
                    "not come out as intended. Retype it in one go (select it, delete, type "
                    "again) or select it and clear its formatting."
                ).format(tag=shown, count=len(runs), difference=_fmt_difference(fmts)),
            )
            return
        wraps = {p.wrap for p in pieces}
        if len(wraps) > 1:
            what = sorted({_(w) for wrap in wraps for w in wrap})
            self.report(
                para,
                _(
                    "the tag {tag} is only partly inside a {what}; docxtpl would break the "
                    "document there. Retype the tag outside it."
                ).format(tag=shown, what=" / ".join(what)),
            )
            return
        inside = sorted({_(what) for pos, what in para.breaks if tag.start < pos < tag.end})
        if inside:
            self.report(
                para,
                _(
                    "the tag {tag} is broken by {what} inside it; docxtpl would leave it "
                    "damaged. Remove it from inside the tag (or accept all tracked changes) and "
                    "retype the tag in one go."
                ).format(tag=shown, what=_(" and ").join(inside)),
            )

    # 4. docxtpl's row/cell/paragraph tags ----------------------------------------------------

    def build_lines(self, tags_by_para: dict[int, list[_Tag]]) -> list[_Line]:
        """Collapse rows, cells and paragraphs as docxtpl does, checking what would be lost."""
        owner: dict[int, tuple[str, _Para, _Tag]] = {}  # id(element) -> first tag of that level
        for para in self.paras:
            for tag in tags_by_para[id(para)]:
                level = tag.level
                if level == "tr" and para.row is None:
                    self.report(
                        para,
                        _(
                            "{tag} is a table-row tag but this paragraph is not in a table; use "
                            "{{% … %}} (or {{%p … %}} for a whole paragraph) here."
                        ).format(tag=_show(tag.raw)),
                        syntax=True,
                    )
                    continue
                if level == "tc" and para.cell is None:
                    self.report(
                        para,
                        _(
                            "{tag} is a table-cell tag but this paragraph is not in a table; use "
                            "{{% … %}} (or {{%p … %}} for a whole paragraph) here."
                        ).format(tag=_show(tag.raw)),
                        syntax=True,
                    )
                    continue
                element = {"tr": para.row, "tc": para.cell, "p": para.el}.get(level)
                if element is not None:
                    owner.setdefault(id(element), (level, para, tag))

        for level, para, tag in owner.values():
            members = self.members(level, para)
            leftover = []
            for member in members:
                text = member.text
                if member is para:
                    text = text[: tag.start] + text[tag.end or len(text) :]
                if text.strip():
                    leftover.append(_clean(text))
            if leftover:
                unit = {"tr": _("table row"), "tc": _("table cell"), "p": _("paragraph")}[level]
                lost = _shorten(" | ".join(leftover), 80)
                self.report(
                    para,
                    _(
                        "docxtpl replaces the whole {unit} holding {tag} by the tag, so the "
                        'other text in it is lost: "{lost}". Put the tag in a {unit} of its own.'
                    ).format(unit=unit, tag=_show(tag.raw), lost=lost),
                    syntax=any(_scan(t) for t in leftover),
                )

        lines: list[_Line] = []
        emitted: set[int] = set()
        for para in self.paras:
            hit = None
            for element in (*para.ctx.rows, *para.ctx.cells, para.el):
                if id(element) in owner:
                    hit = (element, owner[id(element)])
                    break
            if hit is None:
                line = _Line(para, "")
                last = 0
                for tag in tags_by_para[id(para)]:
                    line.literals.append(para.text[last : tag.start])
                    line.tags.append((tag, _jinja_text(tag.raw)))
                    last = tag.end or len(para.text)
                line.literals.append(para.text[last:])
                lines.append(line)
                continue
            element, (level, owner_para, tag) = hit
            if id(element) in emitted or owner_para is not para:
                continue
            emitted.add(id(element))
            lines.append(_Line(para, level, [(tag, _jinja_text(tag.raw))], ["", ""]))
        return lines

    def members(self, level: str, para: _Para) -> list[_Para]:
        if level == "p":
            return [para]
        element = para.row if level == "tr" else para.cell
        chain = "rows" if level == "tr" else "cells"
        return [p for p in self.paras if any(e is element for e in getattr(p.ctx, chain))]

    def scope_of(self, line: _Line, tag: _Tag) -> tuple[str, Any]:
        """Opening and closing tags of one block must agree on this (level, element)."""
        para = line.para
        level = line.level or tag.level
        if level == "tr":
            return level, para.table
        if level == "tc":
            return level, para.row
        return level, para.ctx.container

    # 1. syntax ---------------------------------------------------------------------------

    def check_tag_syntax(self, lines: list[_Line]) -> None:
        for line in lines:
            for tag, jinja in line.tags:
                if not jinja or tag.kind == "{#":
                    continue
                probe = jinja
                if tag.kind == "{%":
                    name, rest = _statement(jinja)
                    if name in _BLOCKS - {"raw", "trans"} or (
                        name == "set" and _is_block_set(rest)
                    ):
                        probe = jinja + "{% end" + name + " %}"
                    elif name in _MIDDLES:
                        probe = "{% if _x %}" + jinja + "{% endif %}"
                    elif name.startswith("end") and name[3:] in _CLOSING_PROBES:
                        probe = _CLOSING_PROBES[name[3:]] + jinja
                    elif name in ("raw", "endraw", "trans", "endtrans"):
                        continue
                try:
                    self.env.parse(probe)
                except TemplateSyntaxError as exc:
                    self.report(line.para, _explain(exc.message or str(exc), tag.raw), syntax=True)
                    # An opener keeps a stand-in so its closer still pairs in the repaired copy.
                    name = _statement(jinja)[0] if tag.kind == "{%" else ""
                    self.fixes[id(tag)] = _CLOSING_PROBES.get(name, "")

    def check_blocks(self, lines: list[_Line]) -> None:
        stack: list[tuple[str, _Line, _Tag]] = []
        for line in lines:
            for tag, jinja in line.tags:
                if tag.kind != "{%" or not jinja:
                    continue
                name, rest = _statement(jinja)
                if stack and stack[-1][0] == "raw" and name != "endraw":
                    continue
                if name in _BLOCKS or (name == "set" and _is_block_set(rest)):
                    stack.append((name, line, tag))
                elif name in _MIDDLES:
                    if stack and stack[-1][0] in _MIDDLES[name]:
                        self.same_place(stack[-1], line, tag)
                    else:
                        self.fixes[id(tag)] = ""
                        blocks = _(" or ").join("{% " + b + " %}" for b in sorted(_MIDDLES[name]))
                        self.report(
                            line.para,
                            _("{tag} is outside any {blocks} block.").format(
                                tag=_show(tag.raw), blocks=blocks
                            ),
                            syntax=True,
                        )
                elif name.startswith("end") and (name[3:] in _BLOCKS or name == "endset"):
                    opened = name[3:]
                    depth = next(
                        (i for i in range(len(stack) - 1, -1, -1) if stack[i][0] == opened), None
                    )
                    if depth is None:
                        self.fixes[id(tag)] = ""
                        self.report(
                            line.para,
                            _(
                                "{tag} closes a {{% {opened} %}} block that was never opened (or "
                                "was already closed)."
                            ).format(tag=_show(tag.raw), opened=opened),
                            syntax=True,
                        )
                        continue
                    for inner_name, inner_line, inner_tag in stack[depth + 1 :]:
                        where = (
                            _("later in this paragraph")
                            if inner_line.para is line.para
                            else _("in {place}").format(place=line.para.loc)
                        )
                        self.report(
                            inner_line.para,
                            _(
                                "the {tag} opened here is never closed; expected {closer} before "
                                "the {other} {where}."
                            ).format(
                                tag=_show(inner_tag.raw),
                                closer=_expected_closer(inner_name, inner_line, inner_tag),
                                other=_show(tag.raw),
                                where=where,
                            ),
                            syntax=True,
                        )
                    closers = "".join("{% end" + s[0] + " %}" for s in reversed(stack[depth + 1 :]))
                    self.fixes[id(tag)] = closers + self.fixes.get(id(tag), jinja)
                    self.same_place(stack[depth], line, tag)
                    del stack[depth:]
        self.still_open = [entry[0] for entry in stack]
        for name, line, tag in stack:
            self.report(
                line.para,
                _("the {tag} opened here is never closed with {closer}.").format(
                    tag=_show(tag.raw), closer=_expected_closer(name, line, tag)
                ),
                syntax=True,
            )

    def same_place(self, opening: tuple[str, _Line, _Tag], line: _Line, tag: _Tag) -> None:
        name, open_line, open_tag = opening
        want = self.scope_of(open_line, open_tag)
        got = self.scope_of(line, tag)
        if want[0] == got[0] and want[1] is got[1]:
            return
        level = want[0]
        prefix = level if level in ("tr", "tc", "p", "r") else ""
        if want[0] != got[0]:
            problem = _("{tag} (in {place}) is a different kind of tag").format(
                tag=_show(tag.raw), place=line.para.loc
            )
        else:
            problem = _("{tag} is in another place ({place})").format(
                tag=_show(tag.raw), place=line.para.loc
            )
        word = _statement(_jinja_text(tag.raw))[0]
        self.report(
            open_line.para,
            _(
                "the {tag} opened here is continued or closed by {problem}; docxtpl would "
                "produce a damaged document. Use {{%{prefix} {word} %}} in {place}."
            ).format(
                tag=_show(open_tag.raw),
                problem=problem,
                prefix=prefix,
                word=word,
                place=_(_LEVEL_PLACES[level]),
            ),
            syntax=True,
        )


def _expected_closer(name: str, line: _Line, tag: _Tag) -> str:
    level = line.level or tag.level
    prefix = level if level else ""
    place = _(_LEVEL_PLACES[level]) if level in ("tr", "tc") else ""
    closer = f"{{%{prefix} end{name} %}}"
    return _("{closer} in {place}").format(closer=closer, place=place) if place else closer


def _explain(message: str, raw: str) -> str:
    """A Jinja syntax message in a clerk's terms, with the tag it is about."""
    where = (
        _("the tag {tag} cannot be read").format(tag=_show(raw))
        if raw
        else _("Jinja cannot read the template")
    )
    hint = ""
    m = re.search(r"unknown tag '(\w+)'", message)
    if m:
        word = m.group(1)
        if word in ("tr", "tc", "p", "r"):
            hint = " " + _(
                "Write {{%{word} … %}} with no space between '{{%' and '{word}'."
            ).format(word=word)
        else:
            close = difflib.get_close_matches(word, _ALL_TAG_NAMES, n=1)
            hint = " " + _("Did you mean '{name}'?").format(name=close[0]) if close else ""
    elif "expected token 'end of print statement'" in message:
        hint = " " + _(
            "A variable name cannot contain spaces or punctuation: use letters, digits and "
            "'_' (for example nguoi_ky)."
        )
    elif "unexpected char" in message:
        hint = " " + _("Check for a stray character or a quote that is not closed.")
    return f"{where}: {jinja_words(message).rstrip('.')}.{hint}"
