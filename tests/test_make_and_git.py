"""`make run` and git as a new user meets them: the port can be chosen, and the files a running
deployment leaves beside its database are not offered to git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _serve_line(*variables: str) -> str:
    """The `surveykit serve` line `make run` would run (``make -n`` runs nothing)."""
    done = subprocess.run(
        ["make", "-n", "run", *variables], cwd=ROOT, capture_output=True, text=True, check=True
    )
    [line] = [line for line in done.stdout.splitlines() if " serve " in line]
    return line


def test_make_run_serves_on_port_8000_unless_given_another():
    """PORT=N chooses the port, for when 8000 is taken."""
    assert _serve_line().endswith(" --port 8000")
    assert _serve_line("PORT=8123").endswith(" --port 8123")


@pytest.mark.parametrize(
    "name", ["taking-stock.db", "taking-stock.db.secret", "taking-stock.db.writelock"]
)
def test_a_deployments_files_are_ignored_by_git(name):
    """The database, its secret and its write lock are never committed by accident."""
    done = subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT, check=False)
    assert done.returncode == 0
