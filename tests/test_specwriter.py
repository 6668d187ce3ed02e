"""surveykit.specwriter: a consultation written out as a spec loads back as the same consultation.

Checked on every spec in the repository (the packaged question banks left to their ``include``),
on generated consultations of every built-in kind with typed conditions, several sections,
vocabularies, publication and translations, and texts holding whatever a spec may hold: quotes,
backslashes, Welsh, tabs, line breaks and the TOML delimiters themselves.  Comments (an
importer's header and notes) hold anything too, and never change what the file means.
"""

from __future__ import annotations

import datetime as dt
import string
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
from attrs import evolve
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kindspecs import BUILT_IN_KINDS
from retentiongen import retentions
from surveykit import Consultation, get_plugins
from surveykit.cli import main
from surveykit.conditions import render
from surveykit.model import Choice, Metadata, Publication, Question, Section, Translation
from surveykit.retention import Retention
from surveykit.spec import load_spec, loads_spec
from surveykit.specwriter import toml_comment, toml_string, write_spec
from surveykit.translations import fingerprint, localise, texts
from test_engine_all_kinds import consultations as kind_consultations

ROOT = Path(__file__).resolve().parents[1]
KINDS = get_plugins().kinds
#: Every spec in the repository: each file with a [consultation] table (not translation files).
SPECS = sorted(
    path
    for pattern in ("specs/**/*.toml", "src/surveykit/specs/*.toml", "tests/specs/valid/*.toml")
    for path in ROOT.glob(pattern)
    if "consultation" in tomllib.loads(path.read_text("utf-8"))
)


# comparing -----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A setting as plain data: read-only mappings and tuples as dicts and lists."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _question(q: Question) -> tuple[Any, ...]:
    """Everything about a question that matters, its condition in the language's own form."""
    fields = attrs.asdict(q, recurse=False, filter=lambda a, _: a.name not in ("settings",))
    fields.pop("condition")
    fields.pop("label")
    condition = None if q.condition is None else render(q.condition)
    return (fields, _plain(dict(q.settings)), condition)


def assert_same(written: Consultation, loaded: Consultation) -> None:
    assert loaded.metadata == written.metadata
    assert [(s.id, s.title, s.intro) for s in loaded.sections] == [
        (s.id, s.title, s.intro) for s in written.sections
    ]
    assert [_question(q) for q in loaded.questions] == [_question(q) for q in written.questions]
    assert (loaded.roles, loaded.authority_types) == (written.roles, written.authority_types)
    assert (loaded.publication, loaded.roster) == (written.publication, written.roster)
    assert loaded.retention == written.retention
    assert {lang: dict(t) for lang, t in loaded.translations.items()} == {
        lang: dict(t) for lang, t in written.translations.items()
    }


# every spec in the repository ------------------------------------------------------------------


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_spec_in_the_repository_loads_back_the_same(path):
    consultation = load_spec(path)
    text = write_spec(consultation)
    loaded = loads_spec(text, source=str(path))
    assert_same(consultation, loaded)
    assert loaded == consultation


def test_a_banks_sections_are_left_to_its_include():
    """The residents' survey includes the equality bank: the written spec includes it too, and
    holds none of its questions, so loading it adds them once (no duplicate ids)."""
    path = ROOT / "specs" / "examples" / "residents_survey.toml"
    consultation = load_spec(path)
    text = write_spec(consultation)
    bank = load_spec(path).sections[-1]
    assert bank.questions
    assert 'include = ["surveykit:equality"]' in text
    assert all(f'id = "{q.id}"\n' not in text for q in bank.questions)
    assert text.count("[[sections]]") == len(consultation.sections) - 1


def test_a_consultation_without_its_bank_sections_keeps_the_include():
    """Built in code with an include but not the bank's sections: the include is written and
    loading adds the bank's sections, as it would to a hand-written spec."""
    full = load_spec(ROOT / "specs" / "examples" / "residents_survey.toml")
    own = evolve(full, sections=full.sections[:-1])
    assert_same(full, loads_spec(write_spec(own), source=full.source))


def test_translations_from_translation_files_stay_there_and_others_are_written():
    path = ROOT / "specs" / "examples" / "bilingual_example.toml"
    consultation = load_spec(path)
    assert "[translations." not in write_spec(consultation)
    inline = evolve(consultation, metadata=evolve(consultation.metadata, translation_files=()))
    text = write_spec(inline)
    assert "[translations.cy]" in text
    assert_same(inline, loads_spec(text, source=str(path)))


# generated consultations ----------------------------------------------------------------------

#: Characters that test the writer's strings: quotes, backslashes, TOML's delimiters and
#: comment sign, Welsh, tabs and line breaks (the only control characters a spec may hold).
_TRICKY = st.sampled_from(
    ['"', "'", "\\", "'''", '"""', "#", "ŵ", "ŷ", "Â", "\t", "\n", "\r", "\r\n", " ", "[", "="]
)
_ANY = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))
TEXTS = (
    st.lists(_TRICKY | _ANY | st.sampled_from(string.ascii_letters), min_size=1, max_size=12)
    .map("".join)
    .filter(str.strip)
)
IDS = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(
    lambda i: i not in ("and", "or", "not", "in", "answered")
)
#: Anything a comment might be handed, control characters included.
NOTES = st.lists(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",))), max_size=3)


def _when(draw: st.DrawFn, low: dt.date, high: dt.date) -> dt.date | dt.datetime:
    day = draw(st.dates(low, high))
    shape = draw(st.integers(0, 2))
    if shape == 0:
        return day
    moment = dt.datetime.combine(day, draw(st.times()).replace(microsecond=0))
    return moment if shape == 1 else moment.replace(tzinfo=dt.UTC)


@st.composite
def metadata(draw: st.DrawFn) -> Metadata:
    opens = _when(draw, dt.date(2000, 1, 1), dt.date(2090, 1, 1)) if draw(st.booleans()) else None
    closes = _when(draw, dt.date(2091, 1, 1), dt.date(2999, 12, 31))
    optional = {
        key: draw(TEXTS)
        for key in (
            "subtitle",
            "contact",
            "privacy_notice",
            "foreword",
            "introduction",
            "how_to_respond",
        )
        if draw(st.booleans())
    }
    return Metadata(
        id=draw(IDS),
        title=draw(TEXTS),
        publisher=draw(TEXTS),
        closes=closes,
        opens=opens,
        timezone=draw(st.sampled_from(["UTC", "Europe/London", "Pacific/Auckland"])),
        languages=draw(st.sampled_from([("en",), ("en", "cy"), ("cy", "en")])),
        **optional,
    )


def _choices(draw: st.DrawFn) -> tuple[Choice, ...]:
    values = draw(st.lists(IDS, max_size=3, unique=True))
    return tuple(Choice(value, draw(TEXTS)) for value in values)


def _retexted(draw: st.DrawFn, q: Question) -> Question:
    """``q`` with tricky texts in every place a question has words, its ids left alone."""
    options = tuple(evolve(o, label=draw(TEXTS), hint=draw(st.none() | TEXTS)) for o in q.options)
    return evolve(
        q,
        text=draw(TEXTS),
        hint=draw(st.none() | TEXTS),
        sensitive=draw(st.booleans()),
        options=options,
    )


@st.composite
def consultations(draw: st.DrawFn) -> Consultation:
    """A consultation of every built-in kind with typed conditions (tests/test_engine_all_kinds)
    spread over several sections, with vocabularies, publication, translations and tricky text."""
    base = draw(kind_consultations())
    questions = [_retexted(draw, q) for q in base.questions]
    cuts = sorted(draw(st.lists(st.integers(1, len(questions)), max_size=2, unique=True)))
    section_ids = draw(st.lists(IDS, min_size=len(cuts) + 1, max_size=len(cuts) + 1, unique=True))
    sections = []
    for sid, start, end in zip(section_ids, [0, *cuts], [*cuts, len(questions)], strict=True):
        chunk = tuple(evolve(q, section=sid) for q in questions[start:end])
        sections.append(Section(sid, draw(TEXTS), draw(st.just("") | TEXTS), chunk))
    publication = Publication()
    if draw(st.booleans()):
        choice = [q for q in questions if q.kind == "single"]
        consent = draw(st.sampled_from(choice)) if choice else None
        values = [o.value for o in consent.options] if consent else []
        pick = st.lists(st.sampled_from(values), unique=True) if values else st.just([])
        publication = Publication(
            consent_question=consent.id if consent else None,
            quote=tuple(draw(pick)),
            name_authority=tuple(draw(pick)),
            identifying=tuple(
                draw(st.lists(st.sampled_from([q.id for q in questions]), unique=True))
            ),
            threshold=draw(st.none() | st.integers(1, 50)),
        )
    meta = draw(metadata())
    consultation = Consultation(
        metadata=meta,
        sections=tuple(sections),
        roles=_choices(draw),
        authority_types=_choices(draw),
        publication=publication,
        retention=draw(retentions(meta)) if draw(st.booleans()) else Retention(),
    )
    return _translated(draw, consultation)


def _translated(draw: st.DrawFn, consultation: Consultation) -> Consultation:
    """Some of the consultation's texts translated into its second language, if it has one."""
    languages = consultation.metadata.languages
    if len(languages) < 2:
        return consultation
    table = {}
    for text in texts(consultation, KINDS):
        if text.text.strip() and draw(st.booleans()):
            made_from = fingerprint(text.text) if draw(st.booleans()) else "0badcafe"
            # A number's unit is checked by its kind in every language: no digit, no space.
            words = (
                st.sampled_from(["awr", "pobl", "£"]) if text.address.endswith(".unit") else TEXTS
            )
            table[text.address] = Translation(draw(words), made_from)
    return evolve(consultation, translations={languages[1]: table} if table else {})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(consultations(), st.data())
def test_a_generated_consultation_loads_back_the_same(consultation, data):
    ids = [q.id for q in consultation.questions]
    notes = data.draw(st.dictionaries(st.sampled_from(ids), NOTES, max_size=3))
    header = data.draw(NOTES)
    text = write_spec(consultation, header=header, notes=notes)
    loaded = loads_spec(text)
    assert_same(consultation, loaded)
    # Comments change nothing: the TOML reads the same with and without them.
    assert tomllib.loads(text) == tomllib.loads(write_spec(consultation))


def test_the_kinds_generated_are_every_built_in_kind():
    """The property above covers every kind: the generator draws from this list."""
    assert set(BUILT_IN_KINDS) <= set(KINDS)


# strings and comments -------------------------------------------------------------------------


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",))), st.booleans())
@example("Gwnewch eich gorau glas: ŵ ŷ", False)
@example("He said \"no\" \\ then 'yes'", False)
@example("a\tb\r\nc'''d", True)
@example("ends with a quote'", True)
@example("\nstarts with a line break\n", True)
@example("bell\x07 and nul\x00", True)
def test_a_string_reads_back_exactly(text, multiline):
    assert tomllib.loads(f"x = {toml_string(text, multiline=multiline)}")["x"] == text


@given(st.lists(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)))))
@example(['x """ y', "z '''", "# a\nb = 1", "c\rd = 2\r\n[e]"])
def test_a_comment_is_only_ever_a_comment(lines):
    assert tomllib.loads("\n".join([*toml_comment(lines), "x = 1"])) == {"x": 1}


@pytest.mark.parametrize(
    ("text", "multiline", "written"),
    [
        ("Yes", False, '"Yes"'),
        ("Cymraeg: ŵ ŷ", False, '"Cymraeg: ŵ ŷ"'),
        ('q1 == "yes"', False, "'q1 == \"yes\"'"),
        ('Don\'t "know"', False, '"Don\'t \\"know\\""'),
        ("a\tb", False, '"a\\tb"'),
        ("one\ntwo\n", True, "'''\none\ntwo\n'''"),
        ("one\ntwo\n", False, '"one\\ntwo\\n"'),
        ("it's '''odd'''\n", True, "\"\"\"\nit's '''odd'''\n\"\"\""),
    ],
)
def test_strings_are_written_readably(text, multiline, written):
    """Plain text in double quotes, a condition with quotes in single ones as authors write
    it, long texts over several lines; escapes only where they are needed."""
    assert toml_string(text, multiline=multiline) == written


def test_header_and_notes_are_comments_where_an_importer_puts_them():
    consultation = load_spec(ROOT / "specs" / "taking_stock.toml")
    note = "adapted: XLSForm 'integer' with constraint . > 0 became min = 1"
    text = write_spec(consultation, header=["Imported from form.xlsx", ""], notes={"q14": [note]})
    assert text.startswith("# Imported from form.xlsx\n#\n\n[consultation]\n")
    assert f'# {note}\n[[sections.questions]]\nid = "q14"\n' in text


def test_a_localised_consultation_or_a_note_on_no_question_is_refused():
    consultation = load_spec(ROOT / "specs" / "examples" / "bilingual_example.toml")
    with pytest.raises(ValueError, match="localised_from"):
        write_spec(localise(consultation, "cy", KINDS))
    with pytest.raises(ValueError, match="nowhere"):
        write_spec(consultation, notes={"nowhere": ["x"]})


def test_a_condition_built_without_its_text_is_written_from_the_condition():
    consultation = load_spec(ROOT / "specs" / "taking_stock.toml")
    q14 = consultation.question("q14")
    assert q14.condition is not None
    sections = tuple(
        evolve(
            s,
            questions=tuple(evolve(q, shown_if=None) if q.id == "q14" else q for q in s.questions),
        )
        for s in consultation.sections
    )
    loaded = loads_spec(write_spec(evolve(consultation, sections=sections)))
    assert render(loaded.question("q14").condition) == render(q14.condition)


# the command line ------------------------------------------------------------------------------


def test_surveykit_validate_accepts_a_written_spec(tmp_path, capsys):
    question = Question(
        id="size",
        text='How many people — ŵ ŷ — live "here"?',
        kind="number",
        settings={"min": 1, "unit": "people"},
        section="s",
    )
    follow = Question(
        id="why",
        text="Why so many?\n\nTell us.",
        kind="text",
        shown_if="size > 4",
        section="s",
    )
    consultation = Consultation(
        Metadata(id="t", title="T", publisher="P", closes=dt.date(2099, 1, 1)),
        (Section("s", "S", questions=(question, follow)),),
    )
    spec = tmp_path / "written.toml"
    spec.write_text(write_spec(consultation, header=["written by a test"]), "utf-8")
    assert main(["validate", str(spec)]) == 0
    assert "OK: 'T', 2 questions" in capsys.readouterr().out
