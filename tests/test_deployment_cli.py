"""The deployment file honoured by every command (issue 15): options default from it, in the
order command line > environment > file > default; consultations are named by it; a bad file
stops every command with its FILE:LINE problems.  In process, on real SQLite files."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveykit import load_spec
from surveykit.cli import main
from surveykit.cli.starter import spec_text
from surveykit.errors import SpecError

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.toml"
ROSTER = "authority,authority_type,role,name,email\nKent County Council,county,leader,Ada,\n"


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.ExitStack() as stack:
        if cwd is not None:
            stack.enter_context(contextlib.chdir(cwd))
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _no_inherited_settings(monkeypatch):
    for name in (
        "SURVEYKIT_DEPLOYMENT",
        "SURVEYKIT_DB",
        "SURVEYKIT_OPEN_UNTIL",
        "SURVEYKIT_SECRET",
    ):
        monkeypatch.delenv(name, raising=False)


def site(folder: Path, extra: str = "", *, consultations: str | None = None) -> Path:
    """A deployment folder: its file, a starter spec (open now) and a copy of minimal.toml."""
    (folder / "specs").mkdir(parents=True, exist_ok=True)
    (folder / "specs" / "library.toml").write_text(spec_text(dt.date.today()))
    shutil.copy(MINIMAL, folder / "specs" / "minimal.toml")
    if consultations is None:
        consultations = (
            '[[consultations]]\nspec = "specs/library.toml"\npath = "library"\n\n'
            '[[consultations]]\nspec = "specs/minimal.toml"\npath = "bins"\n'
            "open_until = 2031-01-31\n"
        )
    text = f'[deployment]\nstore = "sqlite:///site.db"\n{extra}\n{consultations}'
    (folder / "surveykit.toml").write_text(text)
    return folder / "surveykit.toml"


# A bad file stops every command ----------------------------------------------------------


def test_a_bad_file_prints_each_problem_at_its_line_and_runs_nothing(tmp_path):
    (tmp_path / "surveykit.toml").write_text("[deployment]\nstor = 'x'\n[smtp]\nserver = 'nope'\n")
    status, out, err = run("init", "new", cwd=tmp_path)
    assert status == 1
    assert out == ""
    assert err.splitlines() == [
        "surveykit.toml:2: unknown setting 'stor' in [deployment] (did you mean 'store'?)",
        "surveykit.toml:4: server 'nope' must be HOST:PORT, such as localhost:25",
        "surveykit.toml: the deployment file has problems; no command was run",
    ]
    assert not (tmp_path / "new").exists()


def test_the_file_is_named_by_the_option_or_the_environment(tmp_path, monkeypatch):
    bad = tmp_path / "elsewhere.toml"
    bad.write_text("[deploy]\n")
    status, _, err = run("--deployment", str(bad), "validate", str(MINIMAL))
    assert (status, err.splitlines()[0]) == (
        1,
        f"{bad}:1: unknown table [deploy] (did you mean 'deployment'?)",
    )
    monkeypatch.setenv("SURVEYKIT_DEPLOYMENT", str(bad))
    assert run("validate", str(MINIMAL))[0] == 1
    missing = tmp_path / "missing.toml"
    status, _, err = run("--deployment", str(missing), "validate", str(MINIMAL))
    assert status == 1
    assert err.splitlines()[0].startswith(f"{missing}: cannot read the deployment file: ")


def test_without_a_file_nothing_changes(tmp_path):
    status, _, err = run("tokens", "duplicates", str(MINIMAL), cwd=tmp_path)
    assert status == 2
    assert "Missing option '--db'" in err


# Options default from the file -----------------------------------------------------------


def test_core_and_plugin_commands_take_their_store_from_the_file(tmp_path):
    site(tmp_path)
    (tmp_path / "roster.csv").write_text(ROSTER)
    status, _, err = run(
        "tokens", "issue", "library", "--roster", "roster.csv", "--out", "links.csv", cwd=tmp_path
    )
    assert status == 0, err
    with sqlite3.connect(tmp_path / "site.db") as db:
        assert db.execute("SELECT count(*) FROM tokens").fetchone() == (1,)
    assert sorted(p.name for p in tmp_path.glob("*.db")) == ["site.db"]
    # report is a plugin command; review list a plugin group's subcommand.
    status, _, err = run("report", "library", "--list", cwd=tmp_path)
    assert status == 0, err
    status, _, err = run("review", "list", "library", cwd=tmp_path)
    assert status == 0, err


def test_a_relative_store_is_beside_the_file_wherever_the_command_runs(tmp_path):
    deployment = site(tmp_path / "site")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    status, _, err = run(
        "--deployment", str(deployment), "tokens", "duplicates", "bins", cwd=elsewhere
    )
    assert status == 0, err
    assert (tmp_path / "site" / "site.db").exists()
    assert list(elsewhere.iterdir()) == []


def test_links_start_with_the_base_url_and_the_consultations_path(tmp_path):
    site(tmp_path, 'base_url = "https://consult.example.gov.uk/"\nsecret_file = "keys/site.secret"')
    (tmp_path / "keys").mkdir()
    (tmp_path / "roster.csv").write_text(ROSTER)
    args = ("tokens", "issue", "library", "--roster", "roster.csv", "--out", "links.csv")
    status, _, err = run(*args, cwd=tmp_path)
    assert status == 0, err
    with (tmp_path / "links.csv").open() as links:
        (row,) = list(csv.DictReader(links))
    assert row["link"].startswith("https://consult.example.gov.uk/library/r/")
    assert (tmp_path / "keys" / "site.secret").exists()
    assert not (tmp_path / "site.db.secret").exists()


def test_the_files_base_url_puts_a_link_in_a_respondents_email_form_only(tmp_path):
    """A blank email form has no respondent, so no link: the file's base_url is not the
    ``--base-url`` that needs ``--token``.  With a token the form carries their own link."""
    site(tmp_path, 'base_url = "https://consult.example.gov.uk"')
    (tmp_path / "roster.csv").write_text(ROSTER)
    status, _, err = run("email-form", "library", "--out", "blank.txt", cwd=tmp_path)
    assert status == 0, err
    assert "https://" not in (tmp_path / "blank.txt").read_text()
    args = ("tokens", "issue", "library", "--roster", "roster.csv", "--out", "links.csv")
    assert run(*args, cwd=tmp_path)[0] == 0
    with (tmp_path / "links.csv").open() as links:
        (row,) = list(csv.DictReader(links))
    args = ("email-form", "library", "--token", row["link"], "--out", "own.txt")
    status, _, err = run(*args, cwd=tmp_path)
    assert status == 0, err
    assert row["link"] in (tmp_path / "own.txt").read_text()
    status, _, err = run("email-form", "library", "--base-url", "https://x.example/r/")
    refusal = "Error: --base-url needs --token: the link is the respondent's own\n"
    assert (status, err) == (1, refusal)


def test_invite_takes_its_mail_server_from_the_file(tmp_path):
    site(tmp_path, '\n[smtp]\nserver = "127.0.0.1:1"\nsender = "c@lga.example"')
    status, out, err = run("invite", "library", "--dry-run", cwd=tmp_path)
    assert status == 0, err
    assert out.startswith("Dry run: would send 0 invitations")
    (tmp_path / "surveykit.toml").write_text('[deployment]\nstore = "sqlite:///site.db"\n')
    status, _, err = run(
        "invite", str(tmp_path / "specs" / "library.toml"), "--dry-run", cwd=tmp_path
    )
    assert status == 2
    assert "Missing option '--smtp'" in err


SETTINGS = {
    # setting: (the file's key line, the option, its environment variable, three values)
    "store": ("store", "--db", "SURVEYKIT_DB", ("cli.db", "env.db", "file.db")),
    "open_until": (
        "open_until",
        "--open-until",
        "SURVEYKIT_OPEN_UNTIL",
        ("2091-01-01", "2092-02-02", "2093-03-03"),
    ),
}


def _observe(setting: str, folder: Path, args: list[str]) -> str | None:
    """Which value the command used: the store it created, or the window it announced."""
    if setting == "store":
        status, _, err = run("tokens", "duplicates", "bins", *args, cwd=folder)
        made = sorted(p.name for p in folder.glob("*.db"))
        assert len(made) == (status == 0), err
        return made[0] if made else None
    status, _, err = run("email-form", "library", "--out", "form.txt", *args, cwd=folder)
    assert status == 0, err
    for value in SETTINGS["open_until"][3]:
        day = dt.date.fromisoformat(value)
        if f"{day.day} {day:%B %Y}" in err:
            return value
    return None


@settings(
    max_examples=24, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    setting=st.sampled_from(sorted(SETTINGS)),
    on_line=st.booleans(),
    in_env=st.booleans(),
    in_file=st.booleans(),
)
def test_the_command_line_beats_the_environment_beats_the_file(setting, on_line, in_env, in_file):
    key, flag, env, (line_value, env_value, file_value) = SETTINGS[setting]
    prefix = "sqlite:///" if setting == "store" else ""
    written = f'{key} = "{prefix}{file_value}"' if setting == "store" else f"{key} = {file_value}"
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        folder = Path(tmp)
        site(folder)
        (folder / "surveykit.toml").write_text(
            "[deployment]\n"
            + (f"{written}\n" if in_file else "")
            + '[[consultations]]\nspec = "specs/library.toml"\npath = "library"\n'
            + '[[consultations]]\nspec = "specs/minimal.toml"\npath = "bins"\n'
        )
        args = [flag, prefix + line_value] if on_line else []
        if in_env:
            patch.setenv(env, prefix + env_value)
        got = _observe(setting, folder, args)
    expected = line_value if on_line else env_value if in_env else file_value if in_file else None
    assert got == expected


# Consultations by name ------------------------------------------------------------------


def test_a_spec_argument_names_a_consultation_of_the_deployment(tmp_path):
    deployment = site(tmp_path / "site")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in ("library", "bins", "specs/minimal.toml"):
        status, out, err = run("--deployment", str(deployment), "validate", name, cwd=elsewhere)
        assert status == 0, err
        assert ": OK: " in out
    # Without the deployment, the name means nothing; load_spec is untouched by it.
    assert run("validate", "bins", cwd=elsewhere)[0] == 1
    with pytest.raises(SpecError):
        load_spec("bins")


def test_a_consultation_named_like_a_packaged_spec_wins_over_it(tmp_path):
    site(
        tmp_path,
        consultations='[[consultations]]\nspec = "specs/minimal.toml"\npath = "taking-stock"\n',
    )
    status, out, _ = run("show", "taking-stock", "--json", cwd=tmp_path)
    assert status == 0
    assert json.loads(out)["consultation"]["title"] == "Minimal"
    status, out, _ = run("show", "taking-stock", "--json")
    assert json.loads(out)["consultation"]["title"] == "Taking stock"


def test_each_consultation_keeps_its_own_window(tmp_path):
    site(tmp_path, "open_until = 2030-12-31")
    _, _, err = run("email-form", "bins", "--out", "bins.txt", cwd=tmp_path)
    assert "Demonstration: open until the end of Friday 31 January 2031" in err
    _, _, err = run("email-form", "library", "--out", "library.txt", cwd=tmp_path)
    assert "Tuesday 31 December 2030" in err
    _, _, err = run("email-form", str(MINIMAL), "--out", "other.txt", cwd=tmp_path)
    assert "Tuesday 31 December 2030" in err


# surveykit config ---------------------------------------------------------------------


def test_config_says_where_each_setting_came_from_and_never_a_password(tmp_path, monkeypatch):
    site(
        tmp_path,
        'secret_file = "site.secret"\n\n[smtp]\nserver = "localhost:25"\n\n'
        '[branding]\norganisation = "Kent County Council"\n',
    )
    text = (tmp_path / "surveykit.toml").read_text()
    text = text.replace("sqlite:///site.db", "postgresql://lga:hunter2secret@db.example/lga")
    (tmp_path / "surveykit.toml").write_text(text)
    monkeypatch.setenv("SURVEYKIT_OPEN_UNTIL", "2030-12-31")
    monkeypatch.setenv("SURVEYKIT_SECRET", "s" * 40)
    status, out, err = run("config", "--json", "--sender", "c@lga.example", cwd=tmp_path)
    assert status == 0, err
    assert "hunter2secret" not in out + err
    assert "s" * 40 not in out + err
    got = json.loads(out)
    settings_ = got["settings"]
    assert settings_["store"] == {
        "value": "postgresql://lga:***@db.example/lga",
        "from": "surveykit.toml:2",
    }
    assert settings_["secret_file"] == {
        "value": str(tmp_path / "site.secret"),
        "from": "surveykit.toml:3",
    }
    assert settings_["open_until"] == {
        "value": "2030-12-31",
        "from": "environment (SURVEYKIT_OPEN_UNTIL)",
    }
    assert settings_["sender"] == {"value": "c@lga.example", "from": "command line (--sender)"}
    assert settings_["smtp_server"]["from"] == "surveykit.toml:6"
    assert settings_["base_url"] == {"value": None, "from": "not set"}
    assert got["secret"] == {"value": "set, not shown", "from": "environment (SURVEYKIT_SECRET)"}
    assert got["branding"]["organisation"] == {
        "value": "Kent County Council",
        "from": "surveykit.toml:9",
    }
    assert got["deployment_file"] == {
        "path": "surveykit.toml",
        "chosen_by": "the working directory",
    }
    assert [(c["path"], c["loads"], c["open_until"]) for c in got["consultations"]] == [
        ("library", True, "2030-12-31"),
        ("bins", True, "2030-12-31"),
    ]
    status, out, _ = run("config", cwd=tmp_path)
    assert status == 0
    assert "hunter2secret" not in out
    assert "surveykit.toml:2" in out


def test_config_shows_a_consultation_that_does_not_load_in_one_line(tmp_path):
    site(tmp_path)
    (tmp_path / "specs" / "minimal.toml").write_text("[consultation]\nid = 'x'\n")
    status, out, _ = run("config", cwd=tmp_path)
    assert status == 1
    lines = out.splitlines()
    problem = lines[lines.index(next(x for x in lines if x.startswith("  /bins/"))) + 1]
    assert problem.startswith(f"    {tmp_path / 'specs' / 'minimal.toml'}:")
    assert run("config", "--db", "sqlite:///x.db", cwd=tmp_path / "specs")[0] == 0


# surveykit init ------------------------------------------------------------------------


def test_init_writes_a_deployment_that_validates_serves_its_consultation_and_configures(tmp_path):
    status, out, err = run("init", "lga", cwd=tmp_path)
    assert status == 0, err
    folder = tmp_path / "lga"
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*.toml")) == [
        os.path.join("specs", "consultation.toml"),
        "surveykit.toml",
    ]
    status, out, err = run("validate", "library-hours", cwd=folder)
    assert status == 0, err
    assert "(1 conditional)" in out
    status, out, err = run("config", "--json", cwd=folder)
    assert status == 0, err
    got = json.loads(out)
    assert got["settings"]["store"]["value"] == f"sqlite:///{folder / 'responses.db'}"
    assert [c["loads"] for c in got["consultations"]] == [True]
    # The starter consultation is open now: a response can be stored in the deployment's store.
    (folder / "roster.csv").write_text(ROSTER)
    args = ("tokens", "issue", "library-hours", "--roster", "roster.csv", "--out", "links.csv")
    assert run(*args, cwd=folder)[0] == 0


def test_init_refuses_to_overwrite_in_one_line(tmp_path):
    assert run("init", cwd=tmp_path)[0] == 0
    (tmp_path / "surveykit.toml").write_text("# mine\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    status, _, err = run("init", str(tmp_path), cwd=elsewhere)
    assert status == 1
    assert err.count("\n") == 1
    assert "already exist; nothing was written" in err
    assert (tmp_path / "surveykit.toml").read_text() == "# mine\n"


def test_the_documented_file_is_a_valid_deployment_with_every_key():
    """docs/deployment.md's example names every key the reader knows, and loads."""
    from surveykit.deployment import _CONSULTATION_KEYS, _SCHEMA, loads_deployment

    page = (ROOT / "docs" / "deployment.md").read_text()
    example = page.split("```toml\n", 1)[1].split("```", 1)[0]
    got = loads_deployment(example, source="deployment.md")
    written = {(t, k) for t, keys in _SCHEMA.items() for k in keys}
    written |= {("consultations", k) for k in _CONSULTATION_KEYS}
    for table, key in written:
        assert (
            f"`[{table}] {key}`" in page
            or f"`[[{table}]] {key}`" in page
            or (table == "branding" and key in page)
        ), (table, key)
    assert got.link_prefix(got.consultations[1]) == "https://consult.example.gov.uk/bins/r/"
