"""Drawing certificates with the reportlab canvas: one page per recipient, fast.

Why the canvas and not Platypus: a certificate is a dozen strings at fixed positions, and a
batch is thousands of pages. So each field's template is compiled once, every string is measured
with ``pdfmetrics.stringWidth`` (at 1 pt, scaled — widths are linear in the size), and what
is the same on every page of an award group (the frame, the titles, the decision, the signer)
is drawn once into a PDF form XObject that each page re-uses by reference. A page then costs
the recipient's own three or four strings.

Text never leaves its field's box: a line too wide is shrunk down to the field's ``min_size``
(``overflow: shrink``), or broken into at most ``max_lines`` balanced lines, shrinking as needed
(``overflow: wrap``); when even the smallest size does not fit, the text is condensed
horizontally to the box and a warning names the recipient and the field.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from docgen.certificates.layout import MM, FieldSpec, LoadedLayout, Mode
from docgen.errors import DocgenError
from docgen.explain import jinja_words
from docgen.i18n import _
from docgen.pdf.fonts import has_glyph, resolve_family
from docgen.pdf.images import BadImage, check_image
from docgen.sandbox import Limits, RunBudget

#: The work all field templates of one run may do together. The shipped layouts take no loop
#: step or call at all for 10,400 pages (fields are plain '{{ recipient.name }}' or drawn once
#: per group); two million steps is a looping field stopped after seconds, not hours.
RUN_LIMITS = Limits(max_steps=2_000_000, deadline=300.0)

Warn = Callable[[str], None]
Progress = Callable[[int], None]


@dataclass
class Fitted:
    """How a text is set in its box: lines, size, and each line's horizontal scale (%)."""

    lines: list[str]
    size: float
    scales: list[float]
    condensed: bool = False


@dataclass
class _Field:
    spec: FieldSpec
    template: jinja2.Template
    per_recipient: bool
    direct: str | None  # the recipient key when the text is just '{{ recipient.<key> }}'
    font: str  # registered reportlab font name
    color: Any
    x: float  # box left, points
    top: float  # mm of the first baseline from the top (offset applied by the canvas)
    width: float  # points


@dataclass
class _Layout:
    loaded: LoadedLayout
    size: tuple[float, float]
    fields: list[_Field]
    frame_color: Any = None
    background: Path | None = None


@dataclass
class Page:
    """One certificate to draw: the award group's shared context and the recipient's."""

    layout: LoadedLayout
    group_key: str
    shared: dict[str, Any]
    recipient: dict[str, Any]


class Measurer:
    """String widths at 1 pt, cached: award lists repeat units and positions endlessly."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], float] = {}

    def __call__(self, text: str, font: str) -> float:
        key = (text, font)
        width = self._cache.get(key)
        if width is None:
            if len(self._cache) > 200_000:  # a bound, not a tuning knob: 10k pages stay below
                self._cache.clear()
            width = self._cache[key] = pdfmetrics.stringWidth(text, font, 1.0)
        return width


def fit(text: str, spec: FieldSpec, font: str, box: float, measure: Measurer) -> Fitted:
    """Set ``text`` in a box ``box`` points wide following the field's overflow rule."""
    unit = measure(text, font)
    if spec.overflow == "shrink" or spec.max_lines == 1:
        if unit * spec.size <= box:
            return Fitted([text], spec.size, [100.0])
        size = math.floor(box / unit * 10) / 10
        if size >= spec.smallest:
            return Fitted([text], size, [100.0])
        size = spec.smallest
        return Fitted([text], size, [_scale(box, unit * size)], condensed=True)
    words = text.split(" ")
    widths = [measure(w, font) for w in words]
    space = measure(" ", font)
    size = spec.size
    while True:
        lines = _wrap(words, widths, space, box / size, spec.max_lines)
        if len(lines) <= spec.max_lines or size <= spec.smallest:
            break
        size = max(spec.smallest, math.floor(size * 0.95 * 10) / 10)
    condensed = False
    if len(lines) > spec.max_lines:
        head = lines[: spec.max_lines - 1]
        lines = [*head, " ".join(lines[spec.max_lines - 1 :])]
    scales = []
    for line in lines:
        width = measure(line, font) * size
        if width > box:
            scales.append(_scale(box, width))
            condensed = True
        else:
            scales.append(100.0)
    return Fitted(lines, size, scales, condensed)


def _scale(box: float, width: float) -> float:
    # Rounded down so the condensed line is never a hair wider than the box.
    return math.floor(box / width * 100 * 1000) / 1000


def _greedy(words: list[str], widths: list[float], space: float, limit: float) -> list[str]:
    lines: list[list[str]] = []
    current: list[str] = []
    used = 0.0
    for word, w in zip(words, widths, strict=True):
        if current and used + space + w > limit:
            lines.append(current)
            current, used = [word], w
        else:
            used += (space if current else 0.0) + w
            current.append(word)
    if current:
        lines.append(current)
    return [" ".join(line) for line in lines]


def _wrap(
    words: list[str], widths: list[float], space: float, limit: float, max_lines: int
) -> list[str]:
    """Greedy line breaks, then balanced: the narrowest limit giving as few lines.

    Centred titles broken greedily leave one long and one stub line; evening them out is what
    a typesetter does by hand.
    """
    lines = _greedy(words, widths, space, limit)
    if len(lines) <= 1 or len(lines) > max_lines:
        return lines
    lo, hi = max(widths), limit
    for _round in range(12):
        mid = (lo + hi) / 2
        if len(_greedy(words, widths, space, mid)) <= len(lines):
            hi = mid
        else:
            lo = mid
    return _greedy(words, widths, space, hi)


@contextmanager
def binary_streams() -> Iterator[None]:
    """Compressed PDF streams without the ASCII85 wrapping reportlab adds by default.

    Without reportlab's optional C accelerator, ASCII85 is encoded in pure Python and took
    over half the time of a 10,000-page batch; it only makes the file 25 % larger so that it
    survives 7-bit channels, which no PDF travels through today. ``rl_config`` is global, so
    the setting is restored on the way out.
    """
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


class Renderer:
    """Certificates for one run: fonts registered and templates compiled once."""

    def __init__(
        self,
        *,
        mode: Mode = "overlay",
        offset: tuple[float, float] = (0.0, 0.0),
        preview: bool = False,
        warn: Warn | None = None,
        page_compression: bool = True,
    ) -> None:
        self.mode = mode
        self.offset = offset
        self.preview = preview
        self.warn = warn or (lambda _message: None)
        self.page_compression = page_compression
        self.measure = Measurer()
        self._layouts: dict[int, _Layout] = {}
        self._colors: dict[str, Any] = {}
        self._condensed: dict[tuple[str, str], list[str]] = {}
        self._glyphs: dict[tuple[str, str], bool] = {}
        self._missing: dict[tuple[str, str, str], list[str]] = {}
        self._run = RunBudget(RUN_LIMITS, _("the certificate fields"))

    # -- preparation ---------------------------------------------------------------------------

    def _color(self, value: str) -> Any:
        c = self._colors.get(value)
        if c is None:
            c = self._colors[value] = colors.toColor(value)
        return c

    def prepare(self, layout: LoadedLayout) -> _Layout:
        prepared = self._layouts.get(id(layout))
        if prepared is not None:
            return prepared
        spec = layout.spec
        fields = []
        for f, template, per_recipient, direct in zip(
            spec.fields, layout.templates, layout.per_recipient, layout.direct, strict=True
        ):
            if self.mode not in f.modes:
                continue
            family = f.font or spec.font
            try:
                faces = resolve_family(family)
            except LookupError:
                raise DocgenError(
                    _(
                        "{file}: field {field!r} — no font found for {family!r}, and docgen's "
                        "own fonts (docgen/fonts) cannot be read; reinstall docgen."
                    ).format(file=layout.source, field=f.name, family=family)
                ) from None
            fields.append(
                _Field(
                    f,
                    template,
                    per_recipient,
                    direct,
                    faces.face(f.bold, f.italic),
                    self._color(f.color or spec.color),
                    f.x * MM,
                    f.y,
                    f.width * MM,
                )
            )
        background = None
        if self.preview and self.mode == "overlay":
            background = layout.background_path
            if background is not None:
                _check_background(layout, background)
        prepared = _Layout(layout, spec.page.points, fields, background=background)
        self._layouts[id(layout)] = prepared
        return prepared

    # -- drawing -------------------------------------------------------------------------------

    def _text(self, f: _Field, context: dict[str, Any], layout: LoadedLayout) -> str:
        if f.direct is not None:
            value = context["recipient"].get(f.direct)
            if isinstance(value, str):
                return " ".join(value.split())
        try:
            text = f.template.render(context)
        except jinja2.TemplateError as exc:
            who = context.get("recipient", {}).get("name", "")
            raise DocgenError(
                _("{file}: field {field!r} cannot be written for {who!r}: {reason}.").format(
                    file=layout.source,
                    field=f.spec.name,
                    who=who,
                    reason=jinja_words(str(exc)).rstrip("."),
                )
            ) from None
        # Templates join optional parts; collapse what empty parts leave behind.
        return " ".join(text.split())

    def _check_glyphs(self, f: _Field, text: str, who: str, layout: str) -> None:
        for ch in text:
            if ch.isspace():
                continue
            key = (f.font, ch)
            known = self._glyphs.get(key)
            if known is None:
                known = self._glyphs[key] = has_glyph(f.font, ch)
            if not known:
                self._missing.setdefault((layout, f.spec.name, ch), []).append(who)

    def _draw_field(
        self, c: Canvas, f: _Field, text: str, height: float, who: str, layout: str
    ) -> None:
        self._check_glyphs(f, text, who, layout)
        fitted = fit(text, f.spec, f.font, f.width, self.measure)
        if fitted.condensed:
            self._condensed.setdefault((layout, f.spec.name), []).append(who)
        leading = f.spec.leading * fitted.size
        baseline = height - f.top * MM
        c.setFillColor(f.color)
        for line, scale in zip(fitted.lines, fitted.scales, strict=True):
            width = self.measure(line, f.font) * fitted.size * scale / 100
            if f.spec.align == "left":
                x = f.x
            elif f.spec.align == "right":
                x = f.x + f.width - width
            else:
                x = f.x + (f.width - width) / 2
            t = c.beginText(x, baseline)
            t.setFont(f.font, fitted.size)
            if scale != 100.0:
                t.setHorizScale(scale)
            t.textOut(line)
            c.drawText(t)
            if f.spec.rule:
                c.setStrokeColor(f.color)
                c.setLineWidth(0.6)
                y = baseline - 0.3 * fitted.size
                c.line(x, y, x + width, y)
            baseline -= leading

    def _draw_decorations(self, c: Canvas, prepared: _Layout) -> None:
        spec = prepared.loaded.spec
        w, h = prepared.size
        if self.mode == "full" and spec.frame is not None:
            fr = spec.frame
            c.setStrokeColor(self._color(fr.color))
            c.setLineWidth(fr.width)
            inset = fr.inset * MM
            c.rect(inset, inset, w - 2 * inset, h - 2 * inset)
            if fr.inner_inset is not None:
                c.setStrokeColor(self._color(fr.inner_color or fr.color))
                c.setLineWidth(fr.inner_width)
                inset = fr.inner_inset * MM
                c.rect(inset, inset, w - 2 * inset, h - 2 * inset)
        for rule in spec.rules:
            if self.mode not in rule.modes:
                continue
            c.setStrokeColor(self._color(rule.color))
            c.setLineWidth(rule.width)
            c.line(rule.x1 * MM, h - rule.y1 * MM, rule.x2 * MM, h - rule.y2 * MM)

    def _shared_form(self, c: Canvas, prepared: _Layout, page: Page, name: str) -> None:
        """Draw what every page of the group has in common into the form ``name``."""
        w, h = prepared.size
        # Generous bounds: with an offset the form is drawn shifted, and must not be clipped.
        c.beginForm(name, -w, -h, 2 * w, 2 * h)
        self._draw_decorations(c, prepared)
        context = {**page.shared, "recipient": page.recipient}
        for f in prepared.fields:
            if not f.per_recipient:
                text = self._text(f, context, prepared.loaded)
                if text:
                    self._draw_field(c, f, text, h, page.group_key, prepared.loaded.name)
        c.endForm()

    def render(self, pages: Iterable[Page], progress: Progress | None = None) -> bytes:
        """All ``pages`` as one PDF.

        Every call of one renderer draws on the same budget of template work (the run's).
        """
        with binary_streams(), self._run.active():
            return self._render(pages, progress)

    def _render(self, pages: Iterable[Page], progress: Progress | None) -> bytes:
        buffer = io.BytesIO()
        c = Canvas(
            buffer,
            pageCompression=1 if self.page_compression else 0,
            invariant=1,  # same input, same bytes: the output manifest relies on it
        )
        c.setCreator("docgen")
        c.setTitle("Certificates")
        dx, dy = self.offset[0] * MM, -self.offset[1] * MM
        forms: dict[tuple[int, str], str] = {}
        images: dict[Path, str] = {}
        count = 0
        for page in pages:
            prepared = self.prepare(page.layout)
            w, h = prepared.size
            form_key = (id(page.layout), page.group_key)
            form = forms.get(form_key)
            if form is None:
                form = forms[form_key] = f"F{len(forms)}"
                self._shared_form(c, prepared, page, form)
            c.setPageSize((w, h))
            if prepared.background is not None:
                # The paper itself: never shifted by the printer offset.
                path = prepared.background
                if path not in images:
                    images[path] = str(path)
                c.drawImage(images[path], 0, 0, w, h)
            context = {**page.shared, "recipient": page.recipient}
            c.saveState()
            if dx or dy:
                c.translate(dx, dy)
            c.doForm(form)
            who = page.recipient.get("name", "")
            for f in prepared.fields:
                if f.per_recipient:
                    text = self._text(f, context, prepared.loaded)
                    if text:
                        self._draw_field(c, f, text, h, who, prepared.loaded.name)
            c.restoreState()
            c.showPage()
            count += 1
            if progress is not None:
                progress(1)
        if count == 0:
            raise DocgenError(_("there are no certificates to print (no recipients)."))
        c.save()
        self._report_condensed()
        self._report_missing_glyphs()
        return buffer.getvalue()

    def _report_condensed(self) -> None:
        for (layout, name), who in self._condensed.items():
            shown = ", ".join(who[:3])
            if len(who) > 3:
                shown += " " + _("and {count} more").format(count=len(who) - 3)
            self.warn(
                _(
                    "{file}: field {field!r} is too long even at its min_size and was condensed "
                    "to fit its box for {who}; check these pages, or give the field more width, "
                    "a smaller min_size or more max_lines."
                ).format(file=layout, field=name, who=shown)
            )
        self._condensed.clear()

    def _report_missing_glyphs(self) -> None:
        for (layout, name, ch), who in self._missing.items():
            shown = ", ".join(dict.fromkeys(who[:3]))
            if len(who) > 3:
                shown += _(" and {count} more").format(count=len(who) - 3)
            self.warn(
                _(
                    "{layout}: field {field!r} — the character U+{code:04X} {char_name} is not in "
                    "the field's font, so it prints as a blank (for {who}). Remove the character "
                    "or choose a font that has it."
                ).format(
                    layout=layout,
                    field=name,
                    code=ord(ch),
                    char_name=unicodedata.name(ch, "?"),
                    who=shown,
                )
            )
        self._missing.clear()


def _check_background(layout: LoadedLayout, path: Path) -> None:
    """The preview's background: a regular picture file that decodes, of a sane size."""
    from docgen.safezip import read_untrusted

    what = _("{layout}: background {path}").format(layout=layout.source, path=path)
    folder = (layout.path.parent if layout.path else Path(".")).resolve()
    if not path.resolve().is_relative_to(folder):
        raise DocgenError(
            _(
                "{what}: the image is outside the layout's folder (through a link); copy it "
                "beside the layout file."
            ).format(what=what)
        )
    data = read_untrusted(path, what=what, max_bytes=50 * 2**20)
    try:
        check_image(data)
    except BadImage as exc:
        raise DocgenError(
            _("{what}: {reason}. Give a scan of the blank stock saved as PNG or JPEG.").format(
                what=what, reason=exc
            )
        ) from None
