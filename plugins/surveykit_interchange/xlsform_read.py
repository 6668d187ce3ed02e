"""Read an XLSForm spreadsheet (.xlsx) as a spec: the ``survey``, ``choices`` and ``settings``
sheets, by pyxform's rules for headers, types and languages.

Each survey row becomes a question, a section (a top-level group), a section's introduction (a
note), or a refusal naming its sheet and row: repeats, calculations, choice filters, defaults,
media, metadata types and every expression surveykit cannot say exactly.  What a kind reads
for itself (a constraint as a number's bounds, a ``month-year`` appearance) is said by the
kind's registered mapping (:mod:`.kinds_xlsform` for the built-in kinds).  The table of what
maps to what is in docs/interchange.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator, Mapping
from io import BytesIO
from pathlib import PurePath
from typing import Any

from attrs import define, evolve, field

from surveykit.conditions import All, Condition
from surveykit.extras import require_extra
from surveykit.interchange import Foreign, Localised

from .api import Reading
from .building import DraftOption, DraftQuestion, DraftSection, SpecBuilder, localised
from .kinds_xlsform import FALSE_WORDS, TRUE_WORDS, default_other_length, is_true
from .xlsform_expressions import QuestionInfo, UnsupportedExpression, to_condition

#: How the exporter writes an "other" option's length limit on its text box.
_OTHER_LIMIT = re.compile(r"\s*string-length\(\s*\.\s*\)\s*<=\s*(\d+)\s*")

__all__ = ["language_tag", "normalise_header", "read"]

#: pyxform's header aliases that matter here (pyxform/aliases.py), after snake_case.
_HEADER_ALIASES = {
    "list name": "list_name",
    "caption": "label",
    "relevance": "relevant",
    "constraining_message": "constraint_message",
    "requiredmsg": "required_message",
    "calculate": "calculation",
    "read_only": "readonly",
    "count": "repeat_count",
    "jr:count": "repeat_count",
    "command": "type",
}
_MEDIA = ("image", "big-image", "audio", "video")
#: Columns whose text is given per language (``label::Welsh (cy)``).
_TEXT_COLUMNS = (
    "label",
    "hint",
    "guidance_hint",
    "constraint_message",
    "required_message",
    "surveykit::unit",
    "surveykit::title",
    "surveykit::introduction",
    *(f"media::{m}" for m in _MEDIA),
)
_TAG = re.compile(r"\(\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)\s*\)\s*$")
_SELECT = re.compile(
    r"^(select_one|select one|select_multiple|select all that apply|select_multiple)"
    r"(?:\s+from)?\s+(\S+)(\s+or_other|\s+or specify other)?$"
)
_TYPE_ALIASES = {"int": "integer", "string": "text", "select1": "select_one"}
_METADATA = {
    "start": "when the form was opened",
    "end": "when the form was finished",
    "today": "the day of the interview",
    "deviceid": "the device's identifier",
    "imei": "the device's identifier",
    "subscriberid": "the SIM's identifier",
    "simserial": "the SIM's serial number",
    "phonenumber": "the device's phone number",
    "username": "the device user's name",
    "email": "the device user's email address",
    "audit": "a log of how the form was filled in",
    "start-geopoint": "where the form was opened",
    "hidden": "a value the form sets",
}
#: Columns read by the reader or by the kinds' mappings; any other column is pyxform's
#: business (ignored by pyxform unless listed in _REFUSED_COLUMNS or prefixed bind::/body::).
_REFUSED_COLUMNS = {
    "choice_filter": ("choice filter", "a choice filter shows only some choices"),
    "calculation": ("calculation", "a calculation sets the answer"),
    "trigger": ("trigger", "a trigger recalculates the answer when another changes"),
    "default": ("default", "a default fills in an answer before the respondent does"),
    "repeat_count": ("repeat_count", "a repeat count repeats questions"),
}


def read(data: bytes, *, file: str, plugins: Any = None) -> Reading:
    """The form in ``data`` read into a :class:`~.building.SpecBuilder`."""
    require_extra("interchange", "surveykit import of an XLSForm")
    import openpyxl

    book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = {name.strip().lower(): name for name in book.sheetnames}
        tables = {
            wanted: _rows(book[sheets[wanted]], wanted)
            for wanted in ("survey", "choices", "settings")
            if wanted in sheets
        }
    finally:
        book.close()
    return _Reader(file, tables, plugins).read()


# sheets -------------------------------------------------------------------------------------


@define
class _Row:
    """One non-empty row: its 1-based spreadsheet number and cells by normalised column."""

    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@define
class _Table:
    sheet: str
    columns: list[tuple[int, str, str]] = field(factory=list)  # (column, header, normalised)
    rows: list[_Row] = field(factory=list)


def normalise_header(header: str, double_colon: bool) -> str:
    """A header as pyxform reads it: ``List Name`` is ``list_name``, ``label:English (en)``
    (single colon, when no header of the sheet has two) is ``label::English (en)``,
    ``image`` is ``media::image``."""
    if double_colon or "::" in header:
        tokens = [t.strip() for t in header.split("::")]
    else:
        tokens = [t.strip() for t in header.split(":")]
        if "jr" in tokens:
            at = tokens.index("jr")
            tokens[at : at + 2] = [f"jr:{tokens[at + 1]}" if at + 1 < len(tokens) else "jr"]
    first = " ".join(tokens[0].split()).lower()
    first = _HEADER_ALIASES.get(first, first).replace(" ", "_")
    first = _HEADER_ALIASES.get(first, first)
    tokens = ["media", first, *tokens[1:]] if first in _MEDIA else [first, *tokens[1:]]
    return "::".join(tokens)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _rows(sheet: Any, name: str) -> _Table:
    table = _Table(name)
    rows = sheet.iter_rows(values_only=True)
    header: tuple[Any, ...] = ()
    header_row = 0
    for number, row in enumerate(rows, start=1):
        if any(_cell_text(v) for v in row):
            header, header_row = row, number
            break
    texts = [_cell_text(h) for h in header]
    double = any("::" in h for h in texts)
    table.columns = [(i, h, normalise_header(h, double)) for i, h in enumerate(texts) if h]
    for number, row in enumerate(rows, start=header_row + 1):
        cells = {}
        for index, _, column in table.columns:
            text = _cell_text(row[index]) if index < len(row) else ""
            if text and column not in cells:
                cells[column] = text
        if cells:
            table.rows.append(_Row(number, cells))
    return table


# languages ----------------------------------------------------------------------------------


@functools.cache
def _english_names() -> dict[str, tuple[str, ...]]:
    import babel

    names: dict[str, list[str]] = {}
    for tag, name in babel.Locale("en").languages.items():
        names.setdefault(name.lower(), []).append(tag.replace("_", "-"))
    return {name: tuple(tags) for name, tags in names.items()}


@functools.cache
def _own_names() -> dict[str, tuple[str, ...]]:
    """Each language's name for itself (``deutsch``, ``cymraeg``), for the languages Babel
    has data for; loaded only when a column's name is no English one."""
    import babel
    from babel import localedata

    names: dict[str, list[str]] = {}
    for tag in localedata.locale_identifiers():
        if "_" in tag:
            continue
        name = babel.Locale.parse(tag).languages.get(tag)
        if name:
            names.setdefault(name.lower(), []).append(tag)
    return {name: tuple(tags) for name, tags in names.items()}


def language_tag(name: str) -> tuple[str | None, str]:
    """The tag of a language as a column names it (``Welsh (cy)``, ``Cymraeg (cy)``,
    ``english``, ``Deutsch``, ``de``), or ``None`` and why not."""
    match = _TAG.search(name)
    if match is not None:
        return match.group(1).replace("_", "-"), ""
    key = " ".join(name.split()).lower()
    tags = _english_names().get(key, ())
    if not tags and key in {t.lower() for t in _english_names_by_tag()}:
        return key, ""
    if not tags:
        tags = _own_names().get(key, ())
    if len(tags) == 1:
        return tags[0], ""
    if not tags:
        return None, f"{name!r} is no language name surveykit knows"
    return None, f"{name!r} names several languages ({', '.join(tags)})"


@functools.cache
def _english_names_by_tag() -> frozenset[str]:
    return frozenset(tag for tags in _english_names().values() for tag in tags)


def _split_text_column(column: str) -> tuple[str, str | None] | None:
    """``(base, language)`` of a per-language column, ``language`` ``None`` when plain."""
    for base in _TEXT_COLUMNS:
        if column == base:
            return base, None
        if column.startswith(base + "::"):
            return base, column[len(base) + 2 :]
    return None


# the reader ---------------------------------------------------------------------------------


@define
class _Group:
    row: int
    name: str
    condition: Condition | None
    refused: bool


class _Reader:
    def __init__(self, file: str, tables: Mapping[str, _Table], plugins: Any) -> None:
        self.file = file
        self.tables = tables
        self.plugins = plugins
        self.settings: dict[str, str] = {}
        settings = tables.get("settings")
        if settings is not None and settings.rows:
            self.settings = dict(settings.rows[0].cells)
        self.refused_languages: list[tuple[str, str, str]] = []
        self.language_of, self.languages, self.default_note = self._languages()
        self.builder = SpecBuilder(
            file=file, format="xlsform", languages=self.languages, plugins=plugins
        )
        self.choices: dict[str, list[_Row]] = {}
        self.earlier: dict[str, QuestionInfo] = {}
        self.others: dict[str, set[str]] = {}  # question name -> its "other" option values
        self.drafted: dict[str, DraftQuestion] = {}  # question name -> one with "other" options
        self.groups: list[_Group] = []
        self.section: DraftSection | None = None
        self.loose: DraftSection | None = None

    # languages

    def _languages(self) -> tuple[dict[str | None, str], tuple[str, ...], str]:
        """Each language suffix (``None`` for plain columns) to its tag; the languages, the
        form's own first; a note when the plain columns' language was assumed."""
        suffixes: list[str | None] = []
        for name in ("survey", "choices"):
            table = self.tables.get(name)
            for _, _, column in table.columns if table else ():
                split = _split_text_column(column)
                if split and split[0] in ("label", "hint") and split[1] not in suffixes:
                    suffixes.append(split[1])
        language_of: dict[str | None, str] = {}
        for suffix in suffixes:
            if suffix is None:
                continue
            tag, why = language_tag(suffix)
            if tag is None:
                self.refused_languages.append((suffix, "language", why))
            else:
                language_of[suffix] = tag
        default_name = self.settings.get("default_language", "")
        default = None
        note = ""
        if default_name:
            default, why = language_tag(default_name)
            if default is None:
                self.refused_languages.append(("", "default_language", why))
        if None in suffixes:
            if default is None:
                note = (
                    "languages: the plain label column has no language; read as English (en) "
                    "(name it in the settings sheet's default_language to say otherwise)"
                )
            language_of[None] = default or "en"
        ordered = [default] if default else []
        if None in language_of:
            ordered.append(language_of[None])
        ordered += [language_of[s] for s in suffixes if s in language_of]
        return language_of, tuple(dict.fromkeys(t for t in ordered if t)) or ("en",), note

    def localise(self, cells: Mapping[str, str], base: str) -> Localised | None:
        """Column ``base`` in every language the row gives it in (a language's own column
        first, the plain column for the default language)."""
        texts: dict[str, str] = {}
        for suffix, tag in self.language_of.items():
            column = base if suffix is None else f"{base}::{suffix}"
            value = cells.get(column, "")
            if value and not texts.get(tag):
                texts[tag] = value
        return localised(texts, self.languages)

    def _setting_text(self, base: str, own: str) -> Localised:
        """A settings text: ``own`` (or the ``base`` column) in the form's own language, the
        ``base::language`` columns in the others."""
        texts = {self.languages[0]: own} if own else {}
        texts.update(
            (tag, self.settings.get(base if suffix is None else f"{base}::{suffix}", ""))
            for suffix, tag in self.language_of.items()
            if not texts.get(tag)
        )
        return localised(texts, self.languages) or Localised({self.languages[0]: "(untitled)"})

    # reading

    def read(self) -> Reading:
        builder = self.builder
        for suffix, feature, why in self.refused_languages:
            if feature == "language":
                message = (
                    f"the columns for language {suffix!r} name no language tag: {why}; "
                    f"write it as `label::Name (tag)`, e.g. `label::Welsh (cy)`"
                )
                builder.refuse("survey sheet, row 1", "language", message)
            else:
                message = f"default_language: {why}; write it as `Name (tag)`, e.g. `Welsh (cy)`"
                builder.refuse("settings sheet, row 2", "language", message)
        if self.default_note:
            builder.adapt(self.default_note)
        title_text = _first(self.settings, "form_title", "title", "set_form_title")
        form_id = _first(self.settings, "form_id", "id_string", "set_form_id")
        form_id = form_id or PurePath(self.file).stem
        title = self._setting_text("surveykit::title", title_text or form_id)
        if not title_text:
            builder.adapt(f"title: the settings sheet gives no form_title; {form_id!r} was used")
        self.title = title
        survey = self.tables.get("survey")
        if survey is None:
            builder.refuse("", "survey sheet", "the workbook has no sheet named survey")
            return Reading(builder, form_id, title)
        self._read_choices()
        self._walk(survey.rows)
        introduction = None
        if any(c.startswith("surveykit::introduction") for c in self.settings):
            introduction = self._setting_text("surveykit::introduction", "")
        return Reading(builder, form_id, title, introduction)

    def _read_choices(self) -> None:
        table = self.tables.get("choices")
        for row in table.rows if table else ():
            name = row.get("list_name")
            if name:
                self.choices.setdefault(name, []).append(row)

    def _walk(self, rows: list[_Row]) -> None:
        iterator = iter(rows)
        for row in iterator:
            kind = " ".join(row.get("type").split()).lower()
            if not kind:
                if row.get("name") or row.get("label"):
                    self.builder.refuse(
                        self._where(row), "type", "the row has a name or label but no type"
                    )
                continue
            if kind.startswith(("begin_repeat", "begin repeat", "begin_loop", "begin loop")):
                self._repeat(row, iterator)
            elif kind in ("begin_group", "begin group"):
                self._begin_group(row)
            elif kind in ("end_group", "end group"):
                self._end_group(row)
            elif kind in ("end_repeat", "end repeat", "end_loop", "end loop"):
                self.builder.refuse(self._where(row), "repeat", "an end_repeat with no repeat")
            elif kind == "note":
                self._note(row)
            else:
                self._question(row, kind)
        for group in self.groups:
            self.builder.refuse(
                f"survey sheet, row {group.row}",
                "group",
                f"group `{group.name}` is never closed by an end_group",
            )

    @staticmethod
    def _where(row: _Row) -> str:
        return f"survey sheet, row {row.number}"

    def _in_refused_group(self) -> bool:
        return any(g.refused for g in self.groups)

    # repeats and groups

    def _repeat(self, row: _Row, rows: Iterator[_Row]) -> None:
        depth, last, inside = 1, row.number, 0
        for other in rows:
            last = other.number
            kind = " ".join(other.get("type").split()).lower()
            if kind.startswith(("begin_repeat", "begin repeat", "begin_loop", "begin loop")):
                depth += 1
            elif kind in ("end_repeat", "end repeat", "end_loop", "end loop"):
                depth -= 1
                if depth == 0:
                    break
            inside += 1
        name = row.get("name") or "(no name)"
        self.builder.refuse(
            f"survey sheet, rows {row.number}-{last}",
            "repeat",
            f"repeat `{name}` (rows {row.number} to {last}, {inside} rows inside) asks its "
            "questions any number of times; surveykit asks each question once",
        )

    def _begin_group(self, row: _Row) -> None:
        name = row.get("name") or f"group_{row.number}"
        refused = self._in_refused_group()
        condition = None
        if row.get("relevant") and not refused:
            condition = self._relevant(row)
            if condition is None:
                refused = True
                self.builder.adapt(
                    f"{self._where(row)}: the questions of group `{name}` are left out with it"
                )
        label = self.localise(row.cells, "label")
        if not self.groups:
            self.loose = None
            section_id = self.builder.identifier(name)
            self.section = DraftSection(section_id, label or Localised({self.languages[0]: name}))
            self.builder.sections.append(self.section)
        elif self.section is not None:
            self.builder.adapt(
                f"{self._where(row)}: group `{name}` inside group `{self.groups[0].name}` was "
                f"flattened into section `{self.section.id}`"
            )
        hint = self.localise(row.cells, "hint")
        if hint is not None and self.section is not None and not refused:
            self._add_intro(self.section, hint)
            self.builder.adapt(
                f"{self._where(row)}: the hint of group `{name}` became part of the "
                f"introduction of section `{self.section.id}`"
            )
        self.groups.append(_Group(row.number, name, condition, refused))

    def _end_group(self, row: _Row) -> None:
        if not self.groups:
            self.builder.refuse(self._where(row), "group", "an end_group with no begin_group")
            return
        self.groups.pop()
        if not self.groups:
            self.section = None

    def _target(self) -> DraftSection:
        if self.section is not None:
            return self.section
        if self.loose is None:
            self.loose = DraftSection(self.builder.identifier("questions"), self.title)
            self.builder.sections.append(self.loose)
        return self.loose

    def _add_intro(self, section: DraftSection, text: Localised) -> None:
        if section.intro is None:
            section.intro = text
            return
        merged = {}
        for lang in self.languages:
            parts = [t for t in (section.intro.texts.get(lang), text.texts.get(lang)) if t]
            if parts:
                merged[lang] = "\n\n".join(parts)
        section.intro = Localised(merged)

    def _note(self, row: _Row) -> None:
        if self._in_refused_group():
            return
        where = self._where(row)
        problems = self._references(row)
        if row.get("relevant"):
            problems.append(
                (
                    "note condition",
                    "relevant: a note shown only sometimes cannot become a section's "
                    "introduction, which is always shown",
                )
            )
        for column, (feature, why) in _REFUSED_COLUMNS.items():
            if row.get(column):
                problems.append((feature, f"{column}: {why}"))
        if problems:
            for feature, message in problems:
                self.builder.refuse(where, feature, message)
            return
        text = self.localise(row.cells, "label")
        if text is None:
            return
        section = self._target()
        self._add_intro(section, text)
        self.builder.adapt(
            f"{where}: note `{row.get('name')}` became part of the introduction of section "
            f"`{section.id}`"
        )

    # questions

    def _references(self, row: _Row) -> list[tuple[str, str]]:
        found = []
        for column, value in row.cells.items():
            split = _split_text_column(column)
            if split and split[0] in ("label", "hint") and "${" in value:
                found.append(
                    (
                        "label reference",
                        f"{column}: `${{..}}` shows an earlier answer inside the text; "
                        "surveykit's texts are fixed",
                    )
                )
        return found

    def _relevant(self, row: _Row) -> Condition | None:
        expression = row.get("relevant")
        try:
            return to_condition(expression, self.earlier)
        except UnsupportedExpression as exc:
            self.builder.refuse(
                self._where(row), "expression", f"relevant, column {exc.column}: {exc.message}"
            )
            return None

    def _question(self, row: _Row, kind: str) -> None:
        if self._in_refused_group():
            return
        where = self._where(row)
        name = row.get("name")
        other_of = row.get("surveykit::other_of")
        if other_of and other_of in self.others:
            # the exporter's text box for an "other" option: the option asks for it; its
            # constraint carries the option's length limit back
            self._other_limit(other_of, row)
            return
        problems = self._column_problems(row)
        base, list_name, or_other = _parse_type(kind)
        if base in _METADATA:
            problems.append(
                (
                    f"question type {base}",
                    f"`{base}` records {_METADATA[base]} without asking; surveykit records "
                    "only what respondents answer",
                )
            )
        if not name:
            problems.append(("name", "the question has no name"))
        foreign_type = base
        marked = row.get("surveykit::kind")
        if marked:
            if base != "text":
                problems.append(
                    ("surveykit::kind", f"surveykit::kind {marked!r} is only read on a text row")
                )
            foreign_type = f"text:{marked}"
        if base == "rank" and or_other:
            problems.append(("or_other", "type: a ranking has no 'other' choice in surveykit"))
        options: list[DraftOption] = []
        if list_name is not None and base in ("select_one", "select_multiple", "rank"):
            options = self._options(list_name, or_other, problems)
        condition = None
        relevant_refused = False
        if row.get("relevant"):
            condition = self._relevant(row)
            relevant_refused = condition is None
        for feature, message in problems:
            self.builder.refuse(where, feature, message)
        if base in _METADATA or (base == "calculate" and row.get("calculation")) or not name:
            return
        foreign = Foreign(
            "xlsform",
            foreign_type,
            fields=row.cells,
            where=where,
            localise=lambda column: self.localise(row.cells, column),
        )
        read = self.builder.read_kind(foreign)  # its refusals too: every problem at once
        if read is None or problems or relevant_refused:
            return
        notes = self._notes(row)
        if or_other:
            notes.append(
                "The form's or_other choice became an 'other' option asking for the "
                "respondent's own words."
            )
        conditions = [g.condition for g in self.groups if g.condition is not None]
        if condition is not None:
            conditions.append(condition)
        if len(conditions) > 1:
            condition = All(tuple(conditions))
        elif conditions:
            condition = conditions[0]
        text = self.localise(row.cells, "label")
        if text is None:
            text = Localised({self.languages[0]: name})
            notes.append("The question has no label; its name was used as its text.")
        own = self.languages[0]
        for column, given in (("label", text), ("hint", self.localise(row.cells, "hint"))):
            if given is not None and own not in given.texts:
                notes.append(
                    f"The {column} is not given in {own}; the {next(iter(given.texts))} one "
                    "is used in every language."
                )
        qid = self.builder.identifier(name)
        question = DraftQuestion(
            id=qid,
            text=text,
            read=read,
            where=where,
            hint=self.localise(row.cells, "hint"),
            options=tuple(options),
            required=is_true(row.get("required")),
            condition=condition,
            notes=notes,
        )
        self._target().questions.append(question)
        info = _info(read.kind, base, [o.value for o in options], qid)
        if info is not None:
            self.earlier[name] = info
        others = {o.value for o in options if o.other}
        if others:
            self.others[name] = others
            self.drafted[name] = question

    def _other_limit(self, name: str, row: _Row) -> None:
        """Set the "other" option's ``max_length`` from its text box's constraint, as the
        exporter writes it (``string-length(.) <= 80``); the kinds' default limit is none."""
        found = _OTHER_LIMIT.fullmatch(row.get("constraint") or "")
        question = self.drafted.get(name)
        if found is None or question is None:
            return
        limit = int(found.group(1))
        question.options = tuple(
            evolve(o, max_length=None if limit == default_other_length() else limit)
            if o.other
            else o
            for o in question.options
        )

    def _column_problems(self, row: _Row) -> list[tuple[str, str]]:
        problems = self._references(row)
        required = row.get("required").lower()
        if required not in TRUE_WORDS and required not in FALSE_WORDS:
            problems.append(
                (
                    "required",
                    f"required: `{row.get('required')}` is an expression; surveykit's required "
                    "is yes or no",
                )
            )
        for column, (feature, why) in _REFUSED_COLUMNS.items():
            if row.get(column):
                problems.append((feature, f"{column}: {why}"))
        if row.get("readonly") and row.get("readonly").lower() not in FALSE_WORDS:
            problems.append(("readonly", "readonly: a read-only question takes no answer"))
        for column in row.cells:
            if column.startswith("media::"):
                problems.append(
                    ("media", f"{column}: surveykit shows no image, audio or video with a question")
                )
            elif column.startswith(("bind::", "body::")):
                problems.append((f"column {column}", f"{column}: sets XForm attributes directly"))
        return problems

    def _notes(self, row: _Row) -> list[str]:
        notes = []
        constraint_message = any(
            c == "constraint_message" or c.startswith("constraint_message::") for c in row.cells
        )
        if row.get("constraint") and constraint_message:
            notes.append("The constraint_message was dropped: surveykit says its own message.")
        if any(c == "required_message" or c.startswith("required_message::") for c in row.cells):
            notes.append("The required_message was dropped: surveykit says its own message.")
        if any(c == "guidance_hint" or c.startswith("guidance_hint::") for c in row.cells):
            notes.append("The guidance_hint was dropped: surveykit has no guidance text.")
        return notes

    def _options(
        self, list_name: str, or_other: bool, problems: list[tuple[str, str]]
    ) -> list[DraftOption]:
        rows = self.choices.get(list_name)
        if not rows:
            problems.append(("choices", f"type: the choices sheet has no list named `{list_name}`"))
            return []
        options: list[DraftOption] = []
        seen: set[str] = set()
        for choice in rows:
            value = choice.get("name")
            where = f"choices sheet, row {choice.number}"
            if not value:
                problems.append(("choices", f"{where}: a choice of `{list_name}` has no name"))
                continue
            if value in seen:
                problems.append(
                    ("duplicate choice", f"{where}: `{list_name}` lists choice {value!r} twice")
                )
                continue
            seen.add(value)
            for column in choice.cells:
                if column.startswith("media::"):
                    problems.append(
                        ("media", f"{where}, {column}: surveykit shows no images with choices")
                    )
            label = self.localise(choice.cells, "label") or Localised({self.languages[0]: value})
            options.append(DraftOption(value, label, other=is_true(choice.get("surveykit_other"))))
        if or_other and "other" not in seen:
            options.append(DraftOption("other", Localised({self.languages[0]: "Other"}), True))
        return options


def _first(cells: Mapping[str, str], *columns: str) -> str:
    return next((cells[c] for c in columns if cells.get(c)), "")


def _parse_type(kind: str) -> tuple[str, str | None, bool]:
    """``(type, list name, or_other)`` of a survey row's type, legacy spellings read."""
    if kind.startswith(("select_one_from_file", "select_multiple_from_file")) or " from file" in (
        kind
    ):
        return kind.split()[0].replace(" ", "_"), None, False
    match = _SELECT.match(kind)
    if match is not None:
        multiple = match.group(1) in ("select_multiple", "select all that apply")
        base = "select_multiple" if multiple else "select_one"
        return base, match.group(2), bool(match.group(3))
    words = kind.split()
    if words and words[0] == "rank" and len(words) in (2, 3):
        return "rank", words[1], words[2:] == ["or_other"]
    whole = "_".join(words)
    return _TYPE_ALIASES.get(whole, whole), None, False


def _info(kind: str, base: str, choices: list[str], key: str) -> QuestionInfo | None:
    """What a later relevant may know about a question, by its XLSForm type."""
    if base in ("select_one", "select_multiple"):
        return QuestionInfo(base, tuple(choices), key=key)
    if base == "rank":  # stored as the ranked choices, space-separated, as a select_multiple
        return QuestionInfo("select_multiple", tuple(choices), key=key)
    if kind == "number":
        return QuestionInfo("integer" if base == "integer" else "decimal", key=key)
    if kind == "date":
        return QuestionInfo("date", key=key)
    if kind in ("text", "email", "uk_postcode", "phone"):
        return QuestionInfo("text", key=key)
    return None
