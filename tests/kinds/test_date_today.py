"""What ``earliest``/``latest = "today"`` means: today in the consultation's time zone, wherever
the server is.

Each server runs in a child process with its own ``TZ``, far east (UTC+14) or far west
(UTC-12), and checks answers to two consultations, one kept at Kiritimati (UTC+14) and one at
Pago Pago (UTC-11).  The child works out the dates it checks from UTC and the zones' fixed
offsets, not from zoneinfo, and checks again if a midnight passed while it checked: Kiritimati
and Pago Pago are 25 hours apart, so their dates always differ, whatever the hour of the run.

The cache that spares working out today on every answer is tested on its own, with a clock of
the test's making, across midnights and the clock changes that move or skip them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from surveykit_kinds.dates import _Today

#: In a process whose local time zone is ``TZ``: the server's own date, today at Kiritimati
#: (UTC+14, "east") and at Pago Pago (UTC-11, "west"); for a consultation kept in each of those
#: zones, what its ``latest = "today"`` and ``earliest = "today"`` questions make of the east
#: and west dates through the engine, and what ``review --set`` makes of them; and what a
#: checker built without the consultation (``checker(question)``, ``latest = "today"``) makes
#: of the server's date and of the east one.
CHECK = """
import datetime as dt, json
from surveykit import Engine, SurveykitError, get_plugins, loads_spec
from surveykit_email.review import parse_corrections

def spec(zone):
    return loads_spec(f'''
[consultation]
id = "c"
title = "Visits"
publisher = "Example Borough Council"
closes = 2099-12-31
timezone = "{zone}"
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

consultations = {"east": spec("Pacific/Kiritimati"), "west": spec("Pacific/Pago_Pago")}
engines = {name: Engine(c) for name, c in consultations.items()}
legacy = get_plugins().kinds["date"].checker(consultations["east"].question("last"))

def verdict(engine, key, answer):
    checked = engine.check({key: answer})
    return checked.problems[0].code if checked.problems else checked.answers[key]

def corrected(consultation, key, answer):
    try:
        return parse_corrections(consultation, (f"{key}={answer}",))[key]
    except SurveykitError as error:
        return "refused: " + str(error)

def dates():
    now = dt.datetime.now(dt.UTC)
    return {
        "server": dt.date.today().isoformat(),
        "east": (now + dt.timedelta(hours=14)).date().isoformat(),
        "west": (now - dt.timedelta(hours=11)).date().isoformat(),
    }

for attempt in range(5):
    days = dates()
    zones = {"east": days["east"], "west": days["west"]}
    seen = {
        name: {
            "last": {z: verdict(engine, "last", day) for z, day in zones.items()},
            "next": {z: verdict(engine, "next", day) for z, day in zones.items()},
            "review": {z: corrected(consultations[name], "next", day) for z, day in zones.items()},
        }
        for name, engine in engines.items()
    }
    old = {z: legacy(days[z]) for z in ("server", "east")}
    seen["legacy"] = {z: getattr(result, "code", result) for z, result in old.items()}
    if dates() == days:  # no midnight passed anywhere while checking
        break
print(json.dumps({"days": days, **seen}))
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


@pytest.fixture(scope="module", params=[EAST, WEST], ids=["server-at-UTC+14", "server-at-UTC-12"])
def seen(request) -> dict:
    """What a server in the given zone saw, and whether that zone is the far east one."""
    return {**_run(request.param), "server_is_east": request.param == EAST}


def test_the_server_keeps_its_own_date(seen):
    """Guards the test itself: the child ran in the server's zone, so at UTC-12 its date is
    never Kiritimati's, and at UTC+14 it always is."""
    days = seen["days"]
    assert days["east"] > days["west"]
    assert (days["server"] == days["east"]) is seen["server_is_east"]


def test_at_kiritimati_today_is_kiritimati_s_date_wherever_the_server_is(seen):
    """Kiritimati's date is today there; Pago Pago's, a day earlier, is before today."""
    east, west = seen["days"]["east"], seen["days"]["west"]
    assert seen["east"]["last"] == {"east": east, "west": west}
    assert seen["east"]["next"] == {"east": east, "west": "too_early"}
    assert seen["east"]["review"]["east"] == east
    assert seen["east"]["review"]["west"].startswith("refused: --set next=")
    assert "on or after today" in seen["east"]["review"]["west"]


def test_at_pago_pago_today_is_pago_pago_s_date_wherever_the_server_is(seen):
    """Pago Pago's date is today there; Kiritimati's, a day later, is after today."""
    east, west = seen["days"]["east"], seen["days"]["west"]
    assert seen["west"]["last"] == {"east": "too_late", "west": west}
    assert seen["west"]["next"] == {"east": east, "west": west}
    assert seen["west"]["review"] == {"east": east, "west": west}


def test_a_checker_built_without_the_consultation_keeps_the_server_s_date(seen):
    """``checker(question)``, as a caller written before ``checker_in`` builds it: today is the
    server's date, so at UTC-12 Kiritimati's date is after today."""
    days = seen["days"]
    expected_east = days["east"] if seen["server_is_east"] else "too_late"
    assert seen["legacy"] == {"server": days["server"], "east": expected_east}


# The cache ------------------------------------------------------------------------------------

#: Zones whose clocks change at midnight, skip a day, or never change, and the server's own.
ZONES = [
    "Europe/London",  # changes at 01:00
    "America/Santiago",  # back from 24:00 to 23:00, forward from 24:00 to 01:00
    "America/Havana",  # forward from 00:00 to 01:00, back from 01:00 to 00:00
    "Asia/Beirut",  # forward from 00:00 to 01:00
    "Pacific/Apia",  # skipped 30 December 2011
    "Pacific/Kiritimati",  # skipped 31 December 1994
    "Australia/Lord_Howe",  # half-hour changes
    "UTC",
    None,
]


@st.composite
def instants(draw: st.DrawFn) -> tuple[dt.tzinfo | None, list[float]]:
    """A zone, and increasing instants clustered around its midnights, where caching can go
    wrong: a few hours either side of the start of days drawn near each other."""
    name = draw(st.sampled_from(ZONES))
    zone = None if name is None else ZoneInfo(name)
    first = draw(st.dates(dt.date(1990, 1, 1), dt.date(2037, 12, 31)))
    times = []
    for _ in range(draw(st.integers(1, 12))):
        day = first + dt.timedelta(days=draw(st.integers(0, 400)))
        midnight = dt.datetime.combine(day, dt.time(), zone).timestamp()
        times.append(midnight + draw(st.integers(-3 * 3600, 3 * 3600)))
    return zone, sorted(times)


def _around(name: str, change: dt.datetime) -> tuple[dt.tzinfo, list[float]]:
    """Half an hour before a clock change, at it, half an hour and an hour and a minute after."""
    at = change.timestamp()
    return ZoneInfo(name), [at - 1800, at, at + 1800, at + 3660]


@given(instants())
@example(_around("America/Santiago", dt.datetime(2024, 4, 7, 3, tzinfo=dt.UTC)))  # 24:00->23:00
@example(_around("America/Santiago", dt.datetime(2024, 9, 8, 4, tzinfo=dt.UTC)))  # 24:00->01:00
@example(_around("America/Havana", dt.datetime(2024, 3, 10, 5, tzinfo=dt.UTC)))  # 00:00->01:00
@example(_around("Pacific/Apia", dt.datetime(2011, 12, 30, 10, tzinfo=dt.UTC)))  # no 30 Dec
def test_the_cached_date_is_always_the_zone_s_date_at_that_instant(case):
    """However the clock moves on, the cached date is the date zoneinfo gives for that instant,
    and it is worked out again only at the next instant the zone's date changes."""
    zone, times = case
    clock = iter(times)
    today = _Today(zone, clock=lambda: next(clock))
    for now in times:
        expected = dt.datetime.fromtimestamp(now, zone).date()
        assert today() == expected.isoformat()
        until = today._day[1]
        assert until > now
        assert dt.datetime.fromtimestamp(until - 1, zone).date() == expected
        assert dt.datetime.fromtimestamp(until, zone).date() > expected


class _Counted(_Today):
    """A cache that notes each time it works the date out."""

    def __init__(self, zone: dt.tzinfo | None, clock) -> None:
        super().__init__(zone, clock)
        self.worked_out: list[float] = []

    def _work_out(self, now: float) -> tuple[str, float]:
        self.worked_out.append(now)
        return super()._work_out(now)


def test_the_date_is_worked_out_once_a_day():
    """Cheap per answer: within one day in the zone the cache is read, never worked out again."""
    zone = ZoneInfo("Pacific/Kiritimati")
    start = dt.datetime(2026, 7, 1, 0, 0, tzinfo=zone).timestamp()
    now = [start]
    today = _Counted(zone, clock=lambda: now[0])
    for minute in range(0, 48 * 60, 6):  # every six minutes, each midnight among them
        now[0] = start + minute * 60
        today()
    assert today.worked_out == [start, start + 24 * 3600]  # at 00:00 on 1 and on 2 July
    assert today() == "2026-07-02"
