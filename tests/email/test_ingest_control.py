"""Issue 14, item 12 on the email channel: a reply holding U+0000 is kept and queued for review,
never dropped and never a crash, on SQLite files and the real PostgreSQL server alike.

Before, on PostgreSQL, a NUL in an answer (or in the Message-ID header) failed the whole batch
with a four-line driver message, and the raw reply was not stored at all."""

from __future__ import annotations

import pytest
from mailtools import CLEAN_LINES, enrol, open_spec, received, reply

from surveykit.cli import main
from surveykit.storage import open_store


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path, monkeypatch) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/responses.db"
    monkeypatch.setenv("SURVEYKIT_SECRET", "a test secret that is long enough to use")
    return request.getfixturevalue("postgres_url")


def test_a_reply_with_a_nul_in_an_answer_goes_to_review(db, tmp_path, capsys):
    """Question 3 answered with a U+0000 in it: stored as received (sealed), queued for review
    with the reason in plain words, no submission."""
    spec = open_spec(tmp_path)
    secret = enrol(db, spec)
    raw = reply(lines=(*CLEAN_LINES, "Q3: Working together\x00 across places"))
    path = tmp_path / "nul.eml"
    path.write_bytes(raw)
    assert main(["ingest", str(spec), "--db", db, str(path)]) == 0
    assert capsys.readouterr().out.startswith(
        "Read 1 message: 0 submitted, 1 sent to review (1 not_clean)."
    )
    with open_store(db) as store:
        assert received(store, 1, secret) == raw
        [item] = store.review_items("taking-stock")
        assert item.message == 1
        assert (
            "Question 3: the answer contains a control character (U+0000), which cannot be "
            "accepted; remove it"
        ) in item.detail
        assert "\x00" not in item.detail
        assert store.response(item.respondent_id) is None


def test_a_nul_in_the_message_id_does_not_stop_the_reply_being_kept(db, tmp_path, capsys):
    """A Message-ID holding U+0000 is not a message id: the reply is stored and submitted."""
    spec = open_spec(tmp_path)
    enrol(db, spec)
    path = tmp_path / "id.eml"
    path.write_bytes(reply(message_id="<r\x001@kent.example>"))
    assert main(["ingest", str(spec), "--db", db, str(path)]) == 0
    assert capsys.readouterr().out == "Read 1 message: 1 submitted, 0 sent to review.\n"
    with open_store(db) as store:
        message = store.message(1)
        assert message.status == "submitted"
        assert message.message_id is None
