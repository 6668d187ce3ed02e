"""`surveykit serve` as a real process: several workers, and links kept out of its log."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from webserver import Server
from webtools import SPEC

from surveykit.identity import Token


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_serve_runs_several_workers_and_redacts_links(tmp_path):
    """With --workers 2 both processes serve; a link's token never reaches the access log."""
    token = Token.new().value
    with Server(SPEC, tmp_path / "taking-stock.db", "--workers", "2") as server:
        status, page = _get(server.base + "/")
        unknown, _ = _get(f"{server.base}/r/{token}")
        deadline = time.monotonic() + 10
        while server.log().count("Application startup complete.") < 2:
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.1)
        log = server.log()
    assert (status, unknown) == (200, 404)
    assert "This consultation has closed" in page
    assert log.splitlines()[0] == f"Serving 'Taking stock' at {server.base}/ (press Ctrl+C to stop)"
    assert token not in log
    assert '"GET /r/<redacted> HTTP/1.1" 404' in log


def test_serve_says_how_to_reopen_and_takes_the_one_setting(tmp_path, monkeypatch):
    """Closed, serve says in one line how to reopen Taking Stock; with SURVEYKIT_OPEN_UNTIL it
    prints the demonstration notice every reopening command prints, and every page has the
    banner."""
    with Server(SPEC, tmp_path / "closed.db") as server:
        _status, page = _get(server.base + "/")
        log = server.log()
    assert "This consultation has closed" in page
    assert (
        "Note: Taking stock closed on Friday 13 March 2015, end of day (Europe/London); to reopen "
        "it for a demonstration, set SURVEYKIT_OPEN_UNTIL or pass --open-until."
    ) in log.splitlines()
    monkeypatch.setenv("SURVEYKIT_OPEN_UNTIL", "2099-12-31")
    with Server(SPEC, tmp_path / "demo.db") as server:
        _status, page = _get(server.base + "/")
        log = server.log()
    assert 'id="demonstration-banner"' in page
    assert log.splitlines()[0] == (
        "Demonstration: open until the end of Thursday 31 December 2099; the consultation really "
        "closes Friday 13 March 2015, end of day."
    )
