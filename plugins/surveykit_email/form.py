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

The form is written in one of the languages the spec offers, or in all of them (``"both"``:
the whole form in Welsh, then in English, one reference line for both): the consultation's texts
from the spec's translations, the form's own words from the ``surveykit_email`` catalogue
(:mod:`.language`).  The reader knows every language's form at once, so a reply may use either.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from surveykit import Consultation, Question, get_plugins
from surveykit.i18n import Translator, mark
from surveykit.known import no_consent_option

from .items import Item, form_items
from .kindtext import OTHER_BLANK, answer_words, guidance, ranking_instruction, specify_label
from .language import WELSH, closing_text, form_languages, in_language, words
from .wording import applies_when, plain_text

__all__ = [
    "ANSWER_MARK",
    "END_LINE",
    "KNOWN_NOTE",
    "RULE",
    "WIDTH",
    "EmailRenderer",
    "form_words",
    "write_form",
]

WIDTH = 72
INDENT = "    "
RULE = "=" * WIDTH
#: The form's markers in English; each language has its own (:func:`form_words`).
ANSWER_MARK = mark("Your answer:")
END_LINE = mark("--- End of form ---")
#: How a personal form starts its note of what the roster already says (the reader skips it).
KNOWN_NOTE = mark("(We have you as: ")
BLANK_REFERENCE = mark(
    "Reference: none (this is a blank form). Please tell us in your reply who you are and "
    "which authority or organisation you represent."
)
REFERENCE_LINE = mark("Reference: {reference}  (please keep this line in your reply)")

HOW_TO_ANSWER = (
    mark("Reply to this email and fill in the form below in your reply."),
    mark("- To choose an option, put an x in its box, like this: [x]"),
    mark('- Write your other answers on the lines under "Your answer:".'),
    mark(
        "- Or write your answers at the top of your reply, each on a new line starting with "
        'the question number, such as "Q13: Yes".'
    ),
    mark("- Questions marked (required) must be answered; you may leave out any other question."),
    mark(
        "- Some questions apply only after certain answers: the note under each of them says when."
    ),
    mark("- You may answer in Welsh or in English."),
)
#: The line above a form written in several languages, in each of them.
EITHER_FORM = mark("This form is below in Welsh and then in English: fill in whichever you prefer.")


def form_words(language: str) -> tuple[str, str, str]:
    """The form's markers in ``language``: the answer mark, the end line and the start of the
    note of what the roster says (the reader looks for every language's)."""
    t = words(language)
    return t.gettext(ANSWER_MARK), t.gettext(END_LINE), t.gettext(KNOWN_NOTE)


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
        language: str | None = None,
    ) -> str:
        """See :func:`write_form`."""
        return write_form(
            consultation,
            reference=reference,
            link=link,
            intros=intros,
            known=known,
            language=language,
        )


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
    language: str | None = None,
) -> str:
    """The consultation as a plain-text form; ``reference`` ties replies to one respondent.

    Without a reference the form says it is blank and asks who is answering.  ``link`` (the
    respondent's own web link) is offered as another way to answer.  ``intros`` adds each
    section's introduction; it is off by default to keep the email short.  ``known`` holds the
    answers the roster gives this respondent (:func:`surveykit.known.roster_answers`): each is
    shown under its question, to be changed only if it is wrong.  ``kinds`` defaults to the
    installed plugins' question kinds.  ``language`` is one the spec offers, or ``"both"`` for
    every one of them, Welsh first (default: the language ``consultation``'s texts are in).
    """
    kinds = kinds if kinds is not None else get_plugins().kinds
    languages = form_languages(consultation, language)
    forms = [
        _one_form(
            in_language(consultation, lang),
            lang,
            reference=reference,
            link=link,
            intros=intros,
            known=known or {},
            kinds=kinds,
        )
        for lang in languages
    ]
    if len(forms) == 1:
        return forms[0]
    either = [line for lang in languages for line in _fill(words(lang).gettext(EITHER_FORM))]
    return "\n".join([*either, "", *forms])


def _one_form(
    consultation: Consultation,
    language: str,
    *,
    reference: str | None,
    link: str | None,
    intros: bool,
    known: Mapping[str, Any],
    kinds: Mapping[str, Any],
) -> str:
    """The form in one language (``consultation`` already in it)."""
    meta = consultation.metadata
    t = words(language)
    _ = t.gettext
    lines: list[str] = _fill(f"{meta.title}: {meta.subtitle}" if meta.subtitle else meta.title)
    lines += _fill(meta.publisher)
    lines += [RULE, ""]
    if reference:
        lines.append(_(REFERENCE_LINE).format(reference=reference))
    else:
        lines += _fill(_(BLANK_REFERENCE))
    closing = closing_text(consultation, language)
    lines += _fill(_("Closing date: {closing}").format(closing=closing))
    if link:
        lines += _fill(_("To answer online instead, use your own link: {link}").format(link=link))
    lines += ["", _("HOW TO ANSWER BY EMAIL")]
    either = WELSH in consultation.languages and len(consultation.languages) > 1
    for line in HOW_TO_ANSWER if either else HOW_TO_ANSWER[:-1]:
        lines += _fill(_(line))
    if meta.privacy_notice:
        privacy = _("Privacy: {notice}").format(notice=plain_text(meta.privacy_notice))
        lines += ["", *_fill(privacy)]
    if meta.contact:
        contact = _("Questions about this consultation: {contact}").format(contact=meta.contact)
        lines += ["", *_fill(contact)]
    items = form_items(consultation, kinds)
    layout = _Layout(consultation, kinds, items, known, t)
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
    lines += ["", _(END_LINE), ""]
    return "\n".join(lines)


class _Layout:
    """Writes each item of one consultation's form."""

    def __init__(
        self,
        consultation: Consultation,
        kinds,
        items: tuple[Item, ...],
        known: Mapping[str, Any],
        t: Translator,
    ) -> None:
        self.consultation = consultation
        self.kinds = kinds
        self.known = known
        self.t = t
        self.parts = {
            i.id: i.question for i in items if i.grid is not None
        }  # the grid rows a condition may read
        self.keys = {i.id: i.key for i in items if i.grid is not None}
        self.parts.update((i.other_part.id, i.other_part) for i in items if i.other_part)

    def item(self, item: Item) -> list[str]:
        question = item.question
        _ = self.t.gettext
        text = question.text
        if question.required and (item.grid is None or not self._grid_required(item)):
            text = _("{text} (required)").format(text=text)
        lines = _fill(f"{item.key}. {text}", hanging=INDENT)
        if item.grid is not None:
            if question.hint:
                lines += _fill(plain_text(question.hint), INDENT)
            return [*lines, *self._boxes(item)]
        if question.hint:
            lines += _fill(plain_text(question.hint), INDENT)
        if question.condition is not None:
            when = applies_when(
                question.condition, self.consultation, self.parts, self.keys, self.t
            )
            lines += _fill(_("(Answer only if {when}.)").format(when=when), INDENT)
        known = self.known.get(question.id)
        if known is not None:
            # One line, never wrapped (like a long link), so a reply cannot split the value.
            shown = answer_words(item, question, known)
            change = (
                _("(Tick a box only if that is wrong.)")
                if question.options
                else _("(Write an answer only if that is wrong.)")
            )
            lines.append(f"{INDENT}{_(KNOWN_NOTE)}{shown}.)")
            lines.append(f"{INDENT}{change}")
        blank = _blank_reading(self.consultation, question, self.t)
        if blank:
            lines += _fill(blank, INDENT)
        if item.reading == "grid":
            return [*lines, *_fill(_("Tick one box for each statement."), INDENT)]
        if item.reading == "ranking":
            lines += _fill(ranking_instruction(question, self.t), INDENT)
            lines += _fill(_("Write the numbers in the boxes, like this: [1]"), INDENT)
            return [*lines, *self._boxes(item)]
        if item.reading in ("choice", "choices"):
            multiple = item.reading == "choices"
            lines += _fill(_("Tick all that apply.") if multiple else _("Tick one box."), INDENT)
            return [*lines, *self._boxes(item)]
        said = guidance(question, self.kinds, self.consultation, self.t)
        if said:
            lines += _fill(said, INDENT)
        if question.max_length:
            n = question.max_length
            limit = self.t.ngettext("(Up to {n} character.)", "(Up to {n} characters.)", n)
            lines += _fill(limit.format(n=f"{n:,}"), INDENT)
        return [*lines, INDENT + _(ANSWER_MARK), "", ""]

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
                blank = f"{specify_label(self.t)} {OTHER_BLANK}"
                if len(boxed[-1]) + 1 + len(blank) <= WIDTH:
                    boxed[-1] += " " + blank
                else:
                    boxed.append(INDENT + "    " + blank)
            lines += boxed
        return lines


def _blank_reading(consultation: Consultation, question: Question, t: Translator) -> str:
    """What a blank answer to the consent question is read as (see :mod:`.blanks`)."""
    if question.id != consultation.publication.consent_question:
        return ""
    safe = no_consent_option(consultation)
    if safe is None:
        return ""
    return t.gettext('(If you leave this blank, we read it as "{label}".)').format(label=safe.label)
