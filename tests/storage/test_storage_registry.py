"""Storage backends are plugins: registered by URL scheme, found by open_store."""

from __future__ import annotations

import types

import pytest

from surveykit import PluginError, Plugins, hookimpl
from surveykit.errors import StorageError
from surveykit.storage import StorageBackend, open_store, scheme_of


def _plugin(name: str, backend) -> types.ModuleType:
    @hookimpl
    def surveykit_register_storage(register):
        register(backend)

    module = types.ModuleType(name)
    module.surveykit_register_storage = surveykit_register_storage
    return module


class _Backend:
    def __init__(self, scheme: str) -> None:
        self.scheme = scheme
        self.description = "a store for tests"
        self.opened: list[str] = []

    def open(self, url: str):
        from surveykit_memory import MemoryStore

        self.opened.append(url)
        return MemoryStore(url)


def test_hook_register_storage(surveykit_plugins):
    """A plugin's backend joins the built-in ones and open_store uses it for its scheme."""
    backend = _Backend("fake")
    surveykit_plugins.register(_plugin("fake_storage", backend), name="fake_storage")
    assert sorted(surveykit_plugins.storage) == [
        "fake",
        "memory",
        "postgres",
        "postgresql",
        "sqlite",
    ]
    assert surveykit_plugins.storage.owners["fake"] == "fake_storage"
    store = open_store("fake://somewhere", plugins=surveykit_plugins)
    assert (store.url, backend.opened) == ("fake://somewhere", ["fake://somewhere"])
    assert isinstance(backend, StorageBackend)


def test_a_scheme_claimed_twice_names_both_plugins(surveykit_plugins):
    """Two plugins registering one scheme fail with both names in the message."""
    surveykit_plugins.register(_plugin("impostor", _Backend("sqlite")), name="impostor")
    with pytest.raises(PluginError) as info:
        _ = surveykit_plugins.storage
    assert str(info.value) == (
        "storage scheme 'sqlite' is registered by both plugin 'sqlite' and plugin 'impostor'; "
        "uninstall one or narrow SURVEYKIT_LOAD_PLUGINS"
    )


def test_an_unknown_scheme_lists_the_installed_ones():
    """open_store names the installed schemes when none matches."""
    with pytest.raises(StorageError) as info:
        open_store("mysql://localhost/db")
    assert str(info.value) == (
        "no storage backend for mysql:// URLs; installed: memory, postgres, postgresql, sqlite"
    )


def test_without_storage_plugins_nothing_opens(monkeypatch):
    """With no plugin loaded, the error says so."""
    monkeypatch.setenv("SURVEYKIT_LOAD_PLUGINS", "")
    plugins = Plugins()
    plugins.load_entry_points()
    with pytest.raises(StorageError) as info:
        open_store("sqlite:///x.db", plugins=plugins)
    assert str(info.value) == (
        "no storage backend for sqlite:// URLs; installed: none (no storage plugin is loaded)"
    )


@pytest.mark.parametrize("url", ["responses.db", "", "://nothing"])
def test_a_store_url_needs_a_scheme(url):
    """A bare path is not a store URL, and the message shows the form to use."""
    with pytest.raises(StorageError) as info:
        scheme_of(url)
    assert str(info.value) == (
        f"{url!r} is not a store URL: write it as scheme://..., e.g. sqlite:///responses.db"
    )
