"""Build a consultation's report: run every registered aggregator, then disclosure control."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence

from attrs import evolve

from surveykit import Consultation
from surveykit.errors import SurveykitError
from surveykit.kinds import parts_of
from surveykit.plugins import Plugins, get_plugins
from surveykit.storage import Store
from surveykit.tally import ALL
from surveykit.wording import counted

from .aggregators import FreeText
from .context import Context
from .disclosure import (
    Count,
    RawTable,
    Relation,
    Tabulation,
    Unprotectable,
    protect_all,
    protection_level,
    unprotected,
)
from .facts import routing_relations
from .magnitudes import totals
from .model import (
    ANSWERED,
    NOT_QUOTABLE,
    PRIMARY,
    QUOTABLE,
    Cell,
    Digest,
    Heading,
    IdentifiedResponse,
    Quote,
    Report,
    Summary,
    Table,
)
from .redact import Redactor
from .summaries import mean_ranks, quartiles
from .words import Words, words

__all__ = ["DEFAULT_THRESHOLD", "ReportError", "build_release", "build_report"]

#: The default ``k``: a figure of fewer than 5 respondents or authorities is suppressed (see
#: docs/disclosure.md for the guidance it follows).  A spec's ``[publication] threshold`` or the
#: caller's ``threshold`` overrides it.
DEFAULT_THRESHOLD = 5

#: ``progress(done, total)`` is called after each aggregator runs, for a progress bar.
Progress = Callable[[int, int], None]

#: The first note of an internal report (in the report's language: :func:`internal_note`).
INTERNAL_NOTE = (
    "INTERNAL: this report is not disclosure-controlled and names respondents and authorities. "
    "Do not publish it."
)


def internal_note(say: Words) -> str:
    return say.gettext(
        "INTERNAL: this report is not disclosure-controlled and names respondents and "
        "authorities. Do not publish it."
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
    earlier: Sequence[Tabulation] | None = None,
    language: str | None = None,
) -> Report:
    """The report on ``consultation``'s current responses in ``store``.

    Only each respondent's latest submission counts.  ``threshold`` is ``k`` (default: the
    spec's ``[publication] threshold``, else :data:`DEFAULT_THRESHOLD`); it must be at least 1.
    With ``internal=False`` (the default) every table passes disclosure control jointly with
    every release already published (``earlier``; by default the releases the store recorded),
    quotes come only from consenting respondents and are redacted, and no name, email or token
    appears anywhere.  ``internal=True`` gives the unsuppressed report with identities, marked
    ``internal``.  Memory use does not grow with the number of responses: counting is done by
    the store (in SQL where the backend can) and free text is streamed.

    ``language`` is the one the report is written in (default: the spec's own): the
    consultation's texts from its translations, the report's own words from the
    ``surveykit_reports`` catalogue; the figures are the same in every language.

    Building a report does not record it: publish with
    :func:`surveykit_reports.releases.publish_report`, so the next report is protected jointly
    with it.  Raises :class:`ReportError` (one clear line) on a threshold below 1, or when the
    releases already published leave no way to publish without disclosing.
    """
    return build_release(
        consultation,
        store,
        threshold=threshold,
        internal=internal,
        progress=progress,
        plugins=plugins,
        generated_on=generated_on,
        earlier=earlier,
        language=language,
    )[0]


def build_release(
    consultation: Consultation,
    store: Store,
    *,
    threshold: int | None = None,
    internal: bool = False,
    progress: Progress | None = None,
    plugins: Plugins | None = None,
    generated_on: dt.date | None = None,
    earlier: Sequence[Tabulation] | None = None,
    language: str | None = None,
) -> tuple[Report, Tabulation | None]:
    """:func:`build_report`, with the public report's :class:`Tabulation`: the confidential
    record of what it published, which the store keeps for the next release's joint audit."""
    k = threshold if threshold is not None else consultation.publication.threshold
    k = DEFAULT_THRESHOLD if k is None else k
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise ReportError(f"the threshold must be a whole number of at least 1, not {k!r}")
    installed = plugins or get_plugins()
    registry = installed.aggregators
    language = language or consultation.text_language
    say = words(language, installed)
    # Counting reads ids and option values only, the same in every language: only the texts
    # the report shows change.
    consultation = in_language(consultation, language, installed.kinds)
    # The built-in free-text digest quotes in public reports: choose its quotes while counting.
    wants_quotes = not internal and any(isinstance(registry[n], FreeText) for n in registry)
    context = Context(
        consultation,
        store,
        k,
        internal,
        progress,
        wants_quotes=wants_quotes,
        kinds=installed.kinds,
        words=say,
    )
    raws: list[RawTable] = []
    relations: list[Relation] = []
    hidden: list[Count] = []
    digests: list[Digest] = []
    names = list(registry)
    for done, name in enumerate(names, start=1):
        aggregator = registry[name]
        for item in aggregator.aggregate(context):
            if isinstance(item, RawTable):
                raws.append(item)
            elif isinstance(item, Relation):
                relations.append(item)
            elif isinstance(item, Count):
                hidden.append(item)
            elif isinstance(item, Digest):
                # The built-in digest redacts as it chooses; any other is redacted again here.
                trusted = internal or isinstance(aggregator, FreeText)
                digests.append(
                    item
                    if trusted
                    else _redacted(item, context.redactor_for(q.text for q in item.quotes))
                )
            else:
                msg = (
                    f"aggregator {name!r} produced {type(item).__name__}, not a table, digest, "
                    "relation or count"
                )
                raise ReportError(msg)
        if progress is not None:
            progress(done, len(names))
    everyone = context.counts.in_groups(ALL, ALL, None, ())
    tabulation = None
    notes = [internal_note(say)] if internal else []
    if internal:
        tables = [unprotected(r) for r in raws]
    elif everyone[0] > 0 and min(everyone) < k:
        raws, tables, digests = [], [], [_quietened(d, say) for d in digests]
        # Nothing is published, but the number of responses is still a figure later releases
        # must not narrow: record it, hidden, for their joint audit.
        tabulation = Tabulation.of([_withheld(everyone)], k)
        notes.append(
            say.ngettext(
                "Fewer than {k} respondents or authorities have responded, so no figure can be "
                "published without identifying someone.",
                "Fewer than {k} respondents or authorities have responded, so no figure can be "
                "published without identifying someone.",
                k,
            ).format(k=k)
        )
    else:
        shown = [key for raw in raws for line in raw.grid() for key in _keys(line)]
        bases = [key for key in _keys(hidden) if key[0] in context.plan.values]
        # Combined columns' groups are statistics too (never shown): route them as well.
        known = [*shown, *_keys(hidden)]
        relations += routing_relations(consultation, context.plan, known, bases)
        if earlier is None:
            earlier = [Tabulation.from_json(r.audit) for r in store.releases(context.id)]
        try:
            tables, tabulation = protect_all(
                raws, k, relations=relations, hidden=hidden, earlier=earlier
            )
        except Unprotectable as refused:
            raise ReportError(
                "this report cannot be published yet: with the "
                f"{counted(len(earlier), 'report')} already published it would give away "
                f"figures that must stay hidden ({refused}); publish again once more responses "
                "have arrived"
            ) from refused
        digests = [_settled(d, tabulation, say) for d in digests]
        notes.append(
            say.ngettext(
                "Figures of fewer than {k} respondents or authorities are suppressed, with "
                "further figures suppressed so that none can be worked out from everything "
                "published; see the notes on disclosure control.",
                "Figures of fewer than {k} respondents or authorities are suppressed, with "
                "further figures suppressed so that none can be worked out from everything "
                "published; see the notes on disclosure control.",
                k,
            ).format(k=k)
        )
    placed: dict[str, list[Table]] = {"questions": [], "coverage": [], "timeline": []}
    for raw, table in zip(raws, tables, strict=True):
        placed.setdefault(raw.section, []).append(table)
    kinds = (plugins or get_plugins()).kinds
    every = [part.id for q in consultation.questions for part in parts_of(q, kinds)]
    order = {qid: i for i, qid in enumerate(every)}
    questions = sorted(placed.pop("questions"), key=lambda t: order.get(t.question, len(order)))
    timeline = placed.pop("timeline")
    coverage = [t for section in placed.values() for t in section]
    generated_on = generated_on or dt.datetime.now(dt.UTC).date()
    found = _summaries(questions, raws, k, context, internal, order)
    # Totals of numbers (magnitude tables) are protected against the counts published with
    # them, and against earlier releases' totals (docs/disclosure.md).
    found += totals(
        context, questions, tabulation=tabulation, generated_on=generated_on, internal=internal
    )
    report = Report(
        consultation=consultation.metadata.id,
        title=consultation.metadata.title,
        threshold=k,
        internal=internal,
        generated_on=generated_on,
        responses=_responses(everyone, k, internal),
        tables=tuple(questions),
        coverage=tuple(coverage),
        digests=tuple(sorted(digests, key=lambda d: order.get(d.question, len(order)))),
        timeline=timeline[0] if timeline else None,
        notes=tuple(notes),
        identities=_identities(context) if internal else (),
        protection=None if internal else protection_level(k),
        summaries=tuple(sorted(found, key=lambda s: order.get(s.question, len(order)))),
        language=language,
        words=say,
    )
    return report, tabulation


def in_language(consultation: Consultation, language: str, kinds: object = None) -> Consultation:
    """``consultation`` with its texts in ``language`` where the spec translates them into it;
    as written where the spec does not offer it (the report's own words are still in
    ``language``: Taking Stock's report in Welsh, its questions in English)."""
    from surveykit.translations import localise

    if language not in consultation.languages:
        return consultation.localised_from or consultation
    return localise(consultation, language, kinds)  # type: ignore[arg-type]


def _summaries(
    questions: list[Table],
    raws: list[RawTable],
    k: int,
    context: Context,
    internal: bool,
    order: dict[str, int],
) -> list[Summary]:
    """Mean ranks, medians and quartiles, in spec order."""
    own = {raw.question: raw.threshold for raw in raws if raw.question and raw.threshold}
    say = context.words
    found = [
        *mean_ranks(questions, k, internal=internal, words=say),
        *quartiles(questions, k, context.plan.values, own, internal=internal, words=say),
    ]
    return sorted(found, key=lambda s: order.get(s.question, len(order)))


def _keys(line: list[Count]) -> Iterator[tuple[str, ...]]:
    for count in line:
        if isinstance(count.key, tuple):
            yield tuple("" if part is None else str(part) for part in count.key)


def _withheld(everyone: tuple[int, int]) -> RawTable:
    """The one figure of a report that publishes nothing: how many responded (suppressed)."""
    count = Count(*everyone, (ALL, ALL, "", ""))
    heading = Heading(ALL, "Responses")
    return RawTable(
        id="responses",
        title="Responses",
        aggregator="responses",
        row_label="",
        column_label="",
        rows=(heading,),
        columns=(heading,),
        cells=((count,),),
        row_totals=(count,),
        column_totals=(count,),
        grand_total=count,
    )


def _responses(everyone: tuple[int, int], k: int, internal: bool) -> Cell:
    """The number of current responses, suppressed only when it is itself small."""
    n, authorities = everyone
    if internal or n == 0 or min(n, authorities) >= k:
        return Cell(n)
    return Cell(None, PRIMARY)


def _quietened(digest: Digest, say: Words) -> Digest:
    """A digest with nothing that could count anyone: no quotes, no withheld figure."""
    return evolve(
        digest,
        quotes=(),
        withheld_count=None,
        notes=(say.gettext("Too few answers to quote any without identifying someone."),),
    )


def _settled(digest: Digest, tabulation: Tabulation, say: Words) -> Digest:
    """Quotes only where the report publishes how many answers may be quoted (listing them
    publishes that figure); the withheld figure only where it is published."""
    quotable = (digest.question, QUOTABLE, "", "")
    withheld = (digest.question, NOT_QUOTABLE, "", "")
    answered = (digest.question, ANSWERED, "", "")
    if quotable not in tabulation.values:
        # Another aggregator's digest, or no consent question: quotes only where the number
        # of answers is published, and no withheld figure, which nothing has protected.
        if answered in tabulation.values and answered not in tabulation.suppressed:
            return evolve(digest, withheld_count=None)
        return _quietened(digest, say) if digest.quotes else evolve(digest, withheld_count=None)
    if quotable in tabulation.suppressed:
        return _quietened(digest, say)
    hidden = withheld in tabulation.suppressed
    return evolve(digest, withheld_count=None if hidden else tabulation.values[withheld][0])


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
