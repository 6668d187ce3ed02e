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
# identified by "Kent"): removed with any blocked authority's words they touch, even when not in
# its name ("Mole Valley Borough"), so that nothing says what kind of authority was removed.
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
# Words that identify no authority alone: kinds, and words that join, qualify or direct the words
# that do ("Kingston upon Thames", "North East Lincolnshire").  Inside a run they go with it.
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
class _Scan:
    """A text cut into words, with which adjoining words are written as parts of one name and
    which belong to a protected name written out in full."""

    text: str
    tokens: list[_Token]
    links: list[bool]
    guarded: list[bool]

    def joins(self, i: int, j: int) -> bool:
        """Whether word ``j``, next to word ``i``, may join a run that has reached ``i``."""
        return 0 <= j < len(self.tokens) and self.links[min(i, j)] and not self.guarded[j]

    def loose(self, edge: int, inner: int, words: frozenset[str]) -> bool:
        """Whether word ``edge`` is one of ``words`` set apart from ``inner`` by a space."""
        left, right = sorted((self.tokens[edge], self.tokens[inner]), key=lambda t: t.start)
        return self.tokens[edge].word in words and _spaced(self.text, left, right)


@frozen(eq=False)
class _Finder:
    """Replaces each run of a name's words by ``mark``, leaving the ``protected`` names alone.

    Names are numbered: ``triggers`` gives the names each distinctive word finds, ``containing``
    the names each word belongs to, ``phrases`` the names with no distinctive word (found only
    written out in full) by their first word.  Runs of different names that overlap or adjoin
    become one marker, so each word found grows the union of its names' runs at once.
    """

    mark: str
    triggers: Mapping[str, frozenset[int]]
    containing: Mapping[str, frozenset[int]]
    phrases: Mapping[str, tuple[tuple[int, tuple[str, ...]], ...]]
    protected: Mapping[str, tuple[tuple[str, ...], ...]]
    beside: frozenset[str]
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
        may be published), unless one is the whole name; ``beside`` words go with any name they
        touch, and ``edges`` are left at either end of a run when a space parts them from it."""
        triggers: dict[str, set[int]] = {}
        containing: dict[str, set[int]] = {}
        phrases: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for n, words in enumerate(sorted({_words(name) for name in names} - {()})):
            found = set(_distinctive(words, plain)) - shared
            if not found and (len(words) > 1 or words[0] not in shared):
                phrases.setdefault(words[0], []).append((n, words))
            for word in found:
                triggers.setdefault(word, set()).add(n)
            for word in {*words, *(a for w in words for a in _ALIASES.get(w, ()))}:
                containing.setdefault(word, set()).add(n)
        guarded: dict[str, list[tuple[str, ...]]] = {}
        for words in {_words(name) for name in protected} - {()}:
            guarded.setdefault(words[0], []).append(words)
        return cls(
            mark,
            {k: frozenset(v) for k, v in triggers.items()},
            {k: frozenset(v) for k, v in containing.items()},
            {k: tuple(v) for k, v in phrases.items()},
            {k: tuple(v) for k, v in guarded.items()},
            beside,
            edges,
        )

    def __call__(self, text: str) -> str:
        if not self.triggers and not self.phrases:
            return text
        tokens = _tokens(text)
        links = [_joined(text, a, b) for a, b in itertools.pairwise(tokens)]
        scan = _Scan(text, tokens, links, self._guarded(tokens, links))
        runs = [run for i in range(len(tokens)) for run in self._runs(scan, i)]
        return _replace(text, tokens, links, runs, self.mark)

    def _guarded(self, tokens: list[_Token], links: list[bool]) -> list[bool]:
        """Which words belong to a protected name written out in full."""
        guarded = [False] * len(tokens)
        for i, token in enumerate(tokens):
            for words in self.protected.get(token.word or "", ()):
                if _phrase_at(words, tokens, links, i):
                    guarded[i : i + len(words)] = [True] * len(words)
        return guarded

    def _runs(self, scan: _Scan, i: int) -> Iterable[tuple[int, int]]:
        """The runs of names found at word ``i``: by a distinctive word, or written in full."""
        word = scan.tokens[i].word or ""
        if scan.guarded[i]:
            return
        if word in self.triggers:
            yield self._grow(scan, (i, i), self.triggers[word])
        for n, words in self.phrases.get(word, ()):
            end = i + len(words) - 1
            if _phrase_at(words, scan.tokens, scan.links, i) and not any(scan.guarded[i : end + 1]):
                yield self._grow(scan, (i, end), frozenset((n,)))

    def _grow(self, scan: _Scan, seed: tuple[int, int], names: frozenset[int]) -> tuple[int, int]:
        """The union of the runs of ``names`` around ``seed``, less ``edges`` at its ends."""
        start, end = self._reach(scan, seed[0], -1, names), self._reach(scan, seed[1], 1, names)
        while start < seed[0] and scan.loose(start, start + 1, self.edges):
            start += 1
        while end > seed[1] and scan.loose(end, end - 1, self.edges):
            end -= 1
        return start, end

    def _reach(self, scan: _Scan, i: int, step: int, names: frozenset[int]) -> int:
        """How far from word ``i`` the words of any of ``names`` go in direction ``step``."""
        while scan.joins(i, i + step):
            word = scan.tokens[i + step].word or ""
            if word not in self.beside:
                names = names & self.containing.get(word, frozenset())
                if not names:
                    break
            i += step
        return i


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
