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

from surveykit import Question, Respondent, Submission, SubmissionError, SubmitService
from surveykit.known import roster_answers
from surveykit.wording import counted

from .asking import asking_for
from .prompters import BACK, Prompter, Review
from .text import intro_text, page_text, wrap
from .walk import Walk

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
FROM_RECORDS = "(from our records: change it if it is wrong)"


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
    """One person's session: from the first question (or their draft) to a stored response."""

    def __init__(
        self,
        service: SubmitService,
        entry: Entry,
        prompter: Prompter,
        *,
        resume_from_response: bool = False,
        intros: bool = True,
    ) -> None:
        self.service = service
        self.entry = entry
        self.prompter = prompter
        self.resume_from_response = resume_from_response
        self.intros = intros
        self.meta = service.consultation.metadata
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
            walk = Walk(self.service.engine, answers, from_first=answers == self._known)
            self._legend()
            return self._loop(walk, previous)
        except KeyboardInterrupt:
            click.echo()
            self._stop(walk, "Stopped")
            return EXIT_INTERRUPTED
        except EOFError:
            saved = self._stop(walk, "The input ended")
            return EXIT_END_OF_INPUT if saved else EXIT_NOTHING_STORED

    # Starting -------------------------------------------------------------------------------

    def _starting_answers(self, previous: Submission | None) -> dict[str, Any]:
        try:
            draft = self.service.load_draft(self.entry.key)
        except SubmissionError:
            draft = None  # closed for drafts, e.g. a letter keyed in after the closing date
        if draft is not None and draft.answers:
            saved = self._local(draft.saved_at)
            answers = counted(len(draft.answers), "answer")
            if self.entry.officer and not self.prompter.confirm(
                f"There is a draft with {answers}, saved {saved}. Carry on from it?"
            ):
                return {}
            click.echo(f"Carrying on from the draft saved {saved}.")
            return dict(draft.answers)
        if previous is not None and self.resume_from_response:
            click.echo("Your earlier answers are filled in: change any you like.")
            return dict(previous.answers)
        return self._roster_answers()

    def _roster_answers(self) -> dict[str, Any]:
        """What the roster says about the respondent (see :mod:`surveykit.known`): offered as
        each such question's answer, which Enter keeps."""
        self._known = dict(self._records)
        return dict(self._known)

    def _earlier_notice(self, previous: Submission) -> str:
        when = self._local(previous.submitted_at)
        if self.entry.officer:
            r = self.entry.respondent
            return (
                f"Note: {_named(r)} already has a response (version "
                f"{previous.version}, by {previous.channel}, {when}). Submitting replaces it as "
                "the response that counts; earlier versions stay in the history."
            )
        return (
            f"Note: you already sent a response on {when}. If you submit again, your new "
            "response replaces it: only the latest one counts."
        )

    def _legend(self) -> None:
        if self.prompter.interactive:
            text = (
                "Choose with the arrow keys or a number and press Enter. Ctrl-B goes back a "
                "question; Ctrl-C stops and saves your answers as a draft."
            )
        else:
            text = (
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
                    click.echo("This is the first question.")
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
        kinds = self.service.plugins.kinds
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
            value = self.prompter.ask(
                asking_for(part, kinds),
                current,
                lambda value, part=part: walk.check(part, value, pending),
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
                wrap(f"Your answer to {hidden.title} was removed: that question no longer applies.")
            )
        return True

    def _part(self, part: Question, current: Any) -> None:
        """A part's own heading on its question's page: a grid's statement, "Please specify"."""
        click.echo()
        click.secho(wrap(part.text, "- ", "  "), bold=True)
        if part.hint:
            click.secho(wrap(part.hint, "  "), dim=True)
        if self._from_records(part.id, current):
            click.echo("We have this answer from our records. Change it only if it is wrong.")

    def _section(self, section_id: str) -> None:
        section = next((s for s in self.service.consultation.sections if s.id == section_id), None)
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
        click.echo()
        click.secho(f"{question.title} ({index} of {count})", bold=True)
        click.echo(wrap(question.text))
        if question.hint:
            click.secho(wrap(question.hint), dim=True)
        if self._from_records(question.id, walk.value(question.id)):
            click.echo("We have this answer from our records. Change it only if it is wrong.")

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
        click.echo()
        click.secho("Check your answers", bold=True)
        click.echo("==================")
        sections = {s.id: s.title for s in self.service.consultation.sections}
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
                click.echo(wrap(FROM_RECORDS, "      "))
        click.echo()

    def _answer(self, question: Question, parts: list[tuple[Question, Any]]) -> str:
        """A question's answer on the check step, from its shown parts."""
        kinds = self.service.plugins.kinds
        return page_text(
            question, [(part, value, asking_for(part, kinds).said) for part, value in parts]
        )

    def _submit(self, walk: Walk, previous: Submission | None) -> int | None:
        problems = self.service.engine.validate(walk.answers)
        if problems:
            for problem in problems:
                click.echo(wrap(f"{problem.message}."))
            first = next((p.question for p in problems if p.question), None)
            if first is not None:
                walk.go_to(first)
            return None
        if previous is not None:
            question = (
                "Replace the response that counts now?"
                if self.entry.officer
                else "Replace your earlier response?"
            )
            try:
                confirmed = self.prompter.confirm(question)
            except EOFError:
                click.echo(wrap(self._unconfirmed()))
                return EXIT_NOTHING_STORED
            if not confirmed:
                click.echo("Nothing was submitted.")
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
            return (
                "The input ended before the replacement was confirmed: nothing was stored, and "
                "the response that counts is unchanged."
            )
        return (
            "The input ended before you confirmed: nothing was sent or saved, and your earlier "
            "response still counts."
        )

    def _confirmation(self, s: Submission) -> str:
        replaced = s.version > 1
        if self.entry.officer:
            r = self.entry.respondent
            text = (
                f"Stored version {s.version} of the response from {_named(r)} "
                f"by {s.channel}, received {self._local(s.received_at)}"
            )
            if replaced:
                text += (
                    f"; it replaces version {s.version - 1} as the response that counts "
                    "(earlier versions stay in the history)"
                )
            return text + "."
        text = f"Thank you: your response to {self.meta.title} is stored (version {s.version})."
        if replaced:
            text += " It replaces your earlier response, which no longer counts."
        return text

    # Stopping -------------------------------------------------------------------------------

    def _save_on_request(self, walk: Walk) -> None:
        saved = self._save(walk)
        if saved is not None:
            click.echo(wrap(f"Your answers are saved as a draft at {saved}. {self._again()}"))

    def _stop(self, walk: Walk | None, why: str) -> bool:
        """Save what was answered as a draft, saying so; whether a draft was saved."""
        if walk is None or not walk.answers or (walk.answers == self._known and not walk.seen):
            click.echo(f"{why}: nothing had been answered, so no draft was saved.")
            return False
        saved = self._save(walk)
        if saved is None:
            return False
        count = len(walk.answers)
        verb = "is" if count == 1 else "are"
        click.echo(
            wrap(
                f"{why}: your {counted(count, 'answer')} {verb} saved as a draft at {saved}. "
                f"{self._again()}"
            )
        )
        return True

    def _save(self, walk: Walk) -> str | None:
        """Save the draft; the time it was saved, or ``None`` after saying why it was not."""
        try:
            draft = self.service.save_draft(self.entry.key, walk.answers)
        except SubmissionError as exc:
            click.echo(wrap(f"Your answers could not be saved as a draft: {exc}."))
            return None
        return self._local(draft.saved_at)

    def _again(self) -> str:
        return "Run the same command again to carry on where you left off."

    def _local(self, when: dt.datetime) -> str:
        return f"{when.astimezone(self.meta.zone):%Y-%m-%d %H:%M} ({self.meta.timezone})"


def _named(respondent: Respondent) -> str:
    """How an officer's messages name a respondent: "Kent County Council (leader)", or a
    resident, answering for no organisation, by their name."""
    if respondent.authority:
        return f"{respondent.authority} ({respondent.role})"
    return respondent.name or "a respondent with no name given"
