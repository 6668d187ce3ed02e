"""Counting for reports inside PostgreSQL: the tally as one grouped query over jsonb.

:meth:`surveykit.storage.Store.tally` is computed by one scan of the current responses with
``GROUPING SETS`` (see :func:`tally_query`); conditions are compiled to SQL below.  Only the
grouped rows, a few per authority and option, come back to Python.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from surveykit.conditions import (
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
    walk,
)
from surveykit.storage import TallyPlan, TallyRow
from surveykit.tally import ALL, ANSWERED, RESPONDENTS, SHOWN, WEEK, rank_key

__all__ = [
    "CURRENT",
    "UNIT",
    "condition_sql",
    "group_sql",
    "groups_of",
    "in_sql",
    "multiple_query",
    "positions_query",
    "tally_query",
    "tally_rows",
]

#: Each respondent's current submission joined with who they are.
CURRENT = (
    "FROM responses p "
    "JOIN submissions s ON s.respondent_id = p.respondent_id AND s.version = p.version "
    "JOIN respondents r ON r.id = p.respondent_id "
)
#: The authority unit, as :func:`surveykit.tally.unit_of` computes it.
UNIT = "CASE WHEN btrim(r.authority) = '' THEN 'id:' || r.id ELSE lower(btrim(r.authority)) END"


def in_sql(plan: TallyPlan) -> bool:
    """Whether every condition of the plan has an exact SQL twin.  Text comparisons do not:
    Python's case folding and whitespace are not PostgreSQL's, so a plan with one is counted
    by the portable counter instead, which is exact."""
    return not any(
        isinstance(node, TextEquals | TextOneOf)
        for _, condition in plan.conditions
        for node in walk(condition)
    )


def condition_sql(condition: Condition, params: list[Any]) -> str:
    """A SQL boolean (never NULL) equal to the condition on the cleaned answers ``s.answers``."""
    match condition:
        case Compare(question=q, op=op, value=DateLiteral(text=t)):
            params.extend([q, q, len(t), q, t])
            return (
                "coalesce(jsonb_typeof(s.answers->%s) = 'string' AND length(s.answers->>%s) = %s "
                f'AND (s.answers->>%s) COLLATE "C" {op} %s, false)'
            )
        case Compare(question=q, op=op, value=int() | float() as v):
            params.extend([q, q, v])
            return (
                "coalesce(jsonb_typeof(s.answers->%s) = 'number' "
                f"AND (s.answers->>%s)::numeric {op} %s, false)"
            )
        case Count(question=q, op=op, value=v):
            params.extend([q, q, v])
            return (
                "(CASE WHEN jsonb_typeof(s.answers->%s) = 'array' THEN "
                f"jsonb_array_length(s.answers->%s) ELSE 0 END {'<>' if op == '!=' else op} %s)"
            )
        case Equals(question=q, value=v):
            params.extend([q, q, v])
            return "(jsonb_typeof(s.answers->%s) = 'string' AND s.answers->>%s = %s)"
        case OneOf(question=q, values=values):
            params.extend([q, q, list(values)])
            return "(jsonb_typeof(s.answers->%s) = 'string' AND s.answers->>%s = ANY(%s))"
        case Contains(question=q, value=v):
            params.extend([q, q, v])
            return "(jsonb_typeof(s.answers->%s) = 'array' AND (s.answers->%s) ? %s)"
        case Answered(question=q):
            params.append(q)
            return "(s.answers ? %s)"
        case Not(operand=operand):
            return f"(NOT coalesce({condition_sql(operand, params)}, false))"
        case All(operands=operands):
            return "(" + " AND ".join(condition_sql(o, params) for o in operands) + ")"
        case Any_(operands=operands):
            return "(" + " OR ".join(condition_sql(o, params) for o in operands) + ")"
    raise TypeError(f"not a condition: {condition!r}")  # pragma: no cover


def _answered_sql(column: str, asked: tuple[str, frozenset[str]] | None, params: list[Any]) -> str:
    """The respondent's ``column`` (``r.role``), or their answer to the question that asks for
    it where the answer names one: :meth:`surveykit.tally.TallyPlan.group_of` in SQL."""
    if asked is None:
        return column
    qid, values = asked
    params.extend([qid, sorted(values), qid])
    return f"(CASE WHEN s.answers->>%s = ANY(%s) THEN s.answers->>%s ELSE {column} END)"


def group_sql(plan: TallyPlan, params: list[Any]) -> tuple[str, str]:
    """The role and type of authority each response is counted under, as SQL expressions
    (their parameters appended to ``params``, role first)."""
    role = _answered_sql("r.role", plan.role_answer, params)
    return role, _answered_sql("r.authority_type", plan.type_answer, params)


def groups_of(rows: list[tuple], columns: list[tuple[Any, str]]) -> dict[Any, tuple] | None:
    """Group hashes mapped back to (role, type, unit), from the rows of the set of a hashed
    :func:`tally_query` that counts everyone by group and its text; ``None`` if two groups
    share a hash (then count again with ``hashed=False``)."""
    width, at = len(columns), columns.index((None, "who"))
    found: dict[Any, str] = {}
    for row in rows:
        if row[2 + width + at] == 0 and found.setdefault(row[0], row[2 + at]) != row[2 + at]:
            return None
    return {g: tuple(text.split("\x1f", 2)) for g, text in found.items()}


#: Yes/no facts per response (a free text answered, a question shown) are packed into bits of
#: one bigint column, so they cost one grouping set instead of one each.
MASK_BITS = 62


def tally_query(
    plan: TallyPlan, *, hashed: bool = True
) -> tuple[str, list[Any], list[tuple[Any, str]]]:
    """The grouped query for a plan, its parameters, and what each counted column means.

    One scan computes, per response, a column per option question (its value), bit masks of
    the yes/no facts (which free texts it answered, which conditional questions it was shown)
    and its week; ``GROUPING SETS`` then counts every column by group (role, type and
    authority) in one pass.  Each result row belongs to one grouping set; ``columns`` lists
    ``(question, "option")``, ``(WEEK, "week")`` or ``(facts, "mask")`` with ``facts`` the
    ``(question, value)`` each bit stands for.  With ``hashed`` (the default) groups are
    grouped on a 64-bit hash of their text, and the set counting everyone carries the text
    too, as the last column ``(None, "who")``: :func:`groups_of` maps the hashes back.
    """
    params: list[Any] = []
    columns: list[tuple[Any, str]] = []
    exprs: list[str] = []
    facts: list[tuple[tuple[str, str], str, list[Any]]] = []
    for qid in plan.counted:
        if qid in plan.multiple:
            continue  # counted by multiple_query: a list expands to several values
        if qid in plan.rankings:  # by the first choice; every position by positions_query
            exprs.append(
                "(CASE WHEN jsonb_typeof(s.answers->%s) = 'array' THEN s.answers->%s->>0 END)"
            )
            params.extend([qid, qid])
            columns.append((qid, "option"))
        elif qid in plan.options or qid in plan.values:
            exprs.append("s.answers->>%s")
            params.append(qid)
            columns.append((qid, "option"))
        else:
            facts.append(
                ((qid, ANSWERED), "(s.answers ? %s AND s.answers->%s <> 'null'::jsonb)", [qid, qid])
            )
    for qid, condition in plan.conditions:
        own: list[Any] = []
        facts.append(((qid, SHOWN), condition_sql(condition, own), own))
    for start in range(0, len(facts), MASK_BITS):
        chunk = facts[start : start + MASK_BITS]
        parts = []
        for bit, (_, sql, own) in enumerate(chunk):
            parts.append(f"(CASE WHEN {sql} THEN {1 << bit}::bigint ELSE 0 END)")
            params.extend(own)
        exprs.append(" | ".join(parts))
        columns.append((tuple(fact for fact, _, _ in chunk), "mask"))
    exprs.append("to_char(date_trunc('week', s.received_at AT TIME ZONE %s), 'YYYY-MM-DD')")
    params.append(plan.timezone)
    columns.append((WEEK, "week"))
    grouping: list[Any] = []
    role, kind = group_sql(plan, grouping)
    who = f"{role} || chr(31) || {kind} || chr(31) || ({UNIT})"
    # In statement order: the hashed form computes the group inside, the plain one first.
    params = [*params, *grouping] if hashed else [*grouping, *params]
    params.append(plan.consultation)
    if hashed:
        # The group's text rides along in the set that counts everyone, so the hashes are
        # mapped back from this one scan's result.
        exprs.append("w")
        columns.append((None, "who"))
    names = [f"c{i}" for i in range(len(exprs))]
    inner = ", ".join(f"{e} AS {n}" for e, n in zip(exprs, names, strict=True))
    flags = ", ".join(f"GROUPING({n})" for n in names)
    sets = ", ".join(f"(g, {n})" for n in names)
    if hashed:
        rows = (
            f"SELECT hashtextextended(w, 0) AS g, {inner} FROM ("
            f"SELECT {who} AS w, s.answers, s.received_at {CURRENT}WHERE p.consultation = %s) s"
        )
    else:
        rows = f"SELECT {who} AS g, {inner} {CURRENT}WHERE p.consultation = %s"
        sets = f"(g), {sets}"
    sql = (
        f"SELECT g, count(*), {', '.join(names)}, {flags} FROM ({rows}) t "
        f"GROUP BY GROUPING SETS ({sets})"
    )
    return sql, params, columns


def multiple_query(plan: TallyPlan) -> tuple[str, list[Any]]:
    """Counts for multi-answer questions: one row per chosen option, plus one per response."""
    multiple = sorted(plan.multiple)
    params: list[Any] = []
    role, kind = group_sql(plan, params)
    sql = (
        f"SELECT e.key, v.v, {role}, {kind}, {UNIT}, count(*) {CURRENT}"
        "CROSS JOIN LATERAL jsonb_each(s.answers) e CROSS JOIN LATERAL ("
        "SELECT jsonb_array_elements_text(e.value) WHERE jsonb_typeof(e.value) = 'array' "
        f"UNION ALL SELECT '{RESPONDENTS}' WHERE jsonb_typeof(e.value) = 'array' "
        "UNION ALL SELECT e.value #>> '{}' WHERE jsonb_typeof(e.value) NOT IN ('array', 'null')"
        ") v(v) WHERE p.consultation = %s AND e.key = ANY(%s) GROUP BY 1, 2, 3, 4, 5"
    )
    return sql, [*params, plan.consultation, multiple]


#: What :func:`~surveykit.tally.rank_key` puts between a ranking's id and a position.
_RANK = rank_key("", 0)[:-1]


def positions_query(plan: TallyPlan) -> tuple[str, list[Any]]:
    """Counts of rankings by position: one row per option ranked at each position, under the
    pseudo-question :func:`~surveykit.tally.rank_key` (the position counted from 1)."""
    names = [q for q, _ in plan.positions]
    most = [n for _, n in plan.positions]
    params: list[Any] = []
    role, kind = group_sql(plan, params)
    sql = (
        f"SELECT e.key || '{_RANK}' || v.n, v.v, {role}, {kind}, {UNIT}, count(*) "
        f"{CURRENT}CROSS JOIN LATERAL jsonb_each(s.answers) e "
        "JOIN unnest(%s::text[], %s::int[]) AS rk(q, most) ON rk.q = e.key "
        "CROSS JOIN LATERAL jsonb_array_elements_text("
        "CASE WHEN jsonb_typeof(e.value) = 'array' THEN e.value ELSE '[]'::jsonb END"
        ") WITH ORDINALITY AS v(v, n) "
        "WHERE p.consultation = %s AND v.n <= rk.most GROUP BY 1, 2, 3, 4, 5"
    )
    return sql, [*params, names, most, plan.consultation]


def tally_rows(
    rows: list[tuple],
    columns: list[tuple[Any, str]],
    groups: dict[Any, tuple[str, str, str]] | None = None,
) -> Iterator[TallyRow]:
    """Turn the grouping-set rows of :func:`tally_query` into tally rows.

    ``groups`` maps group hashes back to (role, type, unit); without it each group key is the
    three joined by a unit separator (which no role, type or name contains).
    """
    width = len(columns)
    facts: Counter[tuple[str, str, str, str, str]] = Counter()
    for row in rows:
        g, n = row[:2]
        role, kind, unit = groups[g] if groups is not None else g.split("\x1f", 2)
        values, flags = row[2 : 2 + width], row[2 + width :]
        if all(flags):
            yield TallyRow(ALL, ALL, role, kind, unit, n)
            continue
        i = flags.index(0)
        what, how = columns[i]
        value = values[i]
        if how == "who":  # the set counting everyone, by group and its text
            yield TallyRow(ALL, ALL, role, kind, unit, n)
        elif how == "option" and value is not None:
            yield TallyRow(what, value, role, kind, unit, n)
        elif how == "mask":  # many masks add to one fact: summed below
            for bit, (qid, fact) in enumerate(what):
                if value >> bit & 1:
                    facts[(qid, fact, role, kind, unit)] += n
        elif how == "week":
            yield TallyRow(WEEK, value, role, kind, unit, n)
    for key, n in facts.items():
        yield TallyRow(*key, n)
