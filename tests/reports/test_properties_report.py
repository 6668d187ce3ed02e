"""Whole-report properties over generated rosters, responses and free text (Hypothesis).

Each example builds a small consultation population: a few authorities (so cells are small and
suppression has work to do), leaders, chief executives and self-service respondents, each with a
consent answer and free text that deliberately names people and authorities and gives emails,
phone numbers and links.  Every answer set is cleaned by the real engine and stored in a real
store; some respondents answer twice.  The public report must then keep every promise.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import surveykit
from surveykit.identity import Respondent
from surveykit.storage import Grant, NewSubmission, open_store
from surveykit_reports.build import build_report

sys.path.insert(0, str(Path(__file__).parent))
import population as pop
from attacker import audit
from auditor import disclosed
from reportdata import SPEC

from surveykit_reports.export.as_json import to_json

ENGINE = surveykit.Engine(SPEC)
START = dt.datetime(2015, 1, 19, 9, tzinfo=dt.UTC)
PLACES = ["Ashford", "Barnsley", "Croydon", "Dudley", "Ealing", "Fylde"]
SURNAMES = ["Okonkwo", "Penhaligon", "Quarrie", "Rosewarne", "Szymanska", "Trevithick"]
QUOTE = SPEC.publication.quote
NAME = SPEC.publication.name_authority


@st.composite
def populations(draw):
    places = draw(st.lists(st.sampled_from(PLACES), min_size=1, max_size=4, unique=True))
    kinds = {p: draw(st.sampled_from([c.value for c in SPEC.authority_types])) for p in places}
    size = draw(st.integers(1, 14))
    people = []
    for i in range(size):
        place = draw(st.sampled_from(places))
        role = draw(st.sampled_from(["leader", "chief_executive", "other"]))
        people.append(
            {
                "authority": f"{place} Council",
                "authority_type": kinds[place],
                "role": role,
                "name": f"Sam {draw(st.sampled_from(SURNAMES))}",
                "email": f"sam{i}@{place.lower()}.gov.uk",
                "origin": "self_service" if role == "other" else "roster",
                "consent": draw(
                    st.sampled_from([o.value for o in SPEC.question("consent").options])
                ),
                "choices": {
                    q.id: draw(st.one_of(st.none(), st.sampled_from([o.value for o in q.options])))
                    for q in SPEC.questions
                    if q.options and q.id not in ("role", "authority_type", "consent")
                },
                "versions": draw(st.integers(1, 2)),
                "week": draw(st.integers(0, 6)),
                "texts": draw(st.lists(st.sampled_from(range(6)), max_size=3)),
            }
        )
    return people, draw(st.integers(1, 6))


def _text(person: dict, i: int, others: list[dict], form: int) -> str:
    """Free text with a unique marker, planted with identifying details of several kinds."""
    other = others[form % len(others)]
    planted = [
        f"ask {other['name']} about it",
        f"email {person['email']} or call 020 7664 {3000 + i}",
        f"see https://www.{person['authority'].split()[0].lower()}.gov.uk/plan",
        f"{other['authority']} disagrees",
        f"as {person['name'].split()[1]} said",
        "nothing else to add",
    ]
    return f"marker{i}q reply: {planted[form]}"


def _fill(store, people):
    stored = []
    for i, person in enumerate(people):
        who = Respondent(
            consultation=SPEC.metadata.id,
            authority=person["authority"],
            authority_type=person["authority_type"],
            role=person["role"],
            name=person["name"],
            email=person["email"],
            origin=person["origin"],
        )
        stored.append(who)
        store.grant([Grant(who, f"hash-{i}", START)])
        raw = {k: v for k, v in person["choices"].items() if v is not None}
        raw |= {"role": who.role, "authority_type": who.authority_type}
        raw |= {"authority": who.authority, "consent": person["consent"]}
        for n, form in enumerate(person["texts"]):
            raw[["q3", "q4", "q21"][n]] = _text(person, i, people, form)
        for version in range(person["versions"]):
            when = START + dt.timedelta(weeks=person["week"], hours=i, minutes=version)
            answers = ENGINE.clean(raw if version == person["versions"] - 1 else {})
            person["answers"] = answers
            store.append_submission(
                NewSubmission(SPEC.metadata.id, who.id, answers, "web", when, when)
            )
    return stored


# Each example builds and audits a whole report (about a second), so this property runs fewer
# examples than the profile's default; the cheaper properties above cover the parts thoroughly.
@settings(max_examples=min(settings().max_examples, 40))
@given(populations())
def test_every_public_promise_holds(case):
    """Auditor, thresholds by people and authorities, consent, redaction, no identities."""
    people, k = case
    with open_store("memory://") as store:
        stored = _fill(store, people)
        report = build_report(SPEC, store, threshold=k)
        internal = build_report(SPEC, store, threshold=k, internal=True)
    for table in report.all_tables():
        assert disclosed(table) == [], table.id
    # The attacker, with every table of the report and Taking Stock's routing, finds nothing.
    published = to_json(report)
    truth = pop.tabulate(SPEC, _persons(stored, people), combined=pop.combinations_in(published))
    assert audit(published, truth, k, spec=SPEC) == []
    # One-way counts: a published non-zero figure holds k people and k authorities.
    for table in (t for t in report.tables if t.aggregator == "counts"):
        for heading, line in zip(table.rows, table.cells, strict=True):
            if line[0].count:
                holders = [p for p in people if _value(p, table.question) == heading.value]
                assert len(holders) == line[0].count
                assert len({p["authority"] for p in holders}) >= k
    text = repr(attrs.asdict(report))
    for who in stored:
        assert who.email not in text
        assert who.name not in text
        assert who.name.split()[1] not in text
        assert f"https://www.{who.authority.split()[0].lower()}" not in text
    quoted = {q.text for d in report.digests for q in d.quotes}
    for i, person in enumerate(people):
        mine = [q for q in quoted if q.startswith(f"marker{i}q ")]
        if person["consent"] not in QUOTE:
            assert not mine
            assert f"marker{i}q" not in text
    named = {q.attribution for d in report.digests for q in d.quotes if q.attribution}
    for authority in named:
        consents = {p["consent"] for p in people if p["authority"] == authority}
        assert consents <= set(NAME)
    for authority in {p["authority"] for p in people} - named:
        place = authority.split()[0]
        consents = {p["consent"] for p in people if p["authority"] == authority}
        if not consents <= set(NAME):
            assert not re.search(rf"\b{place}\b", _quotes_and_titles(report)), place
    assert internal.responses.count == len(people)


def _persons(stored, people) -> list[pop.Person]:
    """The generated people as the attacker's truth counts them."""
    return [
        pop.Person.of(
            who,
            answers=person["answers"],
            received=START + dt.timedelta(weeks=person["week"], hours=i),
            version=person["versions"] - 1,
        )
        for i, (who, person) in enumerate(zip(stored, people, strict=True))
    ]


def _value(person: dict, question: str) -> str:
    answers = person["answers"]
    if question in answers:
        return answers[question] if SPEC.question(question).options else "_answered"
    return "_not_answered" if question in ENGINE.visible(answers) else "_not_shown"


def _quotes_and_titles(report) -> str:
    return " ".join(q.text for d in report.digests for q in d.quotes)
