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

from surveykit.i18n import EXTRACT_KEYWORDS
from welshcheck import english_in, translated_sources  # noqa: F401  (the web tests' names)
from welshcheck import english_phrases as shared_english_phrases

BILINGUAL = ROOT / "specs" / "examples" / "bilingual_example.toml"
WELSH_FILE = ROOT / "specs" / "examples" / "bilingual_example.cy.toml"
HTML = ROOT / "plugins" / "surveykit_html"
LOCALE = HTML / "locale"
DOMAIN = "surveykit_html"
#: A day inside the bilingual example's window (1 February to 30 April 2027).
IN_WINDOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)


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
    """The English of the web form's messages (see :func:`welshcheck.english_phrases`)."""
    return shared_english_phrases([catalogue("cy")])
