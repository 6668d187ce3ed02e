"""Question kinds beyond Taking Stock's: checkboxes for `multi`, and a plugin kind with no limit."""

from __future__ import annotations

import types

import pytest
from starlette.testclient import TestClient
from webtools import DURING, Clock, csrf_of

from surveykit import EMPTY, Plugins, hookimpl, loads_spec
from surveykit.identity import Secret
from surveykit.storage import open_store
from surveykit_html import create_app

SPEC = """
[consultation]
id = "kinds"
title = "Kinds"
publisher = "Tests"
closes = 2030-01-01

[[sections]]
id = "s"
title = "Section"

[[sections.questions]]
id = "topics"
number = "1"
text = "Which topics matter?"
kind = "multi"
required = true
options = [
    { value = "data", label = "Data" },
    { value = "scrutiny", label = "Scrutiny", hint = "How councillors hold decisions to account" },
    { value = "peers", label = "Peer challenge" },
]

[[sections.questions]]
id = "motto"
number = "2"
text = "Your motto?"
kind = "shout"
"""


class Shout:
    """A plugin kind with no options and no length limit: asked in an uncounted text box."""

    name = "shout"
    description = "text, upper-cased"
    has_options = False
    multiple = False
    has_max_length = False

    def checker(self, question):
        return lambda value: value.upper() if isinstance(value, str) and value else EMPTY


@hookimpl
def surveykit_register_question_kinds(register):
    register(Shout())


@pytest.fixture
def kinds_client():
    plugins = Plugins()
    plugins.load_entry_points()
    module = types.ModuleType("shout_plugin")
    module.surveykit_register_question_kinds = surveykit_register_question_kinds
    plugins.register(module)
    consultation = loads_spec(SPEC, kinds=plugins.kinds)
    with open_store("memory://") as store:
        app = create_app(
            consultation, store, secret=Secret.generate(), clock=Clock(DURING), plugins=plugins
        )
        issued = app.state.web.service.request_link(authority="Kent", authority_type="county")
        with TestClient(app, follow_redirects=False) as client:
            client.get(f"/r/{issued.token.value}")
            yield client, store, issued.respondent.id


def test_multi_questions_are_checkboxes_and_store_a_list(kinds_client):
    """Several boxes ticked are stored as a list, in the spec's option order."""
    client, store, respondent_id = kinds_client
    page = client.get("/questions/topics").text
    assert page.count('type="checkbox"') == 3
    assert 'aria-describedby="answer-2-item-hint"' in page
    token = csrf_of(page)
    response = client.post(
        "/questions/topics",
        content=f"answer=peers&answer=data&action=continue&csrf_token={token}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.headers["location"] == "/questions/motto"
    assert store.load_draft(respondent_id).answers == {"topics": ["data", "peers"]}
    assert 'value="data" checked' in client.get("/questions/topics").text


def test_a_required_multi_question_asks_for_at_least_one(kinds_client):
    """Continue with no box ticked names the problem in the checkbox wording."""
    client, _store, _respondent_id = kinds_client
    token = csrf_of(client.get("/questions/topics").text)
    response = client.post("/questions/topics", data={"csrf_token": token, "action": "continue"})
    assert response.status_code == 400
    assert "Select at least one answer to question 1" in response.text


def test_a_kind_with_no_limit_gets_a_plain_text_box(kinds_client):
    """No character count is promised where the kind sets no limit, and its checker is used."""
    client, store, respondent_id = kinds_client
    page = client.get("/questions/motto").text
    assert '<textarea class="govuk-textarea" id="answer" name="answer" rows="8">' in page
    assert "characters" not in page
    token = csrf_of(page)
    client.post("/questions/motto", data={"csrf_token": token, "answer": "onwards"})
    assert store.load_draft(respondent_id).answers == {"motto": "ONWARDS"}
