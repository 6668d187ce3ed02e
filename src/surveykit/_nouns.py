"""Counts with the noun that agrees with them: "1 question", "25 questions".

Here, apart from :mod:`surveykit.wording` (which re-exports both), so that a command printing a
count does not import the condition phrasing with them (issue 20).
"""

from __future__ import annotations

__all__ = ["counted", "plural"]


def plural(n: int, singular: str, plural: str | None = None) -> str:
    """The noun that agrees with ``n``: ``singular`` for exactly one, else its plural.

    The plural is ``plural`` when given (for irregular nouns), else the English rule for regular
    ones: "address" -> "addresses", "reply" -> "replies", "message" -> "messages".
    """
    if n == 1:
        return singular
    if plural is not None:
        return plural
    if singular.endswith(("s", "x", "z", "ch", "sh")):
        return singular + "es"
    if len(singular) > 1 and singular[-1] == "y" and singular[-2] not in "aeiou":
        return singular[:-1] + "ies"
    return singular + "s"


def counted(n: int, singular: str, plural_form: str | None = None, *, grouped: bool = False) -> str:
    """``n`` with the noun that agrees with it: "1 question", "0 questions", "2 addresses".

    ``grouped`` writes thousands with commas ("1,204 responses"), for figures that can be large.
    """
    number = f"{n:,}" if grouped else str(n)
    return f"{number} {plural(n, singular, plural_form)}"
