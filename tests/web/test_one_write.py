"""One write per response: `surveykit serve`'s protocol joins the writes of one turn of the loop.

The unit tests drive :class:`JoinedWrites` on a real event loop with a transport that records
what reaches it; the server test runs uvicorn with the protocol on a loopback port and talks
HTTP/1.1 to it as a client would: keep-alive, a streamed body, HEAD, and ``Connection: close``.
"""

from __future__ import annotations

import asyncio
import http.client
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route
from webserver import free_port

from surveykit_html.protocol import FLUSH_AT, JoinedWrites, OneWritePerResponse


class Recording:
    """A transport that keeps what is written to it, and can be closing."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        assert not self.closed
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 5)}.get(name, default)


def test_writes_in_one_turn_reach_the_socket_as_one() -> None:
    async def scenario() -> list[bytes]:
        transport = Recording()
        joined = JoinedWrites(transport, asyncio.get_running_loop())  # type: ignore[arg-type]
        joined.write(b"HTTP/1.1 200 OK\r\n\r\n")
        joined.write(b"body")
        assert transport.writes == []  # nothing goes before the turn ends
        await asyncio.sleep(0)
        joined.write(b"next")
        await asyncio.sleep(0)
        return transport.writes

    assert asyncio.run(scenario()) == [b"HTTP/1.1 200 OK\r\n\r\nbody", b"next"]


def test_closing_sends_what_is_pending_first_and_nothing_after() -> None:
    async def scenario() -> Recording:
        transport = Recording()
        joined = JoinedWrites(transport, asyncio.get_running_loop())  # type: ignore[arg-type]
        joined.write(b"last words")
        joined.close()
        joined.write(b"too late")  # a write after closing is dropped, as the socket's would be
        await asyncio.sleep(0)
        return transport

    transport = asyncio.run(scenario())
    assert transport.writes == [b"last words"]
    assert transport.closed


def test_other_calls_reach_the_transport() -> None:
    transport = Recording()
    joined = JoinedWrites(transport, asyncio.new_event_loop())  # type: ignore[arg-type]
    assert joined.get_extra_info("peername") == ("127.0.0.1", 5)
    assert not joined.is_closing()


# A real server ---------------------------------------------------------------------------------

WRITES: list[bytes] = []


class Counting(OneWritePerResponse):
    """The protocol, with every write that reaches the real transport recorded."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        recorder = _Passing(transport)
        super().connection_made(recorder)  # type: ignore[arg-type]


class _Passing:
    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport

    def write(self, data: bytes) -> None:
        WRITES.append(bytes(data))
        self._transport.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


async def _streamed() -> Any:
    for i in range(3):
        yield bytes([65 + i]) * 300_000
        await asyncio.sleep(0)


def _app() -> Starlette:
    return Starlette(
        routes=[
            Route("/page", lambda request: PlainTextResponse("a page\n"), methods=["GET", "HEAD"]),
            Route("/big", lambda request: StreamingResponse(_streamed())),
        ]
    )


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    port = free_port()
    config = uvicorn.Config(
        _app(), host="127.0.0.1", port=port, http=Counting, log_level="warning", lifespan="off"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    yield port
    running.should_exit = True
    thread.join(timeout=20)


def test_each_page_is_one_write_and_keep_alive_holds(server: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    for _ in range(3):
        WRITES.clear()
        connection.request("GET", "/page")
        response = connection.getresponse()
        assert (response.status, response.read()) == (200, b"a page\n")
        assert len(WRITES) == 1
        assert WRITES[0].startswith(b"HTTP/1.1 200 OK\r\n")
        assert WRITES[0].endswith(b"\r\n\r\na page\n")
    connection.request("HEAD", "/page")
    response = connection.getresponse()
    assert (response.status, response.read()) == (200, b"")
    connection.close()


def test_a_streamed_body_arrives_whole_and_in_order(server: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    connection.request("GET", "/big")
    body = connection.getresponse().read()
    assert body == b"A" * 300_000 + b"B" * 300_000 + b"C" * 300_000
    connection.request("GET", "/page")  # the connection is still good after it
    assert connection.getresponse().read() == b"a page\n"
    connection.close()


def test_connection_close_sends_the_response_then_closes(server: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    connection.request("GET", "/page", headers={"Connection": "close"})
    response = connection.getresponse()
    assert response.getheader("connection") == "close"
    assert response.read() == b"a page\n"
    connection.close()


def test_a_long_run_of_writes_goes_out_as_it_grows() -> None:
    """Pieces written without a pause are sent once 64 KiB are pending, so the transport can
    ask the protocol to wait while the socket is full, as it would without joining."""

    async def scenario() -> list[int]:
        transport = Recording()
        joined = JoinedWrites(transport, asyncio.get_running_loop())  # type: ignore[arg-type]
        for _ in range(10):
            joined.write(b"x" * 16_384)
        sizes_before_the_turn_ends = [len(w) for w in transport.writes]
        await asyncio.sleep(0)
        assert [len(w) for w in transport.writes][-1] == 2 * 16_384
        return sizes_before_the_turn_ends

    assert asyncio.run(scenario()) == [FLUSH_AT, FLUSH_AT]
