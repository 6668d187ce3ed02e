"""``surveykit subject-access`` on a real SQLite file and the real PostgreSQL server: everything
held about Ada (identity, links, every version, her draft, the mail she sent, its review, her
invitation, the reports that counted her, officers' actions about her), and nothing about Bob,
whose own words she quotes."""

from __future__ import annotations

import json
import stat

import pytest

from erasegen import (
    ADA_EMAIL,
    ADA_MAIL_WORDS,
    ADA_NAME,
    BOB_EMAIL,
    BOB_MAIL_WORDS,
    BOB_NAME,
    CONSULTATION,
    QUOTED_BOB,
    T0,
    environment,
    plant,
    secret,
    spec_file,
    store_mail,
)
from surveykit import audit, subject
from surveykit.audit import subject_hash
from surveykit.cli import main
from surveykit.errors import SurveykitError
from surveykit.identity import Respondent, Token
from surveykit.storage import Grant, open_store
from surveykit_email.reference import reference_for


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path, monkeypatch):
    """A store URL on a real SQLite file or a fresh schema of the real PostgreSQL server."""
    environment(monkeypatch)
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/responses.db"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def planted(db):
    with open_store(db) as store:
        return plant(store, secret())


def access(tmp_path, db, out_name: str, *who: str, fmt: str | None = None) -> int:
    argv = ["subject-access", str(spec_file(tmp_path)), "--db", db, *who]
    argv += ["--out", str(tmp_path / out_name)]
    return main([*argv, *(["--format", fmt] if fmt else [])])


def document(tmp_path, db, *who: str, name: str = "ada.json") -> dict:
    assert access(tmp_path, db, name, *who) == 0
    found = json.loads((tmp_path / name).read_text(encoding="utf-8"))
    found.pop("generated_at")
    return found


def test_the_document_holds_everything_about_her(tmp_path, db, planted, capsys):
    """Identity, her link's times, both versions with their channels, her draft, both emails
    she sent (the stray one found by its From address in capitals), the stray one's review,
    her invitation, the one report published after her first version, and the audit record
    about her."""
    found = document(tmp_path, db, "--email", ADA_EMAIL)
    capsys.readouterr()
    identity = found["identity"]
    assert (identity["name"], identity["email"], identity["role"]) == (
        ADA_NAME,
        ADA_EMAIL,
        "leader",
    )
    assert identity["reference"] == reference_for(secret(), planted.ada.id)
    assert identity["language"] == "en"
    assert found["links"] == [{"issued_at": T0.isoformat(), "revoked_at": None}]
    assert [(v["version"], v["channel"]) for v in found["answers"]] == [(1, "web"), (2, "email")]
    assert found["answers"][1]["answers"]["q2"] == ADA_MAIL_WORDS
    assert found["draft"]["answers"] == {"q1": "none_relevant"}
    texts = [mail["text"] for mail in found["emails"]]
    assert len(texts) == 2
    assert ADA_MAIL_WORDS in texts[0]
    assert "Did my answer arrive?" in texts[1]
    assert [r["reason"] for r in found["reviews"]] == ["no_reference"]
    assert [(s["kind"], s["round"]) for s in found["sendings"]] == [("invitation", 0)]
    assert [r["number"] for r in found["reports"]] == [2]
    assert [(a["action"], a["detail"]) for a in found["audit"]] == [
        (audit.PAPER_ENTER, "entry for ada")
    ]


def test_nothing_about_anyone_else(tmp_path, db, planted, capsys):
    """Bob's address, his own email, his answers, his review item, his audit record and his
    id are nowhere; the reply quoting him is there whole, as Ada's own message.  Her link
    (token or hash) is nowhere either."""
    found = document(tmp_path, db, "--email", ADA_EMAIL)
    capsys.readouterr()
    text = json.dumps(found, ensure_ascii=False)
    for absent in (
        BOB_EMAIL,
        BOB_MAIL_WORDS,
        "some_relevant",
        "unclear_text",
        "entry for bob",
        planted.bob.id,
        planted.ada_token,
        secret().hash(Token(planted.ada_token)),
    ):
        assert absent not in text
    quoted = QUOTED_BOB.replace("\r\n", "\n")
    assert quoted in found["emails"][0]["text"].replace("\r\n", "\n")
    assert BOB_NAME in text  # only inside her own message


def test_a_reference_or_a_link_finds_the_same_person(tmp_path, db, planted, capsys):
    """--reference (typed loosely) and --token (a whole link) lead to the same document as
    --email."""
    by_email = document(tmp_path, db, "--email", ADA_EMAIL, name="a.json")
    reference = reference_for(secret(), planted.ada.id).lower().replace("-", " ")
    by_reference = document(tmp_path, db, "--reference", reference, name="b.json")
    link = f"https://consult.example/r/{planted.ada_token}"
    by_token = document(tmp_path, db, "--token", link, name="c.json")
    capsys.readouterr()
    # Each request is itself recorded about her, so the next document lists it.
    assert [a["action"] for a in by_token.pop("audit")] == [
        audit.PAPER_ENTER,
        audit.SUBJECT_ACCESS,
        audit.SUBJECT_ACCESS,
    ]
    for earlier in (by_email, by_reference):
        earlier.pop("audit")
    assert by_email == by_reference == by_token
    assert [e.action for e in _log(db)[-3:]] == [audit.SUBJECT_ACCESS] * 3


def test_the_html_document_is_escaped_and_private(tmp_path, db, planted, capsys):
    """HTML from the extension: her words appear as text, never as markup; the file is the
    owner's alone."""
    assert access(tmp_path, db, "ada.html", "--email", ADA_EMAIL) == 0
    capsys.readouterr()
    out = tmp_path / "ada.html"
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Peer challenge &lt;b&gt;helped&lt;/b&gt; us most" in page
    assert "<b>helped</b>" not in page
    assert ADA_NAME in page
    assert BOB_EMAIL not in page
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_json_by_format_and_an_existing_file_refused(tmp_path, db, planted, capsys):
    """--format json overrides the extension; an existing --out file is never overwritten."""
    assert access(tmp_path, db, "ada.txt", "--email", ADA_EMAIL, fmt="json") == 0
    json.loads((tmp_path / "ada.txt").read_text(encoding="utf-8"))
    assert access(tmp_path, db, "ada.txt", "--email", ADA_EMAIL, fmt="json") == 1
    assert "already exists" in capsys.readouterr().err


def test_subject_access_is_recorded_on_her(tmp_path, db, planted, capsys):
    """One SUBJECT_ACCESS record naming her by hash, with counts only."""
    document(tmp_path, db, "--email", ADA_EMAIL)
    capsys.readouterr()
    last = _log(db)[-1]
    assert (last.action, last.detail) == (audit.SUBJECT_ACCESS, "versions=2, emails=2")
    assert last.subject == subject_hash(secret(), "respondent", planted.ada.id)


def test_a_shared_address_is_listed_not_guessed(tmp_path, db, planted, capsys):
    """Two respondents with her address: both are listed with their references, nothing is
    written; --reference then chooses."""
    twin = Respondent(CONSULTATION, "Kent County Council", "county", "chief_executive")
    twin = Respondent(**{**_fields(twin), "email": ADA_EMAIL.title(), "name": "Ada's twin"})
    with open_store(db) as store:
        store.grant([Grant(twin, secret().hash(Token.new()), T0)])
    assert access(tmp_path, db, "x.json", "--email", ADA_EMAIL) == 1
    err = capsys.readouterr().err
    assert "2 respondents have the address" in err
    assert reference_for(secret(), planted.ada.id) in err
    assert reference_for(secret(), twin.id) in err
    assert not (tmp_path / "x.json").exists()
    chosen = document(tmp_path, db, "--reference", reference_for(secret(), twin.id))
    assert chosen["identity"]["name"] == "Ada's twin"


def test_a_sender_who_is_no_respondent_gets_their_mail(tmp_path, db, planted, capsys):
    """An address only stored mail has: no identity, just the mail from it."""
    with open_store(db) as store:
        raw = b"From: Stranger <stranger@elsewhere.example>\r\nSubject: hi\r\n\r\nhello there\r\n"
        store_mail(store, secret(), raw, 20)
    found = document(tmp_path, db, "--email", "stranger@elsewhere.example")
    assert access(tmp_path, db, "s.html", "--email", "stranger@elsewhere.example") == 0
    capsys.readouterr()
    assert found["identity"] is None
    assert found["answers"] == []
    assert [m["text"].strip() for m in found["emails"]] == ["hello there"]
    page = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert "You are not a respondent" in page
    assert "hello there" in page
    assert ADA_NAME not in page


def test_stored_mail_is_never_skipped_for_want_of_a_reader(db, planted):
    """Without the email channel's reader, a store holding mail is refused, not searched as
    if it held none."""
    with open_store(db) as store, pytest.raises(SurveykitError, match="email extra"):
        subject.find_person(store, CONSULTATION, secret(), email=ADA_EMAIL, mail=None)


def _fields(who: Respondent) -> dict:
    import attrs

    return attrs.asdict(who)


def _log(db: str) -> list:
    with open_store(db) as store:
        return list(store.audit_log(CONSULTATION))
