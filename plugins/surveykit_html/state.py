"""Everything one mounted web form shares between requests, and the helpers pages use with it.

The store is synchronous, so a call that could wait runs in a worker thread (:func:`blocking`),
keeping the event loop free for other respondents.  Two calls on a local SQLite file stay on the
loop because they never wait: a page's one read (WAL readers never wait for writers) and a group
of drafts when no writer holds the database (see :mod:`.drafts`).
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from attrs import Factory, field, frozen
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse

from surveykit import Consultation, Engine, Question, Registry, Section
from surveykit.errors import LinkError
from surveykit.identity import Respondent
from surveykit.known import is_blank, roster_answers
from surveykit.storage import Draft, Submission
from surveykit.submit import Opening
from surveykit.translations import localise

from .config import Demonstration, Limits
from .drafts import DraftWriter
from .flow import Flow
from .language import weekday_instant_words, words_for
from .ratelimit import SlidingWindow
from .rendering import Pages
from .sessions import SessionKey, SessionSubmitService, WebKeys
from .widgets import Widget, widget_for

__all__ = ["Localised", "Visitor", "WebState", "blocking", "redirect"]

T = TypeVar("T")


async def blocking(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a call that may touch the store off the event loop."""
    return await run_in_threadpool(function, *args, **kwargs)


def redirect(url: str) -> RedirectResponse:
    """303 See Other: after a POST the browser fetches the next page with GET."""
    return _SeeOther(url)


#: What Starlette's ``RedirectResponse`` leaves unquoted in a location.
_LOCATION_SAFE = ":/%#?=@[]!$&'()*+,;"


@functools.lru_cache(maxsize=4096)
def _location(url: str) -> bytes:
    """A redirect's ``location`` header value: the app's own paths, so a bounded set."""
    return quote(url, safe=_LOCATION_SAFE).encode("latin-1")


class _SeeOther(RedirectResponse):
    """Starlette's 303 redirect (the same two headers), made directly: every answer ends in
    one, and the general path (headers object, quoting the URL each time) took about 4 µs
    where this takes under 1."""

    def __init__(self, url: str) -> None:
        self.status_code = 303
        self.background = None
        self.body = b""
        self.raw_headers = [(b"content-length", b"0"), (b"location", _location(url))]


@frozen
class Visitor:
    """A respondent with a live session, and where their answers stand."""

    key: SessionKey
    respondent: Respondent
    draft: Draft | None
    response: Submission | None
    #: What the roster says about them, as answers (:mod:`surveykit.known`): shown until they
    #: answer otherwise, as the submit service fills those blanks.
    known: dict[str, Any] = field(factory=dict)

    @property
    def answers(self) -> dict[str, Any]:
        """The answers to show: the saved draft, else the latest response, else none, with each
        blank the roster can answer filled from it."""
        if self.draft is not None:
            answers = dict(self.draft.answers)
        elif self.response is not None:
            answers = dict(self.response.answers)
        else:
            answers = {}
        for qid, value in self.known.items():
            if is_blank(answers.get(qid)):
                answers[qid] = value
        return answers


@frozen
class Localised:
    """The consultation in one language, with what pages build from it: its engine (so an
    answer typed with the language's own unit is read), its flow (for check your answers), and
    each question's widget, section and parts.  Ids and option values are the same in every
    language, so what is stored never depends on it."""

    lang: str
    consultation: Consultation
    engine: Engine
    flow: Flow
    widgets: dict[str, Widget]
    sections: dict[str, Section]
    parts: dict[str, Question]


@frozen
class WebState:
    """One consultation's web form: its service, pages, keys, limits and rate limiters."""

    consultation: Consultation
    engine: Engine
    flow: Flow
    service: SessionSubmitService
    pages: Pages
    keys: WebKeys
    limits: Limits
    demo: Demonstration | None
    kinds: Registry[Any]
    token_guard: SlidingWindow
    link_guard: SlidingWindow
    #: Held around writes when the store takes one writer at a time (SQLite): writers then
    #: queue here in turn instead of polling the database's lock with growing sleeps.
    write_lock: threading.Lock | None = None
    #: Stores drafts a group at a time; the consultations of one site share one, so answers
    #: posted at the same moment to different consultations are still written together.
    drafts: DraftWriter = field(
        default=Factory(
            lambda self: DraftWriter(self.service.store, self.write_lock, self.write),
            takes_self=True,
        ),
    )
    #: How each question is asked (its page's fields), by question id.
    widgets: dict[str, Widget] = field(
        init=False,
        default=Factory(
            lambda self: {q.id: widget_for(q, self.kinds) for q in self.consultation.questions},
            takes_self=True,
        ),
    )
    #: Every part (a question, a grid's row, an "other" option's words), by answer key.
    parts: dict[str, Question] = field(
        init=False,
        default=Factory(lambda self: {p.id: p for p in self.engine.parts}, takes_self=True),
    )
    #: Each question's section, by question id, for page captions.
    sections: dict[str, Section] = field(
        init=False,
        default=Factory(
            lambda self: {q.id: s for s in self.consultation.sections for q in s.questions},
            takes_self=True,
        ),
    )

    #: Each language's :class:`Localised`, made on first use.
    _localised: dict[str, Localised] = field(init=False, factory=dict)

    def localised(self, lang: str) -> Localised:
        """The consultation and its pages' parts in ``lang`` (one of its languages)."""
        found = self._localised.get(lang)
        if found is None:
            if lang == self.consultation.text_language:
                found = Localised(
                    lang,
                    self.consultation,
                    self.engine,
                    self.flow,
                    self.widgets,
                    self.sections,
                    self.parts,
                )
            else:
                local = localise(self.consultation, lang, self.kinds)
                engine = Engine(local, kinds=self.kinds)
                found = Localised(
                    lang,
                    local,
                    engine,
                    Flow(engine, self.kinds),
                    {q.id: widget_for(q, self.kinds) for q in local.questions},
                    {q.id: s for s in local.sections for q in s.questions},
                    {p.id: p for p in engine.parts},
                )
            self._localised[lang] = found
        return found

    def here(self, request: Request) -> Localised:
        """The consultation in this request's language."""
        return self.localised(self.pages.language(request))

    async def write(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a call that writes to the store, in a worker thread, one at a time if need be."""
        lock = self.write_lock
        if lock is None:
            return await blocking(function, *args, **kwargs)

        def serialised() -> T:
            with lock:
                return function(*args, **kwargs)

        return await blocking(serialised)

    async def save_draft(self, key: SessionKey, answers: dict[str, Any]) -> Draft:
        """Save a page's answers: checked here, then stored with the other drafts posted at
        the same moment (see :mod:`.drafts`)."""
        draft = self.service.draft(key, answers)
        await self.drafts.save(draft)
        return draft

    def opening(self) -> Opening:
        """Whether the consultation takes answers now, by the service's (injectable) clock."""
        return self.service.opening()

    def opens_text(self, lang: str | None = None) -> str:
        """When the consultation opens, in ``lang`` (the spec's own by default)."""
        opens_at = self.consultation.metadata.opens_at
        if opens_at is None:
            return ""
        local = opens_at.astimezone(self.consultation.metadata.zone)
        lang = lang or self.consultation.text_language
        return weekday_instant_words(local, words_for(lang, self.pages.plugins), lang)

    def control(self, question: Question) -> str:
        """How a question is asked: radios, checkboxes, a textarea, a date input... (see
        :class:`~.widgets.Widget`)."""
        return self.widgets[question.id].control

    def owner(self, key: str) -> Question | None:
        """The question an answer key belongs to: ``q8`` for ``q8.parks``."""
        return self.consultation.by_id.get(key.partition(".")[0])

    def url(self, request: Request, name: str, **params: Any) -> str:
        """A path inside this app that survives mounting under a prefix."""
        return self.pages.paths(request, name, **params)

    def question_url(self, request: Request, question: Question | None) -> str:
        if question is None:
            return self.url(request, "check")
        return self.url(request, "question", question_id=question.id)

    def visitor_sync(self, key: SessionKey) -> Visitor | None:
        """The session's respondent and their draft and response, or ``None`` if not live."""
        try:
            visit = self.service.visit(key)
        except LinkError:
            return None
        respondent = visit.token.respondent
        known = roster_answers(self.consultation, respondent)
        return Visitor(key, respondent, visit.draft, visit.response, known)

    async def visitor(self, request: Request) -> Visitor | None:
        key = SessionKey.from_session(request.session)
        if key is None:
            return None
        if self.write_lock is not None:
            # A local SQLite file answers these reads in well under a millisecond, and WAL
            # readers never wait for writers: cheaper than handing the call to a thread.
            return self.visitor_sync(key)
        return await blocking(self.visitor_sync, key)

    def now(self) -> dt.datetime:
        return self.service.now()
