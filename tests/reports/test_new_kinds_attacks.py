"""Attacks on the new kinds' tables that the independent attacker found, kept as cases.

Running the attacker (``attacker.py``) over generated consultations with grids, rankings,
numbers and dates found these; each test is the smallest consultation that showed one, and
failed before the suppression learned the fact it names (docs/disclosure.md lists them).  The
property test (``test_promise.py``) covers the rest.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

import surveykit

sys.path.insert(0, str(Path(__file__).parent))
import population as pop
from attacker import audit

RANKING = {
    "id": "q1",
    "kind": "ranking",
    "options": ["yes", "no", "partly"],
    "settings": {"min_ranked": 1, "max_ranked": 2},
}


def _spec(question: dict, k: int) -> surveykit.Consultation:
    consent = {"id": "consent", "kind": "single", "options": list(pop.CONSENT)}
    return surveykit.loads_spec(pop.spec_text([consent, question], 2, k))


def _person(spec, n: int, answer, *, council: str | None = None) -> pop.Person:
    answers = {"consent": "no_quote"} if answer is None else {"q1": answer, "consent": "no_quote"}
    return pop.Person(
        f"p{n:03d}",
        "other",
        "type0" if n % 2 else "type1",
        council or f"Council {n}",
        answers=surveykit.Engine(spec).clean(answers),
    )


def _audited(spec, k: int, *snapshots, additions_only: bool = True):
    flags = {(n, n + 1): additions_only for n in range(1, len(snapshots))}
    sequence = pop.Sequence_(spec, k, tuple(map(tuple, snapshots)), flags)
    published, truths, refused = pop.publish_releases(sequence)
    assert refused == []
    return published, audit(published, truths, k, spec=spec, unsuppressed=True)


def _cells(report: dict, table: str) -> dict[tuple[str, str], int | None]:
    (found,) = [t for t in report["tables"] if t["id"] == table]
    return {(c["row"], c["column"]): c["count"] for c in found["cells"]}


def test_an_option_is_ranked_once_so_its_later_places_are_not_a_proven_zero():
    """Everyone who ranked put "yes" first: its first-place count is hidden, but those who
    answered are the same hidden number, so "yes" cannot be second for anyone.  The table had
    hidden "yes" in second place, which the attacker proved to be zero."""
    spec = _spec(RANKING, 3)
    people = [_person(spec, n, ["yes"]) for n in range(4)]
    people += [_person(spec, n, None) for n in range(4, 6)]
    published, findings = _audited(spec, 3, people)
    assert findings == []
    positions = _cells(published[0], "q1-positions")
    assert positions[("yes", "1")] is None  # hidden with the two blanks, which are small
    assert positions[("yes", "2")] == 0  # a zero that gives nothing away is published


def test_not_ranking_that_far_counts_its_authorities():
    """Six people from two councils ranked one option only: "did not rank a second" holds six
    responses but two authorities, so it is small, though it had been published."""
    spec = _spec(RANKING, 5)
    people = [_person(spec, n, ["yes", "no"] if n % 2 else ["no", "yes"]) for n in range(14)]
    people += [_person(spec, n, ["partly"], council=f"Shire {n % 2}") for n in range(14, 20)]
    published, findings = _audited(spec, 5, people)
    assert findings == []
    assert _cells(published[0], "q1-positions")[("_not_ranked", "2")] is None


def test_a_range_merged_otherwise_in_a_later_release_does_not_show_a_change_of_one():
    """One respondent changed their answer from 3 to 1: the later release merges 2 to 5 into
    one range, whose count the earlier release's two ranges had added up to.  Publishing it
    showed the range had lost exactly one answer."""
    spec = _spec(
        {"id": "q1", "kind": "number", "options": [], "settings": {"min": 0, "max": 20}}, 3
    )
    values = [1] * 10 + [3] * 3 + [5] * 3 + [7] * 4
    first = [_person(spec, n, v) for n, v in enumerate(values)]
    later = list(first)
    moved = dataclasses.replace(
        later[10],
        answers=surveykit.Engine(spec).clean({"q1": 1, "consent": "no_quote"}),
        version=1,
        received=pop.START + dt.timedelta(days=5),
    )
    later[10] = moved
    published, findings = _audited(spec, 3, first, later, additions_only=False)
    assert findings == []
    assert "2..4~4..6" in {row for row, _ in _cells(published[1], "q1")}
