"""``surveykit email-form``: write the plain-text form, blank or with one respondent's reference."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from surveykit import SubmitService, SurveykitError, Token, load_spec
from surveykit.cli.deployment import OPEN_UNTIL_OPTION, SECRET_FILE_OPTION, deployment, open_window
from surveykit.known import roster_answers

from .form import write_form
from .language import form_languages
from .outbox import email_language
from .reference import reference_for

__all__ = ["COMMANDS", "email_form_command"]


@click.command("email-form")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--token",
    envvar="SURVEYKIT_TOKEN",
    metavar="TOKEN",
    help="A respondent's token or link: the form then carries their reference (needs --db; "
    "default: $SURVEYKIT_TOKEN, which keeps it out of your shell history).  The token itself "
    "is never written, except inside the link when --base-url is given.",
)
@click.option(
    "--db",
    "db_url",
    envvar="SURVEYKIT_DB",
    metavar="URL",
    help="The store that knows the token (default: $SURVEYKIT_DB).",
)
@SECRET_FILE_OPTION
@click.option(
    "--base-url",
    metavar="URL",
    help="Offer the respondent's own web link, this prefix followed by the token "
    "(e.g. https://consult.example.org/r/; default with --token: the deployment file's "
    "base_url).",
)
@click.option(
    "--intros", is_flag=True, help="Include each section's introduction (a much longer email)."
)
@click.option(
    "--lang",
    "language",
    metavar="LANG",
    help="The form's language: one the spec offers (en, cy, ...), or 'both' for all of them, "
    "Welsh first (default: the respondent's own with --token, else the spec's own).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the form to FILE instead of the standard output.",
)
@OPEN_UNTIL_OPTION
def email_form_command(
    spec: Path,
    token: str | None,
    db_url: str | None,
    secret_file: Path | None,
    base_url: str | None,
    intros: bool,
    language: str | None,
    out: Path | None,
    open_until: dt.date | None,
) -> None:
    """Write a consultation as a plain-text form to fill in by replying to an email.

    Without --token the form is blank and says so: replies to it carry no reference, so the
    person is found from what they write or the address they write from.  With --token (and
    --db) the form carries that respondent's reference line, which ties their reply to them
    without showing their token to anyone who reads the reply.

    \b
    Examples:
      surveykit email-form specs/taking_stock.toml --out form.txt
      surveykit email-form specs/taking_stock.toml --db sqlite:///ts.db --token TOKEN
      surveykit email-form specs/examples/bilingual_example.toml --lang both
    """
    source = click.get_current_context().get_parameter_source("base_url")
    if token is None and source is click.core.ParameterSource.DEFAULT_MAP:
        base_url = None  # the deployment file's base URL is for a respondent's own link only
    if base_url is not None and not base_url.startswith(("https://", "http://")):
        raise SurveykitError(f"--base-url must start with https:// or http://, not {base_url!r}")
    if base_url is not None and token is None:
        raise SurveykitError("--base-url needs --token: the link is the respondent's own")
    consultation = open_window(load_spec(spec), open_until)
    form_languages(consultation, language)  # an unoffered language fails before the store opens
    reference = link = None
    known: dict[str, Any] = {}
    if token is not None:
        if not db_url:
            raise SurveykitError("--token needs --db (or $SURVEYKIT_DB) to find the respondent")
        with deployment(db_url, secret_file) as (store, secret):
            service = SubmitService(consultation, store, secret)
            respondent = service.authenticate(token)
            if language is None:  # their own language, as their invitation was written in
                language = email_language(consultation, respondent)
            reference = reference_for(secret, respondent.id)
            known = roster_answers(consultation, respondent)
            if base_url is not None:
                link = f"{base_url.rstrip('/')}/{Token.parse(token).value}"
    text = write_form(
        consultation,
        reference=reference,
        link=link,
        intros=intros,
        known=known,
        language=language,
    )
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise SurveykitError(f"cannot write {out}: {exc.strerror or exc}") from None
    click.echo(f"Wrote the form to {out}" + (f" with reference {reference}" if reference else ""))


COMMANDS = (email_form_command,)
