"""surveykit's pytest plugin adds only fixtures named ``surveykit_*`` to other sessions."""

from __future__ import annotations

import re
import subprocess
import sys

PROJECT_TESTS = """
import pytest

@pytest.fixture
def respondent():
    return "the project's own respondent"

@pytest.fixture
def spec_path():
    return "the project's own spec"

def test_own_fixtures_win(respondent, spec_path, surveykit_plugins):
    assert respondent == "the project's own respondent"
    assert spec_path == "the project's own spec"
    assert "sqlite" in surveykit_plugins.storage
"""


def _pytest(folder, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_every_fixture_surveykit_adds_is_prefixed(tmp_path):
    (tmp_path / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
    out = _pytest(tmp_path, "--fixtures", "-q")
    section = out.split("fixtures defined from surveykit", 1)[1].split("\n---", 1)[0]
    names = re.findall(r"^(\w+) -- ", section, re.M)
    assert names == ["surveykit_plugins"]


def test_a_projects_own_fixtures_of_common_names_are_untouched(tmp_path):
    (tmp_path / "test_project.py").write_text(PROJECT_TESTS)
    assert "1 passed" in _pytest(tmp_path, "-q")
