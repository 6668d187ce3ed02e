"""`surveykit invite` never silently breaks links sent by mail merge, and never sends from an
address nobody chose: real `tokens issue` and `invite` runs, a real SMTP server, SQLite."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mailtools import ROSTER, SPEC, T0, SmtpSink, open_spec

from surveykit import LinkError, Respondent, SubmitService, load_spec
from surveykit.cli import main
from surveykit.identity import load_secret
from surveykit.mailbox import NewSending
from surveykit.roster import parse_roster, plan_links
from surveykit.storage import Grant, open_store
from surveykit_email.invite import unsent_links

BASE = ("--base-url", "https://consult.example.org/r/")
REFUSAL = (
    "Error: 3 respondents hold links from `surveykit tokens issue` that this would replace, so "
    "any link you sent them by mail merge would stop working; nothing was sent: pass "
    "--no-links to email the form and reference only, or --replace-links if those links were "
    "never sent\n"
)


@pytest.fixture
def sink():
    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture
def merged(tmp_path):
    """An open Taking Stock whose roster got its links from `tokens issue`, for a mail merge."""
    spec = open_spec(tmp_path)
    db = f"sqlite:///{tmp_path}/responses.db"
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    out = tmp_path / "links.csv"
    argv = ["tokens", "issue", str(spec), "--db", db, "--roster", str(roster), "--out", str(out)]
    assert main([*argv, *BASE]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        links = {row["email"]: row["link"] for row in csv.DictReader(handle)}
    return spec, db, links


def invite(spec: Path, db: str, sink: SmtpSink, *extra: str) -> int:
    args = ["invite", str(spec), "--db", db, "--smtp", sink.address, "--rate", "1000/s"]
    return main([*args, "--sender", "consult@lga.example", *extra])


def live(spec: Path, db: str, link: str) -> bool:
    with open_store(db) as store:
        service = SubmitService(load_spec(spec), store, load_secret(store.secret_file))
        try:
            service.authenticate(link)
        except LinkError:
            return False
        return True


def test_invite_refuses_to_replace_links_sent_by_mail_merge(merged, sink, capsys):
    """With --base-url, the three with an address hold links from `tokens issue`: one line,
    exit 1, nothing sent or recorded, and every link in links.csv still works."""
    spec, db, links = merged
    capsys.readouterr()
    assert invite(spec, db, sink, *BASE) == 1
    assert capsys.readouterr().err == REFUSAL
    assert sink.messages == []
    with open_store(db) as store:
        assert store.sendings("taking-stock") == []
    assert all(live(spec, db, link) for link in links.values())


def test_replace_links_says_yes_and_the_old_links_stop_working(merged, sink, capsys):
    """--replace-links is the officer saying the links were never sent: new ones replace them."""
    spec, db, links = merged
    capsys.readouterr()
    assert invite(spec, db, sink, *BASE, "--replace-links") == 0
    assert capsys.readouterr().out == "Sent 3 invitations; 1 respondent without an email address.\n"
    assert [live(spec, db, links[m["To"].addresses[0].addr_spec]) for m in sink.messages] == [
        False
    ] * 3


def test_without_a_base_url_the_mail_merge_links_keep_working(merged, sink, capsys):
    """The documented path: links by mail merge, then invite sends the form and reference."""
    spec, db, links = merged
    assert invite(spec, db, sink) == 0
    assert len(sink.messages) == 3
    assert all(live(spec, db, link) for link in links.values())


def test_no_links_keeps_the_mail_merge_links_whatever_gives_a_base_url(
    merged, sink, capsys, tmp_path, monkeypatch
):
    """--no-links wins over --base-url and over a deployment file's base_url: the form and
    reference go out, no link is issued, and every link in links.csv still works."""
    spec, db, links = merged
    assert invite(spec, db, sink, *BASE, "--no-links") == 0
    (tmp_path / "surveykit.toml").write_text(
        f'[deployment]\nbase_url = "https://consult.example.org"\n\n'
        f'[[consultations]]\nspec = "{spec}"\npath = "taking-stock"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert invite(spec, db, sink, "--reminder") == 1  # the file's base_url would replace links
    assert "pass --no-links" in capsys.readouterr().err
    assert invite(spec, db, sink, "--reminder", "--no-links") == 0
    assert len(sink.messages) == 6
    assert not any("/r/" in m.get_body(("plain",)).get_content() for m in sink.messages)
    assert all(live(spec, db, link) for link in links.values())


def test_a_dry_run_says_it_would_refuse(merged, sink, capsys):
    """--dry-run exits 0 and says what the real run would refuse, storing nothing."""
    spec, db, _links = merged
    capsys.readouterr()
    assert invite(spec, db, sink, *BASE, "--dry-run") == 0
    assert capsys.readouterr().out == (
        "Dry run: would send 3 invitations; 1 respondent without an email address. Without "
        "--replace-links it would refuse: 3 respondents hold links from `surveykit tokens issue` "
        "that this would replace, so any link you sent them by mail merge would stop working. "
        "Nothing was sent or stored.\n"
    )
    assert sink.messages == []


def test_links_invite_emailed_are_replaced_by_reminders_without_asking(merged, sink, capsys):
    """Links that invitations carried are invite's own: a reminder replaces them freely.  A
    link issued again by `tokens issue` afterwards is a mail merge's, and counts again."""
    spec, db, _links = merged
    assert invite(spec, db, sink, *BASE, "--replace-links") == 0
    assert invite(spec, db, sink, *BASE, "--reminder") == 0
    consultation = load_spec(spec)
    carol = [line for line in ROSTER.splitlines() if "carol@" in line]
    entries = parse_roster([ROSTER.splitlines()[0] + "\n", carol[0] + "\n"], consultation)
    with open_store(db) as store:
        secret = load_secret(store.secret_file)
        plan_links(store, secret, consultation, entries, reissue=True, now=T0).commit(store)
    capsys.readouterr()
    assert invite(spec, db, sink, *BASE, "--reminder", "--round", "2") == 1
    assert capsys.readouterr().err.startswith(
        "Error: 1 respondent holds a link from `surveykit tokens issue` that this would replace"
    )


def test_invite_sends_from_no_address_unless_told(merged, sink, capsys, monkeypatch):
    """No --sender and no SURVEYKIT_SENDER: one line, exit 1, nothing sent; the spec's contact
    (a real person's address) is never used.  The setting gives the From address; a dry run
    needs none."""
    spec, db, _links = merged
    args = ["invite", str(spec), "--db", db, "--smtp", sink.address]
    capsys.readouterr()
    assert main(args) == 1
    assert capsys.readouterr().err == (
        "Error: no sender: give --sender ADDRESS (the From address, where replies go) or set "
        "SURVEYKIT_SENDER\n"
    )
    assert sink.messages == []
    assert main([*args, "--dry-run"]) == 0
    monkeypatch.setenv("SURVEYKIT_SENDER", "consultation@council.example")
    assert main(args) == 0
    assert {m["From"] for m in sink.messages} == {"consultation@council.example"}


@given(st.lists(st.tuples(st.sampled_from(["merge", "invite"]), st.integers(0, 2)), max_size=12))
def test_only_links_whose_latest_issue_was_a_mail_merge_are_counted(steps):
    """Whatever the order of mail merges (`tokens issue --reissue`) and emailed links, invite
    counts exactly the people whose live link came from a mail merge."""
    consultation = load_spec(SPEC)
    people = [
        Respondent(
            consultation="taking-stock",
            authority=f"Council {n}",
            authority_type="county",
            role="leader",
            name="",
            email=f"leader{n}@council.example",
            origin="roster",
            created_at=T0,
        )
        for n in range(3)
    ]
    latest = dict.fromkeys(range(3), "merge")
    with open_store("memory://") as store:
        store.grant([Grant(p, f"merge-{p.id}-0", T0) for p in people])
        for minute, (kind, n) in enumerate(steps, 1):
            at = T0 + dt.timedelta(minutes=minute)
            grant = Grant(people[n], f"{kind}-{minute}", at)
            if kind == "merge":
                store.grant([grant])
            else:
                sending = NewSending("taking-stock", people[n].id, "reminder", minute, at)
                store.record_sending(sending, grant, lambda: None)
            latest[n] = kind
        expected = sum(1 for kind in latest.values() if kind == "merge")
        assert unsent_links(store, consultation, people) == expected
        assert unsent_links(store, consultation, people[:1]) == (latest[0] == "merge")
