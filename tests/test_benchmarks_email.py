"""The email benchmark still runs: smoke mode prints its figures and its baseline (never timed)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURE = re.compile(r"^(?P<name>.+?)\s+(?P<value>[\d,]+\.\d)\s+(?P<unit>\S+)", re.M)


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
