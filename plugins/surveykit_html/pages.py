"""The respondent's pages: start, overview, one question per page, check, confirmation, saved.

Each handler checks, in this order, that the consultation is open (by the one clock), that the
session belongs to a live link, and only then reads or writes answers, through the submit
service.  Answers live in the respondent's draft between pages, so nothing is kept in the
browser but the session cookie.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from surveykit import Question
from surveykit.errors import AnswersRejected, ClosedError, LinkError
from surveykit.i18n import mark, problem_text

from .forms import ANSWER, FormRefused, field_message, read_form, tampered
from .language import Words, chosen_in_session, question_title
from .sessions import SessionKey
from .state import Visitor, WebState, redirect

__all__ = [
    "check",
    "confirmation",
    "message",
    "not_found",
    "overview",
    "question_page",
    "saved",
    "start",
]

_BUTTON = frozenset({"action"})
_NO_FIELDS: frozenset[str] = frozenset()


def web_state(request: Request) -> WebState:
    """The app's shared state, kept on the request's scope after the first look-up."""
    scope = request.scope
    web = scope.get("surveykit.web")
    if web is None:
        web = scope["surveykit.web"] = request.app.state.web
    return web


def message(
    request: Request, status: int, heading: str | Words, *paragraphs: str | Words
) -> Response:
    """A page that explains one thing: an error, a refusal, an expired session.  The heading
    and paragraphs are English messages marked for translation (or :class:`Words`), said in the
    page's language."""
    pages = web_state(request).pages
    words = pages.words(request)

    def say(text: str | Words) -> str:
        return text.say(words) if isinstance(text, Words) else words.gettext(text)

    return pages.render(
        request,
        "message.html",
        status,
        heading=say(heading),
        paragraphs=[say(paragraph) for paragraph in paragraphs],
    )


def closed(request: Request, status: int, refused: bool = False) -> Response:
    web = web_state(request)
    return web.pages.render(
        request,
        "closed.html",
        status,
        not_yet=web.opening() == "not_yet",
        opens_text=web.opens_text(web.pages.language(request)),
        refused=refused,
    )


def link_needed(request: Request) -> Response:
    return message(
        request,
        403,
        mark("Open your unique link to carry on"),
        mark(
            "We could not tell whose response this is: your session may have ended, or a newer "
            "link may have been sent to you."
        ),
        mark(
            "Open the unique link you were given (or the most recent one, if you were sent more "
            "than one). Your saved answers will be waiting for you."
        ),
    )


async def gate(request: Request, web: WebState | None = None) -> Visitor | Response:
    """The respondent of this session if the consultation is open, else the page to show."""
    web = web or web_state(request)
    if web.opening() != "open":
        posted = request.method == "POST"
        return closed(request, 403 if posted else 200, refused=posted)
    visitor = await web.visitor(request)
    if visitor is None:
        return link_needed(request)
    return visitor


async def start(request: Request) -> Response:
    web = web_state(request)
    if web.opening() != "open":
        return closed(request, 200)
    signed_in = SessionKey.from_session(request.session) is not None
    return web.pages.render(request, "start.html", signed_in=signed_in)


async def overview(request: Request) -> Response:
    visitor = await gate(request)
    if isinstance(visitor, Response):
        return visitor
    web = web_state(request)
    here = web.here(request)
    respondent = visitor.respondent
    answers = visitor.answers
    roles = {c.value: c.label for c in here.consultation.roles}
    types = {c.value: c.label for c in here.consultation.authority_types}
    return web.pages.render(
        request,
        "overview.html",
        respondent=respondent,
        # A consultation of residents lists no roles: "other" says nothing to show.
        role=roles.get(respondent.role, respondent.role) if roles else None,
        authority_type=types.get(respondent.authority_type, respondent.authority_type),
        draft=visitor.draft,
        response=visitor.response,
        question_count=len(web.consultation.questions),
        next_url=web.question_url(request, web.flow.resume(answers)),
    )


def _render_question(
    request: Request,
    question: Question,
    answers: dict[str, Any],
    *,
    fields: dict[str, Any],
    change: bool,
    errors: list[dict[str, str]] | None = None,
    field_errors: dict[str, str] | None = None,
    known: bool = False,
    web: WebState | None = None,
) -> Response:
    """The question's page, its fields filled in with ``fields`` (stored answers, or what was
    posted when ``errors`` say what is wrong with it; ``field_errors`` by part key)."""
    web = web or web_state(request)
    here = web.here(request)
    question = here.consultation.by_id[question.id]
    widget = here.widgets[question.id]
    previous = None if change else web.flow.before(answers, question.id)

    def context() -> dict[str, Any]:
        if change:
            back_url = web.url(request, "check")
        elif previous is not None:
            back_url = web.question_url(request, previous)
        else:
            back_url = web.url(request, "overview")
        errors_by_part = field_errors or {}
        error = errors_by_part.get(question.id, "")
        return {
            "question": question,
            "section": here.sections[question.id],
            "widget": widget,
            "control": widget.control,
            "max_length": widget.max_length,
            "value": fields.get(ANSWER),
            "fields": fields,
            "change": change,
            "back_url": back_url,
            "action_url": web.question_url(request, question) + ("?change=1" if change else ""),
            "errors": errors or [],
            "error": error,
            "field_errors": errors_by_part,
            "wrong_boxes": widget.wrong_boxes(fields) if error and widget.boxes else (),
            "known": known,
        }

    shared = None if errors else widget.shared_key(fields)
    if shared is not None:
        # The Back link and the form's action follow from these (and the mount point, which
        # the shared page's key holds), so the key needs neither URL built.
        key = (question.id, shared, change, None if previous is None else previous.id, known)
        return web.pages.render_shared(request, "question.html", key, context)
    return web.pages.render(request, "question.html", 400 if errors else 200, **context())


async def question_page(request: Request) -> Response:
    web = web_state(request)
    question = web.consultation.by_id.get(request.path_params["question_id"])
    if question is None:
        return not_found(request)
    visitor = await gate(request, web)
    if isinstance(visitor, Response):
        return visitor
    answers = visitor.answers
    change = bool(request.scope["query_string"]) and request.query_params.get("change") == "1"
    if request.method == "POST":
        return await _answer(request, visitor, question, answers, change)
    if not web.engine.is_visible(question.id, answers):
        return redirect(web.question_url(request, web.flow.resume(answers)))
    value = answers.get(question.id)
    known = question.id in visitor.known and value == visitor.known[question.id]
    fields = web.widgets[question.id].shown(answers)
    return _render_question(
        request, question, answers, fields=fields, change=change, known=known, web=web
    )


async def _answer(
    request: Request, visitor: Visitor, question: Question, answers: dict[str, Any], change: bool
) -> Response:
    web = web_state(request)
    here = web.here(request)
    widget = here.widgets[question.id]
    form = await read_form(request, web.keys, web.limits, widget.fields | _BUTTON)
    action = form.get("action", "continue")
    if action not in ("continue", "save"):
        raise tampered(mark("The form asked for something this page cannot do."))
    if not web.engine.is_visible(question.id, answers):
        raise FormRefused(
            400,
            mark("This question is not asked now"),
            Words(
                mark(
                    "{title} is not asked after the answers you have given, so your answer to "
                    "it was not saved. Go to check your answers to see the questions you are "
                    "asked."
                ),
                {"title": question_title(widget.question, web.pages.words(request))},
            ),
        )
    raw = widget.read(form)
    mine = set(widget.keys)
    candidate = {key: v for key, v in answers.items() if key not in mine}
    candidate.update((key, v) for key, v in raw.items() if v is not None)
    # Checked in the page's language: a number typed with its Welsh unit is read.
    checked = here.engine.check(candidate)
    problems = [
        p
        for p in checked.problems
        if p.question in mine and (action == "continue" or p.code != "required")
    ]
    if problems:
        fields = widget.posted(form)
        errors = []
        field_errors: dict[str, str] = {}
        words = web.pages.words(request)
        for problem in problems:
            part = here.parts[problem.question]
            text = field_message(part, problem, web.kinds[part.kind], words, web.pages.plugins)
            errors.append({"text": text, "href": widget.href(part.id, fields)})
            field_errors.setdefault(part.id, text)
        return _render_question(
            request,
            question,
            answers,
            fields=fields,
            change=change,
            errors=errors,
            field_errors=field_errors,
        )
    wrong = {p.question for p in checked.problems if p.code != "required"}
    new = {key: v for key, v in checked.answers.items() if key not in wrong}
    try:
        draft = await web.save_draft(visitor.key, new)
    except ClosedError:
        return closed(request, 403, refused=True)
    except LinkError:
        return link_needed(request)
    if action == "save":
        return redirect(web.url(request, "saved"))
    if change:
        return redirect(
            web.question_url(request, web.flow.after_change(answers, draft.answers, question.id))
        )
    # The draft's answers are already clean: the next question needs no second check of them.
    return redirect(web.question_url(request, web.flow.after_clean(draft.answers, question.id)))


def _render_check(
    request: Request, visitor: Visitor, errors: list[dict[str, str]] | None = None
) -> Response:
    web = web_state(request)
    answers = visitor.answers
    shown = web.engine.visible_questions(answers)
    back_url = web.question_url(request, shown[-1]) if shown else web.url(request, "overview")
    summary = web.here(request).flow.summary(answers, visitor.known)
    return web.pages.render(
        request,
        "check.html",
        400 if errors else 200,
        summary=summary,
        from_records=any(row.from_records for part in summary for row in part.rows),
        response=visitor.response,
        back_url=back_url,
        errors=errors or [],
    )


async def check(request: Request) -> Response:
    visitor = await gate(request)
    if isinstance(visitor, Response):
        return visitor
    if request.method == "GET":
        return _render_check(request, visitor)
    web = web_state(request)
    await read_form(request, web.keys, web.limits, _NO_FIELDS)
    try:
        await web.write(web.service.submit, visitor.key, visitor.answers, channel="web")
    except AnswersRejected as exc:
        return _render_check(request, visitor, _problem_links(request, exc))
    except ClosedError:
        return closed(request, 403, refused=True)
    except LinkError:
        return link_needed(request)
    chosen = chosen_in_session(request, web.pages.languages)
    if chosen is not None and chosen != visitor.respondent.language:
        # The choice is theirs, so later letters (reminders, invitations) follow it.
        await web.write(web.service.store.set_language, visitor.respondent.id, chosen)
    return redirect(web.url(request, "confirmation"))


def _problem_links(request: Request, exc: AnswersRejected) -> list[dict[str, str]]:
    """Each problem, linking to the page (and the field) that puts it right."""
    web = web_state(request)
    here = web.here(request)
    words = web.pages.words(request)
    links = []
    for problem in exc.problems:
        key = problem.question or ""
        part = here.parts.get(key)
        question = web.owner(key)
        if part is None or question is None:
            said = problem_text(problem, words.language, web.pages.plugins)
            links.append({"text": said, "href": "#main-content"})
            continue
        widget = web.widgets[question.id]
        fragment = "" if key == question.id else widget.href(key, {})
        links.append(
            {
                "text": field_message(
                    part, problem, web.kinds[part.kind], words, web.pages.plugins
                ),
                "href": web.question_url(request, question) + "?change=1" + fragment,
            }
        )
    return links


async def confirmation(request: Request) -> Response:
    visitor = await gate(request)
    if isinstance(visitor, Response):
        return visitor
    web = web_state(request)
    if visitor.response is None:
        return redirect(web.url(request, "overview"))
    return web.pages.render(request, "confirmation.html", response=visitor.response)


async def saved(request: Request) -> Response:
    visitor = await gate(request)
    if isinstance(visitor, Response):
        return visitor
    web = web_state(request)
    next_url = web.question_url(request, web.flow.resume(visitor.answers))
    return web.pages.render(request, "saved.html", next_url=next_url)


def not_found(request: Request) -> Response:
    return message(
        request,
        404,
        mark("Page not found"),
        mark(
            "If you typed the web address, check it is correct. If you pasted it, check you "
            "copied the whole address."
        ),
    )
