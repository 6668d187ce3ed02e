"""The quick entry-point reader (issue 20) finds what ``importlib.metadata`` finds, in its order,
and plugins load through it exactly as through pluggy's own loader.

Fake distributions are ``.dist-info`` and ``.egg-info`` folders written into a temporary folder
put on ``sys.path``, as an installer (or an editable install) leaves them.
"""

from __future__ import annotations

import importlib.metadata
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveykit import PluginError, Plugins
from surveykit._entrypoints import scan
from surveykit.plugins import ENTRY_POINT_GROUP

GROUPS = (ENTRY_POINT_GROUP, "console_scripts", "pytest11")


def _by_importlib(group: str) -> list[tuple[str, str, str]]:
    """What pluggy's ``load_setuptools_entrypoints`` walks: every distribution, in order."""
    return [
        (ep.name, ep.value, str(dist._path))
        for dist in importlib.metadata.distributions()
        for ep in dist.entry_points
        if ep.group == group
    ]


def _by_scan(group: str) -> list[tuple[str, str, str]]:
    found = scan(group)
    assert found is not None
    return [(ep.name, ep.value, ep.dist_path) for ep in found]


@pytest.mark.parametrize("group", GROUPS)
def test_the_installed_entry_points_are_found_in_importlib_metadata_order(group):
    assert _by_scan(group) == _by_importlib(group)


def _write(folder: Path, name: str, entry_points: str | None, *, egg: bool = False) -> None:
    """A metadata folder ``name`` (``project-version.dist-info``) with its entry points."""
    info = folder / name
    info.mkdir()
    meta = "PKG-INFO" if egg else "METADATA"
    project, _, rest = name.partition("-")
    version = rest.rpartition(".")[0] or "1.0"
    (info / meta).write_text(f"Metadata-Version: 2.1\nName: {project}\nVersion: {version}\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")


#: Names whose folders group differently once normalised (``a_b``, ``A.B`` and ``a-b`` are one).
_NAMES = st.sampled_from(["alpha", "Alpha", "a_b", "A.B", "a-b", "zeta", "mid", "Mid_Plugin"])
_ENTRY = st.tuples(
    st.sampled_from(["one", "two", "kinds", "x.y"]),
    st.sampled_from(["pkg", "pkg.sub", "pkg:attr", "pkg.sub : attr.inner", "pkg [extra]"]),
)
_SECTION = st.tuples(
    st.sampled_from([ENTRY_POINT_GROUP, "console_scripts", "other", "[surveykit]"]),
    st.lists(_ENTRY, max_size=3),
)


def _text(sections: list[tuple[str, list[tuple[str, str]]]], spaced: bool) -> str:
    lines = ["# written by a test", ""]
    for header, entries in sections:
        lines.append(f"[{header}]")
        for name, value in entries:
            lines.append(f"  {name} =   {value}  " if spaced else f"{name}={value}")
        lines.append("")
    return "\n".join(lines)


@given(
    st.lists(
        st.tuples(
            _NAMES,
            st.sampled_from(["1.0", "2.0"]),
            st.sampled_from([".dist-info", ".egg-info", ".DIST-INFO"]),
            st.lists(_SECTION, max_size=3) | st.none(),
            st.booleans(),
        ),
        max_size=6,
        unique_by=lambda d: (d[0], d[1], d[2].lower()),
    )
)
def test_fake_distributions_are_found_as_importlib_metadata_finds_them(distributions):
    """Any mix of folders (cases, separators, egg-info, no entry_points.txt, comments and
    spacing) gives the same entry points, in the same order, as ``importlib.metadata``."""
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as mp:
        root = Path(folder)
        for name, version, suffix, sections, spaced in distributions:
            text = None if sections is None else _text(sections, spaced)
            _write(root, f"{name}-{version}{suffix}", text)
        (root / "not_metadata.txt").write_text("[surveykit]\nx = y\n")
        mp.syspath_prepend(folder)
        importlib.invalidate_caches()
        for group in GROUPS:
            assert _by_scan(group) == _by_importlib(group)


def test_an_egg_folder_and_a_metadata_file_are_read_as_importlib_metadata_reads_them(tmp_path):
    egg = tmp_path / "old_plugin-1.0.egg"
    egg.mkdir()
    _write(egg, "EGG-INFO", "[surveykit]\nold = old_plugin\n", egg=True)
    (tmp_path / "flat-1.0.egg-info").write_text("Name: flat\n")  # a file, not a folder
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(tmp_path))
        mp.syspath_prepend(str(egg))
        assert ("old", "old_plugin", str(egg / "EGG-INFO")) in _by_scan(ENTRY_POINT_GROUP)
        assert _by_scan(ENTRY_POINT_GROUP) == _by_importlib(ENTRY_POINT_GROUP)


def test_a_zip_on_the_path_is_left_to_importlib_metadata(tmp_path, monkeypatch):
    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("zipped-1.0.dist-info/METADATA", "Name: zipped\nVersion: 1.0\n")
        zipped.writestr("zipped-1.0.dist-info/entry_points.txt", "[surveykit]\nz = zipped\n")
    monkeypatch.syspath_prepend(str(archive))
    assert scan(ENTRY_POINT_GROUP) is None


class _Finder:
    """A meta-path finder that provides distributions of its own."""

    @staticmethod
    def find_spec(*args, **kwargs):
        return None

    @staticmethod
    def find_distributions(*args, **kwargs):
        return iter(())


def test_a_finder_providing_distributions_is_left_to_importlib_metadata(monkeypatch):
    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, _Finder()])
    assert scan(ENTRY_POINT_GROUP) is None


# Loading plugins ---------------------------------------------------------------------------------

_PLUGIN = """
from surveykit import hookimpl

class Shout:
    name = "{kind}"
    description = "shouted text"
    has_options = False
    multiple = False
    has_max_length = False

    def checker(self, question):
        return str.upper

@hookimpl
def surveykit_register_question_kinds(register):
    register(Shout())
"""


@pytest.fixture
def third_party(tmp_path, monkeypatch):
    """Two third-party plugin distributions, installed as an installer leaves them."""
    for project, kind in (("shout_one", "shout"), ("shout_two", "whisper")):
        (tmp_path / f"{project}.py").write_text(_PLUGIN.format(kind=kind))
        _write(tmp_path, f"{project}-3.1.dist-info", f"[surveykit]\n{project} = {project}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for project in ("shout_one", "shout_two"):
        sys.modules.pop(project, None)


def _loaded(*, through_importlib: bool, wanted: str | None = None) -> Plugins:
    with pytest.MonkeyPatch.context() as mp:
        if through_importlib:  # pluggy's own loader, as before issue 20
            mp.setattr(sys, "meta_path", [*sys.meta_path, _Finder()])
        if wanted is not None:
            mp.setenv("SURVEYKIT_LOAD_PLUGINS", wanted)
        plugins = Plugins()
        plugins.load_entry_points()
    return plugins


@pytest.mark.usefixtures("third_party")
@pytest.mark.parametrize("wanted", [None, "shout_two,kinds,shout_one", "shout_one", ""])
def test_plugins_load_as_through_pluggys_own_loader(wanted):
    """The same plugins, registered in the same order under the same names, with the same
    versions and the same kinds, whichever loader reads the entry points."""
    quick = _loaded(through_importlib=False, wanted=wanted)
    slow = _loaded(through_importlib=True, wanted=wanted)
    assert [name for name, _ in quick.pm.list_name_plugin()] == [
        name for name, _ in slow.pm.list_name_plugin()
    ]
    assert list(quick.kinds) == list(slow.kinds)
    assert [(info.name, info.version, info.hooks) for info in quick.info()] == [
        (info.name, info.version, info.hooks) for info in slow.info()
    ]
    assert _distributions(quick) == _distributions(slow)


def _distributions(plugins: Plugins) -> list[tuple[str | None, str, str]]:
    return [
        (plugins.pm.get_name(plugin), dist.project_name, dist.version)
        for plugin, dist in plugins.pm.list_plugin_distinfo()
    ]


@pytest.mark.usefixtures("third_party")
def test_a_third_party_plugin_is_found_and_its_version_read():
    plugins = _loaded(through_importlib=False)
    assert plugins.kinds.owners["shout"] == "shout_one"
    assert plugins.kinds["whisper"].checker(None)("quiet") == "QUIET"
    versions = {info.name: info.version for info in plugins.info()}
    assert versions["shout_one"] == versions["shout_two"] == "3.1"
    assert "importlib.metadata" in sys.modules  # read for the versions, as asked


def test_a_plugin_that_fails_to_import_says_so(tmp_path, monkeypatch):
    (tmp_path / "broken_plugin.py").write_text("import absent_module_for_surveykit_tests\n")
    _write(tmp_path, "broken_plugin-1.0.dist-info", "[surveykit]\nbroken = broken_plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PluginError, match="a surveykit plugin failed to load: No module named"):
        Plugins().load_entry_points()


def test_an_unreadable_entry_points_file_fails_as_through_importlib_metadata(tmp_path, monkeypatch):
    _write(tmp_path, "garbled-1.0.dist-info", "[surveykit]\nno equals sign here\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for through_importlib in (False, True):
        with pytest.raises(PluginError, match="a surveykit plugin failed to load"):
            _loaded(through_importlib=through_importlib)
