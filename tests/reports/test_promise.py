"""The promise, end to end: no individual or authority identified, against the stated attacker.

Generated consultations (small specs with routing, 1 to 1,000 respondents, k from 3 to 10,
skewed types of authority, councils whose leader and chief executive answer alike) are loaded
into a real store and published release after release by the real pipeline
(:func:`surveykit_reports.releases.publish_report`), with one-response, few-response,
many-response and revising increments between releases.  Their questions are single and multiple
choice and free text, and grids, rankings, numbers (with and without bounds) and month-precision
dates, with routing on each of them (a grid's statement, ``count()`` and ``in`` of a ranking,
comparisons of numbers and dates), and sensitive choices (judged at their own threshold, never
by group, nor any question routed on them) and "Other (please specify)" words, whose quotes are
traced to their writers (``auditor.quote_findings``: consent, names, authorities).  The
independent attacker (``attacker.py``) then reads every published JSON report with the spec
and the documented rules (per-statement tables, first choices and positions, mean ranks, merged
ranges as sums of base bins, the median and quartile ranges), solves its integer programs, and
is judged against the truth recounted by brute force (``population.py``).  It must find nothing.

CI's profile runs 1,000 consultations; ``benchmarks/disclosure_audit.py`` runs 10,000 and
prints the counts and the information loss.  ``SURVEYKIT_CONSULTATIONS`` sets another number.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import event, given, settings

sys.path.insert(0, str(Path(__file__).parent))
import population as pop
from attacker import audit
from auditor import quote_findings

#: Consultations per run: 1,000 in CI's profile (the issue's floor), fewer while developing.
_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
CONSULTATIONS = int(os.environ.get("SURVEYKIT_CONSULTATIONS") or (1000 if _PROFILE == "ci" else 60))


@settings(max_examples=CONSULTATIONS, deadline=None)
@given(pop.release_sequences(max_steps=2, rich=True))
def test_no_release_of_any_consultation_identifies_anyone(sequence):
    """The attacker, holding every release, finds no narrowed small figure, no exact hidden
    figure, no group shown to answer alike, and no small change between releases."""
    published, truths, refused = pop.publish_releases(sequence)
    assert all(n != 1 for n, _ in refused), refused
    event(f"releases published: {len(published)} of {len(sequence.snapshots)}")
    findings = audit(published, truths, sequence.k, spec=sequence.spec, unsuppressed=True)
    assert findings == [], findings[:5]
    people = pop.published_snapshots(sequence, refused)
    assert quote_findings(sequence.spec, published, people) == []
