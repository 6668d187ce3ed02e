"""Every word the web form shows comes from its catalogue: a made-up language (``qps``, a
private-use tag, as Microsoft's ``qps-ploc`` pseudo-locale) whose catalogue wraps each English
message in ⟦ ⟧ is registered by a plugin, and every visible text of every page is then either
wrapped or the spec's own text.  A string a template or page builds without gettext shows
bare, and this test names it."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from langtools import IN_WINDOW, bilingual_copy
from starlette.testclient import TestClient
from webtools import Clock, csrf_of

from pseudolocale import PSEUDO, WRAPPED, catalogue_plugin, pseudo_catalogues, spec_lines
from surveykit import Plugins, get_plugins, load_spec
from surveykit.i18n import CORE_DOMAIN, CORE_LOCALE, catalogues_in
from surveykit.identity import Secret
from surveykit.storage import open_store
from surveykit_html import create_app

#: Elements whose text is not the software's words: a link shown to be copied, and the language
#: switch (each language's own name).
NOT_WORDS = ("unique-link",)
NOT_WORDS_CLASSES = ("app-language-select",)
#: Inline elements a message may hold (a link, code): their text is part of the sentence.
INLINE = re.compile(r"</?(?:a|code)(?:\s[^>]*)?>")
#: A text in another language inside a sentence (an untranslated spec text): a word apart.
OTHER_TONGUE = re.compile(r'<span lang="[^"]+">[^<]*</span>')
#: Attributes whose values a person hears or reads.
SPOKEN = ("aria-label", "title", "alt", "placeholder")


class _Texts(HTMLParser):
    """A page's visible texts and spoken attributes, each with the language in force."""

    VOID = frozenset({"meta", "link", "input", "br", "img", "hr", "path", "source"})

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.stack: list[tuple[str, str, bool]] = [("", lang, False)]
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        _, lang, skip = self.stack[-1]
        lang = values.get("lang") or lang
        skip = (
            skip
            or tag in ("script", "style")
            or values.get("id") in NOT_WORDS
            or values.get("class") in NOT_WORDS_CLASSES
        )
        for name, value in attrs:
            if value and (name in SPOKEN or name.startswith("data-i18n")):
                self.found.append((value, lang))
        if tag not in self.VOID:
            self.stack.append((tag, lang, skip))

    def handle_endtag(self, tag):
        while len(self.stack) > 1:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        _, lang, skip = self.stack[-1]
        if not skip and data.strip():
            self.found.append((data, lang))


@pytest.fixture(scope="module")
def pseudo(tmp_path_factory):
    """The bilingual example offered in English, Welsh and the pseudo-language too, its
    plugins and the spec texts that may show bare."""
    folder = tmp_path_factory.mktemp("pseudo")
    # Every domain's words in the pseudo-language: the web form's, and the core's and the
    # kinds' answer problems it shows.
    english = [
        c
        for c in (
            *catalogues_in(CORE_LOCALE, CORE_DOMAIN),
            *get_plugins().catalogues.items.values(),
        )
        if c.language == "en"
    ]
    assert "surveykit_html" in {c.domain for c in english}
    pseudos = pseudo_catalogues(english, folder / "locale")
    spec = bilingual_copy(folder)
    text = spec.read_text(encoding="utf-8")
    spec.write_text(
        text.replace('languages = ["en", "cy"]', f'languages = ["en", "cy", "{PSEUDO}"]')
    )
    plugins = Plugins()
    plugins.load_entry_points()
    plugins.register(catalogue_plugin(pseudos))
    consultation = load_spec(spec, kinds=plugins.kinds)
    assert consultation.languages == ("en", "cy", PSEUDO)
    spec_texts = spec_lines(consultation, plugins.kinds)
    return consultation, plugins, spec_texts


def _bare(html: str, spec_texts: list[str]) -> list[str]:
    """The texts on a page in the pseudo-language that are neither wrapped nor the spec's."""
    parser = _Texts(PSEUDO)
    parser.feed(OTHER_TONGUE.sub("0", INLINE.sub("", html)))
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title, "a page without a title"
    bare = []
    for text, lang in parser.found:
        if lang != PSEUDO:  # deliberately another language: the switch, an untranslated text
            continue
        left = text
        while WRAPPED.search(left):
            left = WRAPPED.sub(" ", left)
        for spec_text in spec_texts:
            left = left.replace(spec_text, " ")
        if re.search(r"[^\W\d_]", left):
            bare.append(text.strip())
    return bare


def _app(consultation, plugins, store, now=IN_WINDOW):
    return create_app(
        consultation, store, secret=Secret.generate(), clock=Clock(now), plugins=plugins
    )


def test_every_text_of_every_page_comes_from_the_catalogue(pseudo):
    consultation, plugins, spec_texts = pseudo
    seen: dict[str, list[str]] = {}

    def look(name: str, response) -> str:
        html = response.text
        assert f'<html lang="{PSEUDO}"' in html, name
        seen[name] = _bare(html, spec_texts)
        return html

    with open_store("memory://") as store:
        app = _app(consultation, plugins, store)
        client = TestClient(app, follow_redirects=False)
        look("start", client.get(f"/?lang={PSEUDO}"))
        page = look("get a link", client.get("/get-a-link"))
        look(
            "get a link, an error",
            client.post("/get-a-link", data={"csrf_token": csrf_of(page), "email": "x"}),
        )
        page = client.get("/get-a-link").text
        look("your link", client.post("/get-a-link", data={"csrf_token": csrf_of(page)}))
        look("overview", client.get("/your-response"))
        page = look("visits", client.get("/questions/visits"))
        look(
            "visits, an error",
            client.post("/questions/visits", data={"csrf_token": csrf_of(page)}),
        )
        for question, answer in (
            ("visits", "weekly"),
            ("uses", "books"),
            ("when", "sunday"),
            ("hours", "40"),
            ("comments", "2027"),
        ):
            page = look(question, client.get(f"/questions/{question}"))
            client.post(
                f"/questions/{question}", data={"csrf_token": csrf_of(page), "answer": answer}
            )
        look("change", client.get("/questions/hours?change=1"))
        page = look(
            "hours, an error",
            client.post("/questions/hours", data={"csrf_token": csrf_of(page), "answer": "lots"}),
        )
        page = client.get("/questions/comments").text
        client.post(
            "/questions/comments",
            data={"csrf_token": csrf_of(page), "answer": "2027", "action": "save"},
        )
        look("saved", client.get("/saved"))
        page = look("check answers", client.get("/check-answers"))
        client.post("/check-answers", data={"csrf_token": csrf_of(page)})
        look("confirmation", client.get("/confirmation"))
        look("overview, sent", client.get("/your-response"))
        look("check answers, sent before", client.get("/check-answers"))
        look("not found", client.get("/nowhere"))
        look("unknown link", client.get("/r/not-a-link"))
        look("stale form", client.post("/questions/visits", data={"csrf_token": "old"}))
        look(
            "tampered form",
            client.post("/questions/visits", data={"csrf_token": csrf_of(page), "nope": "1"}),
        )
        stranger = TestClient(app, follow_redirects=False)
        look("link needed", stranger.get(f"/questions/visits?lang={PSEUDO}"))
    for when, name in (
        (dt.datetime(2027, 5, 2, tzinfo=dt.UTC), "closed"),
        (dt.datetime(2027, 1, 2, tzinfo=dt.UTC), "not open yet"),
    ):
        with open_store("memory://") as store:
            client = TestClient(_app(consultation, plugins, store, when), follow_redirects=False)
            look(name, client.get(f"/?lang={PSEUDO}"))
    with open_store("memory://") as store:
        from surveykit_html import Demonstration  # noqa: F401  (the banner is on every page)

        app = create_app(
            consultation,
            store,
            secret=Secret.generate(),
            clock=Clock(dt.datetime(2027, 5, 2, tzinfo=dt.UTC)),
            plugins=plugins,
            open_until=dt.date(2030, 12, 31),
        )
        look("demonstration", TestClient(app).get(f"/?lang={PSEUDO}"))
    assert len(seen) > 20
    bare = {name: texts for name, texts in seen.items() if texts}
    assert bare == {}, f"texts not from the catalogue: {bare}"


def test_the_wrapping_would_be_noticed(pseudo):
    """The check itself: a bare English sentence on a page is found."""
    _consultation, _plugins, spec_texts = pseudo
    html = f'<html lang="{PSEUDO}"><title>⟦T⟧</title><p>⟦Fine⟧</p><p>Not from it</p></html>'
    assert _bare(html, spec_texts) == ["Not from it"]
