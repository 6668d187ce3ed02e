"""The plugin manager: loads entry points, runs registry hooks, and keeps what they register.

Plugins (built-in ones included) are found through the ``surveykit`` entry-point group.  Set
``SURVEYKIT_LOAD_PLUGINS`` to a comma-separated list of entry-point names to load only those
(empty means none); set ``SURVEYKIT_TRACE_HOOKS=1`` to print every hook call to stderr.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

import pluggy
from attrs import field

from . import _entrypoints, hookspecs
from ._classes import define, frozen
from .errors import PluginError

__all__ = ["Deferred", "PluginInfo", "Plugins", "Registry", "get_plugins"]

ENTRY_POINT_GROUP = "surveykit"
T = TypeVar("T")


class Deferred(Generic[T]):
    """A registry item named now and made when first used: ``register(Deferred(name, load))``.

    A plugin registering many things (the built-in kinds) need not import them all for a
    command that uses one: the registry calls ``load()`` (no arguments; it returns the item)
    the first time the item itself is asked for, by name or through ``Registry.items``, and
    keeps what it returns.  Listing names and owners, and testing membership, load nothing.
    """

    __slots__ = ("load", "name")

    def __init__(self, name: str, load: Callable[[], T]) -> None:
        self.name = name
        self.load = load

    def __repr__(self) -> str:
        return f"Deferred({self.name!r}, {self.load!r})"


#: Held while a deferred item loads, so that every thread gets the one item made.
_loading = threading.RLock()


@define
class Registry(Generic[T]):
    """Named things registered by plugins, remembering which plugin registered each."""

    what: str
    _items: dict[str, T] = field(factory=dict)
    owners: dict[str, str] = field(factory=dict)

    @property
    def items(self) -> dict[str, T]:
        """Every item by name, in the order registered (any :class:`Deferred` one made now)."""
        for name, item in list(self._items.items()):
            if isinstance(item, Deferred):
                self._load(name)
        return self._items

    def _load(self, name: str) -> T:
        with _loading:
            item = self._items[name]
            if isinstance(item, Deferred):
                try:
                    made = item.load()
                except Exception as exc:
                    msg = (
                        f"plugin {self.owners[name]!r} failed to make its {self.what} "
                        f"{name!r}: {exc}"
                    )
                    raise PluginError(msg) from exc
                self._items[name] = item = made
            return item

    def add(self, name: str, item: T, plugin: str) -> None:
        if not isinstance(name, str) or not name:
            msg = f"plugin {plugin!r} registered a {self.what} without a name: {item!r}"
            raise PluginError(msg)
        if name in self._items:
            msg = (
                f"{self.what} {name!r} is registered by both plugin {self.owners[name]!r} "
                f"and plugin {plugin!r}; uninstall one or narrow SURVEYKIT_LOAD_PLUGINS"
            )
            raise PluginError(msg)
        self._items[name] = item
        self.owners[name] = plugin

    def __getitem__(self, name: str) -> T:
        item = self._items[name]
        return self._load(name) if isinstance(item, Deferred) else item

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def get(self, name: str) -> T | None:
        item = self._items.get(name)
        return self._load(name) if isinstance(item, Deferred) else item


@frozen
class PluginInfo:
    """What ``surveykit plugins`` shows for one loaded plugin."""

    name: str
    version: str | None
    hooks: tuple[str, ...]
    #: For each registry hook it implements, the names it registered there.
    registered: dict[str, tuple[str, ...]] = field(factory=dict, hash=False)


def _scheme_name(backend: Any) -> str:
    return getattr(backend, "scheme", None)


def _kind_name(mapping: Any) -> str:
    return getattr(mapping, "kind", None)


def _name(item: Any) -> str:
    return getattr(item, "name", None)


class Plugins:
    """A plugin manager plus the registries its hooks fill.  Use :func:`get_plugins` normally."""

    def __init__(self, pm: pluggy.PluginManager | None = None) -> None:
        self.pm = pm or new_plugin_manager()
        self._kinds: Registry[Any] | None = None
        self._storage: Registry[Any] | None = None
        self._renderers: Registry[Any] | None = None
        self._aggregators: Registry[Any] | None = None
        self._exporters: Registry[Any] | None = None
        self._catalogues: Registry[Any] | None = None
        self._interchange: Registry[Any] | None = None
        self._lock = threading.Lock()

    def load_entry_points(self) -> None:
        """Register every plugin in the ``surveykit`` entry-point group (or the narrowed set)."""
        wanted = os.environ.get("SURVEYKIT_LOAD_PLUGINS")
        if wanted is None:
            names: list[str | None] = [None]
        else:
            names = [n.strip() for n in wanted.split(",") if n.strip()]
        try:
            found = _entrypoints.scan(ENTRY_POINT_GROUP)
            for name in names:
                if found is None:
                    self.pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP, name=name)
                else:
                    self._load(found, name)
        except Exception as exc:  # a broken plugin must say which one it is
            msg = f"a surveykit plugin failed to load: {exc}"
            raise PluginError(msg) from exc
        self.check()

    def _load(self, found: list[_entrypoints.EntryPoint], name: str | None) -> None:
        """Register what pluggy's ``load_setuptools_entrypoints(group, name)`` would, from
        entry points read without ``importlib.metadata`` (see :mod:`surveykit._entrypoints`)."""
        for entry in found:
            if (
                (name is not None and entry.name != name)
                or self.pm.get_plugin(entry.name) is not None
                or self.pm.is_blocked(entry.name)
            ):
                continue
            plugin = entry.load()
            self.pm.register(plugin, name=entry.name)
            # What pluggy keeps for list_plugin_distinfo(): the metadata is read when asked for.
            self.pm._plugin_distinfo.append((plugin, _entrypoints.Distribution(entry.dist_path)))

    def register(self, plugin: object, name: str | None = None) -> None:
        """Register a plugin object directly (tests, embedding applications)."""
        self.pm.register(plugin, name=name)
        self.check()
        self._kinds = None
        self._storage = None
        self._renderers = None
        self._aggregators = None
        self._exporters = None
        self._catalogues = None
        self._interchange = None

    def check(self) -> None:
        """Fail loudly on a hook implementation that matches no hook specification."""
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"a plugin implements an unknown hook: {exc}") from None

    def call_register_hook(
        self, hook_name: str, registry: Registry[Any], name_of: Callable
    ) -> None:
        """Call each implementation of a ``register``-style hook with its own ``register``.

        Giving every plugin its own callback is what lets a clash name both plugins.
        """
        caller = getattr(self.pm.hook, hook_name)
        for impl in caller.get_hookimpls():

            def register(item: Any, _plugin: str = impl.plugin_name) -> None:
                name = item.name if isinstance(item, Deferred) else name_of(item)
                registry.add(name, item, _plugin)

            kwargs = {"register": register}
            impl.function(*(kwargs[arg] for arg in impl.argnames))

    @property
    def kinds(self) -> Registry[Any]:
        """Question kinds by name."""
        with self._lock:
            if self._kinds is None:
                registry: Registry[Any] = Registry("question kind")
                self.call_register_hook("surveykit_register_question_kinds", registry, _name)
                self._kinds = registry
            return self._kinds

    @property
    def storage(self) -> Registry[Any]:
        """Storage backends by URL scheme."""
        with self._lock:
            if self._storage is None:
                registry: Registry[Any] = Registry("storage scheme")
                self.call_register_hook("surveykit_register_storage", registry, _scheme_name)
                self._storage = registry
            return self._storage

    @property
    def renderers(self) -> Registry[Any]:
        """Renderers (html, cli, email) by name."""
        with self._lock:
            if self._renderers is None:
                registry: Registry[Any] = Registry("renderer")
                self.call_register_hook("surveykit_register_renderers", registry, _name)
                self._renderers = registry
            return self._renderers

    @property
    def aggregators(self) -> Registry[Any]:
        """Report aggregators by name, in the order they were registered."""
        with self._lock:
            if self._aggregators is None:
                registry: Registry[Any] = Registry("aggregator")
                self.call_register_hook("surveykit_register_aggregators", registry, _name)
                self._aggregators = registry
            return self._aggregators

    @property
    def exporters(self) -> Registry[Any]:
        """Report exporters by format name (``surveykit report --format``)."""
        with self._lock:
            if self._exporters is None:
                registry: Registry[Any] = Registry("report format")
                self.call_register_hook("surveykit_register_exporters", registry, _name)
                self._exporters = registry
            return self._exporters

    @property
    def catalogues(self) -> Registry[Any]:
        """Message catalogues by ``domain/language`` (:class:`surveykit.i18n.Catalogue`)."""
        with self._lock:
            if self._catalogues is None:
                registry: Registry[Any] = Registry("message catalogue")
                self.call_register_hook("surveykit_register_catalogues", registry, _name)
                self._catalogues = registry
            return self._catalogues

    @property
    def interchange(self) -> Registry[Any]:
        """How kinds import and export, by kind name (:mod:`surveykit.interchange`)."""
        with self._lock:
            if self._interchange is None:
                registry: Registry[Any] = Registry("interchange mapping")
                self.call_register_hook("surveykit_register_interchange", registry, _kind_name)
                self._interchange = registry
            return self._interchange

    def info(self) -> list[PluginInfo]:
        """Loaded plugins with their versions and the hooks each implements."""
        versions = {
            self.pm.get_name(plugin): dist.version
            for plugin, dist in self.pm.list_plugin_distinfo()
        }
        registries = {
            "surveykit_register_question_kinds": self.kinds,
            "surveykit_register_storage": self.storage,
            "surveykit_register_renderers": self.renderers,
            "surveykit_register_aggregators": self.aggregators,
            "surveykit_register_exporters": self.exporters,
            "surveykit_register_catalogues": self.catalogues,
            "surveykit_register_interchange": self.interchange,
        }
        rows = []
        for name, plugin in sorted(self.pm.list_name_plugin(), key=lambda pair: str(pair[0])):
            hooks = tuple(sorted(h.name for h in self.pm.get_hookcallers(plugin) or ()))
            registered = {
                hook: tuple(item for item, by in registries[hook].owners.items() if by == name)
                for hook in hooks
                if hook in registries
            }
            rows.append(PluginInfo(str(name), versions.get(name), hooks, registered))
        return rows


def new_plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("surveykit")
    pm.add_hookspecs(hookspecs)
    if os.environ.get("SURVEYKIT_TRACE_HOOKS"):
        pm.trace.root.setwriter(lambda message: print(message, end="", file=sys.stderr))
        pm.enable_tracing()
    return pm


_default: Plugins | None = None
_default_lock = threading.Lock()


def get_plugins() -> Plugins:
    """The process-wide plugins, loaded from entry points on first use (lazy, idempotent)."""
    global _default
    with _default_lock:
        if _default is None:
            plugins = Plugins()
            plugins.load_entry_points()
            _default = plugins
        return _default
