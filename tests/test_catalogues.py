"""Every message the software shows is in its catalogues, in English and complete in Welsh.

For every catalogue domain in the repository (the core's, from src/surveykit, and each plugin's
with a ``locale/`` folder) the messages are extracted from the code and templates afresh, with
Babel's own extractors, ``babel.cfg`` and the keywords ``make catalogues`` uses, and each must
be in that domain's English and Welsh ``.po`` files: the Welsh translated, not fuzzy, and with
the same placeholders as the English.  A message added to the code without ``make catalogues``
and a translation fails here, naming the file, the message and where it is written.
"""

from __future__ import annotations

import re
import shlex
import string
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

from surveykit.i18n import CORE_DOMAIN, EXTRACT_KEYWORDS

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("en", "cy")


def domains() -> list[tuple[str, Path]]:
    """Every ``(domain, folder)`` with catalogues: the core, and each plugin with a locale/."""
    found = [(CORE_DOMAIN, ROOT / "src" / "surveykit")]
    found += [
        (p.parent.name, p.parent) for p in sorted(ROOT.glob("plugins/*/locale")) if p.is_dir()
    ]
    return found


DOMAINS = domains()
IDS = [domain for domain, _ in DOMAINS]


#: An extracted message: its context (``pgettext``) or ``None``, and its msgid, or
#: ``(msgid, msgid_plural)``.
Key = tuple[str | None, Any]


@cache
def extracted(folder: Path) -> dict[Key, list[str]]:
    """The messages the code and templates under ``folder`` mark, each with where it is
    written."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, str(ROOT / "babel.cfg"))
    found: dict[Key, list[str]] = {}
    for filename, line, message, _comments, context in extract_from_dir(
        folder, method_map, options_map, keywords=EXTRACT_KEYWORDS
    ):
        where = f"{folder.relative_to(ROOT)}/{filename}:{line}"
        found.setdefault((context, message), []).append(where)
    return found


def catalogue(folder: Path, domain: str, language: str) -> Catalog:
    path = folder / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: run `make catalogues`"
    with path.open("rb") as po:
        return read_po(po, locale=language, domain=domain)


def po_name(folder: Path, domain: str, language: str) -> str:
    return str((folder / "locale" / language / "LC_MESSAGES" / f"{domain}.po").relative_to(ROOT))


def msgid(key: Key) -> tuple[str | None, str]:
    """The context and singular msgid a catalogue keys an extracted message by."""
    context, message = key
    return context, message[0] if isinstance(message, tuple) else message


_BRACES = string.Formatter()
_PERCENT = re.compile(r"%\((\w+)\)[sdifr]|%\{(\w+)\}")


def placeholders(text: str) -> set[str]:
    """The ``{name}``, ``%(name)s`` and ``%{name}`` placeholders of a message."""
    found: set[str] = set()
    try:
        found |= {f"{{{name}}}" for _, name, _, _ in _BRACES.parse(text) if name is not None}
    except ValueError:
        found.add("<unbalanced braces>")
    found |= {f"%({a or b})" for a, b in _PERCENT.findall(text)}
    return found


def described(key: Key) -> str:
    context, message = key
    return repr(message) + ("" if context is None else f" (context {context!r})")


@pytest.mark.parametrize(("domain", "folder"), DOMAINS, ids=IDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_in_the_catalogue(domain: str, folder: Path, language: str) -> None:
    cat = catalogue(folder, domain, language)
    name = po_name(folder, domain, language)
    missing = [
        f"{name}: no entry for {described(key)} ({', '.join(where)})"
        for key, where in extracted(folder).items()
        if cat.get(msgid(key)[1], context=key[0]) is None
    ]
    assert not missing, "run `make catalogues`, then translate:\n" + "\n".join(missing)


@pytest.mark.parametrize(("domain", "folder"), DOMAINS, ids=IDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalogue_keeps_messages_the_code_no_longer_has(
    domain: str, folder: Path, language: str
) -> None:
    cat = catalogue(folder, domain, language)
    name = po_name(folder, domain, language)
    wanted = {msgid(key) for key in extracted(folder)}
    stale = [
        f"{name}: {m.id!r} is not in the code" for m in cat if m.id and _entry_id(m) not in wanted
    ]
    stale += [f"{name}: obsolete entry {m.id!r}" for m in cat.obsolete.values()]
    assert not stale, "run `make catalogues`:\n" + "\n".join(stale)


def _entry_id(message: Message) -> tuple[str | None, str]:
    return message.context, message.id[0] if isinstance(message.id, tuple) else message.id


@pytest.mark.parametrize(("domain", "folder"), DOMAINS, ids=IDS)
def test_the_welsh_catalogue_is_complete(domain: str, folder: Path) -> None:
    """Every Welsh entry is translated (every plural form), not fuzzy, with the English's
    placeholders: a gap would show English to a Welsh speaker, a wrong placeholder an error."""
    cat = catalogue(folder, domain, "cy")
    name = po_name(folder, domain, "cy")
    faults: list[str] = []
    for message in cat:
        if not message.id:
            continue
        faults += _faults(name, message)
    assert not faults, "\n".join(faults)


def _faults(name: str, message: Message) -> Iterable[str]:
    where = f"{name}:{message.lineno}: {message.id!r}"
    if message.fuzzy:
        yield f"{where} is fuzzy: check the translation, then remove the fuzzy flag"
    if isinstance(message.id, tuple):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if len(strings) != 6:
            yield f"{where} has {len(strings)} plural forms; Welsh has 6"
        english = [placeholders(message.id[0]), placeholders(message.id[1])]
    else:
        strings = (message.string,)
        english = [placeholders(message.id)]
    for index, text in enumerate(strings):
        if not text:
            yield f"{where} has no Welsh" + (f" (form {index})" if len(strings) > 1 else "")
        elif placeholders(text) not in english:
            yield (
                f"{where}: the Welsh {text!r} has placeholders {sorted(placeholders(text))}, "
                f"the English {sorted(english[-1])}"
            )


def test_make_catalogues_extracts_with_the_keywords_the_code_uses() -> None:
    """The Makefile's -k options are surveykit.i18n.EXTRACT_KEYWORDS, which this test uses."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = next(li for li in makefile.splitlines() if li.startswith("BABEL_KEYWORDS :="))
    words = shlex.split(line.partition(":=")[2])
    assert words[::2] == ["-k"] * (len(words) // 2)
    assert parse_keywords(words[1::2]) == dict(EXTRACT_KEYWORDS)


def test_every_domain_folder_is_found() -> None:
    """The built-in catalogues are among those checked, so the test cannot pass on none."""
    assert CORE_DOMAIN in IDS
    assert "surveykit_kinds" in IDS
    assert extracted(ROOT / "src" / "surveykit")
    assert extracted(ROOT / "plugins" / "surveykit_kinds")
