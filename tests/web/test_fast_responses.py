"""Pages and the 303 redirect built directly (``rendering._Page``, ``state.redirect``; issue 20).

Both skip Starlette's general header-building; what they send must still be exactly what
Starlette's ``HTMLResponse`` and ``RedirectResponse`` send for the same content or URL: the
same status, the same headers (in any order) and the same body, as the ASGI messages show.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.responses import HTMLResponse, RedirectResponse, Response
from webtools import csrf_of

from surveykit_html import links, pages, state
from surveykit_html.rendering import Pages, _Page

Sent = tuple[int, list[tuple[bytes, bytes]], bytes]


def sent(response: Response) -> Sent:
    """What a response sends over ASGI: its status, its headers sorted, and its body."""
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
    asyncio.run(response(scope, receive, send))
    start, body = messages
    assert start["type"] == "http.response.start"
    assert body["type"] == "http.response.body"
    headers = sorted((bytes(name), bytes(value)) for name, value in start["headers"])
    return start["status"], headers, bytes(body["body"])


_html = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
_content = st.one_of(
    _html,
    _html.map(lambda text: f"<!doctype html><p lang=cy>{text}</p>"),
    st.binary(max_size=200),
    st.sampled_from(["", "é" * 100, "<p>\u2028\u00a0—😀</p>", None]),
)
_statuses = st.one_of(
    st.sampled_from([200, 400, 403, 404, 413, 429, 500, 503]),
    st.sampled_from([100, 101, 199, 204, 304]),  # statuses that carry no content-length
    st.integers(100, 599),
)


@given(content=_content, status=_statuses)
def test_a_page_sends_what_an_html_response_sends(content, status):
    page = _Page(content, status_code=status)
    assert sent(page) == sent(HTMLResponse(content, status_code=status))
    assert page.headers["content-type"] == "text/html; charset=utf-8"


@given(content=_html, status=_statuses)
def test_a_page_with_headers_given_takes_starlettes_way(content, status):
    headers = {"Cache-Control": "no-store", "Content-Language": "cy"}
    page = _Page(content, status_code=status, headers=headers)
    assert sent(page) == sent(HTMLResponse(content, status_code=status, headers=headers))


def test_a_page_counts_bytes_not_characters():
    page = _Page("é😀", status_code=200)
    assert page.headers["content-length"] == str(len("é😀".encode()))


_url_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_urls = st.one_of(
    st.sampled_from(
        [
            "/consult/questions/q3",
            "/consult/questions/q3?change=1",
            "/ymgynghoriad/cwestiynau/c3?iaith=cy&newid=1",
            "/caf\u00e9/questions/q1?lang=cy&x=\u00e9\u00e8#frag",
            "/😀/check?next=/r/<redacted>&a=b c",
            "/already%20quoted/%C3%A9?q=%zz",
            "https://example.org/a b?c=d",
            "",
        ]
    ),
    st.builds(lambda path, query: f"/{path}?{query}", _url_text, _url_text),
    _url_text,
)


@given(url=_urls)
def test_the_redirect_sends_what_a_303_redirect_response_sends(url):
    made = state.redirect(url)
    assert made.status_code == 303
    expected = sent(RedirectResponse(url, status_code=303))
    assert sent(made) == expected
    assert sent(state.redirect(url)) == expected  # again, from the kept location
    assert made.headers["location"] == RedirectResponse(url, 303).headers["location"]


def test_a_non_ascii_location_is_quoted_as_starlette_quotes_it():
    url = "/caf\u00e9/questions/q1?lang=cy&x=\u00e9"
    location = dict(sent(state.redirect(url))[1])[b"location"]
    assert location == b"/caf%C3%A9/questions/q1?lang=cy&x=%C3%A9"
    assert location == dict(sent(RedirectResponse(url, 303))[1])[b"location"]


def test_a_redirect_takes_a_cookie_as_starlettes_does():
    made, theirs = state.redirect("/x?y=1"), RedirectResponse("/x?y=1", 303)
    for response in (made, theirs):
        response.set_cookie("k", "v", httponly=True)
    assert sent(made) == sent(theirs)


# The responses the app really makes ---------------------------------------------------------


@pytest.fixture
def made(monkeypatch) -> dict[str, list[Any]]:
    """Every page and redirect the app makes while a test runs, with its arguments."""
    kept: dict[str, list[Any]] = {"pages": [], "redirects": []}
    render, render_shared, redirect = Pages.render, Pages.render_shared, state.redirect

    def spy_render(self: Pages, *args: Any, **kwargs: Any) -> Any:
        response = render(self, *args, **kwargs)
        kept["pages"].append(response)
        return response

    def spy_shared(self: Pages, *args: Any, **kwargs: Any) -> Any:
        response = render_shared(self, *args, **kwargs)
        kept["pages"].append(response)
        return response

    def spy_redirect(url: str) -> Any:
        response = redirect(url)
        kept["redirects"].append((url, response))
        return response

    monkeypatch.setattr(Pages, "render", spy_render)
    monkeypatch.setattr(Pages, "render_shared", spy_shared)
    for module in (pages, links):
        monkeypatch.setattr(module, "redirect", spy_redirect)
    return kept


def test_the_apps_pages_and_redirects_are_starlettes(made, app, client, link):
    """A respondent's visit: the link, a question page rendered and then handed out from the
    kept copy, a refused answer (a 400 page), an answer (its redirect), the overview, check
    your answers and a 404."""
    assert client.get(link).status_code == 303
    first = app.state.web.flow.resume({})
    page_url = f"/questions/{first.id}"
    for _ in range(2):
        assert client.get(page_url).status_code == 200
    csrf = csrf_of(client.get(page_url).text)
    wrong = {"csrf_token": csrf, "answer": "not an option \u00e9"}
    assert client.post(page_url, data=wrong).status_code == 400
    answer = first.options[0].value
    assert client.post(page_url, data={"csrf_token": csrf, "answer": answer}).status_code == 303
    assert client.get("/your-response").status_code == 200
    assert client.get("/check-answers").status_code == 200
    assert client.get("/questions/no-such-question").status_code == 404
    assert len(made["pages"]) >= 5
    assert len(made["redirects"]) >= 2
    for response in made["pages"]:
        assert sent(response) == sent(HTMLResponse(response.body, response.status_code))
    for url, response in made["redirects"]:
        assert sent(response) == sent(RedirectResponse(url, status_code=303))
