"""Redaction: generated free text full of names, contact details, links and authority names.

Whatever Hypothesis plants in a quote (respondents' names, email addresses, phone numbers in the
ways people write them, links, pasted link tokens, the names of authorities that did not consent)
is gone from the redacted text, and the name of an authority that consented survives.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from surveykit.identity import TOKEN_BYTES
from surveykit_reports.redact import NAME, Redactor, could_occur, words_of

PROSE = st.sampled_from(
    re.findall(
        r"\w+",
        "we think the approach works well but needs more support for peer review and less "
        "inspection of services in our area over the next year",
    )
)
# Names are made of letters that never spell a prose word, so a missed name is unmistakable.
WORD = st.from_regex(
    r"[BCDFGHJKLMNPQRSTVWXZ][aeiouy][bcdfghjklmnpqrstvwxz]{2,3}[aeiouy][kxz]", fullmatch=True
)
KINDS = st.sampled_from(
    [
        "County Council",
        "District Council",
        "Borough Council",
        "Fire and Rescue Authority",
        "Council",
    ]
)
EMAIL = st.builds(
    lambda user, host, tld: f"{user}@{host}.{tld}",
    st.from_regex(r"[a-z]{2,8}(\.[a-z]{2,6})?", fullmatch=True),
    st.from_regex(r"[a-z]{3,8}", fullmatch=True),
    st.sampled_from(["org", "gov.uk", "com", "org.uk"]),
)
DIGITS = st.integers(0, 9999)
PHONE = st.builds(
    lambda a, b, c, form: form.format(a=a, b=b, c=c),
    st.integers(1000, 9999),
    st.integers(1000, 9999),
    st.integers(100000, 999999),
    st.sampled_from(
        [
            "020 {a} {b}",
            "+44 20 {a} {b}",
            "(020) {a}-{b}",
            "07{a} {c}",
            "+44 (0)1{a} {c}",
            "01{a}.{c}",
            "0{a}{c}",
        ]
    ),
)
URL = st.builds(
    lambda word, form: form.format(w=word.lower()),
    WORD,
    st.sampled_from(
        [
            "https://www.{w}.gov.uk/consultation",
            "http://{w}.org/a?b=c",
            "www.{w}.com",
            "{w}.gov.uk/page",
            "https://{w}.example.net",
        ]
    ),
)
TOKEN = st.binary(min_size=TOKEN_BYTES, max_size=TOKEN_BYTES).map(
    lambda raw: __import__("base64").urlsafe_b64encode(raw).decode().rstrip("=")
)


@st.composite
def scenario(draw):
    people = draw(st.lists(st.tuples(WORD, WORD), min_size=1, max_size=3, unique=True))
    places = draw(st.lists(WORD, min_size=2, max_size=4, unique=True))
    taken = {w for pair in people for w in pair}
    places = [p for p in places if p not in taken]
    if len(places) < 2:
        places = ["Zoqipaz", "Xuvekix"]
    authorities = [f"{p} {draw(KINDS)}" for p in places]
    allowed, blocked = authorities[0], authorities[1:]
    secrets = (
        [draw(EMAIL), draw(PHONE), draw(URL), draw(TOKEN)]
        + [" ".join(pair) for pair in people]
        + [pair[1] for pair in people]
        + blocked
        + [b.split()[0] for b in blocked]
    )
    pieces = draw(st.lists(st.one_of(PROSE, st.sampled_from(secrets)), min_size=1, max_size=25))
    pieces += secrets  # every planted thing appears at least once
    order = draw(st.permutations(pieces))
    punctuation = draw(
        st.lists(
            st.sampled_from([" ", ", ", ". ", "; ", " (", ") "]),
            min_size=len(order),
            max_size=len(order),
        )
    )
    text = "".join(p + s for p, s in zip(order, punctuation, strict=True)) + allowed
    names = [" ".join(pair) for pair in people]
    return text, names, authorities, allowed, blocked, secrets, people


@given(scenario())
def test_nothing_planted_survives_redaction(case):
    """No email, phone number, link, token, respondent name or blocked authority is left."""
    text, names, authorities, allowed, blocked, secrets, people = case
    redactor = Redactor.build(names, authorities, [allowed])
    out = redactor(text)
    assert "@" not in out
    assert not re.search(r"\d(?:[\s().-]*\d){8,}", out), out
    assert "http" not in out
    assert "www." not in out
    assert ".gov.uk" not in out
    for first, last in people:
        assert not re.search(rf"\b({first}|{last})\b", out, re.I), out
    for authority in blocked:
        assert not re.search(rf"\b{authority.split()[0]}\b", out, re.I), out
    for secret in secrets:
        assert secret.lower() not in out.lower()


@given(scenario())
def test_a_consenting_authority_keeps_its_name(case):
    """The authority that consented to being named is still named after redaction."""
    text, names, authorities, allowed, *_ = case
    out = Redactor.build(names, authorities, [allowed])(text)
    assert out.endswith(allowed)


@given(st.lists(PROSE, min_size=1, max_size=30).map(" ".join))
def test_plain_prose_is_left_alone(text):
    """Text with nothing to remove comes back unchanged."""
    assert Redactor.build(["Jane Okafor"], ["Kent County Council"])(text) == text


def test_own_name_is_removed_even_when_not_on_the_roster():
    """A self-service respondent's own name, known only from their link, is removed too."""
    redactor = Redactor.build()
    assert redactor("I, Pat Quinlan, think so", own_name="Pat Quinlan") == (
        "I, [name removed], think so"
    )


def test_titled_names_are_removed_even_when_unknown():
    """'Cllr' or 'Dr' followed by a capitalised name marks a person we were not told of."""
    assert Redactor.build()("As Cllr Anne Marsh said") == "As [name removed] said"


_NAME_WORDS = st.text(alphabet="abcdeÉéOo'-", min_size=1, max_size=8).filter(
    lambda w: w.strip("'-")
)


@given(
    name=st.lists(_NAME_WORDS, min_size=1, max_size=3).map(" ".join),
    before=st.text(max_size=20),
    after=st.text(max_size=20),
    shout=st.booleans(),
)
def test_a_name_that_the_patterns_would_find_is_never_ruled_out(name, before, after, shout):
    """The cheap word filter only ever skips names that could not be in the text."""
    text = f"{before} {name.upper() if shout else name} {after}"
    if Redactor.build([name])(text).count(NAME) > Redactor.build([])(text).count(NAME):
        assert could_occur(name, words_of([text]))


def test_names_absent_from_the_quotes_are_ruled_out():
    words = words_of(["We thank Pat for the report."])
    assert could_occur("Pat Quinlan", words)
    assert not could_occur("Sam Okafor", words)
    assert could_occur("O'Brien", words_of(["Ask O'Brien's team"]))
