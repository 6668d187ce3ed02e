"""Property: whatever path a client asks a site of several consultations for, the page that
answers belongs to the consultation its first path segment names, and to no other."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient
from webtools import DURING, Clock, spec_copy

from surveykit.identity import Secret
from surveykit.storage import open_store
from surveykit_html.site import SiteEntry, create_site

TITLES = {"taking-stock": "Taking stock", "fire": "Fire review", "fire-b": "Fire B"}
SEGMENTS = [*TITLES, "", "static", "r", "questions", "q1", "get-a-link", "check-answers", "x-y"]
PAGE_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
#: What separates a page's own title from the site's or consultation's in ``<title>``.
DASH = "\N{EN DASH}"


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Iterator[TestClient]:
    folder: Path = tmp_path_factory.mktemp("routing")
    entries = [
        SiteEntry("taking-stock", "taking-stock"),
        SiteEntry(spec_copy(folder, "fire-review", "Fire review"), "fire"),
        SiteEntry(spec_copy(folder, "fire-b", "Fire B"), "fire-b"),
    ]
    with open_store("memory://") as store:
        site = create_site(entries, store, secret=Secret.generate(), clock=Clock(DURING))
        with TestClient(site, follow_redirects=False) as test_client:
            yield test_client


paths = st.lists(
    st.one_of(st.sampled_from(SEGMENTS), st.from_regex(r"[a-z0-9\-]{1,8}", fullmatch=True)),
    min_size=1,
    max_size=4,
).map(lambda parts: "/" + "/".join(parts))
# A client reads "//host/..." as another host, so no path the server sees starts that way.
paths = paths.filter(lambda path: not path.startswith("//"))


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=paths)
def test_every_page_belongs_to_the_consultation_its_path_names(client, path):
    response = client.get(path)
    first, slash, _ = path[1:].partition("/")
    if first in TITLES and not slash:
        assert (response.status_code, response.headers["location"]) == (308, f"/{first}/")
        return
    if response.is_redirect:  # stays with the consultation the path names, or the site's own
        location = response.headers["location"].removeprefix(str(client.base_url))
        named = location[1:].partition("/")[0]
        assert named == first if first in TITLES else named not in TITLES, (path, location)
        return
    title = PAGE_TITLE.search(response.text)
    if title is None:  # a stylesheet, a script, no icon
        assert response.status_code in (200, 204, 304)
        return
    shown = [name for name in TITLES.values() if title.group(1).endswith(f"{DASH} {name}")]
    if first in TITLES:
        assert shown == [TITLES[first]], (path, title.group(1))
    else:
        assert shown == [], (path, title.group(1))
        assert title.group(1).endswith(f"{DASH} Consultations")
