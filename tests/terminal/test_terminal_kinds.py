"""Every question kind in the terminal form: the residents' survey answered and keyed in through
plain lines, stored in a real SQLite file; a kind the plugin has never heard of; and the
property that whatever the engine accepts can be typed back in."""

from __future__ import annotations

import datetime as dt
import io
import sys
import types
from typing import Any

import pytest
from attrs import evolve
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from termtools import ROOT, stored

from surveykit import (
    EMPTY,
    Consultation,
    Engine,
    KnownRespondent,
    Metadata,
    Plugins,
    Question,
    Rejected,
    Section,
    SubmitService,
    hookimpl,
    load_spec,
    open_store,
)
from surveykit.cli import main
from surveykit.identity import Secret
from surveykit.kinds import parts_of
from surveykit.roster import RosterEntry, plan_links
from surveykit.testing_kinds import answers_for, questions_for
from surveykit_terminal import Entry, PlainPrompter, TerminalForm, Walk
from surveykit_terminal.asking import asking_for, read_ranking, typed_text

RESIDENTS = ROOT / "specs" / "examples" / "residents_survey.toml"


@pytest.fixture
def residents(tmp_path):
    """The residents' survey without its opening date (11 January 2027), so that it is open
    now, until it closes on 9 April 2027 (the tests that answer it reopen it further)."""
    text = RESIDENTS.read_text(encoding="utf-8")
    assert "\nopens = 2027-01-11\n" in text
    path = tmp_path / "residents.toml"
    path.write_text(text.replace("\nopens = 2027-01-11\n", "\n"), encoding="utf-8")
    return path


def run(argv: list[str], lines: list[str], monkeypatch, capsys) -> tuple[int, str]:
    """Run `surveykit ARGV` in this process with LINES as its (non-terminal) standard input."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, _err = capsys.readouterr()
    return code, out


def answer(residents, db, token, lines, monkeypatch, capsys):
    argv = ["answer", str(residents), "--db", db, "--token", token, "--open-until", "2099-12-31"]
    return run(argv, lines, monkeypatch, capsys)


#: A resident's whole survey, with a mistake for every kind typed in, going back inside the
#: grid, the ranking refused and corrected, "Other" with words, and changes at the check step.
WHOLE_SURVEY = [
    "SW1A", "sw1a1aa",  # 1 postcode: too short, then in lower case without its space
    "northbridge ",  # 2 town: reveals question 13 (text equality ignores case and spaces)
    "lots", "0", "5",  # 3 household: not a number, too small, then 5: reveals question 4
    "2",  # 4 bedrooms enough: no
    "13/2019", "March 2019",  # 5 moved in: no month 13; March 2019 hides question 6
    "1, 8", "The tip",  # 7 services: bins and "Another service", then its words
    "4", "<", "", "2", "", "2", "1",  # 8 grid: parks, back to it and keep it; bins blank
    "The swings in Victoria Park are broken",  # 9: shown because parks is "disagree"
    "3, 1, 3", "3, 9", "1, 2, 3, 4", "3, 1", "n", "3, 1", "",  # 10 ranking, confirmed
    "Youth clubs",  # 11: shown because fewer than three were ranked
    "£12.505", "£1,000", "£12.50",  # 12 amount: too precise, too large, then right
    "A market square",  # 13: Northbridge only
    "5", "At the bus stop",  # 14 heard about it: "Somewhere else", then where
    "1",  # 16 updates: yes, which shows 17 and 18
    "bob@", "Bob@Example.ORG",  # 17 email: not an address, then one
    "020 7946 001", "01632 960 001",  # 18 phone: a digit short, then a UK number
    "1",  # 19 consent
    "3", "-", "2", "Non-binary",  # E1 25 to 34, E2 unanswered, E3 "No" with its write-in
    "1", "5", "Cornish",  # E4 White, then "Any other White background" with words
    "2", "1", "5",  # E5, E6, E7
    "3", "2",  # at the check step: household 2, which hides question 4
    "7", "1",  # services: bins alone, which clears the words for "Another service"
    "submit",
]  # fmt: skip
STORED = {
    "postcode": "SW1A 1AA",
    "town": "northbridge",
    "household": 2,
    "moved_in": "2019-03",
    "services_used": ["bins"],
    "satisfaction.parks": "disagree",
    "satisfaction.streets": "agree",
    "satisfaction.bins": "agree",
    "satisfaction.contact": "strongly_agree",
    "parks_problem": "The swings in Victoria Park are broken",
    "priorities": ["roads", "social_care"],
    "priorities_missing": "Youth clubs",
    "library_contribution": 12.5,
    "northbridge_centre": "A market square",
    "heard_about": "other",
    "heard_about.other": "At the bus stop",
    "updates": "yes",
    "email": "Bob@example.org",
    "phone": "+441632960001",
    "consent": "quote",
    "eq_age_group": "age_25_34",
    "eq_gender_identity": "no",
    "eq_gender_identity.other": "Non-binary",
    "eq_ethnic_group": "white",
    "eq_ethnic_white": "other",
    "eq_ethnic_white.other": "Cornish",
    "eq_disability": "no",
    "eq_religion": "none",
    "eq_sexual_orientation": "prefer_not_to_say",
}


def test_the_whole_residents_survey_through_a_pipe(residents, db, person, monkeypatch, capsys):
    """Every kind typed as people type it, each mistake explained in the kind's own words and
    asked again, the answers stored normalised, and the check step readable."""
    respondent, token = person("Resident 1", "resident", "", spec=residents)
    code, out = answer(residents, db, token, WHOLE_SURVEY, monkeypatch, capsys)
    assert code == 0, out
    response, _history, draft = stored(db, respondent.id)
    assert (response.answers, response.channel, draft) == (STORED, "cli", None)
    for line in [
        '  Type a full postcode, such as SW1A 1AA; "<" goes back; "-" leaves it unanswered.',
        "  Question 1: enter a full UK postcode, like SW1A 2AA. Try again.",
        '  Type a number of people, from 1 to 20; "<" goes back.',
        "  Question 3: enter a number of people, such as 1. Try again.",
        "  Question 3: the number of people must be 1 or more. Try again.",
        "  Question 5: the month must be a number from 1 to 12. Try again.",
        "  Question 10: 'Roads and pavements' is ranked more than once; give each option one "
        "place. Try again.",
        "  Question 10: there is no option 9; use the numbers 1 to 7. Try again.",
        "  Question 10: rank no more than 3 options. Try again.",
        "  Your order:\n  1. Roads and pavements\n  2. Care for older and disabled people\n"
        "  Is this order right? [Y/n] n\n  Type the numbers again, in the order you want.",
        '  Type an amount in £, from £0.00 to £500.00; "<" goes back; "-" leaves it unanswered.',
        "  Question 12: the amount can have at most 2 decimal places, such as £250.00. Try again.",
        "  Question 12: the amount must be £500.00 or less. Try again.",
        "  Question 17: enter an email address in the correct format, like name@example.com. "
        "Try again.",
        "  Question 18: enter a UK telephone number, like 01632 960 001, 07700 900 982 or "
        "+44 808 157 0192. Try again.",
        "Your answer to Question 4 was removed: that question no longer applies.",
    ]:
        assert line in out
    assert "  Type a month and year, such as March " in out
    # The grid is one page: its text once, then each statement with the shared options.
    grid = out[out.index("Question 8 (") : out.index("Question 9 (")]
    assert grid.count("How far do you agree with each statement?") == 1
    assert "\n- Parks and open spaces are well looked after\n  1. Strongly agree\n" in grid
    contact = "\n- It is easy to get in touch with the council\n  By phone, online or in person.\n"
    assert contact in grid
    assert "Enter keeps: Disagree." in grid
    assert "  Question 8 (Bins are collected when they should be): an answer is required." in grid
    # "Please specify" comes after "Other", and only then.
    assert "> 5\n\n- Please specify\n" in out
    assert ("Question 6 (" in out, "Question 15 (" in out) == (False, False)
    summary = out.index("Check your answers")
    first = out[summary : out.index("> 3\n", summary)]
    for shown in [
        "      SW1A 1AA\n",
        "      5 people\n",
        "      March 2019\n",
        "      Bin collections and recycling; Another service: The tip\n",
        "  8. How far do you agree with each statement?\n"
        "      Parks and open spaces are well looked after: Disagree\n"
        "      Streets are kept clean: Agree\n"
        "      Bins are collected when they should be: Agree\n"
        "      It is easy to get in touch with the council: Strongly agree\n",
        "      1. Roads and pavements\n      2. Care for older and disabled people\n",
        "      £12.50\n",
        "      Somewhere else: At the bus stop\n",
        "      Bob@example.org\n",
        "      No, write in gender identity: Non-binary\n",
        "      Any other White background, write in: Cornish\n",
        "  E2. What is your sex?\n      Not answered\n",
    ]:
        assert shown in first
    last = out[out.rindex("Check your answers") :]
    assert ("      2 people\n" in last, "  4. " in last, "Another service" in last) == (
        True,
        False,
        False,
    )


def test_a_draft_resumes_after_the_grid(residents, db, person, monkeypatch, capsys):
    """The input ending after the grid saves its rows; the next run carries on at the first
    question after it, and a change from the check step goes back to the whole grid."""
    respondent, token = person("Resident 2", "resident", "", spec=residents)
    start = ["", "", "3", "", "", "2", "2", "2", "2"]
    code, out = answer(residents, db, token, start, monkeypatch, capsys)
    assert code == 3, out
    _response, _history, draft = stored(db, respondent.id)
    assert draft.answers == {
        "household": 3,
        **{f"satisfaction.{row}": "agree" for row in ("parks", "streets", "bins", "contact")},
    }
    rest = [
        "1", "",  # 10 ranking, confirmed
        "", "", "", "", "2",  # 11, 12, 14 and 16 unanswered; 19 consent
        *[""] * 7,  # the equality section
        "8", "4", "5", "", "",  # change the grid: parks and streets; the rest kept
        "Dog mess",  # 9, which parks "disagree" brings in
        "submit",
    ]  # fmt: skip
    code, out = answer(residents, db, token, rest, monkeypatch, capsys)
    assert code == 0, out
    assert out.index("Carrying on from the draft saved ") < out.index("Question 10 (")
    assert "Enter keeps: Agree." in out[out.rindex("Question 8 (") :]
    response, _history, _draft = stored(db, respondent.id)
    assert response.answers == {
        **draft.answers,
        "satisfaction.parks": "disagree",
        "satisfaction.streets": "strongly_disagree",
        "parks_problem": "Dog mess",
        "priorities": ["social_care"],
        "consent": "no_quote",
    }


def test_an_officer_keys_in_a_paper_survey(residents, db, person, monkeypatch, capsys):
    """`enter` asks the same way; a blank answer is "not answered", and the required ones
    (the household, each grid row, the ranking, consent) are asked again until given."""
    respondent, _token = person("Resident 3", "resident", "", spec=residents)
    lines = [
        "", "", "", "4",  # postcode, town blank; household required
        "", "", "",  # moved in, services blank; grid row 1 blank is refused...
        "1", "1", "1", "1",  # ...so each row is given
        "", "", "2 > 5", "",  # priorities: blank refused, then by number with ">", confirmed
        "", "",  # 11 (fewer than three), 12
        "4",  # 14 heard about: at a drop-in event, which shows 15
        "", "2", "2",  # 15 event date blank, 16 no, 19 consent
        *[""] * 7,  # the equality section, all optional
        "submit",
    ]  # fmt: skip
    argv = [
        "enter", str(residents), "--db", db, "--respondent", "Resident 3",
        "--received-at", "2026-11-30",
    ]  # fmt: skip
    code, out = run(argv, lines, monkeypatch, capsys)
    assert code == 0, out
    assert out.count("Question 8 (Parks and open spaces are well looked after): an answer is") == 1
    assert out.count("  Question 10: an answer is required. Try again.") == 2
    date = "Type a date, such as 5 March 2027 or 5/3/2027 (day first), from 11 January 2027 to "
    assert date in out
    response, _history, _draft = stored(db, respondent.id)
    assert (response.channel, response.answers) == (
        "paper",
        {
            "household": 4,
            **{f"satisfaction.{row}": "strongly_agree" for row in ("parks", "streets", "bins")},
            "satisfaction.contact": "strongly_agree",
            "priorities": ["housing", "libraries"],
            "heard_about": "event",
            "updates": "no",
            "consent": "no_quote",
        },
    )


# A kind this plugin has never heard of ------------------------------------------------------


class Stars:
    """A third-party kind with no options: answered on one line, read by its own checker."""

    name = "stars"
    description = "a rating from 1 to 5 stars"
    has_options = False
    multiple = False
    has_max_length = False

    def checker(self, question):
        wrong = Rejected("not_a_rating", f"{question.title}: choose from 1 to 5 stars")

        def check(value):
            if value is None or (isinstance(value, str) and not value.strip()):
                return EMPTY
            if isinstance(value, str):
                text = value.strip().removesuffix("stars").removesuffix("star").strip()
                value = len(text) if text and set(text) == {"*"} else text
                value = int(value) if isinstance(value, str) and value.isdigit() else value
            return value if type(value) is int and 1 <= value <= 5 else wrong

        return check


@hookimpl
def surveykit_register_question_kinds(register):
    register(Stars())


def _plugins() -> Plugins:
    plugins = Plugins()
    plugins.load_entry_points()
    module = types.ModuleType("stars_plugin")
    module.surveykit_register_question_kinds = surveykit_register_question_kinds
    plugins.register(module)
    return plugins


def _consultation(*questions: Question) -> Consultation:
    metadata = Metadata(id="c", title="Kinds", publisher="Tests", closes=dt.date(2099, 12, 31))
    placed = tuple(evolve(question, section="s") for question in questions)
    return Consultation(metadata, (Section("s", "Questions", questions=placed),))


def _form(consultation: Consultation, plugins: Plugins, store, lines: list[str]) -> TerminalForm:
    """The terminal form for a new respondent, answering with ``lines``."""
    secret = Secret.generate()
    service = SubmitService(consultation, store, secret, plugins=plugins)
    entry = RosterEntry(2, "Someone", "", "resident", "", "")
    plan = plan_links(store, secret, consultation, [entry], now=dt.datetime.now(dt.UTC))
    plan.commit(store)
    respondent = plan.links[0].respondent
    stdin = io.StringIO("".join(f"{line}\n" for line in lines))
    return TerminalForm(
        service, Entry(KnownRespondent(respondent.id), respondent), PlainPrompter(stdin)
    )


def test_a_third_party_kind_and_a_whole_date(capsys):
    """A kind the terminal does not know gets a line its checker reads; a day's date is
    typed the UK way and shown back in words."""
    consultation = _consultation(
        Question("rating", "How was it?", "stars", number="1", required=True),
        Question(
            "visit",
            "When did you visit?",
            "date",
            number="2",
            settings={"earliest": dt.date(2020, 1, 1), "latest": dt.date(2030, 12, 31)},
        ),
    )
    lines = ["lots", "****", "5/3/2027", "submit"]
    with open_store("memory://") as store:
        form = _form(consultation, _plugins(), store, lines)
        assert form.run() == 0
        [respondent] = store.respondents("c")
        answers = store.response(respondent.id).answers
    out = capsys.readouterr().out
    assert answers == {"rating": 4, "visit": "2027-03-05"}
    assert '\nHow was it?\n  Type your answer on one line; "<" goes back.\n' in out
    assert "  Question 1: choose from 1 to 5 stars. Try again.\n" in out
    assert (
        "  Type a date, such as 5 March 2026 or 5/3/2026 (day first), from 1 January 2020 to "
        "31 December 2030;"
    ).replace("2026", str(dt.date.today().year)) in out
    assert "  2. When did you visit?\n      5 March 2027\n" in out


# Whatever the engine accepts can be typed back in ------------------------------------------

KINDS = ["single", "multi", "text", "number", "date", "email", "uk_postcode", "phone", "grid",
         "ranking"]  # fmt: skip
BLOCK = '"""'


def _typed(asking, value: Any) -> list[str]:
    """The lines someone types to give ``value`` (a stored answer) to one part."""
    part = asking.part
    numbers = {o.value: str(n) for n, o in enumerate(part.options, start=1)}
    if asking.style == "choice":
        return [numbers[value]]
    if asking.style == "choices":
        return [", ".join(numbers[v] for v in value)]
    if asking.style == "ranking":
        return [typed_text(asking, value), "y"]
    text = typed_text(asking, value)
    if asking.style == "text" and ("\n" in text or text in ("<", "-")):
        return [BLOCK, *text.split("\n"), BLOCK]
    return [text]


@st.composite
def _case(draw) -> tuple[Consultation, dict[str, Any]]:
    """A one-question consultation of any built-in kind, and raw answers to its parts that
    a terminal can carry: no carriage returns (Enter is a line break there), and no line
    that is only the block marker."""
    kind = draw(st.sampled_from(KINDS))
    question = draw(questions_for(kind))
    consultation = _consultation(question)
    answers = {}
    for part in parts_of(question, _KINDS):
        if part.required or draw(st.booleans()):
            value = draw(answers_for(part))
            if isinstance(value, str) and part.kind == "text":
                value = value.replace("\r", "")
                assume(value.strip() and BLOCK not in [s.strip() for s in value.split("\n")])
            answers[part.id] = value
    return consultation, answers


_KINDS = _plugins().kinds


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_case())
def test_anything_the_engine_accepts_can_be_typed_in(case):
    """Type each stored answer the way the form shows it (option numbers, a ranking's
    numbers and its confirmation, a date or amount in words, text in a block) and the form
    stores exactly the same answers."""
    consultation, raw = case
    plugins = _plugins()
    engine = Engine(consultation, plugins.kinds)
    checked = engine.check(raw)
    assume(checked.ok)
    [question] = consultation.questions
    shown = engine.visible_parts(checked.answers)
    lines = []
    for part in parts_of(question, plugins.kinds):
        if part.id in shown:
            value = checked.answers.get(part.id, EMPTY)
            asking = asking_for(part, plugins.kinds)
            lines += ["-"] if value is EMPTY else _typed(asking, value)
    with open_store("memory://") as store:
        form = _form(consultation, plugins, store, [*lines, "submit"])
        assert form.run() == 0
        [respondent] = store.respondents("c")
        assert store.response(respondent.id).answers == checked.answers


# The walk over parts ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine():
    return Engine(load_spec(RESIDENTS))


def test_other_words_are_asked_only_while_other_is_chosen(engine):
    """The walk shows "Please specify" once "Other" is among the answers on the page, and
    unchoosing it clears the words without calling that a removed question."""
    walk = Walk(engine, {"household": 2, "heard_about": "other", "heard_about.other": "A friend"})
    walk.go_to("heard_about")
    assert [p.id for p in walk.shown_parts()] == ["heard_about", "heard_about.other"]
    assert [p.id for p in walk.shown_parts({"heard_about": "letter"})] == ["heard_about"]
    assert walk.answer_parts({"heard_about": "letter"}) == []
    assert walk.answers == {"household": 2, "heard_about": "letter"}


def test_a_grid_is_one_page_and_its_rows_change_together(engine):
    """A row's key leads to its grid; back from the question after the grid lands on it; a
    row change that hides a later question removes that answer and names the question."""
    rows = {f"satisfaction.{row}": "disagree" for row in ("parks", "streets", "bins", "contact")}
    walk = Walk(engine, {"household": 2, **rows, "parks_problem": "Dog mess"})
    assert walk.current.id == "priorities"
    walk.go_to("satisfaction.bins")
    assert (walk.current.id, [p.id for p in walk.shown_parts()]) == ("satisfaction", list(rows))
    assert (walk.back(), walk.current.id) == (True, "services_used")
    walk.go_to("parks_problem")
    assert (walk.back(), walk.current.id) == (True, "satisfaction")
    hidden = walk.answer_parts({"satisfaction.parks": "agree"})
    assert ([q.id for q in hidden], "parks_problem" in walk.answers) == (["parks_problem"], False)


def test_hostile_typing_is_refused_in_plain_words(engine):
    """Control characters, huge numbers and rank lists that name nothing are refused, each
    with a reason; nothing of them is kept."""
    walk = Walk(engine)
    town = engine.consultation.question("town")
    walk.go_to("town")
    assert walk.check(town, "North\x1b[31mbridge")[1] == [
        "Question 2: the answer contains a control character (U+001B), which cannot be accepted; "
        "remove it"
    ]
    walk.go_to("household")
    household = engine.consultation.question("household")
    assert walk.check(household, "9" * 400)[1] == [
        "Question 3: enter a number of people, such as 1"
    ]
    ranking = asking_for(engine.consultation.question("priorities"), _KINDS)
    assert read_ranking(ranking.part, "1, 99999999999").message == (
        "Question 10: there is no option 999999; use the numbers 1 to 7"
    )
    assert read_ranking(ranking.part, "libraries > Roads and pavements") == (
        "libraries > Roads and pavements"
    )
