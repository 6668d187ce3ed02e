"""Turning a page's facts into HTML: one Jinja environment per language, autoescaped, strict.

Templates live in the package (``templates/``).  Every page gets the consultation's metadata
(in the page's language), the demonstration banner's facts, the language switch, a CSRF token
for its forms and helpers for links, so a template never builds a URL by hand and the app still
works when mounted under a prefix.  The software's words go through gettext (``_()`` and
``{% trans %}``, see :mod:`.language`); the spec's words come from
:func:`surveykit.translations.localise`, and those left untranslated are marked with their own
``lang`` (the ``spec`` and ``lang_attr`` filters).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from collections.abc import Callable, Hashable, Mapping
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from surveykit import Consultation, SurveykitError
from surveykit.i18n import Translator
from surveykit.translations import localise, missing

from .config import Demonstration
from .language import (
    choose,
    closing_words,
    date_words,
    instant_words,
    question_title,
    switch_links,
    words_for,
)
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


@functools.cache
def environment(words: Translator | None = None) -> Environment:
    """The Jinja environment of one language (``words``; English by default).

    Every consultation served shares its compiled templates, so twenty consultations cost no
    more to render than one.  The software's words go through ``jinja2.ext.i18n`` (``_()`` and
    ``{% trans %}``, whitespace trimmed), bound to this language's catalogue once, here, so no
    request ever swaps the callables of an environment another request is using.
    """
    words = words or words_for("en")
    lang = words.language
    env = Environment(
        loader=PackageLoader("surveykit_html", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(  # type: ignore[attr-defined]
        words.gettext, words.ngettext, newstyle=True, pgettext=words.pgettext
    )

    @pass_context
    def when(context: Context, instant: dt.datetime) -> str:
        """An instant in the consultation's time zone: "2 March 2015 at 10:14"."""
        return instant_words(instant.astimezone(context["meta"].zone), words, lang)

    def closing(closes: dt.date | dt.datetime) -> str:
        """A closing date as ``Metadata.closing_text`` says it, in this language."""
        return closing_words(closes, words, lang)

    def weekday_date(day: dt.date) -> str:
        """A date with its day of the week: "Tuesday 31 December 2030"."""
        return date_words(day, lang, weekday=True)

    def title(question: Any) -> str:
        """ "Question 13" in this language."""
        return question_title(question, words)

    def say(text: Any) -> str:
        """A :class:`~.language.Words` (or a marked English message) in this language."""
        return text.say(words) if hasattr(text, "say") else words.gettext(str(text))

    env.filters.update(
        prose=render_prose,
        when=when,
        closing=closing,
        weekday_date=weekday_date,
        question_title=title,
        say=say,
        spec=_spec,
        lang_attr=_lang_attr,
    )
    env.globals["lang"] = lang

    @functools.cache
    def count_i18n() -> Markup:
        """GOV.UK's character count messages (``_kinds.html``'s ``count_i18n``), rendered once:
        eighteen plural forms looked up on every page with a text box were half its cost."""
        return Markup(env.get_template("_kinds.html").module.count_i18n())  # type: ignore[attr-defined]

    env.globals["count_i18n"] = count_i18n
    return env


@pass_context
def _spec(context: Context, text: Any) -> Markup:
    """A text of the spec, in ``<span lang="en">`` when it has no translation into the page's
    language, so a screen reader reads it in the right voice."""
    fallback = context.get("untranslated")
    if fallback and text in fallback[1]:
        return Markup('<span lang="{}">{}</span>').format(fallback[0], text)
    return Markup.escape(text)


@pass_context
def _lang_attr(context: Context, text: Any) -> Markup:
    """`` lang="en"`` for an element holding a text of the spec that has no translation."""
    fallback = context.get("untranslated")
    if fallback and text in fallback[1]:
        return Markup(' lang="{}"').format(fallback[0])
    return Markup("")


class Pages:
    """Renders the templates for one consultation (its metadata and banner go in each page),
    in the language each request asks for."""

    def __init__(
        self,
        consultation: Consultation,
        demo: Demonstration | None,
        keys: WebKeys,
        versions: dict[str, str],
        plugins: Any = None,
    ) -> None:
        self.consultation = consultation
        self.languages = consultation.languages
        self.keys = keys
        self.versions = versions
        self.plugins = plugins
        self.meta = consultation.metadata
        self.demo = demo
        self.paths = Paths()
        self._chromes: dict[tuple[str, str], dict[str, Markup]] = {}
        #: Per language: its environment, localised metadata and untranslated spec texts.
        self._tongues: dict[str, tuple[Environment, Any, tuple[str, frozenset[str]] | None]] = {}
        # Kept encoded and split where the CSRF token goes, so a request only joins bytes.
        self._shared: dict[Hashable, tuple[bytes, ...]] = {}
        # Stands in for the CSRF token in shared pages: random, so no answer or spec text can
        # contain it by accident or design.
        self._csrf_hole = f"csrf-hole-{secrets.token_hex(16)}"

    @property
    def env(self) -> Environment:
        """The environment of the spec's own language (kept for callers that want one)."""
        return self._tongue(self.languages[0])[0]

    def language(self, request: Request) -> str:
        """The language this request's page is in (see :func:`.language.choose`)."""
        return choose(request, self.languages)

    def words(self, request: Request) -> Translator:
        """The software's words in this request's language."""
        return words_for(self.language(request), self.plugins)

    def _tongue(self, lang: str) -> tuple[Environment, Any, tuple[str, frozenset[str]] | None]:
        tongue = self._tongues.get(lang)
        if tongue is None:
            env = environment(words_for(lang, self.plugins))
            kinds = None if self.plugins is None else self.plugins.kinds
            local = localise(self.consultation, lang, kinds)
            fallback = None
            source_lang = self.languages[0]
            if lang != source_lang:
                texts = frozenset(t.text for t in missing(self.consultation, lang, kinds))
                fallback = (source_lang, texts) if texts else None
            tongue = self._tongues[lang] = (env, local.metadata, fallback)
        return tongue

    def _chrome(self, request: Request, lang: str, url: Any, static: Any) -> dict[str, Markup]:
        """The head, header and footer for this mount point and language, made on first use."""
        root = request.scope.get("root_path", "")
        chrome = self._chromes.get((root, lang))
        if chrome is None:
            env, meta, fallback = self._tongue(lang)
            module = env.get_template("_chrome.html").make_module(
                {
                    "url": url,
                    "static": static,
                    "meta": meta,
                    "demo": self.demo,
                    "untranslated": fallback,
                }
            )
            chrome = {"head": module.head(), "top": module.top(), "bottom": module.bottom()}
            if len(self._chromes) < 64:
                self._chromes[(root, lang)] = chrome
        return chrome

    def render(
        self, request: Request, template: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        return _Page(self._html(request, template, context), status_code=status)

    def render_shared(
        self,
        request: Request,
        template: str,
        key: Hashable,
        context: Callable[[], Mapping[str, Any]],
        status: int = 200,
    ) -> HTMLResponse:
        """A page that is the same for everyone but for the CSRF token: rendered once per key.

        ``key`` must determine what ``context()`` returns completely (the caller's promise);
        the language and the language switch's links are added to it here.  ``context`` is
        called only to render the page, so a page already kept costs no context.  The page is
        rendered with a random placeholder where the token goes, kept, and each request gets a
        copy with its own session's token put in.  Question pages are the busiest pages and
        most are shown unanswered or with one of a few options chosen, so this skips the
        template for nearly every view.
        """
        lang = self.language(request)
        switch = (
            tuple(link["href"] for link in switch_links(request, lang, self.languages))
            if len(self.languages) > 1
            else ()
        )
        full_key = (template, request.scope.get("root_path", ""), lang, switch, key)
        parts = self._shared.get(full_key)
        if parts is None:
            html = self._html(request, template, {**context(), "csrf_token": self._csrf_hole})
            parts = tuple(piece.encode() for piece in html.split(self._csrf_hole))
            if len(self._shared) >= SHARED_PAGES_MAX:
                self._shared.clear()
            self._shared[full_key] = parts
        token = self.keys.csrf_token(request.session).encode()
        return _Page(token.join(parts), status_code=status)

    def _html(self, request: Request, template: str, context: dict[str, Any]) -> str:
        paths = self.paths
        lang = self.language(request)
        env, meta, fallback = self._tongue(lang)

        def url(name: str, query: str = "", **params: Any) -> str:
            path = paths(request, name, **params)
            return f"{path}?{query}" if query else path

        def static(name: str) -> str:
            return f"{url('static', path=name)}?v={self.versions[name]}"

        values = {
            "meta": meta,
            "demo": self.demo,
            "request": request,
            "url": url,
            "static": static,
            "chrome": self._chrome(request, lang, url, static),
            "csrf_token": _LazyToken(self.keys, request),
            "errors": [],
            "languages": switch_links(request, lang, self.languages),
            "untranslated": fallback,
        }
        values.update(context)
        return env.get_template(template).render(values)


_HTML_TYPE = (b"content-type", b"text/html; charset=utf-8")


class _Page(HTMLResponse):
    """An HTML page with Starlette's two headers, made directly: every page is one, and the
    general path (which handles any media type and any headers given) was most of the cost of
    handing a kept page out."""

    def init_headers(self, headers: Mapping[str, str] | None = None) -> None:
        if (
            headers is not None
            or self.media_type != HTMLResponse.media_type
            or self.status_code < 200
            or self.status_code in (204, 304)
        ):
            super().init_headers(headers)
            return
        self.raw_headers = [(b"content-length", b"%d" % len(self.body)), _HTML_TYPE]


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
