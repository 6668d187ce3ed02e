"""Helpers for the terminal form's language tests: the bilingual example open now, a person on
its roster, the English a Welsh screen must not show, and a pseudo-language's catalogues
(imported by name: conftest modules are not)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from babel.messages.pofile import read_po
from termtools import ROOT

from pseudolocale import PSEUDO, WRAPPED  # noqa: F401  (the terminal tests' names)
from pseudolocale import pseudo_catalogues as shared_pseudo_catalogues
from surveykit import load_spec, open_store
from surveykit.i18n import CORE_DOMAIN, CORE_LOCALE, Catalogue, catalogues_in
from surveykit.identity import load_secret
from surveykit.roster import RosterEntry, plan_links
from welshcheck import english_in, translated_sources  # noqa: F401  (the terminal tests' names)
from welshcheck import english_phrases as shared_english_phrases

BILINGUAL = ROOT / "specs" / "examples" / "bilingual_example.toml"
WELSH_FILE = ROOT / "specs" / "examples" / "bilingual_example.cy.toml"
#: The catalogues whose words a terminal session shows: the form's own, and the answer
#: problems of the core and the kinds.
DOMAINS = {
    "surveykit_terminal": ROOT / "plugins" / "surveykit_terminal" / "locale",
    "surveykit_kinds": ROOT / "plugins" / "surveykit_kinds" / "locale",
    CORE_DOMAIN: CORE_LOCALE,
}


def bilingual_spec(folder: Path, *, languages: tuple[str, ...] = ("en", "cy")) -> Path:
    """The bilingual example and its Welsh file in ``folder``, open from today (its window
    starts in 2027), offering ``languages``."""
    spec = BILINGUAL.read_text(encoding="utf-8")
    spec = re.sub(r"(?m)^opens = 2027-02-01\n", "", spec)
    listed = ", ".join(f'"{lang}"' for lang in languages)
    spec = spec.replace('languages = ["en", "cy"]', f"languages = [{listed}]")
    (folder / WELSH_FILE.name).write_text(WELSH_FILE.read_text(encoding="utf-8"), "utf-8")
    path = folder / BILINGUAL.name
    path.write_text(spec, encoding="utf-8")
    return path


def add_person(db: str, spec: Path, name: str) -> tuple[str, str]:
    """A resident on the spec's roster: (respondent id, clear token)."""
    consultation = load_spec(spec)
    entry = RosterEntry(2, "", "", "other", name, "")
    with open_store(db) as store:
        plan = plan_links(store, load_secret(None), consultation, [entry], now=_now())
        plan.commit(store)
    link = plan.links[0]
    return link.respondent.id, link.token.value


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _catalogue(domain: str, lang: str):
    with (DOMAINS[domain] / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as po:
        return read_po(po, locale=lang, domain=domain)


def english_phrases() -> set[str]:
    """The English of every message a session may show: the form's, the core's and the
    kinds' (see :func:`welshcheck.english_phrases`)."""
    return shared_english_phrases(_catalogue(domain, "cy") for domain in DOMAINS)


def pseudo_catalogues(folder: Path) -> list[Catalogue]:
    """Each English catalogue a session uses, with every message wrapped (``⟦Continue⟧``), as
    the pseudo-language's: the form's, the core's and the kinds'."""
    english = [c for domain, locale in DOMAINS.items() for c in catalogues_in(locale, domain)]
    return shared_pseudo_catalogues(english, folder)
