"""The ASGI app factory: one consultation's web form, ready to serve or to mount in a site.

    from surveykit_html import create_app
    app = create_app("specs/taking_stock.toml", "sqlite:///taking-stock.db")

Mount it under a prefix with Starlette's ``Mount("/consult", app=app)`` (or any ASGI router):
every link the pages make is relative to where the app is mounted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from surveykit import Consultation, Engine, Plugins, SurveykitError, get_plugins, load_spec
from surveykit.i18n import mark
from surveykit.identity import Secret, load_secret
from surveykit.storage import Store, open_store, scheme_of
from surveykit.submit import Clock, system_clock

from .config import Limits, reopen_until
from .cookies import SessionCookie
from .drafts import DraftWriter
from .flow import Flow
from .forms import FormRefused
from .links import enter, get_link
from .pages import check, confirmation, message, not_found, overview, question_page, saved, start
from .ratelimit import SlidingWindow
from .rendering import Pages, static_versions
from .security import BodyLimit, SecurityHeaders
from .sessions import SessionSubmitService, WebKeys
from .state import WebState

__all__ = ["COOKIE_NAME", "EXCEPTION_HANDLERS", "create_app", "form_app", "one_writer_lock"]

COOKIE_NAME = "surveykit_session"
_STATIC_CACHE = b"public, max-age=31536000, immutable"


class _CachedStatic:
    """Static files, cached for a year when the URL carries a content hash (``?v=``).

    A file fetched without one (a script importing another) is revalidated instead.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        versioned = b"v=" in scope.get("query_string", b"")
        policy = _STATIC_CACHE if versioned else b"no-cache"

        async def send_cached(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 304):
                message["headers"] = [*message.get("headers", []), (b"cache-control", policy)]
            await send(message)

        await self.app(scope, receive, send_cached)


def create_app(
    consultation: Consultation | str | os.PathLike[str],
    store: Store | str,
    *,
    secret: Secret | None = None,
    clock: Clock = system_clock,
    open_until: dt.date | None = None,
    limits: Limits | None = None,
    https_only: bool = False,
    plugins: Plugins | None = None,
    cookie_name: str = COOKIE_NAME,
    cookie_path: str = "/",
) -> Starlette:
    """Build the web form for ``consultation`` (a spec or its path) on ``store`` (or its URL).

    ``secret`` defaults to the deployment secret (``SURVEYKIT_SECRET`` or the store's secret
    file).  ``clock`` is the one source of time for pages and submissions alike.
    ``open_until`` reopens a closed consultation for a demonstration, with a banner on every
    page.  The session cookie is ``Secure`` on every request that arrived over HTTPS (behind a
    proxy, as ``X-Forwarded-Proto`` says); ``https_only`` marks it so on plain HTTP too.  Set
    ``cookie_path`` to the mount prefix when the site serves other apps.  A store given as a URL
    is opened here and closed when the app shuts down; a store object stays the caller's.
    To serve several consultations from one app, see :func:`surveykit_html.site.create_site`.
    """
    plugins = plugins or get_plugins()
    owned = isinstance(store, str)
    opened: Store = open_store(store, plugins=plugins) if isinstance(store, str) else store
    try:
        if secret is None:
            secret = load_secret(opened.secret_file, ephemeral=not opened.persistent)
        return form_app(
            consultation,
            opened,
            secret,
            clock=clock,
            open_until=open_until,
            limits=limits,
            https_only=https_only,
            plugins=plugins,
            cookie_name=cookie_name,
            cookie_path=cookie_path,
            write_lock=one_writer_lock(opened),
            close_store=owned,
        )
    except BaseException:
        if owned:
            opened.close()
        raise


def form_app(
    consultation: Consultation | str | os.PathLike[str],
    store: Store,
    secret: Secret,
    *,
    clock: Clock = system_clock,
    open_until: dt.date | None = None,
    limits: Limits | None = None,
    https_only: bool = False,
    plugins: Plugins | None = None,
    cookie_name: str = COOKIE_NAME,
    cookie_path: str = "/",
    key_scope: str = "",
    write_lock: threading.Lock | None = None,
    drafts: DraftWriter | None = None,
    close_store: bool = False,
) -> Starlette:
    """One consultation's web form on an open store: :func:`create_app` without the set-up.

    A site serving several consultations builds each with this, sharing the store, the secret,
    the ``write_lock`` and the ``drafts`` writer; ``key_scope`` gives each its own session and
    CSRF keys.
    """
    plugins = plugins or get_plugins()
    if not isinstance(consultation, Consultation):
        consultation = load_spec(consultation, kinds=plugins.kinds)
    demo = None
    if open_until is not None:
        consultation, demo = reopen_until(consultation, open_until)
    limits = limits or Limits()
    engine = Engine(consultation, kinds=plugins.kinds)
    service = SessionSubmitService(
        consultation, store, secret, clock=clock, plugins=plugins, engine=engine
    )
    keys = WebKeys(secret, key_scope)
    web = WebState(
        consultation=consultation,
        engine=engine,
        flow=Flow(engine, plugins.kinds),
        service=service,
        pages=Pages(consultation, demo, keys, static_versions(), plugins),
        keys=keys,
        limits=limits,
        demo=demo,
        kinds=plugins.kinds,
        token_guard=SlidingWindow(limits.token_failures, limits.token_window_seconds),
        link_guard=SlidingWindow(limits.self_service_links, limits.self_service_window_seconds),
        write_lock=write_lock,
        **({} if drafts is None else {"drafts": drafts}),
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if close_store:
                store.close()

    app = Starlette(
        routes=_routes(),
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(BodyLimit, max_bytes=limits.max_body_bytes),
            Middleware(
                SessionCookie,
                key=keys.cookie_key,
                cookie_name=cookie_name,
                max_age=limits.session_max_age,
                path=cookie_path,
                https_only=https_only,
            ),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.web = web
    return app


def one_writer_lock(store: Store) -> threading.Lock | None:
    """A lock to queue writes behind when the store takes one writer at a time."""
    return threading.Lock() if _one_writer(store) else None


def _one_writer(store: Store) -> bool:
    """Whether the store takes one writer at a time, so the app should queue its writes."""
    try:
        return scheme_of(store.url) == "sqlite"
    except SurveykitError:
        return False


def _routes() -> list[Route | Mount]:
    both = ["GET", "POST"]
    static = StaticFiles(packages=[("surveykit_html", "static")])
    return [
        # The busiest first: routes are tried in order.
        Route("/questions/{question_id}", question_page, methods=both, name="question"),
        Route("/", start, name="start"),
        Route("/r/{token}", enter, name="enter"),
        Route("/get-a-link", get_link, methods=both, name="get_link"),
        Route("/your-response", overview, name="overview"),
        Route("/check-answers", check, methods=both, name="check"),
        Route("/confirmation", confirmation, name="confirmation"),
        Route("/saved", saved, name="saved"),
        Mount("/static", app=_CachedStatic(static), name="static"),
        Route("/favicon.ico", _no_icon, name="favicon"),
    ]


async def _no_icon(_request: Request) -> Response:
    """Browsers ask for an icon; answering "none" keeps 404s out of their consoles."""
    return Response(status_code=204, headers={"cache-control": "public, max-age=86400"})


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FormRefused)
    return message(request, exc.status, exc.title, exc.message)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return not_found(request)
    if exc.status_code == 413:
        return message(
            request,
            413,
            mark("What you sent is too long"),
            mark(
                "The form you sent was bigger than this site accepts, so nothing was saved. Go "
                "back, shorten your answer and try again."
            ),
        )
    if exc.status_code == 405:
        return message(
            request, 405, mark("This page cannot do that"), mark("Go back and try again.")
        )
    return message(
        request,
        exc.status_code,
        mark("This form could not be accepted"),
        mark("Nothing was saved. Go back, reload the page and try again."),
    )


async def _server_error(request: Request, exc: Exception) -> Response:
    return message(
        request,
        500,
        mark("Sorry, there is a problem with the service"),
        mark("Your answers up to the last page you completed are saved. Try again later."),
    )


#: How every page of a consultation's web form answers an error.
EXCEPTION_HANDLERS = {FormRefused: _refused, HTTPException: _http_error, 500: _server_error}
