"""The plugin example in docs/hooks.md, run as the page shows it against the real plugin API."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from doctools import module_from_docs
from surveykit import EMPTY, Engine, Plugins, Rejected, loads_spec

SPEC = """
[consultation]
id = "postcodes"
title = "Postcodes"
publisher = "Tests"
closes = 2099-12-31

[[sections]]
id = "where"
title = "Where"

[[sections.questions]]
id = "home"
number = "1"
text = "What is your postcode?"
kind = "postcode"
"""


@functools.cache
def postcode_plugins() -> Plugins:
    """Only the page's ``my_kinds`` module, registered as any plugin object is."""
    plugins = Plugins()
    plugins.register(module_from_docs("hooks.md", "# my_kinds.py"), name="my_kinds")
    return plugins


@functools.cache
def engine() -> Engine:
    kinds = postcode_plugins().kinds
    return Engine(loads_spec(SPEC, source="postcodes.toml", kinds=kinds), kinds)


@functools.cache
def check():
    kind = postcode_plugins().kinds["postcode"]
    return kind.checker(engine().consultation.question("home"))


def test_the_example_registers_its_kind():
    """The page's module registers "postcode" through the hook, owned by the plugin."""
    assert postcode_plugins().kinds.owners["postcode"] == "my_kinds"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (12345, "wrong_type"),
        (["CT1 1AA"], "wrong_type"),
        (True, "wrong_type"),
        ("CT1", "bad_postcode"),
    ],
)
def test_the_example_rejects_with_a_code_naming_the_question(raw, code):
    """A number or a list is ``wrong_type`` (the page's rule for checkers), as the engine reports
    it; a short text is not a postcode."""
    problems = engine().validate({"home": raw})
    assert [(p.question, p.code) for p in problems] == [("home", code)]
    assert problems[0].message.startswith("Question 1: ")


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_the_example_reads_a_blank_as_not_answered(raw):
    assert engine().check({"home": raw}) == ({}, [])


def test_the_example_normalises_a_postcode():
    assert engine().check({"home": " ct1   1aa "}) == ({"home": "CT1 1AA"}, [])


ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=6,
)


@given(st.one_of(ANY_JSON, st.from_regex(r"\s*[A-Za-z]{1,2}\d{1,2}\s*\d[A-Za-z]{2}\s*")))
def test_the_example_keeps_the_checker_rules(raw: Any):
    """Whatever it is given, the checker never raises, answers EMPTY, a Rejected or a text,
    and checking its own output gives the same output (the promises hooks.md lists)."""
    result = check()(raw)
    assert result is EMPTY or isinstance(result, Rejected | str)
    if isinstance(result, str):
        assert check()(result) == result
