"""The languages benchmark still runs: smoke mode prints each channel's Welsh figures beside
English in the same run, and reads every filled-in reply as written (never timed)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURE = re.compile(r"^(?P<name>.+?)\s+(?P<value>-?[\d,]+\.\d)\s+(?P<unit>\S+)", re.M)


def test_languages_benchmark_prints_figures_and_baselines():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "languages.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = {m["name"].strip(): (m["unit"], m["value"]) for m in FIGURE.finditer(result.stdout)}
    for domain in ("surveykit", "surveykit_html", "surveykit_email", "surveykit_reports"):
        assert figures[f"catalogue {domain}: Welsh read and compiled, once"][0] == "ms"
    paired = [
        ("web GET /questions/visits in Welsh", "requests/s"),
        ("web GET /check-answers in Welsh", "requests/s"),
        ("email form written in Welsh", "forms/s"),
        ("email form written in Welsh and English", "forms/s"),
        ("public report of 60 responses built in Welsh", "reports/s"),
    ]
    for name, unit in paired:
        assert figures[name][0] == unit
        assert figures[f"{name}: baseline, the same in English"][0] == unit
        assert figures[f"{name}: ours / baseline"][0] == "%"
    for name in ("in Welsh", "to the bilingual form (Welsh half)"):
        assert figures[f"replies read {name}"][0] == "msgs/s"
        assert figures[f"replies read {name}: ours / baseline"][0] == "%"
    for lang in ("en", "cy", "both"):
        wrong = figures[f"replies in {lang} read differently from what was written"]
        assert wrong == ("replies", "0.0")
    assert figures["peak memory of the process"][0] == "MB"
