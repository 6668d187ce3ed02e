"""Commands registered by import path, imported only when they run.

Importing every plugin's commands to start any one of them costs half a second and pulls in the
web server, the PostgreSQL driver and the SMTP server; worse, it fails when their extra is not
installed.  :class:`LazyGroup` (the ``surveykit`` group's class) keeps each lazy command's import
path and short help, lists them in ``surveykit --help`` from that, and imports a command only
when it is asked for by name.
"""

from __future__ import annotations

import importlib

import click

from .._classes import frozen
from ..extras import needs_extra, require_extra

__all__ = ["LazyCommand", "LazyGroup", "add_lazy_command"]


@frozen
class LazyCommand:
    """Where a command lives, what ``--help`` says of it, and which extra it needs."""

    name: str
    import_path: str
    short_help: str
    extra: str | None = None
    distribution: str = "surveykit"

    def load(self) -> click.Command:
        """Import the command, refusing in one line if its extra is not installed."""
        what = f"surveykit {self.name}"
        if self.extra is None:
            return _import(self.import_path)
        require_extra(self.extra, what, self.distribution)
        with needs_extra(self.extra, what, self.distribution):
            return _import(self.import_path)


def _import(import_path: str) -> click.Command:
    module_name, _, attribute = import_path.partition(":")
    command = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(command, click.Command):
        msg = f"{import_path} is a {type(command).__name__}, not a click command"
        raise TypeError(msg)
    return command


class LazyGroup(click.Group):
    """A click group whose plugin commands may be registered by import path."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, LazyCommand] = {}

    def add_lazy_command(
        self,
        name: str,
        import_path: str,
        *,
        short_help: str,
        extra: str | None = None,
        distribution: str = "surveykit",
    ) -> None:
        """Register ``module:attribute`` as command ``name``, imported on first use.

        ``short_help`` is what ``surveykit --help`` lists; ``extra`` names the optional
        dependencies of ``distribution`` it needs (checked before the import), so a missing one
        is a one-line "needs the ... extra: pip install ..." instead of a traceback.
        """
        self.commands.pop(name, None)
        self.lazy_commands[name] = LazyCommand(name, import_path, short_help, extra, distribution)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        """An ordinary command replaces a lazy one of the same name."""
        super().add_command(cmd, name)
        self.lazy_commands.pop(name or cmd.name or "", None)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        lazy = self.lazy_commands.get(cmd_name)
        if lazy is not None and cmd_name not in self.commands:
            self.commands[cmd_name] = lazy.load()
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List every command; lazy ones from their stored short help, without importing."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is not None:
                if command.hidden:
                    continue
                rows.append((name, command, None))
            else:
                rows.append((name, None, self.lazy_commands[name].short_help))
        if not rows:
            return
        limit = formatter.width - 6 - max(len(name) for name, _, _ in rows)
        shown = [
            (
                name,
                command.get_short_help_str(limit)
                if command
                else click.Command(name, help=text).get_short_help_str(limit),
            )
            for name, command, text in rows
        ]
        with formatter.section("Commands"):
            formatter.write_dl(shown)


def add_lazy_command(
    group: click.Group,
    name: str,
    import_path: str,
    *,
    short_help: str,
    extra: str | None = None,
    distribution: str = "surveykit",
) -> None:
    """Register a command lazily on a :class:`LazyGroup`, or import it now for any other group.

    The ``cli`` a ``surveykit_register_commands`` hook receives is the ``surveykit`` command's
    :class:`LazyGroup`; an application embedding surveykit's commands in its own click group
    gets them imported at once, as before.
    """
    if isinstance(group, LazyGroup):
        group.add_lazy_command(
            name, import_path, short_help=short_help, extra=extra, distribution=distribution
        )
    else:
        lazy = LazyCommand(name, import_path, short_help, extra, distribution)
        group.add_command(lazy.load(), name)
