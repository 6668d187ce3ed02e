"""Bar charts as inline SVG, drawn in Python: no script, no fonts or files to fetch.

A chart is decoration for sighted readers: the data table beside it is the real data, so the SVG
is ``aria-hidden``.  Every bar carries its count and percentage as text, and a suppressed count
is the marker in words, never a bar, so nothing is told by colour or length alone.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from attrs import frozen
from markupsafe import Markup, escape

from .words import Words, english

__all__ = ["Bar", "Stack", "bar_chart", "stacked_chart"]

WIDTH = 480
#: Room to the right of the longest bar for its "1,234 (56.7%)" label.
LABEL_ROOM = 120
LINE = 18
BAR = 22
GAP = 14
WRAP = 58
FILL = "#1d70b8"  # 5.2:1 against white
MUTED = "#505a5f"  # 7:1 against white; for "not answered" and "not shown"
INK = "#0b0c0c"


@frozen
class Bar:
    """One bar: its label, its count (``None`` when suppressed) and its percentage, if known."""

    label: str
    count: int | None
    percent: float | None = None
    muted: bool = False


def _value_text(bar: Bar, marker: str, say: Words) -> str:
    if bar.count is None:
        return say.gettext("{marker} not published").format(marker=marker)
    if bar.percent is None:
        return f"{bar.count:,}"
    return f"{bar.count:,} ({bar.percent:.1f}%)"


def bar_chart(bars: Sequence[Bar], *, marker: str = "[c]", say: Words | None = None) -> Markup:
    """A horizontal bar chart, one labelled bar per item, scaled to the largest share (its
    words in the language of ``say``)."""
    say = say or english()
    shares = [
        bar.percent if bar.percent is not None else bar.count
        for bar in bars
        if bar.count is not None
    ]
    scale = max([s for s in shares if s is not None] or [0]) or 1
    span = WIDTH - LABEL_ROOM
    parts: list[str] = []
    y = 4
    for bar in bars:
        for line in textwrap.wrap(bar.label, WRAP) or [""]:
            y += LINE
            parts.append(f'<text x="0" y="{y - 4}" class="sk-chart-label">{escape(line)}</text>')
        top = y + 2
        value = escape(_value_text(bar, marker, say))
        if bar.count is None:
            parts.append(
                f'<rect x="0.5" y="{top + 0.5}" width="{BAR * 2}" height="{BAR - 1}" '
                f'fill="none" stroke="{MUTED}" stroke-dasharray="3 3"/>'
                f'<text x="{BAR * 2 + 8}" y="{top + BAR - 6}" class="sk-chart-value">{value}</text>'
            )
        else:
            share = bar.percent if bar.percent is not None else bar.count
            width = max(round(span * share / scale, 1), 1.0 if bar.count else 0.0)
            colour = MUTED if bar.muted else FILL
            parts.append(
                f'<rect x="0" y="{top}" width="{width}" height="{BAR}" fill="{colour}"/>'
                f'<text x="{width + 6}" y="{top + BAR - 6}" class="sk-chart-value">{value}</text>'
            )
        y = top + BAR + GAP
    height = y
    return Markup(
        f'<svg class="sk-chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-hidden="true" focusable="false" '
        f'font-family="Arial, Helvetica, sans-serif" font-size="14" fill="{INK}">'
        + "".join(parts)
        + "</svg>"
    )


@frozen
class Stack:
    """One statement of a grid: its label and one :class:`Bar` per option, in option order
    (a bar's ``count`` is ``None`` where it is suppressed)."""

    label: str
    bars: tuple[Bar, ...]


#: Segment colours, dark to light and back, each with text that reads on it.
SEGMENTS = (
    ("#0b0c0c", "#ffffff"),
    ("#1d70b8", "#ffffff"),
    ("#b1b4b6", "#0b0c0c"),
    ("#f47738", "#0b0c0c"),
    ("#d4351c", "#ffffff"),
    ("#00703c", "#ffffff"),
    ("#4c2c92", "#ffffff"),
)


def stacked_chart(
    stacks: Sequence[Stack], *, marker: str = "[c]", say: Words | None = None
) -> Markup:
    """A grid as one bar per statement, split by the share of each option.

    A statement with any option suppressed is not drawn (its shares would give the hidden
    figure away, and a bar with a gap would mislead): it says so in words instead.  Each
    segment carries its option's number (1, 2, ... as in the key above the bars) and, where
    there is room, its percentage, so nothing is told by colour alone.
    """
    say = say or english()
    names = [bar.label for bar in stacks[0].bars] if stacks else []
    parts: list[str] = []
    y = 4
    x = 0
    for n, name in enumerate(names):
        fill, ink = SEGMENTS[n % len(SEGMENTS)]
        text = f"{n + 1}. {name}"
        if x + 30 + 7 * len(text) > WIDTH:
            x, y = 0, y + LINE + 4
        parts.append(
            f'<rect x="{x}" y="{y}" width="16" height="16" fill="{fill}"/>'
            f'<text x="{x + 4}" y="{y + 13}" fill="{ink}" font-size="11">{n + 1}</text>'
            f'<text x="{x + 22}" y="{y + 13}" class="sk-chart-label">{escape(text[3:])}</text>'
        )
        x += 30 + 7 * len(text)
    y += LINE + GAP
    for stack in stacks:
        for line in textwrap.wrap(stack.label, WRAP) or [""]:
            y += LINE
            parts.append(f'<text x="0" y="{y - 4}" class="sk-chart-label">{escape(line)}</text>')
        top = y + 2
        counts = [bar.count for bar in stack.bars]
        total = sum(c for c in counts if c is not None)
        if any(c is None for c in counts) or total == 0:
            words = (
                say.gettext("Shares not shown: some figures are {marker}").format(marker=marker)
                if total
                else say.gettext("No answers")
            )
            parts.append(
                f'<text x="0" y="{top + BAR - 6}" class="sk-chart-value">{escape(words)}</text>'
            )
        else:
            left = 0.0
            for n, count in enumerate(counts):
                width = WIDTH * count / total
                if width <= 0:
                    continue
                fill, ink = SEGMENTS[n % len(SEGMENTS)]
                share = 100 * count / total
                label = (
                    f"{n + 1}: {share:.0f}%" if width > 52 else (str(n + 1) if width > 12 else "")
                )
                parts.append(
                    f'<rect x="{left:.1f}" y="{top}" width="{width:.1f}" height="{BAR}" '
                    f'fill="{fill}"/>'
                )
                if label:
                    parts.append(
                        f'<text x="{left + 4:.1f}" y="{top + BAR - 6}" fill="{ink}" '
                        f'font-size="12">{escape(label)}</text>'
                    )
                left += width
        y = top + BAR + GAP
    return Markup(
        f'<svg class="sk-chart sk-stacked" viewBox="0 0 {WIDTH} {y}" '
        f'width="{WIDTH}" height="{y}" aria-hidden="true" focusable="false" '
        f'font-family="Arial, Helvetica, sans-serif" font-size="14" fill="{INK}">'
        + "".join(parts)
        + "</svg>"
    )
