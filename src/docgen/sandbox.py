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

import contextvars
import functools
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, Template, nodes
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
    __slots__ = ("limits", "steps", "deadline")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.steps = 0
        self.deadline = time.monotonic() + limits.deadline

    def step(self) -> None:
        self.steps += 1
        if self.steps > self.limits.max_steps:
            raise TemplateLimitError(
                f"the template repeats too much work (more than {self.limits.max_steps:,} loop "
                "steps and calls); a loop inside a loop over a large range is the usual cause"
            )
        if time.monotonic() > self.deadline:
            raise TemplateLimitError(
                f"the template ran for more than {self.limits.deadline:g} seconds and was stopped"
            )


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "docgen_template_budget", default=None
)


def _budget(limits: Limits) -> _Budget:
    budget = _BUDGET.get()
    if budget is None:  # a compiled template called outside Template.render
        budget = _Budget(limits)
        _BUDGET.set(budget)
    return budget


def _check_size(value: Any, limits: Limits, what: str) -> Any:
    if isinstance(value, str | bytes | list | tuple | dict) and len(value) > limits.max_value:
        raise TemplateLimitError(
            f"{what} made a value of {len(value):,} characters or items "
            f"(the limit is {limits.max_value:,})"
        )
    return value


def _check_width(width: Any, limits: Limits, what: str) -> None:
    if isinstance(width, int) and not isinstance(width, bool) and width > limits.max_width:
        raise TemplateLimitError(
            f"{what} asks for a width of {width:,} (the limit is {limits.max_width:,})"
        )


_PERCENT_WIDTH = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_BRACE_WIDTH = re.compile(r"\{[^{}]*:[^{}]*?(\d+)")


def _check_format_string(text: Any, limits: Limits, what: str) -> None:
    if not isinstance(text, str):
        return
    for match in _PERCENT_WIDTH.finditer(text):
        for group in match.groups():
            if group == "*":
                raise TemplateLimitError(f"{what}: '*' widths are not allowed in templates")
            if group is not None:
                _check_width(int(group), limits, what)
    for match in _BRACE_WIDTH.finditer(text):
        _check_width(int(match.group(1)), limits, what)


# ---------------------------------------------------------------------------------------------
# Filters and globals
# ---------------------------------------------------------------------------------------------

#: Filters whose numeric arguments are widths or counts of things to make.
_WIDTH_FILTERS = {"center", "indent", "slice", "wordwrap"}


def _limited_filter(name: str, func: Callable[..., Any], limits: Limits) -> Callable[..., Any]:
    # Jinja marks filters that want the context/environment as their first argument; the
    # value filtered comes after it.
    skip = 2 if getattr(func, "jinja_pass_arg", None) else 1

    @functools.wraps(func)
    def limited(*args: Any, **kwargs: Any) -> Any:
        _budget(limits).step()
        params = [*args[skip:], *kwargs.values()]
        if name in _WIDTH_FILTERS:
            for param in params:
                _check_width(param, limits, f"the filter '{name}'")
        elif name == "format" and len(args) >= skip:
            _check_format_string(args[skip - 1], limits, "the filter 'format'")
        elif name == "join" and len(args) > skip and isinstance(args[skip], str):
            value = args[skip - 1]
            if hasattr(value, "__len__") and len(value) * len(args[skip]) > limits.max_value:
                raise TemplateLimitError("the filter 'join' would make too long a text")
        return _check_size(func(*args, **kwargs), limits, f"the filter '{name}'")

    return limited


class _LimitedNamespace(Namespace):
    """``namespace()`` whose stored values are measured: the one way a loop keeps state."""

    limits: Limits = DEFAULT_LIMITS

    def __setitem__(self, name: str, value: Any) -> None:
        _check_size(value, type(self).limits, f"setting namespace attribute '{name}'")
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


class _LimitedTemplate(Template):
    """A template whose ``render`` runs under a fresh budget and streams with a size cap.

    docxtpl calls ``env.from_string(xml).render(context)``; making this the environment's
    ``template_class`` is how its renders get the same limits.
    """

    def render(self, *args: Any, **kwargs: Any) -> str:
        env = self.environment
        limits: Limits = getattr(env, "limits", DEFAULT_LIMITS)
        token = _BUDGET.set(_Budget(limits))
        try:
            parts: list[str] = []
            size = 0
            for chunk in self.generate(*args, **kwargs):
                size += len(chunk)
                if size > limits.max_output:
                    raise TemplateLimitError(
                        f"the template produced more than {limits.max_output:,} characters"
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
                f"{_describe(node)} is not allowed: a docgen template is one self-contained "
                "file and cannot load another",
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

    def _range(self, *args: int) -> range:
        rng = range(*args)
        if len(rng) > self.limits.max_range:
            raise TemplateLimitError(
                f"range() of {len(rng):,} numbers is larger than the limit of "
                f"{self.limits.max_range:,}"
            )
        return rng

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        limits = __self.limits
        _budget(limits).step()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str) and getattr(__obj, "__name__", "") in _PADDING_METHODS:
            for param in (*args, *kwargs.values()):
                _check_width(param, limits, f"str.{__obj.__name__}()")
        result = super().call(__context, __obj, *args, **kwargs)
        return _check_size(result, limits, "a call")

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
                            f"repeating a value {count:,} times would make "
                            f"{len(seq) * count:,} characters or items "
                            f"(the limit is {limits.max_value:,})"
                        )
        elif operator_ == "**":
            if isinstance(left, int | float) and isinstance(right, int | float):
                if abs(right) > 64 and abs(left) > 1:
                    raise TemplateLimitError(f"{left} ** {right} is too large a number")
        elif operator_ == "%":
            _check_format_string(left, limits, "the % operator")
        result = super().call_binop(context, operator_, left, right)
        if isinstance(result, int) and result.bit_length() > 4096:
            raise TemplateLimitError("the template computed too large a number")
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
    options: dict[str, Any] = {"finalize": _protect_data} if autoescape else {}
    return DocgenSandbox(
        limits=limits,
        autoescape=autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        **options,
    )


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
        return str(exc.message).rstrip(".")
    if isinstance(exc, SecurityError):
        return (
            f"{str(exc).rstrip('.')}. Templates are data, not code: they may use the fields given to them, "
            "filters and loops, but not Python's internals"
        )
    if isinstance(exc, UndefinedError):
        return f"{str(exc.message).rstrip('.')} (check the spelling of the field name)"
    if isinstance(exc, RecursionError):
        return "a macro calls itself too deeply"
    if isinstance(exc, MemoryError):
        return "the template tried to build a value too large for memory"
    if isinstance(exc, TypeError) and "no loader" in str(exc):
        return "a template cannot load another template"
    return f"{type(exc).__name__}: {str(exc).rstrip('.')}"


def template_error(exc: BaseException, what: str, source: str | None = None) -> DocgenError:
    """Turn anything a template raised into a :class:`DocgenError` naming ``what`` and the line.

    ``source`` (the template text) lets the message quote the offending line, without XML tags.
    """
    line = getattr(exc, "lineno", None)
    if line is None:
        line = _template_line(exc)
    where = f"{what}, line {line}" if line else what
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
        quote = f"\n  near: {text[:160]}{'…' if len(text) > 160 else ''}"
    return DocgenError(f"{where}: the template was stopped — {_explain(exc)}.{quote}")


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
                f"{what}: the template declares a DOCTYPE or XML entities, which Word never "
                "writes; it is refused as unsafe. Save the template again from Word."
            )
        return original_fix_tables(xml)

    template.fix_tables = strict_fix_tables
    try:
        template.render(dict(context), jinja_env=env)
    except DocgenError:
        raise
    except etree.XMLSyntaxError as exc:
        raise DocgenError(
            f"{what}: the template produced text that is not valid Word XML ({exc}). A field "
            "marked '|safe' or a tag split across runs is the usual cause; remove '|safe' or "
            "retype the {{ … }} tag in one go."
        ) from None
    except Exception as exc:
        raise template_error(exc, what) from None
    finally:
        del template.fix_tables


__all__ = [
    "DEFAULT_LIMITS",
    "DocgenSandbox",
    "Limits",
    "TemplateLimitError",
    "make_environment",
    "render_docx",
    "render_text",
    "template_error",
]
