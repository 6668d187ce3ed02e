"""``surveykit serve``: the web form on uvicorn, a production-grade ASGI server.

Each worker process builds its own app from settings passed in environment variables (uvicorn
starts workers by importing :func:`app_from_environment`), so one worker or several behave the
same.  Everything that can be wrong (the spec, the store, the secret, the assets) is checked
once in the parent first, so mistakes are one clear line rather than a crash in every worker.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import sys
from pathlib import Path

import click

from surveykit import SurveykitError, load_spec, spec_path
from surveykit.cli.deployment import OPEN_UNTIL_OPTION, closed_note, open_window
from surveykit.cli.ports import check_port
from surveykit.identity import bind_secret, load_secret
from surveykit.storage import open_store

__all__ = ["app_from_environment", "serve_command"]

_ENV = {
    "spec": "SURVEYKIT_SERVE_SPEC",
    "db": "SURVEYKIT_SERVE_DB",
    "secret_file": "SURVEYKIT_SERVE_SECRET_FILE",
    "open_until": "SURVEYKIT_SERVE_OPEN_UNTIL",
    "https_only": "SURVEYKIT_SERVE_HTTPS_ONLY",
}
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def app_from_environment():
    """The app for one worker, from the settings ``surveykit serve`` put in the environment."""
    from .app import create_app

    secret_file = os.environ.get(_ENV["secret_file"])
    store_url = os.environ[_ENV["db"]]
    store = open_store(store_url)
    try:
        secret = load_secret(secret_file or store.secret_file, ephemeral=not store.persistent)
    finally:
        store.close()
    open_until = os.environ.get(_ENV["open_until"])
    return create_app(
        os.environ[_ENV["spec"]],
        store_url,
        secret=secret,
        open_until=dt.date.fromisoformat(open_until) if open_until else None,
        https_only=os.environ.get(_ENV["https_only"]) == "1",
    )


def log_config() -> dict:
    """uvicorn's logging, with unique links redacted from the access log."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact_links": {"()": "surveykit_html.logs.RedactLinks"}}
    for handler in config["handlers"].values():
        handler["filters"] = ["redact_links"]
    return config


@click.command("serve")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--db",
    "db_url",
    envvar="SURVEYKIT_DB",
    metavar="URL",
    help="The store: sqlite:///responses.db or postgresql://host/db "
    "(default: $SURVEYKIT_DB, else sqlite:///CONSULTATION-ID.db in this folder).",
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
def serve_command(
    spec: Path,
    db_url: str | None,
    host: str,
    port: int,
    workers: int,
    open_until: dt.date | None,
    secret_file: Path | None,
    secure_cookies: bool | None,
) -> None:
    """Serve a consultation's web form.

    Respondents open their unique link, or get their own link on the start page, and answer one
    question per page.  Put it behind a TLS-terminating proxy for real use.

    \b
    Examples:
      surveykit serve specs/taking_stock.toml --db sqlite:///taking-stock.db
      surveykit serve specs/taking_stock.toml --open-until 2030-12-31 --port 8080
    """
    import uvicorn

    consultation = open_window(load_spec(spec), open_until)
    db_url = db_url or f"sqlite:///{consultation.metadata.id}.db"
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
    os.environ.update(
        {
            _ENV["spec"]: str(spec_path(spec).resolve()),
            _ENV["db"]: db_url,
            _ENV["https_only"]: "1" if secure_cookies else "0",
        }
    )
    if secret_file is not None:
        os.environ[_ENV["secret_file"]] = str(secret_file.resolve())
    if open_until is not None:
        os.environ[_ENV["open_until"]] = open_until.isoformat()
    else:
        os.environ.pop(_ENV["open_until"], None)
    check_port(host, port)
    shown_host = f"[{host}]" if ":" in host else host
    meta = consultation.metadata
    click.echo(f"Serving {meta.title!r} at http://{shown_host}:{port}/ (press Ctrl+C to stop)")
    click.echo(f"Responses are stored in {db_url}")
    note = closed_note(consultation, dt.datetime.now(dt.UTC))
    if note is not None:
        click.echo(f"Note: {note}.")
    sys.stdout.flush()
    uvicorn.run(
        "surveykit_html.serve:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=log_config(),
        server_header=False,
        proxy_headers=True,
    )
