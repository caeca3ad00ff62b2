"""Vietnamese text rules: dates, document numbers, counts, casing, collation, input cleaning.

Every document docgen writes is read by people who know the official format by heart, so
small slips (``tháng 2`` instead of ``tháng 02``, ``Số: 5/TB-UBND`` instead of ``Số: 05/TB-UBND``,
a decomposed ``ệ`` that prints as ``ê`` plus a floating dot) are noticed at once. This module
is the single place where those rules live; templates and renderers call it and never build
these strings themselves. Sources (see ``shared/spec/official-format.md``):

* [ND30] Nghị định 30/2020/NĐ-CP, Phụ lục I–III: the state profile. A day below 10 and the
  months 1 and 2 carry a leading zero in a written date (so that ``tháng 1`` cannot be turned
  into ``tháng 11`` by hand); numbers below 10 are zero-padded; the number line reads
  ``Số: 05/TB-UBND`` and a công văn has no type code (``Số: 12/UBND-VX``).
* [HD36] Hướng dẫn 36-HD/VPTW: the Party profile, whose number line has no colon and swaps the
  separators: ``Số 15-TB/TU``. Summaries start with a lower-case letter (``kết luận của …``)
  whereas state summaries start with a capital.
* The genre writes counts below 10 with two digits in running text (``09 tập thể``).
* [CLDR] and dictionary practice for sorting: the letters of the whole string decide first,
  then the tones from left to right (none < huyền < hỏi < ngã < sắc < nặng), then case. People
  are listed by given name (the last word), then middle name(s), then family name.
* Text is stored and emitted as Unicode NFC (TCVN 6909:2001 fonts assume precomposed letters);
  text typed with combining marks is normalised on the way in by :func:`clean_text`.

Blank forms: when a number or a date is not known yet (the document is signed and numbered by
hand at the văn thư desk), the functions return the fixed words with runs of ordinary spaces
where the clerk writes. The widths are the constants :data:`NUMBER_BLANK` and
:data:`DATE_BLANK`; ordinary spaces are used (never non-breaking ones) because the renderers
preserve them verbatim and a non-breaking space would defeat line breaking in the date line.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from docgen.i18n import _

if TYPE_CHECKING:
    from docgen.formats import NumberForm

__all__ = [
    "DATE_BLANK",
    "NUMBER_BLANK",
    "TextCharacterError",
    "capitalize_first",
    "clean_text",
    "count2",
    "document_number",
    "format_counts",
    "format_date",
    "format_date_short",
    "lower_first",
    "name_sort_key",
    "nfc",
    "number_reference",
    "place_date_line",
    "sort_key",
    "sort_names",
    "upper",
]

Profile = Literal["state", "party"]

#: Spaces left for a hand-written day, month or year ("ngày      tháng      năm      ").
#: Six spaces at 13–14 pt Times are about 7 mm, room for two handwritten digits.
DATE_BLANK = " " * 6

#: Spaces left for a hand-written document number ("Số:       /TB-UBND"). Together with the
#: single space that follows "Số:" / "Số" this makes a seven-space gap.
NUMBER_BLANK = " " * 6


def nfc(text: str) -> str:
    """Return ``text`` in Unicode normalisation form C (precomposed letters)."""
    return unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------


def _check_date(d: object) -> None:
    # A datetime is a date too and is accepted; a string such as "2022-12-12" is not, because
    # silently parsing it here would hide a loader that forgot to convert it.
    if not isinstance(d, datetime.date):
        raise TypeError(f"expected a datetime.date or None, got {type(d).__name__}")


def format_date(d: datetime.date | None) -> str:
    """Write a date the [ND30] way: ``ngày 05 tháng 02 năm 2022``, ``ngày 29 tháng 6 năm 2019``.

    The day is zero-padded below 10; of the months only 1 and 2 are zero-padded (the rule
    exists to stop ``1`` and ``2`` being extended into ``10``–``12`` by hand, which cannot
    happen to the other months). ``None`` gives the blank form
    ``"ngày      tháng      năm      "`` (each gap is :data:`DATE_BLANK`).
    """
    if d is None:
        return f"ngày{DATE_BLANK}tháng{DATE_BLANK}năm{DATE_BLANK}"
    _check_date(d)
    # Imported here: the rules are validated data, read only when a date is first written.
    from docgen import formats

    rule = formats.rules().date
    width = len(str(rule.day_pad_below))
    day = f"{d.day:0{width}d}"
    month = f"{d.month:0{width}d}" if d.month in rule.padded_months else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


def format_date_short(d: datetime.date | None) -> str:
    """Write a date as ``12/12/2022`` for tables and certificates.

    Unlike the long form, the numeric form pads both day and month (``05/06/2022``): that is
    the dd/mm/yyyy convention readers expect, and a column of dates then lines up.
    ``None`` gives ``"      /      /      "``.
    """
    if d is None:
        return f"{DATE_BLANK}/{DATE_BLANK}/{DATE_BLANK}"
    _check_date(d)
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


_WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def weekday(d: datetime.date) -> str:
    """The day of the week as an invitation names it: ``thứ Hai`` … ``thứ Bảy``, ``Chủ nhật``."""
    _check_date(d)
    return _WEEKDAYS[d.weekday()]


def format_clock(t: datetime.time) -> str:
    """A time of day the [ND30] way: ``08 giờ 00``."""
    return f"{t.hour:02d} giờ {t.minute:02d}"


def place_date_line(place: str, d: datetime.date | None) -> str:
    """Return the place-and-date line: ``Lạng Sơn, ngày 12 tháng 12 năm 2022``.

    Both profiles use the same words; only the typography differs, which is the renderer's
    business. The place is required because the format has no variant without it.
    """
    place = clean_text(place)
    if not place:
        raise ValueError("the place of the place-and-date line is empty")
    return f"{place}, {format_date(d)}"


# ---------------------------------------------------------------------------------------------
# Document numbers and counts
# ---------------------------------------------------------------------------------------------

# Letters and digits (any script: BCĐ), parts joined by '-' or '.' (UBND-VX). A space, a slash
# (the field separator of both profiles), '..' or a backslash would give a number that cannot be
# read back, or a register series no one can find.
_CODE_RE = re.compile(r"[^\W_]+(?:[-.][^\W_]+)*")
CODE_MAX_LENGTH = 30


def check_code(value: str, what: str = "code") -> str:
    """``value`` (NFC, trimmed) if it can stand in a document number, else ``ValueError``.

    ``what`` names the code in the message ("issuer code", "type code").
    """
    if not isinstance(value, str):
        raise TypeError(f"the {what} must be a string, got {type(value).__name__}")
    value = nfc(value.strip())
    if not _CODE_RE.fullmatch(value) or len(value) > CODE_MAX_LENGTH:
        raise ValueError(
            _(
                "the {what} {value!r} cannot stand in a document number: write letters and "
                "digits, parts joined by '-' or '.' (UBND, BCĐ, UBND-VX), at most {limit} "
                "characters"
            ).format(what=what, value=value, limit=CODE_MAX_LENGTH)
        )
    return value


#: The highest document number: no office issues a million documents of one type in a year
#: or term, and every number stays far inside SQLite's 64-bit integers. The meeting file, the
#: register and the command line all hold numbers to it.
MAX_DOCUMENT_NUMBER = 999_999


def _number_digits(number: int | None, form: NumberForm) -> str:
    if number is None:
        return NUMBER_BLANK
    # bool is an int subclass; True would otherwise print as "01".
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(f"the document number must be an int or None, got {number!r}")
    if not 1 <= number <= MAX_DOCUMENT_NUMBER:
        raise ValueError(
            f"the document number must be from 1 to {MAX_DOCUMENT_NUMBER}, got {number}"
        )
    return form.digits(number)


def number_reference(
    number: int | None,
    type_code: str | None,
    issuer_code: str,
    profile: Profile,
) -> str:
    """Return a document's number without the ``Số`` prefix, for running text.

    ``05/QĐ-UBND`` (state), ``12/UBND-VX`` (state công văn, ``type_code=None``; the issuer
    code then carries the drafting unit), ``15-TB/TU`` (party). ``number=None`` leaves
    :data:`NUMBER_BLANK` for the number: ``"      /QĐ-UBND"``.
    """
    from docgen import formats

    form = formats.profile(profile).number
    digits = _number_digits(number, form)
    issuer = check_code(issuer_code, "issuer code")
    code = None if type_code is None else check_code(type_code, "type code")
    if code is None and form.form_without_type is None:
        # [HD36] gives every Party text a type code; a Party công văn uses "CV".
        raise ValueError("a Party document number needs a type code (use 'CV' for công văn)")
    return form.reference(digits, code, issuer)


def document_number(
    number: int | None,
    type_code: str | None,
    issuer_code: str,
    profile: Profile,
) -> str:
    """Return the number line: ``Số: 05/TB-UBND`` (state) or ``Số 15-TB/TU`` (party).

    Numbers below 10 are zero-padded. ``number=None`` leaves a blank for the văn thư to
    write in: ``"Số:       /TB-UBND"``, ``"Số       -TB/TU"``.
    """
    reference = number_reference(number, type_code, issuer_code, profile)
    from docgen import formats

    # [ND30] puts a colon after "Số"; [HD36] does not.
    return f"{formats.profile(profile).number.prefix} {reference}"


def count2(n: int) -> str:
    """Write a count with at least two digits: ``09``, ``11``, ``120`` (the genre's habit)."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"a count must be an int, got {n!r}")
    if n < 0:
        raise ValueError(f"a count cannot be negative, got {n}")
    return f"{n:02d}"


def format_counts(collectives: int, individuals: int, joiner: str = ", ") -> str:
    """Return ``09 tập thể, 11 cá nhân``; a zero part is left out (``04 tập thể``).

    ``joiner=" và "`` gives the decision's wording ``09 tập thể và 11 cá nhân``. Both zero is
    an error: an award with nobody to receive it is a mistake in the data, and the sentence
    around it ("Tặng Bằng khen cho …") cannot be written.
    """
    parts = []
    if count2(collectives) != "00":
        parts.append(f"{count2(collectives)} tập thể")
    if count2(individuals) != "00":
        parts.append(f"{count2(individuals)} cá nhân")
    if not parts:
        raise ValueError("there are no collectives and no individuals to count")
    return joiner.join(parts)


# ---------------------------------------------------------------------------------------------
# Casing
# ---------------------------------------------------------------------------------------------


def upper(text: str) -> str:
    """Upper-case a heading (``CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM``); NFC in and out.

    ``str.upper`` is right for precomposed Vietnamese letters, but on decomposed input it
    returns decomposed output; normalising on both sides makes the result independent of how
    the text was typed.
    """
    return nfc(nfc(text).upper())


def _first_letter_index(text: str) -> int:
    # Leading quotes, brackets or digits are skipped so that "“kết luận”" becomes "“Kết luận”".
    for i, ch in enumerate(text):
        if ch.isalpha():
            return i
    return -1


def capitalize_first(text: str) -> str:
    """Upper-case only the first letter and keep the rest (state summaries: ``Kết luận …``).

    Unlike ``str.capitalize`` it never lower-cases the rest, so names and abbreviations
    inside the text (``UBND``, ``Lạng Sơn``) survive.
    """
    text = nfc(text)
    i = _first_letter_index(text)
    if i < 0:
        return text
    return nfc(text[:i] + text[i].upper() + text[i + 1 :])


def lower_first(text: str) -> str:
    """Lower-case only the first letter (Party summaries: ``kết luận của …``).

    A first word written entirely in capitals with two or more letters is taken for an
    abbreviation (``UBND``, ``HĐND``) and left alone, since ``uBND`` is never what is meant.
    """
    text = nfc(text)
    i = _first_letter_index(text)
    if i < 0:
        return text
    first_word = text[i:].split(maxsplit=1)[0]
    letters = [ch for ch in first_word if ch.isalpha()]
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return text
    return nfc(text[:i] + text[i].lower() + text[i + 1 :])


# ---------------------------------------------------------------------------------------------
# Collation
# ---------------------------------------------------------------------------------------------

# The Vietnamese alphabet with f, j, w, z slotted in where the Latin alphabet has them, so that
# foreign names in a list still land somewhere a reader would look.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
_VOWELS = frozenset("aăâeêioôơuưy")

# Combining marks that make a new letter of the alphabet rather than a tone.
_LETTER_MARKS = {
    ("a", "\u0306"): "ă",  # breve
    ("a", "\u0302"): "â",  # circumflex
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",  # horn
    ("u", "\u031b"): "ư",
}

# Tone marks in collation order: none (0) < huyền < hỏi < ngã < sắc < nặng.
_TONE_MARKS = {
    "\u0300": 1,  # huyền, grave
    "\u0309": 2,  # hỏi, hook above
    "\u0303": 3,  # ngã, tilde
    "\u0301": 4,  # sắc, acute
    "\u0323": 5,  # nặng, dot below
}

# Primary weights are plain ints grouped by class so a key compares at C speed:
# separators < punctuation/symbols < digits < alphabet letters < letters of other scripts.
_W_SPACE = 0
_W_PUNCT = 1
_W_DIGIT = 2_000_000
_W_LETTER = 3_000_000
_W_OTHER_LETTER = 4_000_000


@lru_cache(maxsize=8192)
def _cluster_weights(cluster: str) -> tuple[int, int, int, tuple[int, ...], bool]:
    """Weigh one base character with its combining marks (NFD).

    Returns (primary weight, tone, case, other marks, is_letter). A mark is a tone only on a
    vowel: a tilde on ``n`` (``ñ``) is a foreign accent, not a ngã.
    """
    base = cluster[0]
    if base.isspace():
        return (_W_SPACE, 0, 0, (), False)
    if unicodedata.combining(base):
        # A mark with nothing before it (the string started with it): weigh it as a symbol.
        return (_W_PUNCT + ord(base), 0, 0, tuple(ord(m) for m in cluster[1:]), False)
    if not base.isalpha():
        if base.isdigit():
            return (_W_DIGIT + ord(base), 0, 0, (), False)
        return (_W_PUNCT + ord(base), 0, 0, tuple(ord(m) for m in cluster[1:]), False)

    lower = base.lower()
    case = 0 if lower == base else 1  # lower case first, as CLDR does
    letter = lower
    tone = 0
    others: list[int] = []
    for mark in cluster[1:]:
        shaped = _LETTER_MARKS.get((letter, mark))
        if shaped is not None:
            letter = shaped
        elif mark in _TONE_MARKS and tone == 0 and letter in _VOWELS:
            tone = _TONE_MARKS[mark]
        else:
            others.append(ord(mark))
    rank = _LETTER_RANK.get(letter)
    if rank is not None:
        primary = _W_LETTER + rank
    else:
        # A letter of another script, or a Latin letter whose mark we do not model: fall back
        # to code point order of its base so the result is at least deterministic.
        primary = _W_OTHER_LETTER + ord(letter[0])
    return (primary, tone, case, tuple(others), True)


def _clusters(text: str) -> list[str]:
    # NFD splits every letter into base + marks whatever form the input was in, so NFC and
    # NFD spellings of a name get identical keys.
    clusters: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if clusters and unicodedata.combining(ch):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return clusters


def sort_key(text: str) -> tuple:
    """Key for sorting Vietnamese strings alphabetically ([CLDR], dictionary practice).

    Levels, each consulted only when all earlier ones are equal:

    1. the letters of the whole string, case- and tone-blind, in the order
       a ă â b c d đ e ê (f) g h i (j) k l m n o ô ơ p q r s t u ư v (w) x y (z); runs of
       whitespace count as one separator that sorts before any letter;
    2. the tone of each syllable, left to right: none < huyền < hỏi < ngã < sắc < nặng (a
       syllable is a run of letters; the tone belongs to the syllable, so ``hoà`` and
       ``hòa`` — the old and new tone placement — weigh the same here);
    3. case, letter by letter, lower case first;
    4. marks that are not Vietnamese (``ü``, ``ç``);
    5. the NFC text itself, so that distinct strings never tie and the order is total.

    Thus ``ba < bà < bả < bã < bá < bạ < bác < bạc < bai``: ``bác`` follows every tone of
    ``ba`` because its letters are longer, before any tone is looked at.
    """
    primary: list[int] = []
    tones: list[tuple[int, ...]] = []
    cases: list[int] = []
    others: list[tuple[int, ...]] = []
    syllable: list[int] = []
    in_syllable = False
    for cluster in _clusters(text.strip()):
        weight, tone, case, marks, is_letter = _cluster_weights(cluster)
        if is_letter:
            if tone:
                syllable.append(tone)
            in_syllable = True
        elif in_syllable:
            tones.append(tuple(syllable) or (0,))
            syllable = []
            in_syllable = False
        if weight == _W_SPACE and primary and primary[-1] == _W_SPACE:
            continue
        primary.append(weight)
        cases.append(case)
        others.append(marks)
    if in_syllable:
        tones.append(tuple(syllable) or (0,))
    return (tuple(primary), tuple(tones), tuple(cases), tuple(others), nfc(text))


def name_sort_key(full_name: str) -> tuple:
    """Key for sorting people: given name (last word), then middle name(s), then family name.

    ``Nguyễn Thị Thủy`` sorts under ``Thủy``. Each part is ranked by its letters, then its
    tones; middle names are compared word by word as written; a name with no middle name sorts
    before the same given name with one. A single word is taken as the given name. Case and
    spelling variants only break ties between otherwise equal names.
    """
    words = full_name.split()
    if not words:
        return ((), (), (), sort_key(full_name))
    given = words[-1]
    family = words[0] if len(words) > 1 else ""
    middle = tuple(_spelling_key(w) for w in words[1:-1])
    # Only letters and tones rank the parts; case and tone placement ("Thuỷ" / "Thủy") are the
    # same name written differently and must not outrank the middle or family name, so they
    # are left to the whole-name key at the end, which also makes the order total.
    return (_spelling_key(given), middle, _spelling_key(family), sort_key(full_name))


def _spelling_key(word: str) -> tuple:
    # Levels 1 and 2 of sort_key: the letters, then the tones.
    return sort_key(word)[:2]


def sort_names(names: Iterable[str]) -> list[str]:
    """Return the people's names in Vietnamese order (see :func:`name_sort_key`).

    The strings are returned as given; award lists are often kept in unit or input order,
    so callers apply this only when sorting was asked for.
    """
    return sorted(names, key=name_sort_key)


# ---------------------------------------------------------------------------------------------
# Cleaning input text
# ---------------------------------------------------------------------------------------------


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue; it is translated where it is shown."""
    return message


# Characters that are never legitimate in a field: they are invisible in an editor or a
# spreadsheet, and they either break the DOCX (XML 1.0 forbids most C0 controls), break search
# and sorting (zero-width and direction marks), or betray a decoding accident (lone surrogates
# from surrogateescape). \t, \n and \r are handled separately, and so are the space-like
# controls below.
_FORBIDDEN = (
    "\x00-\x08\x0e-\x1f"  # C0 controls except tab, LF, VT, FF, CR
    "\x7f-\x84\x86-\x9f"  # DEL and C1 controls except NEL
    "\u00ad"  # soft hyphen
    "\u200b-\u200f"  # zero-width space, ZWNJ, ZWJ, LRM, RLM
    "\u202a-\u202e"  # bidirectional embeddings and overrides
    "\u2060-\u2064\u2066-\u206f"  # word joiner, invisible operators, bidi isolates, deprecated
    "\ufeff"  # byte order mark / zero-width no-break space
    "\ud800-\udfff"  # lone surrogates
)

#: Whitespace-like characters that text pasted from Word or Excel carries — Word's line break
#: (Shift+Enter) is a vertical tab; NEL and the Unicode line/paragraph separators come from
#: other programs — folded into one space like a tab, not refused. Names for messages.
SPACE_LIKE = {
    "\t": N_("tab"),
    "\x0b": N_("vertical tab (Word's line break)"),
    "\x0c": N_("form feed"),
    "\x85": N_("next-line character (NEL)"),
    "\u2028": N_("line separator"),
    "\u2029": N_("paragraph separator"),
    "\u00a0": N_("no-break space"),
}
_BAD_MULTILINE = re.compile(f"[{_FORBIDDEN}]")
_BAD_SINGLE_LINE = re.compile(f"[{_FORBIDDEN}\n\r]")


class TextCharacterError(ValueError):
    """A string holds a character that has no place in a document field.

    ``char`` is the offending character and ``position`` its 0-based index in the text as it
    was passed in (before any cleaning).
    """

    def __init__(self, message: str, char: str, position: int) -> None:
        super().__init__(message)
        self.char = char
        self.position = position


def _describe(ch: str) -> str:
    cp = ord(ch)
    if ch in "\n\r":
        return _("a line break")
    if cp < 0x20 or 0x7F <= cp <= 0x9F:
        return _("the control character")
    if 0xD800 <= cp <= 0xDFFF:
        return _("an undecodable byte (lone surrogate)")
    return _("the invisible formatting character")


def _reject(text: str, match: re.Match[str], multiline: bool) -> TextCharacterError:
    ch = match.group()
    pos = match.start()
    label = f"U+{ord(ch):04X}"
    message = _("contains {what} {code} at position {position}").format(
        what=_describe(ch), code=label, position=pos
    )
    if ch in "\n\r" and not multiline:
        message += _("; this field must be a single line")
    return TextCharacterError(message, ch, pos)


def clean_text(text: str, *, multiline: bool = False) -> str:
    """Normalise one string from the YAML record or a spreadsheet cell.

    NFC; CRLF (and a lone CR) become LF; tabs, the other space-like controls of
    :data:`SPACE_LIKE` (vertical tab, form feed, NEL, U+2028/U+2029), non-breaking and other
    Unicode spaces become a plain space; runs of spaces collapse to one; each line and the whole
    text are stripped (blank lines between paragraphs are kept in multiline text). A line break
    when ``multiline`` is false, and any other control or invisible formatting character (C0
    other than tab/LF/VT/FF/CR, DEL, C1 other than NEL, U+200B–U+200F, bidi controls, U+2060…,
    U+FEFF, soft hyphen, lone surrogates), raise :class:`TextCharacterError` (a ``ValueError``) naming the
    character as ``U+XXXX`` and its 0-based position in the text as given.

    Rejecting rather than dropping those characters is deliberate: they are invisible, so a
    silent fix would leave the clerk's file and docgen's output disagreeing.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected a string, got {type(text).__name__}")
    # One regex scan of the original text, so reported positions are the caller's positions.
    match = (_BAD_MULTILINE if multiline else _BAD_SINGLE_LINE).search(text)
    if match is not None:
        raise _reject(text, match, multiline)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    # After the check above, the only whitespace str.split() can still see is space, the
    # space-like controls, the line breaks and the Unicode space characters (NBSP,
    # U+2000–U+200A, U+202F, U+205F, U+3000, U+1680): exactly the ones to fold into a space.
    if not multiline:
        return " ".join(text.split())
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip("\n")
