"""The one Jinja environment that template text is ever run in.

Templates are data a clerk edits, and templates travel between offices: they must not be able
to reach Python, nor hang or exhaust the machine. So every template — DOCX bodies via docxtpl,
certificate field expressions — is rendered by :func:`make_environment`'s environment:

* an :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment`: no attribute starting with ``_``
  (so no ``__class__``, ``__globals__``, ``__subclasses__``, ``cycler.__init__.__globals__``),
  no function internals, no ``str.format`` escape, and no in-place change of the lists and
  dicts handed to it;
* no loader, and ``{% import %}``, ``{% from %}``, ``{% include %}``, ``{% extends %}`` and
  recursive loops are refused when the template is parsed: a template cannot pull in another
  file, and cannot recurse;
* autoescape (the text lands in XML) and :class:`~jinja2.StrictUndefined` (a misspelt
  variable is an error, not a blank in a signed document);
* limits on work and size (:class:`Limits`).

Why a *step budget* rather than a wall-clock timeout as the main defence against a template
that "loops a billion times": a timeout needs something that interrupts running Python code,
and each way of doing that is worse here — ``signal.alarm`` works only in the main thread and
not on Windows, a watchdog thread cannot stop the rendering thread, and a subprocess per render
costs a fork and pickling of the context for every certificate. A budget is counted at the only
places a template can repeat work — each iteration of a ``{% for %}`` (every loop is rewritten
at parse time to iterate through a counter), each call (macros, methods, global functions) and
each filter — so it costs an integer increment, needs no thread or signal, and is
*deterministic*: the same template fails the same way on a fast and a slow machine, and a test
of it is never flaky. A wall-clock deadline is still checked at those same points as a
backstop (a loop whose every step does expensive but bounded work). Memory is bounded by size
checks where a small template can make a big value: ``range`` is capped, ``*``, ``**`` and
``%`` are intercepted, the padding methods and filters (``center``, ``ljust``, ``indent``, …)
and ``str.format`` widths are checked, values stored in a ``namespace`` and results of calls
are measured, and the output is streamed and cut off at :attr:`Limits.max_output`.

Every refusal is a :class:`~docgen.errors.DocgenError` naming the template and, when known,
the line; as rendering happens before :func:`docgen.outputs.transaction` commits, a stopped
template means no output at all.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, Template, Undefined, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import (
    SecurityError,
    TemplateError,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace
from markupsafe import Markup, escape

from docgen.errors import DocgenError
from docgen.explain import jinja_words, library_reason
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
    deadline: float = 30.0
    """Seconds of rendering after which the template is stopped anyway."""


DEFAULT_LIMITS = Limits()


class TemplateLimitError(SecurityError):
    """A template exceeded a :class:`Limits` bound or used a construct docgen forbids."""


# ---------------------------------------------------------------------------------------------
# The budget of the render in progress
# ---------------------------------------------------------------------------------------------


class _Budget:
    __slots__ = ("limits", "steps", "deadline", "parent", "what")

    def __init__(self, limits: Limits, parent: _Budget | None = None, what: str = "") -> None:
        self.limits = limits
        self.steps = 0
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


def _check_size(value: Any, limits: Limits, what: str) -> Any:
    if isinstance(value, str | bytes | list | tuple | dict) and len(value) > limits.max_value:
        raise TemplateLimitError(
            _(
                "{what} made a value of {size:,} characters or items (the limit is {limit:,})"
            ).format(what=what, size=len(value), limit=limits.max_value)
        )
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
                _check_size(gathered, budget.limits, "the filter 'sum'")
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
            value, type(self).limits, _("setting namespace attribute '{name}'").format(name=name)
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


# ---------------------------------------------------------------------------------------------
# The environment
# ---------------------------------------------------------------------------------------------


class _LimitedCodeGenerator(CodeGenerator):
    """Compiles ``a ~ b`` through the environment, where its size is checked before joining.

    Jinja compiles ``~`` straight to a join of its operands, which no sandbox hook sees: five
    levels of ``b = a ~ a ~ a ~ a ~ a`` grew a string ×5 each time past every other limit.
    """

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment._concat({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _LimitedTemplate(Template):
    """A template whose ``render`` runs under a fresh budget and streams with a size cap.

    docxtpl calls ``env.from_string(xml).render(context)``; making this the environment's
    ``template_class`` is how its renders get the same limits.
    """

    def render(self, *args: Any, **kwargs: Any) -> str:
        env = self.environment
        limits: Limits = getattr(env, "limits", DEFAULT_LIMITS)
        token = _BUDGET.set(_Budget(limits, _RUN_BUDGET.get()))
        try:
            parts: list[str] = []
            size = 0
            for chunk in self.generate(*args, **kwargs):
                size += len(chunk)
                if size > limits.max_output:
                    raise TemplateLimitError(
                        _("the template produced more than {limit:,} characters").format(
                            limit=limits.max_output
                        )
                    )
                parts.append(chunk)
            return "".join(parts)
        except TemplateError as exc:
            if getattr(exc, "lineno", None) is None:
                line = _template_line(exc)
                if line is not None:
                    exc.lineno = line  # type: ignore[attr-defined]  # docxtpl reads it
            raise
        finally:
            _BUDGET.reset(token)


class DocgenSandbox(ImmutableSandboxedEnvironment):
    """The sandbox with docgen's parse-time refusals and run-time limits."""

    template_class = _LimitedTemplate
    code_generator_class = _LimitedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    #: Compiled templates kept per environment, by source text (see :meth:`from_string`).
    compiled_cache_size = 32

    def __init__(self, *, limits: Limits = DEFAULT_LIMITS, **options: Any) -> None:
        super().__init__(**options)
        self.limits = limits
        self._compiled: OrderedDict[str, Template] = OrderedDict()
        self._compiled_lock = threading.Lock()
        self.globals.pop("lipsum", None)  # makes text of any length; no use in a document
        self.globals["range"] = self._range
        self.globals["namespace"] = _namespace_class(limits)
        for name, func in list(self.filters.items()):
            self.filters[name] = _limited_filter(name, func, limits)

    def from_string(
        self,
        source: str | nodes.Template,
        globals: Mapping[str, Any] | None = None,  # noqa: A002 - Jinja's own parameter name
        template_class: type[Template] | None = None,
    ) -> Template:
        """Compile ``source`` once per environment, however often it is rendered.

        Why: docxtpl calls ``from_string`` on a part's whole XML for every document it makes,
        and compiling is most of a render; the four decisions of a meeting share one template.
        Keyed by the exact source text, so an edited template is compiled afresh. A compiled
        template holds no state of a render (the step budget is per :meth:`Template.render`).
        """
        if globals or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        with self._compiled_lock:
            template = self._compiled.get(source)
            if template is not None:
                self._compiled.move_to_end(source)
                return template
        template = super().from_string(source)
        with self._compiled_lock:
            self._compiled[source] = template
            while len(self._compiled) > self.compiled_cache_size:
                self._compiled.popitem(last=False)
        return template

    # -- parse time ---------------------------------------------------------------------------

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for node in tree.find_all((nodes.Import, nodes.FromImport, nodes.Include, nodes.Extends)):
            raise TemplateSyntaxError(
                _(
                    "{tag} is not allowed: a docgen template is one self-contained file and "
                    "cannot load another"
                ).format(tag=_describe(node)),
                node.lineno,
                name,
                filename,
            )
        for loop in tree.find_all(nodes.For):
            if loop.recursive:
                raise TemplateSyntaxError(
                    "recursive loops are not allowed in docgen templates",
                    loop.lineno,
                    name,
                    filename,
                )
            # Every loop iterates through the budget counter: environment._budget_iter(iter).
            loop.iter = nodes.Call(
                nodes.EnvironmentAttribute("_budget_iter", lineno=loop.lineno),
                [loop.iter],
                [],
                None,
                None,
                lineno=loop.lineno,
            )
        return tree

    # -- run time -----------------------------------------------------------------------------

    def _budget_iter(self, iterable: Iterable[Any]) -> Iterator[Any]:
        budget = _budget(self.limits)
        for item in iterable:
            budget.step()
            yield item

    def _concat(self, join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
        _budget(self.limits).step()
        _check_join(list(parts), "", self.limits, _("the ~ operator"))
        return join(parts)

    def _range(self, *args: int) -> range:
        rng = range(*args)
        if len(rng) > self.limits.max_range:
            raise TemplateLimitError(
                _("range() of {count:,} numbers is larger than the limit of {limit:,}").format(
                    count=len(rng), limit=self.limits.max_range
                )
            )
        return rng

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        limits = __self.limits
        _budget(limits).step()
        owner = getattr(__obj, "__self__", None)
        method = getattr(__obj, "__name__", "")
        if isinstance(owner, str) and method in _PADDING_METHODS:
            for param in (*args, *kwargs.values()):
                _check_width(param, limits, f"str.{__obj.__name__}()")
        elif isinstance(owner, str) and method == "join" and len(args) == 1:
            items = list(args[0])
            _check_join(items, owner, limits, "str.join()")
            args = (items,)
        elif isinstance(owner, str) and method == "replace" and len(args) >= 2:
            count = args[2] if len(args) > 2 else kwargs.get("count")
            _check_replace(owner, args[0], args[1], count, limits, "str.replace()")
        result = super().call(__context, __obj, *args, **kwargs)
        return _check_size(result, limits, _("a call"))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        # Jinja >= 3.1.5 sandboxes str.format at attribute access rather than in call().
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        _check_format_string(value.__self__, self.limits, "str.format()")
        return wrapped

    def format_string(self, s: str, args: Any, kwargs: Any, format_func: Any = None) -> str:
        # Jinja < 3.1.5 routes str.format through here.
        _check_format_string(s, self.limits, "str.format()")
        return _check_size(
            super().format_string(s, args, kwargs, format_func), self.limits, "str.format()"
        )

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        limits = self.limits
        if operator_ == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(count, int):
                    if len(seq) * count > limits.max_value:
                        raise TemplateLimitError(
                            _(
                                "repeating a value {count:,} times would make {size:,} "
                                "characters or items (the limit is {limit:,})"
                            ).format(count=count, size=len(seq) * count, limit=limits.max_value)
                        )
        elif operator_ == "**":
            if isinstance(left, int | float) and isinstance(right, int | float):
                if abs(right) > 64 and abs(left) > 1:
                    raise TemplateLimitError(
                        _("{left} ** {right} is too large a number").format(left=left, right=right)
                    )
        elif operator_ == "%":
            _check_format_string(left, limits, "the % operator")
        elif operator_ == "+":
            if isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
                if len(left) + len(right) > limits.max_value:
                    raise TemplateLimitError(
                        _(
                            "the + operator would make a value of {size:,} characters or items "
                            "(the limit is {limit:,})"
                        ).format(size=len(left) + len(right), limit=limits.max_value)
                    )
        result = super().call_binop(context, operator_, left, right)
        if isinstance(result, int) and result.bit_length() > 4096:
            raise TemplateLimitError(_("the template computed too large a number"))
        return _check_size(result, limits, f"the {operator_} operator")


#: docxtpl turns these four back into ``{{``, ``}}``, ``{%``, ``%}`` in the *rendered* XML (they
#: are its escapes for literal braces in template text), so data holding them would be altered.
_DOCXTPL_ESCAPES = re.compile(r"\{_\{|\}_\}|\{_%|%_\}")


def _protect_data(value: Any) -> Any:
    """Escape a value for XML and hide docxtpl's brace escapes from its post-processing.

    The ``_`` of ``{_{`` in data becomes the character reference ``&#95;``: docxtpl's plain
    string replacement no longer sees the marker, and Word reads the same ``_`` back.
    """
    if isinstance(value, Markup):
        return value
    text = escape(value)
    if "_" in text and _DOCXTPL_ESCAPES.search(text):
        text = Markup(_DOCXTPL_ESCAPES.sub(lambda m: m.group().replace("_", "&#95;"), text))
    return text


def make_environment(*, autoescape: bool = True, limits: Limits = DEFAULT_LIMITS) -> DocgenSandbox:
    """A fresh sandboxed environment; ``autoescape=False`` only for text that is not markup.

    With autoescape (the DOCX environment) every printed value also goes through
    :func:`_protect_data`, so text docxtpl would rewrite after rendering reaches Word intact.
    """
    return DocgenSandbox(
        limits=limits,
        autoescape=autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        finalize=_finalize_markup if autoescape else _finalize_text,
    )


def _finalize_text(value: Any) -> Any:
    _reject_undefined(value)
    return value


def _finalize_markup(value: Any) -> Any:
    _reject_undefined(value)
    return _protect_data(value)


# ---------------------------------------------------------------------------------------------
# Rendering with docgen's errors
# ---------------------------------------------------------------------------------------------


def _template_line(exc: BaseException) -> int | None:
    # Jinja rewrites tracebacks so template frames carry the template's line numbers and its
    # file name (``<template>`` for a template made from a string).
    line = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename == "<template>" or filename.endswith((".xml", ".j2", ".jinja")):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _explain(exc: BaseException) -> str:
    if isinstance(exc, TemplateLimitError):
        return str(exc).rstrip(".")
    if isinstance(exc, TemplateSyntaxError):
        return jinja_words(str(exc.message)).rstrip(".")
    if isinstance(exc, SecurityError):
        return _(
            "{reason}. Templates are data, not code: they may use the fields given to them, "
            "filters and loops, but not Python's internals"
        ).format(reason=jinja_words(str(exc)).rstrip("."))
    if isinstance(exc, UndefinedError):
        return _("{reason} (check the spelling of the field name)").format(
            reason=jinja_words(str(exc.message)).rstrip(".")
        )
    if isinstance(exc, RecursionError):
        return _("a macro calls itself too deeply")
    if isinstance(exc, MemoryError):
        return _("the template tried to build a value too large for memory")
    if isinstance(exc, TypeError) and "no loader" in str(exc):
        return _("a template cannot load another template")
    return f"{type(exc).__name__}: {jinja_words(str(exc)).rstrip('.')}"


def template_error(exc: BaseException, what: str, source: str | None = None) -> DocgenError:
    """Turn anything a template raised into a :class:`DocgenError` naming ``what`` and the line.

    ``source`` (the template text) lets the message quote the offending line, without XML tags.
    """
    line = getattr(exc, "lineno", None)
    if line is None:
        line = _template_line(exc)
    where = _("{what}, line {line}").format(what=what, line=line) if line else what
    quote = ""
    lines: list[str] = []
    if source is not None and line:
        lines = source.splitlines()[max(line - 1, 0) : line]
    elif getattr(exc, "docx_context", None) is not None:
        lines = list(exc.docx_context)  # type: ignore[attr-defined]  # set by docxtpl
    if source is None or source.lstrip().startswith("<"):
        # Word XML: the clerk knows the words of the paragraph, not its tags.
        lines = [re.sub(r"<[^>]+>", "", part) for part in lines]
    text = " ".join(part.strip() for part in lines).strip()
    if text:
        quote = "\n  " + _("near: {text}").format(
            text=text[:160] + ("…" if len(text) > 160 else "")
        )
    error = DocgenError(
        _("{where}: the template was stopped — {reason}.").format(where=where, reason=_explain(exc))
        + quote
    )
    # Whether the paragraph is already quoted, so that a caller does not quote it again.
    error.quoted = bool(quote)  # type: ignore[attr-defined]
    return error


_TEXT_ENVIRONMENTS: dict[Limits, DocgenSandbox] = {}


def render_text(
    template_source: str,
    context: Mapping[str, Any],
    *,
    what: str,
    autoescape: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> str:
    """Render one short template (a certificate field) to plain text, or raise DocgenError.

    ``what`` names the template in messages: ``"templates/giay-khen.yaml, field 'reason'"``.
    Plain text by default: the caller puts the result into a document through python-docx or
    reportlab, which escape it themselves; escaping here as well would print ``&amp;``.
    """
    env = _TEXT_ENVIRONMENTS.get(limits) if not autoescape else None
    if env is None:
        env = make_environment(autoescape=autoescape, limits=limits)
        if not autoescape:
            _TEXT_ENVIRONMENTS[limits] = env
    try:
        return str(env.from_string(template_source).render(dict(context)))
    except DocgenError:
        raise
    except Exception as exc:  # anything a template does wrong is the template's author's to fix
        raise template_error(exc, what, template_source) from None


def render_docx(
    template: Any,
    context: Mapping[str, Any],
    *,
    what: str,
    env: DocgenSandbox | None = None,
) -> None:
    """Render a :class:`docxtpl.DocxTemplate` in place under the sandbox and its limits.

    Use this instead of ``template.render(context)``: docxtpl would otherwise build its own
    unsandboxed ``jinja2.Environment``. Errors, including XML the template made unreadable
    (``{{ x|safe }}`` with a stray ``<``), become a :class:`DocgenError` naming ``what`` and,
    for Jinja errors, the text near the offending line.
    """
    from lxml import etree

    from docgen.safezip import safe_parser

    env = env or make_environment()
    original_fix_tables = template.fix_tables

    def strict_fix_tables(xml: str) -> Any:
        # docxtpl parses the rendered body with lxml's recover=True, which silently drops
        # whatever it cannot read: text would vanish from the document without a word. The
        # strict parse refuses entities too (a DOCTYPE smuggled in through the template).
        data = xml.encode("utf-8") if isinstance(xml, str) else xml
        docinfo = etree.fromstring(data, safe_parser()).getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None:
            raise DocgenError(
                _(
                    "{what}: the template declares a DOCTYPE or XML entities, which Word never "
                    "writes; it is refused as unsafe. Save the template again from Word."
                ).format(what=what)
            )
        return original_fix_tables(xml)

    template.fix_tables = strict_fix_tables
    # docxtpl also runs the document properties (Title, Subject, …) as templates. They are not
    # template text — a clerk never sees them while editing, and an error there was located
    # "in a page header" — so they are left as they are (templates check reports tags there).
    template.render_properties = lambda *_args, **_kwargs: None
    try:
        template.render(dict(context), jinja_env=env)
    except DocgenError:
        raise
    except etree.XMLSyntaxError as exc:
        raise DocgenError(
            _(
                "{what}: the template produced text that is not valid Word XML ({reason}). A "
                "field marked '|safe' or a tag split across runs is the usual cause; remove "
                "'|safe' or retype the {{{{ … }}}} tag in one go."
            ).format(what=what, reason=library_reason(exc))
        ) from None
    except Exception as exc:
        raise template_error(exc, what) from None
    finally:
        del template.fix_tables
        del template.render_properties


__all__ = [
    "DEFAULT_LIMITS",
    "DocgenSandbox",
    "Limits",
    "RunBudget",
    "TemplateLimitError",
    "make_environment",
    "render_docx",
    "render_text",
    "template_error",
]
