"""Security headers on every response, and a cap on the size of what a client may send.

Both are plain ASGI middleware so they also cover responses the pages never see (static files,
errors raised before routing).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_SECURITY_POLICY", "BodyLimit", "SecurityHeaders"]

#: Only this site's own scripts, styles and forms; no frames, no plugins, no inline code.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)

_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # A unique link must never leak to another site through Referer.
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
_HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeaders:
    """Adds the security headers; pages that hold answers are also marked ``no-store``.

    A header the app already set (a static file's ``cache-control``) is left as it is.  The
    headers are encoded once, since this runs on every response.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        plain = {**_HEADERS, "cache-control": "no-store"}
        self._plain = [(k.encode(), v.encode()) for k, v in plain.items()]
        self._https = [*self._plain, (b"strict-transport-security", _HSTS.encode())]
        self._names = frozenset(name for name, _ in self._https)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._https if scope.get("scheme") == "https" else self._plain
        names = self._names

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = message.get("headers", ())
                if given.__class__ is not list:  # any iterable: it is read twice
                    given = list(given)
                for name, _ in given:
                    if name.lower() in names:
                        present = {name.lower() for name, _ in given}
                        message["headers"] = [
                            *given,
                            *(h for h in extra if h[0] not in present),
                        ]
                        break
                else:  # the usual case: none of them set yet
                    message["headers"] = [*given, *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses a request body over ``max_bytes`` with 413, whether or not it declares a length."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                declared = value
            elif name == b"transfer-encoding":
                declared = b""
        if declared is None and scope.get("method") in ("GET", "HEAD"):
            # Nothing declared, so no body: the page reads none.
            await self.app(scope, receive, send)
            return
        if declared and (not declared.isdigit() or int(declared) > self.max_bytes):
            scope["surveykit.too_large"] = True
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            if scope.get("surveykit.too_large"):
                raise HTTPException(413)
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    scope["surveykit.too_large"] = True
                    raise HTTPException(413)
            return message

        await self.app(scope, counting_receive, send)
