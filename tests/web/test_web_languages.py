"""The web form in Welsh and English (issue 17): the catalogue is complete, the GOV.UK language
switch is on every page of a bilingual consultation (and on none of a single-language one),
the choice is kept for the session, errors and the spec's texts are in the chosen language,
untranslated texts are marked ``lang="en"``, and the same answers store the same values
whichever language they were given in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langtools import BILINGUAL, IN_WINDOW, bilingual_copy, catalogue, extracted
from starlette.testclient import TestClient
from webtools import ROOT, Clock, csrf_of

from surveykit import load_spec
from surveykit.identity import Secret
from surveykit.storage import open_store
from surveykit_html import create_app

SWITCH = re.compile(r'<nav class="app-language-select".*?</nav>', re.S)


@contextmanager
def bilingual_app(spec=None) -> Iterator[tuple[object, object]]:
    """The bilingual example's web form on a memory store, during its window."""
    consultation = load_spec(spec or BILINGUAL)
    with open_store("memory://") as store:
        app = create_app(consultation, store, secret=Secret.generate(), clock=Clock(IN_WINDOW))
        yield app, store


def client_of(app) -> TestClient:
    return TestClient(app, follow_redirects=False)


def signed_in(app, lang: str | None = None) -> TestClient:
    """A client that opened a fresh unique link (with ``?lang=`` when given)."""
    return signed_in_as(app, lang)[0]


def signed_in_as(app, lang: str | None = None) -> tuple[TestClient, str]:
    """:func:`signed_in`, and the new respondent's id."""
    issued = app.state.web.service.request_link()
    client = client_of(app)
    query = f"?lang={lang}" if lang else ""
    assert client.get(f"/r/{issued.token.value}{query}").status_code == 303
    return client, issued.respondent.id


def html_lang(page: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', page)
    assert match, "no <html lang>"
    return match.group(1)


# The catalogue -------------------------------------------------------------------------------


def test_every_message_of_the_web_form_is_in_both_catalogues():
    """Each message the code and templates mark is in the English and the Welsh catalogue; the
    Welsh has a translation of every one (every plural form), none fuzzy; neither catalogue
    keeps a message the form no longer says."""
    wanted = extracted()
    assert len(wanted) > 100
    for lang in ("en", "cy"):
        po = catalogue(lang)
        have = {message.id for message in po if message.id}
        absent = [f"{m!r} ({', '.join(where)})" for m, where in wanted.items() if m not in have]
        assert absent == [], f"{lang} catalogue lacks {absent}"
        assert sorted(map(str, have - set(wanted))) == [], f"{lang} keeps unused messages"
        assert not po.obsolete, f"{lang} keeps obsolete entries"
    welsh = catalogue("cy")
    assert welsh.num_plurals == 6
    gaps = []
    for message in welsh:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s.strip() for s in strings):
            gaps.append(message.id)
        if isinstance(message.id, tuple):
            assert len(strings) == 6, message.id
    assert gaps == []


def test_the_welsh_placeholders_are_the_english_ones():
    """A translation keeps every placeholder of its message, or filling it in would fail."""
    placeholder = re.compile(r"%%\{\w+\}|%\(\w+\)s|\{\w+\}")
    for message in catalogue("cy"):
        if not message.id:
            continue
        english = message.id[-1] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for said in strings:
            # A Welsh plural form may leave out the count where the words say it ("un").
            assert set(placeholder.findall(said)) <= set(placeholder.findall(english)), said
            if not isinstance(message.id, tuple):
                assert set(placeholder.findall(said)) == set(placeholder.findall(english)), said


def test_the_plugin_registers_its_catalogues():
    """The web form's catalogues reach surveykit.i18n through the plugin hook."""
    from surveykit import get_plugins

    names = set(get_plugins().catalogues.items)
    assert {"surveykit_html/en", "surveykit_html/cy"} <= names


# The language switch --------------------------------------------------------------------------


def test_the_switch_on_a_bilingual_consultation():
    """English first: the current language is not a link; the other links to the same page in
    it, with ``lang`` and ``hreflang`` its own; the page says it has an alternate."""
    with bilingual_app() as (app, _store):
        page = client_of(app).get("/").text
    assert html_lang(page) == "en"
    (switch,) = SWITCH.findall(page)
    assert '<span aria-current="true" lang="en">English</span>' in switch
    assert (
        '<a class="govuk-link" href="/?lang=cy" hreflang="cy" lang="cy" rel="alternate">Cymraeg</a>'
    ) in switch
    assert "English</a>" not in switch
    assert '<link rel="alternate" hreflang="cy" href="/?lang=cy">' in page


def test_the_choice_is_kept_for_the_session_and_on_every_page():
    """Choosing Cymraeg on the start page keeps every later page in Welsh, through the
    unique link, until English is chosen again."""
    with bilingual_app() as (app, _store):
        client = client_of(app)
        welsh = client.get("/?lang=cy")
        assert "set-cookie" in welsh.headers
        assert html_lang(welsh.text) == "cy"
        assert "Cael eich dolen eich hun" in welsh.text
        link = client.get("/get-a-link").text
        assert html_lang(link) == "cy"
        assert '<a class="govuk-link" href="/get-a-link?lang=en" hreflang="en" lang="en"' in link
        issued = app.state.web.service.request_link()
        client.get(f"/r/{issued.token.value}")
        pages = ["/your-response", "/questions/visits", "/questions/hours", "/check-answers"]
        for path in pages:
            shown = client.get(path)
            assert shown.status_code == 200, path
            assert html_lang(shown.text) == "cy", path
            assert SWITCH.search(shown.text), path
        assert "Pa mor aml ydych chi" in client.get("/questions/visits").text
        change = client.get("/questions/visits?change=1").text
        assert 'href="/questions/visits?change=1&amp;lang=en"' in change
        english = client.get("/questions/visits?lang=en").text
        assert html_lang(english) == "en"
        assert "How often do you visit a library" in english
        assert html_lang(client.get("/check-answers").text) == "en"


def test_a_language_not_offered_is_ignored():
    with bilingual_app() as (app, _store):
        client = client_of(app)
        page = client.get("/?lang=fr")
    assert html_lang(page.text) == "en"
    assert "set-cookie" not in page.headers


def test_a_single_language_consultation_has_no_switch(client):
    """Taking Stock is English only: no switch, no alternate, and ``?lang=`` changes
    nothing and stores nothing."""
    page = client.get("/?lang=cy")
    assert html_lang(page.text) == "en"
    assert "app-language-select" not in page.text
    assert "hreflang" not in page.text
    assert "set-cookie" not in page.headers
    assert "Respond to the consultation" in page.text


# Welsh pages ----------------------------------------------------------------------------------


def test_errors_are_in_welsh():
    """The error summary, the field's error and the page title are the GOV.UK Welsh, and the
    problem names the question in Welsh."""
    with bilingual_app() as (app, _store):
        client = signed_in(app, "cy")
        token = csrf_of(client.get("/questions/visits").text)
        page = client.post("/questions/visits", data={"csrf_token": token, "action": "continue"})
    assert page.status_code == 400
    text = unescape(page.text)
    assert "<title>Gwall: Cwestiwn 1 – Ein llyfrgelloedd: oriau agor</title>" in text  # noqa: RUF001
    assert "Mae problem wedi codi" in text
    assert "Dewiswch ateb i gwestiwn 1" in text
    assert '<span class="govuk-visually-hidden">Gwall:</span>' in text
    assert "There is a problem" not in text


def test_a_number_typed_with_its_welsh_unit_is_read():
    with bilingual_app() as (app, store):
        client = signed_in(app, "cy")
        token = csrf_of(client.get("/questions/hours").text)
        client.post("/questions/hours", data={"csrf_token": token, "answer": "12 awr"})
        (respondent,) = store.respondents("library-hours-2027")
        assert store.load_draft(respondent.id).answers == {"hours": 12}


def test_dates_and_the_character_count_are_in_welsh():
    """The closing date in Welsh words, and GOV.UK Frontend's character count given its
    Welsh messages for each of the six plural forms."""
    with bilingual_app() as (app, _store):
        client = signed_in(app, "cy")
        start = unescape(client.get("/").text)
        comments = unescape(client.get("/questions/comments").text)
    assert "Mae’r ymgynghoriad yn cau ddydd Gwener 30 Ebrill 2027, diwedd y dydd." in start  # noqa: RUF001
    assert 'data-i18n.characters-under-limit.one="Mae gennych %{count} nod yn weddill"' in comments
    assert 'data-i18n.characters-over-limit.other="Mae gennych %{count} o nodau yn ormod"' in (
        comments
    )
    for form in ("zero", "one", "two", "few", "many", "other"):
        assert f"data-i18n.characters-under-limit.{form}=" in comments
    assert "Gallwch roi hyd at 2,000 o nodau" in comments


def test_an_untranslated_text_is_marked_english(tmp_path):
    """A text the Welsh file leaves out shows in English, in an element marked ``lang="en"``,
    so a screen reader switches voice; its translated neighbours are not marked."""
    spec = bilingual_copy(tmp_path, drop=("visits.options.never", "when.hint"))
    with bilingual_app(spec) as (app, _store):
        client = signed_in(app, "cy")
        visits = unescape(client.get("/questions/visits").text)
        when = unescape(client.get("/questions/when").text)
    assert 'for="answer-4" lang="en">Never</label>' in visits
    assert re.search(r'for="answer">O leiaf unwaith yr wythnos</label>', visits)
    assert '<div id="answer-hint" class="govuk-hint" lang="en">Choose all that apply.</div>' in when


def test_check_your_answers_reads_the_answers_in_welsh():
    with bilingual_app() as (app, _store):
        client = signed_in(app, "cy")
        for question, fields in (
            ("visits", {"answer": "monthly"}),
            ("uses", {"answer": ["books", "events"]}),
            ("when", {"answer": "sunday"}),
            ("hours", {"answer": "30"}),
        ):
            token = csrf_of(client.get(f"/questions/{question}").text)
            client.post(f"/questions/{question}", data={"csrf_token": token, **fields})
        page = unescape(client.get("/check-answers").text)
    assert "O leiaf unwaith y mis" in page
    assert "Benthyg llyfrau" in page
    assert "Digwyddiadau a grwpiau" in page
    assert "30 awr" in page
    assert "Heb ateb" in page
    assert "Gwiriwch eich atebion cyn anfon eich ymateb" in page
    assert "eich ateb i gwestiwn 1" in page


# The same answers in either language ----------------------------------------------------------

VISITS = ["weekly", "monthly", "rarely", "never"]


@st.composite
def answers(draw) -> dict:
    """Answers to the bilingual example as a person gives them on its pages."""
    given = {"visits": draw(st.sampled_from(VISITS))}
    if given["visits"] == "never":
        given["why_not"] = draw(st.sampled_from(["hours", "distance", "online", "other_reason"]))
    else:
        given["uses"] = draw(
            st.lists(st.sampled_from(["books", "computers", "study", "events"]), unique=True)
        )
    given["when"] = draw(
        st.lists(
            st.sampled_from(["weekday_mornings", "weekday_evenings", "saturday", "sunday"]),
            unique=True,
        )
    )
    given["hours"] = draw(st.none() | st.integers(0, 80))
    given["comments"] = draw(
        st.none() | st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs")), max_size=40)
    )
    return given


def _answer_in(app, lang: str, given: dict) -> dict:
    """Answer every page in ``lang`` (a number with the unit of that language), send the
    response, and return what was stored."""
    client, respondent_id = signed_in_as(app, lang)
    unit = {"en": "hours", "cy": "awr"}[lang]
    for question in ("visits", "uses", "why_not", "when", "hours", "comments"):
        if question not in given:
            continue
        value = given[question]
        if question == "hours" and value is not None:
            value = f"{value} {unit}"
        page = client.get(f"/questions/{question}")
        assert page.status_code == 200, (question, page.headers.get("location"))
        assert html_lang(page.text) == lang
        fields = {"csrf_token": csrf_of(page.text), "action": "continue"}
        if value not in (None, []):
            fields["answer"] = value
        sent = client.post(f"/questions/{question}", data=fields)
        assert sent.status_code == 303, unescape(sent.text)
    check = client.get("/check-answers")
    assert html_lang(check.text) == lang
    sent = client.post("/check-answers", data={"csrf_token": csrf_of(check.text)})
    assert sent.status_code == 303, unescape(sent.text)
    return dict(app.state.web.service.store.response(respondent_id).answers)


def test_the_same_answers_store_the_same_values_in_either_language():
    """Whatever is answered, answering in Welsh stores exactly what answering in English
    does: option values, the number without its unit, the words as typed."""
    with bilingual_app() as (app, _store):

        @settings(max_examples=25, deadline=None)
        @given(given=answers())
        def same(given):
            english = _answer_in(app, "en", given)
            welsh = _answer_in(app, "cy", given)
            assert welsh == english
            assert english["visits"] == given["visits"]

        same()


def _send(client: TestClient) -> None:
    """Answer the first question and send the response."""
    page = client.get("/questions/visits")
    fields = {"csrf_token": csrf_of(page.text), "action": "continue", "answer": "weekly"}
    assert client.post("/questions/visits", data=fields).status_code == 303
    check = client.get("/check-answers")
    sent = client.post("/check-answers", data={"csrf_token": csrf_of(check.text)})
    assert sent.status_code == 303, unescape(sent.text)


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_the_language_chosen_is_stored_on_the_respondent(lang):
    """Sending a response records the language the respondent chose with the switch, so the
    reminders and letters that follow are in it (docs/languages.md)."""
    with bilingual_app() as (app, store):
        client, respondent_id = signed_in_as(app, lang)
        assert store.respondent(respondent_id).language is None
        _send(client)
        assert store.respondent(respondent_id).language == lang


def test_a_respondent_who_never_chose_keeps_the_language_on_record():
    """A page in the spec's own language by default says nothing about the respondent: the
    language the roster gave them stays."""
    with bilingual_app() as (app, store):
        client, respondent_id = signed_in_as(app)
        assert store.set_language(respondent_id, "cy")
        _send(client)
        assert store.respondent(respondent_id).language == "cy"


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_the_unique_link_can_carry_the_language(lang):
    """An invitation in Welsh can link to ``/r/TOKEN?lang=cy``: the session starts in it."""
    with bilingual_app() as (app, _store):
        client = signed_in(app, lang)
        assert html_lang(client.get("/your-response").text) == lang


def test_the_english_check_finds_english():
    """What the browser test counts as English: the software's messages and the spec's
    translated texts, whole phrases, and never their Welsh."""
    from langtools import english_in, english_phrases, translated_sources

    phrases = english_phrases() | translated_sources(load_spec(BILINGUAL), "cy")
    assert "There is a problem" in english_in("There is a problem", phrases)
    assert english_in("Never", phrases) == ["Never"]
    assert english_in("Save and come back later", phrases)
    assert english_in("Mae problem wedi codi", phrases) == []
    assert english_in("Cadw a dod yn ôl nes ymlaen", phrases) == []


TAKING_STOCK = ROOT / "specs" / "taking_stock.toml"


# The site's finder page -----------------------------------------------------------------------


def test_the_finder_offers_every_language_a_consultation_is_offered_in():
    """A site serving the bilingual example beside Taking Stock (English only): its finder has
    the switch; in Welsh it shows the example in Welsh, linking into it in Welsh, and Taking
    Stock as written, marked English."""
    from surveykit_html.site import SiteEntry, create_site

    with open_store("memory://") as store:
        site = create_site(
            [SiteEntry(BILINGUAL, "libraries"), SiteEntry(TAKING_STOCK, "taking-stock")],
            store,
            secret=Secret.generate(),
            clock=Clock(IN_WINDOW),
        )
        client = client_of(site)
        english = client.get("/").text
        assert html_lang(english) == "en"
        assert 'href="/?lang=cy" hreflang="cy" lang="cy"' in english
        assert "Our libraries: opening hours" in english
        welsh = client.get("/?lang=cy").text
        assert html_lang(welsh) == "cy"
        assert "Ein llyfrgelloedd: oriau agor" in welsh
        assert 'href="/libraries/?lang=cy"' in welsh
        assert re.search(r'<h3 class="govuk-heading-m" lang="en"><a [^>]*>Taking stock', welsh)
        assert "Find a consultation" not in welsh
        # The finder keeps no session: its own switch and its links carry the language.
        assert 'href="/?lang=en" hreflang="en" lang="en"' in welsh


def test_a_site_of_english_only_consultations_has_no_switch():
    from surveykit_html.site import SiteEntry, create_site

    with open_store("memory://") as store:
        entries = [SiteEntry(TAKING_STOCK, "taking-stock")]
        site = create_site(entries, store, secret=Secret.generate())
        page = client_of(site).get("/?lang=cy").text
    assert html_lang(page) == "en"
    assert "app-language-select" not in page
