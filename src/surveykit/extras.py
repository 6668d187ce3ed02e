"""Optional parts of surveykit ("extras") and the one-line refusal when one is not installed.

``pip install surveykit`` brings the engine, specs, the memory and SQLite stores and the
``validate``/``show``/``check`` commands; the web form, PostgreSQL, email, the terminal form and
reports each need an extra (``pip install 'surveykit[web]'``).  A plugin that needs one says so
with :func:`require_extra` before it starts, or wraps its imports in :func:`needs_extra`, so a
user sees which extra to install instead of a ``ModuleNotFoundError`` traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import SurveykitError

__all__ = [
    "MISSING_EXTRA_STATUS",
    "MissingExtraError",
    "missing_for",
    "needs_extra",
    "require_extra",
]

#: The exit status of a command whose extra is not installed (BSD's EX_UNAVAILABLE).
MISSING_EXTRA_STATUS = 69

_EXTRA_MARKER = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


class MissingExtraError(SurveykitError):
    """Something needs an extra that is not installed: the message says what to install."""

    def __init__(self, what: str, extra: str, distribution: str = "surveykit") -> None:
        self.what, self.extra, self.distribution = what, extra, distribution
        super().__init__(f"{what} needs the {extra} extra: pip install '{distribution}[{extra}]'")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def missing_for(extra: str, distribution: str = "surveykit") -> list[str]:
    """The distributions ``distribution[extra]`` requires that are not installed.

    Read from the installed package's own metadata, so the list in ``pyproject.toml`` is the
    only one there is.  An extra the metadata does not know (an old editable install) needs
    nothing: the import itself is then the check (see :func:`needs_extra`).
    """
    from importlib import metadata  # only here: importing it costs a fast command's start

    try:
        requirements = metadata.requires(distribution) or []
    except metadata.PackageNotFoundError:
        return []
    missing = []
    for requirement in requirements:
        name, _, marker = requirement.partition(";")
        found = _EXTRA_MARKER.search(marker)
        matched = _NAME.match(name)
        if not found or found.group(1) != extra or not matched:
            continue
        wanted = matched.group(1)
        if _normalise(wanted) == _normalise(distribution):
            continue  # a self-reference such as surveykit[web] inside [all]
        try:
            metadata.distribution(wanted)
        except metadata.PackageNotFoundError:
            missing.append(wanted)
    return missing


def require_extra(extra: str, what: str, distribution: str = "surveykit") -> None:
    """Raise :class:`MissingExtraError` unless everything ``distribution[extra]`` needs is here."""
    if missing_for(extra, distribution):
        raise MissingExtraError(what, extra, distribution)


@contextmanager
def needs_extra(extra: str, what: str, distribution: str = "surveykit") -> Iterator[None]:
    """Turn a missing third-party module, imported inside the block, into a one-line refusal.

    A missing module of the plugin itself (``distribution``'s own packages) is a bug, not a
    missing extra, and is raised unchanged.
    """
    try:
        yield
    except ModuleNotFoundError as exc:
        top = (exc.name or "").split(".")[0]
        if not top or top.startswith("surveykit"):
            raise
        raise MissingExtraError(what, extra, distribution) from exc
