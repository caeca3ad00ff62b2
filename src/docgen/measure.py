"""The printed width of a line of text, for the code that sizes or judges a layout.

Why a module of its own: the rule under the issuing body's name is a share of the name's
printed width (:class:`docgen.formats.IssuerRule`), so the context (which hands the templates
the rule's length) and ``docgen check`` (which judges a draft's rule) must both measure text —
with the same font files and substitutes as the PDF engine (Times New Roman → Liberation Serif,
metric-compatible), or the rule docgen draws and the rule the check accepts drift apart. The
font resolver is the PDF engine's :mod:`docgen.pdf.fonts`, which knows no DOCX and no meeting;
this one function is the only door to it from outside the engine, and reportlab is imported
only when something is measured (a DOCX-only build of a short name pays once, then the cache).
"""

from __future__ import annotations

from functools import lru_cache

MM = 72 / 25.4  # points per millimetre


@lru_cache(maxsize=512)
def text_width_mm(
    text: str, family: str, pt: float, *, bold: bool = False, italic: bool = False
) -> float:
    """Width of ``text`` set in ``family`` at ``pt`` points, as LibreOffice Writer lays it out."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from docgen.pdf.fonts import resolve_family

    face = resolve_family(family).measured_as_writer().face(bold=bold, italic=italic)
    return stringWidth(text, face, pt) / MM
