"""XLSForm import, rule by rule, on small spreadsheets written in each test.

Each refusal is checked as the exact list of (where, feature, message) problems, so a rule that
starts to refuse more, or less, shows up here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from xlsform_build import xlsx

from surveykit.conditions import All, Compare, Contains, Equals, Not, evaluate
from surveykit_interchange.api import ImportRefused, import_form
from surveykit_interchange.xlsform_read import language_tag, normalise_header

CLOSES = dt.date(2099, 12, 31)
SURVEY = ["type", "name", "label"]


def imported(path: Path, **options: Any):
    return import_form(path, publisher="Tests", closes=CLOSES, **options)


def problems(path: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(ImportRefused) as refused:
        imported(path)
    return [(p.where, p.feature, p.message) for p in refused.value.problems]


def features(path: Path) -> list[tuple[str, str]]:
    return [(where, feature) for where, feature, _ in problems(path)]


# sheets and headers ----------------------------------------------------------------------------


def test_sheets_are_found_by_name_in_any_case_and_place(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        sheets=[
            ("NOTES", [["anything"], ["at all"]]),
            ("columns", [["x"]]),
            ("Choices", [["List Name", "Name", "Label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]),
            ("SURVEY", [["Type", "Name", "Label"], ["select one from yn", "ok", "OK?"]]),
        ],
    )
    question = imported(path).consultation.questions[0]
    assert (question.kind, [o.value for o in question.options]) == ("single", ["yes", "no"])


@pytest.mark.parametrize(
    ("header", "double", "expected"),
    [
        ("list name", False, "list_name"),
        ("List Name", False, "list_name"),
        ("Label", False, "label"),
        ("label:English (en)", False, "label::English (en)"),
        ("label::English (en)", True, "label::English (en)"),
        ("jr:count", False, "repeat_count"),
        ("image", False, "media::image"),
        ("media::image::English (en)", True, "media::image::English (en)"),
        ("relevance", False, "relevant"),
        ("caption", False, "label"),
    ],
)
def test_headers_are_read_as_pyxform_reads_them(header: str, double: bool, expected: str) -> None:
    assert normalise_header(header, double) == expected


def test_rows_are_numbered_as_the_spreadsheet_numbers_them(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[SURVEY, ["text", "a", "A"], [None, None, None], ["geopoint", "where", "Where?"]],
    )
    assert problems(path) == [
        (
            "survey sheet, row 4",
            "question type geopoint",
            "surveykit has no kind for xlsform question type 'geopoint'",
        )
    ]


def test_legacy_type_spellings(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[
            SURVEY,
            ["begin group", "g", "G"],
            ["int", "n", "How many?"],
            ["string", "s", "Say"],
            ["select all that apply from c", "m", "Which?"],
            ["end group", "g", None],
        ],
        choices=[["list name", "name", "label"], ["c", "a", "A"], ["c", "b", "B"]],
    )
    kinds = [(q.id, q.kind) for q in imported(path).consultation.questions]
    assert kinds == [("n", "number"), ("s", "text"), ("m", "multi")]


# types --------------------------------------------------------------------------------------


def test_select_or_other_adds_an_other_option(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[SURVEY, ["select_one c or_other", "pick", "Pick"]],
        choices=[["list_name", "name", "label"], ["c", "a", "A"]],
    )
    question = imported(path).consultation.questions[0]
    assert [(o.value, o.label, o.other) for o in question.options] == [
        ("a", "A", False),
        ("other", "Other", True),
    ]


def test_a_missing_choice_list_is_refused(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path, survey=[SURVEY, ["text", "a", "A"], ["select_one nowhere", "pick", "Pick"]]
    )
    assert problems(path) == [
        ("survey sheet, row 3", "choices", "type: the choices sheet has no list named `nowhere`")
    ]


def test_number_kinds_and_their_constraints(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[
            [*SURVEY, "constraint", "parameters"],
            ["integer", "age", "Age", ". > 17 and . < 121", None],
            ["decimal", "weight", "Weight", ". >= 0.5 and . <= 250", None],
            ["range", "score", "Score", None, "start=1 end=5 step=1"],
            ["decimal", "cost", "Cost", "round(., 3) = .", None],
        ],
    )
    questions = {q.id: dict(q.settings) for q in imported(path).consultation.questions}
    assert questions == {
        "age": {"min": 18, "max": 120},
        "weight": {"decimals": 2, "min": 0.5, "max": 250},
        "score": {"min": 1, "max": 5},
        "cost": {"decimals": 3},
    }


@pytest.mark.parametrize(
    ("kind", "constraint", "parameters", "feature", "message"),
    [
        (
            "decimal",
            ". > 0",
            None,
            "constraint",
            "constraint: `. > 0`: a strict bound (< or >) is read only on a whole number; "
            "write >= or <=",
        ),
        (
            "integer",
            ". != 3",
            None,
            "constraint",
            "constraint: `. != 3` is not a minimum or maximum surveykit can read "
            "(docs/interchange.md lists the constraints it reads)",
        ),
        (
            "range",
            None,
            "start=0 end=10 step=2",
            "parameters",
            "parameters: a range in steps of 2 from 0 allows only some numbers in between; "
            "surveykit's number takes every number with its decimal places",
        ),
        (
            "text",
            "regex(., '^[0-9]+$')",
            None,
            "constraint",
            "constraint: `regex(., '^[0-9]+$')` is not a length limit surveykit can read "
            "(docs/interchange.md lists the constraints it reads)",
        ),
    ],
)
def test_constraints_surveykit_cannot_read_are_refused(
    tmp_path: Path, kind: str, constraint: str, parameters: str, feature: str, message: str
) -> None:
    path = xlsx(
        tmp_path,
        survey=[
            [*SURVEY, "constraint", "parameters"],
            ["text", "a", "A", None, None],
            [kind, "q", "Q", constraint, parameters],
        ],
    )
    assert problems(path) == [("survey sheet, row 3", feature, message)]


def test_text_length_and_the_constraint_message(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[
            [*SURVEY, "constraint", "constraint_message", "required_message", "guidance_hint"],
            ["text", "why", "Why?", "string-length(.) <= 500", "Too long", "Please say", "Ask"],
            ["text", "short", "Short", "string-length(.) < 11", None, None, None],
        ],
    )
    result = imported(path)
    assert [q.max_length for q in result.consultation.questions] == [500, 10]
    assert "# The constraint_message was dropped: surveykit says its own message." in result.text
    assert "# The required_message was dropped: surveykit says its own message." in result.text
    assert "# The guidance_hint was dropped: surveykit has no guidance text." in result.text


def test_dates_months_and_bounds(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[
            [*SURVEY, "appearance", "constraint"],
            ["date", "born", "Born", None, ". >= date('1900-01-01') and . <= today()"],
            ["date", "moved", "Moved", "month-year", ". >= date('2000-03-01')"],
            ["date", "seen", "Seen", "no-calendar", None],
        ],
    )
    settings = [dict(q.settings) for q in imported(path).consultation.questions]
    assert settings == [
        {"earliest": dt.date(1900, 1, 1), "latest": "today"},
        {"precision": "month", "earliest": "2000-03"},
        {},
    ]


def test_a_year_alone_is_refused(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[[*SURVEY, "appearance"], ["text", "a", "A", None], ["date", "y", "Year", "year"]],
    )
    assert problems(path) == [
        (
            "survey sheet, row 3",
            "appearance year",
            "appearance: year asks for a year alone; surveykit's date asks a day or a month",
        )
    ]


def test_rank_is_a_ranking(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[SURVEY, ["rank c", "order", "Order"]],
        choices=[["list_name", "name", "label"], ["c", "a", "A"], ["c", "b", "B"]],
    )
    question = imported(path).consultation.questions[0]
    assert (question.kind, [o.value for o in question.options]) == ("ranking", ["a", "b"])


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (
            "start",
            "`start` records when the form was opened without asking; surveykit records only "
            "what respondents answer",
        ),
        (
            "deviceid",
            "`deviceid` records the device's identifier without asking; surveykit records only "
            "what respondents answer",
        ),
        ("geotrace", "surveykit has no kind for xlsform question type 'geotrace'"),
        ("acknowledge", "surveykit has no kind for xlsform question type 'acknowledge'"),
        ("select_one_from_file", "surveykit has no kind for xlsform question type "
         "'select_one_from_file'"),
    ],
)  # fmt: skip
def test_types_with_no_kind_are_refused(tmp_path: Path, kind: str, message: str) -> None:
    path = xlsx(tmp_path, survey=[SURVEY, ["text", "a", "A"], [kind, "x", "X"]])
    assert problems(path) == [("survey sheet, row 3", f"question type {kind.split()[0]}", message)]


# groups, notes, repeats --------------------------------------------------------------------------


def test_groups_become_sections_and_loose_questions_sections_of_their_own(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[
            SURVEY,
            ["text", "first", "First"],
            ["begin_group", "about", "About you"],
            ["note", "intro", "Tell us about yourself."],
            ["text", "name", "Name"],
            ["begin_group", "inner", "Inner"],
            ["text", "town", "Town"],
            ["end_group", None, None],
            ["note", "more", "Nearly done."],
            ["end_group", None, None],
            ["text", "last", "Last"],
        ],
        settings=[["form_title", "form_id"], ["My form", "my_form"]],
    )
    result = imported(path)
    sections = [
        (s.id, s.title, s.intro, [q.id for q in s.questions]) for s in result.consultation.sections
    ]
    assert sections == [
        ("questions", "My form", "", ["first"]),
        ("about", "About you", "Tell us about yourself.\n\nNearly done.", ["name", "town"]),
        ("questions_2", "My form", "", ["last"]),
    ]
    assert (
        "survey sheet, row 6: group `inner` inside group `about` was flattened into section `about`"
        in result.adapted
    )
    assert (
        "survey sheet, row 9: note `more` became part of the introduction of section `about`"
        in result.adapted
    )
    assert result.consultation.metadata.title == "My form"
    assert result.consultation.metadata.id == "my_form"


def test_a_repeat_is_refused_as_one_problem_naming_its_rows(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[
            [*SURVEY, "repeat_count"],
            ["integer", "n", "How many?", None],
            ["begin_repeat", "people", "Person", "${n}"],
            ["text", "name", "Name", None],
            ["begin_group", "g", "G", None],
            ["integer", "age", "Age", None],
            ["end_group", None, None, None],
            ["end_repeat", None, None, None],
            ["text", "after", "After", None],
        ],
    )
    assert problems(path) == [
        (
            "survey sheet, rows 3-8",
            "repeat",
            "repeat `people` (rows 3 to 8, 4 rows inside) asks its questions any number of "
            "times; surveykit asks each question once",
        )
    ]
    left = imported(path, partial=True)
    assert [q.id for q in left.consultation.questions] == ["n", "after"]


def test_a_note_shown_only_sometimes_is_refused(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[[*SURVEY, "relevant"], ["integer", "n", "N", None], ["note", "x", "X", "${n} > 1"]],
    )
    assert features(path) == [("survey sheet, row 3", "note condition")]


# columns -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "feature", "message"),
    [
        ("required", "${a} != ''", "required",
         "required: `${a} != ''` is an expression; surveykit's required is yes or no"),
        ("choice_filter", "x = 1", "choice filter",
         "choice_filter: a choice filter shows only some choices"),
        ("calculation", "1 + 1", "calculation", "calculation: a calculation sets the answer"),
        ("trigger", "${a}", "trigger",
         "trigger: a trigger recalculates the answer when another changes"),
        ("default", "hello", "default",
         "default: a default fills in an answer before the respondent does"),
        ("readonly", "yes", "readonly", "readonly: a read-only question takes no answer"),
        ("repeat_count", "3", "repeat_count", "repeat_count: a repeat count repeats questions"),
        ("image", "a.png", "media",
         "media::image: surveykit shows no image, audio or video with a question"),
        ("bind::odk:length", "5", "column bind::odk:length",
         "bind::odk:length: sets XForm attributes directly"),
        ("label::English (en)", "Hello ${a}", "label reference",
         "label::English (en): `${..}` shows an earlier answer inside the text; surveykit's "
         "texts are fixed"),
    ],
)  # fmt: skip
def test_columns_that_change_behaviour_are_refused(
    tmp_path: Path, column: str, value: str, feature: str, message: str
) -> None:
    header = ["type", "name", "label::English (en)"]
    if column != header[2]:
        header.append(column)
    row = ["text", "b", value if column == header[2] else "B", value][: len(header)]
    path = xlsx(tmp_path, survey=[header, ["text", "a", "A"], row])
    assert problems(path) == [("survey sheet, row 3", feature, message)]


@pytest.mark.parametrize(
    ("value", "required"),
    [("yes", True), ("TRUE()", True), ("true", True), (1, True), ("no", False), ("false", False)],
)
def test_required_words(tmp_path: Path, value: Any, required: bool) -> None:
    path = xlsx(tmp_path, survey=[[*SURVEY, "required"], ["text", "a", "A", value]])
    assert imported(path).consultation.questions[0].required is required


def test_presentational_columns_are_dropped(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[[*SURVEY, "appearance"], ["text", "a", "A", "multiline"]],
        sheets=[("columns", [["whatever"]])],
    )
    assert imported(path).consultation.questions[0].kind == "text"


# relevant --------------------------------------------------------------------------------------


def test_relevant_reads_earlier_questions_by_their_new_ids(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[
            [*SURVEY, "relevant"],
            ["select_multiple c", "project-alpha", "Which?", None],
            ["begin_group", "g", "G", "selected(${project-alpha}, 'a')"],
            ["integer", "n", "N", None],
            ["text", "t", "T", "${n} >= 3"],
            ["end_group", None, None, None],
        ],
        choices=[["list_name", "name", "label"], ["c", "a", "A"], ["c", "b", "B"]],
    )
    questions = {q.id: q for q in imported(path).consultation.questions}
    assert list(questions) == ["project_alpha", "n", "t"]
    assert questions["n"].condition == Contains("project_alpha", "a", 1)
    t = questions["t"].condition
    assert t == All((Contains("project_alpha", "a", 1), Compare("n", ">=", 3, 1)))
    assert evaluate(t, {"project_alpha": ["a"], "n": 3})
    assert not evaluate(t, {"project_alpha": ["b"], "n": 3})


def test_a_relevant_the_translator_refuses_refuses_the_question(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[
            [*SURVEY, "relevant"],
            ["text", "a", "A", None],
            ["text", "b", "B", "${a} = 'x'"],
            ["text", "c", "C", "${b} != ''"],
        ],
    )
    assert problems(path) == [
        (
            "survey sheet, row 3",
            "expression",
            "relevant, column 1: `${a} = 'x'`: text is compared only with '' (surveykit "
            "compares text ignoring case and spacing, XPath exactly)",
        ),
        (
            "survey sheet, row 4",
            "expression",
            "relevant, column 1: `${b}` is not an earlier question",
        ),
    ]


def test_a_refused_group_relevant_leaves_the_group_out(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[
            [*SURVEY, "relevant"],
            ["text", "a", "A", None],
            ["begin_group", "g", "G", "${a} > 'x'"],
            ["text", "b", "B", None],
            ["end_group", None, None, None],
        ],
    )
    assert features(path) == [("survey sheet, row 3", "expression")]
    left = imported(path, partial=True)
    assert [q.id for q in left.consultation.questions] == ["a"]
    assert "survey sheet, row 3: the questions of group `g` are left out with it" in left.adapted


def test_not_equal_on_a_choice(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[
            [*SURVEY, "relevant"],
            ["select_one c", "a", "A", None],
            ["text", "b", "B", "${a} != 'y'"],
        ],
        choices=[["list_name", "name", "label"], ["c", "y", "Y"], ["c", "n", "N"]],
    )
    assert imported(path).consultation.questions[1].condition == Not(Equals("a", "y", 1))


# languages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "tag"),
    [
        ("Welsh (cy)", "cy"),
        ("Cymraeg (cy)", "cy"),
        ("english", "en"),
        ("Chinese", "zh"),
        ("Deutsch", "de"),
        ("de", "de"),
        ("Portuguese (pt_BR)", "pt-BR"),
    ],
)
def test_language_names_and_tags(name: str, tag: str) -> None:
    assert language_tag(name) == (tag, "")


def test_an_unknown_language_is_refused(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[["type", "name", "label::English (en)", "label::Elvish"], ["text", "a", "A", "Ae"]],
    )
    assert problems(path) == [
        (
            "survey sheet, row 1",
            "language",
            "the columns for language 'Elvish' name no language tag: 'Elvish' is no language name "
            "surveykit knows; write it as `label::Name (tag)`, e.g. `label::Welsh (cy)`",
        )
    ]


def test_languages_become_translations(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[
            ["type", "name", "label::English (en)", "label::Welsh (cy)", "hint::Welsh (cy)"],
            ["select_one yn", "ok", "All right?", "Iawn?", "Dywedwch"],
        ],
        choices=[
            ["list_name", "name", "label::English (en)", "label::Welsh (cy)"],
            ["yn", "yes", "Yes", "Ie"],
        ],
        settings=[["form_title", "default_language"], ["Form", "English (en)"]],
    )
    result = imported(path).consultation
    assert result.metadata.languages == ("en", "cy")
    welsh = result.translations["cy"]
    assert welsh["ok.text"].text == "Iawn?"
    assert welsh["ok.options.yes"].text == "Ie"
    assert welsh["ok.hint"].text == "Dywedwch"
    assert result.questions[0].hint == "Dywedwch"  # given only in Welsh: said in every language
    assert "# The hint is not given in en; the cy one is used in every language." in (
        imported(path).text
    )


def test_a_plain_label_is_english_unless_the_settings_say(tmp_path: Path) -> None:
    plain = xlsx(tmp_path, survey=[SURVEY, ["text", "a", "A"]], name="plain.xlsx")
    result = imported(plain)
    assert result.consultation.metadata.languages == ("en",)
    assert any(note.startswith("languages: the plain label column") for note in result.adapted)
    welsh = xlsx(
        tmp_path,
        survey=[SURVEY, ["text", "a", "A"]],
        settings=[["default_language"], ["Welsh (cy)"]],
        name="welsh.xlsx",
    )
    assert imported(welsh).consultation.metadata.languages == ("cy",)


def test_the_first_language_column_is_the_forms_own_without_a_default(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[
            ["type", "name", "label::Welsh (cy)", "label::English (en)"],
            ["text", "a", "B", "A"],
        ],
    )
    consultation = imported(path).consultation
    assert consultation.metadata.languages == ("cy", "en")
    assert consultation.questions[0].text == "B"


def test_partial_import_lists_what_was_left_out(tmp_path: Path) -> None:
    path = xlsx(tmp_path, survey=[SURVEY, ["text", "a", "A"], ["calculate", "c", None]])
    result = imported(path, partial=True)
    assert [q.id for q in result.consultation.questions] == ["a"]
    assert (
        "# - survey sheet, row 3: surveykit has no kind for xlsform question type 'calculate'"
        in (result.text)
    )


def test_a_workbook_without_a_survey_sheet_is_refused(tmp_path: Path) -> None:
    path = xlsx(tmp_path, sheets=[("Sheet1", [["type", "name"], ["text", "a"]])])
    assert features(path) == [("", "survey sheet"), ("", "no questions")]


def test_unbalanced_groups_are_refused(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[
            SURVEY,
            ["text", "a", "A"],
            ["end_group", None, None],
            ["begin_group", "open", "Open"],
            ["text", "b", "B"],
        ],
    )
    assert problems(path) == [
        ("survey sheet, row 3", "group", "an end_group with no begin_group"),
        ("survey sheet, row 4", "group", "group `open` is never closed by an end_group"),
    ]


def test_legacy_or_specify_other_and_loops(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[
            SURVEY,
            ["select all that apply from c or specify other", "m", "Which?"],
            ["begin loop over c", "each", "Each"],
            ["integer", "n", "How many %(label)s?"],
            ["end loop", None, None],
        ],
        choices=[["list name", "name", "label"], ["c", "a", "A"]],
    )
    assert features(path) == [("survey sheet, rows 3-5", "repeat")]
    question = imported(path, partial=True).consultation.questions[0]
    assert [(o.value, o.other) for o in question.options] == [("a", False), ("other", True)]


def test_a_surveykit_kind_is_read_only_on_a_text_row(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[
            [*SURVEY, "surveykit::kind"],
            ["text", "mail", "Email", "email"],
            ["integer", "n", "N", "phone"],
            ["text", "odd", "Odd", "telepathy"],
        ],
    )
    assert problems(path) == [
        (
            "survey sheet, row 3",
            "surveykit::kind",
            "surveykit::kind 'phone' is only read on a text row",
        ),
        (
            "survey sheet, row 4",
            "question type text:telepathy",
            "surveykit has no kind for xlsform question type 'text:telepathy'",
        ),
    ]
    assert imported(path, partial=True).consultation.questions[0].kind == "email"


def test_every_problem_of_a_row_is_listed_at_once(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path,
        survey=[
            [*SURVEY, "default", "calculation"],
            ["text", "a", "A", None, None],
            ["geopoint", "where", "Where?", "0 0", None],
            ["calculate", "sum", None, None, "1 + 1"],
        ],
    )
    assert features(path) == [
        ("survey sheet, row 3", "default"),
        ("survey sheet, row 3", "question type geopoint"),
        ("survey sheet, row 4", "calculation"),
    ]
