"""The terminal form: asks the visible questions, reviews, and submits through the submit service.

Nothing here stores answers except through :class:`surveykit.SubmitService`: drafts with
``save_draft`` and the response with ``submit``, so the terminal keeps every promise the web form
keeps (opening times, validation, cleaning, versions, the submitted hook).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from attrs import frozen

from surveykit import (
    Consultation,
    Engine,
    Question,
    Respondent,
    Submission,
    SubmissionError,
    SubmitService,
)
from surveykit.i18n import mark
from surveykit.known import roster_answers
from surveykit.translations import localise

from .asking import Asking, asking_for
from .prompters import BACK, Prompter, Review
from .text import intro_text, page_text, wrap
from .walk import Walk
from .words import Words, words

__all__ = [
    "EXIT_END_OF_INPUT",
    "EXIT_INTERRUPTED",
    "EXIT_NOTHING_STORED",
    "FROM_RECORDS",
    "Entry",
    "TerminalForm",
]

#: Exit statuses when a session stops early (its answers are saved as a draft if they can be).
EXIT_INTERRUPTED = 130
#: The input ended and the answers so far were saved as a draft.
EXIT_END_OF_INPUT = 3
#: The input ended and nothing was stored or changed: nothing had been answered, a draft could
#: not be saved, or it ended at "Replace ...?" before the replacement was confirmed.
EXIT_NOTHING_STORED = 4
#: Beside an answer the roster gave (see :mod:`surveykit.known`), on the check step.
FROM_RECORDS = mark("(from our records: change it if it is wrong)")
#: Said above a question or part whose answer the roster gave.
FROM_RECORDS_NOTE = mark("We have this answer from our records. Change it only if it is wrong.")
#: Why a session stopped early, before saying what was saved.
STOPPED = mark("Stopped")
INPUT_ENDED = mark("The input ended")
#: How the channels a response came by are named to an officer.
CHANNELS = {
    "paper": mark("paper"),
    "email": mark("email"),
    "web": mark("web"),
    "cli": mark("cli"),
}


@frozen
class Entry:
    """Who the answers are for and how they arrived.

    ``key`` is what the submit service authenticates: a token, or whatever a subclass of the
    service accepts in its place.  ``officer`` marks someone keying in another person's response.
    """

    key: Any
    respondent: Respondent
    channel: str = "cli"
    received_at: dt.datetime | None = None
    officer: bool = False


class TerminalForm:
    """One person's session: from the first question (or their draft) to a stored response.

    ``language`` is the session's (one the spec offers; by default its own): the questions are
    the spec's translations into it, read by an engine of their own (so a Welsh option label
    or "12 awr" is understood), and every word the form adds is from the catalogues.  What is
    stored is the same whichever language it is.
    """

    def __init__(
        self,
        service: SubmitService,
        entry: Entry,
        prompter: Prompter,
        *,
        resume_from_response: bool = False,
        intros: bool = True,
        language: str | None = None,
    ) -> None:
        self.service = service
        self.entry = entry
        self.prompter = prompter
        self.resume_from_response = resume_from_response
        self.intros = intros
        source = service.consultation
        language = language or source.text_language
        self.words: Words = words(language, service.plugins)
        prompter.words = self.words  # the form's prompts are in its language too
        self.consultation: Consultation = source
        self.engine: Engine = service.engine
        if language != source.text_language:
            self.consultation = localise(source, language, service.plugins.kinds)
            self.engine = Engine(self.consultation, kinds=service.plugins.kinds)
        self.meta = self.consultation.metadata
        self._introduced: set[str] = set()
        #: The roster's answers when the session started from them (not from a draft).
        self._known: dict[str, Any] = {}
        #: What the roster says about the respondent, whatever the session started from: an
        #: answer equal to it is marked as from our records, so it can be checked and corrected.
        self._records = roster_answers(service.consultation, entry.respondent)

    def run(self) -> int:
        """Ask, review and submit; the exit status (0 when stored or saved on request)."""
        walk: Walk | None = None
        try:
            previous = self.service.response(self.entry.key)
            if previous is not None:
                click.echo(wrap(self._earlier_notice(previous)))
            answers = self._starting_answers(previous)
            walk = Walk(self.engine, answers, from_first=answers == self._known, words=self.words)
            self._legend()
            return self._loop(walk, previous)
        except KeyboardInterrupt:
            click.echo()
            self._stop(walk, STOPPED)
            return EXIT_INTERRUPTED
        except EOFError:
            saved = self._stop(walk, INPUT_ENDED)
            return EXIT_END_OF_INPUT if saved else EXIT_NOTHING_STORED

    # Starting -------------------------------------------------------------------------------

    def _starting_answers(self, previous: Submission | None) -> dict[str, Any]:
        try:
            draft = self.service.load_draft(self.entry.key)
        except SubmissionError:
            draft = None  # closed for drafts, e.g. a letter keyed in after the closing date
        t = self.words
        if draft is not None and draft.answers:
            saved = self._local(draft.saved_at)
            count = len(draft.answers)
            if self.entry.officer and not self.prompter.confirm(
                t.ngettext(
                    "There is a draft with {count} answer, saved {time}. Carry on from it?",
                    "There is a draft with {count} answers, saved {time}. Carry on from it?",
                    count,
                ).format(count=count, time=saved)
            ):
                return {}
            click.echo(t.gettext("Carrying on from the draft saved {time}.").format(time=saved))
            return dict(draft.answers)
        if previous is not None and self.resume_from_response:
            click.echo(t.gettext("Your earlier answers are filled in: change any you like."))
            return dict(previous.answers)
        return self._roster_answers()

    def _roster_answers(self) -> dict[str, Any]:
        """What the roster says about the respondent (see :mod:`surveykit.known`): offered as
        each such question's answer, which Enter keeps."""
        self._known = dict(self._records)
        return dict(self._known)

    def _earlier_notice(self, previous: Submission) -> str:
        when = self._local(previous.submitted_at)
        t = self.words
        if self.entry.officer:
            return t.gettext(
                "Note: {who} already has a response (version {version}, by {channel}, {time}). "
                "Submitting replaces it as the response that counts; earlier versions stay in "
                "the history."
            ).format(
                who=self._named(),
                version=previous.version,
                channel=self._channel(previous.channel),
                time=when,
            )
        return t.gettext(
            "Note: you already sent a response on {time}. If you submit again, your new "
            "response replaces it: only the latest one counts."
        ).format(time=when)

    def _legend(self) -> None:
        t = self.words
        if self.prompter.interactive:
            text = t.gettext(
                "Choose with the arrow keys or a number and press Enter. Ctrl-B goes back a "
                "question; Ctrl-C stops and saves your answers as a draft."
            )
        else:
            text = t.gettext(
                'Answer each question on one line. "<" goes back a question; ending the input '
                "(Ctrl-D) or Ctrl-C stops and saves your answers as a draft."
            )
        click.echo(wrap(text))

    # Asking ---------------------------------------------------------------------------------

    def _loop(self, walk: Walk, previous: Submission | None) -> int:
        section = None
        while True:
            if walk.at_summary:
                section = None
                outcome = self._review(walk, previous)
                if outcome is not None:
                    return outcome
                continue
            question = walk.current
            assert question is not None
            if question.section != section:
                section = question.section
                self._section(section)
            self._question(walk)
            if not self._page(walk):
                if not walk.back():
                    click.echo(self.words.gettext("This is the first question."))
                continue

    def _page(self, walk: Walk) -> bool:
        """Ask the current question's shown parts in turn and record them; False if the
        person went back from its first part.

        Back from a later part goes to the one before it on the same page.  Which parts are
        shown is asked again after every answer: choosing "Other" brings in its "Please
        specify", and choosing something else leaves it out (the engine clears its words).
        """
        question = walk.current
        assert question is not None
        parts = walk.parts()
        pending: dict[str, Any] = {}
        at = 0
        while True:
            shown = {part.id for part in walk.shown_parts(pending)}
            ahead = [i for i in range(at, len(parts)) if parts[i].id in shown]
            if not ahead:
                break
            at = ahead[0]
            part = parts[at]
            current = pending.get(part.id, walk.value(part.id))
            if part.id != question.id:
                self._part(part, current)
            asking = self._asking(part)
            value = self.prompter.ask(
                asking,
                current,
                lambda value, part=part, asking=asking: walk.check(
                    part, self._typed(asking, value), pending
                ),
            )
            if value is BACK:
                before = [i for i in range(at) if parts[i].id in shown]
                if not before:
                    return False
                at = before[-1]
                continue
            pending[part.id] = value
            at += 1
        for hidden in walk.answer_parts(pending):
            click.echo(
                wrap(
                    self.words.gettext(
                        "Your answer to {title} was removed: that question no longer applies."
                    ).format(title=self.words.title(hidden))
                )
            )
        return True

    def _asking(self, part: Question) -> Asking:
        return asking_for(part, self.service.plugins.kinds, self.words)

    def _typed(self, asking: Asking, value: Any) -> Any:
        """A typed date in the session's language as the kinds' date reader reads it."""
        if asking.said in ("date", "month") and isinstance(value, str):
            return self.words.english_months(value)
        return value

    def _part(self, part: Question, current: Any) -> None:
        """A part's own heading on its question's page: a grid's statement, "Please specify"."""
        click.echo()
        click.secho(wrap(part.text, "- ", "  "), bold=True)
        if part.hint:
            click.secho(wrap(part.hint, "  "), dim=True)
        if self._from_records(part.id, current):
            click.echo(self.words.gettext(FROM_RECORDS_NOTE))

    def _section(self, section_id: str) -> None:
        section = next((s for s in self.consultation.sections if s.id == section_id), None)
        if section is None:
            return
        click.echo()
        click.secho(section.title, bold=True)
        click.echo("=" * len(section.title))
        if self.intros and section.intro.strip() and section.id not in self._introduced:
            self._introduced.add(section.id)
            click.echo(wrap(intro_text(section.intro)))

    def _question(self, walk: Walk) -> None:
        question = walk.current
        assert question is not None
        index, count = walk.position()
        t = self.words
        click.echo()
        click.secho(
            t.gettext("{title} ({index} of {count})").format(
                title=t.title(question), index=index, count=count
            ),
            bold=True,
        )
        click.echo(wrap(question.text))
        if question.hint:
            click.secho(wrap(question.hint), dim=True)
        if self._from_records(question.id, walk.value(question.id)):
            click.echo(t.gettext(FROM_RECORDS_NOTE))

    def _from_records(self, question_id: str, value: Any) -> bool:
        """Whether an answer is the one the roster gave, rather than one the respondent typed."""
        known = self._records.get(question_id)
        return known is not None and value == known

    # Reviewing and submitting ---------------------------------------------------------------

    def _review(self, walk: Walk, previous: Submission | None) -> int | None:
        self._summary(walk)
        rows = [
            (question, "; ".join(self._answer(question, parts).splitlines()))
            for question, parts in walk.pages()
        ]
        choice: Review = self.prompter.review(rows)
        if choice.action == "back":
            walk.back()
        elif choice.action == "change" and choice.question is not None:
            walk.go_to(choice.question)
        elif choice.action == "save":
            self._save_on_request(walk)
            return 0
        elif choice.action == "submit":
            return self._submit(walk, previous)
        return None

    def _summary(self, walk: Walk) -> None:
        heading = self.words.gettext("Check your answers")
        click.echo()
        click.secho(heading, bold=True)
        click.echo("=" * len(heading))
        sections = {s.id: s.title for s in self.consultation.sections}
        shown = None
        for question, parts in walk.pages():
            if question.section != shown:
                shown = question.section
                click.echo()
                click.secho(sections.get(shown, shown), bold=True)
            label = f"{question.number or question.id}. "
            click.echo(wrap(f"{label}{question.text}", "  ", "  " + " " * len(label)))
            click.echo(wrap(self._answer(question, parts), "      "))
            if any(self._from_records(part.id, value) for part, value in parts):
                click.echo(wrap(self.words.gettext(FROM_RECORDS), "      "))
        click.echo()

    def _answer(self, question: Question, parts: list[tuple[Question, Any]]) -> str:
        """A question's answer on the check step, from its shown parts."""
        return page_text(
            question,
            [(part, value, self._asking(part).said) for part, value in parts],
            self.words,
        )

    def _submit(self, walk: Walk, previous: Submission | None) -> int | None:
        t = self.words
        problems = self.engine.validate(walk.answers)
        if problems:
            for problem in problems:
                click.echo(wrap(f"{t.said(problem)}."))
            first = next((p.question for p in problems if p.question), None)
            if first is not None:
                walk.go_to(first)
            return None
        if previous is not None:
            question = (
                t.gettext("Replace the response that counts now?")
                if self.entry.officer
                else t.gettext("Replace your earlier response?")
            )
            try:
                confirmed = self.prompter.confirm(question)
            except EOFError:
                click.echo(wrap(self._unconfirmed()))
                return EXIT_NOTHING_STORED
            if not confirmed:
                click.echo(t.gettext("Nothing was submitted."))
                return None
        receipt = self.service.submit(
            self.entry.key,
            walk.answers,
            channel=self.entry.channel,
            received_at=self.entry.received_at,
        )
        click.echo(wrap(self._confirmation(receipt.submission)))
        return 0

    def _unconfirmed(self) -> str:
        """What the end of the input at "Replace ...?" leaves: nothing stored, nothing changed."""
        if self.entry.officer:
            return self.words.gettext(
                "The input ended before the replacement was confirmed: nothing was stored, and "
                "the response that counts is unchanged."
            )
        return self.words.gettext(
            "The input ended before you confirmed: nothing was sent or saved, and your earlier "
            "response still counts."
        )

    def _confirmation(self, s: Submission) -> str:
        t = self.words
        if self.entry.officer:
            fields = {
                "version": s.version,
                "who": self._named(),
                "channel": self._channel(s.channel),
                "time": self._local(s.received_at),
                "earlier": s.version - 1,
            }
            if s.version > 1:
                return t.gettext(
                    "Stored version {version} of the response from {who} by {channel}, received "
                    "{time}; it replaces version {earlier} as the response that counts (earlier "
                    "versions stay in the history)."
                ).format(**fields)
            return t.gettext(
                "Stored version {version} of the response from {who} by {channel}, received {time}."
            ).format(**fields)
        text = t.gettext(
            "Thank you: your response to {title} is stored (version {version})."
        ).format(title=self.meta.title, version=s.version)
        if s.version > 1:
            text += " " + t.gettext("It replaces your earlier response, which no longer counts.")
        return text

    # Stopping -------------------------------------------------------------------------------

    def _save_on_request(self, walk: Walk) -> None:
        saved = self._save(walk)
        if saved is not None:
            said = self.words.gettext("Your answers are saved as a draft at {time}.")
            click.echo(wrap(f"{said.format(time=saved)} {self._again()}"))

    def _stop(self, walk: Walk | None, why: str) -> bool:
        """Save what was answered as a draft, saying so; whether a draft was saved."""
        t = self.words
        if walk is None or not walk.answers or (walk.answers == self._known and not walk.seen):
            click.echo(
                t.gettext("{why}: nothing had been answered, so no draft was saved.").format(
                    why=t.gettext(why)
                )
            )
            return False
        saved = self._save(walk)
        if saved is None:
            return False
        count = len(walk.answers)
        said = t.ngettext(
            "{why}: your {count} answer is saved as a draft at {time}.",
            "{why}: your {count} answers are saved as a draft at {time}.",
            count,
        ).format(why=t.gettext(why), count=count, time=saved)
        click.echo(wrap(f"{said} {self._again()}"))
        return True

    def _save(self, walk: Walk) -> str | None:
        """Save the draft; the time it was saved, or ``None`` after saying why it was not."""
        try:
            draft = self.service.save_draft(self.entry.key, walk.answers)
        except SubmissionError as exc:
            said = self.words.gettext("Your answers could not be saved as a draft: {problem}.")
            click.echo(wrap(said.format(problem=self.words.said(exc))))
            return None
        return self._local(draft.saved_at)

    def _again(self) -> str:
        return self.words.gettext("Run the same command again to carry on where you left off.")

    def _local(self, when: dt.datetime) -> str:
        return f"{when.astimezone(self.meta.zone):%Y-%m-%d %H:%M} ({self.meta.timezone})"

    def _channel(self, channel: str) -> str:
        """A channel as an officer reads it ("paper", "papur"); one the form does not know
        goes by its name."""
        return self.words.gettext(CHANNELS[channel]) if channel in CHANNELS else channel

    def _named(self) -> str:
        return named(self.entry.respondent, self.consultation, self.words)


def role_label(consultation: Consultation, respondent: Respondent) -> str:
    """A respondent's role as the consultation names it, in its language ("leader")."""
    labels = {c.value: c.label for c in consultation.roles}
    return labels.get(respondent.role, respondent.role).lower()


def named(respondent: Respondent, consultation: Consultation, words: Words) -> str:
    """How an officer's messages name a respondent: "Kent County Council (leader)", or a
    resident, answering for no organisation, by their name."""
    if respondent.authority:
        return f"{respondent.authority} ({role_label(consultation, respondent)})"
    return respondent.name or words.gettext("a respondent with no name given")
