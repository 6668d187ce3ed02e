"""``surveykit tokens issue``: unique links for everyone on a roster, written for a mail merge.

The links file is the only place the clear tokens ever exist, so it is written (owner-only) before
the store commits to the tokens, and an existing file is never overwritten.  ``surveykit tokens
duplicates`` lists the self-service records an import kept apart from roster people.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click

from .. import audit, csvsafe
from ..duplicates import PossibleDuplicate, possible_duplicates
from ..errors import SurveykitError
from ..model import Consultation
from ..roster import LinkPlan, plan_links, read_roster
from ..spec import load_spec
from ..storage import Store, open_store
from ..submit import IssuedLink, system_clock
from .deployment import DB_OPTION, SECRET_FILE_OPTION, deployment
from .progress import progress, track

OUT_COLUMNS = ("authority", "authority_type", "role", "name", "email")


@click.group("tokens")
def tokens_group() -> None:
    """Issue unique links to the people on a roster.

    \b
    Example:
      surveykit tokens issue specs/taking_stock.toml --db sqlite:///responses.db \\
          --roster roster.csv --out links.csv --base-url https://consult.example.org/r/
    """


@tokens_group.command("issue")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@DB_OPTION
@click.option(
    "--roster",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="CSV with the columns authority, authority_type, role, name, email.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the new links (CSV for a mail merge); must not exist yet.",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="Prefix for each link, e.g. https://consult.example.org/r/ (without it the file "
    "holds bare tokens).",
)
@click.option(
    "--reissue",
    is_flag=True,
    help="Give people who already have a link a new one; their old link stops working.",
)
@SECRET_FILE_OPTION
def issue_command(
    spec: Path,
    db_url: str,
    roster: Path,
    out: Path,
    base_url: str | None,
    reissue: bool,
    secret_file: Path | None,
) -> None:
    """Issue one unique link per roster row and write them to --out.

    Every bad row is reported with its line number and nothing is imported.  Running it again
    with the same roster issues links only to people who have none, unless --reissue is given.
    Tokens are never printed: they exist only in the --out file, readable only by you.

    \b
    Example:
      surveykit tokens issue specs/taking_stock.toml --db sqlite:///responses.db \\
          --roster roster.csv --out links.csv --base-url https://consult.example.org/r/
    """
    if base_url is not None and not base_url.startswith(("https://", "http://")):
        raise SurveykitError(f"--base-url must start with https:// or http://, not {base_url!r}")
    if out.exists():
        msg = (
            f"{out} already exists and may hold the only copy of earlier links; "
            "choose a new --out file"
        )
        raise SurveykitError(msg)
    consultation = load_spec(spec)
    entries = read_roster(roster, consultation)
    with deployment(db_url, secret_file) as (store, secret):
        plan = plan_links(
            store,
            secret,
            consultation,
            track(entries, "Preparing links"),
            reissue=reissue,
            now=system_clock(),
        )
        if plan.links:
            _write_then_commit(plan, store, out, base_url)
        audit.record(
            store,
            consultation.metadata.id,
            audit.TOKEN_REISSUE if plan.reissued else audit.ROSTER_IMPORT,
            detail=audit.counts(new=plan.new, reissued=plan.reissued, kept=plan.kept),
        )
    click.echo(_summary(plan, out))
    if plan.shared:
        click.echo(_shared(plan.shared))


def _write_then_commit(plan: LinkPlan, store: Store, out: Path, base_url: str | None) -> None:
    """Links first (privately, fsynced), then the store; a failed commit leaves no file."""
    temporary = out.with_name(f".{out.name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise SurveykitError(f"cannot write {out}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            # Officers open this file in a spreadsheet: no roster cell may run as a formula.
            writer = csvsafe.writer(handle)
            writer.writerow([*OUT_COLUMNS, "link" if base_url else "token"])
            for link in track(plan.links, "Writing links"):
                writer.writerow(_row(link, base_url))
            handle.flush()
            os.fsync(handle.fileno())
        with progress("Saving links to the store"):
            plan.commit(store)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    try:
        os.replace(temporary, out)
    except OSError as exc:
        msg = (
            f"the links were issued but could not be renamed to {out} ({exc.strerror}); "
            f"they are in {temporary}"
        )
        raise SurveykitError(msg) from None


def _row(link: IssuedLink, base_url: str | None) -> list[str]:
    r = link.respondent
    token = link.token.value
    return [
        r.authority,
        r.authority_type,
        r.role,
        r.name,
        r.email,
        f"{base_url.rstrip('/')}/{token}" if base_url else token,
    ]


def _summary(plan: LinkPlan, out: Path) -> str:
    kept = (
        f"; {plan.kept} already had a link and kept it (use --reissue to replace)"
        if plan.kept
        else ""
    )
    if not plan.links:
        return f"No new links were needed{kept}; {out} was not written."
    issued = len(plan.links)
    return (
        f"Issued {issued} link{'s' if issued != 1 else ''} ({plan.new} new, "
        f"{plan.reissued} reissued){kept}; they are in {out}."
    )


def _shared(count: int) -> str:
    records = "record shares" if count == 1 else "records share"
    return (
        f"{count} self-service {records} an email address, or an authority and name, with people "
        "on this roster; each keeps its own link: list them with `surveykit tokens duplicates`."
    )


@tokens_group.command("duplicates")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@DB_OPTION
def duplicates_command(spec: Path, db_url: str) -> None:
    """List self-service records that may be people on the roster, for an officer to check.

    Anyone can ask for a self-service link in any name, so a roster import never merges one into
    a roster person: each keeps its own record, link and answers.  This lists each roster record
    and self-service record sharing an email address, or an authority and name, by respondent id
    with what each has answered; it never prints names, email addresses or links.

    \b
    Example:
      surveykit tokens duplicates specs/taking_stock.toml --db sqlite:///responses.db
    """
    consultation = load_spec(spec)
    with open_store(db_url) as store:
        found = possible_duplicates(store.respondents(consultation.metadata.id))
        if not found:
            click.echo(
                "No self-service record shares an email address, or an authority and name, "
                "with a roster record."
            )
            return
        pairs = "pair" if len(found) == 1 else "pairs"
        click.echo(
            f"{len(found)} possible duplicate {pairs} (roster record, then self-service record):"
        )
        for pair in found:
            click.echo(_pair_line(store, consultation, pair))


def _pair_line(store: Store, consultation: Consultation, pair: PossibleDuplicate) -> str:
    roles = {c.value: c.label for c in consultation.roles}
    roster, other = pair.roster, pair.self_service
    shared = " and ".join(_MATCHED[m] for m in pair.matched)
    return (
        f"{roster.authority} ({roles.get(roster.role, roster.role)}): roster {roster.id} "
        f"({_answered(store, roster.id)}); self-service {other.id} "
        f"({_answered(store, other.id)}); same {shared}"
    )


_MATCHED = {"email": "email address", "name": "authority and name"}


def _answered(store: Store, respondent_id: str) -> str:
    response = store.response(respondent_id)
    if response is not None:
        return f"response version {response.version}, by {response.channel}"
    return "draft saved" if store.load_draft(respondent_id) is not None else "no answers yet"


COMMANDS = (tokens_group,)
