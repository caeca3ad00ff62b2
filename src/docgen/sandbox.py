"""The one Jinja environment that template text is ever run in.

Templates are data a clerk edits, and templates travel between offices: they must not be able
to reach Python. So every template — DOCX bodies via docxtpl, certificate field expressions —
is rendered in a :class:`~jinja2.sandbox.SandboxedEnvironment` with autoescape (the text lands
in XML) and :class:`~jinja2.StrictUndefined` (a misspelt variable is an error, not a blank in a
signed document).
"""

from __future__ import annotations

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment


def make_environment(*, autoescape: bool = True) -> SandboxedEnvironment:
    """A fresh sandboxed environment; ``autoescape=False`` only for text that is not markup."""
    return SandboxedEnvironment(
        autoescape=autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=False,
    )
