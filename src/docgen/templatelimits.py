"""What the sandbox would stop at run time, found in a template's syntax tree beforehand.

``docgen templates check`` reads a template without rendering it (it has no meeting to render
it with), so limits enforced while rendering — Python internals, ``range(10**9)``, a string
repeated a billion times — would pass the check and stop the build. The constant cases are
visible in the tree: this module finds them with the same limits the sandbox uses
(:class:`docgen.sandbox.Limits`), so that the check and the build agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jinja2 import nodes
from lxml import etree

from docgen.i18n import _
from docgen.sandbox import DEFAULT_LIMITS, Limits

_MISSING = object()


def _constant(node: nodes.Node) -> Any:
    """The value of a constant integer or text expression, computed without risk; else _MISSING."""
    if isinstance(node, nodes.Const) and isinstance(node.value, int | str):
        return node.value
    if isinstance(node, nodes.Neg):
        value = _constant(node.node)
        return -value if isinstance(value, int) else _MISSING
    if isinstance(node, nodes.BinExpr):
        left, right = _constant(node.left), _constant(node.right)
        if not (isinstance(left, int) and isinstance(right, int)):
            return _MISSING
        if isinstance(node, nodes.Pow):
            if right < 0 or right * max(abs(left), 2).bit_length() > 4096:
                return _MISSING
            return left**right
        if isinstance(node, nodes.Mul):
            return left * right
        if isinstance(node, nodes.Add):
            return left + right
        if isinstance(node, nodes.Sub):
            return left - right
    return _MISSING


def _internal_name(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Getattr):
        return node.attr if node.attr.startswith("_") else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        value = node.arg.value
        return value if isinstance(value, str) and value.startswith("_") else None
    return None


def static_refusals(
    tree: nodes.Template, limits: Limits = DEFAULT_LIMITS
) -> Iterator[tuple[nodes.Node, str, str]]:
    """(node, the text to find in the tag, message) for each thing the sandbox would refuse."""
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        name = _internal_name(node)
        if name is not None:
            yield (
                node,
                name,
                _(
                    "'{name}' is not allowed: templates are data, not code; they may use the "
                    "fields given to them, filters and loops, but not Python's internals"
                ).format(name=name),
            )
    for node in tree.find_all(nodes.Call):
        if not (isinstance(node.node, nodes.Name) and node.node.name == "range") or node.kwargs:
            continue
        args = [_constant(arg) for arg in node.args]
        if not args or not all(isinstance(arg, int) for arg in args):
            continue
        try:
            count = len(range(*args))
        except (ValueError, OverflowError, TypeError):
            continue
        if count > limits.max_range:
            yield (
                node,
                "range",
                _("range() of {count:,} numbers is larger than the limit of {limit:,}").format(
                    count=count, limit=limits.max_range
                ),
            )
    for node in tree.find_all(nodes.Mul):
        left, right = _constant(node.left), _constant(node.right)
        for text, times in ((left, right), (right, left)):
            if isinstance(text, str) and isinstance(times, int):
                if len(text) * times > limits.max_value:
                    yield (
                        node,
                        "*",
                        _(
                            "repeating a text {times:,} times would make more than {limit:,} "
                            "characters"
                        ).format(times=times, limit=limits.max_value),
                    )
    for node in tree.find_all(nodes.Pow):
        left, right = _constant(node.left), _constant(node.right)
        if isinstance(left, int) and isinstance(right, int) and abs(right) > 64 and abs(left) > 1:
            yield (
                node,
                "**",
                _("{left} ** {right} is too large a number").format(left=left, right=right),
            )


#: The core properties as Word names them in File → Info → Properties.
_PROPERTY_LABELS = {
    "title": "Title",
    "subject": "Subject",
    "creator": "Author",
    "description": "Comments",
    "keywords": "Tags",
    "category": "Categories",
    "identifier": "Identifier",
    "language": "Language",
}


def property_problems(core: etree._Element | None) -> Iterator[tuple[str, str]]:
    """(where, message) for each document property holding a ``{{ … }}`` or ``{% … %}`` tag.

    docgen fills in the document's text, never its properties (File → Info): a tag there is
    printed as it stands in the made document's properties, so it is reported here.
    """
    if core is None:
        return
    for element in core:
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        text = element.text or ""
        if "{{" in text or "{%" in text:
            label = _PROPERTY_LABELS.get(name, name)
            yield (
                _("document properties"),
                _(
                    "the {label} property holds {text!r}, but docgen fills in the document's "
                    "text, not its properties, so the tag would stay as it is. Remove it in "
                    "Word: File → Info → Properties."
                ).format(label=label, text=text[:80]),
            )
