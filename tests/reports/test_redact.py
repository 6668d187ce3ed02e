"""Redaction: generated free text full of names, contact details, links and authority names.

Whatever Hypothesis plants in a quote (respondents' names, email addresses, phone numbers in the
ways people write them, links, pasted link tokens, the names of authorities that did not consent)
is gone from the redacted text, and the name of an authority that consented survives.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from surveykit.identity import TOKEN_BYTES
from surveykit_reports.redact import AUTHORITY, NAME, POSTCODE, Redactor, could_occur, words_of

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

_FIRST, _SECOND = "ABCDEFGHIJKLMNOPRSTUWYZ", "ABCDEFGHKLMNOPQRSTUVWXY"
_THIRD, _FOURTH, _UNIT = "ABCDEFGHJKPSTUW", "ABEHMNPRVWXY", "ABDEFGHJLNPQRSTUWXYZ"
# The six formats of the outward code: A9, A99, A9A, AA9, AA99, AA9A.
OUTWARD = st.from_regex(
    rf"[{_FIRST}]([0-9]|[0-9][0-9]|[0-9][{_THIRD}]|[{_SECOND}][0-9]([0-9]|[{_FOURTH}])?)",
    fullmatch=True,
)
INWARD = st.from_regex(rf"[0-9][{_UNIT}]{{2}}", fullmatch=True)
POSTCODE_WRITTEN = st.tuples(OUTWARD, st.sampled_from([" ", ""]), INWARD).map("".join)


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
        [draw(EMAIL), draw(PHONE), draw(URL), draw(TOKEN), draw(POSTCODE_WRITTEN)]
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
    """No email, phone number, link, token, postcode, respondent name or blocked authority is
    left."""
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


# Whole names: no word of a place or a person is left beside the marker ---------------------------


def test_a_place_that_shares_a_word_with_a_consenting_authority_goes_whole():
    """The audit's half-redaction: "Valley" is also Test Valley's, which consented, so it was
    never removed on its own, and only "Mole" went: "Unlike [authority removed] Valley"."""
    redactor = Redactor.build(
        authorities=["Mole Valley District Council", "Test Valley Borough Council"],
        allowed=["Test Valley Borough Council"],
    )
    assert redactor("Unlike Mole Valley next door.") == f"Unlike {AUTHORITY} next door."
    assert redactor("Test Valley did, and Test Valley Borough Council too.") == (
        "Test Valley did, and Test Valley Borough Council too."
    )


@pytest.mark.parametrize(
    "written",
    [
        "Mole Valley",
        "Mole Valley District",
        "Mole Valley District Council",
        "Mole Valley DC",
        "Mole",
        "Valley",
        "MOLE VALLEY",
        "mole-valley",
        "Mole  Valley Council",
    ],
)
def test_an_authority_is_removed_as_one_run_however_much_of_it_is_written(written):
    redactor = Redactor.build(authorities=["Mole Valley District Council"])
    assert redactor(f"Unlike {written} next door.") == f"Unlike {AUTHORITY} next door."


@pytest.mark.parametrize(
    ("authority", "written"),
    [
        ("Tunbridge Wells Borough Council", "Tunbridge Wells"),
        ("Tunbridge Wells Borough Council", "Wells"),
        ("Royal Borough of Kingston upon Thames", "Kingston upon Thames"),
        ("Royal Borough of Kingston upon Thames", "Kingston-upon-Thames"),
        ("Royal Borough of Kingston upon Thames", "upon Thames"),
        ("Royal Borough of Kingston upon Thames", "Royal Borough of Kingston"),
        ("Newcastle-under-Lyme Borough Council", "Newcastle-under-Lyme"),
        ("Newcastle-under-Lyme Borough Council", "Newcastle under Lyme"),
        ("Newcastle-under-Lyme Borough Council", "Newcastle"),
        ("Newcastle-under-Lyme Borough Council", "under-Lyme"),
        ("St Helens Borough Council", "St Helens"),
        ("St Helens Borough Council", "St. Helens"),
        ("St Helens Borough Council", "Saint Helens"),
        ("Brighton and Hove City Council", "Brighton and Hove"),
        ("Brighton and Hove City Council", "Brighton & Hove City"),
        ("Bath and North East Somerset Council", "Bath and North East Somerset"),
        ("Bath and North East Somerset Council", "North East Somerset"),
        ("Stoke-on-Trent City Council", "Stoke-on-Trent"),
        ("Borough Council of King's Lynn and West Norfolk", "King's Lynn"),
        ("London Borough of Tower Hamlets", "Tower Hamlets"),
    ],
)
def test_multi_word_places_leave_no_word_beside_the_marker(authority, written):
    redactor = Redactor.build(authorities=[authority])
    assert redactor(f"We, unlike {written}, agree.") == f"We, unlike {AUTHORITY}, agree."


def test_words_that_identify_no_authority_alone_are_left():
    """Kinds of authority, joining words and compass points name no one on their own, and prose
    words such as "of" and "and" stay at the edge of a removed run."""
    redactor = Redactor.build(
        authorities=["Royal Borough of Kingston upon Thames", "Bath and North East Somerset"]
    )
    text = "The borough and the county council in the north east were called upon."
    assert redactor(text) == text
    assert redactor("the view of Kingston and the sea") == f"the view of {AUTHORITY} and the sea"


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Mary-Jane Smith-Jones", "Mary-Jane Smith-Jones"),
        ("Mary-Jane Smith-Jones", "Mary Jane Smith Jones"),
        ("Mary-Jane Smith-Jones", "Mary Smith-Jones"),
        ("Mary-Jane Smith-Jones", "Smith"),
        ("Mary-Jane Smith-Jones", "Jones"),
        ("Mary-Jane Smith-Jones", "Jane"),
        ("Jan van der Berg", "Jan van der Berg"),
        ("Jan van der Berg", "Van Der Berg"),
        ("Jan van der Berg", "Jan van"),
        ("Jan van der Berg", "Berg"),
        ("Siobhán O'Brien", "Siobhán O\u2019Brien"),
        ("Siobhán O'Brien", "O'Brien"),
    ],
)
def test_a_persons_name_is_removed_whole(name, written):
    redactor = Redactor.build([name])
    assert redactor(f"I agree with {written} here.") == f"I agree with {NAME} here."
    assert redactor(f"I agree with {written} here.", own_name=name) == f"I agree with {NAME} here."


def test_surname_particles_alone_are_left():
    assert Redactor.build(["Jan van der Berg"])("a van der lorry") == "a van der lorry"


PLACES_FORMS = st.sampled_from(
    [
        "{0}",
        "{0} {1}",
        "{0}-{1}",
        "{0} upon {1}",
        "{0}-under-{1}",
        "{0}-on-{1}",
        "{0}-le-{1}",
        "{0}-in-{1}",
        "St {0}",
        "St. {0}",
        "{0} and {1}",
        "{0} and North East {1}",
        "King's {0}",
        "Great {0}",
        "Royal Borough of {0}",
        "London Borough of {0} {1}",
        "{0} {1} {2}",
    ]
)
SUFFIXES = st.sampled_from(["", " Council", " City Council", " Metropolitan Borough Council"])
CASES = st.sampled_from([str, str.lower, str.upper, str.title, str.swapcase])
GAPS = st.sampled_from([" ", ", ", " (", ") ", ". ", "; ", ' "'])
# Prose words that may stay beside a marker (see _PROSE_JOINERS in redact.py).
EDGE_WORDS = "the|of|and|for|in|on|at|by|to|with"


@st.composite
def sub_run(draw, forms, extra=None):
    """A name from ``forms`` filled with generated words, and a contiguous run of its words as
    written, in some case: (name, run, distinctive words of the name)."""
    words = draw(st.lists(WORD, min_size=3, max_size=3, unique=True))
    name = draw(forms).format(*words) + (draw(extra) if extra is not None else "")
    spans = [m.span() for m in re.finditer(r"[^\W_]+", name)]
    i = draw(st.integers(0, len(spans) - 1))
    j = draw(st.integers(i, len(spans) - 1))
    run = draw(CASES)(name[spans[i][0] : spans[j][1]])
    return name, run, {w.lower() for w in words} | {"king"}


@given(
    case=sub_run(PLACES_FORMS, SUFFIXES),
    before=st.lists(PROSE, max_size=4).map(" ".join),
    after=st.lists(PROSE, max_size=4).map(" ".join),
    gaps=st.tuples(GAPS, GAPS),
)
def test_any_part_of_an_authority_name_goes_as_one_marker(case, before, after, gaps):
    """Any contiguous run of a blocked authority's words, in any case, becomes one marker with
    no word of the name beside it but prose joiners set apart by a space ("of", "and"); a run
    with no distinctive word ("upon", "North East", "Borough Council") is left."""
    name, run, distinctive = case
    text = f"{before}{gaps[0]}{run}{gaps[1]}{after}"
    out = Redactor.build(authorities=[name])(text)
    if not {w.lower() for w in re.findall(r"[^\W_]+", run)} & distinctive:
        assert out == text
        return
    assert out.startswith(before + gaps[0])
    assert out.endswith(gaps[1] + after)
    middle = out[len(before + gaps[0]) : len(out) - len(gaps[1] + after)]
    edge = rf"(?:(?:{EDGE_WORDS})\s+)"
    assert re.fullmatch(rf"{edge}*{re.escape(AUTHORITY)}(?:\s+(?:{EDGE_WORDS}))*", middle, re.I), (
        middle
    )
    for word in distinctive:
        assert not re.search(rf"(?<![^\W_]){word}(?![^\W_])", out, re.I), out


@given(
    case=sub_run(st.just("{0} {1}"), st.just(" District Council")),
    before=st.lists(PROSE, max_size=4).map(" ".join),
    after=st.lists(PROSE, max_size=4).map(" ".join),
    gaps=st.tuples(GAPS, GAPS),
    other=WORD,
)
def test_a_word_shared_with_a_consenting_authority_goes_with_the_rest(
    case, before, after, gaps, other
):
    """With "{other} {1} Borough Council" free to be named, "{1}" alone is kept, but any run with
    "{0}" in it is one marker with no "{1}" beside it, and the consenting name is untouched."""
    name, run, _ = case
    first, shared = name.split()[:2]
    allowed = f"{other} {shared} Borough Council"
    assume(other not in (first, shared))
    text = f"{before}{gaps[0]}{run}{gaps[1]}{after}. {allowed}"
    out = Redactor.build(authorities=[name, allowed], allowed=[allowed])(text)
    assert out.endswith(f". {allowed}")
    if first.lower() not in run.lower().split():
        assert out == text
    else:
        assert out == f"{before}{gaps[0]}{AUTHORITY}{gaps[1]}{after}. {allowed}"


PERSON_FORMS = st.sampled_from(
    [
        "{0} {1}",
        "{0}-{2} {1}",
        "{0} {1}-{2}",
        "{0}-{2} {1}-{2}",
        "{0} van der {1}",
        "{0} de la {1}",
        "{0} von {1}",
        "{0} bin {1}",
        "{0} O'{1}",
        "{0} {2} {1}",
    ]
)


@given(
    case=sub_run(PERSON_FORMS),
    before=st.lists(PROSE, max_size=4).map(" ".join),
    after=st.lists(PROSE, max_size=4).map(" ".join),
    gaps=st.tuples(GAPS, GAPS),
    own=st.booleans(),
)
def test_any_part_of_a_persons_name_goes_as_one_marker(case, before, after, gaps, own):
    """Any contiguous run of a respondent's name, in any case, is one marker and nothing more,
    whether the name is on the roster or the respondent's own; particles alone are left."""
    name, run, distinctive = case
    text = f"{before}{gaps[0]}{run}{gaps[1]}{after}"
    out = Redactor.build([] if own else [name])(text, own_name=name if own else "")
    if not {w.lower() for w in re.findall(r"[^\W_]+", run)} & distinctive:
        assert out == text
    else:
        assert out == f"{before}{gaps[0]}{NAME}{gaps[1]}{after}"


# Postcodes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "postcode",
    [
        "SW1P 3HZ",
        "sw1p3hz",
        "Sw1p 3hz",
        "M1 1AE",
        "B33 8TH",
        "b338th",
        "CR2 6XH",
        "DN55 1PT",
        "EC1A 1BB",
        "W1A 0AX",
        "GIR 0AA",
        "gir0aa",
        "SW1P  3HZ",
        "SW1P-3HZ",
        "SW1P 3",
        "SW1P 3H",
        "EC1A 1",
        "W1A 0",
        "DN55 1",
        "CO2 5 tonnes",
    ],
)
def test_postcodes_are_removed(postcode):
    out = Redactor.build()(f"We are at {postcode}, near the station.")
    assert out.startswith(f"We are at {POSTCODE}")
    assert not re.search(r"\d", out)


@pytest.mark.parametrize(
    "text",
    [
        "in 2015 we had 12 staff",
        "the A1 road and the M25",
        "off the M25 3rd junction, the A1 2nd exit",
        "in Q3 2024 at 4pm, 9am and 12pm",
        "M25 5 miles and A1 2 lanes",
        "CO2 5% down, CO2 5.5 tonnes",
        "our office in SW1P and M1",
        "B33 8 and M1 1 are roads here",
        "Covid19 2nd wave",
    ],
)
def test_numbers_roads_and_outward_codes_alone_are_left(text):
    """Outward codes alone, and single-letter areas with only a sector ("M1 1"), are kept: they
    read as road numbers, and name an area of thousands of addresses."""
    assert Redactor.build()(text) == text


# The 113 postcode areas of two letters (the 8 others are B, E, G, L, M, N, S and W): after one
# of them, or a one-letter area with a letter after its district, a sector is removed.
AREAS = re.findall(
    r"\w+",
    "AB AL BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY "
    "EC EH EN EX FK FY GL GU HA HD HG HP HR HS HU HX IG IP IV KA KT KW KY LA LD LE LL LN LS LU "
    "ME MK ML NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM SA SE SG SK SL SM SN SO SP SR "
    "SS ST SW SY TA TD TF TN TQ TR TS TW UB WA WC WD WF WN WR WS WV YO ZE",
)
SECTOR_OUTWARD = st.one_of(
    st.tuples(
        st.sampled_from(AREAS), st.from_regex(rf"[0-9]{{1,2}}|[0-9][{_FOURTH}]", fullmatch=True)
    ).map("".join),
    st.tuples(st.sampled_from("BEGLMNSW"), st.from_regex(rf"[0-9][{_THIRD}]", fullmatch=True)).map(
        "".join
    ),
)
SECTOR = st.from_regex(rf"[0-9][{_UNIT}]?", fullmatch=True)


def _written(draw, code):
    return "".join(c.lower() if draw(st.booleans()) else c for c in code)


@st.composite
def postcode_in_prose(draw, code):
    before = draw(st.lists(PROSE, max_size=4).map(" ".join))
    after = draw(st.lists(PROSE, max_size=4).map(" ".join))
    gaps = draw(st.tuples(GAPS, GAPS))
    return before + gaps[0], _written(draw, code), gaps[1] + after


@given(
    st.tuples(OUTWARD, st.sampled_from(["", " ", "  ", "\u00a0", "-"]), INWARD)
    .map("".join)
    .flatmap(postcode_in_prose)
)
def test_every_full_postcode_is_removed(case):
    """Any postcode of the official formats, with or without its space, in any case, is gone;
    except a unit written as a lower-case ordinal after a space ("ab1 2nd"), read as prose."""
    before, postcode, after = case
    assume(not re.fullmatch(r".+\s+(1st|2nd|3rd|[04-9]th)", postcode))
    assert Redactor.build()(before + postcode + after) == before + POSTCODE + after


@given(
    st.tuples(SECTOR_OUTWARD, st.sampled_from([" ", "  "]), SECTOR)
    .map("".join)
    .flatmap(postcode_in_prose)
)
def test_an_outward_code_with_its_sector_is_removed(case):
    """ "SW1P 3" and "SW1P 3H" go too, for every real area ("M1 1" aside: see above)."""
    before, postcode, after = case
    assert Redactor.build()(before + postcode + after) == before + POSTCODE + after


NUMBERS = st.one_of(
    st.integers(0, 10**6).map(str),
    st.integers(1900, 2100).map(str),
    st.integers(0, 100).map(lambda n: f"{n}%"),
    st.integers(1, 999).map(lambda n: f"£{n}"),
    st.decimals(0, 1000, places=1).map(str),
    st.integers(1, 12).flatmap(lambda n: st.sampled_from([f"{n}am", f"{n}pm"])),
    st.integers(1, 99).map(lambda n: f"{n}{'tsnrhtdh'[2 * min(n % 10, 3) :][:2]}"),
    st.from_regex(r"[ABM][1-9][0-9]{0,3}", fullmatch=True),
    st.sampled_from(["Q1", "Q2", "Q3", "Q4", "A1(M)", "CO2", "FY2", "Year 9"]),
)


@given(st.lists(st.tuples(PROSE, NUMBERS), min_size=1, max_size=12))
def test_prose_with_numbers_and_road_names_is_left_alone(pairs):
    """Words each followed by a number, year, percentage, sum, time, ordinal, road number (A1,
    M25, B1234), quarter or the like come back unchanged."""
    text = " ".join(f"{word} {number}" for word, number in pairs)
    assert Redactor.build(["Jane Okafor"], ["Kent County Council"])(text) == text


@given(scenario())
def test_redacting_twice_changes_nothing_more(case):
    """Markers are never taken for names or numbers: a redacted quote is redacted already."""
    text, names, authorities, allowed, *_ = case
    redactor = Redactor.build(names, authorities, [allowed])
    once = redactor(text)
    assert redactor(once) == once
