"""What the retention schedule says is due for removal at a given instant: ``surveykit purge``'s
planning, pure over the spec, the clock and what the store holds (no writes).

:func:`plan` turns the spec's ``[retention]`` table (:mod:`surveykit.retention`) into a
:class:`~surveykit.storage.PurgePlan` the store carries out in one transaction
(:meth:`~surveykit.storage.Store.purge`).  Planning twice at the same instant gives the same
plan, and a store carrying out a plan twice removes nothing the second time, so ``purge`` is safe
to run from cron at any time: before a class's due instant nothing of it is planned.

Which answers belong to which class is decided by the spec and the kinds, as reports decide it:
free text is what a report could quote (:func:`answer_classes`), sensitive answers every part of
a question marked ``sensitive``, and identifying answers (``[publication] identifying``, contact
kinds) go with the contact details.

Review items are due one by one (:func:`~surveykit.retention.review_item_due`), never while
open.  A stored message goes when raw emails are due and no review item that is kept points at
it (the item is the record of a decision and needs its message); its duplicates' originals stay
with it.  Anonymising waits while any review item is open, and says so (:attr:`Plan.waiting`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from attrs import frozen

from .kinds import parts_of
from .mailbox import ReviewItem, StoredMessage
from .model import Consultation
from .retention import anonymisation_due, due, review_item_due
from .storage import Anonymisation, PurgePlan, TextScrubber, utc
from .tally import TallyPlan, counted_parts, identifying

__all__ = ["ANSWER_CLASSES", "Plan", "answer_classes", "plan"]

#: The classes removed from inside stored answers rather than as rows.
ANSWER_CLASSES = ("contact_details", "free_text", "sensitive_answers")


@frozen
class Plan:
    """A purge plan with what it was made from: the store's plan, and what is due but waits."""

    store_plan: PurgePlan
    now: dt.datetime
    #: Open review items holding anonymisation back (0 when it is not due or not waiting).
    waiting: int = 0


def answer_classes(consultation: Consultation, kinds: Any) -> dict[str, frozenset[str]]:
    """The answer keys of each class held inside answers: ``free_text`` (the parts a report
    could quote: text, not options, numbers, dates or rankings; never sensitive),
    ``sensitive_answers`` (every part of a sensitive question) and ``contact_details`` (the
    identifying parts)."""
    every = [p for q in consultation.questions for p in parts_of(q, kinds)]
    tally = TallyPlan.of(consultation, kinds)
    structured = tally.options | tally.values | tally.rankings | tally.multiple
    return {
        "contact_details": frozenset(p.id for p in every if identifying(p, consultation, kinds)),
        "free_text": frozenset(
            p.id
            for p in counted_parts(consultation, kinds)
            if not p.sensitive and p.id not in structured
        ),
        "sensitive_answers": frozenset(p.id for p in every if p.sensitive),
    }


def text_keys(consultation: Consultation, kinds: Any) -> frozenset[str]:
    """Every part whose answer is words someone wrote (what anonymising scrubs of names)."""
    tally = TallyPlan.of(consultation, kinds)
    structured = tally.options | tally.values | tally.rankings | tally.multiple
    return frozenset(
        p.id
        for q in consultation.questions
        for p in parts_of(q, kinds)
        if p.id not in structured and not p.options
    )


def _passed(when: dt.datetime | None, now: dt.datetime) -> bool:
    return when is not None and when <= now


def plan(
    consultation: Consultation,
    now: dt.datetime,
    *,
    messages: Iterable[StoredMessage],
    reviews: Iterable[ReviewItem],
    kinds: Any,
    anonymised: bool = False,
    scrub: TextScrubber | None = None,
) -> Plan:
    """What is due at ``now`` (aware) for ``consultation``, given the store's ``messages`` and
    ``reviews`` and whether it is ``anonymised`` already.  ``scrub`` rewrites free text at
    anonymisation (see :class:`~surveykit.storage.Anonymisation`)."""
    now = utc(now)
    cid = consultation.metadata.id
    items = [r for r in reviews if r.consultation == cid]
    due_items = frozenset(
        item.id
        for item in items
        if item.status != "open"
        and _passed(review_item_due(consultation, item.resolved_at or item.created_at), now)
    )
    open_items = sum(1 for item in items if item.status == "open")
    anonymise_now = not anonymised and _passed(anonymisation_due(consultation), now)
    waiting = open_items if anonymise_now else 0
    if waiting:
        anonymise_now = False
    # Only ids are kept, not the sealed bytes: a mailbox can be large.
    mail = {m.id: m.duplicate_of for m in messages if m.consultation == cid}
    doomed: frozenset[int] = frozenset()
    if _passed(due(consultation, "raw_emails"), now):
        doomed = _due_messages(mail, items, due_items)
    classes = answer_classes(consultation, kinds)
    answer_keys = {
        name: keys
        for name, keys in classes.items()
        if keys
        and (_passed(due(consultation, name), now) or (anonymise_now and name == "contact_details"))
    }
    anonymisation = None
    if anonymise_now:
        meta = consultation.metadata
        anonymisation = Anonymisation(meta.timezone, text_keys(consultation, kinds), scrub)
    store_plan = PurgePlan(
        cid,
        contact_details=_passed(due(consultation, "contact_details"), now),
        link_hashes=_passed(due(consultation, "link_hashes"), now),
        drafts=_passed(due(consultation, "drafts"), now),
        history=_passed(due(consultation, "history"), now),
        messages=doomed,
        reviews=due_items,
        answer_keys=answer_keys,
        anonymise=anonymisation,
    )
    return Plan(store_plan, now, waiting)


def _due_messages(
    duplicates: dict[int, int | None], items: list[ReviewItem], due_items: frozenset[int]
) -> frozenset[int]:
    """Every message (id: the id it duplicates) but those a kept review item points at, and
    the originals they are duplicates of (a row may not outlive what it refers to)."""
    kept = {item.message for item in items if item.id not in due_items}
    frontier = list(kept)
    while frontier:
        original = duplicates.get(frontier.pop())
        if original is not None and original not in kept:
            kept.add(original)
            frontier.append(original)
    return frozenset(mid for mid in duplicates if mid not in kept)
