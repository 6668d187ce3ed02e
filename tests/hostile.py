"""Shared by the hostile-input tests (issue 14): a small open consultation, a roster, and the
command line run in-process with its output captured (imported by name, like webtools)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from surveykit.cli import main

SPEC = """
[consultation]
id = "stock"
title = "Taking stock"
publisher = "LGA"
closes = 2099-12-31
timezone = "Europe/London"

[[roles]]
value = "leader"
label = "Leader"

[[roles]]
value = "other"
label = "Other"

[[authority_types]]
value = "county"
label = "County council"

[[sections]]
id = "s"
title = "S"

[[sections.questions]]
id = "q1"
number = "1"
text = "Do you agree?"
kind = "single"
required = true
options = [{ value = "yes", label = "Yes" }, { value = "no", label = "No" }]

[[sections.questions]]
id = "q2"
number = "2"
text = "Why?"
kind = "text"
max_length = 500

[[sections.questions]]
id = "q3"
number = "3"
text = "Which apply?"
kind = "multi"
options = [{ value = "a", label = "A" }, { value = "b", label = "B" }]
"""
ROSTER = (
    "authority,authority_type,role,name,email\n"
    "Kent County Council,county,leader,Roger Gough,leader@kent.example\n"
)
#: What the command line prints for a crash (an exception the docs do not list): never wanted.
CRASH = re.compile(r"Error: unexpected \w+|This is a bug in surveykit|Traceback \(most recent")


def run(*args: str) -> tuple[int, str, str]:
    """Run ``surveykit`` in-process through main(), returning (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def write_spec(folder: Path) -> Path:
    path = folder / "stock.toml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def issue_token(folder: Path, spec: Path, db: str) -> str:
    """Import :data:`ROSTER` into ``db`` and return the one token it issued."""
    roster = folder / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    out = folder / "links.csv"
    status, _, err = run(
        "tokens", "issue", str(spec), "--db", db, "--roster", str(roster), "--out", str(out)
    )
    assert status == 0, err
    return out.read_text(encoding="utf-8").splitlines()[1].rsplit(",", 1)[1]
