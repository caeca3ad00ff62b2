"""How much one render may do (:class:`Limits`), the step budget of the render in progress,
and the size checks and limited filters that keep a small template from making a big value."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import Undefined, nodes
from jinja2.exceptions import (
    SecurityError,
)
from jinja2.utils import Namespace

from docgen.i18n import _


@dataclass(frozen=True)
class Limits:
    """How much one render of one template may do. Generous for real documents.

    A real award list of a few hundred names runs a few thousand steps and renders well under
    a megabyte of XML; the limits are two to three orders of magnitude above that.
    """

    max_steps: int = 1_000_000
    """Loop iterations + calls + filter applications in one render."""
    max_range: int = 10_000
    """Largest ``range()`` a template may build."""
    max_value: int = 5_000_000
    """Largest string or list (characters / items) one operation may produce."""
    max_width: int = 10_000
    """Largest padding width (``center``, ``ljust``, ``indent``, ``%10s``, ``{:>10}``)."""
    max_output: int = 50_000_000
    """Characters a render may produce (a DOCX body's XML is rarely above 2 MB)."""
    max_made: int = 1_000_000_000
    """Bytes (estimated: a character 1, an item of a list 32) all the operations of one render
    may make together. Each value is bounded by ``max_value``, but a loop keeping many of them
    (in a namespace, a growing list) would hold gigabytes; counting what is made bounds memory
    without measuring it, and a text built up row by row for thousands of rows stays far
    below it."""
    deadline: float = 30.0
    """Seconds of rendering after which the template is stopped anyway."""


DEFAULT_LIMITS = Limits()


class TemplateLimitError(SecurityError):
    """A template exceeded a :class:`Limits` bound or used a construct docgen forbids."""


# ---------------------------------------------------------------------------------------------
# The budget of the render in progress
# ---------------------------------------------------------------------------------------------


class _Budget:
    __slots__ = ("limits", "steps", "made", "deadline", "parent", "what")

    def __init__(self, limits: Limits, parent: _Budget | None = None, what: str = "") -> None:
        self.limits = limits
        self.steps = 0
        self.made = 0
        self.deadline = time.monotonic() + limits.deadline
        self.parent = parent
        self.what = what

    def step(self) -> None:
        if self.parent is not None:
            self.parent.step()
        self.steps += 1
        if self.steps > self.limits.max_steps:
            if self.what:
                raise TemplateLimitError(
                    _(
                        "{what} together repeat too much work (more than {limit:,} loop steps "
                        "and calls in one run); a loop in a field is the usual cause"
                    ).format(what=self.what, limit=self.limits.max_steps)
                )
            raise TemplateLimitError(
                _(
                    "the template repeats too much work (more than {limit:,} loop steps and "
                    "calls); a loop inside a loop over a large range is the usual cause"
                ).format(limit=self.limits.max_steps)
            )
        if time.monotonic() > self.deadline:
            if self.what:
                raise TemplateLimitError(
                    _(
                        "{what} together ran for more than {seconds:g} seconds and were stopped"
                    ).format(what=self.what, seconds=self.limits.deadline)
                )
            raise TemplateLimitError(
                _("the template ran for more than {seconds:g} seconds and was stopped").format(
                    seconds=self.limits.deadline
                )
            )

    def make(self, size: int) -> None:
        """Count ``size`` characters or items made by one operation."""
        if self.parent is not None:
            self.parent.make(size)
        self.made += size
        if self.made > self.limits.max_made:
            raise TemplateLimitError(
                _(
                    "{what} made more than {limit:,} MB of texts and lists in all; a loop that "
                    "keeps building large texts or lists is the usual cause"
                ).format(what=self.what or _("the template"), limit=self.limits.max_made // 10**6)
            )


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "docgen_template_budget", default=None
)
_RUN_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "docgen_run_budget", default=None
)


class RunBudget:
    """One budget for many renders: a batch of certificates, not each field of each page.

    Per-render limits bound one template; a field that loops 900,000 times stays within them
    yet costs 0.3 s on every page, hours over thousands of recipients. Renders made while
    :meth:`active` is entered also count against this budget, which stops the whole run.
    """

    def __init__(self, limits: Limits, what: str) -> None:
        self.budget = _Budget(limits, what=what)

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        token = _RUN_BUDGET.set(self.budget)
        try:
            yield
        finally:
            _RUN_BUDGET.reset(token)


def _budget(limits: Limits) -> _Budget:
    budget = _BUDGET.get()
    if budget is None:  # a compiled template called outside Template.render
        budget = _Budget(limits)
        _BUDGET.set(budget)
    return budget


#: What one item of a list or dict costs, about: its pointer and, often, an object of its own.
_ITEM_BYTES = 32


def _check_size(value: Any, limits: Limits, what: str, *, made: bool = True) -> Any:
    """``value`` if it is within ``max_value``; ``made``: it is new and counts toward
    ``max_made`` (not for a partial result measured while it grows)."""
    if isinstance(value, str | bytes | list | tuple | dict):
        if len(value) > limits.max_value:
            raise TemplateLimitError(
                _(
                    "{what} made a value of {size:,} characters or items (the limit is {limit:,})"
                ).format(what=what, size=len(value), limit=limits.max_value)
            )
        budget = _BUDGET.get() if made else None
        if budget is not None:
            budget.make(len(value) * (1 if isinstance(value, str | bytes) else _ITEM_BYTES))
    return value


def _check_width(width: Any, limits: Limits, what: str) -> None:
    if isinstance(width, int) and not isinstance(width, bool) and width > limits.max_width:
        raise TemplateLimitError(
            _("{what} asks for a width of {width:,} (the limit is {limit:,})").format(
                what=what, width=width, limit=limits.max_width
            )
        )


_PERCENT_WIDTH = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_BRACE_WIDTH = re.compile(r"\{[^{}]*:[^{}]*?(\d+)")
#: ``{0:{1}}``: a width taken from an argument, which no check of the format string can see.
_NESTED_WIDTH = re.compile(r"(?<!\{)\{[^{}]*:[^{}]*\{")


def _check_format_string(text: Any, limits: Limits, what: str) -> None:
    if not isinstance(text, str):
        return
    for match in _PERCENT_WIDTH.finditer(text):
        for group in match.groups():
            if group == "*":
                raise TemplateLimitError(
                    _("{what}: '*' widths are not allowed in templates").format(what=what)
                )
            if group is not None:
                _check_width(int(group), limits, what)
    for match in _BRACE_WIDTH.finditer(text):
        _check_width(int(match.group(1)), limits, what)
    if _NESTED_WIDTH.search(text.replace("{{", "").replace("}}", "")):
        raise TemplateLimitError(
            _(
                "{what}: widths given as arguments ('{{0:{{1}}}}') are not allowed in templates"
            ).format(what=what)
        )


# ---------------------------------------------------------------------------------------------
# Filters and globals
# ---------------------------------------------------------------------------------------------

#: Filters whose numeric arguments are widths or counts of things to make.
_WIDTH_FILTERS = {"center", "indent", "slice", "wordwrap"}


def _text_length(value: Any) -> int:
    return len(value) if isinstance(value, str) else len(str(value))


def _check_join(items: list[Any], separator: Any, limits: Limits, what: str) -> None:
    """Refuse a join whose result would be too long, before it is made."""
    total = len(str(separator)) * max(len(items) - 1, 0)
    for item in items:
        total += _text_length(item)
        if total > limits.max_value:
            raise TemplateLimitError(
                _("{what} would make a text of more than {limit:,} characters").format(
                    what=what, limit=limits.max_value
                )
            )


def _check_replace(text: Any, old: Any, new: Any, count: Any, limits: Limits, what: str) -> None:
    """Refuse a replace whose result would be too long, before it is made."""
    text, old, new = str(text), str(old), str(new)
    found = len(text) + 1 if old == "" else text.count(old)
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    size = len(text) + found * (len(new) - len(old))
    if size > limits.max_value:
        raise TemplateLimitError(
            _("{what} would make a text of {size:,} characters (the limit is {limit:,})").format(
                what=what, size=size, limit=limits.max_value
            )
        )


def _fail_if_undefined(value: Any) -> Any:
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    return value


def _strict_items(iterator: Iterator[Any]) -> Iterator[Any]:
    for item in iterator:
        yield _fail_if_undefined(item)


def _strict_result(value: Any) -> Any:
    """Make an Undefined inside a filter's result an error, as it is everywhere else.

    ``reports|map(attribute='hear')`` yields an Undefined per item; printed as part of a list
    it reads "[Undefined, Undefined]" and StrictUndefined never fires. The filters' results
    are where such values are born, so they are checked there.
    """
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _fail_if_undefined(item)
    elif isinstance(value, Iterator) and not isinstance(value, str):
        return _strict_items(value)
    return value


def _reject_undefined(value: Any, depth: int = 0) -> None:
    """Printing a list or dict that holds an Undefined is the same mistake as printing it."""
    _fail_if_undefined(value)
    if depth > 4:
        return
    if isinstance(value, dict):
        value = value.values()
    if isinstance(value, list | tuple | set | frozenset | type({}.values())):
        for item in value:
            _reject_undefined(item, depth + 1)


def _limited_sum(budget_of: Callable[[], _Budget], func: Callable[..., Any]) -> Callable[..., Any]:
    """``sum`` that adds one item per budget step and measures every partial result.

    Python's ``sum`` over lists (``start=[]``) is quadratic and runs in C, where no deadline
    can reach it; adding the items one by one lets both the budget and the size limit stop it.
    """

    @functools.wraps(func)
    def limited_sum(environment: Any, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
        from jinja2.filters import make_attrgetter

        budget = budget_of()
        if attribute is not None:
            iterable = map(make_attrgetter(environment, attribute), iterable)
        if isinstance(start, list | tuple):
            # Sequences are gathered in one list (linear) rather than re-copied per item.
            gathered = list(start)
            for item in iterable:
                budget.step()
                if type(item) is not type(start):
                    raise TypeError(
                        f"can only concatenate {type(start).__name__} "
                        f"(not {type(item).__name__!r}) to {type(start).__name__}"
                    )
                gathered.extend(item)
                _check_size(gathered, budget.limits, "the filter 'sum'", made=False)
            return type(start)(gathered)
        total = start
        for item in iterable:
            budget.step()
            total = total + item
            _check_size(total, budget.limits, "the filter 'sum'")
        return total

    return limited_sum


def _limited_filter(name: str, func: Callable[..., Any], limits: Limits) -> Callable[..., Any]:
    # Jinja marks filters that want the context/environment as their first argument; the
    # value filtered comes after it.
    skip = 2 if getattr(func, "jinja_pass_arg", None) else 1
    if name == "sum":
        func = _limited_sum(lambda: _budget(limits), func)

    @functools.wraps(func)
    def limited(*args: Any, **kwargs: Any) -> Any:
        _budget(limits).step()
        params = [*args[skip:], *kwargs.values()]
        if name in _WIDTH_FILTERS:
            for param in params:
                _check_width(param, limits, _("the filter '{name}'").format(name=name))
        elif name == "format" and len(args) >= skip:
            _check_format_string(args[skip - 1], limits, "the filter 'format'")
        elif name == "join" and len(args) >= skip and "attribute" not in kwargs:
            items = list(args[skip - 1])
            separator = args[skip] if len(args) > skip else kwargs.get("d", "")
            _check_join(items, separator, limits, _("the filter 'join'"))
            args = (*args[: skip - 1], items, *args[skip:])
        elif name == "replace" and len(args) >= skip + 2:
            count = args[skip + 2] if len(args) > skip + 2 else kwargs.get("count")
            _check_replace(
                args[skip - 1], args[skip], args[skip + 1], count, limits, _("the filter 'replace'")
            )
        result = _check_size(func(*args, **kwargs), limits, f"the filter '{name}'")
        return _strict_result(result)

    return limited


class _LimitedNamespace(Namespace):
    """``namespace()`` whose stored values are measured: the one way a loop keeps state."""

    limits: Limits = DEFAULT_LIMITS

    def __setitem__(self, name: str, value: Any) -> None:
        _check_size(
            value,
            type(self).limits,
            _("setting namespace attribute '{name}'").format(name=name),
            made=False,  # made (and counted) by the expression that computed it
        )
        super().__setitem__(name, value)


def _namespace_class(limits: Limits) -> type[Namespace]:
    return type("namespace", (_LimitedNamespace,), {"limits": limits})


#: String methods that pad: their integer argument is a width.
_PADDING_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs"}


def _describe(node: nodes.Node) -> str:
    return {
        nodes.Import: "{% import %}",
        nodes.FromImport: "{% from … import %}",
        nodes.Include: "{% include %}",
        nodes.Extends: "{% extends %}",
    }.get(type(node), type(node).__name__)
