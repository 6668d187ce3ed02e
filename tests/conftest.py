"""Shared test set-up: Hypothesis profiles.

Choose one with ``HYPOTHESIS_PROFILE``; the default is "ci" when ``CI`` is set and "dev"
otherwise.  "ci" is the thorough one (the property suite still runs in well under a minute),
"dev" is quick enough to run on every save, "debug" prints every example it tries.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Verbosity, settings

# Generated specs are big inputs and CI machines are slow and noisy: no deadlines, and no
# complaints about slow data generation.
_common = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}

settings.register_profile("ci", max_examples=150, print_blob=True, **_common)
settings.register_profile("dev", max_examples=40, **_common)
settings.register_profile(
    "debug",
    max_examples=10,
    verbosity=Verbosity.verbose,
    print_blob=True,
    report_multiple_bugs=False,
    **_common,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
