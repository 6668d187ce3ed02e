"""The email channel's own words are all in its catalogues, in English and complete in Welsh."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from surveykit import get_plugins
from surveykit.i18n import translator
from surveykit.wording import COUNT_RELATIONS, DATE_RELATIONS, MONTH_RELATIONS, NUMBER_RELATIONS
from surveykit_email.language import DOMAIN, LOCALE
from surveykit_email.wording import CORE_PHRASES, COUNT_PHRASES, phrasebook

PACKAGE = Path(__file__).resolve().parents[2] / "plugins" / "surveykit_email"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "mark": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}


def _extracted() -> set[object]:
    """Every message the package's code marks, as ``msgid`` (a pair for a plural)."""
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        key = message if isinstance(message, str) else tuple(message)
        found.add((context, key))
    return found


def _catalogue(language: str):
    path = LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


EXTRACTED = _extracted()


def _names(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_message_in_the_code_is_in_the_catalogue_and_nothing_else(language):
    catalogue = _catalogue(language)
    entries = {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in catalogue}
    entries.discard((None, ""))
    assert EXTRACTED - entries == set(), "run the extraction again (docs/languages.md)"
    assert entries - EXTRACTED == set(), "obsolete entries"
    assert not catalogue.obsolete


def test_the_welsh_catalogue_is_complete_with_the_same_placeholders():
    catalogue = _catalogue("cy")
    assert catalogue.num_plurals == 6
    for message in catalogue:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        sources = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert strings, message.id
        assert all(s.strip() for s in strings), message.id
        wanted = set().union(*(_names(s) for s in sources))
        for text in strings:
            assert _names(text) == wanted, (message.id, text)


def test_the_english_catalogue_adds_nothing_to_the_code():
    for message in _catalogue("en"):
        if message.id:
            strings = [message.string] if isinstance(message.string, str) else message.string
            assert not any(strings), message.id


def test_the_plugin_registers_both_catalogues():
    names = set(get_plugins().catalogues.items)
    assert {f"{DOMAIN}/en", f"{DOMAIN}/cy"} <= names
    assert translator(DOMAIN, "cy").gettext("Your answer:") == "Eich ateb:"


def test_the_core_phrases_translated_here_are_the_cores():
    core = {
        phrase
        for table in (NUMBER_RELATIONS, DATE_RELATIONS, MONTH_RELATIONS)
        for phrase in table.values()
    }
    assert core == set(CORE_PHRASES)
    assert set(COUNT_PHRASES) == set(COUNT_RELATIONS)


def test_the_welsh_phrasebook_is_valid():
    """A Welsh phrase using a field its English does not would fail here, not in a form."""
    book = phrasebook("cy")
    assert book.equals == "gwnaethoch ateb {label} i {name}"
