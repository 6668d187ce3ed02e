"""Translations of a consultation's own text (issue 17): read from the spec and its translation
files, checked with FILE:LINE, warned about when missing or stale, and applied by ``localise``
without touching anything answers depend on."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveykit import Metadata, Section, SpecError, get_plugins, load_spec
from surveykit.conditions import parse_condition
from surveykit.model import Consultation, Translation
from surveykit.testing_kinds import questions_for
from surveykit.translations import (
    UnknownLanguage,
    fingerprint,
    localise,
    missing,
    stale,
    texts,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "specs" / "examples" / "bilingual_example.toml"
KINDS = get_plugins().kinds

SPEC = """\
[consultation]
id = "parks"
title = "Parks"
publisher = "Example Council"
closes = 2099-12-31
languages = ["en", "cy"]
{extra}
[[sections]]
id = "about"
title = "About you"

[[sections.questions]]
id = "q1"
text = "Do you use the park?"
kind = "single"
options = [
  {{ value = "yes", label = "Yes" }},
  {{ value = "no", label = "No" }},
]

[[sections.questions]]
id = "visits"
text = "How many visits a month?"
kind = "number"
unit = "visits"

[[sections.questions]]
id = "rate"
text = "How good are these?"
kind = "grid"
options = [{{ value = "good", label = "Good" }}, {{ value = "poor", label = "Poor" }}]
rows = [{{ id = "paths", text = "Paths", hint = "Including cycle paths" }}]
"""

WELSH = {
    "title": "Parciau",
    "publisher": "Cyngor Enghraifft",
    "sections.about.title": "Amdanoch chi",
    "q1.text": "Ydych chi'n defnyddio'r parc?",
    "q1.options.yes": "Ydw",
    "q1.options.no": "Nac ydw",
    "visits.text": "Sawl ymweliad y mis?",
    "visits.unit": "ymweliad",
    "rate.text": "Pa mor dda yw'r rhain?",
    "rate.options.good": "Da",
    "rate.options.poor": "Gwael",
    "rate.rows.paths.text": "Llwybrau",
    "rate.rows.paths.hint": "Gan gynnwys llwybrau beicio",
}
ENGLISH = {
    "title": "Parks",
    "publisher": "Example Council",
    "sections.about.title": "About you",
    "q1.text": "Do you use the park?",
    "q1.options.yes": "Yes",
    "q1.options.no": "No",
    "visits.text": "How many visits a month?",
    "visits.unit": "visits",
    "rate.text": "How good are these?",
    "rate.options.good": "Good",
    "rate.options.poor": "Poor",
    "rate.rows.paths.text": "Paths",
    "rate.rows.paths.hint": "Including cycle paths",
}


def entry(address: str, text: str, source: str | None = None) -> str:
    made_from = fingerprint(ENGLISH[address]) if source is None else source
    return f'"{address}" = {{ text = "{text}", source = "{made_from}" }}\n'


def write(folder: Path, extra: str = "", welsh: dict[str, str] | None = None, **files: str) -> Path:
    """The spec in ``folder``, its ``extra`` [consultation] lines, and each translation file."""
    spec = folder / "parks.toml"
    body = SPEC.format(extra=extra)
    if welsh is not None:
        body += "\n[translations.cy]\n" + "".join(entry(a, t) for a, t in welsh.items())
    spec.write_text(body, encoding="utf-8")
    for name, text in files.items():
        (folder / name.replace("_", ".")).write_text(text, encoding="utf-8")
    return spec


def problems(spec: Path) -> list[tuple[str, str, int | None, str]]:
    with pytest.raises(SpecError) as raised:
        load_spec(spec)
    return [(p.code, Path(p.file).name, p.line, p.message) for p in raised.value.problems]


def line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if fragment in line)


# fingerprints --------------------------------------------------------------------------------


@given(st.text())
def test_a_fingerprint_is_8_hex_digits_of_the_nfc_text(text):
    expected = hashlib.sha256(unicodedata.normalize("NFC", text).encode()).hexdigest()[:8]
    assert fingerprint(text) == expected
    assert fingerprint(unicodedata.normalize("NFD", text)) == expected


def test_a_fingerprint_tells_an_edit_apart():
    assert fingerprint("Do you use the park?") != fingerprint("Do you use the parks?")
    assert fingerprint("ŵ") == fingerprint("w\u0302")  # one character or two, the same word


# reading and localising -------------------------------------------------------------------


def test_translations_in_the_spec_give_the_consultation_in_welsh(tmp_path):
    c = load_spec(write(tmp_path, welsh=WELSH))
    assert c.warnings == ()
    assert c.languages == ("en", "cy")
    cy = localise(c, "cy")
    assert cy.text_language == "cy"
    assert cy.metadata.title == "Parciau"
    assert cy.sections[0].title == "Amdanoch chi"
    assert cy.question("q1").text == "Ydych chi'n defnyddio'r parc?"
    assert [o.label for o in cy.question("q1").options] == ["Ydw", "Nac ydw"]
    assert [o.value for o in cy.question("q1").options] == ["yes", "no"]
    assert cy.question("visits").settings["unit"] == "ymweliad"
    [row] = cy.question("rate").settings["rows"]
    assert dict(row) == {"id": "paths", "text": "Llwybrau", "hint": "Gan gynnwys llwybrau beicio"}
    # the grid's parts are made from the translated rows: the statement is asked in Welsh
    [part] = KINDS["grid"].expand(cy.question("rate"))
    assert (part.id, part.text) == ("rate.paths", "Llwybrau")


def test_localise_is_made_once_and_leads_back_to_the_spec(tmp_path):
    c = load_spec(write(tmp_path, welsh=WELSH))
    cy = localise(c, "cy")
    assert localise(c, "cy") is cy
    assert localise(c, "en") is c
    assert localise(cy, "en") is c
    assert localise(cy, "cy") is cy
    with pytest.raises(UnknownLanguage, match="not offered in 'fr'; its languages are en, cy"):
        localise(c, "fr")


def test_a_reopened_welsh_copy_leads_back_to_the_reopened_spec(tmp_path):
    c = load_spec(write(tmp_path, welsh=WELSH))
    reopened = localise(c, "cy").reopened_until(dt.date(2100, 1, 1))
    assert reopened.metadata.closes == dt.date(2100, 1, 1)
    assert localise(reopened, "en").metadata.closes == dt.date(2100, 1, 1)
    assert localise(reopened, "en").metadata.title == "Parks"


def test_translations_in_their_own_file(tmp_path):
    """A translator's file, named by translation_files, relative to the spec; a mistake in it
    is reported at that file's line."""
    good = "[translations.cy]\n" + "".join(entry(a, t) for a, t in WELSH.items())
    spec = write(tmp_path, 'translation_files = ["parks_cy_toml"]', parks_cy_toml=good)
    spec.write_text(spec.read_text().replace("parks_cy_toml", "parks.cy.toml"))
    c = load_spec(spec)
    assert c.warnings == ()
    assert c.metadata.translation_files == ("parks.cy.toml",)
    assert localise(c, "cy").question("q1").text == WELSH["q1.text"]
    file = tmp_path / "parks.cy.toml"
    file.write_text(good + '"q1.options.maybe" = { text = "Efallai", source = "00000000" }\n')
    [(code, name, line, message)] = problems(spec)
    assert (code, name, line) == ("bad_translation", "parks.cy.toml", len(WELSH) + 2)
    assert "q1.options.maybe is not the address of a text" in message


def test_a_translation_given_in_the_spec_and_in_a_file_is_refused_naming_both(tmp_path):
    spec = write(tmp_path, 'translation_files = ["more.toml"]', welsh={"title": "Parciau"})
    (tmp_path / "more.toml").write_text("[translations.cy]\n" + entry("title", "Parc"))
    [(code, name, line, message)] = problems(spec)
    assert (code, name, line) == ("bad_translation", "more.toml", 2)
    first = line_of(spec, '"title" =')
    assert message.endswith(
        f"title is translated twice (first on line {first} of {spec}); keep one"
    )


def test_an_unreadable_or_foreign_translation_file_is_refused(tmp_path):
    spec = write(tmp_path, 'translation_files = ["nowhere.toml", "other.toml"]')
    (tmp_path / "other.toml").write_text('[translations.cy]\n[consultation]\nid = "x"\n')
    found = problems(spec)
    assert found[0][:3] == ("bad_translation", "parks.toml", 7)
    assert "cannot read the translation file 'nowhere.toml'" in found[0][3]
    assert found[1][:3] == ("bad_translation", "other.toml", 2)
    assert "holds only [translations.LANG] tables, not 'consultation'" in found[1][3]


def test_a_translation_file_that_is_not_toml_is_reported_at_its_line(tmp_path):
    spec = write(tmp_path, 'translation_files = ["broken.toml"]')
    (tmp_path / "broken.toml").write_text('[translations.cy]\n"title" = { text = "Parc"\n')
    [(code, name, line, _)] = problems(spec)
    assert (code, name, line) == ("toml_syntax", "broken.toml", 2)


def test_a_control_character_in_a_translation_file_is_refused(tmp_path):
    spec = write(tmp_path, 'translation_files = ["cy.toml"]')
    text = '[translations.cy]\n"title" = { text = "Par\\u0000c", source = "00000000" }\n'
    (tmp_path / "cy.toml").write_text(text)
    [(code, name, line, message)] = problems(spec)
    assert (code, name, line) == ("control_character", "cy.toml", 2)
    assert "U+0000" in message


def test_a_translated_setting_must_still_suit_its_kind(tmp_path):
    """A number's unit is read beside the answer, in any language: a digit in it is refused,
    at the translation's line."""
    spec = write(tmp_path, welsh={"visits.unit": "ymweliad 2"})
    [(code, name, line, message)] = problems(spec)
    assert (code, name, line) == ("bad_translation", "parks.toml", line_of(spec, "visits.unit"))
    assert message.startswith("[translations.cy]: visits.unit is not accepted: unit")


def test_unquoted_addresses_are_read_as_the_same_address(tmp_path):
    """``q1.text = {...}`` is nested tables in TOML; it means what ``"q1.text"`` means."""
    spec = write(tmp_path)
    made_from = fingerprint(ENGLISH["q1.text"])
    spec.write_text(
        spec.read_text()
        + f'\n[translations.cy]\nq1.text = {{ text = "Ydych", source = "{made_from}" }}\n'
    )
    c = load_spec(spec)
    assert localise(c, "cy").question("q1").text == "Ydych"
    assert "q1.text" not in {w.message.rsplit(" ", 1)[-1] for w in c.warnings}


# warnings ------------------------------------------------------------------------------------


def test_each_missing_translation_is_warned_at_the_source_texts_line(tmp_path):
    spec = write(tmp_path, welsh={k: v for k, v in WELSH.items() if k != "rate.rows.paths.hint"})
    [warning] = load_spec(spec).warnings
    assert warning.code == "missing_translation"
    assert (warning.file, warning.line) == (str(spec), line_of(spec, "rows = ["))
    assert warning.question == "rate"
    assert warning.message == "no Welsh (cy) translation of rate.rows.paths.hint"


def test_no_translation_at_all_warns_of_every_text(tmp_path):
    c = load_spec(write(tmp_path))
    assert [w.message.rsplit(" ", 1)[-1] for w in c.warnings] == list(ENGLISH)
    assert [t.address for t in missing(c, "cy")] == list(ENGLISH)
    assert localise(c, "cy").question("q1") == c.question("q1")


def test_editing_the_source_makes_its_translation_stale(tmp_path):
    """The translation is still used, but validate says it was made from an older text."""
    spec = write(tmp_path, welsh=WELSH)
    assert load_spec(spec).warnings == ()
    spec.write_text(spec.read_text().replace("Do you use the park?", "Do you use the parks?"))
    c = load_spec(spec)
    [warning] = c.warnings
    assert warning.code == "stale_translation"
    assert (warning.file, warning.line) == (str(spec), line_of(spec, '"q1.text" ='))
    assert warning.question is None
    assert "the source now reads 'Do you use the parks?'" in warning.message
    assert f'set source = "{fingerprint("Do you use the parks?")}"' in warning.message
    [found] = stale(c, "cy")
    assert found.text.address == "q1.text"
    assert localise(c, "cy").question("q1").text == WELSH["q1.text"]


def test_a_missing_translation_of_a_bank_question_is_warned_in_the_bank(tmp_path):
    spec = write(tmp_path, 'include = ["bank.toml"]', welsh=WELSH)
    bank = tmp_path / "bank.toml"
    bank.write_text(
        '[[sections]]\nid = "more"\ntitle = "More"\n\n'
        '[[sections.questions]]\nid = "extra"\ntext = "Anything else?"\nkind = "text"\n'
    )
    warnings = load_spec(spec).warnings
    assert [(Path(w.file).name, w.line, w.message) for w in warnings] == [
        ("bank.toml", 3, "no Welsh (cy) translation of sections.more.title"),
        ("bank.toml", 7, "no Welsh (cy) translation of extra.text"),
    ]


def test_a_spec_in_one_language_has_nothing_to_translate():
    c = load_spec(ROOT / "specs" / "taking_stock.toml")
    assert c.languages == ("en",)
    assert c.warnings == ()
    assert localise(c, "en") is c


# the example -------------------------------------------------------------------------------


def test_the_bilingual_example_is_complete_in_welsh():
    c = load_spec(EXAMPLE)
    assert c.warnings == ()
    assert c.languages == ("en", "cy")
    assert missing(c, "cy") == ()
    assert stale(c, "cy") == ()
    kinds = {q.kind for q in c.questions}
    assert {"single", "multi", "text", "number"} <= kinds
    assert any(q.condition is not None for q in c.questions)
    assert 5 <= len(c.questions) <= 7
    cy = localise(c, "cy")
    english = {t.address: t.text for t in texts(c)}
    welsh = {t.address: t.text for t in texts(cy)}
    assert english.keys() == welsh.keys()
    # every text reads differently in Welsh but the contact's email address, which is kept
    assert [a for a in english if english[a] == welsh[a]] == []
    assert "libraries@example-county.gov.uk" in welsh["contact"]


def test_the_example_says_its_welsh_is_an_illustration():
    for path in (EXAMPLE, EXAMPLE.with_name("bilingual_example.cy.toml")):
        head = path.read_text(encoding="utf-8")[:1200]
        assert "EXAMPLE" in head
        assert "NOT an official" in head


# the property --------------------------------------------------------------------------------

_KINDS = ("single", "multi", "text", "number", "date", "email", "phone", "grid", "ranking")
_WORDS = st.text(st.characters(codec="utf-8", categories=("L", "Zs")), min_size=1, max_size=12)


@st.composite
def consultations(draw: Any) -> Consultation:
    """A consultation of every kind built in code, some questions conditional on the first,
    with translations drawn for some of its texts, some of them stale."""
    questions = draw(
        st.lists(
            st.sampled_from(_KINDS).flatmap(questions_for),
            min_size=1,
            max_size=6,
            unique_by=lambda q: q.id,
        )
    )
    first = questions[0].id
    for i in range(1, len(questions)):
        if draw(st.booleans()):
            source = f"answered({first})"
            questions[i] = attrs.evolve(
                questions[i], shown_if=source, condition=parse_condition(source)
            )
    meta = Metadata(
        id="c",
        title=draw(_WORDS),
        publisher=draw(_WORDS),
        closes=dt.date(2099, 1, 1),
        introduction=draw(st.sampled_from(["", "Welcome."])),
        languages=("en", "cy"),
    )
    section = Section(id="s", title=draw(_WORDS), questions=tuple(questions))
    plain = Consultation(metadata=meta, sections=(section,))
    table = {}
    for text in texts(plain, KINDS):
        if draw(st.booleans()):
            made_from = fingerprint(text.text) if draw(st.booleans()) else "00000000"
            table[text.address] = Translation(draw(_WORDS), made_from)
    return attrs.evolve(plain, translations={"cy": table})


def _answers_depend_on(q: Any) -> tuple:
    """Everything of a question but its texts: what answers, conditions and reports use."""
    rows = q.settings.get("rows")
    settings = {k: v for k, v in q.settings.items() if k not in ("unit", "rows")}
    if rows is not None:
        settings["rows"] = [{k: v for k, v in r.items() if k not in ("text", "hint")} for r in rows]
    options = [(o.value, o.other, o.max_length) for o in q.options]
    return (q.id, q.kind, q.number, q.required, q.shown_if, q.max_length, q.section,
            q.sensitive, options, settings, "unit" in q.settings)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(consultations())
def test_localise_changes_texts_and_nothing_else(c):
    assert localise(c, "en", KINDS) is c
    cy = localise(c, "cy", KINDS)
    assert [_answers_depend_on(q) for q in cy.questions] == [
        _answers_depend_on(q) for q in c.questions
    ]
    assert all(a.condition is b.condition for a, b in zip(cy.questions, c.questions, strict=True))
    assert (cy.metadata.id, cy.metadata.closes, cy.metadata.languages) == (
        c.metadata.id,
        c.metadata.closes,
        c.metadata.languages,
    )
    # each text reads as its translation where there is one (stale or not), else as written
    table = c.translations["cy"]
    welsh = {t.address: t.text for t in texts(cy, KINDS)}
    for text in texts(c, KINDS):
        found = table.get(text.address)
        blank = found is None or not found.text.strip()
        assert welsh[text.address] == (text.text if blank else found.text)
    assert {t.address for t in missing(c, "cy", KINDS)} == {
        t.address for t in texts(c, KINDS)
    } - set(table)
