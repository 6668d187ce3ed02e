"""Question banks: ``include`` appends each bank's sections after the spec's own, and every
problem in a bank is reported at the bank's FILE:LINE."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveykit import SpecError, load_spec, loads_spec
from surveykit import spec as spec_module
from surveykit.spec import packaged_banks

HEAD = """\
[consultation]
id = "banks"
title = "Banks"
publisher = "Test"
closes = 2030-01-01
"""


def section(sid: str, *qids: str, condition: str | None = None) -> str:
    text = f'\n[[sections]]\nid = "{sid}"\ntitle = "Section {sid}"\n'
    for qid in qids:
        text += f'\n[[sections.questions]]\nid = "{qid}"\ntext = "{qid}?"\nkind = "single"\n'
        text += 'options = [{ value = "yes", label = "Yes" }, { value = "no", label = "No" }]\n'
        if condition:
            text += f"shown_if = '{condition}'\n"
    return text


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def including(*names: str) -> str:
    listed = ", ".join(f'"{n}"' for n in names)
    return HEAD + f"include = [{listed}]\n"


def error(path: Path) -> SpecError:
    with pytest.raises(SpecError) as info:
        load_spec(path)
    return info.value


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def test_banks_follow_the_specs_sections_in_the_order_included(tmp_path):
    """Paths are relative to the spec's folder; a bank's questions may read the spec's."""
    write(tmp_path, "banks/one.toml", section("one", "b1", condition='a1 == "yes"'))
    write(tmp_path, "two.toml", section("two", "b2"))
    spec = write(tmp_path, "spec/main.toml", including("../banks/one.toml", "../two.toml"))
    spec.write_text(spec.read_text() + section("own", "a1"))
    consultation = load_spec(spec)
    assert [s.id for s in consultation.sections] == ["own", "one", "two"]
    assert [q.id for q in consultation.questions] == ["a1", "b1", "b2"]
    assert consultation.question("b1").condition is not None


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=20)
@given(st.integers(0, 4), st.integers(0, 4))
def test_including_a_bank_is_pasting_its_sections_at_the_end(tmp_path, cut, second):
    """However the sections are split between the spec and its banks, the consultation is the
    same as one spec holding them all, and a problem is at the same line of its own file."""
    sections = [
        section(f"s{i}", f"q{i}", condition="answered(q0)" if i else None) for i in range(5)
    ]
    sections[4] = sections[4].replace('kind = "single"', 'kind = "singel"')
    cut, second = sorted((cut, second))
    whole = HEAD + "".join(sections)
    banks = [("a.toml", sections[cut:second]), ("b.toml", sections[second:])]
    names = [name for name, part in banks if part]
    for name, part in banks:
        if part:
            write(tmp_path, name, "".join(part))
    split = write(tmp_path, "spec.toml", including(*names) + "".join(sections[:cut]))
    alone = write(tmp_path, "whole.toml", whole)
    expected, got = error(alone).problems, error(split).problems
    assert [(p.code, p.message, p.question) for p in got] == [
        (p.code, p.message, p.question) for p in expected
    ]
    [problem] = got
    holder = next((name for name, part in banks if sections[4] in part), None)
    assert problem.file == str(tmp_path / holder) if holder else str(split)
    assert problem.line == line_of(Path(problem.file).read_text(), 'kind = "singel"')
    fixed = {p: p.read_text().replace("singel", "single") for p in tmp_path.glob("*.toml")}
    for path, text in fixed.items():
        path.write_text(text)
    assert load_spec(split).questions == load_spec(alone).questions


def test_a_packaged_bank_is_named_surveykit_and_its_file_name(tmp_path, monkeypatch):
    bank = write(tmp_path, "mine.toml", section("mine", "m1"))
    monkeypatch.setattr(spec_module, "packaged_banks", lambda: {"mine": bank})
    text = including("surveykit:mine") + section("own", "a1")
    assert [q.id for q in loads_spec(text).questions] == ["a1", "m1"]
    with pytest.raises(SpecError) as info:
        loads_spec(including("surveykit:mien") + section("own", "a1"), source="s.toml")
    assert str(info.value) == (
        "s.toml:6: [consultation]: include names 'surveykit:mien', which is not a packaged "
        "question bank; did you mean 'surveykit:mine'?"
    )
    with pytest.raises(SpecError) as info:
        loads_spec(including("surveykit:zzz") + section("own", "a1"), source="s.toml")
    assert str(info.value).endswith("; the packaged banks are: surveykit:mine")


def test_every_file_in_the_banks_folder_is_a_packaged_bank():
    folder = Path(spec_module.__file__).parent / "banks"
    assert set(packaged_banks()) == {p.stem for p in folder.glob("*.toml")}


def test_a_problem_in_a_bank_is_at_the_banks_line(tmp_path):
    text = section("b", "b1").replace('"yes", label', '"yes", lable')
    bank = write(tmp_path, "bank.toml", text)
    spec = write(tmp_path, "spec.toml", including("bank.toml") + section("own", "a1"))
    [problem] = error(spec).problems
    assert (problem.file, problem.line, problem.question) == (
        str(bank),
        line_of(text, "lable"),
        "b1",
    )
    assert problem.path == "sections[0].questions[0].options[0].lable"
    assert str(problem).startswith(f"{bank}:{problem.line}: question b1: unknown key 'lable'")


def test_a_bank_holds_only_sections(tmp_path):
    text = HEAD + section("b", "b1")
    bank = write(tmp_path, "bank.toml", text)
    spec = write(tmp_path, "spec.toml", including("bank.toml") + section("own", "a1"))
    [problem] = error(spec).problems
    assert (problem.code, problem.file, problem.line) == ("bad_include", str(bank), 1)
    assert "a question bank holds only [[sections]] and their questions, not 'consultation'" in (
        problem.message
    )
    write(tmp_path, "bank.toml", "# nothing yet\n")
    [problem] = error(spec).problems
    assert (problem.code, problem.file) == ("bad_include", str(bank))
    assert problem.message.startswith("the question bank has no sections")


def test_a_bank_that_is_not_toml_is_a_syntax_error_in_the_bank(tmp_path):
    bank = write(tmp_path, "bank.toml", section("b", "b1") + "\nid = \n")
    spec = write(tmp_path, "spec.toml", including("bank.toml") + section("own", "a1"))
    [problem] = error(spec).problems
    assert (problem.code, problem.file) == ("toml_syntax", str(bank))
    assert problem.line == bank.read_text().count("\n")


def test_an_id_in_a_bank_that_clashes_names_both_files(tmp_path):
    text = section("b", "a1")
    bank = write(tmp_path, "bank.toml", text)
    spec = write(tmp_path, "spec.toml", including("bank.toml") + section("own", "a1"))
    [problem] = error(spec).problems
    first = line_of(spec.read_text(), 'id = "a1"')
    assert (problem.code, problem.file, problem.line) == (
        "duplicate_id",
        str(bank),
        line_of(text, 'id = "a1"'),
    )
    assert problem.message == (
        f"question id 'a1' is used twice (first on line {first} of {spec}); give each question "
        "its own id"
    )


@pytest.mark.parametrize(
    ("include", "code", "wanted"),
    [
        ('include = "bank.toml"', "wrong_type", "[consultation]: 'include' must be an array"),
        (
            'include = ["bank.toml", "bank.toml"]',
            "bad_include",
            "[consultation]: include names 'bank.toml' twice; include each question bank once",
        ),
        (
            'include = ["nowhere.toml"]',
            "bad_include",
            "[consultation]: cannot read the question bank 'nowhere.toml': No such file",
        ),
        ('inclde = ["bank.toml"]', "unknown_key", "[consultation]: unknown key 'inclde'; did you"),
    ],
)
def test_a_bad_include_is_reported_at_its_line(tmp_path, include, code, wanted):
    write(tmp_path, "bank.toml", section("b", "b1"))
    spec = write(tmp_path, "spec.toml", HEAD + include + "\n" + section("own", "a1"))
    [problem] = error(spec).problems
    assert (problem.code, problem.file, problem.line) == (code, str(spec), 6)
    assert problem.message.startswith(wanted)
