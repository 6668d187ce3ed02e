"""The plain-text form: a consultation a person can fill in by replying to an email.

Every question is numbered as in the spec; choice questions list their options with ``[ ]``
boxes to tick; free-text questions have a "Your answer:" area; a question that applies only after
certain answers says so in words.  The reference line ties the reply to its respondent without the
token (see :mod:`surveykit_email.reference`).  Lines are at most 72 columns (long links and words
excepted), so mail clients neither rewrap nor quote them badly.  :mod:`surveykit_email.parse`
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

from .wording import applies_when, key, plain_text

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
) -> str:
    """The consultation as a plain-text form; ``reference`` ties replies to one respondent.

    Without a reference the form says it is blank and asks who is answering.  ``link`` (the
    respondent's own web link) is offered as another way to answer.  ``intros`` adds each
    section's introduction; it is off by default to keep the email short.  ``known`` holds the
    answers the roster gives this respondent (:func:`surveykit.known.roster_answers`): each is
    shown under its question, to be changed only if it is wrong.
    """
    meta = consultation.metadata
    kinds = get_plugins().kinds
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
    for section in consultation.sections:
        if not section.questions:
            continue
        lines += ["", RULE, *_fill(section.title.upper()), RULE]
        if intros and section.intro.strip():
            lines += ["", *_fill(plain_text(section.intro))]
        for question in section.questions:
            lines += ["", *_question(consultation, question, kinds, (known or {}).get(question.id))]
    lines += ["", END_LINE, ""]
    return "\n".join(lines)


def _question(consultation: Consultation, question: Question, kinds, known: Any) -> list[str]:
    label = f"{key(question)}. "
    text = question.text + (" (required)" if question.required else "")
    lines = _fill(label + text, hanging=INDENT)
    if question.hint:
        lines += _fill(plain_text(question.hint), INDENT)
    if question.condition is not None:
        when = applies_when(question.condition, consultation)
        lines += _fill(f"(Answer only if {when}.)", INDENT)
    if known is not None:
        # One line, never wrapped (like a long link), so a reply cannot split the value.
        shown = next((o.label for o in question.options if o.value == known), str(known))
        change = "Tick a box" if question.options else "Write an answer"
        lines += [f"{INDENT}{KNOWN_NOTE}{shown}.)", f"{INDENT}({change} only if that is wrong.)"]
    blank = _blank_reading(consultation, question)
    if blank:
        lines += _fill(blank, INDENT)
    multiple = bool(getattr(kinds.get(question.kind), "multiple", False))
    if question.options:
        lines += _fill("Tick all that apply." if multiple else "Tick one box.", INDENT)
        for option in question.options:
            lines += _fill(f"[ ] {option.label}", INDENT, INDENT + "    ")
        return lines
    if question.max_length:
        limit = counted(question.max_length, "character", grouped=True)
        lines += _fill(f"(Up to {limit}.)", INDENT)
    return [*lines, INDENT + ANSWER_MARK, "", ""]


def _blank_reading(consultation: Consultation, question: Question) -> str:
    """What a blank answer to the consent question is read as (see :mod:`.blanks`)."""
    if question.id != consultation.publication.consent_question:
        return ""
    safe = no_consent_option(consultation)
    return f'(If you leave this blank, we read it as "{safe.label}".)' if safe else ""
