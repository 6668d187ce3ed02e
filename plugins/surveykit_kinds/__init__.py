"""The built-in question kinds.

``single``, ``multi`` and ``text``; ``number`` and ``date``; ``email``, ``uk_postcode`` and
``phone``; ``grid`` (statements sharing options, one stored part per row) and ``ranking``.
This package is an ordinary surveykit plugin, registered through the ``surveykit`` entry-point
group and using only the public API, so it doubles as a template for kind plugins: see
docs/hooks.md for the protocol each kind here follows.  What its checkers tell respondents is in
its own message catalogues (``locale/``, domain ``surveykit_kinds``), registered below as any
plugin registers its own (docs/languages.md).
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

from surveykit import hookimpl
from surveykit.plugins import Deferred

__all__ = [
    "BUILT_IN",
    "Date",
    "Email",
    "Grid",
    "MultiChoice",
    "Number",
    "Phone",
    "Ranking",
    "SingleChoice",
    "Text",
    "UKPostcode",
]

#: Each kind's registered name, and where its class lives.  The kinds are made when a spec or
#: a registry reader first asks for one (see ``surveykit.plugins.Deferred``), not when the plugin
#: is loaded, so ``surveykit --help`` pays for none and ``surveykit validate`` only for those its
#: spec uses (issue 20).
_KINDS = {
    "single": ("SingleChoice", "choice"),
    "multi": ("MultiChoice", "choice"),
    "text": ("Text", "text"),
    "number": ("Number", "number"),
    "date": ("Date", "dates"),
    "email": ("Email", "contact"),
    "uk_postcode": ("UKPostcode", "contact"),
    "phone": ("Phone", "contact"),
    "grid": ("Grid", "grid"),
    "ranking": ("Ranking", "ranking"),
}
_HOME = dict(_KINDS.values())


@functools.cache
def _kind(name: str) -> Any:
    """The one instance of the built-in kind ``name``: the registry's and ``BUILT_IN``'s."""
    class_name, home = _KINDS[name]
    return getattr(importlib.import_module(f".{home}", __name__), class_name)()


def _built_in() -> tuple[Any, ...]:
    """One of each built-in kind, in the order ``surveykit plugins`` lists them."""
    return tuple(_kind(name) for name in _KINDS)


def __getattr__(name: str) -> Any:
    if name == "BUILT_IN":
        value = globals()["BUILT_IN"] = _built_in()
        return value
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{home}", __name__), name)


@hookimpl
def surveykit_register_question_kinds(register):
    for name in _KINDS:
        register(Deferred(name, functools.partial(_kind, name)))


@hookimpl
def surveykit_register_catalogues(register):
    from surveykit.i18n import catalogues_in

    from ._common import DOMAIN, LOCALE

    for catalogue in catalogues_in(LOCALE, DOMAIN):
        register(catalogue)
