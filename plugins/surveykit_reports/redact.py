"""Redaction of free text before it is quoted: contact details, links, secrets and names.

Order matters: email addresses contain what looks like a link, and links contain what looks like
a token, so each pattern runs on what the earlier ones left.  Names are matched as whole words,
case-insensitively, with any run of spaces between their words.  Redaction errs on the side of
removing too much: a quote with a gap is better than a quote that identifies someone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from attrs import frozen

__all__ = [
    "AUTHORITY",
    "EMAIL",
    "LINK",
    "NAME",
    "PHONE",
    "SECRET",
    "Redactor",
    "could_occur",
    "name_parts",
    "words_of",
]

EMAIL = "[email removed]"
LINK = "[link removed]"
PHONE = "[phone number removed]"
SECRET = "[code removed]"
NAME = "[name removed]"
AUTHORITY = "[authority removed]"

_EMAIL = re.compile(r"[\w.+'-]*\s*(?:@|\(at\)|\[at\])\s*[\w-]+(?:\.[\w-]+)*", re.I)
_TLDS = "uk|com|org|net|gov|info|io|eu|co|me|biz|ly|gl|int|edu|scot|wales|london|nhs"
_LINK = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)\S+"
    rf"|\b[\w-]+(?:\.[\w-]+)*\.(?:{_TLDS})\b(?:/\S*)?",
    re.I,
)
# A run of 9+ digits, allowing the spaces, dots, dashes, brackets and "+" people write in them.
_PHONE = re.compile(r"\+?\(?\d(?:[\s().\-/]*\d){8,}")
# Long unbroken runs with digits, capitals inside or _ and -, as in a pasted token: never prose.
_SECRET = re.compile(r"(?<![\w-])(?=[\w-]{22,}(?![\w-]))(?=[\w-]*?(?:\d|_|-|\B[A-Z]))[\w-]+")
_TITLED = re.compile(
    r"\b(?:Cllr|Councillor|Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Lord|Lady|Baroness)"
    r"\.?\s+[A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+)?"
)
# Words that describe a kind of authority rather than name one ("Kent County Council" is
# identified by "Kent").
_GENERIC = frozenset(
    (
        "the",
        "of",
        "and",
        "for",
        "council",
        "county",
        "district",
        "borough",
        "city",
        "metropolitan",
        "london",
        "royal",
        "fire",
        "rescue",
        "authority",
        "authorities",
        "combined",
        "unitary",
        "improvement",
        "partnership",
    )
)
_MIN_PART = 3


def name_parts(name: str) -> list[str]:
    """What to look for to find a name in text: the whole name and each distinctive word."""
    words = re.findall(r"[\w'\-]+", name)
    parts = [" ".join(words)] if words else []
    parts += [w for w in words if len(w) >= _MIN_PART and w.lower() not in _GENERIC]
    return parts


_WORD = re.compile(r"\w+")


def words_of(texts: Iterable[str]) -> frozenset[str]:
    """Every run of word characters in ``texts``, lower-cased."""
    return frozenset(w.lower() for text in texts for w in _WORD.findall(text))


def could_occur(name: str, words: frozenset[str]) -> bool:
    """Whether any part of ``name`` could be found in a text made of ``words``.

    A name part matches as whole words between non-word characters, so each run of word
    characters in it is a whole run in the text: a part whose runs are not all among ``words``
    cannot match.  This only rules names out; the patterns decide.
    """
    return any(all(w.lower() in words for w in _WORD.findall(part)) for part in name_parts(name))


def _pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    unique = {p.lower() for p in phrases if p.strip()}
    if not unique:
        return None
    alternatives = sorted(unique, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in alternatives)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.I)


@functools.lru_cache(maxsize=4096)
def _own_pattern(name: str) -> re.Pattern[str] | None:
    return _pattern(name_parts(name))


@frozen
class Redactor:
    """Removes what must not be published from a piece of free text.

    ``people`` are respondents' names; ``authorities`` the names of authorities that may not
    be named; ``allowed`` the names of authorities that consented to being named, which are
    left alone even where they share a word with one that did not.
    """

    people: re.Pattern[str] | None
    authorities: re.Pattern[str] | None
    allowed: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls,
        people: Iterable[str] = (),
        authorities: Iterable[str] = (),
        allowed: Iterable[str] = (),
    ) -> Redactor:
        allowed_names = frozenset(a.strip().lower() for a in allowed if a.strip())
        allowed_words = {w.lower() for a in allowed_names for w in name_parts(a)}
        blocked = [
            part
            for a in authorities
            if a.strip().lower() not in allowed_names
            for part in name_parts(a)
            if part.lower() not in allowed_words
        ]
        return cls(
            _pattern(p for person in people for p in name_parts(person)),
            _pattern(blocked),
            allowed_names,
        )

    def __call__(self, text: str, *, own_name: str = "") -> str:
        text = _EMAIL.sub(EMAIL, text)
        text = _LINK.sub(LINK, text)
        text = _SECRET.sub(SECRET, text)
        text = _PHONE.sub(PHONE, text)
        own = _own_pattern(own_name) if own_name else None
        for pattern, mark in ((own, NAME), (self.people, NAME), (self.authorities, AUTHORITY)):
            if pattern is not None:
                text = pattern.sub(mark, text)
        return _TITLED.sub(NAME, text)
