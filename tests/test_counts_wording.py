"""Counts in messages: one helper gives every count the noun that agrees with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveykit.cli import main
from surveykit.wording import counted, plural

REGULAR = {
    "question": "questions",
    "section": "sections",
    "message": "messages",
    "address": "addresses",
    "box": "boxes",
    "match": "matches",
    "reply": "replies",
    "day": "days",
    "review item": "review items",
}


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(sorted(REGULAR)))
def test_one_is_singular_and_every_other_count_plural(n, noun):
    """Exactly one takes the singular; zero and every other count the plural, after the
    number as written."""
    expected = noun if n == 1 else REGULAR[noun]
    assert plural(n, noun) == expected
    assert counted(n, noun) == f"{n} {expected}"
    assert counted(n, noun, grouped=True) == f"{n:,} {expected}"


@given(st.integers(min_value=0, max_value=1000))
def test_an_irregular_plural_is_given(n):
    assert counted(n, "person", "people") == f"{n} {'person' if n == 1 else 'people'}"


def test_validate_counts_one_question_in_one_section(tmp_path, capsys):
    """`surveykit validate` on the smallest spec says "1 question in 1 section"."""
    spec = tmp_path / "one.toml"
    spec.write_text(
        '[consultation]\nid = "one"\ntitle = "One"\npublisher = "Tests"\ncloses = 2030-01-01\n'
        '[[sections]]\nid = "s"\ntitle = "S"\n'
        '[[sections.questions]]\nid = "q"\ntext = "Q?"\nkind = "text"\n',
        encoding="utf-8",
    )
    assert main(["validate", str(spec)]) == 0
    out = capsys.readouterr().out
    assert f"{spec}: OK: 'One', 1 question in 1 section (0 conditional), closes " in out


@pytest.mark.parametrize(("fields", "noun"), [(1, "1 field"), (2, "2 fields")])
def test_a_short_roster_row_counts_its_fields(tmp_path, capsys, fields, noun):
    """A roster row with one field says "1 field", not "1 fields"."""
    spec = Path(__file__).resolve().parents[1] / "specs" / "taking_stock.toml"
    roster = tmp_path / "roster.csv"
    row = ",".join(["Kent County Council", "county"][:fields])
    roster.write_text(f"authority,authority_type,role,name,email\n{row}\n", encoding="utf-8")
    status = main(
        [
            "tokens", "issue", str(spec), "--db", f"sqlite:///{tmp_path}/r.db",
            "--roster", str(roster), "--out", str(tmp_path / "links.csv"),
        ]
    )  # fmt: skip
    assert status == 1
    assert f"{roster}:2: the row has {noun}; the roster's columns need 5" in capsys.readouterr().err
