"""The report plugin's catalogues are complete, and nothing a reader sees escapes them.

Every message extracted from the plugin's code and templates (with Babel, as ``pybabel
extract`` does) must be in the English and the Welsh catalogue, the Welsh with every plural form
filled and not fuzzy, keeping the message's placeholders; neither holds an obsolete entry.

The pseudo-locale test builds a report in a made-up language whose catalogue wraps every
message in ⟦ ⟧: every text of the HTML page and every label of the JSON must then be wrapped,
or be the spec's own text, a respondent's words, or a figure.  A word written in the code
without the catalogue fails it.
"""

from __future__ import annotations

import re
import string
import types
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po
from exporttools import parse_html
from test_report_lang import SPEC, TODAY, fill

import surveykit.plugins
from surveykit import hookimpl, load_spec
from surveykit.i18n import Catalogue
from surveykit.storage import open_store
from surveykit.translations import texts
from surveykit_reports.build import build_report
from surveykit_reports.export.as_html import render_html
from surveykit_reports.export.as_json import to_json

PLUGIN = Path(surveykit.plugins.__file__).parents[2] / "plugins" / "surveykit_reports"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
PSEUDO = "qps"


def extracted() -> dict[tuple[str | None, str | tuple[str, ...]], str]:
    """Every message of the plugin: (context, msgid or (singular, plural)) -> file."""
    found = {}
    for file, _line, message, _comments, context in extract_from_dir(
        PLUGIN, METHODS, OPTIONS, keywords=DEFAULT_KEYWORDS
    ):
        found[(context, message)] = file
    return found


def catalogue(language: str) -> Catalog:
    path = PLUGIN / "locale" / language / "LC_MESSAGES" / "surveykit_reports.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain="surveykit_reports")


def _key(message) -> tuple[str | None, str | tuple[str, ...]]:
    return (message.context, message.id)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_catalogue_has_every_message_and_no_other(language):
    wanted = extracted()
    assert len(wanted) > 100
    held = {_key(m) for m in catalogue(language) if m.id}
    assert set(wanted) - held == set(), "run the extraction: messages missing"
    assert held - set(wanted) == set(), "obsolete entries"
    assert not catalogue(language).obsolete


def test_welsh_catalogue_is_complete_and_keeps_placeholders():
    welsh = catalogue("cy")
    assert welsh.num_plurals == 6
    for message in welsh:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert len(forms) == (6 if isinstance(message.id, tuple) else 1), message.id
        for form in forms:
            assert form.strip(), message.id
            assert _fields(form) <= _fields(ids[-1]) | {"n", "k", "count"}, message.id


def test_english_catalogue_leaves_the_source_as_it_is():
    for message in catalogue("en"):
        if message.id:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(s == "" for s in strings), message.id


# -- the pseudo-locale -----------------------------------------------------------------------


def _pseudo(path: Path) -> Path:
    """A catalogue for the made-up language: every message wrapped in ⟦ ⟧."""
    made = Catalog(locale=PSEUDO, domain="surveykit_reports", fuzzy=False)
    for message in catalogue("en"):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            made.add(
                message.id, (f"⟦{message.id[0]}⟧", f"⟦{message.id[1]}⟧"), context=message.context
            )
        else:
            made.add(message.id, f"⟦{message.id}⟧", context=message.context)
    out = path / PSEUDO / "LC_MESSAGES" / "surveykit_reports.po"
    out.parent.mkdir(parents=True)
    with out.open("wb") as handle:
        write_po(handle, made)
    return out


@pytest.fixture(scope="module")
def pseudo_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pseudo")
    po = _pseudo(folder / "locale")

    @hookimpl
    def surveykit_register_catalogues(register):
        register(Catalogue("surveykit_reports", PSEUDO, po))

    plugins = surveykit.plugins.Plugins()
    plugins.load_entry_points()
    module = types.ModuleType("pseudo_locale")
    module.surveykit_register_catalogues = surveykit_register_catalogues
    plugins.register(module)
    spec = load_spec(SPEC)
    with open_store(f"sqlite:///{folder}/responses.db") as store:
        fill(store, spec, 90)
        public = build_report(spec, store, generated_on=TODAY, language=PSEUDO, plugins=plugins)
        internal = build_report(
            spec, store, generated_on=TODAY, language=PSEUDO, plugins=plugins, internal=True
        )
    return spec, public, internal


WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
#: What may stand outside the catalogue: figures, dates, the marker, punctuation.
FIGURE = re.compile(
    r"\[c\]|\d[\d,.]*%?|\b(January|February|March|April|May|June|July|August|September|"
    r"October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


def _leftover(text: str, allowed: list[str]) -> str:
    """What is left of ``text`` once spec texts, wrapped messages and figures are taken out."""
    for known in allowed:
        text = text.replace(known, " ")
    while WRAPPED.search(text):
        text = WRAPPED.sub(" ", text)
    text = FIGURE.sub(" ", text)
    return re.sub(r"[\s:;,.()\-\u2014\u2013/=·…'\"?]+", "", text)


def _allowed(spec, report) -> list[str]:
    found = [t.text for t in texts(spec)]
    found += [q.text for d in report.digests for q in d.quotes]
    found += [q.attribution for d in report.digests for q in d.quotes if q.attribution]
    found += [report.consultation, "surveykit", "k", "English", PSEUDO]
    for i in report.identities:
        found += [i.authority, i.authority_type, i.role, i.name, i.consent or "", i.channel]
    return sorted({f for f in found if f}, key=len, reverse=True)


@pytest.mark.parametrize("which", ["public", "internal"])
def test_every_visible_word_of_the_html_report_is_in_the_catalogue(pseudo_report, which):
    spec, public, internal = pseudo_report
    report = public if which == "public" else internal
    tree = parse_html(render_html(report))
    allowed = _allowed(spec, report)
    bad = []
    for node in tree.iter():
        if node.tag in ("style", "script"):
            continue  # not shown
        own = "".join(item for item in node.content if isinstance(item, str))
        for text in (own, node.attrs.get("aria-label", ""), node.attrs.get("title", "")):
            if _leftover(text, allowed):
                bad.append((node.tag, text.strip()))
    assert bad == []
    assert "⟦Contents⟧" in tree.text()


def test_every_label_of_the_json_report_is_in_the_catalogue(pseudo_report):
    spec, public, _internal = pseudo_report
    data = to_json(public)
    allowed = _allowed(spec, public)
    words = [data["suppressed_note"], *data["notes"]]
    for table in [*data["tables"], *data["coverage"], data["timeline"]]:
        words += [table["title"], table["row_label"], table["column_label"], *table["notes"]]
        words += [h["label"] for h in [*table["rows"], *table["columns"]]]
    for summary in data.get("summaries", []):
        words += [summary["title"], summary["row_label"], *summary["notes"]]
        words += [h["label"] for h in [*summary["rows"], *summary["columns"]]]
        words += [v["value"] for v in summary["values"] if isinstance(v["value"], str)]
    for digest in data["digests"]:
        words += digest["notes"]
    bad = [w for w in words if _leftover(w, allowed)]
    assert bad == []
    assert len(words) > 50
