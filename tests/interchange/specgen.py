"""Generated consultations for the export-then-import properties, and what "equivalent" means.

Every format's round trip is tested on the same consultations: every built-in kind with the
settings :func:`surveykit.testing_kinds.questions_for` gives it, in one to three sections,
conditions on earlier questions of the shapes every format can say (choice equality and
membership, chosen items, number and date comparisons, answered, ``not``/``and``/``or``), and
optionally a Welsh translation of every text.  Option values are plain codes (``opt_1``), as
in real forms: a format that keeps values in space-separated lists could not hold others, and
refusing them is tested on its own.

:func:`differences` compares two consultations question by question (ids, kinds, texts, hints,
options, required, settings, sections, translations); :func:`answer_sets` draws whole raw
answers, on which two equivalent consultations must show the same questions
(:func:`same_visibility`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

from attrs import evolve
from hypothesis import strategies as st

from surveykit import Consultation, Metadata, Question, Section
from surveykit.conditions import (
    All,
    Answered,
    Any_,
    Compare,
    Condition,
    Contains,
    DateLiteral,
    Equals,
    Not,
    OneOf,
    render,
)
from surveykit.engine import Engine
from surveykit.kinds import answer_type, parts_of
from surveykit.model import Translation
from surveykit.plugins import get_plugins
from surveykit.spec import loads_spec
from surveykit.specwriter import write_spec
from surveykit.testing_kinds import part_answers_for, questions_for
from surveykit.translations import fingerprint, texts

__all__ = [
    "BUILT_IN_KINDS",
    "answer_sets",
    "consultations",
    "differences",
    "same_visibility",
]

BUILT_IN_KINDS = (
    "single",
    "multi",
    "text",
    "number",
    "date",
    "email",
    "uk_postcode",
    "phone",
    "grid",
    "ranking",
)
_WORD = (
    st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")), min_size=1, max_size=16)
    .map(lambda t: " ".join(t.split()))
    .filter(bool)
)
_NUMBERS = (-5, 0, 1, 2.5, 10, 250)
_DAYS = (dt.date(1999, 12, 31), dt.date(2024, 2, 29), dt.date(2030, 1, 1))


def _tidy(question: Question, qid: str, draw: Any) -> Question:
    """``question`` with id ``qid``, its texts trimmed (forms trim them), its option values
    plain codes, and its grid rows' texts trimmed."""
    options = tuple(
        evolve(o, value=f"opt_{i}", label=" ".join(o.label.split()) or f"Option {i}")
        for i, o in enumerate(question.options, start=1)
    )
    settings = dict(question.settings)
    if "rows" in settings:
        settings["rows"] = [
            {**row, "text": " ".join(row["text"].split()) or "Row"}
            | ({"hint": " ".join(row["hint"].split()) or "Hint"} if "hint" in row else {})
            for row in settings["rows"]
        ]
    hint = draw(st.none() | _WORD)
    return evolve(
        question,
        id=qid,
        text=" ".join(question.text.split()) or "Question",
        hint=hint,
        number=None,
        options=options,
        settings=settings,
    )


def _condition_on(question: Question, kind_of: str) -> st.SearchStrategy[Condition]:
    """A condition reading ``question``, of a shape every format says exactly."""
    key = question.id
    values = [o.value for o in question.options]
    answered = st.just(Answered(key))
    match kind_of:
        case "option":
            return st.one_of(
                answered,
                st.sampled_from(values).map(lambda v: Equals(key, v)),
                st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True).map(
                    lambda vs: OneOf(key, tuple(vs))
                ),
            )
        case "options":
            return answered | st.sampled_from(values).map(lambda v: Contains(key, v))
        case "number":
            ops = st.sampled_from(("<", "<=", ">", ">=", "==", "!="))
            return answered | st.builds(
                lambda op, n: Not(Compare(key, "==", n)) if op == "!=" else Compare(key, op, n),
                ops,
                st.sampled_from(_NUMBERS),
            )
        case "date":
            ops = st.sampled_from(("<", "<=", ">", ">="))
            return answered | st.builds(
                lambda op, d: Compare(key, op, DateLiteral(d)), ops, st.sampled_from(_DAYS)
            )
        case _:
            return answered


@st.composite
def _condition(draw: Any, earlier: Sequence[Question], depth: int = 0) -> Condition:
    kinds = get_plugins().kinds
    readable = [q for q in earlier if answer_type(q, kinds) != "month"]
    question = draw(st.sampled_from(readable))
    leaf = draw(_condition_on(question, answer_type(question, kinds)))
    if depth >= 2:
        return leaf
    shape = draw(st.sampled_from(("leaf", "leaf", "not", "and", "or")))
    if shape == "not":
        return Not(leaf)
    if shape in ("and", "or"):
        other = draw(_condition(earlier, depth + 1))
        return All((leaf, other)) if shape == "and" else Any_((leaf, other))
    return leaf


@st.composite
def consultations(
    draw: Any,
    kinds: Sequence[str] = BUILT_IN_KINDS,
    *,
    welsh: bool | None = None,
    max_questions: int = 6,
) -> Consultation:
    """A loaded consultation asking questions of ``kinds``; ``welsh`` adds a translation of
    every text (``None``: sometimes)."""
    count = draw(st.integers(1, max_questions))
    questions: list[Question] = []
    for n in range(1, count + 1):
        q = _tidy(draw(questions_for(draw(st.sampled_from(kinds)))), f"q{n}", draw)
        kinds_registry = get_plugins().kinds
        usable = [
            e
            for e in questions
            if answer_type(e, kinds_registry) != "month"
            and e.id in {p.id for p in parts_of(e, kinds_registry)}
        ]
        if usable and draw(st.booleans()):
            condition = draw(_condition(usable))
            q = evolve(q, condition=condition, shown_if=render(condition))
        questions.append(q)
    cuts = sorted(draw(st.sets(st.integers(1, max(1, count - 1)), max_size=2))) if count > 1 else []
    bounds = [0, *cuts, count]
    sections = []
    for i, (start, end) in enumerate(itertools.pairwise(bounds), start=1):
        if start == end:
            continue
        sid = f"s{i}"
        chunk = tuple(evolve(q, section=sid) for q in questions[start:end])
        sections.append(Section(sid, draw(_WORD), draw(st.just("") | _WORD), chunk))
    welsh = draw(st.booleans()) if welsh is None else welsh
    metadata = Metadata(
        id="generated",
        title=draw(_WORD),
        publisher="Tests",
        closes=dt.date(2099, 12, 31),
        languages=("en", "cy") if welsh else ("en",),
    )
    consultation = Consultation(metadata=metadata, sections=tuple(sections))
    if welsh:
        table = {
            t.address: Translation(f"cy {t.text}", fingerprint(t.text))
            for t in texts(consultation)
            if t.address not in ("publisher",)
        }
        consultation = evolve(consultation, translations={"cy": table})
    return loads_spec(write_spec(consultation), source="generated.toml")


#: Settings that mean the same written or left out: a format that cannot tell them apart
#: gives back either.
_DEFAULTS = {
    "decimals": 0,
    "international": False,
    "unit_prefix": False,
    "total": False,
    "precision": "day",
}


def _settings(q: Question) -> dict[str, Any]:
    return {
        key: value
        for key, value in _plain(dict(q.settings)).items()
        if key not in _DEFAULTS or value != _DEFAULTS[key]
    }


def _question_facts(q: Question) -> dict[str, Any]:
    return {
        "kind": q.kind,
        "text": q.text,
        "hint": q.hint or None,
        "options": [(o.value, o.label, o.other, o.max_length) for o in q.options],
        "required": q.required,
        "max_length": q.max_length,
        "settings": _settings(q),
    }


def _plain(value: Any) -> Any:
    """Settings as plain data: tables as dicts, arrays as lists, for comparison."""
    if isinstance(value, dict) or hasattr(value, "items"):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def differences(original: Consultation, imported: Consultation) -> list[str]:
    """How ``imported`` differs from ``original`` in what respondents see and answer: an
    empty list when they are equivalent.  Visibility is compared by :func:`same_visibility`."""
    found: list[str] = []
    a_ids = [q.id for q in original.questions]
    b_ids = [q.id for q in imported.questions]
    if a_ids != b_ids:
        return [f"questions {a_ids} became {b_ids}"]
    for a, b in zip(original.questions, imported.questions, strict=True):
        fa, fb = _question_facts(a), _question_facts(b)
        found += [f"{a.id}.{k}: {fa[k]!r} became {fb[k]!r}" for k in fa if fa[k] != fb[k]]
        if (a.condition is None) != (b.condition is None):
            found.append(f"{a.id}: shown_if {a.shown_if!r} became {b.shown_if!r}")
    a_sections = [[q.id for q in s.questions] for s in original.sections]
    b_sections = [[q.id for q in s.questions] for s in imported.sections]
    if a_sections != b_sections:
        found.append(f"sections {a_sections} became {b_sections}")
    for a_section, b_section in zip(original.sections, imported.sections, strict=False):
        if (a_section.title, a_section.intro.strip()) != (b_section.title, b_section.intro.strip()):
            found.append(f"section {a_section.id}: title or introduction differs")
    if original.languages != imported.languages:
        found.append(f"languages {original.languages} became {imported.languages}")
    for lang in original.languages[1:]:
        a_texts = {t.address: t.text for t in texts(_in(original, lang))}
        b_texts = {t.address: t.text for t in texts(_in(imported, lang))}
        a_texts.pop("publisher", None)
        b_texts.pop("publisher", None)
        if a_texts != b_texts:
            changed = sorted(set(a_texts.items()) ^ set(b_texts.items()))[:4]
            found.append(f"{lang} texts differ: {changed}")
    return found


def _in(consultation: Consultation, lang: str) -> Consultation:
    from surveykit.translations import localise

    return localise(consultation, lang)


def answer_sets(consultation: Consultation) -> st.SearchStrategy[dict[str, Any]]:
    """Whole raw answers to ``consultation``: each part answered or not, as a channel sends."""
    kinds = get_plugins().kinds
    parts = [part_answers_for(q, kinds) for q in consultation.questions]
    return st.tuples(*parts).map(lambda dicts: {k: v for d in dicts for k, v in d.items()})


def same_visibility(original: Consultation, imported: Consultation, answers: dict) -> None:
    """Both consultations show the same questions and parts for ``answers``."""
    a, b = Engine(original), Engine(imported)
    assert a.visible(answers) == b.visible(answers), answers
    assert a.visible_parts(answers) == b.visible_parts(answers), answers


def part_keys(consultation: Consultation) -> list[str]:
    kinds = get_plugins().kinds
    return [p.id for q in consultation.questions for p in parts_of(q, kinds)]
