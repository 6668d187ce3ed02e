"""Every word the email channel writes to a respondent comes from a catalogue: with a made-up
language (``qps``) whose catalogues wrap each English message in ⟦ ⟧ registered by a plugin,
every line of the email form and of an invitation is wrapped, the spec's own text, or the
respondent's own details; a word written without gettext shows bare, and this test names it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import surveykit.plugins
from pseudolocale import PSEUDO, bare, catalogue_plugin, pseudo_catalogues, spec_lines
from surveykit import Plugins, Respondent, load_spec
from surveykit.i18n import CORE_DOMAIN, CORE_LOCALE, catalogues_in
from surveykit_email.form import write_form
from surveykit_email.outbox import compose

ROOT = Path(__file__).resolve().parents[2]
BILINGUAL = ROOT / "specs" / "examples" / "bilingual_example.toml"
WELSH = ROOT / "specs" / "examples" / "bilingual_example.cy.toml"
REFERENCE = "SK-2TX4-64WF-G91Z"
LINK = "https://consult.example.org/r/abcdef"
NOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def pseudo(tmp_path, monkeypatch):
    """The bilingual example offered in the pseudo-language too, with the default plugins
    (which the email channel reads its words through) giving its catalogues."""
    plugins = Plugins()
    plugins.load_entry_points()
    english = [*catalogues_in(CORE_LOCALE, CORE_DOMAIN), *plugins.catalogues.items.values()]
    assert "surveykit_email" in {c.domain for c in english}
    plugins.register(catalogue_plugin(pseudo_catalogues(english, tmp_path / "locale")))
    monkeypatch.setattr(surveykit.plugins, "_default", plugins)
    text = BILINGUAL.read_text(encoding="utf-8")
    spec = tmp_path / BILINGUAL.name
    spec.write_text(
        text.replace('languages = ["en", "cy"]', f'languages = ["en", "cy", "{PSEUDO}"]')
    )
    (tmp_path / WELSH.name).write_text(WELSH.read_text(encoding="utf-8"), encoding="utf-8")
    consultation = load_spec(spec, kinds=plugins.kinds)
    assert consultation.languages == ("en", "cy", PSEUDO)
    return consultation, plugins


def _leaks(text: str, allowed: list[str]) -> list[str]:
    """The words of ``text`` from no catalogue, with what is around them.  The text is read as
    one line, since the form wraps long messages and texts over several."""
    flat = " ".join(text.split())
    # A section's title is a heading in capitals: the spec's text all the same.
    every = sorted({v for a in allowed for v in (a, a.upper())}, key=len, reverse=True)
    left = bare(flat, [" ".join(a.split()) for a in every])
    return re.findall(r"\S*[^\W\d_]\S*", left)


@pytest.mark.parametrize("intros", [False, True])
@pytest.mark.parametrize("reference", [REFERENCE, None])
def test_every_word_of_the_email_form_comes_from_a_catalogue(pseudo, intros, reference):
    consultation, plugins = pseudo
    form = write_form(consultation, reference=reference, intros=intros, language=PSEUDO)
    assert "⟦" in form
    assert _leaks(form, [*spec_lines(consultation, plugins.kinds), REFERENCE]) == []


@pytest.mark.parametrize("reminder", [False, True])
def test_every_word_of_an_invitation_comes_from_a_catalogue(pseudo, reminder):
    consultation, plugins = pseudo
    person = Respondent(
        consultation=consultation.metadata.id,
        authority="Powys",
        authority_type="",
        role="other",
        name="Siân Pritchard",
        email="sian@llan.example",
    )
    message = compose(
        consultation,
        person,
        sender="Llyfrgelloedd <libraries@example-county.gov.uk>",
        reference=REFERENCE,
        link=LINK,
        reminder=reminder,
        now=NOW,
        language=PSEUDO,
    )
    text = message.get_content()
    allowed = [*spec_lines(consultation, plugins.kinds), REFERENCE, LINK, person.name]
    assert _leaks(text, allowed) == []
    assert bare(str(message["Subject"]), allowed) == ""


def test_the_check_finds_a_word_written_without_gettext(pseudo):
    consultation, plugins = pseudo
    form = write_form(consultation, reference=REFERENCE, language=PSEUDO)
    planted = re.sub(r"(⟦[^⟧]*⟧)", r"\1 Please", form, count=1)
    assert _leaks(planted, spec_lines(consultation, plugins.kinds)) == ["Please"]
