"""The pytest plugin surveykit installs (``pytest11`` entry point): fixtures and nothing else.

Every pytest session on a machine with surveykit installed loads this module, so it stays small
and every fixture's name starts with ``surveykit_``: nothing here can clash with a project's own
fixtures.  The conformance suites live in :mod:`surveykit.testing` and
:mod:`surveykit.testing_mailbox`, imported only by the tests that use them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .plugins import Plugins

__all__ = ["surveykit_plugins"]


@pytest.fixture
def surveykit_plugins() -> Plugins:
    """A fresh :class:`surveykit.Plugins` with the installed entry points loaded."""
    from .plugins import Plugins

    plugins = Plugins()
    plugins.load_entry_points()
    return plugins
