"""Build hook: compile the web form's front-end assets into the package before it is built.

Everything else about the package is in pyproject.toml.  The assets (GOV.UK Frontend's script,
a stylesheet compiled from Sass) come from npm at build time and are never committed, so a wheel
built from a fresh clone or from the sdist carries them and works anywhere.  Building needs
Node.js with npm; without it the build stops with a message saying so.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "plugins" / "surveykit_html" / "assets"
STATIC = HERE / "plugins" / "surveykit_html" / "static"
STAMP = STATIC / ".built-stamp"
BUILT = ("surveykit.css", "govuk-frontend.min.js", "surveykit.mjs")


def _sources() -> list[Path]:
    names = ("package.json", "package-lock.json", "build.mjs")
    return [ASSETS / name for name in names] + sorted((ASSETS / "src").glob("*"))


def assets_are_current() -> bool:
    """Built, and newer than everything they are built from (as `make assets` judges it)."""
    if not STAMP.exists() or not all((STATIC / name).is_file() for name in BUILT):
        return False
    built = STAMP.stat().st_mtime
    return all(source.stat().st_mtime <= built for source in _sources() if source.exists())


def build_assets() -> None:
    """`npm ci` and `npm run build` in the assets folder, or a clear stop when npm is missing."""
    if assets_are_current():
        return
    npm = shutil.which("npm")
    if npm is None:
        msg = (
            "surveykit's web form assets must be built, and that needs Node.js with npm "
            "(https://nodejs.org/); install it and build again"
        )
        raise SystemExit(f"error: {msg}")
    for step in (
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        [npm, "run", "--silent", "build"],
    ):
        done = subprocess.run(step, cwd=ASSETS, check=False)
        if done.returncode != 0:
            raise SystemExit(f"error: building the web form's assets failed: {' '.join(step)}")
    STAMP.touch()


class BuildWithAssets(build_py):
    """``build_py`` that builds the front-end assets first, so package data includes them."""

    def run(self) -> None:
        build_assets()
        super().run()


setup(cmdclass={"build_py": BuildWithAssets})
