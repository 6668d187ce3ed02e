"""``surveykit invite``: each roster respondent's own link and the plain-text form, by email.

Tokens are stored only as keyed hashes, so the clear link from ``tokens issue`` no longer exists
when invitations go out.  Each email therefore carries a *fresh* link, issued at send time through
the same grant path as ``surveykit tokens issue``: the store records the sending, makes the new
link live (revoking any earlier one) and hands the email to the SMTP server in **one
transaction**, committed only once the server has accepted the message.  A run that is stopped,
or loses its mail server, is simply run again: everyone already recorded is skipped, so nobody
gets the same email twice, and nobody holds a link that was never made live.

A reminder (``--reminder``, round ``--round N``) goes only to respondents without a response, and
carries a new link that replaces the earlier one (the email says so).  Without ``--base-url``
no link is issued at all: the email carries the form to reply with, and its reference line.
A link ``tokens issue`` made, which may have gone out by mail merge, is never replaced silently:
with ``--base-url`` the command refuses while anyone it would email holds one
(:func:`unsent_links`), unless given ``--replace-links``.

Each email is in its respondent's language (the roster's ``language`` column), or in every
language the spec offers, Welsh first, for everyone who did not ask for one language when the
deployment corresponds bilingually (``--bilingual``, ``[smtp] bilingual = true``): see
:func:`surveykit_email.outbox.email_language` and docs/email.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

import click
from attrs import frozen

from surveykit import (
    Consultation,
    Respondent,
    Secret,
    SubmitService,
    SurveykitError,
    Token,
    load_spec,
)
from surveykit.cli.deployment import (
    DB_OPTION,
    OPEN_UNTIL_OPTION,
    SECRET_FILE_OPTION,
    deployment,
    open_window,
)
from surveykit.cli.progress import progress
from surveykit.mailbox import NewSending
from surveykit.storage import Grant, Store
from surveykit.submit import system_clock
from surveykit.wording import counted

from .outbox import (
    Mailer,
    MailError,
    RecipientRefused,
    Throttle,
    compose,
    email_language,
    parse_address,
    parse_rate,
    parse_server,
)
from .reference import reference_for

__all__ = [
    "InvitePlan",
    "SendReport",
    "invite_command",
    "plan_invitations",
    "send_invitations",
    "unsent_links",
]

DEFAULT_RATE = "5/s"


@frozen
class InvitePlan:
    """Who gets this run's email, and why the others do not."""

    kind: str
    round: int
    recipients: tuple[Respondent, ...]
    already_sent: int
    responded: int
    no_email: int


@frozen
class SendReport:
    """What a run did: sent, skipped (another run got there first, or the respondent has
    responded meanwhile), or refused by the mail server."""

    sent: int
    skipped: int
    refused: int


def plan_invitations(
    store: Store, consultation: Consultation, *, reminder_round: int | None = None
) -> InvitePlan:
    """The roster respondents still owed this email (an invitation, or reminder ``round``)."""
    cid = consultation.metadata.id
    kind, round_ = ("invitation", 0) if reminder_round is None else ("reminder", reminder_round)
    done = {s.respondent_id for s in store.sendings(cid) if s.kind == kind and s.round == round_}
    recipients: list[Respondent] = []
    already = responded = no_email = 0
    for respondent in sorted(store.respondents(cid), key=lambda r: (r.authority, r.role, r.id)):
        if respondent.origin != "roster":
            continue
        if not respondent.email:
            no_email += 1
        elif respondent.id in done:
            already += 1
        elif kind == "reminder" and store.response(respondent.id) is not None:
            responded += 1
        else:
            recipients.append(respondent)
    return InvitePlan(kind, round_, tuple(recipients), already, responded, no_email)


def unsent_links(store: Store, consultation: Consultation, recipients: Iterable[Respondent]) -> int:
    """How many ``recipients`` hold a live link that no email of ours carried: one from
    ``surveykit tokens issue``, which may have gone out by mail merge.  A new link would
    replace it, and the link they were sent would stop working.

    An emailed link is issued at the very instant its sending is recorded (one transaction),
    which is how it is told apart.
    """
    cid = consultation.metadata.id
    wanted = {r.id for r in recipients}
    emailed = {(s.respondent_id, s.sent_at) for s in store.sendings(cid)}
    return sum(
        1
        for rid, issued_at in store.live_links(cid)
        if rid in wanted and (rid, issued_at) not in emailed
    )


def _replacing(count: int) -> str:
    holds = "1 respondent holds a link" if count == 1 else f"{count} respondents hold links"
    return (
        f"{holds} from `surveykit tokens issue` that this would replace, so any link you sent "
        "them by mail merge would stop working"
    )


def send_invitations(
    store: Store,
    secret: Secret,
    consultation: Consultation,
    plan: InvitePlan,
    mailer: Mailer,
    *,
    sender: str,
    base_url: str | None,
    throttle: Throttle,
    clock: Callable = system_clock,
    advance: Callable[[int], None] = lambda steps: None,
    bilingual: bool = False,
) -> SendReport:
    """Send the planned emails, each recorded, granted and delivered in one transaction.

    A refused recipient is counted and skipped (a later run tries again); a server that cannot
    be reached stops the run with :class:`MailError`, everything sent so far being recorded.
    """
    sent = skipped = refused = 0
    reminder = plan.kind == "reminder"
    for respondent in plan.recipients:
        if reminder and store.response(respondent.id) is not None:
            skipped += 1  # they responded while this run was under way
            advance(1)
            continue
        now = clock()
        token = Token.new() if base_url else None
        grant = None if token is None else Grant(respondent, secret.hash(token), now)
        message = compose(
            consultation,
            respondent,
            sender=sender,
            reference=reference_for(secret, respondent.id),
            link=None if token is None else f"{base_url.rstrip('/')}/{token.value}",
            reminder=reminder,
            now=now,
            language=email_language(consultation, respondent, bilingual=bilingual),
        )
        sending = NewSending(
            consultation.metadata.id,
            respondent.id,
            plan.kind,
            plan.round,
            now,
            str(message["Message-ID"]),
        )

        throttle.wait()
        try:
            recorded = store.record_sending(sending, grant, lambda m=message: mailer.send(m))
        except RecipientRefused:
            refused += 1
        except MailError as exc:
            raise MailError(
                f"{exc}; {counted(sent, 'email')} had been sent and recorded: run the same command "
                "again to carry on (nobody is sent the same email twice)"
            ) from None
        else:
            if recorded is None:
                skipped += 1
            else:
                sent += 1
        advance(1)
    return SendReport(sent, skipped, refused)


def _plan_text(plan: InvitePlan) -> Iterable[str]:
    what = "it" if plan.kind == "invitation" else f"reminder {plan.round}"
    if plan.already_sent:
        yield f"{plan.already_sent} already had {what}"
    if plan.responded:
        yield f"{plan.responded} already responded"
    if plan.no_email:
        yield f"{counted(plan.no_email, 'respondent')} without an email address"


def _sender(address: str | None) -> str:
    """The From address, as given: never a default, since a real person would get the replies."""
    if not address:
        raise SurveykitError(
            "no sender: give --sender ADDRESS (the From address, where replies go) "
            "or set SURVEYKIT_SENDER"
        )
    return parse_address(address, "--sender")


def _emails(plan: InvitePlan, n: int) -> str:
    """``3 invitations`` or ``2 reminders (round 1)``."""
    emails = counted(n, plan.kind)
    return emails if plan.kind == "invitation" else f"{emails} (round {plan.round})"


@click.command("invite")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@DB_OPTION
@click.option(
    "--smtp",
    "server",
    required=True,
    metavar="HOST:PORT",
    help="The mail server to send through; $SURVEYKIT_SMTP_USER and $SURVEYKIT_SMTP_PASSWORD "
    "log in when set.",
)
@click.option(
    "--sender",
    "--from",
    "sender",
    envvar="SURVEYKIT_SENDER",
    metavar="ADDR",
    help="The From address, where replies go (default: $SURVEYKIT_SENDER); needed unless "
    "--dry-run.",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="Prefix for each new link, e.g. https://consult.example.org/r/ (default: the "
    "deployment file's base_url; without one no link is issued and the email carries only the "
    "form to reply with).",
)
@click.option(
    "--no-links",
    is_flag=True,
    help="Issue no links, even with --base-url or a deployment file's base_url: the email "
    "carries the form and the respondent's reference only (for links sent by mail merge).",
)
@click.option("--reminder", is_flag=True, help="Send a reminder to those who have not responded.")
@click.option(
    "--round",
    "round_",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="With --reminder: which reminder this is; each respondent gets each round once.",
)
@click.option("--dry-run", is_flag=True, help="Say who would be sent what; send and store nothing.")
@click.option(
    "--replace-links",
    is_flag=True,
    help="With --base-url: replace links issued by `tokens issue` too (without it, invite "
    "refuses when anyone holds one, since a link sent by mail merge would stop working).",
)
@click.option(
    "--rate",
    default=DEFAULT_RATE,
    show_default=True,
    metavar="N/s",
    help="At most this many emails per second (or N/min, N/h).",
)
@click.option("--starttls", is_flag=True, help="Switch the SMTP connection to TLS first.")
@click.option(
    "--bilingual/--one-language",
    default=False,
    envvar="SURVEYKIT_EMAIL_BILINGUAL",
    help="Write in every language the spec offers, Welsh first, to everyone who did not ask "
    "for one language (default: the deployment file's [smtp] bilingual; otherwise each "
    "respondent's own language, else the spec's).",
)
@OPEN_UNTIL_OPTION
@SECRET_FILE_OPTION
def invite_command(
    spec: Path,
    db_url: str,
    server: str,
    sender: str | None,
    base_url: str | None,
    no_links: bool,
    reminder: bool,
    round_: int,
    dry_run: bool,
    replace_links: bool,
    rate: str,
    starttls: bool,
    bilingual: bool,
    open_until: dt.date | None,
    secret_file: Path | None,
) -> None:
    """Email each roster respondent their own new link and the plain-text form.

    Each email is recorded, its link made live and the message handed to the mail server in one
    transaction, so running the command again after an interruption sends nobody the same email
    twice.  A new link replaces the respondent's earlier one, so if you sent the links from
    `tokens issue` by mail merge, pass --no-links (or leave out --base-url when no deployment
    file gives one): the email then carries the form and the respondent's reference only;
    invite refuses to replace those links without --replace-links.  --reminder goes only to
    those who have not responded.  Each email is in the respondent's language (the roster's
    language column), or in Welsh and English, Welsh first, with --bilingual.  Links,
    addresses and names are never printed.

    \b
    Examples:
      surveykit invite specs/taking_stock.toml --db sqlite:///responses.db \\
          --smtp 127.0.0.1:25 --sender consult@example.org --base-url https://consult.example.org/r/
      surveykit invite specs/taking_stock.toml --db sqlite:///responses.db \\
          --smtp 127.0.0.1:25 --reminder --round 1 --dry-run
    """
    host, port = parse_server(server)
    per_second = parse_rate(rate)
    if no_links:
        base_url = None
    if base_url is not None and not base_url.startswith(("https://", "http://")):
        raise SurveykitError(f"--base-url must start with https:// or http://, not {base_url!r}")
    consultation = open_window(load_spec(spec), open_until)
    from_address = "" if dry_run else _sender(sender)
    with deployment(db_url, secret_file) as (store, secret):
        plan = plan_invitations(store, consultation, reminder_round=round_ if reminder else None)
        others = "; ".join(_plan_text(plan))
        others = f"; {others}" if others else ""
        unsent = 0 if base_url is None else unsent_links(store, consultation, plan.recipients)
        if dry_run:
            replacing = (
                f" Without --replace-links it would refuse: {_replacing(unsent)}."
                if unsent and not replace_links
                else ""
            )
            click.echo(
                f"Dry run: would send {_emails(plan, len(plan.recipients))}{others}."
                f"{replacing} Nothing was sent or stored."
            )
            return
        SubmitService(consultation, store, secret).require_open(system_clock(), "no email was sent")
        if unsent and not replace_links:
            raise SurveykitError(
                f"{_replacing(unsent)}; nothing was sent: pass --no-links to email the form "
                "and reference only, or --replace-links if those links were never sent"
            )
        with (
            Mailer(host, port, starttls=starttls) as mailer,
            progress(f"Sending {plan.kind}s", len(plan.recipients)) as advance,
        ):
            report = send_invitations(
                store,
                secret,
                consultation,
                plan,
                mailer,
                sender=from_address,
                base_url=base_url,
                throttle=Throttle(per_second),
                advance=advance,
                bilingual=bilingual,
            )
    parts = [f"Sent {_emails(plan, report.sent)}{others}"]
    if report.skipped:
        parts.append(f"{report.skipped} skipped (sent by another run, or responded meanwhile)")
    if report.refused:
        parts.append(
            f"the mail server refused {counted(report.refused, 'address')}; "
            "run the command again to retry them"
        )
    if plan.kind == "reminder" and not plan.recipients and plan.already_sent:
        parts.append(f"to send another reminder, use --round {plan.round + 1}")
    click.echo("; ".join(parts) + ".")
    if report.refused:
        click.get_current_context().exit(1)


COMMANDS = (invite_command,)
