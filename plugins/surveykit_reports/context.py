"""What an aggregator works from: the consultation, its store, and the counts rolled up.

The store counts once (:meth:`surveykit.storage.Store.tally`, in SQL where it can) at the grain
of question, value, role, authority type and authority; :class:`Counts` rolls that up into any
cell a table needs, with the number of respondents *and* of distinct authorities in it, and
derives "not answered" and "not shown" from who was shown each question.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from typing import Any

from attrs import define, field

from surveykit import Consultation
from surveykit.conditions import references
from surveykit.kinds import parts_of
from surveykit.model import Publication, Question
from surveykit.plugins import get_plugins
from surveykit.snapshots import kept_tally_and_texts
from surveykit.storage import ReportRow, Store, TallyPlan, TallyRow, TextRequest, TextRow
from surveykit.tally import ALL, RESPONDENTS, SHOWN, WEEK, counted_parts, unit_of

from .disclosure import Count
from .model import COMBINED, NOT_ANSWERED, NOT_SHOWN, Heading
from .redact import Redactor, could_occur, words_of
from .words import Words, english

__all__ = ["Context", "Counts"]

Group = tuple[str, str, str]  # role, authority type, authority unit


class Counts:
    """Rolled-up counts of current responses, from the store's :class:`TallyRow` rows."""

    def __init__(self, plan: TallyPlan, rows: Iterator[TallyRow]) -> None:
        self.plan = plan
        #: question -> value -> (role, type, unit) -> responses
        self.cells: dict[str, dict[str, dict[Group, int]]] = defaultdict(lambda: defaultdict(dict))
        for row in rows:
            self.cells[row.question][row.value][(row.role, row.authority_type, row.unit)] = row.n
        self._derive()

    def _derive(self) -> None:
        totals = self.cells[ALL][ALL]
        conditional = {q for q, _ in self.plan.conditions}
        for qid in self.plan.counted:
            values = self.cells[qid]
            shown = values.pop(SHOWN, {}) if qid in conditional else totals
            if qid in self.plan.multiple:
                answered = values.pop(RESPONDENTS, {})
            else:
                answered = defaultdict(int)
                for by_group in values.values():
                    for group, n in by_group.items():
                        answered[group] += n
            blank = {g: shown.get(g, 0) - answered.get(g, 0) for g in shown}
            values[NOT_ANSWERED] = {g: n for g, n in blank.items() if n > 0}
            if qid in conditional:
                hidden = {g: n - shown.get(g, 0) for g, n in totals.items()}
                values[NOT_SHOWN] = {g: n for g, n in hidden.items() if n > 0}

    def values(self, question: str) -> list[str]:
        """The values seen for a question (option values, ``_answered``, not answered...)."""
        return list(self.cells.get(question, {}))

    def count(
        self,
        question: str,
        value: str,
        role: str | None = None,
        authority_type: str | None = None,
    ) -> Count:
        """Responses and distinct authorities under a question and value, for a role or type."""
        by_group = self.cells.get(question, {}).get(value, {})
        n = 0
        units = set()
        for (g_role, g_type, unit), m in by_group.items():
            if (role is None or g_role == role) and (
                authority_type is None or g_type == authority_type
            ):
                n += m
                units.add(unit)
        return Count(n, len(units), (question, value, role, authority_type))

    def total(self, role: str | None = None, authority_type: str | None = None) -> Count:
        """Every current response (of a role or type)."""
        return self.count(ALL, ALL, role, authority_type)

    def in_groups(
        self, question: str, value: str, dimension: str | None, members: tuple[str, ...]
    ) -> tuple[int, int]:
        """Responses and distinct authorities under a question and value, among the groups
        ``members`` of ``dimension`` (``"role"`` or ``"authority_type"``; ``None``: everyone)."""
        by_group = self.cells.get(question, {}).get(value, {})
        index = {"role": 0, "authority_type": 1}.get(dimension or "")
        wanted = set(members)
        n = 0
        units = set()
        for group, m in by_group.items():
            if index is None or group[index] in wanted:
                n += m
                units.add(group[2])
        return n, len(units)

    def groups(self, dimension: str) -> list[str]:
        """The roles (``dimension="role"``) or authority types seen among responses."""
        index = 0 if dimension == "role" else 1
        return sorted({g[index] for g in self.cells[ALL][ALL]})

    def weeks(self) -> list[str]:
        return sorted(self.cells.get(WEEK, {}))

    def among_in(
        self,
        question: str,
        values: Iterable[str],
        dimension: str | None,
        members: tuple[str, ...],
    ) -> tuple[int, int]:
        """Responses and distinct authorities under any of ``values`` of a single-answer
        question, among the groups ``members`` of ``dimension`` (``None``: everyone)."""
        by_value = self.cells.get(question, {})
        index = {"role": 0, "authority_type": 1}.get(dimension or "")
        wanted = set(members)
        n = 0
        units: set[str] = set()
        for value in values:
            for group, m in by_value.get(value, {}).items():
                if index is None or group[index] in wanted:
                    n += m
                    units.add(group[2])
        return n, len(units)

    def among(self, question: str, values: Iterable[str]) -> tuple[int, int]:
        """Responses and distinct authorities under any of several values of a question (each
        response has one value of a single-choice question, such as its week)."""
        by_value = self.cells.get(question, {})
        n = 0
        units: set[str] = set()
        for value in values:
            for group, m in by_value.get(value, {}).items():
                n += m
                units.add(group[2])
        return n, len(units)


@define
class Context:
    """Handed to every aggregator: read what you need, cached so it is counted once."""

    consultation: Consultation
    store: Store
    threshold: int
    internal: bool = False
    progress: Callable[[int, int], None] | None = None
    #: Upper bound on quotes per question in a public digest, chosen by text hash, not time.
    max_quotes: int = 200
    #: Whether an aggregator will ask for :meth:`quotable_texts`; they are then chosen in the
    #: same pass over the responses as the counts, where the store counts in Python.
    wants_quotes: bool = False
    #: The question kinds of the plugins the report is built with (default: the installed
    #: ones), so a kind known only to those plugins is judged by its own members.
    kinds: Any = None
    #: The words the report is written in (:mod:`surveykit_reports.words`): every heading,
    #: label and note an aggregator adds goes through it; ``consultation`` is already in that
    #: language (its ids and option values, and so every figure, are the same in every one).
    words: Words = field(factory=english)

    def __attrs_post_init__(self) -> None:
        if self.kinds is None:
            self.kinds = get_plugins().kinds

    @property
    def id(self) -> str:
        return self.consultation.metadata.id

    @cached_property
    def plan(self) -> TallyPlan:
        return TallyPlan.of(self.consultation, self.kinds)

    @cached_property
    def parts(self) -> tuple[Question, ...]:
        """The answer parts the report counts, in spec order (see :attr:`TallyPlan.counted`)."""
        return counted_parts(self.consultation, self.kinds)

    @cached_property
    def quoted(self) -> tuple[str, ...]:
        """The text parts whose answers a digest may quote: free text and "other" words, never
        a sensitive question's."""
        plan = self.plan
        kinds = (plan.options, plan.values, plan.rankings)
        return tuple(
            q.id for q in self.parts if not q.sensitive and not any(q.id in ks for ks in kinds)
        )

    @cached_property
    def never_by_group(self) -> frozenset[str]:
        """Parts never shown by role or type of authority: sensitive ones, and every part whose
        routing reads one (or reads a part so routed).  Who was shown such a part in a group
        is the group less those whose sensitive answer routed them past it, so its table by
        group would count the sensitive answers by group (docs/disclosure.md)."""
        every = [p for q in self.consultation.questions for p in parts_of(q, self.kinds)]
        found = {p.id for p in every if p.sensitive}
        grew = True
        while grew:
            grew = False
            for part in every:
                if part.id in found or part.condition is None:
                    continue
                if any(read in found for read in references(part.condition)):
                    found.add(part.id)
                    grew = True
        return frozenset(found)

    @cached_property
    def counts(self) -> Counts:
        return Counts(self.plan, iter(self._tallied[0]))

    @cached_property
    def quote_request(self) -> TextRequest | None:
        """The free text a public digest may quote: every counted text question's answers from
        respondents whose consent permits quoting; ``None`` when nothing may be quoted."""
        publication = self.publication
        if publication.consent_question is None or not publication.quote:
            return None
        questions = self.quoted
        return TextRequest(
            questions, publication.consent_question, tuple(publication.quote), self.max_quotes
        )

    def quotable_texts(self) -> list[TextRow]:
        """The answers :attr:`quote_request` chooses (``Store.texts``), at most ``max_quotes``
        per question, in rank order."""
        request = self.quote_request
        if request is None:
            return []
        if self.wants_quotes:
            return self._tallied[1]
        return list(
            self.store.texts(
                self.id,
                request.questions,
                consent=request.consent,
                permitted=request.permitted,
                limit=request.limit,
            )
        )

    @cached_property
    def _tallied(self) -> tuple[list[TallyRow], list[TextRow]]:
        request = self.quote_request if self.wants_quotes else None
        return kept_tally_and_texts(self.store, self.plan, request)

    def rows(self, *, answer_in: tuple[str, Any] | None = None) -> Iterator[ReportRow]:
        """Current responses with who sent them, streamed."""
        return self.store.iter_report_rows(self.id, answer_in=answer_in)

    def columns(self, dimension: str) -> tuple[Heading, ...]:
        """The groups a table by ``dimension`` shows: small ones combined (see :func:`recode`)."""
        if dimension not in self._columns:
            if dimension == "role":
                choices = self.consultation.roles
            else:
                choices = self.consultation.authority_types
            headings = [Heading(c.value, c.label) for c in choices]
            known = {c.value for c in choices}
            headings += [Heading(v, v) for v in self.counts.groups(dimension) if v not in known]

            def size_of(groups: tuple[str, ...]) -> tuple[int, int]:
                return self.counts.in_groups(ALL, ALL, dimension, groups)

            # Internal reports show every group as it is: nothing there is suppressed.
            k = 1 if self.internal else self.threshold
            self._columns[dimension] = recode(headings, size_of, k, self.words)
        return self._columns[dimension]

    @cached_property
    def _columns(self) -> dict[str, tuple[Heading, ...]]:
        return {}

    @cached_property
    def publication(self) -> Publication:
        return self.consultation.publication

    @cached_property
    def naming_units(self) -> frozenset[str]:
        """Authority units that may be named: every response from them permits it."""
        question = self.publication.consent_question
        if question is None or not self.publication.name_authority:
            return frozenset()
        permits = set(self.publication.name_authority)
        allowed: set[str] = set()
        refused: set[str] = set()
        for unit, value in self._consents(question):
            (allowed if value in permits else refused).add(unit)
        return frozenset(allowed - refused)

    def _consents(self, question: str) -> Iterable[tuple[str, Any]]:
        """Each (authority unit, answer to ``question``) among current responses.

        A single-choice question is counted by unit already, blanks included ("not answered",
        "not shown"), so the pairs are read off the counts rather than the responses read
        again; answers are stored cleaned, so its answers are its options' values, as in the
        counts.  Any other question is asked of the store."""
        plan = self.plan
        single = plan.options - plan.multiple - plan.rankings - plan.values
        if question not in single:
            return self.store.authority_consents(self.id, question)
        return {
            (unit, value)
            for value, by_group in self.counts.cells.get(question, {}).items()
            for (_, _, unit), n in by_group.items()
            if n > 0
        }

    def redactor_for(self, texts: Iterable[str]) -> Redactor:
        """Redacts contact details, respondents' names, and authorities that may not be named,
        from ``texts`` (the quotes about to be published).

        Every respondent's name is checked, streamed from the store, but only names that could
        be found in ``texts`` (one of their words of three or more letters, or all their words,
        occur there) go into the patterns: the few hundred quotes stay cheap to
        redact, and memory stays flat, however many respondents there are.  Every authority
        that may be named is still known, so attributions can be checked.
        """
        words = words_of(texts)
        people: set[str] = set()
        blocked: dict[str, str] = {}
        allowed: list[str] = []
        for kind, name in self.store.names(self.id):
            if kind == "person":
                if could_occur(name, words):
                    people.add(name)
                continue
            unit = unit_of(name, "")
            if unit in self.naming_units:
                allowed.append(name)
            elif could_occur(name, words):
                blocked.setdefault(unit, name)
        return Redactor.build(people, [*blocked.values(), *allowed], allowed)


def recode(
    headings: list[Heading],
    size_of: Callable[[tuple[str, ...]], tuple[int, int]],
    k: int,
    words: Words | None = None,
) -> tuple[Heading, ...]:
    """The columns of a breakdown with every small group folded into one combined column.

    ``size_of(groups)`` gives the responses and distinct authorities in some groups together.
    A group with fewer than ``k`` of either would make every figure in its column small and its
    size a figure to hide in every table, so it is shown only together with the other small
    groups (the next smallest group joins them until they are not small).  Groups nobody is in
    stay as columns of zeros.  With fewer than two groups left to show there is no breakdown to
    publish, and the result is empty."""

    def small(groups: tuple[str, ...]) -> bool:
        n, authorities = size_of(groups)
        return n > 0 and min(n, authorities) < k

    keep = [h for h in headings if not small((h.value,))]
    folded = [h for h in headings if small((h.value,))]
    if folded:
        big = sorted(
            (h for h in keep if size_of((h.value,))[0] > 0), key=lambda h: size_of((h.value,))
        )
        while small(tuple(h.value for h in folded)) and big:
            joining = big.pop(0)
            keep.remove(joining)
            folded.append(joining)
        order = {h.value: i for i, h in enumerate(headings)}
        folded.sort(key=lambda h: order[h.value])
        say = words or english()
        label = say.gettext("Combined: {groups}").format(groups=", ".join(h.label for h in folded))
        keep.append(Heading(COMBINED, label, tuple(h.value for h in folded)))
    shown = [h for h in keep if size_of(h.members or (h.value,))[0] > 0]
    if len(shown) < 2:
        return ()
    return tuple(keep)
