"""Spec errors: every invalid example fails with exactly its golden text, and every problem is
located, coded and documented.

The examples live in ``tests/specs/invalid/<name>.toml``, each with the exact ``str(SpecError)``
in ``<name>.txt`` (file paths relative to the repository root).  Valid examples in
``tests/specs/valid`` have their warnings in ``<name>.warnings.txt``.  After a deliberate change
to a message, rewrite the golden files with ``SURVEYKIT_REGOLD=1 pytest tests/test_spec_errors.py``
and read the diff.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveykit import Registry, SpecError, load_spec, loads_spec
from surveykit.spec import CODES, WARNING_CODES

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "tests" / "specs"
INVALID = sorted((SPECS / "invalid").glob("*.toml"))
VALID = sorted((SPECS / "valid").glob("*.toml"))
DOCS = ROOT / "docs" / "errors.md"
REGOLD = os.environ.get("SURVEYKIT_REGOLD") == "1"

#: Answer problem codes named in the brief; the test below also finds any added since.
ANSWER_CODES = {
    "required",
    "unknown_question",
    "unknown_option",
    "too_long",
    "wrong_type",
    "not_a_mapping",
}


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _error(path: Path) -> SpecError:
    with pytest.raises(SpecError) as info:
        load_spec(path)
    return info.value


def _error_text(path: Path) -> str:
    """``str(SpecError)`` with the spec's path written relative to the repository root."""
    return str(_error(path)).replace(str(path), _relative(path)) + "\n"


def _warnings_text(path: Path) -> str:
    lines = [str(w).replace(str(path), _relative(path)) for w in load_spec(path).warnings]
    return "".join(f"{line}\n" for line in lines)


def _check_golden(golden: Path, actual: str) -> None:
    if REGOLD:
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"{_relative(golden)} is missing; run with SURVEYKIT_REGOLD=1"
    assert actual == golden.read_text(encoding="utf-8")


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


# golden texts ----------------------------------------------------------------------------------


def test_there_are_examples():
    """The example folders are where this module looks for them."""
    assert len(INVALID) >= 20
    assert VALID


def test_every_invalid_example_has_a_golden_text_and_every_golden_an_example():
    """Each invalid spec has its <name>.txt, and no golden text is left without its spec."""
    specs = {p.stem for p in INVALID}
    goldens = {p.stem for p in (SPECS / "invalid").glob("*.txt")}
    assert specs == goldens


def test_every_valid_example_has_a_golden_warnings_text():
    """Each valid spec has its <name>.warnings.txt (empty when it loads without warnings)."""
    specs = {p.stem for p in VALID}
    goldens = {p.name.removesuffix(".warnings.txt") for p in (SPECS / "valid").glob("*.txt")}
    assert specs == goldens


@pytest.mark.parametrize("path", INVALID, ids=_ids(INVALID))
def test_invalid_example_fails_with_its_golden_text(path):
    """Loading the example raises SpecError whose text is exactly the golden one."""
    _check_golden(path.with_suffix(".txt"), _error_text(path))


@pytest.mark.parametrize("path", VALID, ids=_ids(VALID))
def test_valid_example_loads_with_its_golden_warnings(path):
    """Loading the example succeeds, with exactly the golden warnings."""
    _check_golden(path.with_name(f"{path.stem}.warnings.txt"), _warnings_text(path))


# each problem ----------------------------------------------------------------------------------

#: Problems about something absent from the whole file have no line to point at.
_NO_LINE = {"consultation", "sections"}


def _question_id(path: Path, problem_path: str | None) -> str | None:
    """The id written in the spec for the question a problem's path is in, if any."""
    match = re.match(r"sections\[(\d+)\]\.questions\[(\d+)\]", problem_path or "")
    if not match:
        return None
    text = path.read_text(encoding="utf-8")
    question = tomllib.loads(text)["sections"][int(match[1])]["questions"][int(match[2])]
    qid = question.get("id")
    return qid if isinstance(qid, str) else None


@pytest.mark.parametrize("path", INVALID, ids=_ids(INVALID))
def test_every_problem_has_a_code_a_line_and_its_question(path):
    """Each problem has a documented code, the file, a line, and the question it is about."""
    for problem in _error(path).problems:
        assert problem.code in CODES
        assert problem.file == str(path)
        assert problem.message
        assert "\n" not in problem.message
        if problem.line is None:
            assert problem.code == "missing_key", problem
            assert problem.path in _NO_LINE, problem
        else:
            assert 1 <= problem.line <= path.read_bytes().count(b"\n") + 1
        if problem.code not in ("toml_syntax", "unreadable"):
            assert problem.question == _question_id(path, problem.path), problem


@pytest.mark.parametrize("path", INVALID, ids=_ids(INVALID))
def test_problems_are_in_line_order(path):
    """Problems are listed in the order of the lines they point at, as an editor shows them."""
    lines = [p.line or 0 for p in _error(path).problems]
    assert lines == sorted(lines)


def test_a_condition_syntax_error_carries_its_column():
    """The column of a condition syntax error is kept on the problem, as well as in its words."""
    problems = _error(SPECS / "invalid" / "condition_syntax.toml").problems
    columns = {p.question: p.column for p in problems}
    assert columns["q2"] == 4
    assert columns["q4"] == 12


def test_warnings_have_a_code_a_line_and_their_question():
    """Each warning is as well located as a problem."""
    for path in VALID:
        for warning in load_spec(path).warnings:
            assert warning.code in WARNING_CODES
            assert warning.line is not None
            assert warning.question == _question_id(path, warning.path)


# codes -----------------------------------------------------------------------------------------


def _example_codes() -> set[str]:
    codes = {p.code for path in INVALID for p in _error(path).problems}
    return codes | {w.code for path in VALID for w in load_spec(path).warnings}


def test_every_code_has_an_example():
    """Each problem and warning code is shown by at least one example spec."""
    assert set(CODES) | set(WARNING_CODES) <= _example_codes()


def _codes_in_source(*paths: Path, patterns: tuple[str, ...]) -> set[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in paths)
    return {code for pattern in patterns for code in re.findall(pattern, text)}


def test_every_code_the_loader_uses_is_listed():
    """A code written anywhere in the loader is one of CODES or WARNING_CODES."""
    src = ROOT / "src" / "surveykit"
    used = _codes_in_source(
        src / "spec.py",
        src / "_structure.py",
        patterns=(
            r"\b(?:problem|warn|SpecProblem|ValueProblem)\(\s*\"(\w+)\"",
            r"\bLeaf\([^()]*?\"(\w+)\"",
        ),
    )
    assert used
    assert used <= set(CODES) | set(WARNING_CODES)


def _answer_codes() -> set[str]:
    sources = [*(ROOT / "src" / "surveykit").glob("*.py"), *(ROOT / "plugins").rglob("*.py")]
    found = _codes_in_source(
        *sources,
        patterns=(r"\bRejected\(\s*\"(\w+)\"", r"\bAnswerProblem\(\s*[^,()]+,\s*\"(\w+)\""),
    )
    return found | ANSWER_CODES


def test_the_answer_codes_are_found_in_the_source():
    """The answer codes of the engine and the built-in kinds are where this module looks."""
    sources = [*(ROOT / "src" / "surveykit").glob("*.py"), *(ROOT / "plugins").rglob("*.py")]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    for code in ANSWER_CODES:
        assert f'"{code}"' in text


def _documented() -> set[str]:
    """Codes that are a heading (### `code`) or the first cell of a table row in errors.md."""
    text = DOCS.read_text(encoding="utf-8")
    headings = re.findall(r"^#+\s+`(\w+)`\s*$", text, re.M)
    rows = re.findall(r"^\|\s*`(\w+)`\s*\|", text, re.M)
    return set(headings) | set(rows)


@pytest.mark.parametrize("code", sorted(set(CODES) | set(WARNING_CODES) | _answer_codes()))
def test_every_code_is_documented(code):
    """docs/errors.md has a heading or table row for each spec, warning and answer code."""
    assert code in _documented()


def _doc_examples() -> list[str]:
    """The example messages in the spec sections of errors.md (before "Answer problems")."""
    text = DOCS.read_text(encoding="utf-8").split("## Answer problems")[0]
    blocks = re.findall(r"```text\n(.*?)```", text, re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_the_documented_examples_are_real_messages():
    """Every example message in docs/errors.md is one an example spec really produces."""
    real = set()
    for path in [*INVALID, *VALID]:
        golden = path.with_suffix(".txt") if path in INVALID else path.with_suffix(".warnings.txt")
        golden = golden if golden.exists() else path.with_name(f"{path.stem}.warnings.txt")
        real |= {line.split(":", 1)[1] for line in golden.read_text(encoding="utf-8").splitlines()}
    examples = _doc_examples()
    assert examples
    for example in examples:
        assert example.split(":", 1)[1] in real, example


# plain words -----------------------------------------------------------------------------------

_NOT_PLAIN = re.compile(
    r"Traceback|Error\b|Exception|object has no attribute|NoneType|<class|\bdict\b|\btuple\b"
    r"|\bstr\b|\bint\b|\[\d+\]\.|\\n"
)


@pytest.mark.parametrize("path", INVALID, ids=_ids(INVALID))
def test_messages_are_plain_words(path):
    """No message shows Python internals: no traceback, type names or zero-based paths."""
    text = (path.with_suffix(".txt")).read_text(encoding="utf-8")
    assert not _NOT_PLAIN.search(text)
    for line in text.splitlines():
        assert line.startswith(_relative(path))


def test_a_missing_file_is_reported_without_a_traceback(tmp_path):
    """A spec that is not there is one plain problem, with no line."""
    error = _error(tmp_path / "nowhere.toml")
    (problem,) = error.problems
    assert problem.code == "unreadable"
    assert problem.line is None
    expected = f"{tmp_path / 'nowhere.toml'}: cannot read the spec: No such file or directory"
    assert str(error) == expected


def test_without_kind_plugins_every_kind_is_unknown():
    """With no kind plugin loaded, the message says so instead of listing nothing."""
    text = (SPECS / "valid" / "minimal.toml").read_text(encoding="utf-8")
    with pytest.raises(SpecError) as info:
        loads_spec(text, source="minimal.toml", kinds=Registry("question kind"))
    assert str(info.value) == (
        "minimal.toml:15: question q1: unknown kind 'text'; known kinds: none (no kind plugin is "
        "loaded)"
    )


def test_text_given_directly_is_named_by_its_source():
    """loads_spec names the spec by ``source``, and by "<spec>" when none is given."""
    with pytest.raises(SpecError) as info:
        loads_spec("[consultation\n")
    assert str(info.value).startswith("<spec>:1: not valid TOML: ")


# robustness ------------------------------------------------------------------------------------

_BASE = (SPECS / "valid" / "branching.toml").read_text(encoding="utf-8")
_BASE_LINES = _BASE.splitlines()
_VALUES = st.sampled_from(
    [
        "1",
        "-3",
        "1.5",
        "true",
        '""',
        '"x"',
        "[]",
        '["a", 1]',
        "{}",
        "{ a = 1 }",
        "2015-02-28",
        "17:00:00",
        "'q1 =='",
        '"answered(q9)"',
        '[{ value = "a" }]',
    ]
)


@st.composite
def _mangled_specs(draw: st.DrawFn) -> str:
    """The branching example with a few values, keys or characters changed at random."""
    lines = list(_BASE_LINES)
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["value", "key", "delete", "duplicate", "chars"]))
        key, eq, _ = lines[n].partition(" = ")
        if action == "value" and eq:
            lines[n] = f"{key} = {draw(_VALUES)}"
        elif action == "key" and eq:
            new_key = draw(st.sampled_from(["id", "kind", "options", "x", "text", "shown_if"]))
            lines[n] = f"{new_key} = {lines[n].partition(' = ')[2]}"
        elif action == "delete":
            del lines[n]
        elif action == "duplicate":
            lines.insert(n, lines[n])
        else:
            at = draw(st.integers(0, len(lines[n])))
            lines[n] = lines[n][:at] + draw(st.text(max_size=3)) + lines[n][at:]
    return "\n".join(lines) + "\n"


@given(_mangled_specs())
def test_a_mangled_spec_loads_or_fails_with_plain_located_problems(text):
    """Whatever is wrong, loading either succeeds or raises SpecError with coded problems."""
    try:
        loads_spec(text, source="mangled.toml")
    except SpecError as error:
        problems = error.problems
    else:
        return
    assert problems
    for problem in problems:
        assert problem.code in CODES
        assert not _NOT_PLAIN.search(problem.message), problem
        assert problem.line is not None or problem.code == "missing_key"


def test_a_time_zone_with_the_wrong_capitals_is_corrected():
    """A time zone that differs only in capitals or spaces is named as it should be written."""
    text = (SPECS / "valid" / "minimal.toml").read_text(encoding="utf-8")
    text = text.replace("closes = 2015-03-13", 'closes = 2015-03-13\ntimezone = "europe/london "')
    with pytest.raises(SpecError) as info:
        loads_spec(text, source="spec.toml")
    assert str(info.value) == (
        "spec.toml:7: [consultation]: unknown time zone 'europe/london '; "
        "did you mean 'Europe/London'?"
    )


def test_a_problem_repeated_in_one_condition_is_reported_once():
    """A condition naming the same unknown question twice gives one problem, not two."""
    text = (SPECS / "valid" / "minimal.toml").read_text(encoding="utf-8")
    text += 'shown_if = \'q0 == "a" or q0 == "b"\'\n'
    with pytest.raises(SpecError) as info:
        loads_spec(text, source="spec.toml")
    assert [p.code for p in info.value.problems] == ["bad_reference"]


# empty lists ----------------------------------------------------------------------------------

_VALID_LEAVES = st.sampled_from(["answered(q1)", 'q1 == "yes"', 'q1 != "no"', 'q1 in ["yes"]'])
_VALID_CONDITIONS = st.recursive(
    _VALID_LEAVES,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
            lambda t: f"({t[0]}) {t[1]} ({t[2]})"
        ),
        inner.map(lambda c: f"not ({c})"),
    ),
    max_leaves=4,
)


@given(_VALID_CONDITIONS, st.sampled_from(["q1 in []", "q1 not in []"]), st.booleans())
def test_an_empty_list_anywhere_in_a_condition_is_refused(condition, empty, first):
    """Whatever a condition is built of, a test against an empty list refuses the spec with
    empty_list (and nothing else), naming the question; the same condition without it loads."""
    spec = (
        '[consultation]\nid = "c"\ntitle = "T"\npublisher = "P"\ncloses = 2030-01-01\n\n'
        '[[sections]]\nid = "s"\ntitle = "S"\n\n'
        '[[sections.questions]]\nid = "q1"\ntext = "Yes?"\nkind = "single"\n'
        'options = [{ value = "yes", label = "Yes" }, { value = "no", label = "No" }]\n\n'
        '[[sections.questions]]\nid = "q2"\ntext = "Why?"\nkind = "text"\n'
        "shown_if = 'CONDITION'\n"
    )
    parts = [f"({condition})", empty] if first else [empty, f"({condition})"]
    loads_spec(spec.replace("CONDITION", condition), source="spec.toml")
    with pytest.raises(SpecError) as info:
        loads_spec(spec.replace("CONDITION", " and ".join(parts)), source="spec.toml")
    assert [(p.code, p.question) for p in info.value.problems] == [("empty_list", "q2")]
