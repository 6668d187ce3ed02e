"""Email addresses, UK postcodes and telephone numbers: each stored in one normal form."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveykit import EMPTY, Question
from surveykit_kinds import Email, Phone, UKPostcode


def question(kind: str, **settings) -> Question:
    return Question(id="q4", text="How do we reach you?", kind=kind, number="4", settings=settings)


def email(value):
    return Email().checker(question("email"))(value)


def postcode(value):
    return UKPostcode().checker(question("uk_postcode"))(value)


def phone(value, **settings):
    return Phone().checker(question("phone", **settings))(value)


def test_an_email_address_is_stored_with_its_domain_in_lower_case():
    assert email("  Ada.Lovelace@Example.ORG ") == "Ada.Lovelace@example.org"


@pytest.mark.parametrize("raw", ["ada", "ada@", "@example.org", "ada@example", "a b@example.org"])
def test_a_malformed_email_address_is_refused(raw):
    result = email(raw)
    assert (result.code, result.message) == (
        "bad_email",
        "Question 4: enter an email address in the correct format, like name@example.com",
    )


def test_an_overlong_email_address_is_refused_saying_so():
    assert email("a" * 200 + "@example.org").message == (
        "Question 4: the email address must be 200 characters or fewer"
    )


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("  Sw1A   1aA ", "SW1A 1AA"),
        ("ec1a 1bb", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("m1 1ae", "M1 1AE"),
        ("b33 8th", "B33 8TH"),
        ("cr2 6xh", "CR2 6XH"),
        ("dn55 1pt", "DN55 1PT"),
        ("gir0aa", "GIR 0AA"),
        ("bfpo 1234", "BFPO 1234"),
        ("BFPO12", "BFPO 12"),
        ("stHL1zz", "STHL 1ZZ"),
    ],
)
def test_a_postcode_is_stored_in_capitals_with_one_space(raw, stored):
    assert postcode(raw) == stored


@pytest.mark.parametrize(
    "raw", ["SW1A", "QW1 1AA", "SW1A 1CA", "V1 1AA", "12345", "BFPO 12345", "\u017fw1a 1aa"]
)
def test_what_is_not_a_postcode_is_refused(raw):
    result = postcode(raw)
    assert (result.code, result.message) == (
        "bad_postcode",
        "Question 4: enter a full UK postcode, like SW1A 2AA",
    )


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_blank_contact_details_are_no_answer(blank):
    assert (email(blank), postcode(blank), phone(blank)) == (EMPTY, EMPTY, EMPTY)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("020 7946 0018", "+442079460018"),
        ("+44 (0)20 7946 0018", "+442079460018"),
        ("0044 20 7946 0018", "+442079460018"),
        ("020-7946-0018", "+442079460018"),
        ("07700 900982", "+447700900982"),
        ("01632 960 001", "+441632960001"),
        ("+441632960001", "+441632960001"),
    ],
)
def test_a_uk_number_is_stored_in_international_form(raw, stored):
    assert phone(raw) == stored


def test_numbers_abroad_need_international():
    assert phone("+1 202 555 0143").message == (
        "Question 4: enter a UK telephone number, like 01632 960 001, 07700 900 982 or "
        "+44 808 157 0192; this question does not take numbers from other countries"
    )
    assert phone("+1 202 555 0143", international=True) == "+12025550143"
    assert phone("020 7946 0018", international=True) == "+442079460018"


@pytest.mark.parametrize(
    "raw", ["12345", "020 7946 001", "020 7946 OO18", "+44 20 7946 00189", "020 7946 0018 x2"]
)
def test_what_is_not_a_number_is_refused(raw):
    result = phone(raw)
    assert (result.code, result.message) == (
        "bad_phone",
        "Question 4: enter a UK telephone number, like 01632 960 001, 07700 900 982 or "
        "+44 808 157 0192",
    )


def test_the_international_setting_is_checked():
    kind = Phone()
    assert kind.check_settings(question("phone", international=True)) == []
    assert kind.check_settings(question("phone", international="yes")) == [
        ("international", "international must be true or false, not 'yes'")
    ]


@given(st.text("0123456789", min_size=10, max_size=10))
def test_a_stored_number_rechecks_as_a_typed_one_does(digits):
    """The quick path for stored UK numbers gives the verdict the full parse gives."""
    assert phone(f"+44{digits}") == phone(f" +44 {digits}")


def test_importing_the_kinds_does_not_import_phonenumbers():
    """libphonenumber loads when a phone question's checker is built, not with the plugin."""
    code = "import sys, surveykit_kinds; print('phonenumbers' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "False\n"
