"""Writing specs as SurveyJS forms: what is written, what is refused, and that reading the
form back gives an equivalent spec (generated consultations of every kind, Taking Stock, and
the ``surveykit export``/``import`` commands end to end)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import specgen
from attrs import evolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kindspecs
from surveykit import Consultation, Question
from surveykit.cli import main
from surveykit.conditions import All, Any_, Condition, Contains, Equals, Not, OneOf, render
from surveykit.model import Translation
from surveykit.spec import load_spec, loads_spec
from surveykit.specwriter import write_spec
from surveykit.translations import fingerprint, texts
from surveykit_interchange.api import ExportRefused, export_spec, import_form
from surveykit_interchange.kinds_surveyjs import ranking_settings
from surveykit_kinds.dates import bound_of
from surveykit_kinds.ranking import ranked_bounds

ROOT = Path(__file__).resolve().parents[2]
TAKING_STOCK = ROOT / "specs" / "taking_stock.toml"


def _round_trip(consultation: Consultation, folder: Path) -> Consultation:
    path = folder / "form.json"
    path.write_bytes(export_spec(consultation, "surveyjs", file="spec.toml"))
    return import_form(path, publisher="Tests", closes=dt.date(2099, 12, 31)).consultation


# what SurveyJS can say, and settings by their meaning --------------------------------------


def _renamed(condition: Condition, qid: str, old: str, new: str) -> Condition:
    """``condition`` reading option ``new`` of ``qid`` wherever it read ``old``."""
    match condition:
        case All(operands=operands):
            return All(tuple(_renamed(o, qid, old, new) for o in operands))
        case Any_(operands=operands):
            return Any_(tuple(_renamed(o, qid, old, new) for o in operands))
        case Not(operand=operand):
            return Not(_renamed(operand, qid, old, new))
        case Equals(question=q, value=v) | Contains(question=q, value=v) if q == qid and v == old:
            return evolve(condition, value=new)
        case OneOf(question=q, values=values) if q == qid:
            return evolve(condition, values=tuple(new if v == old else v for v in values))
    return condition


def fitted(consultation: Consultation) -> Consultation:
    """``consultation`` without what SurveyJS cannot say (see the refusal tests below): no
    number units or totals, no grid row hints or per-row required, and an "other" option moved
    last with the value ``other`` (the conditions reading it follow)."""
    renames: list[tuple[str, str]] = []
    sections = []
    for section in consultation.sections:
        questions = []
        for q in section.questions:
            fixed = {
                k: v for k, v in q.settings.items() if k not in ("unit", "unit_prefix", "total")
            }
            if "rows" in fixed:
                fixed["rows"] = [
                    {k: v for k, v in row.items() if k not in ("hint", "required")}
                    for row in fixed["rows"]
                ]
            options = [o for o in q.options if not o.other]
            for other in (o for o in q.options if o.other):
                options.append(evolve(other, value="other", max_length=None))
                renames.append((q.id, other.value))
            questions.append(evolve(q, settings=fixed, options=tuple(options)))
        sections.append(evolve(section, questions=tuple(questions)))
    for i, section in enumerate(sections):
        questions = []
        for q in section.questions:
            if q.condition is not None:
                condition = q.condition
                for qid, old in renames:
                    condition = _renamed(condition, qid, old, "other")
                q = evolve(q, condition=condition, shown_if=render(condition))
            questions.append(q)
        sections[i] = evolve(section, questions=tuple(questions))
    bare = evolve(consultation, sections=tuple(sections), translations={})
    addresses = {t.address: t.text for t in texts(bare)}
    moved = {f"{qid}.options.{old}": f"{qid}.options.other" for qid, old in renames}
    translations = {
        lang: {
            moved.get(a, a): Translation(t.text, t.source)
            for a, t in table.items()
            if moved.get(a, a) in addresses
        }
        for lang, table in consultation.translations.items()
    }
    return loads_spec(write_spec(evolve(bare, translations=translations)), source="fitted.toml")


def _meaning(question: Question) -> dict[str, Any]:
    """A question's settings by what they mean: defaults left out, bounds at the precision."""
    settings = dict(question.settings)
    match question.kind:
        case "number":
            if settings.get("decimals", 0) == 0:
                settings.pop("decimals", None)
            if settings.get("unit_prefix") is False:
                settings.pop("unit_prefix")
        case "date":
            month = settings.get("precision") == "month"
            if not month:
                settings.pop("precision", None)
            for key in ("earliest", "latest"):
                if key in settings:
                    settings[key] = bound_of(settings[key], month)
        case "phone":
            if settings.get("international") is False:
                settings.pop("international")
        case "ranking":
            settings = ranking_settings(*ranked_bounds(question), len(question.options))
    return settings


def _required(question: Question) -> bool:
    """A grid whose rows are all required (or all not) is required (or not) as a whole."""
    rows = question.settings.get("rows") if question.kind == "grid" else None
    if not rows:
        return question.required
    each = {row.get("required", question.required) for row in rows}
    return each.pop() if len(each) == 1 else question.required


def _meant(question: Question) -> Question:
    required = _required(question)
    settings = _meaning(question)
    if question.kind == "grid":
        settings["rows"] = [
            {k: v for k, v in row.items() if not (k == "required" and v == required)}
            for row in settings["rows"]
        ]
    return evolve(question, settings=settings, required=required)


def by_meaning(consultation: Consultation) -> Consultation:
    sections = tuple(
        evolve(s, questions=tuple(_meant(q) for q in s.questions)) for s in consultation.sections
    )
    return evolve(consultation, sections=sections)


def _differences(original: Consultation, imported: Consultation) -> list[str]:
    return specgen.differences(by_meaning(original), by_meaning(imported))


# round trips ----------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specgen.consultations().map(fitted), st.data())
def test_generated_consultations_come_back_equivalent(tmp_path_factory, consultation, data):
    imported = _round_trip(consultation, tmp_path_factory.mktemp("rt"))
    assert _differences(consultation, imported) == []
    for _ in range(3):
        specgen.same_visibility(
            consultation, imported, data.draw(specgen.answer_sets(consultation))
        )


def test_taking_stock_comes_back_equivalent(tmp_path):
    consultation = load_spec(TAKING_STOCK)
    imported = _round_trip(consultation, tmp_path)
    assert specgen.differences(consultation, imported) == []
    assert [q.shown_if for q in imported.questions if q.shown_if] == [
        'q1 in ["some_changes", "none_relevant"]',
        'q13 == "yes"',
        'q15 == "yes"',
    ]


def test_every_kind_fitted_comes_back_and_an_other_option_is_the_other_item(tmp_path):
    consultation = fitted(loads_spec(kindspecs.EVERY_KIND))
    imported = _round_trip(consultation, tmp_path)
    assert _differences(consultation, imported) == []
    form = json.loads(export_spec(consultation, "surveyjs"))
    source = next(e for p in form["pages"] for e in p["elements"] if e["name"] == "source")
    assert source == {
        "type": "radiogroup",
        "name": "source",
        "title": "Where did you hear?",
        "isRequired": True,
        "choices": [{"value": "paper", "text": "Newspaper"}],
        "showOtherItem": True,
        "otherText": "Somewhere else",
    }


def test_what_each_kind_writes(tmp_path):
    form = json.loads(export_spec(fitted(loads_spec(kindspecs.EVERY_KIND)), "surveyjs"))
    written = {e["name"]: e for p in form["pages"] for e in p["elements"]}
    assert written["budget"] == {
        "type": "text",
        "name": "budget",
        "title": "What is your budget?",
        "inputType": "number",
        "min": -1000,
        "max": 2000000,
        "step": 0.01,
    }
    assert {k: written["since"][k] for k in ("inputType", "min", "maxValueExpression")} == {
        "inputType": "month",
        "min": "1920-01",
        "maxValueExpression": "today()",
    }
    assert written["office"]["validators"][0]["type"] == "regex"
    assert "validators" not in written["abroad"]
    assert written["views"]["eachRowRequired"] is True
    assert "isRequired" not in written["views"]
    assert written["order"]["selectToRankEnabled"] is True
    assert (written["order"]["minSelectedChoices"], written["order"]["maxSelectedChoices"]) == (
        2,
        3,
    )


def test_translations_are_localisable_strings(tmp_path):
    source = fingerprint("Name?")
    spec = kindspecs.spec_text(
        '[[sections.questions]]\nid = "q"\ntext = "Name?"\nkind = "text"\n',
        languages=["en", "cy"],
        tables=f'[translations.cy]\n"q.text" = {{ text = "Enw?", source = "{source}" }}\n',
    )
    consultation = loads_spec(spec)
    form = json.loads(export_spec(consultation, "surveyjs"))
    assert form["pages"][0]["elements"][0]["title"] == {"default": "Name?", "cy": "Enw?"}
    assert form["title"] == "T"
    imported = _round_trip(consultation, tmp_path)
    assert imported.languages == ("en", "cy")
    assert imported.translations["cy"]["q.text"].text == "Enw?"


def test_the_written_file_is_utf8_json_indented_by_two():
    data = export_spec(load_spec(TAKING_STOCK), "surveyjs")
    form = json.loads(data.decode("utf-8"))
    assert data.decode("utf-8") == json.dumps(form, ensure_ascii=False, indent=2) + "\n"
    assert [p["name"] for p in form["pages"]][:2] == [
        s.id for s in load_spec(TAKING_STOCK).sections
    ][:2]


# refusals ---------------------------------------------------------------------------------


def test_every_kind_as_written_lists_each_thing_surveyjs_cannot_say():
    with pytest.raises(ExportRefused) as refused:
        export_spec(loads_spec(kindspecs.EVERY_KIND), "surveyjs", file="every.toml")
    assert refused.value.problems == (
        "question staff: SurveyJS has no unit for a number box",
        "question budget: SurveyJS has no unit for a number box",
        "question views: SurveyJS matrix rows have no hint",
        "question source: SurveyJS cannot limit the length of one question's other text",
        "question areas: SurveyJS cannot limit the length of one question's other text",
        "question satisfaction: some rows are required and some are not; SurveyJS requires "
        "every row or none",
    )
    assert str(refused.value).startswith(
        "every.toml: question staff: SurveyJS has no unit for a number box (cannot be written "
        "as SurveyJS)"
    )


def _spec(*questions: str, **consultation: Any) -> Consultation:
    return loads_spec(kindspecs.spec_text("\n".join(questions), **consultation))


def _question(qid: str, kind: str, *more: str) -> str:
    lines = ["[[sections.questions]]", f'id = "{qid}"', 'text = "Q"', f'kind = "{kind}"', *more]
    return "\n".join(lines) + "\n"


_CHOICE = """
[[sections.questions]]
id = "{id}"
text = "Pick"
kind = "single"
options = [{options}]
"""


def _choice(qid: str, *values: str, more: str = "") -> str:
    options = ", ".join(
        f'{{ value = "{v}", label = "{v}"{more if v == values[-1] else ""} }}' for v in values
    )
    return _CHOICE.format(id=qid, options=options)


@pytest.mark.parametrize(
    ("questions", "problem"),
    [
        (
            [_choice("a", "Yes", "yes ")],
            "question a: the options 'Yes' and 'yes ' differ only in case or spaces, which "
            "SurveyJS's conditions do not tell apart",
        ),
        (
            [_choice("a", "x", "y", more=", other = true")],
            "question a: the other option 'y' must be the last, with the value 'other': "
            "SurveyJS's other item always is",
        ),
        (
            [
                _question("t", "text"),
                _question("u", "text", "shown_if = 't == \"x\"'"),
            ],
            "question u: its condition has no exact SurveyJS visibleIf: text comparisons ignore "
            "case and all spacing; SurveyJS has no exact equivalent",
        ),
        (
            [
                _question("m", "date", 'precision = "month"'),
                _question("u", "text", 'shown_if = "m >= 2024-03"'),
            ],
            "question u: its condition reads m, which a SurveyJS visibleIf cannot read back "
            "exactly",
        ),
        (
            [
                _question("n", "number", "total = true", "min = 0"),
            ],
            "question n: SurveyJS has no total for a number box",
        ),
    ],
)
def test_what_surveyjs_cannot_say_exactly_is_refused(questions, problem):
    with pytest.raises(ExportRefused) as refused:
        export_spec(_spec(*questions), "surveyjs")
    assert refused.value.problems == (problem,)


# the commands ------------------------------------------------------------------------------


def _run(capsys, *args: str) -> tuple[int, str]:
    status = main(list(args))
    return status, capsys.readouterr().err


def test_export_then_import_commands(tmp_path, capsys):
    form, spec = tmp_path / "taking_stock.json", tmp_path / "back.toml"
    status, err = _run(capsys, "export", str(TAKING_STOCK), "--to", "surveyjs", "--out", str(form))
    assert (status, err.strip()) == (0, f"{form}: SurveyJS form written from {TAKING_STOCK}")
    status, err = _run(
        capsys,
        "import",
        str(form),
        "--out",
        str(spec),
        "--publisher",
        "LGA",
        "--closes",
        "2027-01-31",
    )
    assert status == 0, err
    imported = load_spec(spec)
    assert specgen.differences(load_spec(TAKING_STOCK), imported) == []
    assert imported.metadata.closes == dt.date(2027, 1, 31)


def test_export_command_refusal_and_partial_import(tmp_path, capsys):
    spec = tmp_path / "every.toml"
    spec.write_text(kindspecs.EVERY_KIND, encoding="utf-8")
    out = tmp_path / "every.json"
    status, err = _run(capsys, "export", str(spec), "--to", "surveyjs", "--out", str(out))
    assert status == 1
    assert "question staff: SurveyJS has no unit for a number box" in err
    assert not out.exists()
    form = tmp_path / "form.json"
    form.write_text(
        json.dumps({"elements": [{"type": "text", "name": "a"}, {"type": "file", "name": "f"}]})
    )
    target = tmp_path / "form.toml"
    status, err = _run(capsys, "import", str(form), "--out", str(target))
    assert status == 1
    assert "form.json: elements[1]: surveykit has no kind for surveyjs question type 'file'" in err
    assert not target.exists()
    status, err = _run(capsys, "import", str(form), "--partial", "--out", str(target))
    assert status == 0
    assert "Left out (1, listed in the spec's header):" in err
    assert [q.id for q in load_spec(target).questions] == ["a"]


_KNOWN_REFUSALS = (
    "SurveyJS has no unit for a number box",
    "SurveyJS has no total for a number box",
    "SurveyJS matrix rows have no hint",
    "SurveyJS cannot limit the length of one question's other text",
    "some rows are required and some are not",
    "must be the last, with the value 'other'",
    "which a SurveyJS visibleIf cannot read back exactly",
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specgen.consultations())
def test_any_consultation_comes_back_or_is_refused_for_a_documented_reason(
    tmp_path_factory, consultation
):
    imported, problems = None, ()
    try:
        imported = _round_trip(consultation, tmp_path_factory.mktemp("any"))
    except ExportRefused as refused:
        problems = refused.problems
    if imported is not None:
        assert _differences(consultation, imported) == []
        return
    assert problems
    for problem in problems:
        assert any(reason in problem for reason in _KNOWN_REFUSALS), problem
