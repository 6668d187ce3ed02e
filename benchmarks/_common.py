"""Shared helpers for benchmarks: timing, memory and a uniform way to print figures."""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--smoke", action="store_true", help="tiny sizes: check it runs, in seconds")
    return p


def best_time(run: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` runs, in seconds: the least disturbed by other work."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024


def report(name: str, value: float, unit: str, note: str = "") -> None:
    print(f"{name:<58} {value:>14,.1f} {unit:<10} {note}".rstrip())
    sys.stdout.flush()
