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
import itertools
import os
import re
import tomllib
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from . import _structure, retention, translations
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
    Translation,
)
from .plugins import Registry, get_plugins
from .retention import Retention
from .tomlpos import Locator, explain_syntax_error, too_deep

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

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
    "bad_retention": "[retention] holds a duration that cannot be read, or keeps raw emails or "
    "review items (which hold who sent them) longer than the contact details",
    "too_deep": "values, or a shown_if condition, are nested too deeply to read",
    "control_character": "a string holds a control character (such as an escaped U+0000)",
    "bad_setting": "a kind's own setting (a number's min, a grid's rows) is wrong",
    "bad_other": "an 'other' option is misplaced: two in one question, on a kind that cannot "
    "take one, or max_length on an option that is not 'other'",
    "bad_include": "[consultation] include names a question bank that cannot be found or read, "
    "or a bank holds something other than [[sections]]",
    "bad_language": "[consultation] languages holds a tag that is not BCP 47 or is listed twice, "
    "or translations are given for a language the consultation does not offer",
    "bad_translation": "a translation names no text of the spec, is empty or badly written, "
    "is given twice, or its file cannot be read",
}
#: Every code a warning (``consultation.warnings``) can carry.
WARNING_CODES: dict[str, str] = {
    "never_shown": "a condition can never be true, so its question is never shown",
    "missing_translation": "a text has no translation into one of the languages offered",
    "stale_translation": "a translation was made from an older version of its source text",
    "questionable_retention": "[retention] keeps contact details for ever, sets a grace period "
    "while anonymise is off, or keeps something anonymising removes sooner",
}

ID_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
RESERVED = frozenset({"and", "or", "not", "in", "answered"})
TOP_LEVEL = (
    "consultation",
    "roles",
    "authority_types",
    "sections",
    "publication",
    "roster",
    "retention",
    "translations",
)
#: Keys of ``[consultation]`` the loader reads itself, before the table is structured.
OWN_HEAD_KEYS = ("include", "languages", "translation_files")
#: Conditions whose referenced answers have more combinations than this are not searched for
#: impossibility; the warning is a help, and must not make loading slow.
MAX_COMBINATIONS = 4096
#: How deeply a spec's arrays and inline tables may nest (Taking Stock needs three levels).
MAX_NESTING = 32

Path_ = tuple[str | int, ...]

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
    import importlib.resources  # here: a spec without banks does not pay for it (issue 20)

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
    import difflib  # here: only a faulty spec needs it, and importing it costs every start

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


#: The loader's own records below are never compared or shown: without the generated ``__eq__``
#: and ``__repr__``, each class is quicker to make, which every start pays for (issue 20).
@attrs.define(eq=False, repr=False)
class _Draft:
    """One section as structured, with its questions' positions kept for locating problems."""

    index: int
    section: Section
    questions: list[tuple[int, Question]]
    broken: bool = False


@attrs.frozen(eq=False, repr=False)
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
        #: each translation file read, and its ``[translations]`` table
        self.translation_files: list[tuple[_Source, Any]] = []
        #: the names of the translation files read, as the spec gives them
        self.translation_names: list[str] = []
        #: every well-written translation, in the order read
        self.entries: list[_Entry] = []

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
        files.extend(source.file for source, _ in self.translation_files)
        rank = files.index(problem.file) if problem.file in files else len(files)
        return rank, problem.line or 0

    def run(self) -> Consultation:
        self._include_banks()
        self._read_translation_files()
        self._check_characters()
        meta, roles, authority_types, drafts = self._structure()
        if meta is not None:
            self._check_metadata(meta)
            meta = attrs.evolve(meta, languages=self._languages())
            self._read_translations(meta.languages)
        self._check_choices("roles", roles)
        self._check_choices("authority_types", authority_types)
        sections = self._check_sections(drafts)
        publication = self._publication(sections)
        roster = self._roster(sections, roles, authority_types)
        retention_table = self._retention(meta)
        if self.problems or meta is None:
            raise SpecError(sorted(self.problems, key=self._order))
        consultation = Consultation(
            metadata=meta,
            sections=sections,
            roles=tuple(choice for _, choice in roles),
            authority_types=tuple(choice for _, choice in authority_types),
            publication=publication,
            roster=roster,
            retention=retention_table,
            source=self.source,
            warnings=(),
            translations=self._translation_tables(),
        )
        self._check_translated(consultation)
        if self.problems:
            raise SpecError(sorted(self.problems, key=self._order))
        self._find_never_shown(consultation)
        self._warn_translations(consultation)
        return attrs.evolve(consultation, warnings=tuple(sorted(self.warnings, key=self._order)))

    def _check_characters(self) -> None:
        """Refuse control characters (written as escapes, such as ``\\u0000``) in any string.

        Strings from a spec are stored (option values, roles) and shown; some stores cannot keep
        these characters, and no one means them.  See :mod:`surveykit.characters`.
        """
        for path, found in _controls(self.data) if _may_hold_controls(self.main) else ():
            leaf = _structure.Leaf(
                (), CONTROL_CODE, f"holds a control character ({found}); remove it"
            )
            message = self._leaf_message(path, leaf)
            self.problem(CONTROL_CODE, message, path, self._qid(path))
        for source, table in self.translation_files:
            for inner, found in _controls(table) if _may_hold_controls(source) else ():
                path = ("translations", *inner)
                message = f"{_translation_context(path)} holds a control character ({found}); "
                self._problem_in(source, CONTROL_CODE, message + "remove it", path)

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
        read_toml = self._read_toml(data, file, "question bank")
        if read_toml is None:
            return None
        source, table = read_toml
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

    def _read_toml(self, data: bytes, file: str, what: str) -> tuple[_Source, Any] | None:
        """A file's TOML table and its positions, or ``None`` with the problem reported at the
        file's own line: it is not UTF-8, not TOML, or nested too deeply."""
        try:
            text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            message = f"the {what} is not UTF-8 text; save it again choosing UTF-8"
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
        return _Source(file, Locator(text)), table

    # languages and translations --------------------------------------------------------------

    def _languages(self) -> tuple[str, ...]:
        """``[consultation] languages``, checked: BCP 47 tags in their usual case, none twice.

        With a problem, the tags that are sound (else English), so translations are still
        checked against something.
        """
        head = self.data.get("consultation")
        raw = head.get("languages", ["en"]) if isinstance(head, dict) else ["en"]
        where: Path_ = ("consultation", "languages")
        if not isinstance(raw, list) or not all(isinstance(tag, str) for tag in raw):
            self._wrong_type(where, 'an array of language tags such as ["en", "cy"]', raw)
            return ("en",)
        if not raw:
            message = (
                "[consultation]: languages is empty; list the language the spec is written in "
                'first, then any it is translated into, e.g. languages = ["en", "cy"]'
            )
            self.problem("bad_language", message, where)
            return ("en",)
        sound: dict[str, int] = {}
        for i, tag in enumerate(raw):
            fixed = _canonical_tag(tag)
            if fixed is None:
                message = (
                    f"[consultation]: languages holds {tag!r}, which is not a language tag; use "
                    "a BCP 47 tag such as 'en', 'cy' or 'en-GB'"
                )
                self.problem("bad_language", message, (*where, i))
            elif fixed != tag:
                message = f"[consultation]: languages holds {tag!r}; write it {fixed!r}"
                self.problem("bad_language", message, (*where, i))
            elif tag in sound:
                earlier = self._first_on((*where, sound[tag]), (*where, i))
                message = f"[consultation]: languages lists {tag!r} twice{earlier}"
                self.problem("bad_language", message, (*where, i))
            else:
                sound[tag] = i
        return tuple(sound) or ("en",)

    def _read_translation_files(self) -> None:
        """Read each file ``[consultation] translation_files`` names (relative to the spec):
        TOML holding only ``[translations.LANG]`` tables, checked with the spec's own."""
        head = self.data.get("consultation")
        if not isinstance(head, dict) or "translation_files" not in head:
            return
        names, where = head["translation_files"], ("consultation", "translation_files")
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            wanted = 'an array of file names such as ["consultation.cy.toml"]'
            self._wrong_type(where, wanted, names)
            return
        first: dict[str, int] = {}
        for i, name in enumerate(names):
            if name in first:
                earlier = self._first_on((*where, first[name]), (*where, i))
                message = f"[consultation]: translation_files names {name!r} twice{earlier}"
                self.problem("bad_translation", message, (*where, i))
                continue
            first[name] = i
            path = Path(self.source).parent / name
            try:
                data = path.read_bytes()
            except OSError as exc:
                reason = exc.strerror or str(exc)
                message = f"[consultation]: cannot read the translation file {name!r}: {reason}"
                self.problem("bad_translation", message, (*where, i))
                continue
            found = self._read_toml(data, os.fspath(path), "translation file")
            if found is None:
                continue
            source, table = found
            for key in table:
                if key != "translations":
                    message = (
                        "a translation file holds only [translations.LANG] tables, not "
                        f"{key!r}; put it in the spec"
                    )
                    self._problem_in(source, "bad_translation", message, (key,))
            self.translation_files.append((source, table.get("translations", {})))
            self.translation_names.append(name)

    def _read_translations(self, languages: tuple[str, ...]) -> None:
        """Check the shape of every ``[translations.LANG]`` table, in the spec and its
        translation files, keeping each well-written entry in ``self.entries``."""
        tables = []
        if "translations" in self.data:
            tables.append((self.main, self.data["translations"]))
        tables.extend(self.translation_files)
        first: dict[tuple[str, str], tuple[_Source, Path_]] = {}
        for source, table in tables:
            if not isinstance(table, dict):
                wanted = "a table of languages, written [translations.cy]"
                detail = f"[translations] must be {wanted}, not {_structure.describe(table)}"
                self._problem_in(source, "wrong_type", detail, ("translations",))
                continue
            for lang, entries in table.items():
                path: Path_ = ("translations", lang)
                if not isinstance(entries, dict):
                    detail = f"[translations.{lang}] must be a table, not "
                    detail += _structure.describe(entries)
                    self._problem_in(source, "wrong_type", detail, path)
                    continue
                offered = self._language_offered(source, lang, languages, path)
                for address, raw_path, value in _flatten_translations(entries, path):
                    entry = self._entry(source, lang, address, raw_path, value)
                    if entry is None or not offered:
                        continue
                    key = (lang, address)
                    if key in first:
                        earlier = self._first_at(first[key], source, raw_path)
                        message = (
                            f"[translations.{lang}]: {address} is translated twice{earlier}; "
                            "keep one"
                        )
                        self._problem_in(source, "bad_translation", message, raw_path)
                        continue
                    first[key] = (source, raw_path)
                    self.entries.append(entry)

    def _language_offered(
        self, source: _Source, lang: str, languages: tuple[str, ...], path: Path_
    ) -> bool:
        if lang in languages[1:]:
            return True
        offered = ", ".join(repr(tag) for tag in languages)
        if lang == languages[0]:
            message = (
                f"[translations.{lang}]: {lang!r} is the language the spec is written in, so "
                "its texts are the spec's own; remove this table"
            )
        else:
            message = (
                f"[translations.{lang}]: {lang!r} is not one of the consultation's languages "
                f"({offered}); add it to [consultation] languages, or remove this table"
            )
            close = _close(lang, languages[1:])
            if close is not None:
                message = (
                    f"[translations.{lang}]: {lang!r} is not one of the consultation's "
                    f"languages ({offered}); did you mean {close!r}?"
                )
        self._problem_in(source, "bad_language", message, path)
        return False

    def _entry(
        self, source: _Source, lang: str, address: str, path: Path_, value: Any
    ) -> _Entry | None:
        """One translation, checked: ``{ text = "...", source = "3f9a1c02" }``."""
        context = f"[translations.{lang}]: the translation of {address}"
        example = '{ text = "...", source = "3f9a1c02" }'
        if not isinstance(value, dict):
            message = f"{context} must be a table such as {example}, not "
            message += _structure.describe(value)
            self._problem_in(source, "wrong_type", message, path)
            return None
        sound = True
        for key in value:
            if key not in ("text", "source"):
                hint = _suggest(str(key), ("text", "source"), "a translation takes")
                message = f"{context} has an unknown key {key!r}{hint}"
                self._problem_in(source, "unknown_key", message, (*path, key))
                sound = False
        text = value.get("text")
        if "text" not in value:
            self._problem_in(source, "missing_key", f"{context} has no text", path)
            sound = False
        elif not isinstance(text, str):
            message = f"{context}: text must be a string, not {_structure.describe(text)}"
            self._problem_in(source, "wrong_type", message, (*path, "text"))
            sound = False
        elif not text.strip():
            message = f"{context} is empty; write the translation, or remove the entry"
            self._problem_in(source, "bad_translation", message, (*path, "text"))
            sound = False
        made_from = value.get("source")
        if "source" not in value:
            message = (
                f"{context} has no source: the fingerprint of the text it was made from, "
                "which surveykit translate writes"
            )
            self._problem_in(source, "missing_key", message, path)
            sound = False
        elif not isinstance(made_from, str) or not _FINGERPRINT.fullmatch(made_from):
            shown = made_from if isinstance(made_from, str) else _structure.describe(made_from)
            message = (
                f"{context}: source must be the 8 hex digits surveykit translate writes, such "
                f'as "3f9a1c02", not {shown!r}'
                if isinstance(made_from, str)
                else f'{context}: source must be a string such as "3f9a1c02", not {shown}'
            )
            self._problem_in(source, "bad_translation", message, (*path, "source"))
            sound = False
        if not sound:
            return None
        line = source.locator.line(path)
        translation = Translation(text, made_from, source.file, line)
        return _Entry(lang, address, translation, source, path)

    def _translation_tables(self) -> dict[str, dict[str, Translation]]:
        tables: dict[str, dict[str, Translation]] = {}
        for entry in self.entries:
            tables.setdefault(entry.lang, {})[entry.address] = entry.translation
        return tables

    def _check_translated(self, consultation: Consultation) -> None:
        """Each translation names a text of the consultation, and a kind's texts translated
        are still ones the kind accepts (a number's unit holds no digit in any language)."""
        known = {t.address: t for t in translations.texts(consultation, self.kinds, empty=True)}
        written = sorted(a for a, t in known.items() if t.text.strip())
        for entry in self.entries:
            text = known.get(entry.address)
            context = f"[translations.{entry.lang}]: {entry.address}"
            if text is None:
                hint = _did_you_mean(entry.address, written)
                message = f"{context} is not the address of a text in this spec{hint}"
            elif not text.text.strip():
                message = (
                    f"{context} is empty in the spec, so there is nothing to translate; remove "
                    "the translation, or write the text in the spec first"
                )
            else:
                continue
            self._problem_in(entry.source, "bad_translation", message, entry.path)
        if self.problems:
            return
        for lang in consultation.languages[1:]:
            self._check_translated_settings(consultation, lang)

    def _check_translated_settings(self, consultation: Consultation, lang: str) -> None:
        entries = [e for e in self.entries if e.lang == lang]
        localised = translations.localise(consultation, lang, self.kinds)
        for question, translated in zip(consultation.questions, localised.questions, strict=True):
            check = getattr(self.kinds.get(question.kind), "check_settings", None)
            if check is None or translated.settings == question.settings:
                continue
            qid = translations.address_part(question.id)
            for key, problem in check(translated):
                name = key if isinstance(key, str) else key[0]
                own = [e for e in entries if e.address.startswith(f"{qid}.{name}")]
                own = own or [e for e in entries if e.address.startswith(f"{qid}.")]
                for entry in own[:1]:
                    message = f"[translations.{lang}]: {entry.address} is not accepted: {problem}"
                    self._problem_in(entry.source, "bad_translation", message, entry.path)

    def _warn_translations(self, consultation: Consultation) -> None:
        """Warn of each text not translated into a language offered, at the text's own line,
        and of each translation made from an older text, at the translation's."""
        where = {(e.lang, e.address): e for e in self.entries}
        for lang in consultation.languages[1:]:
            name = translations.language_name(lang)
            for text in translations.missing(consultation, lang, self.kinds):
                message = f"no {name} translation of {text.address}"
                self.warn("missing_translation", message, text.path, text.question)
            for found in translations.stale(consultation, lang, self.kinds):
                entry = where[(lang, found.text.address)]
                now = translations.fingerprint(found.text.text)
                message = (
                    f"the {name} translation of {found.text.address} was made from an older "
                    f"text; the source now reads {_excerpt(found.text.text)}: check the "
                    f'translation, then set source = "{now}"'
                )
                line = entry.source.locator.line(entry.path)
                problem = SpecProblem(
                    "stale_translation",
                    message,
                    entry.source.file,
                    line,
                    None,
                    _path_text(entry.path),
                )
                self.warnings.append(problem)

    def _problem_in(self, source: _Source, code: str, message: str, path: Path_) -> None:
        """A problem at ``path`` of ``source`` (the spec or a translation file)."""
        line = source.locator.line(path)
        self.problems.append(SpecProblem(code, message, source.file, line, None, _path_text(path)))

    def _first_at(self, first: tuple[_Source, Path_], source: _Source, path: Path_) -> str:
        """' (first on line 12)', or ' (first on line 12 of x.toml)' in another file."""
        first_source, first_path = first
        line = first_source.locator.line(first_path)
        if line is None:
            return ""
        if first_source.file != source.file:
            return f" (first on line {line} of {first_source.file})"
        return f" (first on line {line})"

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
            if isinstance(head, dict):  # the loader reads these itself (see OWN_HEAD_KEYS)
                head = {key: value for key, value in head.items() if key not in OWN_HEAD_KEYS}
            meta = self._piece(("consultation",), Metadata, head, extra=OWN_HEAD_KEYS)
            if meta is not None and self.included:
                meta = attrs.evolve(meta, include=tuple(self.included))
            if meta is not None and self.translation_names:
                meta = attrs.evolve(meta, translation_files=tuple(self.translation_names))
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
            return _structure.structure(value, cls)
        except _structure.Invalid as invalid:
            leaves = [_with_extra(leaf, extra) for leaf in _structure.flatten(invalid.error)]
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
            result = _structure.structure(repaired, cls)
        except _structure.Invalid:
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
            case ("retention", *keys):
                return "[retention]", tuple(keys)
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
            elif qid in by_id and by_id[qid].settings.get("total") is True:
                # An identifying answer is never published in any form, not even as a sum.
                self.problem(
                    "bad_publication",
                    f"[publication]: identifying lists {qid!r}, whose total = true asks for "
                    "the sum of its answers to be published; an identifying answer is never "
                    "published in any form, so remove total = true",
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

    # retention ----------------------------------------------------------------------------

    def _retention(self, meta: Metadata | None) -> Retention:
        """Structure and check ``[retention]``: each duration must read (see
        :mod:`surveykit.retention`), and the schedule must not contradict itself.

        An error where the schedule would keep what it says is deleted: raw emails or review
        items (which hold a sender's address and words) outliving the contact details.  Which
        of the two the author meant cannot be guessed, and either guess could be wrong.  A
        warning where what happens is safe but not what a reader of the table would expect.
        """
        raw = self.data.get("retention")
        if raw is None:
            return Retention()
        table = self._piece(("retention",), Retention, raw)
        if table is None:
            return Retention()
        if meta is None or not _known_zone(meta.timezone):
            return table  # without a closing instant there are no dates to compare
        dropped = self.dropped.get(("retention",), frozenset())
        written = {key for key in raw if key not in dropped}
        closes, zone = meta.closes_at, meta.zone

        def until(duration: retention.Duration | None) -> Any:
            return None if duration is None else retention.add_duration(closes, duration, zone)

        contact = until(table.contact_details)
        if "contact_details" not in dropped:
            for name in retention.IDENTIFYING:
                mine = until(getattr(table, name))
                if name in dropped or contact is None or (mine is not None and mine <= contact):
                    continue
                where = name if name in written else "contact_details"
                self.problem("bad_retention", self._outlives(table, name), ("retention", where))
        if "contact_details" in written and table.contact_details is None:
            message = (
                "[retention]: contact_details = 'never' keeps names and email addresses for "
                "ever; the law asks for personal data to be kept no longer than needed, so say "
                "how long, such as '6 months'"
            )
            self.warn("questionable_retention", message, ("retention", "contact_details"))
        if not table.anonymise and "anonymise_after" in written:
            message = (
                "[retention]: anonymise_after has no effect while anonymise is false; set "
                "anonymise = true, or remove anonymise_after"
            )
            self.warn("questionable_retention", message, ("retention", "anonymise_after"))
        if table.anonymise and "anonymise_after" not in dropped:
            anonymised = until(table.anonymise_after)
            after = retention.format_duration(table.anonymise_after)
            for name in retention.LINKING:
                mine = until(getattr(table, name))
                if name not in written or (mine is not None and mine <= anonymised):
                    continue
                message = (
                    f"[retention]: {name} = {retention.format_duration(getattr(table, name))!r} "
                    f"is cut short: anonymising, {after} after the close, removes the "
                    f"{name.replace('_', ' ')} too, which would otherwise link answers to "
                    f"people again; write {name} = {after!r} or less to say so"
                )
                self.warn("questionable_retention", message, ("retention", name))
        return table

    @staticmethod
    def _outlives(table: Retention, name: str) -> str:
        said = retention.format_duration(getattr(table, name))
        default = " (the default)" if getattr(table, name) == getattr(Retention(), name) else ""
        contact = retention.format_duration(table.contact_details)
        what = "a raw email" if name == "raw_emails" else "a review item"
        return (
            f"[retention]: {name} = {said!r}{default} keeps the {name.replace('_', ' ')} longer "
            f"than contact_details = {contact!r}, but {what} holds its sender's address, so "
            f"the contact details would not really be deleted; set {name} to {contact!r} or "
            "less, or keep contact_details as long"
        )

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


def _known_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _product_size(domains: list) -> int:
    size = 1
    for d in domains:
        size *= len(d)
    return size


@attrs.frozen(eq=False, repr=False)
class _Entry:
    """One translation as read: its language, address, where it is written."""

    lang: str
    address: str
    translation: Translation
    source: _Source
    path: Path_


#: What ``surveykit translate`` writes as a translation's ``source``.
_FINGERPRINT = re.compile(r"[0-9a-f]{8}")
#: A BCP 47 tag (RFC 5646) without extensions or private use, in its usual case: language,
#: then optionally script, region and variants, as in "cy", "en-GB", "sr-Latn-RS".
_TAG = re.compile(
    r"[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"
)


def _canonical_tag(tag: str) -> str | None:
    """``tag`` in the case BCP 47 recommends ("en-GB"), or ``None`` if it is no language tag."""
    parts = tag.strip().replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())
        else:
            out.append(part.lower())
    fixed = "-".join(out)
    return fixed if _TAG.fullmatch(fixed) else None


def _flatten_translations(
    table: dict[str, Any], path: Path_, prefix: str = ""
) -> Iterator[tuple[str, Path_, Any]]:
    """Each entry of a ``[translations.LANG]`` table: ``(address, path, value)``.

    Addresses are usually quoted keys (``"q3.text" = { ... }``); a key left unquoted
    (``q3.text = { ... }``) makes nested tables in TOML, which are read back as the same
    address.  A table is an entry when it has a ``text`` or ``source`` that is not a table.
    """
    for key, value in table.items():
        address = f"{prefix}.{translations.address_part(key)}" if prefix else key
        here = (*path, key)
        if isinstance(value, dict) and value and not _is_entry(value):
            yield from _flatten_translations(value, here, address)
        else:
            yield address, here, value


def _is_entry(value: dict[str, Any]) -> bool:
    return any(k in value and not isinstance(value[k], dict) for k in ("text", "source"))


def _translation_context(path: Path_) -> str:
    if len(path) >= 2 and path[0] == "translations":
        return f"[translations.{path[1]}]" + (
            f" {'.'.join(map(str, path[2:]))}" if path[2:] else ""
        )
    return _path_text(path) or "the file"


def _excerpt(text: str, limit: int = 60) -> str:
    """A source text as a message quotes it: on one line, and not too long."""
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 3].rstrip() + "...")


def _may_hold_controls(source: _Source) -> bool:
    """Whether a string read from ``source`` may hold a control character: only through an
    escape (a backslash) or one written as it is, both seen in the text itself in C, so that
    walking every string of a spec is spared for nearly every spec (one with a "£" too)."""
    text = source.locator.text
    return "\\" in text or first_control(text) is not None


def _controls(data: Any) -> Iterator[tuple[Path_, str]]:
    """The path of each string (or key) in ``data`` holding a control character, and which."""
    stack: list[tuple[Path_, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            found = first_control(value)
            if found is not None:
                yield path, found
        elif isinstance(value, dict):
            for key, item in value.items():
                stack.append(((*path, key), key))
                stack.append(((*path, key), item))
        elif isinstance(value, list):
            stack.extend(((*path, i), item) for i, item in enumerate(value))


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
