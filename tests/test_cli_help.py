"""Every `surveykit` command, built-in or from a plugin, shows an example in its --help."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from surveykit import get_plugins
from surveykit.cli import cli, main

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> list[tuple[str, click.Command]]:
    get_plugins().pm.hook.surveykit_register_commands(cli=cli)
    found: list[tuple[str, click.Command]] = []

    def walk(prefix: str, command: click.Command) -> None:
        found.append((prefix, command))
        if isinstance(command, click.Group):
            ctx = click.Context(command)  # lazy plugin commands are imported by get_command
            for name in command.list_commands(ctx):
                walk(f"{prefix} {name}", command.get_command(ctx, name))

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


def test_an_undocumented_error_is_a_bug_with_its_own_status(monkeypatch, capsys):
    """A crash is one line and exit status 70, never 2 (wrong usage) or a traceback; the
    documented statuses (docs/cli.md) can then be told apart from bugs by scripts."""
    from surveykit.cli import BUG_STATUS

    @cli.command("explode-for-test")
    def explode() -> None:
        raise RuntimeError("boom")

    monkeypatch.delenv("SURVEYKIT_DEBUG", raising=False)
    try:
        assert main(["explode-for-test"]) == BUG_STATUS == 70
    finally:
        cli.commands.pop("explode-for-test")
    err = capsys.readouterr().err
    assert err.startswith("Error: unexpected RuntimeError: boom. This is a bug")
    assert err.count("\n") == 1
    assert "| 70 | a bug" in (ROOT / "docs/cli.md").read_text(encoding="utf-8")
