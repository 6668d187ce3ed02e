"""The whole email channel, end to end: invite over SMTP, reply by quoting the form, inbox."""

from __future__ import annotations

import email.policy
import re
from email.message import EmailMessage

from mailtools import Inbox, SmtpSink, body, enrol, free_port, open_spec, send

from surveykit import SubmitService, load_spec
from surveykit.cli import main
from surveykit.storage import open_store

TICKS = (
    ("[ ] Leader", "[x] Leader"),
    ("[ ] County council", "[X] County council"),
    ("[ ] Don't know", "[x] Don't know"),
    ("[ ] Do not quote my response", "[x] Do not quote my response"),
)


def filled_in(text: str) -> str:
    """What a respondent does: tick boxes and type an answer in the quoted form."""
    for blank, ticked in TICKS:
        text = text.replace(blank, ticked, 1)
    answer = "    Your answer:\n"
    where = text.index(answer, text.index("A3."))
    return text[: where + len(answer)] + "    Kent County Council\n" + text[where + len(answer) :]


def test_a_respondent_answers_by_replying_to_the_invitation(tmp_path):
    """Ada replies to her invitation, ticking boxes in the quoted form: her answers are stored."""
    spec = open_spec(tmp_path)
    db = f"sqlite:///{tmp_path}/responses.db"
    secret = enrol(db, spec)
    sink = SmtpSink().start()
    try:
        args = ["invite", str(spec), "--db", db, "--smtp", sink.address, "--rate", "100/s"]
        base = ["--from", "consult@lga.example", "--base-url", "https://consult.example.org/r/"]
        base.append("--replace-links")  # the roster's links from enrol() were never sent
        assert main([*args, *base]) == 0
    finally:
        sink.stop()
    [invitation] = [m for m in sink.messages if m["To"].addresses[0].username == "ada"]
    text = body(invitation).replace("\r\n", "\n")
    token = re.search(r"/r/([A-Za-z0-9_-]+)", text).group(1)
    answer = EmailMessage()
    answer["From"] = "Ada Lovelace <ada@kent.example>"
    answer["To"] = "consult@lga.example"
    answer["Subject"] = f"Re: {invitation['Subject']}"
    answer["Message-ID"] = "<reply-1@kent.example>"
    answer["In-Reply-To"] = invitation["Message-ID"]
    quoted = "\n".join(f"> {line}" for line in filled_in(text).splitlines())
    answer.set_content(f"Here is our response.\n\nAda\n\nOn 1 March you wrote:\n{quoted}\n")
    port = free_port()
    inbox = Inbox(spec, db, port)
    inbox.until("Receiving replies")
    send(port, answer.as_bytes(policy=email.policy.SMTP))
    assert inbox.until("Message 1") == "Message 1: submitted as version 1."
    inbox.stop()
    consultation = load_spec(spec)
    with open_store(db) as store:
        response = SubmitService(consultation, store, secret).response(token)
    assert response.channel == "email"
    assert response.answers == {
        "role": "leader",
        "authority_type": "county",
        "authority": "Kent County Council",
        "q1": "dont_know",
        "consent": "no_quote",
    }
