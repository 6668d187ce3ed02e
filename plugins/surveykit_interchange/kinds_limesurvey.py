"""How the built-in kinds are read from and written to limesurvey (see :mod:`.kindmaps`)."""

from __future__ import annotations

from .kindmaps import FormatMapping

#: Kind name to its limesurvey mapping.
MAPPINGS: dict[str, FormatMapping] = {}
