"""Compile a consultation's check into one straight-line Python function.

The engine's per-record path is the hottest code in surveykit: every submission, every import and
every report runs it.  Interpreting conditions and looping over question records costs several
times what the work itself does, so, like attrs generating ``__init__``, we generate the source of
one function per consultation and compile it.

Safety: the generated source contains only local names we make up (``a3``, ``v``), fixed
keywords, and placeholder numbers.  Every value, whether from a spec (question ids, option
values, checkers, prepared problems) or our own (``EMPTY``, ``str``), is swapped in for its
placeholder among the compiled code's constants, never written into the source, so no spec text
can change what the code does.  The function runs with no builtins: it can reach nothing it was
not handed.

Speed with the size of the spec: each question's common case (an option value, or text already
trimmed) is a few small instructions, and its rare ends are one call to :func:`_settle`;
constants load as constants, not as globals with caches of their own; and an answer that later
conditions read lives in a local reused once the last of them has read it.  At 5,000 questions
the bytecode is about 1.2 MB: it fits the processor's second-level cache, not its first, and
checking costs about 1.3 times as much per answer as at 200, as a bare dictionary lookup of
each answer does on the same records (docs/engine.md).

The placeholders rely on CPython compiling a large integer literal as a constant of its own, and
folding a tuple of them into one constant tuple (handled by :meth:`_Constants.bind`); a test
holds that no placeholder survives binding.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from types import CodeType
from typing import Any

from .characters import MARK, SHORT
from .conditions import (
    All,
    Answered,
    Any_,
    Compare,
    Condition,
    Contains,
    Count,
    DateLiteral,
    Equals,
    Not,
    OneOf,
    TextEquals,
    TextOneOf,
    normalise_text,
    references,
    render,
)
from .errors import AnswerProblem
from .kinds import EMPTY, Rejected

CheckFunction = Callable[[Mapping[str, Any]], tuple[dict[str, Any], list[AnswerProblem]]]


class _Constants:
    """The values handed to the generated function, each written in its source as a placeholder.

    A placeholder is a number far above any the generator writes itself; once compiled, each is
    swapped for its value among the code's constants.  Loading a constant is one two-byte
    instruction, where a global name carries a ten-byte cache in the bytecode and an entry in a
    dictionary of thousands: at 5,000 questions that difference decides whether the function
    fits the processor's cache.
    """

    BASE = 1 << 62

    def __init__(self) -> None:
        self.values: dict[int, Any] = {}
        self._numbers: dict[tuple[type, Any], int] = {}

    def name(self, value: Any) -> str:
        """The placeholder standing for ``value`` (equal hashable values share one)."""
        key = (type(value), value) if _hashable(value) else (type(value), id(value))
        if key not in self._numbers:
            self._numbers[key] = self.BASE + len(self._numbers)
            self.values[self._numbers[key]] = value
        return str(self._numbers[key])

    def fixed(self, source: str) -> str:
        """``source`` with each of :data:`_FIXED`'s readable names swapped for its placeholder."""
        return _fixed_name().sub(lambda found: self.name(_FIXED[found.group()]), source)

    def bind(self, code: CodeType) -> CodeType:
        """``code`` with each placeholder replaced by its value, in nested code too."""
        return code.replace(co_consts=tuple(map(self._value, code.co_consts)))

    def _value(self, constant: Any) -> Any:
        if constant.__class__ is int:
            return self.values.get(constant, constant)
        if constant.__class__ is tuple:  # the compiler folds "(a, b)" of placeholders into one
            return tuple(map(self._value, constant))
        if isinstance(constant, CodeType):
            return self.bind(constant)
        return constant


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


#: Operators as written into the generated source: a fixed table, never the spec's text.
_OPERATORS = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def _expression(condition: Condition, slots: Mapping[str, str], ns: _Constants) -> str:
    """Python source for a condition over the local answer slots (``EMPTY`` when absent)."""
    match condition:
        case Equals(question=q, value=v):
            return f"({slots[q]} == {ns.name(v)})"
        case OneOf(question=q, values=values):
            # A tuple compares with ==, so an unhashable (invalid) answer cannot raise.
            return f"({slots[q]} in {ns.name(tuple(values))})"
        case Contains(question=q, value=v):
            slot = slots[q]
            return f"({slot}.__class__ is list and {ns.name(v)} in {slot})"
        case Answered(question=q):
            return f"({slots[q]} is not EMPTY)"
        case TextEquals(question=q, value=v):
            slot = slots[q]
            norm = ns.name(normalise_text)
            return f"({slot}.__class__ is str and {norm}({slot}) == {ns.name(v)})"
        case TextOneOf(question=q, values=values):
            slot = slots[q]
            norm, texts = ns.name(normalise_text), ns.name(frozenset(values))
            return f"({slot}.__class__ is str and {norm}({slot}) in {texts})"
        case Compare(question=q, op=op, value=DateLiteral(text=t)):
            # ISO text of one precision sorts as its dates do; another precision never matches.
            slot = slots[q]
            return (
                f"({slot}.__class__ is str and len({slot}) == {len(t)}"
                f" and {slot} {_OPERATORS[op]} {ns.name(t)})"
            )
        case Compare(question=q, op=op, value=int() | float() as v):
            slot = slots[q]
            return (
                f"(({slot}.__class__ is int or {slot}.__class__ is float)"
                f" and {slot} {_OPERATORS[op]} {ns.name(v)})"
            )
        case Compare():
            raise TypeError(f"{render(condition)} compares quoted text in order; bind it first")
        case Count(question=q, op=op, value=v):
            slot = slots[q]
            return (
                f"((len({slot}) if {slot}.__class__ is list else 0) {_OPERATORS[op]} {ns.name(v)})"
            )
        case Not(operand=operand):
            return f"(not {_expression(operand, slots, ns)})"
        case All(operands=operands):
            return "(" + " and ".join(_expression(o, slots, ns) for o in operands) + ")"
        case Any_(operands=operands):
            return "(" + " or ".join(_expression(o, slots, ns) for o in operands) + ")"
    raise TypeError(f"not a condition: {condition!r}")  # pragma: no cover


def _slots(question_ids: Sequence[str], conditions: Sequence[Condition | None]) -> dict[str, str]:
    """Local variable names for the answers later conditions read, each name reused once its
    answer has been read for the last time.

    A chained spec of thousands of questions then needs a handful of locals, not one per
    question: the function's frame stays small enough to live in the processor's cache.
    """
    last_read: dict[str, int] = {}
    for i, condition in enumerate(conditions):
        if condition is not None:
            for ref in references(condition):
                last_read[ref] = i
    slots: dict[str, str] = {}
    free: list[str] = []
    releases: dict[int, list[str]] = {}
    made = 0
    for i, qid in enumerate(question_ids):
        free += releases.pop(i, ())
        if qid in last_read:
            if not free:
                free.append(f"a{made}")
                made += 1
            slots[qid] = free.pop()
            releases.setdefault(last_read[qid], []).append(slots[qid])
    return slots


def _settle(
    key: str,
    value: Any,
    guard: Callable[[Any], AnswerProblem | None] | None,
    answers: Mapping[str, Any],
    clean: dict[str, Any],
    problems: list[AnswerProblem],
) -> Any:
    """The uncommon ends of one answer's check, kept out of the generated function so that each
    question's code stays short: a checker's ``EMPTY`` or ``Rejected``, and the guard's closer
    look at text that may hold a control character.  Returns the answer as later conditions
    see it."""
    if value is EMPTY:
        return EMPTY
    if value.__class__ is Rejected:
        problems.append(value.problem(key))
    elif guard is None or value.__class__ is int or (problem := guard(value)) is None:
        clean[key] = value
        return value
    else:
        problems.append(problem)
    value = clean[key] = answers[key]
    return value


def _answer_code(
    key: str,
    checker: Callable[[Any], Any],
    guard: Callable[[Any], AnswerProblem | None] | None,
    required: AnswerProblem | None,
    ns: _Constants,
) -> list[str]:
    """Source lines checking one answer into ``clean`` and leaving it in ``v``."""
    check, guard_name = ns.name(checker), "None" if guard is None else ns.name(guard)

    def settle(value: str) -> str:
        return f"settle({key}, {value}, {guard_name}, answers, clean, problems)"

    # Text certainly free of control characters, decided in C without a call: a short text is
    # printable, or a long one is ASCII without any refused byte (see
    # characters.may_hold_control); anything else is settled by the guard.
    control_free = (
        f"(printable(v) if len(v) <= {SHORT}"
        " else v.isascii() and 0 not in v.encode().translate(mark))"
    )
    # Answers the checker would return unchanged skip the call: the common case.
    accepts = getattr(checker, "accepts", None)
    keeps = getattr(checker, "keeps_text_up_to", None)
    if accepts:
        unchanged = f"v in {ns.name(frozenset(accepts))}"
    elif keeps.__class__ is int and keeps > 0:
        unchanged = f"0 < len(v) <= {ns.name(keeps)} and v.strip() == v"
        if guard is not None:
            unchanged += f" and {control_free}"
    else:
        unchanged = None
    lines = [f"v = get({key}, EMPTY)"]
    if unchanged:
        # Everything else is rare: one call, so that each question's code stays short.
        lines += [
            f"if v.__class__ is str and {unchanged}:",
            f"    clean[{key}] = v",
            "elif v is not EMPTY:",
            f"    v = check_settle({key}, v, {check}, {guard_name}, answers, clean, problems)",
        ]
    elif guard is None:
        lines += [
            "if v is not EMPTY:",
            f"    v = {check}(v)",
            "    if v is EMPTY or v.__class__ is Rejected:",
            f"        v = {settle('v')}",
            "    else:",
            f"        clean[{key}] = v",
        ]
    else:
        lines += [
            "if v is not EMPTY:",
            f"    v = {check}(v)",
            # A number holds no text; anything else is for the guard.
            f"    if v.__class__ is str and {control_free} or v.__class__ in (int, float):",
            f"        clean[{key}] = v",
            "    else:",
            f"        v = {settle('v')}",
        ]
    if required is not None:
        lines += ["if v is EMPTY:", f"    problems.append({ns.name(required)})"]
    return lines


def _check_settle(
    key: str,
    value: Any,
    checker: Callable[[Any], Any],
    guard: Callable[[Any], AnswerProblem | None] | None,
    answers: Mapping[str, Any],
    clean: dict[str, Any],
    problems: list[AnswerProblem],
) -> Any:
    """:func:`_settle` of what the checker makes of ``value``: for an answer the generated
    code did not keep as it is, in one call rather than two written out per question."""
    return _settle(key, checker(value), guard, answers, clean, problems)


#: The fixed values the generated source names readably, each made a constant by
#: :meth:`_Constants.fixed` (a name after a dot is an attribute, and left alone).
_FIXED: dict[str, Any] = {
    "EMPTY": EMPTY,
    "Rejected": Rejected,
    "settle": _settle,
    "check_settle": _check_settle,
    "printable": str.isprintable,
    "mark": MARK,
    "str": str,
    "int": int,
    "float": float,
    "list": list,
    "len": len,
}


@functools.cache
def _fixed_name() -> re.Pattern[str]:
    """A readable fixed name in generated source; made on first use, so that loading a spec to
    validate or show it, which never compiles a check, does not pay for it."""
    return re.compile(r"(?<![.\w])(?:" + "|".join(_FIXED) + r")\b")


def compile_check(
    question_ids: Sequence[str],
    conditions: Sequence[Condition | None],
    checkers: Sequence[Callable[[Any], Any]],
    required: Sequence[AnswerProblem | None],
    guards: Sequence[Callable[[Any], AnswerProblem | None] | None],
    known_ids: frozenset[str],
    unknown_problem: Callable[[object], AnswerProblem],
) -> CheckFunction:
    """Generate ``check(answers) -> (clean, problems)`` for questions in spec order.

    ``guards[i]`` gives the problem with a checked answer holding a control character (``None``
    where the checker vouches for its results); it is not called for clean text.
    """
    ns = _Constants()
    slots = _slots(question_ids, conditions)
    lines = [
        "def check(answers):",
        "    clean = {}",
        "    problems = []",
        "    get = answers.get",
    ]
    # Fresh copies of the ids, made one after another, sit together in memory: the cleaned dict
    # reads each key's hash every time it grows, and at thousands of questions the spec's own
    # strings, scattered among everything else the loader made, fall out of the cache.
    keys = [
        qid.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")
        for qid in question_ids
    ]
    for i, qid in enumerate(question_ids):
        body = _answer_code(ns.name(keys[i]), checkers[i], guards[i], required[i], ns)
        slot = slots.get(qid)
        if slot is not None:
            body.append(f"{slot} = v")
        condition = conditions[i]
        if condition is None:
            lines += [f"    {line}" for line in body]
        else:
            lines.append(f"    if {_expression(condition, slots, ns)}:")
            lines += [f"        {line}" for line in body]
            if slot is not None:
                lines += ["    else:", f"        {slot} = EMPTY"]
    known, unknown = ns.name(known_ids), ns.name(unknown_problem)
    lines += [
        f"    if not answers.keys() <= {known}:",
        f"        problems.extend({unknown}(k) for k in answers if k not in {known})",
        "    return clean, problems",
    ]
    source = ns.fixed("\n".join(lines))
    with warnings.catch_warnings():
        # A placeholder called or compared with "is" draws a warning meant for literals.
        warnings.simplefilter("ignore", SyntaxWarning)
        code = compile(source, f"<surveykit check of {len(question_ids)} questions>", "exec")
    namespace: dict[str, Any] = {"__builtins__": {}}
    exec(ns.bind(code), namespace)  # source built only from generated names: see above
    return namespace["check"]
