"""`surveykit serve` as a subprocess on a free loopback port, for browser tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

__all__ = ["Server", "free_port"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """Runs `surveykit serve SPEC --db sqlite:///DB ...` until the ``with`` block ends.

    With ``spec`` ``None`` it runs `surveykit serve --db ...` in the database's folder, which
    serves the consultations of the ``surveykit.toml`` there.
    """

    def __init__(
        self, spec: Path | None, db: Path, *options: str, startup_seconds: float = 30
    ) -> None:
        self.spec = spec
        self.db = db
        self.db_url = f"sqlite:///{db}"
        self.options = options
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = db.with_suffix(".log")
        self.startup_seconds = startup_seconds
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        surveykit = Path(sys.executable).parent / "surveykit"
        command = [
            str(surveykit),
            "serve",
            *([] if self.spec is None else [str(self.spec)]),
            "--db",
            self.db_url,
            "--port",
            str(self.port),
            *self.options,
        ]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("SURVEYKIT_SECRET", None)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, cwd=self.db.parent, env=env
            )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_seconds
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"surveykit serve exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.base + "/", timeout=1):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"surveykit serve did not answer in {self.startup_seconds} s")

    def log(self) -> str:
        """Everything the server printed so far."""
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
