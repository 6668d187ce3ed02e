"""The part of every import that formats share: ids, languages, refusals, the written spec."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import pytest
import specgen
from hypothesis import given, settings
from hypothesis import strategies as st

from surveykit import Question, hookimpl
from surveykit.conditions import Equals
from surveykit.errors import SurveykitError
from surveykit.interchange import Foreign, KindRead, Localised, Refusal
from surveykit.plugins import Plugins
from surveykit.spec import ID_PATTERN, RESERVED, loads_spec
from surveykit_interchange.building import (
    DraftOption,
    DraftQuestion,
    DraftSection,
    ImportRefused,
    SpecBuilder,
)

CLOSES = dt.date(2027, 3, 31)


def _builder(languages=("en",)) -> SpecBuilder:
    return SpecBuilder(file="form.xlsx", format="xlsform", languages=languages)


def _colour_question(builder: SpecBuilder, *, welsh: bool) -> DraftQuestion:
    texts = {"en": "Favourite colour?"} | ({"cy": "Hoff liw?"} if welsh else {})
    return DraftQuestion(
        id=builder.identifier("favourite-colour"),
        text=Localised(texts),
        read=KindRead("single"),
        where="survey sheet, row 2",
        options=(
            DraftOption("red", Localised({"en": "Red", "cy": "Coch"})),
            DraftOption("other", Localised({"en": "Other"}), other=True),
        ),
        required=True,
    )


def test_ids_are_surveykit_ids_and_never_clash():
    builder = _builder()
    names = ["project-alpha", "project_alpha", "2nd", "not", "Straße", "", "a b", "q"]
    ids = [builder.identifier(name) for name in names]
    assert ids[:4] == ["project_alpha", "project_alpha_2", "q_2nd", "not_"]
    assert len(set(ids)) == len(ids)
    assert all(ID_PATTERN.match(i) and i not in RESERVED for i in ids)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=12))
def test_any_names_give_distinct_usable_ids(names):
    builder = _builder()
    ids = [builder.identifier(name) for name in names]
    assert len(set(ids)) == len(ids)
    assert all(ID_PATTERN.match(i) and i not in RESERVED for i in ids)


def test_a_two_language_form_becomes_a_spec_with_its_translations():
    builder = _builder(("en", "cy"))
    section = DraftSection("about", Localised({"en": "About you", "cy": "Amdanoch chi"}))
    colour = _colour_question(builder, welsh=True)
    why = DraftQuestion(
        id=builder.identifier("why"),
        text=Localised({"en": "Why?"}),
        read=KindRead("text", max_length=200),
        where="survey sheet, row 3",
        condition=Equals(colour.id, "red"),
    )
    section.questions += [colour, why]
    builder.sections.append(section)
    title = Localised({"en": "Colours", "cy": "Lliwiau"})
    imported = builder.build(id="colours", title=title, publisher="Council", closes=CLOSES)
    c = imported.consultation
    assert c.languages == ("en", "cy")
    assert [q.id for q in c.questions] == ["favourite_colour", "why"]
    assert c.question("why").shown_if == 'favourite_colour == "red"'
    welsh = {address: t.text for address, t in c.translations["cy"].items()}
    assert welsh == {
        "title": "Lliwiau",
        "sections.about.title": "Amdanoch chi",
        "favourite_colour.text": "Hoff liw?",
        "favourite_colour.options.red": "Coch",
    }
    # what the form does not give in Welsh is reported missing by validate, not invented
    assert any("favourite_colour.options.other" in str(w) for w in c.warnings)
    assert "# From survey sheet, row 2." in imported.text
    assert loads_spec(imported.text, source="<import>") == c


def test_refusals_refuse_the_form_unless_partial_which_lists_them_in_the_header():
    builder = _builder()
    section = DraftSection("s", Localised({"en": "Section"}))
    section.questions.append(_colour_question(builder, welsh=False))
    builder.sections.append(section)
    builder.refuse("survey sheet, rows 5-9", "repeat", "repeats are not supported (household)")
    builder.refuse("survey sheet, row 11", "calculation", "calculations are not supported")
    with pytest.raises(ImportRefused) as refused:
        builder.build(id="x", title=Localised({"en": "X"}), publisher="", closes=CLOSES)
    assert str(refused.value).splitlines() == [
        "form.xlsx: survey sheet, rows 5-9: repeats are not supported (household)",
        "form.xlsx: survey sheet, row 11: calculations are not supported",
    ]
    imported = builder.build(
        id="x", title=Localised({"en": "X"}), publisher="", closes=CLOSES, partial=True
    )
    assert [p.feature for p in imported.left_out] == ["repeat", "calculation"]
    header = imported.text.split("[consultation]")[0]
    assert "# Left out (2; surveykit cannot represent them):" in header
    assert "# - survey sheet, row 11: calculations are not supported" in header


def test_a_form_with_nothing_importable_is_refused_even_partially():
    builder = _builder()
    builder.refuse("survey sheet, row 2", "question type geopoint", "no kind for geopoint")
    with pytest.raises(ImportRefused, match="no question surveykit can import"):
        builder.build(
            id="x", title=Localised({"en": "X"}), publisher="", closes=CLOSES, partial=True
        )


def test_a_type_no_mapping_reads_is_refused_by_name():
    builder = _builder()
    foreign = Foreign("xlsform", "geopoint", {"name": "where"}, "survey sheet, row 4")
    assert builder.read_kind(foreign) is None
    assert [str(p) for p in builder.problems] == [
        "form.xlsx: survey sheet, row 4: surveykit has no kind for xlsform question type 'geopoint'"
    ]


class _Slider:
    """A third-party kind's mapping, registered through the public hook."""

    kind = "slider"
    reads: ClassVar = {"xlsform": ("x-slider",)}

    def read(self, foreign):
        if foreign.fields.get("parameters"):
            return KindRead("number", refused=(Refusal("parameters", "cannot read steps"),))
        return KindRead("number", settings={"min": 0, "max": 10}, adapted=("a slider",))


class _SliderPlugin:
    @hookimpl
    def surveykit_register_interchange(self, register):
        register(_Slider())


def _plugins_with(*extra) -> Plugins:
    plugins = Plugins()
    plugins.load_entry_points()
    for n, plugin in enumerate(extra):
        plugins.register(plugin, name=f"extra{n}")
    return plugins


def test_hook_register_interchange():
    """A plugin registers how its kind imports, through the public hook."""
    plugins = _plugins_with(_SliderPlugin())
    assert plugins.interchange["slider"].reads == {"xlsform": ("x-slider",)}
    builder = SpecBuilder(file="f.xlsx", format="xlsform", languages=("en",), plugins=plugins)
    read = builder.read_kind(Foreign("xlsform", "x-slider", {}, "survey sheet, row 2"))
    assert read is not None
    assert read.kind == "number"
    assert dict(read.settings) == {"min": 0, "max": 10}
    refused = builder.read_kind(Foreign("xlsform", "x-slider", {"parameters": "step=2"}, "row 3"))
    assert refused is None
    assert [p.feature for p in builder.problems] == ["parameters"]


def test_two_mappings_reading_one_foreign_type_is_an_error_naming_both():
    class Twin(_Slider):
        kind = "twin"

    class TwinPlugin:
        @hookimpl
        def surveykit_register_interchange(self, register):
            register(Twin())

    plugins = _plugins_with(_SliderPlugin(), TwinPlugin())
    with pytest.raises(SurveykitError, match="'slider' and kind 'twin'"):
        SpecBuilder(file="f.xlsx", format="xlsform", languages=("en",), plugins=plugins)


@settings(max_examples=40, deadline=None)
@given(specgen.consultations(), st.data())
def test_generated_consultations_are_equivalent_to_themselves(consultation, data):
    """The round-trip properties' yardstick can fail: and does on a changed copy."""
    assert specgen.differences(consultation, consultation) == []
    specgen.same_visibility(
        consultation, consultation, data.draw(specgen.answer_sets(consultation))
    )
    changed = loads_spec(_retitled(consultation, consultation.questions[0].id))
    assert specgen.differences(consultation, changed) != []


def _retitled(consultation, qid):
    from attrs import evolve

    from surveykit.specwriter import write_spec

    sections = tuple(
        evolve(
            s,
            questions=tuple(
                evolve(q, text=q.text + " (changed)") if q.id == qid else q for q in s.questions
            ),
        )
        for s in consultation.sections
    )
    return write_spec(evolve(consultation, sections=sections))


def test_the_slider_plugin_in_the_docs_registers_and_reads_and_writes():
    from doctools import module_from_docs

    plugins = Plugins()
    plugins.register(module_from_docs("interchange.md", "# my_slider.py"), name="my_slider")
    mapping = plugins.interchange["slider"]
    assert mapping.reads == {"surveyjs": ("nouislider",)}
    element = {"type": "nouislider", "name": "q", "rangeMin": 1, "rangeMax": 7}
    read = mapping.read(Foreign("surveyjs", "nouislider", element, "pages[0].elements[0]"))
    assert (read.kind, dict(read.settings), read.refused) == ("slider", {"min": 1, "max": 7}, ())
    stepped = mapping.read(Foreign("surveyjs", "nouislider", element | {"step": 2}, "p"))
    assert [r.feature for r in stepped.refused] == ["slider step"]
    question = Question("q", "Q", "slider", settings={"min": 1, "max": 7})
    assert mapping.write(question, "surveyjs", str) == {
        "type": "nouislider",
        "rangeMin": 1,
        "rangeMax": 7,
    }
    assert isinstance(mapping.write(question, "xlsform", str), Refusal)
