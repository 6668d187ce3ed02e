"""Issue 14, item 12 (and the helpers behind 9, 10 and 13): control characters are refused the
same way on every store and channel, and the readers of hostile input never crash.

Properties over generated text, JSON, conditions, TOML and CSV cells, and the submit service on
real SQLite files and the real PostgreSQL server."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import tomllib
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hostile import SPEC
from surveykit import Engine, loads_spec
from surveykit.characters import CONTROL_CODE, first_control, may_hold_control
from surveykit.conditions import MAX_CONDITION_DEPTH, parse_condition
from surveykit.csvsafe import FORMULA_STARTS, safe_cell, writer
from surveykit.errors import AnswersRejected, ConditionTooDeep, DetailsError
from surveykit.identity import Secret, Token
from surveykit.jsoninput import MAX_DEPTH, JsonInputError, decode, loads
from surveykit.plugins import Registry, get_plugins
from surveykit.storage import Grant, open_store
from surveykit.submit import SubmitService
from surveykit.testing import respondent
from surveykit.tomlpos import too_deep

CONSULTATION = loads_spec(SPEC, source="stock.toml")
NOW = dt.datetime(2030, 3, 1, 10, 0, tzinfo=dt.UTC)

#: Characters no stored text may hold anywhere, and the layout characters text may hold.
REFUSED = [chr(c) for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]]
LAYOUT = ["\t", "\n", "\r"]
_clean_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from(LAYOUT), max_size=40
)
_refused = st.sampled_from(REFUSED) | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)


# the rule ----------------------------------------------------------------------------------------


def test_first_control_names_the_character_by_its_code():
    """The character is named, never shown; layout is allowed only where text may run on."""
    assert first_control("a\x00b") == "U+0000"
    assert first_control("\x1b[31m red") == "U+001B"
    assert first_control("caf\u00e9 \u2014 \U0001f600") is None
    assert first_control("one\r\n\ttwo") is None
    assert first_control("one\ttwo", multiline=False) == "U+0009"
    assert first_control("next\x85line") == "U+0085"
    assert first_control("half \ud800") == "U+D800"


def _refused_by_definition(text: str, multiline: bool = True) -> bool:
    allowed = "\t\n\r" if multiline else ""
    return any(unicodedata.category(c) in ("Cc", "Cs") and c not in allowed for c in text)


_mixed_text = st.text(
    st.characters() | st.sampled_from([*REFUSED, *LAYOUT, "\xa0", "\u00e9", "\ud55c"]), max_size=90
)


@given(_mixed_text)
def test_the_quick_test_never_misses_and_the_rule_is_the_definition(text):
    """may_hold_control (the test in C that spares the search) is never False for text holding
    a refused character, and first_control finds exactly what the definition refuses."""
    if not may_hold_control(text):
        assert not _refused_by_definition(text)
    assert (first_control(text) is not None) == _refused_by_definition(text)
    assert (first_control(text, multiline=False) is not None) == _refused_by_definition(
        text, multiline=False
    )


@given(st.lists(_mixed_text, min_size=1, max_size=3))
def test_the_generated_check_and_the_interpreted_one_agree_on_control_characters(texts):
    """The engine's generated function writes the quick test out; it must agree with the loop."""
    engine = Engine(CONSULTATION)
    for text in texts:
        for answers in ({"q1": "yes", "q2": text}, {"q1": text, "q3": [text, "a"]}):
            assert engine._compiled(answers) == engine._check_interpreted(answers)
        long = {"q1": "yes", "q2": text * 5}  # past SHORT: the bytes path
        assert engine._compiled(long) == engine._check_interpreted(long)


@given(_clean_text, _refused, _clean_text)
def test_the_engine_refuses_any_control_character_in_text(before, bad, after):
    """Wherever it is, a refused character makes the answer a `control_character` problem on its
    question, nothing else about it is reported, and the message does not carry the character."""
    checked = Engine(CONSULTATION).check({"q1": "yes", "q2": before + "x" + bad + "y" + after})
    [problem] = checked.problems
    assert (problem.question, problem.code) == ("q2", CONTROL_CODE)
    assert problem.message == (
        f"Question 2: the answer contains a control character (U+{ord(bad):04X}), which cannot "
        "be accepted; remove it"
    )


@given(_clean_text)
def test_text_without_control_characters_is_accepted_as_it_was(text):
    """Tabs and line breaks are layout, not control characters: such text is never refused."""
    checked = Engine(CONSULTATION).check({"q1": "yes", "q2": text[:500]})
    assert checked.problems == []
    assert checked.answers.get("q2", "") == text[:500].strip()


def test_the_rule_holds_for_a_plugin_kind_too():
    """The engine guards every kind's result, so a kind plugin that returns text as given
    cannot let a control character through."""

    class Verbatim:
        name = "verbatim"
        description = "text, unchecked"
        has_options = False
        multiple = False
        has_max_length = False

        def checker(self, question):
            return lambda value: value

    kinds = Registry("question kind")
    for name in ("single", "multi", "text"):
        kinds.add(name, get_plugins().kinds[name], "surveykit_kinds")
    kinds.add("verbatim", Verbatim(), "test")
    spec = SPEC.replace('kind = "text"', 'kind = "verbatim"').replace("max_length = 500\n", "")
    engine = Engine(loads_spec(spec, kinds=kinds), kinds=kinds)
    [problem] = engine.check({"q1": "yes", "q2": "a\x00"}).problems
    assert problem.code == CONTROL_CODE
    assert engine.check({"q1": "yes", "q2": ["a\x07"]}).problems[0].code == CONTROL_CODE
    assert engine.check({"q1": "yes", "q2": "a\tb"}).problems == []


def test_a_choice_answer_with_a_control_character_is_simply_not_an_option():
    """Choice answers are option values, which a spec cannot hold these characters in."""
    checked = Engine(CONSULTATION).check({"q1": "yes\x00", "q3": ["a", "b\x00"]})
    assert [p.code for p in checked.problems] == ["unknown_option", "unknown_option"]
    assert all(first_control(p.message) is None for p in checked.problems)


# the submit service on each store ----------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    url = (
        f"sqlite:///{tmp_path}/store.db"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    with open_store(url) as opened:
        yield opened


def _service(store) -> tuple[SubmitService, Token]:
    secret = Secret.generate()
    token = Token.new()
    store.grant([Grant(respondent("kent", consultation="stock"), secret.hash(token), NOW)])
    return SubmitService(CONSULTATION, store, secret, clock=lambda: NOW), token


def test_the_service_refuses_before_any_write_on_every_store(store):
    """Submission, draft and self-service link: each refused with the same words on SQLite and
    PostgreSQL, and nothing is written (PostgreSQL raised a driver error before)."""
    service, token = _service(store)
    with pytest.raises(AnswersRejected) as submitted:
        service.submit(token, {"q1": "yes", "q2": "a\x00b"})
    with pytest.raises(AnswersRejected) as drafted:
        service.save_draft(token, {"q1": "yes", "q2": "a\x00b"})
    assert (
        str(submitted.value)
        == str(drafted.value)
        == (
            "the answers were not stored: 1 problem\n  Question 2: the answer contains a control "
            "character (U+0000), which cannot be accepted; remove it"
        )
    )
    with pytest.raises(DetailsError) as details:
        service.request_link(authority="Kent\x00", authority_type="county", name="Ada\x1b")
    assert str(details.value) == (
        "the authority contains a control character (U+0000); remove it; "
        "the name contains a control character (U+001B); remove it"
    )
    assert store.response("kent") is None
    assert store.load_draft("kent") is None
    assert [r.id for r in store.respondents("stock")] == ["kent"]


def test_a_draft_still_keeps_an_answer_that_is_merely_too_long(store):
    """Only unkeepable text stops a draft: a draft may hold what is not acceptable yet."""
    service, token = _service(store)
    service.save_draft(token, {"q1": "yes", "q2": "x" * 600})
    assert store.load_draft("kent").answers == {"q1": "yes", "q2": "x" * 600}


def test_whatever_text_the_engine_accepts_postgresql_keeps_exactly(postgres_url):
    """The rule is what makes the stores alike: any text that passes is stored and read back
    unchanged by PostgreSQL (the stricter of the two), and any text that fails stores nothing."""
    with open_store(postgres_url) as pg:
        service, token = _service(pg)

        @given(st.text(max_size=60))
        def submit(text):
            before = pg.response("kent")
            if first_control(text.strip()):
                with pytest.raises(AnswersRejected) as refused:
                    service.submit(token, {"q1": "yes", "q2": text})
                assert {p.code for p in refused.value.problems} == {CONTROL_CODE}
                assert pg.response("kent") == before
                return
            receipt = service.submit(token, {"q1": "yes", "q2": text})
            assert pg.response("kent").answers == receipt.submission.answers
            if text.strip():
                assert receipt.submission.answers["q2"] == text.strip()

        submit()


# JSON answers ----------------------------------------------------------------------------------

_json_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_categories=("Cs",)))
)
_json_values = st.recursive(
    _json_leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=12,
)


@given(_json_values)
def test_json_answers_read_back_exactly(value):
    """Strict reading loses nothing of real JSON."""
    assert loads(json.dumps(value)) == value
    assert loads(json.dumps(value, ensure_ascii=False, indent=1)) == value


@given(st.text(max_size=80) | st.builds(lambda n: "[" * n, st.integers(0, 5000)))
def test_any_text_is_answers_or_one_located_refusal(text):
    """No text makes the reader fail otherwise, and nothing it returns holds a non-finite
    number, a lone surrogate or nesting past the limit."""
    value, refusal = _read(text)
    if refusal is not None:
        assert "\n" not in str(refusal)
        return
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        assert depth <= MAX_DEPTH
        if isinstance(item, float):
            assert math.isfinite(item)
        elif isinstance(item, str):
            item.encode("utf-8")
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
            stack.extend((k, depth) for k in item)


@given(st.binary(max_size=60))
def test_any_bytes_are_answers_or_one_located_refusal(data):
    """Bytes that are not UTF-8 are refused at the line and column of the first bad byte."""
    bad = _first_bad_byte(data)
    if bad is not None:
        with pytest.raises(JsonInputError) as info:
            decode(data)
        assert info.value.reason == "the text is not UTF-8"
        assert info.value.line == data[:bad].count(b"\n") + 1
        return
    _, refusal = _read(decode(data))
    assert refusal is None or refusal.reason


def _first_bad_byte(data: bytes) -> int | None:
    """Where ``data`` stops being UTF-8, if it does."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return None


def _read(text: str):
    """(value, None), or (None, the refusal)."""
    try:
        return loads(text), None
    except JsonInputError as exc:
        return None, exc


@given(st.integers(1, 200))
def test_nesting_is_refused_exactly_past_the_limit(depth):
    """Arrays nested up to MAX_DEPTH deep are read; one more is refused where it opens."""
    text = "[" * depth + "]" * depth
    if depth <= MAX_DEPTH:
        assert loads(text) is not None
        return
    with pytest.raises(JsonInputError) as info:
        loads(text)
    assert (info.value.line, info.value.column) == (1, MAX_DEPTH + 1)


# conditions and TOML nesting -------------------------------------------------------------------

_OPS = {
    "not": "not ({})",
    "and": 'q1 == "a" and ({})',
    "or": "answered(q2) or ({})",
}


@given(st.lists(st.sampled_from(sorted(_OPS)), max_size=3 * MAX_CONDITION_DEPTH))
def test_a_condition_parses_exactly_when_it_is_within_the_depth_limit(ops):
    """Each not, and-group or or-group adds a level (brackets alone do not); past the limit
    the refusal is ConditionTooDeep, never a recursion error, however deep."""
    source = '"x" in q3'
    for op in reversed(ops):
        source = _OPS[op].format(source)
    if len(ops) + 1 <= MAX_CONDITION_DEPTH:
        parse_condition(source)
    else:
        with pytest.raises(ConditionTooDeep) as info:
            parse_condition(source)
        assert 1 <= info.value.column <= len(source)


@st.composite
def _toml_values(draw, depth: int) -> str:
    """A TOML value nested exactly ``depth`` deep, with brackets in strings and comments that
    must not count."""
    value = draw(st.sampled_from(['"[[{"', "'}]]'", '"""\n[[[\n"""', "1", "true"]))
    for _ in range(depth):
        if draw(st.booleans()):
            value = f"[ # [[[ not a bracket\n  {value}, '{{' ]"
        else:
            value = f'{{ k = {value}, s = "[" }}'
    return value


@given(st.integers(0, 80).flatmap(lambda d: st.tuples(st.just(d), _toml_values(d))))
def test_toml_nesting_is_measured_outside_strings_and_comments(case):
    """too_deep finds exactly the values nested past the limit, and where: tomllib reads every
    value within it."""
    depth, value = case
    text = f'title = "a [ b"\n# ]]] {{{{\n[table]\nx = {value}\n'
    line = too_deep(text, 32)
    if depth <= 32:  # the [table] header is a level only while it is open
        assert line is None
        assert tomllib.loads(text)["table"]["x"] is not None
    else:
        assert line is not None
        assert line >= 4


# CSV cells -----------------------------------------------------------------------------------


@given(st.text())
def test_no_text_cell_starts_with_a_formula_character(text):
    """A text cell is changed only if a spreadsheet would run it, by one leading apostrophe."""
    cell = safe_cell(text)
    assert cell[:1] not in FORMULA_STARTS
    assert cell == ("'" + text if text[:1] in FORMULA_STARTS else text)


@given(st.integers() | st.floats(allow_nan=False) | st.none() | st.booleans())
def test_numbers_are_written_as_numbers(value):
    """A negative count stays a number: only text is ever changed."""
    assert safe_cell(value) is value
    handle = io.StringIO()
    writer(handle).writerow([value, "-1", -1])
    [[written, text, number]] = csv.reader(io.StringIO(handle.getvalue()))
    assert written == ("" if value is None else str(value))
    assert (text, number) == ("'-1", "-1")


def test_every_csv_the_project_writes_goes_through_the_helper():
    """One helper for every CSV file (links, reports, whatever comes next): no other module
    makes its own csv writer."""
    root = Path(__file__).resolve().parents[1]
    sources = [*(root / "src").rglob("*.py"), *(root / "plugins").rglob("*.py")]
    own = [
        str(path.relative_to(root))
        for path in sources
        if path.name != "csvsafe.py"
        and re.search(r"\bcsv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
    ]
    assert own == []


_JSON_TEXTS = st.recursive(
    st.none()
    | st.integers()
    | st.text(
        alphabet=st.characters(codec="utf-8")
        | st.sampled_from(["\ud800", "\udfff", "[", "{", "\\"])
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=40,
).map(lambda value: json.dumps(value, ensure_ascii=False))


@settings(max_examples=300, deadline=None)
@given(_JSON_TEXTS | st.integers(1, 40).map(lambda n: "[" * n + "]" * n))
def test_the_quick_look_at_a_line_never_passes_what_the_walk_refuses(text):
    """``jsoninput`` walks a decoded value only when the text may be too deep or hold a lone
    surrogate; whenever the quick look says it cannot, the walk agrees."""
    from surveykit import jsoninput

    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return
    if not jsoninput._may_be_refused(text):
        assert not jsoninput._too_deep_or_lone(value)
