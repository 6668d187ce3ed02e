"""Sensitive questions: a higher threshold, no cross-tabs, never quoted."""

from __future__ import annotations

from surveykit_reports.disclosure import Count, RawTable, Tabulation, protect_all
from surveykit_reports.model import Heading

ALL = ("_all", "_all", "", "")


def _table(counts: dict[str, int], threshold: int | None) -> RawTable:
    rows = tuple(Heading(v, v) for v in counts)
    cells = tuple((Count(n, n, ("eq_sex", v, "", "")),) for v, n in counts.items())
    total = Count(sum(counts.values()), sum(counts.values()), ALL, fixed=True)
    return RawTable(
        id="eq_sex",
        title="Sex",
        aggregator="counts",
        row_label="Answer",
        column_label="",
        rows=rows,
        columns=(Heading("_all", "Responses"),),
        cells=cells,
        row_totals=tuple(c[0] for c in cells),
        column_totals=(total,),
        grand_total=total,
        question="eq_sex",
        groups="columns",
        answers=tuple(counts),
        threshold=threshold,
        protect_changes=True,
    )


def test_a_sensitive_figure_below_ten_is_suppressed_where_an_ordinary_one_is_not():
    counts = {"female": 31, "male": 26, "prefer_not_to_say": 7, "_not_answered": 12}
    [ordinary], _ = protect_all([_table(counts, None)], 5)
    assert ordinary.cell("prefer_not_to_say", "_all").count == 7
    [sensitive], tab = protect_all([_table(counts, 10)], 5)
    assert sensitive.cell("prefer_not_to_say", "_all").count is None
    assert sensitive.grand_total.count == 76  # the number of responses is still published
    # Never the only hidden figure on its line: another is hidden with it.
    assert sum(c.count is None for row in sensitive.cells for c in row) >= 2
    # The next release is protected at the same threshold: it is kept with the release.
    again = Tabulation.from_json(tab.to_json())
    assert again.k_of(("eq_sex", "prefer_not_to_say", "", "")) == 10
    assert again.k_of(ALL) == 5


def test_a_change_of_fewer_than_ten_in_a_sensitive_figure_stays_hidden():
    first = {"female": 40, "male": 40, "prefer_not_to_say": 20, "_not_answered": 20}
    [_], tab = protect_all([_table(first, 10)], 5)
    later = {**first, "female": 46}
    # Six more said "female": at k = 5 a change of six may be published, at ten it may not.
    [table], _ = protect_all([_table(later, None)], 5, earlier=[_plain(first)])
    assert table.cell("female", "_all").count == 46
    [table], _ = protect_all([_table(later, 10)], 5, earlier=[tab])
    assert table.cell("female", "_all").count is None


def _plain(counts: dict[str, int]) -> Tabulation:
    [_], tab = protect_all([_table(counts, None)], 5)
    return tab
