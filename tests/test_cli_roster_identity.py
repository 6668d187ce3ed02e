"""Roster people and self-service records stay apart, and roster emails are real addresses
(issue 14): `surveykit tokens issue` and `surveykit tokens duplicates` on a real SQLite file."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from surveykit.cli import main
from surveykit.identity import Token, load_secret
from surveykit.spec import load_spec
from surveykit.storage import open_store
from surveykit.submit import SubmitService
from test_cli_tokens import ROSTER, SPEC, _issue, _links

LEADER = {
    "authority": "Kent County Council",
    "authority_type": "county",
    "name": "Roger Gough",
    "email": "Leader@KENT.example",
}


@pytest.fixture
def spec(tmp_path):
    path = tmp_path / "stock.toml"
    path.write_text(SPEC.format(closes="2099-12-31"))
    return path


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER)
    return path


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path}/responses.db"


def _plant(spec, db, tmp_path):
    """What an impostor does on /get-a-link: a self-service link in the leader's name and
    email, and a draft saved under it.  Returns the self-service respondent's id and token."""
    secret = load_secret(tmp_path / "responses.db.secret", environ={})
    now = dt.datetime.now(dt.UTC)
    with open_store(db) as store:
        service = SubmitService(load_spec(spec), store, secret, clock=lambda: now)
        issued = service.request_link(**LEADER)
        service.save_draft(issued.token, {"q13": "no"})
    return issued.respondent.id, issued.token


def _leader(tmp_path, db, links_file):
    """Who the leader's link in ``links_file`` opens, and whether it holds a draft."""
    secret = load_secret(tmp_path / "responses.db.secret", environ={})
    [row] = [r for r in _links(links_file) if r["role"] == "leader" and r["name"]]
    with open_store(db) as store:
        record = store.lookup_token(secret.hash(Token(row["token"])))
        who = record.respondent
        return who, record.live, store.load_draft(who.id)


SHARED = (
    "1 self-service record shares an email address, or an authority and name, with people on "
    "this roster; each keeps its own link: list them with `surveykit tokens duplicates`.\n"
)


def test_a_self_service_link_asked_for_first_never_takes_the_leaders_place(
    spec, db, roster, tmp_path, capsys
):
    """Request then import: the leader gets a roster link of their own (not "kept"), and
    --reissue gives them their own record again, never the planted one."""
    planted, planted_token = _plant(spec, db, tmp_path)
    first = tmp_path / "first.csv"
    assert _issue(spec, db, roster, first) == 0
    assert capsys.readouterr().out == (
        f"Issued 3 links (3 new, 0 reissued); they are in {first}.\n{SHARED}"
    )
    who, live, draft = _leader(tmp_path, db, first)
    assert (who.origin, who.role, live, draft) == ("roster", "leader", True, None)
    assert who.id != planted
    second = tmp_path / "second.csv"
    assert _issue(spec, db, roster, second, "--reissue") == 0
    assert capsys.readouterr().out == (
        f"Issued 3 links (0 new, 3 reissued); they are in {second}.\n{SHARED}"
    )
    again, live, draft = _leader(tmp_path, db, second)
    assert (again.id, live, draft) == (who.id, True, None)
    secret = load_secret(tmp_path / "responses.db.secret", environ={})
    with open_store(db) as store:
        kept = store.lookup_token(secret.hash(planted_token))
        assert (kept.respondent.id, kept.respondent.origin, kept.live) == (
            planted,
            "self_service",
            True,
        )
        assert store.load_draft(planted).answers == {"q13": "no"}


def test_a_self_service_link_asked_for_after_the_import_stays_apart(
    spec, db, roster, tmp_path, capsys
):
    """Import then request: importing again keeps the leader's link and says a self-service
    record shares their details."""
    first = tmp_path / "first.csv"
    _issue(spec, db, roster, first)
    who, _live, _draft = _leader(tmp_path, db, first)
    planted, _token = _plant(spec, db, tmp_path)
    assert planted != who.id
    capsys.readouterr()
    second = tmp_path / "second.csv"
    assert _issue(spec, db, roster, second) == 0
    assert capsys.readouterr().out == (
        "No new links were needed; 3 already had a link and kept it (use --reissue to replace); "
        f"{second} was not written.\n{SHARED}"
    )


def test_duplicates_lists_pairs_by_id_without_names_emails_or_links(
    spec, db, roster, tmp_path, capsys
):
    """The officer's list names the authority, the role, both respondent ids, what each has
    answered and what they share; never a name, an email address or a token."""
    planted, planted_token = _plant(spec, db, tmp_path)
    _issue(spec, db, roster, tmp_path / "links.csv")
    who, _live, _draft = _leader(tmp_path, db, tmp_path / "links.csv")
    capsys.readouterr()
    assert main(["tokens", "duplicates", str(spec), "--db", db]) == 0
    printed = capsys.readouterr()
    assert printed.out == (
        "1 possible duplicate pair (roster record, then self-service record):\n"
        f"Kent County Council (Leader): roster {who.id} (no answers yet); self-service "
        f"{planted} (draft saved); same email address and authority and name\n"
    )
    for secret_text in ("Roger", "Gough", "leader@kent", "Leader@kent", planted_token.value):
        assert secret_text not in printed.out + printed.err


def test_duplicates_says_when_there_are_none(spec, db, roster, tmp_path, capsys):
    """A roster alone has no possible duplicates."""
    _issue(spec, db, roster, tmp_path / "links.csv")
    capsys.readouterr()
    assert main(["tokens", "duplicates", str(spec), "--db", db]) == 0
    assert capsys.readouterr().out == (
        "No self-service record shares an email address, or an authority and name, with a "
        "roster record.\n"
    )


def test_a_hostile_roster_email_is_a_roster_problem(spec, db, tmp_path, capsys):
    """Markup, a display name or a reserved domain in a roster's email column is refused as
    FILE:LINE, like every roster problem, and nothing is imported."""
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["authority", "authority_type", "role", "name", "email"])
        writer.writerow(["Kent", "county", "leader", "A", '"><svg/onload=alert(22)>@x.example'])
        writer.writerow(["Dover", "district", "leader", "B", "B <b@dover.example>"])
        writer.writerow(["Surrey", "county", "leader", "C", "c@surrey.test"])
    assert _issue(spec, db, bad, tmp_path / "links.csv") == 1
    assert capsys.readouterr().err == (
        f"Error: {bad}:2: the email address is not valid\n"
        f"{bad}:3: the email address is not valid\n"
        f"{bad}:4: the email address is not valid\n"
        "3 problems; nothing was imported\n"
    )
    with open_store(db) as store:
        assert list(store.respondents("stock")) == []


def test_roster_emails_are_stored_normalised_and_match_in_any_case(spec, db, tmp_path, capsys):
    """A roster address is stored with its domain lower-cased, and the same address typed in
    other case on a later roster is the same person."""
    first = tmp_path / "first.csv"
    first.write_text(
        "authority,authority_type,role,name,email\n"
        "Kent County Council,county,leader,Roger Gough,Roger.Gough@KENT.Example\n"
    )
    _issue(spec, db, first, tmp_path / "links.csv")
    assert _links(tmp_path / "links.csv")[0]["email"] == "Roger.Gough@kent.example"
    with open_store(db) as store:
        [who] = store.respondents("stock")
        assert who.email == "Roger.Gough@kent.example"
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(
        "authority,authority_type,role,name,email\n"
        "Kent County Council,county,leader,Cllr R. Gough,roger.gough@kent.EXAMPLE\n"
    )
    capsys.readouterr()
    assert _issue(spec, db, renamed, tmp_path / "again.csv") == 0
    assert capsys.readouterr().out.startswith("No new links were needed; 1 already had a link")
