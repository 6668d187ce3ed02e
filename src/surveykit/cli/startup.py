"""The ``surveykit`` program's start and end, without the garbage collector's passes (issue 20).

Starting a command makes tens of thousands of objects (modules, classes, functions) that live as
long as the process, and Python's cyclic garbage collector walks them again and again while they
are made, then once more as the process exits: together about a tenth of a ``surveykit
validate`` run, spent finding no garbage.  So, when surveykit is the program (``main()`` reading
the command line), :func:`begin` pauses the collector until the command is about to run;
:func:`settled` then freezes what start-up made (``gc.freeze``: kept for the life of the
process, as it would be anyway) and turns the collector on again for the command itself; and at
exit the objects are frozen again, leaving them to the operating system instead of one last
full pass.  Files and stores are closed by the commands themselves; only objects caught in
reference cycles are left unfinalised at exit, which Python never promises to finalise anyway.

A program that calls ``main(argv)`` itself, or imports the commands, is left as it is.
"""

from __future__ import annotations

import atexit
import functools
import gc

__all__ = ["begin", "settled"]

_paused = False


def begin() -> None:
    """Pause the collector for start-up, and spare the process's exit its last collection."""
    global _paused
    _exit_without_collecting()
    if gc.isenabled():
        gc.disable()
        _paused = True


def settled() -> None:
    """Start-up is over: keep what it made out of the collector's way, and turn it on again."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


@functools.cache  # once per process
def _exit_without_collecting() -> None:
    atexit.register(gc.freeze)
