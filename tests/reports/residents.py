"""Residents answering the residents' survey the way people do, stored through the engine.

Answers are written as people type them (``"1,250"``, ``"£12.50"``, ``"March 2019"``, ``"b > a"``,
postcodes in any case), checked and normalised by the real engine, and stored through the
store's public API: so the report sees exactly what a real consultation would hold.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from surveykit import Consultation
from surveykit.engine import Engine
from surveykit.identity import Respondent
from surveykit.spec import load_spec
from surveykit.storage import Grant, NewSubmission, Store

SPEC = Path(__file__).parents[2] / "specs" / "examples" / "residents_survey.toml"
#: Answers arrive over the consultation's real window.
START = dt.datetime(2027, 1, 12, 9, tzinfo=dt.UTC)
TOWNS = ("Northbridge", "northbridge ", "Easton", "Millford", "Westcombe")
SAYINGS = (
    "The park by the river needs more bins, call me on 07700 900982.",
    "More buses to the hospital please.",
    "Write to me at jo.bloggs@example.org about the library.",
    "Keep the library in Northbridge open, it is all we have.",
    "Fix the potholes on Station Road (NB1 2XY).",
)


def residents_spec() -> Consultation:
    return load_spec(SPEC).reopened_until(dt.date(2099, 1, 1))


def _answers(rng: random.Random, spec: Consultation) -> dict[str, Any]:
    """One resident's raw answers, in the forms people write them."""
    a: dict[str, Any] = {
        "postcode": rng.choice(["ex1 1aa", "EX11AA", " nb1 2xy", "SW1A 1AA"]),
        "household": rng.choice(["1", "2", "2", "3", "4", "5", 6, "7", " 12 "]),
        "moved_in": rng.choice(
            ["March 2019", "3/2024", {"month": "6", "year": "1987"}, "2025-11", "January 2001"]
        ),
        "services_used": rng.sample(
            ["bins", "libraries", "leisure", "parks", "parking", "other"], rng.randint(1, 3)
        ),
        "heard_about": rng.choice(["letter", "website", "social_media", "event", "other"]),
        "updates": rng.choice(["yes", "no"]),
        "consent": rng.choice(["quote", "quote", "no_quote"]),
        "library_contribution": rng.choice(["0", "£5", "10.50", "£12.50", "25", "1,2", "120"]),
        "priorities": rng.choice(
            [
                ["social_care", "housing", "roads"],
                "housing > climate",
                {"youth": 1, "libraries": 2},
                "1. Roads and pavements\n2. Libraries",
                ["bins"],
            ]
        ),
    }
    if rng.random() < 0.8:
        a["town"] = rng.choice(TOWNS)
    for row in ("parks", "streets", "bins", "contact"):
        a[f"satisfaction.{row}"] = rng.choice(
            ["strongly_agree", "agree", "neither", "disagree", "strongly_disagree"]
        )
    if "other" in a["services_used"]:
        a["services_used.other"] = rng.choice(["Registering a birth", "Call Jo on 01632 960001"])
    if a["heard_about"] == "other":
        a["heard_about.other"] = "From my neighbour"
    if a["heard_about"] == "event":
        a["event_date"] = rng.choice(["27/1/2027", "2 February 2027", "2027-01-30"])
    if a["updates"] == "yes":
        a["email"] = f"resident{rng.randrange(10**6)}@Example.ORG"
        a["phone"] = "01632 960 001"
    a["parks_problem"] = rng.choice(SAYINGS)
    a["priorities_missing"] = rng.choice(SAYINGS)
    a["northbridge_centre"] = rng.choice(SAYINGS)
    a["new_resident_information"] = rng.choice(["very_easy", "fairly_difficult"])
    a["bedrooms_enough"] = rng.choice(["yes", "no"])
    a["eq_age_group"] = rng.choice(["age_25_34", "age_35_44", "age_65_74", "prefer_not_to_say"])
    a["eq_sex"] = rng.choice(["female", "male", "prefer_not_to_say"])
    for question in spec.questions:
        asked = question.id.startswith("eq_") and question.id not in a and question.options
        if asked and rng.random() < 0.7:
            a[question.id] = rng.choice(question.options).value
            if question.option(a[question.id]).other:
                a[f"{question.id}.other"] = "My own words, Jo Bloggs"
    return a


def residents(spec: Consultation, n: int, seed: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """``n`` residents' cleaned answers, each accepted by the engine without a problem."""
    rng = random.Random(seed)
    engine = Engine(spec)
    made = 0
    while made < n:
        checked = engine.check(_answers(rng, spec))
        if checked.problems:  # an answer out of range, as people sometimes give: not sent
            continue
        made += 1
        yield f"r{seed}-{made:05d}", checked.answers


def fill(store: Store, spec: Consultation, n: int, seed: int = 1) -> list[dict[str, Any]]:
    """Store ``n`` residents' responses (self-service respondents, as on a public form)."""
    people = list(residents(spec, n, seed))
    store_residents(store, spec, people, every=dt.timedelta(hours=7))
    return [answers for _, answers in people]


def store_residents(
    store: Store,
    spec: Consultation,
    people: list[tuple[str, dict[str, Any]]],
    *,
    every: dt.timedelta,
    start: dt.datetime = START,
) -> None:
    """Store each ``(respondent id, answers)`` as a self-service resident's web response
    through the public store API, one arriving ``every`` so long after the last."""
    store.grant(
        [
            Grant(
                Respondent(
                    consultation=spec.metadata.id,
                    authority="",
                    authority_type="",
                    role="",
                    name=f"Resident {rid}",
                    email=f"{rid}@example.org",
                    origin="self_service",
                    id=rid,
                ),
                f"hash-{rid}",
                start,
            )
            for rid, _ in people
        ]
    )
    for i, (rid, answers) in enumerate(people):
        when = start + every * i
        store.append_submission(NewSubmission(spec.metadata.id, rid, answers, "web", when, when))
