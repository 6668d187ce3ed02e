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


def spec_copy(folder: Path, cid: str, title: str, *, opens: str | None = None) -> Path:
    """A copy of Taking Stock with another id and title (and, given ``opens``, a window from
    that date to the end of 2099), written as ``folder/CID.toml``: a second consultation."""
    text = SPEC.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^id = "taking-stock"$', f'id = "{cid}"', text, count=1)
    text = re.sub(r'(?m)^title = "Taking stock"$', f'title = "{title}"', text, count=1)
    if opens is not None:
        text = re.sub(r"(?m)^closes = 2015-03-13$", f"opens = {opens}\ncloses = 2099-12-31", text)
    path = folder / f"{cid}.toml"
    path.write_text(text, encoding="utf-8")
    return path
