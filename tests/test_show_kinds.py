"""`surveykit show` and `show --json` for every kind: settings in words, parts, sensitivity.

The words for a kind's settings come from the settings alone, so they are tested on questions
built in code; the command is tested on a spec written to a temporary directory that uses every
kind, and on the residents' survey.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kindspecs import BUILT_IN_KINDS, RESIDENTS, ROOT, every_kind, written
from strategies import specs
from surveykit import Question, load_spec
from surveykit.cli import main
from surveykit.cli.present import SENSITIVE, kind_in_words, spec_as_dict, spec_lines
from surveykit.kinds import parts_of
from surveykit.model import Option
from surveykit.plugins import get_plugins

TAKING_STOCK = ROOT / "specs" / "taking_stock.toml"

#: The every-kind consultation with what `show` marks besides: a question shown on a grid row's
#: answer, a sensitive question with an "other" option, and the equality monitoring bank.
SHOWN = every_kind(
    """
[[sections.questions]]
id = "why_parks"
number = "14"
text = "What is wrong with the parks?"
kind = "text"
max_length = 300
shown_if = 'satisfaction.parks == "disagree"'
""",
    """
[[sections.questions]]
id = "faith"
number = "15"
text = "What is your religion?"
kind = "single"
sensitive = true
options = [
    { value = "none", label = "No religion" },
    { value = "other", label = "Any other religion, write in", other = true },
]
""",
    include=["surveykit:equality"],
)


def run(*args: str) -> tuple[int, str, str]:
    """Run ``surveykit`` in-process through main(), returning (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def _question(kind: str, options: tuple[Option, ...] = (), **settings) -> Question:
    return Question(id="q", text="?", kind=kind, options=options, settings=settings)


# Settings in words, from the settings alone -------------------------------------------------


def test_a_number_in_words():
    """Whole or decimal, its range, and its unit after the figure or, as a prefix, before it."""
    assert kind_in_words(_question("number", min=1, max=20, unit="people")) == (
        "a whole number, from 1 to 20 people"
    )
    assert kind_in_words(
        _question("number", decimals=2, min=0, max=1250.5, unit="£", unit_prefix=True)
    ) == ("a number with up to 2 decimal places, from £0 to £1,250.5")
    assert kind_in_words(_question("number", decimals=1, min=-3)) == (
        "a number with up to 1 decimal place, no less than -3"
    )
    assert kind_in_words(_question("number", max=-5, unit="£", unit_prefix=True)) == (
        "a whole number, no more than -£5"
    )
    assert kind_in_words(_question("number", unit="kg")) == "a whole number, in kg"
    assert kind_in_words(_question("number")) == "a whole number"


def test_a_date_in_words():
    """A whole date or a month, with its bounds written as people write dates."""
    month = _question("date", precision="month", earliest=dt.date(1920, 1, 1), latest="today")
    assert kind_in_words(month) == "a month and year, from January 1920 to today"
    day = _question("date", earliest=dt.date(2027, 1, 11))
    assert (
        kind_in_words(day) == "a whole date (day, month and year), no earlier than 11 January 2027"
    )
    assert kind_in_words(_question("date", latest="today")) == (
        "a whole date (day, month and year), no later than today"
    )


def test_a_ranking_in_words():
    """How many options must be ranked: all by default, exactly n, or a range."""
    options = tuple(Option(value=v, label=v.title()) for v in ("a", "b", "c", "d"))
    assert kind_in_words(_question("ranking", options)) == (
        "rank all 4 options in order, most preferred first"
    )
    assert kind_in_words(_question("ranking", options, min_ranked=2, max_ranked=2)) == (
        "rank exactly 2 of the 4 options in order, most preferred first"
    )
    assert kind_in_words(_question("ranking", options, min_ranked=1, max_ranked=3)) == (
        "rank 1 to 3 of the 4 options in order, most preferred first"
    )
    assert kind_in_words(_question("ranking", options, max_ranked=3)) == (
        "rank exactly 3 of the 4 options in order, most preferred first"
    )


def test_contact_kinds_in_words():
    """Email, postcode and phone say what they take; a UK-only phone says so."""
    assert kind_in_words(_question("email")) == "an email address"
    assert kind_in_words(_question("uk_postcode")) == "a UK postcode"
    assert kind_in_words(_question("phone")).startswith("a UK phone number")
    assert kind_in_words(_question("phone", international=True)).startswith(
        "a phone number, UK or international"
    )


def test_a_plugin_kind_lists_its_settings_as_written():
    """A kind surveykit does not know has its settings listed; one without settings, nothing."""
    assert kind_in_words(_question("stars", most=5, half=True)) == "most = 5, half = True"
    assert kind_in_words(_question("text")) == ""


@given(
    low=st.integers(-(10**6), 10**6),
    span=st.integers(0, 10**6),
    decimals=st.integers(0, 4),
    unit=st.sampled_from(["", "people", "£", "kg"]),
    prefix=st.booleans(),
)
def test_a_number_range_is_written_in_full(low, span, decimals, unit, prefix):
    """Both bounds appear, grouped by thousands, with the unit on the side the spec says."""
    settings = {"min": low, "max": low + span, "decimals": decimals}
    if unit:
        settings |= {"unit": unit, "unit_prefix": prefix}
    words = kind_in_words(_question("number", **settings))
    for bound in (low, low + span):
        figure = f"{abs(bound):,}" if unit and prefix else f"{bound:,}"
        if unit and prefix:
            figure = ("-" if bound < 0 else "") + unit + figure
        assert figure in words
    if unit and not prefix:
        assert words.endswith(f" to {low + span:,} {unit}")
    assert words.startswith("a whole number" if decimals == 0 else "a number with up to")


@given(st.integers(1, 12), st.data())
def test_a_ranking_states_its_limits(total, data):
    """The words name the number of options and each limit that is not 'all of them'."""
    least = data.draw(st.integers(1, total))
    most = data.draw(st.integers(least, total))
    options = tuple(Option(value=f"o{i}", label=f"O{i}") for i in range(total))
    words = kind_in_words(_question("ranking", options, min_ranked=least, max_ranked=most))
    if least == most == total:
        assert f"all {total} options" in words
    elif least == most:
        assert f"exactly {least} of the {total} options" in words
    else:
        assert f"{least} to {most} of the {total} options" in words


# The command on a spec with every kind ------------------------------------------------------


def _every_kind(tmp_path: Path) -> Path:
    return written(tmp_path, SHOWN, "every_kind.toml")


def shown(spec: Path) -> str:
    """What `surveykit show` prints for ``spec``, less the styling a terminal would add: the
    spec's lines, then its retention schedule."""
    from surveykit.cli.show_command import retention_lines

    consultation = load_spec(spec)
    lines = [line.text for line in spec_lines(consultation)]
    lines += [text for text, _style in retention_lines(consultation)]
    return "".join(text + "\n" for text in lines)


def test_show_prints_the_spec_lines(tmp_path):
    """The command prints exactly the lines present.py writes and the retention schedule, for
    any kind of spec."""
    for spec in (TAKING_STOCK, _every_kind(tmp_path)):
        status, out, err = run("show", str(spec))
        assert (status, out, err) == (0, shown(spec), "")


def test_show_presents_every_kinds_settings(tmp_path):
    """Each question's id line says what its answer must be."""
    out = shown(_every_kind(tmp_path))
    for line in (
        "    id staff, number: a whole number, from 0 to 5,000 people",
        "    id budget, number: a number with up to 2 decimal places, from -£1,000 to £2,000,000",
        "    id since, date: a month and year, from January 1920 to today",
        "    id founded, date: a whole date (day, month and year), from 1 January 1900 to "
        "31 December 2099",
        "    id contact, email: an email address",
        "    id office, uk_postcode: a UK postcode",
        "    id abroad, phone: a phone number, UK or international, stored in international form",
        "    id order, ranking: rank 2 to 3 of the 4 options in order, most preferred first",
        "    id why_parks, text, up to 300 characters",
    ):
        assert line + "\n" in out


def test_show_lists_a_grids_rows_with_their_answer_keys(tmp_path):
    """Each statement is listed with the key it is stored under; a row's own 'required' shows."""
    out = shown(_every_kind(tmp_path))
    assert (
        "    id satisfaction, grid: one option for each of 2 statements, each stored separately\n"
        "    statements:\n"
        "      - Parks are well looked after\n"
        "        answer key: satisfaction.parks\n"
        "      - Streets are clean (required)\n"
        "        answer key: satisfaction.streets\n"
    ) in out
    assert (
        "    shown only if Question 13 (Parks are well looked after) is answered “Disagree”\n"
        in out
    )
    assert '    (satisfaction.parks == "disagree")\n' in out


def test_show_marks_other_options_and_sensitive_questions(tmp_path):
    """An 'Other' option says where its words go; a sensitive question says how it is kept."""
    out = shown(_every_kind(tmp_path))
    assert (
        "    ( ) Another area\n"
        "        value: other\n"
        "        asks for the respondent's own words as areas.other, up to 200 characters\n"
    ) in out
    faith = out[out.index("15. What is your religion?") :]
    assert faith.splitlines()[2] == f"    {SENSITIVE}"
    assert "Includes: surveykit:equality\n" in out


def test_show_json_has_settings_parts_and_answer_keys(tmp_path):
    """`--json` gives each kind's settings as data, its parts, and where answers are stored."""
    status, out, _ = run("show", str(_every_kind(tmp_path)), "--json")
    data = json.loads(out)
    by_id = {q["id"]: q for s in data["sections"] for q in s["questions"]}
    assert status == 0
    assert by_id["staff"]["settings"] == {"min": 0, "max": 5000, "unit": "people"}
    assert by_id["staff"]["in_words"] == "a whole number, from 0 to 5,000 people"
    assert by_id["since"]["settings"] == {
        "precision": "month",
        "earliest": "1920-01-01",
        "latest": "today",
    }
    assert by_id["abroad"]["settings"] == {"international": True}
    assert by_id["order"]["settings"] == {"min_ranked": 2, "max_ranked": 3}
    grid = by_id["satisfaction"]
    assert grid["answer_keys"] == ["satisfaction.parks", "satisfaction.streets"]
    assert [(p["id"], p["kind"], p["required"]) for p in grid["parts"]] == [
        ("satisfaction.parks", "single", False),
        ("satisfaction.streets", "single", True),
    ]
    assert [r["id"] for r in grid["settings"]["rows"]] == ["parks", "streets"]
    areas = by_id["areas"]
    assert areas["answer_keys"] == ["areas", "areas.other"]
    assert areas["options"][1] == {
        "value": "other",
        "label": "Another area",
        "hint": None,
        "other": True,
        "max_length": 200,
    }
    assert areas["parts"][0]["shown_if"] is not None
    assert by_id["faith"]["sensitive"] is True
    assert by_id["staff"]["sensitive"] is False
    assert all(q["sensitive"] for q in by_id.values() if q["id"].startswith("eq_"))
    assert data["consultation"]["include"] == ["surveykit:equality"]


# The residents' survey -----------------------------------------------------------------------


def test_the_residents_survey_validates_and_uses_every_kind():
    """The second reference spec loads and asks at least one question of every kind."""
    status, out, _ = run("validate", str(RESIDENTS))
    assert status == 0, out
    c = load_spec(RESIDENTS)
    kinds = {q.kind for q in c.questions}
    assert kinds >= set(BUILT_IN_KINDS)
    assert any(o.other for q in c.questions if q.kind == "multi" for o in q.options)
    assert c.sections[-1].id == "equality"
    assert c.publication.consent_question == "consent"


def test_the_residents_survey_is_shown_in_full():
    """`show` presents every question, in spec order, and --json lists every answer key."""
    c = load_spec(RESIDENTS)
    out = shown(RESIDENTS)
    positions = [out.index(f"    id {q.id}, {q.kind}") for q in c.questions]
    assert positions == sorted(positions)
    _, raw, _ = run("show", str(RESIDENTS), "--json")
    keys = [
        k for s in json.loads(raw)["sections"] for q in s["questions"] for k in q["answer_keys"]
    ]
    kinds = get_plugins().kinds
    assert keys == [p.id for q in c.questions for p in parts_of(q, kinds)]


# Any spec -------------------------------------------------------------------------------------


@given(specs())
def test_any_spec_is_shown_whole(c):
    """Every question gets its line and its JSON entry; the JSON survives a round trip."""
    kinds = get_plugins().kinds
    text = "\n".join(line.text for line in spec_lines(c, kinds))
    for q in c.questions:
        assert f"    id {q.id}, {q.kind}" in text
    data = spec_as_dict(c, kinds)
    assert json.loads(json.dumps(data)) == data
    listed = [q["id"] for s in data["sections"] for q in s["questions"]]
    assert listed == [q.id for q in c.questions]
