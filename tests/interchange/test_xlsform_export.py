"""XLSForm export: the file written, what is refused, and export-then-import round trips
(Taking Stock, one question of each kind, and generated consultations), plus the
``surveykit import`` / ``surveykit export`` commands end to end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from attrs import frozen
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from specgen import BUILT_IN_KINDS, answer_sets, consultations, differences, same_visibility
from xlsform_build import xlsx

from kindspecs import EVERY_KIND_QUESTIONS, spec_text
from surveykit import Consultation
from surveykit.cli import main
from surveykit.spec import load_spec, loads_spec
from surveykit.translations import fingerprint
from surveykit_interchange.api import ExportRefused, export_spec, import_form
from surveykit_kinds.dates import bound_of

ROOT = Path(__file__).resolve().parents[2]
TAKING_STOCK = ROOT / "specs" / "taking_stock.toml"


def round_trip(consultation: Consultation) -> Consultation:
    data = export_spec(consultation, "xlsform", file="spec.toml")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form.xlsx"
        path.write_bytes(data)
        return import_form(path, publisher="Tests", closes=dt.date(2099, 12, 31)).consultation


def _settings(question: Any) -> dict[str, Any]:
    """Settings with defaults said or not said alike, and month bounds at month precision."""
    found = dict(question.settings)
    for key, default in (
        ("decimals", 0),
        ("unit_prefix", False),
        ("international", False),
        ("total", False),
        ("precision", "day"),
    ):
        if found.get(key) == default:
            del found[key]
    for key in ("min_ranked", "max_ranked"):
        if found.get(key) == len(question.options):
            del found[key]
    month = found.get("precision") == "month"
    for key in ("earliest", "latest"):
        if key in found:
            found[key] = bound_of(found[key], month)
    return found


def _options(question: Any) -> list[tuple[str, str, bool]]:
    return [(o.value, o.label, o.other, o.max_length) for o in question.options]


def equivalence_problems(original: Consultation, imported: Consultation) -> list[str]:
    """specgen's differences, with settings and options compared as XLSForm can keep them."""
    found = [
        d for d in differences(original, imported) if ".settings:" not in d and ".options:" not in d
    ]
    if [q.id for q in original.questions] != [q.id for q in imported.questions]:
        return found
    for a, b in zip(original.questions, imported.questions, strict=True):
        if _settings(a) != _settings(b):
            found.append(f"{a.id}.settings: {_settings(a)} became {_settings(b)}")
        if _options(a) != _options(b):
            found.append(f"{a.id}.options: {_options(a)} became {_options(b)}")
    return found


def sheets(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(BytesIO(data), read_only=True)
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


# the file written ------------------------------------------------------------------------------


def test_the_file_is_an_xlsform_with_groups_choices_and_settings() -> None:
    consultation = loads_spec(
        spec_text(
            """
[[sections.questions]]
id = "pick"
text = "Pick one"
kind = "single"
required = true
options = [{ value = "a", label = "A" }, { value = "b", label = "B" }]

[[sections.questions]]
id = "why"
text = "Why?"
hint = "In a few words"
kind = "text"
max_length = 200
shown_if = 'pick == "b"'
""",
            section=("about", "About you"),
            title="Form",
        )
    )
    written = sheets(export_spec(consultation, "xlsform"))
    assert list(written) == ["survey", "choices", "settings"]
    assert written["survey"] == [
        ("type", "name", "label", "hint", "required", "relevant", "constraint"),
        ("begin_group", "about", "About you", None, None, None, None),
        ("select_one pick", "pick", "Pick one", None, "yes", None, None),
        ("text", "why", "Why?", "In a few words", None, "${pick} = 'b'", "string-length(.) <= 200"),
        ("end_group", None, None, None, None, None, None),
    ]
    assert written["choices"] == [
        ("list_name", "name", "label"),
        ("pick", "a", "A"),
        ("pick", "b", "B"),
    ]
    assert written["settings"] == [
        ("form_title", "form_id", "default_language"),
        ("Form", "t", "English (en)"),
    ]


def test_languages_are_written_as_label_columns() -> None:
    source = fingerprint("Hello")
    consultation = loads_spec(
        spec_text(
            f"""
[[sections.questions]]
id = "q"
text = "Hello"
kind = "text"

[translations.cy]
"q.text" = {{ text = "Helo", source = "{source}" }}
""",
            languages=["en", "cy"],
        )
    )
    survey = sheets(export_spec(consultation, "xlsform"))["survey"]
    assert survey[0][:4] == ("type", "name", "label::English (en)", "label::Welsh (cy)")
    assert survey[2][:4] == ("text", "q", "Hello", "Helo")


# refusals --------------------------------------------------------------------------------------


def test_what_xlsform_cannot_say_is_refused_all_at_once() -> None:
    consultation = loads_spec(
        spec_text(
            """
[[sections.questions]]
id = "name"
text = "Name"
kind = "text"

[[sections.questions]]
id = "grid"
text = "Grid"
kind = "grid"
rows = [{ id = "r", text = "Row" }]
options = [{ value = "y", label = "Yes" }]

[[sections.questions]]
id = "order"
text = "Order"
kind = "ranking"
max_ranked = 1
options = [{ value = "a", label = "A" }, { value = "b", label = "B" }]

[[sections.questions]]
id = "hinted"
text = "Hinted"
kind = "single"
options = [{ value = "a", label = "A", hint = "Say more" }]

[[sections.questions]]
id = "texty"
text = "Texty"
kind = "text"
shown_if = 'name == "Ann"'
"""
        )
    )
    with pytest.raises(ExportRefused) as refused:
        export_spec(consultation, "xlsform", file="spec.toml")
    assert refused.value.problems == (
        "question grid: xlsform has no question type for surveykit kind 'grid'",
        "question order: max_ranked: an XLSForm rank orders every option; this ranking asks "
        "for 1 of 2",
        "question hinted: option 'a' has a hint; XLSForm's choices have no hints",
        'question texty: shown_if `name == "Ann"`: text comparisons ignore case and spacing; '
        "XPath has no exact equivalent",
    )
    assert str(refused.value).splitlines()[0] == (
        "spec.toml: question grid: xlsform has no question type for surveykit kind 'grid' "
        "(cannot be written as XLSForm)"
    )


# round trips -----------------------------------------------------------------------------------


def test_taking_stock_exported_and_imported_back_is_equivalent() -> None:
    original = load_spec(TAKING_STOCK)
    imported = round_trip(original)
    assert equivalence_problems(original, imported) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_taking_stock_shows_the_same_questions_after_a_round_trip(data: st.DataObject) -> None:
    original = _TAKING_STOCK[0]
    answers = data.draw(answer_sets(original))
    same_visibility(original, _TAKING_STOCK[1], answers)


_TAKING_STOCK = (load_spec(TAKING_STOCK), round_trip(load_spec(TAKING_STOCK)))


def _every_kind_xlsform_can_say() -> str:
    blocks = EVERY_KIND_QUESTIONS.split("[[sections.questions]]")
    kept = [b for b in blocks if b.strip() and 'kind = "grid"' not in b and "min_ranked" not in b]
    return "".join("[[sections.questions]]" + b for b in kept) + _MORE


_MORE = """
[[sections.questions]]
id = "why"
text = "Why?"
kind = "text"
max_length = 300
shown_if = 'staff > 10 and "other" in areas'

[[sections.questions]]
id = "order"
text = "Put these in order"
kind = "ranking"
options = [{ value = "w", label = "West" }, { value = "x", label = "Ex" }]
shown_if = 'founded < 2000-01-01 or answered(contact)'
"""


def test_one_question_of_each_kind_xlsform_can_say_comes_back() -> None:
    original = loads_spec(spec_text(_every_kind_xlsform_can_say(), languages=["en"]))
    imported = round_trip(original)
    assert {q.kind for q in imported.questions} == set(BUILT_IN_KINDS) - {"grid"}
    assert equivalence_problems(original, imported) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_consultations_come_back_equivalent(data: st.DataObject) -> None:
    kinds = tuple(k for k in BUILT_IN_KINDS if k != "grid")
    original = data.draw(consultations(kinds))
    partial_rankings = [
        q.id
        for q in original.questions
        if q.kind == "ranking"
        and any(
            q.settings.get(k, len(q.options)) != len(q.options)
            for k in ("min_ranked", "max_ranked")
        )
    ]
    if partial_rankings:
        with pytest.raises(ExportRefused) as refused:
            round_trip(original)
        assert [p.split(":")[0] for p in refused.value.problems] == [
            f"question {qid}" for qid in partial_rankings
        ]
        return
    imported = round_trip(original)
    assert equivalence_problems(original, imported) == []
    same_visibility(original, imported, data.draw(answer_sets(original)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(consultations(("grid",), max_questions=2))
def test_a_grid_is_always_refused(original: Consultation) -> None:
    with pytest.raises(ExportRefused) as refused:
        export_spec(original, "xlsform")
    assert [p.split(":")[0] for p in refused.value.problems] == [
        f"question {q.id}" for q in original.questions
    ]


# the commands ----------------------------------------------------------------------------------


@frozen
class Ran:
    exit_code: int
    output: str


def run(*args: str) -> Ran:
    """``surveykit`` run in-process through main(): its status and everything it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return Ran(status, out.getvalue() + err.getvalue())


def test_export_then_import_commands(tmp_path: Path) -> None:
    form = tmp_path / "taking_stock.xlsx"
    done = run("export", str(TAKING_STOCK), "--to", "xlsform", "--out", str(form))
    assert done.exit_code == 0, done.output
    assert f"{form}: XLSForm form written from {TAKING_STOCK}" in done.output
    spec = tmp_path / "spec.toml"
    done = run("import", str(form), "--out", str(spec), "--closes", "2099-12-31")
    assert done.exit_code == 0, done.output
    assert f"{spec}: 25 questions imported from {form}" in done.output
    assert len(load_spec(spec).questions) == 25
    again = run("import", str(form), "--out", str(spec))
    assert again.exit_code == 1
    assert f"{spec} exists; choose another name, or add --force to replace it" in again.output
    assert "Traceback" not in again.output
    forced = run("import", str(form), "--out", str(spec), "--force")
    assert forced.exit_code == 0, forced.output
    refused = run("export", str(TAKING_STOCK), "--to", "xlsform", "--out", str(form))
    assert refused.exit_code == 1
    assert f"{form} exists" in refused.output


def test_import_command_refuses_then_imports_partially(tmp_path: Path) -> None:
    form = xlsx(
        tmp_path,
        survey=[["type", "name", "label"], ["text", "a", "A"], ["geopoint", "where", "Where?"]],
    )
    spec = tmp_path / "spec.toml"
    refused = run("import", str(form), "--out", str(spec))
    assert refused.exit_code == 1
    assert (
        "form.xlsx: survey sheet, row 3: surveykit has no kind for xlsform question type "
        "'geopoint'" in refused.output
    )
    assert "Traceback" not in refused.output
    assert not spec.exists()
    partial = run("import", str(form), "--out", str(spec), "--partial")
    assert partial.exit_code == 0, partial.output
    assert "Left out (1, listed in the spec's header):" in partial.output
    assert [q.id for q in load_spec(spec).questions] == ["a"]


def test_export_command_refusal_has_no_traceback(tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(
        spec_text(
            """
[[sections.questions]]
id = "grid"
text = "Grid"
kind = "grid"
rows = [{ id = "r", text = "Row" }]
options = [{ value = "y", label = "Yes" }]
"""
        ),
        encoding="utf-8",
    )
    out = tmp_path / "form.xlsx"
    done = run("export", str(spec), "--to", "xlsform", "--out", str(out))
    assert done.exit_code == 1
    assert "question grid: xlsform has no question type for surveykit kind 'grid'" in done.output
    assert "Traceback" not in done.output
    assert not out.exists()


def test_an_other_option_is_written_with_the_text_box_it_asks_for() -> None:
    consultation = loads_spec(
        spec_text(
            """
[[sections.questions]]
id = "where"
text = "Where?"
kind = "multi"
required = true
options = [
    { value = "here", label = "Here" },
    { value = "else", label = "Somewhere else", other = true, max_length = 80 },
]
""",
            section=("where", "Places"),
        )
    )
    written = sheets(export_spec(consultation, "xlsform"))
    assert written["survey"][0] == (
        "type", "name", "label", "required", "relevant", "constraint", "surveykit::other_of",
    )  # fmt: skip
    assert written["survey"][1:] == [
        ("begin_group", "where_2", "Places", None, None, None, None),
        ("select_multiple where", "where", "Where?", "yes", None, None, None),
        (
            "text", "where_other", "Somewhere else", "yes", "selected(${where}, 'else')",
            "string-length(.) <= 80", "where",
        ),
        ("end_group", None, None, None, None, None, None),
    ]  # fmt: skip
    assert written["choices"] == [
        ("list_name", "name", "label", "surveykit_other"),
        ("where", "here", "Here", None),
        ("where", "else", "Somewhere else", "yes"),
    ]
    imported = round_trip(consultation)
    assert [(o.value, o.other) for o in imported.questions[0].options] == [
        ("here", False),
        ("else", True),
    ]
    assert [q.id for q in imported.questions] == ["where"]
