"""The package installs and runs outside the repository (issue 15).

``python -m build`` makes the sdist from the working tree and the wheel from the sdist, as a
packager would: so the wheel's web assets are compiled by the build hook from what the sdist
carries (npm sources, never the built files).  The wheel is then installed into a new virtual
environment in a temporary folder, far from the clone, and run from there.
"""

from __future__ import annotations

import datetime as dt
import tarfile
import zipfile

import pytest
from wheeltools import ROOT, free_port, get, run, serving


@pytest.fixture(scope="module")
def installed(venv_for):
    """A new virtual environment, outside the clone, with the wheel and its web extra."""
    return venv_for("web")


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
    out = run(installed / "surveykit", "validate", "taking-stock", cwd=tmp_path)
    assert out.startswith("taking-stock: OK: 'Taking stock'")
    code = "import surveykit; print(len(surveykit.load_spec('taking-stock').questions))"
    assert int(run(installed / "python", "-c", code, cwd=tmp_path)) > 20


def test_the_installed_server_serves_pages_and_assets(installed, tmp_path):
    """`surveykit serve taking-stock` from the wheel: the start page and its CSS and JS."""
    port = free_port()
    until = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    command = [installed / "surveykit", "serve", "taking-stock", "--db", "sqlite:///t.db"]
    command += ["--port", str(port), "--open-until", until]
    base = f"http://127.0.0.1:{port}"
    with serving(command, tmp_path, base + "/") as (status, page):
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
            status, body = get(base + asset)
            assert status == 200, asset
            assert body
