"""Benchmark: ``surveykit check`` end to end, against a process that only decodes and re-encodes
the same records.

The same file of Taking Stock records (plausible answers with considered comments, about 2.6 KB
of JSON each, from ``benchmarks/engine.py``'s generator) is read by:

* ``surveykit check specs/taking_stock.toml --answers FILE`` in a fresh process (start-up, spec
  load, one engine pass per record, a JSON line out per record);
* the baseline: a fresh ``python`` process doing only ``json.loads`` and ``json.dumps`` of each
  line (issue 20's yardstick), in the same run, taking turns;

and, in this process, the command's loop (``surveykit.cli.main``) against the same baseline loop,
which leaves out the start-up both pay.  Each figure is the best of several runs, printed as
records/s with the ratio command/baseline (issue 20 asks for at least 50 %).

Run: ``python benchmarks/check_command.py`` (about a minute) or ``--smoke``.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import surveykit
from _common import parser, peak_rss_mb, report
from engine import random_answers

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "taking_stock.toml"
SURVEYKIT = Path(sys.executable).with_name("surveykit")
BASELINE = "import json, sys\nfor line in open(sys.argv[1]):\n    json.dumps(json.loads(line))\n"


def write_records(path: Path, count: int) -> None:
    consultation = surveykit.load_spec(SPEC)
    rng = random.Random(20)
    with path.open("w", encoding="utf-8") as out:
        for _ in range(count):
            out.write(json.dumps(random_answers(consultation, rng)) + "\n")


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def in_process(records: Path) -> tuple[float, float]:
    """The command's loop and the baseline loop, here: (command seconds, baseline seconds)."""
    from surveykit.cli import main

    lines = records.read_text(encoding="utf-8").splitlines()
    start = time.perf_counter()
    for line in lines:
        json.dumps(json.loads(line))
    baseline = time.perf_counter() - start
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        start = time.perf_counter()
        main(["check", str(SPEC), "--answers", str(records)])
        command = time.perf_counter() - start
    finally:
        os.dup2(saved, 1)
        os.close(devnull)
        os.close(saved)
    return command, baseline


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    count, repeats = (300, 1) if args.smoke else (50_000, 3)
    with tempfile.TemporaryDirectory() as folder:
        records = Path(folder) / "records.jsonl"
        write_records(records, count)
        size = records.stat().st_size / count
        report("records", count, "records", f"{size:,.0f} bytes of JSON each")
        command = [str(SURVEYKIT), "check", str(SPEC), "--answers", str(records)]
        baseline = [sys.executable, "-c", BASELINE, str(records)]
        best_command = best_baseline = float("inf")
        for _ in range(repeats):
            best_baseline = min(best_baseline, timed(baseline))
            best_command = min(best_command, timed(command))
        report("surveykit check, end to end", count / best_command, "records/s")
        report(
            "baseline: python json.loads + json.dumps, end to end",
            count / best_baseline,
            "records/s",
        )
        report("surveykit check / baseline, end to end", 100 * best_baseline / best_command, "%")
        loop = base_loop = float("inf")
        for _ in range(repeats):
            ran, base = in_process(records)
            loop, base_loop = min(loop, ran), min(base_loop, base)
        report("surveykit check, in process (no start-up)", count / loop, "records/s")
        report("baseline: json.loads + json.dumps, in process", count / base_loop, "records/s")
        report("surveykit check / baseline, in process", 100 * base_loop / loop, "%")
    report("peak resident memory of the benchmark process", peak_rss_mb(), "MB")


if __name__ == "__main__":
    main()
