"""Load a consultation spec from TOML, check it, and report every problem with file and line.

:func:`load_spec` returns a :class:`~surveykit.model.Consultation` or raises
:class:`~surveykit.errors.SpecError` listing *all* problems found.  Suspicious but loadable things
(a condition that can never hold, so a question that can never be shown) are kept as
``consultation.warnings``.
"""

from __future__ import annotations

import itertools
import os
import re
import tomllib
import zoneinfo
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
from cattrs.errors import BaseValidationError

from . import _structure
from .conditions import (
    Answered,
    Condition,
    Contains,
    Equals,
    OneOf,
    evaluate,
    parse_condition,
    references,
    render,
    walk,
)
from .errors import ConditionSyntaxError, SpecError, SpecProblem
from .model import Choice, Consultation, Metadata, Question, Section
from .plugins import Registry, get_plugins
from .tomlpos import Locator

__all__ = ["load_spec", "loads_spec"]

ID_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
RESERVED = frozenset({"and", "or", "not", "in", "answered"})
#: Conditions whose referenced answers have more combinations than this are not searched for
#: impossibility; the warning is a help, and must not make loading slow.
MAX_COMBINATIONS = 4096


@attrs.frozen
class _SpecFile:
    consultation: Metadata
    sections: tuple[Section, ...]
    roles: tuple[Choice, ...] = ()
    authority_types: tuple[Choice, ...] = ()


_converter = _structure.make_converter()


def load_spec(path: str | os.PathLike[str], *, kinds: Registry[Any] | None = None) -> Consultation:
    """Read and check the spec at ``path``."""
    name = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SpecError([SpecProblem("unreadable", f"cannot read the spec: {reason}", name)]) from None
    return loads_spec(text, source=name, kinds=kinds)


def loads_spec(text: str, *, source: str = "<spec>", kinds: Registry[Any] | None = None) -> Consultation:
    """Check spec ``text``; ``source`` names it in messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError([_toml_problem(exc, source)]) from None
    return _Checker(text, data, source, kinds if kinds is not None else get_plugins().kinds).run()


def _toml_problem(exc: tomllib.TOMLDecodeError, source: str) -> SpecProblem:
    message = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    line = column = None
    if match:
        line, column = int(match[1]), int(match[2])
        message = message[: match.start()].strip()
    elif "(at end of document)" in message:
        message = message.replace("(at end of document)", "").strip()
        message += " at the end of the file"
    return SpecProblem("toml_syntax", f"not valid TOML: {message}", source, line, column=column)


def _path_text(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class _Checker:
    """One spec being checked; collects problems instead of stopping at the first."""

    def __init__(self, text: str, data: dict[str, Any], source: str, kinds: Registry[Any]) -> None:
        self.locator = Locator(text)
        self.data = data
        self.source = source
        self.kinds = kinds
        self.problems: list[SpecProblem] = []
        self.warnings: list[SpecProblem] = []
        #: ids of questions that failed to structure: references to them are not reported again
        self.unstructured: set[str] = set()

    def problem(self, code: str, message: str, path: tuple = (), question: str | None = None) -> None:
        self.problems.append(self._located(code, message, path, question))

    def warn(self, code: str, message: str, path: tuple = (), question: str | None = None) -> None:
        self.warnings.append(self._located(code, message, path, question))

    def _located(self, code: str, message: str, path: tuple, question: str | None) -> SpecProblem:
        return SpecProblem(
            code, message, self.source, self.locator.line(path), question, _path_text(path) or None
        )

    def run(self) -> Consultation:
        spec = self._structure()
        if spec is None:
            raise SpecError(sorted(self.problems, key=lambda p: p.line or 0))
        self._check_metadata(spec.consultation)
        self._check_choices("roles", spec.roles)
        self._check_choices("authority_types", spec.authority_types)
        sections = self._check_sections(spec.sections)
        if self.problems:
            raise SpecError(sorted(self.problems, key=lambda p: p.line or 0))
        consultation = Consultation(
            metadata=spec.consultation,
            sections=sections,
            roles=spec.roles,
            authority_types=spec.authority_types,
            source=self.source,
            warnings=(),
        )
        self._find_never_shown(consultation)
        return attrs.evolve(consultation, warnings=tuple(self.warnings))

    def _structure(self) -> _SpecFile | None:
        """Structure the document piece by piece, so one bad question hides no other problem."""
        data = self.data
        extra = sorted(set(data) - {"consultation", "sections", "roles", "authority_types"})
        for key in extra:
            self.problem("bad_value", f"unknown top-level key {key!r}", (key,))
        meta = self._piece(("consultation",), Metadata, required=True)
        roles = self._pieces(("roles",), Choice)
        authority_types = self._pieces(("authority_types",), Choice)
        sections = []
        raw_sections = data.get("sections")
        if not isinstance(raw_sections, list):
            self.problem("bad_value", "the spec needs [[sections]], each with [[sections.questions]]", ("sections",))
            raw_sections = []
        for si, raw in enumerate(raw_sections):
            if not isinstance(raw, dict):
                self.problem("bad_value", f"sections[{si}] must be a table", ("sections", si))
                continue
            head = {k: v for k, v in raw.items() if k != "questions"}
            section = self._piece(("sections", si), Section, value=head)
            raw_questions = raw.get("questions", [])
            questions = self._pieces(("sections", si, "questions"), Question, value=raw_questions, partial=True)
            for raw_q, q in zip(raw_questions if questions else (), questions or (), strict=False):
                if q is None and isinstance(raw_q, dict) and isinstance(raw_q.get("id"), str):
                    self.unstructured.add(raw_q["id"])
            if section is not None and questions is not None:
                sections.append(attrs.evolve(section, questions=tuple(q for q in questions if q)))
        if meta is None or roles is None or authority_types is None:
            return None
        return _SpecFile(meta, tuple(sections), tuple(roles), tuple(authority_types))

    def _piece(self, path: tuple, cls: type, value: Any = None, required: bool = False) -> Any:
        value = self._lookup(path) if value is None else value
        if value is None:
            if required:
                self.problem("bad_value", f"the spec needs a [{_path_text(path)}] table", path)
            return None
        if not isinstance(value, dict):
            self.problem("bad_value", f"{_path_text(path)} must be a table", path)
            return None
        try:
            return _converter.structure(value, cls)
        except BaseValidationError as exc:
            for sub, message in _structure.flatten(exc):
                full = (*path, *sub)
                self.problem("bad_value", f"{_path_text(full)}: {message}", full, self._qid(full))
            return None

    def _pieces(self, path: tuple, cls: type, value: Any = None, partial: bool = False) -> list | None:
        value = self._lookup(path) if value is None else value
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem("bad_value", f"{_path_text(path)} must be an array of tables ([[{_path_text(path)}]])", path)
            return None
        out = [self._piece((*path, i), cls, value=item) for i, item in enumerate(value)]
        return out if partial or all(o is not None for o in out) else None

    def _lookup(self, path: tuple) -> Any:
        node: Any = self.data
        for part in path:
            if isinstance(node, dict) and isinstance(part, str):
                node = node.get(part)
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                return None
        return node

    def _qid(self, path: tuple) -> str | None:
        if len(path) >= 4 and path[0] == "sections" and path[2] == "questions":
            try:
                return self.data["sections"][path[1]]["questions"][path[3]].get("id")
            except (IndexError, KeyError, TypeError, AttributeError):
                return None
        return None

    # metadata -------------------------------------------------------------------------------

    def _check_metadata(self, meta: Metadata) -> None:
        base = ("consultation",)
        try:
            zoneinfo.ZoneInfo(meta.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.problem(
                "bad_timezone",
                f"unknown time zone {meta.timezone!r}; use an IANA name such as 'Europe/London'",
                (*base, "timezone"),
            )
            return
        if meta.opens is not None and meta.closes_at <= meta.opens_at:
            self.problem(
                "closes_before_opens",
                f"the consultation closes ({meta.closes}) before it opens ({meta.opens})",
                (*base, "closes"),
            )

    def _check_choices(self, key: str, choices: tuple[Choice, ...]) -> None:
        seen: set[str] = set()
        for i, choice in enumerate(choices):
            if choice.value in seen:
                self.problem("duplicate_value", f"{key}: {choice.value!r} is listed twice", (key, i))
            seen.add(choice.value)

    # sections and questions ---------------------------------------------------------------

    def _check_sections(self, sections: tuple[Section, ...]) -> tuple[Section, ...]:
        if not any(s.questions for s in sections):
            self.problem("no_questions", "the spec has no questions", ("sections",))
        section_ids: set[str] = set()
        earlier: dict[str, Question] = {}
        later_ids = {
            q.id: (si, qi) for si, s in enumerate(sections) for qi, q in enumerate(s.questions)
        }
        out = []
        for si, section in enumerate(sections):
            if section.id in section_ids:
                self.problem(
                    "duplicate_id", f"section id {section.id!r} is used twice", ("sections", si, "id")
                )
            section_ids.add(section.id)
            questions = []
            for qi, question in enumerate(section.questions):
                path = ("sections", si, "questions", qi)
                question = attrs.evolve(question, section=section.id)
                question = self._check_question(question, path, earlier, later_ids)
                questions.append(question)
                earlier.setdefault(question.id, question)
            out.append(attrs.evolve(section, questions=tuple(questions)))
        return tuple(out)

    def _check_question(
        self, q: Question, path: tuple, earlier: dict[str, Question], all_ids: dict[str, tuple]
    ) -> Question:
        if not ID_PATTERN.match(q.id) or q.id in RESERVED:
            self.problem(
                "bad_id",
                f"question id {q.id!r} must be letters, digits and underscores, not starting "
                "with a digit, and not one of: " + ", ".join(sorted(RESERVED)),
                (*path, "id"),
                q.id,
            )
        if q.id in earlier:
            first = self.locator.line(self._path_of(q.id, all_ids)) if q.id in all_ids else None
            self.problem(
                "duplicate_id",
                f"question id {q.id!r} is used twice" + (f" (first on line {first})" if first else ""),
                (*path, "id"),
                q.id,
            )
        kind = self.kinds.get(q.kind)
        if kind is None:
            known = ", ".join(sorted(self.kinds)) or "none (no kind plugin is loaded)"
            self.problem("unknown_kind", f"unknown kind {q.kind!r}; known kinds: {known}", (*path, "kind"), q.id)
        else:
            self._check_kind_fields(q, kind, path)
        if q.shown_if is None:
            return q
        try:
            condition = parse_condition(q.shown_if)
        except ConditionSyntaxError as exc:
            message = f"shown_if: {exc.message} at column {exc.column} of `{q.shown_if}`"
            self.problems.append(
                attrs.evolve(
                    self._located("condition_syntax", message, (*path, "shown_if"), q.id),
                    column=exc.column,
                )
            )
            return q
        if self._check_condition(q, condition, path, earlier, all_ids):
            return attrs.evolve(q, condition=condition)
        return q

    @staticmethod
    def _path_of(qid: str, all_ids: dict[str, tuple]) -> tuple:
        si, qi = all_ids[qid]
        return ("sections", si, "questions", qi)

    def _check_kind_fields(self, q: Question, kind: Any, path: tuple) -> None:
        if kind.has_options and not q.options:
            self.problem("missing_options", f"a {q.kind!r} question needs options", path, q.id)
        if not kind.has_options and q.options:
            self.problem(
                "unexpected_options",
                f"a {q.kind!r} question takes no options; remove them or change the kind",
                (*path, "options"),
                q.id,
            )
        seen: set[str] = set()
        for i, option in enumerate(q.options):
            if option.value in seen:
                self.problem(
                    "duplicate_option",
                    f"option value {option.value!r} is listed twice",
                    (*path, "options", i),
                    q.id,
                )
            if not option.value:
                self.problem("empty_option", "an option value may not be empty", (*path, "options", i), q.id)
            seen.add(option.value)
        if q.max_length is not None:
            if not kind.has_max_length:
                self.problem(
                    "unexpected_max_length",
                    f"max_length applies to text answers, not to a {q.kind!r} question",
                    (*path, "max_length"),
                    q.id,
                )
            elif q.max_length < 1:
                self.problem("bad_max_length", "max_length must be at least 1", (*path, "max_length"), q.id)

    def _check_condition(
        self,
        q: Question,
        condition: Condition,
        path: tuple,
        earlier: dict[str, Question],
        all_ids: dict[str, tuple],
    ) -> bool:
        where = (*path, "shown_if")
        ok = True
        for node in walk(condition):
            if not isinstance(node, Equals | OneOf | Contains | Answered):
                continue
            ref = node.question
            target = earlier.get(ref)
            if target is None and ref in self.unstructured:
                ok = False
                continue
            if target is None:
                ok = False
                if ref == q.id:
                    message = f"shown_if refers to {ref}, the question itself"
                elif ref in all_ids:
                    message = (
                        f"shown_if refers to {ref}, which comes later in the spec; "
                        "a condition may only use earlier questions"
                    )
                else:
                    message = f"shown_if refers to unknown question {ref!r}"
                self.problem("bad_reference", message, where, q.id)
                continue
            kind = self.kinds.get(target.kind)
            if kind is None or isinstance(node, Answered):
                continue
            values = node.values if isinstance(node, OneOf) else (node.value,)
            if not kind.has_options:
                ok = False
                self.problem(
                    "bad_comparison",
                    f"shown_if compares {ref}, a {target.kind!r} question, with a value; "
                    f"only answered({ref}) applies to it",
                    where,
                    q.id,
                )
                continue
            if kind.multiple and not isinstance(node, Contains):
                ok = False
                self.problem(
                    "bad_comparison",
                    f'{ref} allows several answers; test one with \'"{values[0] if values else "value"}" in {ref}\'',
                    where,
                    q.id,
                )
            elif not kind.multiple and isinstance(node, Contains):
                ok = False
                self.problem(
                    "bad_comparison",
                    f"{ref} takes one answer; compare it with '{ref} == \"{node.value}\"'",
                    where,
                    q.id,
                )
            known = {o.value for o in target.options}
            for value in values:
                if value not in known:
                    ok = False
                    listed = ", ".join(repr(o.value) for o in target.options)
                    self.problem(
                        "unknown_option",
                        f"shown_if uses {value!r}, which is not an option of {ref} (options: {listed})",
                        where,
                        q.id,
                    )
        return ok

    # never-shown questions ----------------------------------------------------------------

    def _find_never_shown(self, consultation: Consultation) -> None:
        """Warn about conditions that cannot hold, searching the answers they read.

        Each referenced question ranges over "absent" and the values the condition could tell
        apart; a question already known never to be shown is always absent.  If no combination
        satisfies the condition, the question can never be shown.  The search over-approximates
        what answers can occur, so every warning is true; very wide conditions are skipped.
        """
        never: set[str] = set()
        locations = {
            q.id: ("sections", si, "questions", qi)
            for si, s in enumerate(consultation.sections)
            for qi, q in enumerate(s.questions)
        }
        for q in consultation.questions:
            if q.condition is None:
                continue
            domains = [self._domain(consultation.by_id[ref], q.condition, never) for ref in references(q.condition)]
            if any(d is None for d in domains) or _product_size(domains) > MAX_COMBINATIONS:
                continue
            refs = references(q.condition)
            if any(
                evaluate(q.condition, {r: v for r, v in zip(refs, combo, strict=True) if v is not _ABSENT})
                for combo in itertools.product(*domains)
            ):
                continue
            never.add(q.id)
            hidden = [r for r in refs if r in never]
            because = (
                f" because {', '.join(hidden)} {'is' if len(hidden) == 1 else 'are'} never shown"
                if hidden
                else ""
            )
            self.warn(
                "never_shown",
                f"shown_if `{render(q.condition)}` can never hold{because}, "
                "so this question is never shown",
                (*locations[q.id], "shown_if"),
                q.id,
            )

    def _domain(self, target: Question, condition: Condition, never: set[str]) -> list | None:
        if target.id in never:
            return [_ABSENT]
        kind = self.kinds.get(target.kind)
        if kind is None:
            return None
        if not kind.has_options:
            return [_ABSENT, "text"]
        if not kind.multiple:
            return [_ABSENT, *(o.value for o in target.options)]
        mentioned = sorted(
            {n.value for n in walk(condition) if isinstance(n, Contains) and n.question == target.id}
        )
        if len(mentioned) > 12:
            return None
        subsets = [
            list(c) for r in range(1, len(mentioned) + 1) for c in itertools.combinations(mentioned, r)
        ]
        return [_ABSENT, *subsets, ["__other__"]]


_ABSENT = object()


def _product_size(domains: list) -> int:
    size = 1
    for d in domains:
        size *= len(d)
    return size
