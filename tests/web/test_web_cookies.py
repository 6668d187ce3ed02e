"""The signed session cookie: it round-trips, and nothing forged, damaged or stale gets in."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveykit_html.cookies import Session, SessionCookie

KEY = b"k" * 32
MAX_AGE = 3600
NOW = 1_700_000_000.0

session_data = st.dictionaries(
    st.text(min_size=1, max_size=12),
    st.one_of(st.text(max_size=80), st.integers(-(2**53), 2**53), st.booleans()),
    min_size=1,
    max_size=6,
)


def middleware(app=None, *, key: bytes = KEY, now: float = NOW, **options: Any) -> SessionCookie:
    options = {"cookie_name": "sk", "max_age": MAX_AGE, **options}
    return SessionCookie(app, key, clock=lambda: now, **options)


@given(session_data)
def test_a_session_round_trips(data):
    cookie = middleware().encode(data)
    assert middleware().decode(cookie) == data


@given(session_data, st.data())
def test_any_change_to_a_cookie_is_refused(data, draw):
    cookie = bytearray(middleware().encode(data))
    position = draw.draw(st.integers(0, len(cookie) - 1))
    replacement = draw.draw(st.integers(0, 255).filter(lambda b: b != cookie[position]))
    cookie[position] = replacement
    assert middleware().decode(bytes(cookie)) is None


@given(session_data)
def test_a_cookie_signed_with_another_key_is_refused(data):
    forged = middleware(key=b"x" * 32).encode(data)
    assert middleware().decode(forged) is None


@given(st.binary(max_size=200))
def test_garbage_is_refused(junk):
    assert middleware().decode(junk) is None


@pytest.mark.parametrize(
    ("age", "accepted"), [(0, True), (MAX_AGE, True), (MAX_AGE + 1, False), (-60, False)]
)
def test_a_cookie_lasts_max_age_seconds_from_when_it_was_set(age, accepted):
    cookie = middleware(now=NOW).encode({"rid": "a"})
    assert (middleware(now=NOW + age).decode(cookie) is not None) is accepted


def run(
    app: SessionCookie, cookie: bytes | None = None, scheme: str = "http"
) -> dict[bytes, list[bytes]]:
    """One GET through ``app`` over ``scheme``; the response's headers, by name."""
    headers = [(b"cookie", b"other=1; sk=" + cookie)] if cookie else []
    scope = {"type": "http", "method": "GET", "path": "/", "headers": headers, "scheme": scheme}
    out: dict[bytes, list[bytes]] = {}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            for name, value in message["headers"]:
                out.setdefault(name, []).append(value)

    asyncio.run(app(scope, receive, send))
    return out


def page(action):
    """A one-line ASGI app that does ``action`` to the session, then answers 200."""

    async def app(scope, receive, send):
        action(scope["session"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


def value_of(set_cookie: bytes) -> bytes:
    return set_cookie.split(b";", 1)[0].removeprefix(b"sk=")


def test_a_changed_session_is_set_with_its_flags_and_read_back():
    headers = run(middleware(page(lambda s: s.update(rid="r1")), path="/consult", https_only=True))
    (set_cookie,) = headers[b"set-cookie"]
    assert set_cookie.endswith(b"; Path=/consult; Max-Age=3600; HttpOnly; SameSite=Lax; Secure")
    assert headers[b"vary"] == [b"Cookie"]
    seen: list[dict] = []
    run(middleware(page(lambda s: seen.append(dict(s)))), value_of(set_cookie))
    assert seen == [{"rid": "r1"}]


@pytest.mark.parametrize(
    ("scheme", "https_only", "secure"),
    [("https", False, True), ("http", False, False), ("http", True, True), ("https", True, True)],
)
def test_a_cookie_set_or_cleared_over_https_is_secure_even_unasked(scheme, https_only, secure):
    """The request's scheme (uvicorn's, after X-Forwarded-Proto) marks the cookie Secure, as
    ``https_only`` does for every request (issue 14)."""
    app = middleware(page(lambda s: s.update(rid="r1")), https_only=https_only)
    (set_cookie,) = run(app, scheme=scheme)[b"set-cookie"]
    clear = middleware(page(Session.clear), https_only=https_only)
    cleared = run(clear, value_of(set_cookie), scheme)
    for header in (set_cookie, *cleared[b"set-cookie"]):
        assert header.endswith(b"; HttpOnly; SameSite=Lax; Secure") is secure
        assert header.endswith(b"; HttpOnly; SameSite=Lax") is not secure


def test_an_unchanged_session_sends_no_cookie():
    cookie = middleware().encode({"rid": "r1"})
    headers = run(middleware(page(lambda s: s.get("rid"))), cookie)
    assert b"set-cookie" not in headers
    assert b"vary" not in headers  # only request.session marks a read; a bare get does not


def test_an_emptied_session_clears_the_cookie():
    cookie = middleware().encode({"rid": "r1"})
    headers = run(middleware(page(Session.clear)), cookie)
    assert headers[b"set-cookie"] == [b"sk=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"]


def test_no_cookie_and_nothing_stored_sends_nothing():
    assert b"set-cookie" not in run(middleware(page(Session.clear)))


def test_a_bad_cookie_gives_an_empty_session():
    seen: list[dict] = []
    run(middleware(page(lambda s: seen.append(dict(s)))), b"eyJyaWQiOiAiYSJ9.1.x")
    assert seen == [{}]


def test_other_scopes_pass_through():
    seen = []

    async def app(scope, receive, send):
        seen.append("session" in scope)

    asyncio.run(middleware(app)({"type": "lifespan"}, None, None))
    assert seen == [False]


def test_a_remembered_cookie_still_expires():
    """A value verified once is remembered, yet refused once it is older than max_age."""
    now = [NOW]
    cookies = SessionCookie(None, KEY, cookie_name="sk", max_age=MAX_AGE, clock=lambda: now[0])
    value = cookies.encode({"rid": "a"})
    assert cookies.decode(value) == {"rid": "a"}
    now[0] += MAX_AGE + 1
    assert cookies.decode(value) is None


def test_a_session_cannot_change_what_is_remembered():
    """Each request gets its own copy of a remembered session."""
    cookies = middleware()
    value = cookies.encode({"rid": "a"})
    cookies.decode(value)["rid"] = "changed"
    assert cookies.decode(value) == {"rid": "a"}
