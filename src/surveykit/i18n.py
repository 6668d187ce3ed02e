"""The software's own words in the respondent's language: gettext catalogues, found through plugins.

Every message surveykit itself shows (a button, an error, the email form's instructions, a
report heading) is written in English in the code, marked for extraction, and looked up at run
time in a gettext catalogue for the language wanted.  The consultation's own text is not here:
it is translated in the spec (:mod:`surveykit.translations`).

Catalogues are plain ``.po`` files, one per *domain* (the core's ``surveykit`` and one per
plugin, so each plugin's words travel with it) and language, kept in the usual
``<directory>/<language>/LC_MESSAGES/<domain>.po`` layout that Babel's ``pybabel`` tools
extract, initialise and update.  They are read with Babel and compiled in memory on first use,
so a translator's edit to a ``.po`` file is all it takes: no compiled ``.mo`` file to forget.
A plugin adds a language, or a catalogue of its own, through the
``surveykit_register_catalogues`` hook, exactly as the built-in plugins do (docs/languages.md).

English is the source language: where no English catalogue has a message, or its entry is
empty or fuzzy, the English written in the code is shown; the same holds for a message a
catalogue lacks in any language, so a missing translation shows English, never nothing (the
tests refuse a Welsh catalogue with a gap).
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._classes import frozen

if TYPE_CHECKING:
    from babel.support import Translations

    from .model import Question
    from .plugins import Plugins

__all__ = [
    "CORE_DOMAIN",
    "EXTRACT_KEYWORDS",
    "MONTH_NAMES",
    "SOURCE_LANGUAGE",
    "WEEKDAY_NAMES",
    "Catalogue",
    "Phrase",
    "Translator",
    "catalogues_in",
    "known_languages",
    "mark",
    "month_name",
    "phrase",
    "phrase_n",
    "problem_text",
    "spoken_date",
    "spoken_month",
    "title_of",
    "translator",
]

#: The language the software's messages are written in, in the code.
SOURCE_LANGUAGE = "en"
#: The domain of the core's own messages (:mod:`surveykit` itself, not a plugin).
CORE_DOMAIN = "surveykit"
CORE_LOCALE = Path(__file__).parent / "locale"
#: The functions whose literal arguments are messages, as Babel's extractors take them
#: (``name: None`` is the first argument; ``(1, 2)`` a singular and a plural).  ``make
#: catalogues`` passes the same as ``-k`` options, and tests/test_catalogues.py checks both.
EXTRACT_KEYWORDS: Mapping[str, tuple[int, ...] | None] = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),  # type: ignore[dict-item]
    "mark": None,
    "phrase": None,
    "phrase_n": (1, 2),
}


@frozen
class Catalogue:
    """One ``.po`` file: the messages of ``domain`` in ``language``."""

    domain: str
    language: str
    path: Path

    @property
    def name(self) -> str:
        """How the registry knows it: two plugins may not both give one domain's language."""
        return f"{self.domain}/{self.language}"


def catalogues_in(directory: Path | str, domain: str) -> list[Catalogue]:
    """Every ``<language>/LC_MESSAGES/<domain>.po`` under ``directory``, for a plugin to
    register (``directory`` is usually the ``locale`` folder beside its code)."""
    root = Path(directory)
    found = sorted(root.glob(f"*/LC_MESSAGES/{domain}.po"))
    return [Catalogue(domain, path.parents[1].name, path) for path in found]


def mark(message: str) -> str:
    """Mark a message for extraction where it is written, to be translated where it is shown
    (a module-level constant, say); returns it unchanged."""
    return message


class Phrase(str):
    """English text that can say itself in another language: the English (it *is* the string,
    so every caller that prints, compares or joins it sees the English as before), with the
    message ``template`` it was made from, the ``params`` that filled it in and the catalogue
    ``domain`` to look the template up in.  A plural phrase has a ``plural`` template and the
    ``count`` that chooses between them, by each language's own plural rules.

    A param may itself be a :class:`Phrase` ("Question 7", "31 March 2027", "piece of text"),
    said in the same language: that is how a message names a question or a date in Welsh.
    Make one with :func:`phrase` or :func:`phrase_n`, whose literal arguments are extracted.
    """

    template: str
    params: Mapping[str, Any]
    domain: str
    plural: str | None
    count: int | None

    def __new__(
        cls,
        template: str,
        params: Mapping[str, Any] | None = None,
        domain: str = CORE_DOMAIN,
        plural: str | None = None,
        count: int | None = None,
    ) -> Phrase:
        params = dict(params or {})
        english = plural if plural is not None and count != 1 else template
        self = super().__new__(cls, english.format(**params))
        self.template = template
        self.params = params
        self.domain = domain
        self.plural = plural
        self.count = count
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Phrase, (self.template, self.params, self.domain, self.plural, self.count))

    def in_language(self, language: str, plugins: Plugins | None = None) -> str:
        """This phrase in ``language`` (its English where a catalogue lacks it)."""
        return _said(self.template, self.params, self.domain, self.plural, self.count,
                     language, plugins)  # fmt: skip


def phrase(template: str, /, *, domain: str = CORE_DOMAIN, **params: Any) -> Phrase:
    """``template`` filled in with ``params``, translatable later: ``phrase("{title}: an
    answer is required", title=title_of(question))``.  Write the template as a literal, so
    that ``make catalogues`` extracts it."""
    return Phrase(template, params, domain)


def phrase_n(
    singular: str, plural: str, count: int, /, *, domain: str = CORE_DOMAIN, **params: Any
) -> Phrase:
    """A phrase with a singular and a plural, chosen by ``count`` (itself a param, ``{count}``):
    ``phrase_n("{count} option", "{count} options", n)``.  Welsh has six forms, English two."""
    return Phrase(singular, {"count": count, **params}, domain, plural, count)


#: The months' and days' names: the words of a date said to a respondent.
MONTH_NAMES = (
    mark("January"), mark("February"), mark("March"), mark("April"), mark("May"),
    mark("June"), mark("July"), mark("August"), mark("September"), mark("October"),
    mark("November"), mark("December"),
)  # fmt: skip
WEEKDAY_NAMES = (
    mark("Monday"), mark("Tuesday"), mark("Wednesday"), mark("Thursday"), mark("Friday"),
    mark("Saturday"), mark("Sunday"),
)  # fmt: skip


def month_name(month: int) -> Phrase:
    """The name of month ``month`` (1 to 12), to be said in any language."""
    return Phrase(MONTH_NAMES[month - 1])


def spoken_month(year: int, month: int) -> Phrase:
    """A month as people say it: "March 2027"."""
    return phrase("{month} {year}", month=month_name(month), year=year)


def spoken_date(day: dt.date, *, weekday: bool = False) -> Phrase:
    """A date as people say it: "31 March 2027", or "Wednesday 31 March 2027"."""
    if weekday:
        return phrase(
            "{weekday} {day} {month} {year}",
            weekday=Phrase(WEEKDAY_NAMES[day.weekday()]),
            day=day.day,
            month=month_name(day.month),
            year=day.year,
        )
    return phrase("{day} {month} {year}", day=day.day, month=month_name(day.month), year=day.year)


def title_of(question: Question) -> Phrase:
    """How messages name a question, ``question.title`` as a phrase: "Question 13", or its id
    when unnumbered; a part adds its own label, "Question 7 (Cost of services)".  The label is
    the question's own (so Welsh in a localised consultation); "Question" is translated."""
    number = question.number or question.id
    if question.label:
        return phrase("Question {number} ({label})", number=number, label=question.label)
    return phrase("Question {number}", number=number)


class Translator:
    """The messages of one domain in one language, with English as the fallback."""

    def __init__(self, domain: str, language: str, translations: Translations | None) -> None:
        self.domain = domain
        self.language = language
        self.translations = translations

    def gettext(self, message: str) -> str:
        """``message`` in this language (the English itself where no translation is known)."""
        if self.translations is None:
            return message
        return self.translations.gettext(message)

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural form for ``n``, by this language's plural rules (Welsh has
        six), with ``{n}``-style formatting left to the caller."""
        if self.translations is None:
            return singular if n == 1 else plural
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        """``message`` as meant in ``context``, where one English word has several meanings."""
        if self.translations is None:
            return message
        return self.translations.pgettext(context, message)


_cache: dict[tuple[int, str, str], Translator] = {}
_lock = threading.Lock()


def translator(domain: str, language: str, plugins: Plugins | None = None) -> Translator:
    """The :class:`Translator` for ``domain`` in ``language``, from the catalogues the plugins
    register (and the core's own); read once per process."""
    from .plugins import get_plugins

    plugins = plugins or get_plugins()
    key = (id(plugins), domain, language)
    with _lock:
        found = _cache.get(key)
        if found is None:
            paths = [c.path for c in _catalogues(plugins) if (c.domain, c.language) == key[1:]]
            found = _cache[key] = Translator(domain, language, _compiled(paths, language, domain))
        return found


def known_languages(plugins: Plugins | None = None) -> tuple[str, ...]:
    """Every language some catalogue gives the software's messages in, the source first."""
    from .plugins import get_plugins

    found = {c.language for c in _catalogues(plugins or get_plugins())}
    return (SOURCE_LANGUAGE, *sorted(found - {SOURCE_LANGUAGE}))


def _catalogues(plugins: Plugins) -> Iterable[Catalogue]:
    """The core's catalogues, then the plugins'; a plugin may add a language to the core's
    domain, but not give one the core already has (two catalogues would silently merge)."""
    core = catalogues_in(CORE_LOCALE, CORE_DOMAIN)
    yield from core
    registry = plugins.catalogues
    for catalogue in core:
        if catalogue.name in registry:
            from .errors import PluginError

            msg = (
                f"message catalogue {catalogue.name!r} is given by both surveykit itself and "
                f"plugin {registry.owners[catalogue.name]!r}; uninstall the plugin or narrow "
                "SURVEYKIT_LOAD_PLUGINS"
            )
            raise PluginError(msg)
    yield from registry.items.values()


def _compiled(paths: list[Path], language: str, domain: str) -> Translations | None:
    """The ``.po`` files read with Babel and compiled in memory (fuzzy and empty entries
    left out, so English shows instead), or ``None`` where there are none."""
    if not paths:
        return None
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    merged: Translations | None = None
    for path in paths:
        with path.open("rb") as po:
            catalog = read_po(po, locale=language, domain=domain)
        for message in list(catalog):  # a plural with a form left empty is not translated
            if message.id and isinstance(message.string, tuple) and not all(message.string):
                catalog.delete(message.id, context=message.context)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        loaded = Translations(buffer, domain=domain)
        merged = loaded if merged is None else merged.add(loaded, merge=True)
    return merged


def problem_text(problem: object, language: str, plugins: Plugins | None = None) -> str:
    """What a problem with an answer (an :class:`~surveykit.errors.AnswerProblem`, a kind's
    :class:`~surveykit.kinds.Rejected`, a :class:`~surveykit.people.PersonProblem`, a
    :class:`~surveykit.errors.SurveykitError`, a :class:`Phrase`) says in ``language``: its
    message ``template`` looked up in its ``domain``'s catalogue and filled in with its
    ``params``, each param that is a :class:`Phrase` said in ``language`` too; with a
    ``plural``, the form for ``params["count"]`` in that language.  Something that
    carries no template says its English ``message`` (or ``str()``)."""
    template = getattr(problem, "template", None)
    if not template:
        return str(getattr(problem, "message", problem))
    params = getattr(problem, "params", None) or {}
    plural = getattr(problem, "plural", None)
    count = getattr(problem, "count", None)
    if count is None and plural is not None:
        count = params.get("count")
    domain = getattr(problem, "domain", None) or CORE_DOMAIN
    return _said(template, params, domain, plural, count, language, plugins)


def _said(
    template: str,
    params: Mapping[str, Any],
    domain: str,
    plural: str | None,
    count: int | None,
    language: str,
    plugins: Plugins | None,
) -> str:
    """A template in ``language``, filled in; the English template if a translation cannot be
    filled in (a third-party catalogue naming a placeholder the message does not have)."""
    said = {
        key: _said(v.template, v.params, v.domain, v.plural, v.count, language, plugins)
        if isinstance(v, Phrase)
        else v
        for key, v in params.items()
    }
    words = translator(domain, language, plugins)
    if plural is not None and count is not None:
        wanted = words.ngettext(template, plural, count)
        english = template if count == 1 else plural
    else:
        wanted = words.gettext(template)
        english = template
    try:
        return wanted.format(**said)
    except (KeyError, IndexError, ValueError, AttributeError):
        return english.format(**said)
