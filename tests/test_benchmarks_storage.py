"""The storage benchmark still runs: smoke mode prints every figure it promises (never timed)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURE = re.compile(r"^(?P<name>.+?)\s+(?P<value>[\d,]+\.\d)\s+(?P<unit>\S+)", re.M)


def test_storage_benchmark_prints_figures_and_baselines():
    """Each backend's rate, its raw baseline and ratio, and streaming memory are all printed."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "storage.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = {m["name"].strip(): m["unit"] for m in FIGURE.finditer(result.stdout)}
    for backend in ("SQLite", "PostgreSQL, 4 writers"):
        assert figures[f"{backend}: store.append_submission"] == "subs/s"
        assert figures[f"{backend}: submit service, end to end"] == "subs/s"
    assert figures["SQLite: raw sqlite3, same row, same durability"] == "subs/s"
    assert figures["PostgreSQL, 4 writers: raw psycopg, same row"] == "subs/s"
    for backend in ("SQLite", "PostgreSQL"):
        assert figures[f"{backend}: store / raw"] == "%"
        assert figures[f"{backend}: stream 5,000 responses"] == "responses/s"
        assert figures[f"{backend}: peak memory before streaming"] == "MB"
        assert figures[f"{backend}: peak memory after 500 responses"] == "MB"
        assert figures[f"{backend}: peak memory after 5,000 responses"] == "MB"
    assert figures["peak resident memory of the benchmark process"] == "MB"
