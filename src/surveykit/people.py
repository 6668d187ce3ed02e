"""Checks on who a respondent is: shared by roster import and self-service link requests.

Each check returns ``(code, message)`` pairs, so a roster can report every bad row at once and a
self-service form every bad field.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from attrs import field, frozen

from .characters import CONTROL_CODE, first_control
from .errors import from_phrase
from .i18n import mark, phrase
from .model import Consultation

__all__ = [
    "MAX_FIELD",
    "PersonProblem",
    "check_person",
    "for_authorities",
    "normal_email",
    "person_key",
    "person_problems",
]

MAX_FIELD = 200
#: An address as nearly everyone writes one: ASCII, a dot-atom before the @, host names of
#: letters, digits and single hyphens after it, ending in a top-level domain of letters.  For
#: these ``email-validator`` only lower-cases the domain, so :func:`normal_email` does that
#: itself (about a twentieth of the time); anything else, and every special-use domain, still
#: goes to ``email-validator``.  ``tests/test_people.py`` checks the two agree.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,64}(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,64})*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{1,63}"
)


@functools.cache
def _special_use() -> frozenset[str]:
    """email-validator's special-use domains; the library is imported on first need (it takes
    longer to import than most commands take to run)."""
    from email_validator import SPECIAL_USE_DOMAIN_NAMES

    return frozenset(SPECIAL_USE_DOMAIN_NAMES)


#: How messages name each detail.
_WORDS = {
    "authority": mark("authority"),
    "authority_type": mark("authority type"),
    "name": mark("name"),
    "email": mark("email"),
}
_ORGANISATION = mark("organisation")


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(values)


def for_authorities(consultation: Consultation) -> bool:
    """Whether respondents answer for authorities: the spec lists ``authority_types``.

    Such a consultation (Taking Stock) needs every respondent's authority and its type.  One
    that lists none (a residents' survey) asks neither: a resident answers for themselves, and
    the authority is only the organisation someone answers for, when they do.
    """
    return bool(consultation.authority_types)


@frozen
class PersonProblem:
    """One problem with one person's details, and the detail it is about, so a form can put
    the message next to the right box."""

    #: ``"authority"``, ``"authority_type"``, ``"role"``, ``"name"`` or ``"email"``.
    field: str
    code: str
    #: The English; ``template``, ``params`` and ``domain`` say it in another language
    #: (:func:`surveykit.i18n.problem_text`), as for an answer's problems.
    message: str
    template: str | None = field(default=None, eq=False)
    params: Mapping[str, Any] | None = field(default=None, eq=False)
    domain: str | None = field(default=None, eq=False)
    #: The English plural of ``template`` for a message with plural forms (its count is
    #: ``params["count"]``), else ``None``.
    plural: str | None = field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        from_phrase(self)


def person_problems(
    consultation: Consultation,
    *,
    authority: str,
    authority_type: str,
    role: str,
    name: str,
    email: str,
) -> list[PersonProblem]:
    """Every problem with one person's details, each naming its detail; empty when all is well.

    Without authority types (see :func:`for_authorities`) the authority and its type may be
    blank; a type that is given anyway is free text, held to the same length and character
    rules as the authority.
    """
    problems: list[PersonProblem] = []
    authorities = for_authorities(consultation)
    if authorities and not authority.strip():
        problems.append(
            PersonProblem("authority", "missing_authority", phrase("the authority is missing"))
        )
    words = {**_WORDS, "authority": _WORDS["authority"] if authorities else _ORGANISATION}
    lengths = ["authority", "name", "email"]
    controls = ["authority", "name"]
    if not authorities:
        lengths.append("authority_type")
        controls.append("authority_type")
    values = {
        "authority": authority,
        "authority_type": authority_type,
        "name": name,
        "email": email,
    }
    for field_name in lengths:
        if len(values[field_name]) > MAX_FIELD:
            message = phrase(
                "the {detail} is longer than {limit} characters",
                detail=phrase(words[field_name]),
                limit=MAX_FIELD,
            )
            problems.append(PersonProblem(field_name, "too_long", message))
    for field_name in controls:
        # (An address holding one is not valid: bad_email says so.)
        if found := first_control(values[field_name], multiline=False):
            message = phrase(
                "the {detail} contains a control character ({character}); remove it",
                detail=phrase(words[field_name]),
                character=found,
            )
            problems.append(PersonProblem(field_name, CONTROL_CODE, message))
    types = tuple(c.value for c in consultation.authority_types)
    if authorities and not authority_type.strip():
        problems.append(
            PersonProblem(
                "authority_type",
                "missing_authority_type",
                phrase("the authority type is missing"),
            )
        )
    elif types and authority_type not in types:
        message = phrase(
            "unknown authority type {given} (known: {known})",
            given=repr(authority_type[:40]),
            known=_listed(types),
        )
        problems.append(PersonProblem("authority_type", "unknown_authority_type", message))
    roles = tuple(c.value for c in consultation.roles)
    if not role.strip():
        problems.append(PersonProblem("role", "missing_role", phrase("the role is missing")))
    elif roles and role not in roles:
        message = phrase(
            "unknown role {given} (known: {known})", given=repr(role[:40]), known=_listed(roles)
        )
        problems.append(PersonProblem("role", "unknown_role", message))
    if email and len(email) <= MAX_FIELD and normal_email(email) is None:
        # The address itself is personal data: the message says what is wrong, not what it is.
        problems.append(
            PersonProblem("email", "bad_email", phrase("the email address is not valid"))
        )
    return problems


def check_person(
    consultation: Consultation,
    *,
    authority: str,
    authority_type: str,
    role: str,
    name: str,
    email: str,
) -> list[tuple[str, str]]:
    """Every problem with one person's details, as ``(code, message)``; empty when all is well.

    The rules are :func:`person_problems`'s.
    """
    found = person_problems(
        consultation,
        authority=authority,
        authority_type=authority_type,
        role=role,
        name=name,
        email=email,
    )
    return [(p.code, p.message) for p in found]


@functools.lru_cache(maxsize=4096)
def normal_email(email: str) -> str | None:
    """``email`` as it is stored and matched, or ``None`` if it is not a valid address.

    Checked by ``email-validator`` for syntax only: no DNS look-up, so nothing depends on the
    network, and a respondent's typing never makes us contact their domain.  Its normalised form
    (Unicode NFC, the domain lower-cased) lets the same person typing different case match.
    Cached because a roster row is checked, then stored.
    """
    if not email:
        return ""
    if len(email) > MAX_FIELD:
        return None
    if _PLAIN_EMAIL.fullmatch(email):
        local, _, domain = email.rpartition("@")
        domain = domain.lower()
        special = domain.rpartition(".")[2] in _special_use()
        if len(local) <= 64 and "--" not in domain and not special:
            return f"{local}@{domain}"
    from email_validator import EmailNotValidError, validate_email

    try:
        valid = validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return None
    local, _, domain = valid.normalized.rpartition("@")
    return f"{local}@{domain.lower()}"


def person_key(authority: str, role: str, name: str, email: str = "") -> tuple[str, ...]:
    """Who a roster row is, for spotting the same person twice: case and spacing do not matter.

    With an authority: the authority, role and name (a council has one leader), whatever the
    email address.  Without one (a resident) a name says too little, since two residents may
    share one, so the email address joins the key: rows that differ only in it are different
    people, and two rows with the same name and no address are still the same person.
    """
    key = (" ".join(authority.split()).casefold(), role, " ".join(name.split()).casefold())
    if key[0]:
        return key
    return (*key, email.strip().casefold())
