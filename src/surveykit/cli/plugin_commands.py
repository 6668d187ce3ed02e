"""``surveykit plugins``: what is installed, with versions, hooks and what each registers."""

from __future__ import annotations

import json

import click

from ..plugins import get_plugins


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def plugins_command(as_json: bool) -> None:
    """List installed plugins, their versions, the hooks they implement and what each
    registers (question kinds, storage schemes, renderers, aggregators, report formats).

    \b
    Example:
      surveykit plugins --json
    """
    rows = get_plugins().info()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "name": r.name,
                        "version": r.version,
                        "hooks": list(r.hooks),
                        "registered": {hook: list(names) for hook, names in r.registered.items()},
                    }
                    for r in rows
                ],
                indent=2,
            )
        )
        return
    if not rows:
        click.echo("No plugins are loaded (is SURVEYKIT_LOAD_PLUGINS set to an empty list?).")
    for row in rows:
        click.echo(f"{row.name} {row.version or ''}".rstrip())
        for hook in row.hooks:
            names = row.registered.get(hook)
            click.echo(f"  {hook}: {', '.join(names)}" if names else f"  {hook}")


COMMANDS = (plugins_command,)
