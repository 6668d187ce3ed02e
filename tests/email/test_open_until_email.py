"""The email channel honours the deployment's one opening-window setting: the real Taking Stock
(closed 13 March 2015) reopened by ``SURVEYKIT_OPEN_UNTIL`` for `ingest`, `inbox`,
`review accept` and `email-form`, each saying so in the same line, and each saying how to reopen
it when it is closed.  Real SQLite stores, a real SMTP inbox in a child process."""

from __future__ import annotations

import pytest
from mailtools import SPEC, Inbox, enrol, free_port, reply, send

from surveykit.cli import main

NOTICE = (
    "Demonstration: open until the end of Thursday 31 December 2099; the consultation really "
    "closes Friday 13 March 2015, end of day.\n"
)
HINT = "to reopen it for a demonstration, set SURVEYKIT_OPEN_UNTIL or pass --open-until"


@pytest.fixture
def closed(tmp_path):
    """A store for the real, closed Taking Stock with the roster in it, and a reply from Ada."""
    db = f"sqlite:///{tmp_path}/responses.db"
    enrol(db, SPEC)
    eml = tmp_path / "reply.eml"
    eml.write_bytes(reply())
    return db, eml


def test_ingest_queues_a_reply_as_closed_and_says_how_to_reopen(closed, capsys):
    """Without the setting, a clean reply goes to review as closed, and the line says what to
    do; review accept refuses it in one line that says the same."""
    db, eml = closed
    assert main(["ingest", str(SPEC), "--db", db, str(eml)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out == (
        "Read 1 message: 0 submitted, 1 sent to review (1 closed). See them with `surveykit "
        "review list`. Taking stock closed on Friday 13 March 2015, end of day (Europe/London); "
        f"{HINT}.\n"
    )
    assert main(["review", "accept", str(SPEC), "--db", db, "1"]) == 1
    assert capsys.readouterr().err.endswith(f"; the response was not stored; {HINT}\n")


def test_review_accept_takes_the_setting(closed, capsys, monkeypatch):
    """The item queued while closed is accepted once the setting reopens the consultation."""
    db, eml = closed
    assert main(["ingest", str(SPEC), "--db", db, str(eml)]) == 0
    capsys.readouterr()
    monkeypatch.setenv("SURVEYKIT_OPEN_UNTIL", "2099-12-31")
    assert main(["review", "accept", str(SPEC), "--db", db, "1"]) == 0
    out, err = capsys.readouterr()
    assert (err, out.startswith("Accepted review item 1: stored as version 1")) == (NOTICE, True)


def test_ingest_takes_the_setting(closed, capsys, monkeypatch):
    """With SURVEYKIT_OPEN_UNTIL the same reply is submitted, and the notice says why."""
    db, eml = closed
    monkeypatch.setenv("SURVEYKIT_OPEN_UNTIL", "2099-12-31")
    assert main(["ingest", str(SPEC), "--db", db, str(eml)]) == 0
    assert capsys.readouterr() == (
        "Read 1 message: 1 submitted, 0 sent to review.\n",
        NOTICE,
    )


def test_the_email_form_states_the_demonstration_closing_date(capsys, monkeypatch):
    """The form's closing date is the one the deployment runs to; the notice goes to stderr,
    so the form on stdout stays the form."""
    assert main(["email-form", str(SPEC)]) == 0
    out, err = capsys.readouterr()
    assert ("Closing date: Friday 13 March 2015, end of day" in out, err) == (True, "")
    monkeypatch.setenv("SURVEYKIT_OPEN_UNTIL", "2099-12-31")
    assert main(["email-form", str(SPEC)]) == 0
    out, err = capsys.readouterr()
    assert ("Closing date: Thursday 31 December 2099, end of day" in out, err) == (True, NOTICE)


@pytest.mark.parametrize("reopened", [False, True], ids=["closed", "reopened"])
def test_the_inbox_takes_the_setting(closed, monkeypatch, reopened):
    """The inbox says at the start how to reopen a closed consultation, and queues replies as
    closed; with the setting it submits them."""
    db, eml = closed
    if reopened:
        monkeypatch.setenv("SURVEYKIT_OPEN_UNTIL", "2099-12-31")
    port = free_port()
    inbox = Inbox(SPEC, db, port)
    try:
        inbox.until("Receiving replies")
        send(port, eml.read_bytes())
        outcome = inbox.until("Message 1:")
    finally:
        inbox.stop()
    if reopened:
        assert outcome == "Message 1: submitted as version 1."
    else:
        assert inbox.lines[0] == (
            "Note: Taking stock closed on Friday 13 March 2015, end of day (Europe/London); "
            f"{HINT}; until then every reply goes to review as closed."
        )
        assert outcome == "Message 1: sent to review (closed)."
