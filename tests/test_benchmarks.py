"""Each benchmark still runs: its smoke mode prints every figure it promises (never timed here)."""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURE = re.compile(r"^(?P<name>.+?)\s+(?P<value>[\d,]+\.\d)\s+(?P<unit>\S+)", re.M)


@functools.cache
def _run(script: str) -> dict[str, str]:
    """The figures a benchmark's smoke run prints (run once per script and session)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return {m["name"].strip(): m["unit"] for m in FIGURE.finditer(result.stdout)}


def test_engine_benchmark_prints_figures_and_baselines():
    """The engine benchmark reports engine, JSON-decode and dict-walking figures for each spec:
    Taking Stock, the residents' survey (every kind; records as typed and as stored) and a
    generated chained spec."""
    figures = _run("engine.py")
    specs = ("Taking Stock", "Residents' survey, as typed", "Residents' survey, as stored")
    for spec in (*specs, "100-question chained spec"):
        assert figures[f"{spec}: engine clean+validate"] == "records/s"
        assert figures[f"{spec}: baseline json.loads of same records"] == "records/s"
        assert figures[f"{spec}: baseline dict-walking evaluator"] == "records/s"
        assert figures[f"{spec}: engine time / decode time per record"] == "ratio"
    assert figures["peak resident memory of the benchmark process"] == "MB"


def test_engine_benchmark_prints_costs_per_question_beside_surveyjs_at_each_size():
    """Spec load and engine build per question from Taking Stock up, each beside SurveyJS's
    model construction on the same form (survey-core is installed by `make test`), and the
    cost per answer at the smallest and largest size beside a dictionary lookup's."""
    figures = _run("engine.py")
    for name in ("Taking Stock (21)", "chained 50", "chained 200"):
        assert figures[f"{name}: spec load"] == "us/question"
        assert figures[f"{name}: engine build"] == "us/question"
        assert figures[f"{name}: engine build and first check"] == "us/question"
        assert figures[f"{name}: baseline SurveyJS new Model(json)"] == "us/question"
        assert figures[f"{name}: load + build / SurveyJS model"] == "ratio"
    assert figures["check per answer, chained 200 / chained 50"] == "ratio"
    assert figures["dict lookup per answer, chained 200 / chained 50 (baseline)"] == "ratio"


def test_disclosure_audit_benchmark_prints_counts_and_the_old_rules_baseline():
    """The audit benchmark counts consultations, releases and disclosures under the current rules
    and under the old ones (the baseline), and prints the information loss of each."""
    figures = _run("disclosure_audit.py")
    assert figures["consultations audited"] == "consultations"
    assert figures["new rules: releases published"] == "releases"
    assert figures["new rules: disclosures found"] == "findings"
    assert figures["new rules: cells suppressed"] == "%"
    assert figures["old rules (baseline): disclosures found"] == "findings"
    assert figures["old rules (baseline): cells suppressed"] == "%"
    assert figures["publishing one consultation, median"] == "ms"


def test_disclosure_audit_benchmark_covers_every_reportable_kind_and_the_residents_survey():
    """Each new kind's case and the residents' survey print the time to protect a release, the
    rates, cells suppressed and peak memory, each beside its same-run baseline (the old rules on
    the same tables; memory before the first release); the generated cases are audited too."""
    figures = _run("disclosure_audit.py")
    labels = ("Numbers", "Month dates", "Grids", "Rankings", "Other options", "Residents' survey")
    for label in labels:
        old = f"{label}: old rules (baseline)"
        assert figures[f"{label}: releases published"] == "releases"
        assert figures[f"{label}: protecting a release, median"] == "ms"
        assert figures[f"{label}: releases per second, publishing"] == "releases/s"
        assert figures[f"{label}: cells protected per second"] == "cells/s"
        assert figures[f"{label}: new rules: cells suppressed"] == "%"
        assert figures[f"{old}: protecting a release, median"] == "ms"
        assert figures[f"{old}: cells protected per second"] == "cells/s"
        assert figures[f"{old}: cells suppressed"] == "%"
        assert figures[f"{label}: peak resident memory, publishing"] == "MB"
        assert figures[f"{label}: peak before the first release (baseline)"] == "MB"
        audited = label != "Residents' survey"  # the attacker's truth has no "today" bounds
        assert (f"{label}: new rules: disclosures found" in figures) == audited
        assert (f"{old}: disclosures found" in figures) == audited


def test_check_command_benchmark_prints_end_to_end_and_in_process_ratios():
    """`surveykit check` against json.loads + json.dumps of the same records, both end to end
    (fresh processes) and in process, each beside its baseline from the same run."""
    figures = _run("check_command.py")
    for where in ("end to end", "in process"):
        assert figures[f"surveykit check / baseline, {where}"] == "%"
    assert figures["surveykit check, end to end"] == "records/s"
    assert figures["baseline: python json.loads + json.dumps, end to end"] == "records/s"
    assert figures["surveykit check, in process (no start-up)"] == "records/s"
    assert figures["baseline: json.loads + json.dumps, in process"] == "records/s"


def test_interchange_benchmark_prints_import_and_export_beside_reading_the_files():
    """Export and import of Taking Stock and a generated spec in both formats, each import
    beside reading the same file (openpyxl, json.loads), and the collected forms as a whole."""
    figures = _run("interchange.py")
    for spec in ("Taking Stock", "100-question chained spec"):
        for format in ("xlsform", "surveyjs"):
            assert figures[f"{spec}, {format}: export"] == "ms"
            assert figures[f"{spec}, {format}: import"] == "ms"
            assert figures[f"{spec}, {format}: import / baseline"] == "ratio"
    assert figures["the 35 collected real forms, imported or refused"] == "forms/s"


def test_retention_benchmark_prints_each_command_beside_a_vacuum():
    """Purge, subject access and erase on a filled SQLite store, each beside a plain VACUUM of
    the same file (the rewrite purge and erase end with) from the same run."""
    figures = _run("retention.py")
    assert figures["purge, everything due"] == "respondents/s"
    assert figures["subject-access, one person (median)"] == "ms"
    assert figures["erase, one person (median)"] == "ms"
    assert figures["baseline: VACUUM of the same file"] == "ms"
    assert figures["baseline: VACUUM of the same file before purging"] == "ms"
