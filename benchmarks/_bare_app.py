"""The HTTP benchmark's baseline: bare Starlette endpoints, served the same way as surveykit.

A page of similar weight to a question page is not the point: this is the floor, the cost of the
framework and server alone, so the ratio shows what surveykit's own work costs on top.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

PAGE = "<!DOCTYPE html><html lang=en><title>bare</title><p>A bare page.</p></html>"


async def page(_request: Request) -> HTMLResponse:
    return HTMLResponse(PAGE)


async def form(request: Request) -> RedirectResponse:
    await request.form()
    return RedirectResponse("/page", status_code=303)


app = Starlette(routes=[Route("/page", page), Route("/form", form, methods=["POST"])])
