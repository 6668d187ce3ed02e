"""Contact details: ``email``, ``uk_postcode`` and ``phone``, each stored in one normal form so
that the same address, postcode or number typed two ways is stored (and compared) as one.

Each is ``identifying``: its answers point to one person, so reports never publish them in any
form (no table, no count, no quote), whatever the spec says.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from types import MappingProxyType
from typing import Any, ClassVar

from attrs import frozen

from surveykit import EMPTY, Question, Rejected
from surveykit.i18n import title_of
from surveykit.people import MAX_FIELD, normal_email

from ._common import phrase, shown, what

__all__ = ["DRAMA_NUMBERS", "POSTCODE", "Email", "Phone", "UKPostcode", "normal_postcode"]


@frozen
class Email:
    """An email address, checked for form only (no look-up of the domain), stored normalised:
    Unicode NFC, the domain lower-cased (:func:`surveykit.people.normal_email`)."""

    name: str = "email"
    description: str = "an email address, checked for form and stored normalised"
    has_options: bool = False
    multiple: bool = False
    has_max_length: bool = False
    answer_type: str = "text"
    identifying: bool = True
    settings: ClassVar = MappingProxyType({})

    def checker(self, question: Question):
        title = title_of(question)
        bad = Rejected(
            "bad_email",
            phrase(
                "{title}: enter an email address in the correct format, like name@example.com",
                title=title,
            ),
        )
        too_long = Rejected(
            "bad_email",
            phrase(
                "{title}: the email address must be {limit} characters or fewer",
                title=title,
                limit=MAX_FIELD,
            ),
        )

        def check(value: Any) -> Any:
            if value.__class__ is str:
                text = value.strip()
                if not text:
                    return EMPTY
                if len(text) > MAX_FIELD:
                    return too_long
                return normal_email(text) or bad
            if value is None:
                return EMPTY
            return Rejected(
                "wrong_type",
                phrase(
                    "{title}: enter an email address in the correct format, like "
                    "name@example.com, not a {what}",
                    title=title,
                    what=what(value),
                ),
            )

        return check


# Royal Mail's rules for the letters in each position: the outward code (area and district,
# "SW1A") then the inward code (sector and unit, "1AA").  Also the Girobank postcode, British
# Forces (BFPO) numbers and the overseas territories' single postcodes.
_OUTWARD = (
    r"[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])"
)
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_TERRITORIES = "ASCN|STHL|TDCU|BBND|BIQQ|FIQQ|PCRN|SIQQ|TKCA"
#: A postcode in its stored form: upper case, one space before the last three characters.
POSTCODE = re.compile(rf"{_OUTWARD} {_INWARD}|GIR 0AA|BFPO [0-9]{{1,4}}|(?:{_TERRITORIES}) 1ZZ")


def normal_postcode(text: str) -> str | None:
    """``text`` as a stored postcode ("sw1a1aa " -> "SW1A 1AA"), or ``None`` if it is not one."""
    if len(text) > 20 or not text.isascii():
        return None
    compact = "".join(text.split()).upper()
    cut = 4 if compact.startswith("BFPO") else len(compact) - 3
    candidate = f"{compact[:cut]} {compact[cut:]}"
    return candidate if POSTCODE.fullmatch(candidate) else None


@frozen
class UKPostcode:
    """A full UK postcode in any case and spacing, stored as ``"SW1A 1AA"``."""

    name: str = "uk_postcode"
    description: str = "a full UK postcode, stored in capitals with one space: SW1A 1AA"
    has_options: bool = False
    multiple: bool = False
    has_max_length: bool = False
    answer_type: str = "text"
    identifying: bool = True
    settings: ClassVar = MappingProxyType({})

    def checker(self, question: Question):
        title = title_of(question)
        normal = POSTCODE.fullmatch
        bad = Rejected(
            "bad_postcode",
            phrase("{title}: enter a full UK postcode, like SW1A 2AA", title=title),
        )

        def check(value: Any) -> Any:
            if value.__class__ is str:
                if normal(value):
                    return value
                if not value or value.isspace():
                    return EMPTY
                return normal_postcode(value) or bad
            if value is None:
                return EMPTY
            return Rejected(
                "wrong_type",
                phrase(
                    "{title}: enter a full UK postcode, like SW1A 2AA, not a {what}",
                    title=title,
                    what=what(value),
                ),
            )

        check.controls_checked = True  # only postcodes in capitals and digits come back
        return check


#: Ofcom's ranges kept for drama and examples, never connected, which GOV.UK's own error
#: messages use ("like 01632 960 001") but libphonenumber counts as unallocated: accepted, so
#: that examples, training and tests can use them.
DRAMA_NUMBERS = ("1632960", "7700900")
_PHONE_CHARACTERS = frozenset("0123456789 +-().\u00a0/")


@functools.cache
def _stored_uk_number(phonenumbers: Any) -> Callable[[str], bool]:
    """Whether a text is a valid UK number in E.164 form, decided by one regular expression
    built from libphonenumber's own patterns for the UK: a stored answer rechecks in a
    microsecond, not the tens that a full parse takes.  Anything it does not accept goes the
    full way, which gives the same verdict (tests/kinds/test_contact.py checks that they agree).
    """
    uk = phonenumbers.PhoneMetadata.metadata_for_region("GB")
    kinds = (
        uk.fixed_line, uk.mobile, uk.toll_free, uk.premium_rate, uk.shared_cost,
        uk.personal_number, uk.voip, uk.pager, uk.uan, uk.voicemail,
    )  # fmt: skip
    patterns = [d.national_number_pattern for d in kinds if d and d.national_number_pattern]
    patterns.append("|".join(f"{prefix}[0-9]{{3}}" for prefix in DRAMA_NUMBERS))
    general = uk.general_desc.national_number_pattern
    pattern = re.compile(rf"\+44(?=[0-9]{{10}}$)(?=(?:{general})$)(?:{'|'.join(patterns)})")
    return lambda text: pattern.fullmatch(text) is not None


@frozen
class Phone:
    """A telephone number, checked and stored in international (E.164) form: ``+441632960001``.

    Read by libphonenumber (the ``phonenumbers`` package, imported when a phone question's
    checker is first built), with numbers written the UK way (``020 7946 0018``) taken as UK
    numbers.  Only UK numbers (+44, which includes the Channel Islands and the Isle of Man)
    unless the question sets ``international = true``.
    """

    name: str = "phone"
    description: str = "a telephone number (UK unless international = true), stored as +44..."
    has_options: bool = False
    multiple: bool = False
    has_max_length: bool = False
    answer_type: str = "text"
    identifying: bool = True
    settings: ClassVar = MappingProxyType(
        {"international": "true to accept numbers outside the UK too (default false)"}
    )

    def check_settings(self, question: Question) -> list[tuple[str, str]]:
        value = question.settings.get("international", False)
        if value.__class__ is bool:
            return []
        return [("international", f"international must be true or false, not {shown(value)}")]

    def checker(self, question: Question):
        import phonenumbers

        international = question.settings.get("international", False) is True
        title = title_of(question)
        if international:
            bad = Rejected(
                "bad_phone",
                phrase(
                    "{title}: enter a telephone number, like 01632 960 001, 07700 900 982 or "
                    "+44 808 157 0192; for a number outside the UK, start with + and the "
                    "country code",
                    title=title,
                ),
            )
        else:
            bad = Rejected(
                "bad_phone",
                phrase(
                    "{title}: enter a UK telephone number, like 01632 960 001, 07700 900 982 or "
                    "+44 808 157 0192",
                    title=title,
                ),
            )
        foreign = Rejected(
            "bad_phone",
            phrase(
                "{title}: enter a UK telephone number, like 01632 960 001, 07700 900 982 or "
                "+44 808 157 0192; this question does not take numbers from other countries",
                title=title,
            ),
        )
        e164 = phonenumbers.PhoneNumberFormat.E164

        def wrong_type(value: Any) -> Rejected:
            if international:
                said = phrase(
                    "{title}: enter a telephone number, like 01632 960 001, 07700 900 982 or "
                    "+44 808 157 0192; for a number outside the UK, start with + and the country "
                    "code, not a {what}",
                    title=title,
                    what=what(value),
                )
            else:
                said = phrase(
                    "{title}: enter a UK telephone number, like 01632 960 001, 07700 900 982 or "
                    "+44 808 157 0192, not a {what}",
                    title=title,
                    what=what(value),
                )
            return Rejected("wrong_type", said)

        @functools.lru_cache(maxsize=4096)
        def read(text: str) -> str | Rejected:
            if len(text) > 40 or not _PHONE_CHARACTERS.issuperset(text):
                return bad
            try:
                number = phonenumbers.parse(text, "GB")
            except phonenumbers.NumberParseException:
                return bad
            if number.country_code != 44 and not international:
                return foreign
            national = str(number.national_number)
            drama = number.country_code == 44 and len(national) == 10
            if not (drama and national.startswith(DRAMA_NUMBERS)) and not (
                phonenumbers.is_valid_number(number)
            ):
                return bad
            return phonenumbers.format_number(number, e164)

        stored = _stored_uk_number(phonenumbers)

        def check(value: Any) -> Any:
            if value.__class__ is str:
                if len(value) == 13 and stored(value):
                    return value  # the common case: an answer already stored, rechecked
                text = value.strip()
                return read(text) if text else EMPTY
            if value is None:
                return EMPTY
            return wrong_type(value)

        check.controls_checked = True  # only "+" and digits come back
        return check
