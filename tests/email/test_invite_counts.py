"""`surveykit invite`'s last line counts with the right nouns: "2 addresses", not "2 addresss"."""

from __future__ import annotations

from test_invite import ADDRESSES, deployment, invite, sink  # noqa: F401 (fixtures)


def test_two_refused_addresses_are_counted_in_the_plural(deployment, sink, capsys):  # noqa: F811
    spec, db, _ = deployment
    sink.collector.refuse.update(ADDRESSES[:2])
    assert invite(spec, db, sink) == 1
    out = capsys.readouterr().out
    assert "; the mail server refused 2 addresses; run the command again to retry them." in out
    assert out.startswith("Sent 1 invitation")
