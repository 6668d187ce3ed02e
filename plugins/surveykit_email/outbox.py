"""Sending mail: the SMTP connection, the sending rate, and the invitation email itself.

The email holds the respondent's new link, so it is built, handed to the SMTP server and
forgotten: nothing here logs or prints a message body, a link or an address.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import smtplib
import ssl
import textwrap
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from surveykit import Consultation, Respondent, SurveykitError
from surveykit.i18n import Translator
from surveykit.known import roster_answers

from .form import WIDTH, write_form
from .language import BOTH, closing_text, form_languages, in_language, words

__all__ = [
    "MailError",
    "Mailer",
    "RecipientRefused",
    "Throttle",
    "compose",
    "email_language",
    "parse_address",
    "parse_rate",
    "parse_server",
]

#: ``SURVEYKIT_SMTP_USER`` and ``SURVEYKIT_SMTP_PASSWORD`` log in to the server when both are set.
USER_ENV = "SURVEYKIT_SMTP_USER"
PASSWORD_ENV = "SURVEYKIT_SMTP_PASSWORD"
SMTP_TIMEOUT = 30
_RATE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*/\s*(s|sec|second|m|min|minute|h|hour)\s*\Z", re.I)
_PER = {"s": 1, "m": 60, "h": 3600}
_ADDRESS = re.compile(r"[^@\s<>]+@[^@\s<>.]+(\.[^@\s<>.]+)+\Z")


class MailError(SurveykitError):
    """The mail server could not be reached, or refused what was sent to it."""


class RecipientRefused(MailError):
    """The server refused one recipient's address; other messages can still be sent."""


def parse_server(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:25`` for IPv6) as a host and a port number."""
    host, sep, port = text.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise MailError(f"--smtp must be HOST:PORT, e.g. 127.0.0.1:25, not {text!r}")
    return host, int(port)


def parse_rate(text: str) -> float:
    """A sending rate such as ``5/s``, ``120/min`` or ``1000/h``, in messages per second."""
    found = _RATE.match(text)
    if not found or float(found.group(1)) <= 0:
        raise MailError(f"--rate must be like 5/s, 120/min or 1000/h, not {text!r}")
    return float(found.group(1)) / _PER[found.group(2)[0].lower()]


def parse_address(text: str, option: str) -> str:
    """A bare email address, checked enough to refuse a typo before anything is sent."""
    address = text.strip()
    if not _ADDRESS.match(address):
        raise MailError(f"{option} must be an email address such as consult@example.org")
    return address


class Throttle:
    """Spaces calls to :meth:`wait` at least ``1 / rate`` seconds apart."""

    def __init__(
        self,
        rate: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 0.0 if not rate else 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0

    def wait(self) -> None:
        now = self._clock()
        if now < self._next:
            self._sleep(self._next - now)
            now = self._next
        self._next = now + self.interval


class Mailer:
    """One SMTP connection, opened on first use and reopened once if the server dropped it."""

    def __init__(self, host: str, port: int, *, starttls: bool = False) -> None:
        self.host, self.port, self.starttls = host, port, starttls
        self._smtp: smtplib.SMTP | None = None

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def _connect(self) -> smtplib.SMTP:
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
            if self.starttls:
                # Verify the server's certificate and name: smtplib's default would not.
                smtp.starttls(context=ssl.create_default_context())
            user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
            if user and password:
                smtp.login(user, password)
        except smtplib.SMTPAuthenticationError:
            raise MailError(f"the mail server at {self.where} refused the login") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"cannot reach the mail server at {self.where}: {_why(exc)}") from None
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Hand ``message`` to the server; :class:`MailError` if it did not take it."""
        for attempt in (1, 2):
            if self._smtp is None:
                self._smtp = self._connect()
            try:
                self._smtp.send_message(message)
                return
            except smtplib.SMTPServerDisconnected:
                self._smtp = None
                if attempt == 2:
                    raise MailError(f"the mail server at {self.where} hung up") from None
            except smtplib.SMTPRecipientsRefused:
                raise RecipientRefused("the mail server refused the recipient's address") from None
            except (OSError, smtplib.SMTPException) as exc:
                self.close()
                raise MailError(f"the mail server at {self.where} failed: {_why(exc)}") from None

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _why(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace')}"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def email_language(
    consultation: Consultation, respondent: Respondent, *, bilingual: bool = False
) -> str:
    """The language of ``respondent``'s invitations and reminders: a language tag, or
    ``"both"`` for every language the spec offers, Welsh first.

    Someone who asked for Welsh (or another language the spec offers besides its own) gets
    it alone.  Otherwise, when the deployment corresponds bilingually (``bilingual``) and the
    spec offers more than one language, they get every language, Welsh first, as the Welsh
    Language Standards ask of a body that writes to the public in both; else the language they
    asked for, if the spec offers it, or the spec's own.
    """
    offered = consultation.languages
    wanted = respondent.language
    if wanted in offered and wanted != offered[0]:
        return wanted
    if bilingual and len(offered) > 1:
        return BOTH
    return wanted if wanted in offered else offered[0]


def _paragraphs(
    consultation: Consultation,
    respondent: Respondent,
    t: Translator,
    language: str,
    link: str | None,
    reminder: bool,
) -> list[str]:
    """The letter above the form, in one language."""
    _ = t.gettext
    meta = consultation.metadata
    named = f"{meta.title}: {meta.subtitle}" if meta.subtitle else meta.title
    title = f"\u201c{named}\u201d"
    closes = _("It closes {closing} ({timezone}).").format(
        closing=closing_text(consultation, language), timezone=meta.timezone
    )
    if reminder:
        paragraphs = [
            _("We have not yet received a response from {authority} to {title}.").format(
                authority=respondent.authority, title=title
            )
            + " "
            + closes
        ]
        if link:
            paragraphs.append(
                _(
                    "This reminder carries a new link. It replaces the link in our earlier "
                    "email, which no longer works."
                )
            )
    else:
        paragraphs = [
            _("{publisher} invites {authority} to respond to {title}.").format(
                publisher=meta.publisher, authority=respondent.authority, title=title
            )
            + " "
            + closes
        ]
    if link:
        paragraphs.append(
            _("Answer online with your own link (it is yours alone; please do not share it):")
        )
    greeting = (
        _("Dear {name},").format(name=respondent.name) if respondent.name else _("Dear colleague,")
    )
    lines = [greeting]
    for paragraph in paragraphs:
        lines += ["", *textwrap.wrap(paragraph, WIDTH, break_on_hyphens=False)]
    if link:
        lines += ["", f"    {link}", "", _("Or reply to this email with the form below filled in.")]
    else:
        lines += ["", _("Please reply to this email with the form below filled in.")]
    return lines


def _subject(consultation: Consultation, t: Translator, language: str, reminder: bool) -> str:
    title = consultation.metadata.title
    if reminder:
        return t.gettext("Reminder: {title} closes {closing}").format(
            title=title, closing=closing_text(consultation, language)
        )
    return t.gettext("{title}: your invitation to respond").format(title=title)


def compose(
    consultation: Consultation,
    respondent: Respondent,
    *,
    sender: str,
    reference: str,
    link: str | None,
    reminder: bool,
    now: dt.datetime,
    language: str | None = None,
) -> EmailMessage:
    """The invitation (or reminder) for one respondent: their link, then the form to reply with.

    ``language`` is one the spec offers or ``"both"`` (the letter and the form in every
    language, Welsh first: see :func:`email_language`); by default the spec's own.
    """
    languages = form_languages(consultation, language)
    lines: list[str] = []
    subjects: list[str] = []
    for lang in languages:
        shown = in_language(consultation, lang)
        t = words(lang)
        if lines:
            lines += ["", "-" * 24, ""]
        lines += _paragraphs(shown, respondent, t, lang, link, reminder)
        subjects.append(_subject(shown, t, lang, reminder))
    known = roster_answers(consultation, respondent)
    form = write_form(consultation, reference=reference, known=known, language=language)
    lines += ["", form]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((respondent.name, respondent.email))
    message["Subject"] = " / ".join(dict.fromkeys(subjects))
    message["Date"] = format_datetime(now.astimezone(dt.UTC))
    message["Message-ID"] = make_msgid("surveykit", domain=sender.rpartition("@")[2])
    message.set_content("\n".join(lines))
    # After set_content, which clears every Content- header.
    message["Content-Language"] = ", ".join(languages)
    return message
