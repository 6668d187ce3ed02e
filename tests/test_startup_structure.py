"""The quick way of building a spec's tables (issue 20) agrees with cattrs wherever it builds.

:mod:`surveykit._quickstructure` builds a plainly sound table without importing cattrs, and
declines anything else, which the cattrs converter then builds or refuses, naming every problem.
So: whenever the quick way builds, cattrs builds the very same object; whenever cattrs refuses,
the quick way declines; and a sound table (every one of the packaged specs, say) is built the
quick way.
"""

from __future__ import annotations

import datetime as dt
import tomllib
import typing
from pathlib import Path
from typing import Any

import attrs
import pytest
from cattrs.errors import BaseValidationError
from hypothesis import given
from hypothesis import strategies as st

from surveykit import _structure
from surveykit._quickstructure import DECLINED
from surveykit.model import Choice, Metadata, Option, Publication, Question, Section, When
from surveykit.retention import Duration, Retention

ROOT = Path(__file__).resolve().parents[1]
CLASSES = (Option, Choice, Section, Metadata, Question, Publication, Retention)
_converter = _structure.make_converter()

_DURATIONS = ("6 months", "never", "30 days", "1 year", "12 weeks", "6 Months", "0 days", "7")
#: Values of every TOML type, sound for some keys and wrong for others.
_NOISE = st.one_of(
    st.sampled_from(["", "yes", "100", "true", "2015-03-13", "2015-02-30", "2015-03-13T17:00"]),
    st.sampled_from(_DURATIONS),
    st.integers(-3, 10**6),
    st.booleans(),
    st.floats(allow_nan=False),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.lists(st.sampled_from(["a", 1, True]), max_size=3),
    st.just({"value": "v", "label": "V"}),
    st.dictionaries(st.sampled_from(["value", "label", "x"]), st.text(max_size=3), max_size=3),
)


def _sound(kind: Any) -> st.SearchStrategy[Any]:
    """A value the converter accepts for a field of type ``kind`` (mostly)."""
    if kind in (Duration, Duration | None):
        return st.sampled_from(_DURATIONS[:5])
    if kind in (When, When | None):
        return st.dates() | st.datetimes() | st.sampled_from(["2015-03-13", "2015-03-13T17:00:00"])
    if kind is str:
        return st.text(max_size=6)
    if kind is bool:
        return st.booleans()
    if kind is int:
        return st.integers(-5, 10**4)
    args = typing.get_args(kind)
    if type(None) in args:
        (inner,) = (arg for arg in args if arg is not type(None))
        return _sound(inner)
    if typing.get_origin(kind) is tuple:
        return st.lists(_sound(args[0]), max_size=3)
    return _table(kind)


def _table(cls: type) -> st.SearchStrategy[dict[str, Any]]:
    """A table for ``cls``: every required key, some optional ones, all with sound values."""
    hints = typing.get_type_hints(cls)
    fields = [f for f in attrs.fields(cls) if f.name in _structure.ALLOWED_KEYS[cls]]
    fields = [f for f in fields if f.name != "questions"]
    required = {f.name: _sound(hints[f.name]) for f in fields if f.default is attrs.NOTHING}
    optional = {f.name: _sound(hints[f.name]) for f in fields if f.default is not attrs.NOTHING}
    return st.fixed_dictionaries(required, optional=optional)


@st.composite
def _spoilt(draw: st.DrawFn, cls: type) -> dict[str, Any]:
    """A sound table, then up to two slips: a wrong value, an unknown key, a missing key."""
    table = draw(_table(cls))
    for _ in range(draw(st.integers(0, 2))):
        slip = draw(st.sampled_from(["value", "unknown", "missing"]))
        if slip == "value" and table:
            table[draw(st.sampled_from(sorted(table)))] = draw(_NOISE)
        elif slip == "unknown":
            table[draw(st.sampled_from(["colour", "questions", "condition", "Value"]))] = "x"
        elif table:
            del table[draw(st.sampled_from(sorted(table)))]
    return table


def _by_cattrs(value: Any, cls: type) -> Any:
    try:
        return _converter.structure(value, cls)
    except (BaseValidationError, _structure.ValueProblem):
        return DECLINED


def _agree(value: Any, cls: type) -> Any:
    quick = _structure._quick.structure(value, cls)
    if quick is not DECLINED:
        expected = _by_cattrs(value, cls)
        assert expected is not DECLINED, (cls, value)
        assert type(quick) is type(expected)
        assert quick == expected
        assert attrs.asdict(quick, recurse=True) == attrs.asdict(expected, recurse=True)
    return quick


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_the_quick_way_builds_what_cattrs_builds_or_declines(cls, data):
    _agree(data.draw(_spoilt(cls)), cls)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_a_sound_table_is_built_the_quick_way(cls, data):
    table = data.draw(_table(cls))
    assert _by_cattrs(table, cls) is DECLINED or _agree(table, cls) is not DECLINED


@pytest.mark.parametrize(
    "value",
    [[], "text", 3, None, {"value": "a", "label": "A", "other": 1}, {"value": "a"}],
    ids=repr,
)
def test_what_cattrs_refuses_is_declined(value):
    assert _structure._quick.structure(value, Option) is DECLINED
    assert _by_cattrs(value, Option) is DECLINED


def _tables(data: dict[str, Any]) -> list[tuple[Any, type]]:
    """Each table of a spec with the class the loader builds it as."""
    found: list[tuple[Any, type]] = [(data["consultation"], Metadata)]
    found += [
        (choice, Choice) for key in ("roles", "authority_types") for choice in data.get(key, ())
    ]
    for section in data["sections"]:
        found.append(({k: v for k, v in section.items() if k != "questions"}, Section))
        found += [(question, Question) for question in section.get("questions", ())]
    found += [
        (data[key], cls)
        for key, cls in (("publication", Publication), ("retention", Retention))
        if key in data
    ]
    return found


@pytest.mark.parametrize(
    "spec",
    [
        ROOT / "src/surveykit/specs/taking_stock.toml",
        *(p for p in sorted((ROOT / "specs/examples").glob("*.toml")) if p.suffixes == [".toml"]),
    ],
    ids=lambda path: path.name,
)
def test_every_table_of_the_packaged_specs_is_built_the_quick_way(spec):
    data = tomllib.loads(spec.read_text(encoding="utf-8"))
    for table, cls in _tables(data):
        if cls is Question:
            table = {k: v for k, v in table.items() if k in _structure.ALLOWED_KEYS[Question]}
        assert _agree(table, cls) is not DECLINED, (cls, table)


def test_a_date_written_as_text_is_read_as_cattrs_reads_it():
    table = {"id": "c", "title": "T", "publisher": "P", "closes": "2015-03-13T17:00:00"}
    assert _agree(table, Metadata).closes == dt.datetime(2015, 3, 13, 17, 0)
