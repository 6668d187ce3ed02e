"""The real-world forms collected for issue 18's importers are all there, listed, licensed, intact.

The importers are tested against these files, so a file that goes missing, is added without a
licence, is silently edited, or stops being a valid form of its kind would quietly weaken those
tests. SOURCES.md is the single list; this module holds the folders to it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

FORMS = Path(__file__).parent / "forms"
FORMAT_DIRS = ("xlsform", "surveyjs", "limesurvey")
# The SPDX identifiers LICENCES.md reproduces or references; a new one needs its text added there.
KNOWN_LICENCES = {"BSD-2-Clause", "MIT", "CC-BY-4.0", "GPL-2.0-or-later"}
# Row classes of LimeSurvey's tab-separated survey structure seen in the collected files.
LIMESURVEY_CLASSES = {"S", "SL", "G", "Q", "SQ", "A"}
ROW = re.compile(r"^\|\s*`(?P<file>[^`]+)`\s*\|(?P<rest>.*)\|\s*$")
SHA256 = re.compile(r"`([0-9a-f]{64})`")


@dataclass(frozen=True)
class Listed:
    """One row of SOURCES.md's table."""

    file: str
    licence: str
    sha256: str
    line: int


def listed_forms() -> list[Listed]:
    """Parse SOURCES.md's table: file | source | licence | provenance | sha256 | description."""
    rows = []
    text = (FORMS / "SOURCES.md").read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        match = ROW.match(line)
        if not match:
            continue
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", match["rest"])]
        digest = SHA256.search(line)
        assert digest, f"SOURCES.md:{number}: no sha256 for {match['file']}"
        rows.append(Listed(match["file"], cells[1], digest[1], number))
    return rows


LISTED = listed_forms()
IDS = [entry.file for entry in LISTED]


def files_on_disk() -> set[str]:
    return {
        path.relative_to(FORMS).as_posix()
        for folder in FORMAT_DIRS
        for path in (FORMS / folder).rglob("*")
        if path.is_file()
    }


def test_enough_forms_of_every_format() -> None:
    """Issue 18's 'done' needs at least 20 real-world forms; keep each format represented."""
    assert len(LISTED) >= 20
    for folder in FORMAT_DIRS:
        assert sum(entry.file.startswith(f"{folder}/") for entry in LISTED) >= 6, folder


def test_listing_and_folders_agree() -> None:
    names = [entry.file for entry in LISTED]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert not duplicates, f"listed twice in SOURCES.md: {duplicates}"
    on_disk = files_on_disk()
    assert not on_disk - set(names), f"not listed in SOURCES.md: {sorted(on_disk - set(names))}"
    assert not set(names) - on_disk, f"listed but missing: {sorted(set(names) - on_disk)}"


@pytest.mark.parametrize("entry", LISTED, ids=IDS)
def test_licence_is_known_and_documented(entry: Listed) -> None:
    assert entry.licence in KNOWN_LICENCES, f"SOURCES.md:{entry.line}: licence {entry.licence!r}"
    assert entry.licence in (FORMS / "LICENCES.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("entry", LISTED, ids=IDS)
def test_file_is_unchanged(entry: Listed) -> None:
    """The bytes are the ones collected; an edit must be deliberate and update SOURCES.md."""
    data = (FORMS / entry.file).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry.sha256, f"SOURCES.md:{entry.line}"


@pytest.mark.parametrize("entry", LISTED, ids=IDS)
def test_file_is_a_form_of_its_format(entry: Listed) -> None:
    path = FORMS / entry.file
    folder, suffix = entry.file.split("/", 1)[0], path.suffix
    if folder == "xlsform":
        assert suffix == ".xlsx"
        check_xlsform(path)
    elif folder == "surveyjs":
        assert suffix == ".json"
        check_surveyjs(path)
    elif suffix == ".lss":
        check_limesurvey_lss(path)
    else:
        assert suffix in {".tsv", ".txt"}
        check_limesurvey_tsv(path)


def check_xlsform(path: Path) -> None:
    """An XLSForm has a `survey` sheet (case-insensitive name) whose header has type and name."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        sheets = {name.lower(): name for name in workbook.sheetnames}
        assert "survey" in sheets, f"{path.name}: sheets {workbook.sheetnames}"
        rows = workbook[sheets["survey"]].iter_rows(values_only=True)
        header = next(row for row in rows if any(cell is not None for cell in row))
        columns = {str(cell).strip().lower() for cell in header if cell is not None}
        assert {"type", "name"} <= columns, f"{path.name}: survey header {header}"
    finally:
        workbook.close()


def check_surveyjs(path: Path) -> None:
    survey = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(survey, dict)
    assert "pages" in survey or "elements" in survey, f"{path.name}: keys {sorted(survey)}"


def check_limesurvey_tsv(path: Path) -> None:
    """LimeSurvey's tab-separated structure: header with class, type/scale, name; known row classes.

    LimeSurvey 3+ exports put `id` and `related_id` first and may start with a UTF-8 BOM.
    """
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    header = rows[0]
    assert {"class", "type/scale", "name", "relevance", "text", "language"} <= set(header), header
    position = header.index("class")
    classes = {row[position] for row in rows[1:] if len(row) > position}
    assert classes <= LIMESURVEY_CLASSES, f"{path.name}: classes {sorted(classes)}"
    assert {"G", "Q"} <= classes, f"{path.name}: no groups or questions"


def check_limesurvey_lss(path: Path) -> None:
    """LimeSurvey's .lss structure (kept where no TSV exists): XML with groups and questions."""
    root = ET.parse(path).getroot()
    assert root.tag == "document"
    assert root.findtext("LimeSurveyDocType") == "Survey"
    assert root.find("groups/rows/row") is not None
    assert root.find("questions/rows/row") is not None
