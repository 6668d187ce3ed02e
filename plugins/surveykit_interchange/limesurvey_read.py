"""Read a LimeSurvey survey structure (tab-separated ``.txt``, or ``.lss`` XML) as a spec.

LimeSurvey's tab-separated export has one row per survey setting (class ``S``, ``SL``), group
(``G``), question (``Q``), sub-question (``SQ``) and answer option (``A``), each repeated in
every language of the survey; an item belongs to the group or question above it.  An ``.lss``
is laid out the same way first (:mod:`.limesurvey_lss`), so one set of rules reads both.

* The rows of one item in several languages become one item with :class:`Localised` texts:
  groups are matched by their ``id`` column, or else by their place among the groups of their
  language (as LimeSurvey's own importer, ``TSVImportSurvey``, does), questions by code within
  their group, sub-questions and answers by scale and code within their question.  Behaviour
  (type, relevance, mandatory, attributes) is read from the base language's rows.
* A group becomes a section (its relevance AND-ed into each of its questions' conditions); a
  text display (``X``) becomes part of its section's introduction.
* Each question type either maps to a kind through the registered mappings
  (:mod:`.kinds_limesurvey` for the built-in kinds) or is refused by name; every column or
  attribute that changes what a question does and is not carried over is refused, so that
  ``--partial`` lists it.  Presentational attributes are dropped.
* Texts are HTML in LimeSurvey: they are reduced to plain text (noted in the spec's header); a
  text holding an expression in braces (LimeSurvey's tailoring, ``{name}``) is refused.

Problems say where they are: ``line 12`` of the tab-separated file (the header is line 1), or
``questions row 3`` of an ``.lss`` file.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Mapping, Sequence
from html.parser import HTMLParser
from pathlib import PurePath
from typing import Any

from attrs import define, field

from surveykit.conditions import All, Condition
from surveykit.interchange import Foreign, Localised
from surveykit.plugins import get_plugins

from .api import Reading
from .building import (
    DraftOption,
    DraftQuestion,
    DraftSection,
    ImportProblem,
    ImportRefused,
    SpecBuilder,
)
from .kinds_limesurvey import ATTRIBUTES_READ
from .limesurvey_expressions import UnsupportedExpression, is_always, to_condition
from .limesurvey_lss import LssError, lss_rows
from .xlsform_expressions import QuestionInfo

__all__ = ["TYPE_NAMES", "language_tag", "plain_text", "read"]

#: LimeSurvey's question types by letter, as its manual names them.
TYPE_NAMES = {
    "1": "array dual scale",
    "5": "5 point choice",
    "A": "array (5 point choice)",
    "B": "array (10 point choice)",
    "C": "array (yes/no/uncertain)",
    "D": "date",
    "E": "array (increase/same/decrease)",
    "F": "array",
    "G": "gender",
    "H": "array by column",
    "I": "language switch",
    "K": "multiple numerical input",
    "L": "list (radio)",
    "M": "multiple choice",
    "N": "numerical input",
    "O": "list with comment",
    "P": "multiple choice with comments",
    "Q": "multiple short text",
    "R": "ranking",
    "S": "short free text",
    "T": "long free text",
    "U": "huge free text",
    "X": "text display",
    "Y": "yes/no",
    "!": "list (dropdown)",
    ":": "array (numbers)",
    ";": "array (texts)",
    "|": "file upload",
    "*": "equation",
}
#: The XLSForm type standing for each readable type in relevance equations.
_EXPRESSION_TYPES = {
    "L": "select_one",
    "!": "select_one",
    "5": "select_one",
    "Y": "select_one",
    "G": "select_one",
    "M": "select_multiple",
    "D": "date",
    "S": "text",
    "T": "text",
    "U": "text",
}
#: Types whose options are the question's answer (A) rows, and those whose are sub-questions.
_ANSWER_OPTIONS = frozenset("L!FR")
_SUBQUESTION_OPTIONS = frozenset("M")
_SUBQUESTION_ROWS = frozenset("F")
#: Types that may have an "Other" option (``other`` = Y), and the value LimeSurvey stores.
_OTHER_VALUE = {"L": "-oth-", "!": "-oth-", "M": "other"}
#: Columns every row has; the others of a question row are its attributes.
_CORE_COLUMNS = frozenset(
    {
        "id",
        "related_id",
        "class",
        "type/scale",
        "name",
        "relevance",
        "text",
        "help",
        "language",
        "validation",
        "mandatory",
        "other",
        "default",
        "same_default",
        "encrypted",
        "question_theme_name",
        "same_script",
        "randomization_group",
    }
)
#: Attributes that only change how a question looks (or what LimeSurvey reports), dropped.
_PRESENTATIONAL = frozenset(
    {
        "alphasort",
        "answer_order",
        "answer_width",
        "answer_width_bycolumn",
        "array_filter_style",
        "assessment_value",
        "category_separator",
        "choice_title",
        "cssclass",
        "display_columns",
        "display_rows",
        "display_type",
        "em_validation_q_tip",
        "em_validation_sq_tip",
        "hide_tip",
        "input_boxes",
        "keep_codes_order",
        "label_input_columns",
        "page_break",
        "printable_help",
        "public_statistics",
        "question_template",
        "random_group",
        "random_order",
        "rank_title",
        "repeat_headings",
        "samechoiceheight",
        "samelistheight",
        "scale_export",
        "showpopups",
        "text_input_columns",
        "text_input_width",
        "use_dropdown",
    }
)
_PRESENTATIONAL_PREFIXES = ("dropdown_", "location_", "statistics_", "time_limit_")
#: Attribute values that leave LimeSurvey's behaviour as it is by default.
_NEUTRAL = frozenset({"", "0", "N"})
#: Row classes that change what a survey does and that surveykit does not read.
_REFUSED_CLASSES = {
    "C": "a condition row (LimeSurvey's older conditions); write it as relevance instead",
    "AS": "an assessment, which scores answers and shows messages",
    "QTA": "a quota, which ends the survey for some respondents",
    "QTAM": "a quota member, part of a quota",
    "QTALS": "a quota's texts, part of a quota",
}
#: LimeSurvey's own labels for yes/no, gender and "Other", by language.
_YES_NO = {
    "en": ("Yes", "No"),
    "de": ("Ja", "Nein"),
    "es": ("Sí", "No"),
    "fr": ("Oui", "Non"),
    "nl": ("Ja", "Nee"),
    "it": ("Sì", "No"),
    "pt": ("Sim", "Não"),
    "ro": ("Da", "Nu"),
    "cy": ("Ie", "Na"),
}
_GENDER = {
    "en": ("Female", "Male"),
    "de": ("Weiblich", "Männlich"),
    "es": ("Femenino", "Masculino"),
    "fr": ("Féminin", "Masculin"),
    "nl": ("Vrouw", "Man"),
    "it": ("Femmina", "Maschio"),
    "pt": ("Feminino", "Masculino"),
    "ro": ("Feminin", "Masculin"),
}
_OTHER = {
    "en": "Other",
    "de": "Sonstiges",
    "es": "Otro",
    "fr": "Autre",
    "nl": "Anders",
    "it": "Altro",
    "pt": "Outro",
    "ro": "Altul",
    "cy": "Arall",
}
#: An expression in a text (LimeSurvey's tailoring): braces with no space just inside them.
_TAILORING = re.compile(r"\{(?!\s)[^{}]*(?<!\s)\}")


@define
class _Item:
    """One group, question, sub-question or answer: its base-language row and the texts of
    its rows in the other languages."""

    cls: str
    fields: dict[str, str]
    where: str
    texts: dict[str, dict[str, str]] = field(factory=dict)
    children: list[_Item] = field(factory=list)

    @property
    def name(self) -> str:
        return self.fields.get("name", "").strip()

    @property
    def type(self) -> str:
        return self.fields.get("type/scale", "").strip()

    @property
    def scale(self) -> str:
        """A sub-question's or answer's scale (``0`` unless an array has two)."""
        return self.type or "0"


# reading the file's rows ---------------------------------------------------------------------


def _refused(file: str, where: str, feature: str, message: str) -> ImportRefused:
    return ImportRefused([ImportProblem(file, where, feature, message)])


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def _tsv_rows(data: bytes, file: str) -> list[tuple[str, dict[str, str], str]]:
    """The rows of a tab-separated survey structure, each with its line (as LimeSurvey reads
    it: tab-separated, a cell in double quotes may hold tabs, line breaks and ``""``)."""
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        raise _refused(file, "", "encoding", f"not UTF-8 text: {exc}") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quotechar='"')
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration:
        raise _refused(file, "", "empty file", "the file is empty") from None
    if header:
        header[0] = re.sub(r"^\W+", "", header[0])
    if "class" not in header:
        raise _refused(
            file,
            "line 1",
            "no class column",
            "the header has no 'class' column: this is not a "
            "LimeSurvey tab-separated survey structure",
        )
    rows = []
    line = reader.line_num + 1
    for cells in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        fields = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header) if name}
        rows.append((fields.get("class", "").strip(), fields, f"line {start}"))
    return rows


# languages -------------------------------------------------------------------------------

#: LimeSurvey language codes with no BCP 47 tag to stand for them.
_NO_TAG = {"de-easy": "German in easy language"}
_CODE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


def language_tag(code: str) -> str | None:
    """The BCP 47 tag, in its usual case, for a LimeSurvey language code (``pt-br`` is
    ``pt-BR``, ``zh-Hans`` stays), or ``None`` when it has none."""
    code = code.strip()
    if code.lower() in _NO_TAG or not _CODE.fullmatch(code):
        return None
    first, *rest = re.split("[-_]", code)
    parts = [first.lower()]
    for part in rest:
        if len(part) == 2 and part.isalpha():
            parts.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            parts.append(part.title())
        else:
            parts.append(part.lower())
    return "-".join(parts)


def _no_tag(code: str) -> str:
    known = _NO_TAG.get(code.strip().lower())
    what = f" ({known})" if known else ""
    return (
        f"LimeSurvey language {code.strip()!r}{what} has no language tag surveykit can use; "
        "change the survey's language in LimeSurvey, or leave that language out"
    )


# texts ---------------------------------------------------------------------------------------


class _PlainText(HTMLParser):
    """LimeSurvey's HTML texts as plain text: paragraphs and line breaks kept, links as
    ``text (address)``, every other tag dropped."""

    _BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags = 0
        self._links: list[str | None] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags += 1
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a":
            self._links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self._links:
            href = self._links.pop()
            if href and not href.startswith(("#", "javascript:")):
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)

    def text(self) -> str:
        joined = "".join(self.parts).replace("\xa0", " ")
        paragraphs = re.split(r"\n\s*\n", joined)
        cleaned = (
            "\n".join(re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in p.split("\n"))
            for p in paragraphs
        )
        return "\n\n".join(p.strip("\n") for p in cleaned if p.strip())


def plain_text(text: str) -> tuple[str, bool]:
    """``text`` without its HTML, and whether it had any."""
    if "<" not in text and "&" not in text:
        return text.strip(), False
    parser = _PlainText()
    parser.feed(text)
    parser.close()
    result = parser.text()
    return result, parser.tags > 0 or result != html.unescape(text).strip()


# the reader ----------------------------------------------------------------------------------


class _Reader:
    """Reads the rows of one survey into a :class:`SpecBuilder`."""

    def __init__(self, rows: list[tuple[str, dict[str, str], str]], file: str, plugins: Any):
        self.file = file
        self.settings: dict[str, str] = {}
        self.setting_rows: dict[str, str] = {}
        self.language_settings: dict[str, dict[str, tuple[str, str]]] = {}
        for cls, fields, where in rows:
            name = fields.get("name", "").strip()
            if cls == "S" and name not in self.settings:
                self.settings[name] = fields.get("text", "").strip()
                self.setting_rows[name] = where
            elif cls == "SL":
                language = language_tag(fields.get("language", "")) or ""
                self.language_settings.setdefault(language, {}).setdefault(
                    name, (fields.get("text", ""), where)
                )
        code = self.settings.get("language", "") or next(
            (f.get("language", "").strip() for _c, f, _w in rows if f.get("language", "").strip()),
            "en",
        )
        primary = language_tag(code)
        if primary is None:
            raise _refused(file, self.setting_rows.get("language", ""), "language", _no_tag(code))
        self.primary = primary
        languages = [primary]
        #: Languages already refused: their rows are left out without a problem each.
        self.refused_languages: set[str] = set()
        bad: list[str] = []
        for code in self.settings.get("additional_languages", "").split():
            tag = language_tag(code)
            if tag is None:
                bad.append(code)
                self.refused_languages.add(code.strip())
            elif tag not in languages:
                languages.append(tag)
        self.languages = tuple(languages)
        plugins = plugins or get_plugins()
        self.builder = SpecBuilder(
            file=file, format="limesurvey", languages=self.languages, plugins=plugins
        )
        for code in bad:
            where = self.setting_rows.get("additional_languages", "")
            self.builder.refuse(where, "language", _no_tag(code))
        registry = plugins.interchange
        self.readable = {
            foreign for name in registry for foreign in registry[name].reads.get("limesurvey", ())
        }
        self.groups = self._structure(rows)
        self.earlier: dict[str, QuestionInfo] = {}
        #: The codes of the questions LimeSurvey never hides (see ``to_condition``).
        self.always_shown: set[str] = set()
        self._html = False
        self._filled: set[str] = set()

    # structure ---------------------------------------------------------------------------

    def _structure(self, rows: list[tuple[str, dict[str, str], str]]) -> list[_Item]:
        """The base language's groups with their questions, sub-questions and answers, each
        holding its texts in the other languages."""
        groups: list[_Item] = []
        items: dict[tuple[Any, ...], _Item] = {}
        translations: list[tuple[tuple[Any, ...], str, dict[str, str], str]] = []
        ordinal: dict[str, int] = {}
        group_key: tuple[Any, ...] | None = None
        question_key: tuple[Any, ...] | None = None
        unknown_languages = set(self.refused_languages)
        for cls, fields, where in rows:
            if cls in ("S", "SL"):
                continue
            if cls in _REFUSED_CLASSES:
                self.builder.refuse(
                    where, f"row class {cls}", f"surveykit cannot represent {_REFUSED_CLASSES[cls]}"
                )
                continue
            code = fields.get("language", "").strip()
            language = (language_tag(code) or code) if code else self.primary
            name = fields.get("name", "").strip()
            scale = fields.get("type/scale", "").strip() or "0"
            if cls == "G":
                ident = fields.get("id", "").strip()
                if not ident:
                    ident = f"#{ordinal.get(language, 0)}"
                    ordinal[language] = ordinal.get(language, 0) + 1
                group_key, question_key = ("G", ident), None
                key: tuple[Any, ...] = group_key
                parent_key = None
            elif cls == "Q":
                if group_key is None:
                    self.builder.refuse(
                        where,
                        "question outside a group",
                        "a question row comes before any group row",
                    )
                    continue
                question_key = key = ("Q", group_key, name)
                parent_key = group_key
            elif cls in ("SQ", "A"):
                if question_key is None:
                    self.builder.refuse(
                        where,
                        f"{cls} outside a question",
                        f"a {cls} row comes before any question row",
                    )
                    continue
                key, parent_key = (cls, question_key, scale, name), question_key
            else:
                self.builder.refuse(
                    where,
                    f"row class {cls or '(empty)'}",
                    f"surveykit does not know LimeSurvey row class {cls!r}",
                )
                continue
            if language not in self.languages:
                if language not in unknown_languages:
                    unknown_languages.add(language)
                    self.builder.refuse(
                        where,
                        "language",
                        f"rows in language {language!r}, which the survey "
                        f"does not list (its languages: {' '.join(self.languages)})",
                    )
                continue
            if language != self.primary:
                translations.append((key, language, fields, where))
                continue
            if key in items:
                self.builder.refuse(
                    where,
                    f"duplicate {cls}",
                    f"a second {cls} row {name!r} in the same place; "
                    "LimeSurvey codes must be unique there",
                )
                continue
            item = _Item(cls, dict(fields), where)
            items[key] = item
            if parent_key is None:
                groups.append(item)
            elif parent_key in items:
                items[parent_key].children.append(item)
        for key, language, fields, where in translations:
            if key in items:
                items[key].texts.setdefault(language, dict(fields))
            else:
                self.builder.refuse(
                    where,
                    "translation",
                    f"a {language} row ({key[0]} "
                    f"{fields.get('name', '').strip()!r}) with no {self.primary} row to translate",
                )
        return groups

    # texts -------------------------------------------------------------------------------

    def _text(self, value: str, where: str, what: str) -> str | None:
        """``value`` as plain text, or ``None`` (refused) when it holds an expression."""
        found = _TAILORING.search(value)
        if found:
            self.builder.refuse(
                where,
                "tailoring",
                f"{what} shows the expression {found.group(0)!r} "
                "(LimeSurvey's tailoring), which surveykit cannot work out",
            )
            return None
        text, had_html = plain_text(value)
        if had_html and not self._html:
            self._html = True
            self.builder.adapt("texts: LimeSurvey's HTML was reduced to plain text")
        return text

    def _localised(self, item: _Item, column: str, what: str) -> Localised | bool | None:
        """The ``column`` of ``item`` in every language; a language without it gets the base
        language's (noted).  ``None`` when the base language has none, ``False`` when
        refused."""
        own = self._text(item.fields.get(column, ""), item.where, what)
        if own is None:
            return False
        if not own:
            return None
        texts = {self.primary: own}
        for language in self.languages[1:]:
            given = item.texts.get(language, {}).get(column, "")
            text = self._text(given, item.where, what) if given.strip() else ""
            if text is None:
                return False
            if not text:
                text = own
                if language not in self._filled:
                    self._filled.add(language)
                    self.builder.adapt(
                        f"languages: some texts have no {language} version in the survey; "
                        f"the {self.primary} text was written there (translate it)"
                    )
            texts[language] = text
        return Localised(texts)

    def _fixed(self, table: Mapping[str, Any], pick: int | None = None) -> Localised:
        """One of LimeSurvey's own labels in every language of the survey."""
        texts = {}
        for language in self.languages:
            labels = table.get(language.split("-")[0].lower())
            if labels is None:
                labels = table["en"]
                self.builder.adapt(
                    f"languages: LimeSurvey's own labels (yes/no, gender, other) are written in "
                    f"English for {language}; translate them"
                )
            texts[language] = labels if pick is None else labels[pick]
        return Localised(texts)

    # reading -----------------------------------------------------------------------------

    def read(self) -> None:
        for group in self.groups:
            self._group(group)

    def _group(self, group: _Item) -> None:
        # a refused title or description is listed; the group's questions are still read
        title = self._localised(group, "name", f"the title of group {group.name!r}")
        intro = self._localised(group, "text", f"the description of group {group.name!r}")
        section = DraftSection(
            id=self.builder.identifier(group.name or "section"),
            title=title or Localised({self.primary: group.name or "Questions"}),
            intro=intro or None,
        )
        relevance = group.fields.get("relevance", "").strip()
        condition = None
        if not is_always(relevance):
            more = f" (the group's {len(group.children)} questions are left out with it)"
            condition = self._condition(relevance, group.where, "group relevance", more)
            if condition is None:
                return
        for question in group.children:
            if question.type == "X":
                self._display(question, section)
            else:
                self._question(question, section, condition)
        self.builder.sections.append(section)

    def _condition(
        self, expression: str, where: str, feature: str, more: str = ""
    ) -> Condition | None:
        """The relevance as a condition on the earlier questions, or ``None`` (refused)."""
        try:
            return to_condition(expression, self.earlier, self.always_shown)
        except UnsupportedExpression as exc:
            self.builder.refuse(where, feature, f"{feature} {expression!r}: {exc}{more}")
            return None

    def _display(self, question: _Item, section: DraftSection) -> None:
        """A text display: part of the section's introduction, when it is always shown."""
        if not is_always(question.fields.get("relevance", "")):
            self.builder.refuse(
                question.where,
                "conditional text display",
                f"text display {question.name!r} "
                "is shown only sometimes; surveykit's section introductions always are",
            )
            return
        text = self._localised(question, "text", f"text display {question.name!r}")
        if not text:
            return
        if section.intro is None:
            section.intro = text
        else:
            section.intro = Localised(
                {lang: f"{section.intro.get(lang)}\n\n{text.get(lang)}" for lang in self.languages}
            )
        self.builder.adapt(
            "text displays (LimeSurvey type X) were written into their section's introduction"
        )

    def _question(self, question: _Item, section: DraftSection, group: Condition | None) -> None:
        letter, name, where = question.type, question.name, question.where
        if letter not in self.readable:
            kind = TYPE_NAMES.get(letter, "unknown")
            self.builder.refuse(
                where,
                f"question type {letter}",
                f"{name}: surveykit has no kind for LimeSurvey question type {letter!r} ({kind})",
            )
            return
        before = len(self.builder.problems)
        fields = question.fields
        notes: list[str] = []
        required = self._required(question, notes)
        for column in ("default", "validation"):
            value = fields.get(column, "").strip()
            if value:
                what = "a default answer" if column == "default" else "a validation pattern"
                self.builder.refuse(
                    where,
                    column,
                    f"{name}: {column} {value!r} is {what}, which surveykit cannot represent",
                )
        self._attributes(question)
        options, rows = self._options(question)
        condition = group
        relevance = fields.get("relevance", "").strip()
        if not is_always(relevance):
            own = self._condition(relevance, where, "relevance")
            if own is not None:
                condition = own if group is None else All((group, own))
        text = self._localised(question, "text", f"the text of question {name!r}")
        hint = self._localised(question, "help", f"the help of question {name!r}")
        foreign = Foreign(
            "limesurvey",
            letter,
            {**fields, "subquestions": rows, "options_count": len(options)},
            where,
            localise=lambda column: self._localised(question, column, column) or None,
        )
        read = self.builder.read_kind(foreign)
        if read is None or len(self.builder.problems) > before:
            return
        if not isinstance(text, Localised):  # none given (a refused one has returned above)
            text = Localised({self.primary: name})
            notes.append("the question has no text in LimeSurvey: its code was written instead")
        section.questions.append(
            DraftQuestion(
                id=self.builder.identifier(name),
                text=text,
                read=read,
                where=where,
                hint=hint or None,
                options=tuple(options),
                required=required,
                condition=condition,
                notes=notes,
            )
        )
        self._remember(question, section.questions[-1].id, options, read.settings)
        if condition is None:
            self.always_shown.add(name)

    def _required(self, question: _Item, notes: list[str]) -> bool:
        value = question.fields.get("mandatory", "").strip()
        if value == "Y":
            return True
        if value == "S":
            notes.append(
                "LimeSurvey's soft mandatory (ask once, then accept no answer) read as optional"
            )
        elif value not in ("", "N"):
            self.builder.refuse(
                question.where,
                "mandatory",
                f"{question.name}: mandatory {value!r} is neither Y, S nor N",
            )
        return False

    def _attributes(self, question: _Item) -> None:
        """Refuse every attribute that changes what the question does and is not read."""
        read = ATTRIBUTES_READ.get(question.type, frozenset())
        other = question.fields.get("other", "").strip() == "Y"
        for column, raw in question.fields.items():
            value = (raw or "").strip()
            if (
                column in _CORE_COLUMNS
                or value in _NEUTRAL
                or column in _PRESENTATIONAL
                or column.startswith(_PRESENTATIONAL_PREFIXES)
                or column in read
                or (column == "other_replace_text" and other)
            ):
                continue
            self.builder.refuse(
                question.where,
                f"attribute {column}",
                f"{question.name}: {column} = {value!r} "
                "changes what the question does, and surveykit cannot represent it",
            )

    def _options(
        self, question: _Item
    ) -> tuple[list[DraftOption], tuple[tuple[str, Localised], ...]]:
        """The question's options, and an array's rows (code and text)."""
        letter, name = question.type, question.name
        subquestions = [c for c in question.children if c.cls == "SQ"]
        answers = [c for c in question.children if c.cls == "A"]
        if letter in ("L", "!"):  # LimeSurvey's tab-separated export writes "other" as an SQ
            subquestions = [s for s in subquestions if s.name != "other"]
        for sub in subquestions:
            if not is_always(sub.fields.get("relevance", "")):
                self.builder.refuse(
                    sub.where,
                    "sub-question relevance",
                    f"{name}_{sub.name}: a sub-question "
                    "shown only sometimes; surveykit cannot show part of a question",
                )
            if sub.fields.get("default", "").strip():
                self.builder.refuse(sub.where, "default", f"{name}_{sub.name}: a default answer")
        if subquestions and letter not in _SUBQUESTION_OPTIONS | _SUBQUESTION_ROWS:
            self.builder.refuse(
                subquestions[0].where,
                "sub-questions",
                f"{name}: sub-questions on a question "
                f"of type {letter} ({TYPE_NAMES.get(letter, '')}), which surveykit cannot place",
            )
        options: list[DraftOption] = []
        if letter in _ANSWER_OPTIONS:
            options = self._option_rows(question, [a for a in answers if a.scale == "0"], "answer")
        elif letter in _SUBQUESTION_OPTIONS:
            options = self._option_rows(question, subquestions, "sub-question")
        elif letter == "5":
            options = [
                DraftOption(str(n), Localised({lang: str(n) for lang in self.languages}))
                for n in range(1, 6)
            ]
        elif letter == "Y":
            options = [
                DraftOption("Y", self._fixed(_YES_NO, 0)),
                DraftOption("N", self._fixed(_YES_NO, 1)),
            ]
        elif letter == "G":
            options = [
                DraftOption("F", self._fixed(_GENDER, 0)),
                DraftOption("M", self._fixed(_GENDER, 1)),
            ]
        if letter in _ANSWER_OPTIONS | _SUBQUESTION_OPTIONS and not options:
            what = "sub-questions" if letter in _SUBQUESTION_OPTIONS else "answer rows (A)"
            self.builder.refuse(
                question.where,
                "no options",
                f"{name}: a question of type {letter} with no {what}: it offers nothing to choose",
            )
        if question.fields.get("other", "").strip() == "Y":
            self._other(question, options)
        elif question.fields.get("other", "").strip() not in ("", "N"):
            self.builder.refuse(
                question.where,
                "other",
                f"{name}: other {question.fields['other']!r} is neither Y nor N",
            )
        rows: tuple[tuple[str, Localised], ...] = ()
        if letter in _SUBQUESTION_ROWS:
            found = []
            for sub in subquestions:
                text = self._localised(sub, "text", f"row {sub.name!r} of {name!r}")
                if text:
                    found.append((sub.name, text))
            rows = tuple(found)
        return options, rows

    def _option_rows(
        self, question: _Item, children: Sequence[_Item], what: str
    ) -> list[DraftOption]:
        options = []
        for child in children:
            label = self._localised(child, "text", f"{what} {child.name!r} of {question.name!r}")
            if label is False:
                continue
            options.append(DraftOption(child.name, label or Localised({self.primary: child.name})))
        return options

    def _other(self, question: _Item, options: list[DraftOption]) -> None:
        letter = question.type
        value = _OTHER_VALUE.get(letter)
        if value is None:
            self.builder.refuse(
                question.where,
                "other",
                f"{question.name}: an 'other' box on a question of "
                f"type {letter}, which surveykit cannot represent",
            )
            return
        if any(o.value == value for o in options):
            self.builder.refuse(
                question.where,
                "other",
                f"{question.name}: an option is already coded "
                f"{value!r}, LimeSurvey's code for 'other'",
            )
            return
        label = self._localised(question, "other_replace_text", "the 'other' label")
        if label is False:
            return
        options.append(DraftOption(value, label or self._fixed(_OTHER), other=True))

    def _remember(
        self, question: _Item, key: str, options: Sequence[DraftOption], settings: Mapping
    ) -> None:
        """What later relevance equations may know of this question."""
        letter = question.type
        kind = _EXPRESSION_TYPES.get(letter)
        if letter == "N":
            kind = "integer" if settings.get("decimals") == 0 else "decimal"
        if kind is None:
            return
        # an "Other" of a multiple choice is its own variable in EM (the words typed), not an
        # item: left out, so that an equation reading it is refused
        choices = tuple(o.value for o in options if not (o.other and letter == "M"))
        self.earlier[question.name] = QuestionInfo(kind, choices, key)

    # the whole survey --------------------------------------------------------------------

    def reading(self, stem: str) -> Reading:
        self.read()
        titles = {
            lang: settings["surveyls_title"]
            for lang, settings in self.language_settings.items()
            if "surveyls_title" in settings
        }
        title = self._survey_text(titles, "the survey's title") or Localised(
            {self.primary: self.settings.get("surveyls_title") or stem}
        )
        intros: dict[str, tuple[str, str]] = {}
        for lang, settings in self.language_settings.items():
            parts = [
                settings[k]
                for k in ("surveyls_description", "surveyls_welcometext")
                if k in settings and settings[k][0].strip()
            ]
            if parts:
                intros[lang] = ("\n\n".join(p[0] for p in parts), parts[0][1])
        introduction = self._survey_text(intros, "the survey's introduction")
        return Reading(self.builder, stem, title, introduction)

    def _survey_text(self, given: Mapping[str, tuple[str, str]], what: str) -> Localised | None:
        own = given.get(self.primary)
        if own is None:
            return None
        item = _Item("SL", {"text": own[0]}, own[1])
        for lang, (text, _where) in given.items():
            item.texts[lang] = {"text": text}
        found = self._localised(item, "text", what)
        return found or None


def read(data: bytes, *, file: str, plugins: Any = None) -> Reading:
    """Read a LimeSurvey tab-separated survey structure or ``.lss`` file (module docstring)."""
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:200]
    if head.startswith(b"<"):
        try:
            rows = lss_rows(data)
        except LssError as exc:
            raise _refused(file, "", "not a survey", str(exc)) from None
    else:
        rows = _tsv_rows(data, file)
    reader = _Reader(rows, file, plugins)
    return reader.reading(PurePath(file).stem)
