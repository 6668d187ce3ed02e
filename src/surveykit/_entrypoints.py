"""A quick reader of one entry-point group, for loading plugins at every start (issue 20).

``importlib.metadata`` (which pluggy's ``load_setuptools_entrypoints`` uses) costs about a
sixth of a ``surveykit validate`` run to import, mostly for the ``email`` package it parses
metadata with, and then reads every installed distribution's ``entry_points.txt`` through it.
This module reads those same files directly: the ``*.dist-info`` and ``*.egg-info`` folders on
``sys.path`` (editable installs included), in the order ``importlib.metadata.distributions()``
gives them, with the same parsing of the file.  Where it cannot be sure to see what
``importlib.metadata`` would (a zip file on ``sys.path``, or a meta-path finder that provides
distributions of its own) :func:`scan` returns ``None``, and the caller uses pluggy's own
loader.  Versions and other metadata are read with ``importlib.metadata`` only when asked for
(``surveykit plugins``), through :class:`Distribution`.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import sys
from collections.abc import Iterator
from typing import Any, NamedTuple

__all__ = ["Distribution", "EntryPoint", "scan"]

#: ``importlib.metadata.EntryPoint.pattern``: ``module:attr.path [extras]``.
_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


class EntryPoint(NamedTuple):
    """One entry point of the group, and the metadata folder of the distribution declaring it."""

    name: str
    value: str
    dist_path: str

    def load(self) -> Any:
        """Import the object named, as ``importlib.metadata.EntryPoint.load`` does."""
        match = _VALUE.match(self.value)
        if match is None:
            msg = f"entry point {self.name!r} has an unreadable value {self.value!r}"
            raise ValueError(msg)
        module = importlib.import_module(match.group("module"))
        attrs = filter(None, (match.group("attr") or "").split("."))
        return functools.reduce(getattr, attrs, module)


class Distribution:
    """The distribution an entry point came from, read with ``importlib.metadata`` on first use.

    It stands for what pluggy's ``list_plugin_distinfo`` gives: ``version``, ``metadata``,
    ``project_name`` and the rest of ``importlib.metadata.Distribution``.
    """

    def __init__(self, path: str) -> None:
        self.path = path

    @functools.cached_property
    def _dist(self) -> Any:
        from importlib import metadata
        from pathlib import Path

        return metadata.PathDistribution(Path(self.path))

    @property
    def project_name(self) -> str:
        return self._dist.metadata["name"]

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_"):  # not ``_dist`` itself, nor what copy and pickle look for
            raise AttributeError(attr)
        return getattr(self._dist, attr)


def _normalise(name: str) -> str:
    """``importlib.metadata.Prepared.normalize``: how distributions in one folder are grouped."""
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def _metadata_folders(root: str) -> list[str] | None:
    """The metadata folders in ``root``, ordered as ``importlib.metadata`` orders them;
    ``None`` if ``root`` is a file (a zip ``importlib.metadata`` would look inside)."""
    try:
        children = os.listdir(root or ".")
    except OSError:
        return None if os.path.isfile(root) else []
    base = os.path.basename(root).lower()
    infos: dict[str, list[str]] = {}
    eggs: list[str] = []
    for child in children:
        low = child.lower()
        if low.endswith((".dist-info", ".egg-info")):
            name = _normalise(low.rpartition(".")[0].partition("-")[0])
            infos.setdefault(name, []).append(os.path.join(root, child))
        elif base.endswith(".egg") and low == "egg-info":
            eggs.append(os.path.join(root, child))
    return [*(path for paths in infos.values() for path in paths), *eggs]


def _read(folder: str) -> str | None:
    try:
        with open(os.path.join(folder, "entry_points.txt"), encoding="utf-8") as file:
            return file.read()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        return None


def _entries(text: str, group: str, dist_path: str) -> Iterator[EntryPoint]:
    """The group's entries, parsed as ``importlib.metadata``'s ``Sectioned`` parses them (a
    line without ``=`` in any section is the same ``ValueError``)."""
    section = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
        elif section is not None:
            name, value = line.split("=", 1)
            if section == group:
                yield EntryPoint(name.strip(), value.strip(), dist_path)


def _standard_finders_only() -> bool:
    """True when only the standard path finder provides distributions."""
    from importlib.machinery import PathFinder

    return all(
        finder is PathFinder or not hasattr(finder, "find_distributions")
        for finder in sys.meta_path
    )


def scan(group: str) -> list[EntryPoint] | None:
    """Every entry point of ``group``, as ``importlib.metadata.distributions()`` would list
    them, or ``None`` when only ``importlib.metadata`` can tell."""
    if not _standard_finders_only():
        return None
    found: list[EntryPoint] = []
    for root in sys.path:
        folders = _metadata_folders(root)
        if folders is None:
            return None
        for folder in folders:
            text = _read(folder)
            if text is not None and f"[{group}]" in text:
                found.extend(_entries(text, group, folder))
    return found
