"""Progress bars for long-running commands: drawn on a terminal, silent when piped.

Every long-running ``surveykit`` command (issuing links, sending invitations, ingesting mail,
building reports) reports progress through :func:`progress`, so they all look and behave alike.
The bar goes to stderr, and only when stderr is a terminal: piped or redirected output stays
exactly what the command prints, so scripts can read it.  ``SURVEYKIT_PROGRESS=0`` turns bars off
and ``SURVEYKIT_PROGRESS=1`` forces them on (for recording a session).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

__all__ = ["progress", "progress_enabled", "track"]

T = TypeVar("T")
#: Set to 0 to never draw bars, 1 to always draw them.
PROGRESS_ENV = "SURVEYKIT_PROGRESS"


def progress_enabled() -> bool:
    """Whether bars are drawn: on a terminal unless ``SURVEYKIT_PROGRESS`` says otherwise."""
    setting = os.environ.get(PROGRESS_ENV, "").strip()
    if setting in {"0", "1"}:
        return setting == "1"
    stream = sys.stderr
    return bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())


@contextmanager
def progress(label: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """Show a bar for ``total`` steps (a spinner when unknown); yields ``advance(steps=1)``.

    Example::

        with progress("Sending invitations", total=len(people)) as advance:
            for person in people:
                send(person)
                advance(1)
    """
    if not progress_enabled():
        yield _ignore
        return
    columns = [
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    if total is not None:
        columns.append(TimeRemainingColumn())
    forced = os.environ.get(PROGRESS_ENV, "").strip() == "1"
    console = Console(file=sys.stderr, force_terminal=True if forced else None)
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(label, total=total)

        def advance(steps: int = 1) -> None:
            bar.advance(task, steps)

        yield advance


def track(items: Iterable[T], label: str, total: int | None = None) -> Iterator[T]:
    """Yield ``items`` while drawing a bar; ``total`` defaults to ``len(items)`` when it has one."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with progress(label, total) as advance:
        for item in items:
            yield item
            advance(1)


def _ignore(steps: int = 1) -> None:
    """The ``advance`` of a bar that is not drawn."""
