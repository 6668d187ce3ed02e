"""The engine over answer *parts*: a grid's rows and an "other" option's words are each an
answer of their own, checked, cleared and reported like any question's.

The kinds here are small test kinds built on the standard ``single``, ``multi`` and ``text``
(a grid, and choices whose "other" option expands into a text part, as the design describes),
so these tests hold whatever the built-in kinds plugin provides.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import pytest
from attrs import frozen
from hypothesis import given
from hypothesis import strategies as st

from kindspecs import spec_text
from strategies import ReversedMapping
from surveykit import Engine, Question, Registry, get_plugins, loads_spec
from surveykit.conditions import All, Condition, Contains, Equals
from surveykit.model import Consultation, Metadata, Option, Section

# test kinds -------------------------------------------------------------------------------


class TestGrid:
    """Statements sharing one set of options: one single-choice part per row."""

    name = "grid"
    description = "one option for each of several statements"
    has_options = True
    multiple = False
    has_max_length = False
    settings = MappingProxyType({"rows": "the statements, each { id, text }"})

    def check_settings(self, question: Question) -> list[tuple[str, str]]:
        rows = question.settings.get("rows")
        if not rows:
            return [("rows", 'a grid needs rows, e.g. rows = [{ id = "cost", text = "Cost" }]')]
        ids = [row.get("id") if isinstance(row, Mapping) else None for row in rows]
        if any(not isinstance(i, str) for i in ids) or len(set(ids)) != len(ids):
            return [("rows", "each row needs an id of its own")]
        return []

    def expand(self, question: Question) -> tuple[Question, ...]:
        return tuple(
            Question(
                id=f"{question.id}.{row['id']}",
                text=row["text"],
                kind="single",
                number=question.number,
                options=question.options,
                required=row.get("required", question.required),
                section=question.section,
                settings={"row_of": question.id, "row": row["id"]},
                condition=question.condition,
                label=row["text"],
            )
            for row in question.settings["rows"]
        )

    def checker(self, question: Question):  # pragma: no cover - a grid has no answer of its own
        raise AssertionError("a grid is checked through its rows")


@frozen
class WithOther:
    """A standard choice kind whose "other" option asks for the respondent's own words."""

    base: Any

    @property
    def name(self) -> str:
        return self.base.name

    description = "a choice with an 'other' option"
    has_options = True
    has_max_length = False
    settings = MappingProxyType({})

    @property
    def multiple(self) -> bool:
        return self.base.multiple

    def checker(self, question: Question):
        return self.base.checker(question)

    def expand(self, question: Question) -> tuple[Question, ...]:
        option = next((o for o in question.options if o.other), None)
        if option is None:
            return (question,)
        chosen: Condition = (
            Contains(question.id, option.value)
            if self.multiple
            else Equals(question.id, option.value)
        )
        condition = chosen if question.condition is None else All((question.condition, chosen))
        words = Question(
            id=f"{question.id}.other",
            text=f"{option.label}: please say",
            kind="text",
            number=question.number,
            required=True,
            max_length=option.max_length or 500,
            section=question.section,
            settings={"other_of": question.id, "option": option.value},
            condition=condition,
            label=option.label,
        )
        return (question, words)


def parts_kinds() -> Registry[Any]:
    """single and multi with "other" options, text, and a grid."""
    standard = get_plugins().kinds
    kinds: Registry[Any] = Registry("question kind")
    kinds.add("single", WithOther(standard["single"]), "test")
    kinds.add("multi", WithOther(standard["multi"]), "test")
    kinds.add("text", standard["text"], "test")
    kinds.add("grid", TestGrid(), "test")
    return kinds


KINDS = parts_kinds()

HEAD = spec_text("", id="parts", title="Parts", closes=dt.date(2030, 1, 1))

# generated specs ----------------------------------------------------------------------------

VALUES = ("a", "b", "c")


@frozen
class Key:
    """An answer key a generated spec makes, and what a condition may test on it."""

    id: str
    type: str  # "option", "options" or "text"


def _toml_options(other: int | None, limit: int | None) -> str:
    items = []
    for i, value in enumerate(VALUES):
        extra = ""
        if i == other:
            extra = ", other = true" + (f", max_length = {limit}" if limit else "")
        items.append(f'{{ value = "{value}", label = "{value.upper()}"{extra} }}')
    return "options = [" + ", ".join(items) + "]"


def _leaf(draw: st.DrawFn, key: Key) -> str:
    if key.type == "option":
        return draw(
            st.sampled_from(
                [
                    f'{key.id} == "{draw(st.sampled_from(VALUES))}"',
                    f'{key.id} != "{draw(st.sampled_from(VALUES))}"',
                    f'{key.id} in ["{VALUES[0]}", "{draw(st.sampled_from(VALUES))}"]',
                    f"answered({key.id})",
                ]
            )
        )
    if key.type == "options":
        value = draw(st.sampled_from(VALUES))
        return draw(st.sampled_from([f'"{value}" in {key.id}', f'"{value}" not in {key.id}']))
    return f"answered({key.id})"


def _condition(draw: st.DrawFn, keys: list[Key]) -> str | None:
    if not keys or draw(st.integers(0, 2)) == 0:
        return None
    leaves = [_leaf(draw, draw(st.sampled_from(keys))) for _ in range(draw(st.integers(1, 3)))]
    joiner = draw(st.sampled_from([" and ", " or "]))
    text = joiner.join(f"({leaf})" for leaf in leaves)
    return f"not ({text})" if draw(st.booleans()) else text


@st.composite
def part_specs(draw: st.DrawFn) -> str:
    """Spec text with choices (some with an "other" option), text questions and grids, each
    possibly shown only on a condition over earlier answer keys."""
    lines = [HEAD]
    keys: list[Key] = []
    for n in range(1, draw(st.integers(1, 6)) + 1):
        qid = f"q{n}"
        kind = draw(st.sampled_from(["single", "multi", "text", "grid"]))
        condition = _condition(draw, keys)
        lines += ["[[sections.questions]]", f'id = "{qid}"', f'text = "Question {n}"']
        lines += [f'kind = "{kind}"', f"required = {str(draw(st.booleans())).lower()}"]
        if condition:
            lines.append(f"shown_if = '{condition}'")
        if kind in ("single", "multi"):
            other = draw(st.none() | st.integers(0, len(VALUES) - 1))
            limit = draw(st.none() | st.integers(3, 20))
            lines.append(_toml_options(other, limit))
            keys.append(Key(qid, "option" if kind == "single" else "options"))
            if other is not None:
                keys.append(Key(f"{qid}.other", "text"))
        elif kind == "text":
            lines.append("max_length = 20")
            keys.append(Key(qid, "text"))
        else:
            rows = draw(
                st.lists(st.sampled_from(["cost", "time", "care"]), min_size=1, unique=True)
            )
            required = [draw(st.booleans()) for _ in rows]
            lines.append(_toml_options(None, None))
            cells = [
                f'{{ id = "{row}", text = "{row.title()}", required = {str(req).lower()} }}'
                for row, req in zip(rows, required, strict=True)
            ]
            lines.append("rows = [" + ", ".join(cells) + "]")
            keys += [Key(f"{qid}.{row}", "option") for row in rows]
        lines.append("")
    return "\n".join(lines)


def _raw(draw: st.DrawFn, part: Question) -> Any:
    """A raw answer for one part: good, blank, wrong or odd."""
    good: st.SearchStrategy[Any]
    if part.kind == "single":
        good = st.sampled_from(VALUES)
    elif part.kind == "multi":
        good = st.lists(st.sampled_from(VALUES), max_size=3)
    else:
        good = st.text("xyz ", max_size=25)
    odd = st.sampled_from(["", "   ", None, "zzz", 3, ["zzz"], ["a", 1], "a\x00"])
    return draw(st.one_of(good, good, odd))


@st.composite
def engines_with_answers(draw: st.DrawFn) -> tuple[Engine, dict[Any, Any]]:
    consultation = loads_spec(draw(part_specs()), kinds=KINDS)
    engine = Engine(consultation, kinds=KINDS)
    answers: dict[Any, Any] = {}
    for part in engine.parts:
        if draw(st.integers(0, 3)):
            answers[part.id] = _raw(draw, part)
    if draw(st.integers(0, 4)) == 0:  # a grid's own id, or a stranger, is no answer key
        answers[draw(st.sampled_from([q.id for q in engine.questions] + ["q9.x", "zz"]))] = "a"
    return engine, answers


def keys_of(engine: Engine, question: Question) -> list[str]:
    owned = [
        p.id
        for p in engine.parts
        if p.id == question.id
        or p.settings.get("row_of") == question.id
        or p.settings.get("other_of") == question.id
    ]
    assert owned
    return owned


# properties -----------------------------------------------------------------------------------


@given(engines_with_answers())
def test_clearing_is_idempotent_over_parts(case):
    """Cleaning cleaned answers changes nothing: the same answers, parts and problems."""
    engine, answers = case
    clean = engine.clean(answers)
    assert engine.clean(clean) == clean
    assert engine.visible_parts(clean) == engine.visible_parts(answers)
    assert engine.visible(clean) == engine.visible(answers)
    kept = [p for p in engine.validate(answers) if p.code != "unknown_question"]
    assert engine.validate(clean) == kept


@given(engines_with_answers())
def test_a_part_of_a_hidden_question_is_never_kept(case):
    """No part of a question that is not shown is in the cleaned answers or any problem."""
    engine, answers = case
    checked = engine.check(answers)
    shown = set(engine.visible(answers))
    asked = set(engine.visible_parts(answers))
    assert set(checked.answers) <= asked
    for question in engine.questions:
        if question.id not in shown:
            hidden = set(keys_of(engine, question))
            assert not hidden & set(checked.answers)
            assert not hidden & asked
            assert not hidden & {p.question for p in checked.problems}


@given(engines_with_answers())
def test_other_words_are_kept_exactly_when_their_option_is_chosen(case):
    """An "other" text is kept iff its option is chosen (and its question shown), and is
    required then; when the option is not chosen nothing is said about it."""
    engine, answers = case
    checked = engine.check(answers)
    shown = set(engine.visible(answers))
    about = {(p.question, p.code) for p in checked.problems}
    for part in engine.parts:
        owner = part.settings.get("other_of")
        if owner is None:
            continue
        value = part.settings["option"]
        multiple = KINDS[engine.consultation.question(owner).kind].multiple
        given_choice = checked.answers.get(owner)
        if multiple:
            picked = type(given_choice) is list and value in given_choice
        else:
            picked = given_choice == value
        chosen = owner in shown and picked
        raw = answers.get(part.id)
        if not chosen:
            assert part.id not in checked.answers
            assert not any(q == part.id for q, _ in about)
        elif raw is None or (isinstance(raw, str) and not raw.strip()):
            assert part.id not in checked.answers
            assert (part.id, "required") in about
        elif isinstance(raw, str) and len(raw.strip()) <= part.max_length and "\x00" not in raw:
            assert checked.answers[part.id] == raw.strip()
        else:
            assert checked.answers[part.id] == raw  # kept as given, to show back with the error
            assert any(q == part.id for q, _ in about)


@given(engines_with_answers(), st.randoms(use_true_random=False))
def test_the_order_of_the_answer_keys_does_not_matter(case, rng: random.Random):
    """Answers given in any order, or by a mapping that iterates backwards, check the same."""
    engine, answers = case
    expected = engine.check(answers)
    items = list(answers.items())
    rng.shuffle(items)
    for other in (dict(items), ReversedMapping(answers)):
        checked = engine.check(other)
        assert checked.answers == expected.answers
        assert list(checked.answers) == list(expected.answers)  # always in spec order
        known = [p for p in checked.problems if p.code != "unknown_question"]
        assert known == [p for p in expected.problems if p.code != "unknown_question"]
        assert sorted(map(str, checked.problems)) == sorted(map(str, expected.problems))
        assert engine.visible_parts(other) == engine.visible_parts(answers)


@given(engines_with_answers())
def test_the_generated_check_agrees_with_the_interpreted_one(case):
    """The compiled check function and the loop over the engine's steps give the same result."""
    engine, answers = case
    assert engine._compiled is not None
    assert engine._compiled(answers) == engine._check_interpreted(answers)


@given(engines_with_answers())
def test_problems_name_visible_parts_and_their_titles(case):
    """Each problem is about a part that is asked, and its message starts with that part's
    title; answer keys are exactly the parts' ids."""
    engine, answers = case
    by_id = {p.id: p for p in engine.parts}
    asked = set(engine.visible_parts(answers))
    for problem in engine.validate(answers):
        if problem.code == "unknown_question":
            assert problem.question not in by_id
        else:
            assert problem.question in asked
            assert problem.message.startswith(f"{by_id[problem.question].title}: ")


# examples -------------------------------------------------------------------------------------

GRID = (
    HEAD
    + """
[[sections.questions]]
id = "q1"
number = "1"
text = "Do you live in the district?"
kind = "single"
options = [{ value = "yes", label = "Yes" }, { value = "no", label = "No" }]

[[sections.questions]]
id = "q7"
number = "7"
text = "How far do you agree with each statement?"
kind = "grid"
required = true
shown_if = 'q1 == "yes"'
options = [{ value = "agree", label = "Agree" }, { value = "disagree", label = "Disagree" }]
rows = [
  { id = "cost", text = "Cost of services" },
  { id = "time", text = "Waiting times", required = false },
]

[[sections.questions]]
id = "q8"
text = "Which services would you cut?"
kind = "multi"
shown_if = 'q7.cost == "disagree"'
options = [
  { value = "parks", label = "Parks" },
  { value = "more", label = "Something else", other = true },
]
"""
)


def test_a_grid_is_stored_row_by_row_and_each_row_is_required_on_its_own():
    engine = Engine(loads_spec(GRID, kinds=KINDS), kinds=KINDS)
    assert [p.id for p in engine.parts] == ["q1", "q7.cost", "q7.time", "q8", "q8.other"]
    checked = engine.check({"q1": "yes", "q7.time": "agree"})
    assert checked.answers == {"q1": "yes", "q7.time": "agree"}
    [problem] = checked.problems
    assert (problem.question, problem.code) == ("q7.cost", "required")
    assert problem.message == "Question 7 (Cost of services): an answer is required"


def test_visible_names_questions_and_visible_parts_names_answer_keys():
    engine = Engine(loads_spec(GRID, kinds=KINDS), kinds=KINDS)
    answers = {"q1": "yes", "q7.cost": "disagree", "q8": ["parks"]}
    assert engine.visible(answers) == ("q1", "q7", "q8")
    assert engine.visible_parts(answers) == ("q1", "q7.cost", "q7.time", "q8")
    chose_other = {**answers, "q8": ["more"], "q8.other": " Libraries "}
    assert engine.visible_parts(chose_other)[-1] == "q8.other"
    assert engine.clean(chose_other)["q8.other"] == "Libraries"
    assert engine.is_visible("q7", {"q1": "no"}) is False
    assert engine.next_question({"q1": "no"}, after="q1") is None
    assert engine.next_question(answers, after="q1").id == "q7"
    assert engine.previous_question(answers, before="q8").id == "q7"


def test_a_grid_has_no_answer_of_its_own():
    """The grid's id is not an answer key: an answer under it is an unknown key."""
    engine = Engine(loads_spec(GRID, kinds=KINDS), kinds=KINDS)
    checked = engine.check({"q1": "no", "q7": "agree"})
    assert [(p.question, p.code) for p in checked.problems] == [("q7", "unknown_question")]


def test_a_condition_on_a_later_part_is_refused_when_built_in_code():
    """A consultation built without the loader may not read a later answer key either."""
    later = Question(
        "q1", "First?", "single", options=(Option("a", "A"),), condition=Equals("q2.cost", "a")
    )
    grid = Question(
        "q2",
        "Grid",
        "grid",
        options=(Option("a", "A"),),
        settings={"rows": ({"id": "cost", "text": "Cost"},)},
    )
    consultation = Consultation(
        Metadata("c", "C", "P", closes=dt.date(2030, 1, 1)),
        (Section("s", "S", questions=(later, grid)),),
    )
    with pytest.raises(ValueError, match=r"reads q2\.cost, which is not an earlier question"):
        Engine(consultation, kinds=KINDS)
