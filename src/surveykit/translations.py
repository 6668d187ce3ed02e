"""The consultation's own words in each of its languages: addresses, fingerprints, ``localise``.

Every text a respondent reads has an *address* (``title``, ``q3.text``, ``q3.options.yes``,
``sections.about.intro``, ``q7.rows.cost.text``) under which its translations are kept
(``Consultation.translations``, read from ``[translations.LANG]`` tables by the loader).  Each
translation carries the *fingerprint* of the source text it was made from, so a source edited
after it was translated is found (:func:`stale`), and a text no one translated is found too
(:func:`missing`).  :func:`localise` gives the consultation with every text in one language;
ids, option values, kinds, conditions and every other setting are left exactly as they are, so
answers never depend on the language they were given in.

A kind says which of its own settings are texts with the optional attribute ``translatable``:
setting keys, ``*`` standing for each item of an array of tables, addressed by the item's
``id`` (the grid's ``("rows.*.text", "rows.*.hint")`` gives ``q7.rows.cost.text``).  Nothing
else in a setting is ever translated.  See docs/languages.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

from attrs import evolve

from .errors import SurveykitError
from .model import Choice, Consultation, Metadata, Option, Question, Section, Translation

__all__ = [
    "METADATA_TEXTS",
    "Stale",
    "Text",
    "UnknownLanguage",
    "address_part",
    "fingerprint",
    "language_name",
    "localise",
    "missing",
    "stale",
    "texts",
]

#: The texts of ``[consultation]`` that respondents read, in the order a form shows them.
METADATA_TEXTS = (
    "title",
    "subtitle",
    "publisher",
    "foreword",
    "introduction",
    "how_to_respond",
    "privacy_notice",
    "contact",
)
#: An address part written as it is; any other is written in double quotes, as JSON would.
_BARE = re.compile(r"[A-Za-z0-9_-]+")
#: Names for the languages a UK consultation is most likely to offer; others go by their tag.
_NAMES = {
    "en": "English",
    "cy": "Welsh",
    "ga": "Irish",
    "gd": "Scottish Gaelic",
    "gv": "Manx",
    "kw": "Cornish",
    "sco": "Scots",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "pl": "Polish",
    "pa": "Punjabi",
    "ur": "Urdu",
    "bn": "Bengali",
    "ar": "Arabic",
    "zh": "Chinese",
}
Path_ = tuple[str | int, ...]


class UnknownLanguage(SurveykitError, LookupError):
    """A consultation was asked for in a language it does not offer."""


class Text(NamedTuple):
    """One text of a consultation: its address, the words, where the spec holds it (a key path
    such as ``("sections", 0, "questions", 2, "text")``) and the question it belongs to."""

    address: str
    text: str
    path: Path_
    question: str | None = None


class Stale(NamedTuple):
    """A translation made from an older source text: the text now, and the translation."""

    text: Text
    translation: Translation


def fingerprint(text: str) -> str:
    """The first 8 hex digits of the SHA-256 of ``text`` in Unicode NFC, UTF-8 encoded.

    Eight digits tell apart the versions of one text (a chance of one in four thousand million
    that an edit goes unnoticed); NFC makes the same words typed on two keyboards (ŵ as one
    character or as w and a combining circumflex) the same text.
    """
    normal = unicodedata.normalize("NFC", text)
    import hashlib  # here: a spec without translations does not pay for OpenSSL (issue 20)

    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:8]


def language_name(tag: str) -> str:
    """A tag as people say it: "Welsh (cy)", "English (en-GB)", or the tag alone."""
    name = _NAMES.get(tag.partition("-")[0].lower())
    return f"{name} ({tag})" if name else tag


def address_part(value: str) -> str:
    """One part of an address: an id or value as it is, or in double quotes when it holds
    anything but letters, digits, ``_`` and ``-`` (so ``q3.options."a.b"`` is unambiguous)."""
    if _BARE.fullmatch(value):
        return value
    import json  # here: loading a spec rarely quotes, and json costs every start (issue 20)

    return json.dumps(value, ensure_ascii=False)


def texts(
    consultation: Consultation, kinds: Mapping[str, Any] | None = None, *, empty: bool = False
) -> tuple[Text, ...]:
    """Every text of ``consultation`` that respondents read, in spec order.

    Empty texts (a question without a hint) have nothing to translate and are left out, unless
    ``empty``: the loader uses them to tell "this has no hint" from "this is no text at all".
    """
    kinds = _kinds(kinds)
    found = _all_texts(consultation, kinds)
    return tuple(t for t in found if empty or t.text.strip())


def missing(
    consultation: Consultation, lang: str, kinds: Mapping[str, Any] | None = None
) -> tuple[Text, ...]:
    """The texts with no translation into ``lang``."""
    source = _source(consultation)
    table = source.translations.get(lang, {})
    return tuple(t for t in texts(source, kinds) if t.address not in table)


def stale(
    consultation: Consultation, lang: str, kinds: Mapping[str, Any] | None = None
) -> tuple[Stale, ...]:
    """The translations into ``lang`` made from a text that has changed since."""
    source = _source(consultation)
    table = source.translations.get(lang, {})
    out = []
    for text in texts(source, kinds):
        translation = table.get(text.address)
        if translation is not None and translation.source != fingerprint(text.text):
            out.append(Stale(text, translation))
    return tuple(out)


def localise(
    consultation: Consultation, lang: str, kinds: Mapping[str, Any] | None = None
) -> Consultation:
    """``consultation`` with every text in ``lang`` where a translation exists.

    A text without a translation stays in the spec's own language, and so does a stale one's
    replacement: a stale translation *is* used, since it is usually the source's words before a
    small correction, and a Welsh form that turns English half-way is worse; ``validate`` warns
    about each until it is brought up to date.  Ids, option values, kinds, conditions and every
    setting that is not a text are untouched.  The spec's own language gives the consultation
    as written; each other language is made once and kept.
    """
    source = _source(consultation)
    if lang == source.text_language:
        return source
    if lang not in source.languages:
        offered = ", ".join(source.languages)
        message = (
            f"{source.metadata.title!r} is not offered in {lang!r}; its languages are {offered}"
        )
        raise UnknownLanguage(message)
    done = source._localised.get(lang)
    if done is None:
        done = _localised(source, lang, _kinds(kinds))
        source._localised[lang] = done
    return done


# addresses -------------------------------------------------------------------------------


def _kinds(kinds: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if kinds is not None:
        return kinds
    from .plugins import get_plugins

    return get_plugins().kinds


def _source(consultation: Consultation) -> Consultation:
    return consultation.localised_from or consultation


def _all_texts(c: Consultation, kinds: Mapping[str, Any]) -> Iterator[Text]:
    meta = c.metadata
    for key in METADATA_TEXTS:
        yield Text(key, getattr(meta, key), ("consultation", key))
    for vocabulary in ("roles", "authority_types"):
        for i, choice in enumerate(getattr(c, vocabulary)):
            address = f"{vocabulary}.{address_part(choice.value)}"
            yield Text(address, choice.label, (vocabulary, i, "label"))
    for si, section in enumerate(c.sections):
        base = f"sections.{address_part(section.id)}"
        yield Text(f"{base}.title", section.title, ("sections", si, "title"))
        yield Text(f"{base}.intro", section.intro, ("sections", si, "intro"))
        for qi, question in enumerate(section.questions):
            yield from _question_texts(question, ("sections", si, "questions", qi), kinds)


def _question_texts(q: Question, path: Path_, kinds: Mapping[str, Any]) -> Iterator[Text]:
    qid = address_part(q.id)
    yield Text(f"{qid}.text", q.text, (*path, "text"), q.id)
    yield Text(f"{qid}.hint", q.hint or "", (*path, "hint"), q.id)
    for oi, option in enumerate(q.options):
        address = f"{qid}.options.{address_part(option.value)}"
        yield Text(address, option.label, (*path, "options", oi, "label"), q.id)
        yield Text(f"{address}.hint", option.hint or "", (*path, "options", oi, "hint"), q.id)
    for pattern in _translatable(q, kinds):
        for keys, value in _setting_texts(q.settings, pattern.split(".")):
            address = ".".join((qid, *(address_part(str(k)) for k, _ in keys)))
            where = tuple(index for _, index in keys)
            yield Text(address, value, (*path, *where), q.id)


def _translatable(q: Question, kinds: Mapping[str, Any]) -> tuple[str, ...]:
    declared = getattr(kinds.get(q.kind), "translatable", ())
    return tuple(p for p in declared if isinstance(p, str) and p)


def _setting_texts(
    value: Any, pattern: Sequence[str], seen: set[str] | None = None
) -> Iterator[tuple[tuple[tuple[str, str | int], ...], str]]:
    """Each string ``pattern`` reaches in ``value``: ``((address part, path part), ...)`` and
    the string.  ``*`` takes each table of an array that has a string ``id`` (the first of each
    id, as a grid's rows are read); the address names it by that id, the path by its index."""
    if not pattern:
        if isinstance(value, str):
            yield (), value
        return
    key, rest = pattern[0], pattern[1:]
    if key == "*":
        if isinstance(value, str) or not isinstance(value, Sequence):
            return
        ids: set[str] = set()
        for index, item in enumerate(value):
            item_id = item.get("id") if isinstance(item, Mapping) else None
            if not isinstance(item_id, str) or item_id in ids:
                continue
            ids.add(item_id)
            for keys, text in _setting_texts(item, rest):
                yield ((item_id, index), *keys), text
    elif isinstance(value, Mapping) and key in value:
        for keys, text in _setting_texts(value[key], rest):
            yield ((key, key), *keys), text


# localising ------------------------------------------------------------------------------


def _localised(source: Consultation, lang: str, kinds: Mapping[str, Any]) -> Consultation:
    table = source.translations.get(lang, {})

    def say(address: str, text: str) -> str:
        """The translation of a text, or the text itself (so an empty one stays empty, and a
        blank translation, which the loader refuses but code can build, is no translation)."""
        found = table.get(address)
        if found is None or not found.text.strip() or not text.strip():
            return text
        return found.text

    meta: Metadata = evolve(
        source.metadata, **{key: say(key, getattr(source.metadata, key)) for key in METADATA_TEXTS}
    )
    return evolve(
        source,
        metadata=meta,
        roles=_choices(source.roles, "roles", say),
        authority_types=_choices(source.authority_types, "authority_types", say),
        sections=tuple(_section(s, say, kinds) for s in source.sections),
        language=lang,
        localised_from=source,
    )


def _choices(choices: tuple[Choice, ...], vocabulary: str, say: Any) -> tuple[Choice, ...]:
    return tuple(
        evolve(c, label=say(f"{vocabulary}.{address_part(c.value)}", c.label)) for c in choices
    )


def _section(section: Section, say: Any, kinds: Mapping[str, Any]) -> Section:
    base = f"sections.{address_part(section.id)}"
    return evolve(
        section,
        title=say(f"{base}.title", section.title),
        intro=say(f"{base}.intro", section.intro),
        questions=tuple(_question(q, say, kinds) for q in section.questions),
    )


def _question(q: Question, say: Any, kinds: Mapping[str, Any]) -> Question:
    qid = address_part(q.id)
    changes: dict[str, Any] = {
        "text": say(f"{qid}.text", q.text),
        "hint": None if q.hint is None else say(f"{qid}.hint", q.hint),
        "options": tuple(
            _option(o, f"{qid}.options.{address_part(o.value)}", say) for o in q.options
        ),
    }
    patterns = _translatable(q, kinds)
    if patterns:
        settings: Any = q.settings
        for pattern in patterns:
            settings = _replaced(settings, pattern.split("."), qid, say)
        changes["settings"] = settings
    # ``condition`` is not an init argument's copy: evolve keeps the parsed, bound condition.
    return evolve(q, **changes)


def _option(option: Option, address: str, say: Any) -> Option:
    hint = None if option.hint is None else say(f"{address}.hint", option.hint)
    return evolve(option, label=say(address, option.label), hint=hint)


def _replaced(value: Any, pattern: Sequence[str], address: str, say: Any) -> Any:
    """``value`` with each string ``pattern`` reaches translated, built of the same types
    (tuples stay tuples, read-only mappings read-only) and unchanged wherever nothing is."""
    if not pattern:
        return say(address, value) if isinstance(value, str) else value
    key, rest = pattern[0], pattern[1:]
    if key == "*":
        if isinstance(value, str) or not isinstance(value, Sequence):
            return value
        ids: set[str] = set()
        items = []
        for item in value:
            item_id = item.get("id") if isinstance(item, Mapping) else None
            if isinstance(item_id, str) and item_id not in ids:
                ids.add(item_id)
                item = _replaced(item, rest, f"{address}.{address_part(item_id)}", say)
            items.append(item)
        return (
            value if all(a is b for a, b in zip(items, value, strict=True)) else type(value)(items)
        )
    if not isinstance(value, Mapping) or key not in value:
        return value
    new = _replaced(value[key], rest, f"{address}.{address_part(key)}", say)
    if new is value[key] or new == value[key]:
        return value
    copy = dict(value)
    copy[key] = new
    return _like(value, copy)


def _like(original: Mapping[str, Any], copy: dict[str, Any]) -> Mapping[str, Any]:
    """``copy`` as the kind of mapping ``original`` is (a spec's settings are read-only)."""
    return copy if isinstance(original, dict) else MappingProxyType(copy)
