"""The LimeSurvey importer, rule by rule, on small survey structures written here.

Each test writes a tab-separated survey structure (or an ``.lss``) as LimeSurvey exports it and
checks what the import makes of it: kinds, options, languages, conditions, and the exact list
of what is refused, with its line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_limesurvey_forms import check_visibility, source_relevance

from surveykit.cli import main
from surveykit.conditions import All, Answered, Compare, Contains, Equals, Not, evaluate
from surveykit.spec import RESERVED, load_spec
from surveykit_interchange.api import import_form
from surveykit_interchange.building import Imported, ImportRefused
from surveykit_interchange.limesurvey_read import plain_text

CLOSES = dt.date(2030, 1, 1)
#: What the builder adds when a refusal leaves the survey with no question at all.
NONE_LEFT = ("", "no questions")
COLUMNS = [
    "class",
    "type/scale",
    "name",
    "relevance",
    "text",
    "help",
    "language",
    "validation",
    "mandatory",
    "other",
    "default",
    "same_default",
]
#: The survey's first rows: lines 2-4; a test's own rows start at line 5.
HEAD = (
    {"class": "S", "name": "language", "text": "en"},
    {"class": "SL", "name": "surveyls_title", "text": "Parks survey", "language": "en"},
    {"class": "G", "name": "About the parks", "relevance": "1", "text": "<p>Tell us.</p>"},
)


def row(cls: str, type: str = "", name: str = "", **columns: str) -> dict[str, str]:
    return {"class": cls, "type/scale": type, "name": name, **columns}


def tsv(*rows: dict[str, str], head: tuple[dict[str, str], ...] = HEAD) -> bytes:
    """A tab-separated survey structure: the header (line 1), ``head``, then ``rows``."""
    every = [*head, *rows]
    extra = sorted({key for r in every for key in r} - set(COLUMNS))
    header = COLUMNS + extra
    lines = ["\t".join(header)]
    lines += ["\t".join(r.get(column, "") for column in header) for r in every]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def imported(tmp_path: Path, data: bytes, name: str = "parks.txt", **options) -> Imported:
    path = tmp_path / name
    path.write_bytes(data)
    return import_form(path, closes=CLOSES, publisher="Anytown Council", **options)


def refusals(tmp_path: Path, data: bytes, name: str = "parks.txt") -> list[tuple[str, str]]:
    with pytest.raises(ImportRefused) as refused:
        imported(tmp_path, data, name)
    return [(p.where, p.feature) for p in refused.value.problems]


LIST = (
    row("Q", "L", "visits", text="How often do you visit?", mandatory="Y", help="Pick one"),
    row("A", "", "often", text="Often"),
    row("A", "", "never", text="Never"),
)


def test_a_small_survey_imports_with_its_kinds_options_and_texts(tmp_path):
    data = tsv(
        *LIST,
        row("Q", "M", "uses", text="What do you do there?"),
        row("SQ", "", "walk", text="Walk"),
        row("SQ", "", "play", text="Play"),
        row("Q", "N", "age", text="Your age", num_value_int_only="1", min_num_value_n="16"),
        row("Q", "D", "since", text="Since when?"),
        row("Q", "S", "name", text="Your name", maximum_chars="40"),
        row("Q", "T", "ideas", text="Your ideas"),
    )
    result = imported(tmp_path, data)
    c = result.consultation
    assert c.metadata.id == "parks"
    assert c.metadata.title == "Parks survey"
    section = c.sections[0]
    assert (section.id, section.title, section.intro) == (
        "About_the_parks",
        "About the parks",
        "Tell us.",
    )
    by_id = c.by_id
    assert [q.id for q in c.questions] == ["visits", "uses", "age", "since", "name", "ideas"]
    visits = by_id["visits"]
    assert (visits.kind, visits.required, visits.hint) == ("single", True, "Pick one")
    assert [(o.value, o.label) for o in visits.options] == [("often", "Often"), ("never", "Never")]
    assert [o.value for o in by_id["uses"].options] == ["walk", "play"]
    assert by_id["uses"].kind == "multi"
    assert dict(by_id["age"].settings) == {"decimals": 0, "min": 16}
    assert by_id["since"].kind == "date"
    assert (by_id["name"].kind, by_id["name"].max_length) == ("text", 40)
    assert by_id["ideas"].required is False
    assert "# From line 5." in result.text


def test_the_rows_of_each_language_become_translations(tmp_path):
    head = (
        {"class": "S", "name": "language", "text": "en"},
        {"class": "S", "name": "additional_languages", "text": "es"},
        {"class": "SL", "name": "surveyls_title", "text": "Parks", "language": "en"},
        {"class": "SL", "name": "surveyls_title", "text": "Parques", "language": "es"},
        {"class": "G", "name": "Parks", "language": "en"},
        {"class": "G", "name": "Parques", "language": "es"},
    )
    data = tsv(
        row("Q", "L", "visits", text="How often?", language="en"),
        row("A", "", "often", text="Often", language="en"),
        row("Q", "L", "visits", text="¿Con qué frecuencia?", language="es"),
        row("A", "", "often", text="A menudo", language="es"),
        head=head,
    )
    c = imported(tmp_path, data).consultation
    assert c.metadata.languages == ("en", "es")
    spanish = {address: t.text for address, t in c.translations["es"].items()}
    assert spanish["visits.text"] == "¿Con qué frecuencia?"
    assert spanish["visits.options.often"] == "A menudo"
    assert spanish["title"] == "Parques"
    assert spanish["sections.Parks.title"] == "Parques"


def test_a_missing_translation_takes_the_base_text_and_says_so(tmp_path):
    head = (
        {"class": "S", "name": "language", "text": "en"},
        {"class": "S", "name": "additional_languages", "text": "es"},
        {"class": "G", "name": "Parks", "language": "en"},
        {"class": "G", "name": "Parques", "language": "es"},
    )
    data = tsv(
        row("Q", "S", "name", text="Your name", help="As you like", language="en"),
        row("Q", "S", "name", text="Su nombre", language="es"),
        head=head,
    )
    result = imported(tmp_path, data)
    assert result.consultation.translations["es"]["name.hint"].text == "As you like"
    assert any("no es version" in note for note in result.adapted)


def test_limesurvey_language_codes_become_language_tags(tmp_path):
    head = (
        {"class": "S", "name": "language", "text": "pt-br"},
        {"class": "S", "name": "additional_languages", "text": "de-easy en"},
        {"class": "G", "name": "Parques", "language": "pt-br"},
        {"class": "G", "name": "Parks", "language": "en"},
        {"class": "G", "name": "Parks", "language": "de-easy"},
    )
    data = tsv(row("Q", "S", "name", text="Nome", language="pt-br"), head=head)
    data_en = data + "\t".join(["Q", "S", "name", "", "Name", "", "en"]).encode() + b"\n"
    result = imported(tmp_path, data_en, partial=True)
    assert result.consultation.metadata.languages == ("pt-BR", "en")
    assert result.consultation.translations["en"]["name.text"].text == "Name"
    assert [(p.where, p.feature) for p in result.left_out] == [("line 3", "language")]
    assert "'de-easy' (German in easy language) has no language tag" in result.left_out[0].message


def test_a_translation_row_with_nothing_to_translate_or_in_an_unlisted_language(tmp_path):
    data = tsv(
        *LIST,
        row("Q", "S", "other", text="Otra", language="es"),
    )
    head = (*HEAD[:2], {"class": "S", "name": "additional_languages", "text": "es"}, HEAD[2])
    data_es = tsv(*LIST, row("Q", "S", "ghost", text="Fantasma", language="es"), head=head)
    assert refusals(tmp_path, data) == [("line 8", "language")]
    assert refusals(tmp_path, data_es) == [("line 9", "translation")]


def test_relevance_of_1_or_empty_is_no_condition_and_group_relevance_is_anded(tmp_path):
    head = (
        HEAD[0],
        {"class": "G", "name": "First", "relevance": ""},
    )
    data = tsv(
        *LIST,
        row("Q", "N", "age", text="Age", relevance="1", num_value_int_only="1"),
        row("G", "", "Second", relevance="visits == 'often'"),
        row("Q", "S", "why", text="Why?", relevance="age >= 18"),
        row("Q", "S", "more", text="More?"),
        head=head,
    )
    c = imported(tmp_path, data).consultation
    by_id = c.by_id
    assert by_id["visits"].condition is None
    assert by_id["age"].condition is None
    why = by_id["why"].condition
    assert isinstance(why, All)
    assert why.operands[0] == Equals("visits", "often")
    assert by_id["more"].condition == Equals("visits", "often")
    assert evaluate(why, {"visits": "often", "age": 20})
    assert not evaluate(why, {"visits": "never", "age": 20})
    assert not evaluate(why, {"visits": "often", "age": 17})


def test_a_refused_group_title_is_listed_and_its_questions_still_read(tmp_path):
    head = (HEAD[0], {"class": "G", "name": "Hello {name}"})
    result = imported(tmp_path, tsv(*LIST, head=head), partial=True)
    assert [(p.where, p.feature) for p in result.left_out] == [("line 3", "tailoring")]
    assert [q.id for q in result.consultation.questions] == ["visits"]


def test_a_refused_relevance_names_its_line(tmp_path):
    data = tsv(*LIST, row("Q", "S", "why", text="Why?", relevance="strlen(visits) > 3"))
    assert refusals(tmp_path, data) == [("line 8", "relevance")]
    data = tsv(*LIST, row("G", "", "Later", relevance="count(a, b) > 1"), *LIST)
    assert refusals(tmp_path, data) == [("line 8", "group relevance")]


def test_mandatory_soft_is_optional_with_a_note_and_other_values_are_refused(tmp_path):
    data = tsv(row("Q", "S", "name", text="Name", mandatory="S"))
    result = imported(tmp_path, data)
    assert result.consultation.by_id["name"].required is False
    assert "soft mandatory" in result.text
    assert refusals(tmp_path, tsv(row("Q", "S", "name", text="Name", mandatory="X"))) == [
        ("line 5", "mandatory"),
        NONE_LEFT,
    ]


def test_defaults_validation_and_behavioural_attributes_are_refused(tmp_path):
    data = tsv(
        row("Q", "S", "name", text="Name", default="Anne"),
        row("Q", "S", "code", text="Code", validation="/^[A-Z]+$/"),
        row("Q", "M", "uses", text="Uses", max_answers="2", display_columns="3"),
        row("SQ", "", "walk", text="Walk"),
        row("Q", "S", "pin", text="PIN", numbers_only="1", hide_tip="1", page_break="0"),
    )
    assert refusals(tmp_path, data) == [
        ("line 5", "default"),
        ("line 6", "validation"),
        ("line 7", "attribute max_answers"),
        ("line 9", "attribute numbers_only"),
        NONE_LEFT,
    ]


@pytest.mark.parametrize("letter", list("KQ|*;:1ABCEHIOP"))
def test_each_type_without_a_kind_is_refused_by_name(tmp_path, letter):
    data = tsv(row("Q", letter, "thing", text="Thing?"), *LIST)
    result = refusals(tmp_path, data)
    assert result == [("line 5", f"question type {letter}")]


def test_the_other_rows_that_change_a_survey_are_refused(tmp_path):
    data = tsv(*LIST, row("AS", "", "score"), row("QTA", "", "quota"), row("ZZ", "", "what"))
    assert refusals(tmp_path, data) == [
        ("line 8", "row class AS"),
        ("line 9", "row class QTA"),
        ("line 10", "row class ZZ"),
    ]


def test_a_text_display_joins_the_section_introduction_unless_conditional(tmp_path):
    data = tsv(*LIST, row("Q", "X", "note", text="<p>Thanks &amp; <b>welcome</b></p>"))
    c = imported(tmp_path, data).consultation
    assert c.sections[0].intro == "Tell us.\n\nThanks & welcome"
    assert [q.id for q in c.questions] == ["visits"]
    data = tsv(*LIST, row("Q", "X", "note", text="Only some", relevance="visits == 'often'"))
    assert refusals(tmp_path, data) == [("line 8", "conditional text display")]


def test_tailoring_in_a_text_is_refused_but_a_spaced_brace_is_text(tmp_path):
    data = tsv(row("Q", "S", "name", text="Hello {name}, tell us"))
    assert refusals(tmp_path, data) == [("line 5", "tailoring"), NONE_LEFT]
    data = tsv(row("Q", "S", "name", text="Sets like { 1, 2 } are fine"))
    assert imported(tmp_path, data).consultation.by_id["name"].text == "Sets like { 1, 2 } are fine"


@pytest.mark.parametrize(
    ("validation", "whole", "expected"),
    [
        ("self >= 18 and self <= 120", True, {"min": 18, "max": 120}),
        ("(self >= 18) && (self <= 120)", True, {"min": 18, "max": 120}),
        ("self > 0 and self < 1000", True, {"min": 1, "max": 999}),
        ("0 <= self", False, {"min": 0}),
        ("self.NAOK <= 2.5", False, {"max": 2.5}),
    ],
)
def test_a_number_reads_exact_bounds_from_em_validation_q(tmp_path, validation, whole, expected):
    columns = {"em_validation_q": validation} | ({"num_value_int_only": "1"} if whole else {})
    data = tsv(row("Q", "N", "age", text="Age", **columns))
    settings_ = dict(imported(tmp_path, data).consultation.by_id["age"].settings)
    assert settings_ == {"decimals": 0 if whole else 6, **expected}


@pytest.mark.parametrize(
    "columns",
    [
        {"em_validation_q": "self > 0.5"},
        {"em_validation_q": "self > 0"},
        {"em_validation_q": "self >= age", "num_value_int_only": "1"},
        {"em_validation_q": "self >= 1 or self <= 5", "num_value_int_only": "1"},
        {"em_validation_q": "self >= 1 and self >= 5", "num_value_int_only": "1"},
    ],
)
def test_a_bound_that_is_not_exact_is_refused(tmp_path, columns):
    data = tsv(row("Q", "N", "age", text="Age", **columns))
    assert refusals(tmp_path, data) == [("line 5", "attribute em_validation_q"), NONE_LEFT]


def test_a_number_bound_given_as_an_expression_is_refused(tmp_path):
    data = tsv(row("Q", "N", "age", text="Age", min_num_value_n="other * 2"))
    assert refusals(tmp_path, data) == [("line 5", "attribute min_num_value_n"), NONE_LEFT]


def test_a_number_keeps_its_suffix_as_its_unit(tmp_path):
    data = tsv(row("Q", "N", "spend", text="Spend", prefix="£"))
    assert dict(imported(tmp_path, data).consultation.by_id["spend"].settings) == {
        "decimals": 6,
        "unit": "£",
        "unit_prefix": True,
    }


def test_other_adds_an_other_option_and_relevance_may_ask_for_it(tmp_path):
    head_other = tsv(
        row("Q", "L", "visits", text="How often?", other="Y", other_replace_text="Some other way"),
        row("A", "", "often", text="Often"),
        row("Q", "S", "why", text="Why?", relevance="visits == '-oth-'"),
        row("Q", "M", "uses", text="Uses", other="Y"),
        row("SQ", "", "walk", text="Walk"),
    )
    c = imported(tmp_path, head_other).consultation
    visits = c.by_id["visits"]
    assert [(o.value, o.label, o.other) for o in visits.options] == [
        ("often", "Often", False),
        ("-oth-", "Some other way", True),
    ]
    assert c.by_id["why"].condition == Equals("visits", "-oth-")
    assert [(o.value, o.label, o.other) for o in c.by_id["uses"].options] == [
        ("walk", "Walk", False),
        ("other", "Other", True),
    ]
    assert refusals(tmp_path, tsv(row("Q", "S", "name", text="Name", other="Y"))) == [
        ("line 5", "other"),
        NONE_LEFT,
    ]


def test_yes_no_gender_and_five_point_choices_have_limesurveys_options(tmp_path):
    data = tsv(
        row("Q", "Y", "agree", text="Agree?"),
        row("Q", "G", "gender", text="Gender"),
        row("Q", "5", "rating", text="Rating"),
        row("Q", "S", "why", text="Why?", relevance="agree == 'Y' and rating >= 4"),
    )
    c = imported(tmp_path, data).consultation
    by_id = c.by_id
    assert [(o.value, o.label) for o in by_id["agree"].options] == [("Y", "Yes"), ("N", "No")]
    assert [(o.value, o.label) for o in by_id["gender"].options] == [
        ("F", "Female"),
        ("M", "Male"),
    ]
    assert [o.value for o in by_id["rating"].options] == ["1", "2", "3", "4", "5"]
    why = by_id["why"].condition
    assert evaluate(why, {"agree": "Y", "rating": "5"})
    assert not evaluate(why, {"agree": "Y", "rating": "3"})
    assert not evaluate(why, {"agree": "N", "rating": "5"})


def test_an_array_is_a_grid_and_a_ranking_takes_its_answers(tmp_path):
    data = tsv(
        row("Q", "F", "views", text="Do you agree?", mandatory="Y"),
        row("SQ", "", "clean", text="Clean"),
        row("SQ", "", "safe", text="Safe"),
        row("A", "", "y", text="Yes"),
        row("A", "", "n", text="No"),
        row("Q", "R", "order", text="Rank", max_answers="2"),
        row("A", "", "a", text="A"),
        row("A", "", "b", text="B"),
        row("A", "", "c", text="C"),
    )
    c = imported(tmp_path, data).consultation
    views = c.by_id["views"]
    assert views.kind == "grid"
    assert views.required
    assert [(r["id"], r["text"]) for r in views.settings["rows"]] == [
        ("clean", "Clean"),
        ("safe", "Safe"),
    ]
    assert [o.value for o in views.options] == ["y", "n"]
    order = c.by_id["order"]
    assert order.kind == "ranking"
    assert dict(order.settings) == {"min_ranked": 1, "max_ranked": 2}


def test_an_array_row_code_that_is_no_surveykit_id_is_refused(tmp_path):
    data = tsv(
        *LIST,
        row("Q", "F", "views", text="Agree?"),
        row("SQ", "", "1", text="Clean"),
        row("A", "", "y", text="Yes"),
    )
    assert refusals(tmp_path, data) == [("line 8", "row code")]


def test_sub_question_relevance_and_a_choice_without_options_are_refused(tmp_path):
    data = tsv(
        row("Q", "F", "views", text="Agree?"),
        row("SQ", "", "clean", text="Clean", relevance="1"),
        row("SQ", "", "safe", text="Safe", relevance="views_clean == 'y'"),
        row("A", "", "y", text="Yes"),
        row("Q", "L", "empty", text="Nothing to pick"),
    )
    assert refusals(tmp_path, data) == [
        ("line 7", "sub-question relevance"),
        ("line 9", "no options"),
        NONE_LEFT,
    ]


def test_a_multiple_choice_item_in_relevance_reads_that_choice(tmp_path):
    data = tsv(
        row("Q", "M", "uses", text="Uses"),
        row("SQ", "", "walk", text="Walk"),
        row("SQ", "", "play", text="Play"),
        row("Q", "S", "where", text="Where?", relevance="uses_walk.NAOK == 'Y'"),
        row("Q", "S", "age", text="Age?", relevance="!is_empty(where)"),
    )
    c = imported(tmp_path, data).consultation
    assert c.by_id["where"].condition == Contains("uses", "walk")
    assert c.by_id["age"].condition == Answered("where")


def test_partial_lists_what_is_left_out_and_keeps_the_rest(tmp_path):
    data = tsv(
        *LIST, row("Q", "K", "sizes", text="Sizes"), row("Q", "S", "n", text="N", default="x")
    )
    result = imported(tmp_path, data, partial=True)
    assert [q.id for q in result.consultation.questions] == ["visits"]
    assert [(p.where, p.feature) for p in result.left_out] == [
        ("line 8", "question type K"),
        ("line 9", "default"),
    ]
    assert (
        "# - line 8: sizes: surveykit has no kind for LimeSurvey question type 'K'" in result.text
    )


def test_quoted_cells_may_hold_tabs_line_breaks_and_quotes(tmp_path):
    text = '"<p>Line one</p>\n<p>Say ""hello""</p>"'
    data = tsv(row("Q", "S", "name", text=text), row("Q", "S", "next", text="Next"))
    result = imported(tmp_path, data)
    assert result.consultation.by_id["name"].text == 'Line one\n\nSay "hello"'
    assert "# From line 7." in result.text  # the quoted cell took two lines


LSS = """<?xml version="1.0" encoding="UTF-8"?>
<document>
 <LimeSurveyDocType>Survey</LimeSurveyDocType>
 <DBVersion>155</DBVersion>
 <languages><language>en</language></languages>
 <answers><rows>
  <row><qid>11</qid><code>b</code><answer>Bee</answer><sortorder>2</sortorder>
   <language>en</language><scale_id>0</scale_id></row>
  <row><qid>11</qid><code>a</code><answer>Ay</answer><sortorder>1</sortorder>
   <language>en</language><scale_id>0</scale_id></row>
 </rows></answers>
 <groups><rows>
  <row><gid>2</gid><group_name>Second</group_name><group_order>1</group_order>
   <language>en</language><grelevance>pick == 'a'</grelevance><description/></row>
  <row><gid>1</gid><group_name>First</group_name><group_order>0</group_order>
   <language>en</language><grelevance/><description/></row>
 </rows></groups>
 <questions><rows>
  <row><qid>12</qid><parent_qid>0</parent_qid><gid>2</gid><type>N</type><title>size</title>
   <question>Size?</question><help/><other>N</other><mandatory>N</mandatory>
   <question_order>0</question_order><language>en</language><relevance>1</relevance></row>
  <row><qid>11</qid><parent_qid>0</parent_qid><gid>1</gid><type>L</type><title>pick</title>
   <question>Pick one</question><help/><other>N</other><mandatory>Y</mandatory>
   <question_order>0</question_order><language>en</language><relevance>1</relevance></row>
 </rows></questions>
 <question_attributes><rows>
  <row><qid>12</qid><attribute>max_num_value_n</attribute><value>9</value></row>
  <row><qid>12</qid><attribute>num_value_int_only</attribute><value>1</value></row>
  <row><qid>12</qid><attribute>time_limit_action</attribute><value>1</value></row>
  <row><qid>12</qid><attribute>hidden</attribute><value>0</value></row>
 </rows></question_attributes>
 <surveys><rows><row><sid>4711</sid><language>en</language></row></rows></surveys>
 <surveys_languagesettings><rows><row><surveyls_language>en</surveyls_language>
  <surveyls_title>Shapes</surveyls_title></row></rows></surveys_languagesettings>
</document>
"""


def test_an_lss_file_is_read_in_limesurveys_order(tmp_path):
    result = imported(tmp_path, LSS.encode(), name="shapes.lss")
    c = result.consultation
    assert c.metadata.title == "Shapes"
    assert [s.id for s in c.sections] == ["First", "Second"]
    assert [o.value for o in c.by_id["pick"].options] == ["a", "b"]
    size = c.by_id["size"]
    assert dict(size.settings) == {"decimals": 0, "max": 9}
    assert size.condition == Equals("pick", "a")
    assert "# From questions row 1." in result.text


def test_an_lss_attribute_that_changes_behaviour_is_refused_with_its_row(tmp_path):
    data = LSS.replace("<value>0</value>", "<value>1</value>").encode()
    assert refusals(tmp_path, data, name="shapes.lss") == [("questions row 1", "attribute hidden")]
    data = LSS.replace("<LimeSurveyDocType>Survey", "<LimeSurveyDocType>Group").encode()
    assert refusals(tmp_path, data, name="shapes.lss") == [("", "not a survey")]


def test_html_becomes_plain_text():
    assert plain_text("<p>One<br/>two</p><p>Three &amp; <a href='https://x.org'>x</a></p>") == (
        "One\ntwo\n\nThree & x (https://x.org)",
        True,
    )
    assert plain_text("  plain   words ") == ("plain   words", False)


def test_the_import_command_writes_a_spec_that_loads(tmp_path, capsys):
    form = tmp_path / "parks.txt"
    form.write_bytes(tsv(*LIST, row("Q", "S", "why", text="Why?", relevance="visits == 'never'")))
    out = tmp_path / "parks.toml"
    status = main(["import", str(form), "--out", str(out), "--publisher", "Anytown Council"])
    assert status == 0
    spec = load_spec(out)
    assert [q.id for q in spec.questions] == ["visits", "why"]
    assert spec.by_id["why"].condition == Equals("visits", "never")
    assert "2 questions imported" in capsys.readouterr().err


def test_the_import_command_lists_what_it_refuses(tmp_path, capsys):
    form = tmp_path / "parks.txt"
    form.write_bytes(tsv(*LIST, row("Q", "K", "sizes", text="Sizes")))
    out = tmp_path / "parks.toml"
    status = main(["import", str(form), "--from", "limesurvey", "--out", str(out)])
    assert status != 0
    assert "parks.txt: line 8: sizes: surveykit has no kind" in capsys.readouterr().err
    assert not out.exists()


CODES = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)
WORDS = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() and not set(s) & set('"<>&{}\t') and s == s.strip())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("L!M"),
            CODES,
            st.lists(st.tuples(CODES, WORDS), min_size=1, max_size=5, unique_by=lambda t: t[0]),
        ),
        min_size=1,
        max_size=5,
        unique_by=lambda t: t[1],
    )
)
def test_every_choice_question_keeps_its_codes_labels_and_order(tmp_path, questions):
    rows = []
    for letter, code, options in questions:
        rows.append(row("Q", letter, code, text=f"Question {code}"))
        child = "SQ" if letter == "M" else "A"
        rows += [row(child, "", value, text=label) for value, label in options]
    c = imported(tmp_path, tsv(*rows)).consultation
    expected = [code + "_" * (code in RESERVED) for _letter, code, _options in questions]
    assert [q.id for q in c.questions] == expected
    for question, (letter, _code, options) in zip(c.questions, questions, strict=True):
        assert question.kind == ("multi" if letter == "M" else "single")
        assert [(o.value, o.label) for o in question.options] == options


def test_conditions_on_numbers_keep_limesurveys_empty_answer(tmp_path):
    """``age < 18`` holds in LimeSurvey when age is unanswered (the translator's rule)."""
    data = tsv(
        row("Q", "N", "age", text="Age", num_value_int_only="1"),
        row("Q", "S", "guardian", text="Guardian", relevance="age < 18"),
    )
    condition = imported(tmp_path, data).consultation.by_id["guardian"].condition
    assert evaluate(condition, {})
    assert evaluate(condition, {"age": 10})
    assert not evaluate(condition, {"age": 30})
    assert condition != Compare("age", "<", 18)
    assert not isinstance(condition, Not)


@st.composite
def equations(draw: st.DrawFn, earlier: list[tuple[str, str]]) -> str:
    """A relevance equation over ``earlier`` (code, type letter), in the forms real surveys
    use; some are ones the translator refuses."""

    def atom() -> str:
        code, letter = draw(st.sampled_from(earlier))
        naok = draw(st.sampled_from(["", ".NAOK"]))
        if letter == "L":
            return draw(
                st.sampled_from(
                    [
                        f"{code}{naok} == 'a'",
                        f"{code}{naok} != 'b'",
                        f'{code}{naok} == "b"',
                        f"!is_empty({code}{naok})",
                        f"is_empty({code})",
                    ]
                )
            )
        if letter == "M":
            return draw(st.sampled_from([f"{code}_a{naok} == 'Y'", f"{code}_b{naok} == ''"]))
        return draw(st.sampled_from([f"{code}{naok} >= 18", f"{code}{naok} < 18", f"{code} > 0"]))

    parts = [atom() for _ in range(draw(st.integers(1, 3)))]
    joined = parts[0]
    for part in parts[1:]:
        joined = f"{joined} {draw(st.sampled_from(['and', 'or', '&&', '||']))} {part}"
    return draw(st.sampled_from([joined, f"({joined})", "1", ""]))


@st.composite
def surveys(draw: st.DrawFn) -> list[dict[str, str]]:
    """Two groups: choice and number questions, then text questions behind a group
    relevance; every question after the first may have a relevance."""
    rows: list[dict[str, str]] = []
    earlier: list[tuple[str, str]] = []
    for n in range(draw(st.integers(1, 3))):
        letter = draw(st.sampled_from("LMN"))
        relevance = draw(equations(earlier)) if earlier else "1"
        code = f"q{n}"
        rows.append(row("Q", letter, code, text=f"Question {n}", relevance=relevance))
        if letter == "N":
            rows[-1]["num_value_int_only"] = "1"
        child = "SQ" if letter == "M" else "A"
        rows += [row(child, "", value, text=value.upper()) for value in ("a", "b")]
        earlier.append((code, letter))
    rows.append(row("G", "", "Later", relevance=draw(equations(earlier))))
    for n in range(draw(st.integers(1, 2))):
        relevance = draw(equations(earlier))
        rows.append(row("Q", "S", f"t{n}", text=f"Text {n}", relevance=relevance))
    return rows


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(surveys())
def test_generated_surveys_show_each_question_when_limesurvey_would(tmp_path, rows):
    """Question and group relevance, AND-ed, over questions that may themselves be hidden:
    what is imported shows each question exactly when LimeSurvey would (em_eval)."""
    path = tmp_path / "generated.txt"
    path.write_bytes(tsv(*rows))
    # the first question is always shown, so something is always imported
    result = import_form(path, closes=CLOSES, publisher="Tests", partial=True)
    assert {p.feature for p in result.left_out} <= {"relevance", "group relevance"}
    check_visibility(result.consultation, source_relevance(path))
