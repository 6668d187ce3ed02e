"""Who may answer, and the secrets in their unique links.

A *token* is the secret in a unique link: 192 random bits from :mod:`secrets`, URL-safe.  Only
its keyed hash (HMAC-SHA256 under the deployment secret) is ever stored, so a copy of the database
without the secret cannot be used to answer as anyone, nor to check a guessed token.  Neither a
token nor the secret shows in a ``repr`` or ``str``, so neither can slip into a log line.

The deployment secret comes from the ``SURVEYKIT_SECRET`` environment variable when it is set,
and otherwise from a secret file, created on first use with owner-only permissions (0600).  A
store names its default secret file (SQLite: ``<database>.secret`` beside the database file);
PostgreSQL deployments set the variable or pass a file explicitly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from attrs import field, frozen, validators

from .errors import LinkError, SecretError
from .i18n import phrase

__all__ = [
    "ORIGINS",
    "SECRET_ENV",
    "TOKEN_BYTES",
    "Respondent",
    "Secret",
    "Token",
    "bind_secret",
    "load_secret",
    "new_id",
    "redact_tokens",
]

#: 24 random bytes: 192 bits, comfortably above the 128 the design asks for, in 32 characters.
TOKEN_BYTES = 24
SECRET_ENV = "SURVEYKIT_SECRET"
MIN_SECRET_CHARS = 32
#: How a respondent came to exist: imported from the officer's roster, or self-service.
ORIGINS = ("roster", "self_service")
_TOKEN_TEXT = re.compile(r"[A-Za-z0-9_-]{22,128}\Z")
_FINGERPRINT_LABEL = b"surveykit secret fingerprint v1"


def new_id() -> str:
    """A random internal respondent id: unrelated to the token, so it reveals nothing about it."""
    return secrets.token_hex(16)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@frozen
class Respondent:
    """Who a unique link belongs to.  Stored apart from answers; name and email stay out of reprs.

    ``consent`` is the publication consent (an option value of the consultation's consent
    question, e.g. ``"quote_named"``), or ``None`` until the respondent has given it.
    ``language`` is the language they asked to be written to in (a tag such as ``"cy"``, from
    the roster or their own choice), or ``None`` if they did not say.
    """

    consultation: str
    authority: str
    authority_type: str
    role: str
    name: str = field(default="", repr=False)
    email: str = field(default="", repr=False)
    consent: str | None = None
    origin: str = field(default="roster", validator=validators.in_(ORIGINS))
    id: str = field(factory=new_id)
    created_at: dt.datetime = field(factory=_utcnow, repr=False)
    language: str | None = None


@frozen(repr=False)
class Token:
    """The clear secret of a unique link.  It exists once, in the link handed out.

    ``str()`` and ``repr()`` hide it; read ``.value`` only to write the link for its owner.
    """

    value: str

    @classmethod
    def new(cls) -> Token:
        """A fresh random token.  None starts with ``-``: written alone in a links file, a
        spreadsheet would read it as a formula (see :mod:`surveykit.csvsafe`)."""
        while (value := secrets.token_urlsafe(TOKEN_BYTES)).startswith("-"):
            pass
        return cls(value)

    @classmethod
    def parse(cls, text: str) -> Token:
        """A token as typed or pasted: the bare token or a whole link ending in it."""
        candidate = text.strip().split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        if not _TOKEN_TEXT.match(candidate):
            raise LinkError(phrase("that is not a valid link: check it was copied in full"))
        return cls(candidate)

    def __repr__(self) -> str:
        return "Token(<hidden>)"

    __str__ = __repr__


# A token after a link's /r/, or a bare run of exactly a token's length and alphabet.
_TOKEN_IN_TEXT = re.compile(
    r"(?<=/r/)[A-Za-z0-9_-]{22,128}|(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])"
)


def redact_tokens(text: str) -> str:
    """``text`` with every unique link's token, and every bare run shaped like one, replaced by
    ``<redacted>``: for anything kept or shown that quotes what people sent us."""
    return _TOKEN_IN_TEXT.sub("<redacted>", text)


@frozen(repr=False)
class Secret:
    """The deployment secret: the HMAC key that turns tokens into stored hashes."""

    key: bytes
    source: str

    @classmethod
    def generate(cls, source: str = "a throwaway secret for an in-memory store") -> Secret:
        return cls(secrets.token_urlsafe(32).encode(), source)

    def hash(self, token: Token) -> str:
        """The keyed hash stored in place of the token (hex HMAC-SHA256)."""
        return hmac.new(self.key, token.value.encode(), hashlib.sha256).hexdigest()

    def matches(self, token: Token, stored_hash: str) -> bool:
        """Whether ``token`` hashes to ``stored_hash``, compared in constant time."""
        return hmac.compare_digest(self.hash(token), stored_hash)

    def derive(self, purpose: bytes) -> bytes:
        """A key for one purpose (``b"surveykit web csrf v1"``), derived from the secret (HMAC-
        SHA256), so no plugin's key can stand in for another's or for the token hashes."""
        return hmac.new(self.key, purpose, hashlib.sha256).digest()

    @property
    def fingerprint(self) -> str:
        """Identifies the secret without revealing it; a store remembers the first it sees."""
        return hmac.new(self.key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()

    def __repr__(self) -> str:
        return f"Secret(<hidden>, from {self.source})"

    __str__ = __repr__


def load_secret(
    secret_file: str | os.PathLike[str] | None,
    *,
    environ: Mapping[str, str] | None = None,
    ephemeral: bool = False,
) -> Secret:
    """The deployment secret: ``SURVEYKIT_SECRET`` if set, else ``secret_file`` (made if missing).

    With neither, an ``ephemeral`` store (one that forgets everything when closed) gets a random
    secret; any other store is refused, because hashes made with a lost secret are useless.
    """
    environ = os.environ if environ is None else environ
    value = environ.get(SECRET_ENV)
    if value is not None:
        if len(value.strip()) < MIN_SECRET_CHARS:
            msg = f"{SECRET_ENV} must be at least {MIN_SECRET_CHARS} characters long"
            raise SecretError(msg)
        return Secret(value.strip().encode(), f"the environment variable {SECRET_ENV}")
    if secret_file is not None:
        return _secret_from_file(Path(secret_file))
    if ephemeral:
        return Secret.generate()
    msg = f"no deployment secret: set {SECRET_ENV} or give a secret file (--secret-file)"
    raise SecretError(msg)


def _secret_from_file(path: Path) -> Secret:
    try:
        return _read_secret_file(path)
    except FileNotFoundError:
        pass
    _create_secret_file(path)
    return _read_secret_file(path)


def _read_secret_file(path: Path) -> Secret:
    try:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            msg = (
                f"the secret file {path} can be read by other users (mode {mode & 0o777:o}); "
                f"run: chmod 600 {path}"
            )
            raise SecretError(msg)
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretError(f"cannot read the secret file {path}: {exc}") from None
    if len(text) < MIN_SECRET_CHARS:
        msg = f"the secret file {path} holds fewer than {MIN_SECRET_CHARS} characters"
        raise SecretError(msg)
    return Secret(text.encode(), f"the file {path}")


def _create_secret_file(path: Path) -> None:
    """Write the whole secret to a private temporary file, then link it into place.

    Linking fails if another process got there first, so two first uses agree on one secret and
    nobody ever reads a half-written file.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    except OSError as exc:
        raise SecretError(f"cannot create the secret file {path}: {exc}") from None
    finally:
        temporary.unlink(missing_ok=True)


class _RemembersSecret(Protocol):
    def secret_fingerprint(self, proposed: str) -> str: ...


def bind_secret(store: _RemembersSecret, secret: Secret) -> None:
    """Refuse to work with a store that was set up under a different secret.

    Without this check a wrong secret would make every link look unknown, and re-importing a
    roster would quietly issue everyone a second link.
    """
    recorded = store.secret_fingerprint(secret.fingerprint)
    if not hmac.compare_digest(recorded, secret.fingerprint):
        msg = (
            f"this store was set up with a different deployment secret than {secret.source}; "
            f"use the original secret (see docs/identity.md)"
        )
        raise SecretError(msg)
