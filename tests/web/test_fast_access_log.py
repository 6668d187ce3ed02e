"""The access log's one-step lines (``surveykit_html.logs.AccessLines``, issue 20).

The plugin swaps uvicorn's access-log formatter for one that writes the same line without
copying the record; these tests hold it to uvicorn's own ``AccessFormatter``, built with the
format string the plugin's logging configuration names, for generated records shaped the way
uvicorn makes them, and check the link-redacting filter still keeps tokens out of the line.
"""

from __future__ import annotations

import contextlib
import copy
import io
import logging
import pkgutil
import sys
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st
from uvicorn.logging import AccessFormatter
from uvicorn.protocols.utils import get_client_addr, get_path_with_query_string

from surveykit.identity import Token
from surveykit_html.logs import AccessLines, RedactLinks, redact
from surveykit_html.serve import log_config

#: uvicorn's access-log message (``h11_impl`` and ``httptools_impl``), five arguments.
ACCESS_MESSAGE = '%s - "%s %s HTTP/%s" %d'

_CONFIG = log_config()
_ACCESS = _CONFIG["formatters"]["access"]
#: The format string the plugin configures for the access log.
FORMAT = _ACCESS["fmt"]


def formatter(use_colors: bool = False) -> logging.Formatter:
    """The access formatter ``log_config()`` names, made as ``logging.config`` makes it."""
    factory = pkgutil.resolve_name(_ACCESS["()"])
    return factory(fmt=FORMAT, use_colors=use_colors)


def uvicorns(use_colors: bool = False) -> AccessFormatter:
    return AccessFormatter(fmt=FORMAT, use_colors=use_colors)


def record(args: Any, msg: str = ACCESS_MESSAGE, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord("uvicorn.access", level, __file__, 1, msg, args, None)


@contextlib.contextmanager
def general_path() -> Iterator[list[Any]]:
    """Records each call of uvicorn's general formatting path (its ``formatMessage``)."""
    calls: list[Any] = []
    general = AccessFormatter.formatMessage

    def spy(self: AccessFormatter, made: logging.LogRecord) -> str:
        calls.append(copy.copy(made.args))
        return general(self, made)

    with mock.patch.object(AccessFormatter, "formatMessage", spy):
        yield calls


# What uvicorn puts in an access record: its own helpers turn a generated scope into the
# arguments, so addresses and paths take exactly the forms a server logs.
_ports = st.integers(0, 65535)
_clients = st.one_of(
    st.none(),
    st.tuples(st.ip_addresses(v=4).map(str), _ports),
    st.tuples(st.ip_addresses(v=6).map(str), _ports),
    st.tuples(st.sampled_from(["localhost", "testclient", "unix:/tmp/s"]), _ports),
)
_path_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30).map(
    lambda text: "/" + text
)
_raw_paths = st.one_of(
    _path_text.map(lambda path: path.encode("utf-8")),  # bytes shown as latin-1 by uvicorn
    st.sampled_from(
        [b"/", b"/questions/q3", b"/r/abc%2Fdef", b"/caf%C3%A9", b'/a"b', b"/100%", b"/%zz"]
    ),
)
_queries = st.one_of(
    st.just(b""),
    st.sampled_from([b"change=1", b"a=%20b&c=%", b"q=caf%C3%A9", b'x="y"', b"lang=cy"]),
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=20).map(str.encode),
)
_methods = st.one_of(
    st.sampled_from(["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"]),
    st.text(st.characters(min_codepoint=0x41, max_codepoint=0x5A), min_size=1, max_size=8),
)
_versions = st.sampled_from(["1.0", "1.1", "2", "2.0", "3"])
_statuses = st.one_of(
    st.sampled_from([200, 204, 303, 304, 400, 403, 404, 413, 418, 429, 500, 503]),
    st.integers(100, 599),
    st.integers(-5, 1000),
)
_levels = st.sampled_from([logging.INFO, logging.INFO, logging.WARNING, logging.DEBUG, 5, 50])


@st.composite
def access_args(draw: st.DrawFn) -> tuple[Any, ...]:
    """The five arguments uvicorn logs for one request."""
    scope = {
        "client": draw(_clients),
        "raw_path": draw(_raw_paths),
        "query_string": draw(_queries),
    }
    return (
        get_client_addr(scope),  # "" with no client, "::1:5000" for IPv6
        draw(_methods),
        get_path_with_query_string(scope),
        draw(_versions),
        draw(_statuses),
    )


def test_the_plugin_configures_its_formatter_with_uvicorns_format():
    """What the rest of this file relies on: the plugin's formatter, uvicorn's format."""
    from uvicorn.config import LOGGING_CONFIG

    assert pkgutil.resolve_name(_ACCESS["()"]) is AccessLines
    assert LOGGING_CONFIG["formatters"]["access"]["fmt"] == FORMAT
    assert _CONFIG["handlers"]["access"]["formatter"] == "access"
    assert "redact_links" in _CONFIG["handlers"]["access"]["filters"]


@given(args=access_args(), level=_levels)
def test_each_line_is_uvicorns(args, level):
    ours, theirs = record(args, level=level), record(args, level=level)
    assert formatter().format(ours) == uvicorns().format(theirs)


@given(args=access_args())
def test_lines_are_written_in_one_step(args):
    """Uncoloured lines never take uvicorn's general path: a formatter that has fallen back to
    it (say its one-step line no longer agreed with uvicorn's) writes the same line, so the
    equality test above cannot see it."""
    made = formatter()
    with general_path() as calls:
        line = made.format(record(args))
    assert calls == []
    assert line == uvicorns().format(record(args))


@given(args=access_args(), level=_levels)
def test_coloured_lines_are_uvicorns(args, level):
    made = formatter(use_colors=True)
    assert made.format(record(args, level=level)) == uvicorns(True).format(
        record(args, level=level)
    )


def _raised() -> Any:
    try:
        raise ValueError("boom")
    except ValueError:
        return sys.exc_info()


_ARGS = ("127.0.0.1:5000", "GET", "/questions/q3?change=1", "1.1", 200)


@pytest.mark.parametrize(
    "unusual",
    [
        pytest.param({"exc_info": True}, id="exception"),
        pytest.param({"stack_info": "Stack (most recent call last):\n  here"}, id="stack"),
        pytest.param({"exc_text": "Traceback: already formatted"}, id="exception-text"),
        pytest.param({"color_message": '%s - "%s %s HTTP/%s" %d (colour)'}, id="colour-message"),
    ],
)
def test_unusual_records_are_written_as_uvicorn_writes_them(unusual):
    def made() -> logging.LogRecord:
        fields = dict(unusual)
        exc = _raised() if fields.pop("exc_info", False) else None
        built = record(_ARGS)
        built.exc_info = exc
        for name, value in fields.items():
            setattr(built, name, value)
        return built

    assert formatter().format(made()) == uvicorns().format(made())
    assert formatter(use_colors=True).format(made()) == uvicorns(True).format(made())


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("127.0.0.1:5000", "GET", "/", "1.1"), id="four-arguments"),
        pytest.param(({"client_addr": "x"},), id="a-mapping"),
        pytest.param(("a", "b", "c", "d", "e", "f"), id="six-arguments"),
    ],
)
def test_records_uvicorn_cannot_format_fail_the_same_way(args):
    """A record of another shape goes to uvicorn's formatter, which refuses it as before."""
    with pytest.raises((TypeError, ValueError)) as theirs:
        uvicorns().format(record(args))
    with pytest.raises((TypeError, ValueError)) as ours:
        formatter().format(record(args))
    assert type(ours.value) is type(theirs.value)


def test_another_format_is_written_by_uvicorns_formatter():
    fmt = "%(client_addr)s %(request_line)s %(status_code)s"
    with general_path() as calls:
        line = AccessLines(fmt=fmt, use_colors=False).format(record(_ARGS))
    assert line == AccessFormatter(fmt=fmt, use_colors=False).format(record(_ARGS))
    assert line == "127.0.0.1:5000 GET /questions/q3?change=1 HTTP/1.1 200 OK"
    assert len(calls) == 1


# Redaction ----------------------------------------------------------------------------------

_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_tokens = st.one_of(
    st.builds(lambda: Token.new().value),
    st.text(st.sampled_from(_alphabet), min_size=22, max_size=128),
)


def _handler() -> tuple[logging.Handler, io.StringIO]:
    """The access handler ``log_config()`` describes, writing to a string."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    filters = _CONFIG["filters"]
    for name in _CONFIG["handlers"]["access"]["filters"]:
        handler.addFilter(pkgutil.resolve_name(filters[name]["()"])())
    handler.setFormatter(formatter())
    return handler, stream


@given(
    token=_tokens,
    mount=st.sampled_from(["", "/consult", "/caf%C3%A9", "/2027/survey"]),
    tail=st.sampled_from(["", "/", "?x=1", "?lang=cy&next=/questions/q1", "#top"]),
    where=st.sampled_from(["path", "query", "both"]),
    args=access_args(),
)
def test_tokens_never_reach_the_access_log(token, mount, tail, where, args):
    link = f"{mount}/r/{token}{tail}"
    path = {
        "path": link,
        "query": f"{mount}/questions/q1?from=/r/{token}",
        "both": f"{link}&again=/r/{token}",
    }[where]
    client, method, _, version, status = args
    handler, stream = _handler()
    handler.handle(record((client, method, path, version, status)))
    line = stream.getvalue()
    assert token not in line
    assert "/r/<redacted>" in line
    # Redacted, the line is still uvicorn's line for the redacted path.
    redacted = redact(path)
    assert line == uvicorns().format(record((client, method, redacted, version, status))) + "\n"


@given(args=access_args())
def test_lines_without_a_link_are_left_as_they_are(args):
    if any(isinstance(arg, str) and "/r/" in arg for arg in args):
        return
    handler, stream = _handler()
    handler.handle(record(args))
    assert stream.getvalue() == uvicorns().format(record(args)) + "\n"


def test_the_filter_redacts_every_argument_and_the_message():
    """A link in any argument, and in a message already written out, is redacted."""
    token = Token.new().value
    made = record((f"/r/{token}", "GET", f"/r/{token}", "1.1", 303), msg=f"/r/{token} %s%s%s%s%d")
    assert RedactLinks().filter(made) is True
    assert token not in made.msg
    assert all(token not in str(arg) for arg in made.args)
    mapping = record(({"path": f"/r/{token}", "n": 1},), msg="%(path)s %(n)d")
    RedactLinks().filter(mapping)
    assert mapping.getMessage() == "/r/<redacted> 1"
