"""The email channel in the respondent's language: which languages a form or email is in, the
channel's own words (the ``surveykit_email`` gettext domain), and the Welsh a reply may hold.

A form or an email is written in one language, or in several ("both"), the Welsh first: under
the Welsh Language Standards a bilingual text puts Welsh first so that it is not treated less
favourably.  The consultation's own texts come from the spec's translations
(:func:`surveykit.translations.localise`); the channel's fixed words ("Tick one box.",
"Your answer:") from the catalogues in ``locale/``.

Reading a reply is never limited to the language it was sent in: people answer a Welsh form in
English and the other way round, or mix the two.  So the reader knows every language the spec
offers at once, plus the everyday Welsh answer words below, which are *aliases* for the options
that mean yes, no, none and don't know.  An alias is only ever an exact, whole answer (never a
first word or a near miss), and it is dropped for a question where it would collide with
another option's label or value in any language, so "Na" cannot steal an option called "Na".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from surveykit import Consultation, Question, SurveykitError
from surveykit.i18n import Translator, mark, translator
from surveykit.translations import localise

__all__ = [
    "BOTH",
    "DOMAIN",
    "LOCALE",
    "MONTHS",
    "WELSH",
    "answer_aliases",
    "closing_text",
    "english_dates",
    "form_languages",
    "in_language",
    "month_name",
    "mutated",
    "words",
]

#: The gettext domain of the email channel's own words.
DOMAIN = "surveykit_email"
LOCALE = Path(__file__).parent / "locale"
WELSH = "cy"
#: ``--lang both``: every language the spec offers, Welsh first.
BOTH = "both"

#: The months and weekdays as the form writes them, translated through the catalogue.
MONTHS = (
    mark("January"), mark("February"), mark("March"), mark("April"), mark("May"),
    mark("June"), mark("July"), mark("August"), mark("September"), mark("October"),
    mark("November"), mark("December"),
)  # fmt: skip
WEEKDAYS = (
    mark("Monday"), mark("Tuesday"), mark("Wednesday"), mark("Thursday"), mark("Friday"),
    mark("Saturday"), mark("Sunday"),
)  # fmt: skip


def words(language: str) -> Translator:
    """The email channel's own words in ``language`` (English where a catalogue lacks one)."""
    return translator(DOMAIN, language)


def form_languages(consultation: Consultation, language: str | None) -> tuple[str, ...]:
    """The languages a form or email is written in, in order: ``None`` is the spec's own,
    ``"both"`` every language it offers with Welsh first; anything else must be offered."""
    offered = consultation.languages
    if language is None:
        return (consultation.text_language,)
    if language == BOTH:
        return tuple(sorted(offered, key=lambda lang: lang != WELSH))
    if language not in offered:
        raise SurveykitError(
            f"{consultation.metadata.title!r} is not offered in {language!r}: its languages "
            f"are {', '.join(offered)} (or {BOTH!r} for all of them, Welsh first)"
        )
    return (language,)


def in_language(consultation: Consultation, language: str) -> Consultation:
    """``consultation`` with its texts in ``language``, if the spec offers it (else as it is)."""
    source = consultation.localised_from or consultation
    if language not in source.languages:
        return consultation
    return localise(source, language)


def month_name(month: int, language: str) -> str:
    return words(language).gettext(MONTHS[month - 1])


def closing_text(consultation: Consultation, language: str) -> str:
    """When the consultation closes, as people say it in ``language``: "Friday 30 April 2027,
    end of day" / "dydd Gwener 30 Ebrill 2027, diwedd y dydd"."""
    closes = consultation.metadata.closes
    t = words(language)
    fields = {
        "weekday": t.gettext(WEEKDAYS[closes.weekday()]),
        "day": closes.day,
        "month": month_name(closes.month, language),
        "year": closes.year,
    }
    if isinstance(closes, dt.datetime):
        fields["time"] = f"{closes:%H:%M}"
        return t.gettext("{weekday} {day} {month} {year}, {time}").format(**fields)
    return t.gettext("{weekday} {day} {month} {year}, end of day").format(**fields)


#: The mutations "cwestiwn" takes after the prepositions the Welsh phrases put before a
#: question's name ("i gwestiwn 1", "yng nghwestiwn 1"): the name is written once, unmutated.
_MUTATIONS = (
    (re.compile(r"\bi cwestiwn\b"), "i gwestiwn"),
    (re.compile(r"\byn cwestiwn\b"), "yng nghwestiwn"),
)


def mutated(text: str, language: str) -> str:
    """Welsh ``text`` with "cwestiwn" mutated after "i" and "yn", as Welsh grammar asks."""
    if language != WELSH:
        return text
    for pattern, mutation in _MUTATIONS:
        text = pattern.sub(mutation, text)
    return text


# Reading Welsh -------------------------------------------------------------------------------

#: Everyday Welsh answers, by what the option they stand for is called in English (its
#: normalised label or value).  Welsh has no one word for "yes" or "no": the answer echoes the
#: question's verb ("Oes" - there is, "Do" - I did, "Ydw" - I am), so each is listed.
_WELSH_ANSWERS: dict[str, tuple[str, ...]] = {
    "yes": (
        "ie", "ia", "do", "oes", "ydw", "ydy", "ydyn", "ydym", "ydynt", "ydyw", "yndw", "yndi",
        "bydd", "byddaf", "byddwn", "gwnaf", "gwnawn", "hoffwn", "dylai", "dylen", "dylid",
    ),
    "no": (
        "na", "naddo", "nac oes", "nag oes", "nac ydw", "nag ydw", "nac ydy", "nag ydy",
        "nac ydyn", "nac ydym", "nac ydynt", "nac ydyw", "na fydd", "na fyddaf", "na wnaf",
        "na hoffwn", "na ddylai", "na ddylid", "dim diolch",
    ),
    "none": (
        "dim", "dim un", "dim byd", "dim o r rhain", "dim un o r rhain", "dim un o r uchod",
        "dim o gwbl",
    ),
    "dont know": (
        "ddim yn gwybod", "dim yn gwybod", "dwi ddim yn gwybod", "dw i ddim yn gwybod",
        "dydw i ddim yn gwybod", "nid wyf yn gwybod", "wn i ddim", "dim syniad", "ansicr",
        "ddim yn siwr", "ddim yn siŵr", "dwi ddim yn siwr", "dwi ddim yn siŵr",
    ),
}  # fmt: skip
#: The English names each idea goes by, normalised as the matcher normalises them.
_IDEAS: dict[str, frozenset[str]] = {
    "yes": frozenset({"yes", "y"}),
    "no": frozenset({"no", "n"}),
    "none": frozenset({"none", "none of these", "none of the above", "nothing", "no one"}),
    "dont know": frozenset(
        {"dont know", "do not know", "not sure", "unsure", "dont know not sure", "dk"}
    ),
}


def answer_aliases(
    question: Question, names: Mapping[str, Iterable[str]], normalise
) -> dict[str, str]:
    """The Welsh answer words that name one option of ``question``: ``{alias: value}``.

    ``names`` holds every normalised label and value of each option, in every language.  An
    idea (yes, no, none, don't know) is given its words only when exactly one option is called
    by it, and a word is dropped where any option is already called by it.
    """
    taken = {form for forms in names.values() for form in forms}
    aliases: dict[str, str] = {}
    for idea, english in _IDEAS.items():
        owners = [v for v, forms in names.items() if english & set(forms)]
        if len(owners) != 1:
            continue
        for alias in _WELSH_ANSWERS[idea]:
            plain = normalise(alias)
            if plain and plain not in taken:
                aliases.setdefault(plain, owners[0])
    return aliases


_WELSH_MONTHS = {
    "ionawr": 1, "chwefror": 2, "mawrth": 3, "ebrill": 4, "mai": 5, "mehefin": 6,
    "gorffennaf": 7, "awst": 8, "medi": 9, "hydref": 10, "tachwedd": 11, "rhagfyr": 12,
}  # fmt: skip
#: After "o" ("5ed o Fawrth") and "mis" a month's name is mutated: its soft-mutated forms.
_MUTATED = {
    "fawrth": 3, "fai": 5, "fehefin": 6, "orffennaf": 7, "fedi": 9, "dachwedd": 11, "ragfyr": 12,
    "chwef": 2, "ion": 1, "ebr": 4, "meh": 6, "gorff": 7, "tach": 11, "rhag": 12, "hyd": 10,
}  # fmt: skip
_WEEKDAY = re.compile(
    r"\b(?:dd?ydd|nos)\s+(?:llun|mawrth|mercher|iau|gwener|sadwrn|sul)\b,?\s*", re.IGNORECASE
)
_ORDINAL = re.compile(r"\b([0-9]{1,2})(?:af|il|ydd|edd|ed|fed|eg|ain)\b", re.IGNORECASE)
_OF = re.compile(r"\b([0-9]{1,2})\s+o\s+(?=[^\W\d_])", re.IGNORECASE)
_MIS = re.compile(r"\bmis\s+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+\.?")


def english_dates(text: str) -> str:
    """A date written in Welsh as the date reader reads it: "dydd Mawrth, 5ed o Fawrth 2025"
    becomes "5 March 2025".  Text with no Welsh month in it is returned as it is.

    "Mawrth" is both March and Tuesday: a weekday is only ever the word after "dydd" (or
    "ddydd", "nos"), which is taken off first; a lone "Mawrth" is the month.
    """
    lowered = text.casefold()
    if not any(m in lowered for m in (*_WELSH_MONTHS, *_MUTATED)):
        return text
    rest = _WEEKDAY.sub("", text)
    rest = _MIS.sub("", _OF.sub(r"\1 ", _ORDINAL.sub(r"\1", rest)))

    def english(found: re.Match[str]) -> str:
        word = found.group().rstrip(".").casefold()
        number = _WELSH_MONTHS.get(word) or _MUTATED.get(word)
        return MONTHS[number - 1] if number else found.group()

    return _WORD.sub(english, rest).strip()
