"""A quick way to build a spec's tables, beside cattrs (issue 20).

Importing cattrs and generating its converter is about a tenth of a ``surveykit validate`` run,
spent before a single key is read.  Most specs are sound, and a sound table needs none of what
cattrs is there for (a tree of every failure, to word each problem), so this module builds a
table the plain way: every key one the class takes, every required key present, and each value
passed through the very hook the cattrs converter uses for its type (see
:mod:`surveykit._structure`).  At the first doubt it declines (:data:`DECLINED`): a key it does
not know, a value a hook refuses, a field type it has no rule for, a class whose ``__init__``
refuses.  The caller then runs cattrs, which finds and reports every problem as before; so the
two ways build alike wherever this one builds at all (``tests/test_startup_structure.py``).
"""

from __future__ import annotations

import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

import attrs

__all__ = ["DECLINED", "QuickStructurer"]

#: What :meth:`QuickStructurer.structure` returns when it leaves a table to cattrs.
DECLINED: Any = object()
_UNSEEN = object()

Hook = Callable[[Any, Any], Any]
#: How one value is built: the hook's result, or :class:`_Decline` raised.
Build = Callable[[Any], Any]


class _Decline(Exception):
    """Not plainly sound: leave the table to cattrs."""


class _Field:
    """How one key is built: its ``__init__`` argument (attrs' alias), and its rule."""

    __slots__ = ("argument", "build")

    def __init__(self, argument: str, build: Build) -> None:
        self.argument = argument
        self.build = build


class _Plan:
    """How one class is built: each key a spec may write, and the keys it must."""

    __slots__ = ("fields", "required")

    def __init__(self, fields: dict[str, _Field], required: frozenset[str]) -> None:
        self.fields = fields
        self.required = required


class QuickStructurer:
    """Builds tables with the converter's ``hooks`` (by type), leaving out the ``omitted``
    fields (by class), each class's plan made on first use."""

    def __init__(self, hooks: Mapping[Any, Hook], omitted: Mapping[type, tuple[str, ...]]) -> None:
        self.hooks = hooks
        self.omitted = omitted
        self._builds: dict[type, Build] = {}
        self._types: dict[tuple[str, str], Any] = {}

    def structure(self, value: Any, cls: type) -> Any:
        """``cls`` built from the table ``value``, or :data:`DECLINED`."""
        try:
            return self._build(cls)(value)
        except _Decline:
            return DECLINED

    def _build(self, cls: type) -> Build:
        build = self._builds.get(cls)
        if build is None:
            try:
                build = _table_builder(cls, self._plan(cls))
            except _Decline:
                build = _always_decline
            self._builds[cls] = build
        return build

    def _plan(self, cls: type) -> _Plan:
        """How to build each field a spec may set; :class:`_Decline` if one has no plain rule."""
        fields: dict[str, _Field] = {}
        required = set()
        for a in attrs.fields(cls):
            if not a.init or a.name in self.omitted.get(cls, ()):
                continue
            if a.converter is not None:  # cattrs would structure by type, then convert
                raise _Decline
            kind = self._type(cls, a.type)
            fields[a.name] = _Field(a.alias, self._value_builder(kind))
            if a.default is attrs.NOTHING:
                required.add(a.name)
        return _Plan(fields, frozenset(required))

    def _type(self, cls: type, annotation: Any) -> Any:
        """A field's type, its annotation evaluated where the class is written, as
        ``typing.get_type_hints`` does; each text once (most fields are ``str`` or alike)."""
        if not isinstance(annotation, str):
            return annotation
        key = (cls.__module__, annotation)
        kind = self._types.get(key, _UNSEEN)
        if kind is _UNSEEN:
            namespace = vars(sys.modules[cls.__module__])
            try:  # the model's own code, evaluated as typing.get_type_hints would
                kind = self._types[key] = eval(annotation, namespace)
            except Exception:  # written elsewhere (an inherited field): leave it to cattrs
                raise _Decline from None
        return kind

    def _value_builder(self, kind: Any) -> Build:
        """The rule for one field's type, as the converter dispatches it."""
        hook = self.hooks.get(kind)
        if hook is not None:
            return _hooked(hook, kind)
        args = typing.get_args(kind)
        if isinstance(kind, types.UnionType) and len(args) == 2 and type(None) in args:
            (other,) = (arg for arg in args if arg is not type(None))
            inner = self._value_builder(other)
            return lambda value: None if value is None else inner(value)
        if typing.get_origin(kind) is tuple and len(args) == 2 and args[1] is Ellipsis:
            item = self._value_builder(args[0])
            return lambda value: _tuple(value, item)
        if isinstance(kind, type) and attrs.has(kind):
            return lambda value: self._build(kind)(value)
        raise _Decline


def _always_decline(value: Any) -> Any:
    raise _Decline


def _table_builder(cls: type, plan: _Plan) -> Build:
    def build(value: Any) -> Any:
        if not isinstance(value, dict) or not plan.required <= value.keys():
            raise _Decline
        arguments = {}
        for key, item in value.items():
            spec_field = plan.fields.get(key)
            if spec_field is None:
                raise _Decline
            arguments[spec_field.argument] = spec_field.build(item)
        try:
            return cls(**arguments)
        except Exception:
            raise _Decline from None

    return build


def _hooked(hook: Hook, kind: Any) -> Build:
    def build(value: Any) -> Any:
        try:
            return hook(value, kind)
        except Exception:
            raise _Decline from None

    return build


def _tuple(value: Any, item: Build) -> tuple[Any, ...]:
    if not isinstance(value, list):  # the converter's array hooks refuse anything else
        raise _Decline
    return tuple(item(element) for element in value)
