"""``surveykit submit``: scripted and keyed-in responses, through the web form's submit service."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from .. import audit, jsoninput
from ..errors import SurveykitError
from ..spec import load_spec
from ..submit import Receipt, SubmitService
from .deployment import (
    DB_OPTION,
    OPEN_UNTIL_OPTION,
    SECRET_FILE_OPTION,
    deployment,
    open_window,
    parse_instant,
)


@click.command("submit")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@DB_OPTION
@click.option(
    "--token",
    envvar="SURVEYKIT_TOKEN",
    required=True,
    metavar="TOKEN",
    help="The respondent's token or whole link (default: $SURVEYKIT_TOKEN, which keeps it "
    "out of your shell history).",
)
@click.option(
    "--answers",
    "answers_file",
    type=click.File("rb"),
    required=True,
    help="A JSON object of answers by question id ('-' for stdin).",
)
@click.option(
    "--channel",
    type=click.Choice(["cli", "paper", "email"]),
    default="cli",
    show_default=True,
    help="How the response arrived.",
)
@click.option(
    "--received-at",
    metavar="TIME",
    help="For paper and email: when it arrived (2015-03-12 or 2015-03-12T16:30; the "
    "consultation's time zone unless an offset is given).  The closing date is judged by it.",
)
@OPEN_UNTIL_OPTION
@SECRET_FILE_OPTION
def submit_command(
    spec: Path,
    db_url: str,
    token: str,
    answers_file: Any,
    channel: str,
    received_at: str | None,
    open_until: dt.date | None,
    secret_file: Path | None,
) -> None:
    """Store a response under a respondent's link, exactly as the web form would.

    The answers are cleaned and validated; a problem, a closed consultation or an unknown link
    stores nothing.  A new submission replaces the respondent's earlier one as the response that
    counts; the earlier one stays in the history.

    \b
    Examples:
      surveykit submit specs/taking_stock.toml --db sqlite:///responses.db \\
          --token "$TOKEN" --answers response.json
      surveykit submit specs/taking_stock.toml --db sqlite:///responses.db \\
          --token "$TOKEN" --answers letter.json --channel paper --received-at 2015-03-12
    """
    consultation = open_window(load_spec(spec), open_until)
    answers = _answers(answers_file)
    received = None if received_at is None else parse_instant(received_at, consultation)
    with deployment(db_url, secret_file) as (store, secret):
        service = SubmitService(consultation, store, secret)
        receipt = service.submit(token, answers, channel=channel, received_at=received)
        audit.record(
            store,
            consultation.metadata.id,
            audit.SUBMIT_FILE,
            secret=secret,
            respondent_id=receipt.respondent.id,
            detail=f"{channel}, version {receipt.version}",
        )
        click.echo(_confirmation(receipt, service))


def _answers(handle: Any) -> dict[str, Any]:
    """The answers in the file, or one line naming the file, the line and what is wrong."""
    name = getattr(handle, "name", "answers")
    try:
        answers = jsoninput.loads(jsoninput.decode(handle.read()))
    except jsoninput.JsonInputError as exc:
        raise SurveykitError(f"{name} is not valid JSON: {exc}") from None
    if not isinstance(answers, dict):
        raise SurveykitError(f"{name} must hold a JSON object of answers by question id")
    return answers


def _confirmation(receipt: Receipt, service: SubmitService) -> str:
    meta = service.consultation.metadata
    r = receipt.respondent
    s = receipt.submission
    received = s.received_at.astimezone(meta.zone)
    text = (
        f"Stored version {s.version} of the response from {r.authority} ({r.role}) "
        f"by {s.channel}, received {received:%Y-%m-%d %H:%M} ({meta.timezone})"
    )
    if receipt.replaced:
        text += (
            f"; it replaces version {s.version - 1} as the response that counts "
            "(earlier versions stay in the history)"
        )
    return text + "."


COMMANDS = (submit_command,)
