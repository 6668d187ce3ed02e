"""The package installs and runs outside the repository (issue 15).

``python -m build`` makes the sdist from the working tree and the wheel from the sdist, as a
packager would: so the wheel's web assets are compiled by the build hook from what the sdist
carries (npm sources, never the built files).  The wheel is then installed into a new virtual
environment in a temporary folder, far from the clone, and run from there.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(*command: str | Path, cwd: Path, timeout: float = 600) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("SURVEYKIT_")},
    )
    assert done.returncode == 0, (command, done.stdout[-3000:], done.stderr[-3000:])
    return done.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """The sdist and the wheel, built from the working tree into a temporary folder."""
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--outdir", out, ROOT, cwd=ROOT)
    [sdist] = out.glob("surveykit-*.tar.gz")
    [wheel] = out.glob("surveykit-*.whl")
    return sdist, wheel


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory) -> Path:
    """A new virtual environment, outside the clone, with the wheel installed: its bin folder."""
    venv = tmp_path_factory.mktemp("venv")
    _run(sys.executable, "-m", "venv", venv, cwd=venv)
    _run(venv / "bin/python", "-m", "pip", "install", "--quiet", built[1], cwd=venv)
    return venv / "bin"


def test_the_wheel_carries_built_assets_and_the_reference_spec(built):
    sdist, wheel = built
    names = set(zipfile.ZipFile(wheel).namelist())
    for asset in ("surveykit.css", "govuk-frontend.min.js", "surveykit.mjs"):
        assert f"surveykit_html/static/{asset}" in names
    assert "surveykit/specs/taking_stock.toml" in names
    assert not any("node_modules" in name for name in names)
    spec = zipfile.ZipFile(wheel).read("surveykit/specs/taking_stock.toml")
    assert spec == (ROOT / "specs/taking_stock.toml").read_bytes()
    # The sdist carries what rebuilding the assets needs, and nothing built or fetched.
    with tarfile.open(sdist) as archive:
        carried = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assets = "plugins/surveykit_html/assets"
    for source in ("package.json", "package-lock.json", "build.mjs", "src/surveykit.scss"):
        assert f"{assets}/{source}" in carried
    assert not any("node_modules" in name or "/static/" in name for name in carried)


def test_the_installed_command_finds_the_packaged_spec(installed, tmp_path):
    out = _run(installed / "surveykit", "validate", "taking-stock", cwd=tmp_path)
    assert out.startswith("taking-stock: OK: 'Taking stock'")
    code = "import surveykit; print(len(surveykit.load_spec('taking-stock').questions))"
    assert int(_run(installed / "python", "-c", code, cwd=tmp_path)) > 20


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_installed_server_serves_pages_and_assets(installed, tmp_path):
    """`surveykit serve taking-stock` from the wheel: the start page and its CSS and JS."""
    port = _free_port()
    until = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    command = [installed / "surveykit", "serve", "taking-stock", "--db", "sqlite:///t.db"]
    command += ["--port", str(port), "--open-until", until]
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(command, cwd=tmp_path, stdout=sink, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, log.read_text()
            try:
                status, page = _get(base + "/")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        assert status == 200
        text = page.decode()
        assert "Taking stock" in text
        linked = [part.split('"')[0] for part in text.split('href="')[1:] + text.split('src="')[1:]]
        assets = [link for link in linked if link.startswith("/static/")]
        assert {a.split("?")[0].rsplit("/", 1)[-1] for a in assets} >= {
            "surveykit.css",
            "surveykit.mjs",
        }
        for asset in [*assets, "/static/govuk-frontend.min.js"]:
            status, body = _get(base + asset)
            assert status == 200, asset
            assert body
    finally:
        server.terminate()
        server.wait(timeout=10)
