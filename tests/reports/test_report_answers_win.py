"""Reports count a respondent by what they answered, not by what the roster said of them.

The roster fills in About you (role, type of authority, authority) for the people it lists, and
they may correct it (:mod:`surveykit.known`).  Where both exist, the submitted answer wins:
in the question's own table, and in every breakdown by role or type of authority.  Coverage
stays what it says it is: who on the roster responded, by the roster's own groups.  The same on
every store, since PostgreSQL counts in SQL and the others in Python.
"""

from __future__ import annotations

import datetime as dt

import pytest
from reportdata import SPEC

from surveykit import SubmitService
from surveykit.identity import Respondent, Secret, Token
from surveykit.storage import Grant, open_store
from surveykit_reports.build import build_report

DURING = dt.datetime(2015, 2, 20, 12, tzinfo=dt.UTC)
SECRET = Secret.generate()


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store(request):
    if request.param == "memory":
        opened = open_store("memory://")
    elif request.param == "sqlite":
        opened = request.getfixturevalue("sqlite_factory")()
    else:
        opened = request.getfixturevalue("postgres_factory")()
    with opened:
        yield opened


def _respond(store, who: Respondent, answers: dict[str, str]) -> None:
    token = Token.new()
    store.grant([Grant(who, SECRET.hash(token), DURING)])
    service = SubmitService(SPEC, store, SECRET, clock=lambda: DURING)
    service.submit(token.value, answers, channel="web")


def _column(table, row: str) -> dict[str, int | None]:
    """The counts in one row of a cross-tab, by column value."""
    i = next(n for n, h in enumerate(table.rows) if h.value == row)
    return {h.value: cell.count for h, cell in zip(table.columns, table.cells[i], strict=True)}


def test_a_corrected_role_and_type_are_what_reports_count(store):
    """Ada is a county leader on the roster and answers that she is a unitary council's chief
    executive: her answer to question 13 is counted there, in every breakdown; a self-service
    respondent (recorded as "other") is counted by the role they gave too."""
    for n in range(3):
        leader = Respondent("taking-stock", f"Shire {n} County Council", "county", "leader")
        _respond(store, leader, {"q13": "yes", "consent": "no_quote"})
    ada = Respondent("taking-stock", "Kent County Council", "county", "leader", name="Ada")
    _respond(
        store,
        ada,
        {
            "role": "chief_executive",
            "authority_type": "unitary",
            "q13": "no",
            "consent": "no_quote",
        },
    )
    visitor = Respondent("taking-stock", "Borsetshire", "district", "other", origin="self_service")
    _respond(
        store,
        visitor,
        {
            "role": "leader",
            "authority_type": "district",
            "authority": "Borsetshire",
            "q13": "dont_know",
            "consent": "no_quote",
        },
    )
    assert store.response(ada.id).answers["role"] == "chief_executive"
    report = build_report(SPEC, store, internal=True)
    tables = {t.id: t for t in report.tables}
    role = _column(tables["role"], "chief_executive")
    assert role == {"_all": 1}
    by_role = tables["q13-by-role"]
    assert _column(by_role, "no") == {"leader": 0, "chief_executive": 1, "other": 0}
    assert _column(by_role, "dont_know") == {"leader": 1, "chief_executive": 0, "other": 0}
    assert _column(by_role, "yes") == {"leader": 3, "chief_executive": 0, "other": 0}
    by_type = _column(tables["q13-by-authority_type"], "no")
    assert (by_type["unitary"], by_type["county"]) == (1, 0)
    coverage = next(t for t in report.coverage if t.id == "coverage-roles")
    leaders = next(i for i, h in enumerate(coverage.rows) if h.value == "leader")
    assert coverage.row_totals[leaders].count == 4  # the roster's leaders, Ada among them
