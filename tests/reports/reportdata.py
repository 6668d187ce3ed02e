"""Test data for report tests: a populated store of Taking Stock responses, and its truth.

Responses are built from random choices through the real :class:`surveykit.Engine` (so every
stored answer set respects the branching) and written through the store's public API, with
superseded versions mixed in.  :func:`truth` recounts the current responses by brute force,
independently of the report code, for tests to compare with.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

import surveykit
from surveykit.identity import Respondent
from surveykit.storage import Grant, NewSubmission, Store

SPEC = surveykit.load_spec("specs/taking_stock.toml")
START = dt.datetime(2015, 1, 19, 9, 0, tzinfo=dt.UTC)

PLACES = ("Kent", "Essex", "Leeds", "Camden", "Wigan", "Surrey", "Bolton", "Dorset", "Luton")
SUFFIX = {
    "county": "County Council",
    "district": "District Council",
    "unitary": "Council",
    "metropolitan": "Metropolitan Borough Council",
    "london_borough": "Borough Council",
    "fire_and_rescue": "Fire and Rescue Authority",
    "other": "Partnership",
}
FIRST = ("Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace")
LAST = ("Okafor", "Pritchard", "Quinn", "Rahman", "Sokolova", "Thorne")


def answers_for(
    rng: random.Random, consultation: surveykit.Consultation, who: Respondent, texts: list[str]
) -> dict[str, Any]:
    """A cleaned, valid answer set: random options, some blanks, free text from ``texts``."""
    engine = surveykit.Engine(consultation)
    raw: dict[str, Any] = {}
    for q in consultation.questions:
        if q.id == "role":
            raw[q.id] = who.role
        elif q.id == "authority_type":
            raw[q.id] = who.authority_type
        elif q.id == "authority":
            raw[q.id] = who.authority
        elif q.options:
            if q.required or rng.random() < 0.8:
                raw[q.id] = rng.choice(q.options).value
        elif rng.random() < 0.6:
            raw[q.id] = rng.choice(texts)
    clean = engine.clean(raw)
    assert engine.validate(clean) == []
    return clean


def people(rng: random.Random, count: int, roster_share: float = 0.8) -> list[Respondent]:
    out = []
    kinds = [c.value for c in SPEC.authority_types]
    for _ in range(count):
        kind = rng.choice(kinds)
        place = rng.choice(PLACES)
        roster = rng.random() < roster_share
        out.append(
            Respondent(
                consultation=SPEC.metadata.id,
                authority=f"{place} {SUFFIX[kind]}",
                authority_type=kind,
                role=rng.choice(["leader", "chief_executive"]) if roster else "other",
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                email=f"person{rng.randrange(10**6)}@example.org",
                origin="roster" if roster else "self_service",
            )
        )
    return out


def populate(
    store: Store, seed: int = 0, count: int = 60, silent: int = 10, texts: list[str] | None = None
) -> list[Respondent]:
    """Store ``count`` respondents who answered (some twice) and ``silent`` who did not."""
    rng = random.Random(seed)
    texts = texts or ["More support for peer review.", "Keep it as it is.", "Less inspection."]
    everyone = people(rng, count + silent)
    store.grant([Grant(p, f"hash-{p.id}", START) for p in everyone])
    for i, who in enumerate(everyone[:count]):
        for version in range(rng.choice([1, 1, 1, 2, 3])):
            when = START + dt.timedelta(days=rng.randrange(50), minutes=i + version)
            store.append_submission(
                NewSubmission(
                    SPEC.metadata.id,
                    who.id,
                    answers_for(rng, SPEC, who, texts),
                    rng.choice(["web", "email", "paper"]),
                    when,
                    when,
                )
            )
    return everyone


def truth(store: Store, consultation: surveykit.Consultation = SPEC) -> dict[str, Counter]:
    """Brute-force counts per question of option / '_answered' / '_not_answered' /
    '_not_shown', by role and by authority type, from each respondent's latest version."""
    engine = surveykit.Engine(consultation)
    found: dict[str, Counter] = {}
    for who in store.respondents(consultation.metadata.id):
        latest = store.history(who.id)
        if not latest:
            continue
        answers = latest[-1].answers
        shown = set(engine.visible(answers))
        for q in consultation.questions:
            if q.id not in answers:
                value = "_not_answered" if q.id in shown else "_not_shown"
            elif q.options:
                value = answers[q.id]
            else:
                value = "_answered"
            counter = found.setdefault(q.id, Counter())
            counter[(value, None, None)] += 1
            counter[(value, who.role, None)] += 1
            counter[(value, None, who.authority_type)] += 1
    return found
