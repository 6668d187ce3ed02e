"""Email addresses, checked with email-validator and normalised before anything matches them
(issue 14)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveykit.people import MAX_FIELD, check_person, normal_email
from surveykit.spec import loads_spec

SPEC = """
[consultation]
id = "people"
title = "People"
publisher = "Tests"
closes = 2099-12-31
timezone = "Europe/London"

[[roles]]
value = "other"
label = "Other"

[[authority_types]]
value = "county"
label = "County council"

[[sections]]
id = "s"
title = "S"

[[sections.questions]]
id = "q1"
text = "Yes?"
kind = "single"
options = [{ value = "yes", label = "Yes" }]
"""
CONSULTATION = loads_spec(SPEC, source="<people>")

HOSTILE = [
    '"><svg/onload=alert(22)>@x.example',
    "<script>@x.example",
    "ada@x.example<script>alert(1)</script>",
    "ada@x.example\r\nBcc: victim@y.example",
    "ada@x.example\n",
    "ada lovelace@x.example",
    "Ada Lovelace <ada@x.example>",
    "ada@x.example, bob@y.example",
    '"quoted"@x.example',
    "ada@[127.0.0.1]",
    "ada@localhost",
    "ada@x",
    "ada@x.test",
    "ada@@x.example",
    "@x.example",
    "ada@",
    "ada@x..example",
    "ada\x00@x.example",
    "ada\ud800@x.example",
]


def _codes(email: str) -> list[str]:
    found = check_person(
        CONSULTATION,
        authority="Kent County Council",
        authority_type="county",
        role="other",
        name="Ada",
        email=email,
    )
    return [code for code, _message in found]


@pytest.mark.parametrize("email", HOSTILE)
def test_hostile_and_malformed_addresses_are_refused(email):
    """Markup, header injection, display names, lists, quoted or bracketed parts, local or
    reserved domains are not email addresses."""
    assert normal_email(email) is None
    assert _codes(email) == ["bad_email"]


@pytest.mark.parametrize(
    ("email", "normal"),
    [
        ("ada@kent.example", "ada@kent.example"),
        ("Ada.Lovelace@Kent.GOV.UK", "Ada.Lovelace@kent.gov.uk"),
        ("o'brien+consult@dover.example.org", "o'brien+consult@dover.example.org"),
        ("zoë@ÉXAMPLE.org", "zoë@éxample.org"),
        ("", ""),
    ],
)
def test_valid_addresses_are_kept_with_the_domain_lower_cased(email, normal):
    """A real address passes and is normalised: the domain lower-cased, the local part as typed
    (Unicode in NFC)."""
    assert normal_email(email) == normal
    assert _codes(email) == []


def test_an_overlong_address_is_too_long_not_also_bad():
    """One problem per cause: an address over the field limit is only `too_long`."""
    email = "a" * MAX_FIELD + "@x.example"
    assert _codes(email) == ["too_long"]
    assert normal_email(email) is None


# Characters that appear in markup, headers or lists, never in an address we accept.
_NEVER = set('<>"\\,;()[] \t\r\n\x00')


@given(st.text(max_size=80))
def test_any_text_is_an_address_or_refused_never_an_error(text):
    """Whatever is typed, checking it answers (no exception); what passes holds no markup,
    spacing or control characters, has one @, and normalising it again changes nothing."""
    normal = normal_email(text)
    assert _codes(text) == ([] if normal is not None else ["bad_email"])
    if normal:
        assert not _NEVER & set(normal)
        assert normal.count("@") == 1
        assert normal_email(normal) == normal


@given(
    st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,20}", fullmatch=True).filter(
        lambda s: ".." not in s and not s.endswith(".")
    ),
    st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]\.(org|uk|com|example)", fullmatch=True),
    st.data(),
)
def test_the_same_address_typed_in_any_case_normalises_alike_but_for_the_local_part(
    local, domain, data
):
    """Upper-casing any letters of the domain never changes the stored form."""
    shouted = "".join(
        c.upper() if data.draw(st.booleans(), label=f"upper {i}") else c
        for i, c in enumerate(domain)
    )
    assert normal_email(f"{local}@{shouted}") == normal_email(f"{local}@{domain}")
    assert normal_email(f"{local}@{domain}") == f"{local}@{domain}"


def _by_email_validator(email: str) -> str | None:
    """What ``email-validator`` alone makes of an address (the slow path of normal_email)."""
    from email_validator import EmailNotValidError, validate_email

    try:
        valid = validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return None
    local, _, domain = valid.normalized.rpartition("@")
    return f"{local}@{domain.lower()}"


_ATEXT = "abcXYZ019!#$%&'*+/=?^_`{|}~-"
_HOST = "abcXYZ09-"


@given(
    local=st.lists(st.text(_ATEXT, min_size=1, max_size=70), min_size=1, max_size=3),
    labels=st.lists(st.text(_HOST, min_size=1, max_size=64), min_size=1, max_size=4),
    tld=st.sampled_from(["org", "UK", "c", "test", "LOCAL", "onion", "arpa", "xn", "co9", "1"]),
)
def test_the_quick_path_for_plain_addresses_agrees_with_email_validator(local, labels, tld):
    """Plain ASCII addresses skip email-validator: what normal_email keeps and how it writes
    it must be exactly what email-validator would say, near misses included (hyphens at a
    label's ends, "xn--" labels, special-use domains, over-long parts)."""
    email = ".".join(local) + "@" + ".".join([*labels, tld])
    normal_email.cache_clear()
    assert normal_email(email) == (_by_email_validator(email) if len(email) <= MAX_FIELD else None)
