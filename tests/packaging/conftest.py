"""The built wheel, and fresh virtual environments outside the clone with it and an extra.

The wheel is built once per session.  Every dependency of every extra is collected once into a
wheelhouse (``pip wheel``, quick from pip's cache); each environment is then a ``venv`` without
pip, filled from the wheelhouse alone (``--no-index``), so an extra gets exactly what its
metadata asks for and nothing the clone happens to have.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from wheeltools import ROOT, run


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """The sdist and the wheel, built from the working tree into a temporary folder.

    ``python -m build`` makes the sdist from the tree and the wheel from the sdist, as a
    packager would, so the wheel's web assets are compiled from what the sdist carries.
    """
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, ROOT, cwd=ROOT)
    [sdist] = out.glob("surveykit-*.tar.gz")
    [wheel] = out.glob("surveykit-*.whl")
    return sdist, wheel


@pytest.fixture(scope="session")
def wheelhouse(built, tmp_path_factory) -> Path:
    """The wheel and the wheels of everything ``surveykit[all]`` depends on."""
    house = tmp_path_factory.mktemp("wheelhouse")
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", house]
    run(*pip_wheel, f"{built[1]}[all]", cwd=house)
    return house


@pytest.fixture(scope="session")
def venv_for(built, wheelhouse, tmp_path_factory) -> Callable[[str | None], Path]:
    """``venv_for("web")``: the bin folder of a new environment with ``surveykit[web]``
    installed (``None``: the core alone), made once per session and extra."""
    made: dict[str | None, Path] = {}

    def make(extra: str | None) -> Path:
        if extra not in made:
            venv = tmp_path_factory.mktemp(f"venv-{extra or 'core'}")
            run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=venv)
            wanted = f"{built[1]}[{extra}]" if extra else str(built[1])
            install = [sys.executable, "-m", "pip", "--python", venv / "bin/python", "install"]
            install += ["--quiet", "--no-index", "--find-links", wheelhouse, wanted]
            run(*install, cwd=venv)
            made[extra] = venv / "bin"
        return made[extra]

    return make
