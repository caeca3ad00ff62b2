"""The words docgen says, in the clerk's language.

Every sentence a user can read goes through :func:`_` (or :func:`ngettext` where a count
decides the wording), written in English in the code with *named* placeholders filled by
``str.format`` after translation — ``_("{file}, line {line}: …").format(file=…, line=…)`` — so
that a translator may reorder them. The catalogues live in ``docgen/locale/<lang>/LC_MESSAGES``
and are managed with Babel (``python tools/i18n.py``). Vietnamese is the default language;
``--lang en`` or ``DOCGEN_LANG=en`` switches to English.

The installed package carries compiled ``.mo`` files (the build hook makes them). A checkout run
with ``PYTHONPATH=src`` may have none, or older ones than the ``.po`` beside them: then the
``.po`` is compiled here, in memory, and the result kept next to it when the folder is writable,
so the words on screen are always those of the ``.po`` in the tree.
"""

from __future__ import annotations

import gettext
import io
import os
import string
from pathlib import Path
from typing import Any

DOMAIN = "docgen"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

_current: gettext.NullTranslations | None = None
_language: str | None = None
_loaded: dict[str, gettext.NullTranslations] = {}


def _from_environment() -> str:
    wanted = os.environ.get("DOCGEN_LANG", "").strip().lower()[:2]
    return wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE


def _compile(po: Path) -> bytes:
    """The ``.mo`` bytes of ``po`` (Babel; fuzzy entries left out, as ``pybabel compile`` does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _keep(mo: Path, data: bytes) -> None:
    """Save a freshly compiled catalogue for the next run; a read-only install just skips it."""
    spare = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
    try:
        spare.write_bytes(data)
        os.replace(spare, mo)
    except OSError:
        spare.unlink(missing_ok=True)


def _load(language: str) -> gettext.NullTranslations:
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    try:
        po_time = po.stat().st_mtime
    except OSError:
        po_time = None
    try:
        fresh = po_time is None or mo.stat().st_mtime >= po_time
    except OSError:
        fresh = False
    if fresh and mo.is_file():
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if po_time is None:
        return gettext.NullTranslations()
    data = _compile(po)
    _keep(mo, data)
    return gettext.GNUTranslations(io.BytesIO(data))


def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language`` (``vi`` or ``en``), loaded once per process."""
    if language not in _loaded:
        _loaded[language] = _load(language)
    return _loaded[language]


def set_language(language: str | None = None) -> str:
    """Speak ``language`` from now on (``None``: ``$DOCGEN_LANG``, else Vietnamese)."""
    global _current, _language
    chosen = (language or _from_environment()).strip().lower()[:2]
    if chosen not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {LANGUAGES}")
    _current = translations(chosen)
    _language = chosen
    return chosen


def language() -> str:
    """The language messages are being written in now."""
    if _language is None:
        set_language()
    assert _language is not None
    return _language


class _Numbers(string.Formatter):
    """``str.format`` that writes ``{n:,}`` the way the reader's language groups digits.

    Python's ``,`` always groups with commas, the English way; a Vietnamese reader writes one
    million as 1.000.000 and a half as 0,5 (Babel's locale data says which signs).
    """

    def format_field(self, value: Any, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        if "," not in format_spec or not isinstance(value, int | float) or isinstance(value, bool):
            return text
        lang = language()
        if lang == "en":
            return text
        from babel.numbers import get_decimal_symbol, get_group_symbol

        group, decimal = get_group_symbol(lang), get_decimal_symbol(lang)
        return "".join(group if c == "," else decimal if c == "." else c for c in text)


_NUMBERS = _Numbers()


class Message(str):
    """A message in the current language, whose :meth:`format` writes numbers in it too."""

    __slots__ = ()

    def format(self, *args: Any, **kwargs: Any) -> str:  # noqa: A003 - str's own name
        return _NUMBERS.vformat(self, args, kwargs)


def _(message: str) -> str:
    """``message`` in the current language."""
    if _current is None:
        set_language()
    assert _current is not None
    return Message(_current.gettext(message))


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the current language."""
    if _current is None:
        set_language()
    assert _current is not None
    return Message(_current.ngettext(singular, plural, n))


_reverse: dict[str, dict[str, str]] = {}


def retranslate(text: str | None) -> str | None:
    """``text``, already translated into any of docgen's languages, in the current one.

    For words fixed when a module was imported — a command's ``help`` — shown later in another
    language by the same process (tests, a server): the catalogue finds the English they came
    from. Text no catalogue knows comes back as it is.
    """
    if not text:
        return text
    for lang in LANGUAGES:
        if lang not in _reverse:
            catalog = getattr(translations(lang), "_catalog", {})
            _reverse[lang] = {
                value: key
                for key, value in catalog.items()
                if isinstance(key, str) and key and isinstance(value, str)
            }
        msgid = _reverse[lang].get(text)
        if msgid is not None:
            return _(msgid)
    return _(text)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it yet.

    For words fixed at import time but shown later, when the language is known: the caller
    passes the English text to :func:`_` at that moment.
    """
    return message
