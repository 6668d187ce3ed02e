"""Benchmark: how long surveykit takes to start, and how big its wheel is.

Each figure is the median wall time of several fresh interpreter starts (the first, which warms
the disk cache, is discarded), beside the baseline of a bare ``python -c pass`` measured in the
same run:

* ``import surveykit``: the engine, specs and storage API;
* ``get_plugins()`` with every registry read: all built-in plugins loaded and registered;
* ``surveykit --help``, ``surveykit validate taking-stock`` and ``surveykit check`` of one
  record, run as the ``surveykit`` program runs them (``surveykit.cli.main()`` reading
  ``sys.argv``), each also as a ratio to the baseline (issue 20 asks for at most 5);

and, from ``python -X importtime``, the cumulative import time of ``surveykit`` alone.  Plugins
register lazily, so none of these should import an extra's libraries: ``--python NAME=PATH``
(repeatable) times ``import surveykit`` in other environments too, for example one with only the
core installed and one with ``[all]``.  Finally the wheel's size: ``--wheel PATH``, or the newest
``dist/surveykit-*.whl``, or (not in smoke mode) one built with ``python -m build --wheel``.

Run: ``python benchmarks/imports.py`` (about a minute) or ``--smoke``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import parser, report

ROOT = Path(__file__).resolve().parents[1]

CASES = {
    "python -c pass (baseline)": "pass",
    "import surveykit": "import surveykit",
    "get_plugins() and every registry": (
        "import surveykit; p = surveykit.get_plugins()\n"
        "for r in ('kinds', 'storage', 'renderers', 'aggregators', 'exporters'): getattr(p, r)"
    ),
    # The commands run as the ``surveykit`` program runs them: ``main()`` reading sys.argv.
    "surveykit --help": (
        "import contextlib, io, sys, surveykit.cli\n"
        "sys.argv = ['surveykit', '--help']\n"
        "with contextlib.redirect_stdout(io.StringIO()): surveykit.cli.main()"
    ),
    "surveykit validate taking-stock": (
        "import contextlib, io, sys, surveykit.cli\n"
        "sys.argv = ['surveykit', 'validate', 'taking-stock']\n"
        "with contextlib.redirect_stdout(io.StringIO()): surveykit.cli.main()"
    ),
    "surveykit check taking-stock, one record": (
        "import contextlib, io, sys, surveykit.cli\n"
        'sys.stdin = io.StringIO(\'{"q1": "all_relevant"}\\n\')\n'
        "sys.argv = ['surveykit', 'check', 'taking-stock', '--answers', '-']\n"
        "with contextlib.redirect_stdout(io.StringIO()): surveykit.cli.main()"
    ),
}
#: The commands issue 20 asks to start within five times a bare interpreter.
COMMANDS = (
    "surveykit --help",
    "surveykit validate taking-stock",
    "surveykit check taking-stock, one record",
)


def _env() -> dict[str, str]:
    """This environment without surveykit's settings, and with bytecode caches written and read
    as in any installation (a shell with ``PYTHONDONTWRITEBYTECODE`` would otherwise compile
    every module from source at every start; the first, discarded run writes them)."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SURVEYKIT_") and k != "PYTHONDONTWRITEBYTECODE"
    }


def start_ms(python: str, code: str, runs: int) -> float:
    """The median wall time of ``runs`` fresh interpreters running ``code``, in milliseconds."""
    times = []
    for _ in range(runs + 1):
        begin = time.perf_counter()
        subprocess.run([python, "-c", code], check=True, env=_env(), capture_output=True)
        times.append(time.perf_counter() - begin)
    return statistics.median(times[1:]) * 1000


def importtime_ms(python: str, runs: int) -> float:
    """The median cumulative import time of ``surveykit`` from ``-X importtime``, in ms."""
    times = []
    for _ in range(runs):
        done = subprocess.run(
            [python, "-X", "importtime", "-c", "import surveykit"],
            check=True,
            env=_env(),
            capture_output=True,
            text=True,
        )
        [line] = [row for row in done.stderr.splitlines() if row.rstrip().endswith("| surveykit")]
        times.append(int(line.split("|")[1]) / 1000)
    return statistics.median(times)


def find_wheel(given: str | None, build: bool, out: Path) -> Path | None:
    if given:
        return Path(given)
    built = sorted((ROOT / "dist").glob("surveykit-*.whl"), key=lambda p: p.stat().st_mtime)
    if built:
        return built[-1]
    if not build:
        return None
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", out, ROOT],
        check=True,
        capture_output=True,
    )
    [wheel] = out.glob("surveykit-*.whl")
    return wheel


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, help="interpreter starts per figure (default 21; smoke 3)")
    p.add_argument("--python", action="append", default=[], metavar="NAME=PATH")
    p.add_argument("--wheel", help="the wheel to measure (default: dist/, else build one)")
    args = p.parse_args()
    runs = args.runs or (3 if args.smoke else 21)

    print(f"Start-up of {sys.executable}: median of {runs} fresh interpreters each")
    baseline = start_ms(sys.executable, CASES["python -c pass (baseline)"], runs)
    report("python -c pass (baseline)", baseline, "ms")
    for name, code in list(CASES.items())[1:]:
        took = start_ms(sys.executable, code, runs)
        report(name, took, "ms", f"{took - baseline:+,.1f} ms over the baseline")
        if name in COMMANDS:
            report(f"{name} / python -c pass", took / baseline, "x", "(issue 20: at most 5 x)")
    report(
        "import surveykit, cumulative (-X importtime)", importtime_ms(sys.executable, runs), "ms"
    )

    for named in args.python:
        name, _, python = named.partition("=")
        own = start_ms(python, "pass", runs)
        took = start_ms(python, "import surveykit", runs)
        report(f"[{name}] python -c pass (baseline)", own, "ms")
        report(f"[{name}] import surveykit", took, "ms", f"{took - own:+,.1f} ms over the baseline")

    with tempfile.TemporaryDirectory() as out:
        wheel = find_wheel(args.wheel, build=not args.smoke, out=Path(out))
        if wheel is None:
            print("wheel size: no dist/surveykit-*.whl (run without --smoke to build one)")
        else:
            report(f"wheel size ({wheel.name})", wheel.stat().st_size / 1024, "KB")


if __name__ == "__main__":
    main()
