"""The HTTP benchmark's baseline: bare Starlette endpoints, served the same way as surveykit.

A page of similar weight to a question page is not the point: this is the floor, the cost of the
framework and server alone, so the ratio shows what surveykit's own work costs on top.

``/heavy?bytes=N`` is the one exception, for reading that ratio: a page of ``N`` bytes with the
security headers every surveykit response carries, so the benchmark can show how much of the gap
is the response's weight rather than the work behind it.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from surveykit_html.security import SecurityHeaders

PAGE = "<!DOCTYPE html><html lang=en><title>bare</title><p>A bare page.</p></html>"


async def page(_request: Request) -> HTMLResponse:
    return HTMLResponse(PAGE)


async def form(request: Request) -> RedirectResponse:
    await request.form()
    return RedirectResponse("/page", status_code=303)


async def _heavy(scope: Scope, receive: Receive, send: Send) -> None:
    """A page padded to the size asked for, varying by cookie as a question page does."""
    size = int(Request(scope).query_params.get("bytes", "0"))
    body = PAGE + " " * max(0, size - len(PAGE))
    await HTMLResponse(body, headers={"vary": "Cookie"})(scope, receive, send)


app = Starlette(
    routes=[
        Route("/page", page),
        Route("/form", form, methods=["POST"]),
        Route("/heavy", SecurityHeaders(_heavy)),
    ]
)
