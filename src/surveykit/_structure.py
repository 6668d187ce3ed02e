"""cattrs set-up for specs: strict scalar types and errors turned into located problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, override

from .model import Choice, Metadata, Option, Question, Section, When

Path = tuple[str | int, ...]

_TYPE_NAMES = {str: "a string", bool: "true or false", int: "a whole number"}


def _strict(kind: type):
    def structure(value: Any, _type: Any) -> Any:
        if value.__class__ is not kind:
            msg = f"expected {_TYPE_NAMES[kind]}, found {_describe(value)}"
            raise TypeError(msg)
        return value

    return structure


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return f"the string {value[:40]!r}"
    return f"{type(value).__name__} {value!r}"


def _when(value: Any, _type: Any) -> When:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
        except ValueError:
            pass
    msg = f"expected a date such as 2015-03-13 or a date-time such as 2015-03-13T17:00:00, found {_describe(value)}"
    raise ValueError(msg)


class _SpecFile:
    """Only a type marker; the real top-level shape is built in :func:`make_converter`."""


def make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    for kind in (str, bool, int):
        conv.register_structure_hook(kind, _strict(kind))
    conv.register_structure_hook(When, _when)
    conv.register_structure_hook(When | None, lambda v, _t: None if v is None else _when(v, _t))
    conv.register_structure_hook(
        Question,
        make_dict_structure_fn(
            Question,
            conv,
            _cattrs_forbid_extra_keys=True,
            section=override(omit=True),
            condition=override(omit=True),
        ),
    )
    for cls in (Option, Choice, Section, Metadata):
        conv.register_structure_hook(
            cls, make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True)
        )
    return conv


def flatten(exc: BaseException, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every leaf of a cattrs error tree as (path, plain message)."""
    if isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            yield from flatten(sub, (*path, note.name))
        for sub in without:
            yield from flatten(sub, path)
    elif isinstance(exc, IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            yield from flatten(sub, (*path, note.index))
        for sub in without:
            yield from flatten(sub, path)
    elif isinstance(exc, ForbiddenExtraKeysError):
        for key in sorted(exc.extra_fields):
            yield (*path, key), f"unknown key {key!r}"
    elif isinstance(exc, KeyError):
        yield path, f"{path[-1]!r} is required but missing" if path else "a required key is missing"
    else:
        yield path, str(exc)


__all__ = ["AttributeValidationNote", "IterableValidationNote", "flatten", "make_converter"]
