"""``surveykit check``: clean and validate answer records without storing them."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import click
import orjson

from .. import jsoninput
from ..engine import Engine
from ..spec import load_spec
from .spec_commands import SPEC


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
        if line.isspace():  # (not line.strip(), which copies every line)
            continue
        try:
            yield number, jsoninput.loads(jsoninput.require_decoded(line))
        except jsoninput.JsonInputError as exc:
            where = "" if exc.column is None else f" at column {exc.column}"
            yield number, _BadLine(f"line {number} is not valid JSON: {exc.reason}{where}")


COMMANDS = (check_command,)
