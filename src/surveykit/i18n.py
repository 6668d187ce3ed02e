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

import io
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import frozen

if TYPE_CHECKING:
    from babel.support import Translations

    from .plugins import Plugins

__all__ = [
    "CORE_DOMAIN",
    "SOURCE_LANGUAGE",
    "Catalogue",
    "Translator",
    "catalogues_in",
    "known_languages",
    "mark",
    "problem_text",
    "translator",
]

#: The language the software's messages are written in, in the code.
SOURCE_LANGUAGE = "en"
#: The domain of the core's own messages (:mod:`surveykit` itself, not a plugin).
CORE_DOMAIN = "surveykit"
CORE_LOCALE = Path(__file__).parent / "locale"


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
    yield from catalogues_in(CORE_LOCALE, CORE_DOMAIN)
    yield from plugins.catalogues.items.values()


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
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        loaded = Translations(buffer, domain=domain)
        merged = loaded if merged is None else merged.add(loaded, merge=True)
    return merged


def problem_text(problem: object, language: str, plugins: Plugins | None = None) -> str:
    """What a problem with an answer (an :class:`~surveykit.errors.AnswerProblem`, a kind's
    :class:`~surveykit.kinds.Rejected`) says in ``language``: its message ``template`` looked up
    in its ``domain``'s catalogue and filled in with its ``params``; a problem that carries no
    template says its English ``message``."""
    template = getattr(problem, "template", None)
    message = str(getattr(problem, "message", problem))
    if not template:
        return message
    domain = getattr(problem, "domain", None) or CORE_DOMAIN
    params = getattr(problem, "params", None) or {}
    return translator(domain, language, plugins).gettext(template).format(**params)
