"""A report in several languages: which ones were asked for, and proof their figures agree.

A report in Welsh is built like the English one, with the Welsh words (:mod:`.words`); since
counting and disclosure control read only ids and option values, the two have the same figures.
:func:`together` still checks that, figure by figure, before a bilingual report goes out: a
mismatch would be a bug, and a report whose two languages disagree must never be published.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from attrs import evolve

from surveykit import Consultation
from surveykit.i18n import known_languages
from surveykit.plugins import Plugins, get_plugins
from surveykit.translations import language_name

from .build import ReportError
from .model import Report, Table

__all__ = ["BOTH", "figures", "parse_languages", "together", "untranslated"]

#: ``--lang both``: Welsh first, then English, as the Welsh Language Standards ask of a
#: bilingual document.
BOTH = ("cy", "en")


def parse_languages(
    asked: str | None, consultation: Consultation, plugins: Plugins | None = None
) -> tuple[str, ...]:
    """The languages of ``--lang``: one tag, ``both``, or tags separated by commas (the first
    is the page's own); the spec's own language when not given.  A language neither the spec
    nor any catalogue knows is refused in one line."""
    if asked is None or not asked.strip():
        return (consultation.text_language,)
    if asked.strip().lower() == "both":
        tags: tuple[str, ...] = BOTH
    else:
        tags = tuple(dict.fromkeys(t.strip() for t in asked.split(",") if t.strip()))
    known = set(known_languages(plugins or get_plugins())) | set(consultation.languages)
    for tag in tags:
        if tag not in known:
            offered = ", ".join(sorted(known))
            msg = (
                f"no report can be written in {language_name(tag)}: neither the spec nor any "
                f"message catalogue has it (languages known: {offered})"
            )
            raise ReportError(msg)
    return tags


def untranslated(consultation: Consultation, languages: Sequence[str]) -> tuple[str, ...]:
    """The languages asked for that the spec does not translate its own texts into: its
    questions and options show as written there (the report's own words are translated)."""
    return tuple(lang for lang in languages if lang not in consultation.languages)


def figures(report: Report) -> dict[str, Any]:
    """Everything in ``report`` that is not words: ids, values, counts, suppression,
    percentages, summary figures, quotes.  Equal for the same report in any two languages."""
    return {
        "consultation": report.consultation,
        "threshold": report.threshold,
        "protection": report.protection,
        "internal": report.internal,
        "release": report.release,
        "generated_on": report.generated_on,
        "responses": report.responses,
        "tables": [_table(t) for t in report.all_tables()],
        "summaries": [
            (
                s.id,
                s.aggregator,
                s.question,
                [h.value for h in s.rows],
                [h.value for h in s.columns],
                [[v for v in line if not isinstance(v, str)] for line in s.values],
            )
            for s in report.summaries
        ],
        "digests": [
            (d.question, [(q.text, q.attribution) for q in d.quotes], d.withheld_count)
            for d in report.digests
        ],
        "identities": list(report.identities),
    }


def _table(table: Table) -> tuple[Any, ...]:
    return (
        table.id,
        table.aggregator,
        table.question,
        table.unit,
        [(h.value, h.members) for h in table.rows],
        [(h.value, h.members) for h in table.columns],
        [list(line) for line in table.cells],
        list(table.row_totals),
        list(table.column_totals),
        table.grand_total,
    )


def together(reports: Sequence[Report]) -> Report:
    """The first report, carrying the others as its ``alternates`` (a bilingual report);
    :class:`ReportError` if any figure differs between them."""
    first, *others = reports
    mine = figures(first)
    for other in others:
        theirs = figures(other)
        if theirs != mine:
            wrong = next(k for k in mine if mine[k] != theirs[k])
            msg = (
                f"the report in {other.language} does not have the same {wrong} as the report "
                f"in {first.language}; nothing was written (please report this as a bug)"
            )
            raise ReportError(msg)
    return evolve(first, alternates=tuple(others))
