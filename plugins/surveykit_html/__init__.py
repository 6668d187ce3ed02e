"""The ``html`` renderer: a consultation as a web form, and ``surveykit serve``.

Pages follow the GOV.UK Design System's patterns (one question per page, error summary, check
your answers, confirmation) using ``govuk-frontend`` components under the deployment's own
branding, and work without JavaScript.  Answers go through :class:`surveykit.submit.SubmitService`
like every other channel.  This package is an ordinary surveykit plugin, registered through the
``surveykit`` entry-point group and using only the public API.
"""

from __future__ import annotations

from typing import Any

from attrs import frozen

from surveykit import hookimpl

__all__ = ["COOKIE_NAME", "Demonstration", "HtmlRenderer", "Limits", "create_app", "reopen_until"]


def __getattr__(name: str) -> Any:
    # The web stack, and the settings that need the spec's model, are imported on first use,
    # so other surveykit commands start quickly.
    if name in ("create_app", "COOKIE_NAME"):
        from . import app

        return getattr(app, name)
    if name in ("Demonstration", "Limits", "reopen_until"):
        from . import config

        return getattr(config, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@frozen
class HtmlRenderer:
    """The web form as a renderer: ``create_app(...)`` builds its ASGI app."""

    name: str = "html"
    description: str = "a web form (GOV.UK Design System patterns), served by `surveykit serve`"

    def create_app(self, *args: Any, **kwargs: Any):
        """See :func:`surveykit_html.create_app`."""
        from .app import create_app

        return create_app(*args, **kwargs)


@hookimpl
def surveykit_register_renderers(register):
    register(HtmlRenderer())


@hookimpl
def surveykit_register_catalogues(register):
    # The web form's own words (docs/languages.md): one .po file per language under locale/.
    from surveykit.i18n import catalogues_in

    from .language import DOMAIN, LOCALE

    for catalogue in catalogues_in(LOCALE, DOMAIN):
        register(catalogue)


@hookimpl
def surveykit_register_commands(cli):
    from surveykit.cli.lazy import add_lazy_command

    # Imported when it runs: other commands never load the web stack (docs/hooks.md).
    add_lazy_command(
        cli,
        "serve",
        "surveykit_html.serve:serve_command",
        short_help=(
            "Serve consultations' web forms: the SPECs given, "
            "else every consultation of the deployment file."
        ),
        extra="web",
    )
