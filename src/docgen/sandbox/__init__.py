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

from docgen.sandbox.environment import DocgenSandbox, make_environment
from docgen.sandbox.limits import DEFAULT_LIMITS, Limits, RunBudget, TemplateLimitError
from docgen.sandbox.rendering import render_docx, render_text, template_error

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
