"""A small Taking Stock deployment for the exporter tests, made through the real submit path.

Respondents are granted real links and answer through :class:`surveykit.SubmitService`, some
twice.  Every name, email address and token is remembered, so tests can prove none reaches a
public file; some answers quote their author's own name, email and phone number, as people do.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from attrs import define, field
from hypothesis import strategies as st

from surveykit import Consultation, Engine, load_spec
from surveykit.identity import Respondent, Secret, Token
from surveykit.storage import Grant, Store, open_store
from surveykit.submit import SubmitService
from surveykit_reports.build import build_report
from surveykit_reports.model import Cell, Digest, Heading, Quote, Report, Table

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "taking_stock.toml"
#: During the real consultation, so the submit service accepts answers.
DURING = dt.datetime(2015, 2, 20, 12, 0, tzinfo=dt.UTC)
FIRST = ("Ada", "Brendan", "Cordelia", "Dafydd", "Ephraim", "Fenella", "Gwendolyn", "Horatio")
LAST = ("Lovelace", "Quennell", "Thistlewood", "Ravenscroft", "Wetherby", "Pilkington")
PLACES = ("Kent", "Barnsley", "Cumbria", "Torbay", "Wirral", "Lambeth", "Devon", "Slough")
KINDS = {
    "county": "County Council",
    "district": "District Council",
    "unitary": "Council",
    "metropolitan": "Metropolitan Borough Council",
    "london_borough": "London Borough Council",
    "fire_and_rescue": "Fire and Rescue Authority",
}
#: Words that appear only in superseded versions: never in any report.
SUPERSEDED_WORD = "Zanzibarquux"
#: A quotable answer that tries to inject markup into the HTML report.
INJECTION = '<script>alert("x")</script><img src="https://example.org/x.png"> Peer review works.'
SAYINGS = (
    "Peer challenge helped us more than any inspection ever did.",
    "Scrutiny needs proper officer support and training for members.",
    "Publish comparative data in plain language for residents.",
    "The principles are right but local accountability needs strengthening.",
)


@define
class Deployment:
    """What was put in the store, for tests to check the report against."""

    consultation: Consultation
    store: Store
    names: list[str] = field(factory=list)
    emails: list[str] = field(factory=list)
    tokens: list[str] = field(factory=list)
    token_hashes: list[str] = field(factory=list)
    #: Authorities none of whose respondents consented to naming them.
    unnamed_authorities: set[str] = field(factory=set)
    current: dict[str, dict[str, Any]] = field(factory=dict)

    def expected_counts(self, question: str) -> dict[str, int]:
        """How many current responses gave each answer (or none) to ``question``, counted here.

        Rows are option values, or ``_answered`` for free text, plus ``_not_answered`` and
        ``_not_shown``: the report's own row values.
        """
        engine = Engine(self.consultation)
        counts: dict[str, int] = {}
        for answers in self.current.values():
            if question not in engine.visible(answers):
                row = "_not_shown"
            elif question not in answers:
                row = "_not_answered"
            elif self.consultation.question(question).kind == "text":
                row = "_answered"
            else:
                row = answers[question]
            counts[row] = counts.get(row, 0) + 1
        return counts

    def secrets(self) -> list[str]:
        """Every string that must never appear in a public report."""
        return [*self.names, *self.emails, *self.tokens, *self.token_hashes]


def _answers(
    consultation: Consultation, rng: random.Random, person: Respondent, email: str
) -> dict[str, Any]:
    engine = Engine(consultation)
    answers: dict[str, Any] = {
        "role": person.role,
        "authority_type": person.authority_type,
        "authority": person.authority,
        "consent": person.consent,
    }
    for question in consultation.questions:
        if question.id in answers:
            continue
        if question.kind == "single" and rng.random() < 0.85:
            answers[question.id] = rng.choice(question.options).value
        elif question.kind == "text" and rng.random() < 0.4:
            saying = rng.choice(SAYINGS)
            if rng.random() < 0.3:
                phone = f"01632 960 {rng.randint(100, 999)}"
                saying += f" Contact me, {person.name}, at {email} or on {phone}."
            answers[question.id] = saying
    return engine.clean(answers)


def populate(store: Store, *, people: int = 48, seed: int = 2015) -> Deployment:
    """Grant ``people`` (at most 48) respondents links and submit their answers, some twice.

    Leaders and chief executives come in pairs from one authority.
    """
    assert people <= len(FIRST) * len(LAST), "names must be unique"
    consultation = load_spec(SPEC)
    rng = random.Random(seed)
    secret = Secret.generate()
    service = SubmitService(consultation, store, secret, clock=lambda: DURING)
    made = Deployment(consultation, store)
    named: set[str] = set()
    everyone: set[str] = set()
    grants, details = [], []
    for n in range(people):
        place = PLACES[n // 2 % len(PLACES)]
        kind = list(KINDS)[n // 2 % len(KINDS)]
        authority = f"{place} {KINDS[kind]} No. {n // 2:02d}"
        first, last = FIRST[n % len(FIRST)], LAST[n // len(FIRST) % len(LAST)]
        name = f"{first} {last}"
        email = f"{first}.{last}{n}@{place.lower()}.gov.uk".lower()
        consent = rng.choice(("quote_named", "quote_anonymous", "no_quote"))
        person = Respondent(
            consultation=consultation.metadata.id,
            authority=authority,
            authority_type=kind,
            role="leader" if n % 2 == 0 else "chief_executive",
            name=name,
            email=email,
            consent=consent,
            created_at=DURING,
        )
        token = Token.new()
        grants.append(Grant(person, secret.hash(token), DURING))
        details.append((person, token, email))
        made.names.append(name)
        made.emails.append(email)
        made.tokens.append(token.value)
        made.token_hashes.append(secret.hash(token))
        everyone.add(authority)
        if consent == "quote_named":
            named.add(authority)
    store.grant(grants)
    for person, token, email in details:
        if rng.random() < 0.2:
            first = _answers(consultation, rng, person, email)
            first["q21"] = f"{SUPERSEDED_WORD} was my first thought."
            service.submit(token, first)
        answers = _answers(consultation, rng, person, email)
        if person.consent == "quote_anonymous" and "q12" not in answers:
            answers["q12"] = INJECTION
        service.submit(token, answers)
        made.current[person.id] = answers
    made.unnamed_authorities = everyone - named
    return made


def sqlite_deployment(folder: Path) -> Deployment:
    """A populated Taking Stock store in a SQLite file in ``folder``."""
    return populate(open_store(f"sqlite:///{folder}/responses.db?synchronous=normal"))


def public_and_internal(made: Deployment) -> tuple[Report, Report]:
    """The public report and the internal one, both built by the real ``build_report``."""
    public = build_report(made.consultation, made.store)
    internal = build_report(made.consultation, made.store, internal=True)
    return public, internal


def shown_text(path: Path) -> str:
    """Everything written at ``path`` (a file, or every file in a folder), as text."""
    if path.is_dir():
        return "\n".join(p.read_text(encoding="utf-8-sig") for p in sorted(path.iterdir()))
    return path.read_text(encoding="utf-8")


@define
class Node:
    """An element of a parsed HTML page: enough of a tree for the exporter tests."""

    tag: str
    attrs: dict[str, str]
    parent: Node | None = field(default=None, repr=False)
    #: Text and child elements, in document order.
    content: list[Node | str] = field(factory=list)

    @property
    def children(self) -> list[Node]:
        return [item for item in self.content if isinstance(item, Node)]

    def text(self) -> str:
        """The element's text in document order, with runs of whitespace collapsed."""
        parts: list[str] = []

        def walk(node: Node) -> None:
            for item in node.content:
                if isinstance(item, Node):
                    parts.append(" " if item.tag in BLOCKS else "")
                    walk(item)
                    parts.append(" " if item.tag in BLOCKS else "")
                else:
                    parts.append(item)

        walk(self)
        return " ".join("".join(parts).split())

    def iter(self, tag: str | None = None) -> Iterator[Node]:
        for child in self.children:
            if tag is None or child.tag == tag:
                yield child
            yield from child.iter(tag)

    def find(self, tag: str | None, **attrs: str) -> Node | None:
        return next(
            (n for n in self.iter(tag) if all(n.attrs.get(k) == v for k, v in attrs.items())),
            None,
        )


VOID = {"meta", "img", "br", "hr", "input", "link", "source", "area", "base", "col", "wbr"}
#: Elements that start a new line when shown, so their text never runs into the next word.
BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "li", "td", "th", "tr", "caption", "header", "footer",
    "section", "main", "nav", "blockquote", "summary", "details", "text",
}  # fmt: skip


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.content.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.content.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent  # type: ignore[assignment]
        if node is not self.root:
            self.current = node.parent  # type: ignore[assignment]

    def handle_data(self, data: str) -> None:
        self.current.content.append(data)


def parse_html(text: str) -> Node:
    """The page as a tree of :class:`Node`."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


# Any text a spec or a respondent may write, markup characters included.
_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029"),
    min_size=1,
    max_size=40,
).filter(str.strip)
_cells = (
    st.builds(
        Cell,
        count=st.integers(0, 10**6),
        percent=st.none() | st.floats(0, 100, allow_nan=False),
    )
    | st.just(Cell(None, "primary"))
    | st.just(Cell(None, "secondary"))
)


@st.composite
def any_reports(draw) -> Report:
    """Small reports whose every title, label and quote is arbitrary text."""
    tables = []
    for n in range(draw(st.integers(1, 3))):
        rows = tuple(Heading(f"r{i}", draw(_text)) for i in range(draw(st.integers(1, 4))))
        width = draw(st.integers(1, 3))
        columns = tuple(Heading(f"c{j}", draw(_text)) for j in range(width))
        tables.append(
            Table(
                id=f"t{n}",
                title=draw(_text),
                aggregator=draw(st.sampled_from(["counts", "crosstab"])),
                row_label=draw(_text),
                column_label=draw(_text),
                rows=rows,
                columns=columns,
                cells=tuple(tuple(draw(_cells) for _ in columns) for _ in rows),
                row_totals=tuple(draw(_cells) for _ in rows),
                column_totals=tuple(draw(_cells) for _ in columns),
                grand_total=draw(_cells),
                question=f"q{n}",
            )
        )
    digests = tuple(
        Digest(
            f"q{n}",
            draw(_text),
            draw(_text),
            tuple(Quote(draw(_text), draw(st.none() | _text)) for _ in range(2)),
        )
        for n in range(draw(st.integers(0, 2)))
    )
    return Report(
        consultation="c",
        title=draw(_text),
        threshold=draw(st.integers(1, 20)),
        internal=draw(st.booleans()),
        generated_on=dt.date(2015, 3, 20),
        responses=draw(_cells),
        tables=tuple(tables),
        digests=digests,
    )
