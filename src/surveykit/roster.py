"""Roster import: one unique link per leader, chief executive or other named person.

A roster is a CSV file with the columns ``authority``, ``authority_type``, ``role``, ``name`` and
``email``, and optionally ``language`` (or Welsh ``iaith``): the language each person asked to
be written to in, ``en``/``cy`` (also ``English``, ``Welsh``, ``Saesneg``, ``Cymraeg``, or any
language the spec offers), or ``both``/``dwyieithog``/blank for no one language (others are
ignored).  Every bad row is reported with its line number and nothing is
imported.  Importing is two steps so the caller can keep the clear tokens safe before the store
commits to them: :func:`plan_links` decides who gets a new link, then :meth:`LinkPlan.commit`
grants them all in one transaction.

Re-importing the same roster issues no second links: a row matching a stored roster respondent
(same authority, role and name, or same email) keeps its link unless ``reissue`` is asked for,
which revokes the old link and issues a new one.  A self-service respondent is never matched,
whatever details they gave (see :mod:`surveykit.duplicates`): the plan counts them instead.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from attrs import evolve, frozen

from .duplicates import identity_keys, keys_of
from .errors import RosterError, RosterProblem
from .identity import Respondent, Secret, Token, bind_secret
from .model import Consultation
from .people import check_person, normal_email, person_key
from .storage import Grant, Store
from .submit import IssuedLink
from .wording import counted

__all__ = [
    "COLUMNS",
    "LANGUAGE_COLUMNS",
    "LinkPlan",
    "RosterEntry",
    "parse_roster",
    "plan_links",
    "read_roster",
]

COLUMNS = ("authority", "authority_type", "role", "name", "email")
#: The optional column giving each person's language, by either of its names.
LANGUAGE_COLUMNS = ("language", "iaith")
#: What people write in it, for the two languages every UK council may meet; ``None`` is no one
#: language ("both": they are written to as the deployment writes to everyone).
_LANGUAGE_WORDS: dict[str, str | None] = {
    "en": "en", "english": "en", "saesneg": "en", "en-gb": "en",
    "cy": "cy", "welsh": "cy", "cymraeg": "cy", "cy-gb": "cy",
    "": None, "both": None, "bilingual": None, "dwyieithog": None, "y ddwy": None,
    "en/cy": None, "cy/en": None,
}  # fmt: skip


def _language(text: str, consultation: Consultation) -> tuple[str | None, str | None]:
    """A roster's language cell as a language tag (or ``None``), and a problem if it is not
    one the spec offers."""
    said = " ".join(text.split()).casefold()
    if said in _LANGUAGE_WORDS:
        tag = _LANGUAGE_WORDS[said]
    else:
        tag = next((lang for lang in consultation.languages if lang.casefold() == said), said)
    if tag is None or tag in consultation.languages or tag in ("en", "cy"):
        return tag, None
    offered = ", ".join(consultation.languages)
    return None, f"language {text.strip()!r} is not one the consultation offers ({offered})"


@frozen
class RosterEntry:
    """One person from a roster, with the line it came from."""

    line: int
    authority: str
    authority_type: str
    role: str
    name: str
    email: str
    source: str = "<roster>"
    #: The language the person asked for; ``None`` for none (or no language column).
    language: str | None = None

    @property
    def key(self) -> tuple[str, ...]:
        return person_key(self.authority, self.role, self.name, self.email)


def read_roster(path: str | os.PathLike[str], consultation: Consultation) -> list[RosterEntry]:
    """Read and check a roster file; :class:`RosterError` lists every bad row."""
    name = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RosterError([RosterProblem("unreadable", f"cannot read: {reason}", name)]) from None
    return parse_roster(io.StringIO(text, newline=""), consultation, source=name)


def parse_roster(
    lines: Iterable[str], consultation: Consultation, *, source: str = "<roster>"
) -> list[RosterEntry]:
    """Check roster rows (CSV text with a header line); :class:`RosterError` lists every problem."""
    reader = csv.reader(lines)
    problems: list[RosterProblem] = []
    header = next(_rows(reader, source, problems), None)
    if problems:
        raise RosterError(problems)
    if header is None:
        raise RosterError([RosterProblem("empty", "the roster is empty", source, 1)])
    columns = [c.strip().casefold() for c in header]
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        problem = RosterProblem(
            "missing_column",
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(a roster needs {', '.join(COLUMNS)})",
            source,
            1,
        )
        raise RosterError([problem])
    index = {c: columns.index(c) for c in COLUMNS}
    named = [c for c in LANGUAGE_COLUMNS if c in columns]
    if len(named) > 1:
        problem = RosterProblem(
            "duplicate_column", "give the language in one column, language or iaith", source, 1
        )
        raise RosterError([problem])
    language_at = columns.index(named[0]) if named else None
    needed = max(index.values()) + 1
    entries: list[RosterEntry] = []
    seen_keys: dict[tuple[str, ...], int] = {}
    seen_emails: dict[str, int] = {}
    for row in _rows(reader, source, problems):
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < needed:
            problems.append(
                RosterProblem(
                    "short_row",
                    f"the row has {counted(len(row), 'field')}; the roster's columns need {needed}",
                    source,
                    line,
                )
            )
            continue
        entry = RosterEntry(line, *(row[index[c]].strip() for c in COLUMNS), source=source)
        language, wrong = (None, None)
        if language_at is not None and language_at < len(row):
            language, wrong = _language(row[language_at], consultation)
            entry = evolve(entry, language=language)
        found = check_person(
            consultation,
            authority=entry.authority,
            authority_type=entry.authority_type,
            role=entry.role,
            name=entry.name,
            email=entry.email,
        )
        if normal := normal_email(entry.email):
            entry = evolve(entry, email=normal)
        email = entry.email.casefold()
        if entry.key in seen_keys:
            found.append(
                (
                    "duplicate_person",
                    f"the same person as line {seen_keys[entry.key]} "
                    "(same authority, role and name)",
                )
            )
        elif email and email in seen_emails:
            found.append(
                ("duplicate_person", f"the same email address as line {seen_emails[email]}")
            )
        seen_keys.setdefault(entry.key, line)
        if email:
            seen_emails.setdefault(email, line)
        if wrong is not None:
            found.append(("bad_language", wrong))
        problems.extend(RosterProblem(code, message, source, line) for code, message in found)
        entries.append(entry)
    if problems:
        raise RosterError(problems)
    if not entries:
        raise RosterError([RosterProblem("empty", "the roster has no rows", source, 2)])
    return entries


def _rows(reader: Any, source: str, problems: list[RosterProblem]) -> Iterator[list[str]]:
    """The reader's rows, until one cannot be read: that adds its problem and ends the rows.

    Reading stops there because the reader cannot tell where a broken cell ends, so what
    follows might be the rest of it rather than rows.
    """
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field limit" in str(exc):
                problem = RosterProblem(
                    "too_long",
                    f"a cell is longer than {csv.field_size_limit():,} characters",
                    source,
                    start,
                )
            else:
                problem = RosterProblem("unreadable", f"not valid CSV: {exc}", source, start)
            problems.append(problem)
            return
        yield row


@frozen
class LinkPlan:
    """Who gets a new link.  ``links`` hold the clear tokens: write them out, then commit."""

    grants: tuple[Grant, ...]
    links: tuple[IssuedLink, ...]
    new: int
    reissued: int
    kept: int
    #: Self-service records sharing an email address, or an authority and name, with someone on
    #: this roster: kept apart, for an officer to look at.
    shared: int = 0
    #: Stored respondents whose roster row now gives another language: ``(id, language)``.
    languages: tuple[tuple[str, str], ...] = ()

    def commit(self, store: Store) -> None:
        """Grant every planned link in one transaction: all are issued, or none; then record
        the languages the roster changed."""
        if self.grants:
            store.grant(self.grants)
        for respondent_id, language in self.languages:
            store.set_language(respondent_id, language)


def plan_links(
    store: Store,
    secret: Secret,
    consultation: Consultation,
    entries: Iterable[RosterEntry],
    *,
    reissue: bool = False,
    now: dt.datetime,
) -> LinkPlan:
    """Decide, without storing anything, which roster entries get a (new) link."""
    bind_secret(store, secret)
    cid = consultation.metadata.id
    by_key: dict[tuple[str, ...], Respondent] = {}
    by_email: dict[str, Respondent] = {}
    self_service: list[Respondent] = []
    for respondent in store.respondents(cid):
        if respondent.origin != "roster":
            # Anyone can ask for a self-service link in a roster person's name: never adopt it.
            self_service.append(respondent)
            continue
        key = person_key(respondent.authority, respondent.role, respondent.name, respondent.email)
        by_key[key] = respondent
        if respondent.email:
            by_email[respondent.email.casefold()] = respondent
    grants: list[Grant] = []
    links: list[IssuedLink] = []
    claimed: dict[str, int] = {}
    clashes: list[RosterProblem] = []
    roster_keys: set[tuple[str, ...]] = set()
    languages: list[tuple[str, str]] = []
    new = reissued = kept = 0
    for entry in entries:
        roster_keys |= identity_keys(entry.authority, entry.name, entry.email)
        existing = by_key.get(entry.key) or by_email.get(entry.email.casefold() or "\0")
        if existing is not None:
            if existing.id in claimed:
                clashes.append(_clash(entry, claimed[existing.id]))
                continue
            claimed[existing.id] = entry.line
        if existing is not None and entry.language and entry.language != existing.language:
            languages.append((existing.id, entry.language))
            existing = evolve(existing, language=entry.language)
        if existing is not None and not reissue:
            kept += 1
            continue
        if existing is None:
            new += 1
            respondent = Respondent(
                consultation=cid,
                authority=entry.authority,
                authority_type=entry.authority_type,
                role=entry.role,
                name=entry.name,
                email=normal_email(entry.email) or entry.email,
                origin="roster",
                created_at=now,
                language=entry.language,
            )
        else:
            reissued += 1
            respondent = existing
        token = Token.new()
        grants.append(Grant(respondent, secret.hash(token), now))
        links.append(IssuedLink(respondent, token))
    if clashes:
        raise RosterError(clashes)
    shared = sum(1 for other in self_service if keys_of(other) & roster_keys)
    return LinkPlan(tuple(grants), tuple(links), new, reissued, kept, shared, tuple(languages))


def _clash(entry: RosterEntry, first_line: int) -> RosterProblem:
    return RosterProblem(
        "duplicate_person",
        f"the same stored person as line {first_line} (matched by name or by email address)",
        entry.source,
        entry.line,
    )
