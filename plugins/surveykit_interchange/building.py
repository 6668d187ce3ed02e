"""Build a spec from what an importer read: the part every format shares.

A reader (XLSForm, SurveyJS, LimeSurvey) walks its file and hands a :class:`SpecBuilder` one
:class:`DraftSection` per group and one :class:`DraftQuestion` per question, every text a
:class:`~surveykit.interchange.Localised` in the form's languages, and every refusal with the
place it comes from.  The builder turns ids into surveykit ids, builds the consultation once
per language so that each text's translation is found at the address the loader uses, writes
the spec with :func:`surveykit.specwriter.write_spec`, and loads it back: what is handed out
is always a spec ``surveykit validate`` accepts.

Refusals are never silent: without ``partial`` any refusal refuses the whole import
(:class:`ImportRefused`, every problem at once); with it, each refused thing is left out and
listed in the spec's header comment.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from attrs import define, field, frozen

from surveykit import Consultation, Metadata, Option, Question, Section
from surveykit.conditions import Condition, render
from surveykit.errors import SpecError, SurveykitError
from surveykit.interchange import Foreign, KindRead, Localised
from surveykit.model import Translation
from surveykit.plugins import get_plugins
from surveykit.spec import ID_PATTERN, RESERVED, loads_spec
from surveykit.specwriter import write_spec
from surveykit.translations import fingerprint, texts

__all__ = [
    "DraftOption",
    "DraftQuestion",
    "DraftSection",
    "ImportProblem",
    "ImportRefused",
    "Imported",
    "SpecBuilder",
    "localised",
]

_NOT_ID = re.compile(r"[^A-Za-z0-9_]+")


@frozen
class ImportProblem:
    """One thing in a foreign form that surveykit cannot represent, and where it is:
    ``survey sheet, row 12`` (XLSForm), ``pages[0].elements[3]`` (SurveyJS), ``line 14``
    (LimeSurvey).  ``feature`` names it in a word or two, for counting and tests."""

    file: str
    where: str
    feature: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.where}: {self.message}"
            if self.where
            else (f"{self.file}: {self.message}")
        )


class ImportRefused(SurveykitError):
    """The form holds what surveykit cannot represent: every problem, in the form's order."""

    def __init__(self, problems: Sequence[ImportProblem], *, nothing_left: bool = False) -> None:
        self.problems = tuple(problems)
        #: Nothing would be left to import, so ``--partial`` cannot help.
        self.nothing_left = nothing_left
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


@frozen
class Imported:
    """The spec an import wrote (``text``), loaded (``consultation``), and what it left out."""

    text: str
    consultation: Consultation
    left_out: tuple[ImportProblem, ...] = ()
    adapted: tuple[str, ...] = ()


@frozen
class DraftOption:
    value: str
    label: Localised
    other: bool = False
    #: An "other" option's length limit, and a hint shown with the option.
    max_length: int | None = None
    hint: Localised | None = None


@define
class DraftQuestion:
    """One question as read: ``id`` already from :meth:`SpecBuilder.identifier`."""

    id: str
    text: Localised
    read: KindRead
    where: str
    hint: Localised | None = None
    options: tuple[DraftOption, ...] = ()
    required: bool = False
    condition: Condition | None = None
    notes: list[str] = field(factory=list)


@define
class DraftSection:
    id: str
    title: Localised
    intro: Localised | None = None
    questions: list[DraftQuestion] = field(factory=list)


def localised(texts: Mapping[str, Any], languages: Sequence[str]) -> Localised | None:
    """The non-empty texts of ``texts`` (language to text) in ``languages`` order, or ``None``
    when the form gives the text in no language."""
    found = {
        lang: str(texts[lang]).strip()
        for lang in languages
        if texts.get(lang) is not None and str(texts[lang]).strip()
    }
    return Localised(found) if found else None


class SpecBuilder:
    """Collects an import's sections, questions, notes and refusals; :meth:`build` writes the
    spec.  ``file`` names the form in messages; ``languages`` are the form's, its own first."""

    def __init__(
        self, *, file: str, format: str, languages: Sequence[str], plugins: Any = None
    ) -> None:
        self.file = file
        self.format = format
        self.languages = tuple(languages) or ("en",)
        self.sections: list[DraftSection] = []
        self.problems: list[ImportProblem] = []
        self.adapted: list[str] = []
        self._ids: set[str] = set()
        self._plugins = plugins or get_plugins()
        self._mappings = _by_foreign_type(self._plugins.interchange, format)

    # what a reader reports ---------------------------------------------------------------

    def refuse(self, where: str, feature: str, message: str) -> None:
        """Record something the spec cannot hold: refused, or left out under ``partial``."""
        self.problems.append(ImportProblem(self.file, where, feature, message))

    def adapt(self, note: str) -> None:
        """Record, for the spec's header, something changed to fit surveykit."""
        if note not in self.adapted:
            self.adapted.append(note)

    def identifier(self, name: str, *, taken: Iterable[str] = ()) -> str:
        """A surveykit id for the foreign ``name``, new among the ids handed out so far:
        ``project-alpha`` becomes ``project_alpha``, ``2nd`` becomes ``q_2nd``, ``not``
        becomes ``not_``; a clash gains ``_2``, ``_3``."""
        base = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
        base = _NOT_ID.sub("_", base) or "q"
        if not ID_PATTERN.match(base):
            base = f"q_{base}"
        if base in RESERVED:
            base += "_"
        taken = set(taken)
        candidate, n = base, 1
        while candidate in self._ids or candidate in taken:
            n += 1
            candidate = f"{base}_{n}"
        self._ids.add(candidate)
        return candidate

    def read_kind(self, foreign: Foreign) -> KindRead | None:
        """The registered mapping's reading of ``foreign``, or ``None`` (with the refusals
        recorded) when no mapping reads its type or the mapping refuses it."""
        mapping = self._mappings.get(foreign.type)
        if mapping is None:
            self.refuse(
                foreign.where,
                f"question type {foreign.type}",
                f"surveykit has no kind for {self.format} question type {foreign.type!r}",
            )
            return None
        read = mapping.read(foreign)
        for refusal in read.refused:
            self.refuse(foreign.where, refusal.feature, refusal.message)
        return None if read.refused else read

    # building ------------------------------------------------------------------------------

    def build(
        self,
        *,
        id: str,
        title: Localised,
        publisher: str,
        closes: dt.date,
        partial: bool = False,
        introduction: Localised | None = None,
        source: str = "<import>",
    ) -> Imported:
        """The spec, or :class:`ImportRefused` listing every problem (unless ``partial``)."""
        sections = [s for s in self.sections if s.questions]
        if not sections:
            self.refuse("", "no questions", "the form has no question surveykit can import")
            raise ImportRefused(self.problems, nothing_left=True)
        if self.problems and not partial:
            raise ImportRefused(self.problems)
        own = self.languages[0]
        metadata = Metadata(
            id=self.identifier(id, taken=()),
            title=title.text,
            publisher=publisher,
            closes=closes,
            languages=self.languages,
            introduction=introduction.text if introduction else "",
        )
        written = self._consultation(metadata, sections, own, title, introduction)
        translations: dict[str, dict[str, Translation]] = {}
        sources = {t.address: t.text for t in texts(written)}
        for lang in self.languages[1:]:
            other = self._consultation(metadata, sections, lang, title, introduction)
            table = {
                t.address: Translation(t.text, fingerprint(sources[t.address]))
                for t in texts(other)
                if t.address in sources
            }
            if table:
                translations[lang] = table
        if translations:
            written = Consultation(
                metadata=written.metadata, sections=written.sections, translations=translations
            )
        text = write_spec(written, header=self._header(partial), notes=self._notes(sections))
        try:
            consultation = loads_spec(text, source=source)
        except SpecError as exc:  # an importer's fault, said plainly rather than as a traceback
            problems = [
                ImportProblem(self.file, "", "invalid spec", f"the spec written is invalid: {p}")
                for p in exc.problems
            ]
            raise ImportRefused(problems, nothing_left=True) from None
        left_out = tuple(self.problems) if partial else ()
        return Imported(text, consultation, left_out, tuple(self.adapted))

    def _consultation(
        self,
        metadata: Metadata,
        sections: Sequence[DraftSection],
        lang: str,
        title: Localised,
        introduction: Localised | None,
    ) -> Consultation:
        """The consultation with every text in ``lang``; a text the form does not give in
        ``lang`` is empty there, so it has no translation (``texts`` leaves empty ones out)."""
        own = lang == self.languages[0]

        def say(text: Localised | None) -> str:
            if text is None:
                return ""
            return text.text if own else text.texts.get(lang, "")

        built = []
        for section in sections:
            questions = tuple(
                Question(
                    id=q.id,
                    text=say(q.text),
                    kind=q.read.kind,
                    hint=say(q.hint) or None,
                    options=tuple(
                        Option(
                            o.value,
                            say(o.label),
                            hint=say(o.hint) or None,
                            other=o.other,
                            max_length=o.max_length,
                        )
                        for o in q.options
                    ),
                    required=q.required,
                    shown_if=None if q.condition is None else render(q.condition),
                    max_length=q.read.max_length,
                    section=section.id,
                    settings=_in_language(dict(q.read.settings), say),
                    condition=q.condition,
                )
                for q in section.questions
            )
            built.append(Section(section.id, say(section.title), say(section.intro), questions))
        meta = metadata
        if not own:
            meta = Metadata(
                id=metadata.id,
                title=say(title),
                publisher="",
                closes=metadata.closes,
                languages=metadata.languages,
                introduction=say(introduction),
            )
        return Consultation(metadata=meta, sections=tuple(built))

    def _header(self, partial: bool) -> list[str]:
        names = {"xlsform": "XLSForm", "surveyjs": "SurveyJS", "limesurvey": "LimeSurvey"}
        lines = [
            f"Imported from {self.file} ({names.get(self.format, self.format)}) by "
            "surveykit import.",
            "Check every question against the form before use.",
        ]
        if self.adapted:
            lines += ["", "Adapted to fit surveykit:"]
            lines += [f"- {note}" for note in self.adapted]
        if partial and self.problems:
            lines += ["", f"Left out ({len(self.problems)}; surveykit cannot represent them):"]
            lines += [
                f"- {p.where}: {p.message}" if p.where else f"- {p.message}" for p in self.problems
            ]
        return lines

    @staticmethod
    def _notes(sections: Sequence[DraftSection]) -> dict[str, list[str]]:
        notes = {}
        for section in sections:
            for q in section.questions:
                lines = [f"From {q.where}.", *q.read.adapted, *q.notes]
                notes[q.id] = lines
        return notes


def _in_language(value: Any, say: Any) -> Any:
    """``value`` with every :class:`Localised` inside it replaced by its text in one language."""
    if isinstance(value, Localised):
        return say(value)
    if isinstance(value, dict):
        return {k: _in_language(v, say) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_in_language(v, say) for v in value]
    return value


def _by_foreign_type(mappings: Any, format: str) -> dict[str, Any]:
    """Each foreign type of ``format`` to the one mapping that reads it."""
    found: dict[str, Any] = {}
    for name in mappings:
        mapping = mappings[name]
        for foreign_type in mapping.reads.get(format, ()):
            if foreign_type in found:
                msg = (
                    f"{format} type {foreign_type!r} is read by the mappings of both kind "
                    f"{found[foreign_type].kind!r} and kind {mapping.kind!r}"
                )
                raise SurveykitError(msg)
            found[foreign_type] = mapping
    return found
