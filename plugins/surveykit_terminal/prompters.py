"""Two ways of asking in a terminal: arrow-key prompts, and numbered plain lines for scripts.

Both take the same calls from :class:`~surveykit_terminal.form.TerminalForm` and give back an
answer, :data:`~surveykit.EMPTY` for "no answer", or :data:`BACK`.  Interrupting raises
:class:`KeyboardInterrupt` (Ctrl-C) or :class:`EOFError` (Ctrl-D, or the end of piped input),
which the form turns into a saved draft.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TextIO

import click
from attrs import frozen

from surveykit import EMPTY, Question

from .text import answer_text, wrap

__all__ = ["BACK", "InteractivePrompter", "PlainPrompter", "Prompter", "Review"]

#: Questions whose answers may be longer than this many characters get a multi-line editor.
SHORT_TEXT = 200
#: A line holding only this starts, and another ends, a multi-line answer in plain mode.
BLOCK = '"""'

Problems = Callable[[Any], list[str]]


class _Back:
    """The person asked to go back a step."""

    def __repr__(self) -> str:
        return "BACK"


BACK = _Back()


@frozen
class Review:
    """What the person chose at the summary: submit, save, back, or change one question."""

    action: str
    question: str | None = None


class Prompter(Protocol):
    """What the form needs from a way of asking."""

    interactive: bool

    def ask(self, question: Question, kind: Any, current: Any, problems: Problems) -> Any: ...

    def review(self, rows: Sequence[tuple[Question, Any]]) -> Review: ...

    def confirm(self, text: str) -> bool: ...


def _multiple(kind: Any) -> bool:
    return bool(getattr(kind, "has_options", False) and getattr(kind, "multiple", False))


def _choices(kind: Any) -> bool:
    return bool(getattr(kind, "has_options", False))


def _find(rows: Sequence[tuple[Question, Any]], text: str) -> str | None:
    wanted = text.strip().casefold()
    if not wanted:
        return None
    for question, _value in rows:
        if wanted in {question.id.casefold(), (question.number or "").casefold()}:
            return question.id
    return None


class PlainPrompter:
    """Numbered choices and plain lines: for scripts, pipes and terminals without cursor keys.

    Every answer is one line (or a block between two lines of ``\"\"\"``).  ``<`` goes back,
    ``-`` leaves a question unanswered, and an empty line keeps the answer already given.
    """

    interactive = False

    def __init__(self, stdin: TextIO | None = None) -> None:
        self.stdin = stdin or sys.stdin

    def _read(self, prompt: str = "> ") -> str:
        click.echo(prompt, nl=False)
        sys.stdout.flush()
        line = self.stdin.readline()
        if not line:
            click.echo()
            raise EOFError
        line = line.rstrip("\r\n")
        if not self.stdin.isatty():
            click.echo(line)  # no terminal echoed it: show it, so the output reads as a session
        return line

    def ask(self, question: Question, kind: Any, current: Any, problems: Problems) -> Any:
        options = question.options if _choices(kind) else ()
        for number, option in enumerate(options, start=1):
            click.echo(wrap(f"{number}. {option.label}", "  "))
        click.echo(self._instructions(question, kind, current))
        while True:
            line = self._read()
            if line.strip() == "<":
                return BACK
            if line.strip() == BLOCK and not options:
                value: Any = self._block()
            elif not line.strip():
                if current is not EMPTY:
                    return current
                value = EMPTY
            elif line.strip() == "-":
                value = EMPTY
            elif options:
                value = self._parse_choice(question, kind, line)
            else:
                value = line
            if isinstance(value, _Unreadable):
                click.echo(f"  {value.message}. Try again.")
                continue
            if isinstance(value, str) and not value.strip():
                value = EMPTY
            found = problems(value)
            if found:
                click.echo(f"  {found[0]}. Try again.")
                continue
            return value

    def _instructions(self, question: Question, kind: Any, current: Any) -> str:
        if _multiple(kind):
            how = "Type the numbers of all that apply, separated by commas"
        elif _choices(kind):
            how = "Type a number"
        else:
            how = f"Type your answer on one line (or between two lines of {BLOCK})"
        parts = [how, '"<" goes back']
        if not question.required:
            parts.append('"-" leaves it unanswered')
        if current is not EMPTY:
            parts.append(f"Enter keeps: {answer_text(question, current)}")
        return wrap("; ".join(parts) + ".", "  ")

    def _block(self) -> str:
        lines: list[str] = []
        while True:
            line = self._read("")
            if line.strip() == BLOCK:
                return "\n".join(lines)
            lines.append(line)

    def _parse_choice(self, question: Question, kind: Any, line: str) -> Any:
        tokens = [t for t in line.replace(",", " ").split() if t]
        values = []
        for token in tokens if _multiple(kind) else [line.strip()]:
            if token.isdigit():
                number = int(token)
                if not 1 <= number <= len(question.options):
                    return _Unreadable(
                        f"{question.title}: there is no option {number}; "
                        f"type a number from 1 to {len(question.options)}"
                    )
                values.append(question.options[number - 1].value)
            else:
                by_label = {o.label.casefold(): o.value for o in question.options}
                values.append(by_label.get(token.casefold(), token))
        if _multiple(kind):
            return list(dict.fromkeys(values))
        return values[0]

    def review(self, rows: Sequence[tuple[Question, Any]]) -> Review:
        click.echo(
            wrap(
                'Type "submit" to send these answers, a question\'s number to change its answer, '
                '"<" to go back, or "save" to save a draft and stop.'
            )
        )
        while True:
            line = self._read().strip()
            word = line.casefold()
            if word in ("submit", "save"):
                return Review(word)
            if word == "<":
                return Review("back")
            question = _find(rows, line)
            if question is not None:
                return Review("change", question)
            click.echo(
                f'  {line[:40]!r} is not "submit", "save", "<" or a question above. Try again.'
            )

    def confirm(self, text: str) -> bool:
        while True:
            word = self._read(f"{text} [y/N] ").strip().casefold()
            if word in ("y", "yes"):
                return True
            if word in ("", "n", "no"):
                return False
            click.echo('  Type "y" or "n".')


@frozen
class _Unreadable:
    message: str


class InteractivePrompter:
    """Arrow-key choice lists, tick-boxes and a text editor, from questionary (prompt_toolkit).

    Ctrl-B goes back on every prompt; Ctrl-C stops, as does Ctrl-D on a list or an empty answer.
    """

    interactive = True

    def ask(self, question: Question, kind: Any, current: Any, problems: Problems) -> Any:
        while True:
            if _multiple(kind):
                value = self._checkbox(question, current)
            elif _choices(kind):
                value = self._select(question, current)
            else:
                value = self._text(question, current, problems)
            if value is BACK:
                return BACK
            found = problems(value)
            if not found:
                return value
            click.echo(f"  {found[0]}. Try again.")

    def _select(self, question: Question, current: Any) -> Any:
        import questionary

        choices = [questionary.Choice(o.label, value=o.value) for o in question.options]
        if not question.required:
            choices.append(questionary.Choice("No answer", value=EMPTY))
        choices.append(questionary.Choice("Go back", value=BACK))
        values = [c.value for c in choices]
        prompt = questionary.select(
            "Your answer",
            choices,
            default=current if current is not EMPTY and current in values else None,
            use_shortcuts=len(choices) <= 36,
            use_jk_keys=False,
            instruction="(arrow keys or number, then Enter; Ctrl-B goes back)",
        )
        return _run(prompt, eof=True)

    def _checkbox(self, question: Question, current: Any) -> Any:
        import questionary

        ticked = set(current) if isinstance(current, list) else set()
        choices = [
            questionary.Choice(o.label, value=o.value, checked=o.value in ticked)
            for o in question.options
        ]
        # No `validate=` here: questionary's tick-box list does not show its message inline, so
        # `ask` says what is wrong and asks again.
        prompt = questionary.checkbox(
            "Your answers",
            choices,
            use_jk_keys=False,
            instruction="(Space ticks, Enter confirms; Ctrl-B goes back)",
        )
        result = _run(prompt, eof=True)
        return result if result is BACK or result else EMPTY

    def _text(self, question: Question, current: Any, problems: Problems) -> Any:
        import questionary

        multiline = (question.max_length or 10_000) > SHORT_TEXT
        # Said before the prompt rather than in it, so the finished prompt shows only the answer.
        click.secho(
            "(Enter starts a new line; Esc then Enter finishes. Ctrl-B goes back.)"
            if multiline
            else "(Enter confirms. Ctrl-B goes back.)",
            dim=True,
        )
        prompt = questionary.text(
            "Your answer",
            default=current if isinstance(current, str) else "",
            multiline=multiline,
            validate=lambda text: _verdict(problems(text if text.strip() else EMPTY)),
            instruction="\n>" if multiline else "",
        )
        result = _run(prompt, eof=False)
        if result is BACK:
            return BACK
        return result if result.strip() else EMPTY

    def review(self, rows: Sequence[tuple[Question, Any]]) -> Review:
        import questionary

        action = _run(
            questionary.select(
                "What next?",
                [
                    questionary.Choice("Submit these answers", value="submit"),
                    questionary.Choice("Change an answer", value="change"),
                    questionary.Choice("Save a draft and finish later", value="save"),
                ],
                use_shortcuts=True,
                use_jk_keys=False,
                instruction="(Ctrl-B goes back)",
            ),
            eof=True,
        )
        if action is BACK:
            return Review("back")
        if action != "change":
            return Review(action)
        room = max(20, _columns() - 20)  # fits the list and the finished "? Which answer? "
        choices = [
            questionary.Choice(
                _shorten(f"{q.number or q.id}. {q.text} ({answer_text(q, value)})", room),
                value=q.id,
            )
            for q, value in rows
        ]
        choices.append(questionary.Choice("Back to the summary", value=BACK))
        picked = _run(
            questionary.select(
                "Which answer?", choices, use_jk_keys=False, instruction="(arrow keys, Enter)"
            ),
            eof=True,
        )
        return Review("summary") if picked is BACK else Review("change", picked)

    def confirm(self, text: str) -> bool:
        import questionary

        return bool(_run(questionary.confirm(text, default=False), eof=True))


def _verdict(found: list[str]) -> bool | str:
    return found[0] if found else True


def _columns() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def _shorten(text: str, room: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= room else text[: room - 1] + "…"


def _run(prompt: Any, *, eof: bool) -> Any:
    """Run a questionary prompt with Ctrl-B (back) and, on lists, Ctrl-D (end of input)."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    keys = KeyBindings()

    @keys.add("c-b", eager=True)
    def _back(event: Any) -> None:
        event.app.exit(result=BACK)

    if eof:

        @keys.add("c-d", eager=True)
        def _end(event: Any) -> None:
            event.app.exit(exception=EOFError)

    app = prompt.application
    app.key_bindings = merge_key_bindings([b for b in (app.key_bindings, keys) if b is not None])
    return prompt.unsafe_ask()
