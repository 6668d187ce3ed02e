"""Helpers for the terminal form's tests: paths, the secret, and reading what was stored."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from surveykit import open_store

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "taking_stock.toml"
SECRET = "terminal-tests-secret-0123456789-abcdefghij"
#: Taking Stock closed on 13 March 2015: the tests reopen it, as a demonstration would.
OPEN_UNTIL = "2099-12-31"
SURVEYKIT = str(Path(sys.executable).parent / "surveykit")
#: A small consultation with a multiple-choice question and a text limited to 10 characters.
PETS = """
[consultation]
id = "pets"
title = "Pets"
publisher = "Tests"
closes = 2099-12-31
timezone = "Europe/London"

[[sections]]
id = "animals"
title = "Animals"

[[sections.questions]]
id = "pets"
number = "1"
text = "Which pets do you keep?"
kind = "multi"
required = true
options = [
    { value = "cat", label = "Cat" },
    { value = "dog", label = "Dog" },
    { value = "fish", label = "Fish" },
]

[[sections.questions]]
id = "why"
number = "2"
text = "Why a dog?"
kind = "text"
max_length = 10
shown_if = '"dog" in pets'
"""
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")


def stored(db: str, respondent_id: str):
    """The respondent's response, history and draft, read straight from the store."""
    with open_store(db) as store:
        return (
            store.response(respondent_id),
            store.history(respondent_id),
            store.load_draft(respondent_id),
        )


def child_env() -> dict[str, str]:
    """The environment for a command in a pseudo-terminal: no cursor-position queries."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYKIT_")}
    env.update(
        SURVEYKIT_SECRET=SECRET,
        PROMPT_TOOLKIT_NO_CPR="1",
        TERM="xterm-256color",
        COLUMNS="100",
        LINES="40",
    )
    return env


def plain_text(screen_output: str) -> str:
    """Terminal output without colour codes and carriage returns."""
    return _ANSI.sub("", screen_output)
