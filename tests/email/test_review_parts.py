"""`surveykit review accept --set` on the residents' survey: grid statements, "Other" words,
rankings, numbers, dates and contact details, corrected the way an officer types them.

Review items are made the real way: hand-written replies ingested into a SQLite store for a
copy of specs/examples/residents_survey.toml without its opening date, reopened until 2099
(``--open-until``) so that they are open whenever the tests run.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mailtools import enrol

from surveykit import SurveykitError, load_spec, loads_spec
from surveykit.cli import main
from surveykit.storage import open_store
from surveykit_email.review import parse_corrections

ROOT = Path(__file__).resolve().parents[2]
RESIDENTS = ROOT / "specs" / "examples" / "residents_survey.toml"
OPEN = ("--open-until", "2099-12-31")
ROSTER = """authority,authority_type,role,name,email
Northbridge,resident,resident,Pat Jones,pat.jones@example.org
Eastfield,resident,resident,Sam Okafor,sam.okafor@example.net
"""
CONSULTATION = load_spec(RESIDENTS)
PRIORITIES = CONSULTATION.question("priorities")
SERVICES = CONSULTATION.question("services_used")

#: Pat's reply: statement 8d and the household size could not be read.
PAT = """\
1. ex1 1aa
3. four or five of us
5. 3/2019
7. Libraries, Parks and open spaces
Another service - the tip on Hollow Lane
8. Parks: agree
Streets - Disagree
Bins: strongly agree
8d. sort of
10. Affordable housing, Libraries
14. Other: my neighbour told me
16. No
19. No, do not quote me

Thanks,
Pat
"""


def _message(body: str, sender: str, message_id: str) -> bytes:
    head = (
        f"From: {sender}\r\nTo: consultation@example-borough.gov.uk\r\n"
        "Subject: Re: Your council, your say\r\nDate: Mon, 1 Feb 2027 19:02:11 +0000\r\n"
        f"Message-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    )
    return head.encode() + body.replace("\n", "\r\n").encode("utf-8")


@pytest.fixture
def queued(tmp_path, capsys):
    """Pat's reply waiting in review, on a real SQLite file."""
    text = RESIDENTS.read_text(encoding="utf-8").replace("opens = 2027-01-11\n", "")
    assert "opens =" not in text
    spec = tmp_path / "residents.toml"
    spec.write_text(text, encoding="utf-8")
    db = f"sqlite:///{tmp_path}/responses.db"
    enrol(db, spec, ROSTER)
    path = tmp_path / "pat.eml"
    path.write_bytes(_message(PAT, "Pat Jones <pat.jones@example.org>", "<pat@example.org>"))
    ingest = ["ingest", str(spec), "--db", db, str(path), *OPEN]
    assert main(ingest) == 0
    capsys.readouterr()
    with open_store(db) as store:
        [item] = store.review_items("residents-survey-2027", "open")
        assert "'sort of' is not one of the options" in item.detail
    return spec, db


def accept(spec: Path, db: str, *settings: str) -> int:
    sets = (f"--set={s}" for s in settings)
    return main(["review", "accept", str(spec), "--db", db, "1", *OPEN, *sets])


def error_of(capsys) -> str:
    """What the command printed on stderr, less the notice that the consultation is reopened."""
    err = capsys.readouterr().err
    notice, _, rest = err.partition("\n")
    assert notice.startswith("Demonstration: open until the end of Thursday 31 December 2099")
    return rest


def stored(db: str) -> dict:
    with open_store(db) as store:
        item = store.review_item(1)
        response = store.response(item.respondent_id)
        return response.answers if response is not None else {}


def test_a_grid_statement_and_a_number_corrected_by_the_form_s_numbers(queued, capsys):
    """8d by its label in another case, 3 as the respondent might have written it."""
    spec, db = queued
    assert accept(spec, db, "8d=Neither agree nor DISAGREE", "3= 4 people ") == 0
    assert "Accepted review item 1: stored as version 1" in capsys.readouterr().out
    answers = stored(db)
    assert answers["satisfaction.contact"] == "neither"
    assert answers["satisfaction.parks"] == "agree"  # read from the reply, untouched
    assert answers["household"] == 4
    assert answers["services_used.other"] == "the tip on Hollow Lane"
    with open_store(db) as store:
        assert (
            store.review_item(1).note == "accepted with household, satisfaction.contact corrected"
        )


def test_part_keys_rankings_dates_and_contact_details(queued, capsys):
    """Every kind of correction at once, each stored as its kind normalises it."""
    spec, db = queued
    corrections = (
        "satisfaction.contact=strongly_agree",
        "household=3",
        "priorities=Care for older and disabled people,  housing , CLIMATE",
        "moved_in=5 March 2019",
        "library_contribution=£1,250.5",
        "heard_about=Somewhere else",
        "heard_about.other=  a poster in the library  ",
        "updates=yes",
        "email=Pat.Jones@EXAMPLE.org",
        "phone=07700 900982",
        "postcode=sw1a2aa",
        "services_used=bins, Another service",
    )
    assert accept(spec, db, *corrections) == 1  # £1,250.50 is more than the £500 maximum
    assert error_of(capsys).strip() == (
        "Error: --set library_contribution=£1,250.5: Question 12: the amount must be "
        "£500.00 or less"
    )
    assert accept(spec, db, *corrections[:4], "library_contribution=£12.5", *corrections[5:]) == 0
    answers = stored(db)
    assert answers["satisfaction.contact"] == "strongly_agree"
    assert answers["priorities"] == ["social_care", "housing", "climate"]
    assert answers["moved_in"] == "2019-03"
    assert answers["library_contribution"] == 12.5
    assert (answers["heard_about"], answers["heard_about.other"]) == (
        "other",
        "a poster in the library",
    )
    assert answers["email"] == "Pat.Jones@example.org"
    assert answers["phone"] == "+447700900982"
    assert answers["postcode"] == "SW1A 2AA"
    assert answers["services_used"] == ["bins", "other"]
    assert answers["services_used.other"] == "the tip on Hollow Lane"


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        (
            "8d=sort of",
            "--set 8d=sort of: Question 8 (It is easy to get in touch with the council): "
            "'sort of' is not one of its options (strongly_agree, agree, neither, disagree, "
            "strongly_disagree)",
        ),
        (
            "satisfaction.streets=clean",
            "Question 8 (Streets are kept clean): 'clean' is not one of its options",
        ),
        (
            "8=agree",
            "--set 8=agree: Question 8 is a grid: correct each statement on its own, like "
            "8a=... or satisfaction.parks=...",
        ),
        ("3=four or five", "--set 3=four or five: Question 3: enter a number of people"),
        ("household=21", "Question 3: the number of people must be 20 or less"),
        (
            "household=2.5",
            "--set household=2.5: Question 3: enter a whole number of people, such as 1",
        ),
        ("5=31/2/2019", "Question 5: enter a real date: February 2019 has no day 31"),
        ("moved_in=5/3/19", "Question 5: the year must have 4 digits, like 2024"),
        ("moved_in=1900-01", "Question 5: the date must be January 1920 or later"),
        ("email=pat at example dot org", "Question 17: enter an email address"),
        ("postcode=EX1", "Question 1: enter a full UK postcode"),
        ("phone=+33 1 23 45 67 89", "Question 18: enter a UK telephone number"),
        ("priorities=housing, housing", "Question 10: 'Affordable housing' is ranked more"),
        ("priorities=housing, libraries, roads, bins", "Question 10: rank no more than 3 options"),
        ("10=housing, the moon", "Question 10: 'the moon' is not one of its options"),
        ("7=bins, skips", "Question 7: 'skips' is not one of its options"),
        ("heard_about=a friend", "Question 14: 'a friend' is not one of its options"),
        ("99=yes", "--set 99=...: there is no question '99' in this consultation"),
        ("8z=agree", "there is no question '8z'"),
        ("satisfaction.roads=agree", "there is no question 'satisfaction.roads'"),
        ("household", "--set takes QUESTION=VALUE, not 'household'"),
        ("8a=agree\nand more\r\n", "Question 8 (Parks and open spaces are well looked after): "),
    ],
)
def test_a_wrong_correction_is_one_line_naming_the_part(queued, capsys, setting, said):
    """Refused before anything is stored, in one line, and the item stays open."""
    spec, db = queued
    assert accept(spec, db, setting) == 1
    error = error_of(capsys)
    assert error.count("\n") == 1
    assert error.endswith("\n")
    assert said in error
    with open_store(db) as store:
        assert store.review_item(1).open
        assert store.response(store.review_item(1).respondent_id) is None


def test_a_correction_the_form_would_not_ask_is_refused_not_dropped(queued, capsys):
    """Pat said no to updates, so question 17 is hidden: its address would vanish unseen."""
    spec, db = queued
    assert accept(spec, db, "8d=neither", "3=4", "email=pat@example.org") == 1
    assert error_of(capsys) == (
        "Error: --set email: Question 17 is not asked with these answers (it is asked only if "
        'updates == "yes"); correct the answer it depends on too, or leave it out\n'
    )
    assert accept(spec, db, "8d=neither", "3=4", "email=pat@example.org", "16=Yes") == 0
    assert stored(db)["email"] == "pat@example.org"


def test_removing_a_question_removes_its_parts(queued, capsys):
    """`7=` takes away the services and the words of "Another service" with them; a required
    grid statement removed is refused by the usual checks."""
    spec, db = queued
    assert accept(spec, db, "8d=", "3=4") == 1
    assert "Question 8 (It is easy to get in touch with the council): an answer is required" in (
        error_of(capsys)
    )
    assert accept(spec, db, "8d=neither", "3=4", "7=", "14.other=") == 1
    assert "there is no question '14.other'" in error_of(capsys)
    assert accept(spec, db, "8d=neither", "3=4", "q7=", "heard_about.other=") == 0
    answers = stored(db)
    assert "services_used" not in answers
    assert "services_used.other" not in answers
    assert answers["heard_about"] == "other"
    assert "heard_about.other" not in answers


# Without a store: what a --set value means ------------------------------------------------


def _spelt(option, rng: random.Random) -> str:
    """An option as an officer might type it: its value or label, in any case, padded."""
    word = rng.choice([option.value, option.label])
    word = rng.choice([word, word.upper(), word.lower(), word.title()])
    return " " * rng.randint(0, 2) + word + " " * rng.randint(0, 2)


@settings(max_examples=200, deadline=None)
@given(
    order=st.permutations(range(len(PRIORITIES.options))),
    count=st.integers(1, 3),
    seed=st.randoms(use_true_random=False),
)
def test_a_ranking_typed_with_commas_is_read_in_its_order(order, count, seed):
    chosen = [PRIORITIES.options[i] for i in order[:count]]
    typed = ",".join(_spelt(option, seed) for option in chosen)
    assert parse_corrections(CONSULTATION, (f"10={typed}",)) == {
        "priorities": [o.value for o in chosen]
    }


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from(
        ["1", "3", "5", "7", "8a", "8d", "10", "12", "14", "heard_about.other", "15", "17", "18"]
    ),
    text=st.text(st.characters(codec="utf-8"), min_size=1, max_size=80),
)
def test_any_text_is_an_answer_or_one_line_saying_why(name, text):
    """Hostile input: control characters, other scripts, stray commas and equals signs."""
    try:
        parse_corrections(CONSULTATION, (f"{name}={text}",))
    except SurveykitError as error:
        said = str(error)
    else:
        return
    assert said.startswith(f"--set {name}=")
    assert "\n" not in said
    assert "\r" not in said


def test_a_label_that_holds_a_comma_is_found_whole():
    """A multiple-choice label such as "Bins, recycling and waste" is one option, not three."""
    text = RESIDENTS.read_text(encoding="utf-8").replace(
        'label = "Bin collections and recycling" }',
        'label = "Bins, recycling and waste" }',
        1,
    )
    consultation = loads_spec(text)
    assert parse_corrections(consultation, ("7=libraries, bins, recycling and waste",)) == {
        "services_used": ["libraries", "bins"]
    }
    assert SERVICES.options[0].label == "Bin collections and recycling"


def test_a_control_character_in_a_correction_is_named_not_stored():
    """Pasted text with a NUL in it: refused in one line, the character named by its code."""
    with pytest.raises(SurveykitError) as refused:
        parse_corrections(CONSULTATION, ("2=North\x00bridge",))
    assert str(refused.value) == (
        "--set 2=North\x00bridge: Question 2: the answer contains a control character (U+0000); "
        "remove it"
    )
