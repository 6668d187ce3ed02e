"""One write per response: uvicorn's HTTP protocol with its writes joined per turn of the loop.

uvicorn writes a response's status line and headers, then its body, as two writes to the
socket: two system calls, two TCP segments, and two wake-ups of the client reading them.  A page
is sent in one step of the app (Starlette sends the start and the body back to back), so writes
made in one turn of the event loop are joined and sent when the turn ends: one system call and
one segment per response, with the same bytes in the same order.  Nothing waits longer than the
turn it was written in, and 64 KiB pending go at once; closing the connection sends what is
pending first, and nothing is written once the transport is closing.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["FLUSH_AT", "JoinedWrites", "OneWritePerResponse"]

#: Bytes pending that are sent at once, without waiting for the turn to end: as much as asyncio's
#: transports buffer before they ask the protocol to wait.
FLUSH_AT = 64 * 1024


class JoinedWrites:
    """A transport whose writes in one turn of the loop reach the socket as one."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> None:
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(data)
        self._size += len(data)
        if self._size >= FLUSH_AT:
            # A body written in many pieces without a pause goes out as it grows, so that the
            # transport's own flow control (uvicorn waits while the socket is full) still works.
            self.flush()

    def flush(self) -> None:
        """Send what was written since the last flush, as one write."""
        if not self._pending:
            return
        data = b"".join(self._pending) if len(self._pending) > 1 else self._pending[0]
        self._pending, self._size = [], 0
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class OneWritePerResponse(HttpToolsProtocol):
    """uvicorn's httptools protocol, writing through :class:`JoinedWrites`."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(JoinedWrites(transport, self.loop))  # type: ignore[arg-type]
