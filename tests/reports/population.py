"""Generated consultations and their true counts, independent of the report code.

- :func:`tabulate` counts every statistic the attacker (``attacker.py``) names, by brute force
  from the respondents: ``(question, row, dimension, group) -> (respondents, authorities)``.
  It uses only the spec and :class:`surveykit.Engine` (which questions each answer set was
  shown), never the report plugin.
- Hypothesis strategies: small specs written as TOML (:func:`spec_texts`, :func:`specs`; the
  ``rich`` ones also with sensitive questions and "Other (please specify)" options),
  populations of 1 to 1,000 respondents with skewed authority types, councils whose leader and
  chief executive answer alike, and self-service respondents, some writing "other" words that
  name an authority or a person (:func:`populations`), and sequences of releases
  (:func:`release_sequences`).
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

from binrules import bins_of
from hypothesis import strategies as st

import surveykit
from surveykit import Consultation
from surveykit.identity import Respondent
from surveykit.kinds import answer_type, parts_of
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
    return _type(question) == "options"


def _type(question) -> str:
    """The part's answer type (``option``, ``options``, ``ranking``, ``number``...)."""
    return answer_type(question, get_plugins().kinds)


def counted_parts(spec: Consultation) -> list:
    """The answer parts a report counts: every part but identifying ones and "other" words."""
    return [part for part in _parts(spec) if "other_of" not in part.settings]


def other_parts(spec: Consultation) -> list:
    """The "other" words a report may quote (through a digest and its quoting table): every
    "Other (please specify)" part but a sensitive question's, whose words are never used."""
    return [part for part in _parts(spec) if "other_of" in part.settings and not part.sensitive]


def _parts(spec: Consultation) -> list:
    skip = set(spec.publication.identifying)
    kinds = get_plugins().kinds
    return [part for q in spec.questions if q.id not in skip for part in parts_of(q, kinds)]


def positions(question) -> int:
    """How many positions a ranking's table has: its ``max_ranked``, else every option."""
    most = question.settings.get("max_ranked")
    return min(most, len(question.options)) if isinstance(most, int) else len(question.options)


def rank_stat(question: str, position: int) -> str:
    """The attacker's name for a ranking's position ``n`` (``q4#2``)."""
    return f"{question}#{position}"


def _monday(when: dt.datetime, spec: Consultation) -> str:
    day = when.astimezone(spec.metadata.zone).date()
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def tabulate(
    spec: Consultation,
    people: Iterable[Person],
    *,
    combined: Iterable[tuple[str, Sequence[str]]] = (),
    ranges: Iterable[tuple[str, str]] = (),
) -> Truth:
    """Every statistic of the current responses as ``(respondents, distinct authorities)``.

    Keys are the attacker's: ``(q, row, d, g)`` for each counted question ``q``, row (option,
    ``_answered``, ``_not_answered``, ``_not_shown``, ``_quotable``, ``_not_quotable``, and for
    multi-choice ``_sum`` and ``_respondents``), dimension ``d`` (``""``, ``"role"``,
    ``"authority_type"``) and group ``g`` (``""`` for everyone; a sorted tuple of members for
    each ``combined`` ``(dimension, members)``); a number's or a date's base bins (``1..3``,
    ``2014-03``) and each merged range in ``ranges`` (``(q, "1..3~7..9")``); a ranking's
    positions ``("q4#2", option)`` and ``("q4#n", "_not_ranked")``, and ``("q4#0", option)``
    for ranking it anywhere; ``("_all", "_all", d, g)`` group sizes;
    ``("_week", monday, "", "")``; coverage ``(table, row, "", column)`` with ``_total``
    margins.  Zeros are listed for every option and group the spec names.  An "other" option's
    words (``q1.other``) are counted as free text is (its quoting table), never a sensitive
    question's; a sensitive question is counted as any other (its one table).
    """
    engine = surveykit.Engine(spec)
    publication = spec.publication
    counted = counted_parts(spec) + other_parts(spec)
    types = {q.id: _type(q) for q in counted}
    multiple = {q.id for q in counted if types[q.id] == "options"}
    binned = {q.id: bins_of(q, types[q.id]) for q in counted if types[q.id] in BINNED}
    consent, quote = publication.consent_question, set(publication.quote)
    combos = [(d, tuple(sorted(members))) for d, members in combined]
    merged: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for q, value in ranges:
        first, _, last = value.partition("~")
        for base in binned[q].between(first, last):
            merged[q][base].append(value)
    found: dict[Stat, list] = defaultdict(lambda: [0, set()])
    people = list(people)
    for person in people:
        answers = person.answers
        if answers is None:
            continue
        shown = set(engine.visible_parts(answers))
        rows: list[tuple[str, str]] = [(ALL, ALL)]
        for q in counted:
            many = q.id in multiple
            if types[q.id] == "ranking":
                ranked = answers.get(q.id) or [] if q.id in shown else []
                for n in range(1, positions(q) + 1):
                    at = ranked[n - 1] if n <= len(ranked) else "_not_ranked"
                    if n > 1 or at == "_not_ranked":
                        rows.append((rank_stat(q.id, n), at))
                    if at != "_not_ranked":
                        rows.append((rank_stat(q.id, 0), at))
            if q.id not in shown:
                value = "_not_shown"
            elif q.id not in answers:
                value = "_not_answered"
            elif many:
                chosen = answers[q.id]
                rows += [(q.id, v) for v in chosen] + [(q.id, "_sum")] * len(chosen)
                rows.append((q.id, "_respondents"))
                continue
            elif types[q.id] == "ranking":
                value = answers[q.id][0]
            elif q.id in binned:
                value = binned[q.id].of(answers[q.id])
                rows += [(q.id, shown_as) for shown_as in merged[q.id].get(value, ())]
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
    _zeros(truth, spec, counted, multiple, binned, combos, people)
    truth.update(_coverage(people))
    return truth


#: Answer types counted in bins.
BINNED = ("number", "date", "month")


def _zeros(truth, spec, counted, multiple, binned, combos, people) -> None:
    """List every statistic the spec names, zero when nobody is in it."""
    groups: list[tuple[str, Any]] = [("", "")]
    for d, choices in (("role", spec.roles), ("authority_type", spec.authority_types)):
        values = {c.value for c in choices} | {getattr(p, d) for p in people if p.answers}
        groups += [(d, g) for g in sorted(values)]
    groups += combos
    for d, g in groups:
        truth.setdefault((ALL, ALL, d, g), (0, 0))
        for q in counted:
            if q.id in binned:
                rows = binned[q.id].ids()[:200]
            else:
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


def ranges_in(report: dict) -> list[tuple[str, str]]:
    """The merged ranges of numbers and dates a public report published, as ``(q, value)``."""
    return sorted(
        {
            (table["question"], row["value"])
            for table in report.get("tables", ())
            if table.get("aggregator") in ("counts", "crosstab")
            for row in table["rows"]
            if "~" in row["value"]
        }
    )


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


OPTION_WORDS = ("yes", "no", "dont_know", "partly")
#: The value of an "Other (please specify)" option.
OTHER = "other"
#: The kinds of generated questions: choices and free text, and (``rich=True``) grids,
#: rankings, numbers and month-precision dates.
PLAIN = ("single", "single", "multi", "text")
RICH = ("grid", "ranking", "number", "date")
#: A number's bounds: deciles of a range, or none (the fixed 1-2-5 edges).
NUMBER_SETTINGS = ({"min": 0, "max": 20}, {"min": 1, "max": 100}, {"min": 0})
#: A month-precision date's span: three years by month, or by year.
DATE_SETTINGS = (
    {"precision": "month", "earliest": dt.date(2013, 1, 1), "latest": dt.date(2015, 12, 31)},
    {"precision": "month", "earliest": dt.date(2005, 1, 1), "latest": dt.date(2015, 12, 31)},
)


@st.composite
def spec_texts(draw, k: int | None = None, rich: bool = False) -> str:
    """A small consultation as TOML: 2-5 questions (single, multi, text, and with ``rich``
    grids, rankings, numbers and dates, and single and multiple choices that are sensitive or
    end in an "Other (please specify)" option), at least one shown only after an earlier
    answer, and a consent question."""
    n_types = draw(st.integers(2, 6))
    n = draw(st.integers(2, 5))
    kinds = PLAIN + RICH if rich else PLAIN
    questions: list[dict[str, Any]] = []
    for i in range(n):
        kind = draw(st.sampled_from(kinds))
        options = []
        if kind not in ("text", "number", "date"):
            options = list(OPTION_WORDS[: draw(st.integers(2 if kind != "ranking" else 3, 4))])
        question: dict[str, Any] = {"id": f"q{i + 1}", "kind": kind, "options": options}
        if rich and kind in ("single", "multi"):
            # Equality monitoring's kind of question, and words written beside a choice.
            question["sensitive"] = draw(st.integers(0, 3)) == 0
            if draw(st.integers(0, 2)) == 0:
                question["options"] = [*options, OTHER]
                question["other"] = True
        if kind == "grid":
            question["rows"] = ["a", "b", "c"][: draw(st.integers(1, 3))]
        elif kind == "ranking":
            most = draw(st.integers(2, len(options)))
            question["settings"] = {"min_ranked": 1, "max_ranked": most}
        elif kind == "number":
            question["settings"] = draw(st.sampled_from(NUMBER_SETTINGS))
        elif kind == "date":
            question["settings"] = draw(st.sampled_from(DATE_SETTINGS))
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
    exactly, sometimes a compound one it must bound."""
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
        if q.get("other"):
            choices.append(f"answered({qid}.other)")
        elif q["kind"] == "grid":
            row = f"{qid}.{q['rows'][-1]}"
            choices += [f'{row} == "{options[0]}"', f'{row} != "{options[1]}"']
            choices.append(f'{qid}.a == "{options[0]}" and {row} != "{options[0]}"')
        elif q["kind"] == "ranking":
            choices += [f"count({qid}) >= 2", f"answered({qid})", f'"{options[0]}" in {qid}']
        elif q["kind"] == "number":
            top = q["settings"].get("max", 50)
            choices += [f"{qid} > 4", f"{qid} <= {top // 2}", f"{qid} >= 2 and {qid} < 10"]
        elif q["kind"] == "date":
            choices += [f"{qid} >= 2014-06", f"{qid} < 2015-01", f"answered({qid})"]
        else:
            choices.append(f"answered({qid})")
    return st.sampled_from(choices)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | int | float):
        return value.isoformat() if isinstance(value, dt.date) else repr(value)
    return f'"{value}"'


def spec_text(questions: Sequence[dict[str, Any]], n_types: int = 2, k: int = 5) -> str:
    """A spec as TOML: roles leader / chief_executive / other, authority types ``type0``...,
    and ``questions`` as ``{"id", "kind", "options", "shown_if"?, "rows"?, "settings"?,
    "sensitive"?, "other"?}`` (``other``: the option ``"other"`` asks for the respondent's own
    words); the consent question ``consent`` is the consent question of ``[publication]`` when
    it is among them."""
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
            listed = ", ".join(
                f'{{ value = "{o}", label = "{o}"{", other = true" if _other(q, o) else ""} }}'
                for o in q["options"]
            )
            lines.append(f"options = [{listed}]")
        if q.get("sensitive"):
            lines.append("sensitive = true")
        if q.get("rows"):
            listed = ", ".join(f'{{ id = "{r}", text = "Statement {r}" }}' for r in q["rows"])
            lines.append(f"rows = [{listed}]")
        for key, value in (q.get("settings") or {}).items():
            lines.append(f"{key} = {_toml(value)}")
        if q.get("shown_if"):
            lines.append(f"shown_if = '{q['shown_if']}'")
        lines.append("")
    return "\n".join(lines)


def _other(question: dict[str, Any], option: str) -> bool:
    return bool(question.get("other")) and option == OTHER


def specs(k: int | None = None, rich: bool = False):
    """Generated consultations, loaded and checked by ``surveykit.loads_spec``."""
    return spec_texts(k, rich).map(surveykit.loads_spec)


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
    #: "other" words written so far: each gets its own tag
    written: int = 0

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

    def named(self, person_id: str) -> str:
        """A person's name, from their id (no draw, so worlds without "other" words are the
        same as ever): distinctive words that redaction must find in any quote."""
        return name_of(int(person_id[1:]))

    def _words(self) -> str:
        """Someone's "other" words, with a tag of their own (so a published quote can be traced
        to its writer), sometimes naming an authority or someone on the roster."""
        rng = self.rng
        self.written += 1
        tag = f"(ref {tag_of(self.written)})"
        what = rng.random()
        if what < 0.25 and self.councils:
            return f"Working with {rng.choice(self.councils)[0]} {tag}."
        if what < 0.45 and self.serial:
            return f"Ask {name_of(rng.randint(1, self.serial))} about it {tag}."
        return f"{rng.choice(('Shared services', 'A local forum', 'Peer review'))} {tag}."

    def answers(self, base: dict[str, Any] | None = None) -> dict[str, Any]:
        """A cleaned answer set: skewed choices (one popular option, rare others), blanks."""
        if base is not None:
            return dict(base)
        rng, raw = self.rng, {}
        for q in counted_parts(self.spec):
            kind = _type(q)
            if q.id == self.spec.publication.consent_question:
                raw[q.id] = rng.choices(CONSENT, weights=(3, 2, 1))[0]
            elif rng.random() < 0.15:
                continue
            elif kind == "options":
                chosen = [o.value for o in q.options if rng.random() < 0.4]
                raw[q.id] = chosen
            elif kind == "ranking":
                order = sorted(q.options, key=lambda o: rng.random() * (1 + q.options.index(o)))
                raw[q.id] = [o.value for o in order[: rng.randint(1, positions(q))]]
            elif kind == "number":
                raw[q.id] = self._number(q.settings)
            elif kind in ("date", "month"):
                raw[q.id] = self._month(q.settings)
            elif q.options:
                weights = [8] + [1] * (len(q.options) - 1)
                raw[q.id] = rng.choices([o.value for o in q.options], weights=weights)[0]
            else:
                raw[q.id] = rng.choice(("More support.", "Keep it.", "Less inspection."))
            other = next((o.value for o in q.options if o.other), None)
            if other is not None and other in _listed(raw.get(q.id)) and rng.random() < 0.8:
                raw[f"{q.id}.other"] = self._words()
        return surveykit.Engine(self.spec).clean(raw)

    def _number(self, settings: Any) -> int:
        """Skewed, as real answers are: mostly small, a long tail, an occasional outlier."""
        low, high = settings.get("min", 0), settings.get("max", 10**6)
        value = low + int(self.rng.expovariate(1 / 3))
        if self.rng.random() < 0.05:
            value = self.rng.randint(low, min(high, 5000))
        return max(low, min(high, value))

    def _month(self, settings: Any) -> str:
        """A month, mostly recent (people who moved lately), some long ago."""
        first, last = settings["earliest"], settings["latest"]
        months = (last.year - first.year) * 12 + last.month - first.month
        back = min(months, int(self.rng.expovariate(1 / 6)))
        if self.rng.random() < 0.1:
            back = self.rng.randint(0, months)
        n = last.year * 12 + last.month - 1 - back
        return f"{n // 12:04d}-{n % 12 + 1:02d}"

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
        first, second = self.new_id(), self.new_id()
        return [
            Person(
                first,
                "leader",
                kind,
                name,
                name=self.named(first),
                answers=leader,
                received=self.when(),
            ),
            Person(
                second,
                "chief_executive",
                kind,
                name,
                name=self.named(second),
                answers=other,
                received=self.when(),
            ),
        ]

    def self_service(self) -> Person:
        """Someone who asked for their own link: role other, often no authority given."""
        rng = self.rng
        name, kind = rng.choices(self.councils, weights=self.weights)[0]
        authority = name if rng.random() < 0.5 else ""
        person = self.new_id()
        return Person(
            person,
            "other",
            kind,
            authority,
            name=self.named(person),
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


def _listed(answer: Any) -> list:
    """A choice's answer as a list of the options chosen."""
    if isinstance(answer, list | tuple):
        return list(answer)
    return [] if answer is None else [answer]


#: Names of people on the roster: every word distinctive (three letters or more, not generic).
FIRST_NAMES = ("Alice", "Bram", "Carys", "Dilys", "Eamon", "Fiona", "Gareth", "Imogen", "Jasper")
LAST_NAMES = ("Ashworth", "Brennan", "Choudhury", "Dalziel", "Fairbairn", "Goodwin", "Iqbal")
#: Syllables of the tags that make each respondent's "other" words their own.
_SYLLABLES = ("ka", "bo", "fi", "mu", "te", "ro", "na", "le", "zu", "pi")


def name_of(serial: int) -> str:
    """The name of the ``serial``-th person of a world."""
    first = FIRST_NAMES[serial % len(FIRST_NAMES)]
    return f"{first} {LAST_NAMES[(serial // len(FIRST_NAMES)) % len(LAST_NAMES)]}"


def tag_of(serial: int) -> str:
    """A word of letters only, one per answer written (``kabofimu``): redaction leaves it be."""
    return "".join(_SYLLABLES[int(d)] for d in f"{serial:05d}")


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
def release_sequences(
    draw, spec: Consultation | None = None, max_steps: int = 3, rich: bool = False
):
    """An initial population, then increments (one response, a few, or many, sometimes with
    revisions of existing responses), each followed by a release.  ``rich`` specs have grids,
    rankings, numbers and dates too (the old rules of ``old_rules.py`` know none of them)."""
    spec = spec if spec is not None else draw(specs(rich=rich))
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


def published_snapshots(sequence: Sequence_, refused: Iterable[tuple[int, str]]) -> list:
    """The people behind each release :func:`publish_releases` published (not those refused)."""
    skipped = {n for n, _ in refused}
    return [s for n, s in enumerate(sequence.snapshots, start=1) if n not in skipped]


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
            truths.append(
                tabulate(spec, people, combined=combinations_in(data), ranges=ranges_in(data))
            )
    return published, truths, refused
