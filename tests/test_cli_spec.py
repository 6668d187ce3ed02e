"""The spec commands: validate, show and check, as an officer runs them."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

from surveykit.cli import main

ROOT = Path(__file__).resolve().parents[1]
TAKING_STOCK = ROOT / "specs" / "taking_stock.toml"
INVALID = ROOT / "tests" / "specs" / "invalid"
VALID = ROOT / "tests" / "specs" / "valid"


def run(*args: str) -> tuple[int, str, str]:
    """Run ``surveykit`` in-process through main(), returning (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def test_validate_taking_stock_prints_a_one_line_summary():
    """A good spec gives exit 0 and one line naming its size and closing time."""
    status, out, err = run("validate", str(TAKING_STOCK))
    assert (status, err) == (0, "")
    assert out == (
        f"{TAKING_STOCK}: OK: 'Taking stock', 25 questions in 8 sections (3 conditional), "
        "closes Friday 13 March 2015, end of day (Europe/London)\n"
    )


def test_validate_a_bad_spec_lists_every_problem_and_exits_1():
    """Each problem is a FILE:LINE: line on stdout, and a count goes to stderr."""
    spec = INVALID / "many_problems.toml"
    status, out, err = run("validate", str(spec))
    golden = (INVALID / "many_problems.txt").read_text()
    assert status == 1
    lines = out.splitlines()
    assert len(lines) == len(golden.strip().splitlines())
    assert all(line.startswith(f"{spec}:") for line in lines)
    assert err == f"{spec}: {len(lines)} problems; the spec was not loaded\n"


def test_validate_prints_warnings_but_passes():
    """Warnings are FILE:LINE: warning: lines and do not fail validation."""
    spec = VALID / "never_shown.toml"
    status, out, _ = run("validate", str(spec))
    assert status == 0
    warnings = [line for line in out.splitlines() if ": warning: " in line]
    assert len(warnings) == len((VALID / "never_shown.warnings.txt").read_text().splitlines())
    assert out.splitlines()[-1].startswith(f"{spec}: OK: ")


def test_show_describes_branching_in_words():
    """`show` names when a conditional question is asked, in words and as written."""
    status, out, _ = run("show", str(TAKING_STOCK))
    assert status == 0
    assert "14. If you answered yes, should that inspection be carried out by Ofsted?\n" in out
    assert '    shown only if Question 13 is answered “Yes”\n    (q13 == "yes")\n' in out
    assert "Closes: Friday 13 March 2015, end of day (Europe/London)\n" in out


def test_show_json_round_trips_the_structure():
    """`show --json` has every question, in order, with conditions as source text."""
    status, out, _ = run("show", str(TAKING_STOCK), "--json")
    data = json.loads(out)
    questions = [q for s in data["sections"] for q in s["questions"]]
    assert status == 0
    assert [q["id"] for q in questions][3:] == [f"q{n}" for n in range(1, 22)] + ["consent"]
    conditional = {q["id"]: q["shown_if"] for q in questions if q["shown_if"]}
    assert conditional == {
        "q2": 'q1 in ["some_changes", "none_relevant"]',
        "q14": 'q13 == "yes"',
        "q16": 'q15 == "yes"',
    }
    assert data["consultation"]["closes_at"] == "2015-03-14T00:00:00+00:00"


def test_check_prints_one_json_line_per_record(tmp_path):
    """`check` cleans hidden answers, lists visible ids and problems, and exits 1 on problems."""
    answers = tmp_path / "answers.jsonl"
    answers.write_text(
        '{"q1": "all_relevant", "q2": "now hidden", "role": "leader", '
        '"authority_type": "county", "authority": "Kent", "consent": "no_quote"}\n'
        "\n"
        '{"q13": "perhaps"}\n'
        "not json\n"
    )
    status, out, _ = run("check", str(TAKING_STOCK), "--answers", str(answers))
    first, second, third = (json.loads(line) for line in out.splitlines())
    assert status == 1
    assert first["line"] == 1
    assert first["answers"] == {
        "role": "leader",
        "authority_type": "county",
        "authority": "Kent",
        "q1": "all_relevant",
        "consent": "no_quote",
    }
    assert first["visible"] == [
        "role",
        "authority_type",
        "authority",
        "q1",
        *(f"q{n}" for n in (3, 4, 5, 6, 7, 8, 9, 10)),
        "q11",
        "q12",
        "q13",
        "q15",
        "q17",
        "q18",
        "q19",
        "q20",
        "q21",
        "consent",
    ]
    assert first["problems"] == []
    assert second["line"] == 3
    assert {p["code"] for p in second["problems"]} == {"required", "unknown_option"}
    assert third == {
        "line": 4,
        "answers": {},
        "visible": [],
        "problems": [
            {
                "question": None,
                "code": "bad_json",
                "message": "line 4 is not valid JSON: Expecting value at column 1",
            }
        ],
    }


def test_the_installed_command_never_shows_a_traceback(tmp_path):
    """Run as a real process, a missing spec is one line on stderr and exit status 1."""
    missing = tmp_path / "nope.toml"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "surveykit"), "validate", str(missing)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == f"{missing}: cannot read the spec: No such file or directory\n"


def test_a_bad_open_until_date_is_a_usage_error():
    """`--open-until` (shared by serve, answer and enter) names the bad value and the format."""
    status, _, err = run("serve", str(TAKING_STOCK), "--open-until", "13/03/2015")
    assert status == 2
    assert err.splitlines()[-1] == (
        "Error: Invalid value for '--open-until': '13/03/2015' is not a date: "
        "write it as 2030-12-31"
    )


def test_check_runs_the_engine_once_per_record(tmp_path, monkeypatch):
    """What is shown is read off the cleaned answers: no second pass to work it out."""
    from surveykit.engine import Engine
    from surveykit.spec import load_spec

    passes = []
    original = Engine.check

    def counted(self, answers):
        passes.append(answers)
        return original(self, answers)

    monkeypatch.setattr(Engine, "check", counted)
    answers = tmp_path / "answers.jsonl"
    answers.write_text('{"q13": "yes", "q14": "x"}\n{"q13": "no", "q14": "x"}\n{"q1": 5}\n')
    _, out, _ = run("check", str(TAKING_STOCK), "--answers", str(answers))
    assert len(passes) == 3
    lines = [json.loads(line) for line in out.splitlines()]
    engine = Engine(load_spec(TAKING_STOCK))
    for record, line in zip(list(passes), lines, strict=True):
        assert tuple(line["visible"]) == engine.visible(record)
    assert [line["visible"][-1] for line in lines] == ["consent"] * 3
