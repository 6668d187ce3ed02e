"""Redaction of free text before it is quoted: contact details, links, secrets, postcodes, names.

Order matters: email addresses contain what looks like a link, and links contain what looks like
a token, so each pattern runs on what the earlier ones left.  Redaction errs on the side of
removing too much: a quote with a gap is better than a quote that identifies someone.

Names (respondents' and authorities') are found word by word, case-insensitively.  A name is
found where one of its *distinctive* words is (a word that could identify it alone: "Mole" or
"Valley", not "District" or "upon"), or where all its words are, in order.  What is removed is
then the whole run of that name's words there, with every generic word of an authority beside
it ("Council", "Borough"), so that "Mole", "Mole Valley" and "Mole Valley District Council" each
become one marker and no word of the name is left beside it.  Words count as one run when only
spaces, hyphens, apostrophes, underscores or "&" part them, or a full stop after a short word
("St. Helens").
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Mapping

from attrs import frozen

__all__ = [
    "AUTHORITY",
    "EMAIL",
    "LINK",
    "NAME",
    "PHONE",
    "POSTCODE",
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
POSTCODE = "[postcode removed]"
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

# Postcodes.  The unit (the "3HZ" of "SW1P 3HZ") never has C, I, K, M, O or V in it, which keeps
# "4pm", "2kg" and "5km" out; an ordinal written in lower case after a space ("the M25 3rd
# junction") is prose, not a postcode.  Any letters may start the outward code.
_UNIT_LETTERS = "ABD-HJLNP-UW-Z"
_SPACE = r"[^\S\r\n]"
_ORDINAL = r"(?-i:1st|2nd|3rd|[04-9]th)(?![^\W_])"
_POSTCODE = re.compile(
    rf"(?<![^\W_])(?:GIR{_SPACE}?0AA"
    rf"|[A-Z]{{1,2}}\d[A-Z\d]?(?:{_SPACE}{{1,3}}(?!{_ORDINAL})|-)?\d[{_UNIT_LETTERS}]{{2}})"
    r"(?![^\W_])",
    re.I,
)
# An outward code and its sector, perhaps with one letter of the unit ("SW1P 3", "SW1P 3H"), is
# only taken for a postcode when its area is one of the real ones and it cannot be a road ("M25
# 5" and "A1 2" are left: single-letter areas count only with a letter after the district, as in
# "W1A 0") nor a quantity ("CO2 5%", "CO2 5.5").
_AREAS = (
    "AB|AL|BA|BB|BD|BF|BH|BL|BN|BR|BS|BT|BX|CA|CB|CF|CH|CM|CO|CR|CT|CV|CW|DA|DD|DE|DG|DH|DL|DN|DT|"
    "DY|EC|EH|EN|EX|FK|FY|GL|GU|GY|HA|HD|HG|HP|HR|HS|HU|HX|IG|IM|IP|IV|JE|KA|KT|KW|KY|LA|LD|LE|LL|"
    "LN|LS|LU|ME|MK|ML|NE|NG|NN|NP|NR|NW|OL|OX|PA|PE|PH|PL|PO|PR|RG|RH|RM|SA|SE|SG|SK|SL|SM|SN|SO|"
    "SP|SR|SS|ST|SW|SY|TA|TD|TF|TN|TQ|TR|TS|TW|UB|WA|WC|WD|WF|WN|WR|WS|WV|YO|ZE"
)
_ONE_LETTER_AREAS = "BEGLMNSW"
_SECTOR = re.compile(
    rf"(?<![^\W_])(?:(?:{_AREAS})\d[A-Z\d]?|[{_ONE_LETTER_AREAS}]\d[A-Z])"
    rf"{_SPACE}{{1,3}}\d[{_UNIT_LETTERS}]?(?![^\W_]|%|[.,]\d)",
    re.I,
)

# Words that describe a kind of authority rather than name one ("Kent County Council" is
# identified by "Kent"), or join, qualify or direct the words that do ("Kingston upon Thames",
# "North East Lincolnshire").  Alone they identify no one; inside a name's run they go with it.
_KINDS = frozenset(
    (
        "council",
        "councils",
        "county",
        "counties",
        "district",
        "districts",
        "borough",
        "boroughs",
        "city",
        "metropolitan",
        "royal",
        "authority",
        "authorities",
        "combined",
        "unitary",
        "corporation",
        "dc",
        "cc",
        "bc",
        "mbc",
    )
)
# Prose words that may join the words of a name ("Brighton and Hove"), left at either end of a run
# when a space parts them from it ("the view of [authority removed]").
_PROSE_JOINERS = frozenset(("the", "of", "and", "for", "in", "on", "at", "by", "to", "with"))
_GENERIC = (
    _KINDS
    | _PROSE_JOINERS
    | frozenset(
        (
            "london",
            "fire",
            "rescue",
            "improvement",
            "partnership",
            "town",
            "parish",
            "upon",
            "under",
            "next",
            "north",
            "south",
            "east",
            "west",
            "northern",
            "southern",
            "eastern",
            "western",
            "central",
            "mid",
            "great",
            "greater",
            "little",
            "new",
            "upper",
            "lower",
            "saint",
        )
    )
)
# Particles of people's surnames ("Jan van der Berg"): removed with the name, never alone.
_PARTICLES = frozenset(
    {"van", "von", "der", "den", "del", "della", "dos", "das", "los", "las", "ter", "ten", "bin"}
    | {"ibn", "bint", "abu"}
)
# Spellings of the same word in a place's name: "St Helens" is also written "Saint Helens".
_ALIASES: Mapping[str, frozenset[str]] = {
    "st": frozenset(("saint",)),
    "saint": frozenset(("st",)),
}
_MIN_PART = 3
# "St. Helens": a full stop after a word this short joins it to the next word of a name.
_ABBREVIATION = 3

_WORD = re.compile(r"[^\W_]+")
_MARKERS = (EMAIL, LINK, PHONE, SECRET, POSTCODE, NAME, AUTHORITY)
_TOKEN = re.compile("|".join(re.escape(m) for m in _MARKERS) + r"|[^\W_]+")
_JOINED = re.compile(r"[\s_&'\u2019\-\u2010-\u2015]+")


def _words(name: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _WORD.findall(name))


def _distinctive(words: Iterable[str], plain: frozenset[str]) -> list[str]:
    """The words that could identify a name alone: long enough, and not ``plain``."""
    return [w for w in words if len(w) >= _MIN_PART and w not in plain]


def name_parts(name: str) -> list[str]:
    """The whole name, and each word of it that identifies an authority alone."""
    words = _WORD.findall(name)
    parts = [" ".join(words)] if words else []
    return parts + [w for w in words if _distinctive((w.lower(),), _GENERIC)]


def words_of(texts: Iterable[str]) -> frozenset[str]:
    """Every word in ``texts``, lower-cased, split as redaction splits them."""
    return frozenset(w.lower() for text in texts for w in _WORD.findall(text))


def could_occur(name: str, words: frozenset[str]) -> bool:
    """Whether redacting ``name`` could change a text made of ``words``.

    A name is only ever found where one of its words of ``_MIN_PART`` letters or more is, or all
    its words are, so a name with neither among ``words`` can be left out of the redactor.
    This only rules names out; the redactor decides.
    """
    own = _words(name)
    return bool(own) and (
        all(w in words for w in own) or any(w in words for w in own if len(w) >= _MIN_PART)
    )


@frozen
class _Token:
    """A word of the text (lower-cased), or a marker left by an earlier step (``None``)."""

    start: int
    end: int
    word: str | None


def _tokens(text: str) -> list[_Token]:
    return [
        _Token(m.start(), m.end(), None if m.group().startswith("[") else m.group().lower())
        for m in _TOKEN.finditer(text)
    ]


def _joined(text: str, left: _Token, right: _Token) -> bool:
    """Whether two words are written as parts of one name ("Newcastle-under-Lyme")."""
    if left.word is None or right.word is None:
        return False
    gap = text[left.end : right.start]
    if gap.startswith(".") and len(left.word) <= _ABBREVIATION:
        gap = gap[1:] or " "
    return _JOINED.fullmatch(gap) is not None


def _spaced(text: str, left: _Token, right: _Token) -> bool:
    return any(c.isspace() for c in text[left.end : right.start])


@frozen
class _Name:
    """A name as redaction sees it: its words, those that find it, and those removed with it."""

    words: tuple[str, ...]
    triggers: frozenset[str]
    absorbs: frozenset[str]
    whole: bool


@frozen(eq=False)
class _Finder:
    """Replaces each run of a name's words by ``mark``, leaving the ``protected`` names alone."""

    mark: str
    index: Mapping[str, tuple[_Name, ...]]
    protected: Mapping[str, tuple[tuple[str, ...], ...]]
    edges: frozenset[str]

    @classmethod
    def build(
        cls,
        mark: str,
        names: Iterable[str],
        plain: frozenset[str],
        *,
        beside: frozenset[str] = frozenset(),
        edges: frozenset[str] = frozenset(),
        shared: frozenset[str] = frozenset(),
        protected: Iterable[str] = (),
    ) -> _Finder:
        """``plain`` words never find a name alone, nor do ``shared`` ones (those of names that
        may be published); ``beside`` words go with any name they touch."""
        index: dict[str, list[_Name]] = {}
        for words in {_words(n) for n in names} - {()}:
            name = _name(words, plain, beside, shared)
            keys = set(name.triggers) | ({words[0]} if name.whole else set())
            for key in keys:
                index.setdefault(key, []).append(name)
        guarded: dict[str, list[tuple[str, ...]]] = {}
        for words in {_words(p) for p in protected} - {()}:
            guarded.setdefault(words[0], []).append(words)
        return cls(
            mark,
            {k: tuple(v) for k, v in index.items()},
            {k: tuple(v) for k, v in guarded.items()},
            edges,
        )

    def __call__(self, text: str) -> str:
        if not self.index:
            return text
        tokens = _tokens(text)
        links = [_joined(text, a, b) for a, b in itertools.pairwise(tokens)]
        guarded = self._guarded(tokens, links)
        runs = [
            self._grow(text, name, tokens, links, guarded, seed)
            for i, token in enumerate(tokens)
            for name in self.index.get(token.word or "", ())
            if (seed := _seed(name, tokens, links, i)) is not None
            and not any(guarded[seed[0] : seed[1] + 1])
        ]
        return _replace(text, tokens, links, runs, self.mark)

    def _guarded(self, tokens: list[_Token], links: list[bool]) -> list[bool]:
        """Which words belong to a protected name written out in full."""
        guarded = [False] * len(tokens)
        for i, token in enumerate(tokens):
            for words in self.protected.get(token.word or "", ()):
                if _phrase_at(words, tokens, links, i):
                    guarded[i : i + len(words)] = [True] * len(words)
        return guarded

    def _grow(
        self,
        text: str,
        name: _Name,
        tokens: list[_Token],
        links: list[bool],
        guarded: list[bool],
        seed: tuple[int, int],
    ) -> tuple[int, int]:
        """The whole run of ``name``'s words around ``seed``, less prose joiners at its ends."""

        def takes(i: int) -> bool:
            return not guarded[i] and tokens[i].word in name.absorbs

        start, end = seed
        while start > 0 and links[start - 1] and takes(start - 1):
            start -= 1
        while end < len(tokens) - 1 and links[end] and takes(end + 1):
            end += 1
        while start < seed[0] and self._loose(text, tokens[start], tokens[start + 1]):
            start += 1
        while end > seed[1] and self._loose(text, tokens[end], tokens[end - 1]):
            end -= 1
        return start, end

    def _loose(self, text: str, edge: _Token, inner: _Token) -> bool:
        left, right = sorted((edge, inner), key=lambda t: t.start)
        return edge.word in self.edges and _spaced(text, left, right)


def _name(
    words: tuple[str, ...], plain: frozenset[str], beside: frozenset[str], shared: frozenset[str]
) -> _Name:
    """Found by its distinctive words not ``shared``, or written out in full (unless it is just
    one shared word)."""
    triggers = frozenset(_distinctive(words, plain)) - shared
    aliases = frozenset(a for w in words for a in _ALIASES.get(w, ()))
    whole = len(words) > 1 or words[0] not in shared
    return _Name(words, triggers, frozenset(words) | aliases | beside, whole)


def _seed(name: _Name, tokens: list[_Token], links: list[bool], i: int) -> tuple[int, int] | None:
    if tokens[i].word in name.triggers:
        return i, i
    if name.whole and _phrase_at(name.words, tokens, links, i):
        return i, i + len(name.words) - 1
    return None


def _phrase_at(words: tuple[str, ...], tokens: list[_Token], links: list[bool], i: int) -> bool:
    end = i + len(words)
    return (
        end <= len(tokens)
        and all(t.word == w for t, w in zip(tokens[i:end], words, strict=True))
        and all(links[i : end - 1])
    )


def _replace(
    text: str, tokens: list[_Token], links: list[bool], runs: list[tuple[int, int]], mark: str
) -> str:
    """One ``mark`` for each stretch of overlapping or adjoining runs."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(runs):
        if merged and (start <= merged[-1][1] or (start == merged[-1][1] + 1 and links[start - 1])):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out, at = [], 0
    for start, end in merged:
        out += [text[at : tokens[start].start], mark]
        at = tokens[end].end
    return "".join([*out, text[at:]])


def _people(names: Iterable[str]) -> _Finder:
    return _Finder.build(NAME, names, _PARTICLES)


@functools.lru_cache(maxsize=4096)
def _own(name: str) -> _Finder:
    return _people([name])


@frozen
class Redactor:
    """Removes what must not be published from a piece of free text.

    ``people`` finds respondents' names; ``authorities`` the names of authorities that may not
    be named; ``allowed`` holds the names of authorities that consented to being named, which
    are left alone where written in full, and whose distinctive words alone remove nothing
    even where another authority shares them ("Valley" of Test Valley and Mole Valley).
    """

    people: _Finder
    authorities: _Finder
    allowed: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls,
        people: Iterable[str] = (),
        authorities: Iterable[str] = (),
        allowed: Iterable[str] = (),
    ) -> Redactor:
        allowed_names = frozenset(a.strip().lower() for a in allowed if a.strip())
        shared = frozenset(w for a in allowed_names for w in _distinctive(_words(a), _GENERIC))
        authorities_finder = _Finder.build(
            AUTHORITY,
            (a for a in authorities if a.strip().lower() not in allowed_names),
            _GENERIC,
            beside=_KINDS,
            edges=_PROSE_JOINERS,
            shared=shared,
            protected=allowed_names,
        )
        return cls(_people(people), authorities_finder, allowed_names)

    def __call__(self, text: str, *, own_name: str = "") -> str:
        text = _EMAIL.sub(EMAIL, text)
        text = _LINK.sub(LINK, text)
        text = _SECRET.sub(SECRET, text)
        text = _PHONE.sub(PHONE, text)
        text = _POSTCODE.sub(POSTCODE, text)
        text = _SECTOR.sub(POSTCODE, text)
        if own_name.strip():
            text = _own(own_name)(text)
        text = self.authorities(self.people(text))
        return _TITLED.sub(NAME, text)
