"""The HTTP benchmark still runs: its smoke mode prints every figure it promises (never timed)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURE = re.compile(r"^(?P<name>.+?)\s+(?P<value>[\d,]+\.\d)\s+(?P<unit>\S+)", re.M)
#: Runs beside the bare endpoints (issue 20: three, each printed, then their spread).
RUNS = 3
MEASURED = (
    *(
        f"{name} (run {run})"
        for run in range(1, RUNS + 1)
        for name in ("question page GET", "answer POST", "baseline bare GET", "baseline bare POST")
    ),
    "question page GET, showing a typed answer",
    "question page GET, beside a page as heavy",
    "baseline bare GET as heavy",
    "answer POST, SQLite synchronous=normal",
    # Twenty consultations from one server, measured in turn with one's (issue 15).
    "question page GET (round 2)",
    "answer POST (round 2)",
    "20 consultations: question page GET (round 1)",
    "20 consultations: answer POST (round 1)",
    "20 consultations: question page GET (round 2)",
    "20 consultations: answer POST (round 2)",
)


def test_http_benchmark_prints_figures_and_baselines():
    """Each endpoint gets requests/s, p50 and p99, with no failed requests, in each of three
    runs; each run's two shares of the bare endpoints and their spread over the runs with the
    highest p99; and the 20-consultation server's shares of the one-consultation's."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "http.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = {m["name"].strip(): (m["value"], m["unit"]) for m in FIGURE.finditer(result.stdout)}
    for name in MEASURED:
        assert figures[f"{name}: requests"][1] == "req/s"
        assert figures[f"{name}: p50 latency"][1] == "ms"
        assert figures[f"{name}: p99 latency"][1] == "ms"
        assert figures[f"{name}: unexpected responses"] == ("0.0", "count")
    for label, bare in (("question page GET", "bare GET"), ("answer POST", "bare POST")):
        share = f"{label} as a share of the {bare}"
        for run in range(1, RUNS + 1):
            assert figures[f"{share} (run {run})"][1] == "%"
        lowest, highest = (
            figures[f"{share}: lowest of {RUNS}"],
            figures[f"{share}: highest of {RUNS}"],
        )
        assert lowest[1] == highest[1] == "%"
        assert float(lowest[0].replace(",", "")) <= float(highest[0].replace(",", ""))
        assert figures[f"{label}: highest p99 of {RUNS}"][1] == "ms"
    assert figures["question page GET as a share of the bare GET as heavy"][1] == "%"
    for label in ("question page GET", "answer POST"):
        assert figures[f"{label}, best of 2: 1 consultation"][1] == "req/s"
        assert figures[f"{label}, best of 2: 20 consultations"][1] == "req/s"
        assert figures[f"20 consultations: {label} as a share of 1's"][1] == "%"
