"""``surveykit subject-access`` and ``surveykit erase``: one person's rights of access and
erasure (issue 19).

Both find the person through :mod:`surveykit.subject`.  Stored mail is sealed and only the email
channel can open it, so both borrow its sealing, MIME reading and references when the
``surveykit_email`` plugin (and its extra) is installed: imported by name when the command runs,
because the core imports no plugin.  Without it a store holding mail is refused in one line.
"""

from __future__ import annotations

import importlib
import json
import os
import secrets
from pathlib import Path
from types import ModuleType
from typing import Any

import click

from .. import audit, subject
from ..errors import SurveykitError
from ..identity import Secret
from ..mailbox import StoredMessage
from ..model import Consultation
from ..spec import load_spec
from ..storage import ErasedCounts
from .deployment import DB_OPTION, SECRET_FILE_OPTION, deployment
from .subject_html import render_html

__all__ = ["COMMANDS", "erase_command", "mail_reader", "subject_access_command"]

FORMATS = ("html", "json")


class _EmailChannel:
    """A :class:`surveykit.subject.MailReader` made of the email channel's own parts."""

    def __init__(self, secret: Secret, consultation_id: str, modules: dict[str, ModuleType]):
        self._seal = modules["sealing"].Seal(secret, consultation_id)
        self._extract = modules["mime"].extract
        self._references = modules["reference"]
        self._secret = secret

    def open(self, message: StoredMessage) -> bytes:
        return self._seal.open(message.raw, message_id=message.id)

    def read(self, raw: bytes) -> subject.ReadMail:
        found = self._extract(raw)
        return subject.ReadMail(
            sender=found.sender,
            subject=found.subject,
            sent_at=found.sent_at,
            text=found.text or "",
            attachments=tuple(found.attachments),
        )

    def reference(self, respondent_id: str) -> str:
        return self._references.reference_for(self._secret, respondent_id)

    def normal_reference(self, text: str) -> str | None:
        found = self._references.find_reference(text)
        return found if found is not None and self._references.is_valid(text) else None


def mail_reader(secret: Secret, consultation_id: str) -> subject.MailReader | None:
    """The email channel's reader, or ``None`` when its plugin or extra is not installed."""
    modules = {}
    for name in ("sealing", "mime", "reference"):
        try:
            modules[name] = importlib.import_module(f"surveykit_email.{name}")
        except ModuleNotFoundError:
            return None
    return _EmailChannel(secret, consultation_id, modules)


def _who_options(command: Any) -> Any:
    for option in reversed(
        (
            click.option("--email", metavar="ADDRESS", help="The person's email address."),
            click.option(
                "--reference", metavar="REF", help="The person's reference (SK-XXXX-XXXX-XXXX)."
            ),
        )
    ):
        command = option(command)
    return command


def _find(
    store: Any, consultation: Consultation, secret: Secret, **named: str | None
) -> tuple[subject.Person, subject.MailReader | None]:
    mail = mail_reader(secret, consultation.metadata.id)
    person = subject.find_person(store, consultation.metadata.id, secret, mail=mail, **named)
    return person, mail


def _subject_of(person: subject.Person) -> dict[str, str | None]:
    """Whom an audit record names: the respondent's id, else the address."""
    if person.respondent is not None:
        return {"respondent_id": person.respondent.id}
    return {"email": person.address}


# subject-access -----------------------------------------------------------------------------


@click.command("subject-access")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@DB_OPTION
@_who_options
@click.option("--token", metavar="TOKEN", help="One of the person's links (or its token).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The document to write (a new file, readable only by you).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="html or json (default: from --out's extension, .json or .html).",
)
@SECRET_FILE_OPTION
def subject_access_command(
    spec: Path,
    db_url: str,
    email: str | None,
    reference: str | None,
    token: str | None,
    out: Path,
    fmt: str | None,
    secret_file: Path | None,
) -> None:
    """Write everything held about one person, for a subject access request.

    Identity, links (times only), every version of their answers, their draft, the emails they
    sent (decoded), reviews of them, invitations, the reports that counted them and the
    officers' actions about them; nothing about anyone else.  Name them by exactly one of
    --email, --reference or --token; an address two respondents share is listed, for you to
    choose with --reference.  Recorded in the audit trail.

    \b
    Example:
      surveykit subject-access specs/taking_stock.toml --db sqlite:///responses.db \\
          --email leader@kent.example --out leader.html
    """
    chosen = fmt or _format_of(out)
    if out.exists():
        raise SurveykitError(f"{out} already exists; choose a new --out file")
    consultation = load_spec(spec)
    with deployment(db_url, secret_file) as (store, secret):
        person, mail = _find(
            store, consultation, secret, email=email, reference=reference, token=token
        )
        document = subject.gather(
            store, person, secret, mail=mail, title=consultation.metadata.title
        )
        labels = {q.id: q.title for q in consultation.questions}
        text = (
            json.dumps(document, ensure_ascii=False, indent=2) + "\n"
            if chosen == "json"
            else render_html(document, labels)
        )
        _write_private(out, text)
        audit.record(
            store,
            consultation.metadata.id,
            audit.SUBJECT_ACCESS,
            secret=secret,
            detail=audit.counts(versions=len(document["answers"]), emails=len(document["emails"])),
            **_subject_of(person),
        )
    click.echo(f"Wrote everything held about that person to {out} ({chosen}).")


def _format_of(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".html", ".htm"):
        return "html"
    raise SurveykitError(f"say --format html or json: {out.name} has neither extension")


def _write_private(out: Path, text: str) -> None:
    """Write ``text`` to a new owner-only file, whole or not at all."""
    temporary = out.with_name(f".{out.name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, out)
    except OSError as exc:
        raise SurveykitError(f"cannot write {out}: {exc.strerror}") from None
    finally:
        temporary.unlink(missing_ok=True)


# erase --------------------------------------------------------------------------------------


@click.command("erase")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@DB_OPTION
@_who_options
@click.option(
    "--keep-answers",
    is_flag=True,
    help="Keep their answers, anonymised, so reports still count them (default: remove them).",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@SECRET_FILE_OPTION
def erase_command(
    spec: Path,
    db_url: str,
    email: str | None,
    reference: str | None,
    keep_answers: bool,
    yes: bool,
    secret_file: Path | None,
) -> None:
    """Erase one person: identity, links, draft, the mail they sent, reviews and sendings.

    Their answers are removed, or with --keep-answers kept under a new random id with no
    identity (reports still count them; free text that names them stays: read it first with
    subject-access).  Published reports are not rewritten.  Name them by --email or
    --reference.  Recorded in the audit trail, with the choice made.

    \b
    Example:
      surveykit erase specs/taking_stock.toml --db sqlite:///responses.db \\
          --reference SK-7KQ2-M9XD-4HPA --keep-answers
    """
    consultation = load_spec(spec)
    with deployment(db_url, secret_file) as (store, secret):
        person, _ = _find(store, consultation, secret, email=email, reference=reference)
        if not yes:
            click.confirm(_plan(store, person, keep_answers), abort=True)
        counts = subject.erase(store, person, keep_answers=keep_answers)
        audit.record(
            store,
            consultation.metadata.id,
            audit.ERASE,
            secret=secret,
            detail="answers kept" if keep_answers else "answers removed",
            **_subject_of(person),
        )
    click.echo(_summary(counts))
    if not counts.scrubbed:
        click.echo(
            "Warning: the erased rows are gone, but their bytes could not yet be overwritten "
            "(another program is reading the store); run surveykit erase again later, or see "
            "docs/storage.md#erasure",
            err=True,
        )


def _plan(store: Any, person: subject.Person, keep_answers: bool) -> str:
    who = person.respondent
    if who is None:
        return f"Erase {len(person.messages)} stored email(s) from {person.address}?"
    versions = len(store.history(who.id))
    answers = (
        f"keep their {versions} answer version(s) anonymised"
        if keep_answers
        else f"remove their {versions} answer version(s)"
    )
    return (
        f"Erase {who.name or 'this respondent'} <{who.email}> ({who.role}, {who.authority}), "
        f"{len(person.messages)} email(s) they sent, and {answers}?"
    )


def _summary(counts: ErasedCounts) -> str:
    return "Erased: " + audit.counts(
        respondents=counts.respondents,
        links=counts.links,
        drafts=counts.drafts,
        answers_removed=counts.answers_removed,
        answers_kept_anonymised=counts.answers_kept,
        emails=counts.messages,
        reviews=counts.reviews,
        sendings=counts.sendings,
    )


COMMANDS = (subject_access_command, erase_command)
