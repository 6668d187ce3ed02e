"""How the built-in kinds are read from and written to surveyjs (see :mod:`.kindmaps`)."""

from __future__ import annotations

from .kindmaps import FormatMapping

#: Kind name to its surveyjs mapping.
MAPPINGS: dict[str, FormatMapping] = {}
