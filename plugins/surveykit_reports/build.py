"""Build a consultation's report: run every registered aggregator, then disclosure control."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from attrs import evolve

from surveykit import Consultation
from surveykit.errors import SurveykitError
from surveykit.plugins import Plugins, get_plugins
from surveykit.storage import Store

from .aggregators import FreeText
from .context import Context
from .disclosure import RawTable, protect_all, unprotected
from .model import PRIMARY, Cell, Digest, IdentifiedResponse, Quote, Report, Table
from .redact import Redactor

__all__ = ["DEFAULT_THRESHOLD", "ReportError", "build_report"]

#: The default ``k``: a figure of fewer than 5 respondents or authorities is suppressed (see
#: docs/disclosure.md for the guidance it follows).  A spec's ``[publication] threshold`` or the
#: caller's ``threshold`` overrides it.
DEFAULT_THRESHOLD = 5

#: ``progress(done, total)`` is called after each aggregator runs, for a progress bar.
Progress = Callable[[int, int], None]

INTERNAL_NOTE = (
    "INTERNAL: this report is not disclosure-controlled and names respondents and authorities. "
    "Do not publish it."
)


class ReportError(SurveykitError):
    """A report cannot be built as asked (shown to the user)."""


def build_report(
    consultation: Consultation,
    store: Store,
    *,
    threshold: int | None = None,
    internal: bool = False,
    progress: Progress | None = None,
    plugins: Plugins | None = None,
    generated_on: dt.date | None = None,
) -> Report:
    """The report on ``consultation``'s current responses in ``store``.

    Only each respondent's latest submission counts.  ``threshold`` is ``k`` (default: the
    spec's ``[publication] threshold``, else :data:`DEFAULT_THRESHOLD`); it must be at least 1.
    With ``internal=False`` (the default) every table passes disclosure control, quotes come only
    from consenting respondents and are redacted, and no name, email or token appears anywhere.
    ``internal=True`` gives the unsuppressed report with identities, marked ``internal``.
    Memory use does not grow with the number of responses: counting is done by the store
    (in SQL where the backend can) and free text is streamed.
    Raises :class:`ReportError` (one clear line) on a threshold below 1.
    """
    k = threshold if threshold is not None else consultation.publication.threshold
    k = DEFAULT_THRESHOLD if k is None else k
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise ReportError(f"the threshold must be a whole number of at least 1, not {k!r}")
    registry = (plugins or get_plugins()).aggregators
    # The built-in free-text digest quotes in public reports: choose its quotes while counting.
    wants_quotes = not internal and any(isinstance(registry[n], FreeText) for n in registry)
    context = Context(consultation, store, k, internal, progress, wants_quotes=wants_quotes)
    raws: list[RawTable] = []
    digests: list[Digest] = []
    names = list(registry)
    for done, name in enumerate(names, start=1):
        aggregator = registry[name]
        for item in aggregator.aggregate(context):
            if isinstance(item, RawTable):
                raws.append(item)
            elif isinstance(item, Digest):
                # The built-in digest redacts as it chooses; any other is redacted again here.
                trusted = internal or isinstance(aggregator, FreeText)
                digests.append(
                    item
                    if trusted
                    else _redacted(item, context.redactor_for(q.text for q in item.quotes))
                )
            else:
                msg = f"aggregator {name!r} produced {type(item).__name__}, not a table or digest"
                raise ReportError(msg)
        if progress is not None:
            progress(done, len(names))
    tables = [unprotected(r) for r in raws] if internal else protect_all(raws, k)
    placed = {"questions": [], "coverage": [], "timeline": []}
    for raw, table in zip(raws, tables, strict=True):
        placed.setdefault(raw.section, []).append(table)
    order = {q.id: i for i, q in enumerate(consultation.questions)}
    questions = sorted(placed.pop("questions"), key=lambda t: order.get(t.question, len(order)))
    timeline = placed.pop("timeline")
    coverage = [t for section in placed.values() for t in section]
    notes = [INTERNAL_NOTE] if internal else []
    if not internal:
        notes.append(
            f"Figures of fewer than {k} respondents or authorities are suppressed, with further "
            "figures suppressed so that none can be worked out from the totals; see the notes on "
            "disclosure control."
        )
    return Report(
        consultation=consultation.metadata.id,
        title=consultation.metadata.title,
        threshold=k,
        internal=internal,
        generated_on=generated_on or dt.datetime.now(dt.UTC).date(),
        responses=_responses(context, tables),
        tables=tuple(questions),
        coverage=tuple(coverage),
        digests=tuple(sorted(digests, key=lambda d: order.get(d.question, len(order)))),
        timeline=timeline[0] if timeline else None,
        notes=tuple(notes),
        identities=_identities(context) if internal else (),
    )


def _responses(context: Context, tables: list[Table]) -> Cell:
    """The number of current responses, suppressed wherever any table suppresses it."""
    total = context.counts.total()
    if context.internal:
        return Cell(total.n)
    for table in tables:
        if table.aggregator in ("counts", "timeline") and not table.grand_total.shown:
            return Cell(None, table.grand_total.suppressed)
    if total.n > 0 and min(total.n, total.authorities) < context.threshold:
        return Cell(None, PRIMARY)
    return Cell(total.n)


def _redacted(digest: Digest, redact: Redactor) -> Digest:
    """Every quote through the redactor again, whichever aggregator made it."""
    quotes = tuple(Quote(redact(q.text), q.attribution) for q in digest.quotes)
    allowed = redact.allowed
    quotes = tuple(
        q
        if q.attribution is None or q.attribution.strip().lower() in allowed
        else evolve(q, attribution=None)
        for q in quotes
    )
    return evolve(digest, quotes=quotes)


def _identities(context: Context) -> tuple[IdentifiedResponse, ...]:
    question = context.publication.consent_question
    zone = context.consultation.metadata.zone
    return tuple(
        sorted(
            (
                IdentifiedResponse(
                    authority=row.authority,
                    authority_type=row.authority_type,
                    role=row.role,
                    name=row.name,
                    consent=row.answers.get(question) if question else None,
                    channel=row.channel,
                    received_on=row.received_at.astimezone(zone).date(),
                )
                for row in context.rows()
            ),
            key=lambda r: (r.authority.casefold(), r.role, r.name),
        )
    )
