"""Pytest plugin and helpers for people testing surveykit consultations and plugins.

Installed through the ``pytest11`` entry point, so its fixtures are available in any test suite
once surveykit is installed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

__all__ = ["surveykit_plugins"]


@pytest.fixture
def surveykit_plugins():
    """A fresh :class:`surveykit.Plugins` with the installed entry points loaded."""
    from .plugins import Plugins

    plugins = Plugins()
    plugins.load_entry_points()
    return plugins


def spec_path(name: str, root: str | Path = ".") -> Path:
    """The path of ``specs/<name>.toml`` under ``root``."""
    return Path(root) / "specs" / f"{name}.toml"
