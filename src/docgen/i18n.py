"""The words docgen says, in the clerk's language.

Every sentence a user can read goes through :func:`_` (or :func:`ngettext` where a count
decides the wording), written in English in the code with *named* placeholders filled by
``str.format`` after translation — ``_("{file}, line {line}: …").format(file=…, line=…)`` — so
that a translator may reorder them. The catalogues live in ``docgen/locale/<lang>/LC_MESSAGES``
and are managed with Babel. Vietnamese is the default language; ``--lang en`` or
``DOCGEN_LANG=en`` switches to English.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "docgen"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

_current: gettext.NullTranslations | None = None
_language: str | None = None


def _from_environment() -> str:
    wanted = os.environ.get("DOCGEN_LANG", "").strip().lower()[:2]
    return wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE


def set_language(language: str | None = None) -> str:
    """Speak ``language`` from now on (``None``: ``$DOCGEN_LANG``, else Vietnamese)."""
    global _current, _language
    chosen = (language or _from_environment()).strip().lower()[:2]
    if chosen not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {LANGUAGES}")
    _current = gettext.translation(DOMAIN, LOCALE_DIR, languages=[chosen], fallback=True)
    _language = chosen
    return chosen


def language() -> str:
    """The language messages are being written in now."""
    if _language is None:
        set_language()
    assert _language is not None
    return _language


def _(message: str) -> str:
    """``message`` in the current language."""
    if _current is None:
        set_language()
    assert _current is not None
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the current language."""
    if _current is None:
        set_language()
    assert _current is not None
    return _current.ngettext(singular, plural, n)
