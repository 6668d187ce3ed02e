"""A deployment file: the settings every command of one deployment shares, written once.

Without one, each command repeats the store URL, the secret, the public base URL, the SMTP
server and the demonstration window.  ``surveykit.toml`` in the working directory (or the file
``--deployment`` or ``$SURVEYKIT_DEPLOYMENT`` names) holds them, and the consultations the
deployment runs::

    [deployment]
    store = "sqlite:///responses.db"
    base_url = "https://consult.example.gov.uk"
    open_until = 2030-12-31           # a demonstration reopening, for every consultation

    [smtp]
    server = "localhost:25"
    sender = "consultations@lga.example"
    bilingual = true                  # invitations in Welsh and English, Welsh first

    [branding]
    organisation = "Local Government Association"

    [[consultations]]
    spec = "taking-stock"             # a packaged spec's name, or a path from this file
    path = "taking-stock"             # where it is served: /taking-stock/

A command's own options and environment variables override the file.  The file is checked like
a spec: every problem is ``FILE:LINE: message``, unknown keys included.  It never holds the
secret itself, only where it lives (``secret_file``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from attrs import field, frozen

from .errors import SurveykitError
from .finding import DEPLOYMENT_ENV, DEPLOYMENT_FILE, find_deployment
from .tomlpos import Locator, explain_syntax_error

__all__ = [
    "DEPLOYMENT_ENV",
    "DEPLOYMENT_FILE",
    "Branding",
    "ConsultationEntry",
    "Deployment",
    "DeploymentError",
    "find_deployment",
    "load_deployment",
    "loads_deployment",
    "redacted_url",
]

#: A consultation's place in the site's URLs: ``/taking-stock/``.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class DeploymentError(SurveykitError):
    """A deployment file that cannot be used; ``problems`` are ``FILE:LINE: message`` lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(problems[0] if len(problems) == 1 else "\n".join(problems))


@frozen
class Branding:
    """What the web form's header and footer say about who runs the consultation."""

    organisation: str | None = None
    service_name: str | None = None
    contact_email: str | None = None


@frozen
class ConsultationEntry:
    """One consultation the deployment runs: its spec and where it is served."""

    #: The spec as written in the file: a packaged spec's name or a path.
    spec: str
    #: The spec's file, a path resolved against the deployment file's folder when relative, or
    #: the packaged name unchanged (``surveykit.spec_path`` finds it).
    location: str
    #: The URL path segment it is served under (``/taking-stock/``), unique in the deployment.
    path: str
    #: A demonstration reopening for this consultation only, overriding the deployment's.
    open_until: dt.date | None = None
    line: int | None = None


@frozen
class Deployment:
    """The settings of one deployment, each ``None`` when the file does not give it."""

    source: str
    store: str | None = None
    secret_file: Path | None = None
    base_url: str | None = None
    open_until: dt.date | None = None
    smtp_server: str | None = None
    sender: str | None = None
    #: Invitations and reminders in every language the spec offers, Welsh first, to everyone
    #: who did not ask for one language (docs/email.md).
    email_bilingual: bool | None = None
    branding: Branding = Branding()
    consultations: tuple[ConsultationEntry, ...] = ()
    #: The line each setting was written on, by its name here (``store``, ``smtp_server``).
    lines: Mapping[str, int] = field(factory=dict, eq=False, repr=False)
    #: The folder relative paths in the file are relative to: the file's own.
    folder: Path = field(factory=Path.cwd, eq=False, repr=False)

    @property
    def store_url(self) -> str | None:
        """The store, a relative ``sqlite:///`` path taken from the file's folder.

        The file is often named from elsewhere (``--deployment /srv/lga/surveykit.toml``); its
        database must not then be a new, empty one in whatever folder the command ran in.
        """
        if self.store is None or not self.store.startswith("sqlite:///"):
            return self.store
        rest = self.store.removeprefix("sqlite:///")
        path, sep, query = rest.partition("?")
        if not path or Path(path).is_absolute():
            return self.store
        return f"sqlite:///{self.folder / path}{sep}{query}"

    def link_prefix(self, entry: ConsultationEntry | None) -> str | None:
        """What each respondent's link starts with: ``BASE/PATH/r/`` for a consultation the
        deployment serves under ``/PATH/``, ``BASE/r/`` for a spec served on its own."""
        if self.base_url is None:
            return None
        base = self.base_url.rstrip("/")
        return f"{base}/{entry.path}/r/" if entry is not None else f"{base}/r/"

    def spec_names(self) -> dict[str, str]:
        """Each name a command's SPEC may give for a consultation (its path, and its spec as
        written), with that consultation's spec file or packaged name."""
        names: dict[str, str] = {}
        for entry in self.consultations:
            for name in (entry.spec, str(Path(entry.spec)), entry.path):
                names.setdefault(name, entry.location)
        return names

    def where(self, setting: str) -> str:
        """``surveykit.toml:3``: where a setting came from, for ``surveykit config``."""
        line = self.lines.get(setting)
        return self.source if line is None else f"{self.source}:{line}"

    def consultation(self, name: str) -> ConsultationEntry | None:
        """The consultation served under ``name``, or whose spec is written as ``name``."""
        for entry in self.consultations:
            if name in (entry.path, entry.spec):
                return entry
        return None

    def open_until_for(self, entry: ConsultationEntry) -> dt.date | None:
        return entry.open_until or self.open_until


#: Each table's keys: the name in the file, the setting's name here, and its type.
_SCHEMA: dict[str, dict[str, tuple[str, type]]] = {
    "deployment": {
        "store": ("store", str),
        "secret_file": ("secret_file", str),
        "base_url": ("base_url", str),
        "open_until": ("open_until", dt.date),
    },
    "smtp": {
        "server": ("smtp_server", str),
        "sender": ("sender", str),
        "bilingual": ("email_bilingual", bool),
    },
    "branding": {
        "organisation": ("organisation", str),
        "service_name": ("service_name", str),
        "contact_email": ("contact_email", str),
    },
}
_CONSULTATION_KEYS: dict[str, type] = {"spec": str, "path": str, "open_until": dt.date}
_TYPE_NAMES = {
    str: "a string in quotes",
    dt.date: "a date such as 2030-12-31",
    bool: "true or false",
}


def load_deployment(path: str | os.PathLike[str]) -> Deployment:
    """Read and check the deployment file at ``path``."""
    name = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "it is not UTF-8 text"
        raise DeploymentError([f"{name}: cannot read the deployment file: {reason}"]) from None
    return loads_deployment(text, source=name, folder=Path(path).resolve().parent)


def loads_deployment(
    text: str, *, source: str = DEPLOYMENT_FILE, folder: Path | None = None
) -> Deployment:
    """Check deployment ``text``; relative paths in it are relative to ``folder``."""
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line, _column = explain_syntax_error(exc, text)
        where = source if line is None else f"{source}:{line}"
        raise DeploymentError([f"{where}: {message}"]) from None
    return _Reader(text, source, folder or Path.cwd()).read(data)


class _Reader:
    """Turns the decoded TOML into a :class:`Deployment`, collecting every problem."""

    def __init__(self, text: str, source: str, folder: Path) -> None:
        self.locator = Locator(text)
        self.source = source
        self.folder = folder
        self.problems: list[str] = []
        self.lines: dict[str, int] = {}

    def problem(self, path: tuple[str | int, ...], message: str) -> None:
        line = self.locator.line(path)
        where = self.source if line is None else f"{self.source}:{line}"
        self.problems.append(f"{where}: {message}")

    def read(self, data: dict[str, Any]) -> Deployment:
        known = [*_SCHEMA, "consultations"]
        for key in data:
            if key not in known:
                self.problem((key,), f"unknown table [{key}]{_suggest(key, known)}")
        settings: dict[str, Any] = {}
        for table, keys in _SCHEMA.items():
            settings.update(self.table(table, data.get(table, {}), keys))
        consultations = self.consultations(data.get("consultations", []))
        if self.problems:
            raise DeploymentError(self.problems)
        branding = Branding(**{k: settings.pop(k) for k in _SCHEMA["branding"] if k in settings})
        for name in ("store", "base_url"):
            if name in settings:
                settings[name] = settings[name].strip()
        if "secret_file" in settings:
            settings["secret_file"] = self.folder / settings["secret_file"]
        return Deployment(
            source=self.source,
            branding=branding,
            consultations=consultations,
            lines=self.lines,
            folder=self.folder,
            **settings,
        )

    def table(self, name: str, values: Any, keys: dict[str, tuple[str, type]]) -> dict[str, Any]:
        if not isinstance(values, dict):
            self.problem((name,), f"[{name}] must be a table of settings")
            return {}
        found: dict[str, Any] = {}
        for key, value in values.items():
            if key not in keys:
                self.problem(
                    (name, key), f"unknown setting {key!r} in [{name}]{_suggest(key, list(keys))}"
                )
                continue
            setting, kind = keys[key]
            if self.typed((name, key), value, kind):
                found[setting] = value
                line = self.locator.line((name, key))
                if line is not None:
                    self.lines[setting] = line
        if "base_url" in found:
            self.check_url((name, "base_url"), found["base_url"])
        if "server" in values and "smtp_server" in found:
            self.check_server((name, "server"), found["smtp_server"])
        return found

    def typed(self, path: tuple[str | int, ...], value: Any, kind: type) -> bool:
        ok = isinstance(value, kind) and not (kind is dt.date and isinstance(value, dt.datetime))
        if not ok:
            self.problem(path, f"{path[-1]} must be {_TYPE_NAMES[kind]}")
        elif kind is str and not value.strip():
            self.problem(path, f"{path[-1]} is empty")
            return False
        return ok

    def check_url(self, path: tuple[str, ...], url: str) -> None:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            self.problem(path, f"base_url {url!r} must be a web address: https://host/...")

    def check_server(self, path: tuple[str, ...], server: str) -> None:
        host, _, port = server.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            self.problem(path, f"server {server!r} must be HOST:PORT, such as localhost:25")

    def consultations(self, entries: Any) -> tuple[ConsultationEntry, ...]:
        if not isinstance(entries, list):
            self.problem(("consultations",), "consultations must be [[consultations]] tables")
            return ()
        found: list[ConsultationEntry] = []
        seen: dict[str, int] = {}
        for index, entry in enumerate(entries):
            here = ("consultations", index)
            if not isinstance(entry, dict):
                self.problem(here, "each [[consultations]] entry must be a table")
                continue
            for key in entry:
                if key not in _CONSULTATION_KEYS:
                    keys = list(_CONSULTATION_KEYS)
                    self.problem(
                        (*here, key),
                        f"unknown setting {key!r} in [[consultations]]{_suggest(key, keys)}",
                    )
            good = {
                key: entry[key]
                for key, kind in _CONSULTATION_KEYS.items()
                if key in entry and self.typed((*here, key), entry[key], kind)
            }
            if "spec" not in good:
                if "spec" not in entry:
                    self.problem(here, 'a consultation needs spec = "NAME-OR-PATH"')
                continue
            made = self.consultation(here, good)
            if made is None:
                continue
            if made.path in seen:
                self.problem(
                    (*here, "path"),
                    f"path {made.path!r} is already used by the "
                    f"consultation on line {seen[made.path]}",
                )
                continue
            seen[made.path] = made.line or 0
            found.append(made)
        return tuple(found)

    def consultation(
        self, here: tuple[str | int, ...], good: dict[str, Any]
    ) -> ConsultationEntry | None:
        spec = good["spec"].strip()
        written = Path(spec)
        looks_like_path = written.suffix == ".toml" or len(written.parts) > 1
        location = str(self.folder / written) if looks_like_path else spec
        slug = good.get("path", written.stem.replace("_", "-") if looks_like_path else spec)
        slug = slug.strip().strip("/")
        if not SLUG.fullmatch(slug):
            self.problem(
                (*here, "path" if "path" in good else "spec"),
                f"path {slug!r} must be lower-case letters, digits and single hyphens "
                "(it is part of the consultation's web address)",
            )
            return None
        return ConsultationEntry(
            spec=spec,
            location=location,
            path=slug,
            open_until=good.get("open_until"),
            line=self.locator.line(here),
        )


def _suggest(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(known)})"


def redacted_url(url: str) -> str:
    """A store URL with any password replaced, for printing: in the address
    (``postgresql://user:***@host/db``) or as a ``password=`` parameter, as libpq allows."""
    parts = urlsplit(url)
    if parts.query and "password=" in parts.query:
        query = "&".join(
            "password=***" if item.startswith("password=") else item
            for item in parts.query.split("&")
        )
        parts = parts._replace(query=query)
    if parts.password is not None:
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts) if parts != urlsplit(url) else url
