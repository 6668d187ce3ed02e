"""The report benchmark still runs: smoke mode prints every figure it promises (never timed)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
FIGURE = re.compile(r"^(?P<name>.+?)\s+(?P<value>[\d,]+\.\d)\s+(?P<unit>\S+)", re.M)


def test_report_benchmark_prints_figures_and_baselines(postgres_url):
    """Both stores' report and pandas figures are printed, and the benchmark's schema is gone."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "report.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures: dict[str, set[str]] = {}
    for m in FIGURE.finditer(result.stdout):
        figures.setdefault(m["name"].strip(), set()).add(m["unit"])
    for store in ("SQLite", "PostgreSQL"):
        label = f"{store}, 5,000 responses"
        # The full report's speed is printed beside issue 20's target of twice pandas'.
        assert re.search(
            rf"^{re.escape(label)}: surveykit speed / pandas .* the >= 2\.0 target$",
            result.stdout,
            re.M,
        )
        assert figures[f"{label}: first report, counting every response"] == {"s"}
        assert figures[f"{label}: first report, speed / pandas"] == {"x"}
        assert figures[f"{label}: surveykit report"] == {"records/s", "s"}
        assert figures[f"{label}: pandas baseline, same counts"] == {"records/s"}
        assert figures[f"{label}: pandas baseline"] == {"s"}
        assert figures[f"{label}: surveykit speed / pandas"] == {"x"}
        assert figures[f"{label}: surveykit peak RSS"] == {"MB"}
        assert figures[f"{label}: pandas peak RSS"] == {"MB"}
        assert figures[f"{label}: counting only, first"] == {"s"}
        assert figures[f"{label}: counting only, first, speed / pandas"] == {"x"}
        assert figures[f"{label}: counting only, next"] == {"records/s", "s"}
        assert figures[f"{label}: counting only, next, speed / pandas"] == {"x"}
        assert figures[f"{label}: counting only, peak RSS"] == {"MB"}
    assert "generate the SQLite store" in figures
    assert "generate the PostgreSQL store" in figures
    with psycopg.connect(postgres_url.split("?")[0]) as conn:
        left = conn.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'sk\\_bench\\_report\\_%'"
        ).fetchone()[0]
    assert left == 0, "the benchmark left its schema behind"
