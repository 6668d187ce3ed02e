"""Generated consultations and their true counts, independent of the report code.

- :func:`tabulate` counts every statistic the attacker (``attacker.py``) names, by brute force
  from the respondents: ``(question, row, dimension, group) -> (respondents, authorities)``.
  It uses only the spec and :class:`surveykit.Engine` (which questions each answer set was
  shown), never the report plugin.
- Hypothesis strategies: small specs written as TOML (:func:`spec_texts`, :func:`specs`),
  populations of 1 to 1,000 respondents with skewed authority types, councils whose leader and
  chief executive answer alike, and self-service respondents (:func:`populations`), and
  sequences of releases (:func:`release_sequences`).
- :func:`load` puts a population into a real store through the public API, so tests can run
  the real pipeline on it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from hypothesis import strategies as st

import surveykit
from surveykit import Consultation
from surveykit.identity import Respondent
from surveykit.plugins import get_plugins
from surveykit.storage import Grant, NewSubmission, Store, open_store

__all__ = [
    "START",
    "Person",
    "Sequence_",
    "load",
    "make_population",
    "populations",
    "release_sequences",
    "spec_text",
    "spec_texts",
    "specs",
    "tabulate",
]

ALL = "_all"
TOTAL = "_total"
START = dt.datetime(2015, 1, 19, 9, tzinfo=dt.UTC)
ROLES = ("leader", "chief_executive", "other")
CONSENT = ("quote_named", "quote_anonymous", "no_quote")

Stat = tuple[str, str, str, Any]
Truth = dict[Stat, tuple[int, int]]


@dataclass(frozen=True)
class Person:
    """One person on the roster or with a self-service link; ``answers`` (cleaned, with the
    consent answer) is ``None`` until they respond."""

    id: str
    role: str
    authority_type: str
    authority: str
    origin: str = "roster"
    name: str = ""
    answers: dict[str, Any] | None = None
    received: dt.datetime = START
    version: int = 0

    @classmethod
    def of(cls, respondent: Any, **response: Any) -> Person:
        """A stored respondent as a person here, with their response (``answers``,
        ``received``, ``version``) as given."""
        return cls(
            id=respondent.id,
            role=respondent.role,
            authority_type=respondent.authority_type,
            authority=respondent.authority,
            origin=respondent.origin,
            name=respondent.name,
            **response,
        )

    @property
    def unit(self) -> str:
        """The authority a response counts towards: its name compared ignoring case and
        surrounding spaces, or the person alone when they gave none."""
        name = self.authority.strip().casefold()
        return name if name else f"id:{self.id}"


# ------------------------------------------------------------------------------------------------
# The truth


def _multiple(question) -> bool:
    kind = get_plugins().kinds.get(question.kind)
    return bool(question.options) and bool(getattr(kind, "multiple", False))


def _monday(when: dt.datetime, spec: Consultation) -> str:
    day = when.astimezone(spec.metadata.zone).date()
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def tabulate(
    spec: Consultation,
    people: Iterable[Person],
    *,
    combined: Iterable[tuple[str, Sequence[str]]] = (),
) -> Truth:
    """Every statistic of the current responses as ``(respondents, distinct authorities)``.

    Keys are the attacker's: ``(q, row, d, g)`` for each counted question ``q``, row (option,
    ``_answered``, ``_not_answered``, ``_not_shown``, ``_quotable``, ``_not_quotable``, and for
    multi-choice ``_sum`` and ``_respondents``), dimension ``d`` (``""``, ``"role"``,
    ``"authority_type"``) and group ``g`` (``""`` for everyone; a sorted tuple of members for
    each ``combined`` ``(dimension, members)``); ``("_all", "_all", d, g)`` group sizes;
    ``("_week", monday, "", "")``; coverage ``(table, row, "", column)`` with ``_total``
    margins.  Zeros are listed for every option and group the spec names.
    """
    engine = surveykit.Engine(spec)
    publication = spec.publication
    skip = set(publication.identifying)
    counted = [q for q in spec.questions if q.id not in skip]
    multiple = {q.id for q in counted if _multiple(q)}
    consent, quote = publication.consent_question, set(publication.quote)
    combos = [(d, tuple(sorted(members))) for d, members in combined]
    found: dict[Stat, list] = defaultdict(lambda: [0, set()])
    people = list(people)
    for person in people:
        answers = person.answers
        if answers is None:
            continue
        shown = set(engine.visible(answers))
        rows: list[tuple[str, str]] = [(ALL, ALL)]
        for q in counted:
            many = q.id in multiple
            if q.id not in shown:
                value = "_not_shown"
            elif q.id not in answers:
                value = "_not_answered"
            elif many:
                chosen = answers[q.id]
                rows += [(q.id, v) for v in chosen] + [(q.id, "_sum")] * len(chosen)
                rows.append((q.id, "_respondents"))
                continue
            elif q.options:
                value = answers[q.id]
            else:
                value = "_answered"
                ok = consent is not None and answers.get(consent) in quote
                rows.append((q.id, "_quotable" if ok else "_not_quotable"))
            rows.append((q.id, value))
            if many:
                rows.append((q.id, "_sum"))
        groups: list[tuple[str, Any]] = [
            ("", ""),
            ("role", person.role),
            ("authority_type", person.authority_type),
        ]
        mine = {"role": person.role, "authority_type": person.authority_type}
        groups += [(d, members) for d, members in combos if mine.get(d) in members]
        unit = person.unit
        for d, g in groups:
            for q, row in rows:
                cell = found[(q, row, d, g)]
                cell[0] += 1
                cell[1].add(unit)
        week = found[("_week", _monday(person.received, spec), "", "")]
        week[0] += 1
        week[1].add(unit)
    truth: Truth = {key: (n, len(units)) for key, (n, units) in found.items()}
    _zeros(truth, spec, counted, multiple, combos, people)
    truth.update(_coverage(people))
    return truth


def _zeros(truth, spec, counted, multiple, combos, people) -> None:
    """List every statistic the spec names, zero when nobody is in it."""
    groups: list[tuple[str, Any]] = [("", "")]
    for d, choices in (("role", spec.roles), ("authority_type", spec.authority_types)):
        values = {c.value for c in choices} | {getattr(p, d) for p in people if p.answers}
        groups += [(d, g) for g in sorted(values)]
    groups += combos
    for d, g in groups:
        truth.setdefault((ALL, ALL, d, g), (0, 0))
        for q in counted:
            rows = [o.value for o in q.options] or ["_answered", "_quotable", "_not_quotable"]
            rows.append("_not_answered")
            if q.condition is not None:
                rows.append("_not_shown")
            if q.id in multiple:
                rows += ["_sum", "_respondents"]
            for row in rows:
                truth.setdefault((q.id, row, d, g), (0, 0))


def _coverage(people: Sequence[Person]) -> Truth:
    """Coverage against the roster: people by role, authorities by type, responded or not."""
    roster = [p for p in people if p.origin == "roster"]
    out: Truth = {}
    found: dict[tuple, list] = defaultdict(lambda: [0, set()])
    for p in roster:
        column = "responded" if p.answers is not None else "not_responded"
        for row in (p.role, TOTAL):
            for col in (column, TOTAL):
                cell = found[("coverage-roles", row, "", col)]
                cell[0] += 1
                cell[1].add(p.unit)
    kinds: dict[str, str] = {}
    answered: set[str] = set()
    for p in roster:
        kinds.setdefault(p.unit, p.authority_type)
        if p.answers is not None:
            answered.add(p.unit)
    for unit, kind in kinds.items():
        column = "responded" if unit in answered else "not_responded"
        for row in (kind, TOTAL):
            for col in (column, TOTAL):
                found[("coverage-authorities", row, "", col)][0] += 1
    for key, (n, units) in found.items():
        out[key] = (n, len(units) if key[0] == "coverage-roles" else n)
    return out


def combinations_in(report: dict) -> list[tuple[str, tuple[str, ...]]]:
    """The combined columns a public report published, as ``(dimension, members)``."""
    out = set()
    for table in report.get("tables", ()):
        if table.get("aggregator") != "crosstab":
            continue
        d = table["id"].split("-by-", 1)[-1]
        for column in table["columns"]:
            if column.get("members"):
                out.add((d, tuple(sorted(column["members"]))))
    return sorted(out)


# ------------------------------------------------------------------------------------------------
# Generated specs


OPTION_WORDS = ("yes", "no", "dont_know", "partly", "other")


@st.composite
def spec_texts(draw, k: int | None = None) -> str:
    """A small consultation as TOML: 2-5 questions (single, multi, text), at least one shown
    only after an earlier answer, and a consent question."""
    n_types = draw(st.integers(2, 6))
    n = draw(st.integers(2, 5))
    questions: list[dict[str, Any]] = []
    for i in range(n):
        kind = draw(st.sampled_from(("single", "single", "multi", "text")))
        options = list(OPTION_WORDS[: draw(st.integers(2, 4))]) if kind != "text" else []
        question: dict[str, Any] = {"id": f"q{i + 1}", "kind": kind, "options": options}
        conditional = [q for q in questions if q.get("shown_if")]
        must = i == n - 1 and not conditional
        if questions and (must or draw(st.booleans())):
            question["shown_if"] = draw(_conditions(questions))
        questions.append(question)
    consent_first = draw(st.booleans())
    consent = {"id": "consent", "kind": "single", "options": list(CONSENT)}
    questions.insert(0 if consent_first else len(questions), consent)
    k = k if k is not None else draw(st.integers(3, 10))
    return spec_text(questions, n_types, k)


def _conditions(questions: list[dict[str, Any]]):
    """A ``shown_if`` on one earlier question: mostly single tests the attacker models
    exactly, sometimes a compound one it must skip."""
    choices = []
    for q in questions:
        qid, options = q["id"], q["options"]
        if q["kind"] == "single":
            a, b = options[0], options[1]
            choices += [
                f'{qid} == "{a}"',
                f'{qid} != "{b}"',
                f'{qid} in ["{a}", "{b}"]',
                f'{qid} not in ["{a}"]',
                f"answered({qid})",
                f"not answered({qid})",
                f'{qid} == "{a}" or {qid} == "{b}"',
            ]
        elif q["kind"] == "multi":
            choices += [f'"{options[0]}" in {qid}', f'"{options[1]}" not in {qid}']
            choices.append(f"answered({qid})")
        else:
            choices.append(f"answered({qid})")
    return st.sampled_from(choices)


def spec_text(questions: Sequence[dict[str, Any]], n_types: int = 2, k: int = 5) -> str:
    """A spec as TOML: roles leader / chief_executive / other, authority types ``type0``...,
    and ``questions`` as ``{"id", "kind", "options", "shown_if"?}``; the consent question
    ``consent`` is the consent question of ``[publication]`` when it is among them."""
    consent = any(q["id"] == "consent" for q in questions)
    lines = [
        "[consultation]",
        'id = "generated"',
        'title = "A generated consultation"',
        'publisher = "Test"',
        "closes = 2015-03-13",
        'timezone = "Europe/London"',
        "",
    ]
    for role in ROLES:
        lines += ["[[roles]]", f'value = "{role}"', f'label = "{role.title()}"', ""]
    for t in range(n_types):
        lines += ["[[authority_types]]", f'value = "type{t}"', f'label = "Type {t}"', ""]
    lines.append("[publication]")
    if consent:
        lines += [
            'consent_question = "consent"',
            'quote = ["quote_named", "quote_anonymous"]',
            'name_authority = ["quote_named"]',
        ]
    lines += [
        f"threshold = {k}",
        "",
        "[[sections]]",
        'id = "main"',
        'title = "Questions"',
        "",
    ]
    for q in questions:
        lines += [
            "[[sections.questions]]",
            f'id = "{q["id"]}"',
            f'text = "Question {q["id"]}?"',
            f'kind = "{q["kind"]}"',
        ]
        if q["options"]:
            listed = ", ".join(f'{{ value = "{o}", label = "{o}" }}' for o in q["options"])
            lines.append(f"options = [{listed}]")
        if q.get("shown_if"):
            lines.append(f"shown_if = '{q['shown_if']}'")
        lines.append("")
    return "\n".join(lines)


def specs(k: int | None = None):
    """Generated consultations, loaded and checked by ``surveykit.loads_spec``."""
    return spec_texts(k).map(surveykit.loads_spec)


# ------------------------------------------------------------------------------------------------
# Generated populations


@dataclass
class _World:
    """Authorities by type, for drawing people: a few big types, some with one or two."""

    spec: Consultation
    rng: random.Random
    councils: list[tuple[str, str]] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    serial: int = 0

    def __post_init__(self) -> None:
        rng = self.rng
        for n, choice in enumerate(self.spec.authority_types):
            big = n < 2 or rng.random() < 0.3
            count = rng.randint(5, 60) if big else rng.randint(1, 2)
            weight = rng.uniform(1, 10) if big else rng.uniform(0.05, 0.5)
            for i in range(count):
                self.councils.append((f"{choice.label} Council {i}", choice.value))
                self.weights.append(weight / count)

    def new_id(self) -> str:
        self.serial += 1
        return f"p{self.serial:05d}"

    def answers(self, base: dict[str, Any] | None = None) -> dict[str, Any]:
        """A cleaned answer set: skewed choices (one popular option, rare others), blanks."""
        if base is not None:
            return dict(base)
        rng, raw = self.rng, {}
        for q in self.spec.questions:
            if q.id == self.spec.publication.consent_question:
                raw[q.id] = rng.choices(CONSENT, weights=(3, 2, 1))[0]
            elif rng.random() < 0.15:
                continue
            elif _multiple(q):
                chosen = [o.value for o in q.options if rng.random() < 0.4]
                raw[q.id] = chosen
            elif q.options:
                weights = [8] + [1] * (len(q.options) - 1)
                raw[q.id] = rng.choices([o.value for o in q.options], weights=weights)[0]
            else:
                raw[q.id] = rng.choice(("More support.", "Keep it.", "Less inspection."))
        return surveykit.Engine(self.spec).clean(raw)

    def when(self) -> dt.datetime:
        return START + dt.timedelta(days=self.rng.randrange(42), minutes=self.rng.randrange(600))

    def council(self, responding: bool) -> list[Person]:
        """A council's leader and chief executive on the roster; often they answer alike."""
        rng = self.rng
        name, kind = rng.choices(self.councils, weights=self.weights)[0]
        leader = self.answers() if responding else None
        if responding and rng.random() < 0.5:
            other = dict(leader)  # agreed one answer between them
        else:
            other = self.answers() if responding and rng.random() < 0.7 else None
        return [
            Person(self.new_id(), "leader", kind, name, answers=leader, received=self.when()),
            Person(
                self.new_id(), "chief_executive", kind, name, answers=other, received=self.when()
            ),
        ]

    def self_service(self) -> Person:
        """Someone who asked for their own link: role other, often no authority given."""
        rng = self.rng
        name, kind = rng.choices(self.councils, weights=self.weights)[0]
        authority = name if rng.random() < 0.5 else ""
        return Person(
            self.new_id(),
            "other",
            kind,
            authority,
            origin="self_service",
            answers=self.answers(),
            received=self.when(),
        )

    def grow(self, people: list[Person], count: int) -> list[Person]:
        """``people`` with ``count`` more responses (and some silent roster members)."""
        out = list(people)
        target = sum(p.answers is not None for p in out) + count
        while sum(p.answers is not None for p in out) < target:
            missing = target - sum(p.answers is not None for p in out)
            if missing == 1 or self.rng.random() < 0.25:
                out.append(self.self_service())
            else:
                out += self.council(responding=self.rng.random() < 0.9)
        return out

    def revise(self, people: list[Person], count: int) -> list[Person]:
        """``count`` responders send a new version of their answers."""
        out = list(people)
        responders = [i for i, p in enumerate(out) if p.answers is not None]
        for i in self.rng.sample(responders, min(count, len(responders))):
            p = out[i]
            later = max(p.received, START) + dt.timedelta(days=self.rng.randrange(1, 8))
            out[i] = replace(p, answers=self.answers(), received=later, version=p.version + 1)
        return out


def make_population(spec: Consultation, size: int, seed: int) -> list[Person]:
    """``size`` respondents (and some silent roster members) drawn from ``seed``."""
    return _World(spec, random.Random(seed)).grow([], size)


def sizes():
    """Population sizes from 1 to 1,000, mostly small: small tables are where the risk is."""
    return st.one_of(st.integers(1, 15), st.integers(16, 120), st.integers(121, 1000))


@st.composite
def populations(draw, spec: Consultation | None = None):
    """``(spec, people, k)``: a generated consultation, its population and a threshold."""
    spec = spec if spec is not None else draw(specs())
    size = draw(sizes())
    seed = draw(st.integers(0, 2**32 - 1))
    k = draw(st.integers(3, 10))
    return spec, make_population(spec, size, seed), k


@dataclass(frozen=True)
class Sequence_:
    """Releases of one consultation: the people at each release, and for each consecutive pair
    of releases (numbered from 1) whether only responses were added in between."""

    spec: Consultation
    k: int
    snapshots: tuple[tuple[Person, ...], ...]
    additions_only: dict[tuple[int, int], bool]


@st.composite
def release_sequences(draw, spec: Consultation | None = None, max_steps: int = 3):
    """An initial population, then increments (one response, a few, or many, sometimes with
    revisions of existing responses), each followed by a release."""
    spec = spec if spec is not None else draw(specs())
    k = draw(st.integers(3, 10))
    world = _World(spec, random.Random(draw(st.integers(0, 2**32 - 1))))
    people = world.grow([], draw(sizes()))
    snapshots = [tuple(people)]
    flags = {}
    for step in range(draw(st.integers(1, max_steps))):
        how = draw(st.sampled_from(("one", "one", "few", "many", "revise")))
        added = {"one": 1, "few": draw(st.integers(2, 5)), "many": draw(st.integers(6, 200))}
        if how == "revise":
            people = world.revise(people, draw(st.integers(1, 3)))
            people = world.grow(people, draw(st.integers(0, 3)))
        else:
            people = world.grow(people, added[how])
        snapshots.append(tuple(people))
        flags[(step + 1, step + 2)] = how != "revise"
    return Sequence_(spec, k, tuple(snapshots), flags)


# ------------------------------------------------------------------------------------------------
# Into a real store


def load(store: Store, spec: Consultation, people: Iterable[Person], before=()) -> None:
    """Store ``people`` through the public API: a link for each person not in ``before``, and a
    submission for each response that is new since ``before`` or a new version of one."""
    earlier = {p.id: p for p in before}
    new = [p for p in people if p.id not in earlier]
    store.grant(
        [
            Grant(
                Respondent(
                    consultation=spec.metadata.id,
                    authority=p.authority,
                    authority_type=p.authority_type,
                    role=p.role,
                    name=p.name or f"Person {p.id}",
                    email=f"{p.id}@example.org",
                    origin=p.origin,
                    id=p.id,
                ),
                f"hash-{p.id}",
                START,
            )
            for p in new
        ]
    )
    for p in people:
        old = earlier.get(p.id)
        if p.answers is None or (old is not None and old.version == p.version):
            continue
        store.append_submission(
            NewSubmission(spec.metadata.id, p.id, p.answers, "web", p.received, p.received)
        )


def publish_releases(sequence: Sequence_) -> tuple[list[dict], list[Truth], list[tuple[int, str]]]:
    """Load each snapshot of ``sequence`` into a real store and publish it through the real
    pipeline (``publish_report``, which records releases and protects jointly with them).

    Returns the published JSON reports, the truth behind each (with its combined columns), and
    the snapshots that were refused, numbered from 1, with why."""
    from surveykit_reports.build import ReportError
    from surveykit_reports.export.as_json import to_json
    from surveykit_reports.releases import publish_report

    spec = sequence.spec
    published: list[dict] = []
    truths: list[Truth] = []
    refused: list[tuple[int, str]] = []
    before: tuple = ()
    with open_store("memory://") as store:
        for n, people in enumerate(sequence.snapshots, start=1):
            load(store, spec, people, before)
            before = people
            when = dt.datetime(2015, 3, 1, tzinfo=dt.UTC) + dt.timedelta(days=n)
            try:
                report = publish_report(spec, store, threshold=sequence.k, published_at=when)
            except ReportError as why:
                refused.append((n, str(why)))
                continue
            data = to_json(report)
            published.append(data)
            truths.append(tabulate(spec, people, combined=combinations_in(data)))
    return published, truths, refused
