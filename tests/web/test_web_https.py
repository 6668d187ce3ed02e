"""Behind a TLS-terminating proxy: `surveykit serve` over real HTTP, with X-Forwarded-Proto
(issue 14)."""

from __future__ import annotations

import csv
import http.client

from webserver import Server
from webtools import SPEC

from surveykit.cli import main

ROSTER = (
    "authority,authority_type,role,name,email\n"
    "Kent County Council,county,leader,Roger Gough,leader@kent.example\n"
)


def _link(tmp_path) -> str:
    """A roster link's path (/r/TOKEN), issued into the database the server will use."""
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    out = tmp_path / "links.csv"
    db = f"sqlite:///{tmp_path / 'taking-stock.db'}"
    args = ["tokens", "issue", str(SPEC), "--db", db, "--roster", str(roster), "--out", str(out)]
    assert main([*args, "--base-url", "http://127.0.0.1/r/"]) == 0
    with out.open(newline="", encoding="utf-8") as handle:
        [row] = csv.DictReader(handle)
    return row["link"].removeprefix("http://127.0.0.1")


def _get(server: Server, path: str, **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_behind_a_tls_proxy_the_session_cookie_is_secure_without_being_asked(tmp_path):
    """On loopback (--secure-cookies off by default) a request the proxy marks
    `X-Forwarded-Proto: https` gets HSTS and a Secure cookie; a plain-HTTP one gets neither."""
    link = _link(tmp_path)
    with Server(SPEC, tmp_path / "taking-stock.db") as server:
        proxied = _get(server, link, **{"X-Forwarded-Proto": "https"})
        plain = _get(server, link)
    assert (proxied.status, plain.status) == (303, 303)
    assert proxied.getheader("strict-transport-security") == "max-age=31536000; includeSubDomains"
    assert proxied.getheader("set-cookie").endswith("; HttpOnly; SameSite=Lax; Secure")
    assert plain.getheader("strict-transport-security") is None
    assert plain.getheader("set-cookie").endswith("; HttpOnly; SameSite=Lax")
