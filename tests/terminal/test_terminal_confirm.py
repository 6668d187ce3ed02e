"""The terminal form's last steps: answers from the roster on the check step, and the end of the
input at "Replace ...?", which must store nothing and say so with its own exit status."""

from __future__ import annotations

import datetime as dt
import io
import sys

from termtools import OPEN_UNTIL, SPEC, stored

from surveykit import SubmitService, load_spec, open_store
from surveykit.cli import main
from surveykit.identity import load_secret
from surveykit_terminal.form import EXIT_NOTHING_STORED, FROM_RECORDS

#: One line per visible question of Taking Stock when every condition is false: A1 to A3 kept
#: from the roster (an empty line keeps what is shown), except A2, corrected to "District
#: council"; questions 1 to 21 left as they are; B1 "quote_named".
CORRECTING = ["", "2", "", *[""] * 18, "1"]
EARLIER = {
    "role": "leader",
    "authority_type": "county",
    "authority": "Kent County Council",
    "consent": "no_quote",
}


def run(argv: list[str], lines: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    """Run `surveykit ARGV` in this process with LINES as its (non-terminal) standard input;
    the input ends after the last line."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def _answered(db: str, token: str, answers: dict, *, received: dt.datetime) -> None:
    """A response already stored, by paper, received before Taking Stock closed."""
    with open_store(db) as store:
        SubmitService(load_spec(SPEC), store, load_secret(None)).submit(
            token, answers, channel="paper", received_at=received
        )


def test_the_check_step_marks_answers_from_our_records(db, person, monkeypatch, capsys):
    """A1 and A3, kept from the roster, say so on the check step; A2, corrected, does not; the
    corrected answer is the one stored."""
    respondent, token = person()
    argv = ["answer", str(SPEC), "--db", db, "--token", token, "--open-until", OPEN_UNTIL]
    code, out, _err = run(argv, [*CORRECTING, "submit"], monkeypatch, capsys)
    assert code == 0
    summary = out[out.rindex("Check your answers") :]
    about_you = summary[: summary.index("Key principles")]
    assert about_you.count(FROM_RECORDS) == 2
    assert f"      Leader\n      {FROM_RECORDS}\n" in about_you
    assert "      District council\n  A3. " in about_you
    assert f"      Kent County Council\n      {FROM_RECORDS}\n" in about_you
    response, _history, _draft = stored(db, respondent.id)
    assert (response.answers["role"], response.answers["authority_type"]) == (
        "leader",
        "district",
    )


def test_the_end_of_input_at_replace_stores_nothing_and_says_so(db, person, monkeypatch, capsys):
    """`enter` for a letter after the closing date (when no draft can be saved): the input
    ends at "Replace the response that counts now?", so nothing is stored, the earlier response
    still counts, and the exit status is the documented one for "nothing stored"."""
    respondent, token = person(email="leader@kent.example")
    _answered(db, token, EARLIER, received=dt.datetime(2015, 3, 10, tzinfo=dt.UTC))
    before = stored(db, respondent.id)
    argv = [
        "enter", str(SPEC), "--db", db, "--respondent", "leader@kent.example",
        "--received-at", "2015-03-12",
    ]  # fmt: skip
    code, out, err = run(argv, [*CORRECTING, "submit"], monkeypatch, capsys)
    assert (code, err) == (EXIT_NOTHING_STORED, "")
    assert out.endswith(
        "Replace the response that counts now? [y/N] \n"
        "The input ended before the replacement was confirmed: nothing was stored, and the "
        "response that counts is unchanged.\n"
    )
    assert "draft" not in out[out.rindex("Replace the response") :]
    assert stored(db, respondent.id) == before


def test_a_respondent_ending_the_input_at_replace_saves_no_draft(db, person, monkeypatch, capsys):
    """Even while drafts can be saved, ending at "Replace your earlier response?" keeps
    nothing: the respondent never confirmed, so their earlier response stands alone."""
    respondent, token = person()
    _answered(db, token, EARLIER, received=dt.datetime(2015, 3, 10, tzinfo=dt.UTC))
    before = stored(db, respondent.id)
    argv = ["answer", str(SPEC), "--db", db, "--token", token, "--open-until", OPEN_UNTIL]
    code, out, _err = run(argv, ["submit"], monkeypatch, capsys)
    assert code == EXIT_NOTHING_STORED
    assert out.endswith(
        "Replace your earlier response? [y/N] \nThe input ended before you confirmed: nothing "
        "was sent or saved, and your earlier response still counts.\n"
    )
    assert stored(db, respondent.id) == before


def test_the_end_of_input_with_nothing_answered_is_not_a_saved_draft(
    db, person, monkeypatch, capsys
):
    """Exit status 3 means a draft was saved; with nothing answered nothing is, so it is 4."""
    respondent, token = person()
    argv = ["answer", str(SPEC), "--db", db, "--token", token, "--open-until", OPEN_UNTIL]
    code, out, _err = run(argv, [], monkeypatch, capsys)
    assert code == EXIT_NOTHING_STORED
    assert out.endswith("The input ended: nothing had been answered, so no draft was saved.\n")
    assert stored(db, respondent.id) == (None, [], None)
