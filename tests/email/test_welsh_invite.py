"""Invitations and reminders in the respondent's language, or in both with Welsh first; the
email form in either language; and a Welsh reply, sent over SMTP, stored as the English one."""

from __future__ import annotations

import datetime as dt
import email.policy
import shutil
from email.message import EmailMessage
from pathlib import Path

import pytest
from mailtools import Inbox, SmtpSink, body, free_port, send

from surveykit import Respondent, load_spec
from surveykit.cli import main
from surveykit.identity import load_secret
from surveykit.roster import parse_roster, plan_links
from surveykit.storage import open_store
from surveykit_email.outbox import compose, email_language

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "specs" / "examples"
BILINGUAL = load_spec(EXAMPLES / "bilingual_example.toml")
T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
ROSTER = """authority,authority_type,role,name,email,iaith
Cyngor Cymuned Llanenghraifft,community,clerk,Siân Pritchard,sian@llan.example,Cymraeg
Anytown Library Friends,group,chair,Tom Jones,tom@any.example,en
Valley Readers,group,chair,Bob Price,bob@valley.example,
"""


def _person(language: str | None) -> Respondent:
    return Respondent(
        "library-hours-2027",
        "Valley Readers",
        "group",
        "chair",
        "Bob",
        "b@x.example",
        language=language,
    )


@pytest.mark.parametrize(
    ("language", "bilingual", "wanted"),
    [
        ("cy", False, "cy"),
        ("cy", True, "cy"),  # who asked for Welsh gets Welsh alone
        ("en", False, "en"),
        ("en", True, "both"),  # a bilingual body writes bilingually, Welsh first
        (None, False, "en"),
        (None, True, "both"),
        ("fr", True, "both"),  # a language the spec does not offer is not used
        ("fr", False, "en"),
    ],
)
def test_the_language_of_an_email(language, bilingual, wanted):
    assert email_language(BILINGUAL, _person(language), bilingual=bilingual) == wanted


def test_an_english_only_spec_writes_english_whatever_is_asked():
    taking_stock = load_spec(ROOT / "specs" / "taking_stock.toml")
    person = Respondent("taking-stock", "Kent", "county", "leader", language="cy")
    assert email_language(taking_stock, person, bilingual=True) == "en"


def _compose(language: str | None, reminder: bool = False) -> tuple[EmailMessage, str]:
    message = compose(
        BILINGUAL,
        _person(None),
        sender="libraries@example-county.gov.uk",
        reference="SK-2TX4-64WF-G91Z",
        link="https://consult.example.org/r/abc",
        reminder=reminder,
        now=T0,
        language=language,
    )
    return message, body(message)


def test_an_invitation_in_welsh_has_no_english_of_ours():
    message, text = _compose("cy")
    assert message["Subject"] == "Ein llyfrgelloedd: oriau agor: eich gwahoddiad i ymateb"
    assert message["Content-Language"] == "cy"
    assert text.startswith("Annwyl Bob,")
    assert "Mae Cyngor Sir Enghraifft yn gwahodd Valley Readers i ymateb" in text
    assert "Eich ateb:" in text
    assert "Dyddiad cau: dydd Gwener 30 Ebrill 2027" in text
    for english in ("Dear", "Your answer:", "Tick one box", "Reply to this email", "Reference:"):
        assert english not in text


def test_a_reminder_in_welsh():
    message, text = _compose("cy", reminder=True)
    assert message["Subject"].startswith("Nodyn atgoffa: mae Ein llyfrgelloedd: oriau agor yn cau")
    assert "Nid ydym wedi cael ymateb gan Valley Readers" in text
    assert "Mae dolen newydd yn y nodyn atgoffa hwn." in text


def test_a_bilingual_invitation_puts_welsh_first():
    message, text = _compose("both")
    subject = message["Subject"]
    assert subject.index("eich gwahoddiad") < subject.index("your invitation")
    assert text.index("Annwyl Bob,") < text.index("Dear Bob,")
    assert text.index("Eich ateb:") < text.index("Your answer:")
    assert text.count("SK-2TX4-64WF-G91Z") == 2
    assert message["Content-Language"] == "cy, en"


def test_email_form_writes_either_language_or_both(capsys):
    spec = str(EXAMPLES / "bilingual_example.toml")
    assert main(["email-form", spec, "--lang", "cy"]) == 0
    welsh = capsys.readouterr().out
    assert "Eich ateb:" in welsh
    assert "Your answer:" not in welsh
    assert main(["email-form", spec, "--lang", "both"]) == 0
    both = capsys.readouterr().out
    assert both.index("Eich ateb:") < both.index("Your answer:")
    assert main(["email-form", spec]) == 0
    assert "Your answer:" in capsys.readouterr().out


def test_email_form_refuses_a_language_the_spec_does_not_offer(capsys):
    code = main(["email-form", str(ROOT / "specs" / "taking_stock.toml"), "--lang", "cy"])
    assert code != 0
    err = capsys.readouterr().err
    assert "is not offered in 'cy'" in err
    assert "Traceback" not in err


def _open_copy(tmp_path: Path) -> Path:
    """The bilingual example, open now, with its Welsh translations beside it."""
    shutil.copy(EXAMPLES / "bilingual_example.cy.toml", tmp_path)
    text = (EXAMPLES / "bilingual_example.toml").read_text(encoding="utf-8")
    text = text.replace("opens = 2027-02-01", "opens = 2020-01-01")
    text = text.replace("closes = 2027-04-30", "closes = 2099-12-31")
    path = tmp_path / "bilingual_example.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _tick(text: str, ticks: tuple[tuple[str, str], ...], typed: tuple[tuple[str, str], ...]):
    for blank, ticked in ticks:
        assert blank in text
        text = text.replace(blank, ticked, 1)
    for after, words in typed:
        where = text.index(after) + len(after)
        mark = "Eich ateb:\n" if "Eich ateb:" in text else "Your answer:\n"
        at = text.index(mark, where) + len(mark)
        text = text[:at] + words + "\n" + text[at:]
    return text


def _answer(invitation: EmailMessage, filled: str, sender: str, number: int) -> bytes:
    answer = EmailMessage()
    answer["From"] = sender
    answer["To"] = "libraries@example-county.gov.uk"
    answer["Subject"] = f"Re: {invitation['Subject']}"
    answer["Message-ID"] = f"<reply-{number}@example.org>"
    quoted = "\n".join(f"> {line}" for line in filled.splitlines())
    if "Annwyl" in filled:
        top = "Dyma ein hymateb.\n\nCofion,\nSiân\n\nAr ddydd Llun, 1 Mawrth 2027 am 09:00, "
        top += "Llyfrgelloedd <libraries@example-county.gov.uk> ysgrifennodd:\n"
    else:
        top = "Here is our response.\n\nTom\n\nOn 1 March 2027 you wrote:\n"
    answer.set_content(top + quoted + "\n")
    return answer.as_bytes(policy=email.policy.SMTP)


def test_a_welsh_reply_over_smtp_is_stored_as_the_english_one(tmp_path):
    """Siân asked for Welsh and Tom for English: each invitation is in their language, each
    replies by filling in the quoted form, and both responses are stored with the same values."""
    spec = _open_copy(tmp_path)
    db = f"sqlite:///{tmp_path}/responses.db"
    consultation = load_spec(spec)
    with open_store(db) as store:
        secret = load_secret(store.secret_file, ephemeral=False)
        entries = parse_roster(ROSTER.splitlines(keepends=True), consultation)
        plan_links(store, secret, consultation, entries, now=T0).commit(store)
        assert {r.name: r.language for r in store.respondents(consultation.metadata.id)} == {
            "Siân Pritchard": "cy",
            "Tom Jones": "en",
            "Bob Price": None,
        }
    sink = SmtpSink().start()
    try:
        args = ["invite", str(spec), "--db", db, "--smtp", sink.address, "--rate", "100/s"]
        assert main([*args, "--from", "libraries@example-county.gov.uk"]) == 0
    finally:
        sink.stop()
    by_name = {m["To"].addresses[0].username: m for m in sink.messages}
    welsh, english, bob = by_name["sian"], by_name["tom"], by_name["bob"]
    assert welsh["Content-Language"] == "cy"
    assert "Annwyl Siân Pritchard," in body(welsh)
    assert english["Content-Language"] == "en"
    assert "Dear Tom Jones," in body(english)
    assert bob["Content-Language"] == "en"
    siân = _tick(
        body(welsh).replace("\r\n", "\n"),
        (
            ("[ ] Yn llai aml", "[x] Yn llai aml"),
            ("[ ] Benthyg llyfrau", "[x] Benthyg llyfrau"),
            ("[ ] Dydd Sul", "[X] Dydd Sul"),
        ),
        (("5. Sawl awr", "40"), ("6. Oes unrhyw beth", "Agorwch ar ddydd Sul, os gwelwch yn dda.")),
    )
    tom = _tick(
        body(english).replace("\r\n", "\n"),
        (
            ("[ ] Less often", "[x] Less often"),
            ("[ ] Borrowing books", "[x] Borrowing books"),
            ("[ ] Sundays", "[X] Sundays"),
        ),
        (("5. How many hours", "40"), ("6. Is there anything", "Please open on Sundays.")),
    )
    port = free_port()
    inbox = Inbox(spec, db, port)
    inbox.until("Receiving replies")
    send(port, _answer(welsh, siân, "Siân Pritchard <sian@llan.example>", 1), "sian@llan.example")
    assert inbox.until("Message 1") == "Message 1: submitted as version 1."
    send(port, _answer(english, tom, "Tom Jones <tom@any.example>", 2), "tom@any.example")
    assert inbox.until("Message 2") == "Message 2: submitted as version 1."
    inbox.stop()
    with open_store(db) as store:
        people = {r.name: r for r in store.respondents(consultation.metadata.id)}
        stored = {name: store.response(people[name].id) for name in ("Siân Pritchard", "Tom Jones")}
    same = {"visits": "rarely", "uses": ["books"], "when": ["sunday"], "hours": 40}
    assert stored["Siân Pritchard"].answers == {
        **same,
        "comments": "Agorwch ar ddydd Sul, os gwelwch yn dda.",
    }
    assert stored["Tom Jones"].answers == {**same, "comments": "Please open on Sundays."}
    assert stored["Siân Pritchard"].channel == stored["Tom Jones"].channel == "email"


def test_bilingual_invitations_from_the_command_line(tmp_path):
    spec = _open_copy(tmp_path)
    db = f"sqlite:///{tmp_path}/responses.db"
    consultation = load_spec(spec)
    with open_store(db) as store:
        secret = load_secret(store.secret_file, ephemeral=False)
        entries = parse_roster(ROSTER.splitlines(keepends=True), consultation)
        plan_links(store, secret, consultation, entries, now=T0).commit(store)
    sink = SmtpSink().start()
    try:
        args = ["invite", str(spec), "--db", db, "--smtp", sink.address, "--rate", "100/s"]
        assert main([*args, "--from", "libraries@example-county.gov.uk", "--bilingual"]) == 0
    finally:
        sink.stop()
    by_name = {m["To"].addresses[0].username: m for m in sink.messages}
    assert by_name["sian"]["Content-Language"] == "cy"
    for name in ("tom", "bob"):
        text = body(by_name[name])
        assert by_name[name]["Content-Language"] == "cy, en"
        assert text.index("Annwyl") < text.index("Dear")


def test_the_deployment_file_can_make_every_invitation_bilingual(tmp_path):
    spec = _open_copy(tmp_path)
    db = f"sqlite:///{tmp_path}/responses.db"
    consultation = load_spec(spec)
    with open_store(db) as store:
        secret = load_secret(store.secret_file, ephemeral=False)
        entries = parse_roster(ROSTER.splitlines(keepends=True), consultation)
        plan_links(store, secret, consultation, entries, now=T0).commit(store)
    sink = SmtpSink().start()
    deployment = tmp_path / "surveykit.toml"
    deployment.write_text(
        f'[deployment]\nstore = "{db}"\n\n[smtp]\nserver = "{sink.address}"\n'
        'sender = "libraries@example-county.gov.uk"\nbilingual = true\n',
        encoding="utf-8",
    )
    try:
        assert main(["--deployment", str(deployment), "invite", str(spec), "--rate", "100/s"]) == 0
    finally:
        sink.stop()
    languages = sorted(m["Content-Language"] for m in sink.messages)
    assert languages == ["cy", "cy, en", "cy, en"]


def test_a_deployment_files_bilingual_must_be_true_or_false(tmp_path, capsys):
    deployment = tmp_path / "surveykit.toml"
    deployment.write_text('[smtp]\nbilingual = "yes"\n', encoding="utf-8")
    spec = str(EXAMPLES / "bilingual_example.toml")
    code = main(["--deployment", str(deployment), "email-form", spec])
    assert code != 0
    assert f"{deployment}:2: bilingual must be true or false" in capsys.readouterr().err


@pytest.mark.parametrize(("language", "greeting"), [("cy", "Cyfeirnod"), (None, "Reference")])
def test_a_respondents_own_form_is_in_their_language(tmp_path, capsys, language, greeting):
    """``email-form --token`` without ``--lang`` writes the form in the respondent's language,
    as their invitation was."""
    from surveykit.submit import SubmitService

    spec = _open_copy(tmp_path)
    db = f"sqlite:///{tmp_path}/responses.db"
    consultation = load_spec(spec)
    with open_store(db) as store:
        secret = load_secret(store.secret_file, ephemeral=False)
        issued = SubmitService(consultation, store, secret).request_link()
        store.set_language(issued.respondent.id, language)
    capsys.readouterr()
    token = issued.token.value
    assert main(["email-form", str(spec), "--db", db, "--token", token]) == 0
    form = capsys.readouterr().out
    assert greeting in form
    other = "Reference" if language == "cy" else "Cyfeirnod"
    assert other not in form
