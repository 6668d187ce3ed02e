"""A roster may say which language each person is written to in (issue 17)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from surveykit import load_spec
from surveykit.errors import RosterError
from surveykit.identity import Secret
from surveykit.roster import parse_roster, plan_links
from surveykit.storage import open_store

ROOT = Path(__file__).resolve().parents[1]
BILINGUAL = load_spec(ROOT / "specs" / "examples" / "bilingual_example.toml")
TAKING_STOCK = load_spec(ROOT / "specs" / "taking_stock.toml")
T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
HEADER = "authority,authority_type,role,name,email,{column}\n"


def _entries(cells: list[str], column: str = "language", consultation=BILINGUAL):
    rows = "".join(
        f"Authority {n},other,other,Person {n},p{n}@example.org,{cell}\n"
        for n, cell in enumerate(cells)
    )
    return parse_roster((HEADER.format(column=column) + rows).splitlines(True), consultation)


@pytest.mark.parametrize("column", ["language", "iaith", "Iaith", "LANGUAGE"])
def test_either_name_of_the_column_is_read(column):
    assert [e.language for e in _entries(["cy", "en"], column)] == ["cy", "en"]


def test_the_ways_people_write_a_language():
    cells = ["Cymraeg", "Welsh", " CY ", "Saesneg", "English", "en", "both", "Dwyieithog", ""]
    wanted = ["cy", "cy", "cy", "en", "en", "en", None, None, None]
    assert [e.language for e in _entries(cells)] == wanted


def test_without_the_column_no_one_has_a_language():
    roster = "authority,authority_type,role,name,email\nKent,other,other,Ada,ada@example.org\n"
    [entry] = parse_roster(roster.splitlines(True), BILINGUAL)
    assert entry.language is None


def test_an_unknown_language_is_a_problem_on_its_line():
    with pytest.raises(RosterError) as caught:
        _entries(["cy", "Klingon"])
    [problem] = caught.value.problems
    assert problem.line == 3
    assert problem.code == "bad_language"
    assert "'Klingon' is not one the consultation offers (en, cy)" in problem.message


def test_welsh_is_accepted_for_an_english_only_consultation():
    """The emails are then in English (the spec offers nothing else), but the wish is kept."""
    assert [e.language for e in _entries(["cy"], consultation=TAKING_STOCK)] == ["cy"]


def test_two_language_columns_are_refused():
    roster = "authority,authority_type,role,name,email,language,iaith\n"
    with pytest.raises(RosterError, match="one column, language or iaith"):
        parse_roster(roster.splitlines(True), BILINGUAL)


def test_importing_again_records_a_changed_language(tmp_path):
    secret = Secret.generate()
    with open_store(f"sqlite:///{tmp_path}/r.db") as store:
        plan = plan_links(store, secret, BILINGUAL, _entries(["en", "cy"]), now=T0)
        plan.commit(store)
        before = {r.name: r.language for r in store.respondents(BILINGUAL.metadata.id)}
        assert before == {"Person 0": "en", "Person 1": "cy"}
        again = plan_links(store, secret, BILINGUAL, _entries(["cy", "cy"]), now=T0)
        assert (again.new, again.kept, len(again.languages)) == (0, 2, 1)
        again.commit(store)
        after = {r.name: r.language for r in store.respondents(BILINGUAL.metadata.id)}
        assert after == {"Person 0": "cy", "Person 1": "cy"}
        # A blank cell says nothing new: the language already stored stays.
        plan_links(store, secret, BILINGUAL, _entries(["", ""]), now=T0).commit(store)
        assert {r.language for r in store.respondents(BILINGUAL.metadata.id)} == {"cy"}
