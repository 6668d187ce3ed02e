"""The equality-monitoring bank: the standards' questions, all optional, all sensitive.

The bank is loaded two ways: under a stand-in ``[consultation]`` table (the bank's own content,
checked by the ordinary loader), and through ``include = ["surveykit:equality"]``, as a spec
author uses it.  The wording tests pin the sources docs/equality.md names.
"""

from __future__ import annotations

import fnmatch
import functools
import re
import tomllib
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from surveykit import Consultation, load_spec, loads_spec
from surveykit.conditions import render
from surveykit.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "src" / "surveykit" / "banks" / "equality.toml"

HEADER = """\
[consultation]
id = "bank-check"
title = "Bank check"
publisher = "Tests"
closes = 2099-12-31
"""

#: The broad ethnic groups and the question that asks for each one's detail.
FOLLOW_UPS = {
    "white": "eq_ethnic_white",
    "mixed": "eq_ethnic_mixed",
    "asian": "eq_ethnic_asian",
    "black": "eq_ethnic_black",
    "other": "eq_ethnic_other",
}


@functools.cache
def bank() -> Consultation:
    """The bank's text under a stand-in [consultation] table, loaded by the ordinary loader."""
    return loads_spec(HEADER + BANK.read_text(encoding="utf-8"), source=str(BANK))


def test_the_bank_holds_sections_only():
    """A bank file has no [consultation], roles or publication of its own: only [[sections]]."""
    data = tomllib.loads(BANK.read_text(encoding="utf-8"))
    assert list(data) == ["sections"]


def test_the_bank_loads_without_problems_or_warnings():
    """Every condition reads an earlier bank question and can hold."""
    assert bank().warnings == ()


def test_one_section_with_the_standard_explanation():
    """The section says why the questions are asked (the duty) and that all are optional."""
    (section,) = bank().sections
    assert (section.id, section.title) == ("equality", "Equality monitoring")
    intro = " ".join(section.intro.split())
    assert "public sector equality duty" in intro
    assert "section 149 of the Equality Act 2010" in intro
    assert "Every question in this section is optional" in intro
    assert "kept apart from your other answers" in intro
    assert "anonymous totals" in intro


def test_every_question_is_optional_sensitive_and_prefixed():
    """required = false, sensitive = true, an eq_ id, single choice, and 'Prefer not to say'."""
    for q in bank().questions:
        assert q.id.startswith("eq_"), q.id
        assert (q.kind, q.required, q.sensitive) == ("single", False, True), q.id
        assert q.option("prefer_not_to_say") is not None, q.id
        assert q.option("prefer_not_to_say").label == "Prefer not to say"
        assert q.options[-1].value == "prefer_not_to_say", q.id


def test_write_ins_are_other_options():
    """Each 'write in' option asks for the respondent's own words; no question has two."""
    for q in bank().questions:
        others = [o for o in q.options if o.other]
        assert len(others) <= 1, q.id
        for o in q.options:
            assert o.other == ("write in" in o.label), (q.id, o.label)


def test_option_values_are_stable_slugs():
    """Values are lower-case slugs, unique within their question."""
    for q in bank().questions:
        values = [o.value for o in q.options]
        assert len(values) == len(set(values)), q.id
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", v) for v in values), values


def _options(qid: str) -> list[str]:
    return [o.label for o in bank().question(qid).options]


def test_the_wording_follows_the_census_and_gss_standards():
    """Question texts and categories as the 2021 Census and the GSS standards word them."""
    c = bank()
    assert c.question("eq_sex").text == "What is your sex?"
    assert _options("eq_sex") == ["Female", "Male", "Prefer not to say"]
    assert (
        c.question("eq_gender_identity").text
        == "Is the gender you identify with the same as your sex registered at birth?"
    )
    assert _options("eq_gender_identity")[:2] == ["Yes", "No, write in gender identity"]
    assert (
        c.question("eq_disability").text == "Do you have any physical or mental health conditions "
        "or illnesses lasting or expected to last 12 months or more?"
    )
    assert _options("eq_disability_impact") == [
        "Yes, a lot",
        "Yes, a little",
        "Not at all",
        "Prefer not to say",
    ]
    assert c.question("eq_religion").text == "What is your religion?"
    assert _options("eq_religion") == [
        "No religion",
        "Christian",
        "Buddhist",
        "Hindu",
        "Jewish",
        "Muslim",
        "Sikh",
        "Any other religion, write in",
        "Prefer not to say",
    ]
    assert (
        c.question("eq_sexual_orientation").text
        == "Which of the following best describes your sexual orientation?"
    )
    assert _options("eq_sexual_orientation") == [
        "Straight or Heterosexual",
        "Gay or Lesbian",
        "Bisexual",
        "Other sexual orientation, write in",
        "Prefer not to say",
    ]
    assert _options("eq_age_group") == [
        "Under 16",
        "16 to 24",
        "25 to 34",
        "35 to 44",
        "45 to 54",
        "55 to 64",
        "65 to 74",
        "75 or over",
        "Prefer not to say",
    ]


def test_ethnic_groups_are_the_2021_census_categories_for_england():
    """Five broad groups, then each group's detailed categories (Roma under White)."""
    c = bank()
    assert c.question("eq_ethnic_group").text == "What is your ethnic group?"
    assert _options("eq_ethnic_group") == [
        "White",
        "Mixed or Multiple ethnic groups",
        "Asian or Asian British",
        "Black, Black British, Caribbean or African",
        "Other ethnic group",
        "Prefer not to say",
    ]
    assert _options("eq_ethnic_white")[:4] == [
        "English, Welsh, Scottish, Northern Irish or British",
        "Irish",
        "Gypsy or Irish Traveller",
        "Roma",
    ]
    assert _options("eq_ethnic_mixed")[:3] == [
        "White and Black Caribbean",
        "White and Black African",
        "White and Asian",
    ]
    assert _options("eq_ethnic_asian")[:4] == ["Indian", "Pakistani", "Bangladeshi", "Chinese"]
    assert _options("eq_ethnic_black")[:2] == ["Caribbean", "African"]
    assert _options("eq_ethnic_other")[:1] == ["Arab"]
    detailed = sum(len(bank().question(q).options) - 2 for q in FOLLOW_UPS.values())
    assert detailed == 14  # 19 Census categories less the 5 "any other" write-ins


def test_the_conditions_are_as_documented():
    """Impact after a 'yes'; each detail after its group; two questions only from 16 up."""
    c = bank()
    shown_if = {q.id: render(q.condition) for q in c.questions if q.condition is not None}
    assert shown_if == {
        "eq_gender_identity": 'eq_age_group != "under_16"',
        "eq_disability_impact": 'eq_disability == "yes"',
        "eq_sexual_orientation": 'eq_age_group != "under_16"',
        **{qid: f'eq_ethnic_group == "{group}"' for group, qid in FOLLOW_UPS.items()},
    }


def test_docs_name_every_question():
    """docs/equality.md lists each question's id and says where it comes from."""
    page = (ROOT / "docs" / "equality.md").read_text(encoding="utf-8")
    for q in bank().questions:
        if q.id not in FOLLOW_UPS.values():
            assert f"`{q.id}`" in page, q.id
    assert "`eq_ethnic_white` ... `eq_ethnic_other`" in page
    assert "Asian, Asian Welsh or Asian British" in page  # the Wales variant


@st.composite
def answers(draw: st.DrawFn) -> dict[str, str]:
    """Any choice of the bank's options for any of its questions, with words for a write-in."""
    record: dict[str, str] = {}
    for q in bank().questions:
        option = draw(st.none() | st.sampled_from(q.options))
        if option is not None:
            record[q.id] = option.value
            if option.other:
                record[f"{q.id}.other"] = draw(st.sampled_from(["Cornish", "Pagan", "Queer"]))
    return record


@given(answers())
def test_at_most_one_ethnic_detail_question_is_shown(record):
    """The detail question shown is exactly the broad group's, or none."""
    visible = set(Engine(bank()).visible(record))
    shown = {qid for qid in FOLLOW_UPS.values() if qid in visible}
    group = record.get("eq_ethnic_group")
    assert shown == ({FOLLOW_UPS[group]} if group in FOLLOW_UPS else set())


@given(answers())
def test_nothing_is_required(record):
    """Any choice of the bank's answers, or none, is accepted: no question must be answered.

    (A write-in is given words here: what happens to a write-in left blank is the "other"
    option's rule, tested with the kinds.)"""
    assert Engine(bank()).check(record).problems == []


@given(answers())
def test_the_impact_question_follows_a_yes_only(record):
    """The day-to-day question is shown exactly when E5 is answered 'Yes'."""
    visible = Engine(bank()).visible(record)
    assert ("eq_disability_impact" in visible) == (record.get("eq_disability") == "yes")


def test_a_spec_includes_the_bank_by_name(tmp_path):
    """include = ["surveykit:equality"] adds the section at the end, questions unchanged."""
    spec = tmp_path / "spec.toml"
    spec.write_text(
        HEADER
        + 'include = ["surveykit:equality"]\n'
        + """
[[sections]]
id = "views"
title = "Your views"

[[sections.questions]]
id = "q1"
text = "What do you think?"
kind = "text"
""",
        encoding="utf-8",
    )
    c = load_spec(spec)
    assert [s.id for s in c.sections] == ["views", "equality"]
    assert c.sections[-1].questions == bank().sections[0].questions
    assert all(q.sensitive for q in c.sections[-1].questions)


def test_the_bank_is_packaged():
    """The wheel carries the bank, so include = ["surveykit:equality"] works when installed."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["surveykit"]
    assert any(fnmatch.fnmatch("banks/equality.toml", p) for p in patterns)
