"""Keep unique links out of the logs.

A token is in the URL only on the request that opens a link (``/r/<token>``), but that request
reaches the server's access log like any other.  This filter rewrites such paths to
``/r/<redacted>`` before any handler sees them.  Nothing else the web form logs holds a token,
a name or an email address.
"""

from __future__ import annotations

import logging
import re
from typing import Any

__all__ = ["RedactLinks", "redact"]

_LINK = re.compile(r"/r/[^/?#\s\"']+")


def redact(text: str) -> str:
    """``text`` with every unique-link token replaced by ``<redacted>``."""
    # Every request's access-log line passes here: most hold no link, so skip the regex.
    return _LINK.sub("/r/<redacted>", text) if "/r/" in text else text


def _clean(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactLinks(logging.Filter):
    """A logging filter for access logs (uvicorn's ``uvicorn.access``) and any other."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _clean(value) for key, value in record.args.items()}
        return True
