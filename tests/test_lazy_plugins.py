"""Plugins register lazily (issue 15): the engine, the plugin registries and the core commands
never import the web server, the PostgreSQL driver, the SMTP server or the report's solver, and
`surveykit --help` lists plugin commands without importing them.

Each check runs in a fresh interpreter, since this test process has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from surveykit.cli import cli, main
from surveykit.cli.lazy import LazyGroup, add_lazy_command
from surveykit.extras import MISSING_EXTRA_STATUS

#: What only an extra brings: none of it may be imported by the core paths.
HEAVY = (
    "starlette",
    "uvicorn",
    "psycopg",
    "psycopg_pool",
    "aiosmtpd",
    "numpy",
    "scipy",
    "highspy",
    "questionary",
    "prompt_toolkit",
    "jinja2",
    "cryptography",
    "rapidfuzz",
    "markdown_it",
)

_STAGES = """
import contextlib, io, json, sys
heavy = {heavy!r}
seen = {{}}
def note(stage):
    seen[stage] = sorted(name for name in heavy if name in sys.modules)
import surveykit
note("import surveykit")
plugins = surveykit.get_plugins()
for registry in ("kinds", "storage", "renderers", "aggregators", "exporters"):
    len(getattr(plugins, registry))
plugins.info()
note("get_plugins() and its registries")
import surveykit.cli
with contextlib.redirect_stdout(io.StringIO()):
    status = surveykit.cli.main(["validate", "taking-stock"])
note("surveykit validate taking-stock")
with contextlib.redirect_stdout(io.StringIO()) as out:
    surveykit.cli.main(["--help"])
note("surveykit --help")
modules = sorted(m for m in sys.modules if m.startswith("surveykit_"))
print(json.dumps({{"seen": seen, "status": status, "help": out.getvalue(), "modules": modules}}))
"""


def _fresh(code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def fresh_run() -> dict:
    return _fresh(_STAGES.format(heavy=HEAVY))


def test_the_core_paths_import_no_extra(fresh_run):
    """import surveykit, the registries, validate and --help leave every extra's library alone."""
    assert fresh_run["status"] == 0
    assert fresh_run["seen"] == {
        "import surveykit": [],
        "get_plugins() and its registries": [],
        "surveykit validate taking-stock": [],
        "surveykit --help": [],
    }


def test_help_lists_plugin_commands_without_importing_them(fresh_run):
    commands = {
        line.split()[0] for line in fresh_run["help"].split("Commands:")[1].splitlines() if line
    }
    assert {"serve", "report", "answer", "enter", "email-form", "inbox", "review"} <= commands
    for module in (
        "surveykit_html.serve",
        "surveykit_html.app",
        "surveykit_reports.commands",
        "surveykit_terminal.commands",
        "surveykit_email.inbox",
        "surveykit_email.form_command",
        "surveykit_postgres.store",
    ):
        assert module not in fresh_run["modules"]


def test_each_lazy_command_is_listed_with_its_own_short_help():
    """The stored short help is the command's own, so --help says the same before and after."""
    main(["--help"])
    assert cli.lazy_commands
    for name, lazy in cli.lazy_commands.items():
        assert lazy.load().get_short_help_str(1000) == lazy.short_help, name


def test_a_plain_click_group_gets_the_command_at_once():
    """An application embedding surveykit's commands in its own click group still gets them."""
    group = click.Group("app")
    add_lazy_command(
        group, "show-it", "surveykit.cli.show_command:show_command", short_help="Show."
    )
    assert group.commands["show-it"].name == "show"


@pytest.fixture
def lazy_cli():
    """The surveykit group, with the lazy commands a test adds taken away afterwards."""
    before = set(cli.lazy_commands)
    yield cli
    for name in set(cli.lazy_commands) - before:
        del cli.lazy_commands[name]
        cli.commands.pop(name, None)


def test_a_command_whose_library_is_missing_names_its_extra(
    lazy_cli, tmp_path, monkeypatch, capsys
):
    (tmp_path / "needs_absent.py").write_text(
        "import absent_library_for_surveykit_tests\n"
        "import click\n"
        "command = click.Command('needy')\n"
    )
    monkeypatch.syspath_prepend(tmp_path)
    lazy_cli.add_lazy_command("needy", "needs_absent:command", short_help="Needs.", extra="web")
    assert main(["needy"]) == MISSING_EXTRA_STATUS == 69
    err = capsys.readouterr().err
    assert err == "Error: surveykit needy needs the web extra: pip install 'surveykit[web]'\n"


def test_a_missing_module_of_surveykit_itself_is_a_bug_not_an_extra(lazy_cli, capsys):
    lazy_cli.add_lazy_command(
        "broken", "surveykit_html.no_such_module:command", short_help="Broken.", extra="web"
    )
    assert main(["broken"]) == 70
    assert "This is a bug" in capsys.readouterr().err


def test_a_lazy_group_lists_what_an_ordinary_command_replaced():
    group = LazyGroup("g")
    group.add_lazy_command("x", "surveykit.cli.show_command:show_command", short_help="X.")
    group.add_command(click.Command("x", help="Ordinary."))
    assert group.lazy_commands == {}
    assert group.get_command(click.Context(group), "x").help == "Ordinary."


_NO_PSYCOPG = """
import sys
sys.modules["psycopg"] = None  # as if the postgres extra were not installed
import surveykit.cli
sys.exit(surveykit.cli.main(
    ["tokens", "duplicates", "taking-stock", "--db", "postgresql://127.0.0.1:1/none"]
))
"""


def test_opening_a_postgresql_store_without_psycopg_names_the_extra():
    done = subprocess.run(
        [sys.executable, "-c", _NO_PSYCOPG], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == MISSING_EXTRA_STATUS, done.stderr
    assert done.stderr == (
        "Error: opening a postgresql:// store needs the postgres extra: "
        "pip install 'surveykit[postgres]'\n"
    )


#: What each core command may not import (issue 20): beyond every extra's libraries, what it
#: does not use, so that it starts within a few times a bare interpreter.  The lists are of
#: modules that were once imported by these commands and cost a measurable part of a start.
NOT_IMPORTED = {
    "--help": (
        "surveykit.spec",
        "surveykit.model",
        "surveykit.engine",
        "surveykit.storage",
        "surveykit.submit",
        "surveykit_kinds.choice",
        "surveykit_kinds.dates",
        "surveykit_memory.store",
        "surveykit_terminal.form",
        "surveykit_html.config",
    ),
    "validate": (
        "surveykit.engine",
        "surveykit._codegen",
        "surveykit.storage",
        "surveykit.submit",
        "surveykit.cli.present",
        "surveykit.wording",
        "orjson",
    ),
    "check": (
        "surveykit.storage",
        "surveykit.submit",
        "surveykit.cli.present",
        "surveykit.wording",
    ),
}
#: Imported by none of them: plugins' entry points are read without importlib.metadata (and the
#: email package it parses metadata with), a sound spec is built without cattrs, only the kinds
#: Taking Stock uses are made (single, multi, text), and what only a faulty or translated spec
#: needs waits for one.
_EVERYWHERE = (
    "lark",
    "email_validator",
    "phonenumbers",
    "babel",
    "rich",
    "importlib.metadata",
    "email",
    "cattrs",
    "difflib",
    "hashlib",
    "importlib.resources",
    "surveykit_kinds.contact",
    "surveykit_kinds.grid",
    "surveykit_kinds.number",
    "surveykit_kinds.ranking",
    *HEAVY,
)

_ONE_COMMAND = """
import contextlib, io, json, sys
sys.stdin = io.StringIO('{{"q1": "all_relevant"}}\\n')
from surveykit.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    status = main({argv!r})
print(json.dumps({{"status": status, "modules": sorted(sys.modules)}}))
"""


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ("--help", ["--help"]),
        ("validate", ["validate", "taking-stock"]),
        ("check", ["check", "taking-stock", "--answers", "-"]),
    ],
)
def test_the_core_commands_import_only_what_they_use(command, argv):
    """Each core command, in a fresh interpreter, leaves alone the modules it does not use."""
    run = _fresh(_ONE_COMMAND.format(argv=argv))
    assert run["status"] == (1 if command == "check" else 0)  # the record misses answers
    imported = set(run["modules"])
    unwanted = [
        name
        for name in (*NOT_IMPORTED[command], *_EVERYWHERE)
        if name in imported or any(m.startswith(f"{name}.") for m in imported)
    ]
    assert unwanted == []
