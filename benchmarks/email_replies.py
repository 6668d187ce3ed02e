"""Benchmark: email replies read into answers per second, against the bare standard library.

10,000 replies to Taking Stock are generated (``surveykit_email.samples``: answers ticked or
typed in the quoted form or written at the top, Gmail/Apple/Thunderbird quoting or an Outlook
header block, greetings and signatures, plain text in quoted-printable, base64 or 8-bit,
``format=flowed``, plain+HTML alternatives, HTML only, attachments; one in ten with comments,
slips or unclear marks that must go to review), written to an mbox file and read back as bytes.
They come from a dozen different senders, so the sender's name (which ends an answer when it is
written under it) is read for each, as it is in real mail.

* **ours**: ``ReplyReader.read`` on each message: MIME, charset, quoting, signatures, the
  reference, every answer matched to its option, and the engine's check.
* **baseline**: ``email.message_from_bytes(raw, policy=policy.default)``, then ``get_body``
  (plain, else HTML) and ``get_content()``: parsing and decoding the body, nothing more.

The two take turns over chunks of the same messages, so both get the same share of whatever
else the machine is doing.  Target: ours at least 1,000 messages/s.  The run also checks what
it read: every reply read as clean must hold exactly the answers it was written from.

Run: ``python benchmarks/email_replies.py`` (10,000 replies) or ``--smoke`` (about 300).
"""

from __future__ import annotations

import email
import gc
import mailbox
import random
import sys
import tempfile
import time
from email import policy
from pathlib import Path
from typing import Any

from _common import parser, report
from surveykit import Consultation, Engine, Secret, load_spec
from surveykit_email.matching import OptionMatcher
from surveykit_email.parse import ReplyReader
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

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "taking_stock.toml"
TARGET = 1_000
CHUNK = 250
#: Who the replies come from (the From header), in turn.
SENDERS = (
    "Jane Smith <jane.smith@council.example>",
    "Tom Towers <tom.towers@anytown.example>",
    '"Patel, Sam (Cllr)" <sam.patel@anytown.example>',
    "=?utf-8?q?Si=C3=A2n_Jones?= <sian.jones@gwynedd.example>",
    "David Okafor <david.okafor@anytown-lb.example>",
    "<policy.team@anyshire.example>",
    "Chief Executive <chief.executive@anyvale.example>",
    "Priya Shah <priya.shah@anytown-mbc.example>",
    "Dafydd Roberts <dafydd.roberts@ynysmon.example>",
    "Claire Dunn <claire.dunn@anytown.example>",
    "Mark Ellis <mark.ellis@anyshire.example>",
    "Jo Wright <jo.wright@anyvale.example>",
)
WORDS = (
    *("councils", "peer", "challenge", "support", "improvement", "data", "residents", "the"),
    *("scrutiny", "finance", "more", "less", "should", "could", "we", "our", "LGA", "Ofsted"),
    *("place-based", "local", "accountability", "report", "\u00a32bn", "40%", "(e.g."),
    *("published)", "caf\u00e9", "it\u2019s", "\u201clocal", "account\u201d"),
)


def _text(rng: random.Random, limit: int) -> str:
    paragraphs = []
    for _ in range(rng.randint(1, 3)):
        lines = [
            " ".join(["We", *rng.choices(WORDS, k=rng.randint(3, 14))])
            for _ in range(rng.randint(1, 3))
        ]
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)[:limit].strip()


def _answers(
    rng: random.Random,
    consultation: Consultation,
    engine: Engine,
    given: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A complete response at random, keeping the ``given`` answers."""
    answers: dict[str, Any] = dict(given or {})
    for q in consultation.questions:
        if q.id in answers:
            continue
        if not engine.is_visible(q.id, answers) or (not q.required and rng.random() < 0.3):
            continue
        if q.options:
            answers[q.id] = rng.choice(q.options).value
        else:
            answers[q.id] = _text(rng, q.max_length or 5000)
    return engine.clean(answers)


def _style(rng: random.Random, consultation: Consultation, answers: dict[str, Any]) -> Style:
    ids = list(answers)
    style = Style(
        form=rng.choice(FORMS),
        inline=frozenset(q for q in ids if rng.random() < 0.5),
        typed=frozenset(q for q in ids if rng.random() < 0.3),
        same_line=frozenset(q for q in ids if rng.random() < 0.3),
        tick=rng.randrange(len(TICKS)),
        variant=rng.randrange(4),
        label_style=rng.randrange(len(LABEL_STYLES)),
        greeting=rng.randrange(len(GREETINGS)),
        closing=rng.randrange(len(CLOSINGS)),
        reply_header=rng.randrange(len(REPLY_HEADERS)),
        quote_prefix=rng.choice(("> ", ">")),
        container=rng.choice(CONTAINERS),
        encoding=rng.choice(ENCODINGS),
        charset=rng.choice(CHARSETS),
        subject_reference=rng.random() < 0.3,
    )
    if rng.random() < 0.1:  # a reply an officer must look at
        choice = [q for q in ids if consultation.by_id[q].options]
        if choice:
            qid = rng.choice(choice)
            if OptionMatcher(consultation.by_id[qid]).match("Maybe").value is None:
                return Style(**{**_fields(style), "comments": ((qid, "Maybe"),)})
    return style


def _fields(style: Style) -> dict[str, Any]:
    return {name: getattr(style, name) for name in Style.__attrs_attrs__.__dict__}


def generate(count: int, folder: Path) -> tuple[list[bytes], list[dict[str, Any]]]:
    """``count`` replies written to an mbox in ``folder``, read back as raw bytes."""
    consultation = load_spec(SPEC)
    engine = Engine(consultation)
    rng = random.Random(2015)
    secret = Secret.generate()
    box = mailbox.mbox(folder / "replies.mbox")
    expected = []
    box.lock()
    for n in range(count):
        answers = _answers(rng, consultation, engine)
        style = _style(rng, consultation, answers)
        reference = reference_for(secret, f"respondent-{n}")
        sender = SENDERS[n % len(SENDERS)]
        box.add(
            write_reply(consultation, answers, style, reference=reference, sender=sender, number=n)
        )
        expected.append(answers)
    box.flush()
    box.unlock()
    box.close()
    box = mailbox.mbox(folder / "replies.mbox")
    raws = [box.get_bytes(key) for key in box.iterkeys()]
    box.close()
    return raws, expected


def baseline(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=policy.default)
    body = message.get_body(preferencelist=("plain", "html"))
    return body.get_content() if body is not None else ""


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    count = 300 if args.smoke else 10_000
    consultation = load_spec(SPEC)
    reader = ReplyReader(consultation)
    with tempfile.TemporaryDirectory() as folder:
        raws, expected = generate(count, Path(folder))
    size = sum(len(raw) for raw in raws)
    report("replies generated (mbox)", len(raws), "messages", f"{size / 2**20:.1f} MB")
    gc.collect()
    gc.freeze()
    readings = [reader.read(raw) for raw in raws[:CHUNK]]  # warm up: caches, rapidfuzz
    for raw in raws[:CHUNK]:
        baseline(raw)
    spent = [0.0, 0.0]
    readings = []
    for start in range(0, len(raws), CHUNK):
        part = raws[start : start + CHUNK]
        began = time.perf_counter()
        readings.extend(reader.read(raw) for raw in part)
        spent[0] += time.perf_counter() - began
        began = time.perf_counter()
        for raw in part:
            baseline(raw)
        spent[1] += time.perf_counter() - began
    gc.unfreeze()
    ours, bare = len(raws) / spent[0], len(raws) / spent[1]
    verdict = "meets" if ours >= TARGET else "MISSES"
    report("read_reply: parsed, matched and checked", ours, "msgs/s", f"{verdict} the 1,000 target")
    report("baseline: message_from_bytes + get_body + get_content", bare, "msgs/s")
    report("ours / baseline", 100 * ours / bare, "%")
    clean = [r for r in readings if r.answers_clean]
    exact = sum(
        1 for r, e in zip(readings, expected, strict=True) if r.answers_clean and r.answers == e
    )
    wrong = sum(
        1
        for r, e in zip(readings, expected, strict=True)
        for qid, value in r.answers.items()
        if e.get(qid, object()) != value
    )
    report("replies read with certain answers", 100 * len(clean) / len(raws), "%")
    report("certain replies holding exactly their answers", 100 * exact / max(1, len(clean)), "%")
    report("answers read differently from what was written", wrong, "answers")
    if wrong or exact != len(clean):
        sys.exit("a reply was read as different answers: that is a bug")


if __name__ == "__main__":
    main()
