"""The plain-text email form, the reference line, and ``surveykit email-form``."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies import specs
from surveykit import Secret, get_plugins, load_spec
from surveykit.cli import main
from surveykit.identity import load_secret
from surveykit.storage import open_store
from surveykit_email.form import RULE, WIDTH, EmailRenderer, write_form
from surveykit_email.reference import (
    ALPHABET,
    find_reference,
    find_references,
    has_malformed_reference,
    is_valid,
    reference_for,
)
from surveykit_email.wording import key

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "taking_stock.toml"
SECRET = Secret(b"a test secret for the email form tests, 32+ bytes", "tests")
ROSTER = (
    "authority,authority_type,role,name,email\n"
    "Kent County Council,county,leader,Ada Lovelace,ada@kent.example\n"
)


@pytest.fixture(scope="module")
def taking_stock():
    return load_spec(SPEC)


# The form ----------------------------------------------------------------------------------


def test_every_question_is_numbered_with_its_options_in_boxes(taking_stock):
    """Each question starts a line with its number; each option has a box and its label."""
    text = write_form(taking_stock, reference="SK-0000-0000-0000")
    lines = text.splitlines()
    for question in taking_stock.questions:
        heading = f"{key(question)}. {question.text}"
        first = next(line for line in lines if line.startswith(f"{key(question)}. "))
        assert heading.startswith(first.removesuffix(" (required)"))
        for option in question.options:
            assert f"[ ] {option.label}"[:60] in text
    assert lines.count("    Your answer:") == sum(
        1 for q in taking_stock.questions if not q.options
    )


def test_conditions_are_explained_in_words(taking_stock):
    """Questions 2, 14 and 16 say which earlier answers they follow; no other question does."""
    text = " ".join(write_form(taking_stock).split())
    assert '(Answer only if you answered "Yes" to question 13.)' in text
    assert '(Answer only if you answered "Yes" to question 15.)' in text
    assert (
        '(Answer only if you answered "Yes they are generally relevant, but I suggest some '
        'changes" or "No, none of them are relevant now" to question 1.)'
    ) in text
    assert text.count("(Answer only if") == 3


def test_the_form_has_the_closing_date_privacy_notice_and_reference(taking_stock):
    """The reference line, closing date and privacy notice are all there, wrapped at 72."""
    text = write_form(taking_stock, reference="SK-2TX4-64WF-G91Z")
    assert "Reference: SK-2TX4-64WF-G91Z  (please keep this line in your reply)" in text
    assert "Closing date: Friday 13 March 2015, end of day" in text
    notice = " ".join(taking_stock.metadata.privacy_notice.split())
    assert notice in " ".join(text.split())
    assert all(len(line) <= WIDTH for line in text.splitlines())
    assert RULE in text
    assert text.rstrip().endswith("--- End of form ---")


def test_a_blank_form_says_it_has_no_reference(taking_stock):
    """Without a reference the form says it is blank and asks who is answering."""
    text = write_form(taking_stock)
    assert "Reference: none (this is a blank form)" in text
    assert find_reference(text) is None


def test_a_link_is_offered_only_when_given(taking_stock):
    """The respondent's own link appears only when passed, unbroken even when long."""
    link = "https://consult.example.org/r/" + "T" * 40
    assert link in write_form(taking_stock, reference="SK-2TX4-64WF-G91Z", link=link)
    assert "https://" not in write_form(taking_stock)


def test_intros_are_optional(taking_stock):
    """Section introductions are left out unless asked for; then they are plain text."""
    short = write_form(taking_stock)
    long = write_form(taking_stock, intros=True)
    assert "Place-based approach" not in short
    assert "Place-based approach: The momentum" in long
    assert "**" not in long


def test_the_renderer_is_registered():
    """The email renderer is found by name and writes the same form as ``write_form``."""
    renderer = get_plugins().renderers["email"]
    assert isinstance(renderer, EmailRenderer)
    consultation = load_spec(SPEC)
    assert renderer.form(consultation, reference="SK-2TX4-64WF-G91Z") == write_form(
        consultation, reference="SK-2TX4-64WF-G91Z"
    )


@given(specs())
def test_any_spec_gives_a_form_with_a_heading_per_question(consultation):
    """Every generated spec gets a form: one heading per question, a note per condition."""
    text = write_form(consultation)
    for question in consultation.questions:
        assert re.search(rf"^{re.escape(key(question))}\. ", text, re.MULTILINE)
    conditional = sum(1 for q in consultation.questions if q.condition is not None)
    assert " ".join(text.split()).count("(Answer only if ") == conditional


# References ---------------------------------------------------------------------------------


def test_a_reference_is_short_keyed_and_stable():
    """The same secret and respondent give the same reference; another of either does not."""
    first = reference_for(SECRET, "respondent-1")
    assert re.fullmatch(r"SK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", first)
    assert set(first[3:].replace("-", "")) <= set(ALPHABET)
    assert reference_for(SECRET, "respondent-1") == first
    assert reference_for(SECRET, "respondent-2") != first
    assert (
        reference_for(Secret(b"another secret entirely, 32 bytes!!", "t"), "respondent-1") != first
    )
    assert is_valid(first)


def test_references_are_found_however_they_are_typed():
    """Lower case, spaces for hyphens, O for 0 and L for 1 are all read back the same."""
    reference = reference_for(SECRET, "respondent-1")
    sloppy = reference.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert find_reference(f"> > Reference: {sloppy}  (please keep)") == reference
    assert find_reference(f"Re: Taking stock [{reference}]") == reference
    assert find_reference("no reference here, SKY-1234") is None
    assert find_references(f"{reference} and {reference.lower()}") == [reference]


@given(st.text(min_size=1, max_size=40), st.integers(0, 11), st.sampled_from(ALPHABET))
def test_any_one_mistyped_character_is_detected(respondent_id, position, replacement):
    """Changing any one character of a reference makes it invalid: never someone else's."""
    reference = reference_for(SECRET, respondent_id)
    body = reference[3:].replace("-", "")
    if body[position] == replacement:
        return
    typo = body[:position] + replacement + body[position + 1 :]
    mistyped = f"SK-{typo[:4]}-{typo[4:8]}-{typo[8:]}"
    assert find_reference(mistyped) is None
    assert has_malformed_reference(mistyped)


@given(st.text(max_size=60), st.text(max_size=60), st.text(min_size=1, max_size=20))
def test_a_reference_is_found_inside_any_text(before, after, respondent_id):
    """Text around a reference never hides it, unless it runs into the reference's letters."""
    reference = reference_for(SECRET, respondent_id)
    assert find_reference(f"{before} {reference} {after}") in (
        reference,
        *find_references(before),
    )


# The command --------------------------------------------------------------------------------


def _issue(tmp_path: Path, capsys) -> tuple[str, str]:
    db = f"sqlite:///{tmp_path}/responses.db"
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    out = tmp_path / "links.csv"
    args = ["tokens", "issue", str(SPEC), "--db", db, "--roster", str(roster), "--out", str(out)]
    assert main(args) == 0
    capsys.readouterr()
    with open(out, newline="", encoding="utf-8") as handle:
        return db, next(csv.DictReader(handle))["token"]


def test_the_command_writes_a_blank_form(capsys, monkeypatch):
    """Without a token the command prints the blank form."""
    monkeypatch.delenv("SURVEYKIT_TOKEN", raising=False)
    assert main(["email-form", str(SPEC)]) == 0
    assert capsys.readouterr().out == write_form(load_spec(SPEC))


def test_with_a_token_the_form_has_that_respondents_reference(tmp_path, capsys, monkeypatch):
    """The reference is the respondent's; the token itself is nowhere in the form."""
    db, token = _issue(tmp_path, capsys)
    out = tmp_path / "form.txt"
    monkeypatch.setenv("SURVEYKIT_TOKEN", token)  # as officers pass it, out of shell history
    assert main(["email-form", str(SPEC), "--db", db, "--out", str(out)]) == 0
    said = capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    with open_store(db) as store:
        secret = load_secret(store.secret_file)
        respondent = next(iter(store.respondents(load_spec(SPEC).metadata.id)))
    reference = reference_for(secret, respondent.id)
    assert f"Reference: {reference}  (please keep this line in your reply)" in text
    assert reference in said
    assert token not in text
    assert token not in said


def test_the_link_holds_the_token_only_when_asked_for(tmp_path, capsys):
    """With --base-url the respondent's own link is offered; that is the token's only place."""
    db, token = _issue(tmp_path, capsys)
    args = ["email-form", str(SPEC), "--db", db, "--token", token]
    assert main([*args, "--base-url", "https://consult.example.org/r/"]) == 0
    text = capsys.readouterr().out
    assert f"https://consult.example.org/r/{token}" in text
    assert text.count(token) == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--token", "x" * 32], "Error: --token needs --db (or $SURVEYKIT_DB)"),
        (["--base-url", "https://x.example/r/"], "Error: --base-url needs --token"),
        (["--token", "T" * 32, "--base-url", "ftp://x"], "Error: --base-url must start with"),
    ],
)
def test_mistakes_are_one_line_errors(extra, message, capsys, monkeypatch):
    """Each mistake is one line starting "Error:" and exit status 1."""
    monkeypatch.delenv("SURVEYKIT_DB", raising=False)
    monkeypatch.delenv("SURVEYKIT_TOKEN", raising=False)
    assert main(["email-form", str(SPEC), *extra]) == 1
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert err.count("\n") == 1


def test_an_unknown_token_is_one_line_error(tmp_path, capsys):
    """A token the store does not know is refused in one line, and nothing is written."""
    db, _ = _issue(tmp_path, capsys)
    out = tmp_path / "form.txt"
    args = ["email-form", str(SPEC), "--db", db, "--token", "Z" * 32, "--out", str(out)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: this link is not recognised")
    assert err.count("\n") == 1
    assert not out.exists()


def test_the_documented_example_is_what_the_command_writes(taking_stock):
    """docs/email-replies.md shows Taking Stock's form exactly as it is written today."""
    docs = (ROOT / "docs" / "email-replies.md").read_text(encoding="utf-8")
    example = docs.split("```text\n", 1)[1].split("```", 1)[0]
    known = {"role": "leader", "authority_type": "county", "authority": "Kent County Council"}
    assert example == write_form(taking_stock, reference="SK-2TX4-64WF-G91Z", known=known)
