"""Compile a consultation's check into one straight-line Python function.

The engine's per-record path is the hottest code in surveykit: every submission, every import and
every report runs it.  Interpreting conditions and looping over question records costs several
times what the work itself does, so, like attrs generating ``__init__``, we generate the source of
one function per consultation and compile it.

Safety: the generated source contains only names we make up from integers (``a3``, ``k3``,
``s0``...) and fixed keywords.  Every value that comes from a spec (question ids, option values,
checkers, prepared problems) is passed in through the function's namespace, never written into
the source, so no spec text can change what the code does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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
    render,
)
from .errors import AnswerProblem
from .kinds import EMPTY, Rejected

CheckFunction = Callable[[Mapping[str, Any]], tuple[dict[str, Any], list[AnswerProblem]]]


class _Namespace:
    """Constants handed to the generated function, each under a fresh name."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self._ids: dict[tuple[type, Any], str] = {}

    def name(self, value: Any, prefix: str = "s") -> str:
        key = (type(value), value) if _hashable(value) else (type(value), id(value))
        if key not in self._ids:
            self._ids[key] = f"{prefix}{len(self._ids)}"
            self.values[self._ids[key]] = value
        return self._ids[key]


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


#: Operators as written into the generated source: a fixed table, never the spec's text.
_OPERATORS = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def _expression(condition: Condition, slots: Mapping[str, str], ns: _Namespace) -> str:
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
            norm = ns.name(normalise_text, "n")
            return f"({slot}.__class__ is str and {norm}({slot}) == {ns.name(v)})"
        case TextOneOf(question=q, values=values):
            slot = slots[q]
            norm, texts = ns.name(normalise_text, "n"), ns.name(frozenset(values))
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
    ns = _Namespace()
    slots = {qid: f"a{i}" for i, qid in enumerate(question_ids)}
    lines = [
        "def check(answers):",
        "    clean = {}",
        "    problems = []",
        "    get = answers.get",
    ]
    for i, qid in enumerate(question_ids):
        key, checker = ns.name(qid, "k"), ns.name(checkers[i], "c")
        if guards[i] is None:
            controls = []
        else:
            guard = ns.name(guards[i], "g")
            # The guard is called only for text that may hold a control character, decided here
            # in C without a call: a short text is printable, or a long one is ASCII without
            # any refused byte (see characters.may_hold_control).
            controls = [
                "    elif (",
                f"        (not printable(v) if len(v) <= {SHORT}"
                " else not v.isascii() or 0 in v.encode().translate(mark))",
                "        if v.__class__ is str",
                "        else v.__class__ is not int",
                f"    ) and (p := {guard}(v)) is not None:",
                "        problems.append(p)",
                f"        v = clean[{key}] = answers[{key}]",
            ]
        missing = f"problems.append({ns.name(required[i], 'r')})" if required[i] else "pass"
        accepts = getattr(checkers[i], "accepts", None)
        body = [f"v = get({key}, EMPTY)", "if v is EMPTY:", f"    {missing}"]
        if accepts:
            # Values the checker would return unchanged skip the call: the common case.
            body += [f"elif v.__class__ is str and v in {ns.name(frozenset(accepts), 'f')}:"]
            body += [f"    clean[{key}] = v"]
        body += [
            "else:",
            f"    v = {checker}(v)",
            "    if v is EMPTY:",
            f"        {missing}",
            "    elif v.__class__ is Rejected:",
            f"        problems.append(AnswerProblem({key}, v.code, v.message, v.template, "
            "v.params, v.domain, v.plural))",
            f"        v = clean[{key}] = answers[{key}]",
            *controls,
            "    else:",
            f"        clean[{key}] = v",
            f"a{i} = v",
        ]
        condition = conditions[i]
        if condition is None:
            lines += [f"    {line}" for line in body]
        else:
            lines.append(f"    a{i} = EMPTY")
            lines.append(f"    if {_expression(condition, slots, ns)}:")
            lines += [f"        {line}" for line in body]
    lines += [
        "    if not answers.keys() <= known:",
        "        problems.extend(unknown(k) for k in answers if k not in known)",
        "    return clean, problems",
    ]
    namespace: dict[str, Any] = {
        "EMPTY": EMPTY,
        "Rejected": Rejected,
        "AnswerProblem": AnswerProblem,
        "mark": MARK,
        "printable": str.isprintable,
        "known": known_ids,
        "unknown": unknown_problem,
        **ns.values,
    }
    code = compile("\n".join(lines), f"<surveykit check of {len(question_ids)} questions>", "exec")
    exec(code, namespace)  # source built only from generated names: see the module docstring
    return namespace["check"]
