"""The plain-text form: a consultation a person can fill in by replying to an email.

Every question is numbered as in the spec; choice questions list their options with ``[ ]``
boxes to tick (an "Other" option with a blank for the respondent's words); a ranking has boxes to
number; a grid's statements are numbered items of their own ("8a.", "8b.") each with the shared
boxes; typed answers (text, numbers, dates, contact details) have a "Your answer:" area under a
line saying what to write; a question that applies only after certain answers says so in words.
Which of these a question gets is decided in :mod:`.items`, from the public kind API.

The reference line ties the reply to its respondent without the token (see
:mod:`surveykit_email.reference`).  Lines are at most 72 columns (long links and words excepted),
so mail clients neither rewrap nor quote them badly.  :mod:`surveykit_email.parse`
reads the form back, so its markers (``[ ]``, "Your answer:", the rules between sections, the
end line) are part of a contract: change them together.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from surveykit import Consultation, Question, get_plugins
from surveykit.known import no_consent_option
from surveykit.wording import counted

from .items import Item, form_items
from .kindtext import OTHER_BLANK, SPECIFY, answer_words, guidance, ranking_instruction
from .wording import applies_when, plain_text

__all__ = [
    "ANSWER_MARK",
    "END_LINE",
    "KNOWN_NOTE",
    "RULE",
    "WIDTH",
    "EmailRenderer",
    "write_form",
]

WIDTH = 72
INDENT = "    "
RULE = "=" * WIDTH
ANSWER_MARK = "Your answer:"
END_LINE = "--- End of form ---"
#: How a personal form starts its note of what the roster already says (the reader skips it).
KNOWN_NOTE = "(We have you as: "
BLANK_REFERENCE = (
    "Reference: none (this is a blank form). Please tell us in your reply who you are and "
    "which authority or organisation you represent."
)

HOW_TO_ANSWER = (
    "Reply to this email and fill in the form below in your reply.",
    "- To choose an option, put an x in its box, like this: [x]",
    '- Write your other answers on the lines under "Your answer:".',
    "- Or write your answers at the top of your reply, each on a new line starting with "
    'the question number, such as "Q13: Yes".',
    "- Questions marked (required) must be answered; you may leave out any other question.",
    "- Some questions apply only after certain answers: the note under each of them says when.",
)


class EmailRenderer:
    """The ``email`` renderer: the consultation as a plain-text form to fill in by replying."""

    name = "email"
    description = "a plain-text form to fill in by replying to an email"

    def form(
        self,
        consultation: Consultation,
        *,
        reference: str | None = None,
        link: str | None = None,
        intros: bool = False,
        known: Mapping[str, Any] | None = None,
    ) -> str:
        """See :func:`write_form`."""
        return write_form(consultation, reference=reference, link=link, intros=intros, known=known)


def _fill(text: str, indent: str = "", hanging: str | None = None) -> list[str]:
    """Paragraphs of ``text`` wrapped to :data:`WIDTH`; blank lines between them kept."""
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            out.append("")
            continue
        bullet = line.startswith("- ")
        later = hanging if hanging is not None else indent + ("  " if bullet else "")
        out.extend(
            textwrap.wrap(
                line,
                WIDTH,
                initial_indent=indent,
                subsequent_indent=later,
                break_on_hyphens=False,
                break_long_words=False,
            )
        )
    return out


def write_form(
    consultation: Consultation,
    *,
    reference: str | None = None,
    link: str | None = None,
    intros: bool = False,
    known: Mapping[str, Any] | None = None,
    kinds: Mapping[str, Any] | None = None,
) -> str:
    """The consultation as a plain-text form; ``reference`` ties replies to one respondent.

    Without a reference the form says it is blank and asks who is answering.  ``link`` (the
    respondent's own web link) is offered as another way to answer.  ``intros`` adds each
    section's introduction; it is off by default to keep the email short.  ``known`` holds the
    answers the roster gives this respondent (:func:`surveykit.known.roster_answers`): each is
    shown under its question, to be changed only if it is wrong.  ``kinds`` defaults to the
    installed plugins' question kinds.
    """
    meta = consultation.metadata
    kinds = kinds if kinds is not None else get_plugins().kinds
    lines: list[str] = _fill(f"{meta.title}: {meta.subtitle}" if meta.subtitle else meta.title)
    lines += _fill(meta.publisher)
    lines += [RULE, ""]
    if reference:
        lines.append(f"Reference: {reference}  (please keep this line in your reply)")
    else:
        lines += _fill(BLANK_REFERENCE)
    lines += _fill(f"Closing date: {meta.closing_text}")
    if link:
        lines += _fill(f"To answer online instead, use your own link: {link}")
    lines += ["", "HOW TO ANSWER BY EMAIL"]
    for line in HOW_TO_ANSWER:
        lines += _fill(line)
    if meta.privacy_notice:
        lines += ["", *_fill(f"Privacy: {plain_text(meta.privacy_notice)}")]
    if meta.contact:
        lines += ["", *_fill(f"Questions about this consultation: {meta.contact}")]
    items = form_items(consultation, kinds)
    layout = _Layout(consultation, kinds, items, known or {})
    by_question: dict[str, list[Item]] = {}
    for item in items:
        by_question.setdefault(item.grid or item.id, []).append(item)
    for section in consultation.sections:
        if not section.questions:
            continue
        lines += ["", RULE, *_fill(section.title.upper()), RULE]
        if intros and section.intro.strip():
            lines += ["", *_fill(plain_text(section.intro))]
        for question in section.questions:
            for item in by_question.get(question.id, ()):
                lines += ["", *layout.item(item)]
    lines += ["", END_LINE, ""]
    return "\n".join(lines)


class _Layout:
    """Writes each item of one consultation's form."""

    def __init__(
        self, consultation: Consultation, kinds, items: tuple[Item, ...], known: Mapping[str, Any]
    ) -> None:
        self.consultation = consultation
        self.kinds = kinds
        self.known = known
        self.parts = {
            i.id: i.question for i in items if i.grid is not None
        }  # the grid rows a condition may read
        self.keys = {i.id: i.key for i in items if i.grid is not None}
        self.parts.update((i.other_part.id, i.other_part) for i in items if i.other_part)

    def item(self, item: Item) -> list[str]:
        question = item.question
        text = question.text
        if question.required and (item.grid is None or not self._grid_required(item)):
            text += " (required)"
        lines = _fill(f"{item.key}. {text}", hanging=INDENT)
        if item.grid is not None:
            if question.hint:
                lines += _fill(plain_text(question.hint), INDENT)
            return [*lines, *self._boxes(item)]
        if question.hint:
            lines += _fill(plain_text(question.hint), INDENT)
        if question.condition is not None:
            when = applies_when(question.condition, self.consultation, self.parts, self.keys)
            lines += _fill(f"(Answer only if {when}.)", INDENT)
        known = self.known.get(question.id)
        if known is not None:
            # One line, never wrapped (like a long link), so a reply cannot split the value.
            shown = answer_words(item, question, known)
            change = "Tick a box" if question.options else "Write an answer"
            lines.append(f"{INDENT}{KNOWN_NOTE}{shown}.)")
            lines.append(f"{INDENT}({change} only if that is wrong.)")
        blank = _blank_reading(self.consultation, question)
        if blank:
            lines += _fill(blank, INDENT)
        if item.reading == "grid":
            return [*lines, *_fill("Tick one box for each statement.", INDENT)]
        if item.reading == "ranking":
            lines += _fill(ranking_instruction(question), INDENT)
            lines += _fill("Write the numbers in the boxes, like this: [1]", INDENT)
            return [*lines, *self._boxes(item)]
        if item.reading in ("choice", "choices"):
            multiple = item.reading == "choices"
            lines += _fill("Tick all that apply." if multiple else "Tick one box.", INDENT)
            return [*lines, *self._boxes(item)]
        said = guidance(question, self.kinds, self.consultation)
        if said:
            lines += _fill(said, INDENT)
        if question.max_length:
            limit = counted(question.max_length, "character", grouped=True)
            lines += _fill(f"(Up to {limit}.)", INDENT)
        return [*lines, INDENT + ANSWER_MARK, "", ""]

    def _grid_required(self, row: Item) -> bool:
        grid = self.consultation.by_id.get(row.grid or "")
        return grid is not None and grid.required

    def _boxes(self, item: Item) -> list[str]:
        lines: list[str] = []
        for option in item.options:
            boxed = _fill(f"[ ] {option.label}", INDENT, INDENT + "    ")
            if item.other is not None and option.value == item.other.value:
                # The blank stays whole on one line, after the label or under it: a person
                # writes their words over it, and a blank split across a wrapped line ("write
                # in (please" / "specify): ______") leaves words the reader cannot place.
                blank = f"{SPECIFY} {OTHER_BLANK}"
                if len(boxed[-1]) + 1 + len(blank) <= WIDTH:
                    boxed[-1] += " " + blank
                else:
                    boxed.append(INDENT + "    " + blank)
            lines += boxed
        return lines


def _blank_reading(consultation: Consultation, question: Question) -> str:
    """What a blank answer to the consent question is read as (see :mod:`.blanks`)."""
    if question.id != consultation.publication.consent_question:
        return ""
    safe = no_consent_option(consultation)
    return f'(If you leave this blank, we read it as "{safe.label}".)' if safe else ""
