"""Fixtures for the web form: an in-process app on a memory store, with a clock tests can move."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient
from webtools import DURING, SPEC, Clock

from surveykit import Consultation, load_spec
from surveykit.identity import Secret
from surveykit.storage import Store, open_store
from surveykit_html import Limits, create_app


@pytest.fixture(scope="session")
def consultation() -> Consultation:
    return load_spec(SPEC)


@pytest.fixture
def clock() -> Clock:
    return Clock(DURING)


@pytest.fixture
def store() -> Iterator[Store]:
    with open_store("memory://") as opened:
        yield opened


@pytest.fixture
def secret() -> Secret:
    return Secret.generate()


@pytest.fixture
def limits() -> Limits:
    return Limits()


@pytest.fixture
def app(consultation, store, secret, clock, limits):
    return create_app(consultation, store, secret=secret, clock=clock, limits=limits)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def service(app):
    """The app's own submit service, for setting up respondents and reading what was stored."""
    return app.state.web.service


@pytest.fixture
def link(service) -> str:
    """The path of a fresh unique link for a self-service respondent."""
    issued = service.request_link(authority="Kent County Council", authority_type="county")
    return f"/r/{issued.token.value}"


@pytest.fixture
def respondent_client(client, link) -> TestClient:
    """A client that has opened its unique link, so its session belongs to a respondent."""
    response = client.get(link)
    assert response.status_code == 303
    return client
