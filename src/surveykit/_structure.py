"""cattrs set-up for specs: strict scalar types, and cattrs errors turned into plain problems.

cattrs is lenient by default (it would turn ``max_length = "100"`` into ``100``); a spec author
deserves to hear that the value is wrong instead.  With ``detailed_validation`` cattrs gathers every
failure of a table into one tree; :func:`flatten` walks that tree and gives back one
:class:`Leaf` per problem, with the key path and a stable code, for :mod:`surveykit.spec` to
locate and word.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from ._quickstructure import DECLINED, QuickStructurer
from .model import Choice, Metadata, Option, Publication, Question, Section, When
from .retention import Duration, DurationError, Retention, parse_duration

if TYPE_CHECKING:  # cattrs is imported only when a table is not plainly sound (issue 20)
    import cattrs

__all__ = [
    "ALLOWED_KEYS",
    "Invalid",
    "Leaf",
    "ValueProblem",
    "describe",
    "flatten",
    "make_converter",
    "structure",
]

Path = tuple[str | int, ...]

_TYPE_NAMES = {str: "a string", bool: "true or false", int: "a whole number"}
_ISO_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?)?\Z"
)
#: Fields of the model that the loader fills in itself; a spec may not set them.
#: (A kind's own keys reach ``Question.settings`` through the loader, which takes them out of the
#: question's table first; a part's ``label`` is made by its kind.)
_OMITTED = {Question: ("section", "condition", "settings", "label"), Section: ("questions",)}
#: How each table is written in TOML, for "must be a table such as ..." messages.
_TABLE_EXAMPLES = {
    Option: '{ value = "yes", label = "Yes" }',
    Choice: '{ value = "leader", label = "Leader" }',
}


def _allowed(cls: type) -> tuple[str, ...]:
    omitted = _OMITTED.get(cls, ())
    return tuple(a.name for a in attrs.fields(cls) if a.name not in omitted)


#: The keys a spec author may write in each kind of table (``questions`` is handled by the loader).
ALLOWED_KEYS: dict[type, tuple[str, ...]] = {
    cls: _allowed(cls)
    for cls in (Metadata, Section, Question, Option, Choice, Publication, Retention)
}
ALLOWED_KEYS[Section] = (*ALLOWED_KEYS[Section], "questions")


class ValueProblem(Exception):
    """A value of the wrong shape, raised by our structure hooks with a code and plain words.

    ``detail`` completes a sentence whose subject is the key, e.g. ``must be a whole number, not
    the string '100'``.
    """

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


class Leaf(NamedTuple):
    """One problem found while structuring: where (key path), what (code) and the details.

    ``detail`` is the end of a sentence about the key for ``wrong_type`` and ``bad_date``; for
    ``unknown_key`` it is empty and ``allowed`` lists the keys that table accepts.
    """

    path: Path
    code: str
    detail: str = ""
    allowed: tuple[str, ...] = ()


def describe(value: Any) -> str:
    """Name a TOML value the way its author would recognise it: "the string '100'"."""
    if isinstance(value, bool):
        return f"the value {str(value).lower()}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return f"the string {value[:40]!r}" + ("..." if len(value) > 40 else "")
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dt.datetime):
        return f"the date and time {value.isoformat()}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, dt.time):
        return f"the time {value.isoformat()}"
    return repr(value)  # pragma: no cover - tomllib produces nothing else


def _strict(kind: type) -> Callable[[Any, Any], Any]:
    """A hook accepting exactly ``kind``: no quiet conversion of "100" to 100 or 1 to True."""

    def structure(value: Any, _type: Any) -> Any:
        if value.__class__ is not kind:
            raise ValueProblem("wrong_type", f"must be {_TYPE_NAMES[kind]}, not {describe(value)}")
        return value

    return structure


def _when(value: Any, _type: Any) -> When:
    """A TOML date or date-time, or the same written as a string (a common slip)."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return (
                dt.datetime.fromisoformat(value)
                if len(value) > 10
                else dt.date.fromisoformat(value)
            )
        except ValueError:
            raise ValueProblem("bad_date", f"is {value!r}, which is not a real date") from None
    msg = (
        "must be a date such as 2015-03-13 or a date and time such as 2015-03-13T17:00:00, "
        f"not {describe(value)}"
    )
    raise ValueProblem("bad_date", msg)


def _optional_when(value: Any, _type: Any) -> When | None:
    return None if value is None else _when(value, _type)


def _duration(value: Any, _type: Any) -> Duration | None:
    """A ``[retention]`` duration: text such as "6 months", or "never" (see
    :func:`surveykit.retention.parse_duration`); a bare number does not say its unit."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueProblem(
            "bad_retention",
            f"must be text such as '{value} days' or '{value} months', not {describe(value)}: "
            "a number alone does not say whether it counts days or months",
        )
    if not isinstance(value, str):
        msg = f"must be text such as '6 months', or 'never', not {describe(value)}"
        raise ValueProblem("bad_retention", msg)
    try:
        return parse_duration(value)
    except DurationError as exc:
        raise ValueProblem("bad_retention", str(exc)) from None


def _grace_period(value: Any, _type: Any) -> Duration:
    """``anonymise_after``: a duration, but not "never" (that is ``anonymise = false``)."""
    found = _duration(value, _type)
    if found is None:
        raise ValueProblem(
            "bad_retention",
            "is 'never', which would never anonymise; write anonymise = false instead, or a "
            "duration such as '30 days'",
        )
    return found


def _table(cls: type, structure: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Check that a table is a table first; cattrs would otherwise fail with a Python error."""
    example = _TABLE_EXAMPLES.get(cls)
    wanted = f"a table such as {example}" if example else "a table"

    def hook(value: Any, _type: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueProblem("wrong_type", f"must be {wanted}, not {describe(value)}")
        return structure(value, _type)

    return hook


def _array(default: Callable[[Any, Any], Any], what: str) -> Callable[[Any, Any], Any]:
    """Check that an array is an array; cattrs would happily iterate over a string's letters."""

    def hook(value: Any, _type: Any) -> Any:
        if not isinstance(value, list):
            raise ValueProblem("wrong_type", f"must be an array of {what}, not {describe(value)}")
        return default(value, _type)

    return hook


#: The hooks for single values, by type: the converter's, and the quick builder's.
_HOOKS: dict[Any, Callable[[Any, Any], Any]] = {
    str: _strict(str),
    bool: _strict(bool),
    int: _strict(int),
    When: _when,
    When | None: _optional_when,
    Duration | None: _duration,
    Duration: _grace_period,
}
_quick = QuickStructurer(_HOOKS, _OMITTED)


class Invalid(Exception):
    """A table that cannot be structured; ``error`` is what :func:`flatten` reads."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


def structure(value: Any, cls: type) -> Any:
    """``cls`` from the table ``value``, or :class:`Invalid` holding every problem in it.

    A plainly sound table is built without cattrs (:mod:`surveykit._quickstructure`); any
    other goes through the converter, which finds and explains each problem.
    """
    made = _quick.structure(value, cls)
    if made is not DECLINED:
        return made
    from cattrs.errors import BaseValidationError

    try:
        return _converter().structure(value, cls)
    except (BaseValidationError, ValueProblem) as exc:
        raise Invalid(exc) from exc


@functools.cache
def _converter() -> cattrs.Converter:
    return make_converter()


def make_converter() -> cattrs.Converter:
    """A converter that rejects unknown keys and wrong types instead of guessing."""
    import cattrs
    from cattrs.gen import make_dict_structure_fn, override

    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    for kind, hook in _HOOKS.items():
        conv.register_structure_hook(kind, hook)
    options = tuple[Option, ...]
    default = conv.get_structure_hook(options)
    conv.register_structure_hook_func(
        lambda t: t == options, _array(default, 'options such as [{ value = "yes", ... }]')
    )
    names = tuple[str, ...]
    default_names = conv.get_structure_hook(names)
    conv.register_structure_hook_func(
        lambda t: t == names, _array(default_names, 'strings such as ["quote_named"]')
    )
    for cls in (Option, Choice, Section, Metadata, Question, Publication, Retention):
        omit = {name: override(omit=True) for name in _OMITTED.get(cls, ())}
        structure = make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True, **omit)
        conv.register_structure_hook(cls, _table(cls, structure))
    return conv


def flatten(exc: BaseException, path: Path = ()) -> Iterator[Leaf]:
    """Every leaf of a cattrs error tree as a :class:`Leaf`."""
    from cattrs.errors import (
        ClassValidationError,
        ForbiddenExtraKeysError,
        IterableValidationError,
    )

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
        allowed = ALLOWED_KEYS.get(exc.cl, ())
        for key in sorted(exc.extra_fields):
            yield Leaf((*path, key), "unknown_key", allowed=allowed)
    elif isinstance(exc, KeyError):
        yield Leaf(path, "missing_key")
    elif isinstance(exc, ValueProblem):
        yield Leaf(path, exc.code, exc.detail)
    else:  # pragma: no cover - every hook above raises ValueProblem; keep the words plain anyway
        yield Leaf(path, "wrong_type", "is not a valid value here")
