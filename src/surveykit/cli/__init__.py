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
from . import startup
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
    startup.settled()  # the command is found and imported: it runs with the collector on
    use_deployment(ctx, deployment_file)


#: The core's commands: (name, where it is, what ``--help`` says of it).  Each is imported only
#: when it runs, so ``surveykit --help`` and ``surveykit validate`` load nothing they do not use
#: (issue 20; ``tests/test_lazy_plugins.py`` guards the imports and the help texts).
CORE_COMMANDS = (
    ("validate", "spec_commands:validate_command",
     "Check a spec; print a summary, or every problem as FILE:LINE: message."),
    ("show", "show_command:show_command",
     "Show the questions of a consultation and when each is shown."),
    ("check", "check_command:check_command",
     "Clean and validate answer records without storing anything."),
    ("plugins", "plugin_commands:plugins_command",
     "List installed plugins, their versions, the hooks they implement and what each registers "
     "(question kinds, storage schemes, renderers, aggregators, report formats)."),
    ("tokens", "token_commands:tokens_group", "Issue unique links to the people on a roster."),
    ("submit", "submit_commands:submit_command",
     "Store a response under a respondent's link, exactly as the web form would."),
    ("config", "config_command:config_command",
     "Show the settings in force, where each came from, and each consultation of the "
     "deployment with whether its spec loads."),
    ("init", "init_command:init_command",
     "Write a starter deployment file (surveykit.toml) and spec (specs/consultation.toml) into "
     "DIR (default: this folder), refusing if either exists."),
    ("translate", "translate_command:translate_command",
     "Write the translations a language still needs, ready for a translator."),
    ("audit-log", "audit_command:audit_log_command",
     "Show who read or changed personal data, when, and how: oldest first."),
    ("privacy-notice", "privacy_command:privacy_notice_command",
     "Write a privacy-notice paragraph from the spec's retention and publication settings."),
    ("subject-access", "subject_commands:subject_access_command",
     "Write everything held about one person, for a subject access request."),
    ("erase", "subject_commands:erase_command",
     "Erase one person: identity, links, draft, the mail they sent, reviews and sendings."),
    ("purge", "purge_command:purge_command",
     "Remove the personal data the spec's [retention] table says is due."),
)  # fmt: skip

for _name, _where, _help in CORE_COMMANDS:
    cli.add_lazy_command(_name, f"{__name__}.{_where}", short_help=_help)


def _add_plugin_commands() -> None:
    get_plugins().pm.hook.surveykit_register_commands(cli=cli)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning every error into one line and an exit status.

    Without ``argv`` (as the ``surveykit`` program runs it: the command line), the process is
    the command's: it starts and ends without the garbage collector's passes
    (:mod:`surveykit.cli.startup`).  A program passing ``argv`` keeps its own collector as it is.
    """
    if argv is None:
        startup.begin()
    try:
        return _run(argv)
    finally:
        startup.settled()


def _run(argv: list[str] | None) -> int:
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
        from .deployment import refusal

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
