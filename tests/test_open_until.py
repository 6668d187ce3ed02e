"""A deployment's opening window is one setting, ``--open-until`` / ``SURVEYKIT_OPEN_UNTIL``,
that every command judging the closing date honours, announces the same way, and names when it
refuses a closed consultation.  In process, on real SQLite files."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from pathlib import Path

import click
import pytest

from surveykit import get_plugins, load_spec
from surveykit.cli import cli, main
from surveykit.cli.deployment import OPEN_UNTIL_OPTION, demonstration_notice

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "taking_stock.toml"
ROSTER = "authority,authority_type,role,name,email\nKent County Council,county,leader,Ada,\n"
ANSWERS = {"q1": "all_relevant", "consent": "no_quote"}
NOTICE = (
    "Demonstration: open until the end of Thursday 31 December 2099; the consultation really "
    "closes Friday 13 March 2015, end of day.\n"
)
HINT = "to reopen it for a demonstration, set SURVEYKIT_OPEN_UNTIL or pass --open-until"
#: Every command that takes answers, sends invitations or reads replies, and so the setting.
JUDGING_CLOSING = {
    "answer",
    "email-form",
    "enter",
    "inbox",
    "ingest",
    "invite",
    "review accept",
    "serve",
    "submit",
}


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def _commands() -> dict[str, click.Command]:
    get_plugins().pm.hook.surveykit_register_commands(cli=cli)
    found: dict[str, click.Command] = {}

    def walk(prefix: str, command: click.Command) -> None:
        if isinstance(command, click.Group):
            ctx = click.Context(command)  # lazy plugin commands are imported by get_command
            for name in command.list_commands(ctx):
                walk(f"{prefix} {name}".strip(), command.get_command(ctx, name))
        else:
            found[prefix] = command

    walk("", cli)
    return found


def test_every_command_judging_the_closing_date_takes_the_one_setting():
    """The same option, read from SURVEYKIT_OPEN_UNTIL, on exactly these commands."""
    shared = click.Command("shared", params=[])
    OPEN_UNTIL_OPTION(shared)
    [expected] = shared.params
    having = {}
    for name, command in _commands().items():
        for param in command.params:
            if param.name == "open_until":
                having[name] = param
    # `config` takes it too, to show the setting in force (issue 15), and judges nothing;
    # `purge` counts the retention schedule from the end of a reopening (issue 19).
    assert set(having) == JUDGING_CLOSING | {"config", "purge"}
    for param in having.values():
        assert (param.opts, param.envvar, param.help) == (
            expected.opts,
            "SURVEYKIT_OPEN_UNTIL",
            expected.help,
        )


@pytest.fixture
def token(tmp_path, monkeypatch) -> tuple[str, str]:
    """A store for the real (closed) Taking Stock, and Kent's leader's link."""
    monkeypatch.chdir(tmp_path)
    Path("roster.csv").write_text(ROSTER, encoding="utf-8")
    Path("answers.json").write_text(json.dumps(ANSWERS), encoding="utf-8")
    db = f"sqlite:///{tmp_path}/responses.db"
    argv = ["tokens", "issue", str(SPEC), "--db", db, "--roster", "roster.csv", "--out", "l.csv"]
    assert run(*argv)[0] == 0
    return db, Path("l.csv").read_text(encoding="utf-8").splitlines()[1].rsplit(",", 1)[1]


def test_submit_refuses_a_closed_consultation_saying_how_to_reopen_it(token):
    """One line on stderr, exit 1, naming the setting."""
    db, link = token
    status, out, err = run(
        "submit", str(SPEC), "--db", db, "--token", link, "--answers", "answers.json"
    )
    assert (status, out) == (1, "")
    assert err == (
        "Error: Taking stock closed on Friday 13 March 2015, end of day (Europe/London); the "
        f"response was not stored; {HINT}\n"
    )


@pytest.mark.parametrize("given", ["environment", "option"])
def test_submit_takes_the_setting_from_the_environment_or_the_option(token, monkeypatch, given):
    """Either way the response is stored, and the notice comes first, on stderr."""
    db, link = token
    argv = ["submit", str(SPEC), "--db", db, "--token", link, "--answers", "answers.json"]
    if given == "environment":
        monkeypatch.setenv("SURVEYKIT_OPEN_UNTIL", "2099-12-31")
    else:
        argv += ["--open-until", "2099-12-31"]
    status, out, err = run(*argv)
    assert (status, err) == (0, NOTICE)
    assert out.startswith("Stored version 1 of the response from Kent County Council (leader)")


def test_the_notice_is_one_line_from_one_place():
    """What every reopening command prints: the date it is open until and the real close."""
    consultation = load_spec(SPEC)
    assert demonstration_notice(consultation, dt.date(2099, 12, 31)) + "\n" == NOTICE


def test_a_consultation_not_yet_open_is_refused_without_the_reopening_hint(token, tmp_path):
    """--open-until moves only the closing date, so it is not offered for one not open yet."""
    db, link = token
    text = SPEC.read_text(encoding="utf-8").replace(
        "closes = 2015-03-13", "closes = 2099-12-31\nopens = 2099-01-01"
    )
    later = tmp_path / "later.toml"
    later.write_text(text, encoding="utf-8")
    status, _out, err = run(
        "submit", str(later), "--db", db, "--token", link, "--answers", "answers.json"
    )
    assert status == 1
    assert err.startswith("Error: Taking stock is not open yet: it opens 2099-01-01 00:00")
    assert "--open-until" not in err
