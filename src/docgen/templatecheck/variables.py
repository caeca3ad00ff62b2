"""Variables the document's context does not provide, and misspelt attributes of its sample
values, with "did you mean …?"."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.meta import find_undeclared_variables

from docgen.i18n import _
from docgen.templatecheck.tags import _show

if TYPE_CHECKING:
    from docgen.templatecheck.syntax import _Line, _PartChecker


class _Unknown:
    def __repr__(self) -> str:
        return "<unknown>"


_UNKNOWN: Any = _Unknown()
_LOOP_ATTRS = {
    "index", "index0", "revindex", "revindex0", "first", "last", "length", "cycle",
    "depth", "depth0", "previtem", "nextitem", "changed",
}  # fmt: skip


class _LoopSample:
    """Stands for Jinja's ``loop`` so that ``loop.idx`` is caught too."""


@dataclass
class _Alternatives:
    """Sample of a loop variable: any element of the sample list."""

    values: list[Any]


_SEQUENCE_FILTERS = {
    "sort",
    "reverse",
    "list",
    "unique",
    "selectattr",
    "rejectattr",
    "select",
    "reject",
}


def _attribute_names(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        return [k for k in value if isinstance(k, str)]
    if isinstance(value, _LoopSample):
        return sorted(_LOOP_ATTRS)
    if isinstance(value, _Alternatives):
        return sorted({n for v in value.values for n in _attribute_names(v)})
    return [n for n in dir(value) if not n.startswith("_")]


def _lookup(value: Any, key: Any) -> tuple[bool, Any]:
    """(found, sample of the result) for ``value.key`` / ``value[key]`` as Jinja resolves it."""
    if isinstance(value, _Alternatives):
        hits = [r for ok, r in (_lookup(v, key) for v in value.values) if ok]
        if not hits:
            return False, None
        return True, hits[0] if len(hits) == 1 else _Alternatives(hits)
    if isinstance(value, _LoopSample):
        return key in _LOOP_ATTRS, _UNKNOWN
    if isinstance(key, str) and key.startswith("_"):
        return True, _UNKNOWN  # the sandbox refuses these at render time; not a spelling matter
    if isinstance(value, Mapping):
        if key in value:
            return True, value[key]
        return (isinstance(key, str) and hasattr(value, key)), _UNKNOWN
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        if isinstance(key, int):
            return True, value[key] if -len(value) <= key < len(value) else _UNKNOWN
        return hasattr(value, str(key)), _UNKNOWN
    if isinstance(key, str):
        try:
            return True, getattr(value, key)
        except AttributeError:
            pass
        except Exception:  # a property that fails on sample data still exists
            return True, _UNKNOWN
    try:
        return True, value[key]
    except Exception:
        return False, None


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_dotted(node.node)}[{node.arg.value!r}]"
    return "the value"


def _suggest(word: str, candidates: Collection[str]) -> str:
    # The hint ends the sentence; a caller with no hint ends it with a full stop.
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return _("; did you mean '{name}'?").format(name=close[0]) if close else ""


class _Scope:
    def __init__(self, parent: _Scope | None = None) -> None:
        self.parent = parent
        self.names: dict[str, Any] = {}

    def find(self, name: str) -> tuple[bool, Any]:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.names:
                return True, scope.names[name]
            scope = scope.parent
        return False, None

    def all_names(self) -> set[str]:
        out: set[str] = set()
        scope: _Scope | None = self
        while scope is not None:
            out |= set(scope.names)
            scope = scope.parent
        return out


_SCOPE_NODES = (
    nodes.For,
    nodes.Macro,
    nodes.CallBlock,
    nodes.With,
    nodes.Scope,
    nodes.OverlayScope,
)


def _target_names(target: nodes.Node) -> list[str]:
    if isinstance(target, nodes.Name):
        return [target.name]
    if isinstance(target, nodes.Tuple):
        return [n for item in target.items for n in _target_names(item)]
    return []


def _declare(body: list[nodes.Node], scope: _Scope) -> None:
    """Names a scope assigns anywhere in it (``{% set %}``, macros, imports), not in sub-scopes."""
    for node in body:
        if isinstance(node, nodes.Assign | nodes.AssignBlock):
            for name in _target_names(node.target):
                scope.names.setdefault(name, _UNKNOWN)
        elif isinstance(node, nodes.Macro):
            scope.names.setdefault(node.name, _UNKNOWN)
        elif isinstance(node, nodes.Import):
            scope.names.setdefault(node.target, _UNKNOWN)
        elif isinstance(node, nodes.FromImport):
            for name in node.names:
                scope.names.setdefault(name[1] if isinstance(name, tuple) else name, _UNKNOWN)
        if not isinstance(node, _SCOPE_NODES):
            _declare(list(node.iter_child_nodes()), scope)


class _NameChecker:
    def __init__(self, part: _PartChecker, lines: list[_Line], ast: nodes.Template) -> None:
        self.part = part
        self.lines = lines
        self.ast = ast
        known = part.known
        self.samples: Mapping[str, object] | None = known if isinstance(known, Mapping) else None
        self.names: set[str] = set(known or ())
        self.env = part.env
        #: What Jinja's code generator refused (an unknown filter, a block defined twice): the
        #: analysis below runs the very generator a render's compile runs, so this is what
        #: compiling the template would raise.
        self.compile_error: TemplateSyntaxError | None = None
        try:
            self.undeclared: set[str] | None = find_undeclared_variables(ast)
        except TemplateSyntaxError as exc:  # an unknown filter stops Jinja's analysis; ours goes on
            self.undeclared = None
            self.compile_error = exc
        self.seen: set[tuple[int, str]] = set()
        self.unknown_callables = False

    def run(self) -> None:
        scope = _Scope()
        _declare(self.ast.body, scope)
        for node in self.ast.body:
            self.visit(node, scope)

    def report(self, node: nodes.Node, needle: str, message: str) -> None:
        index = min(max(node.lineno - 1, 0), len(self.lines) - 1)
        line = self.lines[index]
        if (index, message) in self.seen:
            return
        self.seen.add((index, message))
        tag = next(
            (t for t, jinja in line.tags if re.search(rf"(?<![\w.]){re.escape(needle)}\b", jinja)),
            None,
        ) or next((t for t, jinja in line.tags if needle in jinja), None)
        shown = _show(tag.raw) if tag else _("a tag")
        self.part.report(line.para, message.format(tag=shown))

    def visit(self, node: nodes.Node, scope: _Scope) -> Any:
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is not None:
            return method(node, scope)
        for child in node.iter_child_nodes():
            self.visit(child, scope)
        return _UNKNOWN

    # statements that open a scope

    def visit_For(self, node: nodes.For, scope: _Scope) -> Any:
        iterable = node.iter
        # docgen's sandbox counts loop steps: iter becomes environment._budget_iter(iter).
        if (
            isinstance(iterable, nodes.Call)
            and isinstance(iterable.node, nodes.EnvironmentAttribute)
            and len(iterable.args) == 1
        ):
            iterable = iterable.args[0]
        sample = self.visit(iterable, scope)
        inner = _Scope(scope)
        element = _UNKNOWN
        if isinstance(sample, Sequence) and not isinstance(sample, str | bytes) and sample:
            element = sample[0] if len(sample) == 1 else _Alternatives(list(sample))
        names = _target_names(node.target)
        for name in names:
            inner.names[name] = (
                element if len(names) == 1 and isinstance(node.target, nodes.Name) else _UNKNOWN
            )
        inner.names["loop"] = _LoopSample()
        _declare(node.body, inner)
        if node.test is not None:
            self.visit(node.test, inner)
        for child in node.body:
            self.visit(child, inner)
        for child in node.else_:
            self.visit(child, scope)
        return _UNKNOWN

    def _callable_scope(self, node: nodes.Macro | nodes.CallBlock, scope: _Scope) -> None:
        for default in node.defaults:
            self.visit(default, scope)
        inner = _Scope(scope)
        for arg in node.args:
            inner.names[arg.name] = _UNKNOWN
        for name in ("varargs", "kwargs", "caller"):
            inner.names[name] = _UNKNOWN
        _declare(node.body, inner)
        for child in node.body:
            self.visit(child, inner)

    def visit_Macro(self, node: nodes.Macro, scope: _Scope) -> Any:
        self._callable_scope(node, scope)
        return _UNKNOWN

    def visit_CallBlock(self, node: nodes.CallBlock, scope: _Scope) -> Any:
        self.visit(node.call, scope)
        self._callable_scope(node, scope)
        return _UNKNOWN

    def visit_With(self, node: nodes.With, scope: _Scope) -> Any:
        inner = _Scope(scope)
        for target, value in zip(node.targets, node.values, strict=False):
            sample = self.visit(value, scope)
            for name in _target_names(target):
                inner.names[name] = sample if isinstance(target, nodes.Name) else _UNKNOWN
        _declare(node.body, inner)
        for child in node.body:
            self.visit(child, inner)
        return _UNKNOWN

    def visit_Assign(self, node: nodes.Assign, scope: _Scope) -> Any:
        sample = self.visit(node.node, scope)
        if isinstance(node.target, nodes.Name):
            scope.names[node.target.name] = sample
        return _UNKNOWN

    # expressions: each returns a sample of its value, or _UNKNOWN

    def visit_Name(self, node: nodes.Name, scope: _Scope) -> Any:
        if node.ctx != "load" or self.part.known is None:
            return _UNKNOWN
        found, sample = scope.find(node.name)
        if found:
            return sample
        if node.name in self.names:
            return self.samples.get(node.name, _UNKNOWN) if self.samples is not None else _UNKNOWN
        if node.name in self.env.globals or (
            self.undeclared is not None and node.name not in self.undeclared
        ):
            return _UNKNOWN
        candidates = self.names | scope.all_names()
        hint = _suggest(node.name, candidates)
        if not hint and candidates:
            listed = sorted(candidates)
            hint = _("; this document provides {names}.").format(
                names=", ".join(listed[:12]) + (", …" if len(listed) > 12 else "")
            )
        self.report(
            node,
            node.name,
            _(
                "{tag} uses the variable '{name}', which this document does not provide{hint}"
            ).format(tag="{tag}", name=node.name, hint=hint or "."),
        )
        return _UNKNOWN

    def _member(self, base: Any, key: Any, node: nodes.Node, owner: nodes.Node) -> Any:
        if base is _UNKNOWN or base is None:
            return _UNKNOWN
        found, value = _lookup(base, key)
        if found:
            return value
        hint = _suggest(key, _attribute_names(base)) if isinstance(key, str) else ""
        self.report(
            node,
            str(key),
            _("{tag} asks for {key!r}, which {owner} does not have{hint}").format(
                tag="{tag}", key=key, owner=_dotted(owner), hint=hint or "."
            ),
        )
        return _UNKNOWN

    def visit_Getattr(self, node: nodes.Getattr, scope: _Scope) -> Any:
        base = self.visit(node.node, scope)
        return self._member(base, node.attr, node, node.node)

    def visit_Getitem(self, node: nodes.Getitem, scope: _Scope) -> Any:
        base = self.visit(node.node, scope)
        if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str | int):
            return self._member(base, node.arg.value, node, node.node)
        self.visit(node.arg, scope)
        return _UNKNOWN

    def _check_named(self, node: nodes.Filter | nodes.Test, scope: _Scope) -> Any:
        base = self.visit(node.node, scope) if node.node is not None else _UNKNOWN
        for child in (*node.args, *node.kwargs, node.dyn_args, node.dyn_kwargs):
            if child is not None:
                self.visit(child, scope)
        table = self.env.filters if isinstance(node, nodes.Filter) else self.env.tests
        if node.name not in table:
            self.unknown_callables = True
            message = (
                _("{tag} uses the unknown filter '{name}'{hint}")
                if isinstance(node, nodes.Filter)
                else _("{tag} uses the unknown test '{name}'{hint}")
            )
            hint = _suggest(node.name, table)
            self.report(
                node, node.name, message.format(tag="{tag}", name=node.name, hint=hint or ".")
            )
        return base

    def visit_Filter(self, node: nodes.Filter, scope: _Scope) -> Any:
        base = self._check_named(node, scope)
        return base if node.name in _SEQUENCE_FILTERS else _UNKNOWN

    def visit_Test(self, node: nodes.Test, scope: _Scope) -> Any:
        self._check_named(node, scope)
        return _UNKNOWN
