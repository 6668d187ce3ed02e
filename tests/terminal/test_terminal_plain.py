"""The terminal form with plain lines: piped scripts, officers keying in letters, refusals."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys

import pytest
from termtools import OPEN_UNTIL, SPEC, SURVEYKIT, child_env, stored

from surveykit import SubmitService, load_spec, open_store
from surveykit.cli import main
from surveykit.identity import load_secret

#: What every command that reopens Taking Stock says first, on standard error.
NOTICE = (
    "Demonstration: open until the end of Thursday 31 December 2099; the consultation really "
    "closes Friday 13 March 2015, end of day.\n"
)
# One line per visible question of Taking Stock (22 of them when every condition is false).
SKIPPING = ["1", "1", "Kent County Council", *[""] * 18, "1"]
EARLIER = {
    "role": "leader",
    "authority_type": "county",
    "authority": "Kent County Council",
    "consent": "no_quote",
}


def run(argv: list[str], lines: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    """Run `surveykit ARGV` in this process with LINES as its (non-terminal) standard input."""
    stdin = io.StringIO("".join(f"{line}\n" for line in lines))
    monkeypatch.setattr(sys, "stdin", stdin)
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_whole_of_taking_stock_through_a_pipe(db, person):
    """A script answers every question through a pipe, with mistakes, going back and a branch."""
    respondent, token = person("Dover District Council", "leader", "district")
    lines = [
        "9", "1", "district", "",  # A1 (a bad number), A2, A3 kept from the roster
        "3", '"""', "Start again", "from scratch", '"""',  # q1 none_relevant, q2 in a block
        "<", "", "-", "", "", "", "",  # back to q2 and keep it; q3-q7 unanswered
        "2", "1", "3", "", "",  # q8 no, q9 yes_all, q10 dont_know, q11, q12
        "1", "2", "<", "<", "2",  # q13 yes, q14 no, back from q15 twice, q13 no
        "1", "1", "1", "4", "", "", "",  # q15 yes, q16 yes, q17 yes, q18 dont_know, q19-q21
        "3", "frobnicate", "submit",  # B1 no_quote, then the summary
    ]  # fmt: skip
    result = subprocess.run(
        [SURVEYKIT, "answer", str(SPEC), "--db", db, "--token", token, "--open-until", OPEN_UNTIL],
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, NOTICE)
    out = result.stdout
    assert "\n  1. Leader\n  2. Chief executive\n  3. Other\n" in out
    assert "  Question A1: there is no option 9; type a number from 1 to 3. Try again.\n" in out
    assert "We have this answer from our records. Change it only if it is wrong." in out
    assert "Your answer to Question 14 was removed: that question no longer applies.\n" in out
    summary = out[out.rindex("Check your answers") :]
    assert ("  13. Is there" in summary, "  14. " in summary) == (True, False)
    assert """  'frobnicate' is not "submit", "save", "<" or a question above. Try again.""" in out
    assert out.endswith("Thank you: your response to Taking stock is stored (version 1).\n")
    response, _history, _draft = stored(db, respondent.id)
    assert response.answers == {
        "role": "leader",
        "authority_type": "district",
        "authority": "Dover District Council",
        "q1": "none_relevant",
        "q2": "Start again\nfrom scratch",
        "q8": "no",
        "q9": "yes_all",
        "q10": "dont_know",
        "q13": "no",
        "q15": "yes",
        "q16": "yes",
        "q17": "yes",
        "q18": "dont_know",
        "consent": "no_quote",
    }


def test_a_closed_consultation_is_refused_before_any_question(db, person, monkeypatch, capsys):
    """Without --open-until, Taking Stock (closed 13 March 2015) asks nothing and exits 1,
    saying in the same line how to reopen it for a demonstration."""
    _respondent, token = person()
    code, out, err = run(
        ["answer", str(SPEC), "--db", db, "--token", token], ["1"], monkeypatch, capsys
    )
    assert (code, err) == (
        1,
        "Error: Taking stock closed on Friday 13 March 2015, end of day (Europe/London); "
        "it no longer accepts responses; to reopen it for a demonstration, set "
        "SURVEYKIT_OPEN_UNTIL or pass --open-until\n",
    )
    assert ("Question" in out, sys.stdin.tell()) == (False, 0)


def test_answering_again_warns_and_replaces_the_earlier_response(db, person, monkeypatch, capsys):
    """A second go starts from the earlier answers and asks before replacing them."""
    respondent, token = person()
    consultation = load_spec(SPEC).reopened_until(dt.date(2099, 12, 31))
    with open_store(db) as store:
        SubmitService(consultation, store, load_secret(None)).submit(token, EARLIER, channel="web")
    argv = ["answer", str(SPEC), "--db", db, "--token", token, "--open-until", OPEN_UNTIL]
    code, out, _err = run(argv, ["submit", "n", "B1", "2", "submit", "y"], monkeypatch, capsys)
    assert code == 0
    assert "Note: you already sent a response on " in out
    assert "Your earlier answers are filled in: change any you like.\n" in out
    assert "Replace your earlier response? [y/N] n\nNothing was submitted.\n" in out
    assert out.endswith(
        "Thank you: your response to Taking stock is stored (version 2). It replaces your "
        "earlier response, which no longer counts.\n"
    )
    response, history, _draft = stored(db, respondent.id)
    assert (response.answers, response.channel, len(history)) == (
        {**EARLIER, "consent": "quote_anonymous"},
        "cli",
        2,
    )


def test_an_officer_keys_in_a_letter_received_before_the_closing_date(
    db, person, monkeypatch, capsys
):
    """`enter` finds the respondent by email and stores a paper response judged by its arrival."""
    respondent, _token = person(email="leader@kent.example")
    argv = [
        "enter", str(SPEC), "--db", db, "--respondent", "Leader@Kent.example",
        "--received-at", "2015-03-12",
    ]  # fmt: skip
    code, out, _err = run(argv, [*SKIPPING, "submit"], monkeypatch, capsys)
    assert code == 0
    assert (
        "Keying in a paper response from Kent County Council (leader), received 2015-03-12 00:00 "
        "(Europe/London).\n"
    ) in out
    assert out.endswith(
        "Stored version 1 of the response from Kent County Council (leader) by paper, received "
        "2015-03-12 00:00 (Europe/London).\n"
    )
    response, _history, _draft = stored(db, respondent.id)
    assert (response.channel, response.received_at, response.answers) == (
        "paper",
        dt.datetime(2015, 3, 12, tzinfo=dt.UTC),
        {
            "role": "leader",
            "authority_type": "county",
            "authority": "Kent County Council",
            "consent": "quote_named",
        },
    )


def test_an_officer_adds_a_new_respondent_and_resumes_the_draft(db, monkeypatch, capsys):
    """`enter --new` adds the respondent; the end of input saves a draft the next run offers."""
    argv = [
        "enter", str(SPEC), "--db", db, "--respondent", "Dover District Council", "--new",
        "--authority-type", "district", "--role", "other", "--email", "clerk@dover.example",
        "--open-until", OPEN_UNTIL,
    ]  # fmt: skip
    code, out, _err = run(argv, ["3"], monkeypatch, capsys)
    assert code == 3
    assert "Added Dover District Council (other) as a respondent.\n" in out
    # The roster (the officer's --new details) answers About you: kept with the draft.
    assert "The input ended: your 3 answers are saved as a draft at " in out
    with open_store(db) as store:
        [respondent] = store.respondents("taking-stock")
    assert (respondent.authority, respondent.email, respondent.origin) == (
        "Dover District Council",
        "clerk@dover.example",
        "roster",
    )
    _response, _history, draft = stored(db, respondent.id)
    assert draft.answers == {
        "role": "other",
        "authority_type": "district",
        "authority": "Dover District Council",
    }

    again = ["enter", str(SPEC), "--db", db, "--respondent", "clerk@dover.example"]
    code, out, _err = run([*again, "--open-until", OPEN_UNTIL], ["y"], monkeypatch, capsys)
    assert code == 3
    assert "There is a draft with 3 answers, saved " in out
    assert out.index("Carrying on from the draft saved ") < out.index("Question 1 (4 of 22)")


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        (
            ["--respondent", "kent county council"],
            "Error: 2 respondents match 'kent county council': Kent County Council "
            "(chief_executive), Kent County Council (leader); narrow it with --role or give an "
            "email address\n",
        ),
        (
            ["--respondent", "Nowhere"],
            "Error: no respondent matches 'Nowhere': check the spelling, give an email address, "
            "or add --new to add them\n",
        ),
        (
            ["--respondent", "Kent County Council", "--new", "--role", "leader",
             "--authority-type", "county"],
            "Error: Kent County Council (leader) is already a respondent (same name or email "
            "address); leave out --new\n",
        ),
        (
            ["--respondent", "Kent County Council", "--role", "leader",
             "--received-at", "2099-01-01"],
            "Error: --received-at 2099-01-01 is in the future\n",
        ),
        (
            ["--respondent", "Kent County Council", "--role", "leader",
             "--received-at", "2015-03-14"],
            "Error: Taking stock closed on Friday 13 March 2015, end of day (Europe/London); "
            "this response was received 2015-03-14 00:00 (Europe/London); it no longer accepts "
            "responses; to reopen it for a demonstration, set SURVEYKIT_OPEN_UNTIL or pass "
            "--open-until\n",
        ),
    ],
    ids=["ambiguous", "unknown", "already-there", "future", "received-late"],
)  # fmt: skip
def test_enter_refuses_in_one_line(db, person, monkeypatch, capsys, extra, error):
    """Each refusal is one line on stderr and exit 1, before any question is asked."""
    person(role="leader")
    person(role="chief_executive")
    argv = ["enter", str(SPEC), "--db", db, "--received-at", "2015-03-12", *extra]
    code, out, err = run(argv, [], monkeypatch, capsys)
    assert (code, err, "Question" in out) == (1, error, False)


def test_choosing_several_options_and_the_summary_commands(db, person, pets, monkeypatch, capsys):
    """Numbers pick several options; "<" at the summary goes back; "save" keeps a draft."""
    respondent, token = person(spec=pets)
    lines = ["", "1, 3,3", "<", "2 1", "far too long text", "Loyal", "save"]
    code, out, _err = run(
        ["answer", str(pets), "--db", db, "--token", token], lines, monkeypatch, capsys
    )
    assert code == 0
    assert "  Question 1: an answer is required. Try again.\n" in out
    assert "Enter keeps: Cat; Fish." in out
    assert "  Question 2: the answer is 17 characters long; the limit is 10. Try again.\n" in out
    assert "Your answers are saved as a draft at " in out
    _response, _history, draft = stored(db, respondent.id)
    assert draft.answers == {"pets": ["cat", "dog"], "why": "Loyal"}
