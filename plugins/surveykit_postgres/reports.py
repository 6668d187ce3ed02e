"""Counting for reports inside PostgreSQL: the tally as one grouped query over jsonb.

:meth:`surveykit.storage.Store.tally` is computed by one scan of the current responses with
``GROUPING SETS`` (see :func:`tally_query`); conditions are compiled to SQL below.  Only the
grouped rows, a few per authority and option, come back to Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from surveykit.conditions import All, Answered, Any_, Condition, Contains, Equals, Not, OneOf
from surveykit.storage import TallyPlan, TallyRow
from surveykit.tally import ALL, ANSWERED, RESPONDENTS, SHOWN, WEEK

__all__ = ["CURRENT", "UNIT", "condition_sql", "multiple_query", "tally_query", "tally_rows"]

#: Each respondent's current submission joined with who they are.
CURRENT = (
    "FROM responses p "
    "JOIN submissions s ON s.respondent_id = p.respondent_id AND s.version = p.version "
    "JOIN respondents r ON r.id = p.respondent_id "
)
#: The authority unit, as :func:`surveykit.tally.unit_of` computes it.
UNIT = "CASE WHEN btrim(r.authority) = '' THEN 'id:' || r.id ELSE lower(btrim(r.authority)) END"


def condition_sql(condition: Condition, params: list[Any]) -> str:
    """A SQL boolean (never NULL) equal to the condition on the cleaned answers ``s.answers``."""
    match condition:
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


def tally_query(plan: TallyPlan) -> tuple[str, list[Any], list[tuple[str, str]]]:
    """The grouped query for a plan, its parameters, and what each counted column means.

    One scan computes, per response, a column per counted question (its option value, or
    whether a free text was answered), per conditional question (whether it was shown) and the
    week; ``GROUPING SETS`` then counts every column by role, type and authority in one pass
    (hash tables side by side).  Each result row belongs to one grouping set; the columns list
    ``(question, kind)`` in order, ``kind`` one of ``option``, ``text``, ``shown``, ``week``.
    """
    params: list[Any] = []
    columns: list[tuple[str, str]] = []
    exprs: list[str] = []
    for qid in plan.counted:
        if qid in plan.multiple:
            continue  # counted by multiple_query: a list expands to several values
        if qid in plan.options:
            exprs.append("s.answers->>%s")
            columns.append((qid, "option"))
        else:
            exprs.append("(s.answers ? %s AND s.answers->%s <> 'null'::jsonb)")
            params.append(qid)
            columns.append((qid, "text"))
        params.append(qid)
    for qid, condition in plan.conditions:
        exprs.append(condition_sql(condition, params))
        columns.append((qid, "shown"))
    exprs.append("to_char(date_trunc('week', s.received_at AT TIME ZONE %s), 'YYYY-MM-DD')")
    params.append(plan.timezone)
    columns.append((WEEK, "week"))
    params.append(plan.consultation)
    names = [f"c{i}" for i in range(len(exprs))]
    inner = ", ".join(f"{e} AS {n}" for e, n in zip(exprs, names, strict=True))
    sets = ", ".join(f"(role, kind, unit, {n})" for n in names)
    flags = ", ".join(f"GROUPING({n})" for n in names)
    sql = (
        f"SELECT role, kind, unit, count(*), {', '.join(names)}, {flags} FROM ("
        f"SELECT r.role AS role, r.authority_type AS kind, {UNIT} AS unit, {inner} "
        f"{CURRENT}WHERE p.consultation = %s) t "
        f"GROUP BY GROUPING SETS ((role, kind, unit), {sets})"
    )
    return sql, params, columns


def multiple_query(plan: TallyPlan) -> tuple[str, list[Any]]:
    """Counts for multi-answer questions: one row per chosen option, plus one per response."""
    multiple = sorted(plan.multiple)
    sql = (
        f"SELECT e.key, v.v, r.role, r.authority_type, {UNIT}, count(*) {CURRENT}"
        "CROSS JOIN LATERAL jsonb_each(s.answers) e CROSS JOIN LATERAL ("
        "SELECT jsonb_array_elements_text(e.value) WHERE jsonb_typeof(e.value) = 'array' "
        f"UNION ALL SELECT '{RESPONDENTS}' WHERE jsonb_typeof(e.value) = 'array' "
        "UNION ALL SELECT e.value #>> '{}' WHERE jsonb_typeof(e.value) NOT IN ('array', 'null')"
        ") v(v) WHERE p.consultation = %s AND e.key = ANY(%s) GROUP BY 1, 2, 3, 4, 5"
    )
    return sql, [plan.consultation, multiple]


def tally_rows(plan: TallyPlan, rows: list[tuple], columns: list[tuple[str, str]]) -> Iterator:
    """Turn the grouping-set rows of :func:`tally_query` into tally rows."""
    width = len(columns)
    for row in rows:
        role, kind, unit, n = row[:4]
        values, flags = row[4 : 4 + width], row[4 + width :]
        if all(flags):
            yield TallyRow(ALL, ALL, role, kind, unit, n)
            continue
        i = flags.index(0)
        qid, what = columns[i]
        value = values[i]
        if what == "option" and value is not None:
            yield TallyRow(qid, value, role, kind, unit, n)
        elif what == "text" and value:
            yield TallyRow(qid, ANSWERED, role, kind, unit, n)
        elif what == "shown" and value:
            yield TallyRow(qid, SHOWN, role, kind, unit, n)
        elif what == "week":
            yield TallyRow(WEEK, value, role, kind, unit, n)
