"""One case of the disclosure benchmark's new kinds: publish its releases, time, and audit them.

A case (``_kinds_population``) is fed in steps; after each, the real pipeline publishes a release
(``publish_report``: counting, routing, protecting jointly with every earlier release,
recording).  The protection inside it (``protect_all``) is timed on its own, and the very tables
it protected are protected again by the old rules (``tests/reports/old_rules.py``, each release
alone, as before issue 12): the baseline, measured in the same run on the same tables.  Where
the attacker can know the truth (the generated cases: ``population.tabulate`` does not bin
dates bounded by "today", which the residents' survey has), both series of releases are
audited jointly by the independent attacker.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "reports"))
sys.path.insert(0, str(Path(__file__).parent))

import old_rules  # noqa: E402
import population as pop  # noqa: E402
from attacker import audit  # noqa: E402

import surveykit_reports.build as build  # noqa: E402
from _common import peak_rss_mb  # noqa: E402
from _kinds_population import Feeder, feeder  # noqa: E402
from surveykit.storage import open_store  # noqa: E402
from surveykit_reports.build import ReportError  # noqa: E402
from surveykit_reports.disclosure import Count, RawTable  # noqa: E402
from surveykit_reports.export.as_json import to_json  # noqa: E402
from surveykit_reports.releases import publish_report  # noqa: E402

__all__ = ["Figures", "cells", "run_case"]

#: Steps of ``(responses added, responses revised)``, a release after each: an interim report,
#: the final one after many more responses and a few corrections, then a few late responses.
STEPS = {
    "full": ((600, 0), (400, 10), (5, 0)),
    "smoke": ((200, 0), (20, 2)),
}
#: The residents' survey is bigger: a town answers in thousands.
RESIDENT_STEPS = {
    "full": ((2500, 0), (2500, 25), (5, 0)),
    "smoke": ((200, 0), (20, 2)),
}


@dataclass
class Figures:
    """What one case measured over all its sequences of releases."""

    releases: int = 0
    refused: int = 0
    respondents: int = 0
    #: Per release protected: figures in its tables (margins included), seconds to protect
    #: them (current rules, inside the pipeline), seconds to publish, seconds for the old rules.
    protected_cells: list[int] = field(default_factory=list)
    protect_s: list[float] = field(default_factory=list)
    publish_s: list[float] = field(default_factory=list)
    old_s: list[float] = field(default_factory=list)
    #: Published question and coverage cells, and how many are suppressed, as ``cells`` counts.
    new_cells: tuple[int, int] = (0, 0)
    old_cells: tuple[int, int] = (0, 0)
    audited: bool = False
    new_findings: Counter = field(default_factory=Counter)
    old_findings: Counter = field(default_factory=Counter)
    #: Peak resident memory after the warm-up release, and at the end of publishing (before
    #: the baseline and the audits, which need more).
    rss_before_mb: float = 0.0
    rss_peak_mb: float = 0.0


def cells(releases: Sequence[dict]) -> tuple[int, int]:
    """Cells of every question and coverage table, and how many are suppressed."""
    total = suppressed = 0
    for data in releases:
        for table in [*data.get("tables", []), *data.get("coverage", [])]:
            for cell in table["cells"]:
                total += 1
                suppressed += bool(cell["suppressed"])
    return total, suppressed


@contextmanager
def _protection_timed(into: list) -> Iterator[None]:
    """Time ``protect_all`` where the real pipeline calls it, keeping the tables it protected
    (so the old rules can protect the very same ones).  Nothing else changes."""
    original = build.protect_all

    def timed(raws, k, **kwargs):
        started = time.perf_counter()
        try:
            return original(raws, k, **kwargs)
        finally:
            into.append((list(raws), k, time.perf_counter() - started))

    build.protect_all = timed
    try:
        yield
    finally:
        build.protect_all = original


def _old_release(feed: Feeder, raws: list[RawTable], k: int, release: int, everyone) -> dict:
    """The same tables protected by the old rules, as the public JSON the attacker reads."""
    tables = old_rules.protect_all(raws, k)
    placed = {"questions": [], "coverage": []}
    for raw, table in zip(raws, tables, strict=True):
        placed.get(raw.section, []).append(table)
    return old_rules.report_json(
        placed["questions"],
        k,
        everyone,
        consultation=feed.spec.metadata.id,
        coverage=placed["coverage"],
        release=release,
    )


@dataclass(frozen=True)
class _Release:
    """One release attempted: what the pipeline published (``None`` if refused), the tables
    it protected and at which ``k``, and the people behind it."""

    number: int
    published: dict | None
    raws: list[RawTable]
    k: int
    people: tuple[pop.Person, ...]


def _publish(feed: Feeder, steps, figures: Figures) -> list[_Release]:
    """Publish after each step through the real pipeline, timing it and its protection."""
    captured: list = []
    out = []
    with open_store("memory://") as store, _protection_timed(captured):
        for n, (added, revised) in enumerate(steps, start=1):
            feed.feed(store, added, revised)
            when = dt.datetime(2030, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=n)
            started = time.perf_counter()
            try:
                published = to_json(publish_report(feed.spec, store, published_at=when))
            except ReportError:
                published = None
            figures.publish_s.append(time.perf_counter() - started)
            figures.releases += published is not None
            figures.refused += published is None
            if not captured:
                continue  # too few responses to publish anything: nothing protected
            raws, k, seconds = captured.pop()
            figures.protect_s.append(seconds)
            grid = sum((len(r.rows) + 1) * (len(r.columns) + 1) for r in raws)
            figures.protected_cells.append(grid)
            out.append(_Release(n, published, raws, k, tuple(feed.people)))
    figures.respondents = max(figures.respondents, feed.respondents)
    return out


def _baseline(feed: Feeder, releases: list[_Release], auditable: bool, figures: Figures) -> None:
    """The old rules on the same tables, and (where the truth is known) both audited."""
    new, new_truths, old, old_truths = [], [], [], []
    for release in releases:
        answered = [p for p in release.people if p.answers is not None]
        everyone = Count(len(answered), len({p.unit for p in answered}))
        started = time.perf_counter()
        data = _old_release(feed, release.raws, release.k, release.number, everyone)
        figures.old_s.append(time.perf_counter() - started)
        old.append(data)
        if release.published is not None:
            new.append(release.published)
        if auditable:
            shown = {"combined": pop.combinations_in(data), "ranges": pop.ranges_in(data)}
            old_truths.append(pop.tabulate(feed.spec, release.people, **shown))
            if release.published is not None:
                new_truths.append(old_truths[-1])
    figures.new_cells = _plus(figures.new_cells, cells(new))
    figures.old_cells = _plus(figures.old_cells, cells(old))
    if auditable and new:
        figures.audited = True
        k = new[-1]["threshold"]
        figures.new_findings.update(f.kind for f in audit(new, new_truths, k, spec=feed.spec))
        found = audit(old, old_truths, k, k, spec=feed.spec, suppressed_min=1)
        figures.old_findings.update(f.kind for f in found)


def high_water_mb() -> float:
    """This process's peak resident memory, in MB.  ``VmHWM`` where Linux has it: unlike
    ``ru_maxrss``, which keeps the spawning parent's peak across ``exec``, it is the process's
    own."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return peak_rss_mb()


def _plus(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    return a[0] + b[0], a[1] + b[1]


def run_case(case: str, size: str, sequences: int, seed: int) -> Figures:
    """``sequences`` series of releases of ``case`` at ``size`` (``full`` or ``smoke``).

    Run it in a fresh process: its peak resident memory is the case's own.  A first small
    release, not measured, brings in the imports and the solver."""
    steps = (RESIDENT_STEPS if case == "residents" else STEPS)[size]
    warm = feeder(case, -1)
    with open_store("memory://") as store:
        warm.feed(store, 30, 0)
        publish_report(warm.spec, store)
    figures = Figures(rss_before_mb=high_water_mb())
    feeds = [feeder(case, seed * 100 + i) for i in range(sequences)]
    published = [_publish(feed, steps, figures) for feed in feeds]
    figures.rss_peak_mb = high_water_mb()  # publishing only: the audits below use more
    for feed, releases in zip(feeds, published, strict=True):
        _baseline(feed, releases, case != "residents", figures)
    return figures
