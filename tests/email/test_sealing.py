"""Raw messages are sealed at rest: a database without its secret gives away no link."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mailtools import CLEAN_LINES, enrol, open_spec, received, reply

from surveykit import Secret
from surveykit.cli import main
from surveykit.identity import Token
from surveykit.storage import open_store
from surveykit_email.sealing import MARK, Seal, SealError

SECRET = Secret(b"s" * 32, "test")
OTHER = Secret(b"o" * 32, "test")


@given(st.binary(max_size=4000))
def test_what_is_sealed_opens_to_the_same_bytes(raw):
    seal = Seal(SECRET, "taking-stock")
    sealed = seal.seal(raw)
    assert sealed.startswith(MARK)
    assert seal.open(sealed) == raw


@given(st.binary(min_size=32, max_size=400), st.data())
def test_any_change_to_a_sealed_message_is_refused(raw, data):
    sealed = bytearray(Seal(SECRET, "taking-stock").seal(raw))
    position = data.draw(st.integers(len(MARK), len(sealed) - 1))
    sealed[position] ^= data.draw(st.integers(1, 255))
    with pytest.raises(SealError, match="cannot be opened"):
        Seal(SECRET, "taking-stock").open(bytes(sealed))


def test_another_secret_or_consultation_cannot_open_it():
    sealed = Seal(SECRET, "taking-stock").seal(b"From: a@b.example\r\n\r\nYes\r\n")
    for seal in (Seal(OTHER, "taking-stock"), Seal(SECRET, "another-consultation")):
        with pytest.raises(SealError, match="stored message 7 cannot be opened"):
            seal.open(sealed, message_id=7)


def test_a_message_stored_before_sealing_reads_as_it_is():
    legacy = b"From: a@b.example\r\n\r\nYes\r\n"
    assert Seal(SECRET, "taking-stock").open(legacy) == legacy


def stored_bytes(folder: Path) -> bytes:
    """Everything SQLite keeps on disk for the database: the file and its write-ahead log."""
    return b"".join(p.read_bytes() for p in sorted(folder.glob("responses.db*")) if p.is_file())


def test_a_quoted_link_never_reaches_the_database_in_clear(tmp_path, capsys):
    """A reply quoting its invitation (with the respondent's link) is stored sealed; review
    still shows it whole."""
    spec = open_spec(tmp_path)
    db = f"sqlite:///{tmp_path}/responses.db"
    secret = enrol(db, spec)
    token = Token.new().value
    quoted = (f"> Your link: https://consult.example/r/{token}", "> Reply to this email.")
    raw = reply(sender="Someone <someone@elsewhere.example>", lines=(*CLEAN_LINES, *quoted))
    (tmp_path / "reply.eml").write_bytes(raw)
    assert main(["ingest", str(spec), "--db", db, str(tmp_path / "reply.eml")]) == 0
    capsys.readouterr()
    on_disk = stored_bytes(tmp_path)
    assert token.encode() not in on_disk
    assert b"someone@elsewhere.example" not in on_disk
    with open_store(db) as store:
        assert received(store, 1, secret) == raw
    assert main(["review", "show", str(spec), "--db", db, "1", "--raw"]) == 0
    assert capsys.readouterr().out.encode() == raw
