"""What counts as English on a screen that should be wholly Welsh: the English of the software's
messages (from the Welsh catalogues' msgids, cut at their placeholders) and the spec's English
texts that have a Welsh translation.  Shared by the web form's and the terminal form's Welsh
tests (imported by name, as ``browsertools`` is)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from babel.messages.catalog import Catalog

from surveykit import Consultation
from surveykit.translations import missing, texts

#: A placeholder in a message: ``{name}``, ``%(name)s`` (templates), ``%%{count}`` (GOV.UK's).
PLACEHOLDER = re.compile(r"%%\{\w+\}|%\(\w+\)s|\{\w+\}")


def english_phrases(welsh: Iterable[Catalog]) -> set[str]:
    """The English of every message of the ``welsh`` catalogues, cut at its placeholders: a
    Welsh screen showing one of these shows the software's English.  A piece the Welsh keeps
    as it is (a code, "UTF-8", "Ctrl-B") is not English on a Welsh screen, nor is a word of
    two letters left alone by a placeholder ("At {when}"), which Welsh has too."""
    phrases = set()
    for catalogue in welsh:
        for message in catalogue:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            said = " ".join(strings)
            for msgid in ids:
                for piece in PLACEHOLDER.split(msgid):
                    piece = piece.strip(' .,:;()"“”')
                    if re.search(r"[A-Za-z]{2}", piece) and piece not in said:
                        if len(piece) <= 2:  # "At {when}": "at" is Welsh too (at = to)
                            continue
                        phrases.add(piece)
    return phrases


def translated_sources(consultation: Consultation, lang: str) -> set[str]:
    """The spec's English texts that have a translation into ``lang``: none may show.  A text
    of several paragraphs shows as several, so each line is looked for."""
    untranslated = {t.address for t in missing(consultation, lang)}
    found = set()
    for text in texts(consultation):
        if text.address in untranslated:
            continue
        for line in text.text.replace("**", "").splitlines():
            if line.strip():
                found.add(line.strip())
    return found


def english_in(text: str, phrases: set[str]) -> list[str]:
    """The English phrases found in ``text``, each as a whole phrase (word boundaries)."""
    return [
        phrase
        for phrase in phrases
        if re.search(rf"(?<![\w’']){re.escape(phrase)}(?![\w’'])", text)  # noqa: RUF001
    ]
