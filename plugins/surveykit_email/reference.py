"""The reference line: ties a reply to its respondent without exposing their token.

A reference such as ``SK-7KQ2-M9XD-4HPA`` is eleven Crockford base32 characters of an HMAC of the
respondent's internal id under the deployment secret, then one check character (Luhn mod 32).  It
is short enough to read out and type, reveals nothing about the token (it is not derived from
it), and cannot be made up for someone without the secret: 55 keyed bits, so a forger's guess
matches a given respondent with a chance of one in 36 million million.  The check character
catches every single mistyped character and most swapped neighbours before any lookup.

Reading is forgiving in the Crockford way: lower case, spaces for hyphens, ``O`` for ``0`` and
``I`` or ``L`` for ``1`` are all accepted and normalised.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from surveykit import Secret

__all__ = [
    "PREFIX",
    "find_reference",
    "find_references",
    "has_malformed_reference",
    "is_valid",
    "reference_for",
]

PREFIX = "SK"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_VALUE.update({"O": 0, "I": 1, "L": 1})
_DATA_CHARS = 11
_LABEL = b"surveykit email reference v1\x00"

# Bounded, so a long run of spaces after "SK" costs linear time, not quadratic.
_SEP = r"[ \t]{0,3}[-\u2010-\u2015]?[ \t]{0,3}"
_GROUP = r"([0-9A-Za-z]{4})"
_START = re.compile(
    "[" + PREFIX[0] + PREFIX[0].lower() + "][" + PREFIX[1] + PREFIX[1].lower() + "]"
)
_PATTERN = re.compile(
    rf"(?<![0-9A-Za-z]){PREFIX}{_SEP}{_GROUP}{_SEP}{_GROUP}{_SEP}{_GROUP}(?![0-9A-Za-z])",
    re.IGNORECASE,
)


def reference_for(secret: Secret, respondent_id: str) -> str:
    """The reference for one respondent under this deployment's secret."""
    digest = hmac.new(secret.key, _LABEL + respondent_id.encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big") >> (64 - 5 * _DATA_CHARS)
    data = "".join(
        ALPHABET[(number >> (5 * (_DATA_CHARS - 1 - i))) & 31] for i in range(_DATA_CHARS)
    )
    body = data + _check_char(data)
    return f"{PREFIX}-{body[0:4]}-{body[4:8]}-{body[8:12]}"


def _check_char(data: str) -> str:
    """Luhn mod 32: detects any one wrong character and most swaps of neighbours."""
    total = 0
    factor = 2
    for char in reversed(data):
        addend = factor * _VALUE[char]
        total += addend // 32 + addend % 32
        factor = 3 - factor
    return ALPHABET[-total % 32]


def _normalise(groups: tuple[str, ...]) -> str | None:
    body = "".join(groups).upper()
    if any(c not in _VALUE for c in body):
        return None
    body = "".join(ALPHABET[_VALUE[c]] for c in body)
    if _check_char(body[:_DATA_CHARS]) != body[_DATA_CHARS]:
        return None
    return f"{PREFIX}-{body[0:4]}-{body[4:8]}-{body[8:12]}"


def is_valid(reference: str) -> bool:
    """Whether ``reference`` is one well-formed reference (its check character agrees)."""
    match = _PATTERN.fullmatch(reference.strip())
    return match is not None and _normalise(match.groups()) is not None


def _matches(text: str):
    """Every reference-shaped match, found by looking only where the prefix occurs."""
    for start in _START.finditer(text):
        match = _PATTERN.match(text, start.start())
        if match is not None:
            yield match


def find_references(text: str) -> list[str]:
    """Every well-formed reference in ``text``, normalised, in order, each once."""
    found: list[str] = []
    for match in _matches(text):
        reference = _normalise(match.groups())
        if reference is not None and reference not in found:
            found.append(reference)
    return found


def find_reference(text: str) -> str | None:
    """The first well-formed reference anywhere in ``text`` (quoted text too), normalised."""
    for match in _matches(text):
        reference = _normalise(match.groups())
        if reference is not None:
            return reference
    return None


def has_malformed_reference(text: str) -> bool:
    """Whether ``text`` holds something shaped like a reference whose check character fails."""
    return any(_normalise(m.groups()) is None for m in _matches(text))
