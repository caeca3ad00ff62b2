"""The XML namespaces of a Word package, defined once for every reader in docgen."""

from __future__ import annotations

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS = {"w": W, "r": R, "a": A, "pic": PIC, "wp": WP, "mc": MC}
"""Prefixes for XPath: ``el.xpath("w:r/w:t", namespaces=NS)``."""


def w(tag: str) -> str:
    """Clark name of a WordprocessingML tag: ``w("p")`` → ``{…main}p``."""
    return f"{{{W}}}{tag}"
