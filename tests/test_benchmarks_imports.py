"""The start-up benchmark still runs: smoke mode prints every figure it promises, with units."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURE = re.compile(r"^(?P<name>.+?)\s+(?P<value>[\d,]+\.\d)\s+(?P<unit>\S+)", re.M)


def test_imports_benchmark_prints_start_up_times_beside_a_bare_python():
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "imports.py"),
            "--smoke",
            "--runs",
            "1",
            "--python",
            f"same={sys.executable}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = {m["name"].strip(): m["unit"] for m in FIGURE.finditer(result.stdout)}
    for name in (
        "python -c pass (baseline)",
        "import surveykit",
        "get_plugins() and every registry",
        "surveykit --help",
        "surveykit validate taking-stock",
        "surveykit check taking-stock, one record",
        "import surveykit, cumulative (-X importtime)",
        "[same] python -c pass (baseline)",
        "[same] import surveykit",
    ):
        assert figures[name] == "ms", name
    assert "over the baseline" in result.stdout
    assert "wheel size" in result.stdout
    for command in ("--help", "validate taking-stock", "check taking-stock, one record"):
        assert figures[f"surveykit {command} / python -c pass"] == "x"
