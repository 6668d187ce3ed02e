"""Write a :class:`~surveykit.model.Consultation` back out as a spec a person can read and edit.

Importers (issue 18) build a consultation in code from another form format, then hand it here:
the result is TOML laid out as the hand-written specs are (``specs/taking_stock.toml``), with
comments saying what was adapted, and :func:`surveykit.spec.loads_spec` reads it back to an equal
consultation.

The TOML is written by hand rather than with ``tomlkit``: the layout wanted (a comment block
above one ``[[sections.questions]]`` header, options one inline table to a line, the choice of
basic, literal or multi-line string per value) is a few dozen lines to write directly, and it
keeps the core free of a dependency used only here.  Every string goes through
:func:`toml_string`, so whatever a text holds, a comment stays a comment and a text reads back
as it was; ``tests/test_specwriter.py`` checks both over generated consultations.

Kinds declare nothing for this: a question's settings are written generically from
``Question.settings`` (arrays, inline tables, dates, numbers, text), in the order they are kept.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from .conditions import render
from .model import Consultation, Metadata, Option, Question, Section, Translation
from .retention import DEFAULTS as _RETENTION_DEFAULTS
from .retention import format_duration
from .spec import BANK_PREFIX, packaged_banks

__all__ = ["toml_comment", "toml_key", "toml_string", "toml_value", "write_spec"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
#: Characters a basic string must escape, or that are kept out of sight unless escaped.
_ESCAPED = re.compile(r'[\\"\x00-\x1f\x7f-\x9f\u2028\u2029]')
#: Characters that send a text out of a literal string (which has no escapes).
_NOT_LITERAL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029']")
#: The same in a multi-line literal string, where line feeds and single quotes are fine.
_NOT_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]|'''")
_SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n"}
_SHORT_ESCAPES |= {"\f": "\\f", "\r": "\\r"}
#: What comes between the tables of two sections, as in the hand-written specs.
RULE = "# " + "-" * 96
#: ``[consultation]`` keys in the order the hand-written specs give them.
_HEAD_ORDER = (
    "id",
    "title",
    "subtitle",
    "publisher",
    "opens",
    "closes",
    "timezone",
    "languages",
    "translation_files",
    "contact",
    "privacy_notice",
    "foreword",
    "introduction",
    "how_to_respond",
    "include",
)
#: Keys written even when empty: the loader requires them (and says the time zone plainly).
_ALWAYS = frozenset({"id", "title", "publisher", "closes", "timezone"})
_HEAD_DEFAULTS = {
    f: getattr(Metadata(id="", title="", publisher="", closes=dt.date.min), f) for f in _HEAD_ORDER
}


def write_spec(
    consultation: Consultation,
    *,
    header: Sequence[str] = (),
    notes: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """``consultation`` as spec text that :func:`~surveykit.spec.loads_spec` reads back equal.

    ``header`` lines open the file as a comment block (an importer lists there what it adapted
    or left out); ``notes[qid]`` are comments just above that question.  A comment's line
    breaks start new comment lines, so no note can end a comment early.

    The sections of the question banks ``include`` names, which loading appends after the
    spec's own (recognised by their section and question ids), are left to the ``include``;
    translations read from ``translation_files`` are left to those files.  Both are named as
    given, relative to where the spec is kept.
    """
    if consultation.language is not None:
        raise ValueError(
            f"this consultation is localised into {consultation.language!r}; write the one it "
            "was made from (consultation.localised_from), whose translations it holds"
        )
    notes = dict(notes or {})
    unknown = sorted(set(notes) - set(consultation.by_id))
    if unknown:
        raise ValueError(f"notes name questions the consultation does not have: {unknown}")
    out: list[str] = []
    if header:
        out.extend(toml_comment(header))
        out.append("")
    sections = _own_sections(consultation)
    out.extend(_head(consultation.metadata))
    for name, choices in (
        ("roles", consultation.roles),
        ("authority_types", consultation.authority_types),
    ):
        for choice in choices:
            out += ["", f"[[{name}]]", f"value = {toml_string(choice.value)}"]
            out.append(f"label = {toml_string(choice.label)}")
    out.extend(_publication(consultation))
    out.extend(_roster(consultation))
    out.extend(_retention(consultation))
    for section in sections:
        out.extend(_section(section, notes))
    out.extend(_translations(consultation))
    return "\n".join(out).rstrip("\n") + "\n"


# strings and values ------------------------------------------------------------------------


def toml_string(text: str, *, multiline: bool = False) -> str:
    """``text`` as the most readable TOML string that reads back exactly.

    A basic string (``"..."``) normally; a literal one (``'...'``) when that saves escaping a
    double quote or backslash; with ``multiline``, a text holding a line break is written over
    several lines (``'''`` literal where it can be, else ``\"\"\"`` with escapes).
    """
    if multiline and "\n" in text:
        if not _NOT_MULTILINE.search(text) and not text.endswith("'"):
            return f"'''\n{text}'''"
        return '"""\n' + _escaped(text, keep="\n") + '"""'
    if ('"' in text or "\\" in text) and not _NOT_LITERAL.search(text):
        return f"'{text}'"
    return f'"{_escaped(text)}"'


def _escaped(text: str, keep: str = "") -> str:
    def one(found: re.Match[str]) -> str:
        char = found.group()
        if char in keep:
            return char
        return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04X}"

    return _ESCAPED.sub(one, text)


def toml_key(key: str) -> str:
    """A key, bare when TOML allows it, else quoted."""
    return key if _BARE_KEY.fullmatch(key) else f'"{_escaped(key)}"'


def toml_comment(lines: Sequence[str] | str) -> list[str]:
    """Comment lines (``# ...``) for ``lines``; a line break inside one starts another comment
    line, and characters TOML forbids in a comment are shown as ``\\uXXXX``."""
    if isinstance(lines, str):
        lines = [lines]
    out = []
    for line in lines:
        for part in re.split(r"\r\n|\r|\n", line):
            part = re.sub(
                "[\x00-\x08\x0b-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04X}", part
            ).rstrip()
            out.append(f"# {part}" if part else "#")
    return out


def toml_value(value: Any, *, multiline: bool = False) -> str:
    """A setting's value in TOML: text, true/false, numbers, dates and times, arrays and
    inline tables of them (each written on one line; arrays of tables one table to a line)."""
    if isinstance(value, str):
        return toml_string(value, multiline=multiline)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = ", ".join(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }"
    if isinstance(value, list | tuple):
        if value and all(isinstance(item, Mapping) for item in value):
            rows = "".join(f"    {toml_value(item)},\n" for item in value)
            return "[\n" + rows + "]"
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} value {value!r} in a spec")


def _pair(key: str, value: Any, *, multiline: bool = False) -> str:
    return f"{toml_key(key)} = {toml_value(value, multiline=multiline)}"


# the tables ----------------------------------------------------------------------------------


def _head(meta: Metadata) -> list[str]:
    out = ["[consultation]"]
    for key in _HEAD_ORDER:
        value = getattr(meta, key)
        if key not in _ALWAYS and value == _HEAD_DEFAULTS[key]:
            continue
        out.append(_pair(key, value, multiline=True))
    return out


def _publication(consultation: Consultation) -> list[str]:
    publication = consultation.publication
    pairs = [
        (key, getattr(publication, key))
        for key in ("consent_question", "quote", "name_authority", "identifying", "threshold")
        if getattr(publication, key) not in (None, ())
    ]
    return ["", "[publication]", *(_pair(k, v) for k, v in pairs)] if pairs else []


def _roster(consultation: Consultation) -> list[str]:
    pairs = consultation.roster.items()
    return ["", "[roster]", *(_pair(k, v) for k, v in pairs)] if pairs else []


def _retention(consultation: Consultation) -> list[str]:
    """The ``[retention]`` keys that differ from the defaults, in the table's order."""
    retention = consultation.retention
    pairs = []
    for name in attrs.fields_dict(type(retention)):
        value = getattr(retention, name)
        if value != getattr(_RETENTION_DEFAULTS, name):
            pairs.append(_pair(name, value if isinstance(value, bool) else format_duration(value)))
    return ["", "[retention]", *pairs] if pairs else []


def _section(section: Section, notes: Mapping[str, Sequence[str]]) -> list[str]:
    out = ["", RULE, "[[sections]]", _pair("id", section.id), _pair("title", section.title)]
    if section.intro:
        out.append(_pair("intro", section.intro, multiline=True))
    for question in section.questions:
        out.append("")
        out.extend(toml_comment(notes.get(question.id, ())))
        out.append("[[sections.questions]]")
        out.extend(_question(question))
    return out


def _question(q: Question) -> list[str]:
    out = [_pair("id", q.id)]
    if q.number is not None:
        out.append(_pair("number", q.number))
    out.append(_pair("text", q.text, multiline=True))
    if q.hint is not None:
        out.append(_pair("hint", q.hint, multiline=True))
    out.append(_pair("kind", q.kind))
    if q.required:
        out.append("required = true")
    if q.sensitive:
        out.append("sensitive = true")
    if q.max_length is not None:
        out.append(_pair("max_length", q.max_length))
    out.extend(_pair(key, value) for key, value in q.settings.items())
    shown_if = q.shown_if if q.shown_if is not None else _rendered(q)
    if shown_if is not None:
        out.append(_pair("shown_if", shown_if))
    if q.options:
        out.append("options = [")
        out.extend(f"    {_option(option)}," for option in q.options)
        out.append("]")
    return out


def _rendered(q: Question) -> str | None:
    """A condition built in code without its text: written as the condition language has it."""
    return None if q.condition is None else render(q.condition)


def _option(option: Option) -> str:
    pairs = [("value", option.value), ("label", option.label)]
    if option.hint is not None:
        pairs.append(("hint", option.hint))
    if option.other:
        pairs.append(("other", True))
    if option.max_length is not None:
        pairs.append(("max_length", option.max_length))
    return "{ " + ", ".join(_pair(k, v) for k, v in pairs) + " }"


def _translations(consultation: Consultation) -> Iterator[str]:
    """``[translations.LANG]`` tables for the translations the spec itself holds; those read
    from its ``translation_files`` stay in them."""
    kept_apart = {_file_of(consultation, name) for name in consultation.metadata.translation_files}
    languages = list(consultation.metadata.languages[1:])
    languages += [lang for lang in consultation.translations if lang not in languages]
    for lang in languages:
        table = consultation.translations.get(lang, {})
        own = [(a, t) for a, t in table.items() if os.path.normpath(t.file) not in kept_apart]
        if not own:
            continue
        yield from ("", f"[translations.{toml_key(lang)}]")
        for address, translation in own:
            yield from _translation(address, translation)


def _translation(address: str, translation: Translation) -> Iterator[str]:
    key = f'"{_escaped(address)}"'
    text = toml_string(translation.text, multiline=True)
    source = toml_string(translation.source)
    if "\n" in text:  # a multi-line string reads best on its own line, as translators write it
        yield from (f"{key}.source = {source}", f"{key}.text = {text}")
    else:
        yield f"{key} = {{ text = {text}, source = {source} }}"


def _file_of(consultation: Consultation, name: str) -> str:
    return os.path.normpath(os.fspath(Path(consultation.source).parent / name))


# question banks ------------------------------------------------------------------------------


def _own_sections(consultation: Consultation) -> tuple[Section, ...]:
    """The sections to write: all but those the included banks add when the spec loads.

    Loading appends each bank's sections after the spec's own; when the consultation ends with
    exactly those (the same section and question ids, in order), they are left to ``include``.
    Otherwise every section is written, and ``include`` adds its banks' sections when loaded.
    """
    sections = consultation.sections
    banked: list[tuple[str, tuple[str, ...]]] = []
    for name in consultation.metadata.include:
        shape = _bank_shape(name, consultation.source)
        if shape is None:
            return sections
        banked.extend(shape)
    if not banked or len(banked) > len(sections):
        return sections
    tail = sections[len(sections) - len(banked) :]
    if [(s.id, tuple(q.id for q in s.questions)) for s in tail] != banked:
        return sections
    return sections[: len(sections) - len(banked)]


def _bank_shape(name: str, source: str) -> list[tuple[str, tuple[str, ...]]] | None:
    """Each section id of the bank ``name``, with its question ids; ``None`` if unreadable."""
    try:
        if name.startswith(BANK_PREFIX):
            entry = packaged_banks().get(name.removeprefix(BANK_PREFIX))
            if entry is None:
                return None
            data = entry.read_bytes()
        else:
            data = (Path(source).parent / name).read_bytes()
        table = tomllib.loads(data.decode("utf-8").removeprefix("\ufeff"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError):
        return None
    shape = []
    for section in table.get("sections", []):
        if not isinstance(section, dict):
            return None
        questions = section.get("questions", [])
        ids = tuple(q.get("id") for q in questions if isinstance(q, dict))
        shape.append((section.get("id"), ids))
    return shape
