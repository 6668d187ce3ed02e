"""Finding the answers in a reply's text: which lines belong to which question.

A reply is read line by line, with quote marks (``>``) taken off, so answers typed inside the
quoted form read the same as answers typed in a copy of it.  A line opens a question's *block*
when it is the question's heading from the form ("13. Is there a continued need ...") or a label
a person wrote ("13. Yes", "Q13: yes", "Question 13 - Yes", "A1) Leader").  Inside a block:

- ``[x] Label`` lines are ticked boxes (``[ ]`` is not ticked; any other mark is unclear,
  except a rank such as ``[2]`` in a ranking's box, read by :mod:`.parse`);
- after a ticked "Other (please specify)" box, or a typed line naming that option, the lines
  that follow (until the next box) are the respondent's own words for it;
- in a ranking's block, "1. Libraries" is a ranked option, not the label of question 1;
- the lines after "Your answer:", or after a label of a free-text question, are the answer;
- other lines are typed answers, unless they are the form's own text (question wording, hints,
  notes, instructions), which is recognised and skipped.

A block ends at the next heading or label, at a rule between sections, at the form's end line,
at the reference line, at a reply header ("On ... wrote:", "Ar ... ysgrifennodd:", an Outlook
From/Sent block: :mod:`surveykit_email.quoteheaders`) and at a signature ("-- ", "Kind regards,",
"Regards, David", the sender's own name, "Sent from my iPhone", a disclaimer:
:mod:`surveykit_email.signatures`).  Text after a signature is skipped until quoted text or the
form starts again.  Inside a
free-text answer a line like "2. more money" is part of the answer, not a new label, unless it is
written "Q2:" or "Question 2 -", or (in answers written at the top of a reply) it names a later
question; one naming an earlier question there is *suspect*, and the answer goes to review.  So
is an answer that runs into the form's own wording (a line of it, "Your answer:", a box): a
heading was missed, or the form was pasted below the answers without a reply header.

A spec offered in several languages is read in all of them at once: the form's lines, headings,
option labels and markers ("Your answer:" / "Eich ateb:") of every language's form are known,
and a label may be written the Welsh way too ("C13: Ie", "Cwestiwn 13 - Naddo").
"""

from __future__ import annotations

import re
import textwrap

from attrs import define, field

from surveykit import Consultation

from .form import form_words, write_form
from .items import Item, form_items
from .kindtext import named_other
from .language import in_language
from .matching import normalise
from .quoteheaders import COLONS, header_span
from .signatures import SIGN_OFF_STARTS, Signer, may_sign_off, sign_off

__all__ = ["UNPLACED_WORDS", "Block", "FormScanner", "Scan"]

#: Words of text outside any question (not quoted, not a greeting or signature) above which a
#: reply goes to review: a letter written around the form may hold views that fit no question.
UNPLACED_WORDS = 40

_QUOTE = re.compile(r"^(?:[ \t]*>)+ ?")
_RULE = re.compile(r"^[=_\-*~#]{10,}$")
_BOX = re.compile(
    r"^(?P<pre>[xX\u2713\u2714*]\s*)?"
    r"(?:\[(?P<mark>[^\]\[]{0,3})\]|(?P<glyph>[\u2610\u2611\u2612]))"
    r"\s*(?P<label>.*?)$"
)
_TRAILING_MARK = re.compile(r"(?<=\s)(?:<-+|<=+|\u2190|x|X|\u2713|\u2714)$")
_TICKS = frozenset("xX*+#vVyY\u2713\u2714\u2715\u2716\u2717\u2718\u2022\u25cf\u25a0") | {
    "xx",
    "XX",
}
_REFERENCE_LINE = re.compile(r"^(?:reference|cyfeirnod)\s*:\s*(?:sk\b|none\b|dim\b)", re.IGNORECASE)
_SEPARATOR = r"\s*[.:)\-\u2013\u2014](?=\s|$)"
# "1. Libraries", "2) Housing", "#3 Roads": a ranked option written on a line of its own
_RANKED = re.compile(r"^#?[0-9]{1,2}(?:st|nd|rd|th)?\s*[.:)\-]?\s+(?P<rest>\S.*)$", re.IGNORECASE)
# A tick written just after an empty box: "[ ]x Agree", "[ ] X Agree"
_LATE_TICK = re.compile(r"^(?P<mark>[xX\u2713\u2714])\s+(?P<label>\S.*)$")


@define
class Block:
    """The lines read for one question in one place of a reply."""

    qid: str
    opened_by: str
    area: bool = False
    ticks: list[tuple[str, str]] = field(factory=list)
    typed: list[str] = field(factory=list)
    text: list[str] = field(factory=list)
    last_box: int | None = None
    suspect: list[str] = field(factory=list)
    #: Words written for the "Other" option on the lines after its box or its typed name.
    other_words: list[str] = field(factory=list)
    in_other: bool = False

    @property
    def answer_text(self) -> str:
        """The free text written in this block, dedented, with blank edges trimmed."""
        if not self.text:
            return ""
        lines = [line.rstrip() for line in self.text]
        text = "\n".join(lines)
        if any(line[:1] in " \t" for line in lines if line):
            text = textwrap.dedent(text)
        return text.strip("\n").strip()


@define
class Scan:
    """Every block with something read in it (a tick, typed text, a suspect line), and how many
    words of a reply fell outside all blocks."""

    blocks: list[Block]
    unplaced_words: int


class FormScanner:
    """Reads replies to one consultation's form; built once per consultation."""

    def __init__(self, consultation: Consultation, items: tuple[Item, ...], kinds=None) -> None:
        self.consultation = consultation
        self.items = {item.id: item for item in items}
        self.by_key = {item.key.casefold(): item for item in reversed(items)}
        self.order = {item.id: i for i, item in enumerate(items)}
        self.text_questions = frozenset(i.id for i in items if i.reading == "text")
        self.multiple = frozenset(i.id for i in items if i.reading == "choices")
        self.rankings = frozenset(i.id for i in items if i.reading == "ranking")
        languages = consultation.languages
        # The same items in every language the spec offers (the same ids and keys).
        versions = [items] + [
            form_items(in_language(consultation, lang), kinds or {})
            for lang in languages
            if lang != consultation.text_language
        ]
        every = [[v[n] for v in versions if n < len(v)] for n in range(len(items))]
        self.wording = {
            i.id: tuple(dict.fromkeys(normalise(x.question.text) for x in same))
            for i, same in zip(items, every, strict=True)
        }
        self.options = {
            i.id: frozenset(
                f for x in same for o in x.options for f in (normalise(o.label), normalise(o.value))
            )
            | _joined_labels(same)
            for i, same in zip(items, every, strict=True)
        }
        self.labels = {
            i.id: frozenset(o.label.strip() for x in same for o in x.options)
            for i, same in zip(items, every, strict=True)
        }
        #: The "Other" option's label in each other language, for :func:`named_other`.
        self.other_names = {
            i.id: tuple(x.other.label for x in same[1:] if x.other is not None)
            for i, same in zip(items, every, strict=True)
        }
        self._option_starts = {
            i.id: tuple(normalise(o.label) + " " for x in same for o in x.options)
            for i, same in zip(items, every, strict=True)
            if i.reading == "ranking"
        }
        marks = [form_words(lang) for lang in dict.fromkeys((*languages, "en"))]
        self.answer_marks = tuple(dict.fromkeys(m[0] for m in marks))
        self.end_lines = frozenset(m[1] for m in marks)
        self.known_notes = tuple(dict.fromkeys(m[2] for m in marks))
        keys = "|".join(re.escape(k) for k in sorted(self.by_key, key=len, reverse=True))
        bare = rf"(?P<key>{keys})(?![0-9A-Za-z_])"
        # English "Q13", "Question 13"; Welsh "C13", "Cw 13", "Cwestiwn 13" (C only before a digit)
        prefixed = rf"(?:question|qu|q|cwestiwn|cw|c(?=\s*\.?\s*[0-9]))\s*(?:\.\s*)?{bare}"
        flags = re.IGNORECASE
        # Each list is tried in order: "q1." is question "q1" when there is one, else "Q" + "1".
        self._headings = tuple(
            re.compile(rf"^{start}(?:{_SEPARATOR})?\s+(?P<rest>.+)$", flags)
            for start in (bare, prefixed)
        )
        # "3." / "Q3:" / "Q3 yes": only the middle one may end an answer written in the form.
        self._labels = (
            re.compile(rf"^{bare}{_SEPARATOR}\s*(?P<rest>.*)$", flags),
            re.compile(rf"^{prefixed}{_SEPARATOR}\s*(?P<rest>.*)$", flags),
            re.compile(rf"^{prefixed}(?:\s+|$)\s*(?P<rest>.*)$", flags),
        )
        if not keys:
            self._headings = self._labels = ()
        self._starts = frozenset(k[0] for k in self.by_key) | {"q", "c"}
        self._first_chars = self._starts | {c.upper() for c in self._starts}
        self._normalised: dict[str, str] = {}
        self._static_raw: set[str] = set()
        self._static: set[str] = set()
        #: The form's own lines and what each one is: most of a reply that quotes the form is
        #: these, recognised with one dictionary lookup.
        self._form_lines: dict[str, tuple[str, str]] = {}
        blobs = []
        # A personal form also says what the roster knows: learn its wording with placeholders.
        known = {qid: "?" for _, qid in consultation.roster.items()}
        forms = [
            write_form(consultation, intros=intros, known=known, kinds=kinds, language=lang)
            for lang in languages
            for intros in (False, True)
        ]
        for form in forms:
            for line in form.splitlines():
                if line.strip().startswith(self.known_notes):
                    continue
                stripped = line.strip()
                if not stripped:
                    continue
                box = _BOX.match(stripped)
                if box:
                    if not box["mark"].strip() and not box["pre"] and not box["glyph"]:
                        self._form_lines[stripped] = ("box", box["label"].strip())
                    continue
                self._static_raw.add(stripped)
                self._static.add(normalise(stripped))
                blobs.append(normalise(stripped))
                self._form_lines.setdefault(stripped, self._role(line, stripped))
        self._static.discard("")
        # Every run of four words in the form: a line (rewrapped by a mail client) made only of
        # such runs is the form's wording.
        words = " ".join(blobs).split(" ")
        self._shingles = {tuple(words[i : i + 4]) for i in range(len(words) - 3)}

    def _role(self, line: str, stripped: str) -> tuple[str, str]:
        if not line.startswith(" "):
            qid = self.heading(stripped)
            if qid is not None:
                return "heading", qid
        if _RULE.match(stripped) or stripped in self.end_lines or _REFERENCE_LINE.match(stripped):
            return "end", ""
        if stripped in self.answer_marks:
            return "mark", ""
        return "static", ""

    # Recognising lines ----------------------------------------------------------------------

    def _normal(self, text: str) -> str:
        """``normalise(text)``, remembered: replies repeat the same short lines ("A1. Leader")."""
        norm = self._normalised.get(text)
        if norm is None:
            norm = normalise(text)
            if len(text) <= 200:
                if len(self._normalised) >= 20_000:
                    self._normalised.clear()
                self._normalised[text] = norm
        return norm

    def heading(self, line: str) -> str | None:
        """The question whose heading (key and opening words) this line is, if any."""
        if line[:1].casefold() not in self._starts:
            return None
        for pattern in self._headings:
            match = pattern.match(line)
            if match is None:
                continue
            question = self.by_key[match["key"].casefold()]
            raw_rest = match["rest"]
            for wording in self.wording[question.id]:
                if raw_rest.isascii() and len(raw_rest) < min(len(wording), 12):
                    continue  # too short to be the wording ("13. Yes"): normalising shortens
                rest = self._normal(raw_rest)
                if rest and wording:
                    if wording.startswith(rest) and len(rest) >= min(len(wording), 12):
                        return question.id
                    if rest.startswith(wording):
                        return question.id
        return None

    def label(self, line: str) -> tuple[str, str, int] | None:
        """``(question id, rest of line, form)`` when the line starts with a question's label.

        ``form`` is 0 for "3.", 1 for "Q3:" or "Question 3 -", 2 for "Q3 yes".
        """
        if line[:1].casefold() not in self._starts:
            return None
        for form, pattern in enumerate(self._labels):
            match = pattern.match(line)
            if match is not None:
                return self.by_key[match["key"].casefold()].id, match["rest"].strip(), form
        return None

    def is_static(self, stripped: str, qid: str | None) -> bool:
        """Whether a line is the form's own wording, not something the person wrote."""
        if stripped in self._static_raw:
            return True
        norm = self._normal(stripped)
        if not norm:
            return True
        if qid is not None and norm in self.options[qid]:
            return False
        if norm in self._static:
            return True
        words = norm.split(" ")
        if len(words) < 4:
            return False
        shingles = self._shingles
        return all(tuple(words[i : i + 4]) in shingles for i in range(len(words) - 3))

    # Reading --------------------------------------------------------------------------------

    def scan(self, text: str, sender_name: str | None = None, sender: str | None = None) -> Scan:
        """Every block in ``text`` and the count of words outside them.

        ``sender_name`` and ``sender`` (the From header's display name and address) let a line
        holding the sender's own name end an answer: see :mod:`surveykit_email.signatures`.
        """
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
        lines = text.split("\n")
        # Each line's text without quote marks or surrounding space: taking every leading space,
        # tab and ">" off is what taking off quote marks ("> > ") and then space comes to.
        stripped_lines = [line.lstrip(" \t>").strip() for line in lines]
        padded = [*stripped_lines, "", ""]  # the next two lines of the last ones
        signer = Signer(sender_name, sender) if sender_name or sender else None
        if signer is not None and not signer:
            signer = None
        blocks: list[Block] = []
        current: Block | None = None
        signature = False
        signature_depth = 0
        replied = False
        # A disclaimer above every answer (a mail server's banner): its paragraph is not counted.
        quiet = False
        unplaced = 0
        skip = 0
        for index, stripped in enumerate(stripped_lines):
            if skip:
                skip -= 1
                continue
            if not stripped:
                quiet = False
                if current is not None and current.area:
                    current.text.append("")
                continue
            role = self._form_lines.get(stripped)
            if role is not None:  # one of the form's own lines
                kind, detail = role
                area = current is not None and current.area
                if area and _runs_into_form(role, stripped):
                    # A free-text answer has run into the form's own wording: a heading was
                    # missed, or the form was pasted below without a reply header.
                    current.suspect.append(stripped)
                    current = None
                    continue
                if kind == "static":
                    if not area:
                        if not signature and current is not None and current.last_box is not None:
                            mark, label = current.ticks[current.last_box]
                            current.ticks[current.last_box] = (mark, f"{label} {stripped}")
                        continue
                    # else a short line of the form's inside an answer: read below, as written
                elif kind == "box":
                    # The form's own empty box chooses nothing; its label's next lines are skipped.
                    if current is not None:
                        current.last_box = None
                        current.in_other = False
                    continue
                elif kind == "heading":
                    signature = False
                    current = Block(detail, "heading")
                    blocks.append(current)
                    continue
                elif kind == "end":
                    current = None
                    signature = False
                    continue
                else:  # "Your answer:": the lines after it are the answer
                    if not signature and current is not None and current.qid in self.text_questions:
                        current.area = True
                    continue
            elif stripped.startswith(self.known_notes):
                continue  # "(We have you as: Leader.)": the form's, not an answer
            raw = lines[index]
            quote = _QUOTE.match(raw) if ">" in raw[:80] else None
            depth = quote.group().count(">") if quote else 0
            content = raw[quote.end() :] if quote else raw
            # Rules, the reference line and reply headers end every block.  Cheap tests first:
            # a header has a colon at its end or in its first words, or its next lines do.
            first = stripped[0]
            if first in "=_-*~#RrCc" and (
                _RULE.match(stripped)
                or stripped in self.end_lines
                or _REFERENCE_LINE.match(stripped)
            ):
                current = None
                signature = False
                continue
            if (
                first == "-"
                or stripped[-1] in COLONS
                or ":" in stripped[:16]
                or padded[index + 1][-1:] in COLONS
                or padded[index + 2][-1:] in COLONS
            ):
                span = header_span(stripped_lines, lines, index)
                if span:
                    current = None
                    signature = False
                    replied = True
                    skip = span - 1
                    continue
            # Sign-offs: again only the lines that start like one, or like the sender's name.
            low = stripped[:24].casefold()
            starts = SIGN_OFF_STARTS.get(low[:2])
            if (
                (starts is not None and low.startswith(starts))
                or (not first.isalpha() and may_sign_off(stripped))
                or (
                    signer is not None
                    and blocks
                    and len(stripped) <= 60
                    and (
                        (head := low.partition(" ")[0].rstrip(",.:;")) in signer.starts
                        or (not head.isascii() and head[:1].isalpha())
                    )
                )
            ):
                signs = self._signs_off(stripped_lines, index, current, bool(blocks), signer)
                if signs == "banner":
                    quiet = True
                    continue
                if signs is not None:
                    current = None
                    signature = True
                    signature_depth = depth
                    continue
            # Headings and labels start with a question's key (or "Q"): most lines cannot be one.
            keyed = first in self._first_chars or (
                not first.isascii() and first.casefold() in self._starts
            )
            qid = self.heading(stripped) if keyed else None
            if signature:
                # An answer's label ("14. No") after a sign-off is an answer, never dropped.
                labelled = keyed and qid is None and self.label(stripped) is not None
                if depth <= signature_depth and qid is None and not labelled:
                    continue
                signature = False
            if qid is not None:
                current = Block(qid, "heading")
                blocks.append(current)
                continue
            if current is not None and current.area:
                found = self._area_label(current, stripped) if keyed else None
                if found is None:
                    current.text.append(content.rstrip())
                    continue
                current = self._open(blocks, *found)
                continue
            if current is not None and self._box(current, stripped):
                continue
            if stripped.startswith(self.answer_marks):
                if current is not None and current.qid in self.text_questions:
                    current.area = True
                    answer_mark = next(m for m in self.answer_marks if stripped.startswith(m))
                    rest = stripped[len(answer_mark) :].strip()
                    if rest:
                        current.text.append(rest)
                continue
            if self.is_static(stripped, current.qid if current else None):
                if current is not None and current.last_box is not None:
                    mark, label = current.ticks[current.last_box]
                    current.ticks[current.last_box] = (mark, f"{label} {stripped}")
                continue
            found = self.label(stripped) if keyed else None
            if (
                found is not None
                and not (found[1] == "" and self._names_option(current, stripped))
                and not self._ranked(current, stripped)
            ):
                current = self._open(blocks, found[0], found[1])
                continue
            if current is not None:
                current.last_box = None
                if current.qid in self.text_questions:
                    current.text.append(content.rstrip())
                elif current.in_other and normalise(stripped) not in self.options[current.qid]:
                    current.other_words.append(stripped)
                else:
                    current.typed.append(stripped)
                    current.in_other = self._names_other(current, stripped)
            elif depth == 0 and not replied and not quiet:
                unplaced += len(stripped.split())
        # Most blocks are the quoted form's questions, left unanswered: only those read are kept.
        return Scan([b for b in blocks if _has_answer(b) or b.suspect], unplaced)

    def _ranked(self, block: Block | None, stripped: str) -> bool:
        """Whether "1. Libraries" in a ranking's block ranks an option (by its label or value,
        or the first words of its label) rather than labelling question 1."""
        if block is None or block.qid not in self.rankings:
            return False
        found = _RANKED.match(stripped)
        if found is None:
            return False
        rest = normalise(found["rest"])
        return rest in self.options[block.qid] or any(
            start.startswith(rest + " ") for start in self._option_starts[block.qid]
        )

    def _names_other(self, block: Block, text: str) -> bool:
        """Whether ``text`` chooses the block's "Other (please specify)" option."""
        item = self.items.get(block.qid)
        if item is None or item.other is None:
            return False
        return named_other(text, item, self.other_names[block.qid]) is not None

    def _names_option(self, block: Block | None, stripped: str) -> bool:
        """Whether a bare "1." under a choice question is its option "1", not a label."""
        return block is not None and normalise(stripped) in self.options[block.qid]

    def _open(self, blocks: list[Block], qid: str, rest: str) -> Block:
        block = Block(qid, "label", area=qid in self.text_questions)
        if rest:
            (block.text if block.area else block.typed).append(rest)
        blocks.append(block)
        return block

    def _area_label(self, block: Block, stripped: str) -> tuple[str, str] | None:
        """A label that ends a free-text answer: "Q3:" always; "3." only forwards, at the top."""
        found = self.label(stripped)
        if found is None:
            return None
        qid, rest, form = found
        if block.opened_by != "label":
            return (qid, rest) if form == 1 else None
        if self.order[qid] > self.order[block.qid]:
            return qid, rest
        block.suspect.append(stripped)
        return None

    def _box(self, block: Block, stripped: str) -> bool:
        if stripped[:1] not in "[xX\u2713\u2714*\u2610\u2611\u2612":
            return False
        match = _BOX.match(stripped)
        if match is None:
            return False
        label = match["label"].strip()
        glyph = match["glyph"]
        mark = ("" if glyph == "\u2610" else "x") if glyph else match["mark"].strip()
        if match["pre"]:
            mark = mark or "x"
        if not mark:
            trailing = _TRAILING_MARK.search(label)
            if trailing and label not in self.labels[block.qid]:
                mark, label = "x", label[: trailing.start()].strip()
            late = _LATE_TICK.match(label)
            if late and normalise(late["label"]) in self.options[block.qid]:
                mark, label = "x", late["label"]
        block.ticks.append((mark, label))
        block.last_box = len(block.ticks) - 1
        block.in_other = self._names_other(block, label)
        return True

    def _signs_off(
        self,
        stripped_lines: list[str],
        index: int,
        current: Block | None,
        answered: bool,
        signer: Signer | None,
    ) -> str | None:
        """Whether this line starts a signature (its kind), ``"banner"``, or ``None``.

        A sign-off by its words (closing, "-- ", "Sent from ...", disclaimer), or a closing with
        the sender's name, always starts one; the sender's name alone only after an answer has
        been read and not as the first line of one (a name never replaces an answer).  A line
        naming one of the current question's options is that answer, whatever else it is.  A
        disclaimer before any answer is a mail server's banner: only its paragraph is passed over.
        """
        stripped = stripped_lines[index]
        kind = sign_off(stripped_lines, index, signer)
        if kind is None and signer is not None and answered and signer.named(stripped):
            if current is not None and not _has_answer(current):
                return None
            kind = "name"
        if kind is None:
            return None
        if current is not None and normalise(stripped) in self.options[current.qid]:
            return None
        if kind == "disclaimer" and not answered and current is None:
            return "banner"
        return kind


def _joined_labels(same: list[Item]) -> frozenset[str]:
    """Each option's labels in two languages joined as a bilingual box might show them
    ("Byth / Never"), normalised."""
    if len(same) < 2:
        return frozenset()
    found = set()
    for first in same:
        for second in same:
            if first is second:
                continue
            for a, b in zip(first.options, second.options, strict=False):
                if normalise(a.label) != normalise(b.label):
                    found.add(normalise(f"{a.label} / {b.label}"))
    return frozenset(found)


def _has_answer(block: Block) -> bool:
    """Whether anything has been read into a block yet (an empty box is not an answer)."""
    return bool(
        block.typed or any(mark for mark, _ in block.ticks) or any(t.strip() for t in block.text)
    )


def _runs_into_form(role: tuple[str, str], stripped: str) -> bool:
    """Whether a form line inside a free-text answer cannot be the person's own words.

    "Your answer:" and the option boxes never are; other form lines are when they have three
    words or more (a short one, like "Tick one box.", could be typed in an answer).
    """
    if role[0] in ("heading", "end"):
        return False
    return role[0] in ("mark", "box") or stripped.count(" ") >= 2


def is_tick(mark: str) -> bool | None:
    """``True`` for a tick, ``False`` for an empty box, ``None`` for a mark that is unclear."""
    if not mark:
        return False
    return True if mark in _TICKS else None
