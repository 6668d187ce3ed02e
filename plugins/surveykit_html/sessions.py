"""The browser session that replaces a unique link once it has been used, and CSRF tokens.

A unique link is a bearer secret that lives for the whole consultation, so it must not stay in
the address bar, the history or an access log.  On first use it is exchanged for a signed,
HttpOnly, SameSite cookie holding the respondent's random id and the keyed hash of the link's
token (never the token), then the browser is redirected.  Every later request checks that the
link is still live, so reissuing a link (which revokes the old one) also ends its sessions.

The cookie signing key and the CSRF key are derived from the deployment secret, each under its
own label, so neither can be used in place of the other or of the token hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import MutableMapping
from typing import Any

from surveykit.errors import LinkError
from surveykit.identity import Respondent, Secret, Token
from surveykit.storage import TokenRecord, Visit
from surveykit.submit import SubmitService

__all__ = ["SessionKey", "SessionSubmitService", "WebKeys", "start_session"]

#: How many sessions' CSRF tokens are remembered before the memory starts over.
CSRF_TOKENS_MAX = 8192
_NOT_RECOGNISED = "this session's link is no longer live: open your most recent link again"


class WebKeys:
    """The web form's keys, derived from the deployment secret."""

    def __init__(self, secret: Secret, scope: str = "") -> None:
        # A scope (one consultation of several served together) gets keys of its own, so a
        # session or form of one consultation is worthless to another's.
        suffix = f" for {scope}".encode() if scope else b""
        self.cookie_key = secret.derive(b"surveykit web session cookie v2" + suffix)
        self._csrf_key = secret.derive(b"surveykit web csrf v1" + suffix)
        # Each session asks for its token on every page: made once per nonce, then remembered.
        self._csrf_tokens: dict[str, str] = {}

    def csrf_token(self, session: MutableMapping[str, Any]) -> str:
        """The token every form on this session must send back (made on first use)."""
        nonce = session.get("csrf")
        if not isinstance(nonce, str):
            nonce = session["csrf"] = secrets.token_urlsafe(16)
        return self._csrf_for(nonce)

    def _csrf_for(self, nonce: str) -> str:
        token = self._csrf_tokens.get(nonce)
        if token is None:
            token = hmac.digest(self._csrf_key, nonce.encode(), hashlib.sha256).hex()
            if len(self._csrf_tokens) >= CSRF_TOKENS_MAX:
                self._csrf_tokens.clear()
            self._csrf_tokens[nonce] = token
        return token

    def csrf_ok(self, session: MutableMapping[str, Any], sent: object) -> bool:
        """Whether ``sent`` is this session's CSRF token, compared in constant time."""
        nonce = session.get("csrf")
        if not isinstance(nonce, str) or not isinstance(sent, str):
            return False
        return hmac.compare_digest(self._csrf_for(nonce), sent)


class SessionKey:
    """Stands in for a token in calls to the submit service, for one request.

    It holds what the cookie holds (respondent id and token hash); the respondent is looked up
    once per request and kept here, so several service calls cost one lookup.
    """

    __slots__ = ("respondent", "respondent_id", "token_hash")

    def __init__(self, respondent_id: str, token_hash: str) -> None:
        self.respondent_id = respondent_id
        self.token_hash = token_hash
        self.respondent: Respondent | None = None

    @classmethod
    def from_session(cls, session: MutableMapping[str, Any]) -> SessionKey | None:
        rid, token_hash = session.get("rid"), session.get("th")
        if isinstance(rid, str) and isinstance(token_hash, str):
            return cls(rid, token_hash)
        return None

    def __repr__(self) -> str:
        return "SessionKey(<hidden>)"


def start_session(
    session: MutableMapping[str, Any], respondent: Respondent, token_hash: str
) -> None:
    """Make ``session`` the respondent's: a fresh CSRF nonce, so no earlier form can be replayed.
    The language chosen before (see :mod:`.language`) is kept."""
    lang = session.get("lang")
    session.clear()
    if isinstance(lang, str):
        session["lang"] = lang
    session["rid"] = respondent.id
    session["th"] = token_hash
    session["csrf"] = secrets.token_urlsafe(16)


class SessionSubmitService(SubmitService):
    """The submit service, also accepting a :class:`SessionKey` wherever it takes a token.

    Everything else (opening times, validation, cleaning, versions, the submitted hook) is the
    service's own: the web form adds no second way to store answers.
    """

    def token_hash(self, token: Token) -> str:
        return self.secret.hash(token)

    def authenticate(self, token: Token | str | SessionKey) -> Respondent:
        if not isinstance(token, SessionKey):
            return super().authenticate(token)
        if token.respondent is not None:
            return token.respondent
        return self._recognise(token, self.store.lookup_token(token.token_hash))

    def visit(self, key: SessionKey) -> Visit:
        """The session's live link with the draft and response, in one read of the store."""
        visit = self.store.visit(key.token_hash)
        self._recognise(key, None if visit is None else visit.token)
        assert visit is not None
        return visit

    def _recognise(self, key: SessionKey, record: TokenRecord | None) -> Respondent:
        if (
            record is None
            or not record.live
            or record.respondent.id != key.respondent_id
            or record.respondent.consultation != self.consultation_id
        ):
            raise LinkError(_NOT_RECOGNISED)
        key.respondent = record.respondent
        return record.respondent
