"""Checks on who a respondent is: shared by roster import and self-service link requests.

Each check returns ``(code, message)`` pairs, so a roster can report every bad row at once and a
self-service form every bad field.
"""

from __future__ import annotations

import functools
import re

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from .characters import CONTROL_CODE, first_control
from .model import Consultation

__all__ = ["MAX_FIELD", "check_person", "normal_email", "person_key"]

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
_SPECIAL_USE = frozenset(SPECIAL_USE_DOMAIN_NAMES)


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(values)


def check_person(
    consultation: Consultation,
    *,
    authority: str,
    authority_type: str,
    role: str,
    name: str,
    email: str,
) -> list[tuple[str, str]]:
    """Every problem with one person's details, as ``(code, message)``; empty when all is well."""
    problems: list[tuple[str, str]] = []
    if not authority.strip():
        problems.append(("missing_authority", "the authority is missing"))
    for field_name, value in (("authority", authority), ("name", name), ("email", email)):
        if len(value) > MAX_FIELD:
            problems.append(("too_long", f"the {field_name} is longer than {MAX_FIELD} characters"))
    for field_name, value in (("authority", authority), ("name", name)):
        # (An address holding one is not valid: bad_email says so.)
        if found := first_control(value, multiline=False):
            message = f"the {field_name} contains a control character ({found}); remove it"
            problems.append((CONTROL_CODE, message))
    types = tuple(c.value for c in consultation.authority_types)
    if not authority_type.strip():
        problems.append(("missing_authority_type", "the authority type is missing"))
    elif types and authority_type not in types:
        problems.append(
            (
                "unknown_authority_type",
                f"unknown authority type {authority_type[:40]!r} (known: {_listed(types)})",
            )
        )
    roles = tuple(c.value for c in consultation.roles)
    if not role.strip():
        problems.append(("missing_role", "the role is missing"))
    elif roles and role not in roles:
        problems.append(("unknown_role", f"unknown role {role[:40]!r} (known: {_listed(roles)})"))
    if email and len(email) <= MAX_FIELD and normal_email(email) is None:
        # The address itself is personal data: the message says what is wrong, not what it is.
        problems.append(("bad_email", "the email address is not valid"))
    return problems


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
        special = domain.rpartition(".")[2] in _SPECIAL_USE
        if len(local) <= 64 and "--" not in domain and not special:
            return f"{local}@{domain}"
    try:
        valid = validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return None
    local, _, domain = valid.normalized.rpartition("@")
    return f"{local}@{domain.lower()}"


def person_key(authority: str, role: str, name: str) -> tuple[str, str, str]:
    """Who a row is, for spotting the same person twice: case and spacing do not matter."""
    return (" ".join(authority.split()).casefold(), role, " ".join(name.split()).casefold())
