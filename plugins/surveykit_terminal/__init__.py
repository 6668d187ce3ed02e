"""The ``cli`` renderer: a consultation as a terminal form, ``surveykit answer`` and ``enter``.

Respondents answer one question at a time with arrow-key lists, tick-boxes and a multi-line
editor (from questionary, on prompt_toolkit), or with numbered plain lines when the terminal is
not interactive, so the form can be scripted.  Every kind of question is asked from its kind's
public API (see :mod:`surveykit_terminal.asking`): a grid statement by statement, a ranking by
option numbers, and typed answers (numbers, dates, addresses) read by the kind's checker.
Officers key in paper and emailed responses with the same form.  A session is in one of the
spec's languages (``--lang``, or asked first): the questions from the spec's translations, the
form's own words from its ``surveykit_terminal`` catalogues (see :mod:`surveykit_terminal.words`).
Answers go through :class:`surveykit.SubmitService` like every other channel.
This package is an ordinary surveykit plugin, registered through the ``surveykit`` entry-point
group and using only the public API.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from attrs import frozen

from surveykit import hookimpl

if TYPE_CHECKING:
    from .form import Entry, TerminalForm
    from .prompters import BACK, InteractivePrompter, PlainPrompter, Review
    from .walk import Walk

#: Where each public name lives: imported on first use, so loading the plugin (as every
#: ``surveykit`` command does) costs nothing until a terminal form is wanted.
_HOME = {
    "Entry": "form",
    "TerminalForm": "form",
    "BACK": "prompters",
    "InteractivePrompter": "prompters",
    "PlainPrompter": "prompters",
    "Review": "prompters",
    "Walk": "walk",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{home}", __name__), name)


__all__ = [
    "BACK",
    "Entry",
    "InteractivePrompter",
    "PlainPrompter",
    "Review",
    "TerminalForm",
    "TerminalRenderer",
    "Walk",
]


@frozen
class TerminalRenderer:
    """The terminal form as a renderer: build a :class:`TerminalForm` and ``run()`` it."""

    name: str = "cli"
    description: str = "a terminal form: `surveykit answer` and, for officers, `surveykit enter`"

    def form(self, *args, **kwargs) -> TerminalForm:
        """See :class:`surveykit_terminal.TerminalForm`."""
        from .form import TerminalForm

        return TerminalForm(*args, **kwargs)


@hookimpl
def surveykit_register_renderers(register):
    register(TerminalRenderer())


@hookimpl
def surveykit_register_catalogues(register):
    # The form's own words (docs/languages.md): one .po file per language under locale/.
    from .words import catalogues

    for catalogue in catalogues():
        register(catalogue)


@hookimpl
def surveykit_register_commands(cli):
    from surveykit.cli.lazy import add_lazy_command

    add_lazy_command(
        cli,
        "answer",
        "surveykit_terminal.commands:answer_command",
        short_help="Answer a consultation in the terminal, one question at a time.",
        extra="terminal",
    )
    add_lazy_command(
        cli,
        "enter",
        "surveykit_terminal.commands:enter_command",
        short_help=(
            "Key in a response that came by post or email, through the same form as `answer`."
        ),
        extra="terminal",
    )
