"""Every `surveykit` command, built-in or from a plugin, shows an example in its --help."""

from __future__ import annotations

import click
import pytest

from surveykit import get_plugins
from surveykit.cli import cli


def _commands() -> list[tuple[str, click.Command]]:
    get_plugins().pm.hook.surveykit_register_commands(cli=cli)
    found: list[tuple[str, click.Command]] = []

    def walk(prefix: str, command: click.Command) -> None:
        found.append((prefix, command))
        if isinstance(command, click.Group):
            for name, sub in sorted(command.commands.items()):
                walk(f"{prefix} {name}", sub)

    walk("surveykit", cli)
    return found


COMMANDS = _commands()


def test_the_plugin_commands_are_walked_too():
    """The walk reaches plugin commands (the terminal form's `answer` and `enter`)."""
    assert {"surveykit answer", "surveykit enter"} <= {path for path, _ in COMMANDS}


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[path for path, _ in COMMANDS])
def test_every_command_help_has_an_example(path, command):
    """`<command> --help` includes an "Example" section."""
    ctx = click.Context(command, info_name=path)
    assert "Example" in command.get_help(ctx)
