"""Write a spec as an XLSForm spreadsheet (.xlsx) that pyxform accepts and that
:mod:`.xlsform_read` reads back as the same spec.

Sections become top-level groups (a section's introduction a ``note`` at its start), each
question a row whose kind-particular columns come from the kind's registered mapping
(:mod:`.kinds_xlsform` for the built-in kinds), ``shown_if`` a ``relevant`` expression, and
the spec's languages ``label::Welsh (cy)`` columns.  What XLSForm cannot say exactly (a grid,
a text comparison, an option's hint) refuses the export, every problem listed at once.

What XLSForm has no column for but surveykit needs back is written in ``surveykit::...``
columns, which pyxform leaves out of the form it builds (docs/interchange.md): an email,
postcode or phone question's kind, a number's unit, an option that asks for the
respondent's own words (``surveykit_other`` on the choice -- pyxform copies a choices column
into each choice's item, so its name has no ``::`` -- plus a text row shown when it is chosen,
marked ``surveykit::other_of``).
"""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any

from surveykit import Consultation, Question
from surveykit.conditions import Contains, Equals
from surveykit.extras import require_extra
from surveykit.interchange import Refusal
from surveykit.plugins import get_plugins
from surveykit.translations import address_part, language_name

from .api import ExportRefused
from .kinds_xlsform import default_other_length
from .xlsform_expressions import UnsupportedCondition, to_relevant

__all__ = ["write"]

#: How the columns are ordered; the others follow in the order first written.
_ORDER = (
    "list_name",
    "type",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "appearance",
)


class _Texts:
    """A text of the spec in each of its languages, as the label columns write them."""

    def __init__(self, consultation: Consultation) -> None:
        self.consultation = consultation
        self.languages = consultation.metadata.languages

    def __call__(self, address: str, text: str | None) -> dict[str, str]:
        found = {self.languages[0]: text or ""}
        for lang in self.languages[1:]:
            translation = self.consultation.translations.get(lang, {}).get(address)
            found[lang] = translation.text if translation is not None and text else ""
        return found

    def column(self, base: str, lang: str) -> str:
        if len(self.languages) == 1:
            return base
        return f"{base}::{_name(lang)}"


def write(consultation: Consultation, *, file: str, plugins: Any = None) -> bytes:
    """``consultation`` as the bytes of an .xlsx XLSForm, or :class:`ExportRefused`."""
    require_extra("interchange", "surveykit export to XLSForm")
    import openpyxl

    writer = _Writer(consultation, plugins or get_plugins())
    writer.walk()
    if writer.problems:
        raise ExportRefused(file, "xlsform", writer.problems)
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    _fill(survey, writer.survey, writer.texts)
    _fill(book.create_sheet("choices"), writer.choices, writer.texts)
    meta = consultation.metadata
    own = meta.languages[0]
    title = writer.texts("title", meta.title)
    introduction = writer.texts("introduction", meta.introduction)
    settings = {
        "form_title": meta.title,
        "form_id": meta.id,
        "default_language": _name(own),
        "surveykit::title": {k: v for k, v in title.items() if k != own} or None,
        "surveykit::introduction": introduction if meta.introduction.strip() else None,
    }
    _fill(book.create_sheet("settings"), [settings], writer.texts)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _name(lang: str) -> str:
    name = language_name(lang)
    return name if name != lang else f"{lang} ({lang})"


def _fill(sheet: Any, rows: list[dict[str, Any]], texts: _Texts) -> None:
    """Write ``rows`` under one header row; a value that is a dict of language to text
    fills one column per language."""
    columns: list[str] = []
    flat_rows = []
    for row in rows:
        flat: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, Mapping):
                for lang, text in value.items():
                    if text:
                        flat[texts.column(key, lang)] = text
                for lang in value:
                    columns.append(texts.column(key, lang))
            elif value is not None and value != "":
                flat[key] = value
                columns.append(key)
        flat_rows.append(flat)
    ordered = list(dict.fromkeys(columns))
    ordered.sort(key=lambda c: _ORDER.index(c.split("::")[0]) if c.split("::")[0] in _ORDER else 99)
    if not ordered:
        ordered = ["list_name", "name", "label"]
    sheet.append(ordered)
    for flat in flat_rows:
        sheet.append([flat.get(column) for column in ordered])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula


class _Writer:
    def __init__(self, consultation: Consultation, plugins: Any) -> None:
        self.consultation = consultation
        self.mappings = plugins.interchange
        self.texts = _Texts(consultation)
        self.survey: list[dict[str, Any]] = []
        self.choices: list[dict[str, Any]] = []
        self.problems: list[str] = []
        self.question_ids = {q.id for q in consultation.questions}
        self.names = self.question_ids | {s.id for s in consultation.sections}

    def walk(self) -> None:
        for section in self.consultation.sections:
            base = f"sections.{address_part(section.id)}"
            self.survey.append(
                {
                    "type": "begin_group",
                    # XLSForm names are one namespace: a section named as a question is renamed
                    "name": self._new_name(section.id)
                    if section.id in self.question_ids
                    else section.id,
                    "label": self.texts(f"{base}.title", section.title),
                }
            )
            if section.intro.strip():
                self.survey.append(
                    {
                        "type": "note",
                        "name": self._new_name(f"{section.id}_intro"),
                        "label": self.texts(f"{base}.intro", section.intro),
                    }
                )
            for question in section.questions:
                self._question(question)
            self.survey.append({"type": "end_group"})

    def _new_name(self, wanted: str) -> str:
        name, n = wanted, 1
        while name in self.names:
            n += 1
            name = f"{wanted}_{n}"
        self.names.add(name)
        return name

    def _question(self, q: Question) -> None:
        problems: list[str] = []
        qid = address_part(q.id)
        row: dict[str, Any] = {
            "type": "",
            "name": q.id,
            "label": self.texts(f"{qid}.text", q.text),
            "hint": self.texts(f"{qid}.hint", q.hint) if q.hint else None,
            "required": "yes" if q.required else None,
        }
        relevant = None
        if q.condition is not None:
            try:
                relevant = to_relevant(q.condition)
            except UnsupportedCondition as exc:
                problems.append(f"shown_if `{q.shown_if}`: {exc}")
        row["relevant"] = relevant
        fields = self._kind_fields(q)
        if isinstance(fields, Refusal):
            problems.append(fields.message)
        else:
            row.update(fields)
        for option in q.options:
            if option.hint:
                problems.append(
                    f"option {option.value!r} has a hint; XLSForm's choices have no hints"
                )
            if option.value != "".join(option.value.split()):
                problems.append(
                    f"option {option.value!r} holds a space; XLSForm's choice names cannot"
                )
        self.problems += [f"question {q.id}: {p}" for p in problems]
        if problems:
            return
        self.survey.append(row)
        for option in q.options:
            self.choices.append(
                {
                    "list_name": q.id,
                    "name": option.value,
                    "label": self.texts(
                        f"{qid}.options.{address_part(option.value)}", option.label
                    ),
                    "surveykit_other": "yes" if option.other else None,
                }
            )
        other = next((o for o in q.options if o.other), None)
        if other is not None:
            self._other_text(q, other, relevant)

    def _other_text(self, q: Question, other: Any, relevant: str | None) -> None:
        """The text box an "other" option asks for: shown while the option is chosen."""
        picked = Contains if q.kind == "multi" else Equals
        chosen = to_relevant(picked(q.id, other.value))
        limit = other.max_length or default_other_length()
        qid = address_part(q.id)
        self.survey.append(
            {
                "type": "text",
                "name": self._new_name(f"{q.id}_other"),
                "label": self.texts(f"{qid}.options.{address_part(other.value)}", other.label),
                "required": "yes" if q.required else None,
                "relevant": chosen if relevant is None else f"({relevant}) and {chosen}",
                "constraint": f"string-length(.) <= {limit}",
                "surveykit::other_of": q.id,
            }
        )

    def _kind_fields(self, q: Question) -> Mapping[str, Any] | Refusal:
        if q.kind not in self.mappings:
            return Refusal(
                f"kind {q.kind}", f"no plugin says how kind {q.kind!r} is written as XLSForm"
            )
        qid = address_part(q.id)

        def localise(address: str) -> dict[str, str]:
            value = q.settings
            for part in address.split("."):
                value = value.get(part, "") if isinstance(value, Mapping) else ""
            return self.texts(f"{qid}.{address}", str(value))

        return self.mappings[q.kind].write(q, "xlsform", localise)
