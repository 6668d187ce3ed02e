"""``surveykit privacy-notice``: the paragraph a council pastes into its privacy notice, made
from the spec's ``[retention]`` and ``[publication]`` tables, with the real durations and dates.

Every sentence is a catalogue message (:func:`surveykit.i18n.phrase`), so the notice is written
in Welsh from the core's Welsh catalogue as well as in English.  It is made from the spec alone:
no store is opened, so it cannot hold anything about any respondent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .. import retention
from ..i18n import Phrase, phrase, phrase_n, spoken_date
from ..model import Consultation
from ..spec import load_spec
from ..translations import localise

__all__ = ["COMMANDS", "privacy_notice", "privacy_notice_command", "spoken_instant"]

#: What each class of data is, in the words of a notice to respondents.
_WHAT = {
    "contact_details": phrase("Your name, email address and other contact details"),
    "link_hashes": phrase("The records that recognise your personal link to the form"),
    "drafts": phrase("Answers you saved but did not send"),
    "history": phrase("Earlier versions of your response, if you changed it"),
    "raw_emails": phrase("Emails you sent us with your answers, as we received them"),
    "review_items": phrase("Our records of emailed answers we checked by hand"),
    "free_text": phrase("Your answers in your own words"),
    "sensitive_answers": phrase("Your answers to sensitive questions, such as equality monitoring"),
}


def spoken_instant(instant: dt.datetime) -> Phrase:
    """An instant as people say it: "the end of 31 July 2027" when it is midnight (the day
    before ends), else "1 August 2027 at 17:00"."""
    if instant.time() == dt.time(0, 0):
        return phrase("the end of {date}", date=spoken_date(instant.date() - dt.timedelta(days=1)))
    return phrase("{date} at {time}", date=spoken_date(instant.date()), time=f"{instant:%H:%M}")


def _duration(duration: retention.Duration) -> Phrase:
    n = duration.amount
    if duration.unit == "day":
        return phrase_n("{count} day", "{count} days", n)
    if duration.unit == "week":
        return phrase_n("{count} week", "{count} weeks", n)
    if duration.unit == "month":
        return phrase_n("{count} month", "{count} months", n)
    return phrase_n("{count} year", "{count} years", n)


def _class_sentence(c: Consultation, entry: retention.ScheduleEntry) -> Phrase:
    what = _WHAT[entry.data_class]
    if entry.due is None:
        if entry.data_class in ("free_text", "sensitive_answers"):
            return phrase("{what}: kept with your response.", what=what)
        return phrase("{what}: kept; they are not deleted on a fixed date.", what=what)
    when = spoken_instant(entry.due)
    if entry.cut_short:
        return phrase(
            "{what}: deleted when answers are anonymised, at {when}.", what=what, when=when
        )
    if entry.data_class == "review_items":
        return phrase(
            "{what}: deleted {duration} after each is dealt with, and not before {when}.",
            what=what,
            duration=_duration(entry.duration),
            when=when,
        )
    if entry.duration.amount == 0:
        return phrase(
            "{what}: deleted when the consultation closes, at {when}.", what=what, when=when
        )
    return phrase(
        "{what}: deleted {duration} after the consultation closes, at {when}.",
        what=what,
        duration=_duration(entry.duration),
        when=when,
    )


def _publication(c: Consultation) -> list[Phrase]:
    publication = c.publication
    out = [
        phrase(
            "Results are published only as figures for groups of people, never in a way that "
            "identifies you or your answers."
        )
    ]
    if publication.consent_question is not None and publication.quote:
        out.append(phrase("Your own words are quoted only if you agree to it in your response."))
    else:
        out.append(phrase("Your own words are never quoted."))
    if publication.consent_question is not None and publication.name_authority:
        out.append(phrase("Your organisation is named beside a quote only if you agree to it."))
    if any(q.sensitive for q in c.questions):
        out.append(
            phrase(
                "Answers to sensitive questions are published only for larger groups, and are "
                "never quoted."
            )
        )
    return out


def privacy_notice(consultation: Consultation, language: str = "en") -> str:
    """The privacy-notice paragraphs for ``consultation`` in ``language`` (``en`` or ``cy``).

    The consultation's own title and publisher are said in ``language`` where the spec has
    them translated; every other word comes from the core's catalogue.
    """
    shown = consultation
    if language in consultation.languages[1:]:
        shown = localise(consultation, language)
    meta = shown.metadata
    said = consultation.metadata
    closes = spoken_instant(said.closes_at)
    paragraphs: list[list[Phrase]] = [
        [
            phrase(
                "When you respond to “{title}”, {publisher} keeps your answers and the details "
                "that identify you, such as your name and email address, to run the "
                "consultation and report on it.",
                title=meta.title,
                publisher=meta.publisher,
            )
        ],
        _publication(shown),
        [
            phrase(
                "The consultation closes at {closes} ({zone} time). After that, we keep your "
                "information for these periods:",
                closes=closes,
                zone=said.timezone,
            )
        ],
    ]
    sensitive = any(q.sensitive for q in consultation.questions)
    lines = [
        _class_sentence(consultation, entry)
        for entry in retention.schedule(consultation)
        if entry.data_class != "sensitive_answers" or sensitive
    ]
    anonymised = retention.anonymisation_due(consultation)
    if anonymised is not None:
        lines.append(
            phrase(
                "At {when} ({duration} after the consultation closes) we remove the link "
                "between your answers and you: from then on, no one can tell which answers are "
                "yours.",
                when=spoken_instant(anonymised),
                duration=_duration(consultation.retention.anonymise_after),
            )
        )
    contact = meta.contact or meta.publisher
    rights = phrase(
        "You can ask to see the information we hold about you, to have it corrected (a later "
        "response replaces an earlier one) or deleted, or object to our use of it: contact "
        "{contact}.",
        contact=contact,
    )
    out = [" ".join(p.in_language(language) for p in para) for para in paragraphs]
    out.append("\n".join(f"- {line.in_language(language)}" for line in lines))
    out.append(rights.in_language(language))
    return "\n\n".join(out) + "\n"


@click.command("privacy-notice")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(["en", "cy"]),
    default="en",
    show_default=True,
    help="The language to write the notice in.",
)
def privacy_notice_command(spec: Path, lang: str) -> None:
    """Write a privacy-notice paragraph from the spec's retention and publication settings.

    Says how results are published, how long each kind of personal data is kept (with the
    real dates, counted from the closing date) and how to ask for it to be seen, corrected
    or deleted: plain text to paste into the council's privacy notice, and check.

    \b
    Examples:
      surveykit privacy-notice specs/taking_stock.toml
      surveykit privacy-notice specs/examples/bilingual_example.toml --lang cy
    """
    click.echo(privacy_notice(load_spec(spec), lang), nl=False)


COMMANDS = (privacy_notice_command,)
