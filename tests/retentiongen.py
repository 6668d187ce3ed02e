"""Generated ``[retention]`` tables and durations, for the retention and spec-writer tests."""

from __future__ import annotations

from attrs import evolve
from hypothesis import strategies as st

from surveykit.model import Metadata
from surveykit.retention import IDENTIFYING, UNITS, Duration, Retention, add_duration

#: Any duration a spec may hold, from "0 days" to the most of each unit.
DURATIONS = st.sampled_from(sorted(UNITS)).flatmap(
    lambda unit: st.builds(Duration, st.integers(0, UNITS[unit]), st.just(unit))
)
#: The durations a council would write, small enough to compare often.
USUAL = st.sampled_from(sorted(UNITS)).flatmap(
    lambda unit: st.builds(Duration, st.integers(0, 40), st.just(unit))
)
KEPT = st.none() | USUAL


@st.composite
def retentions(draw: st.DrawFn, meta: Metadata) -> Retention:
    """A table the loader accepts for ``meta``'s close: nothing that holds a sender's
    address outlives the contact details (the rest is drawn freely)."""
    table = Retention(
        contact_details=draw(KEPT),
        link_hashes=draw(KEPT),
        drafts=draw(KEPT),
        history=draw(KEPT),
        raw_emails=draw(KEPT),
        review_items=draw(KEPT),
        free_text=draw(KEPT),
        sensitive_answers=draw(KEPT),
        anonymise=draw(st.booleans()),
        anonymise_after=draw(USUAL),
    )
    contact = table.contact_details
    if contact is None:
        return table
    limit = add_duration(meta.closes_at, contact, meta.zone)
    for name in IDENTIFYING:
        mine = getattr(table, name)
        if mine is None or add_duration(meta.closes_at, mine, meta.zone) > limit:
            table = evolve(table, **{name: contact})
    return table
