"""The terminal form's own words in the language a session is in: prompts, hints, dates.

A session is in one language (``--lang``, or the one the respondent picks first): the
consultation's texts come from the spec's translations (:func:`surveykit.translations.localise`),
every word the form adds ("Question 3 of 21", "Type a number", the summary, the closed message)
from the ``surveykit_terminal`` message catalogue, looked up here, and the engine's and kinds'
answer problems from theirs (:func:`surveykit.i18n.problem_text`).  Answers never depend on the
language: option values and typed numbers and dates are stored the same whichever it is.

Code marks its messages with the methods of :class:`Words` (``gettext``, ``ngettext``) or with
``phrase`` for a message filled in with values said in the same language (a date, a question's
title), which ``pybabel extract`` finds.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any

from attrs import frozen

from surveykit import Question
from surveykit.i18n import (
    CORE_DOMAIN,
    MONTH_NAMES,
    SOURCE_LANGUAGE,
    Catalogue,
    Phrase,
    Translator,
    catalogues_in,
    phrase,
    problem_text,
    spoken_date,
    spoken_month,
    title_of,
    translator,
)

__all__ = [
    "DOMAIN",
    "LOCALE",
    "Words",
    "catalogues",
    "endonym",
    "english",
    "words",
]

#: The terminal plugin's gettext domain, and where its catalogues are kept.
DOMAIN = "surveykit_terminal"
LOCALE = Path(__file__).parent / "locale"
_WORD = re.compile(r"[^\W\d_]+")


def catalogues() -> list[Catalogue]:
    """The plugin's catalogues, for ``surveykit_register_catalogues``."""
    return catalogues_in(LOCALE, DOMAIN)


@frozen
class Words:
    """The ``surveykit_terminal`` messages in one ``language`` (English where none is known),
    and everything else a session says in it: problems, dates, question titles."""

    language: str
    translator: Translator
    plugins: Any = None

    def gettext(self, message: str) -> str:
        return self.translator.gettext(message)

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form for ``n`` (six in Welsh); the caller formats ``{count}`` in it."""
        return self.translator.ngettext(singular, plural, n)

    def said(self, problem: object) -> str:
        """A problem or :class:`~surveykit.i18n.Phrase` in this language (its English where
        it carries no template)."""
        return problem_text(problem, self.language, self.plugins)

    def title(self, question: Question) -> str:
        """ "Question 13", "Cwestiwn 13": how a question is named."""
        return self.said(title_of(question))

    def date(self, day: dt.date, *, weekday: bool = False) -> str:
        """ "5 March 2027", "5 Mawrth 2027"."""
        return self.said(spoken_date(day, weekday=weekday))

    def month(self, year: int, month: int) -> str:
        """ "March 2027", "Mawrth 2027"."""
        return self.said(spoken_month(year, month))

    def closing(self, closes: dt.date | dt.datetime) -> str:
        """When a consultation closes, as :attr:`Metadata.closing_text` says it in English:
        "Friday 13 March 2015, end of day"."""
        return self.said(closing_phrase(closes))

    def english_months(self, text: str) -> str:
        """``text`` with this language's month names in English, for the kinds' date reader
        (which reads "5 March 2027"): "5 Mawrth 2027" becomes "5 March 2027"."""
        names = _month_names(self.language, self.plugins)
        if not names:
            return text
        return _WORD.sub(lambda found: names.get(found.group().casefold(), found.group()), text)


def closing_phrase(closes: dt.date | dt.datetime) -> Phrase:
    """The closing time as a phrase said in any language."""
    day = closes.date() if isinstance(closes, dt.datetime) else closes
    if isinstance(closes, dt.datetime):
        return phrase(
            "{day}, {time}",
            domain=DOMAIN,
            day=spoken_date(day, weekday=True),
            time=f"{closes:%H:%M}",
        )
    return phrase("{day}, end of day", domain=DOMAIN, day=spoken_date(day, weekday=True))


def _month_names(language: str, plugins: Any) -> dict[str, str]:
    """Each month's name in ``language`` (casefolded) to its English; empty for English."""
    if language == SOURCE_LANGUAGE:
        return {}
    core = translator(CORE_DOMAIN, language, plugins)
    found = {}
    for english in MONTH_NAMES:
        own = core.gettext(english)
        if own != english and _WORD.fullmatch(own):
            found[own.casefold()] = english
    return found


@functools.cache
def endonym(tag: str) -> str:
    """A language's name in itself ("Cymraeg", "English"), as the language question lists
    it; the tag itself for a language Babel does not know."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(tag, sep="-")
        name = locale.get_display_name(locale)
    except (ValueError, UnknownLocaleError):
        return tag
    return (name or tag)[:1].upper() + (name or tag)[1:]


def words(language: str = SOURCE_LANGUAGE, plugins: Any = None) -> Words:
    """The terminal form's words in ``language``, from the catalogues the plugins register."""
    return Words(language, translator(DOMAIN, language, plugins), plugins)


def english() -> Words:
    """The words as written in the code: for callers that run no session in a language."""
    return Words(SOURCE_LANGUAGE, Translator(DOMAIN, SOURCE_LANGUAGE, None))
