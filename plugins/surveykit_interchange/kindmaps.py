"""The built-in kinds' interchange mappings, registered through the public hook.

Each format module says, for the kinds it can represent, which of its types it reads and how a
question is read and written (``kinds_xlsform.MAPPINGS``, ``kinds_surveyjs.MAPPINGS``,
``kinds_limesurvey.MAPPINGS``); this module joins them into one
:class:`~surveykit.interchange.KindInterchange` per kind, which is what a third-party kind
plugin registers for its own kinds (docs/interchange.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from attrs import field, frozen

from surveykit import Question
from surveykit.interchange import Foreign, KindRead, Refusal

__all__ = ["FormatMapping", "KindMapping", "built_in_mappings"]


@frozen
class FormatMapping:
    """How one kind is read from and written to one format.

    ``read(foreign)`` gives the kind's reading; ``write(question, localise)`` gives the
    format's fields particular to the kind, or a :class:`Refusal`; ``None`` for import only.
    """

    reads: tuple[str, ...]
    read: Callable[[Foreign], KindRead]
    write: Callable[[Question, Callable[[str], Any]], Mapping[str, Any] | Refusal] | None = None


@frozen
class KindMapping:
    """A kind's mappings for every format it has one for, as one registered object."""

    kind: str
    formats: Mapping[str, FormatMapping] = field(factory=dict)

    @property
    def reads(self) -> dict[str, tuple[str, ...]]:
        return {name: mapping.reads for name, mapping in self.formats.items()}

    def read(self, foreign: Foreign) -> KindRead:
        return self.formats[foreign.format].read(foreign)

    def write(
        self, question: Question, format: str, localise: Callable[[str], Any]
    ) -> Mapping[str, Any] | Refusal:
        mapping = self.formats.get(format)
        if mapping is None or mapping.write is None:
            return Refusal(
                f"kind {self.kind}",
                f"{format} has no question type for surveykit kind {self.kind!r}",
            )
        return mapping.write(question, localise)


def built_in_mappings() -> tuple[KindMapping, ...]:
    """One mapping per built-in kind that some format can represent."""
    from . import kinds_limesurvey, kinds_surveyjs, kinds_xlsform

    by_kind: dict[str, dict[str, FormatMapping]] = {}
    for format, mappings in (
        ("xlsform", kinds_xlsform.MAPPINGS),
        ("surveyjs", kinds_surveyjs.MAPPINGS),
        ("limesurvey", kinds_limesurvey.MAPPINGS),
    ):
        for kind, mapping in mappings.items():
            by_kind.setdefault(kind, {})[format] = mapping
    return tuple(KindMapping(kind, formats) for kind, formats in by_kind.items())
