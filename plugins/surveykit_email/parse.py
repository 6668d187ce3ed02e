"""Reading a reply back into answers, with every doubt reported as a review reason.

:func:`read_reply` takes the raw bytes of one message and returns a :class:`Reading`: who sent
it, its reference, the answers read *with certainty*, and a :class:`ReplyProblem` for everything
else.  It never raises, whatever the bytes.  Answers go through the consultation's
:class:`surveykit.Engine` exactly as the web form's do, so ``Reading.answers`` is what the web
would store; an answer to a question that the other answers hide is a problem, not dropped in
silence.  A reading with no problems (``clean``) can be submitted as it is; anything else goes
to an officer.

Answers are read per form item (:mod:`.items`) into the kind's *raw input*, never normalised
here: a typed number, date or address goes to its kind's checker as written ("about 250" is
refused there, and the reply goes to review naming the question); a ranking becomes
``{value: rank}`` from numbered boxes or a list of values from typed lines; a grid's statements
are read from their own boxes or from lines such as "Parks: agree"; the words for an "Other"
option go to its text part (``q14.other``).

Problem codes (stable; see docs/email-replies.md):

``unparseable``, ``attachments_only``, ``no_answers``, ``unknown_option``, ``ambiguous_option``,
``several_options``, ``unclear_text``, ``duplicate_answer``, ``invalid_answer``, ``missing_answer``,
``unplaced_text``, ``no_reference``, ``bad_reference``, ``conflicting_reference``,
``undecodable``, ``conflicting_sender``.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from typing import Any

from attrs import frozen

from surveykit import Consultation, Engine, Option, Question, Registry, get_plugins
from surveykit.kinds import answer_type

from .items import Item, form_items
from .kindtext import named_other, specify_words
from .language import english_dates, in_language
from .matching import Match, OptionMatcher
from .mime import automatic, extract
from .reference import find_references, has_malformed_reference
from .scan import UNPLACED_WORDS, Block, FormScanner, is_tick
from .wording import key

__all__ = [
    "IDENTITY_CODES",
    "PROBLEM_CODES",
    "Reading",
    "ReplyProblem",
    "ReplyReader",
    "read_reply",
]

PROBLEM_CODES = (
    "unparseable",
    "attachments_only",
    "no_answers",
    "unknown_option",
    "ambiguous_option",
    "several_options",
    "unclear_text",
    "duplicate_answer",
    "invalid_answer",
    "missing_answer",
    "unplaced_text",
    "no_reference",
    "bad_reference",
    "conflicting_reference",
    "undecodable",
    "conflicting_sender",
)
#: Codes about who sent a reply rather than what it says: the answers may still be clean.
IDENTITY_CODES = frozenset(
    {"no_reference", "bad_reference", "conflicting_reference", "conflicting_sender"}
)
_SPLIT = re.compile(r"[;,]")
_RANK_SPLIT = re.compile(r"[;,>]")
# A rank in a box or before an option: "1", "01", "1st", "#2", "3."
_RANK = re.compile(r"#?0*([1-9][0-9]?)(?:st|nd|rd|th)?\.?", re.IGNORECASE)
_RANKED_LINE = re.compile(
    r"^\s*(?:#?([0-9]{1,2})(?:st|nd|rd|th)?\s*[.):\-]?\s+|#?([0-9]{1,2})[.):\-]\s*)(.+)$",
    re.IGNORECASE | re.S,
)
# Where a grid line may divide its statement from its answer: "Parks: agree", "Parks - agree"
_ROW_SEPARATOR = re.compile(r"\s*(?::|=|\s[-\u2013\u2014]\s|\t)\s*")


@frozen
class ReplyProblem:
    """Why a reply (or one answer in it) needs an officer: a stable ``code`` and a message."""

    code: str
    message: str
    question: str | None = None

    def __str__(self) -> str:
        return self.message


@frozen
class Reading:
    """What was read from one reply.  ``answers`` holds only what was read with certainty."""

    answers: dict[str, Any]
    reference: str | None
    sender: str | None
    sender_name: str | None
    subject: str | None
    message_id: str | None
    sent_at: dt.datetime | None
    problems: tuple[ReplyProblem, ...]
    text: str = ""
    attachments: tuple[str, ...] = ()
    #: What kind of machine wrote the message (an out-of-office reply, a bounce), if one did.
    automatic: str | None = None

    @property
    def clean(self) -> bool:
        """True when nothing needs review: the answers can be submitted as they are."""
        return not self.problems

    @property
    def answers_clean(self) -> bool:
        """True when only who sent it is in doubt (no or bad reference): the answers are sure."""
        return all(p.code in IDENTITY_CODES for p in self.problems)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.problems)


class ReplyReader:
    """Reads replies to one consultation; build once and call :meth:`read` for each message."""

    def __init__(self, consultation: Consultation, *, kinds: Registry[Any] | None = None) -> None:
        kinds = kinds if kinds is not None else get_plugins().kinds
        self.consultation = consultation
        self.engine = Engine(consultation, kinds=kinds)
        self.items = form_items(consultation, kinds)
        self.by_id = {item.id: item for item in self.items}
        self.parts = {part.id: part for part in self.engine.parts}
        self.multiple = frozenset(i.id for i in self.items if i.reading == "choices")
        self.scanner = FormScanner(consultation, self.items, kinds)
        # The same items in each other language the spec offers: their labels are read too.
        others = [
            {item.id: item for item in form_items(in_language(consultation, lang), kinds)}
            for lang in consultation.languages
            if lang != consultation.text_language
        ]
        self.matchers = {
            i.id: OptionMatcher(i.question, tuple(o[i.id].question for o in others if i.id in o))
            for i in self.items
            if i.options
        }
        self.row_matchers = {
            i.id: _row_matcher(i, self.by_id, others) for i in self.items if i.reading == "grid"
        }
        #: Typed dates, which may be written the Welsh way ("5 Mawrth 2027").
        self.dates = frozenset(
            i.id
            for i in self.items
            if i.reading == "text" and answer_type(i.question, kinds) in ("date", "month")
        )

    def read(self, raw: bytes) -> Reading:
        """The reading of one raw message; never raises."""
        try:
            return self._read(raw if isinstance(raw, bytes) else bytes(raw))
        except Exception as exc:  # a reader bug must send the reply to review, not crash ingest
            problem = ReplyProblem(
                "unparseable", f"the reply could not be read ({type(exc).__name__})"
            )
            return Reading({}, None, None, None, None, None, None, (problem,), automatic=_auto(raw))

    def _read(self, raw: bytes) -> Reading:
        found = extract(raw)
        problems: list[ReplyProblem] = []
        text = found.text or ""
        reference = self._reference(found.subject or "", text, problems)
        answers: dict[str, Any] = {}
        if found.trouble:
            problems.append(ReplyProblem("unparseable", found.trouble))
        if found.undecodable:
            doubts = "; ".join(found.undecodable)
            problems.append(
                ReplyProblem(
                    "undecodable",
                    f"the message could not be decoded with certainty ({doubts}); "
                    "what is shown is a best guess",
                )
            )
        if len(found.senders) > 1:
            problems.append(
                ReplyProblem(
                    "conflicting_sender",
                    f"the message names {len(found.senders)} different senders in From:, "
                    "so who sent it is not certain",
                )
            )
        if not text.strip():
            if found.attachments:
                names = ", ".join(found.attachments[:5])
                problems.append(
                    ReplyProblem("attachments_only", f"the reply has only attachments: {names}")
                )
            elif not found.trouble:
                problems.append(ReplyProblem("no_answers", "the reply is empty"))
        else:
            answers = self._answers(text, problems, found.sender_name, found.sender)
        return Reading(
            answers=answers,
            reference=reference,
            sender=found.sender,
            sender_name=found.sender_name,
            subject=found.subject,
            message_id=found.message_id,
            sent_at=found.sent_at,
            problems=tuple(problems),
            text=text,
            attachments=found.attachments,
            automatic=found.automatic,
        )

    def _reference(self, subject: str, text: str, problems: list[ReplyProblem]) -> str | None:
        found = find_references(subject + "\n" + text)
        if len(found) > 1:
            problems.append(
                ReplyProblem(
                    "conflicting_reference",
                    f"the reply holds {len(found)} different references: {', '.join(found)}",
                )
            )
            return None
        if found:
            return found[0]
        if has_malformed_reference(subject + "\n" + text):
            problems.append(
                ReplyProblem(
                    "bad_reference", "the reference in the reply is mistyped (its check fails)"
                )
            )
        else:
            problems.append(ReplyProblem("no_reference", "the reply has no reference line"))
        return None

    # Answers --------------------------------------------------------------------------------

    def _answers(
        self,
        text: str,
        problems: list[ReplyProblem],
        sender_name: str | None = None,
        sender: str | None = None,
    ) -> dict[str, Any]:
        # The sender's name and address tell a signature ("Tom Towers") from an answer.
        scan = self.scanner.scan(text, sender_name, sender)
        candidates: dict[str, list[Any]] = {}
        doubtful: set[str] = set()
        for block in scan.blocks:
            values, troubles = self._block_values(block)
            problems.extend(troubles)
            for trouble in troubles:
                doubtful.update(self._related(trouble.question or block.qid))
            for answer_key, value in values.items():
                candidates.setdefault(answer_key, []).append(value)
        read: dict[str, Any] = {}
        for qid, values in candidates.items():
            if qid in doubtful:
                continue
            distinct = [v for i, v in enumerate(values) if v not in values[:i]]
            if len(distinct) > 1:
                doubtful.add(qid)
                problems.append(
                    ReplyProblem(
                        "duplicate_answer",
                        f"{self._title(qid)} is answered more than once, differently",
                        qid,
                    )
                )
            else:
                read[qid] = distinct[0]
        if scan.unplaced_words > UNPLACED_WORDS:
            problems.append(
                ReplyProblem(
                    "unplaced_text",
                    f"the reply has {scan.unplaced_words} words outside the questions",
                )
            )
        if not read and not doubtful:
            problems.append(ReplyProblem("no_answers", "no answers were found in the reply"))
            return {}
        ordered = {p.id: read[p.id] for p in self.engine.parts if p.id in read}
        return self._checked(ordered, doubtful, problems)

    def _related(self, answer_key: str) -> tuple[str, ...]:
        """The answer keys a doubt about ``answer_key`` casts doubt on: a choice's "Other"
        words, or every statement of a grid."""
        item = self.by_id.get(answer_key)
        if item is None:
            return (answer_key,)
        if item.reading == "grid":
            return item.rows
        return (item.id, item.other_key) if item.other_key else (item.id,)

    def _block_values(self, block: Block) -> tuple[dict[str, Any], list[ReplyProblem]]:
        """The raw answers one block gives, by answer key, or the troubles that stop them."""
        qid = block.qid
        item = self.by_id[qid]
        if item.reading == "text" or qid not in self.matchers:
            if block.suspect:
                message = (
                    f"{self._title(qid)}: the answer runs into a line {block.suspect[0][:60]!r} "
                    "that may belong to another question or to the form"
                )
                return {}, [ReplyProblem("unclear_text", message, qid)]
            text = block.answer_text
            if text and qid in self.dates:
                text = english_dates(text)
            return ({qid: text} if text else {}), []
        if item.reading == "grid":
            return self._grid_lines(item, block)
        if item.reading == "ranking":
            return self._ranking(item, block)
        return self._choice(item, block)

    def _choice(self, item: Item, block: Block) -> tuple[dict[str, Any], list[ReplyProblem]]:
        qid = item.id
        if not block.typed and not block.other_words and not any(m for m, _ in block.ticks):
            return {}, []  # the form's own empty boxes: nothing chosen here
        matcher = self.matchers[qid]
        troubles: list[ReplyProblem] = []
        chosen: list[str] = []
        words: list[str] = []
        unticked: list[str] = []
        also = self.scanner.other_names.get(qid, ())
        for mark, label in block.ticks:
            ticked = is_tick(mark)
            said = named_other(label, item, also)
            if said is not None and ticked is False:
                if said:
                    unticked.append(said)
                continue
            if ticked is False:
                continue
            if ticked is None:
                troubles.append(
                    ReplyProblem(
                        "ambiguous_option",
                        f"{self._title(qid)}: the box for {label[:80]!r} holds an unclear mark "
                        f"{mark!r}",
                        qid,
                    )
                )
                continue
            if said is not None and item.other is not None:
                self._add(chosen, [item.other.value], words, said)
                continue
            self._choose(qid, matcher, label, chosen, troubles)
        for line in block.typed:
            said = named_other(line, item, also)
            if said is not None and item.other is not None:
                self._add(chosen, [item.other.value], words, said)
                continue
            self._choose(qid, matcher, line, chosen, troubles)
        words += [w for w in map(specify_words, block.other_words) if w]
        other = item.other
        if other is not None and (unticked or words) and other.value not in chosen:
            written = (unticked or words)[0]
            troubles.append(
                ReplyProblem(
                    "unclear_text",
                    f"{self._title(qid)}: words are written for {other.label!r} "
                    f"({written[:60]!r}) but that option is not ticked",
                    qid,
                )
            )
        if troubles or not chosen:
            return {}, troubles
        if qid in self.multiple:
            value: Any = chosen
        elif len(chosen) > 1:
            labels = ", ".join(repr(matcher.label_of(v)) for v in chosen)
            message = f"{self._title(qid)}: several options are chosen ({labels}); choose one"
            return {}, [ReplyProblem("several_options", message, qid)]
        else:
            value = chosen[0]
        values = {qid: value}
        if words and item.other_key is not None:
            values[item.other_key] = "\n".join(words + unticked)
        return values, []

    @staticmethod
    def _add(chosen: list[str], values: list[str], words: list[str], said: str) -> None:
        chosen.extend(v for v in values if v not in chosen)
        if said:
            words.append(said)

    def _ranking(self, item: Item, block: Block) -> tuple[dict[str, Any], list[ReplyProblem]]:
        """A ranking from numbers in its boxes (``{value: rank}``) or from typed lines (a list
        in order, or ``{value: rank}`` when every line is numbered); the kind checks it."""
        qid = item.id
        title = self._title(qid)
        matcher = self.matchers[qid]
        troubles: list[ReplyProblem] = []
        boxed: list[tuple[int | None, str]] = []
        for mark, label in block.ticks:
            if not mark:
                continue
            found = _RANK.fullmatch(mark)
            if found is None and is_tick(mark) is None:
                message = f"{title}: the box for {label[:80]!r} holds {mark!r}, not a rank"
                troubles.append(ReplyProblem("ambiguous_option", message, qid))
                continue
            match = matcher.match(label)
            if match.value is None:
                troubles.append(self._unmatched(qid, matcher, label, match))
                continue
            boxed.append((int(found[1]) if found else None, match.value))
        typed: list[tuple[int | None, str]] = []
        for line in block.typed:
            typed += self._ranked_line(qid, matcher, line, troubles)
        if troubles:
            return {}, troubles
        if boxed and typed:
            message = f"{title}: the ranking is written both in the boxes and as a list"
            return {}, [ReplyProblem("unclear_text", message, qid)]
        ranked = boxed or typed
        if not ranked:
            return {}, []
        places = [place for place, _ in ranked]
        if all(place is not None for place in places):
            if len({value for _, value in ranked}) == len(ranked):
                return {qid: {value: place for place, value in ranked}}, []
            return {qid: [value for _, value in sorted(ranked, key=lambda r: r[0] or 0)]}, []
        if boxed and len(boxed) > 1:
            message = (
                f"{title}: boxes are ticked but not numbered, so the order of preference "
                "is not known"
            )
            return {}, [ReplyProblem("ambiguous_option", message, qid)]
        if any(place is not None for place in places):
            message = f"{title}: some of the ranked options are numbered and some are not"
            return {}, [ReplyProblem("ambiguous_option", message, qid)]
        return {qid: [value for _, value in ranked]}, []

    def _ranked_line(
        self, qid: str, matcher: OptionMatcher, line: str, troubles: list[ReplyProblem]
    ) -> list[tuple[int | None, str]]:
        """The options a typed line ranks, each with its number if it has one: "1. Libraries",
        "Libraries, Housing", "Housing > Roads"."""
        whole = self._numbered(matcher, line)
        if whole is not None:
            return [whole]
        pieces = [p for p in _RANK_SPLIT.split(line) if p.strip()]
        found: list[tuple[int | None, str]] = []
        for piece in pieces:
            ranked = self._numbered(matcher, piece)
            if ranked is None:
                rest = _RANKED_LINE.match(piece)
                text = rest[3] if rest else piece
                troubles.append(self._unmatched(qid, matcher, text, matcher.match(text)))
                return []
            found.append(ranked)
        return found

    @staticmethod
    def _numbered(matcher: OptionMatcher, text: str) -> tuple[int | None, str] | None:
        match = matcher.match(text)
        if match.value is not None:
            return None, match.value
        numbered = _RANKED_LINE.match(text)
        if numbered is None:
            return None
        match = matcher.match(numbered[3])
        if match.value is None:
            return None
        return int(numbered[1] or numbered[2]), match.value

    def _unmatched(self, qid: str, matcher: OptionMatcher, text: str, match: Match) -> ReplyProblem:
        title = self._title(qid)
        if match.code == "ambiguous_option":
            labels = " or ".join(repr(matcher.label_of(v)) for v in match.candidates)
            message = f"{title}: {text.strip()[:80]!r} could mean {labels}"
            return ReplyProblem("ambiguous_option", message, qid)
        message = f"{title}: {text.strip()[:80]!r} is not one of the options"
        return ReplyProblem("unknown_option", message, qid)

    def _grid_lines(self, item: Item, block: Block) -> tuple[dict[str, Any], list[ReplyProblem]]:
        """Statements answered on lines of their own under the grid: "Parks: agree"."""
        title = self._title(item.id)
        troubles: list[ReplyProblem] = []
        values: dict[str, Any] = {}
        if any(is_tick(mark) is not False for mark, _ in block.ticks):
            message = f"{title}: a box is ticked outside the statements: which one is not known"
            troubles.append(ReplyProblem("ambiguous_option", message, item.id))
        rows = self.row_matchers[item.id]
        options = self.matchers[item.id]
        for line in block.typed:
            pieces = [line]
            split = [p for p in _SPLIT.split(line) if p.strip()]
            if len(split) > 1 and all(_ROW_SEPARATOR.search(p) for p in split):
                pieces = split
            for piece in pieces:
                readings = set()
                for cut in _ROW_SEPARATOR.finditer(piece):
                    row = rows.match(piece[: cut.start()])
                    answer = options.match(piece[cut.end() :])
                    if row.value is not None and answer.value is not None:
                        readings.add((row.value, answer.value))
                if len(readings) != 1:
                    how = (
                        "could be read more than one way"
                        if readings
                        else ('does not name one statement and one answer, as in "Parks: Agree"')
                    )
                    message = f"{title}: {piece.strip()[:80]!r} {how}"
                    troubles.append(ReplyProblem("unknown_option", message, item.id))
                    continue
                row_key, answer = readings.pop()
                if values.get(row_key, answer) != answer:
                    message = f"{self._title(row_key)} is answered more than once, differently"
                    troubles.append(ReplyProblem("duplicate_answer", message, row_key))
                    continue
                values[row_key] = answer
        return values, troubles

    def _choose(
        self,
        qid: str,
        matcher: OptionMatcher,
        text: str,
        chosen: list[str],
        troubles: list[ReplyProblem],
    ) -> None:
        """Add the option(s) ``text`` names to ``chosen``, or a problem saying why not.

        "A, B" may name two options or one whose label is "A/B" (punctuation is ignored when
        matching): when both readings work and differ, it is ambiguous.
        """
        match = matcher.match(text)
        pieces = [p.strip() for p in _SPLIT.split(text.strip())]
        title = self._title(qid)
        if len(pieces) > 1 and any(not p.strip() for p in pieces[:-1]):
            message = f"{title}: {text[:80]!r} has an empty item in its list"
            troubles.append(ReplyProblem("ambiguous_option", message, qid))
            return
        parts = [p for p in pieces if p.strip()]
        split: list[str] | None = None
        if len(parts) > 1:
            matches = [matcher.match(p) for p in parts]
            if all(m.value is not None for m in matches):
                split = [m.value for m in matches if m.value is not None]
        if match.how == "fuzzy" and split is not None:
            match = Match(None)  # "A, B" naming two options exactly beats a fuzzy "A B"
        if match.value is not None and split is not None and set(split) != {match.value}:
            message = f"{title}: {text[:80]!r} could be one option or several"
            troubles.append(ReplyProblem("ambiguous_option", message, qid))
            return
        values = [match.value] if match.value is not None else split
        if values is not None:
            chosen.extend(v for v in dict.fromkeys(values) if v not in chosen)
            return
        if match.code == "ambiguous_option":
            labels = " or ".join(repr(matcher.label_of(v)) for v in match.candidates)
            message = f"{title}: {text[:80]!r} could mean {labels}"
        else:
            message = f"{title}: {text[:80]!r} is not one of the options"
        troubles.append(ReplyProblem(match.code or "unknown_option", message, qid))

    def _checked(
        self, read: dict[str, Any], doubtful: set[str], problems: list[ReplyProblem]
    ) -> dict[str, Any]:
        """The engine's cleaned answers; every answer it would drop or reject is a problem."""
        checked = self.engine.check(read)
        rejected: set[str] = set()
        for problem in checked.problems:
            if problem.code == "required":
                if problem.question not in doubtful:
                    problems.append(
                        ReplyProblem("missing_answer", problem.message, problem.question)
                    )
                continue
            rejected.add(problem.question or "")
            problems.append(ReplyProblem("invalid_answer", problem.message, problem.question))
        answers = {}
        for qid, value in checked.answers.items():
            if qid not in rejected:
                answers[qid] = value
        for qid in read:
            if qid not in checked.answers and qid not in rejected:
                problems.append(
                    ReplyProblem(
                        "invalid_answer",
                        f"{self._title(qid)} does not apply after the other answers in the "
                        "reply, so its answer was not used",
                        qid,
                    )
                )
        return answers

    def _title(self, qid: str) -> str:
        part = self.parts.get(qid)
        if part is not None:
            return part.title if part.label else f"Question {key(part)}"
        question = self.consultation.by_id.get(qid)
        return f"Question {key(question)}" if question else qid


def _row_matcher(
    grid: Item, by_id: dict[str, Item], others: list[dict[str, Item]] = ()
) -> OptionMatcher:
    """Matches a statement of a grid by its words (in any language the spec offers), its row id
    or its number ("8a")."""

    def statements(items: dict[str, Item]) -> Question:
        options = tuple(
            Option(value=row_key, label=items[row_key].question.text)
            for row_key in grid.rows
            if row_key in items
        )
        return Question(id=grid.id, text=grid.question.text, kind="single", options=options)

    return _RowMatcher(
        statements(by_id),
        {by_id[r].key: r for r in grid.rows} | {r.rpartition(".")[2]: r for r in grid.rows},
        tuple(statements(other) for other in others),
    )


class _RowMatcher(OptionMatcher):
    """An :class:`OptionMatcher` over a grid's statements that also knows their numbers and
    row ids."""

    def __init__(
        self, question: Question, aliases: dict[str, str], also: tuple[Question, ...] = ()
    ) -> None:
        super().__init__(question, also)
        self.aliases = {alias.casefold(): value for alias, value in aliases.items()}

    def match(self, text: str) -> Match:
        alias = self.aliases.get(" ".join(text.split()).casefold())
        return Match(alias) if alias is not None else super().match(text)


_READERS: OrderedDict[int, tuple[Consultation, Any, ReplyReader]] = OrderedDict()
_LOCK = threading.Lock()


def _reader(consultation: Consultation, kinds: Registry[Any] | None) -> ReplyReader:
    """A reader per consultation (and kinds registry), kept for the next reply."""
    slot = id(consultation) ^ (id(kinds) << 1)
    with _LOCK:
        entry = _READERS.get(slot)
        if entry is not None and entry[0] is consultation and entry[1] is kinds:
            _READERS.move_to_end(slot)
            return entry[2]
    reader = ReplyReader(consultation, kinds=kinds)
    with _LOCK:
        _READERS[slot] = (consultation, kinds, reader)
        while len(_READERS) > 8:
            _READERS.popitem(last=False)
    return reader


def read_reply(
    raw: bytes, consultation: Consultation, *, kinds: Registry[Any] | None = None
) -> Reading:
    """Read one raw reply to ``consultation``'s email form; never raises."""
    try:
        reader = _reader(consultation, kinds)
    except Exception as exc:  # pragma: no cover - a consultation that loads always compiles
        problem = ReplyProblem("unparseable", f"the consultation could not be prepared: {exc}")
        return Reading({}, None, None, None, None, None, None, (problem,), automatic=_auto(raw))
    return reader.read(raw)


def _auto(raw: object) -> str | None:
    """:func:`~surveykit_email.mime.automatic` of bytes that could not be read as a reply."""
    try:
        return automatic(raw if isinstance(raw, bytes) else bytes(raw))
    except Exception:
        return None
