"""Progress bars: drawn on a terminal for long commands, absent when output is piped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from surveykit.cli import progress as progress_module
from surveykit.cli.progress import progress, progress_enabled, track
from test_cli_tokens import ROSTER, SPEC, _issue

SURVEYKIT = str(Path(sys.executable).parent / "surveykit")


@pytest.fixture
def deployment(tmp_path):
    spec = tmp_path / "stock.toml"
    spec.write_text(SPEC.format(closes="2099-12-31"))
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    return spec, f"sqlite:///{tmp_path}/responses.db", roster


@pytest.mark.parametrize(("setting", "expected"), [("0", False), ("1", True)])
def test_the_environment_overrides_the_terminal_check(monkeypatch, setting, expected):
    monkeypatch.setenv(progress_module.PROGRESS_ENV, setting)
    assert progress_enabled() is expected


def test_bars_are_off_when_stderr_is_not_a_terminal(monkeypatch, capsys):
    monkeypatch.delenv(progress_module.PROGRESS_ENV, raising=False)
    assert not progress_enabled()
    assert list(track(range(5), "Counting")) == [0, 1, 2, 3, 4]
    with progress("Waiting") as advance:
        advance(3)
    assert capsys.readouterr() == ("", "")


def test_a_forced_bar_reports_each_step(monkeypatch, capsys):
    monkeypatch.setenv(progress_module.PROGRESS_ENV, "1")
    assert list(track(["a", "b", "c"], "Lettering")) == ["a", "b", "c"]
    err = capsys.readouterr().err
    assert "Lettering" in err
    assert "3/3" in err


def test_tokens_issue_output_stays_machine_readable_when_piped(deployment, tmp_path):
    """Piped, the command prints its one summary line and nothing else: no bar, no escapes."""
    spec, db, roster = deployment
    out = tmp_path / "links.csv"
    command = [SURVEYKIT, "tokens", "issue", str(spec), "--db", db, "--roster", str(roster)]
    done = subprocess.run(
        [*command, "--out", str(out)], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Issued 3 links (3 new, 0 reissued); they are in {out}.\n"
    assert done.stderr == ""


def test_tokens_issue_draws_a_bar_on_a_terminal(deployment, tmp_path):
    spec, db, roster = deployment
    out = tmp_path / "links.csv"
    child = pexpect.spawn(
        SURVEYKIT,
        ["tokens", "issue", str(spec), "--db", db, "--roster", str(roster), "--out", str(out)],
        encoding="utf-8",
        timeout=60,
        dimensions=(24, 120),
    )
    child.expect("Preparing links")
    child.expect("Writing links")
    child.expect("3/3")
    child.expect("Issued 3 links")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert len(out.read_text().splitlines()) == 4


def test_a_forced_bar_does_not_change_the_summary(deployment, tmp_path, monkeypatch, capsys):
    spec, db, roster = deployment
    monkeypatch.setenv(progress_module.PROGRESS_ENV, "1")
    assert _issue(spec, db, roster, tmp_path / "links.csv") == 0
    printed = capsys.readouterr()
    assert printed.out.startswith("Issued 3 links")
    assert "Saving links to the store" in printed.err
