"""Read a SurveyJS form (its JSON schema) as a spec.

Pages and the panels on them become sections (a panel inside a panel is flattened into the
outer one, with a note); a page's or panel's ``visibleIf`` is AND-ed into the condition of each
question inside, since surveykit sections have none.  Each question element is read by the
kind mapping registered for its type (:mod:`.kinds_surveyjs` for the built-in kinds); this
module reads what every question shares: name, title, description, isRequired, choices (with
SurveyJS's other/none items), ``visibleIf`` (:mod:`.surveyjs_expressions`) and localisable
strings.  Whatever changes how the form behaves and cannot be carried over exactly (a trigger,
a default value, ``enableIf``, a choice filter, a property surveykit does not know) is refused
with its JSON path (``pages[1].elements[0].elements[2]``); presentational properties are
dropped.  docs/interchange.md has the table.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from surveykit.conditions import All, Condition
from surveykit.interchange import Foreign, KindRead, Localised

from .api import Reading, UnknownFormat
from .building import DraftOption, DraftQuestion, DraftSection, SpecBuilder, localised
from .surveyjs_expressions import QuestionInfo, UnsupportedExpression, to_condition

__all__ = ["read"]

_LANGUAGE_KEY = re.compile(r"default|[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")

#: Survey properties that change behaviour surveykit cannot reproduce, and why.
REFUSED_SURVEY = {
    "triggers": "triggers run actions when answers change (complete, skip, set or copy values)",
    "calculatedValues": "calculated values are worked out from answers",
    "completedHtmlOnCondition": "the closing text depends on the answers (a score)",
    "navigateToUrlOnCondition": "where respondents are sent depends on the answers",
    "timeLimit": "a time limit for the whole survey",
    "maxTimeToFinish": "a time limit for the whole survey",
    "timeLimitPerPage": "a time limit for each page",
    "maxTimeToFinishPage": "a time limit for each page",
    "maxCommentLength": "a length limit on every comment and 'other' box",
}
#: Question properties that change behaviour surveykit cannot reproduce, and why.
REFUSED_QUESTION = {
    "enableIf": "enableIf: surveykit has no read-only-until condition",
    "requiredIf": "requiredIf: surveykit's required is fixed, not conditional",
    "readOnly": "readOnly: surveykit has no question that cannot be answered",
    "defaultValue": "defaultValue: surveykit starts every answer empty",
    "defaultValueExpression": "defaultValueExpression: a default worked out from answers",
    "setValueIf": "setValueIf: answers set by a condition",
    "setValueExpression": "setValueExpression: answers set by an expression",
    "resetValueIf": "resetValueIf: answers cleared by a condition",
    "correctAnswer": "correctAnswer: quiz scoring",
    "choicesVisibleIf": "choicesVisibleIf: choices filtered by earlier answers",
    "choicesEnableIf": "choicesEnableIf: choices enabled by earlier answers",
    "choicesFromQuestion": "choicesFromQuestion: choices copied from another question",
    "choicesByUrl": "choicesByUrl: choices loaded from a web service",
    "valueName": "valueName: the answer stored under another name, maybe shared",
    "showCommentArea": "showCommentArea: an extra comment box, a second answer",
    "hasComment": "hasComment: an extra comment box, a second answer",
    "maskType": "maskType: an input mask that changes the stored value",
    "maskSettings": "maskSettings: an input mask that changes the stored value",
    "isUnique": "isUnique: an answer that must differ from other responses'",
}
#: Properties that change only how a question looks: dropped.
PRESENTATIONAL = frozenset(
    [
        "startWithNewLine",
        "width",
        "minWidth",
        "maxWidth",
        "colCount",
        "placeholder",
        "titleLocation",
        "descriptionLocation",
        "hideNumber",
        "indent",
        "state",
        "renderAs",
        "autocomplete",
        "size",
        "inputSize",
        "textUpdateMode",
        "autoGrow",
        "allowResize",
        "choicesOrder",
        "separateSpecialChoices",
        "showClearButton",
        "allowClear",
        "searchEnabled",
        "itemComponent",
        "rateType",
        "rateColorMode",
        "scaleColorMode",
        "rateDisplayMode",
        "displayRateDescriptionsAsExtremeItems",
        "requiredErrorText",
        "otherPlaceholder",
        "otherErrorText",
        "storeOthersAsComment",
        "errorLocation",
        "alternateRows",
        "columnMinWidth",
        "rowTitleWidth",
        "showHeader",
        "verticalAlign",
        "hideIfChoicesEmpty",
        "longTap",
        "selectToRankSwapAreas",
        "selectToRankAreasLayout",
        "selectToRankEmptyRankedAreaText",
        "selectToRankEmptyUnrankedAreaText",
        "minErrorText",
        "maxErrorText",
        "stepErrorText",
        "useDisplayValuesInDynamicTexts",
        "dataList",
        "showSelectAllItem",
        "hasSelectAll",
        "selectAllText",
        "rowsOrder",
        "commentPlaceholder",
        "questionTitleLocation",
        "rateSize",
        "autoAdvanceEnabled",
        "showNumber",
        "innerIndent",
        "navigationTitle",
        "navigationDescription",
        "questionsOrder",
        "visibleIndex",
        "isRequiredText",
    ]
)
#: Properties read here or by the kind mappings.
_READ = frozenset(
    [
        "type",
        "name",
        "title",
        "description",
        "isRequired",
        "visibleIf",
        "visible",
        "choices",
        "columns",
        "rows",
        "inputType",
        "maxLength",
        "min",
        "max",
        "step",
        "validators",
        "showOtherItem",
        "hasOther",
        "otherText",
        "showNoneItem",
        "hasNone",
        "noneText",
        "showRefuseItem",
        "refuseText",
        "showDontKnowItem",
        "dontKnowText",
        "choicesMin",
        "choicesMax",
        "choicesStep",
        "rateMin",
        "rateMax",
        "rateStep",
        "rateCount",
        "rateValues",
        "eachRowRequired",
        "isAllRowRequired",
        "rowsVisibleIf",
        "columnsVisibleIf",
        "cells",
        "eachRowUnique",
        "selectToRankEnabled",
        "minSelectedChoices",
        "maxSelectedChoices",
        "minValueExpression",
        "maxValueExpression",
        "minRateDescription",
        "maxRateDescription",
    ]
)
_CHOICE_TYPES = ("radiogroup", "dropdown", "checkbox", "tagbox", "ranking", "matrix")
_SINGLE_TYPES = ("radiogroup", "dropdown")
#: SurveyJS's special items, in the order it shows them after the choices.
_SPECIAL = (
    ("showNoneItem", "hasNone", "none", "noneText", "None"),
    ("showRefuseItem", None, "refused", "refuseText", "Refuse to answer"),
    ("showDontKnowItem", None, "dontknow", "dontKnowText", "Don't know"),
)


def read(data: bytes, *, file: str, plugins: Any = None) -> Reading:
    """Read a SurveyJS JSON form: the builder filled, and the form's id, title and
    description (the survey's ``title``, else the file's name)."""
    try:
        form = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UnknownFormat(
            f"{file}: not a SurveyJS form: the JSON does not parse: {exc}"
        ) from None
    if not isinstance(form, dict):
        raise UnknownFormat(f"{file}: not a SurveyJS form: the JSON is not an object")
    own = str(form.get("locale") or "en")
    languages = _languages(form, own)
    builder = SpecBuilder(file=file, format="surveyjs", languages=languages, plugins=plugins)
    reader = _Reader(builder, form, languages)
    reader.read()
    stem = Path(file).stem
    title = reader.text(form.get("title")) or Localised({own: stem})
    return Reading(builder, stem, title, reader.text(form.get("description")))


def _languages(form: Mapping[str, Any], own: str) -> list[str]:
    """The form's own language first, then every other a localisable string gives."""
    seen = {own: None}
    for value in _walk(form):
        if _is_localisable(value):
            for key in value:
                if key != "default":
                    seen.setdefault(key, None)
    return list(seen)


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _is_localisable(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(k, str) and _LANGUAGE_KEY.fullmatch(k) for k in value)
        and all(isinstance(v, str) for v in value.values())
    )


def _list(value: Any) -> list[Any]:
    """A property that should be an array: itself, or nothing (SurveyJS ignores the rest)."""
    return value if isinstance(value, list) else []


def _value_text(value: Any) -> str:
    """A choice value as surveykit keeps it: SurveyJS's value as text (``1`` is ``"1"``)."""
    if isinstance(value, bool | None):
        return json.dumps(value)
    return str(value)


def _html_text(source: str) -> str:
    """An html element's words: line breaks kept, tags dropped, entities decoded."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", source)
    text = re.sub(r"(?i)</(?:p|div|h[1-6]|li)>", "\n\n", text)
    text = html.unescape(re.sub(r"<[^>]*>", "", text))
    return "\n".join(line.strip() for line in text.splitlines()).strip()


class _Reader:
    """Walks one form, filling the builder."""

    def __init__(self, builder: SpecBuilder, form: Mapping[str, Any], languages: Sequence[str]):
        self.builder = builder
        self.form = form
        self.languages = list(languages)
        self.own = self.languages[0]
        #: SurveyJS name -> what a later visibleIf may know of it.
        self.questions: dict[str, QuestionInfo] = {}
        self.names: dict[str, str] = {}
        self.section: DraftSection | None = None
        self.resume: tuple[str, Localised] | None = None

    # texts --------------------------------------------------------------------------------

    def text(self, value: Any) -> Localised | None:
        """A localisable string as :class:`Localised`: ``"default"`` is the form's locale."""
        if value is None:
            return None
        if isinstance(value, dict):
            texts = {k: v for k, v in value.items() if k != "default"}
            if "default" in value and not texts.get(self.own):
                texts[self.own] = value["default"]
            return localised(texts, self.languages)
        return localised({self.own: str(value)}, self.languages)

    def text_or(self, value: Any, fallback: str) -> Localised:
        return self.text(value) or Localised({self.own: fallback})

    # walking --------------------------------------------------------------------------------

    def read(self) -> None:
        for key, why in REFUSED_SURVEY.items():
            if self.form.get(key):
                self.builder.refuse(key, key, why)
        if self.form.get("clearInvisibleValues") == "none":
            self.builder.refuse(
                "clearInvisibleValues",
                "clearInvisibleValues",
                "clearInvisibleValues none keeps answers to hidden questions; surveykit drops them",
            )
        if self.form.get("mode") == "display":
            self.builder.refuse("mode", "mode", "mode display: a form that cannot be answered")
        pages = self.form.get("pages")
        if isinstance(pages, list) and pages:
            for number, page in enumerate(pages, start=1):
                if isinstance(page, dict):
                    self.page(page, f"pages[{number - 1}]", number)
        elif isinstance(self.form.get("elements"), list):
            self.page({"elements": self.form["elements"]}, "", 1)

    def page(self, page: Mapping[str, Any], where: str, number: int) -> None:
        ok, condition = self.condition(page.get("visibleIf"), where or "survey")
        for key in ("enableIf", "requiredIf", "readOnly", "timeLimit", "maxTimeToFinish"):
            if page.get(key):
                self.builder.refuse(where, key, f"{key} on a page: surveykit cannot do this")
                ok = False
        if page.get("visible") is False and not page.get("visibleIf"):
            self.builder.refuse(where, "visible", "visible false: a page never shown")
            ok = False
        if not ok:
            return
        name = page.get("name")
        title = self.text(page.get("title")) or self.text_or(name, f"Page {number}")
        sid = self.builder.identifier(str(name or f"page{number}"))
        self.section = DraftSection(sid, title, self.text(page.get("description")))
        self.builder.sections.append(self.section)
        self.resume = None
        inherited = [condition] if condition is not None else []
        self.elements(_list(page.get("elements")), where, inherited, depth=0, panels=[])

    def current(self) -> DraftSection:
        """The section questions go into: after a panel, a new one continuing the page."""
        if self.section is None:
            assert self.resume is not None
            sid, title = self.resume
            self.section = DraftSection(self.builder.identifier(f"{sid}_more"), title)
            self.builder.sections.append(self.section)
        return self.section

    def elements(
        self,
        items: list[Any],
        where: str,
        conditions: list[Condition],
        *,
        depth: int,
        panels: list[str],
    ) -> None:
        for index, element in enumerate(items):
            path = f"{where}.elements[{index}]" if where else f"elements[{index}]"
            if not isinstance(element, dict):
                self.builder.refuse(path, "element", "an element that is not a JSON object")
                continue
            kind = element.get("type")
            if kind == "panel":
                self.panel(element, path, conditions, depth=depth, panels=panels)
            elif kind == "html":
                self.html(element, path)
            elif kind == "image":
                self.builder.adapt(f"{path}: an image element was left out (surveykit shows text)")
            else:
                self.question(element, path, conditions, panels)

    def panel(
        self,
        panel: Mapping[str, Any],
        where: str,
        conditions: list[Condition],
        *,
        depth: int,
        panels: list[str],
    ) -> None:
        ok, condition = self.condition(panel.get("visibleIf"), where)
        for key in ("enableIf", "requiredIf", "readOnly", "isRequired"):
            if panel.get(key):
                self.builder.refuse(
                    where, key, f"{key} on a panel: surveykit sections have no such setting"
                )
                ok = False
        if panel.get("visible") is False and not panel.get("visibleIf"):
            self.builder.refuse(where, "visible", "visible false: a panel never shown")
            ok = False
        if not ok:
            return
        inside = [*conditions, condition] if condition is not None else list(conditions)
        name = str(panel.get("name") or "panel")
        if depth == 0:
            page = self.current()
            title = self.text(panel.get("title")) or self.text_or(panel.get("name"), "Panel")
            self.section = DraftSection(
                self.builder.identifier(name), title, self.text(panel.get("description"))
            )
            self.builder.sections.append(self.section)
            self.elements(_list(panel.get("elements")), where, inside, depth=1, panels=panels)
            self.section, self.resume = None, (page.id, page.title)
        else:
            label = self.text_or(panel.get("title"), name).text
            self.elements(
                _list(panel.get("elements")), where, inside, depth=depth + 1,
                panels=[*panels, f"{label} ({where})"],
            )  # fmt: skip

    def html(self, element: Mapping[str, Any], where: str) -> None:
        if element.get("visibleIf"):
            self.builder.refuse(
                where, "html visibleIf", "an html element shown only under a condition"
            )
            return
        text = self.text(element.get("html"))
        if text is None:
            return
        words = {lang: _html_text(t) for lang, t in text.texts.items()}
        section = self.current()
        if section.intro is not None:
            words = {
                lang: "\n\n".join(filter(None, (section.intro.texts.get(lang, ""), t)))
                for lang, t in words.items()
            }
        section.intro = localised(words, self.languages)
        self.builder.adapt(f"{where}: an html element was read as its section's introduction")

    # questions ------------------------------------------------------------------------------

    def question(
        self, element: Mapping[str, Any], where: str, conditions: list[Condition], panels: list
    ) -> None:
        problems = len(self.builder.problems)
        kind = str(element.get("type") or "")
        name = str(element.get("name") or "")
        if name in self.names:
            self.builder.refuse(
                where,
                "duplicate name",
                f"the name {name!r} is also used at {self.names[name]}: SurveyJS keeps one "
                "answer for both, surveykit one for each question",
            )
            return
        if name:
            self.names[name] = where
        fields = dict(element)
        default_length = self.form.get("maxTextLength")
        if kind in ("text", "comment") and "maxLength" not in fields and default_length:
            fields["maxLength"] = default_length
        foreign_type = kind
        if kind == "text":
            foreign_type = f"text:{str(element.get('inputType') or 'text').lower()}"
        foreign = Foreign("surveyjs", foreign_type, fields, where, self.text)
        read = self.builder.read_kind(foreign)
        if read is None and self.builder.problems[-1].feature == f"question type {foreign_type}":
            return  # no kind asks this: its properties do not matter
        self.properties(element, where)
        options = self.options(element, kind, where) if kind in _CHOICE_TYPES else ()
        ok, condition = self.condition(element.get("visibleIf"), where)
        if read is None or len(self.builder.problems) > problems or not ok:
            return
        qid = self.builder.identifier(name or "question")
        every = [*conditions, condition] if condition is not None else list(conditions)
        shown_if = None if not every else every[0] if len(every) == 1 else All(tuple(every))
        required = element.get("isRequired") is True
        if kind == "matrix":
            required = element.get("eachRowRequired", element.get("isAllRowRequired")) is True
        draft = DraftQuestion(
            id=qid,
            text=self.text_or(element.get("title"), name or qid),
            read=read,
            where=where,
            hint=self.hint(element, read),
            options=options,
            required=required,
            condition=shown_if,
            notes=[f"Was inside the panel {p}." for p in panels],
        )
        self.current().questions.append(draft)
        if name:
            self.remember(name, qid, read, options, element)

    def properties(self, element: Mapping[str, Any], where: str) -> None:
        for key, value in element.items():
            if key in _READ or key in PRESENTATIONAL:
                continue
            why = REFUSED_QUESTION.get(key, "")
            if value is None or value is False or value in ("", [], {}):
                continue
            self.builder.refuse(
                where,
                key,
                why
                or f"{key}: a SurveyJS property surveykit does not know, which may change how "
                "the question behaves",
            )
        if element.get("visible") is False and not element.get("visibleIf"):
            self.builder.refuse(where, "visible", "visible false: a question never shown")

    def hint(self, element: Mapping[str, Any], read: KindRead) -> Localised | None:
        """The description, and a rating scale's end labels ("0: Not likely")."""
        parts = [self.text(element.get("description"))]
        if element.get("type") == "rating":
            low, high = read.settings["min"], read.settings["max"]
            for end, key in ((low, "minRateDescription"), (high, "maxRateDescription")):
                words = self.text(element.get(key))
                if words is not None:
                    parts.append(Localised({k: f"{end}: {t}" for k, t in words.texts.items()}))
        found = [p for p in parts if p is not None]
        if not found:
            return None
        joined = {
            lang: "\n".join(p.texts[lang] for p in found if lang in p.texts)
            for lang in self.languages
        }
        return localised(joined, self.languages)

    def options(self, element: Mapping[str, Any], kind: str, where: str) -> tuple[DraftOption, ...]:
        """The choices (a matrix's columns), with SurveyJS's none/other items after them."""
        items = list(_list(element.get("columns" if kind == "matrix" else "choices")))
        if kind == "dropdown" and element.get("choicesMax") is not None:
            low, high = element.get("choicesMin", 0), element["choicesMax"]
            step = element.get("choicesStep", 1)
            if all(isinstance(v, int) for v in (low, high, step)) and step > 0:
                items += list(range(low, high + 1, step))
        options: list[DraftOption] = []
        for item in items:
            value, text = (item.get("value"), item.get("text")) if isinstance(item, dict) else (
                item, None
            )  # fmt: skip
            if isinstance(item, dict) and (item.get("visibleIf") or item.get("enableIf")):
                self.builder.refuse(
                    where, "choice visibleIf", f"the choice {value!r} has its own condition"
                )
            if value is None or _value_text(value) == "":
                self.builder.refuse(where, "choices", "a choice without a value")
                continue
            label = self.text(text) or self.text_or(None, _value_text(value))
            options.append(DraftOption(_value_text(value), label))
        if kind in _CHOICE_TYPES[:4]:
            for flag, old, value, text_key, default in _SPECIAL:
                if element.get(flag) or (old and element.get(old)):
                    if kind in _SINGLE_TYPES:
                        label = self.text_or(element.get(text_key), default)
                        options.append(DraftOption(value, label))
                    else:
                        self.builder.refuse(
                            where,
                            flag,
                            f"{flag}: a choice that clears the others, which surveykit's "
                            "multiple choice cannot say",
                        )
            if element.get("showOtherItem") or element.get("hasOther"):
                label = self.text_or(element.get("otherText"), "Other (describe)")
                options.append(DraftOption("other", label, other=True))
        seen: set[str] = set()
        for option in options:
            if option.value in seen:
                self.builder.refuse(
                    where, "choices", f"the choice value {option.value!r} is listed twice"
                )
            seen.add(option.value)
        return tuple(options)

    def condition(self, expression: Any, where: str) -> tuple[bool, Condition | None]:
        """``(True, condition)`` for a ``visibleIf`` read exactly (or none), ``(False, None)``
        with the refusal recorded."""
        if expression is None or (isinstance(expression, str) and not expression.strip()):
            return True, None
        if not isinstance(expression, str):
            self.builder.refuse(where, "visibleIf", "visibleIf is not an expression")
            return False, None
        try:
            return True, to_condition(expression, self.questions)
        except UnsupportedExpression as exc:
            self.builder.refuse(
                where, "visibleIf", f"visibleIf {expression!r}: column {exc.column}: {exc.message}"
            )
            return False, None

    def remember(
        self,
        name: str,
        qid: str,
        read: KindRead,
        options: Sequence[DraftOption],
        element: Mapping[str, Any],
    ) -> None:
        """What a later ``visibleIf`` may read of this question (a matrix: each row)."""
        values = tuple(o.value for o in options)
        match read.kind:
            case "single":
                self.questions[name] = QuestionInfo("select_one", values, qid)
            case "multi" | "ranking":
                self.questions[name] = QuestionInfo("select_multiple", values, qid)
            case "number":
                decimals = read.settings.get("decimals", 0)
                self.questions[name] = QuestionInfo(
                    "integer" if not decimals else "decimal", (), qid
                )
            case "date" if read.settings.get("precision") != "month":
                self.questions[name] = QuestionInfo("date", (), qid)
            case "text" | "email" | "phone" | "uk_postcode":
                self.questions[name] = QuestionInfo("text", (), qid)
            case "grid":
                rows = [r.get("value") if isinstance(r, dict) else r for r in element["rows"]]
                for value, row in zip(rows, read.settings["rows"], strict=True):
                    key = f"{qid}.{row['id']}"
                    self.questions[f"{name}.{_value_text(value)}"] = QuestionInfo(
                        "select_one", values, key
                    )
