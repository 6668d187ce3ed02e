"""Each extra, installed from the built wheel into its own environment outside the clone, does
what it is for; the core alone does its part and names the extra for the rest (issue 15).

The environments come from ``venv_for`` (see conftest.py): only what each extra's metadata asks
for is installed, so a library the core imports by mistake fails here, not on a user's machine.
The web extra's smoke test (serve, with its CSS and JS) is in test_wheel.py.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import textwrap
from pathlib import Path

import psycopg
import pytest
from wheeltools import ROOT, run

MISSING_EXTRA = 69

#: Three complete answers to Taking Stock through the submit service, into a SQLite store that
#: is then reopened and read back; a report needs more than its threshold (5) of them.
SEED = """
import datetime as dt
import sys
from pathlib import Path

import surveykit

spec = surveykit.load_spec("taking-stock")


def answers(pick):
    out = {}
    for question in spec.questions:
        values = [option.value for option in question.options]
        if question.kind == "single":
            out[question.id] = values[min(pick, len(values) - 1)]
        elif question.kind == "multi":
            out[question.id] = [values[min(pick, len(values) - 1)]]
        else:
            out[question.id] = f"Response number {pick}."
    return out


secret = surveykit.load_secret(Path("responses.db.secret"), environ={})
when = dt.datetime(2015, 3, 1, 12, tzinfo=dt.UTC)  # before Taking Stock closed
ids = []
with surveykit.open_store("sqlite:///responses.db") as store:
    service = surveykit.SubmitService(spec, store, secret, clock=lambda: when)
    for n in range(int(sys.argv[1])):
        issued = service.request_link(
            authority=f"Council {n}", authority_type="district", email=f"c{n}@example.org"
        )
        service.submit(issued.token, answers(n))
        ids.append(issued.respondent.id)
with surveykit.open_store("sqlite:///responses.db") as store:
    print(len(ids), store.count_responses("taking-stock"), store.response(ids[0]).answers["q13"])
"""


def _python_examples(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


@pytest.fixture(scope="module")
def core(venv_for) -> Path:
    return venv_for(None)


def test_the_core_validates_shows_and_checks(core, tmp_path):
    out = run(core / "surveykit", "validate", "taking-stock", cwd=tmp_path)
    assert out.startswith("taking-stock: OK: 'Taking stock', 25 questions")
    shown = json.loads(run(core / "surveykit", "show", "taking-stock", "--json", cwd=tmp_path))
    assert sum(len(section["questions"]) for section in shown["sections"]) == 25
    record = {"role": "leader", "authority_type": "county", "authority": "Kent"}
    record |= {"consent": "no_quote", "q13": "no", "q14": "yes"}
    (tmp_path / "answers.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    command = ["check", "taking-stock", "--answers", "answers.jsonl"]
    checked = json.loads(run(core / "surveykit", *command, cwd=tmp_path))
    assert (checked["problems"], "q14" in checked["answers"]) == ([], False)


def test_the_core_runs_the_readme_python_example(core, tmp_path):
    [example] = _python_examples((ROOT / "README.md").read_text(encoding="utf-8"))
    script = example + '\nassert engine.clean({"q13": "no", "q14": "yes"}) == {"q13": "no"}\n'
    (tmp_path / "example.py").write_text(script, encoding="utf-8")
    run(core / "python", "example.py", cwd=tmp_path)


def test_the_core_keeps_responses_in_sqlite(core, tmp_path):
    (tmp_path / "seed.py").write_text(SEED, encoding="utf-8")
    assert run(core / "python", "seed.py", "3", cwd=tmp_path).split() == ["3", "3", "yes"]


def test_the_core_lists_every_plugin(core, tmp_path):
    """Every built-in plugin loads without its extra: registration imports nothing heavy."""
    rows = json.loads(run(core / "surveykit", "plugins", "--json", cwd=tmp_path))
    assert {row["name"] for row in rows} >= {
        "kinds",
        "memory",
        "sqlite",
        "postgresql",
        "html",
        "terminal",
        "email",
        "reports",
    }
    helped = run(core / "surveykit", "--help", cwd=tmp_path)
    for command in ("serve", "report", "answer", "inbox", "email-form"):
        assert f"\n  {command} " in helped


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        (["serve", "taking-stock"], "web"),
        (["report", "taking-stock", "--db", "sqlite:///r.db", "--format", "json"], "reports"),
        (["inbox", "taking-stock"], "email"),
        (["answer", "--help"], "terminal"),
    ],
    ids=["serve", "report", "inbox", "answer"],
)
def test_the_core_names_the_extra_a_command_needs(core, tmp_path, command, extra):
    err = run(core / "surveykit", *command, cwd=tmp_path, status=MISSING_EXTRA)
    assert err == (
        f"Error: surveykit {command[0]} needs the {extra} extra: pip install 'surveykit[{extra}]'\n"
    )


def test_the_core_names_the_extra_a_postgresql_store_needs(core, tmp_path):
    command = ["tokens", "duplicates", "taking-stock", "--db", "postgresql://127.0.0.1:1/none"]
    err = run(core / "surveykit", *command, cwd=tmp_path, status=MISSING_EXTRA)
    assert err == (
        "Error: opening a postgresql:// store needs the postgres extra: "
        "pip install 'surveykit[postgres]'\n"
    )


def test_the_postgres_extra_opens_a_store_on_the_server(venv_for, tmp_path):
    server = os.environ.get("SURVEYKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
    schema = f"smoke_{secrets.token_hex(4)}"
    url = f"{server}{'&' if '?' in server else '?'}schema={schema}"
    code = textwrap.dedent(
        f"""
        import surveykit
        with surveykit.open_store({url!r}) as store:
            print(type(store).__name__, store.count_responses("taking-stock"))
        """
    )
    try:
        assert run(venv_for("postgres") / "python", "-c", code, cwd=tmp_path).split() == [
            "PostgresStore",
            "0",
        ]
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_the_email_extra_writes_the_plain_text_form(venv_for, tmp_path):
    out = run(venv_for("email") / "surveykit", "email-form", "taking-stock", cwd=tmp_path)
    assert "Taking stock" in out
    assert out.rstrip().endswith("--- End of form ---")


def test_the_terminal_extra_offers_the_terminal_form(venv_for, tmp_path):
    bin_folder = venv_for("terminal")
    out = run(bin_folder / "surveykit", "answer", "--help", cwd=tmp_path)
    assert "Example" in out
    run(bin_folder / "python", "-c", "import questionary, prompt_toolkit", cwd=tmp_path)


def test_the_reports_extra_reports_on_a_sqlite_store(venv_for, tmp_path):
    bin_folder = venv_for("reports")
    (tmp_path / "seed.py").write_text(SEED, encoding="utf-8")
    run(bin_folder / "python", "seed.py", "6", cwd=tmp_path)
    for fmt in ("json", "html"):
        command = ["report", "taking-stock", "--db", "sqlite:///responses.db"]
        out = run(
            bin_folder / "surveykit", *command, "--format", fmt, "--out", f"r.{fmt}", cwd=tmp_path
        )
        assert "(6 responses, k = 5)" in out
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["responses"]["count"] == 6
    assert "Taking stock" in (tmp_path / "r.html").read_text(encoding="utf-8")


CONFORMANCE = """
import uuid

import pytest
from hypothesis import settings

from surveykit import open_store
from surveykit.testing import PersistentStoreConformance, StoreConformance
from surveykit.testing_mailbox import MailStoreConformance

settings.register_profile("smoke", max_examples=10, deadline=None)
settings.load_profile("smoke")


class TestMemoryStore(StoreConformance):
    @pytest.fixture
    def store_factory(self):
        return lambda: open_store("memory://")


class TestMemoryMailbox(MailStoreConformance):
    @pytest.fixture
    def store_factory(self):
        return lambda: open_store("memory://")


class TestSqliteStore(PersistentStoreConformance):
    @pytest.fixture
    def store_factory(self, tmp_path):
        return lambda: open_store(f"sqlite:///{tmp_path}/{uuid.uuid4().hex}.db")
"""


def test_the_testing_extra_runs_the_conformance_suites(venv_for, tmp_path):
    """A plugin author's test module, subclassing the suites, runs under the venv's pytest."""
    (tmp_path / "test_my_store.py").write_text(CONFORMANCE, encoding="utf-8")
    bin_folder = venv_for("testing")
    out = run(bin_folder / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=tmp_path)
    passed = int(re.search(r"(\d+) passed", out).group(1))
    assert passed > 50
    assert "failed" not in out
    assert "error" not in out
