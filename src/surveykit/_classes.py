"""``attrs.frozen`` and ``attrs.define``, with one ``__repr__`` shared by every class (issue 20).

attrs writes the source of each class's methods and compiles it when the class is made, at
every start: for the forty-odd classes a ``surveykit validate`` run makes, about a third of that
is the ``__repr__``, which nothing on a command's way calls.  The classes made here get instead
a ``__repr__`` built from the same fields, giving the very text attrs' own would give (the
class's name, then ``name=repr(value)`` for each field shown, ``...`` for an object already
being shown), and leave ``__init__``, ``__eq__`` and ``__hash__`` to attrs as they were.  A class
that writes its own ``__repr__``, or asks for ``repr=False``, keeps what it asked for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
from attrs import NOTHING

__all__ = ["define", "frozen"]

C = TypeVar("C", bound=type)

#: The objects each thread is showing now, so that a cycle is shown as ``...``.
_showing = threading.local()


def _shared_repr(fields: tuple[attrs.Attribute, ...]) -> Callable[[Any], str]:
    shown = [
        (a.name, repr if a.repr is True else a.repr, a.init) for a in fields if a.repr is not False
    ]

    def __repr__(self: Any) -> str:
        showing: set[int] | None = getattr(_showing, "ids", None)
        if showing is None:
            showing = _showing.ids = set()
        if id(self) in showing:
            return "..."
        showing.add(id(self))
        try:
            parts = ", ".join(
                f"{name}={show(getattr(self, name) if init else getattr(self, name, NOTHING))}"
                for name, show, init in shown
            )
            return f"{self.__class__.__qualname__.rsplit('>.', 1)[-1]}({parts})"
        finally:
            showing.discard(id(self))

    return __repr__


def _with_shared_repr(make: Callable[..., Any], cls: C | None, options: dict[str, Any]) -> Any:
    def wrap(cls: C) -> C:
        if options.get("repr", True) is False or "__repr__" in cls.__dict__:
            return make(cls, **options)
        made = make(cls, **{**options, "repr": False})
        method = _shared_repr(attrs.fields(made))
        method.__qualname__ = f"{made.__qualname__}.__repr__"
        made.__repr__ = method
        return made

    return wrap if cls is None else wrap(cls)


def frozen(maybe_cls: C | None = None, /, **options: Any) -> Any:
    """``attrs.frozen``, with the shared ``__repr__``."""
    return _with_shared_repr(attrs.frozen, maybe_cls, options)


def define(maybe_cls: C | None = None, /, **options: Any) -> Any:
    """``attrs.define``, with the shared ``__repr__``."""
    return _with_shared_repr(attrs.define, maybe_cls, options)
