"""Checks on who a respondent is: shared by roster import and self-service link requests.

Each check returns ``(code, message)`` pairs, so a roster can report every bad row at once and a
self-service form every bad field.
"""

from __future__ import annotations

import re

from .model import Consultation

__all__ = ["MAX_FIELD", "check_person", "person_key"]

MAX_FIELD = 200
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+\Z")


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
    if email and not _EMAIL.match(email):
        # The address itself is personal data: the message says what is wrong, not what it is.
        problems.append(("bad_email", "the email address is not valid"))
    return problems


def person_key(authority: str, role: str, name: str) -> tuple[str, str, str]:
    """Who a row is, for spotting the same person twice: case and spacing do not matter."""
    return (" ".join(authority.split()).casefold(), role, " ".join(name.split()).casefold())
