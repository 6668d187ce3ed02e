"""``surveykit erase`` on a real SQLite file and the real PostgreSQL server, and proof that what
it removes is gone from the bytes: the SQLite file and its write-ahead log, and a ``pg_dump``
of the test's schema.  Each scan is also run before the erasure (it must find Ada then), so a
scan that could never find anything fails."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from erasegen import (
    ADA_EMAIL,
    ADA_NAME,
    BOB_EMAIL,
    BOB_NAME,
    CONSULTATION,
    ciphertexts,
    environment,
    libpq_url,
    plant,
    scan,
    secret,
    spec_file,
    sqlite_bytes,
    store_mail,
)
from surveykit import audit
from surveykit.audit import subject_hash
from surveykit.cli import main
from surveykit.storage import open_store

#: Never stored in clear, so never found, before or after: the token (only its keyed hash is
#: kept) and the reference (worked out from the respondent id with the secret when needed).
NEVER_STORED = {"token", "reference"}


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


def erase(tmp_path, db, *extra: str) -> int:
    argv = ["erase", str(spec_file(tmp_path)), "--db", db, *extra]
    return main(argv)


def _dump(db: str) -> bytes:
    """``pg_dump`` of the test's schema only: every live row, as text."""
    url, schema = libpq_url(db)
    done = subprocess.run(
        ["/usr/bin/pg_dump", "--dbname", url, "--schema", schema, "--no-owner"],
        capture_output=True,
        check=True,
    )
    return done.stdout


def _bytes_of(db: str) -> bytes:
    if db.startswith("sqlite"):
        return sqlite_bytes(_sqlite_path(db))
    return _dump(db)


def _sqlite_path(db: str) -> Path:
    return Path(db.removeprefix("sqlite:///"))


def _needles(planted, db: str) -> dict[str, bytes]:
    needles = planted.ada_identifiers(secret())
    for name, run in ciphertexts(planted.ada_sealed).items():
        # pg_dump writes bytea as hex; SQLite keeps the bytes as they are.
        needles[name] = run if db.startswith("sqlite") else run.hex().encode()
    return needles


# Proof it is gone ---------------------------------------------------------------------------


@pytest.mark.parametrize("keep", [False, True], ids=["answers removed", "answers kept"])
def test_after_erasure_no_byte_of_ada_is_left(tmp_path, db, planted, keep, capsys):
    """Before: the scan finds Ada's name, address, link hash and sealed mail (the token and
    reference are never stored).  After ``erase --yes``: none of them, in the SQLite file and
    its WAL, or in a pg_dump; Bob's name and address are still found, so the scan still reads
    the data."""
    needles = _needles(planted, db)
    before = scan(_bytes_of(db), needles)
    assert before == set(needles) - NEVER_STORED
    others = {"bob name": BOB_NAME.encode(), "bob email": BOB_EMAIL.encode()}
    assert scan(_bytes_of(db), others) == set(others)
    extra = ["--keep-answers"] if keep else []
    assert erase(tmp_path, db, "--email", ADA_EMAIL, "--yes", *extra) == 0
    capsys.readouterr()
    assert scan(_bytes_of(db), needles) == set()
    assert scan(_bytes_of(db), others) == set(others)


def test_the_sqlite_wal_is_emptied_and_freed_pages_hold_nothing(tmp_path, monkeypatch):
    """With another connection holding the file open, the erasure still leaves the WAL empty
    and the file vacuumed: Ada's name is in neither, though it was in the WAL before."""
    environment(monkeypatch)
    path = tmp_path / "open.db"
    db = f"sqlite:///{path}"
    with open_store(db) as store:
        planted = plant(store, secret())
        watcher = sqlite3.connect(path)  # keeps the WAL from being removed at close
        watcher.execute("SELECT count(*) FROM respondents").fetchall()
        wal = path.with_name(path.name + "-wal")
        assert ADA_NAME.encode() in wal.read_bytes()
        counts = store.erase_person(planted.ada.id, keep_answers=False)
        assert counts.scrubbed
        assert wal.stat().st_size == 0
        assert ADA_NAME.encode() not in path.read_bytes()
        free = watcher.execute("PRAGMA freelist_count").fetchone()[0]
        assert free == 0
        watcher.close()


@pytest.fixture
def insecure_sqlite(monkeypatch):
    """Every connection the SQLite store opens has ``secure_delete`` off, as SQLite's own
    default is (Debian builds it on): erasure must not depend on how SQLite was built."""
    import surveykit_sqlite.store as sqlite_store

    real = sqlite_store.connect

    def connect(path, synchronous="full"):
        conn = real(path, synchronous)
        conn.execute("PRAGMA secure_delete = OFF")
        return conn

    monkeypatch.setattr(sqlite_store, "connect", connect)


@pytest.mark.parametrize("scrubbed", [True, False], ids=["scrubbed", "control: not scrubbed"])
def test_freed_pages_hold_nothing_whatever_sqlite_was_built_with(
    tmp_path, monkeypatch, insecure_sqlite, scrubbed
):
    """With secure_delete off everywhere, the erasure's own overwrite and VACUUM still leave
    no byte of Ada.  The control skips them (deleting the rows only) and the scan then finds
    her in the freed space: the scan can see what a plain DELETE leaves behind."""
    environment(monkeypatch)
    path = tmp_path / "insecure.db"
    with open_store(f"sqlite:///{path}") as store:
        planted = plant(store, secret())
    with open_store(f"sqlite:///{path}") as store:
        if not scrubbed:
            monkeypatch.setattr(store, "_scrub", lambda: True)
            monkeypatch.setattr(store, "_erasing", store._write)
        store.erase_person(planted.ada.id, keep_answers=False, messages=planted.ada_messages)
        assert store.respondent(planted.ada.id) is None
    found = scan(sqlite_bytes(path), _needles(planted, "sqlite"))
    if scrubbed:
        assert found == set()
    else:
        assert {"name", "email", "token hash"} <= found


def test_postgresql_data_files_keep_no_dead_copy(postgres_url, monkeypatch):
    """After the rewrite the respondents table's own pages (read with pageinspect, dead tuples
    and free space included) hold none of Ada's bytes: VACUUM FULL gave it a new file with live
    rows only.  Before, they are there."""
    environment(monkeypatch)
    with open_store(postgres_url) as store:
        planted = plant(store, secret())
    url, schema = libpq_url(postgres_url)
    needles = {"name": ADA_NAME.encode(), "email": ADA_EMAIL.encode()}
    assert _page_scan(url, schema, needles) == set(needles)
    with open_store(postgres_url) as store:
        store.erase_person(planted.ada.id, keep_answers=True)
    assert _page_scan(url, schema, needles) == set()


def _page_scan(url: str, schema: str, needles: dict[str, bytes]) -> set[str]:
    """The needles found in any page of the schema's respondents table, as stored."""
    table = f"{schema}.respondents"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE EXTENSION IF NOT EXISTS pageinspect SCHEMA {}").format(
                sql.Identifier(schema)
            )
        )
        home = conn.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension "
            "WHERE extname = 'pageinspect'"
        ).fetchone()[0]
        pages = conn.execute(
            "SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int", (table,)
        ).fetchone()[0]
        raw_page = sql.SQL("SELECT {}.get_raw_page(%s, %s)").format(sql.Identifier(home))
        found: set[str] = set()
        for page in range(pages):
            found |= scan(bytes(conn.execute(raw_page, (table, page)).fetchone()[0]), needles)
        return found


# The command --------------------------------------------------------------------------------


def test_erase_asks_first_and_a_no_erases_nothing(tmp_path, db, planted, monkeypatch, capsys):
    """Without --yes the officer is asked; answering no leaves everything as it was."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("n\n"))
    assert erase(tmp_path, db, "--email", ADA_EMAIL) != 0
    assert "Erase Ada Quimby-Erasewell" in capsys.readouterr().out
    with open_store(db) as store:
        assert store.respondent(planted.ada.id) == planted.ada
        assert [e.action for e in store.audit_log(CONSULTATION)][-1] == audit.PAPER_ENTER


def test_erase_records_the_choice_and_reports_what_went(tmp_path, db, planted, capsys):
    """Removed answers: two versions, two emails (the reply and the stray one found by its
    From address in capitals), the stray one's review item, one sending; an ERASE record
    naming her by hash with the choice made.  Bob keeps everything."""
    assert erase(tmp_path, db, "--email", ADA_EMAIL.upper(), "--yes") == 0
    out = capsys.readouterr().out
    assert "answers_removed=2" in out
    assert "emails=2" in out
    assert "reviews=1" in out
    with open_store(db) as store:
        last = list(store.audit_log(CONSULTATION))[-1]
        assert (last.action, last.detail) == (audit.ERASE, "answers removed")
        assert last.subject == subject_hash(secret(), "respondent", planted.ada.id)
        assert store.count_responses(CONSULTATION) == 1
        assert [r.id for r in store.respondents(CONSULTATION)] == [planted.bob.id]
        assert [m.id for m in store.messages(CONSULTATION)] == [planted.bob_message]
        assert [i.respondent_id for i in store.review_items(CONSULTATION, None)] == [planted.bob.id]
        assert len(store.releases(CONSULTATION)) == 2


def test_kept_answers_are_still_counted_and_recorded_as_kept(tmp_path, db, planted, capsys):
    """--keep-answers: the report still counts two responses, her answers unchanged, and
    the record says the answers were kept."""
    with open_store(db) as store:
        before = sorted(str(s.answers) for s in store.iter_responses(CONSULTATION))
    assert erase(tmp_path, db, "--reference", _reference(planted), "--keep-answers", "--yes") == 0
    capsys.readouterr()
    with open_store(db) as store:
        assert sorted(str(s.answers) for s in store.iter_responses(CONSULTATION)) == before
        assert store.respondent(planted.ada.id) is None
        last = list(store.audit_log(CONSULTATION))[-1]
        assert (last.action, last.detail) == (audit.ERASE, "answers kept")


def _reference(planted) -> str:
    from surveykit_email.reference import reference_for

    return reference_for(secret(), planted.ada.id)


def test_mail_from_someone_who_is_no_respondent_can_be_erased(tmp_path, db, planted, capsys):
    """An address no respondent has, with stored mail from it: only that mail goes, and the
    record names the address by hash."""
    with open_store(db) as store:
        raw = b"From: Stranger <stranger@elsewhere.example>\r\nSubject: hi\r\n\r\nhello\r\n"
        stranger = store_mail(store, secret(), raw, 20)
    assert erase(tmp_path, db, "--email", "stranger@elsewhere.example", "--yes") == 0
    assert "emails=1" in capsys.readouterr().out
    with open_store(db) as store:
        assert store.message(stranger.id) is None
        kept = [*planted.ada_messages, planted.bob_message]
        assert sorted(m.id for m in store.messages(CONSULTATION)) == sorted(kept)
        assert store.respondent(planted.ada.id) == planted.ada
        last = list(store.audit_log(CONSULTATION))[-1]
        assert last.subject == subject_hash(secret(), "email", "stranger@elsewhere.example")


def test_nobody_matching_is_refused(tmp_path, db, planted, capsys):
    """An address nobody has, in no stored mail: a one-line refusal, nothing changed."""
    assert erase(tmp_path, db, "--email", "nobody@nowhere.example", "--yes") == 1
    assert "nobody matches" in capsys.readouterr().err


# Only an erasure may delete -----------------------------------------------------------------


def test_sqlite_still_refuses_every_other_delete(tmp_path, monkeypatch):
    """After migration 6 a plain DELETE of a submission or a message is still refused, and
    an erasure leaves no flag behind that would let one through."""
    environment(monkeypatch)
    path = tmp_path / "t.db"
    with open_store(f"sqlite:///{path}") as store:
        planted = plant(store, secret())
        store.erase_person(planted.ada.id, keep_answers=False)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM erasing").fetchone() == (0,)
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM submissions")
        with pytest.raises(sqlite3.IntegrityError, match="ever dropped"):
            conn.execute("DELETE FROM mail_messages")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE submissions SET answers = '{}'")


def test_postgresql_still_refuses_every_other_delete(postgres_url, monkeypatch):
    """Without ``surveykit.erasing`` set in the transaction, DELETE, UPDATE and TRUNCATE are
    refused; the setting does not outlive the erasure's transaction."""
    environment(monkeypatch)
    with open_store(postgres_url) as store:
        planted = plant(store, secret())
        store.erase_person(planted.ada.id, keep_answers=False)
    url, schema = libpq_url(postgres_url)
    with psycopg.connect(url, autocommit=True) as conn:
        for statement, table in (
            ("DELETE FROM {}", "submissions"),
            ("DELETE FROM {}", "mail_messages"),
            ("UPDATE {} SET channel = 'paper'", "submissions"),
            ("TRUNCATE {}", "submissions"),
        ):
            with pytest.raises(psycopg.errors.RaiseException):
                conn.execute(sql.SQL(statement).format(sql.Identifier(schema, table)))
        with conn.transaction():
            conn.execute("SELECT set_config('surveykit.erasing', 'on', true)")
        setting = conn.execute("SELECT current_setting('surveykit.erasing', true)").fetchone()
        assert setting[0] in (None, "")
