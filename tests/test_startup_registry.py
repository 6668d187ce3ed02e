"""Deferred registry items (issue 20): a plugin may name an item now and make it when used, as
the built-in kinds do, so a command pays only for the kinds its spec uses.
"""

from __future__ import annotations

import threading
import types

import pytest

from surveykit import PluginError, Plugins, hookimpl
from surveykit.plugins import Deferred, Registry


class _Counted:
    """A loader that counts its calls, and the items it made."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.made: list[object] = []

    def __call__(self) -> object:
        item = types.SimpleNamespace(name=self.name)
        self.made.append(item)
        return item


def _registry(*names: str) -> tuple[Registry, dict[str, _Counted]]:
    registry: Registry = Registry("question kind")
    loaders = {name: _Counted(name) for name in names}
    for name, load in loaders.items():
        registry.add(name, Deferred(name, load), "lazy")
    return registry, loaders


def test_names_owners_and_membership_make_nothing():
    registry, loaders = _registry("b", "a", "c")
    assert list(registry) == ["b", "a", "c"]
    assert len(registry) == 3
    assert "a" in registry
    assert "z" not in registry
    assert registry.owners == {"b": "lazy", "a": "lazy", "c": "lazy"}
    assert registry.get("z") is None
    assert all(not load.made for load in loaders.values())


def test_an_item_is_made_once_when_asked_for():
    registry, loaders = _registry("a", "b")
    first = registry["a"]
    assert first is registry.get("a") is registry["a"]
    assert loaders["a"].made == [first]
    assert not loaders["b"].made
    assert registry.items == {"a": first, "b": loaders["b"].made[0]}
    assert list(registry.items) == ["a", "b"]


def test_every_thread_gets_the_one_item_made():
    registry, loaders = _registry("a")
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(registry["a"])) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loaders["a"].made) == 1
    assert seen == loaders["a"].made * 8


def test_an_item_that_fails_to_load_names_its_plugin():
    registry: Registry = Registry("question kind")

    def broken() -> object:
        raise ModuleNotFoundError("No module named 'absent'")

    registry.add("slider", Deferred("slider", broken), "sliders")
    with pytest.raises(PluginError) as info:
        registry.get("slider")
    assert str(info.value) == (
        "plugin 'sliders' failed to make its question kind 'slider': No module named 'absent'"
    )


def test_a_deferred_item_clashes_like_any_other(surveykit_plugins):
    @hookimpl
    def surveykit_register_question_kinds(register):
        register(Deferred("text", lambda: None))

    module = types.ModuleType("clasher")
    module.surveykit_register_question_kinds = surveykit_register_question_kinds
    surveykit_plugins.register(module, name="clasher")
    with pytest.raises(PluginError, match="'text' is registered by both plugin 'kinds'"):
        _ = surveykit_plugins.kinds


def test_the_built_in_kinds_are_made_when_used_and_are_the_plugins_own(monkeypatch):
    monkeypatch.setenv("SURVEYKIT_LOAD_PLUGINS", "kinds")
    plugins = Plugins()
    plugins.load_entry_points()
    kinds = plugins.kinds
    import surveykit_kinds

    assert [kinds[name].name for name in kinds] == list(kinds)
    assert [kind.name for kind in surveykit_kinds.BUILT_IN] == list(kinds)
    assert all(kinds[kind.name] is kind for kind in surveykit_kinds.BUILT_IN)
