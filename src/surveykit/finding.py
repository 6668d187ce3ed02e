"""Where the deployment file is: the one thing every ``surveykit`` command asks of it before it
runs, kept apart from reading the file (:mod:`surveykit.deployment`) so a command run without
one never imports the reader."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DEPLOYMENT_ENV", "DEPLOYMENT_FILE", "find_deployment"]

#: The file looked for in the working directory.
DEPLOYMENT_FILE = "surveykit.toml"
#: The environment variable naming a deployment file elsewhere.
DEPLOYMENT_ENV = "SURVEYKIT_DEPLOYMENT"


def find_deployment(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The deployment file to use: ``explicit``, else ``$SURVEYKIT_DEPLOYMENT``, else
    ``surveykit.toml`` in the working directory if there is one, else none."""
    if explicit is not None:
        return Path(explicit)
    named = os.environ.get(DEPLOYMENT_ENV)
    if named:
        return Path(named)
    here = Path(DEPLOYMENT_FILE)
    return here if here.is_file() else None
