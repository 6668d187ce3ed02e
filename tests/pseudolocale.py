"""A made-up language whose every message is the English one wrapped in ⟦ ⟧, for the tests
that fail when a channel shows a word that did not come from a catalogue.

``qps`` is a private-use tag, as Microsoft's ``qps-ploc`` pseudo-locale: a plugin registers
its catalogues exactly as a third-party language plugin would, a spec offers it beside English
and Welsh, and then every word a respondent sees is either wrapped, the spec's own text, or a
leak.  Shared by the web form's, the email form's and the terminal form's tests (imported by
name, as ``browsertools`` is)."""

from __future__ import annotations

import re
import types
from collections.abc import Iterable
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from surveykit import Consultation, hookimpl
from surveykit.i18n import Catalogue
from surveykit.translations import texts

PSEUDO = "qps"
WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")


def wrapped(english: Catalogue, folder: Path) -> Catalogue:
    """``english`` with every message wrapped (``⟦Continue⟧``), as the pseudo-language's."""
    with english.path.open("rb") as po:
        catalog = read_po(po, locale="en", domain=english.domain)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(f"⟦{form}⟧" for form in message.id)
        else:
            message.string = f"⟦{message.id}⟧"
    path = folder / PSEUDO / "LC_MESSAGES" / f"{english.domain}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(po, catalog)
    return Catalogue(english.domain, PSEUDO, path)


def pseudo_catalogues(english: Iterable[Catalogue], folder: Path) -> list[Catalogue]:
    """The pseudo-language's catalogue for each English one given."""
    return [wrapped(c, folder) for c in english if c.language == "en"]


def catalogue_plugin(catalogues: Iterable[Catalogue]) -> types.ModuleType:
    """A plugin registering ``catalogues`` through ``surveykit_register_catalogues``."""
    given = list(catalogues)
    module = types.ModuleType("pseudo_catalogues")

    @hookimpl
    def surveykit_register_catalogues(register):
        for catalogue in given:
            register(catalogue)

    module.surveykit_register_catalogues = surveykit_register_catalogues
    return module


def spec_lines(consultation: Consultation, kinds=None) -> list[str]:
    """Every line of the spec's own texts, longest first (so a longer one is taken out before
    a shorter one inside it)."""
    lines = {
        line.strip()
        for t in texts(consultation, kinds)
        for line in t.text.replace("**", "").splitlines()
        if line.strip()
    }
    return sorted(lines, key=len, reverse=True)


def bare(text: str, allowed: Iterable[str]) -> str:
    """What is left of ``text`` once every wrapped message and every ``allowed`` text (the
    spec's, a reference) is taken out; a letter left in it is a word from no catalogue."""
    left = text
    while WRAPPED.search(left):
        left = WRAPPED.sub(" ", left)
    for known in allowed:
        left = left.replace(known, " ")
    return left if re.search(r"[^\W\d_]", left) else ""
