"""The roster's answers (surveykit.known): a blank the roster can answer takes its value, and an
answer the respondent gives always wins, for anyone, with any roster values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from surveykit import KnownRespondent, Secret, SubmitService, load_spec
from surveykit.identity import Respondent
from surveykit.known import is_blank, roster_answers, with_roster_answers
from surveykit.storage import Grant, open_store

SPEC = Path(__file__).resolve().parents[1] / "specs" / "taking_stock.toml"

CONSULTATION = load_spec(SPEC).reopened_until(dt.date(2099, 12, 31))
ROSTER_QUESTIONS = {qid for _, qid in CONSULTATION.roster.items()}
BLANKS = st.sampled_from([None, "", "   ", []])
GIVEN = st.one_of(BLANKS, st.sampled_from(["leader", "other", "county", "Dover"]), st.text())
ANSWERS = st.dictionaries(
    st.sampled_from([*sorted(ROSTER_QUESTIONS), "q1", "q2", "consent"]), GIVEN, max_size=6
)
PEOPLE = st.builds(
    Respondent,
    consultation=st.just("taking-stock"),
    authority=st.sampled_from(["Kent County Council", "", "  ", "x" * 300]),
    authority_type=st.sampled_from(["county", "district", "unknown", ""]),
    role=st.sampled_from(["leader", "chief_executive", "mayor", ""]),
    origin=st.sampled_from(["roster", "self_service"]),
)


@given(PEOPLE, ANSWERS)
def test_given_answers_win_and_only_blanks_are_filled(person, answers):
    merged = with_roster_answers(CONSULTATION, person, answers)
    known = roster_answers(CONSULTATION, person)
    for qid, value in answers.items():
        if not is_blank(value):
            assert merged[qid] == value  # what they wrote is never replaced
    for qid in set(merged) - set(answers):
        assert merged[qid] == known[qid]  # nothing appears that the roster does not say
    for qid, value in merged.items():
        if qid in answers and is_blank(answers[qid]) and qid not in known:
            assert value == answers[qid]
    if person.origin != "roster":
        assert known == {}
    for qid, value in known.items():
        question = CONSULTATION.by_id[qid]
        assert qid in ROSTER_QUESTIONS
        assert not question.options or value in {o.value for o in question.options}
        assert question.max_length is None or len(value) <= question.max_length


@given(st.sampled_from(["leader", "chief_executive", "other", None]))
def test_the_submit_service_stores_the_given_role_or_the_rosters(role):
    with open_store("memory://") as store:
        ada = Respondent("taking-stock", "Kent County Council", "county", "leader")
        store.grant([Grant(ada, "h", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))])
        service = SubmitService(CONSULTATION, store, Secret.generate())
        answers = {"consent": "no_quote"} | ({"role": role} if role else {})
        stored = service.submit(KnownRespondent(ada.id), answers).submission.answers
        assert stored["role"] == (role or "leader")
        assert (stored["authority_type"], stored["authority"]) == ("county", "Kent County Council")
