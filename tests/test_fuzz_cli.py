"""Issue 14, item 14: Hypothesis throws hostile input at the command line, in-process, and every
run must end in an exit status that docs/cli.md lists for the command, with plain refusals: no
"unexpected ..." (the wrapper for an exception nobody documented), no traceback, no driver
message.  Specs for `validate` and `show`, answer lines for `check`, rosters for `tokens issue`
and answer files for `submit` (on a real SQLite file and the real PostgreSQL server).  The web
form's posts are fuzzed in tests/web/test_web_bad_input.py.

Each test is sized to take a few seconds under the "dev" profile on a two-core machine.
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostile import CRASH, SPEC, issue_token, run, write_spec
from surveykit.csvsafe import FORMULA_STARTS
from surveykit.storage import open_store

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def documented_statuses(command: str) -> set[int]:
    """The statuses docs/cli.md lists for ``surveykit COMMAND``: "Exit status: 0 ...; 1 ..."."""
    text = DOCS.read_text(encoding="utf-8")
    section = re.search(rf"^## `surveykit {command}\b.*?(?=^## |\Z)", text, re.M | re.S)
    assert section, f"docs/cli.md has no section for {command}"
    listed = re.search(r"^Exit status: (.*?)(?:\n\n|\Z)", section.group(), re.M | re.S)
    assert listed, f"docs/cli.md does not list the exit statuses of {command}"
    statuses = {int(part.split()[0]) for part in listed.group(1).split(";")}
    assert statuses
    return statuses


def assert_refused_plainly(command: str, status: int, err: str) -> None:
    """A documented status, and nothing on standard error a person cannot act on."""
    assert status in documented_statuses(command), (status, err)
    assert not CRASH.search(err), err
    assert not re.search(r"^(DETAIL|CONTEXT|HINT|LINE \d+):", err, re.M), err


# specs -----------------------------------------------------------------------------------------

_KEYS = st.sampled_from(
    ["id", "text", "kind", "options", "shown_if", "required", "max_length", "title", "closes",
     "opens", "timezone", "value", "label", "number", "hint", "publisher", "threshold", "x y",
     "consent", "quote", "identifying", "role", "authority_type", "authority", "intro"]
)  # fmt: skip
_NESTED = st.builds(
    lambda n, inner, table: ("{a=" * n + inner + "}" * n) if table else ("[" * n + inner + "]" * n),
    st.integers(0, 40) | st.integers(400, 3000),
    st.sampled_from(['"v"', "1", "[]", "{}"]),
    st.booleans(),
)
_VALUES = st.one_of(
    _NESTED,
    _NESTED,
    st.sampled_from(
        [
            '"\\u0000"',
            '"a\\u001bb"',
            '"\\t\\n"',
            "inf",
            "nan",
            "-0",
            "1e999",
            "9" * 5000,
            "2015-02-30",
            "2015-03-13T25:00:00",
            "true",
            "'''x'''",
            '"""\n[[\n"""',
            '[{ value = "" }]',
            '[{ value = "yes", label = "Yes" }, { colour = 1 }]',
            "{ value = 1 }",
            '""',
            "[,]",
        ]
    ),
    st.text(max_size=20).map(json.dumps),
    st.lists(
        st.sampled_from(['"q1"', '"q2"', '"q3"', '"yes"', '"a"', '"role"', "1"]), max_size=3
    ).map(lambda items: f"[{', '.join(items)}]"),
)
_CONDITION_TOKENS = st.sampled_from(
    ["not", "and", "or", "(", ")", "q1", "q2", "q3", "==", "!=", "in", "[", "]", ",", '"yes"',
     '"a"', "answered", "=", "&&", '"\\u0000"', "q9", "not in"]
)  # fmt: skip
_CONDITIONS = st.one_of(
    st.lists(_CONDITION_TOKENS, max_size=12).map(" ".join),
    st.integers(0, 40).map(lambda n: "not " * n + 'q1 == "yes"'),
    st.integers(300, 1000).map(lambda n: "not " * n + 'q1 == "yes"'),
    st.integers(0, 1000).map(lambda n: "(" * n + 'q1 == "yes"' + ")" * n),
    st.integers(0, 60).map(lambda n: 'q1 == "yes" and (' * n + '"a" in q3' + ")" * n),
)
_HEADERS = st.sampled_from(
    ["[consultation]", "[[sections]]", "[[sections.questions]]", "[[roles]]", "[publication]",
     "[roster]", "[[sections.questions.options]]", "[deep]"]
)  # fmt: skip


@st.composite
def _specs(draw) -> bytes:
    """The test spec with a few hostile edits: values replaced, keys, lines and headers added or
    removed, conditions made of any tokens, the file cut short or not UTF-8.  Most edits keep
    the file TOML, so that the checks after the TOML reader get hostile input too."""
    lines = SPEC.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines)))
        keyed = [n for n, line in enumerate(lines) if " = " in line]
        match draw(st.sampled_from(["replace"] * 3 + ["condition"] * 3 + ["key", "line", "cut"])):
            case "replace" if keyed:
                n = draw(st.sampled_from(keyed))
                lines[n] = f"{lines[n].split(' = ', 1)[0]} = {draw(_VALUES)}"
            case "condition":  # most often in a question's own table, where it is read
                ids = [n for n, line in enumerate(lines) if line in ('id = "q2"', 'id = "q3"')]
                at = draw(st.sampled_from(ids)) + 1 if ids and draw(st.booleans()) else at
                lines.insert(at, f"shown_if = '{draw(_CONDITIONS)}'")
            case "key":
                lines.insert(at, f"{draw(_KEYS)} = {draw(_VALUES)}")
            case "line":
                lines.insert(at, draw(st.text(max_size=30) | _HEADERS))
            case "cut" if lines:
                del lines[min(at, len(lines) - 1)]
    data = "\n".join(lines).encode("utf-8", errors="surrogatepass")
    if draw(st.integers(0, 7)) == 3:  # not 0, which Hypothesis tries often
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.integers(0, 9)) == 5:
        data += b"\n# caf\xe9\n"
    return data


@given(_specs())
def test_validate_and_show_refuse_any_spec_plainly(data):
    """Whatever the spec holds, `validate` lists problems as FILE:LINE lines and `show` refuses
    in plain lines, with a documented status; neither crashes."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "spec.toml"
        path.write_bytes(data)
        status, out, err = run("validate", str(path))
        assert_refused_plainly("validate", status, err)
        if status == 1:
            assert err == f"{path}: {err.split(': ', 1)[1]}"
            assert all(line.startswith(f"{path}") for line in out.splitlines())
        status, _, err = run("show", str(path))
        assert_refused_plainly("show", status, err)
        if status == 1:
            assert err.startswith(f"Error: {path}")


# answer lines for check ----------------------------------------------------------------------

_answer_values = st.one_of(
    st.sampled_from(["yes", "no", "a", "b", "", "  "]),
    st.text(max_size=20),
    st.lists(st.sampled_from(["a", "b", "c", "a\x00"]), max_size=3),
    st.integers() | st.floats() | st.none() | st.booleans(),
)
_records = st.dictionaries(
    st.sampled_from(["q1", "q2", "q3", "q9", ""]) | st.text(max_size=5), _answer_values, max_size=4
)
_LINES = st.one_of(
    _records.map(lambda r: json.dumps(r).encode()),
    _records.map(lambda r: json.dumps(r, ensure_ascii=False).encode("utf-8", "surrogatepass")),
    st.binary(max_size=30),
    st.integers(0, 3000).map(lambda n: b"[" * n + b"]" * n),
    st.sampled_from([b"NaN", b'{"q2": 1e999}', b'{"q2": "\\udfff"}', b"[]", b"1", b'"x"', b""]),
)


@given(st.lists(_LINES, min_size=1, max_size=8))
def test_check_reads_any_answer_lines_plainly(lines):
    """One strict JSON line out per line in (blank lines aside), whatever came in; statuses as
    documented; nothing on standard error."""
    lines = [line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines]
    with tempfile.TemporaryDirectory() as scratch:
        spec = write_spec(Path(scratch))
        answers = Path(scratch) / "answers.jsonl"
        answers.write_bytes(b"\n".join(lines) + b"\n")
        status, out, err = run("check", str(spec), "--answers", str(answers))
    assert_refused_plainly("check", status, err)
    assert err == ""
    # JSON Lines end at a line feed only: U+0085 or U+2028 inside a string is not a line end.
    printed = out.split("\n")
    assert printed.pop() == ""
    records = [json.loads(line, parse_constant=_not_json) for line in printed]
    expected = [
        n for n, line in enumerate(lines, 1) if line.decode("utf-8", "surrogateescape").strip()
    ]
    assert [r["line"] for r in records] == expected
    assert status == (1 if any(r["problems"] for r in records) else 0)


def _not_json(name: str) -> None:
    raise AssertionError(f"check printed {name}, which is not JSON")


# rosters -------------------------------------------------------------------------------------

_CELLS = st.one_of(
    st.sampled_from(
        [
            "Kent County Council",
            "county",
            "shire",
            "leader",
            "other",
            "boss",
            "",
            "Ada",
            "ada@kent.example",
            "not an email",
            '=HYPERLINK("https://evil.example","x")',
            "+1",
            "-Kent",
            "@Ada",
            "A\x00B",
            "Tab\there",
            "Ä ö",
            '"quoted, with comma"',
        ]
    ),
    st.text(max_size=15),
    st.integers(131_000, 131_100).map(lambda n: "x" * n),
)
_ROWS = st.lists(st.lists(_CELLS, min_size=0, max_size=6), min_size=0, max_size=5)


def _csv_line(cells: list[str]) -> str:
    return ",".join(
        '"' + c.replace('"', '""') + '"' if set(c) & set(',"\n\r') else c for c in cells
    )


@given(_ROWS, st.booleans(), st.binary(max_size=20))
def test_tokens_issue_reads_any_roster_plainly(rows, with_header, junk):
    """Any roster: links issued, or every problem listed and nothing imported; a documented
    status; and no cell of a links file starts with a formula character."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        spec = write_spec(folder)
        roster = folder / "roster.csv"
        header = ["authority,authority_type,role,name,email"] if with_header else []
        text = "\n".join([*header, *map(_csv_line, rows)]) + "\n"
        roster.write_bytes(text.encode("utf-8", "surrogatepass") + (junk if not rows else b""))
        out = folder / "links.csv"
        db = f"sqlite:///{folder}/responses.db"
        status, _, err = run(
            "tokens", "issue", str(spec), "--db", db, "--roster", str(roster), "--out", str(out)
        )
        assert_refused_plainly("tokens issue", status, err)
        if status != 0:
            assert err.startswith("Error: ")
            assert not out.exists()
            with open_store(db) as store:
                assert list(store.respondents("stock")) == []
        elif out.exists():
            cells = [c for line in out.read_text(encoding="utf-8").splitlines()[1:] for c in
                     line.split(",")]  # fmt: skip
            assert not [c for c in cells if c[:1] in FORMULA_STARTS]


# answer files for submit ---------------------------------------------------------------------

_SUBMITTED = st.one_of(
    _records.map(lambda r: json.dumps({"q1": "yes", **r}).encode()),
    _records.map(lambda r: json.dumps(r, ensure_ascii=False).encode("utf-8", "surrogatepass")),
    st.binary(max_size=40),
    _LINES,
    st.integers(0, 100_000).map(lambda n: b"[" * n),
)


@pytest.mark.parametrize("store_kind", ["sqlite", "postgresql"])
def test_submit_reads_any_answers_file_plainly(store_kind, tmp_path, request, monkeypatch):
    """Any answers file: stored as the next version (status 0), or refused plainly with nothing
    stored; SQLite and the real PostgreSQL server alike."""
    if store_kind == "sqlite":
        db = f"sqlite:///{tmp_path}/responses.db"
    else:
        monkeypatch.setenv("SURVEYKIT_SECRET", secrets.token_urlsafe(32))
        db = request.getfixturevalue("postgres_url")
    spec = write_spec(tmp_path)
    token = issue_token(tmp_path, spec, db)
    answers = tmp_path / "answers.json"

    def versions() -> int:
        with open_store(db) as store:
            [who] = store.respondents("stock")
            return len(store.history(who.id))

    @given(_SUBMITTED)
    def submit(data):
        answers.write_bytes(data)
        before = versions()
        status, _, err = run(
            "submit", str(spec), "--db", db, "--token", token, "--answers", str(answers)
        )
        assert_refused_plainly("submit", status, err)
        assert versions() == before + (1 if status == 0 else 0)
        if status != 0:
            assert err.startswith("Error: ")

    submit()
