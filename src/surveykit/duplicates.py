"""Self-service records that may be people on the roster: found for an officer, never merged.

Anyone may ask for a self-service link giving any authority, name and email address, so a roster
import never adopts a self-service respondent: that would hand whoever asked first the roster
person's identity, or the roster person a stranger's planted draft.  The two records stay apart,
each with its own link, and a self-service record that shares an email address, or an authority
and a name, with a roster record is listed here for an officer to judge
(``surveykit tokens duplicates``).
"""

from __future__ import annotations

from collections.abc import Iterable

from attrs import frozen

from .identity import Respondent

__all__ = ["PossibleDuplicate", "identity_keys", "possible_duplicates"]

#: What two records can share, in the order an officer is told.
MATCHES = ("email", "name")


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def identity_keys(authority: str, name: str, email: str) -> frozenset[tuple[str, ...]]:
    """What identifies a person across records: their (normalised) email address, and their
    authority with their name; case and spacing do not matter.  Records sharing any key may be
    the same person."""
    keys: set[tuple[str, ...]] = set()
    if email.strip():
        keys.add(("email", email.strip().casefold()))
    if name.strip() and authority.strip():
        keys.add(("name", _words(authority), _words(name)))
    return frozenset(keys)


def keys_of(respondent: Respondent) -> frozenset[tuple[str, ...]]:
    """:func:`identity_keys` of a stored respondent."""
    return identity_keys(respondent.authority, respondent.name, respondent.email)


@frozen
class PossibleDuplicate:
    """A roster record and a self-service record that may be one person."""

    roster: Respondent
    self_service: Respondent
    #: What they share: ``"email"``, ``"name"`` (authority and name) or both, in that order.
    matched: tuple[str, ...]


def possible_duplicates(respondents: Iterable[Respondent]) -> list[PossibleDuplicate]:
    """Every (roster, self-service) pair sharing an identity key, ordered by authority, role and
    when the self-service record was made."""
    roster: dict[tuple[str, ...], list[Respondent]] = {}
    self_service: list[Respondent] = []
    for respondent in respondents:
        if respondent.origin == "roster":
            for key in keys_of(respondent):
                roster.setdefault(key, []).append(respondent)
        else:
            self_service.append(respondent)
    found: list[PossibleDuplicate] = []
    for other in self_service:
        shared: dict[str, tuple[Respondent, set[str]]] = {}
        for key in keys_of(other):
            for person in roster.get(key, ()):
                shared.setdefault(person.id, (person, set()))[1].add(key[0])
        for person, how in shared.values():
            matched = tuple(m for m in MATCHES if m in how)
            found.append(PossibleDuplicate(person, other, matched))
    found.sort(
        key=lambda d: (
            _words(d.roster.authority),
            d.roster.role,
            d.roster.id,
            d.self_service.created_at,
            d.self_service.id,
        )
    )
    return found
