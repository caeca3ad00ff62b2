"""The format profiles (state [ND30], party [HD36]) as validated package data.

The rules themselves live in ``formats.yaml`` next to this module, each with its source beside
it; this module only reads and validates them. The template generator, the context (number
line, signer prefixes, Nơi nhận) and ``docgen check`` all read the same objects, so a change of
rule is one edit in the data file. A malformed data file is a bug in docgen, not the user's
mistake: it fails loudly with pydantic's message when first read.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

DATA_FILE = Path(__file__).resolve().parent / "formats.yaml"
PROFILE_NAMES = ("state", "party")

Case = Literal["upper", "initial_upper", "initial_lower", "any"]


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Range(_Rule):
    low: float
    high: float

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            if len(value) != 2:
                raise ValueError(f"a range is [low, high], got {value!r}")
            return {"low": value[0], "high": value[1]}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.low > self.high:
            raise ValueError(f"range [{self.low}, {self.high}] is reversed")
        return self

    def __contains__(self, value: float) -> bool:
        # Word stores sizes in half points and lengths in twips: allow their rounding.
        return self.low - 0.05 <= value <= self.high + 0.05

    def text(self, unit: str = "") -> str:
        def fmt(v: float) -> str:
            return f"{v:g}"

        if self.low == self.high:
            return f"{fmt(self.low)}{unit}"
        return f"{fmt(self.low)}–{fmt(self.high)}{unit}"


class Element(_Rule):
    """How one element of the document is typeset: size, weight, slant, underline, case."""

    text: str | None = None  # fixed wording, for the titles and the motto
    pt: float
    sizes: Range
    bold: bool | None = None
    italic: bool | None = None
    underline: bool | None = None
    case: Case = "any"
    source: str

    @model_validator(mode="after")
    def _default_in_range(self) -> Element:
        if self.pt not in self.sizes:
            raise ValueError(f"template size {self.pt} pt is outside {self.sizes.text(' pt')}")
        return self


class Elements(_Rule):
    title: Element  # CỘNG HÒA … / ĐẢNG CỘNG SẢN VIỆT NAM
    motto: Element | None = None  # Độc lập - Tự do - Hạnh phúc (state only)
    parent: Element
    issuer: Element
    number: Element
    place_date: Element
    type_name: Element
    summary: Element
    list_title: Element  # DANH SÁCH … (a list attached to a decision)
    body: Element
    signer_prefix: Element
    signer_position: Element
    signer_name: Element
    recipients_head: Element
    recipients_item: Element
    page_number: Element


class Margins(_Rule):
    top: float
    bottom: float
    left: float
    right: float


class MarginRanges(_Rule):
    top: Range
    bottom: Range
    left: Range
    right: Range


class Page(_Rule):
    width_mm: float
    height_mm: float
    orientation: Literal["portrait", "landscape"]
    margin_ranges_mm: MarginRanges
    margins_mm: Margins
    source: str

    @model_validator(mode="after")
    def _margins_in_range(self) -> Page:
        for side in ("top", "bottom", "left", "right"):
            if getattr(self.margins_mm, side) not in getattr(self.margin_ranges_mm, side):
                raise ValueError(f"the template's {side} margin is outside its allowed range")
        return self


class Font(_Rule):
    family: str
    color: str
    source: str


class NumberForm(_Rule):
    prefix: str  # "Số:" or "Số"
    form: str  # "{number}/{type}-{issuer}"
    form_without_type: str | None  # a state công văn; None where every text has a type code
    pad_below: int
    type_codes: dict[str, str] = Field(min_length=1)  # code → the type's name ("QĐ": quyết định)
    source: str

    @model_validator(mode="after")
    def _fields(self) -> NumberForm:
        names = list(self.type_codes.values())
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"type codes name {twice} more than once")
        for form in (self.form, self.form_without_type):
            if form is None:
                continue
            needed = ("{number}", "{issuer}") + (("{type}",) if form is self.form else ())
            if not all(field in form for field in needed):
                raise ValueError(f"number form {form!r} lacks one of {needed}")
        return self

    def reference(self, digits: str, type_code: str | None, issuer: str) -> str:
        """The number without its prefix: ``05/TB-UBND`` or ``15-TB/TU``."""
        if type_code is None:
            if self.form_without_type is None:
                raise ValueError("this profile's document numbers need a type code")
            return self.form_without_type.format(number=digits, issuer=issuer)
        return self.form.format(number=digits, type=type_code, issuer=issuer)

    def code_for(self, type_name: str | None) -> str | None:
        """The code of a type by its name (``"quy định"`` → ``QyĐ``), or None if it has none."""
        return next((c for c, n in self.type_codes.items() if n == type_name), None)

    def digits(self, number: int) -> str:
        width = len(str(self.pad_below))
        return f"{number:0{width}d}"


class DateForm(_Rule):
    day_pad_below: int
    padded_months: tuple[int, ...]
    source: str


class Body(_Rule):
    align: Literal["both", "left", "center", "right"]
    first_line_mm: float
    first_line_range_mm: Range
    space_after_pt: float
    min_space_between_pt: float
    line_rule: Literal["auto", "exact"]
    line: float  # lines for "auto", points for "exact"
    line_range: Range  # the same unit as ``line``
    ending: str  # "./." (state) or "." (party)
    source: str

    @property
    def line_ooxml(self) -> tuple[int, str]:
        """``(w:line, w:lineRule)``: 240ths of a line for auto, twips for exact."""
        value = self.line * 240 if self.line_rule == "auto" else self.line * 20
        return round(value), self.line_rule


class PageNumbers(_Rule):
    from_page: int
    location: Literal["header", "footer"]
    align: Literal["center", "left", "right"]
    source: str


class Signer(_Rule):
    prefixes: dict[Literal["TM", "KT", "TL", "Q", "TUQ"], str]
    source: str

    @model_validator(mode="after")
    def _complete(self) -> Signer:
        missing = {"TM", "KT", "TL", "Q", "TUQ"} - set(self.prefixes)
        if missing:
            raise ValueError(f"signer prefixes lack {sorted(missing)}")
        return self


class Recipients(_Rule):
    head: str  # "Nơi nhận:"
    item_end: str  # ";" or ","
    archive: str  # "Lưu: VT, {code}" / "Lưu Văn phòng {body}"
    archive_prefix: str  # what every Lưu line of the profile starts with
    source: str


class Minutes(_Rule):
    left_title: str
    right_title: str
    source: str


class Drawing(_Rule):
    title_rule_mm: float
    list_cell_pt: float
    source: str


class Profile(_Rule):
    name: str = ""
    label: str
    page: Page
    font: Font
    elements: Elements
    number: NumberForm
    body: Body
    page_numbers: PageNumbers
    signer: Signer
    recipients: Recipients
    minutes: Minutes
    rules: Drawing


# A drawn rule's length is stored in twips and read back from indents: half a millimetre of slack.
_RULE_SLACK_MM = 0.5


class IssuerRule(_Rule):
    """The rule under the issuing body's name: a share of the name's width, not a length.

    The one place that turns a name's printed width into the rule's length (the context, for
    the templates) and judges a drawn rule against it (``docgen check``).
    """

    share: float  # what docgen draws
    shares: Range  # what the rule allows
    source: str

    @model_validator(mode="after")
    def _share_allowed(self) -> IssuerRule:
        if not self.shares.low <= self.share <= self.shares.high:
            raise ValueError(f"issuer_rule.share {self.share} is outside {self.shares.text()}")
        return self

    def length_mm(self, name_mm: float) -> float:
        """The rule docgen draws under a name ``name_mm`` wide, to a tenth of a millimetre."""
        return round(self.share * name_mm, 1)

    def allows(self, rule_mm: float, name_mm: float) -> bool:
        """Whether a rule ``rule_mm`` long is within the allowed shares of ``name_mm``."""
        return (
            self.shares.low * name_mm - _RULE_SLACK_MM
            <= rule_mm
            <= self.shares.high * name_mm + _RULE_SLACK_MM
        )


class Layout(_Rule):
    header_columns_mm: tuple[float, float]
    header_pull_mm: float
    issuer_rule: IssuerRule
    summary_rule_mm: float
    signature_columns_mm: tuple[float, float]
    header_distance_mm: float
    list_columns_mm: tuple[float, ...]
    source: str


class Kind(_Rule):
    """A kind of document: its type name, its type, and which parts it carries.

    Its type code is not written here but looked up by ``type`` in the profile's table
    (:meth:`code`): a code is one entry of ``number.type_codes``.
    """

    name: str | None  # "THÔNG BÁO"; None for a công văn
    type: str | None  # "thông báo": the name in each profile's type_codes; None: no number
    official: bool = True  # False: a news report, which no format rule applies to
    number: bool = True
    place_date: bool = True
    signer: bool = True
    recipients: bool = True
    source: str

    def code(self, profile_name: str) -> str | None:
        """The type code its number carries in ``profile_name`` (``QyĐ`` / ``QĐi``), or None."""
        return profile(profile_name).number.code_for(self.type)


class FormatRules(_Rule):
    date: DateForm
    layout: Layout
    kinds: dict[str, Kind] = Field(min_length=1)
    profiles: dict[str, Profile] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_profiles(self) -> FormatRules:
        if set(self.profiles) != set(PROFILE_NAMES):
            raise ValueError(
                f"profiles must be exactly {PROFILE_NAMES}, got {sorted(self.profiles)}"
            )
        for key, kind in self.kinds.items():
            if kind.type is not None and not any(
                kind.type in p.number.type_codes.values() for p in self.profiles.values()
            ):
                raise ValueError(f"kind {key!r}: no profile has a type code for {kind.type!r}")
        return self


def _load(path: Path) -> FormatRules:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)
    for name, profile in data.get("profiles", {}).items():
        if isinstance(profile, dict):
            profile["name"] = name
    return FormatRules.model_validate(data)


@lru_cache(maxsize=1)
def rules() -> FormatRules:
    """Every format rule, read and validated once."""
    return _load(DATA_FILE)


def profile(name: str) -> Profile:
    """The rules of one profile, ``state`` or ``party``."""
    try:
        return rules().profiles[name]
    except KeyError:
        raise ValueError(
            f"unknown format profile {name!r}; expected one of {PROFILE_NAMES}"
        ) from None
