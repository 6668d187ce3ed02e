"""How questions, answers and section introductions look as plain terminal text."""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from typing import Any

from surveykit import EMPTY, Question

__all__ = ["answer_text", "intro_text", "width", "wrap"]

NOT_ANSWERED = "Not answered"
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


def answer_text(question: Question, value: Any) -> str:
    """An answer as the person chose it: option labels, or the text itself."""
    if value is EMPTY:
        return NOT_ANSWERED
    if isinstance(value, list):
        return "; ".join(_label(question, v) for v in value)
    if question.options:
        return _label(question, value)
    return str(value)


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
