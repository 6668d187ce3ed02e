"""The bilingual example answered wholly in Welsh in a real pseudo-terminal: Cymraeg chosen
at the first question, a number refused in Welsh and typed again as "12 awr", the response
sent; no English on any screen but what the spec leaves untranslated, and the stored answers
the same as the same answers given in English."""

from __future__ import annotations

import io
import os
import subprocess

import pexpect
import pytest
from langterm import add_person, bilingual_spec, english_in, english_phrases, translated_sources
from termtools import OPEN_UNTIL, SURVEYKIT, child_env, plain_text, stored

from surveykit import load_spec

DOWN = "\x1b[B"
FINISH = "\x1b\r"  # Esc then Enter ends a multi-line answer
CTRL_U = "\x15"  # clears the line typed so far
WELSH_ANSWERS = {
    "visits": "weekly",
    "uses": ["books", "study"],
    "when": ["weekday_evenings", "sunday"],
    "hours": 12,
    "comments": "Dim byd arall, diolch",
}


@pytest.fixture(autouse=True)
def _needs_a_pty():
    if not hasattr(os, "openpty"):
        pytest.skip("needs a pseudo-terminal")


@pytest.fixture
def spec(tmp_path):
    return bilingual_spec(tmp_path)


class Session:
    """`surveykit answer` in a pseudo-terminal; everything shown is kept, screen by screen."""

    def __init__(self, spec, db: str, token: str, *extra: str) -> None:
        self.log = io.StringIO()
        self.child = pexpect.spawn(
            SURVEYKIT,
            ["answer", str(spec), "--db", db, "--token", token, "--open-until", OPEN_UNTIL,
             *extra],
            env=child_env(),
            dimensions=(40, 100),
            encoding="utf-8",
            timeout=20,
        )  # fmt: skip
        self.child.logfile_read = self.log
        self.screens: list[str] = []

    def expect(self, text: str) -> str:
        self.child.expect_exact(text)
        shown = plain_text(self.child.before + self.child.after)
        self.screens.append(shown)
        return shown

    def answer(self, title: str, keys: str) -> str:
        """Wait for the question titled ``title`` and its prompt, then type ``keys``; returns
        what was shown up to the prompt."""
        shown = self.expect(f"{title} (") + self.expect("Eich ateb")
        self.child.send(keys)
        return shown


def test_the_bilingual_example_answered_in_welsh(spec, db):
    respondent_id, token = add_person(db, spec, "Siân Jones")
    term = Session(spec, db, token)
    # Asked first, in both languages, each listed by its own name.
    chooser = term.expect("Cymraeg")
    chooser_question = "Which language would you like to use? / Pa iaith hoffech chi ei defnyddio?"
    assert chooser_question in chooser
    term.child.send(DOWN + "\r")
    first = term.answer("Cwestiwn 1", "1\r")
    assert "Ein llyfrgelloedd: oriau agor" in first
    assert "Arddangosiad: ar agor tan ddiwedd dydd Iau 31 Rhagfyr 2099" in first
    assert "Yn ateb ar ran Siân Jones." in first
    assert "Cwestiwn 1 (1 o 4)" in first
    term.answer("Cwestiwn 2", " " + DOWN + DOWN + " \r")  # Benthyg llyfrau, Astudio
    term.answer("Cwestiwn 4", DOWN + " " + DOWN + DOWN + " \r")  # Gyda'r nos, Dydd Sul
    guidance = term.answer("Cwestiwn 5", "llawer\r")
    assert "(Teipiwch rif (awr), rhwng 0 a 80. Mae Enter yn cadarnhau." in guidance
    assert "Cwestiwn 5: rhowch rif (awr), er enghraifft 0" in term.expect("er enghraifft 0")
    term.child.send(CTRL_U + "12 awr\r")
    term.answer("Cwestiwn 6", WELSH_ANSWERS["comments"] + FINISH)
    summary = term.expect("Beth nesaf?")
    assert "Gwiriwch eich atebion" in summary
    assert "Benthyg llyfrau; Astudio neu weithio" in summary
    assert "      12 awr" in summary
    term.child.send("\r")  # Cyflwyno'r atebion hyn
    term.expect("Diolch: mae eich ymateb i Ein llyfrgelloedd: oriau agor wedi’i gadw")  # noqa: RUF001
    term.child.expect(pexpect.EOF)
    term.screens.append(plain_text(term.child.before))
    term.child.close()
    assert term.child.exitstatus == 0

    english = english_phrases() | translated_sources(load_spec(spec), "cy")
    found = {}
    for screen in term.screens[1:]:  # after the language question, which is in both
        for line in screen.splitlines():
            if line.startswith("? " + chooser_question):
                continue  # the language question, answered
            hits = english_in(line, english)
            if hits:
                found[line] = hits
    assert found == {}, f"English on a Welsh screen: {found}"

    response, _history, _draft = stored(db, respondent_id)
    assert response.answers == WELSH_ANSWERS
    assert response.answers == _answered_in_english(spec, db)


def _answered_in_english(spec, db: str) -> dict:
    """The same answers, given in English by someone else in plain lines: what is stored."""
    respondent_id, token = add_person(db, spec, "Sam Jones")
    typed = ["1", "1, 3", "2, 4", "12 hours", '"""', WELSH_ANSWERS["comments"], '"""', "submit"]
    done = subprocess.run(
        [SURVEYKIT, "answer", str(spec), "--db", db, "--token", token, "--lang", "en",
         "--open-until", OPEN_UNTIL],
        input="\n".join(typed) + "\n",
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Question 5 (4 of 5)" in done.stdout
    assert "Thank you: your response to Our libraries: opening hours is stored" in done.stdout
    response, _history, _draft = stored(db, respondent_id)
    return response.answers
