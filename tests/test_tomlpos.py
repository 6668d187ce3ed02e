"""The Locator finds the line of every key, table and array element of a TOML document."""

from __future__ import annotations

import json
import string
import tomllib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveykit.tomlpos import Locator, explain_syntax_error

Path = tuple[str | int, ...]


def lines_of(text: str) -> dict[Path, int]:
    return Locator(text).lines


# examples --------------------------------------------------------------------------------------


def test_keys_tables_and_arrays_of_tables():
    """Each key is found on its own line, and [[x]] headers are numbered in order."""
    text = (
        "top = 1\n"  # 1
        "[consultation]\n"  # 2
        'id = "x"\n'  # 3
        "\n"  # 4
        "[[sections]]\n"  # 5
        'id = "a"\n'  # 6
        "[[sections.questions]]\n"  # 7
        'id = "q1"\n'  # 8
        "[[sections.questions]]\n"  # 9
        'id = "q2"\n'  # 10
        "[[sections]]\n"  # 11
        "[[sections.questions]]\n"  # 12
        'id = "q3"\n'  # 13
    )
    locator = Locator(text)
    assert locator.line(("top",)) == 1
    assert locator.line(("consultation",)) == 2
    assert locator.line(("consultation", "id")) == 3
    assert locator.line(("sections", 0)) == 5
    assert locator.line(("sections", 0, "questions", 1, "id")) == 10
    assert locator.line(("sections", 1, "questions", 0)) == 12
    assert locator.line(("sections", 1, "questions", 0, "id")) == 13


def test_an_unknown_path_falls_back_to_its_nearest_ancestor():
    """A key that is not in the text (a missing key) is located at the table that lacks it."""
    locator = Locator('[consultation]\nid = "x"\n')
    assert locator.line(("consultation", "publisher")) == 1
    assert locator.line(("nowhere", "at", "all")) is None
    assert locator.line(()) is None


def test_multi_line_strings_hide_what_looks_like_keys_and_tables():
    """Text inside multi-line strings is not read as keys, headers or comments."""
    text = (
        'intro = """\n'  # 1
        "[fake]\n"
        'id = "not a key" # nor a comment\n'
        '"""\n'
        "literal = '''\n"  # 5
        "[[also.fake]]\n"
        "'''\n"
        'escaped = """a \\""" b"""\n'  # 8
        'quotes = """x""""\n'  # 9: up to two quotes may close it
        "after = 1\n"  # 10
    )
    assert tomllib.loads(text)
    assert lines_of(text) == {
        ("intro",): 1,
        ("literal",): 5,
        ("escaped",): 8,
        ("quotes",): 9,
        ("after",): 10,
    }


def test_arrays_and_inline_tables_spanning_lines():
    """Elements of an array spread over lines, with comments between, each get their line."""
    text = (
        "options = [  # the choices\n"  # 1
        '  { value = "yes", label = "Yes" },\n'  # 2
        "  # a comment, with [brackets] and = signs\n"  # 3
        '  { value = "no", label = "No", tags = [\n'  # 4
        '    "a",\n'  # 5
        '    "b" ] },\n'  # 6
        "]\n"  # 7
        "after = 2\n"  # 8
    )
    assert tomllib.loads(text)
    locator = Locator(text)
    assert locator.line(("options",)) == 1
    assert locator.line(("options", 0, "label")) == 2
    assert locator.line(("options", 1)) == 4
    assert locator.line(("options", 1, "tags", 1)) == 6
    assert locator.line(("after",)) == 8


def test_quoted_and_dotted_keys():
    """Quoted keys are decoded (escapes included) and dotted keys locate their parents too."""
    text = (
        '"a.b" = 1\n'  # 1
        "'c d' = 2\n"  # 2
        '"say \\"hi\\"" = 3\n'  # 3
        'site."google.com".ok = true\n'  # 4
        '[ "x y" . z ]\n'  # 5
        "k = 1\n"  # 6
    )
    data = tomllib.loads(text)
    assert data['say "hi"'] == 3
    locator = Locator(text)
    assert locator.line(("a.b",)) == 1
    assert locator.line(("c d",)) == 2
    assert locator.line(('say "hi"',)) == 3
    assert locator.line(("site",)) == 4
    assert locator.line(("site", "google.com", "ok")) == 4
    assert locator.line(("x y", "z", "k")) == 6
    assert locator.line(("x y",)) == 5


def test_comments_and_crlf_line_endings():
    """Comments hold no keys, and Windows line endings count as one line each."""
    text = '# a = 1\r\nb = "#not a comment" # c = 3\r\n\r\n[t] # [u]\r\nd = 4\r\n'
    assert tomllib.loads(text) == {"b": "#not a comment", "t": {"d": 4}}
    assert lines_of(text) == {("b",): 2, ("t",): 4, ("t", "d"): 5}


def test_a_key_given_twice_is_noted():
    """TOML that repeats a key is rejected by tomllib; the Locator says where both are."""
    locator = Locator("[t]\na = 1\nb = 2\na = 3\n")
    assert locator.duplicates == [(("t", "a"), 2, 4)]
    assert Locator("[[s]]\na = 1\n[[s]]\na = 1\n").duplicates == []


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('a = 1\nb = "unclosed\nc = 2\n', 2),
        ('a = 1\nb = """never\nclosed\n', 2),
        ("a = 1\nb = '''never\nclosed\n", 2),
        ("a = [1,\n  2,\n", 1),
        ("x = 1\nt = { a = [1, 2\n", 2),
    ],
)
def test_where_an_unclosed_string_or_bracket_began(text, line):
    """For text tomllib rejects, the Locator keeps the line on which the unclosed thing began."""
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    assert Locator(text).unclosed == line


@pytest.mark.parametrize(
    "text",
    ["a = [ } ]", "a = {b = ]}", "[[a]\nb = 1", "= 1", "a = 1 2 3", "[a.]\n", '"a', "[", "a ="],
)
def test_text_that_is_not_toml_stops_the_scan_quietly(text):
    """Broken text never hangs or raises: the Locator keeps what it found."""
    Locator(text)


# generated documents -----------------------------------------------------------------------


class _Writer:
    """Builds a TOML document and remembers the line it wrote each path on."""

    def __init__(self, newline: str) -> None:
        self.newline = newline
        self.text = ""
        self.expected: dict[Path, int] = {}

    @property
    def line(self) -> int:
        return self.text.count("\n") + 1

    def write(self, text: str, marks: list[tuple[Path, int]]) -> None:
        """Append ``text`` as one statement; ``marks`` are (path, offset into text) pairs."""
        start = self.line
        for path, offset in marks:
            self.expected.setdefault(path, start + text[:offset].count("\n"))
        self.text += text.replace("\n", self.newline) + self.newline


def _basic(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, except that TOML also escapes DEL."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


_BARE_KEYS = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=6)
_TRICKY = st.sampled_from([".", " ", '"', "\\", "#", "=", "[", "]", "{", "}", "'", "é", "\t"])
_KEYS = st.text(st.sampled_from(string.ascii_lowercase) | _TRICKY, max_size=6) | _BARE_KEYS
_COMMENT = st.text(string.ascii_letters + " =[]{}\"'#", max_size=12).map(lambda c: f"# {c}")


@st.composite
def _key_text(draw: st.DrawFn, key: str) -> str:
    """A key as TOML text: bare where it can be, else basic or literal quoted."""
    bare_ok = key and all(ch in string.ascii_letters + string.digits + "_-" for ch in key)
    choices = ["basic"] + (["bare"] if bare_ok else []) + (["literal"] if "'" not in key else [])
    style = draw(st.sampled_from(choices))
    if style == "bare":
        return key
    if style == "literal" and "\t" not in key:
        return f"'{key}'"
    return _basic(key)


_ML_TEXT = st.text(string.ascii_letters + " =[]{}#'.\n", max_size=30)


@st.composite
def _scalar(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["int", "bool", "date", "float", "basic", "literal", "mlb", "mll"]))
    if kind == "int":
        return str(draw(st.integers(-1000, 1000)))
    if kind == "bool":
        return draw(st.sampled_from(["true", "false"]))
    if kind == "date":
        return draw(st.sampled_from(["2015-03-13", "2015-03-13T17:00:00", "1979-05-27T07:32:00Z"]))
    if kind == "float":
        return draw(st.sampled_from(["1.5", "-0.25", "3e2"]))
    if kind == "basic":
        return _basic(draw(st.text(max_size=12)))
    if kind == "literal":
        return "'" + draw(st.text(string.ascii_letters + ' "=#[]\\', max_size=12)) + "'"
    body = draw(_ML_TEXT.filter(lambda b: "'''" not in b))
    if kind == "mlb":
        escaped = draw(st.sampled_from(["", '\\"\\"\\"', "\\\\", '"x"']))
        return '"""' + body + escaped + '"""'
    return "'''" + body + "'''"


def _value(depth: int) -> st.SearchStrategy[tuple[str, list[tuple[Path, int]]]]:
    """A value as TOML text, with (path within the value, offset) for every nested element."""
    scalar = _scalar().map(lambda text: (text, []))
    if depth <= 0:
        return scalar
    return st.one_of(scalar, _array(depth - 1), _inline_table(depth - 1))


@st.composite
def _array(draw: st.DrawFn, depth: int) -> tuple[str, list[tuple[Path, int]]]:
    items = draw(st.lists(_value(depth), max_size=4))
    text, marks = "[", []
    for index, (item, inner) in enumerate(items):
        text += draw(st.sampled_from([" ", "\n  ", f" {draw(_COMMENT)}\n  "]))
        marks.append(((index,), len(text)))
        marks.extend(((index, *path), len(text) + offset) for path, offset in inner)
        text += item
        if index < len(items) - 1 or draw(st.booleans()):
            text += ","
    text += draw(st.sampled_from([" ", "\n"])) + "]"
    return text, marks


@st.composite
def _inline_table(draw: st.DrawFn, depth: int) -> tuple[str, list[tuple[Path, int]]]:
    keys = draw(st.lists(_KEYS, max_size=3, unique=True))
    text, marks = "{", []
    for n, key in enumerate(keys):
        text += " " if n == 0 else ", "
        start = len(text)
        text += draw(_key_text(key)) + " = "
        value, inner = draw(_value(depth))
        marks.append(((key,), start))
        marks.extend(((key, *path), len(text) + offset) for path, offset in inner)
        text += value
    return text + " }", marks


@st.composite
def _pairs(draw: st.DrawFn, w: _Writer, table: Path, keys: list[str]) -> None:
    """Write ``key = value`` lines (some as dotted keys) into ``table``."""
    for key in keys:
        if draw(st.booleans()):
            w.write(draw(_COMMENT), [])
        dotted = [key, *draw(st.lists(_KEYS, max_size=2))]
        text = " . ".join(draw(_key_text(k)) for k in dotted) + " = "
        value, inner = draw(_value(2))
        path = (*table, *dotted)
        marks = [(path[:cut], 0) for cut in range(len(table) + 1, len(path) + 1)]
        marks.extend(((*path, *sub), len(text) + offset) for sub, offset in inner)
        text += value
        if draw(st.booleans()):
            text += "  " + draw(_COMMENT)
        w.write(text, marks)


def _header(w: _Writer, path: Path, text_keys: list[str], array: bool) -> None:
    """Write ``[a.b]`` or ``[[a.b]]``; ``path`` is where it leads, array indexes included."""
    inner = ".".join(text_keys)
    text = f"[[{inner}]]" if array else f"[{inner}]"
    w.write(text, [(path[:cut], 0) for cut in range(1, len(path) + 1)])


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, dict[Path, int]]:
    """A nested TOML document, and the line on which each of its paths was written."""
    w = _Writer(draw(st.sampled_from(["\n", "\r\n"])))
    names = draw(st.lists(_KEYS, min_size=1, max_size=6, unique=True))
    cut = draw(st.integers(0, len(names)))
    draw(_pairs(w, (), names[:cut]))
    for name in names[cut:]:
        if draw(st.booleans()):
            w.write("", [])
        name_text = draw(_key_text(name))
        if draw(st.booleans()):
            _header(w, (name,), [name_text], array=False)
            draw(_pairs(w, (name,), draw(st.lists(_KEYS, max_size=3, unique=True))))
            continue
        sub = draw(_KEYS)
        for index in range(draw(st.integers(1, 3))):
            _header(w, (name, index), [name_text], array=True)
            keys = draw(st.lists(_KEYS.filter(lambda k, s=sub: k != s), max_size=3, unique=True))
            draw(_pairs(w, (name, index), keys))
            for sub_index in range(draw(st.integers(0, 2))):
                path = (name, index, sub, sub_index)
                _header(w, path, [name_text, draw(_key_text(sub))], array=True)
                draw(_pairs(w, path, draw(st.lists(_KEYS, max_size=2, unique=True))))
    return w.text, w.expected


def _exists(data: Any, path: Path) -> bool:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return False
    return True


@given(documents())
def test_the_locator_finds_every_line_the_generator_wrote(document):
    """For generated documents, every path is located on the line the generator wrote it on."""
    text, expected = document
    data = tomllib.loads(text)
    assert all(_exists(data, path) for path in expected)
    assert Locator(text).lines == expected


@given(st.text(alphabet=st.sampled_from(list("ab =[]{}.,#'\"\\\n")), max_size=40))
def test_the_locator_survives_any_text(text):
    """Text made of TOML's punctuation never makes the Locator fail or hang."""
    Locator(text)


@given(documents(), st.data())
def test_the_locator_survives_any_cut_of_a_document(document, data):
    """Cut short anywhere, a document never makes the Locator fail or hang."""
    text, _ = document
    end = data.draw(st.integers(0, len(text)))
    locator = Locator(text[:end])
    assert all(isinstance(line, int) for line in locator.lines.values())


# syntax errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a = 1\ntitle = Taking stock\n", ("a value is missing or not valid; text must be", 2)),
        (
            "a = 1\nb = 2\na = 3\nc = 4\n",
            ("the key 'a' is set twice in one table (first on line 1)", 3),
        ),
        (
            'a = 1\nb = "no end\nc = 2\n',
            ("a string or quoted key runs past the end of its line", 2),
        ),
        ('a = """never\nclosed\n', ("a string that starts on this line is not closed", 1)),
        ("a = [\n  1,\n  2\n", ("an array [ ... ] that starts on this line is not closed", 1)),
        ("[a]\nx = 1\n[a]\n", ("the table [a] is declared twice", 3)),
        ('a = "c:\\path"\n', ("a \\ in a string must be written \\\\", 1)),
        ("a = 2015-02-30\n", ("not a real date or time", 1)),
        ('a = "x\x01"\n', ("the invisible character U+0001 is not allowed here", 1)),
        ("a = { b = 1,\n c = 2 }\n", ("a key was expected here; note that an inline table", 1)),
    ],
)
def test_syntax_errors_are_explained_at_the_line_where_they_start(text, expected):
    """tomllib's complaint is put in plain words, at the line where the trouble starts."""
    with pytest.raises(tomllib.TOMLDecodeError) as info:
        tomllib.loads(text)
    message, line, _column = explain_syntax_error(info.value, text)
    assert (message[: len(expected[0])], line) == expected
