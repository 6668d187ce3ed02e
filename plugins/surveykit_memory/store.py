"""The in-memory store: one lock around plain dictionaries.

Answers are copied through JSON on the way in and out, as a database would, so callers can never
change what is stored by mutating what they passed or got back, and answers that a database could
not hold are refused here too.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

import attrs

from surveykit.errors import StorageError
from surveykit.identity import Respondent, new_id
from surveykit.mailbox import unsettled_message
from surveykit.storage import (
    DEFAULT_BATCH_SIZE,
    AuditEntry,
    Draft,
    ErasedCounts,
    Grant,
    NewSubmission,
    Release,
    ReportRow,
    Store,
    Submission,
    TokenRecord,
    utc,
)

from .mailbox import MemoryMailbox


def _copy(answers: dict[str, Any]) -> dict[str, Any]:
    try:
        return json.loads(json.dumps(answers))
    except (TypeError, ValueError) as exc:
        raise StorageError(f"answers cannot be stored: {exc}") from None


@attrs.define
class _Token:
    respondent_id: str
    issued_at: Any
    revoked_at: Any = None


class MemoryStore(MemoryMailbox, Store):
    """A store in dictionaries.  Thread-safe; not shared between processes."""

    persistent = False

    def __init__(self, url: str = "memory://") -> None:
        self.url = url
        self._lock = threading.RLock()
        self._fingerprint: str | None = None
        self._respondents: dict[str, Respondent] = {}
        self._tokens: dict[str, _Token] = {}
        self._drafts: dict[str, Draft] = {}
        self._submissions: dict[str, list[Submission]] = {}
        self._releases: dict[str, list[Release]] = {}
        self._audit: list[AuditEntry] = []

    def close(self) -> None:
        pass

    def secret_fingerprint(self, proposed: str) -> str:
        with self._lock:
            if self._fingerprint is None:
                self._fingerprint = proposed
            return self._fingerprint

    def grant(self, grants: Sequence[Grant]) -> None:
        with self._lock:
            hashes = [g.token_hash for g in grants]
            if len(set(hashes)) != len(hashes) or any(h in self._tokens for h in hashes):
                raise StorageError("a token hash is already stored; nothing was granted")
            for g in grants:
                respondent = self._respondents.setdefault(g.respondent.id, g.respondent)
                for token in self._tokens.values():
                    if token.respondent_id == respondent.id and token.revoked_at is None:
                        token.revoked_at = utc(g.issued_at)
                self._tokens[g.token_hash] = _Token(respondent.id, utc(g.issued_at))

    def lookup_token(self, token_hash: str) -> TokenRecord | None:
        with self._lock:
            token = self._tokens.get(token_hash)
            if token is None:
                return None
            return TokenRecord(
                self._respondents[token.respondent_id],
                token_hash,
                token.issued_at,
                token.revoked_at,
            )

    def respondent(self, respondent_id: str) -> Respondent | None:
        with self._lock:
            return self._respondents.get(respondent_id)

    def respondents(self, consultation: str) -> Iterator[Respondent]:
        with self._lock:
            found = [r for r in self._respondents.values() if r.consultation == consultation]
        return iter(found)

    def link_times(self, respondent_id: str) -> list[tuple[dt.datetime, dt.datetime | None]]:
        with self._lock:
            found = [
                (t.issued_at, t.revoked_at)
                for t in self._tokens.values()
                if t.respondent_id == respondent_id
            ]
        return sorted(found, key=lambda times: times[0])

    def live_links(self, consultation: str) -> Iterator[tuple[str, dt.datetime]]:
        with self._lock:
            found = [
                (token.respondent_id, token.issued_at)
                for token in self._tokens.values()
                if token.revoked_at is None
                and self._respondents[token.respondent_id].consultation == consultation
            ]
        return iter(found)

    def save_draft(self, draft: Draft) -> None:
        with self._lock:
            self._require(draft.respondent_id)
            self._drafts[draft.respondent_id] = Draft(
                draft.respondent_id, _copy(draft.answers), utc(draft.saved_at)
            )

    def load_draft(self, respondent_id: str) -> Draft | None:
        with self._lock:
            draft = self._drafts.get(respondent_id)
        return None if draft is None else attrs.evolve(draft, answers=_copy(draft.answers))

    def set_language(self, respondent_id: str, language: str | None) -> bool:
        with self._lock:
            found = self._respondents.get(respondent_id)
            if found is None:
                return False
            self._respondents[respondent_id] = attrs.evolve(found, language=language)
            return True

    def discard_draft(self, respondent_id: str) -> bool:
        with self._lock:
            return self._drafts.pop(respondent_id, None) is not None

    def append_submission(self, new: NewSubmission) -> Submission:
        answers = _copy(new.answers)
        with self._lock:
            self._require(new.respondent_id)
            if new.message is not None:
                found = self.message(new.message)
                if found is None or found.consultation != new.consultation:
                    raise unsettled_message(new.message)
                if found.version is not None:
                    raise unsettled_message(new.message, found.version)
            versions = self._submissions.setdefault(new.respondent_id, [])
            stored = Submission(
                consultation=new.consultation,
                respondent_id=new.respondent_id,
                version=len(versions) + 1,
                answers=answers,
                channel=new.channel,
                submitted_at=utc(new.submitted_at),
                received_at=utc(new.received_at),
            )
            versions.append(stored)
            self._drafts.pop(new.respondent_id, None)
            if new.message is not None:
                self.message_submitted(new.message, new.respondent_id, stored.version)
        return _copied(stored)

    def response(self, respondent_id: str) -> Submission | None:
        with self._lock:
            versions = self._submissions.get(respondent_id)
            latest = versions[-1] if versions else None
        return None if latest is None else _copied(latest)

    def history(self, respondent_id: str) -> list[Submission]:
        with self._lock:
            versions = list(self._submissions.get(respondent_id, ()))
        return [_copied(s) for s in versions]

    def iter_responses(
        self, consultation: str, *, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> Iterator[Submission]:
        after = ""
        while True:
            with self._lock:
                ids = sorted(
                    rid
                    for rid, versions in self._submissions.items()
                    if rid > after and versions and versions[-1].consultation == consultation
                )
                batch = [self._submissions[rid][-1] for rid in islice(ids, batch_size)]
            if not batch:
                return
            for submission in batch:
                yield _copied(submission)
            after = batch[-1].respondent_id

    def count_responses(self, consultation: str) -> int:
        with self._lock:
            return sum(
                1
                for versions in self._submissions.values()
                if versions and versions[-1].consultation == consultation
            )

    def record_release(
        self,
        consultation: str,
        *,
        published_at: dt.datetime,
        format: str,
        threshold: int,
        public: str,
        audit: str,
    ) -> Release:
        published = utc(published_at)
        with self._lock:
            kept = self._releases.setdefault(consultation, [])
            release = Release(
                consultation, len(kept) + 1, published, format, threshold, public, audit
            )
            kept.append(release)
        return release

    def releases(self, consultation: str) -> list[Release]:
        with self._lock:
            return list(self._releases.get(consultation, ()))

    def record_audit(self, entry: AuditEntry) -> None:
        with self._lock:
            self._audit.append(entry)

    def audit_log(
        self, consultation: str, since: dt.datetime | None = None
    ) -> Iterator[AuditEntry]:
        start = None if since is None else utc(since)
        with self._lock:
            kept = [e for e in self._audit if e.consultation == consultation]
        return iter([e for e in kept if start is None or e.recorded_at >= start])

    def erase_person(
        self, respondent_id: str, *, keep_answers: bool, messages: Sequence[int] = ()
    ) -> ErasedCounts:
        with self._lock:
            who = self._respondents.get(respondent_id)
            if who is None:
                raise StorageError(f"no respondent with id {respondent_id!r}; nothing was erased")
            mail, reviews, sendings = self._erase_mail(who.consultation, set(messages), who.id)
            hashes = [h for h, t in self._tokens.items() if t.respondent_id == who.id]
            for token_hash in hashes:
                del self._tokens[token_hash]
            drafts = int(self._drafts.pop(who.id, None) is not None)
            versions = self._submissions.pop(who.id, [])
            del self._respondents[who.id]
            if keep_answers and versions:
                anonymous = _anonymous(who)
                self._respondents[anonymous.id] = anonymous
                self._submissions[anonymous.id] = [
                    attrs.evolve(v, respondent_id=anonymous.id) for v in versions
                ]
        return ErasedCounts(
            respondents=1,
            links=len(hashes),
            drafts=drafts,
            answers_removed=0 if keep_answers else len(versions),
            answers_kept=len(versions) if keep_answers else 0,
            messages=mail,
            reviews=reviews,
            sendings=sendings,
        )

    def erase_messages(self, consultation: str, messages: Sequence[int]) -> ErasedCounts:
        with self._lock:
            mail, reviews, _ = self._erase_mail(consultation, set(messages), None)
        return ErasedCounts(messages=mail, reviews=reviews)

    def iter_report_rows(
        self,
        consultation: str,
        *,
        answer_in: tuple[str, Sequence[str]] | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> Iterator[ReportRow]:
        """A snapshot of the current responses taken once, then joined with their respondents."""
        wanted = None if answer_in is None else (answer_in[0], frozenset(answer_in[1]))
        with self._lock:
            latest = sorted(
                (rid, versions[-1])
                for rid, versions in self._submissions.items()
                if versions and versions[-1].consultation == consultation
            )
        for rid, submission in latest:
            if wanted is not None and submission.answers.get(wanted[0]) not in wanted[1]:
                continue
            who = self._respondents[rid]
            yield ReportRow(
                rid,
                _copy(submission.answers),
                who.role,
                who.authority_type,
                who.authority,
                who.origin,
                submission.channel,
                submission.received_at,
                who.name,
            )

    def _require(self, respondent_id: str) -> None:
        if respondent_id not in self._respondents:
            raise StorageError(f"no respondent with id {respondent_id!r}; nothing was stored")


def _anonymous(who: Respondent) -> Respondent:
    """The row kept answers stay under: what reports group by, a new id, and no identity."""
    return attrs.evolve(who, id=new_id(), name="", email="", language=None)


def _copied(submission: Submission) -> Submission:
    return attrs.evolve(submission, answers=_copy(submission.answers))
