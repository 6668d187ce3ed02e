"""`surveykit serve` on a port something else holds: one line and exit 1, before it announces
an address it could never serve."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from webtools import SPEC

SURVEYKIT = str(Path(sys.executable).parent / "surveykit")


def test_a_busy_port_is_one_line_and_a_documented_status(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYKIT_")}
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run(
            [
                SURVEYKIT,
                "serve",
                str(SPEC),
                "--db",
                f"sqlite:///{tmp_path}/x.db",
                "--port",
                str(port),
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"Error: port {port} is in use on 127.0.0.1: stop whatever is using it, or choose "
        "another with --port\n"
    )
