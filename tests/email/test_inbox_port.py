"""`surveykit inbox` on a port something else holds: one line, before anything is done."""

from __future__ import annotations

import socket

from mailtools import enrol, open_spec, reply, respondent_by_email

from surveykit import load_spec
from surveykit.cli import main
from surveykit.storage import open_store
from surveykit_email.intake import Intake
from surveykit_email.reference import reference_for


def test_a_busy_port_is_one_line_and_nothing_is_dealt_with(tmp_path, capsys):
    """The port is checked first: the reply an earlier run left stays waiting for a run that
    can listen, and the error names the port."""
    spec = open_spec(tmp_path)
    db = f"sqlite:///{tmp_path}/responses.db"
    secret = enrol(db, spec)
    ada = respondent_by_email(db, "ada@kent.example")
    with open_store(db) as store:
        Intake(load_spec(spec), store, secret).store_raw(
            reply(reference=reference_for(secret, ada.id)), source="smtp 127.0.0.1"
        )
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        status = main(["inbox", str(spec), "--db", db, "--port", str(port)])
    out, err = capsys.readouterr()
    assert (status, out) == (1, "")
    assert err == (
        f"Error: port {port} is in use on 127.0.0.1: stop whatever is using it, or choose "
        "another with --port\n"
    )
    with open_store(db) as store:
        assert store.response(ada.id) is None
