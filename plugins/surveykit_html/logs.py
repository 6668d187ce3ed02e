"""Keep unique links out of the logs, and write the access log cheaply.

A token is in the URL only on the request that opens a link (``/r/<token>``), but that request
reaches the server's access log like any other.  This filter rewrites such paths to
``/r/<redacted>`` before any handler sees them.  Nothing else the web form logs holds a token,
a name or an email address.

Every request writes one access-log line, so its formatting is on every page's path: uvicorn's
formatter copies the record twice and looks the status up in an enum to build it.
:class:`AccessLines` writes the same line in one step (see :meth:`AccessLines.format`).
"""

from __future__ import annotations

import http
import logging
import re
from typing import Any

from uvicorn.logging import AccessFormatter

__all__ = ["AccessLines", "RedactLinks", "redact"]

_LINK = re.compile(r"/r/[^/?#\s\"']+")
#: The format uvicorn's own access log uses, which :class:`AccessLines` writes in one step.
ACCESS_FORMAT = '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s'
#: "200 OK", "303 See Other"... as uvicorn writes a status (an unknown one as "599 ").
_STATUS = {status.value: f"{status.value} {status.phrase}" for status in http.HTTPStatus}


def redact(text: str) -> str:
    """``text`` with every unique-link token replaced by ``<redacted>``."""
    # Every request's access-log line passes here: most hold no link, so skip the regex.
    return _LINK.sub("/r/<redacted>", text) if "/r/" in text else text


def _clean(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


def _holds_link(values: Any) -> bool:
    return any(isinstance(value, str) and "/r/" in value for value in values)


class RedactLinks(logging.Filter):
    """A logging filter for access logs (uvicorn's ``uvicorn.access``) and any other."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        args = record.args
        # Arguments are rebuilt only when one holds a link: an access line's five rarely do.
        if isinstance(args, tuple):
            if _holds_link(args):
                record.args = tuple(_clean(arg) for arg in args)
        elif isinstance(args, dict) and _holds_link(args.values()):
            record.args = {key: _clean(value) for key, value in args.items()}
        return True


class AccessLines(AccessFormatter):
    """uvicorn's access-log formatter, writing its uncoloured line in one step.

    The line is exactly uvicorn's (``INFO:     127.0.0.1:5000 - "GET / HTTP/1.1" 200 OK``);
    coloured output, another format, or a record carrying an exception go the general way.
    The formatter checks once, when it is made, that both ways write the same line for a
    sample record, and keeps to the general way if they do not (a later uvicorn that writes
    its lines differently).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fast = not self.use_colors and self._fmt == ACCESS_FORMAT and self._agrees()

    def _agrees(self) -> bool:
        """Whether the one-step line is the general way's, for a sample of records."""
        for status in (200, 303, 404, 599):
            record = logging.LogRecord(
                "uvicorn.access",
                logging.INFO,
                __file__,
                0,
                '%s - "%s %s HTTP/%s" %d',
                ("127.0.0.1:5000", "GET", "/questions/q3?change=1", "1.1", status),
                None,
            )
            if self._line(record) != super().format(record):
                return False
        return True

    def format(self, record: logging.LogRecord) -> str:
        args = record.args
        if (
            not self._fast
            or record.exc_info
            or record.exc_text
            or record.stack_info
            or not isinstance(args, tuple)
            or len(args) != 5
        ):
            return super().format(record)
        return self._line(record)

    def _line(self, record: logging.LogRecord) -> str:
        client_addr, method, full_path, http_version, status_code = record.args  # type: ignore[misc]
        code = int(status_code)
        status = _STATUS.get(code) or f"{code} "
        level = record.levelname
        prefix = level + ":" + " " * (8 - len(level))
        return f'{prefix} {client_addr} - "{method} {full_path} HTTP/{http_version}" {status}'
