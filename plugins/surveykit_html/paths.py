"""Paths inside the app, worked out once: Starlette's ``url_path_for`` walks every route per call.

Paths include the ``root_path`` the app is mounted under, so links stay right under a prefix.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

__all__ = ["Paths"]


class Paths:
    """A bounded cache of ``root_path + url_path_for(name, **params)`` for one app."""

    def __init__(self, max_entries: int = 4096) -> None:
        self._cache: dict[tuple[Any, ...], str] = {}
        self._max = max_entries

    def __call__(self, request: Request, name: str, **params: Any) -> str:
        root = request.scope.get("root_path", "")
        key = (root, name, *sorted(params.items()))
        path = self._cache.get(key)
        if path is None:
            if len(self._cache) >= self._max:
                self._cache.clear()
            path = root + str(request.app.router.url_path_for(name, **params))
            self._cache[key] = path
        return path
