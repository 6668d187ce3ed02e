"""Hypothesis strategies for the answers of every built-in question kind, and the kind
conformance suite a kind plugin runs to prove it keeps the promises of :mod:`surveykit.kinds`.

The strategies generate *raw* answers, in every form a channel sends (JSON numbers and text for
a number; ISO text, the date input's three boxes and written dates for a date; lists, rank boxes
and text for a ranking; ...): :func:`answers_for` what the question's kind must accept,
:func:`invalid_answers_for` what it must refuse, :func:`questions_for` sound questions of each
built-in kind with generated settings, :func:`part_answers_for` a whole question's answers by
part key.  They follow the kinds' documented contract (docs/hooks.md), not their code.

A kind plugin subclasses :class:`KindConformance`, names its kind, and says how to make its
questions and answers::

    from hypothesis import strategies as st
    from surveykit import Question
    from surveykit.testing_kinds import KindConformance

    class TestShout(KindConformance):
        kind = Shout()

        def questions(self):
            return st.builds(Question, id=st.just("q1"), text=st.just("Q"), kind=st.just("shout"))

        def answers(self, question):
            return st.text(min_size=1).filter(str.strip)

Needs Hypothesis (``pip install 'surveykit[testing]'``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from attrs import evolve
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from .characters import first_control
from .conditions import Answered, evaluate, references
from .kinds import EMPTY, Rejected, parts_of
from .model import Option, Question

__all__ = [
    "ANSWER_TYPES",
    "KindConformance",
    "answers_for",
    "invalid_answers_for",
    "json_values",
    "part_answers_for",
    "questions_for",
]

#: What conditions may do with a part's answer (``surveykit.kinds.answer_type``).
ANSWER_TYPES = frozenset({"option", "options", "ranking", "number", "date", "month", "text"})
#: The documented limits of the built-in ``number`` kind: up to 15 significant digits.
MAGNITUDE, MAX_DECIMALS = 15, 6
_PART_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?")
_CODE = re.compile(r"[a-z][a-z_]*")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# Any value at all ----------------------------------------------------------------------------


def json_values(max_leaves: int = 8) -> SearchStrategy[Any]:
    """Any value a JSON body, a form or a script may send, and then some: every kind of text
    (control characters and lone surrogates too), huge integers, NaN and infinities, and lists
    and mappings of them."""
    text = st.text(st.characters(exclude_categories=()), max_size=30)
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=-(10**30), max_value=10**30).map(lambda n: n * 10**20),
        st.floats(),
        text,
        st.sampled_from(["", " ", "\t\n", "0", "-1", "1e400", "NaN", "2024-02-30", "+44"]),
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=max_leaves,
    )


def _settings_values() -> SearchStrategy[Any]:
    """Values a spec's TOML may give a setting: JSON-like values, dates, and tables of them."""
    return st.one_of(
        json_values(max_leaves=4),
        st.dates(),
        st.datetimes(),
        st.lists(st.dictionaries(st.sampled_from(["id", "text", "hint", "required", "x"]),
                                 json_values(max_leaves=2), max_size=5), max_size=4),
        st.sampled_from(["today", "day", "month", "2024-03", "2024-03-05"]),
    )  # fmt: skip


# Sound questions of each built-in kind ------------------------------------------------------

_IDS = st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True)
_WORDS = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "Zs", "P", "S")), min_size=1, max_size=24
).filter(lambda t: t.strip() and t.isprintable())


def _base(kind: str) -> SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "id": _IDS,
            "text": _WORDS,
            "kind": st.just(kind),
            "number": st.none() | st.integers(1, 99).map(str),
            "required": st.booleans(),
        }
    )


@st.composite
def _options(draw: Any, *, least: int = 1, other: bool = False) -> tuple[Option, ...]:
    values = draw(
        st.lists(st.one_of(_IDS, _WORDS.map(str.strip)), min_size=least, max_size=6, unique=True)
    )
    options = [Option(value, draw(_WORDS.map(str.strip) | st.just(value))) for value in values]
    if other and draw(st.booleans()):
        at = draw(st.integers(0, len(options) - 1))
        length = draw(st.none() | st.integers(1, 1000))
        options[at] = evolve(options[at], other=True, max_length=length)
    return tuple(options)


@st.composite
def _choice(draw: Any, kind: str) -> Question:
    return Question(**draw(_base(kind)), options=draw(_options(other=True)))


@st.composite
def _text(draw: Any) -> Question:
    return Question(**draw(_base("text")), max_length=draw(st.none() | st.integers(1, 2000)))


@st.composite
def _number(draw: Any) -> Question:
    decimals = draw(st.integers(0, MAX_DECIMALS))
    limit = 10 ** (MAGNITUDE - decimals) - 1
    ends = sorted(draw(st.lists(st.integers(-limit, limit), min_size=2, max_size=2)))
    settings: dict[str, Any] = {}
    for key, end in zip(("min", "max"), ends, strict=True):
        if draw(st.booleans()):
            number = Decimal(end).scaleb(-decimals)
            settings[key] = int(number) if number == int(number) else float(number)
    if decimals or draw(st.booleans()):
        settings["decimals"] = decimals
    unit = draw(st.sampled_from(["", "people", "£", "kg", "%", "hours", "m²"]))
    if unit:
        settings["unit"] = unit
        if draw(st.booleans()):
            settings["unit_prefix"] = unit == "£"
    return Question(**draw(_base("number")), settings=settings)


@st.composite
def _date(draw: Any) -> Question:
    settings: dict[str, Any] = {}
    if draw(st.booleans()):
        settings["precision"] = draw(st.sampled_from(["day", "month"]))
    ends = sorted(
        draw(st.lists(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), min_size=2, max_size=2))
    )
    today = dt.date.today()
    for key, end in zip(("earliest", "latest"), ends, strict=True):
        if draw(st.booleans()):
            settings[key] = end
    if "earliest" not in settings and draw(st.booleans()):
        settings["earliest"] = "today"
        settings["latest"] = max(settings.get("latest", today), today + dt.timedelta(days=62))
    elif "latest" not in settings and draw(st.booleans()):
        settings["latest"] = "today"
        settings["earliest"] = min(settings.get("earliest", today), today - dt.timedelta(days=62))
    return Question(**draw(_base("date")), settings=settings)


@st.composite
def _grid(draw: Any) -> Question:
    ids = draw(st.lists(_IDS, min_size=1, max_size=5, unique=True))
    rows = []
    for row_id in ids:
        row: dict[str, Any] = {"id": row_id, "text": draw(_WORDS)}
        if draw(st.booleans()):
            row["required"] = draw(st.booleans())
        if draw(st.booleans()):
            row["hint"] = draw(_WORDS)
        rows.append(row)
    return Question(**draw(_base("grid")), options=draw(_options()), settings={"rows": rows})


@st.composite
def _ranking(draw: Any) -> Question:
    options = draw(_options(least=2))
    settings: dict[str, Any] = {}
    low, high = sorted(draw(st.lists(st.integers(1, len(options)), min_size=2, max_size=2)))
    if draw(st.booleans()):
        settings["min_ranked"] = low
    if draw(st.booleans()):
        settings["max_ranked"] = high
    return Question(**draw(_base("ranking")), options=options, settings=settings)


_QUESTIONS: dict[str, Callable[[], SearchStrategy[Question]]] = {
    "single": lambda: _choice("single"),
    "multi": lambda: _choice("multi"),
    "text": _text,
    "number": _number,
    "date": _date,
    "email": lambda: _plain("email"),
    "uk_postcode": lambda: _plain("uk_postcode"),
    "phone": lambda: _plain("phone", international=st.booleans()),
    "grid": _grid,
    "ranking": _ranking,
}


@st.composite
def _plain(draw: Any, kind: str, **settings: SearchStrategy[Any]) -> Question:
    chosen = {key: draw(strategy) for key, strategy in settings.items() if draw(st.booleans())}
    return Question(**draw(_base(kind)), settings=chosen)


def questions_for(kind: str) -> SearchStrategy[Question]:
    """Sound questions of the built-in ``kind``, with settings its ``check_settings`` accepts."""
    try:
        return _QUESTIONS[kind]()
    except KeyError:
        raise ValueError(
            f"no question strategy for kind {kind!r}: give your KindConformance subclass a "
            "questions() method"
        ) from None


# Answers each built-in kind must accept -----------------------------------------------------


@st.composite
def _padded(draw: Any, text: str) -> str:
    """``text`` with the stray spaces people and forms leave around it."""
    return (
        draw(st.sampled_from(["", " ", "  ", "\t"])) + text + draw(st.sampled_from(["", " ", "\n"]))
    )


def _scaled_bounds(question: Question) -> tuple[int, int, int]:
    """A number question's decimals, and its bounds counted in steps of its last decimal place."""
    settings = question.settings
    decimals = settings.get("decimals", 0)
    step = Decimal(1).scaleb(-decimals)
    limit = 10 ** (MAGNITUDE - decimals)
    low = (Decimal(repr(settings["min"])) if "min" in settings else Decimal(1 - limit)) / step
    high = (Decimal(repr(settings["max"])) if "max" in settings else Decimal(limit - 1)) / step
    return (
        decimals,
        int(low.to_integral_value("ROUND_CEILING")),
        int(high.to_integral_value("ROUND_FLOOR")),
    )


def _written_number(draw: Any, question: Question, number: Decimal) -> Any:
    decimals = question.settings.get("decimals", 0)
    unit = question.settings.get("unit", "")
    form = draw(st.sampled_from(["int", "float", "plain", "places", "commas"]))
    if form == "int" and number == number.to_integral_value():
        return int(number)
    if form == "float":
        return float(number)
    text = {"plain": f"{abs(number):f}", "places": f"{abs(number):.{decimals}f}"}.get(
        form, f"{abs(number):,.{decimals}f}"
    )
    sign = (
        draw(st.sampled_from(["-", "\u2212"])) if number < 0 else draw(st.sampled_from(["", "+"]))
    )
    if unit and draw(st.booleans()):
        shown_unit = draw(st.sampled_from([unit, unit.upper(), unit.lower()]))
        if question.settings.get("unit_prefix") is True:
            text = draw(st.sampled_from([f"{sign}{shown_unit}{text}", f"{shown_unit}{sign}{text}"]))
        else:
            text = f"{sign}{text}{draw(st.sampled_from(['', ' ']))}{shown_unit}"
    else:
        text = f"{sign}{text}"
    return draw(_padded(text))


@st.composite
def _number_answers(draw: Any, question: Question) -> Any:
    decimals, low, high = _scaled_bounds(question)
    number = Decimal(draw(st.integers(low, high))).scaleb(-decimals)
    return _written_number(draw, question, number)


def _today_everywhere() -> tuple[dt.date, dt.date]:
    """The earliest and the latest date it is now anywhere (UTC-12 and UTC+14): ``"today"`` is
    today in the consultation's time zone, which a strategy given only a question cannot know."""
    now = dt.datetime.now(dt.UTC)
    return (now - dt.timedelta(hours=12)).date(), (now + dt.timedelta(hours=14)).date()


def _date_range(question: Question, widest: bool = False) -> tuple[dt.date, dt.date]:
    """The first and last days an answer may fall on (a month's answers on any of its days),
    wherever the consultation is; with ``widest``, in some time zone (a day outside that range
    is refused everywhere)."""
    settings = question.settings
    first_today, last_today = _today_everywhere()
    month = settings.get("precision") == "month"
    low, high = dt.date(1000, 1, 1), dt.date(9999, 12, 31)
    if "earliest" in settings:
        today = first_today if widest else last_today
        low = today if settings["earliest"] == "today" else settings["earliest"]
        low = low.replace(day=1) if month else low
    if "latest" in settings:
        today = last_today if widest else first_today
        high = today if settings["latest"] == "today" else settings["latest"]
        if month:
            after = (high.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            high = after - dt.timedelta(days=1)
    return low, high


def _ordinal(day: int) -> str:
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


@st.composite
def _date_answers(draw: Any, question: Question) -> Any:
    low, high = _date_range(question)
    day = draw(st.dates(low, high))
    month_name = _MONTHS[day.month - 1]
    name = draw(
        st.sampled_from([month_name, month_name[:3], month_name.upper(), month_name.lower()])
    )
    sep = draw(st.sampled_from(["/", "-", ".", " "]))
    zero = draw(st.booleans())
    d, m = (f"{day.day:02d}", f"{day.month:02d}") if zero else (str(day.day), str(day.month))
    whole = [
        day.isoformat(),
        f"{d}{sep}{m}{sep}{day.year:04d}",
        f"{day.day} {name} {day.year:04d}",
        f"{day.day}{_ordinal(day.day)} {name} {day.year:04d}",
        f"{_WEEKDAYS[day.weekday()]} {day.day} {name} {day.year:04d}",
        {"day": d, "month": draw(st.sampled_from([m, name])), "year": f"{day.year:04d}"},
        {"day": day.day, "month": day.month, "year": day.year},
    ]
    if question.settings.get("precision") != "month":
        form = draw(st.sampled_from(whole))
    else:
        form = draw(
            st.sampled_from(
                [
                    *whole,
                    day.isoformat()[:7],
                    f"{name} {day.year:04d}",
                    f"{m}/{day.year:04d}",
                    {"month": m, "year": f"{day.year:04d}"},
                    {"day": "", "month": name, "year": str(day.year)},
                ]
            )
        )
    return form if form.__class__ is dict else draw(_padded(form))


_LABEL = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True).filter(
    lambda label: label[2:4] != "--"
)


@st.composite
def _email_answers(draw: Any, question: Question) -> str:
    local = draw(st.from_regex(r"[a-zA-Z0-9](?:[a-zA-Z0-9._+-]{0,10}[a-zA-Z0-9])?", fullmatch=True))
    if ".." in local:
        local = local.replace("..", ".x.")
    labels = draw(st.lists(_LABEL, min_size=1, max_size=2))
    top = draw(st.sampled_from(["com", "org", "uk", "net", "co.uk", "gov.uk", "scot", "wales"]))
    domain = ".".join([*labels, top])
    if draw(st.booleans()):
        domain = "".join(c.upper() if draw(st.booleans()) else c for c in domain)
    return draw(_padded(f"{local}@{domain}"))


_POSTCODE_LETTERS = {
    "first": "ABCDEFGHIJKLMNOPRSTUWYZ",
    "second": "ABCDEFGHKLMNOPQRSTUVWXY",
    "third": "ABCDEFGHJKPSTUW",
    "fourth": "ABEHMNPRVWXY",
    "inward": "ABDEFGHJLNPQRSTUWXYZ",
}


@st.composite
def _postcode_answers(draw: Any, question: Question) -> str:
    letter = {key: st.sampled_from(value) for key, value in _POSTCODE_LETTERS.items()}
    digit = st.sampled_from("0123456789")
    first = draw(letter["first"])
    shapes = [
        f"{first}{draw(digit)}",
        f"{first}{draw(digit)}{draw(digit)}",
        f"{first}{draw(letter['second'])}{draw(digit)}",
        f"{first}{draw(letter['second'])}{draw(digit)}{draw(digit)}",
        f"{first}{draw(digit)}{draw(letter['third'])}",
        f"{first}{draw(letter['second'])}{draw(digit)}{draw(letter['fourth'])}",
    ]
    outward = draw(st.sampled_from(shapes))
    inward = f"{draw(digit)}{draw(letter['inward'])}{draw(letter['inward'])}"
    code = draw(
        st.sampled_from(
            [
                (outward, inward),
                ("GIR", "0AA"),
                ("BFPO", str(draw(st.integers(1, 9999)))),
                (draw(st.sampled_from(["ASCN", "STHL", "TDCU", "BIQQ", "FIQQ", "TKCA"])), "1ZZ"),
            ]
        )
    )
    text = code[0] + " " * draw(st.integers(0, 2)) + code[1]
    text = "".join(c.lower() if draw(st.booleans()) else c for c in text)
    return draw(_padded(text))


#: UK numbers libphonenumber counts as valid, national digits after the 0: London, mobiles,
#: and Ofcom's drama ranges, each followed by random digits.
_UK_NUMBERS = (
    ("207", 7),
    ("208", 7),
    ("71", 8),
    ("72", 8),
    ("73", 8),
    ("1632960", 3),
    ("7700900", 3),
)
_ABROAD = ("US", "FR", "DE", "IE", "IN", "AU", "ES", "JP")


@st.composite
def _phone_answers(draw: Any, question: Question) -> str:
    if question.settings.get("international") is True and draw(st.booleans()):
        import phonenumbers

        region = draw(st.sampled_from(_ABROAD))
        kind = draw(
            st.sampled_from(
                [phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE]
            )
        )
        number = phonenumbers.example_number_for_type(region, kind)
        style = draw(
            st.sampled_from(
                [phonenumbers.PhoneNumberFormat.INTERNATIONAL, phonenumbers.PhoneNumberFormat.E164]
            )
        )
        return draw(_padded(phonenumbers.format_number(number, style)))
    start, length = draw(st.sampled_from(_UK_NUMBERS))
    national = start + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=length, max_size=length))
    )
    cut = draw(st.sampled_from([2, 3, 4, 5]))
    sep = draw(st.sampled_from([" ", "-", ".", ""]))
    grouped = f"{national[:cut]}{sep}{national[cut : cut + 3]}{sep}{national[cut + 3 :]}"
    text = draw(
        st.sampled_from(
            [
                f"0{grouped}",
                f"0{national}",
                f"+44 {grouped}",
                f"+44 (0){grouped}",
                f"0044 {grouped}",
                f"+44{national}",
            ]
        )
    )
    return draw(_padded(text))


def _name(text: str) -> str:
    return " ".join(text.casefold().split())


_SEPARATORS = re.compile(r"[,;>\r\n]")
_NUMBERING = re.compile(r"\s*(?:#?[0-9]|[-*\u2022])")


def _writable(question: Question) -> dict[str, list[str]]:
    """For each option, the names it may be written as in a text ranking: its value and its
    label, where each names it alone and holds no separator or leading number to misread."""
    names: dict[str, str] = {_name(o.label): o.value for o in reversed(question.options)}
    names.update((_name(o.value), o.value) for o in reversed(question.options))
    written: dict[str, list[str]] = {}
    for option in question.options:
        written[option.value] = [
            text
            for text in (option.value, option.label)
            if _name(text)
            and names.get(_name(text)) == option.value
            and not _SEPARATORS.search(text)
            and not _NUMBERING.match(text)
        ]
    return written


def _ranked_bounds(question: Question) -> tuple[int, int]:
    count = len(question.options)
    high = question.settings.get("max_ranked", count)
    return question.settings.get("min_ranked", min(high, count)), high


@st.composite
def _ranking_answers(draw: Any, question: Question) -> Any:
    low, high = _ranked_bounds(question)
    values = [o.value for o in question.options]
    ranked = draw(st.permutations(values))[: draw(st.integers(low, high))]
    written = _writable(question)
    forms = ["list", "ranks"]
    if all(written[v] for v in ranked):
        forms += ["commas", "arrows", "lines", "numbered"]
    form = draw(st.sampled_from(forms))
    if form == "list":
        return list(ranked)
    if form == "ranks":
        ranks: dict[str, Any] = {
            v: draw(st.sampled_from([i, str(i), f" {i} "])) for i, v in enumerate(ranked, 1)
        }
        for value in values:
            if value not in ranks and draw(st.booleans()):
                ranks[value] = draw(st.sampled_from(["", " ", None]))
        keys = draw(st.permutations(list(ranks)))
        return {key: ranks[key] for key in keys}
    names = [draw(st.sampled_from(written[v])) for v in ranked]
    names = [
        n.upper() if _name(n.upper()) == _name(n) and draw(st.booleans()) else n for n in names
    ]
    if form == "commas":
        return ", ".join(names)
    if form == "arrows":
        return " > ".join(names)
    if form == "lines":
        return "\n".join(names)
    lines = [
        f"{i}{draw(st.sampled_from(['. ', ') ', ' - ', '. ']))}{n}" for i, n in enumerate(names, 1)
    ]
    return "\n".join(draw(st.permutations(lines)))


def _text_answers(question: Question) -> SearchStrategy[str]:
    limit = question.max_length or 10_000
    printable = st.characters(exclude_categories=("Cc", "Cs")) | st.sampled_from("\t\n\r")
    return st.text(printable, min_size=1, max_size=min(limit, 300)).filter(
        lambda t: t.strip() and len(t.strip()) <= limit
    )


def answers_for(question: Question) -> SearchStrategy[Any]:
    """Raw answers that a question of a built-in kind accepts, in every form a channel sends,
    and that the engine accepts too: no control characters (tab and line breaks are allowed).

    A grid has no answer of its own (its rows are single-choice parts): nothing is generated
    for it; use :func:`part_answers_for`.
    """
    values = [o.value for o in question.options]
    match question.kind:
        case "single":
            return st.sampled_from(values)
        case "multi":
            return st.lists(st.sampled_from(values), min_size=1, unique=True)
        case "text":
            return _text_answers(question)
        case "number":
            return _number_answers(question)
        case "date":
            return _date_answers(question)
        case "email":
            return _email_answers(question)
        case "uk_postcode":
            return _postcode_answers(question)
        case "phone":
            return _phone_answers(question)
        case "ranking":
            return _ranking_answers(question)
        case "grid":
            return st.nothing()
    raise ValueError(
        f"no answer strategy for kind {question.kind!r}: give your KindConformance subclass an "
        "answers() method"
    )


def part_answers_for(
    question: Question, kinds: Mapping[str, Any]
) -> SearchStrategy[dict[str, Any]]:
    """A question's answers by part key (``q7.cost``, ``q5.other``), each part answered or not."""
    parts = parts_of(question, kinds)
    return st.fixed_dictionaries({}, optional={part.id: answers_for(part) for part in parts})


# Answers each built-in kind must refuse ------------------------------------------------------

#: Values of the wrong type for every kind but the list-taking ones: numbers, flags, mappings.
_NOT_TEXT = st.one_of(
    st.booleans(),
    st.integers(),
    st.floats(),
    st.dictionaries(st.text(max_size=3), st.integers(), min_size=1, max_size=2),
)
_NOT_A_LIST = st.one_of(
    st.booleans(), st.integers(), st.floats(), st.text(min_size=1).filter(str.strip)
)


def _outside_number(question: Question) -> SearchStrategy[Any]:
    decimals, low, high = _scaled_bounds(question)
    step = Decimal(1).scaleb(-decimals)
    wrong = [Decimal(low - 1) * step, Decimal(high + 1) * step, Decimal(low) * step + step / 10]
    return st.builds(
        lambda number, form: float(number) if form else f"{number:f}",
        st.sampled_from(wrong),
        st.booleans(),
    )


def _outside_date(question: Question) -> SearchStrategy[Any]:
    """Impossible dates, two-digit years, and days either side of the question's bounds."""
    low, high = _date_range(question, widest=True)
    wrong: list[Any] = [
        "2023-02-29", "31/4/2024", "5/3/24", "13/13/2020", "0000-01-01", "tomorrow", "2024-3-5x",
        {"day": "5", "month": "3"}, {"day": "5", "month": "3", "year": "24"}, {"week": "1"},
    ]  # fmt: skip
    if question.settings.get("precision") != "month":
        wrong += ["March 2024", "2024-03", {"month": "3", "year": "2024"}]
    outside = []
    if low > dt.date(1000, 1, 1):
        before = low - dt.timedelta(days=1)
        outside += [before.isoformat(), f"{before.day} {_MONTHS[before.month - 1]} {before.year}"]
    if high < dt.date(9999, 12, 31):
        after = high + dt.timedelta(days=1)
        outside += [after.isoformat(), f"{after.day}/{after.month}/{after.year}"]
    return st.sampled_from(wrong) | st.sampled_from(outside) if outside else st.sampled_from(wrong)


def _unknown_names(question: Question) -> SearchStrategy[str]:
    names = {_name(o.value) for o in question.options} | {_name(o.label) for o in question.options}
    return (
        st.text(min_size=1, max_size=12)
        .map(lambda t: f"\u2603 {t}")
        .filter(lambda t: _name(t) not in names)
    )


def _invalid_ranking(question: Question) -> SearchStrategy[Any]:
    low, high = _ranked_bounds(question)
    values = [o.value for o in question.options]
    wrong: list[SearchStrategy[Any]] = [
        _NOT_A_LIST.filter(lambda v: v.__class__ is not str),
        st.sampled_from(values).map(lambda v: [v, v]),
        _unknown_names(question).map(lambda t: [t]),
        _unknown_names(question),
        st.sampled_from(values).map(lambda v: {v: 0}),
        st.sampled_from(values).map(lambda v: {v: "first"}),
        st.just({values[0]: 1, values[1]: 1}),
        st.just([1, 2]),
    ]
    if low > 1:
        wrong.append(st.permutations(values).map(lambda p: p[: low - 1]))
    if high < len(values):
        wrong.append(st.permutations(values).map(lambda p: p[: high + 1]))
    return st.one_of(wrong)


def invalid_answers_for(question: Question) -> SearchStrategy[Any]:
    """Raw answers that a question of a built-in kind must refuse (a ``Rejected``, never
    ``EMPTY`` and never an exception): wrong types, unknown options, impossible or out-of-range
    values."""
    values = {o.value for o in question.options}
    match question.kind:
        case "single":
            return _NOT_TEXT | st.text(min_size=1).filter(lambda t: t.strip() and t not in values)
        case "multi":
            return st.one_of(
                _NOT_A_LIST,
                st.lists(
                    st.text(min_size=1).filter(lambda t: t not in values), min_size=1, max_size=3
                ),
                st.lists(st.integers(), min_size=1, max_size=3),
            )
        case "text":
            limit = question.max_length or 10_000
            return _NOT_TEXT | st.text(min_size=1, max_size=5).map(
                lambda t: "x" * limit + t.strip() + "y"
            )
        case "number":
            return st.one_of(
                st.booleans(),
                st.lists(st.integers(), max_size=2),
                st.sampled_from(
                    [
                        math.nan,
                        math.inf,
                        -math.inf,
                        "twelve",
                        "1,25",
                        "1.2.3",
                        "--3",
                        "1e3",
                        "12 apples",
                        "£-£3",
                    ]
                ),
                _outside_number(question),
            )
        case "date":
            return st.one_of(
                st.booleans(),
                st.integers(),
                st.lists(st.text(), max_size=2),
                _outside_date(question),
            )
        case "email":
            wrong = [
                "plainaddress",
                "@example.com",
                "ada@",
                "ada@example",
                "a b@example.com",
                "ada@@example.com",
                "ada@example..com",
            ]
            return _NOT_TEXT | st.sampled_from(wrong)
        case "uk_postcode":
            wrong = [
                "SW1A",
                "12345",
                "SW1A 1AAA",
                "QW1 1AA",
                "SW1A 1CA",
                "BFPO",
                "BFPO 12345",
                "hello",
                "SW1A\u00a01AA\u00a0x",
            ]
            return _NOT_TEXT | st.sampled_from(wrong)
        case "phone":
            wrong = [
                "12345",
                "020 7946 001",
                "020 7946 OO18",
                "+44 20 7946 00189",
                "999",
                "020 7946 0018 ext 2",
            ]
            if question.settings.get("international") is not True:
                wrong += ["+1 202 555 0143", "+33 1 23 45 67 89"]
            return _NOT_TEXT | st.sampled_from(wrong)
        case "ranking":
            return _invalid_ranking(question)
        case "grid":
            return json_values()
    raise ValueError(
        f"no strategy for wrong answers of kind {question.kind!r}: give your KindConformance "
        "subclass an invalid_answers() method"
    )


# The conformance suite -----------------------------------------------------------------------


#: What a stored answer of each answer type looks like, given the question's option values.
_SHAPES: dict[str, Callable[[Any, set[str]], bool]] = {
    "option": lambda answer, options: answer in options,
    "options": lambda answer, options: (
        answer.__class__ is list and bool(answer) and set(answer) <= options
    ),
    "ranking": lambda answer, options: (
        answer.__class__ is list and bool(answer) and set(answer) <= options
        and len(set(answer)) == len(answer)
    ),
    "number": lambda answer, _: answer.__class__ in (int, float),
    "date": lambda answer, _: answer.__class__ is str and bool(_ISO.fullmatch(answer)),
    "month": lambda answer, _: answer.__class__ is str and bool(_ISO_MONTH.fullmatch(answer)),
    "text": lambda answer, _: answer.__class__ is str and bool(answer.strip()),
}  # fmt: skip
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")


def _normal(result: Any) -> bool:
    return result is not EMPTY and result.__class__ is not Rejected


def _strings_in(value: Any) -> list[str]:
    if value.__class__ is str:
        return [value]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings_in(item)]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (*_strings_in(key), *_strings_in(item))]
    return []


def _property(test: Callable[[Any, st.DataObject], None]) -> Callable[[Any], None]:
    """A suite method run as a Hypothesis property, once per subclass: each kind's run has its
    own database key, and no test function is shared between the kinds' classes (which
    Hypothesis refuses, as ``differing_executors``)."""

    def run(self: Any) -> None:
        def prop(data: st.DataObject) -> None:
            test(self, data)

        cls = type(self)
        prop.__name__ = re.sub(r"\W", "_", f"{cls.__module__}.{cls.__qualname__}.{test.__name__}")
        given(data=st.data())(prop)()

    run.__name__, run.__qualname__, run.__doc__ = test.__name__, test.__qualname__, test.__doc__
    return run


class KindConformance:
    """The promises every question kind keeps (see :mod:`surveykit.kinds`).

    Subclass it and set ``kind`` to the kind object under test.  For a kind that is not built
    in, also give ``questions()`` (sound questions of the kind) and ``answers(question)`` (raw
    answers it must accept), and if you can ``invalid_answers(question)`` (answers it must
    refuse).  ``kinds`` are the kinds a question's parts may be of; by default the installed
    ones and ``kind``.
    """

    kind: Any
    kinds: Mapping[str, Any] | None = None

    def questions(self) -> SearchStrategy[Question]:
        return questions_for(self.kind.name)

    def answers(self, question: Question) -> SearchStrategy[Any]:
        return answers_for(question)

    def invalid_answers(self, question: Question) -> SearchStrategy[Any]:
        return invalid_answers_for(question)

    def all_kinds(self) -> Mapping[str, Any]:
        if self.kinds is not None:
            return self.kinds
        from .plugins import get_plugins

        installed = get_plugins().kinds
        return {**{name: installed[name] for name in installed}, self.kind.name: self.kind}

    def answered(self, question: Question) -> bool:
        """Whether ``question`` takes an answer itself, rather than only through other parts."""
        return question in parts_of(question, self.all_kinds())

    def assert_verdict(self, question: Question, result: Any) -> None:
        """A checker's result is EMPTY, a Rejected naming the question, or a stored answer."""
        if result is EMPTY:
            return
        if result.__class__ is Rejected:
            assert _CODE.fullmatch(result.code), f"a problem code is a slug, not {result.code!r}"
            assert result.message.__class__ is str
            assert question.title in result.message, (
                f"the message {result.message!r} does not name {question.title!r}"
            )
            return
        assert json.loads(json.dumps(result, allow_nan=False)) == result, (
            f"{result!r} does not survive being stored as JSON"
        )
        of = getattr(self.kind, "answer_type_of", None)
        answer_type = of(question) if of is not None else getattr(self.kind, "answer_type", None)
        if answer_type is not None:
            assert _SHAPES[answer_type](result, {o.value for o in question.options}), (
                f"{result!r} is not an answer of type {answer_type!r}"
            )

    # The checker ------------------------------------------------------------------------------

    @_property
    def test_a_checker_never_raises(self, data: st.DataObject) -> None:
        """Any value at all checks to EMPTY, a Rejected naming the question, or an answer."""
        question = data.draw(self.questions(), "question")
        check = self.kind.checker(question)
        sources = [json_values(), self.invalid_answers(question)]
        if self.answered(question):
            sources.append(self.answers(question))
        value = data.draw(st.one_of(sources), "value")
        self.assert_verdict(question, check(value))

    @_property
    def test_accepted_answers_check_to_themselves(self, data: st.DataObject) -> None:
        """An accepted answer is normalised once and for all: checking it again changes nothing,
        not even its type, so cleaning a stored record twice gives the same record."""
        question = data.draw(self.questions(), "question")
        if not self.answered(question):
            return
        check = self.kind.checker(question)
        result = check(data.draw(self.answers(question), "answer"))
        assert _normal(result), f"a sound answer was refused: {result!r}"
        self.assert_verdict(question, result)
        again = check(result)
        assert again == result
        assert again.__class__ is result.__class__

    @_property
    def test_whatever_a_checker_returns_checks_to_itself(self, data: st.DataObject) -> None:
        """Idempotence holds for every value a checker turns into an answer, not only sound ones."""
        question = data.draw(self.questions(), "question")
        check = self.kind.checker(question)
        result = check(data.draw(json_values(), "value"))
        if _normal(result):
            assert check(result) == result

    @_property
    def test_wrong_answers_are_refused(self, data: st.DataObject) -> None:
        """An answer the kind must refuse is a Rejected naming the question, never EMPTY."""
        question = data.draw(self.questions(), "question")
        check = self.kind.checker(question)
        result = check(data.draw(self.invalid_answers(question), "answer"))
        assert result.__class__ is Rejected, f"a wrong answer was not refused: {result!r}"
        self.assert_verdict(question, result)

    @_property
    def test_no_answer_is_empty(self, data: st.DataObject) -> None:
        """``None`` is no answer, for a question that takes one; a question answered only
        through its parts refuses everything given to it directly."""
        question = data.draw(self.questions(), "question")
        result = self.kind.checker(question)(None)
        if self.answered(question):
            assert result is EMPTY
        else:
            assert result.__class__ is Rejected

    @_property
    def test_what_a_checker_accepts_it_returns_unchanged(self, data: st.DataObject) -> None:
        """A checker's ``accepts`` set holds only values it returns as they are: the engine
        skips calling it for them."""
        question = data.draw(self.questions(), "question")
        check = self.kind.checker(question)
        for value in getattr(check, "accepts", ()):
            assert check(value) == value

    @_property
    def test_text_a_checker_keeps_it_returns_unchanged(self, data: st.DataObject) -> None:
        """A checker's ``keeps_text_up_to`` is truthful: text of at least one and at most that
        many characters, with no whitespace around it, comes back as it is; the engine skips
        calling it for such text (control characters are the engine's own check, after)."""
        question = data.draw(self.questions(), "question")
        check = self.kind.checker(question)
        limit = getattr(check, "keeps_text_up_to", None)
        if limit is None:
            return
        assert limit.__class__ is int
        assert limit > 0
        text = data.draw(st.text(min_size=1, max_size=min(limit, 50)), "text").strip() or "x"
        longest = "x" * (limit - 1) + text[-1]
        for value in (text, longest):
            assert check(value) == value

    @_property
    def test_controls_checked_means_none_come_back(self, data: st.DataObject) -> None:
        """A checker marked ``controls_checked`` never returns text holding a control character,
        whatever it is given: the engine trusts it and skips that check."""
        question = data.draw(self.questions(), "question")
        check = self.kind.checker(question)
        if not getattr(check, "controls_checked", False):
            return
        result = check(data.draw(json_values(), "value"))
        if _normal(result):
            assert all(first_control(s) is None for s in _strings_in(result))

    # Settings, parts and answer types --------------------------------------------------------

    @_property
    def test_sound_questions_have_no_setting_problems(self, data: st.DataObject) -> None:
        """The questions the suite generates are ones the kind's ``check_settings`` accepts."""
        check_settings = getattr(self.kind, "check_settings", None)
        question = data.draw(self.questions(), "question")
        if check_settings is not None:
            assert check_settings(question) == []

    @_property
    def test_checking_settings_never_raises(self, data: st.DataObject) -> None:
        """Whatever a spec gives the kind's settings, ``check_settings`` names what is wrong as
        ``(key, message)`` with one of the kind's own keys, and never raises."""
        check_settings = getattr(self.kind, "check_settings", None)
        keys = sorted(getattr(self.kind, "settings", {}))
        if check_settings is None or not keys:
            return
        question = data.draw(self.questions(), "question")
        changed = data.draw(
            st.dictionaries(st.sampled_from(keys), _settings_values(), min_size=1), "settings"
        )
        problems = check_settings(evolve(question, settings={**question.settings, **changed}))
        assert isinstance(problems, list)
        for key, message in problems:
            assert key in keys
            assert message.__class__ is str
            assert message.strip()

    @_property
    def test_parts_have_their_own_keys_and_read_only_earlier_parts(
        self, data: st.DataObject
    ) -> None:
        """A question's parts have unique keys, the question's id or ``QID.NAME``; each part's
        condition reads nothing at or after it among the parts; a hidden question hides all its
        parts; and each part's kind is known and checks no answer as an error."""
        question = data.draw(self.questions(), "question")
        if data.draw(st.booleans(), "hidden"):
            question = evolve(question, shown_if="answered(earlier)", condition=Answered("earlier"))
        kinds = self.all_kinds()
        parts = parts_of(question, kinds)
        assert parts == parts_of(question, kinds)
        keys = [part.id for part in parts]
        assert len(set(keys)) == len(keys), f"parts share a key: {keys}"
        for at, part in enumerate(parts):
            assert part.id == question.id or part.id.startswith(f"{question.id}.")
            assert _PART_KEY.fullmatch(part.id), f"{part.id!r} is not a part key"
            if part.id == question.id:
                assert part == question
            assert part.kind in kinds
            if part.condition is not None:
                assert not set(references(part.condition)) & set(keys[at:])
            if question.condition is not None:
                assert part.condition is not None
                assert not evaluate(part.condition, {})
            assert kinds[part.kind].checker(part)(None) is EMPTY

    @_property
    def test_answer_type_is_one_conditions_know(self, data: st.DataObject) -> None:
        """A kind's ``answer_type`` (or ``answer_type_of(question)``) is one conditions know."""
        question = data.draw(self.questions(), "question")
        of = getattr(self.kind, "answer_type_of", None)
        answer_type = of(question) if of is not None else getattr(self.kind, "answer_type", None)
        assert answer_type is None or answer_type in ANSWER_TYPES
