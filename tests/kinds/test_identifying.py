"""A kind that says ``identifying = True`` is never published by a report, in any form.

The contact kinds say so themselves; a third-party kind (a library card number, which points to
one person as surely as an email address does) is installed in the process's plugins, as an
entry point would install it, and reported from a real SQLite file by ``surveykit report`` in
every format.  The same kind without the flag is published, so the test can fail.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import types
from pathlib import Path
from typing import Any

import pytest
from attrs import frozen

import surveykit.plugins
from kindspecs import spec_text, written
from surveykit import EMPTY, Plugins, Rejected, get_plugins, hookimpl, loads_spec
from surveykit.cli import main
from surveykit.identity import Respondent
from surveykit.storage import Grant, NewSubmission, open_store
from surveykit.tally import TallyPlan, identifying
from surveykit_kinds import BUILT_IN

CARD = re.compile(r"EB[0-9]{8}")


@frozen
class LibraryCard:
    """Example Borough's library card number: ``EB`` and eight digits, any case and spacing."""

    name: str = "library_card"
    description: str = "an Example Borough library card number, EB12345678"
    has_options: bool = False
    multiple: bool = False
    has_max_length: bool = False
    identifying: bool = True

    def checker(self, question):
        wrong = Rejected("bad_card", f"{question.title}: enter a card number, like EB12345678")

        def check(value: Any) -> Any:
            if value is None or (isinstance(value, str) and not value.strip()):
                return EMPTY
            if not isinstance(value, str):
                return wrong
            text = "".join(value.split()).upper()
            return text if CARD.fullmatch(text) else wrong

        return check


@frozen
class OldLibraryCard(LibraryCard):
    """The same kind written before ``identifying`` existed."""

    name: str = "old_library_card"
    identifying: bool = False


SPEC = spec_text(
    """
[[sections.questions]]
id = "card"
number = "1"
text = "Your library card number, so we can tell you when your branch reopens"
kind = "KIND"

[[sections.questions]]
id = "branch"
number = "2"
text = "Which branch do you use most?"
kind = "single"
options = [{ value = "central", label = "Central" }, { value = "north", label = "Northbridge" }]

[[sections.questions]]
id = "consent"
number = "3"
text = "May we quote you?"
kind = "single"
required = true
options = [{ value = "quote", label = "Yes" }, { value = "no_quote", label = "No" }]
""",
    id="libraries-2027",
    title="Our libraries",
    publisher="Example Borough Council",
    timezone="Europe/London",
    tables="""
[publication]
consent_question = "consent"
quote = ["quote"]
threshold = 5
""",
    section=("s", "Libraries"),
)


@pytest.fixture
def installed(monkeypatch) -> Plugins:
    """The process's plugins with the library card kinds installed, undone after the test."""

    @hookimpl
    def surveykit_register_question_kinds(register):
        register(LibraryCard())
        register(OldLibraryCard())

    plugins = Plugins()
    plugins.load_entry_points()
    module = types.ModuleType("library_cards")
    module.surveykit_register_question_kinds = surveykit_register_question_kinds
    plugins.register(module)
    monkeypatch.setattr(surveykit.plugins, "_default", plugins)
    assert get_plugins() is plugins
    return plugins


def _reported(tmp_path: Path, kind: str, capsys) -> dict[str, str]:
    """``surveykit report`` in each format, from 40 residents' answers in a SQLite file."""
    spec_path = written(tmp_path, SPEC.replace("KIND", kind), "libraries.toml")
    spec = loads_spec(spec_path.read_text(encoding="utf-8"))
    url = f"sqlite:///{tmp_path}/responses.db"
    start = dt.datetime(2027, 2, 1, 9, tzinfo=dt.UTC)
    with open_store(url) as store:
        people = [
            Respondent(spec.metadata.id, "", "", "", name=f"Reader {n}", id=f"r{n}")
            for n in range(40)
        ]
        store.grant([Grant(p, f"hash-{p.id}", start) for p in people])
        for n, person in enumerate(people):
            answers = {
                "card": f"eb {20270000 + n}",
                "branch": "central" if n % 3 else "north",
                "consent": "quote",
            }
            clean = surveykit.Engine(spec).check(answers)
            assert clean.ok, clean.problems
            when = start + dt.timedelta(hours=n)
            store.append_submission(
                NewSubmission(spec.metadata.id, person.id, clean.answers, "web", when, when)
            )
    out = {}
    for fmt, name in (("json", "report.json"), ("html", "report.html"), ("csv", "csv")):
        path = tmp_path / name
        status = main(["report", str(spec_path), "--db", url, "--format", fmt, "--out", str(path)])
        assert status == 0, capsys.readouterr().err
        files = sorted(path.iterdir()) if path.is_dir() else [path]
        out[fmt] = "\n".join(f.read_text(encoding="utf-8-sig") for f in files)
    capsys.readouterr()
    return out


def test_a_third_party_identifying_kind_is_never_published(installed, tmp_path, capsys):
    reports = _reported(tmp_path, "library_card", capsys)
    data = json.loads(reports["json"])
    assert not [t["id"] for t in data["tables"] if t["id"].startswith("card")]
    assert not [d for d in data.get("digests", []) if d["question"] == "card"]
    assert {t["id"] for t in data["tables"]} >= {"branch", "consent"}
    for fmt, text in reports.items():
        assert not CARD.search(text), fmt
        assert "library card number" not in text, fmt
        assert "20270" not in text, fmt


def test_the_same_kind_without_the_flag_is_published(installed, tmp_path, capsys):
    """The control: a card kind that does not say it identifies is counted like any text."""
    reports = _reported(tmp_path, "old_library_card", capsys)
    data = json.loads(reports["json"])
    assert "card" in {t["id"] for t in data["tables"]}
    assert "library card number" in reports["html"]


def test_the_built_in_kinds_say_which_identify():
    flagged = {kind.name for kind in BUILT_IN if getattr(kind, "identifying", False)}
    assert flagged == {"email", "uk_postcode", "phone"}


def test_the_count_plan_leaves_identifying_parts_out(installed):
    """What the store is asked to count: the card never, by the kind's flag alone."""
    for kind, counted in (("library_card", False), ("old_library_card", True)):
        spec = loads_spec(SPEC.replace("KIND", kind))
        card = spec.question("card")
        assert identifying(card, spec, installed.kinds) is not counted
        assert ("card" in TallyPlan.of(spec, installed.kinds).counted) is counted
