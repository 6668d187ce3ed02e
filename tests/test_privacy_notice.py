"""``surveykit privacy-notice``: the paragraph for a council's privacy notice, made from the
spec alone, with every class's duration and date, in English and Welsh."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re

from attrs import evolve
from hypothesis import given, settings
from hypothesis import strategies as st

from retentiongen import retentions
from surveykit.cli import main
from surveykit.cli.privacy_command import privacy_notice, spoken_instant
from surveykit.retention import CLASSES, due, format_duration
from surveykit.spec import load_spec

TAKING_STOCK = load_spec("taking-stock")


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = main(list(args))
    return status, out.getvalue()


def test_taking_stocks_notice_gives_each_duration_and_date():
    status, notice = run("privacy-notice", "taking-stock")
    assert status == 0
    assert notice == privacy_notice(TAKING_STOCK)
    assert (
        "- Your name, email address and other contact details: deleted 6 months after the "
        "consultation closes, at the end of 13 September 2015." in notice
    )
    assert "- Answers you saved but did not send: deleted 30 days after the consultation " in notice
    assert "- Emails you sent us with your answers, as we received them: deleted 3 months " in (
        notice
    )
    assert "deleted 3 months after each is dealt with, and not before the end of 13 June 2015" in (
        notice
    )
    assert "- Your answers in your own words: kept with your response." in notice
    # [publication]: quotes and names only with consent
    assert "Your own words are quoted only if you agree to it in your response." in notice
    assert "Your organisation is named beside a quote only if you agree to it." in notice
    assert "contact nick.easton@local.gov.uk." in notice
    assert "sensitive" not in notice  # Taking Stock asks no sensitive question


def test_the_welsh_notice_is_all_welsh():
    status, notice = run("privacy-notice", "taking-stock", "--lang", "cy")
    assert status == 0
    assert "6 mis ar ôl i'r ymgynghoriad gau (diwedd 13 Medi 2015)" in notice
    assert "30 diwrnod" in notice
    english = privacy_notice(TAKING_STOCK)
    english_sentences = {s for s in re.split(r"(?<=[.:])\s", english) if len(s) > 20}
    assert not [s for s in english_sentences if s in notice]


def test_an_unknown_language_is_refused():
    status, _ = run("privacy-notice", "taking-stock", "--lang", "fr")
    assert status == 2


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_every_class_is_said_with_its_date_and_nothing_personal(data):
    """Made from the spec alone: each class's duration and due date appear, and the only
    address in the notice is the consultation's own contact."""
    table = data.draw(retentions(TAKING_STOCK.metadata))
    consultation = evolve(TAKING_STOCK, retention=table)
    notice = privacy_notice(consultation)
    lines = notice.splitlines()
    for name in CLASSES:
        if name == "sensitive_answers":
            continue
        when = due(consultation, name)
        line = next(li for li in lines if li.startswith(f"- {_what(name)}"))
        if when is None:
            assert "kept" in line
            continue
        assert spoken_instant(when) in line
        duration = getattr(table, name)
        cut_short = duration is None or (
            table.anonymise
            and when != due(evolve(consultation, retention=evolve(table, anonymise=False)), name)
        )
        if not cut_short and duration.amount:
            assert format_duration(duration) in line or str(duration.amount) in line
    found = {a.rstrip(".") for a in re.findall(r"[\w.+-]+@[\w.-]+", notice)}
    assert found == {"nick.easton@local.gov.uk"}


def _what(name: str) -> str:
    from surveykit.cli.privacy_command import _WHAT

    return _WHAT[name]


def test_an_instant_is_said_as_people_say_it():
    london = TAKING_STOCK.metadata.zone
    assert spoken_instant(dt.datetime(2015, 9, 14, tzinfo=london)) == "the end of 13 September 2015"
    assert spoken_instant(dt.datetime(2015, 9, 14, 17, 5, tzinfo=london)) == (
        "14 September 2015 at 17:05"
    )
