"""surveykit.i18n: catalogues found through the plugin hook, English as the fallback, Welsh
plurals, and problems that can be said in the respondent's language.

The catalogues these tests write are small ``.po`` files in ``tmp_path``, registered by a plugin
object through ``surveykit_register_catalogues``, exactly as a third-party plugin would.
"""

from __future__ import annotations

import datetime as dt
import functools
import pickle
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveykit import Engine, hookimpl, load_spec, loads_spec
from surveykit.errors import AnswerProblem, ClosedError, LinkError, PluginError
from surveykit.i18n import (
    CORE_DOMAIN,
    Phrase,
    catalogues_in,
    known_languages,
    phrase,
    phrase_n,
    problem_text,
    spoken_date,
    title_of,
    translator,
)
from surveykit.kinds import Rejected, parts_of
from surveykit.plugins import Plugins, get_plugins
from surveykit.submit import _closing
from surveykit.testing_kinds import invalid_answers_for, json_values, questions_for
from surveykit.translations import localise

ROOT = Path(__file__).resolve().parents[1]
BILINGUAL = ROOT / "specs" / "examples" / "bilingual_example.toml"
BUILT_IN_KINDS = (
    "single", "multi", "text", "number", "date", "email", "uk_postcode", "phone", "grid",
    "ranking",
)  # fmt: skip

WELSH_PLURALS = (
    "nplurals=6; plural=(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 : (n==6) ? 4 : 5;"
)


def write_po(folder: Path, domain: str, language: str, entries: str, plurals: str) -> Path:
    """A ``.po`` file in the usual ``<language>/LC_MESSAGES/<domain>.po`` layout."""
    path = folder / language / "LC_MESSAGES" / f"{domain}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        'msgid ""\nmsgstr ""\n'
        f'"Language: {language}\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n'
        f'"Plural-Forms: {plurals}\\n"\n\n'
    )
    path.write_text(header + entries, encoding="utf-8")
    return path


class CataloguePlugin:
    """A third-party plugin that registers every catalogue under one folder."""

    def __init__(self, folder: Path, domain: str) -> None:
        self.folder = folder
        self.domain = domain

    @hookimpl
    def surveykit_register_catalogues(self, register: Any) -> None:
        for catalogue in catalogues_in(self.folder, self.domain):
            register(catalogue)


def plugins_with(*plugins: tuple[str, object]) -> Plugins:
    """The built-in plugins, and ``plugins`` registered beside them by name."""
    found = Plugins()
    found.load_entry_points()
    for name, plugin in plugins:
        found.register(plugin, name=name)
    return found


# Fallback, fuzzy entries and plural forms ------------------------------------------------------


def test_a_language_without_a_catalogue_says_english() -> None:
    words = translator(CORE_DOMAIN, "fr")
    assert words.gettext("Question {number}") == "Question {number}"
    assert words.ngettext("{count} option", "{count} options", 1) == "{count} option"
    assert words.ngettext("{count} option", "{count} options", 2) == "{count} options"


def test_a_message_a_catalogue_lacks_is_said_in_english() -> None:
    message = "a message no catalogue has, written for this test"
    assert translator(CORE_DOMAIN, "cy").gettext(message) == message
    assert translator("surveykit_kinds", "cy").gettext(message) == message


def test_fuzzy_and_empty_entries_are_ignored(tmp_path: Path) -> None:
    entries = (
        'msgid "Checked"\nmsgstr "Wedi gwirio"\n\n'
        '#, fuzzy\nmsgid "Guessed"\nmsgstr "Dyfalwyd"\n\n'
        'msgid "Untranslated"\nmsgstr ""\n'
    )
    write_po(tmp_path, "demo_fuzzy", "cy", entries, WELSH_PLURALS)
    plugins = plugins_with(("demo", CataloguePlugin(tmp_path, "demo_fuzzy")))
    words = translator("demo_fuzzy", "cy", plugins)
    assert words.gettext("Checked") == "Wedi gwirio"
    assert words.gettext("Guessed") == "Guessed"
    assert words.gettext("Untranslated") == "Untranslated"


def test_welsh_has_six_plural_forms(tmp_path: Path) -> None:
    forms = ("zero", "one", "two", "few", "many", "other")
    entries = 'msgid "{count} thing"\nmsgid_plural "{count} things"\n' + "".join(
        f'msgstr[{i}] "{form} {{count}}"\n' for i, form in enumerate(forms)
    )
    write_po(tmp_path, "demo_plural", "cy", entries, WELSH_PLURALS)
    plugins = plugins_with(("demo", CataloguePlugin(tmp_path, "demo_plural")))
    words = translator("demo_plural", "cy", plugins)
    expected = {0: "zero", 1: "one", 2: "two", 3: "few", 4: "other", 5: "other", 6: "many"}
    expected |= {7: "other", 11: "other", 100: "other"}
    for n, form in expected.items():
        assert words.ngettext("{count} thing", "{count} things", n) == f"{form} {{count}}"
        said = phrase_n("{count} thing", "{count} things", n, domain="demo_plural")
        assert said == (f"{n} thing" if n == 1 else f"{n} things")
        assert problem_text(said, "cy", plugins) == f"{form} {n}"


def test_the_welsh_catalogues_declare_welsh_plurals() -> None:
    """Babel reads the Plural-Forms header: every Welsh catalogue shipped has six forms."""
    paths = [*ROOT.glob("src/surveykit/locale/cy/LC_MESSAGES/*.po")]
    paths += ROOT.glob("plugins/*/locale/cy/LC_MESSAGES/*.po")
    assert paths
    for path in paths:
        with path.open("rb") as po:
            catalog = read_po(po)
        assert catalog.num_plurals == 6, path
        rule = [catalog.plural_expr.replace(" ", "")]
        assert rule == ["(n==0?0:n==1?1:n==2?2:n==3?3:n==6?4:5)"], path


# Plugins registering catalogues ----------------------------------------------------------------


def test_a_plugin_adds_a_language_through_the_hook(tmp_path: Path) -> None:
    """A tiny Cornish catalogue for the core's messages, from a plugin, is used."""
    entries = (
        'msgid "Question {number}"\nmsgstr "Govyn {number}"\n\n'
        'msgid "{title}: an answer is required"\nmsgstr "{title}: res yw gorthybi"\n'
    )
    write_po(tmp_path, CORE_DOMAIN, "kw", entries, "nplurals=2; plural=(n != 1);")
    plugins = plugins_with(("cornish", CataloguePlugin(tmp_path, CORE_DOMAIN)))
    assert "kw" in known_languages(plugins)
    assert known_languages(plugins)[0] == "en"
    consultation = load_spec(BILINGUAL)
    problems = Engine(consultation, kinds=plugins.kinds).validate({})
    required = next(p for p in problems if p.code == "required")
    question = consultation.question(required.question)
    assert required.message == f"{question.title}: an answer is required"
    assert problem_text(required, "kw", plugins) == f"Govyn {question.number}: res yw gorthybi"
    # What the Cornish catalogue lacks is said in English.
    assert problem_text(phrase("no link was created"), "kw", plugins) == "no link was created"


def test_two_plugins_giving_one_catalogue_is_an_error_naming_both(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        write_po(tmp_path / folder, "demo_twice", "cy", "", WELSH_PLURALS)
    plugins = plugins_with(
        ("first_plugin", CataloguePlugin(tmp_path / "a", "demo_twice")),
        ("second_plugin", CataloguePlugin(tmp_path / "b", "demo_twice")),
    )
    with pytest.raises(PluginError) as info:
        translator("demo_twice", "cy", plugins)
    assert "'first_plugin'" in str(info.value)
    assert "'second_plugin'" in str(info.value)
    assert "demo_twice/cy" in str(info.value)


def test_a_plugin_may_not_replace_a_catalogue_of_the_core(tmp_path: Path) -> None:
    write_po(tmp_path, CORE_DOMAIN, "cy", "", WELSH_PLURALS)
    plugins = plugins_with(("house_style", CataloguePlugin(tmp_path, CORE_DOMAIN)))
    with pytest.raises(PluginError, match="both surveykit itself and plugin 'house_style'"):
        translator(CORE_DOMAIN, "cy", plugins)


def test_the_kinds_plugin_registers_its_catalogues() -> None:
    names = set(get_plugins().catalogues)
    assert {"surveykit_kinds/en", "surveykit_kinds/cy"} <= names
    assert get_plugins().catalogues.owners["surveykit_kinds/cy"] == "kinds"


def test_a_translation_that_cannot_be_filled_in_says_english(tmp_path: Path) -> None:
    """A third-party catalogue naming a placeholder the message lacks never breaks a page."""
    entries = 'msgid "{title}: an answer is required"\nmsgstr "{teitl}: mae angen ateb"\n'
    write_po(tmp_path, CORE_DOMAIN, "kw", entries, "nplurals=2; plural=(n != 1);")
    plugins = plugins_with(("broken", CataloguePlugin(tmp_path, CORE_DOMAIN)))
    said = phrase("{title}: an answer is required", title="Question 1")
    assert problem_text(said, "kw", plugins) == str(said)


# Phrases and problems --------------------------------------------------------------------------


def test_a_phrase_is_its_english() -> None:
    said = phrase("{title}: an answer is required", title=phrase("Question {number}", number=3))
    assert said == "Question 3: an answer is required"
    assert isinstance(said, str)
    assert said.template == "{title}: an answer is required"
    assert said.domain == CORE_DOMAIN
    copy = pickle.loads(pickle.dumps(said))
    assert copy == said
    assert copy.template == said.template
    assert copy.params["title"].template == "Question {number}"


def test_problems_made_from_a_phrase_keep_what_translates_them() -> None:
    said = phrase("{title}: an answer is required", title="Question 1")
    for problem in (AnswerProblem("q1", "required", said), Rejected("required", said)):
        assert problem.message.__class__ is str
        assert problem.message == "Question 1: an answer is required"
        assert problem.template == said.template
        assert problem.params == {"title": "Question 1"}
        assert problem.domain == CORE_DOMAIN
        assert problem_text(problem, "en") == problem.message
        welsh = problem_text(problem, "cy")
        assert welsh != problem.message
        assert welsh.startswith("Question 1: ")  # a plain-string param is left as it is


def test_problems_made_from_plain_text_say_their_english() -> None:
    for problem in (AnswerProblem("q1", "mine", "my own words"), Rejected("mine", "my own words")):
        assert problem.template is None
        assert problem_text(problem, "cy") == "my own words"


def test_problems_compare_by_their_english() -> None:
    said = phrase("{title}: an answer is required", title="Question 1")
    assert AnswerProblem("q1", "required", said) == AnswerProblem("q1", "required", str(said))
    assert hash(Rejected("required", said)) == hash(Rejected("required", str(said)))


def test_errors_raised_with_a_phrase_keep_it() -> None:
    said = phrase("the response was not stored")
    error = ClosedError(said, not_yet=True)
    assert str(error) == "the response was not stored"
    assert error.not_yet
    assert error.template == said.template
    assert problem_text(error, "cy") != str(error)
    plain = LinkError("this link is not recognised")
    assert plain.template is None
    assert problem_text(plain, "cy") == "this link is not recognised"


def test_a_question_title_is_its_title_in_english() -> None:
    consultation = load_spec(BILINGUAL)
    kinds = get_plugins().kinds
    for question in consultation.questions:
        for part in parts_of(question, kinds):
            assert title_of(part) == part.title


@pytest.mark.parametrize("time", [None, dt.time(17, 30)])
def test_the_closing_time_is_said_as_metadata_says_it(time: dt.time | None) -> None:
    closes = "2027-04-30" if time is None else "2027-04-30T17:30:00"
    spec = BILINGUAL.read_text(encoding="utf-8").replace(
        "closes = 2027-04-30", f"closes = {closes}"
    )
    spec = spec.replace('translation_files = ["bilingual_example.cy.toml"]\n', "")
    spec = spec.replace('languages = ["en", "cy"]', 'languages = ["en"]')
    consultation = loads_spec(spec)
    assert _closing(consultation) == consultation.metadata.closing_text
    welsh = problem_text(_closing(consultation), "cy")
    assert welsh != consultation.metadata.closing_text
    assert "April" not in welsh
    assert "Friday" not in welsh


def test_dates_are_said_with_their_names_translated() -> None:
    for month in range(1, 13):
        day = dt.date(2027, month, 1)
        said = spoken_date(day, weekday=True)
        assert said == f"{day:%A} 1 {day:%B} 2027"
        welsh = problem_text(said, "cy")
        assert f"{day:%B}" not in welsh
        assert f"{day:%A}" not in welsh


def test_a_localised_consultation_refuses_in_welsh() -> None:
    """Built from the Welsh consultation, the engine's problems name the question in Welsh
    and say the rest from the catalogues: no English word of the message is left."""
    welsh = localise(load_spec(BILINGUAL), "cy")
    english = load_spec(BILINGUAL)
    answers = {"visits": "", "hours": "900", "nonsense": "x"}
    for consultation, language in ((english, "en"), (welsh, "cy")):
        problems = Engine(consultation).validate(answers)
        assert [p.code for p in problems] == ["required", "too_large", "unknown_question"]
        said = [problem_text(p, language) for p in problems]
        if language == "en":
            assert said == [p.message for p in problems]
            continue
        unit = consultation.question("hours").settings["unit"]
        assert unit in said[1]
        for text, problem in zip(said, problems, strict=True):
            assert text != problem.message
            for word in ("Question", "answer", "required", "must", "number", "consultation"):
                assert word not in text, text


# Every refusal of every built-in kind is catalogued ------------------------------------------


@functools.cache
def _welsh_catalogue(domain: str) -> dict[str, Any]:
    """msgid -> msgstr of the Welsh catalogue of ``domain`` that the plugins give."""
    plugins = get_plugins()
    paths = [c.path for c in catalogues_in(ROOT / "src/surveykit/locale", CORE_DOMAIN)]
    paths += [c.path for c in plugins.catalogues.items.values()]
    found: dict[str, Any] = {}
    for path in paths:
        if path.stem == domain and path.parents[1].name == "cy":
            with path.open("rb") as po:
                found |= {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in read_po(po)}
    return found


def _templates(said: Any) -> list[tuple[str, str]]:
    """The ``(domain, template)`` of a problem and of every phrase in its params."""
    found = [(said.domain, said.template)]
    for value in (said.params or {}).values():
        if isinstance(value, Phrase):
            found += _templates(value)
    return found


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data(), kind=st.sampled_from(BUILT_IN_KINDS))
def test_every_refusal_of_a_built_in_kind_can_be_said_in_welsh(data: Any, kind: str) -> None:
    question = data.draw(questions_for(kind))
    check = get_plugins().kinds[kind].checker(question)
    value = data.draw(invalid_answers_for(question) | json_values())
    result = check(value)
    if result.__class__ is not Rejected:
        return
    assert result.template is not None, f"{kind}: {result.message!r} carries no template"
    assert problem_text(result, "en") == result.message
    for domain, template in _templates(result):
        assert _welsh_catalogue(domain).get(template), f"{domain}: {template!r} is not in Welsh"
    assert problem_text(result, "cy")


@pytest.mark.parametrize("unknown", [["nope"], ["nope", "nada"]])
def test_the_engine_keeps_a_refusals_plural(unknown: list[str]) -> None:
    """A kind's plural refusal reaches the engine's problem with its plural, so the form said
    in each language is the one for the count the English used."""
    consultation = load_spec(BILINGUAL)
    answers = {"visits": "weekly", "uses": unknown}
    (problem,) = Engine(consultation).validate(answers)
    assert problem.code == "unknown_option"
    assert problem.plural is not None
    assert problem.params["count"] == len(unknown)
    assert problem_text(problem, "en") == problem.message
    assert problem_text(problem, "cy") != problem.message


def test_the_interpreted_engine_carries_the_same_translation() -> None:
    consultation = load_spec(BILINGUAL)
    engine = Engine(consultation)
    answers = {"visits": "weekly", "uses": ["nope", "nada"], "hours": "x", "extra": 1}
    compiled = engine.check(answers).problems
    _, interpreted = engine._check_interpreted(answers)
    assert [(p.template, p.params, p.domain, p.plural) for p in compiled] == [
        (p.template, p.params, p.domain, p.plural) for p in interpreted
    ]
    assert all(p.template for p in compiled)


def test_a_link_that_is_no_link_is_refused_in_the_respondents_language():
    from surveykit.errors import LinkError
    from surveykit.identity import Token

    with pytest.raises(LinkError) as refused:
        Token.parse("https://consult.example.org/r/not a token")
    assert str(refused.value) == "that is not a valid link: check it was copied in full"
    assert problem_text(refused.value, "cy").startswith("nid yw hon yn ddolen ddilys")
