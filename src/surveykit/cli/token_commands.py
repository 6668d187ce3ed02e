"""``surveykit tokens issue``: unique links for everyone on a roster, written for a mail merge.

The links file is the only place the clear tokens ever exist, so it is written (owner-only) before
the store commits to the tokens, and an existing file is never overwritten.
"""

from __future__ import annotations

import csv
import os
import secrets
from pathlib import Path

import click

from ..errors import SurveykitError
from ..roster import LinkPlan, plan_links, read_roster
from ..spec import load_spec
from ..storage import Store
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
    click.echo(_summary(plan, out))


def _write_then_commit(plan: LinkPlan, store: Store, out: Path, base_url: str | None) -> None:
    """Links first (privately, fsynced), then the store; a failed commit leaves no file."""
    temporary = out.with_name(f".{out.name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise SurveykitError(f"cannot write {out}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
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


COMMANDS = (tokens_group,)
