"""The email benchmark still runs: smoke mode prints its figures and its baseline (never timed)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURE = re.compile(r"^(?P<name>.+?)\s+(?P<value>-?[\d,]+\.\d)\s+(?P<unit>\S+)", re.M)


def test_email_benchmark_prints_figures_and_baseline():
    """Replies read per second, the standard library's parse of the same mbox, and the checks."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "email_replies.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = {m["name"].strip(): (m["unit"], m["value"]) for m in FIGURE.finditer(result.stdout)}
    assert figures["replies generated (mbox)"][0] == "messages"
    assert figures["read_reply: parsed, matched and checked"][0] == "msgs/s"
    assert figures["baseline: message_from_bytes + get_body + get_content"][0] == "msgs/s"
    assert figures["ours / baseline"][0] == "%"
    assert figures["replies read with certain answers"][0] == "%"
    assert figures["certain replies holding exactly their answers"] == ("%", "100.0")
    assert figures["answers read differently from what was written"] == ("answers", "0.0")


def test_ingest_benchmark_prints_figures_and_baselines():
    """Ingest end to end against parse + one durable INSERT on both databases, the cost of a
    message early and late, where the time goes, and the inbox under a burst (all stored, none
    refused, which the benchmark itself insists on)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "email_ingest.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = {m["name"].strip(): (m["unit"], m["value"]) for m in FIGURE.finditer(result.stdout)}
    assert figures["replies written (mbox files)"] == ("messages", "300.0")
    assert figures["surveykit ingest (the command, one file, with start-up)"][0] == "msgs/s"
    for db in ("SQLite", "PostgreSQL"):
        assert figures[f"{db}: ingest, end to end"][0] == "msgs/s"
        assert figures[f"{db}: baseline: parse + INSERT, same durability"][0] == "msgs/s"
        assert figures[f"{db}: ingest / baseline"][0] == "%"
        assert figures[f"{db}: ingest, one message with 100 stored"][0] == "ms"
        assert figures[f"{db}: ingest, one message with 200 stored"][0] == "ms"
        assert figures[f"{db}: ingest, change in cost per message"][0] == "%"
        assert figures[f"{db}: baseline, one message with 200 stored"][0] == "ms"
        assert figures[f"{db}: peak resident memory of the ingest process"][0] == "MB"
        assert figures[f"{db} steps: one message, all steps (timers on)"][0] == "µs/msg"
        assert figures[f"{db} steps:   read_reply: MIME, quoting, answers, engine"][0] == "µs/msg"
        assert figures[f"{db} steps:   store.add_message"][0] == "µs/msg"
    assert figures["SQLite steps:   SQLite COMMIT (WAL write and fsync)"][0] == "µs/msg"
    assert figures["burst: surveykit inbox, 100 replies, 10 clients"][0] == "msgs/s"
    assert figures["burst: baseline: aiosmtpd keeping nothing"][0] == "msgs/s"
    assert figures["burst: refused by surveykit inbox"] == ("messages", "0.0")
    assert figures["burst: stored by surveykit inbox"] == ("messages", "100.0")
    assert figures["burst: peak resident memory of surveykit inbox"][0] == "MB"
    assert figures["peak resident memory of the benchmark process"][0] == "MB"
