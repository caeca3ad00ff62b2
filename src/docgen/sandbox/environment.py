"""The sandboxed Jinja environment itself: loops and ``~`` compiled through the budget, calls
and attribute access checked, printed values escaped for docxtpl."""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import jinja2
from jinja2 import StrictUndefined, Template, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import (
    TemplateError,
    TemplateSyntaxError,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from docgen.i18n import _
from docgen.sandbox.limits import (
    _BUDGET,
    _PADDING_METHODS,
    _RUN_BUDGET,
    DEFAULT_LIMITS,
    Limits,
    TemplateLimitError,
    _Budget,
    _budget,
    _check_format_string,
    _check_join,
    _check_replace,
    _check_size,
    _check_width,
    _describe,
    _limited_filter,
    _namespace_class,
    _reject_undefined,
)


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
        template = self.template_class.from_code(
            self, self._compiled_code(source), self.make_globals(None), None
        )
        with self._compiled_lock:
            self._compiled[source] = template
            while len(self._compiled) > self.compiled_cache_size:
                self._compiled.popitem(last=False)
        return template

    def _compiled_code(self, source: str) -> Any:
        """Jinja's compiled code for ``source``, from docgen's cache when an earlier process
        compiled the same text with an environment of the same settings (:mod:`docgen.cache`).

        Only code this sandbox generated is ever kept — the parse-time refusals and the loop
        rewriting are in it — and a failed compile raises as before, keeping nothing.
        """
        import marshal

        from docgen import cache

        settings = self._settings_key
        if settings is None:
            return self.compile(source)
        key = settings + source.encode("utf-8", "surrogatepass")
        kept = cache.get("jinja", key)
        if kept is not None:
            try:
                return marshal.loads(kept)  # noqa: S302 - our own entry, see docgen.cache
            except (EOFError, ValueError, TypeError):
                pass
        code = self.compile(source)
        cache.put("jinja", key, marshal.dumps(code))
        return code

    @functools.cached_property
    def _settings_key(self) -> bytes | None:
        """What, besides the text, decides the code Jinja generates for this environment.

        None when a setting cannot be named the same way in another process (a function as
        ``autoescape``): such an environment compiles afresh.
        """
        if not isinstance(self.autoescape, bool):
            return None
        settings = (
            jinja2.__version__,
            type(self).__qualname__,
            type(self).code_generator_class.__qualname__,
            self.autoescape,
            getattr(self.finalize, "__qualname__", None),
            self.optimized,
            sorted(self.intercepted_binops),
            sorted(self.intercepted_unops),
            self.block_start_string,
            self.block_end_string,
            self.variable_start_string,
            self.variable_end_string,
            self.comment_start_string,
            self.comment_end_string,
            self.line_statement_prefix,
            self.line_comment_prefix,
            self.trim_blocks,
            self.lstrip_blocks,
            self.newline_sequence,
            self.keep_trailing_newline,
            sorted(self.extensions),
            repr(self.limits),
        )
        return repr(settings).encode() + b"\0"

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
        return _check_size(join(parts), self.limits, _("the ~ operator"))

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
