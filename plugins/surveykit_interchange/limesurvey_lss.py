"""A LimeSurvey ``.lss`` survey file (XML) as the rows of LimeSurvey's tab-separated structure.

An ``.lss`` holds LimeSurvey's database tables (``<groups>``, ``<questions>``,
``<subquestions>``, ``<answers>``, ``<question_attributes>``, ``<defaultvalues>``; from
LimeSurvey 4 the texts in ``<question_l10ns>``, ``<group_l10ns>``, ``<answer_l10ns>``), each as
``<rows><row>`` of fields.  Rather than read them a second way, they are laid out as the
tab-separated export lays out the same survey: per language, each group's ``G`` row followed by
its questions' ``Q`` rows, each with its ``SQ`` and ``A`` rows, in LimeSurvey's order; a
question's attributes become columns of its ``Q`` row and its default value the ``default``
column, as in the tab-separated file.  So :mod:`.limesurvey_read` reads both with one set of
rules.  A row says where it came from as ``questions row 3`` (its table and 1-based row).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable

__all__ = ["LssError", "lss_rows"]

#: One row in the tab-separated layout: its class, its columns, and where it came from.
LssRow = tuple[str, dict[str, str], str]

#: Tables that change what a survey does and that surveykit does not read, by the row class
#: the tab-separated format gives them.
_REFUSED_TABLES = {
    "conditions": "C",
    "assessments": "AS",
    "quota": "QTA",
    "quota_members": "QTAM",
    "quota_languagesettings": "QTALS",
}


class LssError(ValueError):
    """The file is not a LimeSurvey survey structure (``.lss``)."""


def _table(root: ET.Element, name: str) -> list[tuple[str, dict[str, str]]]:
    """The rows of one table, each with where it is, as field name to text."""
    element = root.find(name)
    if element is None:
        return []
    return [
        (f"{name} row {number}", {field.tag: (field.text or "") for field in row})
        for number, row in enumerate(element.findall("rows/row"), start=1)
    ]


def _order(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _by_language(
    rows: Iterable[tuple[str, dict[str, str]]], key: str, language: str = "language"
) -> dict[tuple[str, str], tuple[str, dict[str, str]]]:
    return {(row[key], row.get(language, "")): (where, row) for where, row in rows}


def lss_rows(data: bytes) -> list[LssRow]:
    """The survey's rows in the tab-separated layout (see the module's docstring)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise LssError(f"not well-formed XML: {exc}") from None
    doc_type = (root.findtext("LimeSurveyDocType") or "").strip()
    if root.tag != "document" or doc_type != "Survey":
        raise LssError(
            f"a LimeSurvey file of type {doc_type or 'unknown'!r}, not a survey (.lss); export "
            "the whole survey"
        )
    out: list[LssRow] = []
    surveys = _table(root, "surveys")
    primary = ""
    additional: list[str] = []
    for where, row in surveys[:1]:
        primary = row.get("language", "").strip()
        additional = row.get("additional_languages", "").split()
        for name, value in row.items():
            out.append(("S", {"name": name, "text": value}, where))
    languages = (
        [primary, *additional]
        if primary
        else [(el.text or "").strip() for el in root.findall("languages/language")]
    )
    for where, row in _table(root, "surveys_languagesettings"):
        language = row.get("surveyls_language", "")
        for name, value in row.items():
            if name.startswith("surveyls_") and name not in ("surveyls_language",):
                out.append(("SL", {"name": name, "text": value, "language": language}, where))
    for table, row_class in _REFUSED_TABLES.items():
        for where, _row in _table(root, table):
            out.append((row_class, {}, where))

    groups = _table(root, "groups")
    group_texts = _by_language(_table(root, "group_l10ns"), "gid")
    questions = _table(root, "questions")
    subquestions = _table(root, "subquestions")
    question_texts = _by_language(_table(root, "question_l10ns"), "qid")
    answers = _table(root, "answers")
    answer_texts = _by_language(_table(root, "answer_l10ns"), "aid")

    attributes: dict[str, list[dict[str, str]]] = defaultdict(list)
    for _where, row in _table(root, "question_attributes"):
        attributes[row.get("qid", "")].append(row)
    defaults: dict[tuple[str, str], str] = {}
    for _where, row in _table(root, "defaultvalues"):
        if row.get("defaultvalue", "") != "":
            defaults[(row.get("qid", ""), row.get("language", ""))] = row["defaultvalue"]

    def in_language(
        rows: list[tuple[str, dict[str, str]]],
        texts: dict[tuple[str, str], tuple[str, dict[str, str]]],
        key: str,
        language: str,
    ) -> list[tuple[str, dict[str, str]]]:
        """The rows in ``language``: from an older file, those whose ``language`` it is; from
        LimeSurvey 4 on, every row joined with its texts in that language."""
        if not texts:
            return [(w, r) for w, r in rows if r.get("language", "") in ("", language)]
        joined = []
        for where, row in rows:
            found = texts.get((row.get(key, ""), language))
            if found is not None:
                joined.append((where, {**row, **found[1], "language": language}))
        return joined

    for language in languages:
        ordered_groups = sorted(
            in_language(groups, group_texts, "gid", language),
            key=lambda item: (_order(item[1].get("group_order", "")), _order(item[1]["gid"])),
        )
        language_questions = in_language(questions, question_texts, "qid", language)
        language_subquestions = in_language(subquestions, question_texts, "qid", language)
        if not subquestions:  # LimeSurvey 2 before 2.0's split, and 4+: one questions table
            language_subquestions = [
                item for item in language_questions if item[1].get("parent_qid", "0") != "0"
            ]
        language_questions = [
            item for item in language_questions if item[1].get("parent_qid", "0") in ("0", "")
        ]
        language_answers = in_language(answers, answer_texts, "aid", language)
        for group_where, group in ordered_groups:
            out.append(
                (
                    "G",
                    {
                        "id": group["gid"],
                        "name": group.get("group_name", ""),
                        "relevance": group.get("grelevance", ""),
                        "text": group.get("description", ""),
                        "language": language,
                        "randomization_group": group.get("randomization_group", ""),
                    },
                    group_where,
                )
            )
            in_group = sorted(
                (item for item in language_questions if item[1].get("gid") == group["gid"]),
                key=lambda item: (
                    _order(item[1].get("question_order", "")),
                    _order(item[1]["qid"]),
                ),
            )
            for question_where, question in in_group:
                qid = question["qid"]
                fields = {
                    "id": qid,
                    "type/scale": question.get("type", ""),
                    "name": question.get("title", ""),
                    "relevance": question.get("relevance", ""),
                    "text": question.get("question", ""),
                    "help": question.get("help", ""),
                    "language": language,
                    "validation": question.get("preg", ""),
                    "mandatory": question.get("mandatory", ""),
                    "other": question.get("other", ""),
                    "default": defaults.get((qid, language), defaults.get((qid, ""), "")),
                }
                for attribute in attributes.get(qid, ()):
                    if attribute.get("language", "") in ("", language):
                        fields[attribute.get("attribute", "")] = attribute.get("value") or ""
                out.append(("Q", fields, question_where))
                subs = sorted(
                    (item for item in language_subquestions if item[1].get("parent_qid") == qid),
                    key=lambda item: (
                        _order(item[1].get("scale_id", "")),
                        _order(item[1].get("question_order", "")),
                    ),
                )
                for sub_where, sub in subs:
                    out.append(
                        (
                            "SQ",
                            {
                                "type/scale": sub.get("scale_id", "") or "0",
                                "name": sub.get("title", ""),
                                "relevance": sub.get("relevance", ""),
                                "text": sub.get("question", ""),
                                "help": sub.get("help", ""),
                                "language": language,
                                "mandatory": sub.get("mandatory", ""),
                            },
                            sub_where,
                        )
                    )
                options = sorted(
                    (item for item in language_answers if item[1].get("qid") == qid),
                    key=lambda item: (
                        _order(item[1].get("scale_id", "")),
                        _order(item[1].get("sortorder", "")),
                    ),
                )
                for answer_where, answer in options:
                    out.append(
                        (
                            "A",
                            {
                                "type/scale": answer.get("scale_id", "") or "0",
                                "name": answer.get("code", ""),
                                "relevance": answer.get("assessment_value", ""),
                                "text": answer.get("answer", ""),
                                "language": language,
                            },
                            answer_where,
                        )
                    )
    return out
