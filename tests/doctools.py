"""Code examples taken from the documentation, so a test runs exactly what the page shows.

An example that is copied into a test drifts from the page; one read from the page cannot.
"""

from __future__ import annotations

import re
import types
from pathlib import Path

__all__ = ["DOCS", "code_block", "module_from_docs"]

DOCS = Path(__file__).resolve().parents[1] / "docs"
_FENCE = re.compile(r"^```(?P<lang>[\w+-]*)\n(?P<body>.*?)^```$", re.M | re.S)


def code_block(page: str, lang: str, first_line: str) -> str:
    """The one fenced ``lang`` block of ``docs/PAGE`` whose first line is ``first_line``."""
    text = (DOCS / page).read_text(encoding="utf-8")
    found = [
        m["body"]
        for m in _FENCE.finditer(text)
        if m["lang"] == lang and m["body"].split("\n", 1)[0].strip() == first_line
    ]
    assert len(found) == 1, f"docs/{page}: {len(found)} {lang} blocks start with {first_line!r}"
    return found[0]


def module_from_docs(page: str, first_line: str) -> types.ModuleType:
    """Run the Python block of ``docs/PAGE`` that starts ``# NAME.py`` as module NAME."""
    source = code_block(page, "python", first_line)
    name = first_line.removeprefix("#").strip().removesuffix(".py")
    module = types.ModuleType(name)
    module.__file__ = f"<docs/{page}: {first_line}>"
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module
