"""Sensitive questions and "other" words against the independent attacker and the quote audit.

A sensitive question's figures are small below ``max(k, 10)``; it is never shown by group, and
neither is a question routed on it; its words are never quoted; "other" words reach a report
only as quotes of consenting respondents, redacted.  The property test (``test_promise.py``)
generates such consultations; these are the smallest cases, and the one disclosure the attacker
found when they were added (a question routed on a sensitive one, shown by type of authority).
"""

from __future__ import annotations

import sys
from pathlib import Path

import surveykit

sys.path.insert(0, str(Path(__file__).parent))
import population as pop
from attacker import audit
from auditor import quote_findings
from test_attacker import grid_table, one_column, release

CONSENT = {"id": "consent", "kind": "single", "options": list(pop.CONSENT)}
SENSITIVE = {
    "id": "q1",
    "kind": "single",
    "options": ["yes", "no", "dont_know"],
    "sensitive": True,
}
ROUTED = {"id": "q2", "kind": "single", "options": ["yes", "no"], "shown_if": 'q1 == "yes"'}


def _spec(*questions: dict, k: int = 5) -> surveykit.Consultation:
    return surveykit.loads_spec(pop.spec_text([CONSENT, *questions], 2, k))


def _people(spec: surveykit.Consultation) -> list[pop.Person]:
    """Sixty respondents of three roles and two types; few leaders said yes to q1."""
    engine = surveykit.Engine(spec)
    people = []
    for n in range(60):
        q1 = "yes" if (n % 3 != 0 or n < 9) else "no"
        q1 = "dont_know" if n % 7 == 0 else q1
        answers = {"consent": "no_quote", "q1": q1, "q2": "yes" if n % 4 < 2 else "no"}
        people.append(
            pop.Person(
                f"p{n:03d}",
                pop.ROLES[n % 3],
                f"type{n % 2}",
                f"Council {n}",
                answers=engine.clean(answers),
            )
        )
    return people


def _publish(spec, k: int, *snapshots):
    flags = {(n, n + 1): True for n in range(1, len(snapshots))}
    sequence = pop.Sequence_(spec, k, tuple(map(tuple, snapshots)), flags)
    published, truths, refused = pop.publish_releases(sequence)
    assert refused == []
    return published, truths


def test_a_question_routed_on_a_sensitive_one_is_never_shown_by_group():
    """q2 is asked only of those who said yes to the sensitive q1: by type of authority, its
    "not shown" was each type less its yeses, so q1 was published by type after all (the
    attacker pinned 18 of each type).  Now no table of q2 by group is published."""
    spec = _spec(SENSITIVE, ROUTED)
    published, truths = _publish(spec, 5, _people(spec))
    ids = {t["id"] for t in published[0]["tables"]}
    assert {"q1", "q2", "consent-by-role"} <= ids
    assert not {i for i in ids if i.startswith(("q1-by-", "q2-by-"))}
    assert audit(published, truths, 5, spec=spec, unsuppressed=True) == []


def test_the_attacker_finds_a_sensitive_count_by_group_from_a_routed_table():
    """What the report had published: q1 once, q2 by type with its "not shown" figures (all of
    them, as counted).  The attacker works out q1's yeses in each type, which q1's own table
    and the types' sizes leave open."""
    spec = _spec(SENSITIVE, ROUTED)
    truth = pop.tabulate(spec, _people(spec))

    def n(q: str, row: str, group: str = "") -> int:
        return truth[(q, row, "authority_type" if group else "", group)][0]

    answers = ["yes", "no", "dont_know", "_not_answered"]
    q1 = one_column("q1", "q1", answers, [*(n("q1", a) for a in answers), n("_all", "_all")])
    rows = ["yes", "no", "_not_answered", "_not_shown"]
    types = ["type0", "type1"]
    grid = [[n("q2", row, g) for g in types] for row in [*rows]]
    grid.append([n("_all", "_all", g) for g in types])
    grid = [[*line, sum(line)] for line in grid]
    q2 = grid_table(grid, "q2-by-authority_type", rows, types, aggregator="crosstab", question="q2")
    findings = audit(release(q1, q2), truth, 5, spec=spec)
    assert ("crosstab", "q2-by-authority_type") in {(f.kind, f.table) for f in findings}
    implied = {(f.row, f.column): (f.low, f.high) for f in findings if f.kind == "implied"}
    assert implied.keys() >= {("yes", "type0"), ("yes", "type1")}
    for g in types:
        assert implied[("yes", g)] == (n("q1", "yes", g), n("q1", "yes", g))
    # Without the table by type, nothing is found.
    assert audit(release(q1), truth, 5, spec=spec) == []


def test_a_sensitive_figure_is_judged_by_its_own_threshold():
    """Seven is publishable at k = 5, but not for a sensitive question (below ten)."""
    plain = _spec({**SENSITIVE, "sensitive": False})
    spec = _spec(SENSITIVE)
    table = one_column("q1", "q1", ["yes", "no", "dont_know", "_not_answered"], [40, 7, 13, 0, 60])
    truth = {
        ("_all", "_all", "", ""): (60, 60),
        ("q1", "yes", "", ""): (40, 40),
        ("q1", "no", "", ""): (7, 7),
        ("q1", "dont_know", "", ""): (13, 13),
        ("q1", "_not_answered", "", ""): (0, 0),
    }
    assert audit(release(table), truth, 5, spec=plain, unsuppressed=True) == []
    found = audit(release(table), truth, 5, spec=spec, unsuppressed=True)
    assert [(f.kind, f.row) for f in found] == [("published", "no")]


def test_the_quote_audit_finds_words_names_and_authorities_it_must_not():
    spec = _spec({**SENSITIVE, "sensitive": False, "options": ["yes", "other"], "other": True})
    engine = surveykit.Engine(spec)

    def person(n: int, consent: str, words: str) -> pop.Person:
        answers = engine.clean({"consent": consent, "q1": "other", "q1.other": words})
        return pop.Person(
            f"p{n}", "other", "type0", f"Council {n}", name=pop.name_of(n), answers=answers
        )

    people = [
        person(1, "no_quote", "Peer review (ref kabo)."),
        person(2, "quote_anonymous", "A local forum (ref fimu)."),
        person(3, "quote_named", "Shared services (ref tero)."),
    ]
    digest = {
        "question": "q1.other",
        "quotes": [
            {"text": "A local forum (ref fimu).", "attribution": None},
            {"text": "Shared services (ref tero).", "attribution": "Council 3"},
        ],
    }
    assert quote_findings(spec, [release(digests=[digest])], [people]) == []
    leaks = [
        {"text": "Peer review (ref kabo).", "attribution": None},  # p1 did not consent
        {"text": f"Ask {pop.name_of(2)} (ref fimu).", "attribution": None},
        {"text": "As Council 1 does (ref fimu).", "attribution": "Council 2"},
        {"text": "Peer review.", "attribution": None},  # its writer cannot be told
    ]
    found = quote_findings(spec, [release(digests=[{**digest, "quotes": leaks}])], [people])
    assert [f.split(",")[0].split(" (")[0] for f in found] == [
        "words of a respondent not consenting to quotation",
        "a respondent's name",
        "an authority that may not be named",
        "attributed to Council 2",
        "untraceable quote",
    ]


def test_generated_other_words_are_quoted_only_with_consent_and_redacted():
    """Words beside an "Other" option, some naming an authority or a respondent, through the
    real pipeline: a digest of the ordinary question's words, none of the sensitive one's."""
    spec = _spec(
        {**SENSITIVE, "options": ["yes", "no", "other"], "other": True},
        {"id": "q2", "kind": "multi", "options": ["yes", "no", "other"], "other": True},
        k=3,
    )
    world = pop._World(spec, __import__("random").Random(7))
    first = world.grow([], 150)
    later = world.grow(first, 120)
    sequence = pop.Sequence_(spec, 3, (tuple(first), tuple(later)), {(1, 2): True})
    published, truths, refused = pop.publish_releases(sequence)
    assert all(n != 1 for n, _ in refused)
    assert audit(published, truths, 3, spec=spec, unsuppressed=True) == []
    people = pop.published_snapshots(sequence, refused)
    assert quote_findings(spec, published, people) == []
    for data in published:
        digests = {d["question"]: d for d in data["digests"]}
        assert "q1.other" not in digests
        assert "q2.other" in digests
        tables = {t["id"] for t in data["tables"]}
        assert "q2.other-quoting" in tables
        assert not {t for t in tables if t.startswith(("q1-by-", "q1.other"))}
    quotes = [q["text"] for q in published[0]["digests"][0]["quotes"]]
    assert any("(ref " in q for q in quotes)
    assert any("[name removed]" in q for q in quotes)  # words that named someone, redacted
