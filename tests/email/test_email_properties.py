"""Properties of reading replies: any answers, written as people write them, read back the same
or go to review, never to different answers; and no bytes at all make the reader crash.
"""

from __future__ import annotations

import contextlib
import email
from pathlib import Path
from typing import Any

import attrs
from hypothesis import assume, given, note
from hypothesis import strategies as st

from strategies import specs
from surveykit import Consultation, Engine, Question, Secret, load_spec
from surveykit_email import mime
from surveykit_email.matching import OptionMatcher
from surveykit_email.parse import IDENTITY_CODES, read_reply
from surveykit_email.reference import reference_for
from surveykit_email.samples import (
    CHARSETS,
    CLOSINGS,
    CONTAINERS,
    ENCODINGS,
    FORMS,
    GREETINGS,
    LABEL_STYLES,
    REPLY_HEADERS,
    TICKS,
    Style,
    write_reply,
)

ROOT = Path(__file__).resolve().parents[2]
TAKING_STOCK = load_spec(ROOT / "specs" / "taking_stock.toml")
SECRET = Secret(b"a test secret for the email property tests, 32+", "tests")
REPLIES = ROOT / "tests" / "email" / "replies"

#: Every free-text line starts with one of these, so no line of an answer is itself a question
#: label ("3. ..."), a signature ("Thanks,"), or a reply header: those lines end an answer by
#: design (see docs/email-replies.md), so a person's answer cannot contain them as its own lines.
FIRST_WORDS = ("We", "The", "Councils", "Peer", "More", "Our", "It", "Café", "Ärzte", "Overall")
WORDS = st.one_of(
    st.sampled_from(
        (
            "council",
            "peer",
            "support",
            "and",
            "no",
            "yes",
            "x",
            "£2",
            "40%",
            "e.g.",
            "(see",
            "report)",
            "\u2013",
            "\u201cquoted\u201d",
            "it\u2019s",
            "don't",
            "[x]",
            "Q1",
            "1.",
            "wrote:",
            "--",
            "naïve",
        )
    ),
    st.text(st.characters(categories=("L", "N")), min_size=1, max_size=8),
)


@st.composite
def free_text(draw: st.DrawFn, limit: int) -> str:
    """A realistic answer: paragraphs of lines of words, within ``limit`` characters."""
    paragraphs = []
    for _ in range(draw(st.integers(1, 3))):
        lines = [
            " ".join([draw(st.sampled_from(FIRST_WORDS)), *draw(st.lists(WORDS, max_size=9))])
            for _ in range(draw(st.integers(1, 3)))
        ]
        paragraphs.append("\n".join(lines))
    text = "\n\n".join(paragraphs)
    if len(text) > limit:
        text = "\n".join(line.rstrip() for line in text[:limit].split("\n")).strip()
    return text or draw(st.sampled_from(FIRST_WORDS))[:limit]


@st.composite
def valid_answers(draw: st.DrawFn, consultation: Consultation, engine: Engine) -> dict[str, Any]:
    """Answers a person could give: only visible questions, every visible required one."""
    answers: dict[str, Any] = {}
    for question in consultation.questions:
        if not engine.is_visible(question.id, answers):
            continue
        if not question.required and draw(st.integers(0, 2)) == 0:
            continue
        answers[question.id] = draw(_answer(question, engine))
    cleaned = engine.clean(answers)
    assert engine.check(cleaned).ok
    return cleaned


def _answer(question: Question, engine: Engine) -> st.SearchStrategy[Any]:
    values = [o.value for o in question.options]
    if not values:
        return free_text(question.max_length or 10_000)
    if question.kind == "multi":
        return st.lists(st.sampled_from(values), min_size=1, unique=True)
    return st.sampled_from(values)


@st.composite
def styles(draw: st.DrawFn, answers: dict[str, Any], hostile: bool = False) -> Style:
    """Any way of writing ``answers`` into a reply."""
    ids = list(answers)
    form = draw(st.sampled_from(FORMS))
    inline = frozenset(draw(st.lists(st.sampled_from(ids), unique=True))) if ids else frozenset()
    order = tuple(draw(st.permutations(ids))) if hostile else tuple(ids)
    return Style(
        form=form,
        inline=inline,
        typed=frozenset(qid for qid in ids if draw(st.booleans())),
        same_line=frozenset(qid for qid in ids if draw(st.booleans())),
        tick=draw(st.integers(0, len(TICKS) - 1)),
        variant=draw(st.integers(0, 3)),
        label_style=draw(st.integers(0, len(LABEL_STYLES) - 1)),
        greeting=draw(st.integers(0, len(GREETINGS) - 1)),
        closing=draw(st.integers(0, len(CLOSINGS) - 1)),
        reply_header=draw(st.integers(0, len(REPLY_HEADERS) - 1)),
        quote_prefix=draw(st.sampled_from(("> ", ">"))),
        container=draw(st.sampled_from(CONTAINERS)),
        encoding=draw(st.sampled_from(ENCODINGS)),
        charset=draw(st.sampled_from(CHARSETS)),
        subject_reference=draw(st.booleans()),
        order=order,
        intros=draw(st.booleans()),
    )


def _safe_q_labels(consultation: Consultation, style: Style) -> bool:
    """ "Q1" is ambiguous when a spec has both a question numbered 1 and one with id "q1"."""
    prefix = LABEL_STYLES[style.label_style][0]
    if not prefix.startswith("Q"):
        return True
    keys = {(q.number or q.id).casefold() for q in consultation.questions}
    return not any(f"q{k}" in keys or f"question{k}" in keys for k in keys)


def _check_round_trip(consultation: Consultation, answers: dict[str, Any], style: Style) -> None:
    assume(answers)  # an empty reply goes to review, rightly
    reference = reference_for(SECRET, "respondent-1")
    raw = write_reply(consultation, answers, style, reference=reference)
    note(raw.decode("utf-8", "replace"))
    reading = read_reply(raw, consultation)
    note(repr(reading.problems))
    assert reading.answers == answers
    assert all(p.code in IDENTITY_CODES for p in reading.problems), reading.problems
    if style.form != "none" or style.subject_reference:
        assert reading.reference == reference
    else:
        assert reading.codes == ("no_reference",)


@given(st.data())
def test_taking_stock_replies_read_back_exactly(data):
    """Any answers to Taking Stock, written in any supported style, read back exactly."""
    engine = Engine(TAKING_STOCK)
    answers = data.draw(valid_answers(TAKING_STOCK, engine))
    style = data.draw(styles(answers))
    assume(_safe_q_labels(TAKING_STOCK, style))
    _check_round_trip(TAKING_STOCK, answers, style)


@given(specs(), st.data())
def test_replies_to_any_spec_read_back_exactly(consultation, data):
    """Any answers to any generated spec, in any supported style, read back exactly."""
    engine = Engine(consultation)
    answers = data.draw(valid_answers(consultation, engine))
    style = data.draw(styles(answers))
    assume(_safe_q_labels(consultation, style))
    _check_round_trip(consultation, answers, style)


# Hostile replies: what cannot be read for certain goes to review, never to other answers -------

COMMENTS = (
    "Maybe",
    "I think so, mostly",
    "see my letter",
    "Not sure about this one",
    "n/a",
    "[?] Unsure",
    "x",
    "Yes",
    "No",
)


@st.composite
def hostile_styles(draw: st.DrawFn, consultation: Consultation, answers: dict[str, Any]) -> Style:
    """A style plus comments under choice answers, slips in typed options and unclear ticks.

    A comment that names an option is an answer, not noise, so comments are drawn from those
    that name none of the question's options.
    """
    style = draw(styles(answers, hostile=True))
    choice = [qid for qid in answers if consultation.by_id[qid].options]
    comments = []
    for qid in draw(st.lists(st.sampled_from(choice), unique=True)) if choice else []:
        matcher = OptionMatcher(consultation.by_id[qid])
        text = draw(st.sampled_from(COMMENTS))
        if matcher.match(text).value is None:
            comments.append((qid, text))
    typos = []
    # A slip in a short label can make another label ("No" to "Na" to ...): only long ones slip.
    long = [
        qid for qid in choice if all(len(o.label) >= 6 for o in consultation.by_id[qid].options)
    ]
    for qid in draw(st.lists(st.sampled_from(long), unique=True)) if long else []:
        typos.append((qid, draw(st.integers(0, 80)), draw(st.sampled_from("aeiouxyzq1 -"))))
    unclear = (
        frozenset(draw(st.lists(st.sampled_from(choice), unique=True))) if choice else frozenset()
    )
    return attrs.evolve(style, comments=tuple(comments), typos=tuple(typos), unclear=unclear)


@given(st.data())
def test_hostile_replies_never_read_as_other_answers(data):
    """Comments, slips, unclear marks and any order go to review or read right, never wrong."""
    consultation = data.draw(st.sampled_from((TAKING_STOCK, data.draw(specs()))))
    engine = Engine(consultation)
    answers = data.draw(valid_answers(consultation, engine))
    style = data.draw(hostile_styles(consultation, answers))
    assume(_safe_q_labels(consultation, style))
    raw = write_reply(consultation, answers, style, reference=reference_for(SECRET, "r"))
    note(raw.decode("utf-8", "replace"))
    reading = read_reply(raw, consultation)
    note(repr(reading.problems))
    wrong = {
        qid: value for qid, value in reading.answers.items() if answers.get(qid, object()) != value
    }
    assert not wrong, wrong
    ticked = style.inline - style.typed if style.form != "none" else frozenset()
    if style.comments or style.unclear & ticked:
        assert not reading.answers_clean


# Fuzzing -----------------------------------------------------------------------------------


def _fixture_bytes() -> list[bytes]:
    return [path.read_bytes() for path in sorted(REPLIES.glob("*.eml"))]


FIXTURES = _fixture_bytes()
MIME_BITS = st.sampled_from(
    (
        b"Content-Type: multipart/mixed; boundary=b\r\n",
        b'Content-Type: multipart/alternative; boundary="\r\n',
        b"--b\r\n",
        b"--b--\r\n",
        b"Content-Transfer-Encoding: base64\r\n",
        b"Content-Transfer-Encoding: quoted-printable\r\n",
        b"Content-Type: text/plain; charset=x-unknown-charset\r\n",
        b"Content-Type: text/html; charset=utf-16\r\n",
        b"Content-Type: message/rfc822\r\n",
        b"Content-Disposition: attachment; filename*=utf-8''%FF%FE\r\n",
        b"Subject: =?utf-8?B?!!!?= =?x-bad?Q?=ZZ?=\r\n",
        b'From: <<@>>, "unterminated\r\n',
        b"Date: Feb 30 9999 99:99:99 +9999\r\n",
        b"=\r\n=4",
        b"<blockquote><blockquote><div>[x] Yes</div>",
        b"\r\n\r\n",
        b"\xff\xfe\x00",
        b"> > > 1. Yes\r\n",
    )
)


@given(st.binary(max_size=2000))
def test_any_bytes_are_read_without_crashing(raw):
    """Random bytes give a reading (with problems), never an exception."""
    reading = read_reply(raw, TAKING_STOCK)
    assert isinstance(reading.problems, tuple)
    assert reading.clean is (not reading.problems)


@given(st.sampled_from(FIXTURES), st.lists(st.tuples(st.integers(0, 20_000), MIME_BITS)))
def test_malformed_mime_is_read_without_crashing(raw, edits):
    """Real replies with broken MIME spliced in give readings, never exceptions."""
    for at, bit in edits:
        at %= len(raw) + 1
        raw = raw[:at] + bit + raw[at:]
    reading = read_reply(raw, TAKING_STOCK)
    wrong = [p for p in reading.problems if p.code == "unparseable"]
    assert reading.answers or reading.problems or not wrong
    assert all(value is not None for value in reading.answers.values())


@given(st.sampled_from(FIXTURES), st.data())
def test_truncated_or_flipped_bytes_are_read_without_crashing(raw, data):
    """Cutting a reply anywhere or flipping any byte never makes the reader raise."""
    cut = data.draw(st.integers(0, len(raw)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, max(0, cut - 1)), st.integers(0, 255))))
    buffer = bytearray(raw[:cut])
    for at, value in flips:
        if buffer:
            buffer[at % len(buffer)] = value
    reading = read_reply(bytes(buffer), TAKING_STOCK)
    assert isinstance(reading.answers, dict)


def _full_parse(raw: bytes, depth: int = 0):
    return email.message_from_bytes(raw)


@given(st.sampled_from(FIXTURES), st.lists(st.tuples(st.integers(0, 20_000), MIME_BITS)))
def test_the_quick_parse_reads_what_the_standard_parser_reads(raw, edits):
    """Attaching bodies whole and splitting at boundaries gives the standard parser's reading."""
    for at, bit in edits:
        at %= len(raw) + 1
        raw = raw[:at] + bit + raw[at:]
    quick = mime.extract(raw)
    with _standard_parse():
        full = mime.extract(raw)
    assert quick == full


@given(st.data())
def test_the_quick_parse_agrees_on_generated_replies(data):
    """Every container and encoding the samples write reads the same both ways."""
    answers = data.draw(valid_answers(TAKING_STOCK, Engine(TAKING_STOCK)))
    raw = write_reply(TAKING_STOCK, answers, data.draw(styles(answers)), reference="SK-X")
    quick = mime.extract(raw)
    with _standard_parse():
        full = mime.extract(raw)
    assert quick == full


@contextlib.contextmanager
def _standard_parse():
    """Read with the standard library's parser alone (the reference the quick path must match)."""
    quick = mime._message
    mime._message = _full_parse
    try:
        yield
    finally:
        mime._message = quick


@given(st.data())
def test_an_answer_to_a_hidden_question_goes_to_review(data):
    """Answering a question the other answers hide is reported, never stored or dropped quietly."""
    consultation = data.draw(st.sampled_from((TAKING_STOCK, data.draw(specs()))))
    engine = Engine(consultation)
    answers = data.draw(valid_answers(consultation, engine))
    hidden = [q for q in consultation.questions if q.id not in engine.visible(answers)]
    assume(hidden)
    question = data.draw(st.sampled_from(hidden))
    extra = {**answers, question.id: data.draw(_answer(question, engine))}
    ordered = {q.id: extra[q.id] for q in consultation.questions if q.id in extra}
    style = data.draw(styles(ordered))
    assume(_safe_q_labels(consultation, style))
    raw = write_reply(consultation, ordered, style, reference=reference_for(SECRET, "r"))
    reading = read_reply(raw, consultation)
    note(repr(reading.problems))
    assert question.id not in reading.answers
    assert any(p.code == "invalid_answer" and p.question == question.id for p in reading.problems)
    assert reading.answers == answers
