"""Helpers for the web form's language tests: the bilingual example, its catalogue's messages,
and what counts as English on a page (imported by name: conftest modules are not)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from webtools import ROOT

from surveykit import Consultation
from surveykit.i18n import EXTRACT_KEYWORDS
from surveykit.translations import missing, texts

BILINGUAL = ROOT / "specs" / "examples" / "bilingual_example.toml"
WELSH_FILE = ROOT / "specs" / "examples" / "bilingual_example.cy.toml"
HTML = ROOT / "plugins" / "surveykit_html"
LOCALE = HTML / "locale"
DOMAIN = "surveykit_html"
#: A day inside the bilingual example's window (1 February to 30 April 2027).
IN_WINDOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)
#: A placeholder in a message: ``{number}``, ``%(count)s``, GOV.UK Frontend's ``%%{count}``.
PLACEHOLDER = re.compile(r"%%\{\w+\}|%\(\w+\)s|\{\w+\}")


def bilingual_copy(folder: Path, *, drop: tuple[str, ...] = (), opens: bool = True) -> Path:
    """The bilingual example and its Welsh file, copied into ``folder``; each address in
    ``drop`` loses its Welsh translation, and without ``opens`` it opens at once."""
    spec = BILINGUAL.read_text(encoding="utf-8")
    if not opens:
        spec = re.sub(r"(?m)^opens = 2027-02-01\n", "", spec)
    welsh = WELSH_FILE.read_text(encoding="utf-8")
    for address in drop:
        welsh, count = re.subn(rf'(?m)^"{re.escape(address)}" = .*\n', "", welsh)
        assert count == 1, address
    (folder / WELSH_FILE.name).write_text(welsh, encoding="utf-8")
    path = folder / BILINGUAL.name
    path.write_text(spec, encoding="utf-8")
    return path


def extracted() -> dict[str | tuple[str, ...], list[str]]:
    """Every message the web form's code and templates mark, as `make catalogues` extracts
    them (the repository's babel.cfg and surveykit.i18n.EXTRACT_KEYWORDS), with where each is."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str | tuple[str, ...], list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        HTML, method_map, options_map, keywords=EXTRACT_KEYWORDS
    ):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


def catalogue(lang: str):
    """The plugin's ``.po`` catalogue for ``lang``, as Babel reads it."""
    with (LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as po:
        return read_po(po, locale=lang, domain=DOMAIN)


def english_phrases() -> set[str]:
    """The English of the web form's messages, cut at their placeholders: a Welsh page showing
    one of these shows the software's English.  A phrase the Welsh catalogue keeps as it is
    (a code, "UTF-8") is not English on a Welsh page."""
    welsh = catalogue("cy")
    phrases = set()
    for message in welsh:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        said = " ".join(strings)
        for msgid in ids:
            for piece in PLACEHOLDER.split(msgid):
                piece = piece.strip(" .,:;()“”")
                if re.search(r"[A-Za-z]{2}", piece) and piece not in said:
                    phrases.add(piece)
    return phrases


def translated_sources(consultation: Consultation, lang: str) -> set[str]:
    """The spec's English texts that have a translation into ``lang``: none may show."""
    untranslated = {t.address for t in missing(consultation, lang)}
    found = set()
    for text in texts(consultation):
        if text.address in untranslated:
            continue
        # A text of several paragraphs shows as several: each line is looked for.
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
