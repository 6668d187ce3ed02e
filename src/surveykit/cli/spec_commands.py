"""Commands that read a spec: ``validate``, ``show`` and ``check``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import click
import orjson

from .. import jsoninput, retention
from ..engine import Engine
from ..errors import SpecError
from ..model import Consultation
from ..spec import load_spec
from ..translations import language_name
from ..wording import counted
from .present import spec_as_dict, spec_lines
from .privacy_command import spoken_instant

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


@click.command("show")
@SPEC
@click.option("--json", "as_json", is_flag=True, help="Print the spec as JSON.")
def show_command(spec: Path, as_json: bool) -> None:
    """Show the questions of a consultation and when each is shown.

    \b
    Examples:
      surveykit show specs/taking_stock.toml
      surveykit show specs/taking_stock.toml --json | jq '.sections[].questions[].id'
    """
    consultation = load_spec(spec)
    if as_json:
        data = {**spec_as_dict(consultation), "retention": retention_as_dict(consultation)}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _show_text(consultation)


def _show_text(c: Consultation) -> None:
    for line in spec_lines(c):
        click.secho(line.text, **line.style)
    for text, style in retention_lines(c):
        click.secho(text, **style)


def retention_lines(c: Consultation) -> Iterator[tuple[str, dict[str, Any]]]:
    """``show``'s retention schedule: each class, how long it is kept after the close, and
    when it is due for removal, in the consultation's time zone."""
    yield "", {}
    yield f"== Retention after closing ({c.metadata.timezone}) ==", {"bold": True}
    for entry in retention.schedule(c):
        kept = retention.format_duration(entry.duration)
        if entry.due is None:
            until = (
                "kept with the response"
                if entry.data_class.endswith(("text", "answers"))
                else "kept"
            )
        elif entry.cut_short:
            until = f"removed on anonymising, after {spoken_instant(entry.due)}"
        else:
            since = " of being handled" if entry.data_class == "review_items" else ""
            until = f"removed {kept} after closing{since}, after {spoken_instant(entry.due)}"
        yield f"  {entry.data_class}: {until}", {}
        yield f"      {entry.description}", {"dim": True}
    anonymised = retention.anonymisation_due(c)
    if anonymised is None:
        yield "  anonymise: no (answers stay linked to respondents)", {}
    else:
        after = retention.format_duration(c.retention.anonymise_after)
        yield f"  anonymise: {after} after closing, after {spoken_instant(anonymised)}", {}


def _instant(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def retention_as_dict(c: Consultation) -> dict[str, Any]:
    """The retention schedule as JSON: each class's duration as written and its due instant
    (ISO 8601 with the offset, ``null`` when kept)."""
    table = c.retention
    return {
        "anonymise": table.anonymise,
        "anonymise_after": retention.format_duration(table.anonymise_after),
        "anonymise_at": _instant(retention.anonymisation_due(c)),
        "classes": [
            {
                "class": entry.data_class,
                "kept": retention.format_duration(entry.duration),
                "due": _instant(entry.due),
                "cut_short_by_anonymising": entry.cut_short,
                "description": entry.description,
            }
            for entry in retention.schedule(c)
        ],
    }


@click.command("check")
@SPEC
@click.option(
    "--answers",
    "answers_file",
    # Bytes that are not UTF-8 are kept as stand-ins, so that each bad line is reported alone.
    type=click.File("r", encoding="utf-8", errors="surrogateescape"),
    required=True,
    help="JSON Lines: one object of answers per line ('-' for stdin).",
)
def check_command(spec: Path, answers_file: TextIO) -> None:
    """Clean and validate answer records without storing anything.

    Prints one JSON line per record: its line number, the cleaned answers, the visible question
    ids and the problems.  Exits 1 if any record has a problem.

    \b
    Example:
      echo '{"q1": "all_relevant", "q2": "now hidden"}' > answers.jsonl
      surveykit check specs/taking_stock.toml --answers answers.jsonl
    """
    engine = Engine(load_spec(spec))
    failed = False
    write = _line_writer()
    for line_number, record in _records(answers_file):
        if isinstance(record, _BadLine):
            problems = [{"question": None, "code": "bad_json", "message": record.message}]
            result: dict[str, Any] = {
                "line": line_number,
                "answers": {},
                "visible": [],
                "problems": problems,
            }
        else:
            # One pass of the engine: what is shown is read off the cleaned answers.
            checked = engine.check(record)
            result = {
                "line": line_number,
                "answers": checked.answers,
                "visible": list(engine.shown(checked.answers)) if isinstance(record, dict) else [],
                "problems": [
                    {"question": p.question, "code": p.code, "message": p.message}
                    for p in checked.problems
                ],
            }
        failed = failed or bool(result["problems"])
        write(_json_line(result))
    sys.stdout.flush()
    if failed:
        click.get_current_context().exit(1)


def _line_writer() -> Callable[[bytes], object]:
    """Write UTF-8 lines to standard output's bytes, or as text where it has none (a caller
    capturing output in a ``StringIO``)."""
    stream = sys.stdout
    binary = getattr(stream, "buffer", None)
    if binary is None:
        return lambda data: stream.write(data.decode("utf-8"))
    stream.flush()
    return binary.write


def _json_line(result: dict[str, Any]) -> bytes:
    """One output line, strict JSON in UTF-8: orjson, or the standard library for what orjson
    refuses (an integer wider than 64 bits, kept as given in a refused answer)."""
    try:
        return orjson.dumps(result, option=orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return (json.dumps(result, ensure_ascii=False) + "\n").encode("utf-8")


class _BadLine:
    def __init__(self, message: str) -> None:
        self.message = message


def _records(stream: TextIO) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            yield number, jsoninput.loads(jsoninput.require_decoded(line))
        except jsoninput.JsonInputError as exc:
            where = "" if exc.column is None else f" at column {exc.column}"
            yield number, _BadLine(f"line {number} is not valid JSON: {exc.reason}{where}")


COMMANDS = (validate_command, show_command, check_command)
