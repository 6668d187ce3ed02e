"""``surveykit review``: the officer's queue of replies that could not be submitted with certainty.

Accepting re-reads the stored message, applies the officer's corrections (``--set Q=VALUE``),
names the respondent when none was found, and submits through the submit service with channel
``email`` and the instant the message *reached us*: a reply that arrived before the closing time
counts even when it is accepted afterwards, and one that arrived after it is refused.
"""

from __future__ import annotations

import datetime as dt
import email.parser
import email.utils
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from attrs import frozen

from surveykit import (
    EMPTY,
    Consultation,
    KnownRespondent,
    Question,
    Rejected,
    SurveykitError,
    audit,
    get_plugins,
    load_spec,
    open_store,
)
from surveykit.characters import first_control
from surveykit.cli.deployment import (
    DB_OPTION,
    OPEN_UNTIL_OPTION,
    SECRET_FILE_OPTION,
    deployment,
    open_window,
)
from surveykit.conditions import render
from surveykit.errors import StorageError
from surveykit.identity import Secret
from surveykit.kinds import answer_type, checker_of, parts_of
from surveykit.known import with_roster_answers
from surveykit.mailbox import ReviewItem, header_block
from surveykit.storage import Store
from surveykit.wording import counted

from .intake import Intake
from .items import form_items
from .kindtext import answer_words
from .parse import read_reply
from .reference import find_reference
from .sealing import Seal
from .wording import key

__all__ = ["Accepted", "accept", "answer_lines", "parse_corrections", "review_group"]


@frozen
class Accepted:
    """An accepted item and the version of the respondent's answers it produced."""

    item: ReviewItem
    version: int

    @property
    def replaced(self) -> bool:
        return self.version > 1


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


@frozen
class _Target:
    """What a ``--set`` name stands for: a question, or one of its parts (a grid's statement
    ``8a``, an "other" option's words ``heard_about.other``), and the answer keys it sets."""

    question: Question
    parts: tuple[Question, ...]
    #: For a grid, its first statement's number in the form (``8a``), to say how to correct it.
    first_row: str | None = None


def _targets(consultation: Consultation, kinds: Mapping[str, Any]) -> dict[str, _Target]:
    """Every name an officer may correct an answer by, case-folded: a question's id, number
    (``13``, ``q13``), a part's answer key (``satisfaction.parks``, ``heard_about.other``) and
    the form's number for a grid statement (``8a``)."""
    items = form_items(consultation, kinds)
    first_rows: dict[str, str] = {}
    for item in items:
        if item.grid is not None:
            first_rows.setdefault(item.grid, item.key)
    names: dict[str, _Target] = {}
    for question in consultation.questions:
        parts = parts_of(question, kinds)
        whole = _Target(question, parts, first_rows.get(question.id))
        for name in (question.id, key(question), f"q{key(question)}"):
            names.setdefault(name.casefold(), whole)
        for part in parts:
            names.setdefault(part.id.casefold(), _Target(part, (part,)))
    for item in items:
        if item.grid is not None:
            row = _Target(item.question, (item.question,))
            for name in (item.key, f"q{item.key}"):
                names.setdefault(name.casefold(), row)
    return names


def _option(question: Question, text: str) -> str | None:
    wanted = _words(text)
    for option in question.options:
        if wanted in {_words(option.value), _words(option.label)}:
            return option.value
    return None


def _not_an_option(question: Question, text: str) -> Rejected:
    values = ", ".join(o.value for o in question.options)
    return Rejected(
        "unknown_option",
        f"{question.title}: {_one_line(text)!r} is not one of its options ({values})",
    )


def _choices(question: Question, text: str) -> list[str] | Rejected:
    """Options named by value or label and separated by commas, in the order written, or
    why not.  A label that holds a comma itself is still found whole."""
    pieces = text.split(",")
    chosen: list[str] = []
    i = 0
    while i < len(pieces):
        if not pieces[i].strip():
            i += 1
            continue
        for j in range(len(pieces), i, -1):
            value = _option(question, ",".join(pieces[i:j]))
            if value is not None:
                chosen.append(value)
                i = j
                break
        else:
            return _not_an_option(question, pieces[i])
    return chosen


def _one_line(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _answer(
    target: _Target, text: str, kinds: Mapping[str, Any], consultation: Consultation
) -> Any:
    """The answer ``text`` gives ``target``, checked by its kind's checker, or why it is wrong.

    Choices are named by value or label; several choices and rankings are separated by
    commas; anything else goes to the kind's checker as written (a number, a date, an address).
    """
    question = target.question
    if target.first_row is not None:
        first = next(p.id for p in target.parts if p.settings.get("row_of") == question.id)
        return Rejected(
            "grid",
            f"{question.title} is a grid: correct each statement on its own, "
            f"like {target.first_row}=... or {first}=...",
        )
    kind = kinds.get(question.kind)
    if kind is None:
        return Rejected("unknown_kind", f"{question.title}: its kind {question.kind!r} is unknown")
    value: Any = text
    if question.options:
        many = answer_type(question, kinds) in ("options", "ranking")
        if many or getattr(kind, "multiple", False):
            value = _choices(question, text)
        else:
            value = _option(question, text)
            value = _not_an_option(question, text) if value is None else value
        if value.__class__ is Rejected:
            return value
    checked = checker_of(question, kinds, consultation)(value)
    if checked.__class__ is Rejected:
        return checked
    if checked is EMPTY:
        return Rejected("no_answer", f"{question.title}: {_one_line(text)!r} is no answer")
    if checked.__class__ is str and (found := first_control(checked)):
        return Rejected(
            "control_character",
            f"{question.title}: the answer contains a control character ({found}); remove it",
        )
    return value


def parse_corrections(
    consultation: Consultation,
    settings: tuple[str, ...],
    kinds: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``Q=VALUE`` pairs as answers keyed by answer key; ``Q=`` removes an answer (``None``).

    ``Q`` is a question's id or number (``13``, ``q13``), an answer part's key
    (``satisfaction.parks``, ``heard_about.other``) or a grid statement's number in the email
    form (``8a``).  A choice is given by its value or its label; several choices, and a ranking
    (most preferred first), separated by commas.  Anything else (a number, a date, contact
    details, text) is passed as written to the kind's checker.  Each answer is checked here, so
    a mistake is reported on one line naming the question part, before anything is stored.
    """
    kinds = kinds if kinds is not None else get_plugins().kinds
    targets = _targets(consultation, kinds)
    corrections: dict[str, Any] = {}
    for setting in settings:
        name, sep, text = setting.partition("=")
        if not sep:
            raise SurveykitError(f"--set takes QUESTION=VALUE, not {_one_line(setting)!r}")
        target = targets.get(name.strip().casefold())
        if target is None:
            raise SurveykitError(
                f"--set {_one_line(name)}=...: there is no question {name.strip()[:40]!r} "
                "in this consultation"
            )
        if not text.strip():
            corrections.update(dict.fromkeys((p.id for p in target.parts), None))
            continue
        value = _answer(target, text, kinds, consultation)
        if value.__class__ is Rejected:
            raise SurveykitError(
                f"--set {_one_line(name)}={_one_line(text, 40)}: {_one_line(value.message, 300)}"
            )
        corrections[target.question.id] = value
    return corrections


def _hidden(
    intake: Intake, respondent_id: str, answers: dict[str, Any], corrected: Mapping[str, Any]
) -> None:
    """Refuse a correction the form would not ask for with these answers: the engine would
    drop it without a word, and the officer would believe it stored."""
    respondent = intake.store.respondent(respondent_id)
    merged = with_roster_answers(intake.consultation, respondent, answers)
    asked = set(intake.service.engine.visible_parts(merged))
    parts = {p.id: p for p in intake.service.engine.parts}
    for answer_key in corrected:
        part = parts.get(answer_key)
        if part is None or answer_key in asked or answers.get(answer_key) is None:
            continue
        when = f" (it is asked only if {render(part.condition)})" if part.condition else ""
        raise SurveykitError(
            f"--set {answer_key}: {part.title} is not asked with these answers{when}; "
            "correct the answer it depends on too, or leave it out"
        )


def _respondent_id(
    intake: Intake,
    item: ReviewItem,
    email: str | None,
    reference: str | None,
) -> str:
    if email is not None:
        matches = intake.by_email(email)
        if len(matches) != 1:
            found = "no respondent has" if not matches else f"{len(matches)} respondents have"
            raise SurveykitError(f"{found} that email address; check it, or use --reference")
        return matches[0]
    if reference is not None:
        found = find_reference(reference)
        if found is None:
            raise SurveykitError(f"{reference!r} is not a valid reference (like SK-7KQ2-M9XD-4HPA)")
        rid = intake.by_reference(found)
        if rid is None:
            raise SurveykitError(f"the reference {found} matches none of the respondents")
        return rid
    if item.respondent_id is not None:
        return item.respondent_id
    raise SurveykitError(
        f"review item {item.id} has no respondent: name them with --respondent-email or --reference"
    )


def accept(
    intake: Intake,
    item_id: int,
    corrections: dict[str, Any],
    *,
    email: str | None = None,
    reference: str | None = None,
    note: str = "",
) -> Accepted:
    """Submit an open item's reply, corrected, as its respondent's, received when it reached us."""
    store = intake.store
    item = _open_item(store, intake.consultation, item_id)
    message = store.message(item.message)
    if message is None:  # pragma: no cover - the schema's foreign key makes this impossible
        raise SurveykitError(f"the message of review item {item_id} is missing")
    rid = _respondent_id(intake, item, email, reference)
    reading = read_reply(intake.raw_of(message), intake.consultation, kinds=intake.plugins.kinds)
    answers = {**reading.answers, **corrections}
    answers = {qid: value for qid, value in answers.items() if value is not None}
    _hidden(intake, rid, answers, corrections)
    changed = ", ".join(sorted(corrections))
    record = note or (f"accepted with {changed} corrected" if changed else "accepted as read")
    version = message.version
    if version is None:
        receipt = intake.service.submit(
            KnownRespondent(rid),
            answers,
            channel="email",
            received_at=message.received_at,
            message=message.id,
        )
        version = receipt.version
    else:
        # An acceptance that stopped after submitting: finish it, never submit twice.
        record = f"{record} (completing an acceptance that had stopped part-way)"
    try:
        resolved = store.resolve_review(
            item.id,
            status="accepted",
            note=record,
            resolved_at=intake.clock(),
            respondent_id=rid,
            version=version,
        )
    except StorageError as exc:
        raise SurveykitError(
            f"{exc} meanwhile, by someone else; this acceptance was stored as version "
            f"{version} too, which is now the respondent's response"
        ) from None
    return Accepted(resolved, version)


def _open_item(store: Store, consultation: Consultation, item_id: int) -> ReviewItem:
    item = store.review_item(item_id)
    if item is None or item.consultation != consultation.metadata.id:
        raise SurveykitError(f"there is no review item {item_id} for {consultation.metadata.title}")
    if not item.open:
        raise SurveykitError(f"review item {item_id} was already {item.status}: {item.note}")
    return item


def _sender_of(store: Store, secret: Secret, item: ReviewItem) -> str | None:
    """The From: address of a review item's sealed message."""
    message = store.message(item.message)
    if message is None:  # pragma: no cover - the schema's foreign key makes this impossible
        return None
    return _sender(Seal(secret, item.consultation).open(message.raw, message_id=message.id))


def _sender(received: bytes) -> str | None:
    """The address in a message's From: header, for the audit record of an item whose
    respondent is unknown (it is hashed there, never kept in clear)."""
    headers = email.parser.BytesHeaderParser().parsebytes(header_block(received))
    address = email.utils.parseaddr(str(headers.get("From", "")))[1]
    return address or None


# Presentation -------------------------------------------------------------------------------


def _local(when: dt.datetime, consultation: Consultation) -> str:
    return f"{when.astimezone(consultation.metadata.zone):%Y-%m-%d %H:%M}"


def _who(store: Store, consultation: Consultation, respondent_id: str | None) -> str:
    if respondent_id is None:
        return "no respondent found"
    respondent = store.respondent(respondent_id)
    if respondent is None:
        return "an unknown respondent"
    labels = {c.value: c.label for c in consultation.roles}
    return f"{respondent.authority} ({labels.get(respondent.role, respondent.role).lower()})"


def answer_lines(consultation: Consultation, answers: dict[str, Any]) -> list[str]:
    """Each answer as an officer reads it, under the number the form shows: "Question 8a
    (satisfaction.parks): Agree", a ranking numbered, an "Other" option's words labelled."""
    items = {item.id: item for item in form_items(consultation, get_plugins().kinds)}
    others = {item.other_key: item for item in items.values() if item.other_key}
    lines = []
    for answer_key, value in answers.items():
        item = items.get(answer_key)
        if item is not None:
            said = answer_words(item, item.question, value)
            lines.append(f"  Question {item.key} ({answer_key}): {said}")
        elif answer_key in others:
            owner = others[answer_key]
            label = owner.other.label if owner.other is not None else "Other"
            said = f'Question {owner.key}, "{label}" in their own words'
            lines.append(f"  {said} ({answer_key}): {value}")
        else:
            lines.append(f"  {answer_key}: {value}")
    return lines


SPEC = click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
ITEM = click.argument("item_id", metavar="ID", type=click.IntRange(min=1))


@click.group("review")
def review_group() -> None:
    """Resolve the emailed replies that could not be submitted with certainty.

    \b
    Example:
      surveykit review list specs/taking_stock.toml --db sqlite:///responses.db
      surveykit review accept specs/taking_stock.toml --db sqlite:///responses.db 3 --set 13=yes
    """


@review_group.command("list")
@SPEC
@DB_OPTION
@click.option("--all", "everything", is_flag=True, help="Include accepted and rejected items.")
def list_command(spec: Path, db_url: str, everything: bool) -> None:
    """List the review queue: open items, oldest first (with --all, resolved ones too).

    Each line gives the item's ID, when the message reached us (in the consultation's time
    zone), the reason, and the respondent if one was found; the next line says why.

    \b
    Example:
      surveykit review list specs/taking_stock.toml --db sqlite:///responses.db
    """
    consultation = load_spec(spec)
    with open_store(db_url) as store:
        items = store.review_items(consultation.metadata.id, None if everything else "open")
        if not items:
            click.echo("The review queue is empty." if not everything else "No review items.")
            return
        zone = consultation.metadata.timezone
        click.echo(f"{'ID':>4}  {'received (' + zone + ')':<28}  {'status':<8}  reason")
        for item in items:
            message = store.message(item.message)
            received = _local(message.received_at, consultation) if message else "?"
            who = _who(store, consultation, item.respondent_id)
            click.echo(f"{item.id:>4}  {received:<28}  {item.status:<8}  {item.reason}: {who}")
            click.echo(f"      {item.detail[:200]}")


@review_group.command("show")
@SPEC
@DB_OPTION
@ITEM
@click.option("--raw", is_flag=True, help="Print the message exactly as it was received.")
@SECRET_FILE_OPTION
def show_command(
    spec: Path, db_url: str, item_id: int, raw: bool, secret_file: Path | None
) -> None:
    """Show one item: why it is here, what was read with certainty, and the message itself.

    This shows the sender's address and the whole message: it is for officers only.

    \b
    Example:
      surveykit review show specs/taking_stock.toml --db sqlite:///responses.db 3
    """
    consultation = load_spec(spec)
    with deployment(db_url, secret_file) as (store, secret):
        item = store.review_item(item_id)
        if item is None or item.consultation != consultation.metadata.id:
            raise SurveykitError(f"there is no review item {item_id}")
        message = store.message(item.message)
        received = Seal(secret, consultation.metadata.id).open(message.raw, message_id=message.id)
        audit.record(
            store,
            consultation.metadata.id,
            audit.REVIEW_SHOW,
            secret=secret,
            respondent_id=item.respondent_id,
            email=_sender(received),
            detail=f"item {item.id}{', raw' if raw else ''}",
        )
        if raw:
            sys.stdout.buffer.write(received)
            sys.stdout.flush()
            return
        reading = read_reply(received, consultation)
        zone = consultation.metadata.timezone
        lines = [
            f"Review item {item.id} ({item.status}): {item.reason}",
            f"  {item.detail}",
            f"Message {message.id}, received {_local(message.received_at, consultation)} ({zone}) "
            f"from {message.source}",
            f"Respondent: {_who(store, consultation, item.respondent_id)}",
            f"Sender: {reading.sender_name or ''} <{reading.sender or 'none'}>",
            f"Subject: {reading.subject or ''}",
        ]
        if reading.sent_at is not None:
            lines.append(
                f"Date written by the sender (not trusted): {_local(reading.sent_at, consultation)}"
            )
        if not item.open:
            resolved = _local(item.resolved_at, consultation) if item.resolved_at else "?"
            version = f", version {item.version}" if item.version else ""
            lines.append(f"Resolved {resolved}{version}: {item.note}")
        lines += ["", "Read with certainty:"]
        lines += answer_lines(consultation, reading.answers)
        if not reading.answers:
            lines.append("  nothing")
        if reading.problems:
            lines += ["", "Problems:", *(f"  - {p.code}: {p.message}" for p in reading.problems)]
        lines += ["", "Message text:", *(f"  | {line}" for line in reading.text.splitlines())]
        click.echo("\n".join(lines))


@review_group.command("accept")
@SPEC
@DB_OPTION
@ITEM
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="Q=VALUE",
    help="Correct an answer: Q is a question's number or id, a part's key (satisfaction.parks, "
    "heard_about.other) or a grid statement's number (8a); VALUE an option's value or label "
    "(several, or a ranking, separated by commas), or a number, date or text as a respondent "
    "writes it.  Q= removes the answer.  Repeat as needed.",
)
@click.option("--respondent-email", metavar="ADDR", help="Who sent it, when none was found.")
@click.option("--reference", metavar="REF", help="Who sent it, by their reference SK-....")
@click.option("--note", default="", help="A note for the record (default: what was corrected).")
@OPEN_UNTIL_OPTION
@SECRET_FILE_OPTION
def accept_command(
    spec: Path,
    db_url: str,
    item_id: int,
    settings: tuple[str, ...],
    respondent_email: str | None,
    reference: str | None,
    note: str,
    open_until: dt.date | None,
    secret_file: Path | None,
) -> None:
    """Submit an item's reply, with corrections, as its respondent's response.

    It is judged against the closing date by when the message reached us, not when it is
    accepted.  The answers go through the same checks as every channel's.

    \b
    Examples:
      surveykit review accept specs/taking_stock.toml --db sqlite:///responses.db 3
      surveykit review accept specs/taking_stock.toml --db sqlite:///responses.db 4 \\
          --set 13=yes --set 14=no --respondent-email leader@kent.example
      surveykit review accept residents.toml --db sqlite:///responses.db 5 \\
          --set 8a=agree --set "10=housing, libraries" --set "5=March 2019"
    """
    if respondent_email and reference:
        raise click.UsageError("give --respondent-email or --reference, not both")
    consultation = open_window(load_spec(spec), open_until)
    corrections = parse_corrections(consultation, settings)
    with deployment(db_url, secret_file) as (store, secret):
        intake = Intake(consultation, store, secret)
        done = accept(
            intake, item_id, corrections, email=respondent_email, reference=reference, note=note
        )
        audit.record(
            store,
            consultation.metadata.id,
            audit.REVIEW_ACCEPT,
            secret=secret,
            respondent_id=done.item.respondent_id,
            detail=f"item {item_id}, version {done.version}",
        )
        message = store.message(done.item.message)
        who = _who(store, consultation, done.item.respondent_id)
    replaced = " (it replaces their earlier response)" if done.replaced else ""
    click.echo(
        f"Accepted review item {item_id}: stored as version {done.version} for {who}, "
        f"received {_local(message.received_at, consultation)} "
        f"({consultation.metadata.timezone}){replaced}."
    )


@review_group.command("reject")
@SPEC
@DB_OPTION
@click.argument("item_ids", metavar="[ID]...", nargs=-1, type=click.IntRange(min=1))
@click.option("--why", required=True, help="Why it is rejected, for the record.")
@click.option(
    "--duplicates", is_flag=True, help="Reject every open item that is a duplicate message."
)
@click.option("--automatic", is_flag=True, help="Reject every open automatic reply and bounce.")
@SECRET_FILE_OPTION
def reject_command(
    spec: Path,
    db_url: str,
    item_ids: tuple[int, ...],
    why: str,
    duplicates: bool,
    automatic: bool,
    secret_file: Path | None,
) -> None:
    """Reject items: nothing is submitted, and the message stays stored with the reason.

    \b
    Examples:
      surveykit review reject specs/taking_stock.toml --db sqlite:///responses.db 5 \\
          --why "spam"
      surveykit review reject specs/taking_stock.toml --db sqlite:///responses.db \\
          --duplicates --why "already submitted"
    """
    if not why.strip():
        raise click.UsageError("--why needs a reason")
    if not item_ids and not duplicates and not automatic:
        raise click.UsageError("give the ID of an item to reject, or --duplicates or --automatic")
    consultation = load_spec(spec)
    with deployment(db_url, secret_file) as (store, secret):
        ids = list(item_ids)
        for item_id in ids:
            _open_item(store, consultation, item_id)
        reasons = {"duplicate"} if duplicates else set()
        reasons |= {"automatic"} if automatic else set()
        ids += [
            i.id
            for i in store.review_items(consultation.metadata.id)
            if i.reason in reasons and i.id not in ids
        ]
        now = dt.datetime.now(dt.UTC)
        for item_id in ids:
            item = store.resolve_review(
                item_id, status="rejected", note=why.strip(), resolved_at=now
            )
            audit.record(
                store,
                consultation.metadata.id,
                audit.REVIEW_REJECT,
                secret=secret,
                respondent_id=item.respondent_id,
                email=None if item.respondent_id else _sender_of(store, secret, item),
                detail=f"item {item_id}",
            )
    count = len(ids)
    click.echo(f"Rejected {counted(count, 'review item')}.")


COMMANDS = (review_group,)
