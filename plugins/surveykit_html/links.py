"""Getting in: opening a unique link, and getting your own link (self-service).

A wrong link and a link tried while its client is rate-limited get the very same page as any
unknown link, so trying links teaches an attacker nothing, not even that they are being slowed
down.  A right link is exchanged for a session at once and the browser redirected, so the token
leaves the address bar after its first use.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from surveykit.errors import ClosedError, DetailsError, LinkError
from surveykit.i18n import mark, problem_text
from surveykit.identity import Token
from surveykit.model import Consultation
from surveykit.people import MAX_FIELD, for_authorities, person_problems
from surveykit.submit import SELF_SERVICE_ROLE

from .forms import read_form
from .pages import closed, message, web_state
from .sessions import start_session
from .state import blocking, redirect

__all__ = ["enter", "get_link"]

#: The form's fields.  A consultation that lists no authority types (a residents' survey) does
#: not ask for the type, and its authority box is the optional organisation a person answers for.
_DETAILS = ("authority", "authority_type", "name", "email")
_RESIDENT_DETAILS = ("authority", "name", "email")
#: What a detail that is too long is called in its error message ("... must be 200 characters
#: or fewer"), by field.
_TOO_LONG = {
    "authority": mark("The name of your authority must be {limit} characters or fewer"),
    "name": mark("Your name must be {limit} characters or fewer"),
    "email": mark("Your email must be {limit} characters or fewer"),
}
_RESIDENT_TOO_LONG = {
    **_TOO_LONG,
    "authority": mark("The name of the organisation must be {limit} characters or fewer"),
}
#: GOV.UK wording for a problem, by its code; any other problem shows check_person's message.
_MESSAGES = {
    "missing_authority": mark("Enter the name of your authority or organisation"),
    "missing_authority_type": mark("Select the type of authority or organisation"),
    "unknown_authority_type": mark("Select the type of authority or organisation"),
    "bad_email": mark("Enter an email address in the correct format, like name@example.com"),
}


def _details(consultation: Consultation) -> tuple[str, ...]:
    return _DETAILS if for_authorities(consultation) else _RESIDENT_DETAILS


def client_of(request: Request) -> str:
    """Who to count a try against: the client address (the proxy's view, when trusted)."""
    return request.client.host if request.client else "unknown"


def unknown_link(request: Request) -> Response:
    return message(
        request,
        404,
        mark("This link is not recognised"),
        mark(
            "Check that you copied the whole link. If you were sent more than one link, use the "
            "most recent: a new link replaces the ones before it."
        ),
        mark("If you have tried several times, wait 15 minutes before trying again."),
        mark("If you do not have a link, you can get your own from the start page."),
    )


async def enter(request: Request) -> Response:
    """``/r/{token}``: swap a live link for a session, then redirect away from the token."""
    web = web_state(request)
    # A link may carry ?lang=cy (an invitation in Welsh): chosen before the session starts,
    # which keeps it.
    web.pages.language(request)
    client = client_of(request)
    if web.token_guard.blocked(client):
        return unknown_link(request)
    try:
        token = Token.parse(request.path_params["token"])
        respondent = await blocking(web.service.authenticate, token)
    except LinkError:
        web.token_guard.record(client)
        return unknown_link(request)
    start_session(request.session, respondent, web.service.token_hash(token))
    return redirect(web.url(request, "overview"))


def _problems(request: Request, values: dict[str, str]) -> dict[str, str]:
    """What is wrong with each detail, by field; a problem with a detail the form does not ask
    for (the role it gives every self-service respondent) is shown against the authority."""
    web = web_state(request)
    words = web.pages.words(request)
    details = _details(web.consultation)
    too_long = _TOO_LONG if for_authorities(web.consultation) else _RESIDENT_TOO_LONG
    problems: dict[str, str] = {}
    for field, text in too_long.items():
        if len(values[field]) > MAX_FIELD:
            problems[field] = words.gettext(text).format(limit=MAX_FIELD)
    found = person_problems(
        web.consultation,
        authority=values["authority"],
        authority_type=values.get("authority_type", ""),
        role=SELF_SERVICE_ROLE,
        name=values["name"],
        email=values["email"],
    )
    for problem in found:
        field = problem.field if problem.field in details else "authority"
        said = _MESSAGES.get(problem.code)
        problems.setdefault(
            field,
            words.gettext(said)
            if said
            else problem_text(problem, words.language, web.pages.plugins),
        )
    return problems


async def get_link(request: Request) -> Response:
    """Self-service: ask who the person responds for, then show their new link once."""
    web = web_state(request)
    if web.opening() != "open":
        return closed(request, 403 if request.method == "POST" else 200)
    details = _details(web.consultation)
    values = dict.fromkeys(details, "")
    if request.method == "GET":
        return _form(request, values, {})
    form = await read_form(request, web.keys, web.limits, frozenset(details))
    values = {field: str(form.get(field, "")).strip() for field in details}
    problems = _problems(request, values)
    if problems:
        return _form(request, values, problems)
    client = client_of(request)
    if web.link_guard.blocked(client):
        return message(
            request,
            429,
            mark("Too many links requested"),
            mark(
                "This computer has asked for a lot of links in the last hour. Wait an hour and "
                "try again, or use a link you already have."
            ),
        )
    try:
        issued = await web.write(web.service.request_link, **values)
    except ClosedError:
        return closed(request, 403, refused=True)
    except DetailsError as exc:
        return _form(request, values, {"authority": str(exc)})
    web.link_guard.record(client)
    start_session(request.session, issued.respondent, web.service.token_hash(issued.token))
    # Built here rather than by the cached paths: each token is used once.  The mount prefix
    # counts, so a consultation served under /<path>/ hands out /<path>/r/TOKEN.
    path = request.scope.get("root_path", "") + str(
        request.app.router.url_path_for("enter", token=issued.token.value)
    )
    link = f"{request.url.scheme}://{request.url.netloc}{path}"
    return web.pages.render(request, "your_link.html", link=link)


def _form(request: Request, values: dict[str, str], problems: dict[str, str]) -> Response:
    web = web_state(request)
    details = _details(web.consultation)
    errors = [{"text": text, "href": f"#{field}"} for field, text in problems.items()]
    order = {field: i for i, field in enumerate(details)}
    errors.sort(key=lambda e: order[e["href"][1:]])
    return web.pages.render(
        request,
        "get_link.html",
        400 if problems else 200,
        values=values,
        field_errors={field: problems.get(field, "") for field in details},
        errors=errors,
        authorities=for_authorities(web.consultation),
        authority_types=web.here(request).consultation.authority_types,
    )
