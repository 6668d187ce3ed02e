"""The officers' audit trail: each officer command appends exactly its record, on real SQLite
files and the real PostgreSQL server; records name people only by a keyed hash; the database
itself refuses to change or remove them; ``surveykit audit-log`` shows them."""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import io
import json
import sqlite3
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from surveykit import audit
from surveykit.audit import ACTIONS, AuditEntry, officer, subject_hash
from surveykit.cli import main
from surveykit.errors import StorageError
from surveykit.identity import Secret, load_secret
from surveykit.storage import open_store
from surveykit_email.reference import reference_for
from surveykit_memory.store import MemoryStore

ROOT = Path(__file__).resolve().parents[1]
SECRET = "audit-tests-secret-0123456789-abcdefghijkl"
ROSTER = """authority,authority_type,role,name,email
Kent County Council,county,leader,Ada Lovelace,ada@kent.example
Dover District Council,district,leader,Carol Shaw,carol@dover.example
Essex Fire and Rescue,fire_and_rescue,other,Dennis Ritchie,dennis@essex.example
"""
NAMES = ("Ada Lovelace", "Carol Shaw", "Dennis Ritchie", "Carol at home", "Spam Merchant")
ADDRESSES = (
    "ada@kent.example",
    "carol@dover.example",
    "dennis@essex.example",
    "carol@home.example",
    "spam@spam.example",
)
CLEAN_LINES = (
    "A1: Leader",
    "A2: County council",
    "A3: Kent County Council",
    "Q1: Don't know",
    "Q13: Perhaps",
    "Q14: No",
    "B1: Do not quote my response; count it only in totals",
)
ANSWERS = {
    "role": "leader",
    "authority_type": "county",
    "authority": "Kent County Council",
    "q1": "all_relevant",
    "q13": "yes",
    "q14": "no",
    "consent": "quote_anonymous",
}
# One line per question of Taking Stock with every condition false, then "submit".
SKIPPING = ["1", "1", "Kent County Council", *[""] * 18, "1", "submit"]


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path, monkeypatch):
    """A store URL on a real SQLite file or a fresh schema of the real PostgreSQL server."""
    monkeypatch.setenv("SURVEYKIT_SECRET", SECRET)
    monkeypatch.setenv(audit.OFFICER_ENV, "Officer Siân")
    for name in ("SURVEYKIT_DB", "SURVEYKIT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/responses.db"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def spec(tmp_path) -> Path:
    """Taking Stock, open until 2099 so it can be answered while the tests run."""
    text = (ROOT / "specs" / "taking_stock.toml").read_text(encoding="utf-8")
    path = tmp_path / "taking_stock_open.toml"
    path.write_text(text.replace("closes = 2015-03-13", "closes = 2099-12-31"), encoding="utf-8")
    return path


@pytest.fixture
def issued(spec, db, tmp_path, capsys):
    """The roster imported with ``tokens issue``: the links file's rows."""
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    assert issue(spec, db, roster, tmp_path / "links.csv") == 0
    capsys.readouterr()
    with (tmp_path / "links.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def issue(spec, db, roster, out, *extra: str) -> int:
    argv = ["tokens", "issue", str(spec), "--db", db, "--roster", str(roster), "--out", str(out)]
    return main([*argv, *extra])


def internal_report(spec: Path, db: str, out: Path) -> int:
    argv = ["report", str(spec), "--db", db, "--format", "json", "--out", str(out)]
    return main([*argv, "--internal"])


def log(db: str) -> list[AuditEntry]:
    with open_store(db) as store:
        return list(store.audit_log("taking-stock"))


def rid_of(db: str, email: str) -> str:
    with open_store(db) as store:
        return next(r.id for r in store.respondents("taking-stock") if r.email == email)


def hashed(kind: str, value: str) -> str:
    return subject_hash(Secret(SECRET.encode(), "tests"), kind, value)


def reply(sender: str, message_id: str, lines: tuple[str, ...], reference: str = "") -> bytes:
    headers = [f"From: {sender}", "To: consult@lga.example", "Subject: Re: Taking stock"]
    headers += [f"Message-ID: {message_id}", "Date: Thu, 12 Mar 2015 16:30:00 +0000"]
    text = [f"Reference: {reference}"] if reference else []
    return "\r\n".join([*headers, "", *text, *lines, ""]).encode("utf-8")


def raw_audit_rows(db: str) -> list[tuple]:
    """Every row of the audit table as the database holds it, read without surveykit."""
    if db.startswith("sqlite:///"):
        with sqlite3.connect(db.removeprefix("sqlite:///")) as conn:
            return conn.execute("SELECT * FROM audit_log").fetchall()
    url, schema = _postgres(db)
    with psycopg.connect(url) as conn:
        table = sql.Identifier(schema, "audit_log")
        return conn.execute(sql.SQL("SELECT * FROM {}").format(table)).fetchall()


def _postgres(db: str) -> tuple[str, str]:
    base, query = db.split("?", 1)
    params = dict(pair.split("=", 1) for pair in query.split("&"))
    return base, params["schema"]


# Each command appends exactly its record ----------------------------------------------------


def test_a_roster_import_and_a_reissue_each_append_one_record(spec, db, tmp_path, issued):
    """``tokens issue`` records a roster import with its counts; ``--reissue`` a reissue."""
    [first] = log(db)
    assert (first.action, first.officer, first.subject) == (
        "roster.import",
        "Officer Siân",
        None,
    )
    assert first.detail == "new=3, reissued=0, kept=0"
    assert first.consultation == "taking-stock"
    assert first.recorded_at.utcoffset() == dt.timedelta(0)
    roster = tmp_path / "roster.csv"
    assert issue(spec, db, roster, tmp_path / "again.csv", "--reissue") == 0
    assert [(e.action, e.detail) for e in log(db)[1:]] == [
        ("token.reissue", "new=0, reissued=3, kept=0")
    ]


def test_submitting_a_file_appends_one_record_on_its_respondent(spec, db, tmp_path, issued):
    """``surveykit submit`` records the respondent's hashed id, the channel and version."""
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ANSWERS), encoding="utf-8")
    token = issued[0]["token"]
    argv = ["submit", str(spec), "--db", db, "--token", token, "--answers", str(answers)]
    assert main([*argv, "--channel", "paper", "--received-at", "2015-03-12"]) == 0
    new = log(db)[1:]
    ada = rid_of(db, "ada@kent.example")
    assert [(e.action, e.subject, e.detail) for e in new] == [
        ("submit.file", hashed("respondent", ada), "paper, version 1")
    ]


def test_keying_in_a_letter_appends_one_record(spec, db, issued, monkeypatch, capsys):
    """``surveykit enter`` records the respondent keyed in for, and how the form ended."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{x}\n" for x in SKIPPING)))
    argv = ["enter", str(spec), "--db", db, "--respondent", "carol@dover.example"]
    assert main([*argv, "--received-at", "2015-03-12"]) == 0
    capsys.readouterr()
    carol = rid_of(db, "carol@dover.example")
    assert [(e.action, e.subject, e.detail) for e in log(db)[1:]] == [
        ("paper.enter", hashed("respondent", carol), "paper, exit status 0")
    ]


def test_an_internal_report_appends_one_record_and_a_public_one_none(
    spec, db, tmp_path, issued, capsys
):
    """``report --internal`` is recorded (on no one person); a public report is not."""
    base = ["report", str(spec), "--db", db, "--format", "json"]
    assert main([*base, "--out", str(tmp_path / "INTERNAL.json"), "--internal"]) == 0
    assert [(e.action, e.subject, e.detail) for e in log(db)[1:]] == [
        ("report.internal", None, "format json")
    ]
    main([*base, "--out", str(tmp_path / "public.json")])
    capsys.readouterr()
    assert len(log(db)) == 2


@pytest.fixture
def queued(spec, db, tmp_path, issued, capsys):
    """Three replies waiting for review: Ada's unclear one, Carol from home, and spam."""
    secret = load_secret(None)
    ada = rid_of(db, "ada@kent.example")
    files = []
    reference = reference_for(secret, ada)
    for n, raw in enumerate(
        (
            reply("Ada Lovelace <ada@kent.example>", "<a@kent>", CLEAN_LINES, reference),
            reply("Carol at home <carol@home.example>", "<c@home>", CLEAN_LINES),
            reply("Spam Merchant <spam@spam.example>", "<s@x>", ("Buy now",)),
        ),
        1,
    ):
        path = tmp_path / f"{n}.eml"
        path.write_bytes(raw)
        files.append(str(path))
    assert main(["ingest", str(spec), "--db", db, *files]) == 0
    capsys.readouterr()
    assert len(log(db)) == 1
    return ada


def review(spec, db, *args: str) -> int:
    command, *rest = args
    return main(["review", command, str(spec), "--db", db, *rest])


def test_each_review_action_appends_one_record_on_whom_it_concerns(spec, db, queued, capsys):
    """Showing, accepting and rejecting each record the item, and the respondent (or, when
    none was found, the sender's address) as a hash; listing the queue records nothing."""
    ada = queued
    assert review(spec, db, "list") == 0
    assert review(spec, db, "show", "1") == 0
    assert review(spec, db, "show", "2", "--raw") == 0
    assert review(spec, db, "accept", "1", "--set", "13=Yes") == 0
    assert review(spec, db, "reject", "3", "--why", "spam") == 0
    capsys.readouterr()
    assert [(e.action, e.subject, e.detail) for e in log(db)[1:]] == [
        ("review.show", hashed("respondent", ada), "item 1"),
        ("review.show", hashed("email", "Carol@Home.example"), "item 2, raw"),
        ("review.accept", hashed("respondent", ada), "item 1, version 1"),
        ("review.reject", hashed("email", "spam@spam.example"), "item 3"),
    ]


def test_a_refused_action_records_nothing(spec, db, queued, capsys):
    """An item that does not exist, or a second acceptance, leaves the log as it was."""
    assert review(spec, db, "show", "99") == 1
    assert review(spec, db, "reject", "99", "--why", "no") == 1
    assert review(spec, db, "accept", "3") == 1
    capsys.readouterr()
    assert len(log(db)) == 1


def test_no_record_holds_a_name_an_address_a_token_or_a_reference(
    spec, db, tmp_path, issued, queued, capsys
):
    """After every wired command, the audit table's raw rows contain none of the people's
    names, email addresses, links' tokens or references, in any case."""
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ANSWERS), encoding="utf-8")
    for row in issued:
        argv = ["submit", str(spec), "--db", db, "--token", row["token"], "--answers", str(answers)]
        assert main(argv) == 0
    for args in (("show", "1"), ("show", "2"), ("accept", "1", "--set", "13=Yes")):
        assert review(spec, db, *args) == 0
    assert review(spec, db, "reject", "2", "3", "--why", "not a reply") == 0
    assert internal_report(spec, db, tmp_path / "INTERNAL.json") == 0
    capsys.readouterr()
    secret = load_secret(None)
    with open_store(db) as store:
        people = list(store.respondents("taking-stock"))
    references = [reference_for(secret, p.id) for p in people]
    tokens = [row["token"] for row in issued]
    forbidden = [*NAMES, *ADDRESSES, *tokens, *references, *(p.id for p in people)]
    rows = raw_audit_rows(db)
    assert len(rows) == len(log(db)) == 1 + 3 + 4 + 1 + 1
    text = "\n".join(repr(row) for row in rows).casefold()
    for value in forbidden:
        assert value.casefold() not in text, value
        for part in value.split():
            if len(part) > 3:
                assert part.casefold() not in text, part


# The officer --------------------------------------------------------------------------------


def test_the_officer_is_named_by_the_environment_first():
    """SURVEYKIT_OFFICER, trimmed, wins over the operating-system user."""
    assert officer({"SURVEYKIT_OFFICER": "  J. Smith (planning) "}) == "J. Smith (planning)"


def test_without_the_variable_the_officer_is_the_os_user(spec, db, issued, monkeypatch, capsys):
    """With SURVEYKIT_OFFICER unset (or blank) the login name is recorded, as getpass finds
    it (LOGNAME first)."""
    monkeypatch.setenv(audit.OFFICER_ENV, "  ")
    monkeypatch.setenv("LOGNAME", "jsmith")
    assert getpass.getuser() == "jsmith"
    assert review(spec, db, "list") == 0
    assert internal_report(spec, db, Path(spec).with_name("INTERNAL.json")) == 0
    capsys.readouterr()
    assert [e.officer for e in log(db)] == ["Officer Siân", "jsmith"]


def test_an_officer_nobody_can_name_is_unknown(monkeypatch):
    """When the operating system cannot say who runs the command either, "unknown"."""

    def no_user() -> str:
        raise OSError("No username set in the environment")

    monkeypatch.setattr(getpass, "getuser", no_user)
    assert officer({}) == "unknown"


# Hashes -------------------------------------------------------------------------------------


def test_the_same_person_gets_the_same_hash_and_another_secret_another():
    """A subject hash is stable within a deployment, case-blind for addresses, kind-specific,
    and unrelated between deployments."""
    one, other = Secret(SECRET.encode(), "a"), Secret(b"x" * 40, "b")
    assert subject_hash(one, "email", "Ada@Kent.example ") == subject_hash(
        one, "email", "ada@kent.example"
    )
    assert subject_hash(one, "respondent", "r1") != subject_hash(one, "reference", "r1")
    assert subject_hash(one, "respondent", "r1") != subject_hash(other, "respondent", "r1")
    assert len(subject_hash(one, "respondent", "r1")) == 64
    with pytest.raises(ValueError, match="a subject is one of"):
        subject_hash(one, "name", "Ada")


def test_naming_a_person_without_the_secret_is_refused():
    """A record cannot fall back on a person's details when no secret is given."""
    with MemoryStore() as store, pytest.raises(ValueError, match="needs the deployment secret"):
        audit.record(store, "c1", audit.REVIEW_SHOW, email="ada@kent.example")


def test_an_entry_refuses_what_must_never_be_stored():
    """A naive time, an unknown action, anything but a hash as the subject, and a detail that
    is long or spans lines are refused before reaching a store."""
    when = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    AuditEntry("c1", when, "me", "erase", "ab" * 32, "kept answers")
    for bad in (
        {"recorded_at": dt.datetime(2030, 1, 1)},
        {"action": "review.delete"},
        {"subject": "ada@kent.example"},
        {"subject": "AB" * 32},
        {"detail": "line\nbreak"},
        {"detail": "x" * 201},
        {"officer": ""},
    ):
        fields = {"consultation": "c1", "recorded_at": when, "officer": "me", "action": "erase"}
        with pytest.raises((ValueError, TypeError)):
            AuditEntry(**{**fields, **bad})


def test_the_codes_later_commands_need_are_defined_once():
    """subject_access, erase and purge have their codes, so those commands call record()."""
    assert {audit.SUBJECT_ACCESS, audit.ERASE, audit.PURGE} <= set(ACTIONS)
    assert len(ACTIONS) == 11


def test_a_store_without_an_audit_log_refuses_to_lose_a_record():
    """A third-party store written before the audit trail still opens and works, but an
    officer action on it is refused rather than left unrecorded."""
    from surveykit.storage import Store

    class OldStore(MemoryStore):
        record_audit = Store.record_audit
        audit_log = Store.audit_log

    with OldStore() as store:
        with pytest.raises(StorageError, match="OldStore keeps no audit log"):
            audit.record(store, "c1", audit.REPORT_INTERNAL)
        with pytest.raises(StorageError, match="keeps no audit log"):
            store.audit_log("c1")


# The database refuses changes ---------------------------------------------------------------


def test_sqlite_itself_refuses_to_update_or_delete_an_audit_record(spec, tmp_path, monkeypatch):
    """Straight SQL on the file, bypassing surveykit, cannot change or remove a record."""
    path = tmp_path / "direct.db"
    with open_store(f"sqlite:///{path}") as store:
        store.record_audit(AuditEntry("c1", dt.datetime.now(dt.UTC), "me", "purge"))
    with sqlite3.connect(path) as conn:
        for statement in (
            "UPDATE audit_log SET officer = 'someone else'",
            "DELETE FROM audit_log",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="the audit log is append-only"):
                conn.execute(statement)
        assert conn.execute("SELECT officer FROM audit_log").fetchall() == [("me",)]


def test_postgresql_itself_refuses_to_update_delete_or_truncate_the_audit_log(postgres_url):
    """Straight SQL on the server cannot change, remove or truncate a record."""
    with open_store(postgres_url) as store:
        store.record_audit(AuditEntry("c1", dt.datetime.now(dt.UTC), "me", "purge"))
    url, schema = _postgres(postgres_url)
    table = sql.Identifier(schema, "audit_log")
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in (
            "UPDATE {} SET officer = 'someone else'",
            "DELETE FROM {}",
            "TRUNCATE {}",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(sql.SQL(statement).format(table))
        rows = conn.execute(sql.SQL("SELECT officer FROM {}").format(table)).fetchall()
        assert rows == [("me",)]


# surveykit audit-log -------------------------------------------------------------------------


def test_the_audit_log_command_shows_a_table_and_json(spec, db, queued, capsys):
    """Oldest first, in the consultation's time zone, subjects shortened in the table and
    whole in JSON; --since keeps what was recorded from that day on."""
    assert review(spec, db, "show", "1") == 0
    capsys.readouterr()
    assert main(["audit-log", str(spec), "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "when",
        "(Europe/London)",
        "officer",
        "action",
        "on",
        "whom",
        "detail",
    ]
    assert len(lines) == 3
    assert "Officer Siân" in lines[1]
    assert "roster.import" in lines[1]
    assert lines[1].endswith("new=3, reissued=0, kept=0")
    subject = hashed("respondent", queued)
    assert f"review.show      {subject[:12]}  item 1" in lines[2]
    assert subject not in lines[2]

    assert main(["audit-log", str(spec), "--db", db, "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [e["action"] for e in entries] == ["roster.import", "review.show"]
    assert entries[1]["subject"] == subject
    assert entries[1]["officer"] == "Officer Siân"
    assert dt.datetime.fromisoformat(entries[1]["when"]).utcoffset() == dt.timedelta(0)

    assert main(["audit-log", str(spec), "--db", db, "--json", "--since", "2099-01-01"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["audit-log", str(spec), "--db", db, "--since", "2099-01-01"]) == 0
    assert capsys.readouterr().out == "No officer action on 'Taking stock' has been recorded.\n"


def test_the_audit_log_command_refuses_a_bad_date(spec, db, capsys):
    """--since takes YYYY-MM-DD, with a usage error saying so."""
    assert main(["audit-log", str(spec), "--db", db, "--since", "last week"]) == 2
    assert "is not a date: write it as 2030-12-31" in capsys.readouterr().err
