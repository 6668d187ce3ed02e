"""The officers' audit trail: who read or changed whose personal data, when, and how.

Every officer action that reads or changes personal data appends one :class:`AuditEntry` to an
append-only log in the store (:meth:`surveykit.storage.Store.record_audit`), through
:func:`record`, one line at each call site.  ``surveykit audit-log`` reads it back.

An entry never holds a name, an email address, a token or a reference in clear: *on whom* is a
keyed hash (HMAC-SHA256 under a key derived from the deployment secret) of the respondent's
random id, or of the email address or reference when no respondent is known.  The same person
gets the same hash throughout a deployment, so a data protection officer can find every action
on one person (hashing their id or address with :func:`subject_hash`), and a copy of the log
without the secret cannot be turned back into anyone.  Erasing a person later (``erase``,
``purge``) removes what the hash points at and leaves the audit record itself in place.

The officer is named by the deployment (:func:`officer`): ``SURVEYKIT_OFFICER``, else the
operating-system user running the command.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import hmac
import os
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from attrs import field, frozen, validators

if TYPE_CHECKING:
    from .identity import Secret
    from .storage import Store

__all__ = [
    "ACTIONS",
    "OFFICER_ENV",
    "AuditEntry",
    "counts",
    "officer",
    "record",
    "subject_hash",
]

#: The environment variable naming the officer who runs a command.
OFFICER_ENV = "SURVEYKIT_OFFICER"

# The stable action codes: what each logged officer action is called, here and in the store.
REVIEW_SHOW = "review.show"
REVIEW_ACCEPT = "review.accept"
REVIEW_REJECT = "review.reject"
REPORT_INTERNAL = "report.internal"
ROSTER_IMPORT = "roster.import"
TOKEN_REISSUE = "token.reissue"
PAPER_ENTER = "paper.enter"
SUBMIT_FILE = "submit.file"
SUBJECT_ACCESS = "subject_access"
ERASE = "erase"
PURGE = "purge"

#: Every action code, with what it records; a new officer command adds its code here.
ACTIONS: Mapping[str, str] = {
    REVIEW_SHOW: "an emailed reply in the review queue was shown",
    REVIEW_ACCEPT: "a review item was accepted and submitted as a respondent's answers",
    REVIEW_REJECT: "a review item was rejected",
    REPORT_INTERNAL: "an internal report (unsuppressed, with identities) was written",
    ROSTER_IMPORT: "a roster was imported and links issued",
    TOKEN_REISSUE: "a roster was imported with links reissued to people who had one",
    PAPER_ENTER: "a paper or emailed response was keyed in for a respondent",
    SUBMIT_FILE: "answers from a file were submitted under a respondent's link",
    SUBJECT_ACCESS: "everything held about a person was gathered for a subject access request",
    ERASE: "a person's identity (and perhaps answers) was erased",
    PURGE: "data past its retention period was removed",
}

#: How long a detail may be: a count or a short code, never a quotation.
MAX_DETAIL = 200
_SUBJECT_KEY_PURPOSE = b"surveykit audit subject v1"
_HEX_HASH = re.compile(r"[0-9a-f]{64}\Z")
#: What a subject hash was made from: a respondent's id, an email address, a reference.
SUBJECT_KINDS = ("respondent", "email", "reference")


def _aware(_instance: object, attribute: Any, value: dt.datetime) -> None:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise ValueError(f"{attribute.name} must be a timezone-aware datetime, not {value!r}")


def _in_utc(when: Any) -> Any:
    """An aware instant in UTC; anything else is left for the validator to refuse."""
    if isinstance(when, dt.datetime) and when.tzinfo is not None:
        return when.astimezone(dt.UTC)
    return when


def _subject(_instance: object, _attribute: Any, value: str | None) -> None:
    if value is not None and not _HEX_HASH.match(value):
        raise ValueError("subject must be a keyed hash (64 hex digits), never a person's details")


def _detail(_instance: object, _attribute: Any, value: str) -> None:
    if len(value) > MAX_DETAIL or any(ch < " " for ch in value):
        raise ValueError(f"detail must be one short line (at most {MAX_DETAIL} characters)")


@frozen
class AuditEntry:
    """One officer action: on which consultation, when (UTC), by whom, what, and on whom.

    ``subject`` is :func:`subject_hash` of the person acted on, or ``None`` for an action on a
    whole consultation (an internal report, a purge).  ``detail`` is a count or a code (``"3
    links"``, ``"item 7"``), never anything a person wrote or is called.
    """

    consultation: str
    recorded_at: dt.datetime = field(converter=_in_utc, validator=_aware)
    officer: str = field(validator=validators.min_len(1))
    action: str = field(validator=validators.in_(tuple(ACTIONS)))
    subject: str | None = field(default=None, validator=_subject)
    detail: str = field(default="", validator=_detail)


def officer(environ: Mapping[str, str] | None = None) -> str:
    """Who is running this command: ``SURVEYKIT_OFFICER`` if set, else the operating-system
    user, else ``"unknown"``.

    The deployment file has no setting for it: one file serves every officer of a deployment,
    so a name written there would put one person's name on everyone's actions.
    """
    environ = os.environ if environ is None else environ
    named = environ.get(OFFICER_ENV, "").strip()
    if named:
        return named
    try:
        user = getpass.getuser()
    except Exception:  # getpass raises OSError (or KeyError) when no user can be found
        return "unknown"
    return user.strip() or "unknown"


def subject_hash(secret: Secret, kind: str, value: str) -> str:
    """The keyed hash an audit record holds for a person: of a respondent's id, an email
    address (case-folded) or a reference, under a key of its own derived from the secret."""
    if kind not in SUBJECT_KINDS:
        raise ValueError(f"a subject is one of {', '.join(SUBJECT_KINDS)}, not {kind!r}")
    text = value.strip()
    if kind != "respondent":
        text = text.casefold()
    key = secret.derive(_SUBJECT_KEY_PURPOSE)
    return hmac.new(key, f"{kind}:{text}".encode(), hashlib.sha256).hexdigest()


def counts(**named: int) -> str:
    """A detail made of counts, in the order given: ``counts(new=3, kept=1)`` is
    ``"new=3, kept=1"``."""
    return ", ".join(f"{name}={n}" for name, n in named.items())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def record(
    store: Store,
    consultation: str,
    action: str,
    *,
    secret: Secret | None = None,
    respondent_id: str | None = None,
    email: str | None = None,
    reference: str | None = None,
    detail: str = "",
    clock: Callable[[], dt.datetime] = _now,
    environ: Mapping[str, str] | None = None,
) -> AuditEntry:
    """Append one audit record for ``action`` by this command's officer, and return it.

    The person acted on is named by ``respondent_id``, else ``email``, else ``reference``, and
    stored only as :func:`subject_hash` under ``secret`` (needed whenever a person is named).
    """
    entry = AuditEntry(
        consultation=consultation,
        recorded_at=clock(),
        officer=officer(environ),
        action=action,
        subject=_subject_of(secret, respondent_id, email, reference),
        detail=detail,
    )
    store.record_audit(entry)
    return entry


def _subject_of(
    secret: Secret | None, respondent_id: str | None, email: str | None, reference: str | None
) -> str | None:
    for kind, value in (("respondent", respondent_id), ("email", email), ("reference", reference)):
        if value:
            if secret is None:
                raise ValueError("an audit record naming a person needs the deployment secret")
            return subject_hash(secret, kind, value)
    return None
