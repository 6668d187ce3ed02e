"""Matching what a person wrote to one option of a choice question: exactly, or safely fuzzily.

Both sides are normalised first (Unicode NFKC, case folded, apostrophes dropped, every other
run of punctuation and spaces made one space), so "dont know", "Don't Know." and "DON\u2019T KNOW"
are all exact matches for "Don't know".  Then, in order:

1. **exact**: the text is an option's label or value (``dont_know`` reads as "dont know"),
   also with the spaces left out ("Don t know");
2. **leading words**: the text is the first whole words of exactly one option's label, at least
   two characters long ("No" for "No, none of them are relevant now"); if it begins several
   labels ("Yes" for "Yes - all ..." and "Yes - unless ..." in question 9) it is ambiguous;
3. **fuzzy**: each option with as many words as the text scores the best of rapidfuzz's
   ``fuzz.ratio`` (typing slips) and ``fuzz.token_sort_ratio`` (words in another order) against
   its label and value, from 0 to 100; an option with a word more or fewer scores 0, so "A
   Don't know" is never read as "Don't know".
   The best option is taken only if it scores at least :data:`FUZZY_THRESHOLD` **and** beats the
   second best by at least :data:`FUZZY_MARGIN`; a close second makes it ambiguous, and anything
   below the threshold is unknown.

Why these numbers: a score of 90 allows about one slip in ten characters ("Dont knwo",
"Metropolitan borugh council") but never turns one short word into another ("No" against "Not"
scores 80; "Yes" against "Yet" 67), so short options must be typed exactly.  The margin of 10
keeps two similar labels from being told apart by a slip.  Whole-string scorers are used on
purpose: partial scorers (``partial_ratio``, ``WRatio``) find "no" inside "Don't know" and would
turn a typed "No" into "Don't know".  Nothing below these rules is guessed: the reply goes to
review instead.

A spec offered in several languages is matched in all of them at once: each option is known
by its label in every language (``also``: the same question in each other language, from
:func:`surveykit.translations.localise`) and by both labels joined with " / " as a bilingual
form might write them.  Everyday Welsh answer words ("Ie", "Naddo", "Dim byd", "Dim syniad")
are exact aliases of the options meaning yes, no, none and don't know
(:func:`surveykit_email.language.answer_aliases`); an alias is never a first word nor fuzzy.
The value stored is the option's value, whatever language named it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from attrs import frozen
from rapidfuzz import fuzz

from surveykit import Question

from .language import answer_aliases

__all__ = ["FUZZY_MARGIN", "FUZZY_THRESHOLD", "Match", "OptionMatcher", "normalise"]

#: The lowest fuzzy score (0-100) at which an option is taken.
FUZZY_THRESHOLD = 90
#: How far the best option must score above the second best to be taken.
FUZZY_MARGIN = 10
#: The shortest leading-words text taken as an option ("No"); a single letter never is.
MIN_LEADING = 2

_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc\u0060\u00b4]")
_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Text reduced to lower-case words separated by single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", _APOSTROPHES.sub("", text)).strip()


@frozen
class Match:
    """The outcome: ``value`` when one option was found, else a ``code`` and the candidates."""

    value: str | None
    code: str | None = None
    score: float = 100.0
    candidates: tuple[str, ...] = ()
    how: str = "exact"


class OptionMatcher:
    """Matches text to the options of one question; built once per question."""

    def __init__(self, question: Question, also: tuple[Question, ...] = ()) -> None:
        self.question = question
        labels = [(o.value, normalise(o.label), normalise(o.value)) for o in question.options]
        for other in also:
            for option in other.options:
                source = question.option(option.value)
                if source is None:
                    continue
                labels.append((option.value, normalise(option.label), normalise(option.value)))
                if normalise(option.label) != normalise(source.label):
                    both = normalise(f"{option.label} / {source.label}")
                    labels.append((option.value, both, normalise(option.value)))
        self._labels = tuple(dict.fromkeys(labels))
        exact: dict[str, set[str]] = {}
        for value, label, plain in self._labels:
            for form in (label, plain):
                if form:
                    exact.setdefault(form, set()).add(value)
        names: dict[str, list[str]] = {}
        for value, label, plain in self._labels:
            names.setdefault(value, []).extend((label, plain))
        for alias, value in answer_aliases(question, names, normalise).items():
            exact.setdefault(alias, {value})
        self._exact = {form: tuple(sorted(values)) for form, values in exact.items()}
        joined: dict[str, set[str]] = {}
        for form, values in exact.items():
            joined.setdefault(form.replace(" ", ""), set()).update(values)
        self._joined = {form: tuple(sorted(values)) for form, values in joined.items()}

    def label_of(self, value: str) -> str:
        option = self.question.option(value)
        return option.label if option else value

    def match(self, text: str) -> Match:
        """The option ``text`` names, or why none can be chosen."""
        wanted = normalise(text)
        if not wanted:
            return Match(None, "unknown_option", 0.0)
        exact = self._exact.get(wanted) or self._joined.get(wanted.replace(" ", ""))
        if exact is not None:
            return (
                Match(exact[0])
                if len(exact) == 1
                else Match(None, "ambiguous_option", 100.0, exact)
            )
        if len(wanted) >= MIN_LEADING:
            leading = _unique(v for v, label, _ in self._labels if label.startswith(wanted + " "))
            if len(leading) == 1:
                return Match(leading[0], None, 100.0, how="leading")
            if leading:
                return Match(None, "ambiguous_option", 100.0, leading, how="leading")
        return self._fuzzy(wanted)

    def _fuzzy(self, wanted: str) -> Match:
        words = wanted.count(" ")
        best_of: dict[str, float] = {}
        for value, label, plain in self._labels:
            score = max(_score(wanted, words, label), _score(wanted, words, plain))
            best_of[value] = max(score, best_of.get(value, 0.0))
        scored = sorted(((score, value) for value, score in best_of.items()), reverse=True)
        if not scored:
            return Match(None, "unknown_option", 0.0, how="fuzzy")
        best, value = scored[0]
        if best < FUZZY_THRESHOLD:
            return Match(None, "unknown_option", best, how="fuzzy")
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        if best - runner_up < FUZZY_MARGIN:
            close = tuple(v for s, v in scored if best - s < FUZZY_MARGIN)
            return Match(None, "ambiguous_option", best, close, how="fuzzy")
        return Match(value, None, best, how="fuzzy")


def _score(wanted: str, words: int, form: str) -> float:
    """Slips within words and words in another order, never a word more or fewer."""
    if not form or form.count(" ") != words:
        return 0.0
    return max(fuzz.ratio(wanted, form), fuzz.token_sort_ratio(wanted, form))


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
