"""``surveykit serve``: the web form on uvicorn, a production-grade ASGI server.

Each worker process builds its own app from settings passed in environment variables (uvicorn
starts workers by importing :func:`app_from_environment`), so one worker or several behave the
same.  Everything that can be wrong (the specs, the store, the secret, the assets) is checked
once in the parent first, so mistakes are one clear line rather than a crash in every worker.

One consultation is served at the site's root, as it always was; several (the deployment
file's, or several SPECs) are served as a site (:mod:`surveykit_html.site`): a finder page at
``/`` and each consultation under its own path.
"""

from __future__ import annotations

import copy
import datetime as dt
import gc
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import click
from attrs import frozen

from surveykit import Consultation, SurveykitError, load_spec, spec_path
from surveykit.cli.deployment import OPEN_UNTIL_OPTION, closed_note, open_window
from surveykit.cli.deployment_file import entry_for, loaded_deployment
from surveykit.cli.ports import check_port
from surveykit.deployment import Deployment, find_deployment, load_deployment
from surveykit.identity import bind_secret, load_secret
from surveykit.storage import open_store

__all__ = ["app_from_environment", "serve_command"]

_ENV = {
    "site": "SURVEYKIT_SERVE_SITE",
    "db": "SURVEYKIT_SERVE_DB",
    "secret_file": "SURVEYKIT_SERVE_SECRET_FILE",
    "https_only": "SURVEYKIT_SERVE_HTTPS_ONLY",
}
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_NOTHING_TO_SERVE = (
    "nothing to serve: give a spec (surveykit serve SPEC) or list the consultations in a "
    "deployment file (surveykit.toml, see `surveykit init`)"
)


@frozen
class Served:
    """One consultation to serve: its spec file, its path in the site, its demonstration
    window, and the consultation as loaded (in the parent only)."""

    spec: str
    path: str
    open_until: dt.date | None
    consultation: Consultation | None = None

    def to_json(self) -> dict[str, str | None]:
        until = None if self.open_until is None else self.open_until.isoformat()
        return {"spec": self.spec, "path": self.path, "open_until": until}


def app_from_environment():
    """The app for one worker, from the settings ``surveykit serve`` put in the environment."""
    app = _app_from_settings()
    # What the app holds (specs, engines, templates, catalogues) lives as long as the worker:
    # frozen out of the garbage collector's scans, which then walk only what requests make.
    gc.collect()
    gc.freeze()
    return app


def _app_from_settings():
    from .app import create_app
    from .site import SiteEntry, create_site

    secret_file = os.environ.get(_ENV["secret_file"])
    store_url = os.environ[_ENV["db"]]
    store = open_store(store_url)
    try:
        secret = load_secret(secret_file or store.secret_file, ephemeral=not store.persistent)
    finally:
        store.close()
    site = json.loads(os.environ[_ENV["site"]])
    https_only = os.environ.get(_ENV["https_only"]) == "1"
    entries = [
        SiteEntry(
            item["spec"],
            item["path"],
            dt.date.fromisoformat(item["open_until"]) if item["open_until"] else None,
        )
        for item in site["consultations"]
    ]
    if len(entries) == 1:
        only = entries[0]
        return create_app(
            only.consultation,
            store_url,
            secret=secret,
            open_until=only.open_until,
            https_only=https_only,
        )
    return create_site(
        entries,
        store_url,
        secret=secret,
        https_only=https_only,
        title=site["title"],
        organisation=site["organisation"],
    )


def log_config() -> dict:
    """uvicorn's logging, with unique links redacted from the access log and its lines written
    in one step (the same lines: see :class:`~surveykit_html.logs.AccessLines`)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact_links": {"()": "surveykit_html.logs.RedactLinks"}}
    config["formatters"]["access"]["()"] = "surveykit_html.logs.AccessLines"
    for handler in config["handlers"].values():
        handler["filters"] = ["redact_links"]
    return config


@click.command("serve")
@click.argument("specs", metavar="[SPEC]...", nargs=-1)
@click.option(
    "--db",
    "db_url",
    envvar="SURVEYKIT_DB",
    metavar="URL",
    help="The store: sqlite:///responses.db or postgresql://host/db (default: $SURVEYKIT_DB, "
    "else the deployment file's, else sqlite:///CONSULTATION-ID.db in this folder, or "
    "sqlite:///responses.db when serving several).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Processes."
)
@OPEN_UNTIL_OPTION
@click.option(
    "--secret-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The deployment secret (default: $SURVEYKIT_SECRET, else DATABASE.secret beside a "
    "SQLite database).",
)
@click.option(
    "--secure-cookies/--no-secure-cookies",
    default=None,
    help="Mark the session cookie Secure even on plain-HTTP requests (it always is on HTTPS ones, "
    "X-Forwarded-Proto included).  Default: on unless --host is loopback.",
)
@click.pass_context
def serve_command(
    ctx: click.Context,
    specs: tuple[str, ...],
    db_url: str | None,
    host: str,
    port: int,
    workers: int,
    open_until: dt.date | None,
    secret_file: Path | None,
    secure_cookies: bool | None,
) -> None:
    """Serve consultations' web forms: the SPECs given, else every consultation of the
    deployment file.

    Respondents open their unique link, or get their own link on the start page, and answer one
    question per page.  One consultation is served at /; several get a page listing them at /
    and each its own path (/taking-stock/).  Put it behind a TLS-terminating proxy for real use.

    \b
    Examples:
      surveykit serve specs/taking_stock.toml --db sqlite:///taking-stock.db
      surveykit serve specs/taking_stock.toml --open-until 2030-12-31 --port 8080
      surveykit serve            (every consultation listed in ./surveykit.toml)
    """
    import uvicorn

    deployment = _deployment(ctx)
    # --open-until on the command line or in the environment reopens every consultation; the
    # deployment file's windows are each consultation's own.
    source = ctx.get_parameter_source("open_until")
    overriding = source in (
        click.core.ParameterSource.COMMANDLINE,
        click.core.ParameterSource.ENVIRONMENT,
    )
    served = _to_serve(specs, deployment, open_until if overriding else None)
    if db_url is None and deployment is not None:
        db_url = deployment.store_url
    if secret_file is None and deployment is not None:
        secret_file = deployment.secret_file
    first = served[0].consultation
    assert first is not None
    db_url = db_url or (
        f"sqlite:///{first.metadata.id}.db" if len(served) == 1 else "sqlite:///responses.db"
    )
    store = open_store(db_url)
    try:
        if workers > 1 and not store.persistent:
            msg = (
                f"{db_url} keeps everything in one process, so it cannot serve --workers {workers}"
            )
            raise SurveykitError(msg)
        secret = load_secret(secret_file or store.secret_file, ephemeral=not store.persistent)
        bind_secret(store, secret)
    finally:
        store.close()
    from .rendering import static_versions

    static_versions()
    if secure_cookies is None:
        secure_cookies = host not in _LOOPBACK
    branding = deployment.branding if deployment is not None else None
    site = {
        "consultations": [item.to_json() for item in served],
        "title": (branding and branding.service_name) or "Consultations",
        "organisation": (branding and branding.organisation) or None,
    }
    os.environ.update(
        {
            _ENV["site"]: json.dumps(site),
            _ENV["db"]: db_url,
            _ENV["https_only"]: "1" if secure_cookies else "0",
        }
    )
    if secret_file is not None:
        os.environ[_ENV["secret_file"]] = str(Path(secret_file).resolve())
    else:
        os.environ.pop(_ENV["secret_file"], None)
    check_port(host, port)
    _announce(served, host, port, db_url)
    uvicorn.run(
        "surveykit_html.serve:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=log_config(),
        server_header=False,
        proxy_headers=True,
        http="surveykit_html.protocol:OneWritePerResponse",
    )


def _deployment(ctx: click.Context) -> Deployment | None:
    """The deployment file the ``surveykit`` command loaded, else the one found from here."""
    loaded = loaded_deployment(ctx)
    if loaded.chosen_by != "none":
        return loaded.deployment
    path = find_deployment(None)
    return None if path is None else load_deployment(path)


def _to_serve(
    specs: Sequence[str], deployment: Deployment | None, override: dt.date | None
) -> list[Served]:
    """What to serve, each checked: the SPECs given, else the deployment's consultations."""
    if specs:
        chosen = []
        for spec in specs:
            entry = None if deployment is None else entry_for(deployment, spec)
            if entry is not None and deployment is not None:
                chosen.append((entry.location, entry.path, deployment.open_until_for(entry)))
            else:
                chosen.append((spec, "", deployment and deployment.open_until))
    elif deployment is not None and deployment.consultations:
        chosen = [
            (entry.location, entry.path, deployment.open_until_for(entry))
            for entry in deployment.consultations
        ]
    else:
        raise SurveykitError(_NOTHING_TO_SERVE)
    served: list[Served] = []
    for spec, path, until in chosen:
        consultation = load_spec(spec)
        item = Served(
            spec=str(spec_path(spec).resolve()),
            path=path or _path_of(consultation),
            open_until=until,
            consultation=consultation,
        )
        served.append(_with_window(item, override or until, named=len(chosen) > 1))
    if len(served) > 1:
        from .site import check_places

        check_places([(item.path, _id(item)) for item in served])
    return served


def _id(item: Served) -> str:
    assert item.consultation is not None
    return item.consultation.metadata.id


def _with_window(item: Served, until: dt.date | None, *, named: bool) -> Served:
    """``item`` reopened until ``until`` (the notice printed, naming it when ``named``), or as
    it is."""
    if until is None:
        return item
    assert item.consultation is not None
    reopened = open_window(item.consultation, until, named=named)
    return Served(item.spec, item.path, until, reopened)


def _path_of(consultation: Consultation) -> str:
    """A consultation's path in the site when no deployment names one: its id, as a slug."""
    slug = re.sub(r"[^a-z0-9]+", "-", consultation.metadata.id.lower()).strip("-")
    return slug or "consultation"


def _announce(served: Sequence[Served], host: str, port: int, db_url: str) -> None:
    shown_host = f"[{host}]" if ":" in host else host
    base = f"http://{shown_host}:{port}"
    now = dt.datetime.now(dt.UTC)
    if len(served) == 1:
        consultation = served[0].consultation
        assert consultation is not None
        title = consultation.metadata.title
        click.echo(f"Serving {title!r} at {base}/ (press Ctrl+C to stop)")
    else:
        click.echo(f"Serving {len(served)} consultations at {base}/ (press Ctrl+C to stop)")
        for item in served:
            assert item.consultation is not None
            click.echo(f"  {base}/{item.path}/  {item.consultation.metadata.title}")
    click.echo(f"Responses are stored in {db_url}")
    for item in served:
        assert item.consultation is not None
        note = closed_note(item.consultation, now)
        if note is not None:
            click.echo(f"Note: {note}.")
    sys.stdout.flush()
