"""Certificate layouts: one small YAML file per kind of certificate, edited by a clerk.

A layout says where each piece of text goes on the sheet, measured in millimetres from the
top-left corner of the paper as one measures with a ruler, with ``y`` the *baseline* of the text
(the line the letters sit on, which is what the dotted lines of pre-printed stock mark). Each
field's text is a Jinja template over ``recipient``, ``award``, ``meeting`` and ``issuer``, run
in the sandbox. Layout files are checked like meeting files: every problem is reported with
its line, and template mistakes (syntax, unknown names, misspelt attributes) are found when the
layout is loaded, not on page 3,000 of a batch.
"""

from __future__ import annotations

import re
from difflib import get_close_matches
from functools import lru_cache
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Annotated, Any

import jinja2
import jinja2.meta
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from reportlab.lib import colors
from reportlab.lib.pagesizes import A3, A4, A5

from docgen import fieldnames, templates_dir
from docgen.certificates import LAYOUT_FOR_FORM, MODES, Mode
from docgen.errors import DocgenError
from docgen.explain import jinja_words
from docgen.i18n import _
from docgen.loader import (
    FieldPath,
    parse_yaml,
    raise_located,
    read_text_file,
    validate_located,
)
from docgen.model import choice
from docgen.sandbox import make_environment
from docgen.vietnamese import (
    capitalize_first,
    format_date,
    format_date_short,
    lower_first,
    place_date_line,
    upper,
)

MM = 72 / 25.4  # points per millimetre

#: The names a field's template can use.
CONTEXT_NAMES = ("recipient", "award", "meeting", "issuer")


_PAGE_SIZES = {"A3": A3, "A4": A4, "A5": A5}


def _check_color(value: str) -> str:
    try:
        colors.toColor(value)
    except ValueError:
        raise ValueError(
            _(
                "{value!r} is not a colour; write #RRGGBB (e.g. #C8102E for red) or a name such "
                "as black, red, darkred, navy"
            ).format(value=value)
        ) from None
    return value


Color = Annotated[str, AfterValidator(_check_color)]


class Spec(BaseModel):
    # nan and inf would pass "ge=0" checks as written and reach the PDF as "nan" operators.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Page(Spec):
    size: choice("A3", "A4", "A5") = "A3"  # type: ignore[valid-type]
    orientation: choice("landscape", "portrait") = "landscape"  # type: ignore[valid-type]
    width: float | None = Field(None, gt=0, le=1200, description="mm; overrides size.")
    height: float | None = Field(None, gt=0, le=1200, description="mm; overrides size.")

    @property
    def points(self) -> tuple[float, float]:
        """(width, height) in points."""
        w, h = _PAGE_SIZES[self.size]
        if self.orientation == "landscape":
            w, h = max(w, h), min(w, h)
        if self.width is not None:
            w = self.width * MM
        if self.height is not None:
            h = self.height * MM
        return w, h


class FieldSpec(Spec):
    """One piece of text: where it goes, how it looks, what to do when it is too long."""

    name: str = Field(min_length=1, description="A name for messages and the calibration sheet.")
    text: str = Field(description="Jinja template: 'Quyết định số {{ award.decision_number }}'.")
    x: float = Field(ge=0, description="Left edge of the field's box, mm from the paper's left.")
    y: float = Field(ge=0, description="Baseline of the first line, mm from the paper's top.")
    width: float = Field(gt=0, description="Width of the box in mm; text never leaves it.")
    align: choice("left", "center", "right") = "center"  # type: ignore[valid-type]
    font: str | None = Field(None, description="Font family; defaults to the layout's.")
    size: float = Field(gt=0, le=300, description="Font size in points.")
    bold: bool = False
    italic: bool = False
    color: Color | None = None
    overflow: choice("shrink", "wrap") = "shrink"  # type: ignore[valid-type]
    min_size: float | None = Field(None, gt=0, description="Smallest size when shrinking.")
    max_lines: int = Field(1, ge=1, le=20, description="Lines allowed with overflow: wrap.")
    leading: float = Field(1.25, ge=0.8, le=3, description="Line distance ÷ font size.")
    rule: bool = Field(False, description="Underline the text with a rule as long as it.")
    modes: list[Mode] = Field(default_factory=lambda: list(MODES), min_length=1)

    @model_validator(mode="after")
    def _sizes(self) -> FieldSpec:
        if self.min_size is not None and self.min_size > self.size:
            raise ValueError(
                _(
                    "the smallest size (min_size: {min_size:g}) is larger than the size "
                    "(size: {size:g}); make min_size smaller"
                ).format(min_size=self.min_size, size=self.size)
            )
        if self.overflow == "shrink" and self.max_lines != 1:
            raise ValueError(
                _(
                    "more than one line (max_lines: {lines}) needs 'overflow: wrap'; with "
                    "'overflow: shrink' the text stays on one line"
                ).format(lines=self.max_lines)
            )
        return self

    @property
    def smallest(self) -> float:
        # Below about 60 % a line no longer reads as the same line; the clerk can go lower.
        return self.min_size if self.min_size is not None else round(self.size * 0.6, 1)


class Frame(Spec):
    """The border of a certificate printed in full (never in overlay mode)."""

    inset: float = Field(8, ge=0, description="mm from the paper's edge to the outer line.")
    width: float = Field(4, gt=0, description="Outer line width in points.")
    color: Color = "#B8860B"
    inner_inset: float | None = Field(12, ge=0)
    inner_width: float = Field(1.2, gt=0)
    inner_color: Color | None = None


class Rule(Spec):
    """A straight line, from (x1, y1) to (x2, y2) in mm."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float = Field(0.8, gt=0)
    color: Color = "#000000"
    modes: list[Mode] = Field(default_factory=lambda: ["full"], min_length=1)


class Layout(Spec):
    """One layout file."""

    description: str | None = None
    page: Page = Page()
    font: str = "Times New Roman"
    color: Color = "#000000"
    background: str | None = Field(
        None, description="Image of the blank stock, relative to this file; drawn by --preview."
    )
    frame: Frame | None = None
    rules: list[Rule] = Field(default_factory=list)
    fields: list[FieldSpec] = Field(min_length=1)


def field_names() -> dict[str, str]:
    """What each key of a layout is called in messages (the rule: :mod:`docgen.fieldnames`)."""
    return {
        "description": _("Description"),
        "page": _("Page"),
        "Page.size": _("Paper size"),
        "orientation": _("Orientation"),
        "Page.width": _("Paper width"),
        "Page.height": _("Paper height"),
        "font": _("Font"),
        "color": _("Text colour"),
        "background": _("Image of the blank stock"),
        "frame": _("Frame"),
        "inset": _("Outer line, distance from the paper's edge"),
        "Frame.width": _("Outer line, thickness"),
        "Frame.color": _("Outer line, colour"),
        "inner_inset": _("Inner line, distance from the paper's edge"),
        "inner_width": _("Inner line, thickness"),
        "inner_color": _("Inner line, colour"),
        "rules": _("Straight lines"),
        "x1": _("Start, from the left edge"),
        "y1": _("Start, from the top edge"),
        "x2": _("End, from the left edge"),
        "y2": _("End, from the top edge"),
        "Rule.width": _("Line thickness"),
        "Rule.color": _("Line colour"),
        "modes": _("Printed in the modes"),
        "fields": _("Printed fields"),
        "name": _("Name of the field"),
        "text": _("Text"),
        "x": _("Left edge of the box"),
        "y": _("Baseline"),
        "FieldSpec.width": _("Width of the box"),
        "align": _("Alignment"),
        "FieldSpec.size": _("Font size"),
        "bold": _("Bold"),
        "italic": _("Italic"),
        "overflow": _("When the text is too long"),
        "min_size": _("Smallest font size"),
        "max_lines": _("Most lines"),
        "leading": _("Line spacing"),
        "rule": _("Underlined"),
    }


fieldnames.register(Layout, field_names)


_DIRECT = re.compile(r"\{\{\s*recipient\.([a-z_]+)\s*\}\}")


class LoadedLayout:
    """A validated layout with its source file and its templates compiled once."""

    def __init__(self, spec: Layout, source: str, path: Path | None) -> None:
        self.spec = spec
        self.source = source
        self.path = path
        env = environment()
        self.templates = [env.from_string(f.text) for f in spec.fields]
        # A field that does not mention the recipient is the same on every page of an award
        # group; the renderer draws it once per group into a reusable PDF form.
        self.per_recipient = [
            "recipient" in jinja2.meta.find_undeclared_variables(env.parse(f.text))
            for f in spec.fields
        ]
        # '{{ recipient.name }}' is most of the work of a batch; looked up directly it skips a
        # template call per page (the same text: a key of a plain dict, checked on load).
        self.direct = [
            m.group(1) if (m := _DIRECT.fullmatch(f.text)) else None for f in spec.fields
        ]

    @property
    def name(self) -> str:
        return self.path.stem if self.path else self.source

    @property
    def background_path(self) -> Path | None:
        if not self.spec.background:
            return None
        base = self.path.parent if self.path else Path(".")
        # Checked on load (_layout_problems): relative, inside the layout's folder.
        return base / self.spec.background


#: Text helpers a template can call (``upper(x)``) or pipe into (``x | upper``).
HELPERS = {
    "upper": upper,
    "capitalize_first": capitalize_first,
    "lower_first": lower_first,
    "format_date": format_date,
    "format_date_short": format_date_short,
    "place_date_line": place_date_line,
}


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The sandboxed environment of field templates, with the Vietnamese text helpers."""
    env = make_environment(autoescape=False)
    env.globals.update(HELPERS)
    # ``| upper`` must be the Vietnamese one (NFC in and out), not str.upper.
    env.filters.update(HELPERS)
    return env


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def builtin_dir() -> Path:
    """The layouts shipped with docgen, beside the built-in DOCX templates."""
    return templates_dir.builtin_dir() / "certificates"


def layout_path(form: str, layouts_dir: Path | None = None) -> Path:
    """The layout file for an award form, looked up in ``layouts_dir`` first."""
    stem = LAYOUT_FOR_FORM[form]
    if layouts_dir is not None and not Path(layouts_dir).is_dir():
        # Falling back to the built-in layouts here would print on the wrong stock.
        raise DocgenError(
            _(
                "--layouts {folder}: no such folder. Give the folder that holds your "
                "bang-khen.yaml / giay-khen.yaml, or leave --layouts out to use the built-in "
                "layouts."
            ).format(folder=layouts_dir)
        )
    for folder in (layouts_dir, builtin_dir()):
        if folder is not None and (folder / f"{stem}.yaml").is_file():
            return folder / f"{stem}.yaml"
    if layouts_dir:
        message = _("no certificate layout {file} for {form} in {folder} nor in {builtin}.")
    else:
        message = _("no certificate layout {file} for {form} in {builtin}.")
    raise DocgenError(
        message.format(file=f"{stem}.yaml", form=form, folder=layouts_dir, builtin=builtin_dir())
    )


def load_layout(path: str | Path) -> LoadedLayout:
    """Read and check a layout file; raise :class:`DocgenError` with every located problem."""
    path = Path(path)
    text = read_text_file(path, _("the layout's .yaml file"))
    return parse_layout(text, str(path), path)


def parse_layout(text: str, source: str = "<layout>", path: Path | None = None) -> LoadedLayout:
    data, values, keys = parse_yaml(text, source, root=Layout)
    if not isinstance(data, dict):
        raise DocgenError(
            _("{file}, line {line}: a layout is a block of keys: page, font, fields …").format(
                file=source, line=1
            )
        )
    spec = validate_located(Layout, data, values, keys, source)
    raise_located(source, values, _layout_problems(spec), root=Layout)
    layout = LoadedLayout(spec, source, path)
    raise_located(source, values, _trial_render(layout), root=Layout)
    return layout


def _outside_folder(name: str) -> bool:
    """A file name that leaves the layout's folder: absolute, a drive, or through '..'."""
    pure = PureWindowsPath(name)
    return (
        name.startswith(("/", "\\"))
        or bool(pure.drive)
        or ".." in PurePosixPath(name.replace("\\", "/")).parts
    )


def _font_problem(name: str) -> str | None:
    if "/" in name or "\\" in name or name.lower().endswith((".ttf", ".otf", ".ttc")):
        return _(
            "{name!r} looks like a file; a font is named by its family, such as Times New "
            "Roman, and found among the installed fonts (or docgen pdf --font-dir)."
        ).format(name=name)
    return None


def _layout_problems(spec: Layout) -> list[tuple[FieldPath, str]]:
    problems: list[tuple[FieldPath, str]] = []
    width, height = spec.page.points
    width, height = width / MM, height / MM
    if spec.background and _outside_folder(spec.background):
        problems.append(
            (
                ("background",),
                _(
                    "{name!r} is outside the layout's folder; put the image beside the layout "
                    "file and give its name alone (or a sub-folder of it)."
                ).format(name=spec.background),
            )
        )
    for loc, font in [(("font",), spec.font)] + [
        (("fields", i, "font"), f.font) for i, f in enumerate(spec.fields) if f.font
    ]:
        problem = _font_problem(font)
        if problem:
            problems.append((loc, problem))
    for i, rule in enumerate(spec.rules):
        for axis, limit in (("x1", width), ("x2", width), ("y1", height), ("y2", height)):
            value = getattr(rule, axis)
            if not 0 <= value <= limit:
                problems.append(
                    (
                        ("rules", i, axis),
                        _("{value:g} mm is off the paper (0 to {limit:g} mm).").format(
                            value=value, limit=limit
                        ),
                    )
                )
    if spec.frame is not None:
        half = min(width, height) / 2
        for key in ("inset", "inner_inset"):
            value = getattr(spec.frame, key)
            if value is not None and value >= half:
                problems.append(
                    (
                        ("frame", key),
                        _(
                            "{value:g} mm leaves no paper inside the frame (at most {limit:g})."
                        ).format(value=value, limit=half),
                    )
                )
    env = environment()
    known = set(CONTEXT_NAMES) | set(env.globals)
    seen: dict[str, int] = {}
    for i, f in enumerate(spec.fields):
        loc: FieldPath = ("fields", i)
        if f.name in seen:
            problems.append(
                (
                    (*loc, "name"),
                    _('"{name}" is already field {number}.').format(
                        name=f.name, number=seen[f.name] + 1
                    ),
                )
            )
        seen.setdefault(f.name, i)
        if f.x + f.width > width + 1e-6:
            problems.append(
                (
                    (*loc, "width"),
                    _(
                        "the box runs off the paper: x {x:g} + width {width:g} = {right:g} mm, "
                        "the page is {page:g} mm wide."
                    ).format(x=f.x, width=f.width, right=f.x + f.width, page=width),
                )
            )
        if f.y > height:
            problems.append(
                (
                    (*loc, "y"),
                    _("{y:g} mm is below the page ({page:g} mm).").format(y=f.y, page=height),
                )
            )
        try:
            names = jinja2.meta.find_undeclared_variables(env.parse(f.text))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(
                (
                    (*loc, "text"),
                    _("the template cannot be read: {reason} (line {line}).").format(
                        reason=jinja_words(str(exc.message)).rstrip("."), line=exc.lineno
                    ),
                )
            )
            continue
        for name in sorted(names - known):
            near = get_close_matches(name, sorted(known), n=1)
            hint = " " + _('Did you mean "{near}"?').format(near=near[0]) if near else ""
            problems.append(
                (
                    (*loc, "text"),
                    _(
                        '"{name}" is not a name a field can use.{hint} The names are {names} and '
                        "the helpers {helpers}."
                    ).format(
                        name=name,
                        hint=hint,
                        names=", ".join(CONTEXT_NAMES),
                        helpers=", ".join(HELPERS),
                    ),
                )
            )
    return problems


def _trial_render(layout: LoadedLayout) -> list[tuple[FieldPath, str]]:
    """Run every template on a sample collective and individual to catch misspelt attributes."""
    from docgen.certificates.context import sample_contexts

    problems: list[tuple[FieldPath, str]] = []
    for i, template in enumerate(layout.templates):
        for ctx in sample_contexts():
            try:
                template.render(ctx)
            except jinja2.UndefinedError as exc:
                problems.append(
                    (
                        ("fields", i, "text"),
                        f"{jinja_words(str(exc)).rstrip('.')}. {_attribute_hint(ctx)}",
                    )
                )
                break
            except Exception as exc:  # a filter given the wrong type, a sandbox refusal …
                problems.append(
                    (
                        ("fields", i, "text"),
                        _("the template fails: {reason}.").format(
                            reason=jinja_words(str(exc)).rstrip(".")
                        ),
                    )
                )
                break
    return problems


def _attribute_hint(ctx: dict[str, Any]) -> str:
    parts = []
    for name in ("recipient", "award"):
        value = ctx[name]
        keys = value.keys() if isinstance(value, dict) else []
        parts.append(_("{name} has {keys}").format(name=name, keys=", ".join(keys)))
    return "; ".join(parts) + _("; meeting and issuer are the meeting file's blocks.")
