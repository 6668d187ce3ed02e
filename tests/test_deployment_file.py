"""The deployment file: read like a spec, every problem at FILE:LINE (issue 15)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveykit.deployment import (
    DEPLOYMENT_ENV,
    Deployment,
    DeploymentError,
    find_deployment,
    load_deployment,
    loads_deployment,
    redacted_url,
)

EXAMPLE = """\
[deployment]
store = "sqlite:///responses.db"
secret_file = "responses.db.secret"
base_url = "https://consult.example.gov.uk"
open_until = 2030-12-31

[smtp]
server = "localhost:2525"
sender = "consultations@lga.example"

[branding]
organisation = "Local Government Association"

[[consultations]]
spec = "taking-stock"

[[consultations]]
spec = "specs/waste.toml"
path = "bins"
open_until = 2031-01-31
"""


def test_a_full_file_is_read(tmp_path):
    (tmp_path / "surveykit.toml").write_text(EXAMPLE)
    got = load_deployment(tmp_path / "surveykit.toml")
    assert got.store == "sqlite:///responses.db"
    assert got.secret_file == tmp_path / "responses.db.secret"
    assert got.base_url == "https://consult.example.gov.uk"
    assert got.open_until == dt.date(2030, 12, 31)
    assert (got.smtp_server, got.sender) == ("localhost:2525", "consultations@lga.example")
    assert got.branding.organisation == "Local Government Association"
    first, second = got.consultations
    assert (first.spec, first.location, first.path) == (
        "taking-stock",
        "taking-stock",
        "taking-stock",
    )
    assert second.location == str(tmp_path / "specs/waste.toml")
    assert second.path == "bins"
    assert got.open_until_for(first) == dt.date(2030, 12, 31)
    assert got.open_until_for(second) == dt.date(2031, 1, 31)
    assert got.consultation("bins") is second
    assert got.consultation("specs/waste.toml") is second
    assert got.where("store") == f"{tmp_path / 'surveykit.toml'}:2"
    assert got.where("sender") == f"{tmp_path / 'surveykit.toml'}:9"


BAD = {
    "an unknown table": (
        "[deploy]\nstore = 'x'\n",
        1,
        "unknown table [deploy] (did you mean 'deployment'?)",
    ),
    "an unknown key": (
        "[deployment]\nstor = 'x'\n",
        2,
        "unknown setting 'stor' in [deployment] (did you mean 'store'?)",
    ),
    "a date as a string": (
        "[deployment]\nopen_until = '2030-12-31'\n",
        2,
        "open_until must be a date such as 2030-12-31",
    ),
    "a date and time": (
        "[deployment]\nopen_until = 2030-12-31T10:00:00\n",
        2,
        "open_until must be a date",
    ),
    "an empty store": ("[deployment]\nstore = '  '\n", 2, "store is empty"),
    "a base URL that is not one": (
        "[deployment]\nbase_url = 'consult.example'\n",
        2,
        "must be a web address",
    ),
    "a server without a port": ("[smtp]\nserver = 'localhost'\n", 2, "must be HOST:PORT"),
    "a consultation without a spec": (
        "[[consultations]]\npath = 'x'\n",
        1,
        'a consultation needs spec = "NAME-OR-PATH"',
    ),
    "a path that is not a slug": (
        "[[consultations]]\nspec = 'a'\npath = 'Taking Stock'\n",
        3,
        "must be lower-case letters",
    ),
    "one path twice": (
        "[[consultations]]\nspec = 'a'\n\n[[consultations]]\nspec = 'b'\npath = 'a'\n",
        6,
        "path 'a' is already used by the consultation on line 1",
    ),
    "not TOML": ("[deployment\nstore = 'x'\n", 1, ""),
}


@pytest.mark.parametrize(("text", "line", "message"), BAD.values(), ids=BAD.keys())
def test_every_problem_is_named_at_its_line(text, line, message):
    with pytest.raises(DeploymentError) as raised:
        loads_deployment(text, source="surveykit.toml")
    first = raised.value.problems[0]
    assert first.startswith(f"surveykit.toml:{line}: "), first
    assert message in first


def test_every_problem_is_reported_at_once():
    text = "[deployment]\nstor = 'x'\nbase_url = 'nope'\n[smtp]\nsender = 3\n"
    with pytest.raises(DeploymentError) as raised:
        loads_deployment(text, source="d.toml")
    assert [p.split(":")[1] for p in raised.value.problems] == ["2", "3", "5"]


def test_an_unreadable_file_is_one_line(tmp_path):
    with pytest.raises(DeploymentError) as raised:
        load_deployment(tmp_path / "missing.toml")
    assert "cannot read the deployment file" in str(raised.value)
    (tmp_path / "latin.toml").write_bytes(b"[branding]\norganisation = 'Ynys M\xf4n'\n")
    with pytest.raises(DeploymentError, match="not UTF-8"):
        load_deployment(tmp_path / "latin.toml")


def test_which_file_is_used(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(DEPLOYMENT_ENV, raising=False)
    assert find_deployment() is None
    (tmp_path / "surveykit.toml").write_text("")
    assert find_deployment() == Path("surveykit.toml")
    monkeypatch.setenv(DEPLOYMENT_ENV, "/etc/surveykit/lga.toml")
    assert find_deployment() == Path("/etc/surveykit/lga.toml")
    assert find_deployment("mine.toml") == Path("mine.toml")


def test_an_empty_file_sets_nothing():
    assert loads_deployment("", source="d.toml") == Deployment(source="d.toml")


def test_passwords_in_store_urls_are_never_printed():
    assert redacted_url("postgresql://lga:hunter2@db:5432/c") == "postgresql://lga:***@db:5432/c"
    assert redacted_url("sqlite:///responses.db") == "sqlite:///responses.db"


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1).filter(
    str.strip
)


@given(
    store=TEXT,
    sender=TEXT,
    until=st.dates(),
    slugs=st.lists(
        st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True),
        unique=True,
        max_size=5,
    ),
)
def test_whatever_is_written_is_read_back(store, sender, until, slugs):
    """Any settings written as TOML come back as they were (strings trimmed of spaces)."""
    quote = lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'  # noqa: E731
    lines = ["[deployment]", f"store = {quote(store)}", f"open_until = {until.isoformat()}"]
    lines += ["[smtp]", f"sender = {quote(sender)}"]
    for slug in slugs:
        lines += ["[[consultations]]", f"spec = {quote(slug)}"]
    got = loads_deployment("\n".join(lines) + "\n", source="d.toml")
    assert got.store == store.strip()
    assert got.sender == sender
    assert got.open_until == until
    assert [c.path for c in got.consultations] == slugs


@given(secret=st.text(alphabet="0123456789", min_size=1).map(lambda digits: f"PW{digits}"))
def test_a_password_is_redacted_wherever_the_url_holds_it(secret):
    for url in (
        f"postgresql://lga:{secret}@db.example:5432/lga",
        f"postgresql://db.example/lga?sslmode=require&password={secret}",
    ):
        shown = redacted_url(url)
        assert secret not in shown
        assert "***" in shown
        assert shown.startswith("postgresql://")


def test_a_relative_sqlite_store_is_in_the_files_folder(tmp_path):
    def store(url: str) -> str | None:
        text = f'[deployment]\nstore = "{url}"\n'
        return loads_deployment(text, folder=tmp_path).store_url

    assert store("sqlite:///responses.db") == f"sqlite:///{tmp_path / 'responses.db'}"
    assert store("sqlite:///data/r.db?synchronous=full") == (
        f"sqlite:///{tmp_path / 'data' / 'r.db'}?synchronous=full"
    )
    assert store("sqlite:////srv/lga/r.db") == "sqlite:////srv/lga/r.db"
    assert store("postgresql://db.example/lga") == "postgresql://db.example/lga"
    assert loads_deployment("").store_url is None


def test_links_are_served_under_each_consultations_path():
    got = loads_deployment(
        '[deployment]\nbase_url = "https://consult.example.gov.uk/"\n'
        '[[consultations]]\nspec = "taking-stock"\npath = "ts"\n'
    )
    assert got.link_prefix(got.consultations[0]) == "https://consult.example.gov.uk/ts/r/"
    assert got.link_prefix(None) == "https://consult.example.gov.uk/r/"
    assert loads_deployment("").link_prefix(None) is None
    assert got.spec_names() == {"taking-stock": "taking-stock", "ts": "taking-stock"}
