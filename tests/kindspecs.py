"""Spec texts shared by the tests of the question kinds (imported by name, like webtools).

One consultation asks every built-in kind with the settings that change how it is asked and
shown, so the web form, ``surveykit show`` and the other channels are tested on the same
questions; a test that needs more (a condition, a question bank) adds it with
:func:`every_kind` rather than keeping a copy.  :func:`spec_text` writes the consultation table
and section around a test's own questions, so its spec shows only what the test is about.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The second reference spec: a residents' survey that asks every kind, with conditions.
RESIDENTS = ROOT / "specs" / "examples" / "residents_survey.toml"

#: The kinds surveykit ships, written out so that a kind added or dropped is noticed here.
BUILT_IN_KINDS = (
    "single",
    "multi",
    "text",
    "number",
    "date",
    "email",
    "uk_postcode",
    "phone",
    "grid",
    "ranking",
)

_HEADER = {"id": "t", "title": "T", "publisher": "Tests", "closes": dt.date(2099, 12, 31)}


def _toml(value: object) -> str:
    """A TOML value: strings quoted (JSON's escapes are TOML's), dates bare, lists in brackets."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | int | float):
        return value.isoformat() if isinstance(value, dt.date) else repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def spec_text(
    questions: str,
    *,
    tables: str = "",
    section: tuple[str, str] = ("s", "Section"),
    **consultation: object,
) -> str:
    """A whole spec around ``questions`` (``[[sections.questions]]`` tables, in TOML).

    ``consultation`` sets the ``[consultation]`` table's keys (id, title, publisher and closes
    have defaults); ``tables`` is TOML to put between it and the one section, such as a
    ``[publication]`` table.
    """
    lines = ["[consultation]"]
    lines += [f"{key} = {_toml(value)}" for key, value in (_HEADER | consultation).items()]
    head = "\n".join(lines) + "\n"
    if tables:
        head += "\n" + tables.strip("\n") + "\n"
    section_id, section_title = section
    head += f'\n[[sections]]\nid = "{section_id}"\ntitle = "{section_title}"\n'
    return head + ("\n" + questions.lstrip("\n") if questions.strip() else "")


def written(folder: Path, text: str, name: str = "spec.toml") -> Path:
    """``text`` saved as ``folder/name``, for the commands that read a spec from a file."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


#: One question of each built-in kind, none conditional, with the settings that change how it
#: is asked and shown: whole and decimal numbers with a unit after or before the figure, a date
#: and a month with bounds (one of them "today"), UK and international phones, a required grid
#: with an optional row and an optional grid with a required row, a ranking of some of its
#: options, and "other" options with and without a length limit.
EVERY_KIND_QUESTIONS = """\
[[sections.questions]]
id = "staff"
number = "1"
text = "How many people work there?"
kind = "number"
min = 0
max = 5000
unit = "people"

[[sections.questions]]
id = "budget"
number = "2"
text = "What is your budget?"
kind = "number"
decimals = 2
min = -1000
max = 2000000
unit = "£"
unit_prefix = true

[[sections.questions]]
id = "founded"
number = "3"
text = "When was it founded?"
kind = "date"
required = true
earliest = 1900-01-01
latest = 2099-12-31

[[sections.questions]]
id = "since"
number = "4"
text = "Since when?"
kind = "date"
precision = "month"
earliest = 1920-01-01
latest = "today"

[[sections.questions]]
id = "contact"
number = "5"
text = "Your email address"
kind = "email"

[[sections.questions]]
id = "office"
number = "6"
text = "Your office's postcode"
kind = "uk_postcode"

[[sections.questions]]
id = "mobile"
number = "7"
text = "Your phone number"
kind = "phone"

[[sections.questions]]
id = "abroad"
number = "8"
text = "Your number abroad"
kind = "phone"
international = true

[[sections.questions]]
id = "views"
number = "9"
text = "Do you agree?"
kind = "grid"
required = true
rows = [
    { id = "a", text = "Statement A" },
    { id = "b", text = "Statement B", hint = "Only if it applies", required = false },
]
options = [
    { value = "yes", label = "Yes" },
    { value = "no", label = "No" },
]

[[sections.questions]]
id = "order"
number = "10"
text = "Put these in order"
kind = "ranking"
min_ranked = 2
max_ranked = 3
options = [
    { value = "w", label = "West" },
    { value = "x", label = "Ex" },
    { value = "y", label = "Why" },
    { value = "z", label = "Zed" },
]

[[sections.questions]]
id = "source"
number = "11"
text = "Where did you hear?"
kind = "single"
required = true
options = [
    { value = "paper", label = "Newspaper" },
    { value = "other", label = "Somewhere else", other = true, max_length = 20 },
]

[[sections.questions]]
id = "areas"
number = "12"
text = "Which areas?"
kind = "multi"
options = [
    { value = "north", label = "North" },
    { value = "other", label = "Another area", other = true, max_length = 200 },
]

[[sections.questions]]
id = "satisfaction"
number = "13"
text = "How far do you agree with each statement?"
kind = "grid"
rows = [
    { id = "parks", text = "Parks are well looked after" },
    { id = "streets", text = "Streets are clean", required = true },
]
options = [
    { value = "agree", label = "Agree" },
    { value = "disagree", label = "Disagree" },
]
"""


def every_kind(*more: str, include: Sequence[str] = ()) -> str:
    """The every-kind consultation, with ``more`` questions after the base ones (numbered from
    14; they may be conditional) and the question banks in ``include``."""
    banks: dict[str, object] = {"include": list(include)} if include else {}
    return spec_text(
        EVERY_KIND_QUESTIONS + "".join("\n" + q.strip("\n") + "\n" for q in more),
        id="every-kind",
        title="Every kind",
        **banks,
    )


#: The every-kind consultation as it is: no conditions, no banks.
EVERY_KIND = every_kind()
