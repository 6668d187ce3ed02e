"""Every word the terminal form shows comes from a catalogue: a made-up language (``qps``, a
private-use tag) whose catalogues wrap each English message in ⟦ ⟧ is registered by a plugin,
and every line a session shows, answering and keying in, with arrow keys and in plain lines,
is then either wrapped or the spec's own text (untranslated into ``qps``, so in English).  A
word the form prints without gettext shows bare, and this test names it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from langterm import PSEUDO, WRAPPED, add_person, bilingual_spec, pseudo_catalogues
from termtools import OPEN_UNTIL, child_env, plain_text

from surveykit import load_spec
from surveykit.translations import texts

BOOT = str(Path(__file__).with_name("pseudo_boot.py"))
DOWN = "\x1b[B"
FINISH = "\x1b\r"
#: What may show bare: the time zone, and the names and words the tests type; and "done",
#: which questionary writes after a finished tick-box list whatever the language (a known gap,
#: docs/terminal.md).
NOT_WORDS = ("Europe/London", "Siân Jones", "Nothing more", "lots", "what", "other", "done")
#: A line typed in plain mode, echoed after its prompt ("> 12"), or after a yes-or-no question.
TYPED = re.compile(r"^\s*> .*$|(?<=\]) [yn]$")


@pytest.fixture
def pseudo(tmp_path):
    """The bilingual example offered in ``qps`` too, an environment whose `surveykit` has the
    pseudo-language's catalogues, and the spec texts that may show bare."""
    spec = bilingual_spec(tmp_path, languages=("en", "cy", PSEUDO))
    catalogues = pseudo_catalogues(tmp_path / "locale")
    env = child_env()
    env["PSEUDO_CATALOGUES"] = "\n".join(f"{c.domain}:{c.language}:{c.path}" for c in catalogues)
    spec_texts = sorted(
        {
            line.strip()
            for t in texts(load_spec(spec))
            for line in t.text.replace("**", "").splitlines()
            if line.strip()
        },
        key=len,
        reverse=True,
    )
    return spec, env, spec_texts


def _bare(output: str, spec_texts: list[str]) -> list[str]:
    """The words of a session's output neither wrapped nor the spec's, with what is left
    around them.  The lines are read as one text, since a terminal wraps a long message."""
    lines = [TYPED.sub("", line) for line in plain_text(output).splitlines()]
    left = " ".join(" ".join(lines).split())
    while WRAPPED.search(left):
        left = WRAPPED.sub(" ", left)
    for text in (*spec_texts, *NOT_WORDS):
        left = left.replace(" ".join(text.split()), " ")
    return [piece.strip() for piece in re.split(r"\s{2,}", left) if re.search(r"[^\W\d_]", piece)]


def _run(env, *args: str, typed: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, BOOT, *args],
        input="\n".join(typed) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_every_line_of_a_plain_session_comes_from_the_catalogue(pseudo, db):
    spec, env, spec_texts = pseudo
    _id, token = add_person(db, spec, "Siân Jones")
    common = ["--db", db, "--lang", PSEUDO, "--open-until", OPEN_UNTIL]
    seen = {}
    # A refused answer, going back, stopping with a draft; then on from the draft, changing
    # an answer at the summary, a typed command that is none, and sending.
    first = _run(env, "answer", str(spec), "--token", token, *common,
                 typed=["9", "1", "<", "", "1, 3", "2", "lots", "12"])  # fmt: skip
    assert first.returncode == 3, first.stdout + first.stderr
    seen["answering, then the input ends"] = first.stdout + first.stderr
    again = _run(env, "answer", str(spec), "--token", token, *common,
                 typed=["", "what", "5", "", "submit"])  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    seen["on from the draft, sent"] = again.stdout + again.stderr
    replaced = _run(env, "answer", str(spec), "--token", token, *common,
                    typed=["-", "submit", "y"])  # fmt: skip
    assert replaced.returncode == 0, replaced.stdout + replaced.stderr
    seen["sent again"] = replaced.stdout + replaced.stderr
    entered = _run(env, "enter", str(spec), "--respondent", "Siân Jones",
                   "--received-at", "2026-01-05", *common,
                   typed=["4", "1", "", "", '"""', "Nothing more", '"""', "submit", "n",
                          "submit", "y"])  # fmt: skip
    assert entered.returncode == 0, entered.stdout + entered.stderr
    seen["keyed in by an officer, replacing"] = entered.stdout + entered.stderr
    closed = _run(env, "answer", str(spec), "--token", token, "--db", db, "--lang", PSEUDO,
                  typed=[])  # fmt: skip
    seen["not open yet"] = closed.stdout + closed.stderr
    unknown = _run(env, "enter", str(spec), "--respondent", "Nobody", *common, typed=[])
    assert unknown.returncode == 1
    seen["no such respondent"] = unknown.stdout + unknown.stderr
    bare = {name: _bare(output, spec_texts) for name, output in seen.items()}
    assert {name: lines for name, lines in bare.items() if lines} == {}


def test_every_line_of_an_arrow_key_session_comes_from_the_catalogue(pseudo, db):
    spec, env, spec_texts = pseudo
    _id, token = add_person(db, spec, "Siân Jones")
    child = pexpect.spawn(
        sys.executable,
        [BOOT, "answer", str(spec), "--db", db, "--token", token, "--lang", PSEUDO,
         "--open-until", OPEN_UNTIL],
        env=env,
        dimensions=(40, 100),
        encoding="utf-8",
        timeout=20,
    )  # fmt: skip
    shown = []

    def answer(number: int, keys: str) -> None:
        child.expect_exact(f"⟦Question {number}⟧")
        shown.append(child.before + child.after)
        child.expect_exact("⟦Your answer")
        shown.append(child.before + child.after)
        child.send(keys)

    answer(1, "1\r")
    answer(2, " \r")
    answer(4, "\r")
    answer(5, "lots\r")  # refused, in the kinds' words
    child.expect_exact("⟦⟦Question 5⟧: enter a number of hours")
    child.send("\x03")  # Ctrl-C: stops, saving a draft
    child.expect(pexpect.EOF)
    shown.append(child.before)
    child.close()
    assert child.exitstatus == 130
    assert _bare("".join(shown), spec_texts) == []


def test_the_check_would_notice_a_bare_word():
    assert _bare("⟦Check your⟧\n⟦answers⟧\n1. Not from it\nEurope/London", []) == ["1. Not from it"]
