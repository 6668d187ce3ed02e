"""Hypothesis strategies for conditions, consultation specs and answers.

``spec_plans()`` draws a valid consultation as TOML text together with the plan it was written
from (each question's kind, options and the condition AST its ``shown_if`` should parse to), so
the tests exercise the loader and the condition parser as well as the engine.  ``specs()`` loads
the text.  ``answers(consultation)`` draws answer mappings that mix good answers with every kind
of bad one.

Generating a spec takes many draws, so the strategies are built once at import and small
choices index into tuples; the layout of condition text (spacing, quote marks, needless escapes
and parentheses) comes from one drawn seed, since it is never worth shrinking.
"""

from __future__ import annotations

import functools
import random
import string
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from attrs import frozen
from hypothesis import strategies as st

from surveykit import Consultation, Question, loads_spec
from surveykit.conditions import All, Answered, Any_, Condition, Contains, Equals, Not, OneOf

__all__ = [
    "DEFAULT_TEXT_LIMIT",
    "KEYWORDS",
    "Choices",
    "QuestionPlan",
    "ReversedMapping",
    "SpecPlan",
    "answer_maps",
    "answers",
    "condition_sources",
    "conditions",
    "consultations_with_answers",
    "question_ids",
    "raw_answers",
    "spec_plans",
    "specs",
]

T = TypeVar("T")

KEYWORDS = frozenset({"and", "or", "not", "in", "answered"})
KINDS = ("single", "multi", "text")
DEFAULT_TEXT_LIMIT = 10_000

#: Ids that start with a keyword: the lexer must still read them as ids.
KEYWORD_LIKE_IDS = ("notes", "order", "inner", "android", "answered_by", "in_", "or_", "not_")
#: Option values that look like syntax: inside quotes they are plain strings.
TRICKY_VALUES = ("and", "or", "not", "in", "answered", "don't know", 'say "no"', "a\\b", "ä ö")

#: Question ids for generated specs: one draw each.  Valid ids of every shape, including some
#: that start with a keyword, which the lexer must still read as ids.
ID_POOL = (
    *(f"q{i}" for i in range(1, 13)),
    "a",
    "Q",
    "_x",
    "b2",
    "q1_b",
    "camelCase",
    *KEYWORD_LIKE_IDS,
)
#: Option values for generated specs: slugs, and values that look like syntax (which inside
#: quotes are plain strings).
VALUE_POOL = ("yes", "no", "a", "b", "c", "1", "2", "not-sure", "x_y", *TRICKY_VALUES)

question_ids = st.one_of(
    st.builds(
        str.__add__,
        st.sampled_from(string.ascii_letters + "_"),
        st.text(string.ascii_letters + string.digits + "_", max_size=5),
    ),
    st.sampled_from(KEYWORD_LIKE_IDS),
).filter(lambda name: name not in KEYWORDS)

_id_lists = functools.cache(
    lambda most: st.lists(st.sampled_from(ID_POOL), min_size=1, max_size=most, unique=True)
)
_option_lists = st.lists(st.sampled_from(VALUE_POOL), min_size=1, max_size=4, unique=True)


@functools.cache
def _below(n: int) -> st.SearchStrategy[int]:
    return st.integers(0, n - 1)


def _pick(draw: st.DrawFn, items: Sequence[T]) -> T:
    """One of ``items``; shrinks towards the first."""
    return items[draw(_below(len(items)))]


class Choices(list):
    """A list subclass: not a list as far as answers go, so always the wrong type."""


class ReversedMapping(Mapping):
    """A read-only mapping that iterates its keys in reverse insertion order."""

    def __init__(self, data: Mapping[Any, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: Any) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[Any]:
        return reversed(list(self._data))

    def __len__(self) -> int:
        return len(self._data)


# conditions -------------------------------------------------------------------------------

_names = st.sampled_from(("q1", "q2", "q3", "notes", "order"))
_answer_values = st.sampled_from(("", "a", "b", "yes", "no"))
_free_values = _answer_values | st.text(
    st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)), max_size=5
)


def _conditions_from(leaves: st.SearchStrategy[Condition]) -> st.SearchStrategy[Condition]:
    def extend(children: st.SearchStrategy[Condition]) -> st.SearchStrategy[Condition]:
        operands = st.lists(children, min_size=2, max_size=3).map(tuple)
        return st.one_of(children.map(Not), operands.map(All), operands.map(Any_))

    return st.recursive(leaves, extend, max_leaves=6)


_any_conditions = _conditions_from(
    st.one_of(
        st.builds(Equals, _names, _free_values),
        st.builds(OneOf, _names, st.lists(_free_values, max_size=3).map(tuple)),
        st.builds(Contains, _names, _free_values),
        st.builds(Answered, _names),
    )
)


def conditions() -> st.SearchStrategy[Condition]:
    """Any condition AST over a few ids (not checked against a spec); values have no newline."""
    return _any_conditions


_any_answers = st.one_of(
    _answer_values,
    st.lists(_answer_values, max_size=3),
    st.lists(_answer_values, max_size=3).map(tuple),
    st.lists(_answer_values, max_size=3).map(Choices),
    st.none(),
    st.integers(-2, 2),
    st.booleans(),
)
_answer_maps = st.dictionaries(_names, _any_answers, max_size=5)


def answer_maps() -> st.SearchStrategy[dict[str, Any]]:
    """Maps from the ids ``conditions()`` uses to answers of any shape a condition may meet."""
    return _answer_maps


# writing conditions as source text ----------------------------------------------------------


class _Writer:
    """Writes a condition as text, choosing the layout with a seeded ``random.Random``."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def space(self, *, optional: bool = False) -> str:
        """Whitespace between tokens; ``optional`` where punctuation separates them anyway."""
        choices = (" ", " ", " ", "  ", "\t")
        return self.rng.choice(("", "", "", *choices) if optional else choices)

    def quote(self, value: str) -> str:
        """A literal for ``value`` in either quote style, now and then with needless escapes."""
        mark = self.rng.choice(('"', "'"))
        out = []
        for ch in value:
            needless = ch not in "\n\r" and self.rng.random() < 0.1
            out.append("\\" + ch if ch in ("\\", mark) or needless else ch)
        return mark + "".join(out) + mark

    def values(self, values: tuple[str, ...]) -> str:
        items = [self.quote(v) for v in values]
        comma = "," + self.space(optional=True)
        trailing = "," if items and self.rng.random() < 0.3 else ""
        return "[" + self.space(optional=True) + comma.join(items) + trailing + "]"

    def leaf(self, c: Condition) -> str:
        sp, opt = self.space, functools.partial(self.space, optional=True)
        match c:
            case Equals(question=q, value=v):
                return f"{q}{opt()}=={opt()}{self.quote(v)}"
            case OneOf(question=q, values=values):
                return f"{q}{sp()}in{opt()}{self.values(values)}"
            case Contains(question=q, value=v):
                return f"{self.quote(v)}{opt()}in{sp()}{q}"
            case Answered(question=q):
                return f"answered{opt()}({opt()}{q}{opt()})"
            case Not(operand=Equals(question=q, value=v)):
                return f"{q}{opt()}!={opt()}{self.quote(v)}"
            case Not(operand=OneOf(question=q, values=values)):
                return f"{q}{sp()}not{sp()}in{opt()}{self.values(values)}"
            case Not(operand=Contains(question=q, value=v)):
                return f"{self.quote(v)}{opt()}not{sp()}in{sp()}{q}"
        raise AssertionError(c)  # pragma: no cover

    def write(self, c: Condition, context: str = "top") -> str:
        """Text for ``c`` where ``context`` ("top", "or", "and" or "not") surrounds it."""
        negated_leaf = isinstance(c, Not) and isinstance(c.operand, Equals | OneOf | Contains)
        needs_parens = False
        if isinstance(c, Equals | OneOf | Contains | Answered) or (
            negated_leaf and self.rng.random() < 0.5
        ):
            text = self.leaf(c)
        elif isinstance(c, Not):
            text = "not" + self.space() + self.write(c.operand, "not")
        elif isinstance(c, All):
            joiner = self.space() + "and" + self.space()
            text = joiner.join(self.write(o, "and") for o in c.operands)
            needs_parens = context in ("and", "not")
        else:
            joiner = self.space() + "or" + self.space()
            text = joiner.join(self.write(o, "or") for o in c.operands)
            needs_parens = context != "top"
        if needs_parens or self.rng.random() < 0.1:
            return f"({self.space(optional=True)}{text}{self.space(optional=True)})"
        return text


_seeds = st.integers(0, 2**32 - 1)


@st.composite
def condition_sources(draw: st.DrawFn, condition: Condition) -> str:
    """One of the many ways to write ``condition``: spacing, quotes, escapes, parentheses."""
    writer = _Writer(draw(_seeds))
    return writer.space(optional=True) + writer.write(condition) + writer.space(optional=True)


# specs ------------------------------------------------------------------------------------


@frozen
class QuestionPlan:
    """What a generated question was meant to be."""

    id: str
    kind: str
    options: tuple[str, ...]
    required: bool
    max_length: int | None
    condition: Condition | None
    shown_if: str | None


@frozen
class SpecPlan:
    """A generated spec: its TOML ``text`` and the questions it was written from."""

    text: str
    questions: tuple[QuestionPlan, ...]


def _leaf_about(draw: st.DrawFn, target: QuestionPlan) -> Condition:
    """A comparison of the right form for ``target``'s kind, with values it really offers."""
    if target.kind == "text":
        return Answered(target.id)
    form = draw(_below(3 if target.kind == "multi" else 5))
    if form == 0:
        return Answered(target.id)
    if target.kind == "multi":
        node: Condition = Contains(target.id, _pick(draw, target.options))
        return node if form == 1 else Not(node)
    if form <= 2:
        node = Equals(target.id, _pick(draw, target.options))
    else:
        values = tuple(_pick(draw, target.options) for _ in range(1 + draw(_below(3))))
        node = OneOf(target.id, values)
    return node if form % 2 else Not(node)


def _branching(draw: st.DrawFn, earlier: Sequence[QuestionPlan], budget: int) -> Condition:
    """A condition on ``earlier`` questions with at most ``budget`` comparisons."""
    shape = draw(_below(8)) if budget > 1 else 0
    if shape <= 3:
        return _leaf_about(draw, _pick(draw, earlier))
    if shape == 4:
        return Not(_branching(draw, earlier, budget - 1))
    count = 2 + draw(_below(2)) if budget > 2 else 2
    share = budget // count
    operands = tuple(_branching(draw, earlier, share) for _ in range(count))
    return All(operands) if shape <= 5 else Any_(operands)


def _toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif (ord(ch) < 0x20 and ch != "\t") or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _question_toml(q: QuestionPlan, number: str | None) -> list[str]:
    lines = [
        "[[sections.questions]]",
        f"id = {_toml_string(q.id)}",
        f"text = {_toml_string('What about ' + q.id + '?')}",
        f"kind = {_toml_string(q.kind)}",
    ]
    if number is not None:
        lines.append(f"number = {_toml_string(number)}")
    if q.required:
        lines.append("required = true")
    if q.options:
        options = ", ".join(
            f"{{ value = {_toml_string(v)}, label = {_toml_string(v.title())} }}" for v in q.options
        )
        lines.append(f"options = [{options}]")
    if q.max_length is not None:
        lines.append(f"max_length = {q.max_length}")
    if q.shown_if is not None:
        lines.append(f"shown_if = {_toml_string(q.shown_if)}")
    return [*lines, ""]


@st.composite
def spec_plans(draw: st.DrawFn, max_questions: int = 8) -> SpecPlan:
    """A valid spec with random branching on earlier questions, and the plan behind it."""
    ids = draw(_id_lists(max_questions))
    cuts = sorted(draw(_below(len(ids) + 1)) for _ in range(draw(_below(3))))
    writer = _Writer(draw(_seeds))
    planned: list[QuestionPlan] = []
    lines = [
        "[consultation]",
        'id = "generated"',
        'title = "A generated consultation"',
        'publisher = "Hypothesis"',
        "closes = 2030-03-13",
        "",
    ]
    for si, (start, stop) in enumerate(zip([0, *cuts], [*cuts, len(ids)], strict=True), 1):
        lines += ["[[sections]]", f'id = "s{si}"', f'title = "Section {si}"', ""]
        for qid in ids[start:stop]:
            kind = _pick(draw, KINDS)
            options = () if kind == "text" else tuple(draw(_option_lists))
            max_length = None
            if kind == "text" and draw(st.booleans()):
                max_length = 1 + draw(_below(12))
            condition = shown_if = None
            if planned and draw(_below(5)):
                condition = _branching(draw, planned, 1 + draw(_below(5)))
                shown_if = writer.space(optional=True) + writer.write(condition)
            required = draw(st.booleans())
            plan = QuestionPlan(qid, kind, options, required, max_length, condition, shown_if)
            planned.append(plan)
            lines += _question_toml(plan, str(len(planned)) if len(planned) % 3 else None)
    return SpecPlan("\n".join(lines), tuple(planned))


@functools.cache
def specs(max_questions: int = 8) -> st.SearchStrategy[Consultation]:
    """Valid consultations, loaded from generated TOML through ``loads_spec``."""
    return spec_plans(max_questions).map(lambda plan: loads_spec(plan.text, source="generated"))


@st.composite
def consultations_with_answers(draw: st.DrawFn) -> tuple[Consultation, dict[Any, Any]]:
    """A generated consultation and a set of answers to it."""
    consultation = draw(specs())
    return consultation, draw(answers(consultation))


# answers ----------------------------------------------------------------------------------

_blanks = ("", " ", "\t", "  \n ", None)
_wrong_scalars = st.one_of(
    st.integers(-5, 5),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dictionaries(st.sampled_from(("a", "b")), st.integers(0, 1), max_size=2),
)
_strangers = ("maybe", "Yes", "YES", "n/a", "0", "other", "\u00e4", 'q1 == "a"')
_padding = ("", "", " ", "  ", "\t", "\n", "\u2003")
_texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


def _padded(draw: st.DrawFn, body: str) -> str:
    return _pick(draw, _padding) + body + _pick(draw, _padding)


def _limit(question: Question) -> int:
    return question.max_length or DEFAULT_TEXT_LIMIT


def _good_answer(draw: st.DrawFn, question: Question) -> Any:
    values = tuple(o.value for o in question.options)
    if question.kind == "single":
        return _pick(draw, values)
    if question.kind == "multi":
        chosen = [_pick(draw, values) for _ in range(1 + draw(_below(len(values) + 2)))]
        return tuple(chosen) if draw(_below(4)) == 0 else chosen
    return _padded(draw, draw(_texts)[: _limit(question)])


def _stranger(draw: st.DrawFn, values: tuple[str, ...]) -> str:
    value = _pick(draw, _strangers)
    return value if value not in values else value + "?"


def _bad_answer(draw: st.DrawFn, question: Question) -> Any:
    """A wrong type, an option not in the list, or a text over its limit."""
    values = tuple(o.value for o in question.options)
    how = draw(_below(5))
    if how == 0:
        return draw(_wrong_scalars)
    if question.kind == "single":
        return _pick(
            draw,
            (_stranger(draw, values), _stranger(draw, values), f" {values[0]} ", [values[0]]),
        )
    if question.kind == "multi":
        some = [_pick(draw, values) for _ in range(draw(_below(3)))]
        if how <= 2:
            some.insert(draw(_below(len(some) + 1)), _stranger(draw, values))
            return some
        return _pick(
            draw,
            (
                Choices([*some, values[0]]),
                values[0],
                [""],
                [*some, draw(_wrong_scalars)],
            ),
        )
    if how == 1:
        return ["some", "text"]
    over = _pick(draw, (1, 1, 2, 50))
    return _padded(draw, "x" * (_limit(question) + over))


def _raw_answer(draw: st.DrawFn, question: Question) -> Any:
    how = draw(_below(8))
    if how <= 3:
        return _good_answer(draw, question)
    if how == 4:
        return _pick(draw, _blanks)
    if how == 5:
        return _pick(draw, _blanks[1:4])
    return _bad_answer(draw, question)


@st.composite
def raw_answers(draw: st.DrawFn, question: Question) -> Any:
    """Anything a respondent or a channel might send as the answer to ``question``."""
    return _raw_answer(draw, question)


@st.composite
def answers(draw: st.DrawFn, consultation: Consultation) -> dict[Any, Any]:
    """Answers to some questions (good, blank, bad or hidden) plus unknown question ids."""
    out: dict[Any, Any] = {}
    for question in consultation.questions:
        if draw(_below(4)):
            out[question.id] = _raw_answer(draw, question)
    ids = {q.id for q in consultation.questions}
    for _ in range(draw(_below(4)) // 2):
        key = _pick(draw, (draw(question_ids), "Q1", "", " q1", "and", 0, 3))
        if key not in ids:
            out[key] = _pick(draw, ("yes", None, 1, ["a"]))
    keys, order = list(out), []
    while keys:
        order.append(keys.pop(draw(_below(len(keys)))))
    return {key: out[key] for key in order}
