"""Reading what a browser posts: limits, CSRF, refusals, and what to say about an answer.

A form that could not have come from our own page (a missing or wrong CSRF token, fields we
never render, a value for a question not being asked) is refused with :class:`FormRefused`
before anything is stored.  An answer a person could plausibly have given (nothing chosen, too
much text) gets an error message next to the question instead, in the GOV.UK style.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import FormData
from starlette.requests import Request

from surveykit import AnswerProblem, Question

from .config import Limits
from .sessions import WebKeys

__all__ = ["ANSWER", "FormRefused", "field_message", "read_form", "tampered"]

#: The name of the answer field on a question page; the first input's id, for error links.
ANSWER = "answer"
CSRF = "csrf_token"


class FormRefused(Exception):
    """The post is not one our pages could have sent; shown as a clear error page."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


STALE_FORM = FormRefused(
    403,
    "This form has expired",
    "The page you sent it from was out of date or did not come from this site, so nothing was "
    "saved. Go back, reload the page and try again.",
)


def tampered(detail: str) -> FormRefused:
    return FormRefused(
        400,
        "This form could not be accepted",
        f"{detail} Nothing was saved. Go back, reload the page and try again.",
    )


async def read_form(
    request: Request, keys: WebKeys, limits: Limits, allowed: frozenset[str]
) -> FormData:
    """The posted form, once its size, CSRF token and field names have been checked."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type == "application/x-www-form-urlencoded":
        form = _urlencoded(await request.body(), limits)
    else:
        form = await request.form(
            max_files=0, max_fields=limits.max_fields, max_part_size=limits.max_body_bytes
        )
    if not keys.csrf_ok(request.session, form.get(CSRF)):
        raise STALE_FORM
    unexpected = set(form.keys()) - allowed - {CSRF}
    if unexpected:
        raise tampered("The form held fields that this page does not have.")
    if any(not isinstance(value, str) for _, value in form.multi_items()):
        raise tampered("The form held a file, and this page takes none.")
    return form


def _urlencoded(body: bytes, limits: Limits) -> FormData:
    """What our own pages post (the body is already size-checked), read by the standard library.

    It is several times quicker than the general multipart parser, on the busiest request.
    """
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=False,
            encoding="utf-8",
            errors="strict",
            max_num_fields=limits.max_fields,
        )
    except UnicodeError:
        raise tampered("The form was not sent as UTF-8 text.") from None
    except ValueError:
        raise tampered("The form held more fields than this page has.") from None
    return FormData(pairs)


def field_message(part: Question, problem: AnswerProblem, kind: Any) -> str:
    """What to tell a person about a problem with their answer to ``part`` (a question, or
    one of its parts: a grid's row, an "other" option's words), in the GOV.UK style."""
    code = problem.code
    number = f"question {part.number or part.id.partition('.')[0]}"
    # A part names what it is about: "for “Streets are kept clean” in question 8".
    name = f"“{part.label}” in {number}" if part.label else number
    to = "for" if part.label else "to"
    has_options = getattr(kind, "has_options", False)
    if code == "required":
        if getattr(kind, "answer_type", None) == "ranking":
            return f"Rank at least one of the options {to} {name}"
        if has_options:
            multiple = getattr(kind, "multiple", False)
            verb = "Select at least one answer" if multiple else "Select an answer"
            return f"{verb} {to} {name}"
        return f"Enter {'your' if part.label else 'an'} answer {to} {name}"
    if code == "too_long" and part.max_length:
        return f"Your answer {to} {name} must be {part.max_length:,} characters or fewer"
    if code == "unknown_option" and has_options:
        return f"Select one of the answers listed for {name}"
    return problem.message
