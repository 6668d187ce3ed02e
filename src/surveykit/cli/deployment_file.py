"""The deployment file in the ``surveykit`` command: read once, before any command runs.

Every command's options then default from it through click's ``default_map``, so a command
(core or plugin) needs no code of its own to honour it, and the order is click's own: the
command line, then the option's environment variable, then the file, then the built-in default.
Options are matched by their flag (``--db``, ``--smtp``), not by each command's parameter name.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .._classes import frozen
from ..finding import DEPLOYMENT_ENV, find_deployment

if TYPE_CHECKING:  # the file's reader is imported only when there is a file to read
    from ..deployment import ConsultationEntry, Deployment

__all__ = [
    "DEPLOYMENT_OPTION",
    "FLAGS",
    "LoadedDeployment",
    "current_deployment",
    "entry_for",
    "loaded_deployment",
    "use_deployment",
]

#: Each option flag the file gives a default for, and the :class:`Deployment` setting it takes.
FLAGS: dict[str, str] = {
    "--db": "store",
    "--secret-file": "secret_file",
    "--base-url": "base_url",
    "--open-until": "open_until",
    "--smtp": "smtp_server",
    "--sender": "sender",
    "--bilingual": "email_bilingual",
}
_META_KEY = "surveykit.deployment"

DEPLOYMENT_OPTION = click.option(
    "--deployment",
    "deployment_file",
    envvar=DEPLOYMENT_ENV,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PATH",
    help=f"The deployment file every command's options default from (default: ${DEPLOYMENT_ENV}, "
    "else surveykit.toml in this folder if there is one).",
)


@frozen
class LoadedDeployment:
    """The deployment file in force, and how it was chosen (for ``surveykit config``)."""

    path: Path | None
    deployment: Deployment | None
    chosen_by: str


def use_deployment(ctx: click.Context, explicit: Path | None) -> None:
    """Load the deployment file, if any, and make it every command's defaults and names.

    A file with problems prints each as ``FILE:LINE: message`` and exits 1 before any
    command runs.  Without a file this costs one ``stat``.
    """
    source = ctx.get_parameter_source("deployment_file")
    path = find_deployment(explicit)
    chosen_by = _chosen_by(source, explicit)
    if path is None:
        ctx.meta[_META_KEY] = LoadedDeployment(None, None, chosen_by)
        return
    from ..deployment import DeploymentError, load_deployment

    try:
        deployment = load_deployment(path)
    except DeploymentError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        click.echo(f"{path}: the deployment file has problems; no command was run", err=True)
        ctx.exit(1)
    ctx.meta[_META_KEY] = LoadedDeployment(path, deployment, chosen_by)
    from ..spec import named_specs  # the spec loader only when there is a deployment file

    ctx.with_resource(named_specs(deployment.spec_names()))
    name = ctx.invoked_subcommand
    if name is None or not isinstance(ctx.command, click.Group):
        return
    command = ctx.command.get_command(ctx, name)
    if command is not None:
        ctx.default_map = {**(ctx.default_map or {}), name: _defaults(command, deployment)}


def _chosen_by(source: click.core.ParameterSource | None, explicit: Path | None) -> str:
    if explicit is None:
        return "the working directory"
    if source is click.core.ParameterSource.ENVIRONMENT:
        return f"environment ({DEPLOYMENT_ENV})"
    return "command line (--deployment)"


def loaded_deployment(ctx: click.Context | None = None) -> LoadedDeployment:
    """What :func:`use_deployment` found for this run (nothing, outside the command)."""
    ctx = ctx or click.get_current_context(silent=True)
    found = ctx.find_root().meta.get(_META_KEY) if ctx is not None else None
    return found if found is not None else LoadedDeployment(None, None, "none")


def current_deployment(ctx: click.Context | None = None) -> Deployment | None:
    """The deployment this run of ``surveykit`` uses, for a command that needs more than its
    options' defaults (``serve`` and the consultations it serves)."""
    return loaded_deployment(ctx).deployment


def entry_for(
    deployment: Deployment, spec: str | os.PathLike[str] | None
) -> ConsultationEntry | None:
    """The deployment's consultation a command's SPEC names: by its name, or by its file."""
    if spec is None:
        return None
    entry = deployment.consultation(os.fspath(spec))
    if entry is not None:
        return entry
    from ..spec import spec_path

    try:
        target = spec_path(spec).resolve()
        for candidate in deployment.consultations:
            if spec_path(candidate.location).resolve() == target:
                return candidate
    except OSError:
        return None
    return None


def _defaults(command: click.Command, deployment: Deployment) -> dict[str, Any]:
    """``command``'s default map: a value per option the file sets, and a map per subcommand."""
    values: dict[str, Any] = {}
    for param in command.params:
        if not isinstance(param, click.Option) or param.name is None:
            continue
        setting = next((FLAGS[flag] for flag in param.opts if flag in FLAGS), None)
        value = _default_for(setting, deployment) if setting else None
        if value is not None:
            values[param.name] = value
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            values[name] = _defaults(sub, deployment)
    return values


def _default_for(setting: str, deployment: Deployment) -> Any:
    """The file's value for ``setting``; for the two a consultation changes (its opening window
    and its link prefix), a function click calls once the SPEC argument has been read."""
    if setting == "store":
        return deployment.store_url
    if setting == "secret_file":
        return None if deployment.secret_file is None else str(deployment.secret_file)
    if setting == "open_until":
        windows = [deployment.open_until, *(e.open_until for e in deployment.consultations)]
        if not any(windows):
            return None
        return _per_consultation(deployment, _open_until)
    if setting == "base_url":
        return None if deployment.base_url is None else _per_consultation(deployment, _link)
    return getattr(deployment, setting)


def _open_until(deployment: Deployment, entry: ConsultationEntry | None) -> str | None:
    until = deployment.open_until if entry is None else deployment.open_until_for(entry)
    return None if until is None else until.isoformat()


def _link(deployment: Deployment, entry: ConsultationEntry | None) -> str | None:
    return deployment.link_prefix(entry)


def _per_consultation(
    deployment: Deployment, pick: Callable[[Deployment, ConsultationEntry | None], str | None]
) -> Callable[[], str | None]:
    """A default click computes when it needs it: options not on the command line are read
    after the arguments that are, so the command's SPEC is known by then."""

    def default() -> str | None:
        ctx = click.get_current_context(silent=True)
        spec = ctx.params.get("spec") if ctx is not None else None
        return pick(deployment, entry_for(deployment, spec))

    return default
