"""`surveykit review`: list, show, accept (with corrections and a named sender) and reject."""

from __future__ import annotations

import pytest
from mailtools import (
    CLEAN_LINES,
    SPEC,
    enrol,
    open_spec,
    received,
    reply,
    respondent_by_email,
)

from surveykit.cli import main
from surveykit.storage import open_store
from surveykit_email.reference import reference_for

UNCLEAR = tuple(line.replace("Q13: Yes", "Q13: Perhaps") for line in CLEAN_LINES)


@pytest.fixture
def queued(tmp_path, capsys):
    """An open Taking Stock with three replies waiting: unclear, unknown sender, spam."""
    spec = open_spec(tmp_path)
    db = f"sqlite:///{tmp_path}/responses.db"
    secret = enrol(db, spec)
    ada = respondent_by_email(db, "ada@kent.example")
    files = []
    for n, raw in enumerate(
        (
            reply(reference=reference_for(secret, ada.id), lines=UNCLEAR),
            reply(sender="Carol at home <carol@home.example>", message_id="<c@home>"),
            reply(sender="spam@spam.example", message_id="<s@x>", lines=("Buy now",)),
        ),
        1,
    ):
        path = tmp_path / f"{n}.eml"
        path.write_bytes(raw)
        files.append(str(path))
    assert main(["ingest", str(spec), "--db", db, *files]) == 0
    capsys.readouterr()
    return spec, db, secret


def review(spec, db, *args: str) -> int:
    command, *rest = args
    return main(["review", command, str(spec), "--db", db, *rest])


def test_the_list_gives_each_reason_without_addresses(queued, capsys):
    """Three open items, oldest first, each with its reason; no email address is printed."""
    spec, db, _ = queued
    assert review(spec, db, "list") == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "received", "(Europe/London)", "status", "reason"]
    assert lines[1].split()[0] == "1"
    assert "not_clean: Kent County Council (leader)" in lines[1]
    assert "Question 13: 'Perhaps' is not one of the options" in lines[2]
    assert "unknown_sender: no respondent found" in lines[3]
    assert "@" not in out


def test_show_gives_the_officer_everything(queued, capsys):
    """The reason, what was read for sure, the problems and the text, for one item."""
    spec, db, _ = queued
    assert review(spec, db, "show", "1") == 0
    out = capsys.readouterr().out
    assert out.startswith("Review item 1 (open): not_clean\n")
    assert "Respondent: Kent County Council (leader)" in out
    assert "Date written by the sender (not trusted): 2015-03-12 16:30" in out
    assert "  Question A3 (authority): Kent County Council\n" in out
    assert "(q13)" not in out
    assert "  - unknown_option: Question 13: 'Perhaps' is not one of the options" in out
    assert "  | Q13: Perhaps" in out
    assert review(spec, db, "show", "2", "--raw") == 0
    assert capsys.readouterr().out.startswith("From: Carol at home <carol@home.example>")


def test_accepting_with_a_correction_submits_once(queued, capsys):
    """The officer reads "Perhaps" as yes (so 14 applies): stored once, and the item closed."""
    spec, db, _ = queued
    ada = respondent_by_email(db, "ada@kent.example")
    assert review(spec, db, "accept", "1", "--set", "13=Yes", "--set", "q14=no") == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "Accepted review item 1: stored as version 1 for Kent County Council (leader), received "
    )
    with open_store(db) as store:
        response = store.response(ada.id)
        assert (response.answers["q13"], response.answers["q14"]) == ("yes", "no")
        assert response.channel == "email"
        item = store.review_item(1)
        assert (item.status, item.version, item.note) == (
            "accepted",
            1,
            "accepted with q13, q14 corrected",
        )
        assert response.received_at == store.message(1).received_at
        assert store.message(1).status == "submitted"
    assert review(spec, db, "accept", "1") == 1
    assert "review item 1 was already accepted" in capsys.readouterr().err
    with open_store(db) as store:
        assert len(store.history(ada.id)) == 1


def test_an_unmatched_reply_needs_the_officer_to_name_the_sender(queued, capsys):
    """Carol wrote from home: accept refuses until she is named, by address or reference."""
    spec, db, secret = queued
    carol = respondent_by_email(db, "carol@dover.example")
    assert review(spec, db, "accept", "2") == 1
    assert "has no respondent: name them with --respondent-email or --reference" in (
        capsys.readouterr().err
    )
    assert review(spec, db, "accept", "2", "--respondent-email", "nobody@x.example") == 1
    assert "no respondent has that email address" in capsys.readouterr().err
    assert review(spec, db, "accept", "2", "--reference", reference_for(secret, carol.id)) == 0
    with open_store(db) as store:
        assert store.response(carol.id).answers["authority"] == "Kent County Council"
        assert store.review_item(2).respondent_id == carol.id


def test_corrections_are_checked_like_any_answer(queued, capsys):
    """An unknown question or option is refused, and the item stays open."""
    spec, db, _ = queued
    assert review(spec, db, "accept", "1", "--set", "99=yes") == 1
    assert "there is no question '99'" in capsys.readouterr().err
    assert review(spec, db, "accept", "1", "--set", "13=perhaps") == 1
    assert "'perhaps' is not one of its options (yes, no, dont_know)" in capsys.readouterr().err
    assert review(spec, db, "accept", "1", "--set", "B1=") == 1
    assert "Question B1: an answer is required" in capsys.readouterr().err
    with open_store(db) as store:
        assert store.review_item(1).open


def test_rejecting_records_why(queued, capsys):
    """A rejected item keeps its message and the officer's reason, and leaves the queue."""
    spec, db, secret = queued
    assert review(spec, db, "reject", "3", "--why", "spam") == 0
    assert capsys.readouterr().out == "Rejected 1 review item.\n"
    assert review(spec, db, "reject", "3", "--why", "again") == 1
    assert "review item 3 was already rejected: spam" in capsys.readouterr().err
    assert review(spec, db, "list", "--all") == 0
    out = capsys.readouterr().out
    assert "rejected" in out
    with open_store(db) as store:
        assert [i.id for i in store.review_items("taking-stock")] == [1, 2]
        assert received(store, 3, secret).endswith(b"Buy now\r\n")


def test_duplicates_can_be_rejected_together(queued, tmp_path, capsys):
    """Ingesting the same files again queues duplicates; --duplicates clears just them."""
    spec, db, _ = queued
    files = [str(tmp_path / f"{n}.eml") for n in (1, 2, 3)]
    assert main(["ingest", str(spec), "--db", db, *files]) == 0
    assert review(spec, db, "reject", "--duplicates", "--why", "ingested twice") == 0
    assert capsys.readouterr().out.endswith("Rejected 3 review items.\n")
    with open_store(db) as store:
        reasons = [i.reason for i in store.review_items("taking-stock")]
        assert reasons == ["not_clean", "unknown_sender", "no_answers"]


def test_a_reply_received_before_the_close_counts_when_accepted_after(tmp_path, capsys):
    """On the closed Taking Stock: received 13 March, accepted today, it counts; 14 March not."""
    db = f"sqlite:///{tmp_path}/closed.db"
    secret = enrol(db, SPEC)
    ada = respondent_by_email(db, "ada@kent.example")
    brian = respondent_by_email(db, "brian@kent.example")
    for name, who, when in (
        ("early", ada, "2015-03-13T12:00"),
        ("late", brian, "2015-03-14T09:00"),
    ):
        path = tmp_path / f"{name}.eml"
        path.write_bytes(
            reply(reference=reference_for(secret, who.id), lines=UNCLEAR, message_id=f"<{name}@x>")
        )
        assert main(["ingest", str(SPEC), "--db", db, str(path), "--received-at", when]) == 0
    capsys.readouterr()
    assert review(SPEC, db, "accept", "1", "--set", "13=yes") == 0
    assert "received 2015-03-13 12:00 (Europe/London)" in capsys.readouterr().out
    assert review(SPEC, db, "accept", "2", "--set", "13=yes") == 1
    assert "closed on Friday 13 March 2015, end of day" in capsys.readouterr().err
    with open_store(db) as store:
        assert store.response(ada.id).version == 1
        assert store.response(brian.id) is None
        assert store.review_item(2).open


def test_reject_needs_an_item_or_duplicates(queued, capsys):
    spec, db, _ = queued
    assert review(spec, db, "reject", "--why", "x") == 2
    assert "give the ID of an item to reject, or --duplicates or --automatic" in (
        capsys.readouterr().err
    )


def test_an_acceptance_that_stopped_part_way_is_finished_not_repeated(queued, capsys):
    """Submitted but not closed (the officer's run died): accepting again only closes it."""
    from surveykit import KnownRespondent, load_spec
    from surveykit_email.intake import Intake
    from surveykit_email.parse import read_reply

    spec, db, secret = queued
    ada = respondent_by_email(db, "ada@kent.example")
    consultation = load_spec(spec)
    with open_store(db) as store:
        intake = Intake(consultation, store, secret)
        message = store.message(store.review_item(1).message)
        answers = {**read_reply(intake.raw_of(message), consultation).answers, "q13": "no"}
        intake.service.submit(
            KnownRespondent(ada.id),
            answers,
            channel="email",
            received_at=message.received_at,
            message=message.id,
        )
    assert review(spec, db, "accept", "1", "--set", "13=no") == 0
    assert "stored as version 1 for Kent County Council" in capsys.readouterr().out
    with open_store(db) as store:
        assert len(store.history(ada.id)) == 1
        item = store.review_item(1)
        assert (item.status, item.version) == ("accepted", 1)
        assert item.note.endswith("(completing an acceptance that had stopped part-way)")
