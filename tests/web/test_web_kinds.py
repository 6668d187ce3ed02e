"""Question kinds on the web form: checkboxes for `multi`, a plugin kind with no limit, and
every kind of issue 16 (numbers, dates, contact details, grids, rankings, "other" options) in the
GOV.UK Design System's patterns: the fields each page has, what is stored from what people type,
errors linked to the field to correct, hidden parts cleared, check your answers read plainly, and
no post ever a server error."""

from __future__ import annotations

import datetime as dt
import re
import types
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.testclient import TestClient
from webtools import DURING, Clock, csrf_of

from kindspecs import EVERY_KIND, RESIDENTS, spec_text
from surveykit import EMPTY, Consultation, Plugins, get_plugins, hookimpl, load_spec, loads_spec
from surveykit.identity import Secret
from surveykit.storage import Store, open_store
from surveykit.testing_kinds import answers_for, part_answers_for, questions_for
from surveykit_html import create_app

SPEC = spec_text(
    """
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
""",
    id="kinds",
    title="Kinds",
    closes=dt.date(2030, 1, 1),
)


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


@contextmanager
def _signed_in(
    consultation: Consultation,
    clock: Clock,
    *,
    plugins: Plugins | None = None,
    raise_errors: bool = True,
) -> Iterator[tuple[Starlette, TestClient, Store, str]]:
    """A memory store and a client that has followed its own link: the app, the client, the
    store and the respondent's id."""
    plugins = get_plugins() if plugins is None else plugins
    with open_store("memory://") as store:
        app = create_app(
            consultation, store, secret=Secret.generate(), clock=clock, plugins=plugins
        )
        issued = app.state.web.service.request_link(authority="Kent", authority_type="county")
        client = TestClient(app, follow_redirects=False, raise_server_exceptions=raise_errors)
        with client:
            client.get(f"/r/{issued.token.value}")
            yield app, client, store, issued.respondent.id


@pytest.fixture
def kinds_client():
    plugins = Plugins()
    plugins.load_entry_points()
    module = types.ModuleType("shout_plugin")
    module.surveykit_register_question_kinds = surveykit_register_question_kinds
    plugins.register(module)
    consultation = loads_spec(SPEC, kinds=plugins.kinds)
    with _signed_in(consultation, Clock(DURING), plugins=plugins) as (_app, client, store, who):
        yield client, store, who


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


# Every kind of issue 16 ------------------------------------------------------------------------

# Asked on the residents' survey and on kindspecs.EVERY_KIND: one question of each kind, none
# conditional, with the settings that change how it is asked.

#: A day inside the residents' survey's window (11 January to 9 April 2027).
IN_2027 = dt.datetime(2027, 2, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def every_kind():
    """A signed-in client on EVERY_KIND, its store and its respondent's id."""
    with _signed_in(loads_spec(EVERY_KIND), Clock(DURING)) as (_app, client, store, who):
        yield client, store, who


@pytest.fixture
def residents():
    """A signed-in client on the residents' survey, during its window."""
    with _signed_in(load_spec(RESIDENTS), Clock(IN_2027)) as (_app, client, store, who):
        yield client, store, who


def post(client: TestClient, question: str, fields: dict, *, action: str = "continue", query=""):
    """Post ``fields`` from the question's own page, as its Continue button does."""
    path = f"/questions/{question}{query}"
    token = csrf_of(client.get(path).text)
    return client.post(path, data={"csrf_token": token, "action": action, **fields})


def post_pairs(client: TestClient, path: str, pairs: list[tuple[str, str]]):
    """Post fields in this order, names repeated as given, as a browser encodes a form."""
    return client.post(
        path,
        content=urlencode(pairs),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


def boxes(day: str, month: str, year: str) -> dict[str, str]:
    """The date input's three boxes, as typed."""
    return {"answer-day": day, "answer-month": month, "answer-year": year}


def draft(store, respondent_id) -> dict:
    loaded = store.load_draft(respondent_id)
    return {} if loaded is None else dict(loaded.answers)


def error_links(html: str) -> list[tuple[str, str]]:
    """The error summary's links: (href, text)."""
    summary = html.partition('class="govuk-error-summary"')[2].partition("</ul>")[0]
    return [
        (href, unescape(text))
        for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', summary)
    ]


# How each kind is asked --------------------------------------------------------------------------


def test_a_number_is_a_text_box_with_a_numeric_keyboard_and_its_unit_after_it(residents):
    client, _store, _who = residents
    page = client.get("/questions/household").text
    assert (
        '<input class="govuk-input govuk-input--width-3" id="answer" name="answer" type="text" '
        'inputmode="numeric" spellcheck="false" value="" aria-describedby="answer-hint">'
    ) in page
    assert '<div class="govuk-input__suffix" aria-hidden="true">people</div>' in page
    assert '<span class="govuk-visually-hidden"> (people)</span>' in page
    assert 'type="number"' not in page


def test_an_amount_has_its_currency_before_the_box_and_a_decimal_keyboard(residents):
    client, _store, _who = residents
    page = client.get("/questions/library_contribution").text
    assert '<div class="govuk-input__prefix" aria-hidden="true">£</div>' in page
    assert 'inputmode="decimal"' in page
    assert page.index("govuk-input__prefix") < page.index('id="answer"')


def test_a_date_is_the_three_box_date_input(every_kind):
    client, _store, _who = every_kind
    page = client.get("/questions/founded").text
    assert '<fieldset class="govuk-fieldset" role="group" aria-describedby="answer-rules">' in page
    assert '<div id="answer-rules" class="govuk-hint">For example, 27 3 2007</div>' in page
    assert '<div class="govuk-date-input" id="answer">' in page
    for box, width in (("day", 2), ("month", 2), ("year", 4)):
        assert (
            f'<input class="govuk-input govuk-date-input__input govuk-input--width-{width}" '
            f'id="answer-{box}" name="answer-{box}" type="text" inputmode="numeric" value="">'
        ) in page
        assert f'<label class="govuk-label govuk-date-input__label" for="answer-{box}">' in page


def test_a_month_is_asked_as_month_and_year_only(residents):
    client, _store, _who = residents
    page = client.get("/questions/moved_in").text
    assert 'name="answer-month"' in page
    assert 'name="answer-year"' in page
    assert "answer-day" not in page
    assert "For example, 3 2019." in page  # the spec's own hint replaces the default example
    assert "answer-rules" not in page


@pytest.mark.parametrize(
    ("question", "attributes"),
    [
        ("contact", 'class="govuk-input" id="answer" name="answer" type="email" '
                    'autocomplete="email" spellcheck="false"'),
        ("office", 'class="govuk-input govuk-input--width-10" id="answer" name="answer" '
                   'type="text" autocomplete="postal-code" spellcheck="false"'),
        ("mobile", 'class="govuk-input govuk-input--width-20" id="answer" name="answer" '
                   'type="tel" autocomplete="tel" spellcheck="false"'),
    ],
)  # fmt: skip
def test_contact_details_get_their_input_types_and_autocomplete(every_kind, question, attributes):
    client, _store, _who = every_kind
    assert f"<input {attributes} " in client.get(f"/questions/{question}").text


def test_a_grid_is_a_fieldset_per_statement_with_the_shared_options(residents):
    client, _store, _who = residents
    page = client.get("/questions/satisfaction").text
    assert page.count('<fieldset class="govuk-fieldset"') == 4
    assert (
        '<h1 class="govuk-heading-l"><span class="govuk-caption-l">Council services</span>'
        "8. How far do you agree with each statement?</h1>"
    ) in page
    assert (
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">'
        "Streets are kept clean</legend>"
    ) in page
    assert (
        '<input class="govuk-radios__input" id="grid-streets" name="satisfaction.streets" '
        'type="radio" value="strongly_agree">'
    ) in page
    assert (
        'id="grid-streets-5" name="satisfaction.streets" type="radio" value="strongly_disagree"'
        in page
    )
    assert '<fieldset class="govuk-fieldset" aria-describedby="grid-contact-hint">' in page
    assert page.count('type="radio"') == 4 * 5
    assert "(optional)" not in page


def test_a_grid_s_optional_row_is_marked_and_short_options_sit_inline(every_kind):
    client, _store, _who = every_kind
    page = client.get("/questions/views").text
    assert "Statement A</legend>" in page
    assert "Statement B (optional)</legend>" in page
    assert "9. Do you agree?</h1>" in page  # the grid as a whole must be answered
    assert page.count("govuk-radios govuk-radios--small govuk-radios--inline") == 2


def test_a_ranking_is_a_select_per_option_and_says_how_many_to_rank(residents):
    client, _store, _who = residents
    page = client.get("/questions/priorities").text
    assert page.count('<select class="govuk-select"') == 7
    assert '<select class="govuk-select" id="rank-1" name="rank-1">' in page
    assert '<label class="govuk-label" for="rank-7">Tackling climate change</label>' in page
    first = page.partition('id="rank-1"')[2].partition("</select>")[0]
    assert re.findall(r'<option value="([^"]*)"', first) == ["", "1", "2", "3"]
    assert "Not ranked" in first
    assert (
        '<div id="answer-rules" class="govuk-hint">Give up to 3 options a number, 1 for your '
        "first choice. Leave the rest as “Not ranked”.</div>"
    ) in page
    assert 'aria-describedby="answer-hint answer-rules"' in page


def test_an_other_option_reveals_its_own_box(residents):
    client, _store, _who = residents
    page = client.get("/questions/heard_about").text
    assert (
        '<input class="govuk-radios__input" id="answer-5" name="answer" type="radio" value="other" '
        'data-aria-controls="conditional-answer-other">'
    ) in page
    assert (
        '<div class="govuk-radios__conditional govuk-radios__conditional--hidden" '
        'id="conditional-answer-other">'
    ) in page
    assert (
        '<input class="govuk-input" id="answer-other" name="heard_about.other" type="text" '
        'value="">' in page
    )
    checkboxes = client.get("/questions/services_used").text
    assert (
        'class="govuk-checkboxes__conditional govuk-checkboxes__conditional--hidden"' in checkboxes
    )
    assert 'name="services_used.other"' in checkboxes


# What is stored ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "fields", "stored"),
    [
        ("staff", {"answer": "1,250"}, 1250),
        ("staff", {"answer": " 17 "}, 17),
        ("budget", {"answer": " £12.50 "}, 12.5),
        ("budget", {"answer": "-£3"}, -3.0),
        ("budget", {"answer": "1,250,000.5"}, 1250000.5),
        ("founded", boxes("5", "mar", "2027"), "2027-03-05"),
        ("founded", boxes("05", "03", " 1999"), "1999-03-05"),
        ("founded", boxes("29", "February", "2024"), "2024-02-29"),
        ("since", {"answer-month": "3", "answer-year": "2019"}, "2019-03"),
        ("since", {"answer-month": "Sept", "answer-year": "2019"}, "2019-09"),
        ("contact", {"answer": " Jo.Bloggs@Example.ORG "}, "Jo.Bloggs@example.org"),
        ("office", {"answer": "sw1a1aa"}, "SW1A 1AA"),
        ("office", {"answer": " ec1a  1bb "}, "EC1A 1BB"),
        ("mobile", {"answer": "07700 900123"}, "+447700900123"),
        ("mobile", {"answer": "+44 (0)20 7946 0018"}, "+442079460018"),
        ("abroad", {"answer": "+33 1 42 68 53 00"}, "+33142685300"),
    ],
)  # fmt: skip
def test_what_people_type_is_stored_normalised(every_kind, question, fields, stored):
    client, store, who = every_kind
    response = post(client, question, fields)
    assert response.status_code == 303, error_links(response.text)
    assert draft(store, who)[question] == stored


def test_a_grid_stores_each_statement_under_its_own_key(residents):
    client, store, who = residents
    response = post(
        client,
        "satisfaction",
        {
            "satisfaction.parks": "agree",
            "satisfaction.streets": "disagree",
            "satisfaction.bins": "strongly_agree",
            "satisfaction.contact": "neither",
        },
    )
    assert response.headers["location"] == "/questions/priorities"
    assert draft(store, who) == {
        "satisfaction.parks": "agree",
        "satisfaction.streets": "disagree",
        "satisfaction.bins": "strongly_agree",
        "satisfaction.contact": "neither",
    }
    again = client.get("/questions/satisfaction").text
    assert (
        'id="grid-streets-4" name="satisfaction.streets" type="radio" value="disagree" checked>'
        in again
    )


def test_ranks_are_stored_as_the_options_in_order(residents):
    client, store, who = residents
    response = post(
        client, "priorities", {"rank-3": "2", "rank-1": "1", "rank-7": "3", "rank-2": ""}
    )
    assert response.status_code == 303
    assert draft(store, who)["priorities"] == ["social_care", "roads", "climate"]
    again = client.get("/questions/priorities").text
    assert (
        '<option value="2" selected>2</option>'
        in again.partition('id="rank-3"')[2].partition("</select>")[0]
    )
    assert "selected>1<" not in again.partition('id="rank-2"')[2].partition("</select>")[0]


def test_the_other_text_is_stored_under_its_own_key_and_cleared_when_unchosen(residents):
    client, store, who = residents
    post(client, "heard_about", {"answer": "other", "heard_about.other": "  Parish newsletter "})
    assert draft(store, who) == {"heard_about": "other", "heard_about.other": "Parish newsletter"}
    page = client.get("/questions/heard_about").text
    assert 'class="govuk-radios__conditional" id="conditional-answer-other"' in page
    assert 'value="Parish newsletter"' in page
    post(client, "heard_about", {"answer": "letter", "heard_about.other": "Parish newsletter"})
    assert draft(store, who) == {"heard_about": "letter"}
    post(
        client, "services_used", {"answer": ["bins", "other"], "services_used.other": "Allotments"}
    )
    assert draft(store, who)["services_used"] == ["bins", "other"]
    assert draft(store, who)["services_used.other"] == "Allotments"
    post(client, "services_used", {"answer": ["bins"], "services_used.other": "Allotments"})
    assert "services_used.other" not in draft(store, who)


def test_a_question_hidden_by_a_number_is_cleared_when_the_number_changes(residents):
    client, store, who = residents
    assert (
        post(client, "household", {"answer": "6"}).headers["location"]
        == "/questions/bedrooms_enough"
    )
    post(client, "bedrooms_enough", {"answer": "no"})
    assert draft(store, who) == {"household": 6, "bedrooms_enough": "no"}
    changed = post(client, "household", {"answer": "4"}, query="?change=1")
    assert changed.headers["location"] == "/check-answers"
    assert draft(store, who) == {"household": 4}
    assert client.get("/questions/bedrooms_enough").headers["location"] == "/questions/moved_in"
    revealed = post(client, "household", {"answer": "5"}, query="?change=1")
    assert revealed.headers["location"] == "/questions/bedrooms_enough"


# Errors ------------------------------------------------------------------------------------------


def test_a_wrong_number_is_shown_again_as_typed_with_the_error_linked(residents):
    client, store, who = residents
    response = post(client, "household", {"answer": "about 3"})
    assert response.status_code == 400
    assert error_links(response.text) == [
        ("#answer", "Question 3: enter a number of people, such as 1")
    ]
    assert (
        'class="govuk-input govuk-input--width-3 govuk-input--error" id="answer"' in response.text
    )
    assert 'value="about 3"' in response.text
    assert 'aria-describedby="answer-hint answer-error"' in response.text
    too_many = post(client, "household", {"answer": "21"})
    assert error_links(too_many.text) == [
        ("#answer", "Question 3: the number of people must be 20 or less")
    ]
    assert draft(store, who) == {}


def test_a_wrong_month_highlights_the_month_box(every_kind):
    client, store, who = every_kind
    response = post(
        client, "founded", {"answer-day": "5", "answer-month": "13", "answer-year": "2027"}
    )
    assert response.status_code == 400
    [(href, _text)] = error_links(response.text)
    assert href == "#answer-month"
    assert 'govuk-input--width-2 govuk-input--error" id="answer-month"' in response.text
    assert (
        'govuk-input--width-2" id="answer-day" name="answer-day" type="text" '
        'inputmode="numeric" value="5"' in response.text
    )
    assert 'value="13"' in response.text
    assert draft(store, who) == {}


def test_a_date_that_does_not_exist_highlights_every_box(every_kind):
    client, _store, _who = every_kind
    response = post(
        client, "founded", {"answer-day": "31", "answer-month": "2", "answer-year": "2027"}
    )
    assert error_links(response.text) == [
        ("#answer-day", "Question 3: enter a real date: February 2027 has no day 31")
    ]
    assert response.text.count("govuk-date-input__input govuk-input--width-") == 3
    assert response.text.count("govuk-input--error") == 3


def test_a_two_digit_year_is_refused_not_guessed(every_kind):
    client, store, who = every_kind
    response = post(
        client, "founded", {"answer-day": "5", "answer-month": "3", "answer-year": "27"}
    )
    assert error_links(response.text) == [
        ("#answer-year", "Question 3: the year must have 4 digits, like 2024")
    ]
    assert draft(store, who) == {}


def test_each_unanswered_statement_of_a_grid_has_its_own_error(residents):
    client, store, who = residents
    response = post(
        client, "satisfaction", {"satisfaction.parks": "agree", "satisfaction.bins": "agree"}
    )
    assert response.status_code == 400
    assert error_links(response.text) == [
        ("#grid-streets", "Select an answer for “Streets are kept clean” in question 8"),
        (
            "#grid-contact",
            "Select an answer for “It is easy to get in touch with the council” in question 8",
        ),
    ]
    assert (
        '<fieldset class="govuk-fieldset" aria-describedby="grid-streets-error">' in response.text
    )
    assert 'aria-describedby="grid-contact-hint grid-contact-error"' in response.text
    assert 'value="agree" checked' in response.text  # what was chosen is still chosen
    assert draft(store, who) == {}
    saved = post(client, "satisfaction", {"satisfaction.parks": "agree"}, action="save")
    assert saved.headers["location"] == "/saved"
    assert draft(store, who) == {"satisfaction.parks": "agree"}


def test_ranks_given_twice_are_refused(residents):
    client, store, who = residents
    response = post(client, "priorities", {"rank-1": "1", "rank-2": "1"})
    assert response.status_code == 400
    [(href, text)] = error_links(response.text)
    assert href == "#rank-1"
    assert "same rank" in text
    assert response.text.count("govuk-select--error") == 7
    required = post(client, "priorities", {})
    assert error_links(required.text) == [
        ("#rank-1", "Rank at least one of the options to question 10")
    ]
    assert draft(store, who) == {}


def test_a_required_other_text_is_asked_for_in_its_own_box(every_kind):
    client, store, who = every_kind
    response = post(client, "source", {"answer": "other", "source.other": " "})
    assert response.status_code == 400
    assert error_links(response.text) == [
        ("#answer-other", "Enter your answer for “Somewhere else” in question 11")
    ]
    assert (
        'class="govuk-form-group govuk-form-group--error">\n'
        '    <label class="govuk-label" for="answer-other">' in response.text
    )
    assert 'class="govuk-radios__conditional" id="conditional-answer-other"' in response.text
    too_long = post(client, "source", {"answer": "other", "source.other": "x" * 21})
    assert error_links(too_long.text) == [
        (
            "#answer-other",
            "Your answer for “Somewhere else” in question 11 must be 20 characters or fewer",
        )
    ]
    assert draft(store, who) == {}
    assert post(client, "source", {"answer": "paper", "source.other": ""}).status_code == 303
    assert draft(store, who) == {"source": "paper"}


def test_fields_a_page_does_not_have_are_refused(every_kind):
    client, store, who = every_kind
    month_with_a_day = post(
        client, "since", {"answer-day": "1", "answer-month": "3", "answer-year": "2019"}
    )
    assert month_with_a_day.status_code == 400
    assert "fields that this page does not have" in month_with_a_day.text
    another_row = post(client, "views", {"views.a": "yes", "views.c": "yes"})
    assert another_row.status_code == 400
    twice = client.post(
        "/questions/views",
        content=f"views.a=yes&views.a=no&csrf_token={csrf_of(client.get('/questions/views').text)}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert twice.status_code == 400
    assert "takes one answer" in twice.text
    assert draft(store, who) == {}


# Check your answers ------------------------------------------------------------------------------


def _answer_residents(client: TestClient) -> None:
    for question, fields in (
        ("postcode", {"answer": "ex1 1aa"}),
        ("household", {"answer": "4"}),
        ("moved_in", {"answer-month": "3", "answer-year": "2019"}),
        ("services_used", {"answer": ["bins", "other"], "services_used.other": "Allotments"}),
        (
            "satisfaction",
            {
                "satisfaction.parks": "agree",
                "satisfaction.streets": "disagree",
                "satisfaction.bins": "strongly_agree",
            },
        ),
        ("priorities", {"rank-2": "1", "rank-1": "2"}),
        ("library_contribution", {"answer": "£12.5"}),
        ("heard_about", {"answer": "other", "heard_about.other": "Parish  newsletter"}),
        ("updates", {"answer": "yes"}),
        ("phone", {"answer": "01632 960001"}),
        ("consent", {"answer": "no_quote"}),
    ):
        assert post(client, question, fields, action="save").status_code == 303, question


def _row(html: str, row_id: str) -> str:
    return html.partition(f'id="row-{row_id}"')[2].partition(
        '<div class="govuk-summary-list__row"'
    )[0]


def test_check_your_answers_reads_each_kind_plainly(residents):
    client, _store, _who = residents
    _answer_residents(client)
    page = client.get("/check-answers").text
    assert '<p class="govuk-body">EX1 1AA</p>' in _row(page, "postcode")
    assert '<p class="govuk-body">4 people</p>' in _row(page, "household")
    assert '<p class="govuk-body">March 2019</p>' in _row(page, "moved_in")
    services = _row(page, "services_used")
    assert "Bin collections and recycling" in services
    assert "Another service: Allotments" in services
    parks = _row(page, "satisfaction-parks")
    assert (
        '<dt class="govuk-summary-list__key">8. Parks and open spaces are well looked after</dt>'
        in parks
    )
    assert '<p class="govuk-body">Agree</p>' in parks
    assert 'href="/questions/satisfaction?change=1#grid-parks"' in parks
    assert "your answer to question 8 (parks and open spaces are well looked after)" in parks
    contact = _row(page, "satisfaction-contact")
    assert "Not answered" in contact
    assert 'href="/questions/satisfaction?change=1#grid-contact">Answer' in contact
    assert (
        '<ol class="govuk-list govuk-list--number"><li>Affordable housing</li>'
        "<li>Care for older and disabled people</li></ol>"
    ) in _row(page, "priorities")
    assert '<p class="govuk-body">£12.50</p>' in _row(page, "library_contribution")
    assert "Somewhere else: Parish newsletter" in _row(page, "heard_about")
    assert '<p class="govuk-body">01632 960001</p>' in _row(page, "phone")
    assert 'id="row-email"' in page
    assert 'id="row-event_date"' not in page


def test_sending_with_a_grid_row_missing_links_to_that_row(residents):
    client, store, who = residents
    _answer_residents(client)
    page = client.get("/check-answers")
    response = client.post("/check-answers", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 400
    assert error_links(response.text) == [
        (
            "/questions/satisfaction?change=1#grid-contact",
            "Select an answer for “It is easy to get in touch with the council” in question 8",
        )
    ]
    post(
        client,
        "satisfaction",
        {**{f"satisfaction.{r}": "agree" for r in ("parks", "streets", "bins", "contact")}},
        query="?change=1",
    )
    sent = client.post(
        "/check-answers", data={"csrf_token": csrf_of(client.get("/check-answers").text)}
    )
    assert sent.headers["location"] == "/confirmation"
    (response,) = store.history(who)
    assert response.answers["satisfaction.contact"] == "agree"
    assert response.answers["library_contribution"] == 12.5
    assert response.answers["heard_about.other"] == "Parish  newsletter"


def test_carrying_on_after_a_grid_goes_past_it(residents):
    """A grid has no answer key of its own: it counts as answered when any statement is."""
    client, _store, _who = residents
    post(client, "satisfaction", {"satisfaction.parks": "agree"}, action="save")
    saved = client.get("/saved").text
    assert 'href="/questions/priorities"' in saved


# Whatever is posted ------------------------------------------------------------------------------


def _form_of(widget, raw: dict) -> list[tuple[str, str]]:
    """A question's raw answers by part key, as its page would post them."""
    question = widget.question
    pairs: list[tuple[str, str]] = []
    for key, value in raw.items():
        if key != question.id:  # a grid's row, an "other" option's words
            pairs.append((key, value))
        elif widget.control == "date":
            pairs += [(f"answer-{box}", str(value.get(box, ""))) for box in widget.boxes]
        elif widget.control == "ranking":
            ranks = value if isinstance(value, dict) else {v: n for n, v in enumerate(value, 1)}
            number = {o.value: n for n, o in enumerate(question.options, 1)}
            pairs += [(f"rank-{number[v]}", "" if r is None else str(r)) for v, r in ranks.items()]
        elif isinstance(value, list):
            pairs += [("answer", item) for item in value]
        else:
            pairs.append(("answer", value))
    return pairs


def _postable(question, raw: dict) -> bool:
    """Whether the page can send this raw answer: a date in its boxes, a ranking as ranks."""
    value = raw.get(question.id)
    if question.kind == "date":
        return value is None or isinstance(value, dict)
    if question.kind == "ranking":
        return not isinstance(value, str)
    return True


@pytest.fixture(scope="module")
def every_kind_app():
    with _signed_in(loads_spec(EVERY_KIND), Clock(DURING), raise_errors=False) as signed_in:
        yield signed_in


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_what_the_page_stores_is_what_the_engine_makes_of_the_answer(every_kind_app, data):
    """Any answer a kind accepts, posted as its page posts it, is stored exactly as the engine
    normalises it, whatever else the respondent had answered."""
    app, client, store, who = every_kind_app
    web = app.state.web
    question = data.draw(st.sampled_from(web.consultation.questions))
    raw = data.draw(part_answers_for(question, web.kinds).filter(lambda r: _postable(question, r)))
    token = csrf_of(client.get(f"/questions/{question.id}").text)
    pairs = [("csrf_token", token), ("action", "save"), *_form_of(web.widgets[question.id], raw)]
    response = post_pairs(client, f"/questions/{question.id}", pairs)
    assert response.status_code == 303, error_links(response.text)
    expected = web.engine.check(raw).answers
    stored = draft(store, who)
    assert {k: v for k, v in stored.items() if k in web.widgets[question.id].keys} == expected


_TYPED = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_nothing_posted_to_any_page_is_a_server_error(every_kind_app, data):
    """Any text in any of a page's fields, any number of times, a button or none: an answer
    stored, the page again with its errors, or a refusal; never a 500."""
    app, client, _store, _who = every_kind_app
    web = app.state.web
    question = data.draw(st.sampled_from(web.consultation.questions))
    names = sorted(web.widgets[question.id].fields)
    pairs = data.draw(
        st.lists(
            st.tuples(st.sampled_from([*names, "answer", "rank-9", "x.y"]), _TYPED | json_text()),
            max_size=8,
        )
    )
    action = data.draw(st.sampled_from([[("action", "continue")], [("action", "save")], []]))
    token = csrf_of(client.get(f"/questions/{question.id}").text)
    response = post_pairs(
        client, f"/questions/{question.id}", [("csrf_token", token), *action, *pairs]
    )
    assert response.status_code in (303, 400), response.text[:2000]
    if response.status_code == 400:
        assert "govuk-error-summary" in response.text or "could not be accepted" in response.text


def json_text():
    """The answers of every kind's strategy, written as the text a form field carries."""
    return (
        st.sampled_from(sorted(web_kinds()))
        .flatmap(lambda kind: questions_for(kind).flatmap(answers_for))
        .filter(lambda v: isinstance(v, str))
    )


def web_kinds():
    return {"number", "date", "email", "uk_postcode", "phone", "text", "ranking"}
