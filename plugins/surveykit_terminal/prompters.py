"""Two ways of asking in a terminal: arrow-key prompts, and numbered plain lines for scripts.

Both take the same calls from :class:`~surveykit_terminal.form.TerminalForm`: each asks one
answer part, in the style :mod:`~surveykit_terminal.asking` chose for it, and gives back the
answer as the engine stores it, :data:`~surveykit.EMPTY` for "no answer", or :data:`BACK`.
Every answer goes through the engine's check (the kind's checker) before it is given back: a
refused answer is explained in the checker's words and asked again.  Interrupting raises
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

from .asking import Asking, Unreadable, read_ranking, typed_text
from .text import answer_text, wrap

__all__ = ["BACK", "InteractivePrompter", "PlainPrompter", "Prompter", "Review"]

#: A line holding only this starts, and another ends, a multi-line answer in plain mode.
BLOCK = '"""'
#: Asked after a ranking is shown back as a numbered list.
RANKING_RIGHT = "Is this order right?"

#: The engine's verdict on a raw answer: the answer as stored, and what is wrong with it.
Check = Callable[[Any], tuple[Any, list[str]]]


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

    def ask(self, asking: Asking, current: Any, check: Check) -> Any: ...

    def review(self, rows: Sequence[tuple[Question, str]]) -> Review: ...

    def confirm(self, text: str, default: bool = False) -> bool: ...


def _ranked_list(asking: Asking, ranked: list[str]) -> str:
    return wrap(answer_text(asking.part, ranked, "ranking"), "  ", "     ")


def _find(rows: Sequence[tuple[Question, str]], text: str) -> str | None:
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

    def ask(self, asking: Asking, current: Any, check: Check) -> Any:
        part, style = asking.part, asking.style
        listed = style in ("choice", "choices", "ranking")
        if listed:
            for number, option in enumerate(part.options, start=1):
                click.echo(wrap(f"{number}. {option.label}", "  "))
        click.echo(self._instructions(asking, current))
        while True:
            line = self._read()
            if line.strip() == "<":
                return BACK
            if line.strip() == BLOCK and style == "text":
                value: Any = self._block()
            elif not line.strip():
                if current is not EMPTY:
                    return current
                value = EMPTY
            elif line.strip() == "-":
                value = EMPTY
            elif style in ("choice", "choices"):
                value = self._parse_choice(part, style == "choices", line)
            elif style == "ranking":
                value = read_ranking(part, line)
            else:
                value = line
            if isinstance(value, Unreadable):
                click.echo(f"  {value.message}. Try again.")
                continue
            if isinstance(value, str) and not value.strip():
                value = EMPTY
            answer, found = check(value)
            if found:
                click.echo(f"  {found[0]}. Try again.")
                continue
            if style == "ranking" and answer is not EMPTY:
                click.echo("  Your order:")
                click.echo(_ranked_list(asking, answer))
                if not self.confirm(f"  {RANKING_RIGHT}", default=True):
                    click.echo("  Type the numbers again, in the order you want.")
                    continue
            return answer

    def _instructions(self, asking: Asking, current: Any) -> str:
        question = asking.part
        if asking.style == "choices":
            how = "Type the numbers of all that apply, separated by commas"
        elif asking.style == "choice":
            how = "Type a number"
        elif asking.style == "text":
            how = f"Type your answer on one line (or between two lines of {BLOCK})"
        else:
            how = asking.guidance or "Type your answer on one line"
        parts = [how, '"<" goes back']
        if not question.required:
            parts.append('"-" leaves it unanswered')
        if current is not EMPTY:
            kept = answer_text(question, current, asking.said).replace("\n", "; ")
            parts.append(f"Enter keeps: {kept}")
        return wrap("; ".join(parts) + ".", "  ")

    def _block(self) -> str:
        lines: list[str] = []
        while True:
            line = self._read("")
            if line.strip() == BLOCK:
                return "\n".join(lines)
            lines.append(line)

    def _parse_choice(self, question: Question, multiple: bool, line: str) -> Any:
        tokens = [t for t in line.replace(",", " ").split() if t]
        values = []
        for token in tokens if multiple else [line.strip()]:
            if token.isascii() and token.isdigit():
                number = int(token) if len(token) <= 6 else 0
                if not 1 <= number <= len(question.options):
                    return Unreadable(
                        f"{question.title}: there is no option {number}; "
                        f"type a number from 1 to {len(question.options)}"
                    )
                values.append(question.options[number - 1].value)
            else:
                by_label = {o.label.casefold(): o.value for o in question.options}
                values.append(by_label.get(token.casefold(), token))
        if multiple:
            return list(dict.fromkeys(values))
        return values[0]

    def review(self, rows: Sequence[tuple[Question, str]]) -> Review:
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

    def confirm(self, text: str, default: bool = False) -> bool:
        while True:
            word = self._read(f"{text} {'[Y/n]' if default else '[y/N]'} ").strip().casefold()
            if word in ("y", "yes"):
                return True
            if word in ("n", "no"):
                return False
            if not word:
                return default
            click.echo('  Type "y" or "n".')


class InteractivePrompter:
    """Arrow-key choice lists, tick-boxes and a text editor, from questionary (prompt_toolkit).

    Ctrl-B goes back on every prompt; Ctrl-C stops, as does Ctrl-D on a list or an empty answer.
    """

    interactive = True

    def ask(self, asking: Asking, current: Any, check: Check) -> Any:
        while True:
            if asking.style == "choices":
                value = self._checkbox(asking.part, current)
            elif asking.style == "choice":
                value = self._select(asking.part, current)
            elif asking.style == "ranking":
                value = self._ranking(asking, current, check)
            else:
                value = self._text(asking, current, check)
            if value is BACK:
                return BACK
            answer, found = check(value)
            if found:
                click.echo(f"  {found[0]}. Try again.")
                continue
            if asking.style == "ranking" and answer is not EMPTY:
                click.echo("  Your order:")
                click.echo(_ranked_list(asking, answer))
                if not self.confirm(RANKING_RIGHT, default=True):
                    continue
            return answer

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

    def _text(self, asking: Asking, current: Any, check: Check) -> Any:
        import questionary

        multiline = not asking.one_line
        # Said before the prompt rather than in it, so the finished prompt shows only the answer.
        keys = (
            "Enter starts a new line; Esc then Enter finishes. Ctrl-B goes back."
            if multiline
            else "Enter confirms. Ctrl-B goes back."
        )
        click.secho(f"({asking.guidance}. {keys})" if asking.guidance else f"({keys})", dim=True)
        prompt = questionary.text(
            "Your answer",
            default=typed_text(asking, current),
            multiline=multiline,
            validate=lambda text: _verdict(check(text if text.strip() else EMPTY)[1]),
            instruction="\n>" if multiline else "",
        )
        result = _run(prompt, eof=False)
        if result is BACK:
            return BACK
        return result if result.strip() else EMPTY

    def _ranking(self, asking: Asking, current: Any, check: Check) -> Any:
        """The options numbered, then their numbers typed in order ("3, 1, 2")."""
        import questionary

        for number, option in enumerate(asking.part.options, start=1):
            click.echo(wrap(f"{number}. {option.label}", "  "))
        click.secho(f"({asking.guidance}. Enter confirms. Ctrl-B goes back.)", dim=True)

        def verdict(text: str) -> bool | str:
            value = read_ranking(asking.part, text)
            if isinstance(value, Unreadable):
                return value.message
            return _verdict(check(value)[1])

        result = _run(
            questionary.text("Your answer", default=typed_text(asking, current), validate=verdict),
            eof=False,
        )
        if result is BACK:
            return BACK
        value = read_ranking(asking.part, result)
        return EMPTY if isinstance(value, Unreadable) else value

    def review(self, rows: Sequence[tuple[Question, str]]) -> Review:
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
                _shorten(f"{q.number or q.id}. {q.text} ({shown})", room),
                value=q.id,
            )
            for q, shown in rows
        ]
        choices.append(questionary.Choice("Back to the summary", value=BACK))
        picked = _run(
            questionary.select(
                "Which answer?", choices, use_jk_keys=False, instruction="(arrow keys, Enter)"
            ),
            eof=True,
        )
        return Review("summary") if picked is BACK else Review("change", picked)

    def confirm(self, text: str, default: bool = False) -> bool:
        import questionary

        return bool(_run(questionary.confirm(text, default=default), eof=True))


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
