"""The signed session cookie: what a browser holds instead of its unique link.

Starlette's ``SessionMiddleware`` (itsdangerous under the hood) did this job first.  It
re-derives its signing key, base64-decodes twice and parses the cookie header with the general
parser on every request, which made it one of the dearest steps of a question page.  This
middleware does the same job with the same guarantees, keyed once:

* the cookie is ``BODY.ISSUED.SIGNATURE``: ``BODY`` is the session as base64url JSON, ``ISSUED``
  the Unix time it was set and ``SIGNATURE`` the base64url HMAC-SHA256 of ``BODY.ISSUED`` under
  a key derived from the deployment secret (see :class:`~surveykit_html.sessions.WebKeys`);
* a cookie with a wrong signature, a malformed body or an ``ISSUED`` older than ``max_age`` is
  ignored, exactly as if none had been sent (the session starts empty);
* the cookie is set again only when a page changed the session, and it is always ``HttpOnly``,
  ``SameSite=Lax`` and scoped to ``path``; it is ``Secure`` when asked and whenever the request
  came over HTTPS (as the server sees it: behind a TLS-terminating proxy, uvicorn takes the
  scheme from ``X-Forwarded-Proto``), so a proxy in front never lets it travel in clear.

``request.session`` works as with Starlette's middleware: the app sees a dict.  A browser sends
the same cookie value on every request, so a verified value is remembered (up to
:data:`VERIFIED_MAX` of them) and later checked only for its age.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Session", "SessionCookie"]

#: How many verified cookie values are remembered before the memory starts over.
VERIFIED_MAX = 8192


class Session(dict[str, Any]):
    """A session's data, remembering whether a page read or changed it.

    Starlette's own ``Session`` does the same, but its module imports itsdangerous, which
    surveykit no longer needs.
    """

    accessed: bool = False
    modified: bool = False

    def mark_accessed(self) -> None:
        """Called by Starlette's ``request.session``: the response then varies by cookie."""
        self.accessed = True

    def _changed(self) -> None:
        self.accessed = self.modified = True

    def __setitem__(self, key: str, value: Any) -> None:
        self._changed()
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self._changed()
        super().__delitem__(key)

    def clear(self) -> None:
        self._changed()
        super().clear()

    def pop(self, key: str, *default: Any) -> Any:
        self._changed()
        return super().pop(key, *default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self._changed()
        return super().setdefault(key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._changed()
        super().update(*args, **kwargs)


def _b64(raw: bytes) -> bytes:
    return base64.urlsafe_b64encode(raw).rstrip(b"=")


def _unb64(text: bytes) -> bytes:
    return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))


_VARY = (b"vary", b"Cookie")


def _flags(secure: bool) -> str:
    return "; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")


class SessionCookie:
    """ASGI middleware that keeps ``scope["session"]`` in an HMAC-signed cookie."""

    def __init__(
        self,
        app: ASGIApp,
        key: bytes,
        *,
        cookie_name: str,
        max_age: int,
        path: str = "/",
        https_only: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self._key = key
        self._name = cookie_name.encode("latin-1")
        self._prefix = self._name + b"="
        self.max_age = max_age
        self._clock = clock
        # Cookie values already verified, with what they hold: a browser sends the same value
        # on every request, so each is checked once.  Only an exact value can hit.
        self._verified: dict[bytes, tuple[int, dict[str, Any]]] = {}
        self._https_only = https_only
        # (set, clear) tails, without and with Secure: chosen per request by its scheme.
        self._tails = {
            secure: (
                f"; Path={path}; Max-Age={max_age}{_flags(secure)}".encode("latin-1"),
                f"; Path={path}; Max-Age=0{_flags(secure)}".encode("latin-1"),
            )
            for secure in (False, True)
        }

    def _sign(self, signed: bytes) -> bytes:
        return _b64(hmac.digest(self._key, signed, hashlib.sha256))

    def encode(self, data: dict[str, Any]) -> bytes:
        """The cookie value holding ``data``, issued now."""
        signed = _b64(orjson.dumps(data)) + b"." + str(int(self._clock())).encode()
        return signed + b"." + self._sign(signed)

    def decode(self, value: bytes) -> dict[str, Any] | None:
        """The session in a cookie value, or ``None`` if it is forged, damaged or expired."""
        data = self._held(value)
        return None if data is None else dict(data)

    def _held(self, value: bytes) -> dict[str, Any] | None:
        """:meth:`decode`'s session as remembered, not copied: the caller must copy it."""
        verified = self._verified.get(value)
        if verified is None:
            verified = self._verify(value)
            if verified is None:
                return None
            if len(self._verified) >= VERIFIED_MAX:
                self._verified.clear()
            self._verified[value] = verified
        issued, data = verified
        if not 0 <= self._clock() - issued <= self.max_age:
            return None
        return data

    def _verify(self, value: bytes) -> tuple[int, dict[str, Any]] | None:
        signed, dot, signature = value.rpartition(b".")
        if not dot or not hmac.compare_digest(self._sign(signed), signature):
            return None
        body, _, issued = signed.partition(b".")
        try:
            data = orjson.loads(_unb64(body))
            return (int(issued), data) if isinstance(data, dict) else None
        except (ValueError, binascii.Error, orjson.JSONDecodeError):
            return None

    def _cookie_value(self, scope: Scope) -> bytes | None:
        for name, value in scope["headers"]:
            if name == b"cookie":
                for part in value.split(b";"):
                    part = part.strip()
                    if part.startswith(self._prefix):
                        return part[len(self._prefix) :]
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = self._cookie_value(scope)
        data = self._held(sent) if sent else None
        session = Session(data) if data else Session()  # a copy: the remembered one stays
        scope["session"] = session

        secure = self._https_only or scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            # A page that never looked at the session varies by nothing and changed nothing.
            if message["type"] == "http.response.start" and session.accessed:
                extra = self._headers(session, had_cookie=sent is not None, secure=secure)
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _headers(
        self, session: Session, *, had_cookie: bool, secure: bool
    ) -> list[tuple[bytes, bytes]]:
        headers = [_VARY] if session.accessed else []
        if session.modified:
            set_tail, clear_tail = self._tails[secure]
            if session:
                value = self._prefix + self.encode(session) + set_tail
            elif had_cookie:
                value = self._prefix + clear_tail
            else:
                return headers
            headers.append((b"set-cookie", value))
        return headers
