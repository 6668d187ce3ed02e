"""Reading what a browser posts: limits, CSRF, refusals, and what to say about an answer.

A form that could not have come from our own page (a missing or wrong CSRF token, fields we
never render, a value for a question not being asked) is refused with :class:`FormRefused`
before anything is stored.  An answer a person could plausibly have given (nothing chosen, too
much text) gets an error message next to the question instead, in the GOV.UK style.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import attrs
from starlette.datastructures import FormData
from starlette.requests import Request

from surveykit import AnswerProblem, Question
from surveykit.i18n import Translator, mark, problem_text

from .config import Limits
from .language import Words, question_title
from .sessions import WebKeys

__all__ = ["ANSWER", "FormRefused", "field_message", "read_form", "tampered"]

#: The name of the answer field on a question page; the first input's id, for error links.
ANSWER = "answer"
CSRF = "csrf_token"


class FormRefused(Exception):
    """The post is not one our pages could have sent; shown as a clear error page.

    ``title`` and ``message`` are English messages marked for translation (``message`` may be
    :class:`~.language.Words`, with values): the page says them in its own language.
    """

    def __init__(self, status: int, title: str, message: str | Words) -> None:
        super().__init__(str(message))
        self.status = status
        self.title = title
        self.message = message


STALE_FORM = FormRefused(
    403,
    mark("This form has expired"),
    mark(
        "The page you sent it from was out of date or did not come from this site, so nothing "
        "was saved. Go back, reload the page and try again."
    ),
)


def tampered(detail: str | Words) -> FormRefused:
    """A refusal of a post our pages could not have sent; ``detail`` says why (marked)."""
    return FormRefused(
        400,
        mark("This form could not be accepted"),
        Words(
            mark("{detail} Nothing was saved. Go back, reload the page and try again."),
            {"detail": detail if isinstance(detail, Words) else Words(detail)},
        ),
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
        raise tampered(mark("The form held fields that this page does not have."))
    if any(not isinstance(value, str) for _, value in form.multi_items()):
        raise tampered(mark("The form held a file, and this page takes none."))
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
        raise tampered(mark("The form was not sent as UTF-8 text.")) from None
    except ValueError:
        raise tampered(mark("The form held more fields than this page has.")) from None
    return FormData(pairs)


def field_message(
    part: Question,
    problem: AnswerProblem,
    kind: Any,
    words: Translator | None = None,
    plugins: Any = None,
) -> str:
    """What to tell a person about a problem with their answer to ``part`` (a question, or
    one of its parts: a grid's row, an "other" option's words), in the GOV.UK style, in the
    language of ``words`` (English without).  ``part`` is in that language too."""
    if words is None:
        from .language import words_for

        words = words_for("en")
    code = problem.code
    number = part.number or part.id.partition(".")[0]
    # A part names what it is about: "for “Streets are kept clean” in question 8".
    values = {"number": number, "label": part.label}
    labelled = bool(part.label)
    has_options = getattr(kind, "has_options", False)
    if code == "required":
        if getattr(kind, "answer_type", None) == "ranking":
            if labelled:
                return words.gettext(
                    "Rank at least one of the options for “{label}” in question {number}"
                ).format(**values)
            return words.gettext("Rank at least one of the options to question {number}").format(
                **values
            )
        if has_options and getattr(kind, "multiple", False):
            if labelled:
                return words.gettext(
                    "Select at least one answer for “{label}” in question {number}"
                ).format(**values)
            return words.gettext("Select at least one answer to question {number}").format(**values)
        if has_options:
            if labelled:
                return words.gettext("Select an answer for “{label}” in question {number}").format(
                    **values
                )
            return words.gettext("Select an answer to question {number}").format(**values)
        if labelled:
            return words.gettext("Enter your answer for “{label}” in question {number}").format(
                **values
            )
        return words.gettext("Enter an answer to question {number}").format(**values)
    if code == "too_long" and part.max_length:
        limit = f"{part.max_length:,}"
        if labelled:
            return words.gettext(
                "Your answer for “{label}” in question {number} must be {limit} characters or fewer"
            ).format(limit=limit, **values)
        return words.gettext(
            "Your answer to question {number} must be {limit} characters or fewer"
        ).format(limit=limit, **values)
    if code == "unknown_option" and has_options:
        if labelled:
            return words.gettext(
                "Select one of the answers listed for “{label}” in question {number}"
            ).format(**values)
        return words.gettext("Select one of the answers listed for question {number}").format(
            **values
        )
    params = getattr(problem, "params", None)
    if params and "title" in params and attrs.has(type(problem)):
        # The problem names its question in English ("Question 5"): named here in this language.
        problem = attrs.evolve(problem, params={**params, "title": question_title(part, words)})
    return problem_text(problem, words.language, plugins)
