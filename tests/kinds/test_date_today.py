"""What ``earliest``/``latest = "today"`` means: the date where the server runs, today.

A known limitation, pinned here so that it changes only on purpose: a kind's checker is built
from the question alone (``checker(question)``), and a question carries no time zone, so the
``date`` kind cannot know the consultation's.  Each case runs in a child process with its own
``TZ``, and works out the dates it checks itself, so that no midnight can pass between them:
UTC+14 and UTC-12 are 26 hours apart, so their dates always differ, whatever the hour.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

#: In a process whose local time zone is ``TZ``: the server's today, today's date at UTC+14
#: (where the consultation is) and at UTC-12, and what a ``latest = "today"`` question and an
#: ``earliest = "today"`` one make of each of those dates, through the engine.
CHECK = """
import datetime as dt, json, sys
from surveykit import Engine, loads_spec
spec = loads_spec('''
[consultation]
id = "c"
title = "Visits"
publisher = "Example Borough Council"
closes = 2099-12-31
timezone = "Pacific/Kiritimati"
[[sections]]
id = "s"
title = "Visits"
[[sections.questions]]
id = "last"
text = "When did you last visit?"
kind = "date"
latest = "today"
[[sections.questions]]
id = "next"
text = "When will you next visit?"
kind = "date"
earliest = "today"
''')
engine = Engine(spec)
def verdict(answer, key):
    checked = engine.check({key: answer})
    return checked.problems[0].code if checked.problems else checked.answers[key]
now = dt.datetime.now(dt.UTC)
days = {
    "east": (now + dt.timedelta(hours=14)).date().isoformat(),
    "west": (now - dt.timedelta(hours=12)).date().isoformat(),
}
print(json.dumps({
    "server": dt.date.today().isoformat(),
    **days,
    "last": {name: verdict(day, "last") for name, day in days.items()},
    "next": {name: verdict(day, "next") for name, day in days.items()},
}))
"""

EAST, WEST = "Etc/GMT-14", "Etc/GMT+12"  # POSIX signs: these are UTC+14 and UTC-12


def _run(zone: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHECK],
        env={**os.environ, "TZ": zone},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_on_a_server_at_the_consultation_s_time_today_is_the_consultation_s_today():
    """The consultation keeps Kiritimati time (UTC+14), and so does the server."""
    seen = _run(EAST)
    assert seen["server"] == seen["east"] > seen["west"]
    assert seen["last"] == {"east": seen["east"], "west": seen["west"]}
    assert seen["next"] == {"east": seen["east"], "west": "too_early"}


def test_elsewhere_today_is_the_server_s_date_not_the_consultation_s():
    """On a server at UTC-12, the consultation's today (UTC+14) is refused as later than
    "today", and the server's own earlier date is taken as "today or later"."""
    seen = _run(WEST)
    assert seen["server"] == seen["west"] < seen["east"]
    assert seen["last"] == {"east": "too_late", "west": seen["west"]}
    assert seen["next"] == {"east": seen["east"], "west": seen["west"]}
