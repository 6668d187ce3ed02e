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
from surveykit.i18n import SOURCE_LANGUAGE, mark

from .asking import Asking, Unreadable, read_ranking, typed_text
from .text import answer_text, wrap
from .words import Words, english

__all__ = ["BACK", "InteractivePrompter", "PlainPrompter", "Prompter", "Review"]

#: A line holding only this starts, and another ends, a multi-line answer in plain mode.
BLOCK = '"""'
#: Asked after a ranking is shown back as a numbered list.
RANKING_RIGHT = mark("Is this order right?")

#: The words typed at the summary to send the answers and to save a draft, and the letters and
#: words of a yes or no; each in the session's language, and always in English too.
SUBMIT = mark("submit")
SAVE = mark("save")
YES_LETTER = mark("y")
NO_LETTER = mark("n")
YES = mark("Yes")
NO = mark("No")

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
    #: The language it speaks (the form gives it its own).
    words: Words

    def ask(self, asking: Asking, current: Any, check: Check) -> Any: ...

    def review(self, rows: Sequence[tuple[Question, str]]) -> Review: ...

    def confirm(self, text: str, default: bool = False) -> bool: ...

    def choose(self, question: str, choices: Sequence[tuple[str, str]]) -> str: ...


def _ranked_list(asking: Asking, ranked: list[str], words: Words) -> str:
    return wrap(answer_text(asking.part, ranked, "ranking", words), "  ", "     ")


def _try_again(words: Words, problem: str) -> str:
    return "  " + words.gettext("{problem}. Try again.").format(problem=problem)


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

    def __init__(self, stdin: TextIO | None = None, words: Words | None = None) -> None:
        self.stdin = stdin or sys.stdin
        self.words = words or english()

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
        part, style, words = asking.part, asking.style, self.words
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
                value = read_ranking(part, line, words)
            else:
                value = line
            if isinstance(value, Unreadable):
                click.echo(_try_again(words, value.message))
                continue
            if isinstance(value, str) and not value.strip():
                value = EMPTY
            answer, found = check(value)
            if found:
                click.echo(_try_again(words, found[0]))
                continue
            if style == "ranking" and answer is not EMPTY:
                click.echo("  " + words.gettext("Your order:"))
                click.echo(_ranked_list(asking, answer, words))
                if not self.confirm(f"  {words.gettext(RANKING_RIGHT)}", default=True):
                    again = words.gettext("Type the numbers again, in the order you want.")
                    click.echo(f"  {again}")
                    continue
            return answer

    def _instructions(self, asking: Asking, current: Any) -> str:
        question, words = asking.part, self.words
        if asking.style == "choices":
            how = words.gettext("Type the numbers of all that apply, separated by commas")
        elif asking.style == "choice":
            how = words.gettext("Type a number")
        elif asking.style == "text":
            how = words.gettext(
                "Type your answer on one line (or between two lines of {block})"
            ).format(block=BLOCK)
        else:
            how = asking.guidance or words.gettext("Type your answer on one line")
        parts = [how, words.gettext('"<" goes back')]
        if not question.required:
            parts.append(words.gettext('"-" leaves it unanswered'))
        if current is not EMPTY:
            kept = answer_text(question, current, asking.said, words).replace("\n", "; ")
            parts.append(words.gettext("Enter keeps: {answer}").format(answer=kept))
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
                        self.words.gettext(
                            "{title}: there is no option {number}; type a number from 1 to {count}"
                        ).format(
                            title=self.words.title(question),
                            number=number,
                            count=len(question.options),
                        )
                    )
                values.append(question.options[number - 1].value)
            else:
                by_label = {o.label.casefold(): o.value for o in question.options}
                values.append(by_label.get(token.casefold(), token))
        if multiple:
            return list(dict.fromkeys(values))
        return values[0]

    def review(self, rows: Sequence[tuple[Question, str]]) -> Review:
        words = self.words
        # The commands in the session's language; the English ones are always understood too.
        submit, save = words.gettext(SUBMIT), words.gettext(SAVE)
        click.echo(
            wrap(
                words.gettext(
                    'Type "{submit}" to send these answers, a question\'s number to change its '
                    'answer, "<" to go back, or "{save}" to save a draft and stop.'
                ).format(submit=submit, save=save)
            )
        )
        while True:
            line = self._read().strip()
            word = line.casefold()
            if word in (SUBMIT, submit.casefold()):
                return Review("submit")
            if word in (SAVE, save.casefold()):
                return Review("save")
            if word == "<":
                return Review("back")
            question = _find(rows, line)
            if question is not None:
                return Review("change", question)
            click.echo(
                "  "
                + words.gettext(
                    '{typed} is not "{submit}", "{save}", "<" or a question above. Try again.'
                ).format(typed=repr(line[:40]), submit=submit, save=save)
            )

    def confirm(self, text: str, default: bool = False) -> bool:
        words = self.words
        yes, no = words.gettext(YES_LETTER), words.gettext(NO_LETTER)
        shown = f"[{yes.upper()}/{no}]" if default else f"[{yes}/{no.upper()}]"
        yeses = {YES_LETTER, "yes", yes.casefold(), words.gettext(YES).casefold()}
        noes = {NO_LETTER, "no", no.casefold(), words.gettext(NO).casefold()}
        while True:
            word = self._read(f"{text} {shown} ").strip().casefold()
            if word in yeses:
                return True
            if word in noes:
                return False
            if not word:
                return default
            click.echo("  " + words.gettext('Type "{yes}" or "{no}".').format(yes=yes, no=no))

    def choose(self, question: str, choices: Sequence[tuple[str, str]]) -> str:
        """One of ``choices`` (``(value, label)``), by its number or label: the first
        question of a session in several languages, asked before one is chosen."""
        click.echo(wrap(question))
        for number, (_value, label) in enumerate(choices, start=1):
            click.echo(f"  {number}. {label}")
        while True:
            typed = self._read().strip()
            for number, (value, label) in enumerate(choices, start=1):
                if typed.casefold() in (str(number), label.casefold(), value.casefold()):
                    return value
            click.echo(f"  1-{len(choices)}?")


class InteractivePrompter:
    """Arrow-key choice lists, tick-boxes and a text editor, from questionary (prompt_toolkit).

    Ctrl-B goes back on every prompt; Ctrl-C stops, as does Ctrl-D on a list or an empty answer.
    """

    interactive = True

    def __init__(self, words: Words | None = None) -> None:
        self.words = words or english()

    def ask(self, asking: Asking, current: Any, check: Check) -> Any:
        words = self.words
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
                click.echo(_try_again(words, found[0]))
                continue
            if asking.style == "ranking" and answer is not EMPTY:
                click.echo("  " + words.gettext("Your order:"))
                click.echo(_ranked_list(asking, answer, words))
                if not self.confirm(words.gettext(RANKING_RIGHT), default=True):
                    continue
            return answer

    def _select(self, question: Question, current: Any) -> Any:
        import questionary

        words = self.words
        choices = [questionary.Choice(o.label, value=o.value) for o in question.options]
        if not question.required:
            choices.append(questionary.Choice(words.gettext("No answer"), value=EMPTY))
        choices.append(questionary.Choice(words.gettext("Go back"), value=BACK))
        values = [c.value for c in choices]
        prompt = questionary.select(
            words.gettext("Your answer"),
            choices,
            default=current if current is not EMPTY and current in values else None,
            use_shortcuts=len(choices) <= 36,
            use_jk_keys=False,
            instruction=words.gettext("(arrow keys or number, then Enter; Ctrl-B goes back)"),
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
            self.words.gettext("Your answers"),
            choices,
            use_jk_keys=False,
            instruction=self.words.gettext("(Space ticks, Enter confirms; Ctrl-B goes back)"),
        )
        result = _run(prompt, eof=True)
        return result if result is BACK or result else EMPTY

    def _text(self, asking: Asking, current: Any, check: Check) -> Any:
        import questionary

        words = self.words
        multiline = not asking.one_line
        # Said before the prompt rather than in it, so the finished prompt shows only the answer.
        keys = (
            words.gettext("Enter starts a new line; Esc then Enter finishes. Ctrl-B goes back.")
            if multiline
            else words.gettext("Enter confirms. Ctrl-B goes back.")
        )
        click.secho(f"({asking.guidance}. {keys})" if asking.guidance else f"({keys})", dim=True)
        prompt = questionary.text(
            words.gettext("Your answer"),
            default=typed_text(asking, current, words),
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

        words = self.words
        for number, option in enumerate(asking.part.options, start=1):
            click.echo(wrap(f"{number}. {option.label}", "  "))
        keys = words.gettext("Enter confirms. Ctrl-B goes back.")
        click.secho(f"({asking.guidance}. {keys})", dim=True)

        def verdict(text: str) -> bool | str:
            value = read_ranking(asking.part, text, words)
            if isinstance(value, Unreadable):
                return value.message
            return _verdict(check(value)[1])

        result = _run(
            questionary.text(
                words.gettext("Your answer"),
                default=typed_text(asking, current, words),
                validate=verdict,
            ),
            eof=False,
        )
        if result is BACK:
            return BACK
        value = read_ranking(asking.part, result, words)
        return EMPTY if isinstance(value, Unreadable) else value

    def review(self, rows: Sequence[tuple[Question, str]]) -> Review:
        import questionary

        words = self.words
        action = _run(
            questionary.select(
                words.gettext("What next?"),
                [
                    questionary.Choice(words.gettext("Submit these answers"), value="submit"),
                    questionary.Choice(words.gettext("Change an answer"), value="change"),
                    questionary.Choice(
                        words.gettext("Save a draft and finish later"), value="save"
                    ),
                ],
                use_shortcuts=True,
                use_jk_keys=False,
                instruction=words.gettext("(Ctrl-B goes back)"),
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
        choices.append(questionary.Choice(words.gettext("Back to the summary"), value=BACK))
        picked = _run(
            questionary.select(
                words.gettext("Which answer?"),
                choices,
                use_jk_keys=False,
                instruction=words.gettext("(arrow keys, Enter)"),
            ),
            eof=True,
        )
        return Review("summary") if picked is BACK else Review("change", picked)

    def confirm(self, text: str, default: bool = False) -> bool:
        import questionary

        words = self.words
        if words.language == SOURCE_LANGUAGE:
            return bool(_run(questionary.confirm(text, default=default), eof=True))
        # questionary's yes/no prompt says "Yes" and "No" in English whatever the language: in
        # any other, a list of the two, in the session's words.
        yes, no = words.gettext(YES), words.gettext(NO)
        choices = [questionary.Choice(yes, value=True), questionary.Choice(no, value=False)]
        prompt = questionary.select(
            text,
            choices,
            default=choices[0] if default else choices[1],
            use_shortcuts=True,
            use_jk_keys=False,
            instruction=words.gettext("(arrow keys or number, then Enter)"),
        )
        return _run(prompt, eof=True) is True

    def choose(self, question: str, choices: Sequence[tuple[str, str]]) -> str:
        """One of ``choices`` (``(value, label)``), from a list: the first question of a
        session in several languages, asked before one is chosen."""
        import questionary

        listed = [questionary.Choice(label, value=value) for value, label in choices]
        prompt = questionary.select(
            question, listed, use_shortcuts=len(listed) <= 36, use_jk_keys=False, instruction=""
        )
        chosen = _run(prompt, eof=True)
        return choices[0][0] if chosen is BACK else chosen


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
