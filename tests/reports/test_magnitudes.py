"""Totals of a number question (magnitude tables) and the p% rule (docs/disclosure.md).

An independent attacker (``magnitude_attacker.py``) reads every published total, knows the
groups add up to everyone and the true base-bin counts of every group, and the second largest
contributor's own figure; over generated populations (several types of authority, skewed
answers, often one dominant authority) it must never narrow a sensitive total inside its
protection interval, nor estimate a published total's largest contributor within 10 %.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

import surveykit
from surveykit.errors import SpecError
from surveykit.storage import open_store
from surveykit_reports import magnitudes
from surveykit_reports.build import build_report
from surveykit_reports.export.as_csv import write_csv
from surveykit_reports.export.as_html import render_html
from surveykit_reports.export.as_json import to_json
from surveykit_reports.model import Heading
from surveykit_reports.releases import publish_report

sys.path.insert(0, str(Path(__file__).parent))
import population as pop
from magnitude_attacker import EVERYONE, CellTruth, P, largest_at_most, truth_of, withheld_ranges

AFTER = dt.date(2015, 4, 1)  # the generated consultation closes on 13 March 2015
BEFORE = dt.date(2015, 3, 2)
EPS = 1e-6


def _settings(top: int) -> dict:
    return {"min": 0, "max": top, "total": True}


def _spec(k: int, top: int = 1000, n_types: int = 2) -> surveykit.Consultation:
    question = {"id": "q1", "kind": "number", "options": [], "settings": _settings(top)}
    return surveykit.loads_spec(pop.spec_text([question], n_types, k))


def _report(spec, people, k: int, *, day=AFTER, internal: bool = False) -> dict:
    with open_store("memory://") as store:
        pop.load(store, spec, people)
        return to_json(build_report(spec, store, threshold=k, internal=internal, generated_on=day))


def _totals(report: dict) -> dict[str, float | None] | None:
    found = [s for s in report.get("summaries") or () if s["aggregator"] == "totals"]
    if not found:
        return None
    (summary,) = found
    return {v["row"]: v["value"] for v in summary["values"]}


def _notes(report: dict) -> str:
    (summary,) = [s for s in report["summaries"] if s["aggregator"] == "totals"]
    return " ".join(summary["notes"])


def _groups(report: dict) -> dict[str, tuple[str, ...]]:
    tables = {t["id"]: t for t in report["tables"]}
    crosstab = tables.get("q1-by-authority_type")
    if crosstab is None:
        return {}
    return {c["value"]: tuple(c["members"]) or (c["value"],) for c in crosstab["columns"]}


def _hidden_counts(report: dict) -> set[str]:
    """The groups (and ``_all``) with a suppressed count of q1 in the published tables."""
    hidden = set()
    for table in report["tables"]:
        if table["id"] == "q1-by-authority_type":
            hidden |= {c["column"] for c in table["cells"] if c["suppressed"]}
        elif table["id"] == "q1" and any(c["suppressed"] for c in table["cells"]):
            hidden.add(EVERYONE)
    return hidden


def _person(i: int, kind: str, authority: str, value, role: str = "leader") -> pop.Person:
    return pop.Person(
        f"p{i:04d}",
        role,
        kind,
        authority,
        answers={} if value is None else {"q1": value},
        origin="roster" if authority else "self_service",
    )


@st.composite
def populations(draw):
    """Authorities of several types (skewed), leaders and chief executives often answering
    alike, people with no authority, skewed answers and often one dominant authority."""
    n_types = draw(st.integers(2, 4))
    k = draw(st.integers(3, 6))
    top = draw(st.sampled_from((100, 1000, 5000)))
    n = draw(st.integers(3, 80))
    small = st.integers(0, max(top // 20, 1))
    if draw(st.booleans()):  # anywhere, mostly small
        values = st.one_of(small, small, st.integers(0, top), st.none())
    else:  # a few levels, so that few ranges are shown and their counts are published
        levels = draw(st.lists(st.integers(0, top), min_size=1, max_size=3))
        values = st.one_of(st.sampled_from(levels), st.none())
    dominant = draw(st.booleans())
    people: list[pop.Person] = []
    for a in range(n):
        kind = f"type{min(draw(st.integers(0, n_types - 1)), draw(st.integers(0, n_types - 1)))}"
        value = top if dominant and a == 0 else draw(values)
        people.append(_person(len(people), kind, f"Council {a}", value))
        second = draw(st.sampled_from(("same", "other", "none")))
        if second != "none":
            other = value if second == "same" else draw(values)
            people.append(_person(len(people), kind, f" council {a}", other, "chief_executive"))
    for _ in range(draw(st.integers(0, 4))):
        kind = f"type{draw(st.integers(0, n_types - 1))}"
        people.append(_person(len(people), kind, "", draw(values), "other"))
    return n_types, k, top, people


def _leaks(report: dict, people, k: int, top: int) -> list[str]:
    """What the attacker finds in a report: :func:`_found`, and totals published beside a
    suppressed count of their group."""
    published = _totals(report)
    if published is None:
        return []
    truth = truth_of(people, "q1", _settings(top), _groups(report))
    found = _found(published, truth, k)
    hidden = _hidden_counts(report)
    for row in hidden:
        if published.get(row) is not None:
            found.append(f"{row}: total published beside a suppressed count")
    if hidden and published.get(EVERYONE) is not None:
        found.append("everyone's total published beside a group's suppressed count")
    return found


def _found(published: dict, truth: dict, k: int) -> list[str]:
    """Sensitive totals narrowed inside their protection interval, published totals that are
    wrong, count too few authorities or let the largest be estimated within 10 %."""
    found = []
    for row, value in published.items():
        if value is not None and value != truth[row].total:
            found.append(f"{row}: published {value}, truly {truth[row].total}")
    for row, (least, most) in withheld_ranges(published, truth).items():
        if not truth[row].sensitive(k):
            continue
        low, high = truth[row].wanted()
        if least > low + EPS or most < high - EPS:
            found.append(f"{row}: narrowed to [{least}, {most}], needs [{low}, {high}]")
    for row, value in published.items():
        cell = truth[row]
        if value is None or not cell.sums:
            continue
        if len(cell.sums) < k:
            found.append(f"{row}: published with {len(cell.sums)} contributors")
        x1, _ = cell.tops()
        if largest_at_most(value, cell) < (1 + P) * x1 - EPS:
            found.append(f"{row}: largest contribution {x1} estimated within {P:.0%}")
    return found


@settings(max_examples=60, deadline=None)
@given(populations())
def test_the_attacker_learns_nothing_the_rules_protect(population):
    n_types, k, top, people = population
    report = _report(_spec(k, top, n_types), people, k)
    assert _leaks(report, people, k, top) == []


@st.composite
def tables(draw):
    """Groups of authorities (one or two answers each, often one dominant authority), with
    every count published: the totals' own protection, without the counts' help."""
    k = draw(st.integers(3, 6))
    top = draw(st.sampled_from((100, 1000)))
    small = st.integers(0, top // 10)
    values = st.one_of(small, small, st.integers(0, top))
    answers = []
    for g in range(draw(st.integers(1, 5))):
        dominant = draw(st.booleans())
        for a in range(draw(st.integers(0, 3 * k))):
            for _ in range(draw(st.integers(1, 2))):
                value = top if dominant and a == 0 else draw(values)
                answers.append((f"type{g}", f"council {g}-{a}", value))
    return k, top, answers


def _protect(case, protect_further: bool = True) -> tuple[dict, dict]:
    """The published totals the plugin's rules give for ``case``, and the truth."""
    k, top, answers = case
    kinds = sorted({kind for kind, _, _ in answers})
    people = [_person(i, kind, unit, v) for i, (kind, unit, v) in enumerate(answers)]
    truth = truth_of(people, "q1", _settings(top), {kind: (kind,) for kind in kinds})

    def cell(heading: Heading, of: CellTruth) -> magnitudes.Magnitude:
        least: dict[str, float] = defaultdict(float)
        most: dict[str, float] = defaultdict(float)
        for unit, a, b in of.answers:
            least[unit] += a
            most[unit] += b
        amounts = [
            (unit, (Decimal(total), Decimal(least[unit]), Decimal(most[unit])))
            for unit, total in of.sums.items()
        ]
        return magnitudes.magnitude(heading, amounts, False)

    groups = [cell(Heading(kind, kind), truth[kind]) for kind in kinds]
    whole = cell(Heading(EVERYONE, "All"), truth[EVERYONE])
    out, whole_out = magnitudes.primary(groups, whole, k)
    if protect_further:
        out, whole_out = magnitudes.secondary(groups, whole, k, out, whole_out)
    published = {kind: None if i in out else truth[kind].total for i, kind in enumerate(kinds)}
    published[EVERYONE] = None if whole_out else truth[EVERYONE].total
    return published, truth


@settings(max_examples=150, deadline=None)
@given(tables())
def test_secondary_suppression_protects_every_sensitive_total(case):
    published, truth = _protect(case)
    assert _found(published, truth, case[0]) == []


def test_without_secondary_suppression_generated_tables_leak():
    """Switched off, the attacker finds a sensitive total in the generated tables: the
    property above is one that can fail."""
    leaking = find(
        tables(),
        lambda case: bool(_found(*_protect(case, protect_further=False), case[0])),
        settings=settings(max_examples=2000, database=None),
    )
    published, truth = _protect(leaking)
    assert _found(published, truth, leaking[0]) == []


def _dominated() -> tuple[surveykit.Consultation, list[pop.Person]]:
    """One dominant council among type 0 (which fails the p% rule), and six of type 1 whose
    total, beside everyone's, would give type 0's away."""
    spec = _spec(3)
    values = [("type0", v) for v in (1000, 10, 10, 10, 10, 10, None, None, None)]
    values += [("type1", v) for v in (50, 50, 50, 50, 50, 50, None, None, None)]
    people = [_person(i, kind, f"Council {i}", v) for i, (kind, v) in enumerate(values)]
    return spec, people


def test_secondary_suppression_hides_a_dominated_total():
    spec, people = _dominated()
    report = _report(spec, people, 3)
    assert _totals(report) == {"type0": None, "type1": None, EVERYONE: 1350}
    assert _leaks(report, people, 3, 1000) == []


def test_without_secondary_suppression_the_attacker_finds_the_total(monkeypatch):
    """The same consultation with secondary suppression switched off: type 1's total and
    everyone's give type 0's exactly, which the attacker finds."""
    monkeypatch.setattr(
        magnitudes, "secondary", lambda groups, whole, k, out, whole_out: (out, whole_out)
    )
    spec, people = _dominated()
    report = _report(spec, people, 3)
    assert _totals(report) == {"type0": None, "type1": 300, EVERYONE: 1350}
    leaks = _leaks(report, people, 3, 1000)
    assert leaks == ["type0: narrowed to [1050.0, 1050.0], needs [945.0, 1155.0]"]


def _spread() -> tuple[surveykit.Consultation, list[pop.Person]]:
    """Two types of eight councils each, no one dominant, some blanks: every total publishable."""
    spec = _spec(3, top=20)
    values = [("type0", v) for v in (1, 2, 3, 4, 2, 3, 5, 4, None, None, None)]
    values += [("type1", v) for v in (3, 2, 6, 4, 5, 2, 3, 1, None, None, None)]
    return spec, [_person(i, kind, f"Council {i}", v) for i, (kind, v) in enumerate(values)]


def test_totals_before_close_are_withheld_and_after_close_published():
    spec, people = _spread()
    before = _report(spec, people, 3, day=BEFORE)
    assert set(_totals(before).values()) == {None}
    assert "published once the consultation has closed" in _notes(before)
    after = _report(spec, people, 3)
    assert _totals(after) == {"type0": 24, "type1": 26, EVERYONE: 50}
    assert _leaks(after, people, 3, 20) == []


def test_internal_reports_show_every_total_even_before_close():
    spec, people = _dominated()
    report = _report(spec, people, 3, day=BEFORE, internal=True)
    assert _totals(report) == {"type0": 1050, "type1": 300, EVERYONE: 1350}


def _publish(store, spec, day: dt.date) -> dict:
    when = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    return to_json(publish_report(spec, store, threshold=3, published_at=when))


def test_a_late_response_withholds_the_totals_of_the_next_release():
    spec, people = _spread()
    late = [*people, _person(len(people), "type0", "Council late", 7)]
    with open_store("memory://") as store:
        pop.load(store, spec, people)
        first = _publish(store, spec, AFTER)
        assert _totals(first) == {"type0": 24, "type1": 26, EVERYONE: 50}
        pop.load(store, spec, late, before=people)
        second = _publish(store, spec, AFTER + dt.timedelta(days=7))
        assert set(_totals(second).values()) == {None}
        assert "changed since release 1" in _notes(second)
        # Still compared with the last release that published them, not the one that did not.
        third = _publish(store, spec, AFTER + dt.timedelta(days=14))
        assert set(_totals(third).values()) == {None}
        assert "changed since release 1" in _notes(third)


def test_a_late_zero_withholds_the_totals_too():
    """A late answer of 0 leaves every total as it was, but republishing them would say the
    late answers added up to nothing: the counts behind them changed, so they are withheld."""
    spec, people = _spread()
    late = [*people, _person(len(people), "type0", "Council late", 0)]
    with open_store("memory://") as store:
        pop.load(store, spec, people)
        first = _totals(_publish(store, spec, AFTER))
        pop.load(store, spec, late, before=people)
        second = _publish(store, spec, AFTER + dt.timedelta(days=7))
    assert first == {"type0": 24, "type1": 26, EVERYONE: 50}
    assert set(_totals(second).values()) == {None}


def test_an_identical_release_republishes_the_totals():
    spec, people = _spread()
    with open_store("memory://") as store:
        pop.load(store, spec, people)
        first = _publish(store, spec, AFTER)
        second = _publish(store, spec, AFTER + dt.timedelta(days=7))
    assert _totals(second) == _totals(first) == {"type0": 24, "type1": 26, EVERYONE: 50}


def test_exports_show_a_withheld_total_as_any_suppressed_figure(tmp_path):
    spec, people = _dominated()
    with open_store("memory://") as store:
        pop.load(store, spec, people)
        report = build_report(spec, store, threshold=3, generated_on=AFTER)
    write_csv(report, tmp_path / "csv")
    with (tmp_path / "csv" / "summaries.csv").open(encoding="utf-8-sig") as handle:
        rows = [r for r in csv.DictReader(handle) if r["summary"] == "q1-totals"]
    assert [(r["row"], r["value"]) for r in rows] == [
        ("type0", ""),
        ("type1", ""),
        (EVERYONE, "1350"),
    ]
    html = render_html(report)
    assert "All respondents" in html
    assert "1350" in html
    start = html.index("Total by type of authority")
    assert html[start:].count("(not published)") >= 2


TOTAL_SPEC = """\
[consultation]
id = "totals"
title = "Totals"
publisher = "Test"
closes = 2015-03-13

[[roles]]
value = "leader"
label = "Leader"

[[authority_types]]
value = "county"
label = "County"

[publication]
identifying = [{identifying}]

[[sections]]
id = "main"
title = "Questions"

[[sections.questions]]
id = "spend"
text = "How much?"
kind = "number"
min = {min}
{extra}total = {total}
"""


def _load(tmp_path: Path, *, min: int = 0, total: str = "true", extra: str = "", ident: str = ""):
    path = tmp_path / "totals.toml"
    path.write_text(
        TOTAL_SPEC.format(identifying=ident, min=min, total=total, extra=extra), encoding="utf-8"
    )
    return path, surveykit.load_spec


def test_total_on_a_sensitive_question_is_refused_at_its_line(tmp_path):
    path, load = _load(tmp_path, extra="sensitive = true\n")
    with pytest.raises(SpecError) as refused:
        load(path)
    line = path.read_text().splitlines().index("total = true") + 1
    assert f"{path}:{line}:" in str(refused.value)
    assert "sensitive" in str(refused.value)


def test_total_on_an_identifying_question_is_refused_at_its_line(tmp_path):
    path, load = _load(tmp_path, ident='"spend"')
    with pytest.raises(SpecError) as refused:
        load(path)
    line = path.read_text().splitlines().index('identifying = ["spend"]') + 1
    assert f"{path}:{line}:" in str(refused.value)
    assert "identifying" in str(refused.value)


@pytest.mark.parametrize(
    ("min_", "total", "says"),
    [(-5, "true", "min = 0 or more"), (0, '"yes"', "total must be true or false")],
)
def test_total_needs_a_true_or_false_and_no_negative_answers(tmp_path, min_, total, says):
    path, load = _load(tmp_path, min=min_, total=total)
    with pytest.raises(SpecError) as refused:
        load(path)
    assert says in str(refused.value)
    assert load(_load(tmp_path)[0]).by_id["spend"].settings["total"] is True
