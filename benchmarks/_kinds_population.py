"""Consultations of each reportable kind, fed release by release, for the disclosure benchmark.

Each generated case is a small spec written by ``population.spec_text`` around one kind (a
number in bins, a month-precision date in bins, a grid, a ranking, choices with an "Other
(please specify)" option), with routing on that kind, answered by the people ``population``
draws (skewed types of authority, councils whose leader and chief executive answer alike, and
"other" words that sometimes name an authority or a person).  The residents' survey
(``specs/examples/residents_survey.toml``, every kind at once) is answered the way people type
(``tests/reports/residents``).  A case grows by steps of ``(added, revised)`` responses, so the
benchmark can publish after each, as a real consultation publishes an interim and a final report.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "reports"))

import population as pop  # noqa: E402
import residents  # noqa: E402

import surveykit  # noqa: E402
from surveykit import Consultation  # noqa: E402
from surveykit.storage import Store  # noqa: E402

__all__ = ["CASES", "LABELS", "Feeder", "feeder"]

YES_NO = ["yes", "no", "dont_know"]
FOUR = ["yes", "no", "dont_know", "partly"]

#: One spec per kind: the kind, a question routed on it, and the kind again routed on that.
QUESTIONS: dict[str, list[dict[str, Any]]] = {
    "number": [
        {"id": "q1", "kind": "number", "options": [], "settings": {"min": 0}},
        {"id": "q2", "kind": "single", "options": YES_NO, "shown_if": "q1 > 4"},
        {
            "id": "q3",
            "kind": "number",
            "options": [],
            "settings": {"min": 1, "max": 100},
            "shown_if": 'q2 == "yes"',
        },
    ],
    "date": [
        {"id": "q1", "kind": "date", "options": [], "settings": pop.DATE_SETTINGS[1]},
        {"id": "q2", "kind": "single", "options": YES_NO, "shown_if": "q1 >= 2014-06"},
        {
            "id": "q3",
            "kind": "date",
            "options": [],
            "settings": pop.DATE_SETTINGS[0],
            "shown_if": 'q2 != "no"',
        },
    ],
    "grid": [
        {"id": "q1", "kind": "grid", "options": FOUR, "rows": ["a", "b", "c"]},
        {"id": "q2", "kind": "single", "options": YES_NO, "shown_if": 'q1.c == "yes"'},
        {
            "id": "q3",
            "kind": "grid",
            "options": ["yes", "no"],
            "rows": ["a", "b"],
            "shown_if": 'q1.a == "yes" and q1.c != "yes"',
        },
    ],
    "ranking": [
        {
            "id": "q1",
            "kind": "ranking",
            "options": FOUR,
            "settings": {"min_ranked": 1, "max_ranked": 3},
        },
        {"id": "q2", "kind": "single", "options": YES_NO, "shown_if": "count(q1) >= 2"},
        {
            "id": "q3",
            "kind": "ranking",
            "options": YES_NO,
            "settings": {"min_ranked": 1, "max_ranked": 2},
            "shown_if": '"yes" in q1',
        },
    ],
    "other": [
        {"id": "q1", "kind": "single", "options": [*YES_NO, pop.OTHER], "other": True},
        {
            "id": "q2",
            "kind": "multi",
            "options": [*YES_NO, pop.OTHER],
            "other": True,
            "shown_if": 'q1 != "no"',
        },
        {"id": "q3", "kind": "single", "options": YES_NO, "shown_if": '"other" in q2'},
    ],
}
#: Every case, in the order printed, and how each is named in the output.
CASES = (*QUESTIONS, "residents")
LABELS = {
    "number": "Numbers",
    "date": "Month dates",
    "grid": "Grids",
    "ranking": "Rankings",
    "other": "Other options",
    "residents": "Residents' survey",
}


def kind_spec(kind: str, k: int = 5) -> Consultation:
    """The generated spec of ``kind``, with a consent question first and four types of
    authority."""
    consent = {"id": "consent", "kind": "single", "options": list(pop.CONSENT)}
    return surveykit.loads_spec(pop.spec_text([consent, *QUESTIONS[kind]], 4, k))


class Feeder:
    """A consultation's responses arriving in steps: :meth:`feed` stores the next step, and
    ``people`` (as ``population`` models them) are everyone so far, for the true counts."""

    spec: Consultation
    people: list[pop.Person]

    def feed(self, store: Store, added: int, revised: int) -> None:
        before = self.people
        self.people = self._grown(self._revised(before, revised) if revised else before, added)
        pop.load(store, self.spec, self.people, before)

    @property
    def respondents(self) -> int:
        return sum(p.answers is not None for p in self.people)

    def _grown(self, people: list[pop.Person], added: int) -> list[pop.Person]:
        raise NotImplementedError

    def _revised(self, people: list[pop.Person], revised: int) -> list[pop.Person]:
        raise NotImplementedError


class _Generated(Feeder):
    """People drawn by ``population`` for a generated spec."""

    def __init__(self, kind: str, seed: int) -> None:
        self.spec = kind_spec(kind)
        self.world = pop._World(self.spec, random.Random(seed))
        self.people = []

    def _grown(self, people: list[pop.Person], added: int) -> list[pop.Person]:
        return self.world.grow(people, added)

    def _revised(self, people: list[pop.Person], revised: int) -> list[pop.Person]:
        return self.world.revise(people, revised)


class _Residents(Feeder):
    """Residents answering the residents' survey as they type, each with their own link and
    no authority (so each counts as one of their own)."""

    def __init__(self, seed: int) -> None:
        self.spec = residents.residents_spec()
        self.seed = seed
        self.steps = 0
        self.people = []

    def _answers(self, count: int) -> list[tuple[str, dict[str, Any]]]:
        self.steps += 1
        return list(residents.residents(self.spec, count, seed=self.seed * 1000 + self.steps))

    def _grown(self, people: list[pop.Person], added: int) -> list[pop.Person]:
        start = residents.START + dt.timedelta(hours=len(people))
        return people + [
            pop.Person(rid, "", "", "", "self_service", answers=answers, received=start)
            for rid, answers in self._answers(added)
        ]

    def _revised(self, people: list[pop.Person], revised: int) -> list[pop.Person]:
        out = list(people)
        rng = random.Random(self.seed * 1000 + self.steps)
        later = residents.START + dt.timedelta(days=30 + self.steps)
        chosen = rng.sample(range(len(out)), min(revised, len(out)))
        for i, (_, answers) in zip(chosen, self._answers(len(chosen)), strict=True):
            p = out[i]
            out[i] = replace(p, answers=answers, received=later, version=p.version + 1)
        return out


def feeder(case: str, seed: int) -> Feeder:
    """The responses of ``case`` (a kind of :data:`QUESTIONS`, or ``residents``), from
    ``seed``."""
    return _Residents(seed) if case == "residents" else _Generated(case, seed)
