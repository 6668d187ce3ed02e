"""Several consultations from one `surveykit serve`: the finder, each under its own path, and
nothing of one consultation (a link, a session, a form) opening another.  Real HTTP, real SQLite.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from webserver import Server
from webtools import csrf_of, spec_copy

from surveykit import load_spec
from surveykit.identity import Token, load_secret
from surveykit.storage import open_store
from surveykit.submit import SubmitService

DEPLOYMENT = """\
[deployment]
store = "sqlite:///site.db"
open_until = 2099-12-31

[branding]
organisation = "Environment Agency"
service_name = "Consultations"

[[consultations]]
spec = "taking-stock"

[[consultations]]
spec = "fire-review.toml"

[[consultations]]
spec = "flood-plan.toml"
path = "flood"

[[consultations]]
spec = "old-review.toml"
open_until = 2015-01-01
"""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(
    url: str, *, cookie: str = "", form: dict[str, str] | None = None
) -> tuple[int, dict[str, str], str]:
    """One request, redirects not followed: status, headers (lower-case names), body."""
    data = None if form is None else urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=data, headers={"Cookie": cookie} if cookie else {})
    try:
        with _OPENER.open(request, timeout=10) as response:
            return response.status, _headers(response), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, _headers(error), error.read().decode()


def _headers(response) -> dict[str, str]:
    return {name.lower(): value for name, value in response.headers.items()}


def cookie_of(headers: dict[str, str]) -> tuple[str, str]:
    """The ``name=value`` the server set, and the rest of the Set-Cookie header."""
    pair, _, rest = headers["set-cookie"].partition(";")
    return pair, rest


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Server]:
    """Four consultations from one deployment file: two open (Taking Stock reopened, Fire review
    by the file's window), one opening in 2098 and one closed (its own window ended)."""
    folder: Path = tmp_path_factory.mktemp("site")
    spec_copy(folder, "fire-review", "Fire review")
    spec_copy(folder, "flood-plan", "Flood plan", opens="2098-01-01")
    spec_copy(folder, "old-review", "Old review")
    (folder / "surveykit.toml").write_text(DEPLOYMENT, encoding="utf-8")
    with Server(None, folder / "site.db") as server:
        yield server


def issue(server: Server, spec: Path | str) -> str:
    """A fresh self-service link's token for the consultation in ``spec``, made in the store."""
    consultation = load_spec(spec).reopened_until(dt.date(2099, 12, 31))
    with open_store(server.db_url) as store:
        service = SubmitService(consultation, store, load_secret(store.secret_file))
        return service.request_link(authority="Kent", authority_type="county").token.value


def test_the_finder_lists_each_consultation_by_whether_it_is_open(site):
    status, _headers, page = fetch(site.base + "/")
    assert status == 200
    open_part, rest = page.split('id="not-yet"')
    soon_part, closed_part = rest.split('id="closed"')
    assert 'href="/taking-stock/"' in open_part
    assert 'href="/fire-review/"' in open_part
    assert 'href="/flood/"' in soon_part
    assert "Opens Wednesday 1 January 2098 at 00:00" in soon_part
    assert 'href="/old-review/"' in closed_part
    assert "Closed Thursday 1 January 2015" in closed_part
    assert "Environment Agency" in page
    assert "<h1" in page
    assert "4 consultations" in page
    assert f"Serving 4 consultations at {site.base}/ (press Ctrl+C to stop)" in site.log()
    assert f"  {site.base}/flood/  Flood plan" in site.log().splitlines()
    # Each reopened consultation's demonstration notice says which one it is.
    assert (
        "Demonstration: 'Taking stock' is open until the end of Thursday 31 December 2099; it "
        "really closes Friday 13 March 2015, end of day."
    ) in site.log().splitlines()


def test_each_consultation_has_its_own_pages_under_its_path(site):
    status, _headers, start = fetch(site.base + "/fire-review/")
    assert status == 200
    assert "Fire review" in start
    assert 'href="/fire-review/get-a-link"' in start
    assert re.search(r'href="/fire-review/static/surveykit\.css\?v=\w+"', start)
    status, headers, _ = fetch(site.base + "/fire-review")
    assert (status, headers["location"]) == (308, "/fire-review/")
    assert "This consultation is not open yet" in fetch(site.base + "/flood/")[2]
    assert "This consultation has closed" in fetch(site.base + "/old-review/")[2]
    assert fetch(site.base + "/static/surveykit.css")[0] == 200
    assert fetch(site.base + "/nowhere/")[0] == 404
    assert fetch(site.base + "/taking-stock/nowhere")[0] == 404


def test_getting_a_link_gives_one_under_the_consultations_path_and_a_scoped_cookie(site):
    status, headers, form = fetch(site.base + "/fire-review/get-a-link")
    assert status == 200
    pair, _ = cookie_of(headers)
    details = {"authority": "Kent", "authority_type": "county", "name": "", "email": ""}
    status, headers, shown = fetch(
        site.base + "/fire-review/get-a-link",
        cookie=pair,
        form={**details, "csrf_token": csrf_of(form)},
    )
    assert status == 200
    link = re.search(r"http://[^\s<\"]+/r/[\w-]+", shown).group(0)
    assert link.startswith(f"{site.base}/fire-review/r/")
    pair, rest = cookie_of(headers)
    assert pair.startswith("surveykit_session_fire_review=")
    assert "Path=/fire-review/" in rest
    # The link opens Fire review, and only Fire review.
    token = link.rsplit("/", 1)[1]
    status, headers, _ = fetch(f"{site.base}/fire-review/r/{token}")
    assert (status, headers["location"]) == (303, "/fire-review/your-response")
    assert fetch(f"{site.base}/taking-stock/r/{token}")[0] == 404


def test_a_link_for_one_consultation_is_refused_by_another_like_an_unknown_one(site, tmp_path):
    token = issue(site, "taking-stock")
    _, _, unknown = fetch(f"{site.base}/fire-review/r/{Token.new().value}")
    status, headers, page = fetch(f"{site.base}/fire-review/r/{token}")
    assert status == 404
    assert "set-cookie" not in headers
    assert page == unknown
    status, headers, _ = fetch(f"{site.base}/taking-stock/r/{token}")
    assert (status, headers["location"]) == (303, "/taking-stock/your-response")


def test_one_consultations_session_and_form_do_not_work_in_another(site):
    token = issue(site, "taking-stock")
    _, headers, _ = fetch(f"{site.base}/taking-stock/r/{token}")
    pair, _ = cookie_of(headers)
    value = pair.split("=", 1)[1]
    status, _, overview = fetch(site.base + "/taking-stock/your-response", cookie=pair)
    assert status == 200
    assert "Kent" in overview
    # Taking Stock's session, under Fire review's cookie name too: not Fire review's respondent.
    both = f"{pair}; surveykit_session_fire_review={value}"
    status, _, page = fetch(site.base + "/fire-review/your-response", cookie=both)
    assert status == 403
    assert "Open your unique link to carry on" in page
    # Nor does its CSRF token pass another consultation's form.
    _, _, question = fetch(site.base + "/taking-stock/questions/q1", cookie=pair)
    details = {"authority": "Kent", "authority_type": "county", "name": "", "email": ""}
    status, _, refused = fetch(
        site.base + "/fire-review/get-a-link",
        cookie=both,
        form={**details, "csrf_token": csrf_of(question)},
    )
    assert status == 403
    assert "This form has expired" in refused


def test_serve_with_no_spec_and_no_deployment_says_what_to_do(tmp_path, monkeypatch, capsys):
    """No SPEC and no surveykit.toml: one line saying to give one or the other, exit status 1."""
    from surveykit.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SURVEYKIT_DEPLOYMENT", raising=False)
    assert main(["serve", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "Error: nothing to serve: give a spec (surveykit serve SPEC) or list the consultations "
        "in a deployment file (surveykit.toml, see `surveykit init`)"
    ]


def test_serve_refuses_to_serve_one_consultation_twice_in_one_line(tmp_path, monkeypatch, capsys):
    """Two SPECs that are the same consultation: one line before any worker starts, status 1."""
    from surveykit.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SURVEYKIT_DEPLOYMENT", raising=False)
    copy = spec_copy(tmp_path, "taking-stock", "Taking stock again")
    assert main(["serve", "taking-stock", str(copy), "--port", "0"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "Error: /taking-stock/ and /taking-stock/ are the same consultation (taking-stock): "
        "serve it once"
    ]
