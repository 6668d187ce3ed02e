"""How a question kind is read from, and written to, other form formats (XLSForm, SurveyJS,
LimeSurvey): the public contract between the importers and the kind plugins.

The importers (plugin ``surveykit_interchange``) do what every question shares: names, labels,
hints, required, choices, conditions, groups and languages.  What is particular to a kind (that
an XLSForm ``integer`` is a ``number`` with ``decimals = 0``, that a SurveyJS ``matrix`` is a
``grid`` whose ``rows`` come from the element) is said by a :class:`KindInterchange`, which a
plugin registers through the ``surveykit_register_interchange`` hook.  So a kind added by a
plugin can be imported and exported as soon as its plugin says how; the built-in kinds are
registered by ``surveykit_interchange`` through that same hook, as any plugin would.

Nothing here does I/O: a mapping sees one foreign question as a mapping of its fields, and
answers with data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Protocol

from attrs import field, frozen

__all__ = [
    "FORMATS",
    "Foreign",
    "KindInterchange",
    "KindRead",
    "Localised",
    "Refusal",
]

#: The formats a mapping may know, by the names ``surveykit import --from`` and ``export --to``
#: use (LimeSurvey is read only: its tab-separated files are an export format of LimeSurvey's).
FORMATS = ("xlsform", "surveyjs", "limesurvey")


def _frozen_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


@frozen
class Localised:
    """One text in each language a form gives it in, by language tag, the form's own first.

    A mapping puts one wherever a setting holds words respondents read (a grid row's text, a
    number's unit); the importer writes the first language into the spec and the others into
    its translations.
    """

    texts: Mapping[str, str] = field(converter=_frozen_mapping)

    def __attrs_post_init__(self) -> None:
        if not self.texts:
            raise ValueError("a localised text needs at least one language")

    @property
    def text(self) -> str:
        """The text in the form's own language."""
        return next(iter(self.texts.values()))

    def get(self, language: str) -> str:
        """The text in ``language``, or in the form's own language when it has none there."""
        return self.texts.get(language) or self.text


@frozen
class Foreign:
    """One question as another format writes it, handed to the :class:`KindInterchange` whose
    ``reads`` lists its ``type``.

    ``type`` is the foreign type as the format names it: XLSForm's first word of ``type``
    (``integer``, ``select_one``), SurveyJS's ``type`` with any ``inputType`` after a colon
    (``text:number``, ``matrix``), LimeSurvey's type letter (``N``).  ``fields`` are the
    question's own fields (an XLSForm row by column, a SurveyJS element, a LimeSurvey row by
    column), ``where`` says where it is for messages (``survey sheet, row 12``), and
    ``localise`` turns one of the format's texts into a :class:`Localised` (for SurveyJS a
    string or ``{"default": ..., "cy": ...}``; for XLSForm a column's name, giving every
    ``label::...`` column; for LimeSurvey a column's name, across the language rows).
    """

    format: str
    type: str
    fields: Mapping[str, Any] = field(converter=_frozen_mapping)
    where: str = ""
    localise: Callable[[Any], Localised | None] = field(default=lambda value: None, eq=False)


@frozen
class Refusal:
    """Something in a foreign question surveykit cannot represent: ``feature`` names it in a
    word or two (``calculation``, ``question type geopoint``), ``message`` says it in full."""

    feature: str
    message: str


@frozen
class KindRead:
    """What a mapping makes of one foreign question.

    ``kind`` and ``settings`` become the question's (a setting may hold :class:`Localised`
    texts); ``max_length`` its length limit.  ``adapted`` are notes written above the question
    in the spec (what was changed to fit, such as a slider read as a number box);
    ``refused`` are what cannot be represented: any refusal refuses the question, or leaves it
    out under ``--partial``.
    """

    kind: str
    settings: Mapping[str, Any] = field(factory=dict, converter=_frozen_mapping)
    max_length: int | None = None
    adapted: tuple[str, ...] = ()
    refused: tuple[Refusal, ...] = ()


class KindInterchange(Protocol):
    """What a plugin registers to import and export questions of one surveykit kind.

    ``kind``: the surveykit kind's name.  ``reads``: for each format, the foreign types this
    mapping reads (``{"xlsform": ("integer", "decimal"), "surveyjs": ("text:number",)}``); two
    mappings reading one foreign type is a registration error.

    ``read(foreign)`` gives the :class:`KindRead`; the importer has already read the name,
    label, hint, required, choices (for a kind with options) and the condition.

    ``write(question, format, localise)`` gives the foreign fields particular to this kind
    (``{"type": "integer", "constraint": ". >= 0"}``), or a :class:`Refusal` when the format
    cannot say this question; the exporter adds the common fields.  ``localise(address)``
    gives a text of the question's own (``"rows.cost.text"``) as the format writes texts in
    every language of the spec.  A mapping without ``write`` is import only.
    """

    kind: str
    reads: Mapping[str, tuple[str, ...]]

    def read(self, foreign: Foreign) -> KindRead: ...
