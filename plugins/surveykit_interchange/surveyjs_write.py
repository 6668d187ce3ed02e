"""Write a spec as a SurveyJS form (JSON), so that reading it back gives the same spec.

Each section is a page, each question an element: the common properties (name, title,
description, isRequired, visibleIf, choices) are written here, what is particular to a kind by
its registered mapping (:mod:`.kinds_surveyjs` for the built-in kinds).  Texts are SurveyJS
localisable strings, ``{"default": ..., "cy": ...}`` when the spec has translations.  Whatever
SurveyJS cannot say exactly (a condition comparing text, an "other" option that is not last,
choices SurveyJS would not tell apart, a number's unit) refuses the export with
:class:`~.api.ExportRefused`, listing every question at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from surveykit import Consultation, Question, Section
from surveykit.conditions import references
from surveykit.interchange import Refusal
from surveykit.plugins import get_plugins
from surveykit.translations import address_part, texts

from .api import ExportRefused
from .surveyjs_expressions import UnsupportedCondition, _fold, to_visible_if

__all__ = ["write"]


def write(consultation: Consultation, *, file: str, plugins: Any = None) -> bytes:
    """``consultation`` as SurveyJS JSON (UTF-8, indented by two), or :class:`ExportRefused`."""
    writer = _Writer(consultation, plugins or get_plugins())
    form = writer.form()
    if writer.problems:
        raise ExportRefused(file, "surveyjs", writer.problems)
    return (json.dumps(form, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _without_none(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


class _Writer:
    def __init__(self, consultation: Consultation, plugins: Any) -> None:
        self.consultation = consultation
        self.mappings = plugins.interchange
        self.languages = consultation.languages
        self.own_texts = {t.address: t.text for t in texts(consultation)}
        self.problems: list[str] = []
        #: Answer keys a later visibleIf may read back: questions and grid rows.
        self.readable: set[str] = set()

    def text(self, address: str) -> Any:
        """The text at ``address`` as a SurveyJS localisable string, ``None`` when empty."""
        own = self.own_texts.get(address)
        if not own:
            return None
        others = {
            lang: table[address].text
            for lang in self.languages[1:]
            if (table := self.consultation.translations.get(lang)) and address in table
        }
        return {"default": own, **others} if others else own

    def form(self) -> dict[str, Any]:
        own = self.languages[0]
        return _without_none(
            {
                "title": self.text("title"),
                "description": self.text("introduction"),
                "locale": own if own != "en" else None,
                "pages": [self.page(section) for section in self.consultation.sections],
            }
        )

    def page(self, section: Section) -> dict[str, Any]:
        at = f"sections.{address_part(section.id)}"
        elements = [self.element(q) for q in section.questions]
        return _without_none(
            {
                "name": section.id,
                "title": self.text(f"{at}.title"),
                "description": self.text(f"{at}.intro"),
                "elements": [e for e in elements if e is not None],
            }
        )

    def refuse(self, question: Question, message: str) -> None:
        self.problems.append(f"question {question.id}: {message}")

    def element(self, question: Question) -> dict[str, Any] | None:
        before = len(self.problems)
        try:
            mapping = self.mappings[question.kind]
        except KeyError:
            self.refuse(question, f"no SurveyJS mapping for kind {question.kind!r}")
            return None

        def localise(address: str) -> Any:
            return self.text(f"{question.id}.{address}")

        fields = mapping.write(question, "surveyjs", localise)
        if isinstance(fields, Refusal):
            self.refuse(question, fields.message)
            fields = {}
        element: dict[str, Any] = {
            "type": fields.get("type"),
            "name": question.id,
            "title": self.text(f"{question.id}.text"),
            "description": self.text(f"{question.id}.hint"),
            "isRequired": True if question.required else None,
            "visibleIf": self.visible_if(question),
        }
        element.update(fields)
        if question.options and "columns" not in fields:
            element.update(self.choices(question))
        if len(self.problems) > before:
            return None
        self.remember(question)
        return _without_none(element)

    def choices(self, question: Question) -> dict[str, Any]:
        """``choices``, and an "other" option as SurveyJS's other item (always last, with the
        value ``other``)."""
        found: dict[str, Any] = {"choices": []}
        folded: dict[str, str] = {}
        last = len(question.options) - 1
        for index, option in enumerate(question.options):
            same = folded.setdefault(_fold(option.value), option.value)
            if same != option.value:
                self.refuse(
                    question,
                    f"the options {same!r} and {option.value!r} differ only in case or spaces, "
                    "which SurveyJS's conditions do not tell apart",
                )
            if option.hint:
                self.refuse(
                    question, f"option {option.value!r} has a hint; SurveyJS choices have none"
                )
            label = self.text(f"{question.id}.options.{address_part(option.value)}")
            if not option.other:
                found["choices"].append({"value": option.value, "text": label})
                continue
            if index != last or option.value != "other":
                self.refuse(
                    question,
                    f"the other option {option.value!r} must be the last, with the value "
                    "'other': SurveyJS's other item always is",
                )
            if option.max_length is not None:
                self.refuse(
                    question, "SurveyJS cannot limit the length of one question's other text"
                )
            found["showOtherItem"] = True
            found["otherText"] = label
        return found

    def visible_if(self, question: Question) -> str | None:
        condition = question.condition
        if condition is None:
            return None
        unreadable = [key for key in references(condition) if key not in self.readable]
        if unreadable:
            self.refuse(
                question,
                f"its condition reads {', '.join(unreadable)}, which a SurveyJS visibleIf "
                "cannot read back exactly",
            )
            return None
        try:
            return to_visible_if(condition)
        except UnsupportedCondition as exc:
            self.refuse(question, f"its condition has no exact SurveyJS visibleIf: {exc}")
            return None

    def remember(self, question: Question) -> None:
        kinds: dict[str, Callable[[Question], bool]] = {
            "single": lambda q: True,
            "multi": lambda q: True,
            "ranking": lambda q: True,
            "number": lambda q: True,
            "date": lambda q: q.settings.get("precision") != "month",
            "text": lambda q: True,
            "email": lambda q: True,
            "phone": lambda q: True,
            "uk_postcode": lambda q: True,
        }
        readable = kinds.get(question.kind)
        if readable is not None and readable(question):
            self.readable.add(question.id)
        if question.kind == "grid":
            for row in question.settings.get("rows") or []:
                self.readable.add(f"{question.id}.{row['id']}")
