"""``surveykit config``: the settings in force, where each came from, and the consultations.

It takes the same options as the commands it describes, so what it shows is what they would
use: the command line, then the environment, then the deployment file, then the default.  It
never prints a secret: a store's password is redacted and the secret itself is never read.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from ..deployment import Deployment, redacted_url
from ..errors import SpecError
from ..identity import SECRET_ENV
from ..spec import load_spec, spec_path
from ..wording import counted
from .deployment import OPEN_UNTIL_OPTION
from .deployment_file import loaded_deployment

#: Each setting shown: its name in the file (and in ``--json``), and the parameter naming it.
_SETTINGS = {
    "store": "db_url",
    "secret_file": "secret_file",
    "base_url": "base_url",
    "open_until": "open_until",
    "smtp_server": "smtp",
    "sender": "sender",
}
_DEFAULTS = {
    "secret_file": "DATABASE.secret beside a SQLite database",
    "open_until": "the spec's own window",
}


@click.command("config")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--db", "db_url", envvar="SURVEYKIT_DB", metavar="URL", help="As other commands.")
@click.option("--secret-file", type=click.Path(dir_okay=False, path_type=Path), help="Likewise.")
@click.option("--base-url", metavar="URL", help="Likewise.")
@OPEN_UNTIL_OPTION
@click.option("--smtp", metavar="HOST:PORT", help="Likewise.")
@click.option("--sender", envvar="SURVEYKIT_SENDER", metavar="ADDR", help="Likewise.")
@click.pass_context
def config_command(ctx: click.Context, as_json: bool, **_options: Any) -> None:
    """Show the settings in force, where each came from, and each consultation of the
    deployment with whether its spec loads.  Passwords and the secret are never shown.

    Exits 0 when every consultation's spec loads, 1 otherwise.

    \b
    Examples:
      surveykit config
      surveykit --deployment /srv/lga/surveykit.toml config --json
    """
    loaded = loaded_deployment(ctx)
    deployment = loaded.deployment
    settings = {name: _setting(ctx, name, param, deployment) for name, param in _SETTINGS.items()}
    report = {
        "deployment_file": None
        if loaded.path is None
        else {"path": str(loaded.path), "chosen_by": loaded.chosen_by},
        "settings": settings,
        "secret": _secret(settings["secret_file"]),
        "branding": _branding(deployment),
        "consultations": [] if deployment is None else _consultations(ctx, deployment),
    }
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        _print(report)
    if any(not c["loads"] for c in report["consultations"]):
        ctx.exit(1)


def _setting(
    ctx: click.Context, name: str, param: str, deployment: Deployment | None
) -> dict[str, str | None]:
    """A setting's value, as printable text, and where it came from."""
    source = ctx.get_parameter_source(param)
    value: Any
    if source in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT):
        value = ctx.params[param]
        option = next(p for p in ctx.command.params if p.name == param)
        where = (
            f"command line ({option.opts[0]})"
            if source is ParameterSource.COMMANDLINE
            else f"environment ({option.envvar})"
        )
    elif deployment is not None and getattr(deployment, name) is not None:
        value = deployment.store_url if name == "store" else getattr(deployment, name)
        where = deployment.where(name)
    else:
        return {"value": _DEFAULTS.get(name), "from": "default" if name in _DEFAULTS else "not set"}
    if isinstance(value, dt.date):
        value = value.isoformat()
    text = str(value)
    return {"value": redacted_url(text) if name == "store" else text, "from": where}


def _secret(secret_file: dict[str, str | None]) -> dict[str, str | None]:
    """Where the deployment secret is read from; never the secret."""
    if os.environ.get(SECRET_ENV) is not None:
        return {"value": "set, not shown", "from": f"environment ({SECRET_ENV})"}
    return {"value": f"in the secret file: {secret_file['value']}", "from": "secret_file above"}


def _branding(deployment: Deployment | None) -> dict[str, dict[str, str | None]]:
    found: dict[str, dict[str, str | None]] = {}
    for name in ("organisation", "service_name", "contact_email"):
        value = None if deployment is None else getattr(deployment.branding, name)
        where = "not set" if value is None or deployment is None else deployment.where(name)
        found[name] = {"value": value, "from": where}
    return found


def _consultations(ctx: click.Context, deployment: Deployment) -> list[dict[str, Any]]:
    """Each consultation: where it is served, its spec file, its window and whether it loads."""
    overridden = ctx.get_parameter_source("open_until") in (
        ParameterSource.COMMANDLINE,
        ParameterSource.ENVIRONMENT,
    )
    found = []
    for entry in deployment.consultations:
        until = ctx.params["open_until"] if overridden else deployment.open_until_for(entry)
        row: dict[str, Any] = {
            "path": entry.path,
            "spec": entry.spec,
            "file": str(spec_path(entry.location)),
            "open_until": None if until is None else until.isoformat(),
            "link_prefix": deployment.link_prefix(entry),
        }
        try:
            consultation = load_spec(entry.location)
        except SpecError as exc:
            more = len(exc.problems) - 1
            extra = f" (and {counted(more, 'more problem')})" if more else ""
            row.update(loads=False, problem=f"{exc.problems[0]}{extra}", title=None)
        else:
            meta = consultation.metadata
            row.update(loads=True, problem=None, title=meta.title, closes=meta.closing_text)
        found.append(row)
    return found


def _print(report: dict[str, Any]) -> None:
    file = report["deployment_file"]
    if file is None:
        click.echo("deployment file: none (no surveykit.toml here; each command takes its options)")
    else:
        click.echo(f"deployment file: {file['path']} (from {file['chosen_by']})")
    rows = [(name, s["value"], s["from"]) for name, s in report["settings"].items()]
    rows.append(("secret", report["secret"]["value"], report["secret"]["from"]))
    rows += [(f"branding.{k}", b["value"], b["from"]) for k, b in report["branding"].items()]
    width = max(len(name) for name, _, _ in rows)
    shown = [value or "-" for _, value, _ in rows]
    value_width = min(48, max(len(v) for v in shown))
    for (name, _, where), value in zip(rows, shown, strict=True):
        click.echo(f"  {name:<{width}}  {value:<{value_width}}  {where}")
    consultations = report["consultations"]
    if consultations:
        click.echo(f"{counted(len(consultations), 'consultation')}:")
    for row in consultations:
        click.echo(f"  /{row['path']}/  {row['spec']} ({row['file']})")
        if row["loads"]:
            until = row["open_until"]
            window = f"; open until {until} (demonstration)" if until else ""
            click.echo(f"    OK: {row['title']!r}, closes {row['closes']}{window}")
        else:
            click.echo(f"    {row['problem']}")


COMMANDS = (config_command,)
