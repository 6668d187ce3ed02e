"""The ``surveykit`` program starts and ends without the garbage collector's passes (issue 20):
the collector is paused while a command is found and imported, is on while the command runs,
and the process exits without a last collection.  A program calling ``main(argv)`` keeps its
own collector as it is.
"""

from __future__ import annotations

import atexit
import gc
import sys

import pytest

from surveykit.cli import main, startup

_COMMAND = """
import gc
import click

imported_with_collector = gc.isenabled()
seen = []


@click.command("probe")
def probe():
    seen.append(gc.isenabled())
"""


@pytest.fixture
def probe(tmp_path, monkeypatch):
    """A command that notes whether the collector was on when imported and when run."""
    from surveykit.cli import cli

    (tmp_path / "gc_probe_command.py").write_text(_COMMAND)
    monkeypatch.syspath_prepend(str(tmp_path))
    cli.add_lazy_command("probe", "gc_probe_command:probe", short_help="Probe.")
    yield
    del cli.lazy_commands["probe"]
    cli.commands.pop("probe", None)
    sys.modules.pop("gc_probe_command", None)


@pytest.fixture
def collector(monkeypatch):
    """What ``atexit.register`` and ``gc.freeze`` are given, instead of doing it."""
    calls: list[str] = []

    def freeze() -> None:
        calls.append("freeze")

    monkeypatch.setattr(atexit, "register", lambda f: calls.append(f"at exit: {f.__name__}"))
    monkeypatch.setattr(gc, "freeze", freeze)
    startup._exit_without_collecting.cache_clear()
    yield calls
    startup._exit_without_collecting.cache_clear()
    gc.enable()


@pytest.mark.usefixtures("probe")
def test_the_program_imports_without_the_collector_and_runs_with_it(collector, monkeypatch):
    monkeypatch.setattr("sys.argv", ["surveykit", "probe"])
    assert main() == 0
    probe_module = sys.modules["gc_probe_command"]
    assert probe_module.imported_with_collector is False
    assert probe_module.seen == [True]
    assert gc.isenabled()
    assert collector == ["at exit: freeze", "freeze"]


def test_the_program_turns_the_collector_on_again_after_help(collector, monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["surveykit", "--help"])
    assert main() == 0
    assert main() == 0
    assert gc.isenabled()
    assert collector == ["at exit: freeze", "freeze", "freeze"]  # the exit hook once
    assert "Commands:" in capsys.readouterr().out


@pytest.mark.usefixtures("probe")
def test_a_program_passing_argv_keeps_its_collector(collector):
    assert main(["probe"]) == 0
    assert sys.modules["gc_probe_command"].imported_with_collector is True
    assert collector == []
    gc.disable()
    try:
        assert main(["--help"]) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
