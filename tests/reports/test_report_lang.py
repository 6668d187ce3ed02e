"""Reports in Welsh, in English, or both: `surveykit report --lang`.

The bilingual example spec is answered by generated residents (through the real engine, into a
real SQLite file), then reported in each language.  The consultation's texts must come from its
Welsh translation, the report's own words from the Welsh catalogue, and every figure must be the
English report's, cell by cell; publishing in Welsh must record the same release as English.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
from exporttools import ROOT, parse_html
from residents import store_residents

from surveykit import Consultation, load_spec
from surveykit.cli import main
from surveykit.engine import Engine
from surveykit.storage import Store, open_store
from surveykit.translations import localise
from surveykit_reports.build import build_report
from surveykit_reports.export.as_json import to_json
from surveykit_reports.languages import figures
from surveykit_reports.releases import publish_report

SPEC = ROOT / "specs" / "examples" / "bilingual_example.toml"
#: Answers arrive while the consultation is open.
START = dt.datetime(2027, 2, 2, 9, tzinfo=dt.UTC)
TODAY = dt.date(2027, 3, 1)
PEOPLE = 90
COMMENTS = (
    "Please open on Sunday afternoons.",
    "Mae angen oriau hwyrach ar nos Iau.",
    "The library is the only warm place in the village.",
)


def _answers(rng: random.Random, spec: Consultation) -> dict[str, Any]:
    visits = rng.choice(["weekly", "weekly", "monthly", "rarely", "never"])
    answers: dict[str, Any] = {"visits": visits}
    if visits == "never":
        answers["why_not"] = rng.choice(["hours", "distance", "online", "other_reason"])
    elif rng.random() < 0.9:
        answers["uses"] = rng.sample(["books", "computers", "study", "events"], rng.randint(1, 3))
    answers["when"] = rng.sample(
        ["weekday_mornings", "weekday_evenings", "saturday", "sunday"], rng.randint(1, 2)
    )
    if rng.random() < 0.8:
        answers["hours"] = str(rng.choice([20, 30, 35, 40, 45, 50, 60]))
    if rng.random() < 0.4:
        answers["comments"] = rng.choice(COMMENTS)
    return answers


def fill(store: Store, spec: Consultation, n: int, seed: int = 17) -> None:
    """``n`` residents' responses, each accepted by the engine, stored through the public API."""
    rng = random.Random(seed)
    engine = Engine(spec)
    people = []
    while len(people) < n:
        checked = engine.check(_answers(rng, spec))
        if not checked.problems:
            people.append((f"r{len(people):04d}", checked.answers))
    store_residents(store, spec, people, every=dt.timedelta(hours=11), start=START)


@pytest.fixture(scope="module")
def spec() -> Consultation:
    return load_spec(SPEC)


@pytest.fixture(scope="module")
def store(spec, tmp_path_factory) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("lang")
    opened = open_store(f"sqlite:///{folder}/responses.db")
    fill(opened, spec, PEOPLE)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def reports(spec, store) -> dict[str, Any]:
    return {
        lang: build_report(spec, store, generated_on=TODAY, language=lang) for lang in ("en", "cy")
    }


def _cells(table: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (c["row"], c["column"], c["count"], c["suppressed"], c["percent"]) for c in table["cells"]
    ]


def test_the_welsh_report_has_the_english_figures_cell_by_cell(reports):
    """Every published figure of the Welsh report (counts, suppression, percentages, summary
    figures, quotes) is the English report's, in the same cell; only the words differ."""
    en, cy = to_json(reports["en"]), to_json(reports["cy"])
    assert en["responses"] == cy["responses"]
    assert en["responses"]["count"] == PEOPLE
    for section in ("tables", "coverage"):
        assert len(en[section]) == len(cy[section])
        for a, b in zip(en[section], cy[section], strict=True):
            assert (a["id"], a["question"], a["aggregator"]) == (
                b["id"],
                b["question"],
                b["aggregator"],
            )
            assert _cells(a) == _cells(b)
            assert [r["value"] for r in a["rows"]] == [r["value"] for r in b["rows"]]
            assert a["title"] != b["title"]
    assert _cells(en["timeline"]) == _cells(cy["timeline"])
    for a, b in zip(en.get("summaries", []), cy.get("summaries", []), strict=True):
        numbers = [
            (v["row"], v["column"], v["value"])
            for v in a["values"]
            if not isinstance(v["value"], str)
        ]
        assert numbers == [
            (v["row"], v["column"], v["value"])
            for v in b["values"]
            if not isinstance(v["value"], str)
        ]
    assert [d["quotes"] for d in en["digests"]] == [d["quotes"] for d in cy["digests"]]
    assert figures(reports["en"]) == figures(reports["cy"])


def test_the_welsh_report_speaks_welsh_and_keeps_ids_and_values(spec, reports):
    """Titles and option labels come from the spec's Welsh translation, the report's own
    words from the Welsh catalogue; ids and option values are the English report's."""
    welsh = localise(spec, "cy")
    data = to_json(reports["cy"])
    assert data["language"] == "cy"
    assert data["title"] == welsh.metadata.title != spec.metadata.title
    visits = next(t for t in data["tables"] if t["id"] == "visits")
    labels = {r["value"]: r["label"] for r in visits["rows"]}
    for option in welsh.question("visits").options:
        assert labels[option.value] == option.label
    assert labels["_not_answered"] == "Heb ateb"
    assert visits["row_label"] == "Ateb"
    assert welsh.question("visits").text in visits["title"]
    assert visits["columns"] == [{"value": "_all", "label": "Ymatebion", "members": []}]
    assert data["suppressed_note"].startswith("Mae [c] yn dynodi cyfrif")
    english = to_json(reports["en"])
    for a, b in zip(english["tables"], data["tables"], strict=True):
        assert [c["value"] for c in a["columns"]] == [c["value"] for c in b["columns"]]
    weeks = [r["label"] for r in data["timeline"]["rows"]]
    assert weeks[0].startswith("Wythnos yn dechrau ")
    assert "Chwefror 2027" in weeks[0]


def test_a_number_is_binned_in_welsh(reports):
    """A number's ranges and unit are in Welsh ("20 i 29 awr"), its bin values unchanged."""
    en = next(t for t in to_json(reports["en"])["tables"] if t["id"] == "hours")
    cy = next(t for t in to_json(reports["cy"])["tables"] if t["id"] == "hours")
    assert [r["value"] for r in en["rows"]] == [r["value"] for r in cy["rows"]]
    ranges = [r["label"] for r in cy["rows"] if not r["value"].startswith("_")]
    assert ranges
    assert all(" i " in label or label.isdigit() for label in ranges)
    assert not any(" to " in label for label in ranges)


def _run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["report", str(SPEC), *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def cli_store(spec, tmp_path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path}/responses.db")
    fill(opened, spec, PEOPLE)
    yield opened
    opened.close()


def test_report_lang_cy_writes_welsh_csv(capsys, cli_store, tmp_path, spec):
    """`--lang cy --format csv`: Welsh labels and README, the same ids and values."""
    out = tmp_path / "adroddiad"
    status, _stdout, stderr = _run(
        capsys, "--db", cli_store.url, "--format", "csv", "--out", str(out), "--lang", "cy"
    )
    assert status == 0, stderr
    assert stderr == ""
    with (out / "tables.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    welsh = localise(spec, "cy").question("visits")
    visits = {r["row"]: r["row_label"] for r in rows if r["table"] == "visits"}
    assert visits["weekly"] == welsh.option("weekly").label
    assert {r["column_label"] for r in rows if r["column"] == "_total"} == {"Cyfanswm"}
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert "Cyhoeddus: mae'r adroddiad hwn wedi pasio rheolaeth datgelu." in readme


def test_report_lang_both_is_one_bilingual_page_and_one_release(capsys, cli_store, tmp_path):
    """`--lang both`: one page, Welsh first then English, each part marked with its language
    and linking to the other; one release recorded, in the spec's own language."""
    out = tmp_path / "report.html"
    status, stdout, stderr = _run(
        capsys, "--db", cli_store.url, "--format", "html", "--out", str(out), "--lang", "both"
    )
    assert status == 0, stderr
    assert "(release 1)" in stdout
    page = out.read_text(encoding="utf-8")
    tree = parse_html(page)
    assert tree.find("html").attrs["lang"] == "cy"
    parts = [n for n in tree.iter("div") if "sk-edition" in n.attrs.get("class", "")]
    assert [p.attrs["lang"] for p in parts] == ["cy", "en"]
    assert [p.find("h1").text() for p in parts] == [
        "Ein llyfrgelloedd: oriau agor",
        "Our libraries: opening hours",
    ]
    switch = parts[0].find("a", hreflang="en")
    assert switch.attrs["href"] == "#en"
    assert switch.attrs["lang"] == "en"
    assert switch.text() == "English"
    assert parts[1].find("a", hreflang="cy").text() == "Cymraeg"
    ids = [n.attrs["id"] for n in tree.iter() if "id" in n.attrs]
    assert len(ids) == len(set(ids))
    assert len(list(tree.iter("main"))) == 1
    releases = cli_store.releases("library-hours-2027")
    assert len(releases) == 1
    assert json.loads(releases[0].public)["language"] == "en"


def test_a_format_of_one_language_refuses_two(capsys, cli_store, tmp_path):
    out = tmp_path / "report"
    status, _stdout, stderr = _run(
        capsys, "--db", cli_store.url, "--format", "csv", "--out", str(out), "--lang", "cy,en"
    )
    assert status == 1
    assert stderr.startswith("Error: --format csv holds one language: give --lang cy")
    assert not out.exists()
    assert cli_store.releases("library-hours-2027") == []


def test_an_unknown_language_is_refused_in_one_line(capsys, cli_store, tmp_path):
    out = tmp_path / "report.json"
    status, _stdout, stderr = _run(
        capsys, "--db", cli_store.url, "--format", "json", "--out", str(out), "--lang", "xx"
    )
    assert status == 1
    assert stderr.startswith("Error: no report can be written in xx: ")
    assert len(stderr.splitlines()) == 1
    assert not out.exists()


def test_publishing_in_welsh_records_the_release_english_would(spec, tmp_path):
    """The same responses published in Welsh, in English and in both record identical
    releases: the same public document and the same confidential audit."""
    when = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)
    recorded = []
    for n, languages in enumerate([("cy",), ("en",), ("cy", "en")]):
        with open_store(f"sqlite:///{tmp_path}/r{n}.db") as store:
            fill(store, spec, PEOPLE)
            report = publish_report(spec, store, published_at=when, languages=languages)
            assert report.language == languages[0]
            assert [r.language for r in report.alternates] == list(languages[1:])
            (release,) = store.releases(spec.metadata.id)
            recorded.append((release.public, release.audit, release.number))
    assert recorded[0] == recorded[1] == recorded[2]


def test_a_spec_in_english_only_is_reported_with_welsh_words(capsys, tmp_path):
    """Taking Stock declares English only: `--lang cy` says its questions stay in English,
    and writes the report's own words in Welsh."""
    from exporttools import sqlite_deployment

    made = sqlite_deployment(tmp_path)
    out = tmp_path / "report.json"
    try:
        status = main(
            [
                "report",
                str(ROOT / "specs" / "taking_stock.toml"),
                "--db",
                made.store.url,
                "--format",
                "json",
                "--out",
                str(out),
                "--lang",
                "cy",
            ]
        )
        captured = capsys.readouterr()
    finally:
        made.store.close()
    assert status == 0, captured.err
    assert captured.err.startswith("Warning: 'Taking stock' is not translated into cy")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["title"] == "Taking stock"
    assert data["tables"][0]["row_label"] == "Ateb"
