"""The consultation model's own behaviour: reopening for a demonstration."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from surveykit import load_spec

SPEC = Path(__file__).resolve().parents[1] / "specs" / "taking_stock.toml"


def test_reopened_until_moves_only_the_closing_date():
    """A reopened copy closes at the end of the new day and is otherwise the same consultation."""
    real = load_spec(SPEC)
    demo = real.reopened_until(dt.date(2030, 6, 30))
    london = real.metadata.zone
    assert demo.metadata.closes_at == dt.datetime(2030, 7, 1, tzinfo=london)
    assert demo.metadata.id == real.metadata.id
    assert demo.questions == real.questions
    assert real.metadata.closes == dt.date(2015, 3, 13)
    assert demo.metadata.is_open(dt.datetime(2030, 6, 30, 23, 59, tzinfo=london))
    assert not real.metadata.is_open(dt.datetime(2030, 6, 30, 23, 59, tzinfo=london))
