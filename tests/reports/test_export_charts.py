"""The SVG bar charts: well-formed, hidden from screen readers, and never colour or length alone."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from surveykit_reports.charts import LABEL_ROOM, WIDTH, Bar, bar_chart

# Printable text, markup characters included: labels come from specs, which anyone may write.
labels = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029"),
    max_size=120,
)
bars = st.lists(
    st.builds(
        Bar,
        label=labels,
        count=st.none() | st.integers(0, 10**7),
        percent=st.none() | st.floats(0, 100, allow_nan=False),
        muted=st.booleans(),
    ),
    max_size=12,
)


def _squash(text: str) -> str:
    return "".join(text.split())


@given(bars)
def test_chart_is_well_formed_and_hidden(items):
    """Any labels make a well-formed SVG that screen readers skip (the table is the data)."""
    svg = ET.fromstring(str(bar_chart(items)))
    assert svg.tag == "svg"
    assert svg.get("aria-hidden") == "true"
    assert svg.get("focusable") == "false"


@given(bars)
def test_every_bar_says_its_value_in_words(items):
    """Each bar's label and value are text; a suppressed one shows the marker and no number."""
    svg = ET.fromstring(str(bar_chart(items, marker="[c]")))
    labels_shown = [t.text or "" for t in svg.iter("text") if t.get("class") == "sk-chart-label"]
    values = [t.text or "" for t in svg.iter("text") if t.get("class") == "sk-chart-value"]
    assert _squash("".join(labels_shown)) == _squash("".join(b.label for b in items))
    assert len(values) == len(items)
    for bar, value in zip(items, values, strict=True):
        if bar.count is None:
            assert value == "[c] not published"
        else:
            assert value.startswith(f"{bar.count:,}")


@given(bars)
def test_bars_fit_and_suppressed_counts_draw_no_bar(items):
    """Filled bars stay within the chart; a suppressed count is an outline, never a filled bar."""
    svg = ET.fromstring(str(bar_chart(items)))
    rects = list(svg.iter("rect"))
    assert len(rects) == len(items)
    for bar, rect in zip(items, rects, strict=True):
        width = float(rect.get("width"))
        assert 0 <= width <= WIDTH - LABEL_ROOM
        assert (rect.get("fill") == "none") == (bar.count is None)


def test_bars_are_scaled_to_the_largest_share():
    """The largest share fills the bar area; the others are in proportion."""
    svg = ET.fromstring(str(bar_chart([Bar("a", 30, 75.0), Bar("b", 10, 25.0), Bar("c", None)])))
    widths = [float(r.get("width")) for r in svg.iter("rect")]
    assert widths[0] == WIDTH - LABEL_ROOM
    assert widths[1] == round((WIDTH - LABEL_ROOM) / 3, 1)
