"""Replies in Welsh, in English and in both: the same answers stored, whatever the language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from attrs import evolve
from formfill import fill_form
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mailtools import reply

from surveykit import Engine, Option, load_spec, loads_spec
from surveykit_email.form import write_form
from surveykit_email.language import english_dates
from surveykit_email.matching import OptionMatcher
from surveykit_email.parse import read_reply

ROOT = Path(__file__).resolve().parents[2]
BILINGUAL = load_spec(ROOT / "specs" / "examples" / "bilingual_example.toml")
WELSH = Path(__file__).parent / "replies" / "welsh"
REFERENCE = "SK-2TX4-64WF-G91Z"


def _read(lines: tuple[str, ...], consultation=BILINGUAL, sender="Siân <sian@example.org>"):
    return read_reply(reply(reference=REFERENCE, lines=lines, sender=sender), consultation)


#: Hand-written replies as Welsh speakers' mail programs send them, and what each reads as.
EXPECTED: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "gmail_welsh_quoted_form.eml": (
        {
            "visits": "monthly",
            "uses": ["books", "study"],
            "when": ["weekday_evenings", "saturday"],
            "hours": 45,
            "comments": "Byddai agor yn hwyrach ar nos Iau yn help mawr i'r rhai sy'n gweithio.",
        },
        (),
    ),
    "outlook_welsh_top_posted.eml": (
        {
            "visits": "rarely",
            "uses": ["books", "computers"],
            "when": ["saturday", "sunday"],
            "hours": 30,
        },
        (),
    ),
    "iphone_welsh_short.eml": (
        {
            "visits": "never",
            "why_not": "other_reason",
            "comments": "Dw i'n byw yn rhy bell o'r dref",
        },
        (),
    ),
    # "Weithiau" (sometimes) is no option and "tua deugain" (about forty) no number: review.
    "thunderbird_welsh_unclear.eml": ({}, ("unknown_option", "invalid_answer")),
}


def test_every_welsh_sample_has_an_expectation():
    assert sorted(p.name for p in WELSH.glob("*.eml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_welsh_samples_are_read_as_expected(name):
    reading = read_reply((WELSH / name).read_bytes(), BILINGUAL)
    answers, codes = EXPECTED[name]
    assert reading.answers == answers
    assert reading.codes == codes
    assert reading.reference == REFERENCE


def test_a_mixed_reply_stores_what_an_english_one_does():
    english = _read(("1. Never", "3. Another reason", "4. Saturdays, Sundays", "5. 12"))
    mixed = _read(("C1: Byth", "Q3: Another reason", "4. Dydd Sadwrn; Sundays", "Cwestiwn 5 - 12"))
    assert english.clean
    assert mixed.clean
    assert (
        mixed.answers
        == english.answers
        == {
            "visits": "never",
            "why_not": "other_reason",
            "when": ["saturday", "sunday"],
            "hours": 12,
        }
    )


def test_a_bilingual_label_as_a_bilingual_form_might_show_it_is_read():
    reading = _read(("1. Byth / Never", "3. Rheswm arall"))
    assert reading.answers == {"visits": "never", "why_not": "other_reason"}


YES_NO = """
[consultation]
id = "t"
title = "T"
publisher = "Tests"
closes = 2099-12-31

[[sections]]
id = "s"
title = "S"

[[sections.questions]]
id = "q1"
number = "1"
text = "Do you agree?"
kind = "single"
options = [
  { value = "yes", label = "Yes" },
  { value = "no", label = "No" },
  { value = "dont_know", label = "Don't know" },
]

[[sections.questions]]
id = "q2"
number = "2"
text = "Which of these do you use?"
kind = "multi"
options = [
  { value = "bus", label = "Bus" },
  { value = "train", label = "Train" },
  { value = "none", label = "None of these" },
]

[[sections.questions]]
id = "q3"
number = "3"
text = "When did you last visit?"
kind = "date"
"""


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("Ie", "yes"),
        ("ydw", "yes"),
        ("Oes.", "yes"),
        ("Do", "yes"),
        ("Na", "no"),
        ("Naddo", "no"),
        ("Nac oes", "no"),
        ("nag ydw", "no"),
        ("Ddim yn gwybod", "dont_know"),
        ("Dim syniad", "dont_know"),
        ("Ddim yn siŵr", "dont_know"),
    ],
)
def test_welsh_answer_words_name_yes_no_and_dont_know(written, value):
    reading = _read((f"1. {written}",), loads_spec(YES_NO))
    assert reading.answers == {"q1": value}


@pytest.mark.parametrize("written", ["Dim", "Dim un", "dim byd", "Dim un o'r rhain"])
def test_welsh_words_for_none_name_the_none_option(written):
    reading = _read((f"2. {written}",), loads_spec(YES_NO))
    assert reading.answers == {"q2": ["none"]}


def test_a_welsh_word_never_steals_an_option_called_by_it():
    """ "Na" is the no-word, but here an option is labelled "NA" (not applicable): it wins, and
    the no-word is dropped rather than guessed."""
    question = loads_spec(YES_NO).by_id["q1"]
    options = (*question.options, Option(value="na", label="NA"))
    matcher = OptionMatcher(evolve(question, options=options))
    assert matcher.match("Na").value == "na"
    assert matcher.match("Naddo").value == "no"
    assert matcher.match("Ie").value == "yes"


def test_welsh_words_are_whole_answers_only():
    """An alias is never a first word or a near miss: "Ie efallai" and "Nadd" are not read."""
    reading = _read(("1. Ie efallai",), loads_spec(YES_NO))
    assert reading.answers == {}
    assert reading.codes == ("unknown_option",)
    assert _read(("1. Nadd",), loads_spec(YES_NO)).answers == {}


def test_an_idea_two_options_share_gets_no_welsh_words():
    spec = YES_NO.replace(
        '{ value = "dont_know", label = "Don\'t know" }', '{ value = "y", label = "Y" }'
    )
    reading = _read(("1. Ie",), loads_spec(spec))
    assert reading.answers == {}


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("5 Mawrth 2027", "2027-03-05"),
        ("5ed o Fawrth 2027", "2027-03-05"),
        ("dydd Mawrth, 2 Mawrth 2027", "2027-03-02"),
        ("Ddydd Gwener 1af Ionawr 2027", "2027-01-01"),
        ("23 Rhagfyr 2026", "2026-12-23"),
        ("3ydd o Orffennaf 2026", "2026-07-03"),
        ("1 Mai 2026", "2026-05-01"),
        ("5 March 2027", "2027-03-05"),
    ],
)
def test_dates_may_be_written_in_welsh(written, iso):
    reading = _read((f"3. {written}",), loads_spec(YES_NO))
    assert reading.answers == {"q3": iso}


def test_mawrth_after_dydd_is_tuesday_and_alone_is_march():
    assert english_dates("dydd Mawrth 2 Mawrth 2027") == "2 March 2027"
    assert english_dates("Mawrth 2027") == "March 2027"
    assert english_dates("nothing Welsh here") == "nothing Welsh here"


WELSH_HEADERS = (
    "Ar ddydd Llun, 3 Mawrth 2025 am 10:15, Llyfrgelloedd <libraries@example-county.gov.uk> "
    "ysgrifennodd:",
    "Ar 03/03/2025 10:15, Llyfrgelloedd Sir Enghraifft ysgrifennodd:",
    "Ysgrifennodd Llyfrgelloedd Sir Enghraifft ar 03/03/2025 10:15:",
    "Oddi wrth: Llyfrgelloedd Sir Enghraifft\nAnfonwyd: 03 Mawrth 2025 10:15\nAt: Siân\n"
    "Pwnc: Ein llyfrgelloedd",
    "*Oddi wrth:* Llyfrgelloedd Sir Enghraifft\n*Anfonwyd:* dydd Llun, 3 Mawrth 2025 10:15\n"
    "*At:* Siân\n*Pwnc:* Ein llyfrgelloedd",
    "-----Neges Wreiddiol-----\nOddi wrth: Llyfrgelloedd\nDyddiad: 3 Mawrth 2025\nPwnc: Re",
)


@pytest.mark.parametrize("header", WELSH_HEADERS)
def test_welsh_reply_headers_end_the_answer_above_them(header):
    """What follows a Welsh mail program's header is the earlier message, not the answer."""
    lines = ("1. Byth", "6. Mwy o oriau ar nos Iau.", "", *header.split("\n"), "", "Rhywbeth arall")
    reading = _read(lines)
    assert reading.answers == {"visits": "never", "comments": "Mwy o oriau ar nos Iau."}
    assert reading.clean


ANSWERS = st.fixed_dictionaries(
    {
        "visits": st.sampled_from(["weekly", "monthly", "rarely", "never"]),
        "uses": st.lists(st.sampled_from(["books", "computers", "study", "events"]), unique=True),
        "why_not": st.sampled_from(["hours", "distance", "online", "other_reason"]),
        "when": st.lists(
            st.sampled_from(["weekday_mornings", "weekday_evenings", "saturday", "sunday"]),
            unique=True,
        ),
        "hours": st.integers(0, 80),
        "comments": st.sampled_from(
            ["", "Mwy o oriau ar y penwythnos os gwelwch yn dda.", "Open later on Thursdays."]
        ),
    }
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=ANSWERS, language=st.sampled_from(["en", "cy", "both"]), part=st.integers(0, 1))
def test_any_language_gives_the_same_cleaned_answers(answers, language, part):
    """Rendering the form in English, Welsh or both, answering it and reading it back gives
    what the engine makes of the same answers: the language never changes what is stored."""
    answers = dict(answers)
    if answers["visits"] == "never":
        del answers["uses"]
    else:
        del answers["why_not"]
    answers = {k: v for k, v in answers.items() if v not in ("", [])}
    form = write_form(BILINGUAL, reference=REFERENCE, language=language)
    filled = fill_form(form, BILINGUAL, answers, part if language == "both" else 0)
    raw = (
        "From: Siân <sian@example.org>\r\nSubject: Re: Ein llyfrgelloedd\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" + filled.replace("\n", "\r\n")
    ).encode()
    reading = read_reply(raw, BILINGUAL)
    expected = Engine(BILINGUAL).check(answers)
    assert not expected.problems
    assert reading.problems == ()
    assert reading.answers == expected.answers
