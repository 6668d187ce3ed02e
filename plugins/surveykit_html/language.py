"""Which language a page is in, the language switch, and the software's words in that language.

A consultation whose spec offers several languages (``languages = ["en", "cy"]``) shows the
language switch on every page.  Each link is the same page with ``?lang=TAG``: the app's routes
stay as they are (a unique link ``/r/TOKEN`` works in either language, and so does a site's
``/<path>/`` prefix), and the choice is then kept in the session cookie the form already has, so
no other link needs to carry it.  A first visit is in the spec's own language (the first it
lists): the GOV.UK pattern leaves the choice to the person rather than to their browser's
settings.  A single-language consultation never reads or writes the choice.

The software's own words come from the plugin's gettext catalogue (domain ``surveykit_html``,
``locale/<lang>/LC_MESSAGES/surveykit_html.po``), through :func:`surveykit.i18n.translator`.
Python code marks a message where it is written (``mark``, or ``t.gettext(...)`` where the
translator is at hand) and a :class:`Words` carries a marked message and its values to the page
that shows it, in whatever language that page is in.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from attrs import field, frozen

from surveykit.i18n import Translator, catalogues_in, translator

if TYPE_CHECKING:  # the web stack is imported only where a page is served
    from starlette.requests import Request

__all__ = [
    "DOMAIN",
    "LOCALE",
    "QUERY",
    "SESSION_KEY",
    "Words",
    "catalogues",
    "choose",
    "closing_words",
    "date_words",
    "endonym",
    "instant_words",
    "question_title",
    "switch_links",
    "weekday_instant_words",
    "words_for",
]

#: The plugin's gettext domain and the folder its catalogues are in.
DOMAIN = "surveykit_html"
LOCALE = Path(__file__).parent / "locale"
#: The query parameter a language-switch link sets, and where the choice is kept.
QUERY = "lang"
SESSION_KEY = "lang"
#: Scope key under which a request's language is remembered once chosen.
_SCOPE = "surveykit.lang"


def catalogues() -> list[Any]:
    """The plugin's catalogues, for ``surveykit_register_catalogues``."""
    return catalogues_in(LOCALE, DOMAIN)


def words_for(lang: str, plugins: Any = None) -> Translator:
    """The web form's own words in ``lang`` (English where a message has no translation)."""
    return translator(DOMAIN, lang, plugins)


@frozen
class Words:
    """A message and the values to fill in, said in a page's language when it is shown.

    ``template`` is the English, marked for extraction where it is written; a value that is
    itself :class:`Words` is said in the same language first.
    """

    template: str
    params: Mapping[str, Any] = field(factory=dict)

    def say(self, words: Translator) -> str:
        said = {k: v.say(words) if isinstance(v, Words) else v for k, v in self.params.items()}
        text = words.gettext(self.template)
        return text.format(**said) if said else text

    def __str__(self) -> str:  # English, as the code writes it: for logs and old callers
        return self.template.format(**{k: str(v) for k, v in self.params.items()})


def choose(request: Request, languages: Sequence[str]) -> str:
    """The language of this request's page: ``?lang=`` if the consultation offers it (then
    kept in the session), else the session's earlier choice, else the spec's own language."""
    chosen = request.scope.get(_SCOPE)
    if chosen is not None:
        return chosen
    chosen = languages[0]
    if len(languages) > 1:
        asked = request.query_params.get(QUERY) if request.scope.get("query_string") else None
        # A site's finder page has no session: there the language is the link's alone.
        session = request.scope.get("session")
        if asked in languages:
            chosen = asked
            if session is not None and session.get(SESSION_KEY) != asked:
                session[SESSION_KEY] = asked
        elif session is not None:
            kept = session.get(SESSION_KEY)
            if isinstance(kept, str) and kept in languages:
                chosen = kept
    request.scope[_SCOPE] = chosen
    return chosen


def chosen_in_session(request: Request, languages: Sequence[str]) -> str | None:
    """The language this visitor chose with the switch, kept in their session; ``None`` where
    they never chose (their page is then in the spec's own language by default, which says
    nothing about them) or the consultation offers one language."""
    if len(languages) < 2:
        return None
    kept = request.session.get(SESSION_KEY)
    return kept if isinstance(kept, str) and kept in languages else None


@functools.cache
def endonym(tag: str) -> str:
    """A language's name in itself ("Cymraeg", "English"), as the switch shows it; the tag
    itself for a language Babel does not know."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(tag, sep="-").get_display_name(Locale.parse(tag, sep="-"))
    except (ValueError, UnknownLocaleError):
        return tag
    return (name or tag)[:1].upper() + (name or tag)[1:]


def switch_links(request: Request, lang: str, languages: Sequence[str]) -> list[dict[str, Any]]:
    """The language switch: each language with the link to this page in it (``None`` for the
    current one, which is not a link).  Other query parameters (``change=1``) are kept."""
    if len(languages) < 2:
        return []
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != QUERY]
    path = request.scope.get("root_path", "") + request.scope["path"]
    if request.method != "GET":
        kept = []
    links = []
    for tag in languages:
        href = None if tag == lang else f"{path}?{urlencode([*kept, (QUERY, tag)])}"
        links.append({"lang": tag, "name": endonym(tag), "href": href})
    return links


def question_title(question: Any, words: Translator) -> str:
    """A question as people refer to it, as ``Question.title`` says it in English: "Question
    13", or "Question 7 (Cost of services)" for a part."""
    number = question.number or question.id.partition(".")[0]
    if question.label:
        return words.gettext("Question {number} ({label})").format(
            number=number, label=question.label
        )
    return words.gettext("Question {number}").format(number=number)


# Dates in words ---------------------------------------------------------------------------


@functools.cache
def _babel_locale(lang: str) -> Any:
    """Babel's data for ``lang``, else English's (a private-use tag has none)."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(lang, sep="-")
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


def date_words(day: dt.date, lang: str, *, weekday: bool = False, month_only: bool = False) -> str:
    """A date as people write it in ``lang``: "5 March 2027", "5 Mawrth 2027", "March 2027",
    or with the day of the week first ("Friday 13 March 2015")."""
    from babel.dates import format_date

    pattern = "MMMM y" if month_only else ("EEEE d MMMM y" if weekday else "d MMMM y")
    text = format_date(day, pattern, locale=_babel_locale(lang))
    if weekday and lang.partition("-")[0] == "cy" and text.startswith("Dydd "):
        # A day named in a sentence is an adverb in Welsh, soft-mutated: "yn cau ddydd Gwener".
        text = "ddydd " + text[5:]
    return text


def instant_words(instant: dt.datetime, words: Translator, lang: str) -> str:
    """A local date and time: "2 March 2015 at 10:14", "2 Mawrth 2015 am 10:14"."""
    return words.gettext("{date} at {time}").format(
        date=date_words(instant.date(), lang), time=f"{instant:%H:%M}"
    )


def closing_words(closes: dt.date | dt.datetime, words: Translator, lang: str) -> str:
    """When a consultation closes, as :attr:`Metadata.closing_text` says it, in ``lang``:
    "Friday 13 March 2015, end of day"."""
    if isinstance(closes, dt.datetime):
        return f"{date_words(closes.date(), lang, weekday=True)}, {closes:%H:%M}"
    return words.gettext("{date}, end of day").format(date=date_words(closes, lang, weekday=True))


def weekday_instant_words(instant: dt.datetime, words: Translator, lang: str) -> str:
    """ "Monday 2 March 2015 at 10:00": when a consultation opens."""
    return words.gettext("{date} at {time}").format(
        date=date_words(instant.date(), lang, weekday=True), time=f"{instant:%H:%M}"
    )
