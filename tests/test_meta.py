"""Meta-tests that keep the project honest: every hook tested and documented, layering kept."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from surveykit import hookspecs

ROOT = Path(__file__).resolve().parents[1]
HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("surveykit_"))


def _signature(name: str) -> str:
    import inspect

    return f"{name}{inspect.signature(getattr(hookspecs, name))}"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook):
    """Each hook specification has a test named test_hook_<name> somewhere under tests/."""
    wanted = f"def test_hook_{hook.removeprefix('surveykit_')}"
    sources = "\n".join(p.read_text() for p in (ROOT / "tests").rglob("test_*.py"))
    assert wanted in sources


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_with_its_signature(hook):
    """docs/hooks.md has a heading with each hook's exact signature."""
    headings = re.findall(r"^#+ (.+)$", (ROOT / "docs" / "hooks.md").read_text(), re.M)
    assert f"`{_signature(hook)}`" in [h.strip() for h in headings]


def test_core_does_not_import_plugins():
    """The import-linter contracts in pyproject.toml hold: the core imports no built-in plugin."""
    result = subprocess.run(
        [_tool("lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_builtin_plugins_use_only_the_public_api():
    """Built-in plugins import surveykit names only from the top-level package or public modules."""
    private = re.compile(r"^\s*(from|import)\s+surveykit\.(_\w+|\w+\._\w+)", re.M)
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "plugins").rglob("*.py")
        if private.search(path.read_text())
    ]
    assert offenders == []


def _tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def test_ruff_is_clean():
    """`ruff check` finds nothing anywhere in the repository."""
    result = subprocess.run(
        [_tool("ruff"), "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_docs_build_without_warnings(tmp_path):
    """The documentation site builds with MkDocs in strict mode (warnings are errors)."""
    result = subprocess.run(
        [_tool("mkdocs"), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
