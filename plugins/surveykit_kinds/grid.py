"""``grid``: several statements sharing one set of options ("how far do you agree with each").

A grid has no answer of its own.  It expands into one ``single`` part per row, ``QID.ROW``, so
every row is stored, required, cleared and counted as any single-choice question is, and a
condition may read a row (``q7.cost == "agree"``) with nothing new in the engine, the reports or
the condition language.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any, ClassVar

from attrs import frozen

from surveykit import Question, Rejected
from surveykit.i18n import title_of

from ._common import IDENTIFIER, phrase, shown, suggestion

__all__ = ["Grid", "rows_of"]

ROW_KEYS = ("id", "text", "hint", "required")


def rows_of(question: Question) -> Iterator[Mapping[str, Any]]:
    """The grid's well-formed rows, the first of each id: what it expands into.

    The loader refuses a grid whose rows have problems (see :meth:`Grid.check_settings`), so
    for a loaded spec these are all its rows; a question built in code with bad rows still
    expands into sound parts.
    """
    rows = question.settings.get("rows")
    if rows.__class__ is not list and rows.__class__ is not tuple:
        return
    seen: set[str] = set()
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        row_id, text = row.get("id"), row.get("text")
        if (
            row_id.__class__ is str
            and IDENTIFIER.fullmatch(row_id)
            and row_id not in seen
            and text.__class__ is str
            and text.strip()
        ):
            seen.add(row_id)
            yield row


def _row_problems(number: int, row: Any, seen: set[str]) -> Iterator[str]:
    if not isinstance(row, Mapping):
        yield f'row {number} must be a table such as {{ id = "cost", text = "..." }}'
        return
    for key in row:
        if key not in ROW_KEYS:
            name = str(key)[:40]
            yield f"row {number} has an unknown key {name!r}{suggestion(name, ROW_KEYS)}"
    row_id = row.get("id")
    if row_id is None:
        yield f"row {number} has no id"
    elif row_id.__class__ is not str or not IDENTIFIER.fullmatch(row_id):
        yield (
            f"row {number}'s id {shown(row_id)} is not a valid id: use letters, digits and "
            "underscores, starting with a letter or underscore"
        )
    elif row_id in seen:
        yield f"row {number} repeats the id {row_id!r}; each row needs its own"
    else:
        seen.add(row_id)
    text = row.get("text")
    if text.__class__ is not str or not text.strip():
        yield f"row {number} needs some text: the statement the row asks about"
    hint = row.get("hint")
    if hint is not None and hint.__class__ is not str:
        yield f"row {number}'s hint must be text, not {shown(hint)}"
    required = row.get("required")
    if required is not None and required.__class__ is not bool:
        yield f"row {number}'s required must be true or false, not {shown(required)}"


@frozen
class Grid:
    """Statements (``rows``) that each take one of the grid's shared options."""

    name: str = "grid"
    description: str = "several statements (rows) that each take one of the same options"
    has_options: bool = True
    multiple: bool = False
    has_max_length: bool = False
    settings: ClassVar = MappingProxyType(
        {
            "rows": 'the statements, each { id = "cost", text = "Cost of services" }, '
            "with an optional hint and required"
        }
    )
    #: The settings respondents read, translated per language (surveykit.translations).
    translatable: ClassVar = ("rows.*.text", "rows.*.hint")

    def check_settings(self, question: Question) -> list[tuple[str, str]]:
        rows = question.settings.get("rows")
        if (rows.__class__ is not list and rows.__class__ is not tuple) or not rows:
            return [
                (
                    "rows",
                    "a grid needs at least one row: "
                    'rows = [{ id = "cost", text = "Cost of services" }, ...]',
                )
            ]
        seen: set[str] = set()
        return [
            ("rows", problem)
            for number, row in enumerate(rows, start=1)
            for problem in _row_problems(number, row, seen)
        ]

    def expand(self, question: Question) -> tuple[Question, ...]:
        """One single-choice part per row, ``QID.ROW``, sharing the grid's options, condition,
        number and section; required if the grid is, unless the row says otherwise."""
        return tuple(
            Question(
                id=f"{question.id}.{row['id']}",
                text=row["text"].strip(),
                kind="single",
                number=question.number,
                hint=row.get("hint") if row.get("hint").__class__ is str else None,
                options=question.options,
                required=(
                    row["required"] if row.get("required").__class__ is bool else question.required
                ),
                shown_if=question.shown_if,
                section=question.section,
                sensitive=question.sensitive,
                settings={"row_of": question.id, "row": row["id"]},
                condition=question.condition,
                label=row["text"].strip(),
            )
            for row in rows_of(question)
        )

    def checker(self, question: Question):
        """Never used for answers: the rows are answered, each under its own key."""
        first = next(rows_of(question), None)
        title = title_of(question)
        if first is None:
            said = phrase(
                "{title}: answer each statement on its own, under its own key; the grid as a "
                "whole takes no answer",
                title=title,
            )
        else:
            said = phrase(
                "{title}: answer each statement on its own, under its own key ({key}); the grid "
                "as a whole takes no answer",
                title=title,
                key=".".join((question.id, first["id"])),
            )
        refused = Rejected("wrong_type", said)

        def check(value: Any) -> Any:
            return refused

        return check
