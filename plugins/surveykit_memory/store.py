"""The in-memory store: one lock around plain dictionaries.

Answers are copied through JSON on the way in and out, as a database would, so callers can never
change what is stored by mutating what they passed or got back, and answers that a database could
not hold are refused here too.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from typing import Any

import attrs

from surveykit.errors import StorageError
from surveykit.identity import Respondent, new_id
from surveykit.mailbox import unsettled_message
from surveykit.storage import (
    DEFAULT_BATCH_SIZE,
    Anonymisation,
    AuditEntry,
    Draft,
    ErasedCounts,
    Grant,
    NewSubmission,
    PurgedCounts,
    PurgePlan,
    Release,
    ReportRow,
    Store,
    Submission,
    TokenRecord,
    strip_answers,
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
        self._anonymised: set[str] = set()

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

    def anonymised(self, consultation: str) -> bool:
        with self._lock:
            return consultation in self._anonymised

    def purge(
        self,
        plan: PurgePlan,
        *,
        progress: Callable[[int], None] | None = None,
        dry_run: bool = False,
    ) -> PurgedCounts:
        """All under the lock: nothing else sees a purge half done (see :meth:`Store.purge`).
        A dry run works on the tables and puts copies of them back."""
        with self._lock:
            if not dry_run:
                return self._purge(plan, progress)
            saved = copy.deepcopy(self._tables())
            try:
                return self._purge(plan, progress)
            finally:
                for name, table in saved.items():
                    setattr(self, name, table)

    def _tables(self) -> dict[str, Any]:
        self._mail()
        return {
            name: getattr(self, name)
            for name in (
                "_respondents",
                "_tokens",
                "_drafts",
                "_submissions",
                "_anonymised",
                "_mail_tables",
            )
        }

    def _purge(self, plan: PurgePlan, progress: Callable[[int], None] | None) -> PurgedCounts:
        c = plan.consultation
        with self._lock:
            if plan.anonymise is not None and c not in self._anonymised:
                open_items = self.review_items(c, status="open")
                if open_items:
                    raise StorageError(
                        f"{len(open_items)} review item(s) are open; nothing was anonymised"
                    )
            ids = [rid for rid, who in self._respondents.items() if who.consultation == c]
            reviews, messages = self._purge_mail(c, set(plan.reviews), set(plan.messages))
            links = drafts = history = 0
            if plan.link_hashes:
                links = self._drop_tokens(set(ids))
            if plan.drafts:
                drafts = sum(self._drafts.pop(rid, None) is not None for rid in ids)
            if plan.history:
                history = self._drop_history(ids)
            removed = self._strip(ids, plan)
            blanked = self._blank(ids) if plan.contact_details else 0
            counts = PurgedCounts(
                contact_details=blanked + removed.get("contact_details", 0),
                link_hashes=links,
                drafts=drafts,
                history=history,
                raw_emails=messages,
                review_items=reviews,
                free_text=removed.get("free_text", 0),
                sensitive_answers=removed.get("sensitive_answers", 0),
            )
            if plan.anonymise is not None and c not in self._anonymised:
                counts = counts + self._anonymise(c, ids, plan.anonymise, progress)
        return counts

    def _purge_mail(self, c: str, reviews: set[int], messages: set[int]) -> tuple[int, int]:
        mail = self._mail()
        items = mail["reviews"]
        gone_reviews = 0
        for index, item in enumerate(items):
            if (
                item is not None
                and item.consultation == c
                and item.id in reviews
                and item.status != "open"
            ):
                items[index] = None
                gone_reviews += 1
        stored = mail["messages"]
        gone_messages = 0
        for index, message in enumerate(stored):
            if message is not None and message.consultation == c and message.id in messages:
                stored[index] = None
                gone_messages += 1
        mail["first_copies"] = {
            k: v for k, v in mail["first_copies"].items() if stored[v - 1] is not None
        }
        return gone_reviews, gone_messages

    def _drop_tokens(self, ids: set[str]) -> int:
        hashes = [h for h, t in self._tokens.items() if t.respondent_id in ids]
        for token_hash in hashes:
            del self._tokens[token_hash]
        return len(hashes)

    def _drop_history(self, ids: list[str]) -> int:
        dropped = 0
        for rid in ids:
            versions = self._submissions.get(rid)
            if versions and len(versions) > 1:
                dropped += len(versions) - 1
                self._submissions[rid] = versions[-1:]
        return dropped

    def _strip(self, ids: list[str], plan: PurgePlan) -> dict[str, int]:
        removed: dict[str, int] = {}
        if not plan.answer_keys:
            return removed
        for rid in ids:
            versions = self._submissions.get(rid, [])
            for index, version in enumerate(versions):
                kept, gone = strip_answers(version.answers, plan.answer_keys)
                if gone:
                    versions[index] = attrs.evolve(version, answers=kept)
                    for name, n in gone.items():
                        removed[name] = removed.get(name, 0) + n
        return removed

    def _blank(self, ids: list[str]) -> int:
        blanked = 0
        for rid in ids:
            who = self._respondents[rid]
            if who.name or who.email or who.language is not None:
                self._respondents[rid] = attrs.evolve(who, name="", email="", language=None)
                blanked += 1
        return blanked

    def _anonymise(
        self,
        c: str,
        ids: list[str],
        how: Anonymisation,
        progress: Callable[[int], None] | None,
    ) -> PurgedCounts:
        mail = self._mail()
        reviews = sum(1 for item in mail["reviews"] if item is not None and item.consultation == c)
        messages = sum(1 for m in mail["messages"] if m is not None and m.consultation == c)
        self._purge_mail(
            c,
            {i.id for i in mail["reviews"] if i is not None and i.consultation == c},
            {m.id for m in mail["messages"] if m is not None and m.consultation == c},
        )
        sendings = [s for s in mail["sendings"] if s.consultation != c]
        gone_sendings = len(mail["sendings"]) - len(sendings)
        mail["sendings"] = sendings
        links = self._drop_tokens(set(ids))
        drafts = sum(self._drafts.pop(rid, None) is not None for rid in ids)
        history = self._drop_history(ids)
        for rid in ids:
            who = self._respondents.pop(rid)
            anonymous = attrs.evolve(_anonymous(who), created_at=how.cut(who.created_at))
            self._respondents[anonymous.id] = anonymous
            versions = self._submissions.pop(rid, [])
            if versions:
                latest = versions[-1]
                self._submissions[anonymous.id] = [
                    attrs.evolve(
                        latest,
                        respondent_id=anonymous.id,
                        version=1,
                        answers=how.answers(latest.answers, who.name),
                        submitted_at=how.cut(latest.submitted_at),
                        received_at=how.cut(latest.received_at),
                    )
                ]
        if progress is not None:
            progress(len(ids))
        self._anonymised.add(c)
        return PurgedCounts(
            link_hashes=links,
            drafts=drafts,
            history=history,
            raw_emails=messages,
            review_items=reviews,
            anonymised=len(ids),
            sendings=gone_sendings,
        )

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
