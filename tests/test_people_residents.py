"""Who a respondent is when the consultation is of residents, not authorities: a spec that lists
no authority types asks for neither the authority nor its type, and a name alone never makes two
records one person."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveykit import load_spec
from surveykit.duplicates import possible_duplicates
from surveykit.identity import Respondent
from surveykit.people import (
    MAX_FIELD,
    check_person,
    for_authorities,
    normal_email,
    person_key,
    person_problems,
)
from surveykit.spec import loads_spec

ROOT = Path(__file__).resolve().parents[1]

HEADER = """
[consultation]
id = "people"
title = "People"
publisher = "Tests"
closes = 2099-12-31
timezone = "Europe/London"
"""
AUTHORITIES = """
[[roles]]
value = "leader"
label = "Leader"

[[roles]]
value = "other"
label = "Other"

[[authority_types]]
value = "county"
label = "County council"

[[authority_types]]
value = "district"
label = "District council"
"""
SECTION = """
[[sections]]
id = "s"
title = "S"

[[sections.questions]]
id = "q1"
text = "Yes?"
kind = "single"
options = [{ value = "yes", label = "Yes" }]
"""
OF_AUTHORITIES = loads_spec(HEADER + AUTHORITIES + SECTION, source="<authorities>")
OF_RESIDENTS = loads_spec(HEADER + SECTION, source="<residents>")
RESIDENTS_SURVEY = ROOT / "specs" / "examples" / "residents_survey.toml"
FIELDS = ("authority", "authority_type", "role", "name", "email")


def _check(consultation, **details: str) -> list[tuple[str, str]]:
    person = {"authority": "", "authority_type": "", "role": "other", "name": "", "email": ""}
    return check_person(consultation, **{**person, **details})


def test_the_residents_survey_lists_no_authority_types_and_taking_stock_does():
    """The reference specs: residents answer for themselves, councils for their authority."""
    assert not for_authorities(load_spec(RESIDENTS_SURVEY))
    assert for_authorities(load_spec(ROOT / "specs" / "taking_stock.toml"))


@pytest.mark.parametrize(
    "details",
    [
        {},
        {"name": "Jo Bloggs"},
        {"email": "jo.bloggs@example.org"},
        {"authority": "Anytown Residents' Association", "name": "Jo Bloggs"},
        {"authority_type": "resident"},
        {"authority": "<script>alert(1)</script>"},
    ],
)
def test_a_resident_needs_no_authority_and_no_type(details):
    """Everything is optional: a blank authority and type are no problem, and a type given
    anyway (a roster column, the API) is free text."""
    assert _check(OF_RESIDENTS, **details) == []


def test_without_authority_types_the_authority_is_called_the_organisation():
    """Problems with the optional organisation, and with a free-text type, name their detail."""
    long = "x" * (MAX_FIELD + 1)
    assert _check(OF_RESIDENTS, authority="Anytown\x00Group", authority_type="a\tb") == [
        ("control_character", "the organisation contains a control character (U+0000); remove it"),
        (
            "control_character",
            "the authority type contains a control character (U+0009); remove it",
        ),
    ]
    assert _check(OF_RESIDENTS, authority=long, authority_type=long, name=long) == [
        ("too_long", f"the organisation is longer than {MAX_FIELD} characters"),
        ("too_long", f"the name is longer than {MAX_FIELD} characters"),
        ("too_long", f"the authority type is longer than {MAX_FIELD} characters"),
    ]


def test_with_authority_types_nothing_changes():
    """Taking Stock's rules, codes, wording and order, exactly as before."""
    assert _check(OF_AUTHORITIES, email="not-an-email") == [
        ("missing_authority", "the authority is missing"),
        ("missing_authority_type", "the authority type is missing"),
        ("bad_email", "the email address is not valid"),
    ]
    assert _check(OF_AUTHORITIES, authority="Kent\x00", authority_type="parish", role="") == [
        ("control_character", "the authority contains a control character (U+0000); remove it"),
        ("unknown_authority_type", "unknown authority type 'parish' (known: county, district)"),
        ("missing_role", "the role is missing"),
    ]
    # A control character in a type from the list is impossible; one not from it is unknown.
    assert [c for c, _ in _check(OF_AUTHORITIES, authority="Kent", authority_type="c\x00")] == [
        "unknown_authority_type"
    ]


def test_each_problem_names_the_detail_it_is_about():
    """So a form can show each message next to its own box, not all against the first."""
    found = person_problems(
        OF_AUTHORITIES,
        authority="",
        authority_type="",
        role="mayor",
        name="Ada\x1b",
        email="ada@localhost",
    )
    assert [(p.field, p.code) for p in found] == [
        ("authority", "missing_authority"),
        ("name", "control_character"),
        ("authority_type", "missing_authority_type"),
        ("role", "unknown_role"),
        ("email", "bad_email"),
    ]


# Who is the same person -------------------------------------------------------------------------


def test_with_an_authority_a_person_is_their_authority_role_and_name():
    """Unchanged: case and spacing do not matter, and the email address plays no part."""
    assert person_key(" Kent  County Council", "leader", "Roger GOUGH") == (
        "kent county council",
        "leader",
        "roger gough",
    )
    assert person_key("Kent County Council", "leader", "Roger Gough", "a@kent.example") == (
        person_key("kent county council", "leader", "roger gough", "b@kent.example")
    )


def test_without_an_authority_a_name_alone_is_not_a_person():
    """Two residents called Jo Bloggs with different addresses are two people; the same
    address (in any case) or both without one, the same."""
    jo = person_key("", "other", "Jo Bloggs", "jo@example.org")
    assert jo != person_key("", "other", "Jo Bloggs", "joanna@example.org")
    assert jo == person_key("  ", "other", "jo  bloggs", "JO@example.org")
    assert person_key("", "other", "Jo Bloggs") == person_key("", "other", "JO BLOGGS", "")
    assert person_key("", "other", "Jo Bloggs") != person_key("Anytown", "other", "Jo Bloggs")


def _respondent(origin: str, authority: str, name: str, email: str, minute: int) -> Respondent:
    return Respondent(
        consultation="residents",
        authority=authority,
        authority_type="",
        role="other",
        name=name,
        email=normal_email(email) or "",
        origin=origin,
        created_at=dt.datetime(2026, 11, 2, 10, minute, tzinfo=dt.UTC),
    )


def test_a_residents_self_service_record_is_paired_with_the_roster_by_email_only():
    """`tokens duplicates`: without an authority, the same name is no match (two residents
    may share one); the same address is, in any case; no address and no authority, never."""
    jo = _respondent("roster", "", "Jo Bloggs", "jo@example.org", 0)
    sam = _respondent("roster", "", "Sam Patel", "", 1)
    other_jo = _respondent("self_service", "", "Jo Bloggs", "joanna@example.org", 2)
    same_address = _respondent("self_service", "", "J. Bloggs", "JO@Example.org", 3)
    no_details = _respondent("self_service", "", "Sam Patel", "", 4)
    pairs = possible_duplicates([jo, sam, other_jo, same_address, no_details])
    assert [(d.roster, d.self_service, d.matched) for d in pairs] == [
        (jo, same_address, ("email",))
    ]


def test_an_organisations_self_service_record_still_matches_on_organisation_and_name():
    """A resident who gave an organisation is matched as before: organisation and name."""
    roster = _respondent("roster", "Anytown Residents' Association", "Jo Bloggs", "", 0)
    asked = _respondent("self_service", "anytown residents'  association", "JO BLOGGS", "", 1)
    [pair] = possible_duplicates([roster, asked])
    assert pair.matched == ("name",)


# Properties -------------------------------------------------------------------------------------


def _refused_characters(text: str) -> bool:
    """Control characters and lone surrogates, by Unicode's own categories."""
    return any(unicodedata.category(c) in ("Cc", "Cs") for c in text)


def _expected(consultation, details: dict[str, str]) -> set[tuple[str, str]]:
    """The rules as docs/identity.md states them, as ``(field, code)``."""
    authorities = bool(consultation.authority_types)
    types = {c.value for c in consultation.authority_types}
    roles = {c.value for c in consultation.roles}
    found: set[tuple[str, str]] = set()
    if authorities and not details["authority"].strip():
        found.add(("authority", "missing_authority"))
    free = ["authority", "name"] + ([] if authorities else ["authority_type"])
    for field in [*free, "email"]:
        if len(details[field]) > MAX_FIELD:
            found.add((field, "too_long"))
    for field in free:
        if _refused_characters(details[field]):
            found.add((field, "control_character"))
    if authorities and not details["authority_type"].strip():
        found.add(("authority_type", "missing_authority_type"))
    elif authorities and details["authority_type"] not in types:
        found.add(("authority_type", "unknown_authority_type"))
    if not details["role"].strip():
        found.add(("role", "missing_role"))
    elif roles and details["role"] not in roles:
        found.add(("role", "unknown_role"))
    email = details["email"]
    if email and len(email) <= MAX_FIELD and normal_email(email) is None:
        found.add(("email", "bad_email"))
    return found


_text = st.text(max_size=12) | st.sampled_from(["", " ", "\t", "x" * (MAX_FIELD + 1)])
_typed = {
    "authority": _text | st.sampled_from(["Kent County Council", "Anytown\x00"]),
    "authority_type": _text | st.sampled_from(["county", "district", "resident", "county "]),
    "role": _text | st.sampled_from(["leader", "other"]),
    "name": _text | st.sampled_from(["Jo Bloggs", "Zoë O'Brien-Smith"]),
    "email": _text | st.sampled_from(["jo@example.org", "Jo@EXAMPLE.org", "jo@localhost"]),
}


@given(st.sampled_from([OF_AUTHORITIES, OF_RESIDENTS]), st.fixed_dictionaries(_typed))
def test_the_rules_hold_for_any_details_with_and_without_authority_types(consultation, details):
    """Hypothesis: whatever is typed, each problem is named once with its detail, exactly the
    documented rules; without authority types the authority and its type are never missing
    or unknown, and with them they always are when left blank."""
    found = person_problems(consultation, **details)
    assert {(p.field, p.code) for p in found} == _expected(consultation, details)
    assert len({(p.field, p.code) for p in found}) == len(found)
    assert check_person(consultation, **details) == [(p.code, p.message) for p in found]
    for problem in found:
        assert problem.field in FIELDS
        assert problem.message
        assert not _refused_characters(problem.message)
    # The address is personal data: a message says what is wrong with it, never what it is.
    assert all(
        p.message == "the email address is not valid" for p in found if p.code == "bad_email"
    )
    codes = {p.code for p in found}
    if not for_authorities(consultation):
        assert not codes & {"missing_authority", "missing_authority_type"}
        assert "unknown_authority_type" not in codes
    elif not details["authority"].strip():
        assert "missing_authority" in codes


def test_two_residents_of_one_name_on_a_roster_are_two_people_and_stay_two(tmp_path):
    """A residents' roster may hold two "Jo Bloggs" with different addresses: both import, each
    with a link of their own, and importing the roster again keeps both (no duplicate_person,
    no second Jo silently matched to the first)."""
    from surveykit.identity import Secret
    from surveykit.roster import parse_roster, plan_links
    from surveykit.storage import open_store

    consultation = OF_RESIDENTS
    rows = [
        "authority,authority_type,role,name,email\n",
        ",,other,Jo Bloggs,jo@example.org\n",
        ",,other,Jo  bloggs,joanna@example.org\n",
    ]
    entries = parse_roster(rows, consultation)
    assert len(entries) == 2
    now = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
    with open_store(f"sqlite:///{tmp_path / 'r.db'}") as store:
        secret = Secret.generate("test")
        first = plan_links(store, secret, consultation, entries, now=now)
        assert len(first.grants) == 2
        first.commit(store)
        again = plan_links(store, secret, consultation, entries, reissue=True, now=now)
        assert len(again.grants) == 2
        assert {g.respondent.id for g in again.grants} == {g.respondent.id for g in first.grants}
