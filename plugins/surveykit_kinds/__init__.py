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

import importlib
from typing import Any

from surveykit import hookimpl

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

#: Where each kind's class lives.  The kinds are imported when a registry is first read, not
#: when the plugin is loaded, so ``surveykit --help`` does not pay for them.
_HOME = {
    "SingleChoice": "choice",
    "MultiChoice": "choice",
    "Text": "text",
    "Number": "number",
    "Date": "dates",
    "Email": "contact",
    "UKPostcode": "contact",
    "Phone": "contact",
    "Grid": "grid",
    "Ranking": "ranking",
}


def _built_in() -> tuple[Any, ...]:
    """One of each built-in kind, in the order ``surveykit plugins`` lists them."""
    return tuple(
        getattr(importlib.import_module(f".{home}", __name__), name)()
        for name, home in _HOME.items()
    )


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
    from . import BUILT_IN

    for kind in BUILT_IN:
        register(kind)


@hookimpl
def surveykit_register_catalogues(register):
    from surveykit.i18n import catalogues_in

    from ._common import DOMAIN, LOCALE

    for catalogue in catalogues_in(LOCALE, DOMAIN):
        register(catalogue)
