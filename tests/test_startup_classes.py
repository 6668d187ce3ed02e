"""The shared ``__repr__`` of :mod:`surveykit._classes` (issue 20) shows every object exactly as
the ``__repr__`` attrs would have generated for its class.

Each object is compared with a twin: an attrs class of the same name and fields, made by attrs
with its own generated ``__repr__``, holding the same values.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

import surveykit
from surveykit import _classes
from surveykit.cli import cli
from surveykit.cli.deployment_file import LoadedDeployment
from surveykit.conditions import Operand, bind, parse_condition
from surveykit.engine import Engine
from surveykit.errors import RosterProblem
from surveykit.plugins import Registry
from surveykit.retention import parse_duration, schedule

MODULES = (
    "surveykit.conditions",
    "surveykit.model",
    "surveykit.errors",
    "surveykit.retention",
    "surveykit.kinds",
    "surveykit.i18n",
    "surveykit.plugins",
    "surveykit.cli.lazy",
    "surveykit.cli.deployment_file",
)


def _shared_classes() -> list[type]:
    return [
        cls
        for name in MODULES
        for _, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass)
        if cls.__module__ == name and _is_shared(cls)
    ]


def _is_shared(cls: type) -> bool:
    return getattr(cls.__repr__, "__module__", None) == _classes.__name__


def _attrs_repr(obj: Any) -> str:
    """What attrs' generated ``__repr__`` shows for ``obj``."""
    cls = type(obj)
    fields = attrs.fields(cls)
    twin = attrs.make_class(
        cls.__name__,
        {a.name: attrs.field(repr=a.repr, init=a.init) for a in fields},
        slots=True,
        eq=False,
    )
    twin.__qualname__ = cls.__qualname__
    copy = object.__new__(twin)
    for a in fields:
        if hasattr(obj, a.name):
            object.__setattr__(copy, a.name, getattr(obj, a.name))
    return repr(copy)


def _walk(value: Any, seen: set[int]) -> Iterator[Any]:
    """``value`` and every attrs object inside it."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if attrs.has(type(value)):
        yield value
        for a in attrs.fields(type(value)):
            yield from _walk(getattr(value, a.name, None), seen)
    elif isinstance(value, tuple | list | set | frozenset):
        for item in value:
            yield from _walk(item, seen)
    elif isinstance(value, dict) or hasattr(value, "keys"):  # read-only mappings too
        for item in value.values():
            yield from _walk(item, seen)


def _samples() -> list[Any]:
    """Objects of every class with the shared ``__repr__``, as surveykit makes them."""
    consultation = surveykit.load_spec("specs/examples/bilingual_example.toml")
    taking_stock = surveykit.load_spec("taking-stock")
    options = Operand("option", ("yes", "no"))
    conditions = [
        parse_condition(text)
        for text in (
            'q1 == "yes" and not (q2 in ["a", "b"] or "x" in q3)',
            "answered(q4) or q5 >= 2024-03-01 or count(q6) > 1",
            "q7 < 250.5",
        )
    ]
    operands = {"q1": Operand("text"), "q2": options}
    bound, found = bind(
        parse_condition('q1 == "Yes please" or q1 in ["A", "b"] or q2 == "maybe" or q9 < 3'),
        operands.get,
    )
    plugins = surveykit.get_plugins()
    question = taking_stock.questions[0]
    problems = Engine(taking_stock).check({"q1": 3, "nope": 1}).problems
    with pytest.raises(surveykit.SpecError) as refused:
        surveykit.loads_spec("[consultation]\nid = 1\n", source="bad.toml")
    return [
        consultation,
        taking_stock,
        options,
        *conditions,
        bound,
        *found,
        *problems,
        *refused.value.problems,
        parse_duration("6 months"),
        *schedule(taking_stock),
        *plugins.info(),
        plugins.kinds,
        *plugins.catalogues.items.values(),
        plugins.kinds[question.kind].checker(question)("no such option"),
        RosterProblem("bad_row", "row 3 has no name", "roster.csv", 3),
        LoadedDeployment(None, None, "none found"),
        *cli.lazy_commands.values(),
    ]


def test_every_object_is_shown_as_attrs_would_show_it():
    objects = [obj for sample in _samples() for obj in _walk(sample, set())]
    shared = {type(obj) for obj in objects if _is_shared(type(obj))}
    assert {"Consultation", "Question", "Option", "Equals", "SpecProblem"} <= {
        cls.__name__ for cls in shared
    }
    for obj in objects:
        assert repr(obj) == _attrs_repr(obj)


def test_the_classes_made_here_are_the_ones_listed():
    """Every class of those modules that is made by attrs gets the shared ``__repr__`` unless
    it writes its own."""
    for name in MODULES:
        for _, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass):
            if cls.__module__ == name and attrs.has(cls) and "__repr__" not in vars(cls):
                pytest.fail(f"{cls.__qualname__} has no __repr__")
    assert len(_shared_classes()) > 30


def test_an_object_inside_itself_is_shown_as_dots():
    registry: Registry = Registry("question kind")
    registry.add("self", registry, "loop")
    assert (
        repr(registry)
        == "Registry(what='question kind', _items={'self': ...}, owners={'self': 'loop'})"
    )


def test_a_class_asking_for_no_repr_or_writing_its_own_keeps_it():
    @_classes.frozen(repr=False)
    class Plain:
        x: int

    @_classes.define
    class Own:
        x: int

        def __repr__(self) -> str:
            return "mine"

    assert repr(Plain(1)).startswith("<")
    assert repr(Own(1)) == "mine"
