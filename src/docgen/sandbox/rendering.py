"""Rendering a template in the sandbox, every failure told as a located :class:`DocgenError`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jinja2.exceptions import (
    SecurityError,
    TemplateSyntaxError,
    UndefinedError,
)

from docgen.errors import DocgenError
from docgen.explain import jinja_words, library_reason, python_reason
from docgen.i18n import _
from docgen.sandbox.environment import DocgenSandbox, _template_line, make_environment
from docgen.sandbox.limits import DEFAULT_LIMITS, Limits, TemplateLimitError


def _explain(exc: BaseException) -> str:
    if isinstance(exc, TemplateLimitError):
        return str(exc).rstrip(".")
    if isinstance(exc, TemplateSyntaxError):
        return jinja_words(str(exc.message)).rstrip(".")
    if isinstance(exc, SecurityError):
        # Two sentences, so the message ends with a stop; the sentence it goes into has its own.
        return (
            _(
                "{reason}. Templates are data, not code: they may use the fields given to them, "
                "filters and loops, but not Python's internals."
            )
            .format(reason=jinja_words(str(exc)).rstrip("."))
            .rstrip(".")
        )
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
    return python_reason(exc)


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
