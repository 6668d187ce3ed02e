"""Reading a reply back into answers, with every doubt reported as a review reason.

:func:`read_reply` takes the raw bytes of one message and returns a :class:`Reading`: who sent
it, its reference, the answers read *with certainty*, and a :class:`ReplyProblem` for everything
else.  It never raises, whatever the bytes.  Answers go through the consultation's
:class:`surveykit.Engine` exactly as the web form's do, so ``Reading.answers`` is what the web
would store; an answer to a question that the other answers hide is a problem, not dropped in
silence.  A reading with no problems (``clean``) can be submitted as it is; anything else goes
to an officer.

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

from surveykit import Consultation, Engine, Registry, get_plugins

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
        multiple = frozenset(
            q.id for q in consultation.questions if getattr(kinds.get(q.kind), "multiple", False)
        )
        self.multiple = multiple
        self.scanner = FormScanner(consultation, multiple)
        self.matchers = {q.id: OptionMatcher(q) for q in consultation.questions if q.options}

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
            value, troubles = self._block_value(block)
            if troubles:
                problems.extend(troubles)
                doubtful.add(block.qid)
            elif value is not None:
                candidates.setdefault(block.qid, []).append(value)
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
        ordered = {q.id: read[q.id] for q in self.consultation.questions if q.id in read}
        return self._checked(ordered, doubtful, problems)

    def _block_value(self, block: Block) -> tuple[Any, list[ReplyProblem]]:
        qid = block.qid
        if qid not in self.matchers:
            if block.suspect:
                message = (
                    f"{self._title(qid)}: the answer runs into a line {block.suspect[0][:60]!r} "
                    "that may belong to another question or to the form"
                )
                return None, [ReplyProblem("unclear_text", message, qid)]
            text = block.answer_text
            return (text or None), []
        if not block.typed and not any(mark for mark, _ in block.ticks):
            return None, []  # the form's own empty boxes: nothing chosen here
        matcher = self.matchers[qid]
        troubles: list[ReplyProblem] = []
        chosen: list[str] = []
        for mark, label in block.ticks:
            ticked = is_tick(mark)
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
            self._choose(qid, matcher, label, chosen, troubles)
        for line in block.typed:
            self._choose(qid, matcher, line, chosen, troubles)
        if troubles or not chosen:
            return None, troubles
        if qid in self.multiple:
            return chosen, []
        if len(chosen) > 1:
            labels = ", ".join(repr(matcher.label_of(v)) for v in chosen)
            message = f"{self._title(qid)}: several options are chosen ({labels}); choose one"
            return None, [ReplyProblem("several_options", message, qid)]
        return chosen[0], []

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
        question = self.consultation.by_id.get(qid)
        return f"Question {key(question)}" if question else qid


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
