"""``surveykit validate``: check a spec, and say what it holds."""

from __future__ import annotations

from pathlib import Path

import click

from .._nouns import counted
from ..errors import SpecError
from ..model import Consultation
from ..spec import load_spec
from ..translations import language_name

SPEC = click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))


@click.command("validate")
@SPEC
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1) on warnings too, such as a missing or out-of-date translation.",
)
def validate_command(spec: Path, strict: bool) -> None:
    """Check a spec; print a summary, or every problem as FILE:LINE: message.

    Exits 0 when the spec loads (warnings are printed but do not fail it, unless --strict),
    1 otherwise.

    \b
    Examples:
      surveykit validate specs/taking_stock.toml
      surveykit validate --strict specs/examples/bilingual_example.toml
    """
    try:
        consultation = load_spec(spec)
    except SpecError as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        count = len(exc.problems)
        click.echo(f"{spec}: {counted(count, 'problem')}; the spec was not loaded", err=True)
        click.get_current_context().exit(1)
    for warning in consultation.warnings:
        click.echo(
            f"{warning.file}:{warning.line}: warning: "
            + (f"question {warning.question}: " if warning.question else "")
            + warning.message
        )
    if strict and consultation.warnings:
        count = counted(len(consultation.warnings), "warning")
        click.echo(f"{spec}: {count}, and --strict allows none", err=True)
        click.get_current_context().exit(1)
    click.echo(_summary(spec, consultation))


def _summary(spec: Path, c: Consultation) -> str:
    questions = c.questions
    conditional = sum(1 for q in questions if q.condition is not None)
    meta = c.metadata
    return (
        f"{spec}: OK: {meta.title!r}, {counted(len(questions), 'question')} in "
        f"{counted(len(c.sections), 'section')} "
        f"({conditional} conditional), closes {meta.closing_text} ({meta.timezone})"
        + (f"; in {_and(meta.languages)}" if len(meta.languages) > 1 else "")
    )


def _and(tags: tuple[str, ...]) -> str:
    """Languages as people list them: "English (en) and Welsh (cy)"."""
    names = [language_name(tag) for tag in tags]
    return ", ".join(names[:-1]) + f" and {names[-1]}"


COMMANDS = (validate_command,)
