"""`surveykit inbox` under a burst: many SMTP clients at once, every message stored, none refused.

The full-size burst (1,000 messages from 10 clients) is measured in benchmarks/email_ingest.py;
this is the same shape at a tenth of the size, asserting only outcomes, never time.
"""

from __future__ import annotations

import smtplib
import threading

from mailtools import Inbox, enrol, free_port, open_spec, reply

from surveykit.storage import open_store
from surveykit_email.reference import reference_for

CLIENTS = 10
PER_CLIENT = 10


def roster(count: int) -> str:
    """``count`` roster respondents, each with an address of their own."""
    rows = [
        f"Council {n},county,leader,Leader {n},leader{n}@council{n}.example" for n in range(count)
    ]
    return "authority,authority_type,role,name,email\n" + "\n".join(rows) + "\n"


def test_a_burst_from_ten_clients_is_all_stored_and_none_refused(tmp_path):
    """Ten clients each deliver ten replies over one connection, all at once: every message is
    answered 250, stored, and read (one submission per respondent)."""
    spec = open_spec(tmp_path)
    db = f"sqlite:///{tmp_path}/responses.db"
    total = CLIENTS * PER_CLIENT
    secret = enrol(db, spec, roster(total))
    with open_store(db) as store:
        people = sorted(store.respondents("taking-stock"), key=lambda r: r.email)
    assert len(people) == total
    port = free_port()
    inbox = Inbox(spec, db, port)
    inbox.until("Receiving replies")
    refused: list[str] = []
    accepted: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client(k: int) -> None:
        mine = people[k::CLIENTS]
        start.wait()
        with smtplib.SMTP("127.0.0.1", port, timeout=120) as smtp:
            for person in mine:
                raw = reply(
                    reference=reference_for(secret, person.id),
                    sender=f"{person.name} <{person.email}>",
                    message_id=f"<burst-{person.id}@council.example>",
                )
                try:
                    smtp.sendmail(person.email, ["consult@lga.example"], raw)
                except smtplib.SMTPException as exc:
                    with lock:
                        refused.append(f"{type(exc).__name__}: {exc}")
                else:
                    with lock:
                        accepted.append(1)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    out = inbox.stop()
    assert refused == []
    assert len(accepted) == total
    assert f"Stopped after {total} messages: {total} submitted, 0 sent to review." in out
    with open_store(db) as store:
        stored = [store.message(n) for n in range(1, total + 2)]
        assert stored[-1] is None
        assert len({m.sha256 for m in stored[:-1]}) == total
        assert all(m.status == "submitted" and not m.duplicate for m in stored[:-1])
        assert store.pending_messages("taking-stock") == []
        assert all(len(store.history(p.id)) == 1 for p in people)
