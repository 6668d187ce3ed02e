"""The report's own words in the language it is written in: headings, notes, labels, dates.

A report is built in one language (:func:`words`): the consultation's texts come from the spec's
translations (:func:`surveykit.translations.localise`), every word the report adds (a heading,
"Not answered", a disclosure note) from the ``surveykit_reports`` message catalogue, looked up
here.  The figures never depend on the language: counting and disclosure control work on ids
and option values only, so a report in Welsh has exactly the English report's numbers.

Code marks its messages with the methods of :class:`Words` (``gettext``, ``ngettext``,
``pgettext``), which ``pybabel extract`` finds; templates call ``_`` and ``ngettext``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from attrs import frozen

from surveykit.i18n import SOURCE_LANGUAGE, Translator, translator
from surveykit.plugins import Plugins

__all__ = ["DOMAIN", "LOCALE", "Words", "english", "words"]

#: The report plugin's gettext domain, and where its catalogues are kept.
DOMAIN = "surveykit_reports"
LOCALE = Path(__file__).parent / "locale"


@frozen
class Words:
    """The ``surveykit_reports`` messages in one ``language``, English where none is known."""

    language: str
    translator: Translator

    def gettext(self, message: str) -> str:
        return self.translator.gettext(message)

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form for ``n`` (six in Welsh); the caller formats ``{n}`` in it."""
        return self.translator.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.translator.pgettext(context, message)

    def ordinal(self, n: int) -> str:
        """A position in a ranking: "1st", "2nd" (in Welsh "1af", "2il")."""
        known = _ordinals(self)
        if 1 <= n <= len(known):
            return known[n - 1]
        return self.pgettext("position", "{n}th").format(n=n)

    def date(self, day: dt.date) -> str:
        """A day as people write it: "3 March 2027", "3 Mawrth 2027"."""
        return _dated(day, "d MMMM y", self.language)

    def month(self, day: dt.date) -> str:
        """A month: "March 2027", "Mawrth 2027"."""
        return _dated(day, "LLLL y", self.language)

    def weekday_date(self, day: dt.date) -> str:
        """A day with its weekday: "Friday 30 April 2027", "Dydd Gwener 30 Ebrill 2027"."""
        return _dated(day, "EEEE d MMMM y", self.language)

    def closing(self, closes: dt.date | dt.datetime) -> str:
        """When a consultation closes, as :attr:`surveykit.model.Metadata.closing_text` says it
        in English: "Friday 30 April 2027, end of day", or with its time."""
        day = closes.date() if isinstance(closes, dt.datetime) else closes
        when = self.weekday_date(day)
        if isinstance(closes, dt.datetime):
            return self.gettext("{day}, {time}").format(day=when, time=f"{closes:%H:%M}")
        return self.gettext("{day}, end of day").format(day=when)


def _ordinals(say: Words) -> tuple[str, ...]:
    """The first twenty positions, each a message of its own (Welsh ordinals are irregular:
    1af, 2il, 3ydd, 4ydd, 5ed...), written out so that ``pybabel extract`` finds each."""
    return (
        say.pgettext("position", "1st"),
        say.pgettext("position", "2nd"),
        say.pgettext("position", "3rd"),
        say.pgettext("position", "4th"),
        say.pgettext("position", "5th"),
        say.pgettext("position", "6th"),
        say.pgettext("position", "7th"),
        say.pgettext("position", "8th"),
        say.pgettext("position", "9th"),
        say.pgettext("position", "10th"),
        say.pgettext("position", "11th"),
        say.pgettext("position", "12th"),
        say.pgettext("position", "13th"),
        say.pgettext("position", "14th"),
        say.pgettext("position", "15th"),
        say.pgettext("position", "16th"),
        say.pgettext("position", "17th"),
        say.pgettext("position", "18th"),
        say.pgettext("position", "19th"),
        say.pgettext("position", "20th"),
    )


def _dated(day: dt.date, pattern: str, language: str) -> str:
    """A date in ``language`` by CLDR's month and day names; English where CLDR has none (a
    language only a catalogue plugin knows)."""
    from babel.core import UnknownLocaleError
    from babel.dates import format_date

    try:
        return format_date(day, pattern, locale=language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return format_date(day, pattern, locale=SOURCE_LANGUAGE)


def words(language: str = SOURCE_LANGUAGE, plugins: Plugins | None = None) -> Words:
    """The report's words in ``language``, from the catalogues the plugins register."""
    return Words(language, translator(DOMAIN, language, plugins))


def english() -> Words:
    """The report's words as written in the code: for callers that build no report in a
    language (an aggregator's tests, say)."""
    return Words(SOURCE_LANGUAGE, Translator(DOMAIN, SOURCE_LANGUAGE, None))
