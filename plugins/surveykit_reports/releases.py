"""Publishing a report: build it jointly with every earlier release, then record it.

A report compared with an earlier one gives away what changed between them: publish, add one
response, publish again, and the difference is that respondent.  So every public report written
is recorded in the store as a :class:`~surveykit.storage.Release` (what was published, and the
confidential :class:`~surveykit_reports.disclosure.Tabulation` behind it), and the next report
is protected jointly with all of them (docs/disclosure.md).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence

from attrs import evolve, frozen

from surveykit import Consultation
from surveykit.plugins import Plugins
from surveykit.storage import Release, Store

from .build import Progress, ReportError, build_release
from .disclosure import Tabulation
from .export.as_json import to_json
from .languages import together
from .model import Report

__all__ = ["Published", "earlier_tabulations", "publish_report", "published"]


def earlier_tabulations(store: Store, consultation: str) -> list[Tabulation]:
    """What every release of ``consultation`` already published, for the joint audit."""
    return [Tabulation.from_json(release.audit) for release in store.releases(consultation)]


def publish_report(
    consultation: Consultation,
    store: Store,
    *,
    format: str = "json",
    threshold: int | None = None,
    progress: Progress | None = None,
    plugins: Plugins | None = None,
    published_at: dt.datetime | None = None,
    languages: Sequence[str] = (),
) -> Report:
    """Build the public report jointly with every earlier release, and record it as the next
    release.  Returns the report, numbered; the caller writes it in ``format``.

    ``languages`` are those the report is written in (default: the spec's own); the first is
    the report returned, the others its ``alternates``.  A release is a set of figures, the
    same in every language, so what is recorded does not depend on them: always the report in
    the spec's own language, with the same audit.  Publishing in Welsh, in English or in both
    records the same release.

    Raises :class:`~surveykit_reports.build.ReportError` when it cannot be published without
    disclosing (nothing is recorded then).
    """
    cid = consultation.metadata.id
    earlier = store.releases(cid)
    published_at = published_at or dt.datetime.now(dt.UTC)
    own = (consultation.localised_from or consultation).text_language
    wanted = tuple(languages) or (own,)
    built: dict[str, tuple[Report, Tabulation | None]] = {}
    for language in dict.fromkeys((own, *wanted)):
        built[language] = build_release(
            consultation,
            store,
            threshold=threshold,
            progress=progress if language == own else None,
            plugins=plugins,
            # The report is dated the day it is published, where the consultation is run.
            generated_on=published_at.astimezone(consultation.metadata.zone).date(),
            earlier=[Tabulation.from_json(r.audit) for r in earlier],
            language=language,
        )
    report, tabulation = built[own]
    assert tabulation is not None  # a public report always has one
    # Checked before anything is recorded: a bilingual report whose languages disagree is a bug.
    editions = together([built[own][0], *(built[lang][0] for lang in wanted)])
    number = len(earlier) + 1
    report = evolve(report, release=number)
    recorded = store.record_release(
        cid,
        published_at=published_at,
        format=format,
        threshold=report.threshold,
        public=json.dumps(to_json(report), ensure_ascii=False),
        audit=tabulation.to_json(),
    )
    if recorded.number != number:
        raise ReportError(
            f"another report on {cid!r} was published while this one was being built; it is "
            f"recorded as release {recorded.number}, but do not publish it: run the report again"
        )
    return together([evolve(r, release=number) for r in editions.alternates])


@frozen
class Published:
    """A line of ``surveykit report --list``: what a release published, and when."""

    number: int
    published_at: dt.datetime
    format: str
    threshold: int
    responses: int | None
    tables: int
    suppressed: int


def published(store: Store, consultation: str) -> Iterator[Published]:
    """Every release of ``consultation``, read back from what it published."""
    for release in store.releases(consultation):
        yield _summary(release)


def _summary(release: Release) -> Published:
    data = json.loads(release.public)
    tables = [*data.get("tables", []), *data.get("coverage", [])]
    if data.get("timeline"):
        tables.append(data["timeline"])
    suppressed = sum(1 for t in tables for cell in t["cells"] if cell["suppressed"])
    return Published(
        number=release.number,
        published_at=release.published_at,
        format=release.format,
        threshold=release.threshold,
        responses=(data.get("responses") or {}).get("count"),
        tables=len(tables),
        suppressed=suppressed,
    )
