"""The ``surveykit`` command: for the people who run a consultation.

Errors are one clear line on stderr and a non-zero exit, never a traceback (set
``SURVEYKIT_DEBUG=1`` to see one when reporting a bug).  Plugins add subcommands through the
``surveykit_register_commands`` hook, built-in ones lazily (:mod:`surveykit.cli.lazy`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .. import __version__
from ..errors import ClosedError, SurveykitError
from ..extras import MISSING_EXTRA_STATUS, MissingExtraError
from ..plugins import get_plugins
from . import (
    audit_command,
    config_command,
    init_command,
    plugin_commands,
    privacy_command,
    spec_commands,
    subject_commands,
    submit_commands,
    token_commands,
    translate_command,
)
from .deployment import refusal
from .deployment_file import DEPLOYMENT_OPTION, use_deployment
from .lazy import LazyGroup

__all__ = ["BUG_STATUS", "cli", "main"]

#: The exit status of an error nobody documented: a bug (BSD's EX_SOFTWARE), never wrong usage.
BUG_STATUS = 70


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="surveykit")
@DEPLOYMENT_OPTION
@click.pass_context
def cli(ctx: click.Context, deployment_file: Path | None) -> None:
    """Run a public consultation from its spec.

    Options default from the deployment file (surveykit.toml here, or --deployment): see
    `surveykit config`.

    \b
    Examples:
      surveykit validate specs/taking_stock.toml
      surveykit show specs/taking_stock.toml
    """
    use_deployment(ctx, deployment_file)


for module in (
    spec_commands,
    plugin_commands,
    token_commands,
    submit_commands,
    config_command,
    init_command,
    translate_command,
    audit_command,
    privacy_command,
    subject_commands,
):
    for command in module.COMMANDS:
        cli.add_command(command)


def _add_plugin_commands() -> None:
    get_plugins().pm.hook.surveykit_register_commands(cli=cli)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning every error into one line and an exit status."""
    try:
        _add_plugin_commands()
        status = cli.main(args=argv, prog_name="surveykit", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except ClosedError as exc:
        click.echo(f"Error: {refusal(exc)}", err=True)
        return 1
    except MissingExtraError as exc:
        click.echo(f"Error: {exc}", err=True)
        return MISSING_EXTRA_STATUS
    except SurveykitError as exc:
        click.echo(f"Error: {exc}", err=True)
        return 1
    except Exception as exc:
        if os.environ.get("SURVEYKIT_DEBUG"):
            raise
        click.echo(
            f"Error: unexpected {type(exc).__name__}: {exc}. "
            "This is a bug in surveykit or a plugin; rerun with SURVEYKIT_DEBUG=1 for details.",
            err=True,
        )
        return BUG_STATUS
    # With standalone_mode off, click returns the code a command passed to ctx.exit().
    return status if isinstance(status, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
