"""Helpers shared by the web form's tests (imported by name: conftest modules are not)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "taking_stock.toml"
#: A day inside Taking Stock's real window (it closed at the end of Friday 13 March 2015).
DURING = dt.datetime(2015, 3, 2, 10, 0, tzinfo=dt.UTC)
AFTER = dt.datetime(2015, 3, 14, 0, 0, 1, tzinfo=dt.UTC)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Clock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def csrf_of(html: str) -> str:
    """The CSRF token of the (first) form on a page."""
    match = CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)
