"""The consultation as data: frozen attrs classes built by :mod:`surveykit.spec`.

Nothing here does I/O or knows about TOML; a consultation can also be built in code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cached_property
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from attrs import evolve, field

from ._classes import frozen
from .conditions import Condition
from .errors import SpecProblem
from .retention import DEFAULTS as DEFAULT_RETENTION
from .retention import Retention

__all__ = [
    "Choice",
    "Consultation",
    "Metadata",
    "Option",
    "Publication",
    "Question",
    "RosterAnswers",
    "Section",
    "Translation",
]

When = dt.date | dt.datetime


@frozen
class Option:
    """One answer option of a choice question: the stored ``value`` and the shown ``label``.

    ``other``: choosing it asks for the respondent's own words ("Other (please specify)"), kept
    as a text part of its own (see :mod:`surveykit.kinds`), up to ``max_length`` characters.
    """

    value: str
    label: str
    hint: str | None = None
    other: bool = False
    max_length: int | None = None


def _frozen_settings(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


@frozen
class Choice:
    """A value and label pair for roster vocabularies (roles, authority types)."""

    value: str
    label: str


@frozen
class Question:
    """One question.  ``condition`` is the parsed ``shown_if``; ``None`` means always shown.

    ``settings`` holds the keys a kind declares for itself (a number's ``min``, a grid's
    ``rows``), checked by that kind when the spec loads.  ``sensitive`` marks special-category
    data (equality monitoring): reports protect it harder and never quote it.  A question may
    stand for several answer *parts* (a grid's rows, an "other" option's text): see
    :func:`surveykit.kinds.parts_of`.
    """

    id: str
    text: str
    kind: str
    number: str | None = None
    hint: str | None = None
    options: tuple[Option, ...] = ()
    required: bool = False
    shown_if: str | None = None
    max_length: int | None = None
    section: str = ""
    sensitive: bool = False
    settings: Mapping[str, Any] = field(
        factory=dict, converter=_frozen_settings, hash=False, repr=False
    )
    condition: Condition | None = field(default=None, eq=False, repr=False)
    label: str | None = field(default=None, eq=False, repr=False)

    @property
    def title(self) -> str:
        """The question as people refer to it: "Question 13" or its id when unnumbered; a
        part adds its own label: "Question 7 (Cost of services)"."""
        title = f"Question {self.number}" if self.number else f"Question {self.id}"
        return f"{title} ({self.label})" if self.label else title

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


@frozen
class Section:
    """A group of questions with the introductory text that precedes them."""

    id: str
    title: str
    intro: str = ""
    questions: tuple[Question, ...] = ()


def _aware_start(when: When, zone: ZoneInfo) -> dt.datetime:
    if isinstance(when, dt.datetime):
        return when if when.tzinfo else when.replace(tzinfo=zone)
    return dt.datetime.combine(when, dt.time(), tzinfo=zone)


def _aware_end(when: When, zone: ZoneInfo) -> dt.datetime:
    """A bare date closes at the end of that day, i.e. at midnight starting the next."""
    if isinstance(when, dt.datetime):
        return when if when.tzinfo else when.replace(tzinfo=zone)
    return dt.datetime.combine(when + dt.timedelta(days=1), dt.time(), tzinfo=zone)


@frozen
class Metadata:
    """Who runs the consultation, when it is open, and what respondents are told."""

    id: str
    title: str
    publisher: str
    closes: When
    timezone: str = "UTC"
    opens: When | None = None
    subtitle: str = ""
    contact: str = ""
    privacy_notice: str = ""
    foreword: str = ""
    introduction: str = ""
    how_to_respond: str = ""
    #: The question banks whose sections follow the spec's own (``surveykit:equality``, a path).
    include: tuple[str, ...] = ()
    #: The languages offered (BCP 47 tags), the first being the one the spec is written in.
    languages: tuple[str, ...] = ("en",)
    #: Files holding ``[translations.LANG]`` tables, relative to the spec (see docs/languages.md).
    translation_files: tuple[str, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def opens_at(self) -> dt.datetime | None:
        """The first instant at which answers are accepted (aware), or ``None`` if always."""
        return None if self.opens is None else _aware_start(self.opens, self.zone)

    @property
    def closes_at(self) -> dt.datetime:
        """The first instant at which answers are refused (aware; the bound is exclusive)."""
        return _aware_end(self.closes, self.zone)

    @property
    def closing_text(self) -> str:
        """The closing time as people say it: "Friday 13 March 2015, end of day"."""
        if isinstance(self.closes, dt.datetime):
            return f"{self.closes:%A} {self.closes.day} {self.closes:%B %Y, %H:%M}"
        return f"{self.closes:%A} {self.closes.day} {self.closes:%B %Y}, end of day"

    def is_open(self, now: dt.datetime) -> bool:
        """Whether an aware instant falls inside the consultation's window."""
        opens_at = self.opens_at
        return (opens_at is None or now >= opens_at) and now < self.closes_at


@frozen
class Publication:
    """What may be published from the responses: the spec's ``[publication]`` table.

    ``consent_question`` is the single-choice question where respondents give or withhold
    consent; ``quote`` lists its option values that permit quoting their free text, and
    ``name_authority`` those that permit naming their authority.  ``identifying`` lists
    questions whose answers are identity (an authority's name, say): they are never published
    as free text.  ``threshold`` is the smallest count a public report shows (``k``); ``None``
    leaves it to the report's default.  With no consent question nothing is quoted or named.
    """

    consent_question: str | None = None
    quote: tuple[str, ...] = ()
    name_authority: tuple[str, ...] = ()
    identifying: tuple[str, ...] = ()
    threshold: int | None = None


@frozen
class RosterAnswers:
    """Which questions the roster answers: the spec's ``[roster]`` table.

    Each field names the question that asks what a roster column records (``role = "role"``).
    For a respondent the roster lists, its value is their answer to that question unless they
    give another, on every channel: nobody is asked to repeat what the roster already says.
    """

    role: str | None = None
    authority_type: str | None = None
    authority: str | None = None

    def items(self) -> tuple[tuple[str, str], ...]:
        """``(roster column, question id)`` for each column that answers a question."""
        return tuple(
            (column, qid)
            for column, qid in (
                ("role", self.role),
                ("authority_type", self.authority_type),
                ("authority", self.authority),
            )
            if qid is not None
        )


@frozen
class Translation:
    """One text of the spec in another language, and the fingerprint of the source it was made
    from (see :func:`surveykit.translations.fingerprint`): when the source text changes, the
    fingerprints differ and the translation is known to be stale.

    ``file`` and ``line`` say where it is written, for messages; they take no part in equality.
    """

    text: str
    source: str
    file: str = field(default="<spec>", eq=False)
    line: int | None = field(default=None, eq=False)


def _frozen_translations(
    value: Mapping[str, Mapping[str, Translation]] | None,
) -> Mapping[str, Mapping[str, Translation]]:
    return MappingProxyType(
        {lang: MappingProxyType(dict(table)) for lang, table in (value or {}).items()}
    )


@frozen
class Consultation:
    """A whole consultation spec, loaded and checked.  Questions keep spec order.

    ``translations`` maps each language the spec is translated into to its translations, by
    the address of the text each translates (``q3.text``); ``language`` is the language the
    texts are in, ``None`` for the spec's own (``metadata.languages[0]``).  Channels get the
    consultation in a respondent's language from :func:`surveykit.translations.localise`, which
    sets ``localised_from`` to the consultation as written.
    """

    metadata: Metadata
    sections: tuple[Section, ...]
    roles: tuple[Choice, ...] = ()
    authority_types: tuple[Choice, ...] = ()
    publication: Publication = Publication()
    roster: RosterAnswers = RosterAnswers()
    #: How long each class of personal data is kept after closing (:mod:`surveykit.retention`).
    retention: Retention = DEFAULT_RETENTION
    source: str = "<spec>"
    warnings: tuple[SpecProblem, ...] = field(default=(), eq=False, repr=False)
    translations: Mapping[str, Mapping[str, Translation]] = field(
        factory=dict, converter=_frozen_translations, hash=False, repr=False
    )
    language: str | None = None
    localised_from: Consultation | None = field(default=None, eq=False, repr=False)
    #: Each language this consultation was localised into (filled by ``localise``): a copy is
    #: made once per language, then shared.  Not copied by ``evolve``, so a changed copy never
    #: hands out versions of the consultation it was made from.
    _localised: dict[str, Consultation] = field(
        factory=dict, init=False, eq=False, repr=False, hash=False
    )

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages offered, the spec's own first."""
        return self.metadata.languages

    @property
    def text_language(self) -> str:
        """The language this consultation's texts are in."""
        return self.language or self.metadata.languages[0]

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    @cached_property
    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def question(self, question_id: str) -> Question:
        return self.by_id[question_id]

    def reopened_until(self, until: dt.date) -> Consultation:
        """A copy that closes at the end of ``until``: for demonstrations and training.

        It keeps the consultation's id, so anything stored belongs to the real consultation;
        channels that use it must say so to the people answering (``--open-until``).
        """
        original = self.localised_from
        return evolve(
            self,
            metadata=evolve(self.metadata, closes=until),
            localised_from=None if original is None else original.reopened_until(until),
        )
