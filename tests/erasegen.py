"""A consultation's store with one person to find or erase (Ada) and a colleague who must be
left alone (Bob), for the subject access and erasure tests.

Everything goes through the real store and the email channel's real sealing: Ada has a link,
a web response and an emailed second version, a draft, an invitation, a reply sealed in the
store that quotes Bob, a second email of hers that went to review with no respondent, and audit
records; Bob has his own link, response, email and review item.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import attrs
from attrs import frozen

from surveykit import audit
from surveykit.identity import Respondent, Secret, Token
from surveykit.mailbox import NewReview, NewSending, new_message
from surveykit.storage import Draft, Grant, NewSubmission, Store
from surveykit_email.reference import reference_for
from surveykit_email.sealing import MARK, Seal

ROOT = Path(__file__).resolve().parent.parent
CONSULTATION = "taking-stock"
SECRET_TEXT = "erase-tests-secret-0123456789abcdefghijklmnop"
T0 = dt.datetime(2015, 2, 2, 9, 30, tzinfo=dt.UTC)
ADA_NAME = "Ada Quimby-Erasewell"
ADA_EMAIL = "ada.erasewell@kent.example"
BOB_NAME = "Bob Keepington"
BOB_EMAIL = "bob.keepington@kent.example"
#: What only Ada wrote, in her web answers and in her email.
ADA_WORDS = "Peer challenge <b>helped</b> us most"
ADA_MAIL_WORDS = "My emailed answer: more regional support please"
QUOTED_BOB = "Bob Keepington wrote:\r\n> I think the peer review was useful"
BOB_MAIL_WORDS = "Bob's own reply about finance teams"


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def secret() -> Secret:
    return Secret(SECRET_TEXT.encode(), "the tests")


@frozen
class Planted:
    """What was stored, and the ids and bytes the tests look for."""

    ada: Respondent
    bob: Respondent
    ada_token: str
    bob_token: str
    ada_messages: tuple[int, ...]
    bob_message: int
    #: The sealed bytes of each of Ada's stored messages, as the store holds them.
    ada_sealed: tuple[bytes, ...]

    def ada_identifiers(self, key: Secret) -> dict[str, bytes]:
        """Each thing that identifies Ada, as the bytes a scan looks for."""
        return {
            "name": ADA_NAME.encode(),
            "email": ADA_EMAIL.encode(),
            "token": self.ada_token.encode(),
            "token hash": key.hash(Token(self.ada_token)).encode(),
            "reference": reference_for(key, self.ada.id).encode(),
        }


def _raw(sender: str, name: str, n: int, body: str) -> bytes:
    return (
        f"From: {name} <{sender}>\r\nTo: consult@lga.example\r\nSubject: Taking stock {n}\r\n"
        f"Message-ID: <erase-{n}@kent.example>\r\nDate: Mon, 2 Feb 2015 10:00:00 +0000\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def store_mail(store: Store, key: Secret, raw: bytes, n: int):
    new = new_message(CONSULTATION, raw, received_at=at(n), source=f"test {n}")
    return store.add_message(attrs.evolve(new, raw=Seal(key, CONSULTATION).seal(raw)))


def plant(store: Store, key: Secret) -> Planted:
    """Fill ``store`` (bound to ``key``) with Ada's and Bob's data; see the module."""
    store.secret_fingerprint(key.fingerprint)
    ada = Respondent(
        CONSULTATION,
        "Kent County Council",
        "county",
        "leader",
        name=ADA_NAME,
        email=ADA_EMAIL,
        created_at=T0,
        language="en",
    )
    bob = Respondent(
        CONSULTATION,
        "Kent County Council",
        "county",
        "chief_executive",
        name=BOB_NAME,
        email=BOB_EMAIL,
        created_at=T0,
    )
    tokens = Token.new(), Token.new()
    store.grant([Grant(who, key.hash(t), at(0)) for who, t in zip((ada, bob), tokens, strict=True)])
    for who in (ada, bob):
        store.record_sending(
            NewSending(CONSULTATION, who.id, "invitation", 0, at(0), f"<invite-{who.id}@lga>"),
            None,
            lambda: None,
        )
    store.record_release(
        CONSULTATION, published_at=at(1), format="json", threshold=5, public="{}", audit="{}"
    )
    web = {"q1": "all_relevant", "q2": ADA_WORDS, "authority": "Kent County Council"}
    store.append_submission(_submission(ada, web, "web", 2))
    reference = reference_for(key, ada.id)
    body = f"{ADA_MAIL_WORDS}\r\nReference: {reference}\r\n\r\n{QUOTED_BOB}"
    replied = store_mail(store, key, _raw(ADA_EMAIL, ADA_NAME, 1, body), 3)
    emailed = {**web, "q2": ADA_MAIL_WORDS}
    store.append_submission(_submission(ada, emailed, "email", 3, message=replied.id))
    stray = store_mail(store, key, _raw(ADA_EMAIL.upper(), ADA_NAME, 2, "Did my answer arrive?"), 4)
    store.add_review(NewReview(CONSULTATION, stray.id, "no_reference", "no reference", at(4)))
    store.save_draft(Draft(ada.id, {"q1": "none_relevant"}, at(5)))
    bobs = store_mail(store, key, _raw(BOB_EMAIL, BOB_NAME, 3, BOB_MAIL_WORDS), 6)
    store.add_review(NewReview(CONSULTATION, bobs.id, "unclear_text", "q3", at(6), bob.id))
    store.append_submission(_submission(bob, {"q1": "some_relevant"}, "web", 7))
    store.record_release(
        CONSULTATION, published_at=at(8), format="html", threshold=5, public="{}", audit="{}"
    )
    for who in (ada, bob):
        audit.record(
            store,
            CONSULTATION,
            audit.PAPER_ENTER,
            secret=key,
            respondent_id=who.id,
            detail=f"entry for {'ada' if who is ada else 'bob'}",
            clock=lambda: at(9),
        )
    sealed = tuple(store.message(m).raw for m in (replied.id, stray.id))
    return Planted(
        ada,
        bob,
        tokens[0].value,
        tokens[1].value,
        (replied.id, stray.id),
        bobs.id,
        sealed,
    )


def _submission(who: Respondent, answers: dict, channel: str, minute: int, **kw) -> NewSubmission:
    return NewSubmission(CONSULTATION, who.id, answers, channel, at(minute), at(minute), **kw)


def ciphertexts(sealed: tuple[bytes, ...]) -> dict[str, bytes]:
    """A 48-byte run from inside each sealed message: found in a scan only if the row is."""
    return {
        f"sealed message {n}": raw[len(MARK) + 12 : len(MARK) + 60] for n, raw in enumerate(sealed)
    }


def scan(blob: bytes, needles: dict[str, bytes]) -> set[str]:
    """The names of the needles found in ``blob``."""
    return {name for name, needle in needles.items() if needle in blob}


def sqlite_bytes(path: Path) -> bytes:
    """The database file and its write-ahead log (if any), as they are on disk."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def libpq_url(store_url: str) -> tuple[str, str]:
    """The plain libpq URL and the schema of a test store's URL (``?schema=...``)."""
    parts = urlsplit(store_url)
    schema = re.search(r"schema=([a-z0-9_]+)", parts.query).group(1)
    return urlunsplit(parts._replace(query="")), schema


def spec_file(tmp_path: Path) -> Path:
    """Taking Stock, as the CLI reads it."""
    path = tmp_path / "taking_stock.toml"
    path.write_text((ROOT / "specs" / "taking_stock.toml").read_text(encoding="utf-8"), "utf-8")
    return path


def environment(monkeypatch) -> None:
    """The deployment the CLI sees: the tests' secret and a named officer."""
    monkeypatch.setenv("SURVEYKIT_SECRET", SECRET_TEXT)
    monkeypatch.setenv(audit.OFFICER_ENV, "Officer Siân")
    for name in ("SURVEYKIT_DB", "SURVEYKIT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
