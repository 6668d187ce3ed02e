"""Several consultations from one app: a finder page at ``/`` and each form under ``/<path>/``.

    from surveykit_html.site import SiteEntry, create_site
    app = create_site(
        [SiteEntry("taking-stock", "taking-stock"), SiteEntry("specs/fire.toml", "fire")],
        "sqlite:///responses.db",
    )

Each consultation is an ordinary web form (:func:`surveykit_html.app.form_app`) built once at
start-up, with its own closing date, links, drafts, session cookie (its own name, ``Path`` and
signing key) and CSRF key, so one consultation's session never authorises another's.  They share
the store, the secret, the compiled templates and, on SQLite, the queue for writes.  A request
finds its consultation by one dictionary look-up of its first path segment, however many are
served.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import AsyncIterator, Sequence
from typing import Any

from attrs import frozen
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from surveykit import Consultation, Plugins, SurveykitError, get_plugins, load_spec
from surveykit.i18n import mark
from surveykit.identity import Secret, load_secret
from surveykit.storage import Store, open_store
from surveykit.submit import Clock, system_clock

from .app import COOKIE_NAME, _CachedStatic, _no_icon, form_app, one_writer_lock
from .config import Limits
from .drafts import DraftWriter
from .language import QUERY, choose, switch_links, words_for
from .rendering import environment, static_versions
from .security import SecurityHeaders
from .state import WebState

__all__ = ["Site", "SiteEntry", "check_places", "create_site"]

#: A consultation's place in the site's web addresses: ``/taking-stock/``.
PATH = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: Paths the site itself uses, so no consultation can be served there.
RESERVED = frozenset({"static", "favicon.ico"})


@frozen
class SiteEntry:
    """One consultation of a site: its spec (or the spec's path or packaged name), its place in
    the site's addresses and an optional demonstration reopening for it alone."""

    consultation: Consultation | str | os.PathLike[str]
    path: str
    open_until: dt.date | None = None


@frozen
class _Form:
    path: str
    app: Starlette
    web: WebState


class Site:
    """The ASGI app: the consultation a request is for, else the site's own pages."""

    def __init__(self, forms: Sequence[_Form], home: Starlette) -> None:
        self.forms = {form.path: form for form in forms}
        self._apps: dict[str, ASGIApp] = {form.path: form.app for form in forms}
        self.home = home
        self.state = home.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            root = scope.get("root_path", "")
            path: str = scope["path"]
            if root and path.startswith(root):
                path = path[len(root) :]
            first, slash, _rest = path[1:].partition("/")
            app = self._apps.get(first)
            if app is not None:
                if not slash:
                    response = RedirectResponse(f"{root}/{first}/", status_code=308)
                    await response(scope, receive, send)
                    return
                # As Starlette's Mount does: the form sees its prefix as its root path.
                child = dict(scope)
                child["app_root_path"] = scope.get("app_root_path", root)
                child["root_path"] = f"{root}/{first}"
                await app(child, receive, send)
                return
        await self.home(scope, receive, send)


def create_site(
    entries: Sequence[SiteEntry],
    store: Store | str,
    *,
    secret: Secret | None = None,
    clock: Clock = system_clock,
    limits: Limits | None = None,
    https_only: bool = False,
    plugins: Plugins | None = None,
    title: str = "Consultations",
    organisation: str | None = None,
) -> Site:
    """Serve every consultation in ``entries`` from one app, on one ``store`` (or its URL).

    ``title`` and ``organisation`` head the finder page.  Arguments otherwise mean what they
    mean to :func:`surveykit_html.create_app`.
    """
    if not entries:
        raise SurveykitError("a site needs at least one consultation to serve")
    plugins = plugins or get_plugins()
    owned = isinstance(store, str)
    opened: Store = open_store(store, plugins=plugins) if isinstance(store, str) else store
    try:
        if secret is None:
            secret = load_secret(opened.secret_file, ephemeral=not opened.persistent)
        forms = _forms(entries, opened, secret, clock, limits, https_only, plugins)
    except BaseException:
        if owned:
            opened.close()
        raise
    finder = _Finder(forms, clock, title, organisation or "", plugins)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if owned:
                opened.close()

    static = StaticFiles(packages=[("surveykit_html", "static")])
    home = Starlette(
        routes=[
            Route("/", finder.page, name="finder"),
            Mount("/static", app=_CachedStatic(static), name="static"),
            Route("/favicon.ico", _no_icon, name="favicon"),
        ],
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={HTTPException: finder.error},
        lifespan=lifespan,
    )
    home.state.forms = {form.path: form.web for form in forms}
    return Site(forms, home)


def check_places(places: Sequence[tuple[str, str]]) -> None:
    """Refuse, in one line, a site whose (path, consultation id) pairs cannot all be served:
    a path that cannot be part of a web address, two under one path, one consultation twice."""
    paths: dict[str, str] = {}
    ids: dict[str, str] = {}
    for path, cid in places:
        if not PATH.fullmatch(path) or path in RESERVED:
            msg = (
                f"{path!r} cannot be a consultation's path: use lower-case letters, digits and "
                "single hyphens (and not 'static')"
            )
            raise SurveykitError(msg)
        if cid in ids:
            msg = f"/{ids[cid]}/ and /{path}/ are the same consultation ({cid}): serve it once"
            raise SurveykitError(msg)
        if path in paths:
            msg = f"{paths[path]} and {cid} would both be served under /{path}/"
            raise SurveykitError(msg)
        paths[path], ids[cid] = cid, path


def _forms(
    entries: Sequence[SiteEntry],
    store: Store,
    secret: Secret,
    clock: Clock,
    limits: Limits | None,
    https_only: bool,
    plugins: Plugins,
) -> list[_Form]:
    write_lock = one_writer_lock(store)
    drafts: DraftWriter | None = None
    kinds = plugins.kinds
    consultations = [
        c if isinstance(c := e.consultation, Consultation) else load_spec(c, kinds=kinds)
        for e in entries
    ]
    check_places([(e.path, c.metadata.id) for e, c in zip(entries, consultations, strict=True)])
    forms: list[_Form] = []
    for entry, consultation in zip(entries, consultations, strict=True):
        path, cid = entry.path, consultation.metadata.id
        app = form_app(
            consultation,
            store,
            secret,
            clock=clock,
            open_until=entry.open_until,
            limits=limits,
            https_only=https_only,
            plugins=plugins,
            cookie_name=f"{COOKIE_NAME}_{path.replace('-', '_')}",
            cookie_path=f"/{path}/",
            key_scope=f"consultation {cid} at /{path}/",
            write_lock=write_lock,
            drafts=drafts,
        )
        drafts = app.state.web.drafts
        forms.append(_Form(path, app, app.state.web))
    return forms


#: The finder's groups: the opening status, the heading and what an empty group says.
_GROUPS = (
    ("open", mark("Open"), mark("No consultation is open at the moment.")),
    ("not_yet", mark("Opening soon"), mark("No consultation is due to open.")),
    ("closed", mark("Closed"), mark("No consultation has closed yet.")),
)


class _Finder:
    """The finder page: every consultation, grouped by whether it takes answers now.

    It is offered in every language some consultation is offered in (the first consultation's
    own first), with the language switch where there are several: each consultation is shown
    in the chosen language where it offers it, its link leading into it in that language, and
    otherwise in its own, marked with its ``lang``."""

    def __init__(
        self,
        forms: Sequence[_Form],
        clock: Clock,
        title: str,
        organisation: str,
        plugins: Plugins | None = None,
    ):
        self.forms = forms
        self.clock = clock
        self.title = title
        self.organisation = organisation
        self.plugins = plugins
        self.languages = tuple(
            dict.fromkeys(lang for form in forms for lang in form.web.consultation.languages)
        ) or ("en",)
        self.envs: dict[str, Any] = {}
        self.versions = static_versions()

    def _env(self, lang: str) -> Any:
        env = self.envs.get(lang)
        if env is None:
            env = self.envs[lang] = environment(words_for(lang, self.plugins))
        return env

    def _render(self, request: Request, template: str, status: int, **context: Any) -> Response:
        root = request.scope.get("root_path", "")
        versions = self.versions
        lang = choose(request, self.languages)

        def static(name: str) -> str:
            return f"{root}/static/{name}?v={versions[name]}"

        html = (
            self._env(lang)
            .get_template(template)
            .render(
                title=self.title,
                organisation=self.organisation,
                home=f"{root}/",
                static=static,
                languages=switch_links(request, lang, self.languages),
                **context,
            )
        )
        return HTMLResponse(html, status_code=status)

    async def page(self, request: Request) -> Response:
        root = request.scope.get("root_path", "")
        lang = choose(request, self.languages)
        groups: dict[str, list[dict[str, Any]]] = {status: [] for status, _, _ in _GROUPS}
        for form in self.forms:
            web = form.web
            offered = web.consultation.languages
            shown = lang if lang in offered else web.consultation.text_language
            meta = web.localised(shown).consultation.metadata
            status = web.opening()
            query = f"?{QUERY}={shown}" if len(offered) > 1 else ""
            groups[status].append(
                {
                    "url": f"{root}/{form.path}/{query}",
                    "meta": meta,
                    "lang": shown,
                    "opens": web.opens_text(lang if lang in offered else None),
                    "demo": web.demo,
                    "order": meta.opens_at if status == "not_yet" else meta.closes_at,
                }
            )
        for status, items in groups.items():
            # Open: closing soonest first; opening soon: opening soonest; closed: latest first.
            items.sort(key=lambda item: item["order"], reverse=status == "closed")
        shown_groups = [
            (status, heading, empty, groups[status]) for status, heading, empty in _GROUPS
        ]
        return self._render(request, "finder.html", 200, groups=shown_groups, count=len(self.forms))

    async def error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            heading = mark("Page not found")
            text = mark(
                "If you typed the web address, check it is correct. If you pasted it, check you "
                "copied the whole address."
            )
        else:
            heading, text = mark("This page cannot do that"), mark("Go back and try again.")
        return self._render(
            request, "site_message.html", exc.status_code, heading=heading, text=text
        )
