"""Turning a page's facts into HTML: one Jinja environment, autoescaped, strict about names.

Templates live in the package (``templates/``).  Every page gets the consultation's metadata,
the demonstration banner's facts, a CSRF token for its forms and helpers for links, so a
template never builds a URL by hand and the app still works when mounted under a prefix.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from collections.abc import Hashable
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from surveykit import Consultation, SurveykitError

from .config import Demonstration
from .paths import Paths
from .prose import render_prose
from .sessions import WebKeys

__all__ = ["STATIC_FILES", "Pages", "environment", "static_versions"]

#: The built assets every page links to; missing ones mean the set-up step was not run.
STATIC_FILES = ("surveykit.css", "govuk-frontend.min.js", "surveykit.mjs")
#: How many shared pages (see :meth:`Pages.render_shared`) are kept before the cache starts over.
SHARED_PAGES_MAX = 4096


def static_versions() -> dict[str, str]:
    """A short content hash per asset, for cache-busting URLs; fails clearly if not built."""
    folder = resources.files("surveykit_html") / "static"
    versions = {}
    for name in STATIC_FILES:
        path = folder / name
        if not path.is_file():
            msg = (
                f"the web form's assets are not built ({name} is missing from {folder}): "
                "install surveykit from a wheel built by `python -m build`, which compiles "
                "them, or run `make assets` in a clone of the repository"
            )
            raise SurveykitError(msg)
        versions[name] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return versions


@pass_context
def _when(context: Context, instant: dt.datetime) -> str:
    """An instant as people read it, in the consultation's time zone: 2 March 2015, 10:14."""
    local = instant.astimezone(context["meta"].zone)
    return f"{local.day} {local:%B %Y at %H:%M}"


@functools.cache
def environment() -> Environment:
    """The one Jinja environment of the process: every consultation served shares its compiled
    templates, so twenty consultations cost no more to render than one."""
    env = Environment(
        loader=PackageLoader("surveykit_html", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["prose"] = render_prose
    env.filters["when"] = _when
    return env


class Pages:
    """Renders the templates for one consultation (its metadata and banner go in each page)."""

    def __init__(
        self,
        consultation: Consultation,
        demo: Demonstration | None,
        keys: WebKeys,
        versions: dict[str, str],
    ) -> None:
        self.consultation = consultation
        self.keys = keys
        self.versions = versions
        self.env = environment()
        self.meta = consultation.metadata
        self.demo = demo
        self.paths = Paths()
        self._chromes: dict[str, dict[str, Markup]] = {}
        # Kept encoded and split where the CSRF token goes, so a request only joins bytes.
        self._shared: dict[Hashable, tuple[bytes, ...]] = {}
        # Stands in for the CSRF token in shared pages: random, so no answer or spec text can
        # contain it by accident or design.
        self._csrf_hole = f"csrf-hole-{secrets.token_hex(16)}"

    def _chrome(self, request: Request, url: Any, static: Any) -> dict[str, Markup]:
        """The head, header and footer for this mount point, rendered on first use."""
        root = request.scope.get("root_path", "")
        chrome = self._chromes.get(root)
        if chrome is None:
            module = self.env.get_template("_chrome.html").make_module(
                {"url": url, "static": static, "meta": self.meta, "demo": self.demo}
            )
            chrome = {"head": module.head(), "top": module.top(), "bottom": module.bottom()}
            if len(self._chromes) < 64:
                self._chromes[root] = chrome
        return chrome

    def render(
        self, request: Request, template: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        return HTMLResponse(self._html(request, template, context), status_code=status)

    def render_shared(
        self, request: Request, template: str, key: Hashable, status: int = 200, **context: Any
    ) -> HTMLResponse:
        """A page that is the same for everyone but for the CSRF token: rendered once per key.

        ``key`` must determine ``context`` completely (the caller's promise).  The page is
        rendered with a random placeholder where the token goes, kept, and each request gets a
        copy with its own session's token put in.  Question pages are the busiest pages and most
        are shown unanswered or with one of a few options chosen, so this skips the template for
        nearly every view.
        """
        full_key = (template, request.scope.get("root_path", ""), key)
        parts = self._shared.get(full_key)
        if parts is None:
            html = self._html(request, template, {**context, "csrf_token": self._csrf_hole})
            parts = tuple(piece.encode() for piece in html.split(self._csrf_hole))
            if len(self._shared) >= SHARED_PAGES_MAX:
                self._shared.clear()
            self._shared[full_key] = parts
        token = self.keys.csrf_token(request.session).encode()
        return HTMLResponse(token.join(parts), status_code=status)

    def _html(self, request: Request, template: str, context: dict[str, Any]) -> str:
        paths = self.paths

        def url(name: str, query: str = "", **params: Any) -> str:
            path = paths(request, name, **params)
            return f"{path}?{query}" if query else path

        def static(name: str) -> str:
            return f"{url('static', path=name)}?v={self.versions[name]}"

        values = {
            "meta": self.meta,
            "demo": self.demo,
            "request": request,
            "url": url,
            "static": static,
            "chrome": self._chrome(request, url, static),
            "csrf_token": _LazyToken(self.keys, request),
            "errors": [],
        }
        values.update(context)
        return self.env.get_template(template).render(values)


class _LazyToken:
    """The session's CSRF token, made only if a template prints it.

    Pages without forms then leave the session alone and send no cookie, so an unknown-link page
    looks the same whoever asks for it.
    """

    def __init__(self, keys: WebKeys, request: Request) -> None:
        self._keys = keys
        self._request = request

    def __str__(self) -> str:
        return self._keys.csrf_token(self._request.session)

    def __html__(self) -> str:
        return str(self)
