"""`surveykit answer` in a real pseudo-terminal: arrow-key lists, going back, drafts, branching."""

from __future__ import annotations

import io
import os
import shutil

import pexpect
import pytest
from termtools import OPEN_UNTIL, SPEC, SURVEYKIT, child_env, plain_text, stored

DOWN = "\x1b[B"
FINISH = "\x1b\r"  # Esc then Enter ends a multi-line answer
CTRL_B = "\x02"
CTRL_C = "\x03"


class Terminal:
    """`surveykit answer` running in a pseudo-terminal, answered key by key."""

    def __init__(self, db: str, token: str, *extra: str, spec=SPEC) -> None:
        self.log = io.StringIO()
        self.child = pexpect.spawn(
            SURVEYKIT,
            ["answer", str(spec), "--db", db, "--token", token, "--open-until", OPEN_UNTIL, *extra],
            env=child_env(),
            dimensions=(40, 100),
            encoding="utf-8",
            timeout=20,
        )
        self.child.logfile_read = self.log

    def expect(self, text: str) -> str:
        """Wait for ``text``; returns what was shown since the last wait."""
        self.child.expect_exact(text)
        return plain_text(self.child.before)

    def keys(self, title: str, keys: str) -> None:
        """Wait until the question titled ``title`` is on screen, then type ``keys``."""
        self.expect(f"{title} (")
        self.type(keys)

    def type(self, keys: str) -> None:
        """Wait until the prompt on screen is ready for keys, then type them."""
        self.expect("Your answer")
        self.child.send(keys)

    def choose(self, title: str, number: int) -> None:
        self.keys(title, f"{number}\r")

    def write(self, title: str, text: str = "") -> None:
        self.keys(title, text.replace("\n", "\r") + FINISH)

    def finish(self) -> int:
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus


@pytest.fixture(autouse=True)
def _needs_a_pty():
    if not hasattr(os, "openpty"):
        pytest.skip("needs a pseudo-terminal")


def test_whole_of_taking_stock_in_a_terminal(db, person, tmp_path):
    """A leader answers all of Taking Stock with the keyboard, changes a branch, and submits."""
    respondent, token = person()
    term = Terminal(db, token)
    shown = term.expect("Question A1 (")
    assert "Demonstration: open until the end of Thursday 31 December 2099" in shown
    assert "Answering for Kent County Council (leader)." in shown
    term.type("1\r")
    term.choose("Question A2", 1)
    # The roster has the authority: it is offered, said to come from our records, and kept.
    term.expect("Question A3 (")
    assert "We have this answer from our records." in term.expect("Your answer")
    term.child.send("\r")
    term.choose("Question 1", 2)
    term.write("Question 2", "More peer challenge\nand more support")
    term.keys("Question 3", CTRL_B)
    term.keys("Question 2", FINISH)
    for title in ("Question 3", "Question 4", "Question 5", "Question 6", "Question 7"):
        term.write(title)
    term.choose("Question 8", 1)
    term.choose("Question 9", 2)
    term.choose("Question 10", 1)
    term.write("Question 11")
    term.write("Question 12", "A clearer offer")
    term.choose("Question 13", 1)
    term.choose("Question 14", 1)
    term.keys("Question 15", CTRL_B)
    term.choose("Question 14", 5)  # "Go back"
    term.choose("Question 13", 2)
    assert (
        term.expect("Question 15 (")
        .strip()
        .endswith("Your answer to Question 14 was removed: that question no longer applies.")
    )
    term.type("2\r")
    term.choose("Question 17", 3)
    term.choose("Question 18", 1)
    term.write("Question 19")
    term.write("Question 20")
    term.write("Question 21", "Thank you")
    term.choose("Question B1", 2)
    term.expect("Check your answers")
    summary = term.expect("What next?")
    assert "  13. Is there a continued need for the inspection of services that protect" in summary
    assert "  14. " not in summary
    assert "More peer challenge\n      and more support" in summary
    term.child.send("2\r")  # Change an answer
    term.expect("Which answer?")
    term.child.send(DOWN * 10 + "\r")  # A1 A2 A3 1 2 3 4 5 6 7 [8]
    term.choose("Question 8", 2)
    term.expect("Check your answers")
    term.expect("What next?")
    term.child.send("1\r")
    term.expect("Thank you: your response to Taking stock is stored (version 1).")
    assert term.finish() == 0
    if os.environ.get("SURVEYKIT_RECORD_SESSION"):
        shutil.copyfile(_save(term, tmp_path), os.environ["SURVEYKIT_RECORD_SESSION"])
    response, history, draft = stored(db, respondent.id)
    assert response.answers == {
        "role": "leader",
        "authority_type": "county",
        "authority": "Kent County Council",
        "q1": "some_changes",
        "q2": "More peer challenge\nand more support",
        "q8": "no",
        "q9": "yes_unless_exceptional",
        "q10": "yes",
        "q12": "A clearer offer",
        "q13": "no",
        "q15": "no",
        "q17": "dont_know",
        "q18": "ofsted",
        "q21": "Thank you",
        "consent": "quote_anonymous",
    }
    assert (response.channel, len(history), draft) == ("cli", 1, None)


def test_interrupted_session_resumes_from_its_draft(db, person):
    """Ctrl-C saves a draft; the next run carries on after its last answer; Ctrl-D saves again."""
    respondent, token = person("Leeds City Council", "chief_executive", "metropolitan")
    term = Terminal(db, token)
    term.choose("Question A1", 2)
    term.choose("Question A2", 4)
    term.keys("Question A3", "\r")  # the roster's "Leeds City Council", kept
    term.choose("Question 1", 1)
    term.keys("Question 3", CTRL_C)
    term.expect("Stopped: your 4 answers are saved as a draft at ")
    assert term.finish() == 130
    _response, _history, draft = stored(db, respondent.id)
    assert draft.answers == {
        "role": "chief_executive",
        "authority_type": "metropolitan",
        "authority": "Leeds City Council",
        "q1": "all_relevant",
    }

    again = Terminal(db, token)
    again.expect("Carrying on from the draft saved ")
    again.write("Question 3", "Work with health")
    again.keys("Question 4", "\x04")  # Ctrl-D on an empty answer ends the input
    again.expect("The input ended: your 5 answers are saved as a draft at ")
    assert again.finish() == 3
    _response, _history, draft = stored(db, respondent.id)
    assert draft.answers == {
        "role": "chief_executive",
        "authority_type": "metropolitan",
        "authority": "Leeds City Council",
        "q1": "all_relevant",
        "q3": "Work with health",
    }


def test_plain_mode_in_a_terminal_and_the_end_of_input(db, person):
    """--plain numbers the choices even on a terminal; Ctrl-D at once stops with nothing saved."""
    respondent, token = person()
    term = Terminal(db, token, "--plain")
    shown = term.expect('Type a number; "<" goes back; Enter keeps: Leader.')
    assert (
        "What is your role?\nWe have this answer from our records. Change it only if it is wrong.\n"
        "  1. Leader\n  2. Chief executive\n  3. Other\n"
    ) in shown
    term.child.sendeof()
    term.expect("The input ended: nothing had been answered, so no draft was saved.")
    assert term.finish() == 4  # 3 would mean a draft was saved
    assert stored(db, respondent.id) == (None, [], None)


def test_tick_boxes_for_several_options(db, person, pets):
    """Space ticks options; confirming none is refused with the reason and asked again."""
    respondent, token = person(spec=pets)
    term = Terminal(db, token, spec=pets)
    term.keys("Question 1", "\r")
    term.expect("Question 1: an answer is required. Try again.")
    term.type(" " + DOWN + DOWN + " \r")
    term.expect("What next?")
    term.child.send("1\r")
    term.expect("Thank you: your response to Pets is stored (version 1).")
    assert term.finish() == 0
    response, _history, _draft = stored(db, respondent.id)
    assert response.answers == {"pets": ["cat", "fish"]}


def _save(term: Terminal, tmp_path):
    path = tmp_path / "session.log"
    path.write_text(term.log.getvalue(), encoding="utf-8")
    return path
