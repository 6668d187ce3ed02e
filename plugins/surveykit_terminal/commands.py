"""``surveykit answer`` and ``surveykit enter``: the terminal form for respondents and officers."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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
    audit,
    load_spec,
)
from surveykit.cli.deployment import (
    DB_OPTION,
    OPEN_UNTIL_ENV,
    OPEN_UNTIL_OPTION,
    SECRET_FILE_OPTION,
    deployment,
    parse_instant,
)
from surveykit.i18n import SOURCE_LANGUAGE, phrase
from surveykit.people import check_person, for_authorities
from surveykit.roster import RosterEntry, plan_links
from surveykit.storage import Store, utc
from surveykit.submit import SELF_SERVICE_ROLE
from surveykit.translations import localise

from .form import (
    CHANNELS,
    EXIT_INTERRUPTED,
    EXIT_NOTHING_STORED,
    INPUT_ENDED,
    STOPPED,
    Entry,
    TerminalForm,
    role_label,
)
from .prompters import InteractivePrompter, PlainPrompter, Prompter
from .words import DOMAIN, Words, closing_phrase, endonym, english, words

__all__ = ["answer_command", "enter_command"]


SPEC = click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
PLAIN = click.option(
    "--plain",
    is_flag=True,
    help="Numbered choices and plain lines, for scripts and simple terminals (the default when "
    "input or output is not a terminal).",
)


def _lang_option(asks: str):
    return click.option(
        "--lang",
        metavar="LANG",
        help="The language of the form, one the spec offers (cy, en...): its questions from the "
        f"spec's translations and every word of the form's own in it.  {asks}",
    )


def _language(consultation: Consultation, lang: str | None) -> str | None:
    """``--lang``, checked to be one the spec offers (``None`` when not given)."""
    if lang is None:
        return None
    offered = consultation.languages
    if lang not in offered:
        raise click.BadParameter(
            f"{consultation.metadata.title!r} is not offered in {lang!r}; its languages are "
            f"{', '.join(offered)}",
            param_hint="'--lang'",
        )
    return lang


def _ask_language(consultation: Consultation, prompter: Prompter) -> str:
    """The respondent's choice of the spec's languages, asked in all of them at once ("Which
    language would you like to use? / Pa iaith hoffech chi ei defnyddio?")."""
    offered = consultation.languages
    question = " / ".join(
        words(lang).gettext("Which language would you like to use?") for lang in offered
    )
    try:
        return prompter.choose(question, [(lang, endonym(lang)) for lang in offered])
    except (EOFError, KeyboardInterrupt) as stop:
        t = words(offered[0])
        why = t.gettext(INPUT_ENDED if isinstance(stop, EOFError) else STOPPED)
        click.echo()
        click.echo(
            t.gettext("{why}: nothing had been answered, so no draft was saved.").format(why=why)
        )
        code = EXIT_NOTHING_STORED if isinstance(stop, EOFError) else EXIT_INTERRUPTED
        click.get_current_context().exit(code)
        raise  # not reached: exit raises


def _consultation(
    consultation: Consultation, open_until: dt.date | None, t: Words
) -> tuple[Consultation, Consultation]:
    """The consultation as this session runs it (reopened by ``--open-until``) and the same in
    the session's language, after its title, publisher and closing time are said."""
    local = consultation
    if t.language != consultation.text_language:
        local = localise(consultation, t.language)
    meta = local.metadata
    click.secho(meta.title, bold=True)
    if meta.subtitle:
        click.echo(meta.subtitle)
    click.echo(
        t.gettext("{publisher}. Closes {closing} ({timezone}).").format(
            publisher=meta.publisher, closing=t.closing(meta.closes), timezone=meta.timezone
        )
    )
    if open_until is None:
        return consultation, local
    # The demonstration line every reopening command prints (as surveykit.cli.deployment's
    # open_window does), in the session's language.
    click.echo(
        t.gettext(
            "Demonstration: open until the end of {date}; the consultation really closes {closing}."
        ).format(date=t.date(open_until, weekday=True), closing=t.closing(meta.closes)),
        err=True,
    )
    return consultation.reopened_until(open_until), local


def _require_open(
    consultation: Consultation, instant: dt.datetime, received: bool, title: str
) -> None:
    """Refuse before any question is asked, in the words the submit service would use
    (``title``: the consultation's, in the session's language)."""
    meta = consultation.metadata
    if meta.is_open(instant):
        return
    when = (
        phrase("; this response was received {time}", domain=DOMAIN, time=_local(meta, instant))
        if received
        else ""
    )
    opens_at = meta.opens_at
    if opens_at is not None and instant < opens_at:
        raise ClosedError(
            phrase(
                "{title} is not open yet: it opens {time}{received}",
                domain=DOMAIN,
                title=title,
                time=_local(meta, opens_at),
                received=when,
            ),
            not_yet=True,
        )
    raise ClosedError(
        phrase(
            "{title} closed on {closing} ({timezone}){received}; it no longer accepts responses",
            domain=DOMAIN,
            title=title,
            closing=closing_phrase(meta.closes),
            timezone=meta.timezone,
            received=when,
        )
    )


def _local(meta, instant: dt.datetime) -> str:
    return f"{instant.astimezone(meta.zone):%Y-%m-%d %H:%M} ({meta.timezone})"


@contextmanager
def _refusals(t: Words) -> Iterator[None]:
    """Say a refusal (closed, an unknown link, no such respondent) in the session's language.

    In English the error goes on to the command line's own handler, which says it in the same
    words; in any other, it is said here, with the same exit status (1).
    """
    try:
        yield
    except SurveykitError as exc:
        if t.language == SOURCE_LANGUAGE:
            raise
        said = t.said(exc)
        if isinstance(exc, ClosedError) and not exc.not_yet:
            hint = t.gettext("to reopen it for a demonstration, set {env} or pass --open-until")
            said += "; " + hint.format(env=OPEN_UNTIL_ENV)
        click.echo(t.gettext("Error: {problem}").format(problem=said), err=True)
        click.get_current_context().exit(1)


def _prompter(plain: bool, t: Words | None = None) -> Prompter:
    if plain or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return PlainPrompter(words=t)
    return InteractivePrompter(words=t)


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
@_lang_option(
    "Without it, a consultation in several languages first asks which (listing each in its "
    "own name); one in a single language is in that language."
)
@OPEN_UNTIL_OPTION
@SECRET_FILE_OPTION
def answer_command(
    spec: Path,
    db_url: str,
    token: str,
    plain: bool,
    lang: str | None,
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
      surveykit answer specs/examples/bilingual_example.toml --db sqlite:///demo.db --lang cy
    """
    source = load_spec(spec)
    language = _language(source, lang)
    if language is None:
        offered = source.languages
        language = _ask_language(source, _prompter(plain)) if len(offered) > 1 else offered[0]
    t = words(language)
    with _refusals(t):
        consultation, local = _consultation(source, open_until, t)
        with deployment(db_url, secret_file) as (store, secret):
            service = SubmitService(consultation, store, secret)
            _require_open(consultation, service.now(), False, local.metadata.title)
            respondent = service.authenticate(token)
            if respondent.authority:
                said = t.gettext("Answering for {authority} ({role}).").format(
                    authority=respondent.authority, role=role_label(local, respondent)
                )
            else:
                said = t.gettext("Answering for {who}.").format(who=_who(respondent, t))
            click.echo(said)
            form = TerminalForm(
                service,
                Entry(token, respondent, channel="cli"),
                _prompter(plain, t),
                resume_from_response=True,
                language=language,
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
@_lang_option("Give the language the paper form or email was written in (default: the spec's own).")
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
    lang: str | None,
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
    source = load_spec(spec)
    language = _language(source, lang) or source.text_language
    t = words(language)
    if who is None and for_authorities(source):
        raise click.UsageError("--respondent is needed with --new: the authority's name")
    received = None if received_at is None else parse_instant(received_at, source)
    with _refusals(t):
        consultation, local = _consultation(source, open_until, t)
        with deployment(db_url, secret_file) as (store, secret):
            service = SubmitService(consultation, store, secret)
            now = service.now()
            if received is not None and utc(received) > now:
                raise SurveykitError(
                    phrase("--received-at {time} is in the future", domain=DOMAIN, time=received_at)
                )
            title = local.metadata.title
            _require_open(consultation, received or now, received is not None, title)
            if create:
                if role is None and not consultation.roles:
                    role = SELF_SERVICE_ROLE
                respondent = _create(
                    service, store, who or "", role or "", authority_type or "", name, email, now, t
                )
                click.echo(
                    t.gettext("Added {who} ({role}) as a respondent.").format(
                        who=_who(respondent, t), role=role_label(local, respondent)
                    )
                )
            else:
                respondent = _find(store, consultation, who or "", role, t)
            meta = consultation.metadata
            click.echo(
                t.gettext(
                    "Keying in a {channel} response from {who} ({role}), received {time}."
                ).format(
                    channel=t.gettext(CHANNELS[channel]),
                    who=_who(respondent, t),
                    role=role_label(local, respondent),
                    time=_local(meta, received or now),
                )
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
                _prompter(plain, t),
                intros=False,
                language=language,
            )
            code = form.run()
            audit.record(
                store,
                consultation.metadata.id,
                audit.PAPER_ENTER,
                secret=secret,
                respondent_id=respondent.id,
                detail=f"{channel}, {'new respondent, ' if create else ''}exit status {code}",
            )
    _finish(code)


def _who(respondent: Respondent, t: Words | None = None) -> str:
    """How a respondent is named on screen: their authority, or, for someone answering for no
    organisation, their name."""
    t = t or english()
    return respondent.authority or respondent.name or t.gettext("a respondent with no name given")


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def _find(
    store: Store, consultation: Consultation, who: str, role: str | None, t: Words
) -> Respondent:
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
    with_role = phrase(" with the role {role}", domain=DOMAIN, role=role) if role else ""
    if not matches:
        raise SurveykitError(
            phrase(
                "no respondent matches {who}{with_role}: check the spelling, give an email "
                "address, or add --new to add them",
                domain=DOMAIN,
                who=repr(who[:80]),
                with_role=with_role,
            )
        )
    if len(matches) > 1:
        listed = ", ".join(
            sorted(f"{_who(r, t)} ({r.role}{', ' + r.name if r.name else ''})" for r in matches)
        )
        raise SurveykitError(
            phrase(
                "{count} respondents match {who}{with_role}: {listed}; narrow it with --role or "
                "give an email address",
                domain=DOMAIN,
                count=len(matches),
                who=repr(who[:80]),
                with_role=with_role,
                listed=listed,
            )
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
    t: Words,
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
        raise DetailsError("; ".join(t.said(message) for _code, message in problems))
    entry = RosterEntry(0, authority, authority_type, role, name, email, source="--new")
    plan = plan_links(store, service.secret, consultation, [entry], now=now)
    if not plan.links:
        if authority or name:
            raise SurveykitError(
                phrase(
                    "{who} ({role}) is already a respondent (same name or email address); leave "
                    "out --new",
                    domain=DOMAIN,
                    who=authority or name,
                    role=role,
                )
            )
        raise SurveykitError(
            phrase(
                "That person ({role}) is already a respondent (same name or email address); "
                "leave out --new",
                domain=DOMAIN,
                role=role,
            )
        )
    plan.commit(store)
    return plan.links[0].respondent
