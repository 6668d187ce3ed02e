"""How questions, answers and section introductions look as plain terminal text."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
import textwrap
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from surveykit import EMPTY, Question
from surveykit.i18n import mark

from .words import Words, english

__all__ = [
    "NOT_ANSWERED",
    "answer_text",
    "intro_text",
    "number_text",
    "page_text",
    "spoken_date",
    "width",
    "wrap",
]

NOT_ANSWERED = mark("Not answered")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?")
_LINK = re.compile(r"\[([^\]]+)\]\((?:mailto:)?([^)]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def width() -> int:
    """Columns to wrap to: the terminal's, at most 100; unwrapped when output is not a terminal.

    Piped output is read by scripts, which find a paragraph more easily on one line.
    """
    if not sys.stdout.isatty():
        return 100_000
    return min(shutil.get_terminal_size((80, 24)).columns, 100)


def wrap(text: str, indent: str = "", hanging: str | None = None) -> str:
    """``text`` wrapped to the terminal; later lines of a paragraph start with ``hanging``."""
    later = indent if hanging is None else hanging
    return "\n".join(
        textwrap.fill(
            line,
            width() - 1,
            initial_indent=indent,
            subsequent_indent=later,
            break_on_hyphens=False,
        )
        if line.strip()
        else ""
        for line in text.splitlines()
    )


def answer_text(
    question: Question, value: Any, answer_type: str | None = None, words: Words | None = None
) -> str:
    """An answer as the person would say it: option labels, "5 March 2027", "£12.50", a
    ranking as a numbered list (one line each), or the text itself, in ``words``' language
    (the labels are the question's own, so in the language of a localised consultation).

    ``answer_type`` is the part's (see :func:`surveykit.kinds.answer_type`); without it, lists
    are read as options ticked and anything else as a label or text.
    """
    words = words or english()
    if value is EMPTY:
        return words.gettext(NOT_ANSWERED)
    if answer_type == "ranking" and isinstance(value, list):
        return "\n".join(
            f"{place}. {_label(question, v)}" for place, v in enumerate(value, start=1)
        )
    if isinstance(value, list):
        return "; ".join(_label(question, v) for v in value)
    if answer_type == "number":
        return number_text(question, value)
    if answer_type in ("date", "month") and isinstance(value, str):
        return spoken_date(value, words)
    if question.options:
        return _label(question, value)
    return str(value)


def page_text(
    question: Question, parts: Sequence[tuple[Question, Any, str]], words: Words | None = None
) -> str:
    """A whole question's answer on the check step, from its visible parts: ``(part, answer,
    answer type)`` in order.

    The words given for an "Other" option follow its label ("Somewhere else: the bus stop");
    the rows of a grid, or any other part, come one per line as "its text: its answer".
    """
    words = words or english()
    others = {
        part.settings.get("option"): value
        for part, value, _said in parts
        if part.settings.get("other_of") == question.id and value is not EMPTY
    }
    lines = []
    for part, value, said in parts:
        if part.settings.get("other_of") == question.id:
            continue  # said beside the option's label
        if part.id == question.id:
            lines.append(_with_words(part, value, said, others, words))
        else:
            lines.append(f"{part.text}: {_with_words(part, value, said, others, words)}")
    return "\n".join(lines) if lines else words.gettext(NOT_ANSWERED)


def _with_words(part: Question, value: Any, said: str, others: dict[Any, Any], words: Words) -> str:
    if not others or value is EMPTY:
        return answer_text(part, value, said, words)
    chosen = value if isinstance(value, list) else [value]
    shown = []
    for item in chosen:
        label = _label(part, item)
        shown.append(f"{label}: {others[item]}" if item in others else label)
    if said == "ranking":
        return "\n".join(f"{place}. {text}" for place, text in enumerate(shown, start=1))
    return "; ".join(shown)


def number_text(question: Question, value: Any) -> str:
    """A number as the question counts it: grouped, to its decimal places, with its unit
    ("£1,250.00", "3 people"); text the checker reads back as the same number."""
    settings = question.settings
    decimals = settings.get("decimals", 0)
    decimals = decimals if isinstance(decimals, int) and 0 <= decimals <= 15 else 0
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    try:
        text = f"{Decimal(repr(value)):,.{decimals}f}"
    except (InvalidOperation, ValueError):
        return str(value)
    unit = settings.get("unit") if isinstance(settings.get("unit"), str) else ""
    if not unit:
        return text
    if settings.get("unit_prefix") is True:
        return f"-{unit}{text[1:]}" if text.startswith("-") else f"{unit}{text}"
    return f"{text} {unit}"


def spoken_date(iso: str, words: Words | None = None) -> str:
    """ISO text as people say it: "5 March 2027" ("5 Mawrth 2027"), or "March 2027" for a
    month; text that is no date is returned as it is."""
    words = words or english()
    found = _ISO.fullmatch(iso)
    if found is None or not 1 <= int(found[2]) <= 12:
        return iso
    year, month = int(found[1]), int(found[2])
    if found[3] is None:
        return words.month(year, month)
    try:
        return words.date(dt.date(year, month, int(found[3])))
    except ValueError:
        return iso


def _label(question: Question, value: str) -> str:
    option = question.option(value)
    return option.label if option else value


def intro_text(markdown: str) -> str:
    """A section's Markdown introduction as readable plain text: links spelled out, no markup."""
    lines = []
    for line in markdown.strip().splitlines():
        line = _LINK.sub(r"\1 (\2)", line)
        line = _BOLD.sub(r"\1", line)
        lines.append(line.lstrip("#").strip() if line.startswith("#") else line)
    return "\n".join(lines)
