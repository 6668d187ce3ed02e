"""Replies shaped as real mail programs write them: reply headers in English and Welsh, and
signatures, sign-offs and disclaimers that must never be read as answers (nor eat real ones).

The fixtures in ``replies/real/`` quote Taking Stock's form the way each program does (Gmail,
Outlook desktop, on the web and for Android, Apple Mail on the iPhone, Thunderbird, Yahoo; some
with a Welsh interface), with headers, MIME structure and encodings as those programs write them.
"""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from mailtools import ABOUT, ABOUT_ANSWERS

from surveykit import Engine, load_spec, loads_spec
from surveykit_email.form import write_form
from surveykit_email.htmltext import html_to_text
from surveykit_email.parse import PROBLEM_CODES, read_reply
from surveykit_email.samples import FORMS, GREETINGS, LABEL_STYLES, REPLY_HEADERS, Style
from surveykit_email.samples import write_body as sample_body

ROOT = Path(__file__).resolve().parents[2]
REAL = Path(__file__).parent / "replies" / "real"
TAKING_STOCK = load_spec(ROOT / "specs" / "taking_stock.toml")
REFERENCE = "SK-2TX4-64WF-G91Z"

#: Each fixture: the answers read with certainty and the review reasons, in order.
EXPECTED: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    # Reply headers -------------------------------------------------------------------------
    "gmail_welsh_top_posted.eml": (
        {
            "role": "leader",
            "authority_type": "unitary",
            "authority": "Cyngor Gwynedd",
            "q13": "yes",
            "q14": "no",
            "consent": "quote_named",
        },
        (),
    ),
    "gmail_welsh_wrapped.eml": (
        {
            "role": "chief_executive",
            "authority_type": "county",
            "authority": "Cyngor Sir Ceredigion",
            "q8": "yes",
            "q21": "Mae angen mwy o gefnogaeth gan gymheiriaid ar gynghorau bach.\n"
            "More peer support for small councils, please.",
            "consent": "no_quote",
        },
        (),
    ),
    "outlook_welsh.eml": (
        {
            "role": "chief_executive",
            "authority_type": "unitary",
            "authority": "Cyngor Bwrdeistref Sirol Conwy",
            "q8": "yes",
            "q10": "yes",
            "consent": "quote_anonymous",
        },
        (),
    ),
    "thunderbird_welsh.eml": (
        {
            "role": "other",
            "authority_type": "fire_and_rescue",
            "authority": "Gwasanaeth T\u00e2n ac Achub Gogledd Cymru",
            "q20": "Mae'r trefniadau'n gweithio'n dda.",
            "consent": "no_quote",
        },
        (),
    ),
    "yahoo_original_message.eml": (
        {
            "role": "leader",
            "authority_type": "district",
            "authority": "Anytown District Council",
            "q9": "yes_unless_exceptional",
            "consent": "no_quote",
        },
        (),
    ),
    # Signatures ------------------------------------------------------------------------------
    "outlook_plain_name_title.eml": (
        {
            "role": "chief_executive",
            "authority_type": "district",
            "authority": "Anytown District Council",
            "q8": "no",
            "q17": "yes",
            "consent": "quote_anonymous",
        },
        (),
    ),
    "outlook_web_name_html_only.eml": (
        {
            "role": "chief_executive",
            "authority_type": "metropolitan",
            "authority": "Anytown Metropolitan Borough Council",
            "q15": "yes",
            "q16": "no",
            "consent": "no_quote",
        },
        (),
    ),
    "gmail_regards_david.eml": (
        {
            "role": "leader",
            "authority_type": "london_borough",
            "authority": "London Borough of Anytown",
            "q12": "More support for finance teams and for member development.",
            "consent": "quote_anonymous",
        },
        (),
    ),
    "iphone_thanks_jo.eml": (
        {
            "role": "leader",
            "authority_type": "district",
            "authority": "Anyvale District Council",
            "q21": "We need a simpler improvement offer.",
            "consent": "no_quote",
        },
        (),
    ),
    "outlook_cllr_best_wishes.eml": (
        {
            "role": "leader",
            "authority_type": "unitary",
            "authority": "Anytown Borough Council",
            "q19": "Yes: bespoke peer review for CSE would help us.",
            "consent": "quote_named",
        },
        (),
    ),
    "outlook_disclaimer.eml": (
        {
            "role": "other",
            "authority_type": "unitary",
            "authority": "Anytown Borough Council",
            "q21": "We welcome the LGA's continued support.",
            "consent": "no_quote",
        },
        (),
    ),
    "outlook_welsh_bilingual_signature.eml": (
        {
            "role": "chief_executive",
            "authority_type": "unitary",
            "authority": "Cyngor Sir Ynys M\u00f4n",
            "q20": "Mae angen mwy o amser i roi'r newidiadau ar waith.",
            "consent": "quote_named",
        },
        (),
    ),
    "outlook_android.eml": (
        {
            "role": "leader",
            "authority_type": "county",
            "authority": "Anyshire County Council",
            "q13": "no",
            "consent": "quote_named",
        },
        (),
    ),
    "gmail_inline_free_text_signoff.eml": (
        {
            "role": "other",
            "authority_type": "district",
            "authority": "Anytown Council",
            "q21": "The approach works well; keep peer challenge voluntary.",
            "consent": "quote_named",
        },
        (),
    ),
    # Answers that look like signatures and must be kept ----------------------------------------
    "gmail_org_mailbox.eml": (
        {
            "role": "other",
            "authority_type": "unitary",
            "authority": "Anytown Borough Council",
            "q21": "Peer challenge helped us a great deal.\n"
            "Anytown Borough Council supports it.\nMore please.",
            "consent": "no_quote",
        },
        (),
    ),
}


def test_every_real_fixture_has_an_expectation():
    """No fixture is left untested."""
    assert sorted(p.name for p in REAL.glob("*.eml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_replies_are_read_as_expected(name):
    """Each program's reply gives exactly its answers: no header, signature or disclaimer line
    is read as an answer or into one."""
    answers, codes = EXPECTED[name]
    reading = read_reply((REAL / name).read_bytes(), TAKING_STOCK)
    assert reading.answers == answers
    assert reading.codes == codes
    assert set(reading.codes) <= set(PROBLEM_CODES)
    assert reading.reference == REFERENCE
    assert Engine(TAKING_STOCK).clean(reading.answers) == reading.answers


def _html_only(raw: bytes) -> bytes | None:
    """The same message with only its HTML alternative, as an HTML-only client would send it."""
    message = email.message_from_bytes(raw, policy=policy.default)
    if not message.is_multipart():
        return None
    part = message.get_body(preferencelist=("html",))
    if part is None:
        return None
    head = "".join(f"{k}: {message[k]}\r\n" for k in ("From", "To", "Subject", "Date"))
    head += 'MIME-Version: 1.0\r\nContent-Type: text/html; charset="utf-8"\r\n'
    head += "Content-Transfer-Encoding: 8bit\r\n\r\n"
    return head.encode() + part.get_content().encode("utf-8")


@pytest.mark.parametrize(
    "name", sorted(n for n in EXPECTED if _html_only((REAL / n).read_bytes()) is not None)
)
def test_the_html_alternative_reads_the_same(name):
    """Gmail's gmail_attr and blockquote, Outlook's Word HTML header block: the HTML part alone
    gives the same answers as the plain-text part."""
    answers, codes = EXPECTED[name]
    html_only = _html_only((REAL / name).read_bytes())
    assert html_only is not None
    reading = read_reply(html_only, TAKING_STOCK)
    assert reading.answers == answers
    assert reading.codes == codes


# Reply headers, one by one ------------------------------------------------------------------

LGA = "LGA Consultations <consultations@local.gov.uk>"


def _message(body: str, sender: str = "A Person <person@example.org>") -> bytes:
    head = (
        f"From: {sender}\r\nSubject: Re: form\r\nDate: Thu, 12 Mar 2015 10:00:00 +0000\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return head.encode() + body.replace("\n", "\r\n").encode("utf-8")


def _read(body: str, sender: str = "A Person <person@example.org>"):
    return read_reply(_message(body, sender), TAKING_STOCK)


HEADERS = {
    # English
    "gmail": f"On Fri, 20 Feb 2015 at 09:00, {LGA} wrote:",
    "gmail (US)": f"On Fri, Feb 20, 2015 at 9:00 AM, {LGA} wrote:",
    "gmail wrapped at the address": (
        "On Fri, 20 Feb 2015 at 09:00, LGA Consultations <\nconsultations@local.gov.uk> wrote:"
    ),
    "gmail wrapped before wrote": f"On Fri, 20 Feb 2015 at 09:00, {LGA}\nwrote:",
    "wrapped over three lines": (
        "On Friday, 20 February 2015, 09:00:00 GMT, Local Government Association\n"
        "Consultations and Engagement Team <consultations@local.gov.uk>\nwrote:"
    ),
    "apple mail": f"On 20 Feb 2015, at 09:00, {LGA} wrote:",
    "thunderbird": "On 20/02/2015 09:00, LGA Consultations wrote:",
    "thunderbird, author and date": "LGA Consultations wrote on 20/02/2015 09:00:",
    "thunderbird, author only": "LGA Consultations wrote:",
    "yahoo": f"On Friday, 20 February 2015, 9:00, {LGA} wrote:",
    "outlook for ios": (
        'On Fri, Feb 20, 2015 at 9:00 AM +0000, "LGA Consultations" '
        "<consultations@local.gov.uk> wrote:"
    ),
    "outlook desktop": (
        "From: LGA Consultations [mailto:consultations@local.gov.uk]\n"
        "Sent: 20 February 2015 09:00\nTo: Jo Wright\nSubject: Taking stock"
    ),
    "outlook desktop, bold": (
        "*From:* LGA Consultations [mailto:consultations@local.gov.uk]\n"
        "*Sent:* 20 February 2015 09:00\n*To:* Jo Wright"
    ),
    "outlook for mac": (
        f"From: {LGA}\nDate: Friday, 20 February 2015 at 09:00\nTo: Jo Wright\n"
        "Subject: Taking stock"
    ),
    "outlook on the web": (
        f"________________________________\nFrom: {LGA}\nSent: 20 February 2015 09:00\n"
        "To: Jo Wright\nSubject: Taking stock"
    ),
    "outlook, original message": "-----Original Message-----",
    "yahoo, original message": (
        f"----- Original Message -----\nFrom: {LGA}\nTo: Jo Wright <jo@example.org>\n"
        "Sent: Friday, 20 February 2015, 9:00\nSubject: Taking stock"
    ),
    "hotmail, quoted block": (
        "> Subject: Taking stock\n> From: consultations@local.gov.uk\n> To: jo@example.org\n"
        "> Date: Fri, 20 Feb 2015 09:00:00 +0000"
    ),
    "gmail, forwarded": f"---------- Forwarded message ---------\nFrom: {LGA}\nDate: Fri",
    "thunderbird, forwarded": (
        "-------- Forwarded Message --------\nSubject: Taking stock\n"
        f"Date: Fri, 20 Feb 2015 09:00:00 +0000\nFrom: {LGA}"
    ),
    "apple mail, forwarded": "Begin forwarded message:",
    # Welsh
    "gmail (cy)": (
        "Ar ddydd Gwener, 20 Chwefror 2015, LGA Consultations <consultations@local.gov.uk> "
        "ysgrifennodd:"
    ),
    "gmail wrapped (cy)": (
        "Ar ddydd Gwener, 20 Chwefror 2015 am 09:00, LGA Consultations <\n"
        "consultations@local.gov.uk> ysgrifennodd:"
    ),
    "apple mail (cy)": f"Ar 20 Chwef 2015, am 09:00, {LGA} ysgrifennodd:",
    "thunderbird (cy)": "Ar 20/02/2015 09:00, ysgrifennodd LGA Consultations:",
    "thunderbird, author and date (cy)": "Ysgrifennodd LGA Consultations ar 20/02/2015 09:00:",
    "thunderbird, author only (cy)": "Ysgrifennodd LGA Consultations:",
    "evolution (cy)": "Ar Gwe, 2015-02-20 am 09:00 +0000, ysgrifennodd LGA Consultations:",
    "outlook desktop (cy)": (
        "Oddi wrth: LGA Consultations [mailto:consultations@local.gov.uk]\n"
        "Anfonwyd: 20 Chwefror 2015 09:00\nAt: Jo Wright\nPwnc: Taking stock"
    ),
    "outlook for mac (cy)": (
        f"Oddi wrth: {LGA}\nDyddiad: Dydd Gwener, 20 Chwefror 2015 09:00\nAt: Jo Wright\n"
        "Pwnc: Taking stock"
    ),
    "outlook, original message (cy)": "-----Neges Wreiddiol-----",
    "thunderbird, original message (cy)": "-------- Neges Wreiddiol --------",
    "any phrase in dashes before a header block": (
        f"---------- Neges a anfonwyd ymlaen ---------\nOddi wrth: {LGA}\nDyddiad: Gwe"
    ),
    # other languages (borrowed wording)
    "outlook (fr)": f"De : {LGA}\nEnvoy\u00e9 : vendredi 20 f\u00e9vrier 2015 09:00\n\u00c0 : Jo",
    "outlook (de)": f"Von: {LGA}\nGesendet: Freitag, 20. Februar 2015 09:00\nAn: Jo Wright",
    "gmail (de)": f"Am Fr., 20. Feb. 2015 um 09:00 Uhr schrieb {LGA}:",
    "gmail (es)": f"El vie, 20 feb 2015 a las 9:00, {LGA} escribi\u00f3:",
    "gmail (nl)": f"Op vr 20 feb. 2015 om 09:00 schreef {LGA}:",
    "gmail (it)": f"Il giorno ven 20 feb 2015 alle ore 09:00 {LGA} ha scritto:",
    "gmail, date and address": f"2015-02-20 9:00 GMT+00:00 {LGA}:",
}


@pytest.mark.parametrize("header", list(HEADERS.values()), ids=list(HEADERS))
def test_reply_headers_end_the_answer_above_them(header):
    """A free-text answer stops at the quoted message's header, in English and Welsh: the header
    is never part of the answer, nor an answer to the question before it."""
    reading = _read(ABOUT + "21. No more comments.\n\n" + header + "\n> old text\n")
    assert reading.answers == {**ABOUT_ANSWERS, "q21": "No more comments."}
    assert reading.codes == ("no_reference",)
    reading = _read(ABOUT + header + "\n> old text\n")
    assert reading.answers == ABOUT_ANSWERS
    assert reading.codes == ("no_reference",)


@pytest.mark.parametrize(
    "text",
    [
        "On balance we agree with the principles.",
        "On reflection, councils should lead.\nThe LGA wrote to us about it.",
        "From: our experience, peer review works.",
        "Ar y cyfan, rydym yn cytuno.",
        "At: the heart of it is trust.\nSubject: to funding.",
        "The minister wrote:\nmore money is coming.",
        "Ysgrifennodd y gweinidog:\nmae mwy o arian yn dod.",
        "---- Peer challenge ----\nworks well.",
        "Contact Jo Wright <jo@example.org> about this.",
    ],
)
def test_lines_like_headers_inside_an_answer_are_kept(text):
    """Prose that starts like a header, and "X wrote:" not followed by quoted text, stays in
    the answer."""
    reading = _read(ABOUT + "21. " + text + "\n")
    assert reading.answers["q21"] == text


def test_a_wrapped_welsh_header_inside_quoted_text_is_a_header_too():
    """A header line in quoted text is a header at any depth; the form below it is still read."""
    form = write_form(TAKING_STOCK, reference=REFERENCE).replace(
        "[ ] Yes\n    [ ] No\n    [ ] Don't know\n\n9.",
        "[x] Yes\n    [ ] No\n    [ ] Don't know\n\n9.",
    )
    quoted = "\n".join(f"> > {line}".rstrip() for line in form.splitlines())
    body = (
        ABOUT
        + "\n> Ar ddydd Gwener, 20 Chwefror 2015, LGA Consultations <\n"
        + "> consultations@local.gov.uk> ysgrifennodd:\n"
        + quoted
    )
    reading = _read(body)
    assert reading.answers == {**ABOUT_ANSWERS, "q8": "yes"}


# Signatures and sign-offs ------------------------------------------------------------------

DISCLAIMER = (
    "This email and any attachments are confidential and intended solely for\n"
    "the use of the addressee. If you have received this email in error,\n"
    "please notify the sender and delete it."
)

SIGNED = [
    # (sender, sign-off): each is dropped after a free-text answer and after a choice answer
    ("Tom Towers <tom.towers@anytown.example>", "Tom Towers\nChief Executive"),
    ('"Towers, Tom" <tom.towers@anytown.example>', "Tom Towers\nChief Executive"),
    ("<tom.towers@anytown.example>", "Tom Towers\nChief Executive"),
    ("Tom Towers <tt@anytown.example>", "TOM TOWERS OBE\nChief Executive"),
    ("Tom Towers <tt@anytown.example>", "Tom"),
    ("Tom Towers <tt@anytown.example>", "Best, Tom"),
    ("David Okafor <d@anytown.example>", "Regards, David"),
    ("<policy@anytown.example>", "Regards, David"),
    ("<policy@anytown.example>", "Thanks again,\nJo"),
    ("<policy@anytown.example>", "Thanks, Jo"),
    ("<policy@anytown.example>", "Kindest regards,\nSam"),
    ("<policy@anytown.example>", "All the best,\nSam"),
    (
        '"Patel, Sam (Cllr)" <sam.patel@anytown.example>',
        "Cllr Sam Patel\nLeader, Anytown Borough Council\nTel 01234 567890\nwww.anytown.gov.uk",
    ),
    (
        "<policy@anytown.example>",
        "With best wishes\n\nCllr Sam Patel\nLeader, Anytown Borough Council\n"
        "Tel 01234 567890\nwww.anytown.gov.uk",
    ),
    ("<policy@anytown.example>", "Sent from Outlook for Android"),
    ("<policy@anytown.example>", "Sent from my Samsung Galaxy smartphone."),
    ("<policy@anytown.example>", "Sent from Yahoo Mail on Android"),
    ("<policy@anytown.example>", DISCLAIMER),
    ("<policy@anytown.example>", "CONFIDENTIALITY NOTICE: this message is intended only for"),
    ("<policy@anytown.example>", "Please consider the environment before printing this email."),
    # Welsh
    ("Si\u00e2n Jones <sj@gwynedd.example>", "Cofion,\nSi\u00e2n"),
    ("<policy@gwynedd.example>", "Cofion cynnes,\nSi\u00e2n"),
    ("<policy@gwynedd.example>", "Diolch yn fawr,\nSi\u00e2n"),
    ("<policy@gwynedd.example>", "Yn gywir,\nSi\u00e2n Jones"),
    ("<policy@gwynedd.example>", "Diolch / Thanks\n\nSi\u00e2n Jones"),
    ("Sian Jones <sj@gwynedd.example>", "Si\u00e2n Jones\nPrif Weithredwr / Chief Executive"),
    (
        "<policy@gwynedd.example>",
        "Rydym yn croesawu gohebiaeth yn Gymraeg / We welcome correspondence in Welsh",
    ),
    (
        "<policy@gwynedd.example>",
        "Mae'r e-bost hwn ac unrhyw atodiadau yn gyfrinachol ac at ddefnydd y derbynnydd yn unig.",
    ),
]


@pytest.mark.parametrize(("sender", "sign_off"), SIGNED)
def test_sign_offs_are_not_read_as_answers(sender, sign_off):
    """A sign-off under the last answer is not part of it, nor an answer to its question."""
    reading = _read(ABOUT + "21. We agree.\nMore peer support.\n\n" + sign_off + "\n", sender)
    assert reading.answers == {**ABOUT_ANSWERS, "q21": "We agree.\nMore peer support."}
    assert reading.codes == ("no_reference",)
    reading = _read(ABOUT + sign_off + "\n", sender)
    assert reading.answers == ABOUT_ANSWERS
    assert reading.codes == ("no_reference",)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Kind  regards,", "closing"),
        ("Kind wishes", "closing"),
        ("WITH KIND REGARDS", "closing"),
        ("Yours faithfully", "closing"),
        ("Yr eiddoch yn gywir,", "closing"),
        ("Gyda dymuniadau gorau", "closing"),
        ("Pob hwyl!", "closing"),
        ("Regards, The Policy Team", "closing"),
        ("Get BlueMail for Android", "device"),
        ("Anfonwyd o fy iPhone", "device"),
        ("*** Disclaimer: this message is confidential ***", "disclaimer"),
        ("Important disclaimer: this email is confidential.", "disclaimer"),
        ("Os ydych wedi derbyn yr e-bost hwn mewn camgymeriad, rhowch wybod.", "disclaimer"),
        ("--", "delimiter"),
    ],
)
def test_each_sign_off_shape_is_recognised(line, kind):
    """The words of each shape the docs list (whatever their case and spacing) start a
    signature of that kind."""
    from surveykit_email.signatures import sign_off  # here: the other tests run without it

    assert sign_off([line], 0) == kind


@pytest.mark.parametrize(
    ("sender", "answer"),
    [
        ("Tom Towers <tt@anytown.example>", "We agree.\nMore please."),
        ("Tom Towers <tt@anytown.example>", "We agree.\nTom Towers will lead it for us."),
        ("Tom Towers <tt@anytown.example>", "We agree.\nTowers"),
        ("Tom Towers <tt@anytown.example>", "Thanks to peer challenge, we improved."),
        ("Tom Towers <tt@anytown.example>", "Best Value reviews still help.\nBest Value"),
        ("Tom Towers <tt@anytown.example>", "Regards to the LGA team."),
        ("Tom Towers <tt@anytown.example>", "Thanks for asking.\nWe agree."),
        ("Tom Towers <tt@anytown.example>", "Sent from the council to every school."),
        ("Tom Towers <tt@anytown.example>", "This email consultation is a good idea."),
        ("Tom Towers <tt@anytown.example>", "Warning: the environment budget will fall."),
        ("Anytown Council <c@anytown.example>", "Anytown Council supports it.\nYes."),
        ("Si\u00e2n Jones <sj@gwynedd.example>", "Diolch i'r LGA am y gefnogaeth."),
    ],
)
def test_answers_that_look_like_sign_offs_are_kept(sender, answer):
    """A short last line, the sender's name inside a sentence, "Best Value", a thank-you in a
    sentence: all stay in the answer."""
    reading = _read(ABOUT + "21. " + answer + "\n", sender)
    assert reading.answers["q21"] == answer
    assert reading.codes == ("no_reference",)


@pytest.mark.parametrize(
    ("sender", "body", "answers"),
    [
        (
            "Anytown Borough Council <consult@anytown.example>",
            "A1. Leader\nA2. County council\nA3:\nAnytown Borough Council\n",
            {"role": "leader", "authority_type": "county", "authority": "Anytown Borough Council"},
        ),
        (
            "Chief Executive <chief.executive@anytown.example>",
            "A1:\nChief Executive\nA2. County council\nA3. Kent\n",
            {"role": "chief_executive", "authority_type": "county", "authority": "Kent"},
        ),
    ],
)
def test_the_first_line_of_an_answer_is_never_a_signature(sender, body, answers):
    """From an organisation's or a role's mailbox, its own name is the answer to "Which
    authority?" or "What is your role?": a name ends an answer, it never replaces one."""
    reading = _read(body + "B1. Do not quote my response; count it only in totals\n", sender)
    assert reading.answers == {**answers, "consent": "no_quote"}


def test_a_line_naming_an_option_is_an_answer_even_if_it_is_the_senders_name():
    """A choice of people that includes the sender: the line names an option, so it is part of
    the answer, not the start of a signature."""
    spec = loads_spec(
        '[consultation]\nid = "m"\ntitle = "M"\npublisher = "P"\ncloses = 2099-01-01\n'
        '[[sections]]\nid = "s"\ntitle = "S"\n[[sections.questions]]\nid = "lead"\n'
        'number = "1"\ntext = "Who should lead the review?"\nkind = "multi"\noptions = [\n'
        '{ value = "jo", label = "Jo Wright" },\n'
        '{ value = "tom", label = "Tom Towers" },\n]\n'
        '[[sections.questions]]\nid = "why"\nnumber = "2"\ntext = "Why?"\nkind = "text"\n'
    )
    raw = _message("1:\nJo Wright\nTom Towers\n2. Experience.\n", "Tom Towers <tt@x.example>")
    assert read_reply(raw, spec).answers == {"lead": ["jo", "tom"], "why": "Experience."}


def test_a_name_above_the_answers_is_not_a_signature():
    """The sender's name before any answer does not stop the answers below it being read."""
    body = "Tom Towers\nChief Executive, Anytown\n\n" + ABOUT + "13. Yes\n"
    reading = _read(body, "Tom Towers <tt@anytown.example>")
    assert reading.answers == {**ABOUT_ANSWERS, "q13": "yes"}


def test_a_mail_servers_banner_above_the_answers_is_passed_over():
    """An external-mail banner at the top is neither a signature (the answers below are read)
    nor words outside the questions."""
    banner = (
        "CAUTION: This email originated from outside of the organisation. Do not click links\n"
        "or open attachments unless you recognise the sender and know the content is safe.\n"
        "This message has been scanned for viruses and is confidential to the intended\n"
        "recipient; if you have received it in error please tell the sender at once.\n"
    )
    reading = _read(banner + "\n" + ABOUT + "13. Yes\n")
    assert reading.answers == {**ABOUT_ANSWERS, "q13": "yes"}
    assert reading.codes == ("no_reference",)


HTML_SIGNATURES = {
    "gmail": '<div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature">{}</div>',
    "outlook on the web": '<div id="Signature"><div style="font-family:Calibri">{}</div></div>',
    "outlook mobile": '<div id="ms-outlook-mobile-signature">{}</div>',
    "outlook desktop": '<p class="MsoNormal"><a name="_MailAutoSig"><span>{}</span></a></p>',
    "thunderbird": '<div class="moz-signature">{}</div>',
}


@pytest.mark.parametrize("shape", list(HTML_SIGNATURES.values()), ids=list(HTML_SIGNATURES))
def test_signatures_the_mail_program_marks_are_not_answers(shape):
    """In HTML, a signature the program marks as one ends the answer, whatever it says."""
    answers = "".join(f"<div>{line}</div>" for line in ABOUT.splitlines())
    signature = shape.format("Sam Patel<br>Head of Policy and Performance")
    body = f"<html><body>{answers}<div>21. We agree.</div><div><br></div>{signature}</body></html>"
    raw = (
        "From: Anytown Council <policy@anytown.example>\r\nSubject: Re: form\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    ).encode()
    reading = read_reply(raw, TAKING_STOCK)
    assert reading.answers == {**ABOUT_ANSWERS, "q21": "We agree."}


def test_an_empty_marked_signature_is_left_alone():
    """Outlook's empty Signature placeholder does not turn what follows it into a signature."""
    html = '<p>A</p><div id="Signature"><p><br></p></div><p>21. B</p>'
    assert html_to_text(html) == "A\n\n21. B"


# The property: a real sign-off never changes the answers ------------------------------------

SIGN_OFFS = (
    ("Tom Towers <tom.towers@anytown.example>", "Tom Towers\nChief Executive"),
    ("Priya Shah <priya.shah@anytown.example>", "Priya Shah\nChief Executive"),
    ("David Okafor <david.okafor@anytown.example>", "Regards, David"),
    ("Jo Wright <jo.wright@anytown.example>", "Thanks,\nJo"),
    (
        '"Patel, Sam (Cllr)" <sam.patel@anytown.example>',
        "Best wishes\n\nCllr Sam Patel\nLeader, Anytown Borough Council\nTel 01234 567890\n"
        "www.anytown.gov.uk",
    ),
    ("Mark Ellis <mark.ellis@anyshire.example>", "Sent from Outlook for Android"),
    ("Jo Wright <jo.wright@anytown.example>", "Sent from my iPhone"),
    ("Claire Dunn <claire.dunn@anytown.example>", DISCLAIMER),
    ("Jo Wright <jo.wright@anytown.example>", "-- \nJo Wright\n1 High Street\n01234 567890"),
    (
        "Dafydd Roberts <dafydd.roberts@ynysmon.example>",
        "Diolch / Thanks\n\nDafydd Roberts\nPrif Weithredwr / Chief Executive\n\n"
        "Rydym yn croesawu gohebiaeth yn Gymraeg / We welcome correspondence in Welsh",
    ),
    ("Si\u00e2n Jones <sian.jones@gwynedd.example>", "Cofion,\nSi\u00e2n"),
    ("<tom.towers@anytown.example>", "Kind regards\n\nTom Towers\nChief Executive"),
)
FIRST_WORDS = ("We", "The", "Councils", "Peer", "More", "Our", "It", "Overall")
WORDS = ("council", "peer", "support", "and", "no", "yes", "40%", "e.g.", "Tom", "Regards")


@st.composite
def _free_text(draw: st.DrawFn, limit: int) -> str:
    lines = [
        " ".join([draw(st.sampled_from(FIRST_WORDS)), *draw(st.lists(st.sampled_from(WORDS)))])
        for _ in range(draw(st.integers(1, 3)))
    ]
    return "\n".join(lines)[:limit].strip()


@st.composite
def _answers(draw: st.DrawFn) -> dict[str, Any]:
    engine = Engine(TAKING_STOCK)
    answers: dict[str, Any] = {}
    for question in TAKING_STOCK.questions:
        if not engine.is_visible(question.id, answers):
            continue
        if not question.required and draw(st.booleans()):
            continue
        if question.options:
            answers[question.id] = draw(st.sampled_from([o.value for o in question.options]))
        else:
            answers[question.id] = draw(_free_text(question.max_length or 5000))
    return engine.clean(answers)


def _signed(body: str, style: Style, sign_off: str) -> str:
    """The body with the sign-off where people put it: under the answers, above the quote."""
    if style.form == "none":
        return body.rstrip("\n") + "\n\n" + sign_off + "\n"
    if style.form == "outlook":
        found = re.search(r"^(?:-----Original Message-----|_{32})$", body, re.MULTILINE)
        assert found is not None
        at = found.start()
    else:
        at = body.index(REPLY_HEADERS[style.reply_header % len(REPLY_HEADERS)])
    return body[:at] + sign_off + "\n\n" + body[at:]


@given(
    answers=_answers(),
    data=st.data(),
    signed=st.sampled_from(SIGN_OFFS),
)
def test_a_sign_off_never_changes_the_answers(answers, data, signed):
    """Any real sign-off shape, under any clean reply's answers, leaves them exactly as read
    without it, and adds no review reason."""
    sender, sign_off = signed
    ids = list(answers)
    style = Style(
        form=data.draw(st.sampled_from(FORMS)),
        inline=frozenset(data.draw(st.lists(st.sampled_from(ids), unique=True))),
        typed=frozenset(data.draw(st.lists(st.sampled_from(ids), unique=True))),
        variant=data.draw(st.integers(0, 3)),
        label_style=data.draw(st.integers(0, len(LABEL_STYLES) - 1)),
        greeting=data.draw(st.integers(0, len(GREETINGS) - 1)),
        reply_header=data.draw(st.integers(0, len(REPLY_HEADERS) - 1)),
    )
    body = sample_body(TAKING_STOCK, answers, style, REFERENCE)
    signed_body = _signed(body, style, sign_off)
    note(signed_body)
    plain = read_reply(_message(body, sender), TAKING_STOCK)
    reading = read_reply(_message(signed_body, sender), TAKING_STOCK)
    assert plain.answers == answers
    assert reading.answers == answers
    assert reading.codes == plain.codes


def test_answers_written_below_a_sign_off_are_still_read():
    """ "Thanks, Jo" then "14. No": the sign-off ends nothing that follows it with a label."""
    body = ABOUT + "13. Yes\n\nThanks,\nJo\n\n14. No\n"
    reading = _read(body, "Jo Wright <jo@anytown.example>")
    assert reading.answers == {**ABOUT_ANSWERS, "q13": "yes", "q14": "no"}
