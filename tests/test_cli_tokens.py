"""`surveykit tokens issue` and `surveykit submit`: roster import, links, keyed-in responses."""

from __future__ import annotations

import csv
import json
import stat

import pytest

from surveykit.cli import main
from surveykit.errors import StorageError
from surveykit.identity import Secret, Token, load_secret
from surveykit.roster import LinkPlan
from surveykit.storage import open_store

SPEC = """
[consultation]
id = "stock"
title = "Taking stock"
publisher = "LGA"
closes = {closes}
timezone = "Europe/London"

[[roles]]
value = "leader"
label = "Leader"

[[roles]]
value = "chief_executive"
label = "Chief executive"

[[roles]]
value = "other"
label = "Other"

[[authority_types]]
value = "county"
label = "County council"

[[authority_types]]
value = "district"
label = "District council"

[[sections]]
id = "s"
title = "S"

[[sections.questions]]
id = "q13"
text = "Do you agree?"
kind = "single"
required = true
options = [{{ value = "yes", label = "Yes" }}, {{ value = "no", label = "No" }}]
"""
ROSTER = (
    "authority,authority_type,role,name,email\n"
    "Kent County Council,county,leader,Roger Gough,leader@kent.example\n"
    "Kent County Council,county,chief_executive,Amanda Beer,ce@kent.example\n"
    "Dover District Council,district,leader,,\n"
)


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


def _issue(spec, db, roster, out, *extra):
    return main(
        [
            "tokens",
            "issue",
            str(spec),
            "--db",
            db,
            "--roster",
            str(roster),
            "--out",
            str(out),
            *extra,
        ]
    )


def _links(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_issuing_writes_one_private_link_per_row(spec, db, roster, tmp_path, capsys):
    """Each row gets a working link in a file only its owner can read; nothing secret is printed."""
    out = tmp_path / "links.csv"
    assert _issue(spec, db, roster, out, "--base-url", "https://consult.example.org/r/") == 0
    printed = capsys.readouterr()
    assert printed.out == f"Issued 3 links (3 new, 0 reissued); they are in {out}.\n"
    assert printed.err == ""
    rows = _links(out)
    assert [(r["authority"], r["role"], r["name"], r["email"]) for r in rows] == [
        ("Kent County Council", "leader", "Roger Gough", "leader@kent.example"),
        ("Kent County Council", "chief_executive", "Amanda Beer", "ce@kent.example"),
        ("Dover District Council", "leader", "", ""),
    ]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    secret = load_secret(tmp_path / "responses.db.secret", environ={})
    assert stat.S_IMODE((tmp_path / "responses.db.secret").stat().st_mode) == 0o600
    with open_store(db) as store:
        for row in rows:
            assert row["link"].startswith("https://consult.example.org/r/")
            token = Token.parse(row["link"])
            record = store.lookup_token(secret.hash(token))
            assert (record.respondent.authority, record.respondent.role, record.live) == (
                row["authority"],
                row["role"],
                True,
            )
            assert token.value not in printed.out
    assert "leader@kent.example" not in printed.out


def test_running_again_issues_no_second_links(spec, db, roster, tmp_path, capsys):
    """A second import of the same roster issues nothing and writes no file."""
    _issue(spec, db, roster, tmp_path / "first.csv")
    capsys.readouterr()
    assert _issue(spec, db, roster, tmp_path / "second.csv") == 0
    assert capsys.readouterr().out == (
        "No new links were needed; 3 already had a link and kept it (use --reissue to replace); "
        f"{tmp_path / 'second.csv'} was not written.\n"
    )
    assert not (tmp_path / "second.csv").exists()


def test_new_rows_get_links_and_known_people_keep_theirs(spec, db, roster, tmp_path, capsys):
    """A roster with one new person issues one link; matching is by name or by email."""
    _issue(spec, db, roster, tmp_path / "first.csv")
    grown = tmp_path / "grown.csv"
    grown.write_text(
        ROSTER.replace("Roger Gough", "Cllr Roger Gough")
        + "Dover District Council,district,chief_executive,Nadeem Bhatti,ce@dover.example\n"
    )
    capsys.readouterr()
    assert _issue(spec, db, grown, tmp_path / "second.csv") == 0
    assert capsys.readouterr().out == (
        "Issued 1 link (1 new, 0 reissued); 3 already had a link and kept it "
        f"(use --reissue to replace); they are in {tmp_path / 'second.csv'}.\n"
    )
    assert [r["name"] for r in _links(tmp_path / "second.csv")] == ["Nadeem Bhatti"]


def test_reissuing_revokes_the_old_links(spec, db, roster, tmp_path, capsys):
    """--reissue gives everyone a new link and the old ones stop working."""
    _issue(spec, db, roster, tmp_path / "first.csv")
    assert _issue(spec, db, roster, tmp_path / "second.csv", "--reissue") == 0
    assert (
        capsys.readouterr().out.splitlines()[-1]
        == (f"Issued 3 links (0 new, 3 reissued); they are in {tmp_path / 'second.csv'}.\n").strip()
    )
    secret = load_secret(tmp_path / "responses.db.secret", environ={})
    with open_store(db) as store:
        old, new = (
            [store.lookup_token(secret.hash(Token(r["token"]))) for r in _links(tmp_path / name)]
            for name in ("first.csv", "second.csv")
        )
        assert [o.live for o in old] == [False, False, False]
        assert [n.live for n in new] == [True, True, True]
        assert [o.respondent.id for o in old] == [n.respondent.id for n in new]


def test_bad_rows_are_all_reported_and_nothing_is_imported(spec, db, tmp_path, capsys):
    """Each bad row is named by line; no respondent is stored and no links file written."""
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Authority,Authority_Type,Role,Name,Email,Notes\n"
        "Kent County Council,county,leader,Roger Gough,leader@kent.example,ok\n"
        "Kent County Council,county,mayor,Someone,,\n"
        "Surrey County Council,shire,leader,Tim Oliver,tim.oliver@\n"
        "kent county council,county,leader,roger  gough,,dup\n"
        "Dover District Council,district,leader,Kevin Mills,LEADER@kent.example\n"
        ",county,other\n"
    )
    out = tmp_path / "links.csv"
    assert _issue(spec, db, bad, out) == 1
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err == (
        f"Error: {bad}:3: unknown role 'mayor' (known: leader, chief_executive, other)\n"
        f"{bad}:4: unknown authority type 'shire' (known: county, district)\n"
        f"{bad}:4: the email address is not valid\n"
        f"{bad}:5: the same person as line 2 (same authority, role and name)\n"
        f"{bad}:6: the same email address as line 2\n"
        f"{bad}:7: the row has 3 fields; the roster's columns need 5\n"
        "6 problems; nothing was imported\n"
    )
    assert not out.exists()
    with open_store(db) as store:
        assert list(store.respondents("stock")) == []


def test_a_roster_without_the_columns_is_refused(spec, db, tmp_path, capsys):
    """Missing columns are named on line 1."""
    bad = tmp_path / "bad.csv"
    bad.write_text("authority,role\nKent,leader\n")
    assert _issue(spec, db, bad, tmp_path / "links.csv") == 1
    assert capsys.readouterr().err == (
        f"Error: {bad}:1: missing columns authority_type, name, email "
        "(a roster needs authority, authority_type, role, name, email)\n"
        "1 problem; nothing was imported\n"
    )


def test_an_existing_links_file_is_never_overwritten(spec, db, roster, tmp_path, capsys):
    """--out must be a new file: the old one may hold the only copy of earlier links."""
    out = tmp_path / "links.csv"
    out.write_text("precious")
    assert _issue(spec, db, roster, out) == 1
    assert capsys.readouterr().err == (
        f"Error: {out} already exists and may hold the only copy of earlier links; "
        "choose a new --out file\n"
    )
    assert out.read_text() == "precious"
    with open_store(db) as store:
        assert list(store.respondents("stock")) == []


def test_a_store_set_up_with_another_secret_is_refused(spec, db, roster, tmp_path, capsys):
    """The wrong secret file stops the import before anything is issued."""
    with open_store(db) as store:
        store.secret_fingerprint(Secret(b"z" * 40, "another").fingerprint)
    assert _issue(spec, db, roster, tmp_path / "links.csv") == 1
    assert capsys.readouterr().err == (
        "Error: this store was set up with a different deployment secret than the file "
        f"{tmp_path / 'responses.db.secret'}; use the original secret (see docs/identity.md)\n"
    )
    assert not (tmp_path / "links.csv").exists()


def test_a_failed_commit_leaves_no_links_file(spec, db, roster, tmp_path, capsys, monkeypatch):
    """If the store refuses the links, neither the links file nor its draft is left behind."""

    def refuse(plan, store):
        raise StorageError("the disk is full")

    monkeypatch.setattr(LinkPlan, "commit", refuse)
    assert _issue(spec, db, roster, tmp_path / "links.csv") == 1
    assert capsys.readouterr().err == "Error: the disk is full\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "responses.db",
        "responses.db.secret",
        "responses.db.writelock",
        "roster.csv",
        "stock.toml",
    ]


def _token(tmp_path, spec, db, roster):
    _issue(spec, db, roster, tmp_path / "links.csv")
    return _links(tmp_path / "links.csv")[0]["token"]


def test_submit_stores_a_response_and_says_what_it_replaced(
    spec, db, roster, tmp_path, capsys, monkeypatch
):
    """Two submissions under one token: version 1, then version 2 replacing it."""
    token = _token(tmp_path, spec, db, roster)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"q13": "yes"}))
    monkeypatch.setenv("SURVEYKIT_TOKEN", token)
    capsys.readouterr()
    args = ["submit", str(spec), "--db", db, "--answers", str(answers)]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert first.startswith(
        "Stored version 1 of the response from Kent County Council (leader) by cli, received "
    )
    assert first.endswith(" (Europe/London).\n")
    assert main(args) == 0
    assert capsys.readouterr().out.endswith(
        "; it replaces version 1 as the response that counts "
        "(earlier versions stay in the history).\n"
    )


def test_submit_judges_paper_by_when_it_was_received(roster, tmp_path, capsys):
    """A letter received before a past closing date is accepted; one received after is not."""
    spec = tmp_path / "closed.toml"
    spec.write_text(SPEC.format(closes="2015-03-13"))
    db = f"sqlite:///{tmp_path}/closed.db"
    _issue(spec, db, roster, tmp_path / "links.csv")
    token = _links(tmp_path / "links.csv")[1]["token"]
    answers = tmp_path / "letter.json"
    answers.write_text('{"q13": "no"}')
    base = ["submit", str(spec), "--db", db, "--token", token, "--answers", str(answers)]
    capsys.readouterr()
    assert main([*base, "--channel", "paper", "--received-at", "2015-03-13T17:00"]) == 0
    assert capsys.readouterr().out == (
        "Stored version 1 of the response from Kent County Council (chief_executive) by paper, "
        "received 2015-03-13 17:00 (Europe/London).\n"
    )
    assert main([*base, "--channel", "paper", "--received-at", "2015-03-14"]) == 1
    assert capsys.readouterr().err == (
        "Error: Taking stock closed on Friday 13 March 2015, end of day (Europe/London); "
        "it was received 2015-03-14 00:00 (Europe/London); the response was not stored; to "
        "reopen it for a demonstration, set SURVEYKIT_OPEN_UNTIL or pass --open-until\n"
    )
    assert main(base) == 1
    assert capsys.readouterr().err == (
        "Error: Taking stock closed on Friday 13 March 2015, end of day (Europe/London); "
        "the response was not stored; to reopen it for a demonstration, set "
        "SURVEYKIT_OPEN_UNTIL or pass --open-until\n"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "{",
            "is not valid JSON: Expecting property name enclosed in double quotes at line 1 "
            "column 2",
        ),
        ("[1, 2]", "must hold a JSON object of answers by question id"),
    ],
)
def test_submit_reports_a_bad_answers_file_in_one_line(
    spec, db, tmp_path, capsys, content, message
):
    """Broken or wrong-shaped JSON is one line naming the file."""
    answers = tmp_path / "answers.json"
    answers.write_text(content)
    code = main(
        ["submit", str(spec), "--db", db, "--token", Token.new().value, "--answers", str(answers)]
    )
    assert code == 1
    assert capsys.readouterr().err == f"Error: {answers} {message}\n"


def test_submit_with_an_unknown_token_stores_nothing(spec, db, roster, tmp_path, capsys):
    """An unknown token is refused in one line, and the token is not echoed."""
    _token(tmp_path, spec, db, roster)
    answers = tmp_path / "answers.json"
    answers.write_text('{"q13": "yes"}')
    stranger = Token.new().value
    capsys.readouterr()
    code = main(["submit", str(spec), "--db", db, "--token", stranger, "--answers", str(answers)])
    assert code == 1
    err = capsys.readouterr().err
    assert err == (
        "Error: this link is not recognised: check it was copied in full, or ask for a new one\n"
    )
    with open_store(db) as store:
        assert store.count_responses("stock") == 0


@pytest.mark.parametrize("command", [["tokens"], ["tokens", "issue"], ["submit"]], ids=" ".join)
def test_every_command_help_has_an_example(command, capsys):
    """--help shows at least one example command line."""
    assert main([*command, "--help"]) == 0
    text = capsys.readouterr().out
    assert "Example" in text
    assert "surveykit " + command[0] in text.split("Example", 1)[1]
