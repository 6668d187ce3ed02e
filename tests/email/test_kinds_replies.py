"""Reading replies to the residents' survey: numbers, dates, contact details, a grid, a ranking and
"Other" options, written the way people really write them, and the form filled in by program."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from surveykit import Engine, get_plugins, load_spec, loads_spec
from surveykit.testing_kinds import answers_for
from surveykit_email.form import write_form
from surveykit_email.items import form_items
from surveykit_email.parse import read_reply
from surveykit_email.review import answer_lines

ROOT = Path(__file__).resolve().parents[2]
RESIDENTS = load_spec(ROOT / "specs" / "examples" / "residents_survey.toml").reopened_until(
    dt.date(2099, 12, 31)
)
REFERENCE = "SK-2TX4-64WF-G91Z"
FORM = write_form(RESIDENTS, reference=REFERENCE)
KINDS = get_plugins().kinds
ENGINE = Engine(RESIDENTS)
ITEMS = form_items(RESIDENTS, KINDS)


def _message(body: str, *, sender: str = "Pat Jones <pat.jones@example.org>") -> bytes:
    head = (
        f"From: {sender}\r\nTo: consultation@example-borough.gov.uk\r\n"
        "Subject: Re: Your council, your say\r\nDate: Mon, 1 Feb 2027 19:02:11 +0000\r\n"
        "Message-ID: <r1@example.org>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    )
    return head.encode() + body.replace("\n", "\r\n").encode("utf-8")


def _quoted(form: str = FORM, mark: str = "> ") -> str:
    return "\n".join((mark + line).rstrip() for line in form.splitlines())


def _read(body: str, **kwargs: Any):
    return read_reply(_message(body, **kwargs), RESIDENTS)


def _reasons(reading) -> list[tuple[str, str | None]]:
    return [(p.code, p.question) for p in reading.problems]


# Answers at the top of a reply ---------------------------------------------------------------

TOP_POSTED = f"""Hi there,

Here are my answers.

1. ex1 1aa
2. Northbridge
3. 4 people
5. 3/2019
7. Libraries, Parks and open spaces
Another service - the tip on Hollow Lane
8. Parks: agree
Streets - Disagree
Bins: strongly agree
8d. neither
10. Affordable housing, Libraries, Roads and pavements
12. £12.50
13. A proper market square,
with trees and somewhere to sit.
14. Other: my neighbour told me
16. yes
17. Pat.Jones@EXAMPLE.org
18. 07700 900982
19. No, do not quote me

Cheers,
Pat Jones
07700 900 123

On Sun, 31 Jan 2027 at 09:00, Example Borough Council <consultation@example-borough.gov.uk> wrote:
{_quoted()}
"""

TOP_POSTED_ANSWERS = {
    "postcode": "EX1 1AA",
    "town": "Northbridge",
    "household": 4,
    "moved_in": "2019-03",
    "services_used": ["libraries", "parks", "other"],
    "services_used.other": "the tip on Hollow Lane",
    "satisfaction.parks": "agree",
    "satisfaction.streets": "disagree",
    "satisfaction.bins": "strongly_agree",
    "satisfaction.contact": "neither",
    "priorities": ["housing", "libraries", "roads"],
    "library_contribution": 12.5,
    "northbridge_centre": "A proper market square,\nwith trees and somewhere to sit.",
    "heard_about": "other",
    "heard_about.other": "my neighbour told me",
    "updates": "yes",
    "email": "Pat.Jones@example.org",
    "phone": "+447700900982",
    "consent": "no_quote",
}


def test_a_top_posted_gmail_reply_is_read_with_its_signature_left_out():
    reading = _read(TOP_POSTED)
    assert reading.answers == TOP_POSTED_ANSWERS
    assert reading.reference == REFERENCE
    assert reading.clean


def test_a_ranking_written_as_a_numbered_list_is_read_in_its_order():
    body = (
        "3. 2\n8a. Agree\n8b. Agree\n8c. Agree\n8d. Agree\n"
        "10.\n2. Libraries\n1) Affordable housing\n\n19. No\n"
    )
    reading = _read(body)
    assert reading.answers["priorities"] == ["housing", "libraries"]
    assert reading.answers["household"] == 2  # "1)" and "2." ranked options, not labels
    assert "postcode" not in reading.answers
    body = body.replace("10.\n2. Libraries\n1) Affordable housing\n", "10. Libraries > Roads\n")
    assert _read(body).answers["priorities"] == ["libraries", "roads"]


def test_answers_that_read_two_ways_or_not_at_all_go_to_review_naming_the_part():
    body = (
        "3. about 4\n"
        "5. early March\n"
        "8. Parks: agree\n"
        "Streets: mostly\n"
        "Weather: fine\n"
        "10. Libraries, Housing stuff\n"
        "12. £1,250.00\n"
        "14. At a drop-in event\n"
        "15. March 2027\n"
        "19. No\n"
    )
    reading = _read(body)
    assert _reasons(reading)[1:] == [
        ("unknown_option", "satisfaction"),
        ("unknown_option", "satisfaction"),
        ("unknown_option", "priorities"),
        ("invalid_answer", "household"),
        ("invalid_answer", "moved_in"),
        ("invalid_answer", "library_contribution"),
        ("invalid_answer", "event_date"),
    ]
    messages = "\n".join(p.message for p in reading.problems)
    assert "Question 3: enter a number of people" in messages
    assert "'Streets: mostly' does not name one statement and one answer" in messages
    assert "Question 12: the amount must be £500.00 or less" in messages
    assert "Question 15: the date must include a day" in messages
    assert "Question 10: 'Housing stuff' is not one of the options" in messages
    # Nothing in doubt was guessed, and the grid's rows wait for the officer.
    assert reading.answers == {"heard_about": "event", "consent": "no_quote"}


def test_a_grid_row_answered_twice_differently_goes_to_review():
    reading = _read("8. Parks: agree\n8a. Disagree\n19. No\n")
    assert ("duplicate_answer", "satisfaction.parks") in _reasons(reading)
    assert "satisfaction.parks" not in reading.answers


# Answers typed into the quoted form ----------------------------------------------------------


def _fill(form: str, changes: dict[str, str]) -> str:
    """``form`` with lines replaced, each found by its stripped text within an item's block:
    ``{"8b|[ ] Disagree": "    [ ]x Disagree"}``."""
    out, item = [], None
    for line in form.splitlines():
        found = re.match(r"^([0-9A-Za-z-]+)\. ", line)
        if found:
            item = found[1]
        out.append(changes.pop(f"{item}|{line.strip()}", line))
    assert not changes, f"lines not found: {list(changes)}"
    return "\n".join(out)


INLINE_CHANGES = {
    "3|Your answer:": "    Your answer:\n5",
    "5|Your answer:": "    Your answer:\n5th March 2019",
    "7|[ ] Libraries": "    [x] Libraries",
    "7|[ ] Another service (please specify): ______": (
        "    [X] Another service (please specify): ______\nThe recycling centre\non Mill Road"
    ),
    "8a|[ ] Agree": "    [x] Agree",
    "8b|[ ] Disagree": "    [ ]x Disagree",
    "8c|[ ] Agree": "    [ ] Agree   <---",
    "8d|[ ] Strongly disagree": "X [ ] Strongly disagree",
    "10|[ ] Affordable housing": "    [1] Affordable housing",
    "10|[ ] Libraries": "    [ 2 ] Libraries",
    "10|[ ] Tackling climate change": "    [3rd] Tackling climate change",
    "12|Your answer:": "    Your answer:\n£ 20",
    "14|[ ] Somewhere else (please specify): ______": (
        "    [x] Somewhere else (please specify): A poster in the library"
    ),
    "19|[ ] Yes, you may quote me without naming me": (
        "    [x] Yes, you may quote me without naming me"
    ),
}
INLINE_ANSWERS = {
    "household": 5,
    "bedrooms_enough": None,
    "moved_in": "2019-03",
    "services_used": ["libraries", "other"],
    "services_used.other": "The recycling centre\non Mill Road",
    "satisfaction.parks": "agree",
    "satisfaction.streets": "disagree",
    "satisfaction.bins": "agree",
    "satisfaction.contact": "strongly_disagree",
    "priorities": ["housing", "libraries", "climate"],
    "library_contribution": 20.0,
    "heard_about": "other",
    "heard_about.other": "A poster in the library",
    "consent": "quote",
}
INLINE_ANSWERS.pop("bedrooms_enough")


def test_an_outlook_inline_reply_with_ticks_moved_and_ranks_in_boxes():
    """Outlook quotes nothing with ">": the answers are typed into the form under its header."""
    body = (
        "Please see my answers in the form below.\n\nRegards\nPat\n\n"
        "________________________________\n"
        "From: Example Borough Council <consultation@example-borough.gov.uk>\n"
        "Sent: 31 January 2027 09:00\nTo: Pat Jones <pat.jones@example.org>\n"
        "Subject: Your council, your say\n\n" + _fill(FORM, dict(INLINE_CHANGES))
    )
    reading = _read(body)
    assert reading.answers == INLINE_ANSWERS
    assert reading.clean


def test_a_gmail_inline_reply_reads_the_same():
    filled = _fill(FORM, dict(INLINE_CHANGES))
    quoted = []
    for line in filled.splitlines():  # the person's own lines are not quoted
        typed = line in {"5", "5th March 2019", "£ 20", "The recycling centre", "on Mill Road"}
        quoted.append(line if typed else ("> " + line).rstrip())
    body = "Answers below.\n\nOn Sun, 31 Jan 2027, Council <c@example.org> wrote:\n"
    reading = _read(body + "\n".join(quoted))
    assert reading.answers == INLINE_ANSWERS


def test_an_html_only_reply_is_read():
    rows = "".join(f"<div>{line}</div>" for line in TOP_POSTED.split("On Sun")[0].splitlines())
    html = f"<html><body>{rows}<blockquote>{_quoted('', '')}</blockquote></body></html>"
    raw = (
        "From: Pat Jones <pat.jones@example.org>\r\nSubject: Re: survey\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
    ).encode()
    reading = read_reply(raw, RESIDENTS)
    assert reading.answers == TOP_POSTED_ANSWERS
    assert reading.codes == ("no_reference",)


def test_words_for_an_unticked_other_box_go_to_review():
    body = _fill(
        FORM,
        {
            "14|[ ] Social media": "    [x] Social media",
            "14|[ ] Somewhere else (please specify): ______": (
                "    [ ] Somewhere else (please specify): a Facebook group"
            ),
            "19|[ ] No, do not quote me": "    [x] No, do not quote me",
        },
    )
    reading = _read(body)
    assert ("unclear_text", "heard_about") in _reasons(reading)
    assert "heard_about" not in reading.answers
    unclear = next(p for p in reading.problems if p.code == "unclear_text")
    assert unclear.message == (
        "Question 14: words are written for 'Somewhere else' ('a Facebook group') but that "
        "option is not ticked"
    )


def test_a_ranking_ticked_instead_of_numbered_goes_to_review():
    body = _fill(
        FORM,
        {
            "10|[ ] Libraries": "    [x] Libraries",
            "10|[ ] Affordable housing": "    [x] Affordable housing",
        },
    )
    reading = _read(body)
    assert ("ambiguous_option", "priorities") in _reasons(reading)
    assert "order of preference is not known" in " ".join(p.message for p in reading.problems)


def test_a_ranking_with_a_repeated_rank_goes_to_review_by_the_kinds_check():
    body = _fill(
        FORM,
        {
            "10|[ ] Libraries": "    [1] Libraries",
            "10|[ ] Affordable housing": "    [1] Affordable housing",
        },
    )
    reading = _read(body)
    assert ("invalid_answer", "priorities") in _reasons(reading)


# Dates written several ways ------------------------------------------------------------------

DATED = loads_spec(
    """
[consultation]
id = "dated"
title = "Flooding"
publisher = "Example Borough Council"
closes = 2099-01-01

[[sections]]
id = "s"
title = "The flood"

[[sections.questions]]
id = "when"
number = "1"
text = "On what date did the flooding start?"
kind = "date"
"""
)


@pytest.mark.parametrize(
    "written",
    ["5/3/2027", "05-03-2027", "5 March 2027", "5th March 2027", "Friday 5 March 2027", "5.3.2027"],
)
def test_a_date_written_the_uk_way_is_read(written):
    reading = read_reply(_message(f"1. {written}\n\nThanks\nPat\n"), DATED)
    assert reading.answers == {"when": "2027-03-05"}


@pytest.mark.parametrize("written", ["early March", "5/3/27", "March 2027", "the 5th"])
def test_an_unclear_date_goes_to_review(written):
    reading = read_reply(_message(f"1. {written}\n"), DATED)
    assert reading.answers == {}
    assert ("invalid_answer", "when") in _reasons(reading)


# The officer's view --------------------------------------------------------------------------


def test_the_officer_sees_part_answers_under_the_forms_numbers():
    lines = answer_lines(RESIDENTS, TOP_POSTED_ANSWERS)
    assert "  Question 8a (satisfaction.parks): Agree" in lines
    assert (
        "  Question 10 (priorities): 1. Affordable housing; 2. Libraries; 3. Roads and pavements"
        in lines
    )
    assert '  Question 14, "Somewhere else" in their own words (heard_about.other): ' in "\n".join(
        lines
    )
    assert "  Question 3 (household): 4" in lines


# The form filled in by program: what the engine accepts comes back the same -----------------

VOCABULARY = ("more", "buses", "trees", "parks", "litter", "bins", "cafe", "square", "the", "a")


def _spoken(iso: str) -> str:
    months = "January February March April May June July August September October November"
    months = (*months.split(), "December")
    month = f"{months[int(iso[5:7]) - 1]} {int(iso[:4])}"
    return month if len(iso) == 7 else f"{int(iso[8:])} {month}"


def _written(value: Any, spoken: bool) -> str:
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}(-[0-9]{2})?", value):
        return _spoken(value) if spoken else value
    return str(value)


def fill_in(answers: dict[str, Any], spoken: bool = False) -> str:
    """The written form with ``answers`` (cleaned) filled in as a person would."""
    by_key = {item.key: item for item in ITEMS}
    out: list[str] = []
    item = None
    pending = ""  # Other's words, for a blank the box's label pushed onto the next line
    for line in FORM.splitlines():
        found = re.match(r"^([0-9A-Za-z-]+)\. ", line)
        if found and found[1] in by_key:
            item = by_key[found[1]]
        box = re.match(r"^    \[ \] (.*)$", line)
        if pending and not box and "______" in line:
            line, pending = line.replace("______", pending), ""
        if item is not None and box and item.id in answers:
            value = answers[item.id]
            text = box[1].strip()  # a label, or the start of one the line wraps
            option = next(
                o for o in item.options if text.startswith(o.label) or o.label.startswith(text)
            )
            if item.reading == "ranking":
                if option.value in value:
                    line = line.replace("[ ]", f"[{value.index(option.value) + 1}]")
            elif option.value == value or (isinstance(value, list) and option.value in value):
                line = line.replace("[ ]", "[x]")
                words = answers.get(item.other_key or "")
                if item.other is not None and option.value == item.other.value and words:
                    if "______" in line:
                        line = line.replace("______", words)
                    else:
                        pending = words
        out.append(line)
        if item is not None and line.strip() == "Your answer:" and item.id in answers:
            out.append(_written(answers[item.id], spoken))
    return "\n".join(out)


def _part_answers(part) -> st.SearchStrategy[Any]:
    if part.kind == "text":
        return st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=8).map(" ".join)
    earliest = part.settings.get("earliest")
    first_today = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=12)).date()  # UTC-12's
    if isinstance(earliest, dt.date) and earliest > first_today:
        return st.nothing()  # no day is both after its earliest date and before today anywhere
    return answers_for(part)


@st.composite
def accepted_answers(draw: Any) -> dict[str, Any]:
    raw = {}
    for part in ENGINE.parts:
        strategy = _part_answers(part)
        if part.required or draw(st.booleans()):
            if strategy.is_empty:
                continue
            raw[part.id] = draw(strategy)
    checked = ENGINE.check(raw)
    refused = {p.question for p in checked.problems}
    answers = {k: v for k, v in checked.answers.items() if k not in refused}
    assume(ENGINE.check(answers).ok)
    return ENGINE.check(answers).answers


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=accepted_answers(), spoken=st.booleans(), quoted=st.booleans())
def test_the_filled_in_form_reads_back_as_the_answers(answers, spoken, quoted):
    form = fill_in(answers, spoken)
    body = "My answers are below.\n\nOn Sun, 31 Jan 2027, Council <c@example.org> wrote:\n"
    if quoted:  # Thunderbird quotes the whole form, the person's words too
        form = _quoted(form)
    reading = _read(body + form)
    assert reading.problems == ()
    assert reading.answers == answers


def test_a_long_other_label_keeps_its_blank_whole_and_the_words_are_read():
    """A long "Other" label wraps: its blank goes whole onto the next line, where a person
    writes over it, and those words are read (they were once split as "(please" / "specify):
    more" and read as an unknown option)."""
    assert "        (please specify): ______" in FORM.splitlines()
    answers = {"eq_ethnic_group": "mixed", "eq_ethnic_mixed": "other"}
    answers["eq_ethnic_mixed.other"] = "Irish and Nigerian"
    reading = _read("My answers.\n\n" + fill_in(answers))
    assert "(please specify): Irish and Nigerian" in fill_in(answers)
    assert {k: v for k, v in reading.answers.items() if k.startswith("eq_eth")} == answers
