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

from surveykit import hookimpl
from surveykit.i18n import catalogues_in

from ._common import DOMAIN, LOCALE
from .choice import MultiChoice, SingleChoice
from .contact import Email, Phone, UKPostcode
from .dates import Date
from .grid import Grid
from .number import Number
from .ranking import Ranking
from .text import Text

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

#: One of each built-in kind, in the order ``surveykit plugins`` lists them.
BUILT_IN = (
    SingleChoice(),
    MultiChoice(),
    Text(),
    Number(),
    Date(),
    Email(),
    UKPostcode(),
    Phone(),
    Grid(),
    Ranking(),
)


@hookimpl
def surveykit_register_question_kinds(register):
    for kind in BUILT_IN:
        register(kind)


@hookimpl
def surveykit_register_catalogues(register):
    for catalogue in catalogues_in(LOCALE, DOMAIN):
        register(catalogue)
