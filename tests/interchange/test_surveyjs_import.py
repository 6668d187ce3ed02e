"""Reading SurveyJS forms: every rule of the importer on small forms written here, with the
exact problems (JSON path, feature) a form surveykit cannot represent is refused with."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveykit.conditions import evaluate
from surveykit.spec import loads_spec
from surveykit_interchange.api import import_form
from surveykit_interchange.building import Imported, ImportRefused
from surveykit_interchange.kinds_surveyjs import UK_PHONE_REGEX, UK_POSTCODE_REGEX

CLOSES = dt.date(2027, 3, 31)


def _imported(tmp_path: Path, form: dict[str, Any], *, name: str = "form.json", **kw) -> Imported:
    path = tmp_path / name
    path.write_text(json.dumps(form), encoding="utf-8")
    return import_form(path, publisher="Tests", closes=CLOSES, **kw)


def _refused(tmp_path: Path, form: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ImportRefused) as refused:
        _imported(tmp_path, form)
    return [(p.where, p.feature) for p in refused.value.problems]


def _one(tmp_path: Path, element: dict[str, Any], *before: dict[str, Any]):
    """The question read from ``element`` (after the elements ``before`` it)."""
    consultation = _imported(tmp_path, {"elements": [*before, element]}).consultation
    return consultation.questions[-1]


def _page(*elements: dict[str, Any], **page: Any) -> dict[str, Any]:
    return {**page, "elements": list(elements)}


def _text(name: str, **more: Any) -> dict[str, Any]:
    return {"type": "text", "name": name, **more}


def _radio(name: str, choices: list[Any], **more: Any) -> dict[str, Any]:
    return {"type": "radiogroup", "name": name, "choices": choices, **more}


# pages, panels and sections ---------------------------------------------------------------


def test_pages_become_sections_named_by_title_name_or_number(tmp_path):
    form = {
        "pages": [
            _page(_text("a"), name="about", title="About you"),
            _page(_text("b"), name="views"),
            _page(_text("c")),
        ]
    }
    consultation = _imported(tmp_path, form).consultation
    assert [(s.id, s.title) for s in consultation.sections] == [
        ("about", "About you"),
        ("views", "views"),
        ("page3", "Page 3"),
    ]
    assert [q.section for q in consultation.questions] == ["about", "views", "page3"]


def test_top_level_elements_are_one_section_with_their_own_paths(tmp_path):
    form = {"elements": [_text("a"), _text("b", inputType="color")]}
    assert _refused(tmp_path, form) == [("elements[1]", "question type text:color")]
    consultation = _imported(tmp_path, {"elements": [_text("a")]}).consultation
    assert [(s.id, s.title) for s in consultation.sections] == [("page1", "Page 1")]


def test_a_panel_is_a_section_and_the_page_continues_after_it(tmp_path):
    panel = {
        "type": "panel",
        "name": "extra",
        "title": "More",
        "description": "About the panel",
        "visibleIf": "{a} = 'y'",
        "elements": [
            _text("inner"),
            {"type": "panel", "name": "deep", "elements": [_text("deepest")]},
        ],
    }
    form = {"pages": [_page(_radio("a", ["y", "n"]), panel, _text("after"), title="One")]}
    consultation = _imported(tmp_path, form).consultation
    assert [(s.id, s.title, s.intro) for s in consultation.sections] == [
        ("page1", "One", ""),
        ("extra", "More", "About the panel"),
        ("page1_more", "One", ""),
    ]
    by_id = consultation.by_id
    assert by_id["inner"].shown_if == 'a == "y"'
    assert by_id["deepest"].shown_if == 'a == "y"'  # nested panels flattened, condition kept
    assert by_id["after"].shown_if is None
    imported = _imported(tmp_path, form)
    assert "# Was inside the panel deep (pages[0].elements[1].elements[1])." in imported.text
    assert "# From pages[0].elements[1].elements[1].elements[0]." in imported.text


def test_page_and_panel_conditions_are_anded_into_each_question(tmp_path):
    panel = {"type": "panel", "name": "p", "visibleIf": "{b} notempty", "elements": [_text("c")]}
    page = _page(_text("b"), panel, visibleIf="{a} = 'y'")
    form = {"pages": [_page(_radio("a", ["y", "n"])), page]}
    consultation = _imported(tmp_path, form).consultation
    assert consultation.by_id["b"].shown_if == 'a == "y"'
    assert consultation.by_id["c"].shown_if == 'a == "y" and answered(b)'


def test_a_page_whose_condition_cannot_be_read_is_refused_once(tmp_path):
    form = {"pages": [_page(_text("a")), _page(_text("b"), visibleIf="{a} = 'x'")]}
    assert _refused(tmp_path, form) == [("pages[1]", "visibleIf")]
    partial = _imported(tmp_path, form, partial=True)
    assert [q.id for q in partial.consultation.questions] == ["a"]


def test_html_is_the_section_introduction_and_an_image_is_left_out(tmp_path):
    html = {"type": "html", "name": "h", "html": "<p>Welcome &amp; thanks.</p>Line<br>two"}
    image = {"type": "image", "name": "pic", "imageLink": "https://example.org/a.png"}
    imported = _imported(tmp_path, {"pages": [_page(html, image, _text("a"))]})
    assert imported.consultation.sections[0].intro == "Welcome & thanks.\n\nLine\ntwo"
    assert "pages[0].elements[0]: an html element was read as its section's introduction" in (
        imported.adapted
    )
    assert any("image element was left out" in note for note in imported.adapted)
    conditional = {**html, "visibleIf": "{a} notempty"}
    assert _refused(tmp_path, {"elements": [_text("a"), conditional]}) == [
        ("elements[1]", "html visibleIf")
    ]


# element types -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("element", "kind", "settings"),
    [
        (_radio("q", ["a"]), "single", {}),
        ({"type": "dropdown", "name": "q", "choices": ["a"]}, "single", {}),
        ({"type": "checkbox", "name": "q", "choices": ["a"]}, "multi", {}),
        ({"type": "tagbox", "name": "q", "choices": ["a"]}, "multi", {}),
        (_text("q"), "text", {}),
        (_text("q", inputType="text"), "text", {}),
        ({"type": "comment", "name": "q"}, "text", {}),
        (_text("q", inputType="number", step=1), "number", {}),
        (_text("q", inputType="number", step=0.01), "number", {"decimals": 2}),
        (_text("q", inputType="number"), "number", {"decimals": 6}),
        (_text("q", inputType="date"), "date", {}),
        (_text("q", inputType="month"), "date", {"precision": "month"}),
        (_text("q", inputType="email"), "email", {}),
        (_text("q", inputType="tel"), "phone", {"international": True}),
        (
            _text("q", inputType="tel", validators=[{"type": "regex", "regex": UK_PHONE_REGEX}]),
            "phone",
            {},
        ),
        (
            _text(
                "q",
                validators=[{"type": "regex", "regex": UK_POSTCODE_REGEX, "caseInsensitive": True}],
            ),
            "uk_postcode",
            {},
        ),
        (_text("q", validators=[{"type": "email"}]), "email", {}),
        ({"type": "rating", "name": "q"}, "number", {"min": 1, "max": 5}),
        (
            {"type": "rating", "name": "q", "rateMin": 0, "rateMax": 10},
            "number",
            {"min": 0, "max": 10},
        ),
        ({"type": "rating", "name": "q", "rateCount": 3}, "number", {"min": 1, "max": 3}),
        ({"type": "ranking", "name": "q", "choices": ["a", "b", "c"]}, "ranking", {}),
        (
            {
                "type": "ranking",
                "name": "q",
                "choices": ["a", "b", "c"],
                "selectToRankEnabled": True,
            },
            "ranking",
            {"min_ranked": 1},
        ),
        (
            {
                "type": "ranking",
                "name": "q",
                "choices": ["a", "b", "c"],
                "selectToRankEnabled": True,
                "maxSelectedChoices": 2,
            },
            "ranking",
            {"max_ranked": 2, "min_ranked": 1},
        ),
    ],
)
def test_each_element_type_is_read_as_its_kind(tmp_path, element, kind, settings):
    question = _one(tmp_path, element)
    assert (question.kind, dict(question.settings)) == (kind, settings)


def test_a_matrix_is_a_grid_whose_columns_are_the_options(tmp_path):
    matrix = {
        "type": "matrix",
        "name": "m",
        "eachRowRequired": True,
        "columns": [{"value": 1, "text": "Agree"}, "Disagree"],
        "rows": [{"value": "cost", "text": "Cost"}, "Speed of service", "row-3"],
    }
    question = _one(tmp_path, matrix)
    assert question.kind == "grid"
    assert question.required is True
    assert [(o.value, o.label) for o in question.options] == [
        ("1", "Agree"),
        ("Disagree", "Disagree"),
    ]
    assert list(question.settings["rows"]) == [
        {"id": "cost", "text": "Cost"},
        {"id": "Speed_of_service", "text": "Speed of service"},
        {"id": "row_3", "text": "row-3"},
    ]


def test_a_matrix_row_is_read_by_a_later_condition(tmp_path):
    matrix = {"type": "matrix", "name": "m", "columns": ["y", "n"], "rows": ["cost"]}
    question = _one(tmp_path, _text("later", visibleIf="{m.cost} = 'y'"), matrix)
    assert question.shown_if == 'm.cost == "y"'


def test_a_matrix_required_only_somewhere_is_refused(tmp_path):
    matrix = {"type": "matrix", "name": "m", "isRequired": True, "columns": ["y"], "rows": ["a"]}
    assert _refused(tmp_path, {"elements": [matrix]}) == [
        ("elements[0]", "isRequired"),
        ("", "no questions"),
    ]


@pytest.mark.parametrize(
    ("element", "feature"),
    [
        ({"type": "boolean", "name": "q"}, "question type boolean"),
        ({"type": "expression", "name": "q", "expression": "{a} + 1"}, "question type expression"),
        (
            {"type": "paneldynamic", "name": "q", "templateElements": []},
            "question type paneldynamic",
        ),
        ({"type": "matrixdynamic", "name": "q"}, "question type matrixdynamic"),
        ({"type": "matrixdropdown", "name": "q"}, "question type matrixdropdown"),
        ({"type": "multipletext", "name": "q"}, "question type multipletext"),
        ({"type": "file", "name": "q"}, "question type file"),
        ({"type": "signaturepad", "name": "q"}, "question type signaturepad"),
        ({"type": "imagepicker", "name": "q", "choices": []}, "question type imagepicker"),
        (_text("q", inputType="color"), "question type text:color"),
        (_text("q", inputType="datetime-local"), "question type text:datetime-local"),
        ({"type": "rating", "name": "q", "rateValues": [1, 5]}, "rateValues"),
        ({"type": "rating", "name": "q", "rateStep": 2}, "rateStep"),
        ({"type": "rating", "name": "q", "rateCount": 4, "rateMax": 10}, "rateCount"),
        (_text("q", inputType="number", step=0.5), "step"),
        (
            {"type": "checkbox", "name": "q", "choices": ["a"], "maxSelectedChoices": 2},
            "maxSelectedChoices",
        ),
    ],
)
def test_element_types_and_settings_without_a_kind_are_refused_by_name(tmp_path, element, feature):
    assert _refused(tmp_path, {"elements": [element]}) == [
        ("elements[0]", feature),
        ("", "no questions"),
    ]


# common properties -------------------------------------------------------------------------


def test_name_title_description_and_required(tmp_path):
    question = _one(
        tmp_path,
        _text("full-name", title="Your name", description="As on your passport", isRequired=True),
    )
    assert (question.id, question.text, question.hint, question.required) == (
        "full_name",
        "Your name",
        "As on your passport",
        True,
    )
    bare = _one(tmp_path, _text("nick"))
    assert (bare.text, bare.hint, bare.required) == ("nick", None, False)


def test_a_rating_scales_end_labels_join_its_hint(tmp_path):
    rating = {
        "type": "rating",
        "name": "nps",
        "rateMin": 0,
        "rateMax": 10,
        "description": "Be honest.",
        "minRateDescription": "Not likely",
        "maxRateDescription": "Very likely",
    }
    assert _one(tmp_path, rating).hint == "Be honest.\n0: Not likely\n10: Very likely"


def test_choices_as_strings_numbers_and_objects(tmp_path):
    question = _one(tmp_path, _radio("q", ["a", 2, {"value": "c", "text": "See"}, {"value": 4}]))
    assert [(o.value, o.label) for o in question.options] == [
        ("a", "a"),
        ("2", "2"),
        ("c", "See"),
        ("4", "4"),
    ]


def test_dropdown_numbers_from_choices_min_to_max(tmp_path):
    dropdown = {"type": "dropdown", "name": "age", "choicesMin": 1, "choicesMax": 3}
    assert [o.value for o in _one(tmp_path, dropdown).options] == ["1", "2", "3"]


def test_other_and_none_items(tmp_path):
    single = _radio("q", ["a"], showNoneItem=True, noneText="Nothing", hasOther=True)
    question = _one(tmp_path, single)
    assert [(o.value, o.label, o.other) for o in question.options] == [
        ("a", "a", False),
        ("none", "Nothing", False),
        ("other", "Other (describe)", True),
    ]
    multi = {
        "type": "checkbox",
        "name": "m",
        "choices": ["a"],
        "showOtherItem": True,
        "otherText": "Else",
    }
    assert [(o.value, o.label, o.other) for o in _one(tmp_path, multi).options] == [
        ("a", "a", False),
        ("other", "Else", True),
    ]
    exclusive = {"type": "checkbox", "name": "m", "choices": ["a"], "showNoneItem": True}
    assert _refused(tmp_path, {"elements": [exclusive]}) == [
        ("elements[0]", "showNoneItem"),
        ("", "no questions"),
    ]


def test_a_choice_listed_twice_or_clashing_with_other_is_refused(tmp_path):
    twice = _radio("q", ["a", "a"])
    clash = _radio("r", ["other"], showOtherItem=True)
    assert _refused(tmp_path, {"elements": [_text("t"), twice, clash]}) == [
        ("elements[1]", "choices"),
        ("elements[2]", "choices"),
    ]


def test_visible_if_reads_earlier_questions_only(tmp_path):
    form = {
        "elements": [
            _radio("a", ["yes", "no"]),
            _text("b", visibleIf="{a} = 'Yes'"),
            _text("c", visibleIf="{d} notempty"),
            _text("d"),
        ]
    }
    assert _refused(tmp_path, form) == [("elements[2]", "visibleIf")]
    partial = _imported(tmp_path, form, partial=True)
    assert partial.consultation.by_id["b"].shown_if == 'a == "yes"'
    assert "elements[2]: visibleIf '{d} notempty': column 1:" in partial.text


def test_the_condition_means_what_surveyjs_means(tmp_path):
    form = {
        "elements": [
            {"type": "checkbox", "name": "m", "choices": ["x", "y"]},
            {"type": "rating", "name": "r", "rateMin": 0, "rateMax": 10},
            _text("t", visibleIf="{m} contains 'x' and ({r} < 7 or {r} empty)"),
        ]
    }
    condition = _imported(tmp_path, form).consultation.by_id["t"].condition
    assert evaluate(condition, {"m": ["x"], "r": 3})
    assert evaluate(condition, {"m": ["x", "y"]})
    assert not evaluate(condition, {"m": ["x"], "r": 7})
    assert not evaluate(condition, {"m": ["y"], "r": 3})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("enableIf", "{a} notempty"),
        ("requiredIf", "{a} notempty"),
        ("readOnly", True),
        ("defaultValue", "x"),
        ("correctAnswer", "x"),
        ("choicesVisibleIf", "{item} != 'a'"),
        ("choicesFromQuestion", "a"),
        ("choicesByUrl", {"url": "https://example.org"}),
        ("valueName", "shared"),
        ("showCommentArea", True),
        ("setValueIf", "{a} notempty"),
        ("colourScheme", "dark"),
    ],
)
def test_behaviour_surveykit_cannot_carry_is_refused_with_its_key(tmp_path, key, value):
    element = _radio("q", ["a"], **{key: value})
    assert _refused(tmp_path, {"elements": [_text("a"), element]}) == [("elements[1]", key)]


def test_a_question_never_shown_is_refused_and_visible_false_with_a_condition_is_not(tmp_path):
    hidden = _text("h", visible=False)
    assert _refused(tmp_path, {"elements": [_text("a"), hidden]}) == [("elements[1]", "visible")]
    conditional = _text("c", visible=False, visibleIf="{a} notempty")
    assert _one(tmp_path, conditional, _text("a")).shown_if == "answered(a)"


def test_presentational_properties_are_dropped(tmp_path):
    element = _radio(
        "q",
        ["a"],
        startWithNewLine=False,
        width="50%",
        colCount=2,
        placeholder="Pick",
        titleLocation="left",
        choicesOrder="random",
    )
    assert _one(tmp_path, element).id == "q"


def test_two_questions_with_one_name_are_refused(tmp_path):
    form = {"pages": [_page(_text("a")), _page(_text("a"))]}
    assert _refused(tmp_path, form) == [("pages[1].elements[0]", "duplicate name")]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("triggers", [{"type": "complete", "expression": "{a} = 1"}]),
        ("calculatedValues", [{"name": "total", "expression": "{a} + 1"}]),
        ("completedHtmlOnCondition", [{"expression": "{a} = 1", "html": "Done"}]),
        ("timeLimit", 60),
        ("clearInvisibleValues", "none"),
    ],
)
def test_survey_properties_that_change_behaviour_are_refused(tmp_path, key, value):
    form = {key: value, "elements": [_text("a")]}
    assert _refused(tmp_path, form) == [(key, key)]


# validators and bounds ---------------------------------------------------------------------


def test_number_bounds_from_min_max_and_numeric_validators(tmp_path):
    element = _text(
        "n",
        inputType="number",
        step=1,
        min=0,
        max="100",
        validators=[{"type": "numeric", "minValue": 5, "maxValue": 200}],
    )
    assert dict(_one(tmp_path, element).settings) == {"min": 5, "max": 100}


def test_text_length_from_max_length_validators_and_the_survey(tmp_path):
    element = _text("t", maxLength=50, validators=[{"type": "text", "maxLength": 20}])
    assert _one(tmp_path, element).max_length == 20
    form = {"maxTextLength": 300, "elements": [{"type": "comment", "name": "c"}]}
    assert _imported(tmp_path, form).consultation.questions[0].max_length == 300


def test_date_bounds_and_today(tmp_path):
    element = _text("d", inputType="date", min="2020-01-31", maxValueExpression="today()")
    assert dict(_one(tmp_path, element).settings) == {
        "earliest": dt.date(2020, 1, 31),
        "latest": "today",
    }
    month = _text("m", inputType="month", max="2030-06")
    assert dict(_one(tmp_path, month).settings) == {"precision": "month", "latest": "2030-06"}


@pytest.mark.parametrize(
    ("element", "feature"),
    [
        (_text("t", validators=[{"type": "regex", "regex": "^[0-9]+$"}]), "regex validator"),
        (
            _text("t", validators=[{"type": "expression", "expression": "{t} > 1"}]),
            "expression validator",
        ),
        (_text("t", validators=[{"type": "text", "minLength": 3}]), "text validator"),
        (_text("t", inputType="date", minValueExpression="today(-7)"), "minValueExpression"),
        (_text("t", inputType="date", min="31/01/2020"), "min"),
        (_text("t", inputType="email", maxLength=40), "maxLength"),
        (
            {
                "type": "checkbox",
                "name": "t",
                "choices": ["a"],
                "validators": [{"type": "answercount", "maxCount": 1}],
            },
            "answercount validator",
        ),
    ],
)
def test_checks_surveykit_cannot_make_are_refused(tmp_path, element, feature):
    assert _refused(tmp_path, {"elements": [element]}) == [
        ("elements[0]", feature),
        ("", "no questions"),
    ]


# languages, title and id -------------------------------------------------------------------


def test_localisable_strings_are_translations_default_in_the_surveys_locale(tmp_path):
    form = {
        "title": {"default": "Survey", "de": "Umfrage"},
        "elements": [
            {
                "type": "radiogroup",
                "name": "q",
                "title": {"default": "Colour?", "de": "Farbe?", "fr": "Couleur ?"},
                "choices": [{"value": "r", "text": {"default": "Red", "fr": "Rouge"}}, "g"],
            }
        ],
    }
    consultation = _imported(tmp_path, form).consultation
    assert consultation.languages == ("en", "de", "fr")
    assert consultation.metadata.title == "Survey"
    german = {a: t.text for a, t in consultation.translations["de"].items()}
    french = {a: t.text for a, t in consultation.translations["fr"].items()}
    assert german == {"title": "Umfrage", "q.text": "Farbe?"}
    assert french == {"q.text": "Couleur ?", "q.options.r": "Rouge"}


def test_the_locale_names_the_default_language_and_en_is_a_language_too(tmp_path):
    form = {"locale": "cy", "elements": [_text("q", title={"default": "Enw", "en": "Name"})]}
    consultation = _imported(tmp_path, form).consultation
    assert consultation.languages == ("cy", "en")
    assert consultation.questions[0].text == "Enw"
    assert consultation.translations["en"]["q.text"].text == "Name"


def test_title_and_id_from_the_survey_or_the_file_name(tmp_path):
    titled = _imported(tmp_path, {"title": "Parks", "elements": [_text("a")]}, name="p-1.json")
    assert (titled.consultation.metadata.id, titled.consultation.metadata.title) == ("p_1", "Parks")
    plain = _imported(tmp_path, {"elements": [_text("a")]}, name="residents.json")
    assert plain.consultation.metadata.title == "residents"


def test_partial_lists_what_was_left_out_and_loads(tmp_path):
    form = {
        "triggers": [{"type": "complete"}],
        "elements": [_text("a"), {"type": "file", "name": "f"}],
    }
    imported = _imported(tmp_path, form, partial=True)
    assert [(p.where, p.feature) for p in imported.left_out] == [
        ("triggers", "triggers"),
        ("elements[1]", "question type file"),
    ]
    assert (
        "# - elements[1]: surveykit has no kind for surveyjs question type 'file'" in imported.text
    )
    assert [q.id for q in loads_spec(imported.text).questions] == ["a"]


def test_a_page_or_panel_never_shown_is_refused(tmp_path):
    hidden_page = {"pages": [_page(_text("a")), _page(_text("b"), visible=False)]}
    assert _refused(tmp_path, hidden_page) == [("pages[1]", "visible")]
    panel = {"type": "panel", "name": "p", "visible": False, "elements": [_text("b")]}
    assert _refused(tmp_path, {"elements": [_text("a"), panel]}) == [("elements[1]", "visible")]


def test_a_default_rating_scale_labels_its_ends_from_one_to_five(tmp_path):
    rating = {
        "type": "rating",
        "name": "r",
        "minRateDescription": "Bad",
        "maxRateDescription": "Good",
    }
    assert _one(tmp_path, rating).hint == "1: Bad\n5: Good"


def test_a_ranking_is_read_by_a_later_condition_as_chosen_items(tmp_path):
    ranking = {"type": "ranking", "name": "r", "choices": ["a", "b"], "selectToRankEnabled": True}
    question = _one(tmp_path, _text("t", visibleIf="{r} contains 'a'"), ranking)
    assert question.shown_if == '"a" in r'


_TYPES = ["text", "comment", "radiogroup", "checkbox", "dropdown", "rating", "matrix", "ranking"]
_TYPES += ["html", "panel", "boolean", "tagbox", "image", "nonsense"]
_KEYS = ["name", "title", "choices", "rows", "columns", "inputType", "min", "max", "step"]
_KEYS += ["rateMin", "rateMax", "rateCount", "visibleIf", "isRequired", "validators", "html"]
_KEYS += ["maxLength", "elements", "showOtherItem", "selectToRankEnabled", "eachRowRequired"]
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 12),
    st.sampled_from(["a", "b", "number", "date", "{a} = 'x'", "{b} notempty", "today()"]),
    st.lists(st.sampled_from(["a", "b", 1, {"value": "c"}, {"type": "numeric"}]), max_size=3),
    st.lists(
        st.builds(dict, type=st.sampled_from(["text", "panel"]), name=st.just("n")), max_size=2
    ),
    st.just({"default": "x", "de": "y"}),
)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.builds(
            lambda kind, more: {"type": kind, **more},
            st.sampled_from(_TYPES),
            st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=5),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_form_is_imported_or_refused_never_crashes(tmp_path_factory, elements):
    folder = tmp_path_factory.mktemp("fuzz")
    imported, problems = None, ()
    try:
        imported = _imported(folder, {"elements": elements}, partial=True)
    except ImportRefused as refused:
        problems = refused.problems
    if imported is None:
        assert problems
    else:
        assert loads_spec(imported.text).questions
