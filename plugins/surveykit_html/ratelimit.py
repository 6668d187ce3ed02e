"""A sliding-window counter per client, for wrong links and self-service link requests.

Kept in memory, per process: it exists to make guessing slow, not to be exact, and a restart
that forgets it costs an attacker nothing worth having (a token has 192 random bits).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

__all__ = ["SlidingWindow"]


class SlidingWindow:
    """At most ``limit`` events per client in any ``window`` seconds."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        max_clients: int = 100_000,
    ) -> None:
        self.limit = limit
        self.window = window
        self._now = monotonic
        self._max_clients = max_clients
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        events = self._events.get(client)
        if events is None:
            if len(self._events) >= self._max_clients:
                self._forget_idle(now)
            events = self._events[client] = deque()
        while events and events[0] <= now - self.window:
            events.popleft()
        return events

    def _forget_idle(self, now: float) -> None:
        """Bound memory when many addresses pass by: drop clients with nothing recent."""
        cutoff = now - self.window
        for client in [c for c, e in self._events.items() if not e or e[-1] <= cutoff]:
            del self._events[client]

    def blocked(self, client: str) -> bool:
        """Whether ``client`` has used up its allowance for now."""
        with self._lock:
            return len(self._recent(client, self._now())) >= self.limit

    def record(self, client: str) -> None:
        """Count one event for ``client``."""
        with self._lock:
            now = self._now()
            self._recent(client, now).append(now)
