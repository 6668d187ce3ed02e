"""Benchmark: the promise audited over many generated consultations, and what it costs.

Each consultation is generated as the property test generates it (``tests/reports/population``:
a small spec with routing, 1 to 1,000 respondents, k from 3 to 10, skewed types of authority,
councils whose leader and chief executive answer alike) with one or two increments after the
first release (one response, a few, many, or revisions).  Each snapshot is loaded into a real
memory store and published by the real pipeline (``publish_report``, recording releases); the
independent attacker (``tests/reports/attacker.py``) then audits all releases together against
the brute-force truth.

Printed, for the current rules and, as the baseline measured in the same run, for the old rules
(``tests/reports/old_rules.py``: the suppression before issue 12) on the same snapshots:

* consultations, releases published and refused, and **disclosures found** by kind;
* **information loss**: the share of published-table cells suppressed (question tables and
  coverage), and the share of cells that are small (the floor any method must hide);
* time per consultation to build and publish its releases (not a target: a figure to watch).

Run: ``python benchmarks/disclosure_audit.py`` (10,000 consultations: about an hour on one
core), ``--consultations N``, ``--baseline-every N`` to audit the old rules on every Nth
consultation only, or ``--smoke`` (a few consultations, seconds).  The generated consultations
follow ``--seed`` (default 12), so a run can be repeated exactly, and two runs with different
seeds cover different consultations (run them side by side on two cores).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "reports"))
sys.path.insert(0, str(Path(__file__).parent))

import old_rules  # noqa: E402
import population as pop  # noqa: E402
from attacker import audit  # noqa: E402

from _common import parser, report  # noqa: E402

STATS: Counter = Counter()
VERBOSE = False
BASELINE_EVERY = 1
DUMP: Path | None = None
TIMES: list[float] = []


def _cells(releases: list[dict]) -> tuple[int, int]:
    """Cells of every question and coverage table, and how many are suppressed."""
    cells = suppressed = 0
    for data in releases:
        for table in [*data.get("tables", []), *data.get("coverage", [])]:
            for cell in table["cells"]:
                cells += 1
                suppressed += bool(cell["suppressed"])
    return cells, suppressed


def _small(truths: list[dict], k: int) -> int:
    return sum(1 for t in truths for n, a in t.values() if n > 0 and min(n, a) < k)


def one(sequence: pop.Sequence_) -> None:
    spec, k = sequence.spec, sequence.k
    started = time.perf_counter()
    published, truths, refused = pop.publish_releases(sequence)
    for n, why in refused:
        STATS["new: releases refused"] += 1
        if VERBOSE:
            print(f"  refused release {n} (k={k}): {why}")
        if DUMP:
            import pickle

            DUMP.mkdir(parents=True, exist_ok=True)
            case = DUMP / f"refused-{STATS['consultations']}-{n}.pickle"
            case.write_bytes(pickle.dumps((sequence, why)))
    TIMES.append(time.perf_counter() - started)
    STATS["consultations"] += 1
    STATS["new: releases published"] += len(published)
    found = audit(published, truths, k, spec=spec)
    if found and DUMP:
        import pickle

        DUMP.mkdir(parents=True, exist_ok=True)
        case = DUMP / f"case-{STATS['consultations']}.pickle"
        case.write_bytes(pickle.dumps((sequence, published, truths, found)))
    for finding in found:
        if VERBOSE:
            print(f"  k={k} {finding}")
        STATS[f"new: disclosures ({finding.kind})"] += 1
        STATS["new: disclosures"] += 1
    cells, suppressed = _cells(published)
    STATS["new: cells"] += cells
    STATS["new: cells suppressed"] += suppressed
    # The baseline: the old rules on the same snapshots, released the same way.
    if (STATS["consultations"] - 1) % BASELINE_EVERY:
        return
    STATS["old: consultations"] += 1
    old_truths = [pop.tabulate(spec, people) for people in sequence.snapshots]
    old = [old_rules.publish(spec, t, k, release=n) for n, t in enumerate(old_truths, start=1)]
    for finding in audit(old, old_truths, k, k, spec=spec, suppressed_min=1):
        STATS[f"old: disclosures ({finding.kind})"] += 1
        STATS["old: disclosures"] += 1
    cells, suppressed = _cells(old)
    STATS["old: cells"] += cells
    STATS["old: cells suppressed"] += suppressed
    STATS["small cells (old tables)"] += _small(old_truths, k)


def main() -> None:
    args = parser(__doc__.splitlines()[0])
    args.add_argument("--consultations", type=int, default=10_000)
    args.add_argument("--seed", type=int, default=12)
    args.add_argument("--verbose", action="store_true", help="print every disclosure found")
    args.add_argument("--dump", type=Path, help="keep each consultation with a finding here")
    args.add_argument(
        "--baseline-every",
        type=int,
        default=1,
        help="audit the old rules on every Nth consultation only (they are slow to audit)",
    )
    options = args.parse_args()
    args_dump = options.dump
    global VERBOSE, DUMP, BASELINE_EVERY
    VERBOSE = options.verbose
    DUMP = args_dump
    BASELINE_EVERY = max(1, options.baseline_every)
    count = 6 if options.smoke else options.consultations

    @seed(options.seed)
    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate],
    )
    @given(pop.release_sequences(max_steps=2))
    def run(sequence):
        one(sequence)

    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    n = STATS["consultations"]
    report("consultations audited", n, "consultations")
    report("seconds in all", elapsed, "s")
    report("new rules: releases published", STATS["new: releases published"], "releases")
    report("new rules: releases refused", STATS["new: releases refused"], "releases")
    report("new rules: disclosures found", STATS["new: disclosures"], "findings")
    for key in sorted(k for k in STATS if k.startswith("new: disclosures (")):
        report(f"  {key[5:]}", STATS[key], "findings")
    report(
        "new rules: cells suppressed",
        100 * STATS["new: cells suppressed"] / max(1, STATS["new: cells"]),
        "%",
    )
    report(
        "old rules (baseline): consultations audited", STATS["old: consultations"], "consultations"
    )
    report("old rules (baseline): disclosures found", STATS["old: disclosures"], "findings")
    for key in sorted(k for k in STATS if k.startswith("old: disclosures (")):
        report(f"  {key[5:]}", STATS[key], "findings")
    report(
        "old rules (baseline): cells suppressed",
        100 * STATS["old: cells suppressed"] / max(1, STATS["old: cells"]),
        "%",
    )
    report(
        "small cells, share of all cells",
        100 * STATS["small cells (old tables)"] / max(1, STATS["old: cells"]),
        "%",
    )
    TIMES.sort()
    report("publishing one consultation, median", 1000 * TIMES[len(TIMES) // 2], "ms")
    report("publishing one consultation, slowest", 1000 * TIMES[-1], "ms")


if __name__ == "__main__":
    main()
