"""The SQLite growth benchmark still runs: smoke mode prints every figure it promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURE = re.compile(r"^(?P<name>.+?)\s+(?P<value>[\d,]+\.\d)\s+(?P<unit>\S+)", re.M)


def test_sqlite_growth_benchmark_prints_both_settings_side_by_side():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "sqlite_growth.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = {m["name"].strip(): m["unit"] for m in FIGURE.finditer(result.stdout)}
    for name in ("surveykit's settings", "baseline: SQLite's defaults"):
        assert figures[f"{name}: one reply, first 2,000 stored"] == "µs"
        assert figures[f"{name}: one reply, last 2,000 stored"] == "µs"
        assert figures[f"{name}: last / first"] == "%"
        assert figures[f"{name}: over the run"] == "replies/s"
    assert figures["peak resident memory of the benchmark process"] == "MB"
