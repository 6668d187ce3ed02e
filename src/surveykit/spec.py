"""Load a consultation spec from TOML, check it, and report every problem with file and line.

:func:`load_spec` returns a :class:`~surveykit.model.Consultation` or raises
:class:`~surveykit.errors.SpecError` listing *all* problems found.  Suspicious but loadable things
(a condition that can never hold, so a question that can never be shown) are kept as
``consultation.warnings``.

Messages are read by the people who write specs (a council officer, say), not by programmers:
each names the file, the line and the question, says what is wrong in plain words, and where it
can, what to write instead.  Each problem also has a stable ``code``, listed in :data:`CODES` and
documented in ``docs/errors.md``.

A spec may include *question banks* (``include = ["surveykit:equality"]``): TOML files holding only
``[[sections]]``, appended after the spec's own sections and checked as part of it, each problem
located in the file it is written in.  A kind may declare keys of its own (``settings``), which
the loader moves into ``Question.settings`` and asks the kind to check; a question whose kind
expands it into several answer *parts* (a grid's rows) is checked against them, so conditions may
read an earlier part's key (``q7.cost``).
"""

from __future__ import annotations

import copy
import difflib
import importlib.resources
import itertools
import os
import re
import tomllib
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs
from cattrs.errors import BaseValidationError

from . import _structure
from . import conditions as _conditions
from . import kinds as _kinds
from .characters import CONTROL_CODE, first_control
from .conditions import (
    MAX_CONDITION_DEPTH,
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
from .errors import ConditionSyntaxError, ConditionTooDeep, SpecError, SpecProblem
from .kinds import parts_of
from .model import (
    Choice,
    Consultation,
    Metadata,
    Option,
    Publication,
    Question,
    RosterAnswers,
    Section,
)
from .plugins import Registry, get_plugins
from .tomlpos import Locator, explain_syntax_error, too_deep

__all__ = [
    "CODES",
    "WARNING_CODES",
    "load_spec",
    "loads_spec",
    "named_specs",
    "packaged_banks",
    "packaged_specs",
    "spec_path",
]

#: Every code a :class:`SpecError` problem can carry, with what it means.
CODES: dict[str, str] = {
    "unreadable": "the spec file cannot be read, or is not UTF-8 text",
    "toml_syntax": "the file is not valid TOML",
    "unknown_key": "a key the spec format does not have, often a typo",
    "missing_key": "a required key or table is missing",
    "wrong_type": "a value of the wrong type: text, number, true/false, table or array",
    "bad_date": "opens or closes is not a date",
    "bad_timezone": "timezone is not a known time zone name",
    "closes_before_opens": "the consultation closes before it opens",
    "no_questions": "the spec has no questions",
    "bad_id": "a question id cannot be used in conditions",
    "duplicate_id": "two questions, or two sections, have the same id",
    "duplicate_value": "a role or authority type is listed twice",
    "duplicate_option": "a question lists the same option value twice",
    "empty_option": "an option value is empty",
    "unknown_kind": "a question's kind is not one the installed plugins provide",
    "missing_options": "a choice question has no options",
    "unexpected_options": "a question whose kind takes no options lists some",
    "unexpected_max_length": "max_length is set on a question whose kind has no length limit",
    "bad_max_length": "max_length is less than 1",
    "condition_syntax": "a shown_if condition cannot be read",
    "bad_reference": "a condition refers to a later, unknown or the same question",
    "bad_comparison": "a condition compares a question in a way its kind does not allow",
    "unknown_option": "a condition uses a value that is not one of the question's options",
    "empty_list": "a condition tests a question against an empty list of values",
    "bad_publication": "[publication] names a question or option that does not exist, or a "
    "threshold below 1",
    "bad_roster": "[roster] names a question that does not exist, or one whose options cannot "
    "hold the roster's values",
    "too_deep": "values, or a shown_if condition, are nested too deeply to read",
    "control_character": "a string holds a control character (such as an escaped U+0000)",
    "bad_setting": "a kind's own setting (a number's min, a grid's rows) is wrong",
    "bad_other": "an 'other' option is misplaced: two in one question, on a kind that cannot "
    "take one, or max_length on an option that is not 'other'",
    "bad_include": "[consultation] include names a question bank that cannot be found or read, "
    "or a bank holds something other than [[sections]]",
}
#: Every code a warning (``consultation.warnings``) can carry.
WARNING_CODES: dict[str, str] = {
    "never_shown": "a condition can never be true, so its question is never shown",
}

ID_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
RESERVED = frozenset({"and", "or", "not", "in", "answered"})
TOP_LEVEL = ("consultation", "roles", "authority_types", "sections", "publication", "roster")
#: Conditions whose referenced answers have more combinations than this are not searched for
#: impossibility; the warning is a help, and must not make loading slow.
MAX_COMBINATIONS = 4096
#: How deeply a spec's arrays and inline tables may nest (Taking Stock needs three levels).
MAX_NESTING = 32

Path_ = tuple[str | int, ...]

_converter = _structure.make_converter()

#: ``conditions.bind`` types a condition by the answers it reads; until the conditions module
#: has it, the loader checks comparisons as it did before there were typed answers.
_bind = getattr(_conditions, "bind", None)
_Operand = getattr(_conditions, "Operand", None)
#: A question bank packaged with surveykit is named ``surveykit:NAME``.
BANK_PREFIX = "surveykit:"
#: Answer types whose values are option values (see ``surveykit.kinds.answer_type``).
_OPTION_TYPES = ("option", "options", "ranking")


def packaged_banks() -> dict[str, Traversable]:
    """The question banks shipped inside surveykit, by name (``equality``): each file in
    ``surveykit/banks``, included as ``surveykit:NAME``."""
    folder = importlib.resources.files(__package__).joinpath("banks")
    if not folder.is_dir():
        return {}
    entries = sorted(folder.iterdir(), key=lambda entry: entry.name)
    return {e.name.removesuffix(".toml"): e for e in entries if e.name.endswith(".toml")}


def _answer_type(part: Question, kinds: Any) -> str:
    """What a condition may do with ``part``'s answer: ``surveykit.kinds.answer_type`` where
    the kinds module has it, else the same rule from the kind's attributes."""
    shared = getattr(_kinds, "answer_type", None)
    if shared is not None:
        return shared(part, kinds)
    kind = kinds.get(part.kind)
    typed = getattr(kind, "answer_type_of", None)
    if typed is not None:
        return typed(part)
    declared = getattr(kind, "answer_type", None)
    if declared:
        return declared
    if getattr(kind, "multiple", False):
        return "options"
    return "option" if getattr(kind, "has_options", False) else "text"


def _frozen(value: Any) -> Any:
    """A setting's value, read-only: arrays become tuples, inline tables read-only mappings."""
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return MappingProxyType({key: _frozen(item) for key, item in value.items()})
    return value


#: A packaged spec's name: what ``load_spec`` looks up when no file of that name exists.
PACKAGED_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def packaged_specs() -> dict[str, Path]:
    """The specs shipped inside surveykit, by name (``taking-stock``), and where each lives."""
    folder = Path(__file__).resolve().parent / "specs"
    return {path.stem.replace("_", "-"): path for path in sorted(folder.glob("*.toml"))}


#: Names resolved before packaged ones: a deployment's consultations (see :func:`named_specs`).
_named: ContextVar[Mapping[str, str] | None] = ContextVar("surveykit_named_specs", default=None)


@contextmanager
def named_specs(names: Mapping[str, str]) -> Iterator[None]:
    """While active, :func:`spec_path` resolves each of ``names`` to its spec (a path or a
    packaged name) before packaged names.

    The ``surveykit`` command sets this from the deployment file, so every command takes a
    consultation's name; without it, as in a program calling ``load_spec``, nothing changes.
    """
    token = _named.set(dict(names))
    try:
        yield
    finally:
        _named.reset(token)


def spec_path(path: str | os.PathLike[str]) -> Path:
    """The file ``path`` names: a path, else a deployment's consultation of that name (see
    :func:`named_specs`), else a packaged spec's name.

    So ``surveykit show taking-stock`` and ``load_spec("taking-stock")`` work wherever surveykit
    is installed, while a file called ``taking-stock`` in the working directory still wins.
    """
    given = Path(path)
    if given.exists():
        return given
    location = (_named.get() or {}).get(os.fspath(path))
    if location is not None:
        return _packaged_or_path(location)
    return _packaged_or_path(os.fspath(path))


def _packaged_or_path(name: str) -> Path:
    given = Path(name)
    if not given.exists() and PACKAGED_NAME.fullmatch(name):
        packaged = packaged_specs().get(name)
        if packaged is not None:
            return packaged
    return given


def load_spec(path: str | os.PathLike[str], *, kinds: Registry[Any] | None = None) -> Consultation:
    """Read and check the spec at ``path``, or the packaged spec of that name (``taking-stock``)."""
    path = spec_path(path)
    name = os.fspath(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if PACKAGED_NAME.fullmatch(name):
            known = ", ".join(packaged_specs()) or "none"
            reason += f" (nor is it a packaged spec: {known})"
        problem = SpecProblem("unreadable", f"cannot read the spec: {reason}", name)
        raise SpecError([problem]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problem = SpecProblem(
            "unreadable",
            "the file is not UTF-8 text; save it again choosing the UTF-8 encoding",
            name,
            data.count(b"\n", 0, exc.start) + 1,
        )
        raise SpecError([problem]) from None
    return loads_spec(text, source=name, kinds=kinds)


def loads_spec(
    text: str, *, source: str = "<spec>", kinds: Registry[Any] | None = None
) -> Consultation:
    """Check spec ``text``; ``source`` names it in messages."""
    text = text.removeprefix("\ufeff")  # editors on Windows often save UTF-8 with a BOM
    deep = too_deep(text, MAX_NESTING)
    if deep is not None:
        raise SpecError([_too_deep_problem(source, deep)])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError([_toml_problem(exc, text, source)]) from None
    except RecursionError:  # pragma: no cover - too_deep finds these first
        raise SpecError([_too_deep_problem(source, None)]) from None
    except ValueError:  # Python reads no integer of over 4,300 digits
        raise SpecError([_long_number_problem(text, source)]) from None
    return _Checker(text, data, source, kinds if kinds is not None else get_plugins().kinds).run()


# TOML syntax ---------------------------------------------------------------------------------


def _too_deep_problem(source: str, line: int | None) -> SpecProblem:
    message = (
        f"arrays and inline tables are nested more than {MAX_NESTING} deep; a spec needs a "
        "few levels at most"
    )
    return SpecProblem("too_deep", message, source, line)


def _long_number_problem(text: str, source: str) -> SpecProblem:
    found = re.search(r"[0-9_]{4300,}", text)
    line = None if found is None else text.count("\n", 0, found.start()) + 1
    return SpecProblem("toml_syntax", "not valid TOML: a number is too long to read", source, line)


def _toml_problem(exc: tomllib.TOMLDecodeError, text: str, source: str) -> SpecProblem:
    message, line, column = explain_syntax_error(exc, text)
    return SpecProblem("toml_syntax", f"not valid TOML: {message}", source, line, column=column)


# wording -------------------------------------------------------------------------------------


def _path_text(path: Iterable[str | int]) -> str:
    """The path as a programmer would write it, kept on each problem for tools."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _subject(keys: Sequence[str | int]) -> str:
    """Name a key inside a table as its author would: 'max_length', 'label' of option 2."""
    words: list[str] = []
    parts = list(keys)
    while parts:
        part = parts.pop(0)
        if parts and isinstance(parts[0], int):
            number = parts.pop(0) + 1
            words.append(f"option {number}" if part == "options" else f"item {number} of {part!r}")
        else:
            words.append(repr(part))
    return " of ".join(reversed(words))


def _close(word: str, choices: Iterable[str]) -> str | None:
    """The one of ``choices`` that ``word`` is most likely a typo of, if any."""
    choices = list(choices)
    same_but_case = [c for c in choices if c.lower() == word.lower()]
    close = same_but_case or difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Words suggesting the likely intended one of ``choices``: '; did you mean 'x'?'."""
    close = _close(word, choices)
    return f"; did you mean {close!r}?" if close else ""


def _suggest(word: str, choices: Iterable[str], listing: str) -> str:
    """The likely intended word for a near miss, else the list of what is allowed."""
    choices = list(choices)
    if not choices:
        return ""
    return _did_you_mean(word, choices) or f"; {listing}: {', '.join(choices)}"


def _zone_hint(name: str) -> str:
    """The zone meant by a name with the wrong capitals or stray spaces, else where to look.

    Only exact matches are suggested: "Etc/GMT" would be close to "GMT London" but wrong in
    summer, and a wrong closing hour is worse than a question.
    """
    wanted = name.strip().lower()
    for zone in sorted(zoneinfo.available_timezones()):
        if zone.lower() == wanted:
            return f"did you mean {zone!r}?"
    return "use a name from the IANA time zone list, such as 'Europe/London'"


def _syntax_hint(source: str, column: int, message: str) -> str:
    """What a spec author most likely meant, for the usual slips in a condition."""
    at = source[column - 1 : column + 1]
    if at[:1] == "=" and at != "==":
        return "; use == to compare a question with a value"
    if at[:1] in ("&", "|"):
        return "; write and / or instead of && / ||"
    if at[:1] in ("'", '"') and message.startswith("unexpected character"):
        return "; a quoted value is not closed"
    if "expected a quoted string" in message:
        return '; put option values in quotes, e.g. q1 == "yes"'
    if re.match(r"unexpected '(AND|OR|NOT|IN)'", message):
        return "; write and, or, not and in in lower case"
    if "expected '['" in message:
        return '; list the values in square brackets, e.g. q1 in ["a", "b"]'
    if column > len(source):
        return "; check for a missing ) or a condition cut short"
    return ""


# checking ------------------------------------------------------------------------------------


@attrs.define
class _Draft:
    """One section as structured, with its questions' positions kept for locating problems."""

    index: int
    section: Section
    questions: list[tuple[int, Question]]
    broken: bool = False


@attrs.frozen
class _Source:
    """A file the spec is read from: the spec itself or a question bank it includes."""

    file: str
    locator: Locator


class _Checker:
    """One spec being checked; collects problems instead of stopping at the first."""

    def __init__(self, text: str, data: dict[str, Any], source: str, kinds: Registry[Any]) -> None:
        self.main = _Source(source, Locator(text))
        self.data = data
        self.source = source
        self.kinds = kinds
        self.problems: list[SpecProblem] = []
        self.warnings: list[SpecProblem] = []
        #: ids of questions that failed to structure: references to them are not reported again
        self.unstructured: set[str] = set()
        #: ids of questions whose kind is unknown or whose settings are wrong, so whose answer
        #: keys are unknown: references to them are not reported either
        self.unexpanded: set[str] = set()
        #: optional keys left out of a repaired table (see :meth:`_piece`), by the table's path
        self.dropped: dict[Path_, frozenset[str]] = {}
        #: keys handled apart from the model (a kind's settings) recovered by a repair, and
        #: the misspelt key each was written as, by the path of the key meant
        self.recovered: dict[Path_, dict[str, Any]] = {}
        self.written: dict[Path_, Path_] = {}
        #: each included bank, with the index its first section has among all the sections
        self.banks: list[tuple[int, _Source]] = []
        #: the names of the banks included, as the spec gives them
        self.included: list[str] = []
        #: every answer part of the sound questions, by answer key (for never-shown warnings)
        self.answer_parts: dict[str, Question] = {}
        #: the answer keys of each question checked so far, by question id
        self.keys_of: dict[str, tuple[str, ...]] = {}

    def problem(
        self, code: str, message: str, path: Path_ = (), question: str | None = None
    ) -> None:
        self.problems.append(self._located(code, message, path, question))

    def warn(self, code: str, message: str, path: Path_ = (), question: str | None = None) -> None:
        self.warnings.append(self._located(code, message, path, question))

    def _located(
        self,
        code: str,
        message: str,
        path: Path_,
        question: str | None,
        column: int | None = None,
    ) -> SpecProblem:
        source, local = self._locate(path)
        line = source.locator.line(local)
        where = _path_text(local) or None
        return SpecProblem(code, message, source.file, line, question, where, column)

    def _locate(self, path: Path_) -> tuple[_Source, Path_]:
        """The file ``path`` (into the sections of the spec and its banks) is written in, and
        the path within that file."""
        if len(path) >= 2 and path[0] == "sections" and isinstance(path[1], int):
            for start, source in reversed(self.banks):
                if path[1] >= start:
                    return source, ("sections", path[1] - start, *path[2:])
        return self.main, path

    def _first_on(self, first: Path_, here: Path_) -> str:
        """The words pointing back to the earlier of two clashing entries: ' (first on line
        12)', or ' (first on line 12 of spec.toml)' when it is in another file."""
        first_source, first_local = self._locate(first)
        here_source, here_local = self._locate(here)
        line = first_source.locator.line(first_local)
        if line is None:
            return ""
        if first_source.file != here_source.file:
            return f" (first on line {line} of {first_source.file})"
        return "" if line == here_source.locator.line(here_local) else f" (first on line {line})"

    def _order(self, problem: SpecProblem) -> tuple[int, int]:
        """Problems in the spec first, then in each bank in turn, each in line order."""
        files = [self.main.file, *(source.file for _, source in self.banks)]
        rank = files.index(problem.file) if problem.file in files else len(files)
        return rank, problem.line or 0

    def run(self) -> Consultation:
        self._include_banks()
        self._check_characters()
        meta, roles, authority_types, drafts = self._structure()
        if meta is not None:
            self._check_metadata(meta)
        self._check_choices("roles", roles)
        self._check_choices("authority_types", authority_types)
        sections = self._check_sections(drafts)
        publication = self._publication(sections)
        roster = self._roster(sections, roles, authority_types)
        if self.problems or meta is None:
            raise SpecError(sorted(self.problems, key=self._order))
        consultation = Consultation(
            metadata=meta,
            sections=sections,
            roles=tuple(choice for _, choice in roles),
            authority_types=tuple(choice for _, choice in authority_types),
            publication=publication,
            roster=roster,
            source=self.source,
            warnings=(),
        )
        self._find_never_shown(consultation)
        return attrs.evolve(consultation, warnings=tuple(sorted(self.warnings, key=self._order)))

    def _check_characters(self) -> None:
        """Refuse control characters (written as escapes, such as ``\\u0000``) in any string.

        Strings from a spec are stored (option values, roles) and shown; some stores cannot keep
        these characters, and no one means them.  See :mod:`surveykit.characters`.
        """
        stack: list[tuple[Path_, Any]] = [((), self.data)]
        while stack:
            path, value = stack.pop()
            if isinstance(value, str):
                found = first_control(value)
                if found is not None:
                    leaf = _structure.Leaf(
                        (), CONTROL_CODE, f"holds a control character ({found}); remove it"
                    )
                    message = self._leaf_message(path, leaf)
                    self.problem(CONTROL_CODE, message, path, self._qid(path))
            elif isinstance(value, dict):
                for key, item in value.items():
                    stack.append(((*path, key), key))
                    stack.append(((*path, key), item))
            elif isinstance(value, list):
                stack.extend(((*path, i), item) for i, item in enumerate(value))

    # question banks -------------------------------------------------------------------------

    def _include_banks(self) -> None:
        """Append the sections of each bank ``[consultation] include`` names, in order, after
        the spec's own, so that they are structured and checked as the spec's are."""
        head = self.data.get("consultation")
        if not isinstance(head, dict) or "include" not in head:
            return
        names, where = head["include"], ("consultation", "include")
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            wanted = 'an array of question banks such as ["surveykit:equality"]'
            self._wrong_type(where, wanted, names)
            return
        sections = self.data.setdefault("sections", [])
        if not isinstance(sections, list):
            return  # reported with the sections
        first: dict[str, int] = {}
        for i, name in enumerate(names):
            if name in first:
                earlier = self._first_on((*where, first[name]), (*where, i))
                message = f"[consultation]: include names {name!r} twice{earlier}; include "
                self.problem("bad_include", message + "each question bank once", (*where, i))
                continue
            first[name] = i
            bank = self._read_bank(name, (*where, i))
            if bank is not None:
                source, bank_sections = bank
                self.banks.append((len(sections), source))
                self.included.append(name)
                sections.extend(bank_sections)

    def _read_bank(self, name: str, where: Path_) -> tuple[_Source, list[Any]] | None:
        """A bank's file and its ``[[sections]]``, or ``None`` (with the problem reported)."""
        if name.startswith(BANK_PREFIX):
            known = packaged_banks()
            short = name.removeprefix(BANK_PREFIX)
            entry = known.get(short)
            if entry is None:
                close = _close(short, known)
                listed = ", ".join(BANK_PREFIX + k for k in known) or "none"
                hint = (
                    f"; did you mean {BANK_PREFIX + close!r}?"
                    if close
                    else f"; the packaged banks are: {listed}"
                )
                message = f"[consultation]: include names {name!r}, which is not a packaged "
                self.problem("bad_include", message + f"question bank{hint}", where)
                return None
            file, read = str(entry), entry.read_bytes
        else:
            path = Path(self.source).parent / name
            file, read = os.fspath(path), path.read_bytes
        try:
            data = read()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            message = f"[consultation]: cannot read the question bank {name!r}: {reason}"
            self.problem("bad_include", message, where)
            return None
        try:
            text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            message = "the question bank is not UTF-8 text; save it again choosing UTF-8"
            line = data.count(b"\n", 0, exc.start) + 1
            self.problems.append(SpecProblem("unreadable", message, file, line))
            return None
        deep = too_deep(text, MAX_NESTING)
        if deep is not None:
            self.problems.append(_too_deep_problem(file, deep))
            return None
        try:
            table = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            self.problems.append(_toml_problem(exc, text, file))
            return None
        except ValueError:  # Python reads no integer of over 4,300 digits
            self.problems.append(_long_number_problem(text, file))
            return None
        source = _Source(file, Locator(text))
        for key in table:
            if key != "sections":
                message = (
                    f"a question bank holds only [[sections]] and their questions, not {key!r}; "
                    "put it in the spec that includes the bank"
                )
                self.problems.append(
                    SpecProblem("bad_include", message, file, source.locator.line((key,)))
                )
        sections = table.get("sections")
        if not isinstance(sections, list) or not sections:
            message = (
                "the question bank has no sections; write [[sections]], each followed by its "
                "[[sections.questions]]"
            )
            line = source.locator.line(("sections",)) or 1
            self.problems.append(SpecProblem("bad_include", message, file, line))
            return None
        return source, sections

    # structuring ----------------------------------------------------------------------------

    def _structure(self) -> tuple[Metadata | None, list, list, list[_Draft]]:
        """Structure the document piece by piece, so one bad question hides no other problem."""
        for key, value in self.data.items():
            if key not in TOP_LEVEL:
                self._unknown_top_level(key, value)
        meta = None
        if "consultation" not in self.data:
            self.problem(
                "missing_key",
                "the spec has no [consultation] table; it needs at least id, title, publisher "
                "and closes",
                ("consultation",),
            )
        else:
            head = self.data["consultation"]
            if isinstance(head, dict):  # include is read by _include_banks
                head = {key: value for key, value in head.items() if key != "include"}
            meta = self._piece(("consultation",), Metadata, head, extra=("include",))
            if meta is not None and self.included:
                meta = attrs.evolve(meta, include=tuple(self.included))
        roles = self._pieces(("roles",), Choice, self.data.get("roles", []))
        authority_types = self._pieces(
            ("authority_types",), Choice, self.data.get("authority_types", [])
        )
        return meta, roles, authority_types, self._structure_sections()

    def _unknown_top_level(self, key: str, value: Any) -> None:
        if key in ("questions", "question"):
            # Their ids are not reported again as unknown where conditions refer to them.
            items = value if isinstance(value, list) else [value]
            ids = (item.get("id") for item in items if isinstance(item, dict))
            self.unstructured.update(i for i in ids if isinstance(i, str))
            hint = (
                "; questions belong to a section: write [[sections.questions]] after [[sections]]"
            )
        else:
            hint = _suggest(key, TOP_LEVEL, "the spec's top level takes")
        self.problem("unknown_key", f"unknown key {key!r}{hint}", (key,))

    def _structure_sections(self) -> list[_Draft]:
        raw_sections = self.data.get("sections")
        if raw_sections is None:
            self.problem(
                "missing_key",
                "the spec has no sections; add [[sections]], each followed by its "
                "[[sections.questions]]",
                ("sections",),
            )
            return []
        if not isinstance(raw_sections, list):
            self._wrong_type(
                ("sections",), "an array of tables, written [[sections]]", raw_sections
            )
            return []
        if not any(isinstance(s, dict) and s.get("questions") for s in raw_sections):
            self.problem("no_questions", "the spec has no questions", ("sections",))
        parts = []
        for si, raw in enumerate(raw_sections):
            part = self._structure_section(si, raw)
            if part is not None:
                parts.append(part)
        return parts

    def _structure_section(self, si: int, raw: Any) -> _Draft | None:
        path = ("sections", si)
        if not isinstance(raw, dict):
            self._wrong_type(path, "a table", raw)
            return None
        head = {k: v for k, v in raw.items() if k != "questions"}
        section = self._piece(path, Section, head)
        broken = section is None
        if section is None:  # keep checking its questions under a stand-in
            section = Section(id=str(head.get("id", "")), title="")
        raw_questions = raw.get("questions", [])
        if not isinstance(raw_questions, list):
            wanted = "an array of tables, written [[sections.questions]]"
            self._wrong_type((*path, "questions"), wanted, raw_questions)
            raw_questions = []
        questions = []
        for qi, item in enumerate(raw_questions):
            q = self._structure_question((*path, "questions", qi), item)
            if q is None:
                qid = self._qid((*path, "questions", qi))
                if qid is not None:
                    self.unstructured.add(qid)
            else:
                questions.append((qi, q))
        return _Draft(si, section, questions, broken)

    def _structure_question(self, path: Path_, raw: Any) -> Question | None:
        """Structure one question, first moving the keys its kind declares into ``settings``.

        A key neither the model nor the kind knows stays an unknown key, suggested from both.
        """
        kind_name = raw.get("kind") if isinstance(raw, dict) else None
        kind = self.kinds.get(kind_name) if isinstance(kind_name, str) else None
        core = _structure.ALLOWED_KEYS[Question]
        declared = tuple(key for key in getattr(kind, "settings", None) or () if key not in core)
        settings: dict[str, Any] = {}
        if declared and isinstance(raw, dict):
            settings = {key: value for key, value in raw.items() if key in declared}
            raw = {key: value for key, value in raw.items() if key not in settings}
        q = self._piece(path, Question, raw, extra=declared)
        if q is None:
            return None
        settings.update(self.recovered.pop(path, {}))
        if settings:
            q = attrs.evolve(q, settings={key: _frozen(value) for key, value in settings.items()})
        return q

    def _pieces(self, path: Path_, cls: type, value: Any) -> list:
        """Structure an array of tables as (index, object) pairs, leaving out failures."""
        if not isinstance(value, list):
            header = ".".join(str(p) for p in path if isinstance(p, str))
            self._wrong_type(path, f"an array of tables, written [[{header}]]", value)
            return []
        out = [(i, self._piece((*path, i), cls, item)) for i, item in enumerate(value)]
        return [(i, o) for i, o in out if o is not None]

    def _piece(self, path: Path_, cls: type, value: Any, extra: tuple[str, ...] = ()) -> Any:
        """Structure one table, reporting each problem found in it.

        So that one run finds all of a table's problems, a faulty table is then repaired where
        that is safe, and checked further: see :func:`_repair`.  Optional keys dropped by the
        repair are kept in ``self.dropped``, so that no check reports what the repair caused.
        ``extra`` names keys the loader reads itself (a kind's settings): they are suggested
        for typos, and a key the repair reads as one of them is kept in ``self.recovered``.
        """
        try:
            return _converter.structure(value, cls)
        except (BaseValidationError, _structure.ValueProblem) as exc:
            leaves = [_with_extra(leaf, extra) for leaf in _structure.flatten(exc)]
        for leaf in leaves:
            if not _explained_by_typo(leaf, leaves):
                full = (*path, *leaf.path)
                self.problem(leaf.code, self._leaf_message(full, leaf), full, self._qid(full))
        repaired, dropped = _repair(value, leaves, cls)
        if repaired is None:
            return None
        recovered = {key: repaired.pop(key) for key in extra if key in repaired}
        for leaf in leaves:  # problems with a recovered key are shown where it is written
            guess = _close(str(leaf.path[-1]), leaf.allowed) if leaf.path else None
            if leaf.code == "unknown_key" and len(leaf.path) == 1 and guess in recovered:
                self.written[(*path, guess)] = leaf.path
        try:
            result = _converter.structure(repaired, cls)
        except (BaseValidationError, _structure.ValueProblem):
            return None
        self.dropped[path] = dropped
        if recovered:
            self.recovered[path] = recovered
        return result

    def _wrong_type(self, path: Path_, wanted: str, value: Any) -> None:
        leaf = _structure.Leaf(
            (), "wrong_type", f"must be {wanted}, not {_structure.describe(value)}"
        )
        self.problem("wrong_type", self._leaf_message(path, leaf), path, self._qid(path))

    def _leaf_message(self, path: Path_, leaf: _structure.Leaf) -> str:
        """Word a structuring problem: the table it is in, then the key and what is wrong."""
        context, keys = self._context(path)
        if leaf.code == "unknown_key":
            inside = _subject(keys[:-1])
            text = f"unknown key {keys[-1]!r}" + (f" in {inside}" if inside else "")
            text += _suggest(str(keys[-1]), leaf.allowed, "the keys allowed here are")
        elif leaf.code == "missing_key":
            text = f"{_subject(keys)} is required but missing"
        elif not keys:
            return f"{context or 'the value'} {leaf.detail}"
        else:
            text = f"{_subject(keys)} {leaf.detail}"
        return f"{context}: {text}" if context else text

    def _context(self, path: Path_) -> tuple[str, Path_]:
        """Split a path into the table a spec author wrote and the keys inside it.

        A question with an id needs no words here: every problem already names its question.
        """
        match path:
            case ("consultation", *keys):
                return "[consultation]", tuple(keys)
            case ("publication", *keys):
                return "[publication]", tuple(keys)
            case ("roster", *keys):
                return "[roster]", tuple(keys)
            case ("roles", int(i), *keys):
                return f"role {i + 1}", tuple(keys)
            case ("authority_types", int(i), *keys):
                return f"authority type {i + 1}", tuple(keys)
            case ("sections", int(si), "questions", int(qi), *keys):
                if self._qid(path) is not None:
                    return "", tuple(keys)
                return f"question {qi + 1} of {self._section_name(si)}", tuple(keys)
            case ("sections", int(si), *keys):
                return self._section_name(si), tuple(keys)
        return "", path

    def _section_name(self, si: int) -> str:
        section_id = self._lookup(("sections", si, "id"))
        if isinstance(section_id, str):
            return f"section {section_id!r}"
        _, local = self._locate(("sections", si))
        return f"section {int(local[1]) + 1}"

    def _lookup(self, path: Path_) -> Any:
        node: Any = self.data
        for part in path:
            if isinstance(node, dict) and isinstance(part, str):
                node = node.get(part)
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                return None
        return node

    def _qid(self, path: Path_) -> str | None:
        """The id of the question ``path`` is in, if it has a usable one."""
        if len(path) >= 4 and path[0] == "sections" and path[2] == "questions":
            qid = self._lookup((*path[:4], "id"))
            return qid if isinstance(qid, str) else None
        return None

    # metadata -------------------------------------------------------------------------------

    def _check_metadata(self, meta: Metadata) -> None:
        base = ("consultation",)
        try:
            zoneinfo.ZoneInfo(meta.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.problem(
                "bad_timezone",
                f"[consultation]: unknown time zone {meta.timezone!r}; "
                + _zone_hint(meta.timezone),
                (*base, "timezone"),
            )
            return
        if meta.opens is not None and meta.closes_at <= meta.opens_at:
            self.problem(
                "closes_before_opens",
                f"[consultation]: the consultation closes ({meta.closes}) before it opens "
                f"({meta.opens}); check the two dates",
                (*base, "closes"),
            )

    def _check_choices(self, key: str, choices: list[tuple[int, Choice]]) -> None:
        first: dict[str, int] = {}
        for i, choice in choices:
            if choice.value in first:
                earlier = self._first_on((key, first[choice.value]), (key, i))
                self.problem(
                    "duplicate_value",
                    f"{key}: the value {choice.value!r} is listed twice{earlier}",
                    (key, i),
                )
            first.setdefault(choice.value, i)

    # publication ----------------------------------------------------------------------------

    def _publication(self, sections: tuple[Section, ...]) -> Publication:
        """Structure and check ``[publication]``: every id and value it names must exist."""
        raw = self.data.get("publication")
        if raw is None:
            return Publication()
        publication = self._piece(("publication",), Publication, raw)
        if publication is None:
            return Publication()
        base = ("publication",)
        by_id = {q.id: q for s in sections for q in s.questions}
        known_ids = set(by_id) | self.unstructured
        consent = publication.consent_question
        if consent is not None and consent not in known_ids:
            self.problem(
                "bad_publication",
                f"[publication]: consent_question {consent!r} is not a question in this spec"
                + _did_you_mean(consent, by_id),
                (*base, "consent_question"),
            )
        elif consent is not None and consent in by_id and not by_id[consent].options:
            self.problem(
                "bad_publication",
                f"[publication]: consent_question {consent!r} has no options; it must be a "
                "choice question whose options say what each answer permits",
                (*base, "consent_question"),
            )
        for key in ("quote", "name_authority"):
            values = getattr(publication, key)
            if values and consent is None:
                self.problem(
                    "bad_publication",
                    f"[publication]: {key} lists consent options but there is no "
                    "consent_question; name the question they belong to",
                    (*base, key),
                )
                continue
            options = [o.value for o in by_id[consent].options] if consent in by_id else None
            for i, value in enumerate(values):
                if options and value not in options:
                    self.problem(
                        "bad_publication",
                        f"[publication]: {key} lists {value!r}, which is not an option of "
                        f"{consent!r}" + _suggest(value, options, "its options are"),
                        (*base, key, i),
                    )
        for i, qid in enumerate(publication.identifying):
            if qid not in known_ids:
                self.problem(
                    "bad_publication",
                    f"[publication]: identifying lists {qid!r}, which is not a question in "
                    "this spec" + _did_you_mean(qid, by_id),
                    (*base, "identifying", i),
                )
        if publication.threshold is not None and publication.threshold < 1:
            self.problem(
                "bad_publication",
                f"[publication]: threshold must be at least 1, not {publication.threshold}",
                (*base, "threshold"),
            )
        return publication

    # roster -------------------------------------------------------------------------------

    def _roster(
        self, sections: tuple[Section, ...], roles: list, authority_types: list
    ) -> RosterAnswers:
        """Structure and check ``[roster]``: each question it names must exist and, when it has
        options, offer every value of the roster's vocabulary for that column."""
        raw = self.data.get("roster")
        if raw is None:
            return RosterAnswers()
        roster = self._piece(("roster",), RosterAnswers, raw)
        if roster is None:
            return RosterAnswers()
        by_id = {q.id: q for s in sections for q in s.questions}
        vocabularies = {
            "role": [c.value for _, c in roles],
            "authority_type": [c.value for _, c in authority_types],
            "authority": [],
        }
        for column, qid in roster.items():
            path = ("roster", column)
            if qid not in by_id:
                if qid not in self.unstructured:
                    self.problem(
                        "bad_roster",
                        f"[roster]: {column} = {qid!r} is not a question in this spec"
                        + _did_you_mean(qid, by_id),
                        path,
                    )
                continue
            options = [o.value for o in by_id[qid].options]
            missing = [v for v in vocabularies[column] if options and v not in options]
            if column == "authority" and options:
                self.problem(
                    "bad_roster",
                    f"[roster]: authority = {qid!r} has options, but an authority's name is "
                    "free text; name a text question",
                    path,
                )
            elif options and getattr(self.kinds.get(by_id[qid].kind), "multiple", False):
                self.problem(
                    "bad_roster",
                    f"[roster]: {column} = {qid!r} allows several answers; the roster holds "
                    "one, so name a single-choice question",
                    path,
                )
            elif missing:
                self.problem(
                    "bad_roster",
                    f"[roster]: {column} = {qid!r}, but its options do not include "
                    f"{', '.join(map(repr, missing))}, which the roster may hold",
                    path,
                )
            elif not options and vocabularies[column]:
                self.problem(
                    "bad_roster",
                    f"[roster]: {column} = {qid!r} is a text question; the roster's {column} "
                    "is one of a list, so name a single-choice question with the same options",
                    path,
                )
        return roster

    # sections and questions ---------------------------------------------------------------

    def _check_sections(self, drafts: list[_Draft]) -> tuple[Section, ...]:
        first_section: dict[str, Path_] = {}
        first_question: dict[str, Path_] = {}
        #: the answer keys of the questions checked so far: what a condition may read
        earlier: dict[str, tuple[Question, Path_]] = {}
        keys = self._settle(drafts)
        all_ids = {q.id for draft in drafts for _, q in draft.questions} | self.unstructured
        all_ids.update(key for found in keys.values() for key in found)
        out = []
        for draft in drafts:
            path = ("sections", draft.index)
            if not draft.broken:
                self._check_unique("section", draft.section.id, (*path, "id"), first_section)
            questions = []
            for qi, question in draft.questions:
                qpath = (*path, "questions", qi)
                question = attrs.evolve(question, section=draft.section.id)
                if question.id in first_question:
                    where = (*qpath, "id")
                    self._check_unique("question", question.id, where, first_question, question.id)
                question = self._check_question(question, qpath, earlier, all_ids)
                questions.append(question)
                first_question.setdefault(question.id, (*qpath, "id"))
                if qpath in keys:
                    self._add_parts(question, qpath, earlier, first_question)
            out.append(attrs.evolve(draft.section, questions=tuple(questions)))
        return tuple(out)

    def _settle(self, drafts: list[_Draft]) -> dict[Path_, tuple[str, ...]]:
        """Check each question's kind settings, and find the answer keys of every question
        whose kind is known and settings sound (by the question's path).

        Done for all questions before any condition is checked, so that a condition naming a
        later question's part (``q7.cost``) is told it comes later.
        """
        keys: dict[Path_, tuple[str, ...]] = {}
        for draft in drafts:
            for qi, q in draft.questions:
                path = ("sections", draft.index, "questions", qi)
                kind = self.kinds.get(q.kind)
                if kind is None or not self._settings_sound(q, kind, path):
                    self.unexpanded.add(q.id)
                    continue
                parts = parts_of(q, self.kinds)
                keys[path] = tuple(part.id for part in parts)
                self._check_other_part(q, parts, path)
        return keys

    def _settings_sound(self, q: Question, kind: Any, path: Path_) -> bool:
        """Report what the kind finds wrong with its settings; ``True`` when nothing is, and the
        question can be expanded into its parts."""
        check = getattr(kind, "check_settings", None)
        found = list(check(q)) if check is not None else []
        for key, message in found:
            where = (*path, key) if isinstance(key, str) else (*path, *key)
            written = self.written.get(where[: len(path) + 1])
            if written is not None:
                where = (*path, *written, *where[len(path) + 1 :])
            self.problem("bad_setting", message, where, q.id)
        return not found and sum(o.other for o in q.options) <= 1

    def _check_other_part(self, q: Question, parts: tuple[Question, ...], path: Path_) -> None:
        """An ``other`` option is refused where the kind makes no text part for it."""
        marked = [i for i, option in enumerate(q.options) if option.other]
        kind = self.kinds.get(q.kind)
        if not marked or not getattr(kind, "has_options", False):
            return  # no other option, or options on a kind without them: reported already
        if any(part.settings.get("other_of") == q.id for part in parts):
            return
        self.problem(
            "bad_other",
            f"option {marked[0] + 1} has other = true, but a {q.kind!r} question has no place "
            "for the respondent's own words; remove other = true",
            (*path, "options", marked[0], "other"),
            q.id,
        )

    def _add_parts(
        self,
        question: Question,
        path: Path_,
        earlier: dict[str, tuple[Question, Path_]],
        first_question: dict[str, Path_],
    ) -> None:
        """Make the answer keys of a checked question readable by later conditions."""
        parts = parts_of(question, self.kinds)
        # A second question of the same id is reported as such, not once for each of its parts.
        repeated = first_question[question.id][:4] != path[:4]
        for part in parts:
            clash = earlier.get(part.id, (None, first_question.get(part.id)))[1]
            if part.id != question.id and clash is not None and not repeated:
                self.problem(
                    "duplicate_id",
                    f"the answer key {part.id!r} of this question is used twice"
                    f"{self._first_on(clash, path)}; give each question its own id",
                    path,
                    question.id,
                )
            earlier.setdefault(part.id, (part, path))
            self.answer_parts.setdefault(part.id, part)
        self.keys_of.setdefault(question.id, tuple(part.id for part in parts))

    def _check_unique(
        self,
        what: str,
        value: str,
        path: Path_,
        first: dict[str, Path_],
        question: str | None = None,
    ) -> None:
        if value in first:
            earlier = self._first_on(first[value], path)
            self.problem(
                "duplicate_id",
                f"{what} id {value!r} is used twice{earlier}; give each {what} its own id",
                path,
                question,
            )
        first.setdefault(value, path)

    def _check_question(
        self,
        q: Question,
        path: Path_,
        earlier: dict[str, tuple[Question, Path_]],
        all_ids: set[str],
    ) -> Question:
        self._check_id(q, path)
        kind = self.kinds.get(q.kind)
        if kind is None:
            known = ", ".join(sorted(self.kinds)) or "none (no kind plugin is loaded)"
            hint = _did_you_mean(q.kind, self.kinds) or f"; known kinds: {known}"
            self.problem(
                "unknown_kind",
                f"unknown kind {q.kind!r}{hint}",
                (*path, "kind"),
                q.id,
            )
        else:
            self._check_kind_fields(q, kind, path)
        if q.shown_if is None:
            return q
        condition = self._parse_condition(q, path)
        if condition is None:
            return q
        bound = self._check_condition(q, condition, path, earlier, all_ids)
        return q if bound is None else attrs.evolve(q, condition=bound)

    def _check_id(self, q: Question, path: Path_) -> None:
        """Ids must be names a condition can use: ``q1``, ``role``, ``consent_2``."""
        if not ID_PATTERN.match(q.id):
            message = (
                f"question id {q.id!r} cannot be used in conditions; use letters, digits and "
                "underscores only, starting with a letter, e.g. 'q1'"
            )
        elif q.id in RESERVED:
            message = (
                f"question id {q.id!r} is a word of the condition language "
                f"({', '.join(sorted(RESERVED))}); choose another"
            )
        else:
            return
        self.problem("bad_id", message, (*path, "id"), q.id)

    def _check_kind_fields(self, q: Question, kind: Any, path: Path_) -> None:
        if kind.has_options and not q.options and "options" not in self.dropped.get(path, ()):
            self.problem(
                "missing_options",
                f"a {q.kind!r} question needs options, e.g. "
                'options = [{ value = "yes", label = "Yes" }, { value = "no", label = "No" }]',
                path,
                q.id,
            )
        if not kind.has_options and q.options:
            self.problem(
                "unexpected_options",
                f"a {q.kind!r} question takes no options; remove them or change the kind",
                (*path, "options"),
                q.id,
            )
        self._check_options(q, path)
        if q.max_length is None:
            return
        if not kind.has_max_length:
            self.problem(
                "unexpected_max_length",
                f"max_length applies to text answers, not to a {q.kind!r} question; remove it",
                (*path, "max_length"),
                q.id,
            )
        elif q.max_length < 1:
            self.problem(
                "bad_max_length",
                f"max_length must be at least 1, not {q.max_length}",
                (*path, "max_length"),
                q.id,
            )

    def _check_options(self, q: Question, path: Path_) -> None:
        first: dict[str, int] = {}
        other: int | None = None
        for i, option in enumerate(q.options):
            where = (*path, "options", i)
            if not option.value:
                self.problem("empty_option", f"option {i + 1} has an empty value", where, q.id)
            elif option.value in first:
                earlier = self._first_on((*path, "options", first[option.value]), where)
                self.problem(
                    "duplicate_option",
                    f"option value {option.value!r} is listed twice{earlier}; "
                    "each option needs its own value",
                    where,
                    q.id,
                )
            first.setdefault(option.value, i)
            if option.other and other is not None:
                earlier = self._first_on((*path, "options", other, "other"), (*where, "other"))
                self.problem(
                    "bad_other",
                    f"option {i + 1} is a second 'other' option{earlier}; a question may have "
                    "only one, so remove other = true from all but one",
                    (*where, "other"),
                    q.id,
                )
            elif option.other:
                other = i
            self._check_option_length(q, option, i, where)

    def _check_option_length(self, q: Question, option: Option, i: int, where: Path_) -> None:
        """An option's ``max_length`` limits the words of an ``other`` option, so needs one."""
        if option.max_length is None:
            return
        if not option.other:
            message = (
                f"max_length of option {i + 1} limits the respondent's own words, which only "
                "an 'other' option asks for; add other = true or remove max_length"
            )
        elif option.max_length < 1:
            message = f"max_length of option {i + 1} must be at least 1, not {option.max_length}"
        else:
            return
        self.problem("bad_other", message, (*where, "max_length"), q.id)

    # conditions -----------------------------------------------------------------------------

    def _parse_condition(self, q: Question, path: Path_) -> Condition | None:
        assert q.shown_if is not None
        if not q.shown_if.strip():
            message = 'shown_if is empty; remove it, or write a condition such as q1 == "yes"'
            self.problem("condition_syntax", message, (*path, "shown_if"), q.id)
            return None
        try:
            return parse_condition(q.shown_if)
        except ConditionTooDeep as exc:
            message = (
                f"shown_if is nested more than {MAX_CONDITION_DEPTH} levels deep (counting not, "
                f"and, or and brackets) at column {exc.column}; simplify it"
            )
            problem = self._located("too_deep", message, (*path, "shown_if"), q.id)
            self.problems.append(attrs.evolve(problem, column=exc.column))
            return None
        except ConditionSyntaxError as exc:
            hint = _syntax_hint(q.shown_if, exc.column, exc.message)
            message = f"shown_if: {exc.message} at column {exc.column} of `{q.shown_if}`{hint}"
            problem = self._located("condition_syntax", message, (*path, "shown_if"), q.id)
            self.problems.append(attrs.evolve(problem, column=exc.column))
            return None

    def _check_condition(
        self,
        q: Question,
        condition: Condition,
        path: Path_,
        earlier: dict[str, tuple[Question, Path_]],
        all_ids: set[str],
    ) -> Condition | None:
        """Check each name and comparison in a condition against the earlier answer keys.

        Returns the condition bound to the answers it reads (see ``conditions.bind``) when it
        is sound, else ``None`` with each problem reported once, at its column.
        """
        found: dict[tuple[str, str], int | None] = {}  # each problem once, however often it recurs
        unsound = False
        for node in walk(condition):
            ref = getattr(node, "question", None)
            if not isinstance(ref, str):
                continue
            column = getattr(node, "column", 0) or None
            if getattr(node, "values", None) == ():
                found.setdefault(("empty_list", _empty_list_message(ref)), column)
            if ref in earlier:
                for problem in self._comparison_problems(node, earlier[ref][0]):
                    found.setdefault(problem, column)
            elif self._unknowable(ref):
                unsound = True  # its own problems are reported already
            else:
                problem = ("bad_reference", self._reference_message(q, ref, all_ids))
                found.setdefault(problem, column)
        bound = condition
        if _bind is not None:
            covered = {(code, column) for (code, _), column in found.items()}
            bound, bind_problems = _bind(condition, lambda name: self._operand(name, earlier))
            for bad in bind_problems:
                column = bad.column or None
                if bad.code == "unknown_question" or (bad.code, column) in covered:
                    continue  # worded above, as it always has been
                code = bad.code if bad.code in CODES else "bad_comparison"
                message = bad.message
                if not message.startswith("shown_if"):
                    message = f"shown_if: {message}"
                found.setdefault((code, message), column)
        for (code, message), column in found.items():
            self.problems.append(self._located(code, message, (*path, "shown_if"), q.id, column))
        return None if found or unsound else bound

    def _unknowable(self, ref: str) -> bool:
        """Whether ``ref`` names a question (or part of one) whose answer keys are unknown
        because of a problem reported elsewhere."""
        owner = ref.partition(".")[0]
        return bool({ref, owner} & self.unstructured) or owner in self.unexpanded

    def _operand(self, name: str, earlier: dict[str, tuple[Question, Path_]]) -> Any:
        """What a condition knows about the earlier answer key ``name``, or ``None``."""
        entry = earlier.get(name)
        if entry is None or _Operand is None:
            return None
        part = entry[0]
        answer_type = _answer_type(part, self.kinds)
        return _Operand(answer_type=answer_type, options=tuple(o.value for o in part.options))

    def _reference_message(self, q: Question, ref: str, all_ids: set[str]) -> str:
        owner, _, name = ref.partition(".")
        if ref == q.id:
            return (
                f"shown_if refers to {ref}, this question itself; a condition may only use "
                "earlier questions"
            )
        if owner == q.id:
            return (
                f"shown_if refers to {ref}, a part of this question itself; a condition may "
                "only use earlier questions"
            )
        keys = self.keys_of.get(owner)
        if keys is not None and not name:
            return (
                f"shown_if refers to {ref}, whose answers are kept in parts "
                f"({', '.join(keys)}); name one of them, e.g. {keys[0]}"
            )
        if keys is not None:
            message = f"shown_if refers to {ref}, but {owner} has no part {name!r}"
            return message + _suggest(ref, keys, "its parts are")
        if ref in all_ids:
            return (
                f"shown_if refers to {ref}, which comes later in the spec; a condition may only "
                "use earlier questions"
            )
        message = f"shown_if refers to {ref}, which is not a question in this spec"
        return message + _did_you_mean(ref, sorted(all_ids))

    def _comparison_problems(self, node: Condition, target: Question) -> list[tuple[str, str]]:
        """What is wrong with one comparison of option values against an earlier answer key,
        as (code, message).  Comparisons with other answers are typed by ``conditions.bind``."""
        kind = self.kinds.get(target.kind)
        if kind is None or not isinstance(node, Equals | OneOf | Contains):
            return []
        ref = target.id
        values = node.values if isinstance(node, OneOf) else (node.value,)
        if not all(isinstance(value, str) for value in values):
            return []  # a number or date compared with options: conditions.bind words it
        example = values[0] if values else "value"
        answer_type = _answer_type(target, self.kinds)
        if answer_type not in _OPTION_TYPES:
            if _bind is not None:
                return []
            return [
                (
                    "bad_comparison",
                    f"shown_if compares {ref} with a value, but {ref} is a {target.kind!r} "
                    f"question; only answered({ref}) can be used with it",
                )
            ]
        out = []
        if answer_type == "options" and not isinstance(node, Contains):
            out.append(
                (
                    "bad_comparison",
                    f"shown_if compares {ref} as if it had one answer, but {ref} is a "
                    f"{target.kind!r} question whose answer can hold several options; "
                    f"to test for one option write '\"{example}\" in {ref}'",
                )
            )
        elif answer_type == "option" and isinstance(node, Contains):
            out.append(
                (
                    "bad_comparison",
                    f"shown_if tests '\"{example}\" in {ref}', but {ref} is a {target.kind!r} "
                    f"question with one answer; write '{ref} == \"{example}\"'",
                )
            )
        options = list(dict.fromkeys(o.value for o in target.options))
        for value in values:
            if options and value not in options:
                listed = ", ".join(repr(v) for v in options)
                message = (
                    f"shown_if uses {value!r}, which is not an option of {ref} "
                    f"(its options are {listed})"
                )
                out.append(("unknown_option", message + _did_you_mean(value, options)))
        return out

    # never-shown questions ----------------------------------------------------------------

    def _find_never_shown(self, consultation: Consultation) -> None:
        """Warn about conditions that cannot hold, searching the answers they read.

        Each referenced answer ranges over "absent" and the values the condition could tell
        apart; an answer to a question already known never to be shown is always absent.  If
        no combination satisfies the condition, the question can never be shown.  The search
        over-approximates what answers can occur, so every warning is true; very wide
        conditions, and those on answers other than options, are skipped.
        """
        never: set[str] = set()
        locations = {
            q.id: ("sections", si, "questions", qi)
            for si, s in enumerate(consultation.sections)
            for qi, q in enumerate(s.questions)
        }
        for q in consultation.questions:
            if q.condition is None or self._can_hold(q.condition, never):
                continue
            never.add(q.id)
            never.update(self.keys_of.get(q.id, ()))
            hidden = [r for r in references(q.condition) if r in never]
            if hidden:
                names = " and ".join(hidden)
                reason = f"because {names} {'is' if len(hidden) == 1 else 'are'} never shown, "
                message = f"shown_if `{render(q.condition)}` can never be true {reason}so this "
                message += "question is never shown either"
            else:
                message = f"shown_if `{render(q.condition)}` can never be true, so this question "
                message += "is never shown; check the condition"
            self.warn("never_shown", message, (*locations[q.id], "shown_if"), q.id)

    def _can_hold(self, condition: Condition, never: set[str]) -> bool:
        """Whether some answers make ``condition`` true (or the search is too wide to tell)."""
        refs = references(condition)
        targets = [self.answer_parts.get(ref) for ref in refs]
        domains = [
            None if target is None else self._domain(target, condition, never) for target in targets
        ]
        if any(d is None for d in domains) or _product_size(domains) > MAX_COMBINATIONS:
            return True
        return any(
            evaluate(
                condition, {r: v for r, v in zip(refs, combo, strict=True) if v is not _ABSENT}
            )
            for combo in itertools.product(*domains)
        )

    def _domain(self, target: Question, condition: Condition, never: set[str]) -> list | None:
        """The answers to ``target`` that ``condition`` can tell apart, or ``None`` if too many
        (or of a type the search does not enumerate: numbers, dates, text compared)."""
        if target.id in never:
            return [_ABSENT]
        nodes = [n for n in walk(condition) if getattr(n, "question", None) == target.id]
        if all(isinstance(n, Answered) for n in nodes):
            return [_ABSENT, _SOME]
        if self.kinds.get(target.kind) is None:
            return None
        answer_type = _answer_type(target, self.kinds)
        if answer_type == "option":
            return [_ABSENT, *(o.value for o in target.options)]
        if answer_type != "options" or not all(isinstance(n, Contains | Answered) for n in nodes):
            return None
        mentioned = sorted({n.value for n in nodes if isinstance(n, Contains)})
        if len(mentioned) > 12:
            return None
        subsets = [
            list(c)
            for r in range(1, len(mentioned) + 1)
            for c in itertools.combinations(mentioned, r)
        ]
        return [_ABSENT, *subsets, ["__other__"]]


_ABSENT = object()
#: Any answer at all: enough where a condition only asks whether a question was answered.
_SOME = object()


def _product_size(domains: list) -> int:
    size = 1
    for d in domains:
        size *= len(d)
    return size


def _with_extra(leaf: _structure.Leaf, extra: tuple[str, ...]) -> _structure.Leaf:
    """An unknown key of the table itself is also compared with the keys in ``extra``."""
    if leaf.code != "unknown_key" or len(leaf.path) != 1 or not extra:
        return leaf
    return leaf._replace(allowed=(*leaf.allowed, *(k for k in extra if k not in leaf.allowed)))


def _explained_by_typo(leaf: _structure.Leaf, leaves: list[_structure.Leaf]) -> bool:
    """Whether a missing key is the one a misspelt key beside it was meant to be.

    ``{ value = "no", lable = "No" }`` is one mistake, not two: "did you mean 'label'?" says it.
    """
    if leaf.code != "missing_key" or not leaf.path:
        return False
    parent, key = leaf.path[:-1], leaf.path[-1]
    return any(
        other.code == "unknown_key"
        and other.path[:-1] == parent
        and _close(str(other.path[-1]), other.allowed) == key
        for other in leaves
    )


def _repair(value: Any, leaves: list[_structure.Leaf], cls: type) -> tuple[Any, frozenset[str]]:
    """A copy of a faulty table that can be structured, and the optional keys left out of it.

    A misspelt key is read as the key it is close to, any other unknown key is dropped, and a
    bad value is dropped when its (top-level) key is optional.  A table missing a required key,
    or with a bad one, cannot be repaired: ``(None, frozenset())``.
    """
    if not isinstance(value, dict):
        return None, frozenset()
    value = copy.deepcopy(value)
    optional = {a.name for a in attrs.fields(cls) if a.default is not attrs.NOTHING}
    dropped: set[str] = set()
    for leaf in leaves:
        if leaf.code == "unknown_key":
            _rename_or_drop(value, leaf)
        elif _explained_by_typo(leaf, leaves):
            continue
        elif leaf.path and leaf.path[0] in optional:
            value.pop(leaf.path[0], None)
            dropped.add(str(leaf.path[0]))
        else:
            return None, frozenset()
    return value, frozenset(dropped)


def _rename_or_drop(table: dict[str, Any], leaf: _structure.Leaf) -> None:
    """Read a misspelt key as the key it is close to; drop any other unknown key."""
    parent: Any = table
    for part in leaf.path[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return  # inside an optional value the repair has dropped already
    key = leaf.path[-1]
    guess = _close(str(key), leaf.allowed)
    value = parent.pop(key)
    if guess is not None and guess not in parent:
        parent[guess] = value


def _empty_list_message(ref: str) -> str:
    """Why ``q in []`` is refused: no answer is in it, so it never holds (and ``not in []``
    always does): a slip, never an intention."""
    return (
        f"shown_if tests {ref} against an empty list []; list the values that should show "
        f'this question, e.g. {ref} in ["yes", "no"]'
    )
