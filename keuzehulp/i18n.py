"""Languages of the public site: Dutch (the source language) and English, through gettext catalogs.

Messages are written in Dutch in templates (`{{ _("...") }}`) and Python (`gettext`, or `N_` for
constants that are translated where they are shown). The English catalog is the `.po` file in
`keuzehulp/locale/en/LC_MESSAGES/`; it is read at start-up, so there is no compile step. The
language of a request lives in a context variable that the language middleware sets.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = {"nl": "Nederlands", "en": "English"}
DEFAULT_LANGUAGE = "nl"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_language: ContextVar[str] = ContextVar("taal", default=DEFAULT_LANGUAGE)


@cache
def translations(language: str) -> NullTranslations:
    """The catalog of a language (Dutch, the source language, translates to itself)."""
    po = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if language == DEFAULT_LANGUAGE or not po.exists():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def current_language() -> str:
    """The language of the current request."""
    return _language.get()


def other_language() -> str:
    """The language the switch offers: English on Dutch pages, Dutch on English ones."""
    return "en" if current_language() == "nl" else "nl"


def set_language(language: str):
    """Use a language for the rest of this context; returns a token for `reset_language`."""
    return _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def reset_language(token) -> None:
    """Go back to the language before `set_language`."""
    _language.reset(token)


def gettext(message: str) -> str:
    """The message in the current language."""
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Singular or plural message in the current language."""
    return translations(current_language()).ngettext(singular, plural, n)


def seed_text(text: str) -> str:
    """A text from `seed/` (a name or label of the Twents model, a specialisatie...) in the current language.

    `keuzehulp/i18n_extract.py` puts these texts in the catalog; a separate name keeps Babel from
    extracting the variable passed here.
    """
    return gettext(text)


def N_(message: str) -> str:  # noqa: N802 - the conventional name of the gettext no-op marker
    """Mark a constant for translation where it is shown; returns it unchanged."""
    return message
