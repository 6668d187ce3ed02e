"""Reading replies: real-looking messages from common mail clients, and each rule of the reader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from mailtools import ABOUT, ABOUT_ANSWERS

from surveykit import Engine, get_plugins, load_spec, loads_spec
from surveykit_email.form import write_form
from surveykit_email.htmltext import html_to_text
from surveykit_email.matching import FUZZY_MARGIN, FUZZY_THRESHOLD, OptionMatcher, normalise
from surveykit_email.mime import extract, unflow
from surveykit_email.parse import PROBLEM_CODES, ReplyReader, read_reply

ROOT = Path(__file__).resolve().parents[2]
REPLIES = Path(__file__).parent / "replies"
TAKING_STOCK = load_spec(ROOT / "specs" / "taking_stock.toml")
REFERENCE = "SK-2TX4-64WF-G91Z"
HART = {
    "role": "leader",
    "authority_type": "district",
    "authority": "Hart District Council",
    "consent": "no_quote",
}

#: Each fixture: the answers read with certainty, and the review reasons, in order.
EXPECTED = {
    "gmail_top_posted.eml": (
        {
            "role": "leader",
            "authority_type": "county",
            "authority": "Kent County Council",
            "q1": "some_changes",
            "q2": "More emphasis on peer support for smaller districts.",
            "q13": "yes",
            "q14": "no",
            "q18": "new_inspectorate",
            "consent": "quote_anonymous",
        },
        (),
    ),
    "gmail_inline.eml": (
        {
            "role": "chief_executive",
            "authority_type": "unitary",
            "authority": "Medway Council",
            "q1": "dont_know",
            "q9": "yes_unless_exceptional",
            "q13": "no",
            "q15": "yes",
            "q16": "yes",
            "q20": "The Better Care Fund support was helpful,\nbut it came late.\n\n"
            "We would like earlier guidance next time.",
            "consent": "no_quote",
        },
        (),
    ),
    "outlook_inline_cp1252.eml": (
        {
            "role": "leader",
            "authority_type": "district",
            "authority": "Dover District Council",
            "q8": "yes",
            "q10": "no",
            "q12": "More support for councils\u2019 finance teams \u2013 especially on "
            "\u201cinvest to save\u201d.",
            "q17": "yes",
            "consent": "quote_named",
        },
        (),
    ),
    "outlook_web_html_only.eml": (
        {
            "role": "other",
            "authority_type": "fire_and_rescue",
            "authority": "Kent Fire & Rescue Service",
            "q13": "yes",
            "q14": "dont_know",
            "q18": "another_existing",
            "consent": "quote_anonymous",
        },
        (),
    ),
    "apple_mail_flowed.eml": (
        {
            "role": "chief_executive",
            "authority_type": "metropolitan",
            "authority": "Wigan Council",
            "q3": "Place-based working should be at the centre of sector-led improvement, with "
            "peer challenges that look at the whole place and not only at the council.",
            "q7": "Yes",
            "consent": "no_quote",
        },
        (),
    ),
    "thunderbird_latin1.eml": (
        {
            "role": "leader",
            "authority_type": "london_borough",
            "authority": "Royal Borough of Kensington and Chelsea",
            "q1": "all_relevant",
            "q15": "no",
            "q21": "The caf\u00e9-style peer sessions were tr\u00e8s utile: more please.",
            "consent": "quote_named",
        },
        (),
    ),
    "question_words_base64.eml": (
        {
            "role": "other",
            "authority_type": "other",
            "authority": "Local Government Improvement Network",
            "q13": "yes",
            "q14": "no",
            "consent": "no_quote",
        },
        ("no_reference",),
    ),
    "ambiguous_option.eml": (HART, ("ambiguous_option",)),
    "unknown_option.eml": (HART, ("unknown_option",)),
    "several_options.eml": (HART, ("several_options",)),
    "hidden_answer.eml": ({**HART, "q13": "no"}, ("invalid_answer",)),
    "duplicate_answer.eml": (HART, ("duplicate_answer",)),
    "bad_reference.eml": ({**HART, "q8": "yes"}, ("bad_reference",)),
    "no_reference.eml": ({**HART, "q8": "no"}, ("no_reference",)),
    "unclear_mark.eml": (
        {},
        (
            "ambiguous_option",
            "missing_answer",
            "missing_answer",
            "missing_answer",
            "missing_answer",
        ),
    ),
    "no_answers.eml": ({}, ("no_answers",)),
    "letter.eml": ({}, ("unplaced_text", "no_answers")),
    "attachments_only.eml": ({}, ("attachments_only",)),
}


def test_every_fixture_has_an_expectation():
    """No fixture is left untested."""
    assert sorted(p.name for p in REPLIES.glob("*.eml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_replies_are_read_as_expected(name):
    """Each client's reply gives exactly the expected answers and review reasons."""
    answers, codes = EXPECTED[name]
    reading = read_reply((REPLIES / name).read_bytes(), TAKING_STOCK)
    assert reading.answers == answers
    assert reading.codes == codes
    assert set(reading.codes) <= set(PROBLEM_CODES)
    assert reading.clean is (not codes)
    assert Engine(TAKING_STOCK).clean(reading.answers) == reading.answers
    if not any(code.endswith("reference") for code in codes):
        assert reading.reference == REFERENCE


def test_headers_are_read_and_normalised():
    """Sender lower-cased, encoded words decoded, the date aware, the message id kept."""
    reading = read_reply((REPLIES / "question_words_base64.eml").read_bytes(), TAKING_STOCK)
    assert reading.sender == "zoe.ng@lgin.example"
    assert reading.sender_name == "Zo\u00eb Ng"
    assert reading.subject == "Re: Taking stock \u2013 my answers"
    assert reading.sent_at == dt.datetime(2015, 3, 13, 16, 59, tzinfo=dt.UTC)
    assert reading.message_id == "<q-words-1@lgin.example>"
    outlook = read_reply((REPLIES / "outlook_inline_cp1252.eml").read_bytes(), TAKING_STOCK)
    assert outlook.sender_name == "Watkins, Paul"


def _message(body: str, *, headers: str = "", charset: str = "utf-8") -> bytes:
    head = (
        "From: A Person <Person@Example.org>\r\nSubject: Re: form\r\n"
        "Date: Thu, 12 Mar 2015 10:00:00\r\nMessage-ID: <m1@example.org>\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset={charset}\r\n{headers}\r\n"
    )
    return head.encode() + body.replace("\n", "\r\n").encode(
        charset if charset != "x-unknown" else "utf-8"
    )


def _read(body: str, **kwargs):
    return read_reply(_message(body, **kwargs), TAKING_STOCK)


def test_a_date_without_a_zone_is_read_as_utc():
    """A Date header with no offset still gives an aware time."""
    assert _read(ABOUT).sent_at == dt.datetime(2015, 3, 12, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "line",
    ["13. Yes", "13: yes", "13) YES", "Q13: Yes", "Q13 yes", "q.13 - yes", "Question 13 - Yes"],
)
def test_every_label_style_is_read(line):
    """Numbered, "Q"-prefixed and "Question" labels are all read."""
    reading = _read(ABOUT + line + "\n")
    assert reading.answers == {**ABOUT_ANSWERS, "q13": "yes"}
    assert reading.codes == ("no_reference",)


def test_an_unknown_charset_falls_back_to_utf8():
    """A charset Python does not know is read as UTF-8 rather than refused."""
    reading = _read(ABOUT + "21. Caf\u00e9 culture\n", charset="x-unknown")
    assert reading.answers["q21"] == "Caf\u00e9 culture"


def test_answers_under_the_quoted_question_are_read():
    """A typed option under the quoted question text is that question's answer."""
    form = "\n".join(f"> {line}".rstrip() for line in write_form(TAKING_STOCK).splitlines())
    form = form.replace(">     [ ] Don't know\n>\n> 9.", ">     [ ] Don't know\nno\n>\n> 9.", 1)
    reading = _read(ABOUT + "\nOn Thu, Kate wrote:\n" + form)
    assert reading.answers == {**ABOUT_ANSWERS, "q8": "no"}


def test_a_signature_with_numbers_is_not_read_as_answers():
    """Address lines after "-- " are not labels, however they start."""
    reading = _read(ABOUT + "\n-- \nJane\n1. High Street\n13: Nowhere\n")
    assert reading.answers == ABOUT_ANSWERS


def test_a_free_text_answer_ends_at_the_next_label_or_signature():
    """A multi-paragraph answer runs on until a later label, and stops at "Kind regards"."""
    body = ABOUT + "3. First paragraph.\n\nSecond paragraph.\n4. Short.\n\nKind regards,\nJo\n"
    reading = _read(body)
    assert reading.answers["q3"] == "First paragraph.\n\nSecond paragraph."
    assert reading.answers["q4"] == "Short."


def test_a_numbered_list_in_an_answer_at_the_top_goes_to_review():
    """ "1." inside the answer to question 3 may be question 1's answer: review, not a guess."""
    reading = _read(ABOUT + "3. We suggest:\n1. more peers\n2. less data\n")
    assert "q3" not in reading.answers
    assert "q1" not in reading.answers
    assert "unclear_text" in reading.codes


def test_a_numbered_list_inside_the_form_is_part_of_the_answer():
    """Under "Your answer:" a numbered list is just the answer."""
    area = "sector-led improvement?\n    (Up to 5,000 characters.)\n    Your answer:\n"
    form = write_form(TAKING_STOCK).replace(area, area + "1. more peers\n2. less data\n", 1)
    reading = _read(ABOUT + "\n" + form)
    assert reading.answers["q3"] == "1. more peers\n2. less data"
    assert "q1" not in reading.answers


@pytest.mark.parametrize(
    "separator",
    [
        "On Thu, 12 Mar 2015 at 09:00, Kate Cooper <kate@example.org> wrote:",
        "On Thu, 12 Mar 2015 at 09:00, Kate Cooper <\nkate@example.org> wrote:",
        "-----Original Message-----",
        "________________________________\nFrom: Kate Cooper\nSent: 12 March 2015",
        "From: Kate Cooper <kate@example.org>\nSent: 12 March 2015 09:00\nTo: Jo",
    ],
)
def test_reply_headers_end_an_answer(separator):
    """The quoted message's header is not part of the last answer written above it."""
    reading = _read(ABOUT + "21. No more comments.\n" + separator + "\nold text\n")
    assert reading.answers["q21"] == "No more comments."


def test_a_text_answer_over_its_limit_is_invalid():
    """The engine's checks apply: an authority name over 200 characters goes to review."""
    reading = _read(ABOUT.replace("A3. Kent", "A3. " + "K" * 201))
    assert "authority" not in reading.answers
    assert "invalid_answer" in reading.codes


def test_missing_required_answers_go_to_review():
    """A reply without the required questions cannot be submitted as it is."""
    reading = _read("13. Yes\n")
    assert reading.answers == {"q13": "yes"}
    assert reading.codes.count("missing_answer") == 4


def test_the_same_answer_twice_is_not_a_conflict():
    """Answering at the top and ticking the same option in the form agree: no problem."""
    form = write_form(TAKING_STOCK, reference=REFERENCE).replace(
        "[ ] Yes\n    [ ] No\n    [ ] Don't know\n\n9.",
        "[x] Yes\n    [ ] No\n    [ ] Don't know\n\n9.",
    )
    quoted = "\n".join(f"> {line}" for line in form.splitlines())
    reading = _read(ABOUT + "8. Yes\n\nOn Thu, Kate wrote:\n" + quoted)
    assert reading.answers == {**ABOUT_ANSWERS, "q8": "yes"}
    assert reading.clean


def test_two_different_references_are_a_conflict():
    """A reply holding two valid references belongs to nobody for certain."""
    body = ABOUT + "Reference: SK-2TX4-64WF-G91Z\nReference: SK-BR68-TYT3-Q7D3\n"
    reading = _read(body)
    assert reading.reference is None
    assert reading.codes == ("conflicting_reference",)


def test_multi_choice_questions_take_several_options():
    """Ticks and typed lists both give a multi-choice answer in the spec's option order."""
    spec = loads_spec(
        '[consultation]\nid = "m"\ntitle = "M"\npublisher = "P"\ncloses = 2099-01-01\n'
        '[[sections]]\nid = "s"\ntitle = "S"\n[[sections.questions]]\nid = "tools"\n'
        'number = "1"\ntext = "Which tools do you use?"\nkind = "multi"\noptions = [\n'
        '{ value = "lg_inform", label = "LG Inform" },\n'
        '{ value = "peer", label = "Peer challenge" },\n'
        '{ value = "none", label = "None of these" },\n]\n'
    )
    typed = read_reply(_message("1. Peer challenge, LG Inform\n"), spec)
    assert typed.answers == {"tools": ["lg_inform", "peer"]}
    form = (
        write_form(spec)
        .replace("[ ] LG Inform", "[x] LG Inform")
        .replace("[ ] None of these", "[X] None of these")
    )
    ticked = read_reply(_message(form), spec)
    assert ticked.answers == {"tools": ["lg_inform", "none"]}


def test_a_reader_can_be_built_once_and_reused():
    """ReplyReader reads many replies with one engine; read_reply gives the same reading."""
    reader = ReplyReader(TAKING_STOCK, kinds=get_plugins().kinds)
    raw = (REPLIES / "gmail_inline.eml").read_bytes()
    assert reader.read(raw) == read_reply(raw, TAKING_STOCK)


# Matching ----------------------------------------------------------------------------------


def _q(number: str) -> OptionMatcher:
    return OptionMatcher(next(q for q in TAKING_STOCK.questions if q.number == number))


def test_the_documented_confidence_is_what_the_code_uses():
    """The threshold and margin in the docs are the constants in the code."""
    docs = (ROOT / "docs" / "email-replies.md").read_text(encoding="utf-8")
    assert f"`FUZZY_THRESHOLD = {FUZZY_THRESHOLD}`" in docs
    assert f"`FUZZY_MARGIN = {FUZZY_MARGIN}`" in docs


@pytest.mark.parametrize(
    ("number", "typed", "value"),
    [
        ("13", "yes", "yes"),
        ("13", "DON\u2019T KNOW.", "dont_know"),
        ("13", "Don t know", "dont_know"),
        ("1", "No", "none_relevant"),
        ("1", "dont know", "dont_know"),
        ("A2", "Metropolitan borugh council", "metropolitan"),
        ("A2", "council metropolitan borough", "metropolitan"),
        ("18", "Another existing inspectorate", "another_existing"),
    ],
)
def test_options_are_matched_exactly_by_leading_words_or_safely_fuzzily(number, typed, value):
    """Case, punctuation, leading words, slips and word order are all forgiven."""
    assert _q(number).match(typed).value == value


@pytest.mark.parametrize(
    ("number", "typed", "code"),
    [
        ("9", "Yes", "ambiguous_option"),
        ("13", "Yse", "unknown_option"),
        ("13", "Nope", "unknown_option"),
        ("1", "A Don't know", "unknown_option"),
        ("A2", "council", "unknown_option"),
        ("13", "", "unknown_option"),
    ],
)
def test_doubtful_options_are_not_guessed(number, typed, code):
    """Short slips, extra words and words shared by several labels are never guessed."""
    match = _q(number).match(typed)
    assert match.value is None
    assert match.code == code


def test_a_close_second_option_makes_a_slip_ambiguous():
    """When two labels are both within the threshold and close together, neither is taken."""
    spec = loads_spec(
        '[consultation]\nid = "m"\ntitle = "M"\npublisher = "P"\ncloses = 2099-01-01\n'
        '[[sections]]\nid = "s"\ntitle = "S"\n[[sections.questions]]\nid = "q"\n'
        'text = "Which?"\nkind = "single"\noptions = [\n'
        '{ value = "a", label = "Council report" },\n'
        '{ value = "b", label = "Council reports" },\n]\n'
    )
    match = OptionMatcher(spec.questions[0]).match("Council reportz")
    assert match.value is None
    assert match.code == "ambiguous_option"
    assert set(match.candidates) == {"a", "b"}


def test_normalising_ignores_case_apostrophes_and_punctuation():
    """Only letters and digits count, in lower case."""
    assert normalise("  Don\u2019t  KNOW!! ") == "dont know"
    assert normalise("Yes \u2013 all") == "yes all"


# MIME and HTML ---------------------------------------------------------------------------------


def test_flowed_text_is_joined_back_up():
    """Soft line breaks (a trailing space) join; quoted depth is kept; "-- " stays."""
    assert unflow("one \ntwo\n> three \n> four\n-- \nsig") == "one two\n> three four\n-- \nsig"


def test_html_blockquotes_become_quote_marks():
    """Blockquotes become "> " and line breaks are kept; scripts and styles are dropped."""
    html = (
        "<html><head><style>p{}</style></head><body><div>Top</div><blockquote><div>"
        "[x]&nbsp;Yes</div><blockquote><p>deeper</p></blockquote></blockquote>"
        "<script>x()</script><div>a<br>b</div></body></html>"
    )
    assert html_to_text(html) == "Top\n> [x] Yes\n> > deeper\na\nb"


def test_a_message_with_only_html_is_read_from_its_html():
    """No text/plain part: the HTML part is turned into text."""
    raw = (
        b"From: a@example.org\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>A1. Leader</p><p>13. Yes</p>"
    )
    found = extract(raw)
    assert found.text == "A1. Leader\n13. Yes"
    assert found.attachments == ()


N = 200_000


@pytest.mark.parametrize(
    ("body", "html"),
    [
        ("SK" + " " * N + "x", False),
        ("q" + " " * N + "x", False),
        ("Question" + " " * N + ".", False),
        ("13. Yes" + " " * N + ",", False),
        ("13. a" + " " * N + "b", False),
        ("    [ ] Yes" + " " * N + "y", False),
        ("On " + "x" * N, False),
        ("1." + " " * N + "\n> " * 1000, False),
        ("<p" * (N // 2), True),
        ("<input type=checkbox" + " x" * N, True),
        ("<blockquote>" * 5000 + "13. Yes", True),
    ],
)
def test_hostile_shapes_are_read_in_linear_time(body, html):
    """Long runs that would make a careless pattern quadratic are read (or the suite would hang)."""
    kind = "html" if html else "plain"
    raw = f"From: a@example.org\r\nContent-Type: text/{kind}\r\n\r\n{body}".encode()
    reading = read_reply(raw, TAKING_STOCK)
    assert reading.problems


def test_a_form_with_introductions_and_a_link_reads_the_same():
    """Numbered lists in section introductions and the link line are the form's, not answers."""
    form = write_form(
        TAKING_STOCK, reference=REFERENCE, link="https://consult.example.org/r/abc", intros=True
    )
    assert "\n1. Understanding of local context" in form
    filled = form.replace("    [ ] Leader", "    [x] Leader").replace(
        "    [ ] District council", "    [x] District council"
    )
    quoted = "\n".join(f"> {line}".rstrip() for line in filled.splitlines())
    reading = _read(
        "A3. Hart\nB1. Do not quote my response; count it only in totals\n\n"
        "On Thu, Kate wrote:\n" + quoted
    )
    assert reading.answers == {**HART, "authority": "Hart"}
    assert reading.clean


@pytest.mark.parametrize(
    ("line", "answer"),
    [
        ("[x] No", "no"),
        ("[ X ] No", "no"),
        ("[\u2714] No", "no"),
        ("\u2612 No", "no"),
        ("x [ ] No", "no"),
        ("[ ] No <--", "no"),
        ("[ ] No", None),
        ("\u2610 No", None),
    ],
)
def test_tick_styles(line, answer):
    """Every common way of ticking a box is a tick; an empty box is not."""
    form = write_form(TAKING_STOCK, reference=REFERENCE).replace(
        "    [ ] No\n    [ ] Don't know\n\n14.", f"    {line}\n    [ ] Don't know\n\n14."
    )
    reading = _read(ABOUT + "\n" + form)
    assert reading.answers.get("q13") == answer
    assert reading.clean


def test_only_doubts_about_the_sender_leave_the_answers_clean():
    """No reference: not clean, but the answers themselves are certain."""
    reading = _read(ABOUT)
    assert not reading.clean
    assert reading.answers_clean
    assert not _read(ABOUT + "13. Maybe\n").answers_clean


def test_an_answer_running_into_the_form_goes_to_review():
    """A form pasted below the answers without a reply header is not read as part of one."""
    reading = _read(ABOUT + "21. No more comments.\n\n" + write_form(TAKING_STOCK))
    assert "q21" not in reading.answers
    assert "unclear_text" in reading.codes


def test_a_long_line_of_angle_brackets_is_read_in_linear_time():
    """A header-like line built to make the "<address> wrote:" pattern backtrack is cheap."""
    raw = ("From: a@example.org\r\n\r\n" + "<" * 300 + "a" * N + ":").encode()
    assert read_reply(raw, TAKING_STOCK).codes == ("no_reference", "no_answers")
