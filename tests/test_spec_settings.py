"""The loader and the keys a kind declares for itself, "other" options, sensitive questions and
conditions on answer parts: each problem at its FILE:LINE, with its code and the question.

Test kinds (see ``test_engine_parts``) keep these tests apart from the built-in kinds plugin.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveykit import Registry, SpecError, loads_spec
from test_engine_parts import HEAD, parts_kinds


class Scored:
    """A test kind with settings of its own: a top score, and labels for some scores."""

    name = "scored"
    description = "a score"
    has_options = False
    multiple = False
    has_max_length = False
    settings = MappingProxyType({"top": "the highest score", "labels": "words for scores"})

    def check_settings(self, question):
        top = question.settings.get("top", 10)
        if not isinstance(top, int) or top < 1:
            return [("top", f"top must be a whole number of 1 or more, not {top!r}")]
        return []

    def checker(self, question):  # pragma: no cover - never asked in these tests
        return lambda value: value


def kinds() -> Registry:
    registry = parts_kinds()
    registry.add("scored", Scored(), "test")
    return registry


KINDS = kinds()


def spec(*questions: str) -> str:
    return HEAD + "".join(f"\n[[sections.questions]]\n{q.strip()}\n" for q in questions)


def problems(text: str) -> list[tuple[str, int | None, str | None, str]]:
    with pytest.raises(SpecError) as info:
        loads_spec(text, source="spec.toml", kinds=KINDS)
    return [(p.code, p.line, p.question, p.message) for p in info.value.problems]


def line_of(text: str, fragment: str) -> int:
    """The 1-based line on which ``fragment`` is first written."""
    return text[: text.index(fragment)].count("\n") + 1


SCORE = """
id = "q1"
text = "Score it"
kind = "scored"
"""

# settings -------------------------------------------------------------------------------------


def test_a_kinds_settings_are_kept_read_only_with_arrays_as_tuples():
    text = spec(
        SCORE + 'top = 5\nlabels = [{ score = 1, word = "bad" }, { score = 5, word = "good" }]'
    )
    question = loads_spec(text, kinds=KINDS).question("q1")
    assert question.settings["top"] == 5
    labels = question.settings["labels"]
    assert isinstance(labels, tuple)
    assert isinstance(labels[0], Mapping)
    assert labels[1]["word"] == "good"
    with pytest.raises(TypeError):
        labels[0]["word"] = "worse"  # type: ignore[index]
    with pytest.raises(TypeError):
        question.settings["top"] = 6  # type: ignore[index]


def test_a_bad_setting_is_reported_at_its_key():
    text = spec(SCORE + "top = 0")
    assert problems(text) == [
        (
            "bad_setting",
            line_of(text, "top = 0"),
            "q1",
            "top must be a whole number of 1 or more, not 0",
        )
    ]
    with pytest.raises(SpecError) as info:
        loads_spec(text, source="spec.toml", kinds=KINDS)
    assert str(info.value) == (
        f"spec.toml:{line_of(text, 'top = 0')}: question q1: top must be a whole number of 1 or "
        "more, not 0"
    )


@given(st.sampled_from(["tpo", "Top", "topp"]), st.integers(-3, 3))
def test_a_misspelt_setting_is_suggested_and_read_as_meant(typo, top):
    """A near miss of a setting is one problem (did you mean), and the kind still checks the
    value: one mistake, no cascade, and nothing else lost."""
    text = spec(SCORE + f"{typo} = {top}")
    found = problems(text)
    line = line_of(text, f"{typo} =")
    assert found[0] == ("unknown_key", line, "q1", f"unknown key {typo!r}; did you mean 'top'?")
    rest = found[1:]
    if top >= 1:
        assert rest == []
    else:
        assert [(code, at) for code, at, _, _ in rest] == [("bad_setting", line)]


def test_an_unknown_key_is_suggested_from_the_core_keys_and_the_kinds_settings():
    found = problems(spec(SCORE + "requird = true\nlabls = []"))
    messages = [message for code, _, _, message in found if code == "unknown_key"]
    assert messages == [
        "unknown key 'requird'; did you mean 'required'?",
        "unknown key 'labls'; did you mean 'labels'?",
    ]


def test_settings_on_a_kind_that_declares_none_are_unknown_keys():
    text = spec('id = "q1"\ntext = "Say"\nkind = "text"\ntop = 3')
    [(code, line, question, message)] = problems(text)
    assert (code, line, question) == ("unknown_key", line_of(text, "top = 3"), "q1")
    assert message.startswith("unknown key 'top'; ")
    assert "did you mean 'top'" not in message


def test_sensitive_is_a_question_key():
    text = spec('id = "q1"\ntext = "Say"\nkind = "text"\nsensitive = true')
    assert loads_spec(text, kinds=KINDS).question("q1").sensitive is True
    [(code, _, _, message)] = problems(text.replace("sensitive = true", 'sensitive = "yes"'))
    assert code == "wrong_type"
    assert "'sensitive' must be true or false" in message


# other options --------------------------------------------------------------------------------

CHOICE = """
id = "q1"
text = "How did you hear?"
kind = "{kind}"
options = [
  {{ value = "email", label = "Email" }},
  {{ value = "other", label = "Another way"{extra} }},
]
"""


@pytest.mark.parametrize("kind", ["single", "multi"])
def test_an_other_option_gives_its_question_a_text_part(kind):
    text = spec(CHOICE.format(kind=kind, extra=", other = true, max_length = 80"))
    option = loads_spec(text, kinds=KINDS).question("q1").options[1]
    assert (option.other, option.max_length) == (True, 80)


def test_two_other_options_are_one_too_many():
    text = spec(
        CHOICE.format(kind="single", extra=", other = true").replace(
            '"Email" }', '"Email", other = true }'
        )
    )
    [(code, line, question, message)] = problems(text)
    assert (code, line, question) == ("bad_other", line_of(text, '"Another way"'), "q1")
    assert message.startswith(f"option 2 is a second 'other' option (first on line {line - 1})")


@pytest.mark.parametrize(
    ("extra", "wanted"),
    [
        (", max_length = 80", "max_length of option 2 limits the respondent's own words"),
        (", other = true, max_length = 0", "max_length of option 2 must be at least 1, not 0"),
    ],
)
def test_an_options_max_length_needs_an_other_option_and_a_positive_limit(extra, wanted):
    text = spec(CHOICE.format(kind="multi", extra=extra))
    [(code, line, question, message)] = problems(text)
    assert (code, line, question) == ("bad_other", line_of(text, '"Another way"'), "q1")
    assert message.startswith(wanted)


def test_an_other_option_on_a_kind_with_no_place_for_words_is_refused():
    text = spec(
        'id = "q1"\ntext = "Agree?"\nkind = "grid"\nrows = [{ id = "cost", text = "Cost" }]\n'
        'options = [{ value = "yes", label = "Yes", other = true }]'
    )
    [(code, line, question, message)] = problems(text)
    assert (code, line, question) == ("bad_other", line_of(text, "other = true"), "q1")
    assert "a 'grid' question has no place for the respondent's own words" in message


def test_an_unknown_key_in_an_option_lists_other_and_max_length():
    text = spec(CHOICE.format(kind="single", extra=", othr = true"))
    [(_, _, _, message)] = problems(text)
    assert message == "unknown key 'othr' in option 2; did you mean 'other'?"


# conditions on parts --------------------------------------------------------------------------

GRID = """
id = "q7"
text = "Agree?"
kind = "grid"
options = [{ value = "agree", label = "Agree" }, { value = "disagree", label = "Disagree" }]
rows = [{ id = "cost", text = "Cost" }, { id = "time", text = "Time" }]
"""
OTHER = CHOICE.format(kind="single", extra=", other = true").replace('"q1"', '"q5"')


def asking(condition: str, qid: str = "q9") -> str:
    return f'id = "{qid}"\ntext = "Why?"\nkind = "text"\nshown_if = \'{condition}\''


def test_a_condition_may_read_an_earlier_part():
    text = spec(GRID, OTHER, asking('q7.cost == "agree" and answered(q5.other)'))
    question = loads_spec(text, kinds=KINDS).question("q9")
    assert question.condition is not None


@pytest.mark.parametrize(
    ("condition", "code", "wanted"),
    [
        (
            'q7.cots == "agree"',
            "bad_reference",
            "shown_if refers to q7.cots, but q7 has no part 'cots'; did you mean 'q7.cost'?",
        ),
        (
            'q7 == "agree"',
            "bad_reference",
            "shown_if refers to q7, whose answers are kept in parts (q7.cost, q7.time); name one "
            "of them, e.g. q7.cost",
        ),
        (
            'q7.cost == "agre"',
            "unknown_option",
            "shown_if uses 'agre', which is not an option of q7.cost (its options are 'agree', "
            "'disagree'); did you mean 'agree'?",
        ),
        (
            "q7.cost > 3",
            "bad_comparison",
            "shown_if: q7.cost is a single choice, which has no order; only numbers and dates "
            "can be compared with <, <=, > and >=",
        ),
    ],
)
def test_a_bad_condition_on_a_part_is_reported_at_its_line_and_column(condition, code, wanted):
    text = spec(GRID, asking(condition))
    with pytest.raises(SpecError) as info:
        loads_spec(text, source="spec.toml", kinds=KINDS)
    [problem] = info.value.problems
    assert (problem.code, problem.line, problem.question) == (code, line_of(text, "shown_if"), "q9")
    assert problem.message == wanted
    assert problem.column == condition.index("q7") + 1


def test_a_condition_may_not_read_its_own_parts_or_later_ones():
    text = spec(
        GRID.replace('kind = "grid"', 'kind = "grid"\nshown_if = \'q7.time == "agree"\''),
        asking('q8.other == "x"', qid="q6"),
        OTHER.replace('"q5"', '"q8"'),
    )
    messages = {(q, m) for _, _, q, m in problems(text)}
    assert messages == {
        (
            "q7",
            "shown_if refers to q7.time, a part of this question itself; a condition may only "
            "use earlier questions",
        ),
        (
            "q6",
            "shown_if refers to q8.other, which comes later in the spec; a condition may only "
            "use earlier questions",
        ),
    }


def test_a_condition_on_a_row_that_cannot_hold_is_warned_about():
    text = spec(GRID, asking('q7.cost == "agree" and q7.cost == "disagree"'))
    [warning] = loads_spec(text, source="spec.toml", kinds=KINDS).warnings
    assert (warning.code, warning.line, warning.question) == (
        "never_shown",
        line_of(text, "shown_if"),
        "q9",
    )


def test_a_condition_on_free_text_is_not_searched_for_impossibility():
    """Text compared by value has no small set of answers to search: no warning."""
    text = spec(OTHER, asking('q5.other == "a" and q5.other != "a"'))
    assert loads_spec(text, kinds=KINDS).warnings == ()


def test_a_question_with_bad_settings_hides_no_other_problem_and_causes_none():
    """A grid whose rows are wrong is reported once; a condition on its rows is not reported
    again, while a real mistake elsewhere still is."""
    text = spec(
        GRID.replace(
            'rows = [{ id = "cost", text = "Cost" }, { id = "time", text = "Time" }]', "rows = []"
        ),
        asking('q7.cost == "agree"'),
        asking("answered(nothing)", qid="q10"),
    )
    assert [(code, q) for code, _, q, _ in problems(text)] == [
        ("bad_setting", "q7"),
        ("bad_reference", "q10"),
    ]
