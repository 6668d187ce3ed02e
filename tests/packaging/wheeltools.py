"""Helpers for the tests that build the wheel and run it outside the clone."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def clean_env() -> dict[str, str]:
    """This process's environment without surveykit's own settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith("SURVEYKIT_")}


def run(*command: str | Path, cwd: Path, timeout: float = 600, status: int = 0) -> str:
    """Run a command, check its exit status, and return its standard output."""
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=clean_env(),
    )
    assert done.returncode == status, (command, done.stdout[-3000:], done.stderr[-3000:])
    return done.stdout if status == 0 else done.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextmanager
def serving(command: list[str | Path], cwd: Path, base: str) -> Iterator[tuple[int, bytes]]:
    """Start a server, wait until ``base`` answers, give its first answer, and stop it."""
    log = cwd / "serve.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [str(part) for part in command],
            cwd=cwd,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=clean_env(),
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, log.read_text()
            try:
                first = get(base)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield first
    finally:
        server.terminate()
        server.wait(timeout=10)
