"""``surveykit answer`` and ``surveykit enter``: the terminal form for respondents and officers."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from surveykit import (
    ClosedError,
    Consultation,
    DetailsError,
    KnownRespondent,
    Respondent,
    SubmitService,
    SurveykitError,
    load_spec,
)
from surveykit.cli.deployment import (
    DB_OPTION,
    OPEN_UNTIL_OPTION,
    SECRET_FILE_OPTION,
    deployment,
    open_window,
    parse_instant,
)
from surveykit.people import check_person, for_authorities
from surveykit.roster import RosterEntry, plan_links
from surveykit.storage import Store, utc
from surveykit.submit import SELF_SERVICE_ROLE

from .form import Entry, TerminalForm
from .prompters import InteractivePrompter, PlainPrompter, Prompter

__all__ = ["answer_command", "enter_command"]


SPEC = click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
PLAIN = click.option(
    "--plain",
    is_flag=True,
    help="Numbered choices and plain lines, for scripts and simple terminals (the default when "
    "input or output is not a terminal).",
)


def _consultation(spec: Path, open_until: dt.date | None) -> Consultation:
    consultation = load_spec(spec)
    meta = consultation.metadata
    click.secho(meta.title, bold=True)
    if meta.subtitle:
        click.echo(meta.subtitle)
    click.echo(f"{meta.publisher}. Closes {meta.closing_text} ({meta.timezone}).")
    return open_window(consultation, open_until)


def _require_open(consultation: Consultation, instant: dt.datetime, received: bool) -> None:
    """Refuse before any question is asked, in the words the submit service would use."""
    meta = consultation.metadata
    if meta.is_open(instant):
        return
    local = f"{instant.astimezone(meta.zone):%Y-%m-%d %H:%M} ({meta.timezone})"
    when = f"; this response was received {local}" if received else ""
    opens_at = meta.opens_at
    if opens_at is not None and instant < opens_at:
        opening = f"{opens_at.astimezone(meta.zone):%Y-%m-%d %H:%M} ({meta.timezone})"
        raise ClosedError(f"{meta.title} is not open yet: it opens {opening}{when}", not_yet=True)
    raise ClosedError(
        f"{meta.title} closed on {meta.closing_text} ({meta.timezone}){when}; "
        "it no longer accepts responses"
    )


def _prompter(plain: bool) -> Prompter:
    if plain or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return PlainPrompter()
    return InteractivePrompter()


def _finish(code: int) -> None:
    if code:
        click.get_current_context().exit(code)


@click.command("answer")
@SPEC
@DB_OPTION
@click.option(
    "--token",
    envvar="SURVEYKIT_TOKEN",
    required=True,
    metavar="TOKEN",
    help="Your token or whole unique link (default: $SURVEYKIT_TOKEN, which keeps it out of "
    "your shell history).",
)
@PLAIN
@OPEN_UNTIL_OPTION
@SECRET_FILE_OPTION
def answer_command(
    spec: Path,
    db_url: str,
    token: str,
    plain: bool,
    open_until: dt.date | None,
    secret_file: Path | None,
) -> None:
    """Answer a consultation in the terminal, one question at a time.

    Only the questions that apply are asked, and a changed answer that makes a later question no
    longer apply clears that question's answer.  Go back at any time, check your answers at the
    end, then submit.  Ctrl-C (or the end of piped input) stops and saves a draft; running the
    command again carries on from it.  Exits 0 once the response (or a draft, on request) is
    stored, 3 when the input ended and 130 on Ctrl-C.

    \b
    Examples:
      export SURVEYKIT_TOKEN=...   # from your unique link
      surveykit answer specs/taking_stock.toml --db sqlite:///responses.db
      surveykit answer specs/taking_stock.toml --db sqlite:///demo.db --open-until 2030-12-31
    """
    consultation = _consultation(spec, open_until)
    with deployment(db_url, secret_file) as (store, secret):
        service = SubmitService(consultation, store, secret)
        _require_open(consultation, service.now(), received=False)
        respondent = service.authenticate(token)
        if respondent.authority:
            click.echo(f"Answering for {respondent.authority} ({_role(consultation, respondent)}).")
        else:
            click.echo(f"Answering for {_who(respondent)}.")
        form = TerminalForm(
            service,
            Entry(token, respondent, channel="cli"),
            _prompter(plain),
            resume_from_response=True,
        )
        code = form.run()
    _finish(code)


@click.command("enter")
@SPEC
@DB_OPTION
@click.option(
    "--respondent",
    "who",
    metavar="WHO",
    help="Who sent it: their email address, their authority's name (or, for someone who "
    "answers for no organisation, their own name) or their respondent id; with --new, the "
    "authority's name.  A consultation that lists no authority types (of residents, say) needs "
    "none with --new: give the organisation's, or leave it out for someone answering for "
    "themselves.",
)
@click.option(
    "--role",
    help="Narrow --respondent to this role; with --new, the new role (default `other` when the "
    "consultation lists no roles).",
)
@click.option(
    "--new",
    "create",
    is_flag=True,
    help="Add the respondent first (for someone not on the roster): give --authority-type and "
    "--role, and --name and --email if known.",
)
@click.option(
    "--authority-type",
    help="With --new: the authority's type, e.g. county (not needed when the consultation lists "
    "no authority types).",
)
@click.option("--name", default="", help="With --new: the person's name, if known.")
@click.option("--email", default="", help="With --new: the person's email address, if known.")
@click.option(
    "--channel",
    type=click.Choice(["paper", "email"]),
    default="paper",
    show_default=True,
    help="How the response arrived.",
)
@click.option(
    "--received-at",
    metavar="TIME",
    help="When it arrived (2015-03-12 or 2015-03-12T16:30; the consultation's time zone unless "
    "an offset is given); the closing date is judged by it.  Default: now.",
)
@PLAIN
@OPEN_UNTIL_OPTION
@SECRET_FILE_OPTION
def enter_command(
    spec: Path,
    db_url: str,
    who: str | None,
    role: str | None,
    create: bool,
    authority_type: str | None,
    name: str,
    email: str,
    channel: str,
    received_at: str | None,
    plain: bool,
    open_until: dt.date | None,
    secret_file: Path | None,
) -> None:
    """Key in a response that came by post or email, through the same form as `answer`.

    The officer answers the questions as the letter does, checks them, and submits; the response
    is stored as the respondent's, by paper (or email), judged against the closing date by when it
    was received.  A respondent not on the roster can be added with --new.

    \b
    Examples:
      surveykit enter specs/taking_stock.toml --db sqlite:///responses.db \\
          --respondent leader@kent.example --received-at 2015-03-12
      surveykit enter specs/taking_stock.toml --db sqlite:///responses.db \\
          --respondent "Dover District Council" --new --authority-type district --role other
    """
    if not create and (authority_type or name or email):
        raise click.UsageError("--authority-type, --name and --email go with --new")
    if who is None and not create:
        raise click.MissingParameter(param_hint="'--respondent'", param_type="option")
    consultation = _consultation(spec, open_until)
    if who is None and for_authorities(consultation):
        raise click.UsageError("--respondent is needed with --new: the authority's name")
    received = None if received_at is None else parse_instant(received_at, consultation)
    with deployment(db_url, secret_file) as (store, secret):
        service = SubmitService(consultation, store, secret)
        now = service.now()
        if received is not None and utc(received) > now:
            raise SurveykitError(f"--received-at {received_at} is in the future")
        _require_open(consultation, received or now, received=received is not None)
        if create:
            if role is None and not consultation.roles:
                role = SELF_SERVICE_ROLE
            respondent = _create(
                service, store, who or "", role or "", authority_type or "", name, email, now
            )
        else:
            respondent = _find(store, consultation, who or "", role)
        meta = consultation.metadata
        when = (received or now).astimezone(meta.zone)
        click.echo(
            f"Keying in a {channel} response from {_who(respondent)} "
            f"({_role(consultation, respondent)}), received {when:%Y-%m-%d %H:%M} "
            f"({meta.timezone})."
        )
        form = TerminalForm(
            service,
            Entry(
                KnownRespondent(respondent.id),
                respondent,
                channel=channel,
                received_at=received,
                officer=True,
            ),
            _prompter(plain),
            intros=False,
        )
        code = form.run()
    _finish(code)


def _role(consultation: Consultation, respondent: Respondent) -> str:
    labels = {c.value: c.label for c in consultation.roles}
    return labels.get(respondent.role, respondent.role).lower()


def _who(respondent: Respondent) -> str:
    """How a respondent is named on screen: their authority, or, for someone answering for no
    organisation, their name."""
    return respondent.authority or respondent.name or "a respondent with no name given"


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def _find(store: Store, consultation: Consultation, who: str, role: str | None) -> Respondent:
    wanted = _words(who)
    matches = [
        r
        for r in store.respondents(consultation.metadata.id)
        if r.id == who.strip()
        or (r.email and r.email.casefold() == wanted)
        or (r.authority and _words(r.authority) == wanted)
        or (not r.authority and r.name and _words(r.name) == wanted)
    ]
    if role:
        matches = [r for r in matches if r.role == role]
    with_role = f" with the role {role}" if role else ""
    if not matches:
        raise SurveykitError(
            f"no respondent matches {who[:80]!r}{with_role}: check the spelling, give an email "
            "address, or add --new to add them"
        )
    if len(matches) > 1:
        listed = ", ".join(
            sorted(f"{_who(r)} ({r.role}{', ' + r.name if r.name else ''})" for r in matches)
        )
        raise SurveykitError(
            f"{len(matches)} respondents match {who[:80]!r}{with_role}: {listed}; "
            "narrow it with --role or give an email address"
        )
    return matches[0]


def _create(
    service: SubmitService,
    store: Store,
    authority: str,
    role: str,
    authority_type: str,
    name: str,
    email: str,
    now: dt.datetime,
) -> Respondent:
    """Add a respondent as a roster import of one row would, and say so."""
    consultation = service.consultation
    authority, name, email = authority.strip(), name.strip(), email.strip()
    problems = check_person(
        consultation,
        authority=authority,
        authority_type=authority_type,
        role=role,
        name=name,
        email=email,
    )
    if problems:
        raise DetailsError("; ".join(message for _code, message in problems))
    entry = RosterEntry(0, authority, authority_type, role, name, email, source="--new")
    plan = plan_links(store, service.secret, consultation, [entry], now=now)
    if not plan.links:
        raise SurveykitError(
            f"{authority or name or 'That person'} ({role}) is already a respondent (same name "
            "or email address); leave out --new"
        )
    plan.commit(store)
    respondent = plan.links[0].respondent
    click.echo(f"Added {_who(respondent)} ({_role(consultation, respondent)}) as a respondent.")
    return respondent
