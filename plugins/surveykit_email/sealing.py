"""Raw messages are sealed at rest, so the database alone does not give away what they hold.

A reply that quotes its invitation carries the respondent's unique link, and every reply carries
names, addresses and signatures.  Tokens are otherwise stored only as keyed hashes, so a stolen
database must not hand over live links in stored mail either.  Each raw message is therefore
stored encrypted with AES-256-GCM (``cryptography``'s AESGCM) under a key derived from the
deployment secret for this purpose alone, with the consultation's id as associated data: reading
it back needs the secret as well as the database, and a sealed message moved to another
consultation or altered in any way does not open.

What is sealed is exactly the bytes received; opening gives them back unchanged.  The hash and
``Message-ID`` used to spot duplicates are worked out before sealing (see
:func:`surveykit.mailbox.new_message`).  Messages stored before sealing existed have no seal mark
and are read as they are.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from surveykit import Secret, SurveykitError

__all__ = ["MARK", "Seal", "SealError"]

#: What every sealed message starts with (a raw email never does: it starts with a header).
MARK = b"surveykit-sealed-v1\n"
_NONCE_BYTES = 12


class SealError(SurveykitError):
    """A stored message could not be opened: another deployment's secret, or damage."""


class Seal:
    """Seals and opens one consultation's raw messages with the deployment's secret."""

    def __init__(self, secret: Secret, consultation_id: str) -> None:
        self._aead = AESGCM(secret.derive(b"surveykit raw mail v1"))
        self._context = consultation_id.encode()

    def seal(self, raw: bytes) -> bytes:
        """``raw`` encrypted and authenticated, ready to store."""
        nonce = os.urandom(_NONCE_BYTES)
        return MARK + nonce + self._aead.encrypt(nonce, bytes(raw), self._context)

    def open(self, stored: bytes, *, message_id: int | None = None) -> bytes:
        """The raw bytes a stored message was sealed from (unsealed messages as they are)."""
        if not stored.startswith(MARK):
            return stored
        body = stored[len(MARK) :]
        nonce, sealed = body[:_NONCE_BYTES], body[_NONCE_BYTES:]
        try:
            return self._aead.decrypt(nonce, sealed, self._context)
        except InvalidTag:
            which = "a stored message" if message_id is None else f"stored message {message_id}"
            msg = (
                f"{which} cannot be opened: it was sealed with another deployment secret or for "
                "another consultation, or it is damaged; use the secret this database was set up "
                "with (--secret-file or SURVEYKIT_SECRET)"
            )
            raise SealError(msg) from None
