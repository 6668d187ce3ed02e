"""The submit service: the one path every channel (web, email, cli, paper) takes.

It finds the respondent from the token, checks the consultation is open at the instant that
counts, cleans and validates the answers with the engine, stores ``clean(answers)`` as the
respondent's next version, and then fires the ``surveykit_submitted`` hook.  Refusals raise a
:class:`~surveykit.errors.SurveykitError` subclass before anything is stored.

The instant that counts is *now* for the web and the command line, and when the answers were
*received* for paper and email, so a letter that arrived before the closing date but is keyed in
afterwards still counts.  Both times are recorded.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal

from attrs import field, frozen

from .characters import CONTROL_CODE
from .engine import Engine
from .errors import AnswersRejected, ClosedError, DetailsError, LinkError, SubmissionError
from .i18n import Phrase, mark, phrase, spoken_date
from .identity import Respondent, Secret, Token, bind_secret
from .known import with_roster_answers
from .model import Consultation
from .people import check_person, normal_email
from .plugins import Plugins, get_plugins
from .storage import CHANNELS, Draft, Grant, NewSubmission, Store, Submission, utc

__all__ = [
    "RECEIVED_CHANNELS",
    "Clock",
    "IssuedLink",
    "KnownRespondent",
    "Opening",
    "Receipt",
    "SubmitService",
    "system_clock",
]

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
#: Where an instant falls against a consultation's window.
Opening = Literal["open", "not_yet", "closed"]
#: Channels whose answers may arrive some time before they are entered: judged by ``received_at``.
RECEIVED_CHANNELS = ("paper", "email")
SELF_SERVICE_ROLE = "other"


def system_clock() -> dt.datetime:
    """The current instant, timezone-aware."""
    return dt.datetime.now(dt.UTC)


@frozen
class Receipt:
    """What a submitter is told: the stored submission and whether it replaced an earlier one."""

    submission: Submission
    respondent: Respondent

    @property
    def version(self) -> int:
        return self.submission.version

    @property
    def replaced(self) -> bool:
        """Whether an earlier response existed; it is kept in the history but no longer counts."""
        return self.submission.version > 1


@frozen
class IssuedLink:
    """A new respondent and the clear token of their link: hand it over once, then forget it."""

    respondent: Respondent
    token: Token


@frozen(repr=False)
class KnownRespondent:
    """Stands in for a link when the caller already knows who answered.

    An officer keying in a letter, or accepting an emailed reply, knows the respondent but holds
    no link for them.  Whoever builds one vouches for the identity, so only code acting for the
    consultation's own staff (the command line, the review queue) should; a respondent-facing
    channel always authenticates with the link's token.
    """

    respondent_id: str
    #: The respondent's record, when the caller has it already (saves reading it again).
    respondent: Respondent | None = field(default=None, eq=False)

    def __repr__(self) -> str:
        return "KnownRespondent(<hidden>)"


#: What the service accepts as proof of who is answering.
Credential = Token | str | KnownRespondent


def _closing(consultation: Consultation) -> Phrase:
    """The closing time as people say it, ``Metadata.closing_text`` as a phrase: "Friday 13
    March 2015, end of day" (or ", 17:00" when the spec gives a time)."""
    closes = consultation.metadata.closes
    day = spoken_date(closes if closes.__class__ is dt.date else closes.date(), weekday=True)
    if isinstance(closes, dt.datetime):
        return phrase("{day}, {time}", day=day, time=closes.strftime("%H:%M"))
    return phrase("{day}, end of day", day=day)


#: What a refusal adds about what did (not) happen, as the service's own callers say it.
_OUTCOMES = {
    "no link was created": mark("no link was created"),
    "the draft was not saved": mark("the draft was not saved"),
    "drafts can no longer be opened": mark("drafts can no longer be opened"),
    "the response was not stored": mark("the response was not stored"),
}


def _local(when: dt.datetime, consultation: Consultation) -> str:
    meta = consultation.metadata
    return f"{when.astimezone(meta.zone):%Y-%m-%d %H:%M} ({meta.timezone})"


class SubmitService:
    """Submissions, drafts and self-service links for one consultation in one store.

    ``clock`` returns the current aware instant; tests pass a fixed one.  The store must have been
    set up with ``secret`` (or be new), otherwise :class:`~surveykit.errors.SecretError`.
    """

    def __init__(
        self,
        consultation: Consultation,
        store: Store,
        secret: Secret,
        *,
        clock: Clock = system_clock,
        plugins: Plugins | None = None,
        engine: Engine | None = None,
    ) -> None:
        bind_secret(store, secret)
        self.consultation = consultation
        self.store = store
        self.secret = secret
        self.clock = clock
        self.plugins = plugins or get_plugins()
        self.engine = engine or Engine(consultation, kinds=self.plugins.kinds)
        # The window in UTC, worked out once: every draft and page asks whether it is open.
        meta = consultation.metadata
        self._opens_at = None if meta.opens_at is None else utc(meta.opens_at)
        self._closes_at = utc(meta.closes_at)
        self._deferred = threading.local()

    @property
    def consultation_id(self) -> str:
        return self.consultation.metadata.id

    def now(self) -> dt.datetime:
        return utc(self.clock())

    def opening(self, instant: dt.datetime | None = None) -> Opening:
        """Whether the consultation takes answers at ``instant`` (default: now, by the clock)."""
        instant = self.now() if instant is None else instant
        if self._opens_at is not None and instant < self._opens_at:
            return "not_yet"
        return "open" if instant < self._closes_at else "closed"

    # Links ----------------------------------------------------------------------------------

    def authenticate(self, token: Credential) -> Respondent:
        """The respondent whose live link holds ``token``, or :class:`LinkError`.

        A :class:`KnownRespondent` is taken at its word, provided it is one of this
        consultation's respondents.
        """
        if isinstance(token, KnownRespondent):
            return self._known(token)
        token = token if isinstance(token, Token) else Token.parse(token)
        token_hash = self.secret.hash(token)
        record = self.store.lookup_token(token_hash)
        if (
            record is None
            or not hmac.compare_digest(record.token_hash, token_hash)
            or record.respondent.consultation != self.consultation_id
        ):
            raise LinkError(
                phrase(
                    "this link is not recognised: check it was copied in full, or ask for a new one"
                )
            )
        if not record.live:
            raise LinkError(
                phrase(
                    "this link has been replaced by a newer one: use the most recent link you "
                    "were sent"
                )
            )
        return record.respondent

    def _known(self, known: KnownRespondent) -> Respondent:
        respondent = known.respondent
        if respondent is None or respondent.id != known.respondent_id:
            respondent = self.store.respondent(known.respondent_id)
        if respondent is None or respondent.consultation != self.consultation_id:
            raise LinkError("that respondent is not one of this consultation's respondents")
        return respondent

    def request_link(
        self,
        *,
        authority: str = "",
        authority_type: str = "",
        name: str = "",
        email: str = "",
        consent: str | None = None,
    ) -> IssuedLink:
        """Self-service: a new respondent of role ``other`` with these details, and their token.

        Always a new respondent, even if the details match a roster person's: anyone can type
        anyone's name (see :mod:`surveykit.duplicates`).  The email address is stored normalised.
        The authority and its type are needed only where the spec lists ``authority_types``; a
        resident may give no details at all (see :func:`surveykit.people.person_problems`).
        """
        now = self.now()
        self.require_open(now, "no link was created")
        authority, name, email = authority.strip(), name.strip(), email.strip()
        problems = check_person(
            self.consultation,
            authority=authority,
            authority_type=authority_type,
            role=SELF_SERVICE_ROLE,
            name=name,
            email=email,
        )
        if problems:
            raise DetailsError("; ".join(message for _code, message in problems))
        respondent = Respondent(
            consultation=self.consultation_id,
            authority=authority,
            authority_type=authority_type,
            role=SELF_SERVICE_ROLE,
            name=name,
            email=normal_email(email) or "",
            consent=consent,
            origin="self_service",
            created_at=now,
        )
        token = Token.new()
        self.store.grant([Grant(respondent, self.secret.hash(token), now)])
        return IssuedLink(respondent, token)

    # Drafts ---------------------------------------------------------------------------------

    def save_draft(self, token: Credential, answers: Mapping[str, Any]) -> Draft:
        """Keep answers for later ("save and come back"); hidden and unknown answers are dropped."""
        draft = self.draft(token, answers)
        self.store.save_draft(draft)
        return draft

    def draft(self, token: Credential, answers: Mapping[str, Any]) -> Draft:
        """The draft :meth:`save_draft` would keep, checked but not stored: for a caller that
        stores drafts in groups (``Store.save_drafts``).

        A draft may keep an answer that is not acceptable yet (too long, say), but never one
        holding a control character: no store could be trusted to keep it alike.
        """
        respondent = self.authenticate(token)
        now = self.now()
        self.require_open(now, "the draft was not saved")
        checked = self.engine.check(answers)
        unkeepable = [p for p in checked.problems if p.code == CONTROL_CODE]
        if unkeepable:
            raise AnswersRejected(unkeepable)
        return Draft(respondent.id, checked.answers, now)

    def load_draft(self, token: Credential) -> Draft | None:
        """The respondent's saved draft, or ``None``; refused once the consultation has closed."""
        respondent = self.authenticate(token)
        self.require_open(self.now(), "drafts can no longer be opened")
        return self.store.load_draft(respondent.id)

    def response(self, token: Credential) -> Submission | None:
        """The respondent's current response, so a form can say a new one will replace it."""
        return self.store.response(self.authenticate(token).id)

    # Submissions ----------------------------------------------------------------------------

    def submit(
        self,
        token: Credential,
        answers: Mapping[str, Any],
        *,
        channel: str = "web",
        received_at: dt.datetime | None = None,
        message: int | None = None,
    ) -> Receipt:
        """Store ``clean(answers)`` as the respondent's next version, or refuse and store nothing.

        ``received_at`` is for paper and email only: when the answers arrived, which is what the
        closing date is judged by.  It may not be in the future.  ``message`` is the stored
        email message the answers were read from: the store ties the version to it, once.
        A blank the roster can answer (see :mod:`surveykit.known`) takes the roster's value.
        """
        if channel not in CHANNELS:
            raise SubmissionError(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}")
        respondent = self.authenticate(token)
        now = self.now()
        received = self._received(channel, received_at, now)
        self.require_open(received, "the response was not stored", received_at is not None)
        checked = self.engine.check(with_roster_answers(self.consultation, respondent, answers))
        if checked.problems:
            raise AnswersRejected(checked.problems)
        stored = self.store.append_submission(
            NewSubmission(
                consultation=self.consultation_id,
                respondent_id=respondent.id,
                answers=checked.answers,
                channel=channel,
                submitted_at=now,
                received_at=received,
                message=message,
            )
        )
        self._announce(stored)
        return Receipt(stored, respondent)

    def _received(
        self, channel: str, received_at: dt.datetime | None, now: dt.datetime
    ) -> dt.datetime:
        if received_at is None:
            return now
        if channel not in RECEIVED_CHANNELS:
            raise SubmissionError(
                f"a received time is only for {' and '.join(RECEIVED_CHANNELS)} responses; "
                f"{channel} responses are received when they are submitted"
            )
        try:
            received = utc(received_at)
        except ValueError:
            raise SubmissionError("the received time must include a time zone") from None
        if received > now:
            raise SubmissionError(
                f"the received time {_local(received, self.consultation)} is in the future"
            )
        return received

    def require_open(self, instant: dt.datetime, outcome: str, received: bool = False) -> None:
        """Raise :class:`ClosedError`, ending with ``outcome``, unless open at ``instant``."""
        if self.opening(instant) == "open":
            return
        meta = self.consultation.metadata
        said = phrase(outcome) if outcome in _OUTCOMES else outcome
        when = (
            phrase("; it was received {time}", time=_local(instant, self.consultation))
            if received
            else ""
        )
        if meta.opens_at is not None and instant < meta.opens_at:
            msg = phrase(
                "{title} is not open yet: it opens {time}{received}; {outcome}",
                title=meta.title,
                time=_local(meta.opens_at, self.consultation),
                received=when,
                outcome=said,
            )
            raise ClosedError(msg, not_yet=True)
        msg = phrase(
            "{title} closed on {closing} ({timezone}){received}; {outcome}",
            title=meta.title,
            closing=_closing(self.consultation),
            timezone=meta.timezone,
            received=when,
            outcome=said,
        )
        raise ClosedError(msg)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Submit inside the store's :meth:`~surveykit.storage.Store.batch`, announcing each
        submission only once the batch is committed (and none if it is not)."""
        if getattr(self._deferred, "queue", None) is not None:
            yield
            return
        queue: list[Submission] = []
        self._deferred.queue = queue
        try:
            with self.store.batch():
                yield
        finally:
            self._deferred.queue = None
        for submission in queue:
            self._announce(submission)

    def _announce(self, submission: Submission) -> None:
        """Fire ``surveykit_submitted``.  The submission is committed: a failing hook is logged."""
        queue = getattr(self._deferred, "queue", None)
        if queue is not None:
            queue.append(submission)
            return
        try:
            self.plugins.pm.hook.surveykit_submitted(
                consultation=self.consultation, submission=submission
            )
        except Exception:
            log.exception(
                "a surveykit_submitted hook failed after version %d was stored; it stays stored",
                submission.version,
            )
