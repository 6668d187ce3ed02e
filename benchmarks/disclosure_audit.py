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

Then the new kinds at realistic sizes (``_kinds_population``, ``_kinds_audit``): for each
reportable kind (numbers and month dates in bins, grids, rankings, choices with an Other option;
a spec of that kind with routing on it, 600 respondents, then 400 more with 10 revisions, then 5
late) and for the residents' survey (every kind at once: 2,500 residents, then 2,500 more with
25 revisions, then 5), ``--kind-sequences`` series of releases, each case in a fresh process:

* **time to protect a release** (``protect_all`` inside the real pipeline, jointly with the
  earlier releases), median and slowest; publishing a release (counting, protecting and
  recording); releases per second, publishing (refusals included), and table figures (margins
  included) protected per second; cells suppressed, and disclosures found by the attacker (the
  generated cases: its truth does not bin dates bounded by "today", as the residents' survey's
  are);
* the **baseline**, measured in the same run: the old rules protecting the very same tables,
  each release alone (time, figures per second, cells suppressed, disclosures found);
* the **peak resident memory** of the case's process while publishing, beside its peak before
  the first release (the interpreter, the imports and a warm-up release: the baseline the work
  adds to).

Run: ``python benchmarks/disclosure_audit.py`` (10,000 consultations: about an hour on one
core, then minutes for the new kinds), ``--consultations N``, ``--baseline-every N`` to audit the
old rules on every Nth consultation only, ``--kinds-only`` for the new kinds alone, or
``--smoke`` (a few consultations, and the new kinds at 200 respondents: seconds).  The
generated consultations follow ``--seed`` (default 12), so a run can be repeated exactly, and
two runs with different seeds cover different consultations (run them side by side on two
cores).
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "reports"))
sys.path.insert(0, str(Path(__file__).parent))

import old_rules  # noqa: E402
import population as pop  # noqa: E402
from attacker import audit  # noqa: E402

from _common import parser, report  # noqa: E402
from _kinds_audit import Figures, run_case  # noqa: E402
from _kinds_audit import cells as _cells  # noqa: E402
from _kinds_population import CASES, LABELS  # noqa: E402

STATS: Counter = Counter()
VERBOSE = False
BASELINE_EVERY = 1
DUMP: Path | None = None
TIMES: list[float] = []


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


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0


def _share(counted: tuple[int, int]) -> float:
    return 100 * counted[1] / max(1, counted[0])


def _kinds(found: Counter) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in sorted(found.items()))


def kind_case(label: str, f: Figures) -> None:
    """Print one case of the new kinds: the current rules, then the old rules on the same
    tables (the baseline), then memory."""
    report(f"{label}: releases published", f.releases, "releases")
    report(f"{label}: releases refused", f.refused, "releases")
    report(f"{label}: respondents at the last release", f.respondents, "respondents")
    report(f"{label}: table figures per release, median", _median(f.protected_cells), "cells")
    report(f"{label}: protecting a release, median", 1000 * _median(f.protect_s), "ms")
    report(f"{label}: protecting a release, slowest", 1000 * max(f.protect_s, default=0), "ms")
    report(f"{label}: publishing a release, median", 1000 * _median(f.publish_s), "ms")
    rate = len(f.publish_s) / max(sum(f.publish_s), 1e-9)
    report(f"{label}: releases per second, publishing", rate, "releases/s")
    cells_rate = sum(f.protected_cells) / max(sum(f.protect_s), 1e-9)
    report(f"{label}: cells protected per second", cells_rate, "cells/s")
    report(f"{label}: new rules: cells suppressed", _share(f.new_cells), "%")
    if f.audited:
        found = sum(f.new_findings.values())
        report(f"{label}: new rules: disclosures found", found, "findings", _kinds(f.new_findings))
    old = f"{label}: old rules (baseline)"
    report(f"{old}: protecting a release, median", 1000 * _median(f.old_s), "ms")
    old_rate = sum(f.protected_cells[: len(f.old_s)]) / max(sum(f.old_s), 1e-9)
    report(f"{old}: cells protected per second", old_rate, "cells/s")
    report(f"{old}: cells suppressed", _share(f.old_cells), "%")
    if f.audited:
        found = sum(f.old_findings.values())
        report(f"{old}: disclosures found", found, "findings", _kinds(f.old_findings))
    report(f"{label}: peak resident memory, publishing", f.rss_peak_mb, "MB")
    report(f"{label}: peak before the first release (baseline)", f.rss_before_mb, "MB")


def kinds(size: str, sequences: int, seed: int) -> None:
    """Every case of the new kinds, one after another, each in a fresh process (spawned, so
    nothing is inherited and its peak memory is its own)."""
    context = multiprocessing.get_context("spawn")
    for case in CASES:
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            figures = pool.submit(run_case, case, size, sequences, seed).result()
        kind_case(LABELS[case], figures)


def generated(count: int, seed_: int) -> None:
    """The generated consultations of the old kinds, audited, with the old rules' baseline."""

    @seed(seed_)
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
    args.add_argument(
        "--kind-sequences",
        type=int,
        help="series of releases of each new kind's case (default 5; 1 with --smoke)",
    )
    args.add_argument(
        "--kinds-only", action="store_true", help="only the new kinds, not the generated audit"
    )
    options = args.parse_args()
    args_dump = options.dump
    global VERBOSE, DUMP, BASELINE_EVERY
    VERBOSE = options.verbose
    DUMP = args_dump
    BASELINE_EVERY = max(1, options.baseline_every)
    if not options.kinds_only:
        generated(6 if options.smoke else options.consultations, options.seed)
    sequences = options.kind_sequences or (1 if options.smoke else 5)
    kinds("smoke" if options.smoke else "full", sequences, options.seed)


if __name__ == "__main__":
    main()
