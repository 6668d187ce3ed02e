"""Settings of one deployment of the web form: its limits and the ``--open-until`` override.

Time comes from one injectable clock (:data:`surveykit.submit.Clock`), handed to the submit
service and read by the pages through it, so a test can stand before, during or after a
consultation without touching the system clock.
"""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from surveykit import Consultation

__all__ = ["Demonstration", "Limits", "reopen_until"]


@frozen
class Limits:
    """Bounds on what one client may send: each keeps a mistake or an attack small.

    The rate limits are per client address and per server process: with ``--workers N`` a
    client gets up to N times as many tries, which still leaves a 192-bit token unguessable.
    """

    #: A whole form post; the longest answer (5,000 characters of 4-byte UTF-8) fits easily.
    max_body_bytes: int = 64 * 1024
    #: Fields in one form post: a question page sends at most its options plus two.
    max_fields: int = 64
    #: Wrong links a client may try per window before every link it tries is refused.
    token_failures: int = 10
    token_window_seconds: float = 15 * 60
    #: Self-service links a client may create per window.
    self_service_links: int = 10
    self_service_window_seconds: float = 60 * 60
    #: How long a browser session lasts without a visit to the unique link, in seconds.
    session_max_age: int = 12 * 60 * 60


@frozen
class Demonstration:
    """A consultation served past its real closing date, as ``--open-until`` asks.

    Every page says so in a banner, so nobody mistakes a demonstration for the real thing.
    """

    real_closing_text: str
    open_until: dt.date
    #: When it really closed, for the banner to say in the page's language.
    real_closes: dt.date | dt.datetime | None = None

    @property
    def open_until_text(self) -> str:
        return f"{self.open_until:%A} {self.open_until.day} {self.open_until:%B %Y}"


def reopen_until(consultation: Consultation, until: dt.date) -> tuple[Consultation, Demonstration]:
    """A copy of ``consultation`` that closes at the end of ``until``, and the banner's facts.

    The copy keeps the consultation's id, so what is stored belongs to the real consultation.
    """
    meta = consultation.metadata
    demo = Demonstration(
        real_closing_text=meta.closing_text, open_until=until, real_closes=meta.closes
    )
    return consultation.reopened_until(until), demo
