"""One person's data: finding them, gathering everything held about them, and what erasing
them takes.

Used by ``surveykit subject-access`` and ``surveykit erase``; pure over the storage API.  A person
is found by their email address (respondents' stored addresses, and the ``From`` address of
every stored message), by their reference (``SK-....``) or by one of their links (hashed as the
stores keep it).  An address two respondents share is never guessed: :class:`Ambiguous` lists
them, with their references, for the officer to choose with ``--reference``.

Stored mail is sealed and its sender is only in its headers, so reading it takes the email
channel: a :class:`MailReader` (the command line builds one from the ``surveykit_email``
plugin; the core imports no plugin).  A person's mail is the mail *they sent*: matched by the
``From`` address only, never by an address quoted or copied in someone else's message, so a
reply quoting a colleague is theirs and the colleague's own email is not.  A message linked to
them in the store (it produced their answers, or an officer named them as its sender) is theirs
too, whoever's address it came from.

Which reports counted them: a release published at or after the instant their first version was
stored counted their current response (reports count every current response); a release
published before it did not.  Erasing a person does not rewrite a release, so a release counts
them if it was published while their response was held, and disclosure control may have
suppressed the cells they fell in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from attrs import field, frozen

from . import audit
from .errors import SurveykitError
from .identity import Respondent, Secret, Token, redact_tokens
from .mailbox import StoredMessage
from .storage import ErasedCounts, Store

__all__ = [
    "Ambiguous",
    "MailReader",
    "Person",
    "ReadMail",
    "erase",
    "find_person",
    "gather",
]

#: The version of the JSON document's layout, so a reader can tell later layouts apart.
DOCUMENT_VERSION = 1


@frozen
class ReadMail:
    """What a person can read of one stored message: its sender and decoded text."""

    sender: str | None
    subject: str | None
    sent_at: dt.datetime | None
    text: str
    attachments: tuple[str, ...] = ()


class MailReader(Protocol):
    """What the email channel lends to find and read a person's mail (and references)."""

    def open(self, message: StoredMessage) -> bytes:
        """The raw bytes a stored (sealed) message was received as."""

    def read(self, raw: bytes) -> ReadMail:
        """The sender and decoded text of raw message bytes; never raises."""

    def reference(self, respondent_id: str) -> str:
        """The respondent's reference (``SK-....``) under the deployment secret."""

    def normal_reference(self, text: str) -> str | None:
        """``text`` as a well-formed reference, normalised, or ``None``."""


class Ambiguous(SurveykitError):
    """An address several respondents share: the officer must choose one by reference."""

    def __init__(self, address: str, choices: list[str]) -> None:
        self.choices = choices
        listed = "\n".join(f"  {c}" for c in choices)
        super().__init__(
            f"{len(choices)} respondents have the address {address}; choose one with "
            f"--reference:\n{listed}"
        )


@frozen
class Person:
    """Who a request is about: a respondent (if any) and the address their mail came from,
    with the ids of the stored messages they sent."""

    consultation: str
    respondent: Respondent | None
    address: str | None
    messages: tuple[int, ...] = ()
    reference: str | None = field(default=None, repr=False)

    @property
    def found(self) -> bool:
        return self.respondent is not None or bool(self.messages)


def _fold(address: str | None) -> str:
    return (address or "").strip().casefold()


def find_person(
    store: Store,
    consultation: str,
    secret: Secret,
    *,
    email: str | None = None,
    reference: str | None = None,
    token: str | None = None,
    mail: MailReader | None = None,
) -> Person:
    """The person an officer named by exactly one of ``email``, ``reference`` or ``token``.

    Raises :class:`Ambiguous` for an address several respondents have, and
    :class:`~surveykit.errors.SurveykitError` when nobody matches, or when stored mail must be
    read and no ``mail`` reader was given.
    """
    given = [
        name
        for name, value in (("email", email), ("reference", reference), ("token", token))
        if value
    ]
    if len(given) != 1:
        raise SurveykitError(
            "name the person by exactly one of an email address, a reference or a link"
        )
    who = _respondent(
        store, consultation, secret, email=email, reference=reference, token=token, mail=mail
    )
    address = _fold(email) if email else _fold(who.email if who else None)
    messages = tuple(_sent_by(store, consultation, who, address, mail))
    ref = mail.reference(who.id) if who is not None and mail is not None else None
    person = Person(consultation, who, address or None, messages, ref)
    if not person.found:
        raise SurveykitError(f"nobody matches that {given[0]} in this consultation")
    return person


def _respondent(
    store: Store,
    consultation: str,
    secret: Secret,
    *,
    email: str | None,
    reference: str | None,
    token: str | None,
    mail: MailReader | None,
) -> Respondent | None:
    if token:
        record = store.lookup_token(secret.hash(Token.parse(token)))
        if record is None or record.respondent.consultation != consultation:
            raise SurveykitError("that link belongs to nobody in this consultation")
        return record.respondent
    if reference:
        if mail is None:
            raise SurveykitError("finding a person by reference needs the email channel")
        wanted = mail.normal_reference(reference)
        if wanted is None:
            raise SurveykitError(f"{reference!r} is not a valid reference (like SK-7KQ2-M9XD-4HPA)")
        for who in store.respondents(consultation):
            if mail.reference(who.id) == wanted:
                return who
        raise SurveykitError(f"the reference {wanted} matches none of the respondents")
    matches = [
        r for r in store.respondents(consultation) if r.email and _fold(r.email) == _fold(email)
    ]
    if len(matches) > 1:
        choices = sorted(
            f"{mail.reference(r.id) if mail else r.id}: {r.role}, {r.authority}" for r in matches
        )
        raise Ambiguous(_fold(email), choices)
    return matches[0] if matches else None


def _sent_by(
    store: Store,
    consultation: str,
    who: Respondent | None,
    address: str,
    mail: MailReader | None,
) -> Iterator[int]:
    """The ids of the stored messages this person sent: linked to them, or from their
    address.  Every message is read before any is yielded (the store's cursor is closed)."""
    stored = list(store.messages(consultation))
    if stored and mail is None:
        raise SurveykitError(
            "this store holds emailed replies, which only the email channel can open: "
            "install the email extra (pip install 'surveykit[email]')"
        )
    found = []
    for message in stored:
        linked = who is not None and message.respondent_id == who.id
        if linked or (address and mail is not None and _fold(_sender(mail, message)) == address):
            found.append(message.id)
    yield from found


def _sender(mail: MailReader, message: StoredMessage) -> str | None:
    return mail.read(mail.open(message)).sender


# Gathering --------------------------------------------------------------------------------


def _when(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def gather(
    store: Store,
    person: Person,
    secret: Secret,
    *,
    mail: MailReader | None = None,
    title: str = "",
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Everything held about ``person``, as a JSON-ready document: nothing about anyone else.

    Sections: ``identity``, ``links`` (issued and revoked times, never a token or hash),
    ``answers`` (every version), ``draft``, ``emails`` (decoded text of each message they sent,
    links in it redacted), ``reviews`` (review items about them or their mail, with the
    decisions), ``sendings``, ``reports`` (releases that counted them, see the module) and
    ``audit`` (officer actions recorded about them, found by their subject hashes).
    """
    who = person.respondent
    rid = who.id if who is not None else None
    history = store.history(rid) if rid else []
    draft = store.load_draft(rid) if rid else None
    mine = set(person.messages)
    return {
        "document": DOCUMENT_VERSION,
        "consultation": {"id": person.consultation, "title": title},
        "generated_at": _when(now or dt.datetime.now(dt.UTC)),
        "identity": _identity(who, person.reference),
        "links": [
            {"issued_at": _when(issued), "revoked_at": _when(revoked)}
            for issued, revoked in (store.link_times(rid) if rid else [])
        ],
        "answers": [
            {
                "version": s.version,
                "channel": s.channel,
                "submitted_at": _when(s.submitted_at),
                "received_at": _when(s.received_at),
                "answers": s.answers,
            }
            for s in history
        ],
        "draft": None
        if draft is None
        else {"saved_at": _when(draft.saved_at), "answers": draft.answers},
        "emails": list(_emails(store, person, mail)),
        "reviews": [
            {
                "id": item.id,
                "message": item.message,
                "created_at": _when(item.created_at),
                "reason": item.reason,
                "detail": redact_tokens(item.detail),
                "status": item.status,
                "resolved_at": _when(item.resolved_at),
                "note": redact_tokens(item.note),
                "version": item.version,
            }
            for item in store.review_items(person.consultation, status=None)
            if (rid is not None and item.respondent_id == rid) or item.message in mine
        ],
        "sendings": [
            {"kind": s.kind, "round": s.round, "sent_at": _when(s.sent_at)}
            for s in (store.sendings(person.consultation, rid) if rid else [])
        ],
        "reports": _reports(store, person.consultation, history),
        "audit": _audit(store, person, secret),
    }


def _identity(who: Respondent | None, reference: str | None) -> dict[str, Any] | None:
    if who is None:
        return None
    return {
        "name": who.name,
        "email": who.email,
        "role": who.role,
        "authority": who.authority,
        "authority_type": who.authority_type,
        "language": who.language,
        "consent": who.consent,
        "origin": who.origin,
        "reference": reference,
        "created_at": _when(who.created_at),
    }


def _emails(store: Store, person: Person, mail: MailReader | None) -> Iterator[dict[str, Any]]:
    for mid in person.messages:
        message = store.message(mid)
        if message is None or mail is None:
            continue
        read = mail.read(mail.open(message))
        yield {
            "id": message.id,
            "received_at": _when(message.received_at),
            "status": message.status,
            "version": message.version,
            "from": read.sender,
            "subject": redact_tokens(read.subject or ""),
            "sent_at": _when(read.sent_at),
            "text": redact_tokens(read.text),
            "attachments": list(read.attachments),
        }


def _reports(store: Store, consultation: str, history: Iterable[Any]) -> list[dict[str, Any]]:
    """The releases published at or after their first version was stored (see the module)."""
    versions = list(history)
    if not versions:
        return []
    first = min(v.submitted_at for v in versions)
    return [
        {"number": r.number, "published_at": _when(r.published_at), "format": r.format}
        for r in store.releases(consultation)
        if r.published_at >= first
    ]


def subject_hashes(person: Person, secret: Secret) -> set[str]:
    """Every audit subject hash that can stand for this person: their id, address, reference."""
    hashes = set()
    if person.respondent is not None:
        hashes.add(audit.subject_hash(secret, "respondent", person.respondent.id))
    if person.address:
        hashes.add(audit.subject_hash(secret, "email", person.address))
    if person.reference:
        hashes.add(audit.subject_hash(secret, "reference", person.reference))
    return hashes


def _audit(store: Store, person: Person, secret: Secret) -> list[dict[str, Any]]:
    hashes = subject_hashes(person, secret)
    return [
        {
            "recorded_at": _when(e.recorded_at),
            "officer": e.officer,
            "action": e.action,
            "detail": e.detail,
        }
        for e in store.audit_log(person.consultation)
        if e.subject in hashes
    ]


# Erasing ----------------------------------------------------------------------------------


def erase(store: Store, person: Person, *, keep_answers: bool) -> ErasedCounts:
    """Erase ``person``: their respondent (with the mail they sent) or, when they are no
    respondent, the mail they sent."""
    if person.respondent is not None:
        return store.erase_person(
            person.respondent.id, keep_answers=keep_answers, messages=person.messages
        )
    return store.erase_messages(person.consultation, person.messages)
