"""Reading what a browser posts: limits, CSRF, the one answer a question page sends, and messages.

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

__all__ = ["ANSWER", "FormRefused", "field_message", "read_answer", "read_form"]

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


def read_answer(form: FormData, question: Question, multiple: bool) -> Any:
    """The raw answer a question page sent: a list for checkboxes, else a string or ``None``."""
    values = form.getlist(ANSWER)
    if multiple:
        return list(values)
    if len(values) > 1:
        raise tampered(f"{question.title} takes one answer, and the form sent {len(values)}.")
    return values[0] if values else None


def field_message(
    question: Question, problem: AnswerProblem, has_options: bool, multiple: bool
) -> str:
    """What to tell a person about a problem with their answer, in the GOV.UK style."""
    code = problem.code
    name = f"question {question.number or question.id}"
    if code == "required":
        if has_options:
            verb = "Select at least one answer" if multiple else "Select an answer"
            return f"{verb} to {name}"
        return f"Enter an answer to {name}"
    if code == "too_long" and question.max_length:
        return f"Your answer to {name} must be {question.max_length:,} characters or fewer"
    if code == "unknown_option":
        return f"Select one of the answers listed for {name}"
    return problem.message
