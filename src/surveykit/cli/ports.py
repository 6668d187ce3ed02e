"""Whether a server command can listen where it was told, asked before it says it is serving.

``surveykit serve`` and ``surveykit inbox`` print their address once they start.  A port that is
taken used to be found only after that line, by the server itself, with its own message and
exit status; checking first keeps the promise of one clear line and a documented status.
"""

from __future__ import annotations

import errno
import socket

from ..errors import SurveykitError

__all__ = ["PortError", "check_port", "listen_error"]


class PortError(SurveykitError):
    """The address or port cannot be listened on (exit status 1, like every refusal)."""


def listen_error(host: str, port: int, exc: OSError) -> PortError:
    """The one line to show when listening on ``host:port`` failed with ``exc``."""
    if exc.errno == errno.EADDRINUSE:
        return PortError(
            f"port {port} is in use on {host}: stop whatever is using it, or choose another "
            "with --port"
        )
    if exc.errno == errno.EACCES:
        return PortError(
            f"port {port} on {host} needs special permission: choose a port above 1023 with --port"
        )
    return PortError(f"cannot listen on {host} port {port}: {exc.strerror or exc}")


def check_port(host: str, port: int) -> None:
    """Raise :class:`PortError` unless every address ``host`` names can listen on ``port``.

    The sockets are bound as asyncio (and so uvicorn and aiosmtpd) binds them, address reuse
    included, then closed at once: the server that follows binds the same way.  Port 0 (any
    free port) is always available.
    """
    if port == 0:
        return
    try:
        found = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as exc:
        raise PortError(f"cannot listen on {host}: {exc.strerror or exc}") from None
    for family, kind, proto, _name, address in found:
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(address)
            except OSError as exc:
                raise listen_error(host, port, exc) from None
