"""Anonymising a closed consultation on a real SQLite file and the real PostgreSQL server: the
public report is the same before and after (figures, quotes, everything), while nobody's name,
address or link is left in the store and every response is cut from its respondent.

The deployment is the reports' Taking Stock one (tests/reports/exporttools.py): 48 people, some
answering twice, some quoting their own name, address and phone number in free text.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import attrs
import pytest

# The reports' test deployment lives beside their tests; this module runs on its own too.
sys.path.append(str(Path(__file__).parent / "reports"))
from exporttools import SPEC, populate

from surveykit import load_spec, purge
from surveykit.cli.purge_command import name_scrubber
from surveykit.errors import StorageError
from surveykit.plugins import get_plugins
from surveykit.retention import anonymisation_due
from surveykit.storage import Anonymisation, open_store
from surveykit_reports.build import build_report
from surveykit_reports.export.as_json import to_json

GENERATED = dt.date(2015, 9, 1)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/responses.db?synchronous=normal"
    else:
        url = request.getfixturevalue("postgres_url")
    with open_store(url) as opened:
        yield opened


def anonymising():
    """Taking Stock with ``anonymise = true`` (30 days after its close, the default)."""
    spec = load_spec(SPEC)
    return attrs.evolve(spec, retention=attrs.evolve(spec.retention, anonymise=True))


def public_json(consultation, store) -> str:
    report = build_report(consultation, store, generated_on=GENERATED)
    return json.dumps(to_json(report), sort_keys=True, ensure_ascii=False)


def anonymise(consultation, store, now):
    cid = consultation.metadata.id
    planned = purge.plan(
        consultation,
        now,
        messages=store.messages(cid),
        reviews=store.review_items(cid, status=None),
        kinds=get_plugins().kinds,
        anonymised=store.anonymised(cid),
        scrub=name_scrubber(store, cid),
    )
    return store.purge(planned.store_plan)


def test_the_public_report_is_unchanged_by_anonymising(store):
    """Same JSON before and after; every identity gone; every response on a new id, one
    version, its times cut to the day."""
    made = populate(store)
    consultation = anonymising()
    cid = consultation.metadata.id
    before = public_json(consultation, store)
    old_ids = {who.id for who in store.respondents(cid)}
    responses = store.count_responses(cid)
    when = anonymisation_due(consultation)
    counts = anonymise(consultation, store, when)
    assert counts.anonymised == len(old_ids) == 48
    assert counts.history > 0  # populate answers twice for some
    assert public_json(consultation, store) == before
    assert store.count_responses(cid) == responses
    stored = list(store.respondents(cid))
    assert {who.id for who in stored}.isdisjoint(old_ids)
    assert all(who.name == "" and who.email == "" and who.language is None for who in stored)
    for token_hash in made.token_hashes:
        assert store.lookup_token(token_hash) is None
    zone = consultation.metadata.zone
    for response in store.iter_responses(cid):
        assert response.version == 1
        assert len(store.history(response.respondent_id)) == 1
        for instant in (response.submitted_at, response.received_at):
            local = instant.astimezone(zone)
            assert (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)
        text = json.dumps(response.answers, ensure_ascii=False)
        assert not any(name in text for name in made.names)
        assert not any(email in text for email in made.emails)
    # The identifying answer (which council) went with the identities.
    assert all("authority" not in r.answers for r in store.iter_responses(cid))


def test_anonymising_happens_once_and_not_before_it_is_due(store):
    populate(store, people=12)
    consultation = anonymising()
    cid = consultation.metadata.id
    when = anonymisation_due(consultation)
    early = anonymise(consultation, store, when - dt.timedelta(seconds=1))
    assert early.anonymised == 0
    assert not store.anonymised(cid)
    assert anonymise(consultation, store, when).anonymised == 12
    assert store.anonymised(cid)
    ids = sorted(who.id for who in store.respondents(cid))
    again = anonymise(consultation, store, when + dt.timedelta(days=400))
    assert again.anonymised == 0
    assert sorted(who.id for who in store.respondents(cid)) == ids


def test_anonymising_waits_for_open_review_items(store, tmp_path):
    """An open review item is someone's decision still to make: the plan waits, says so, and
    the store itself refuses a plan that anonymises while one is open."""
    from erasegen import plant, secret

    plant(store, secret())
    consultation = anonymising()
    cid = consultation.metadata.id
    when = anonymisation_due(consultation)
    planned = purge.plan(
        consultation,
        when,
        messages=store.messages(cid),
        reviews=store.review_items(cid, status=None),
        kinds=get_plugins().kinds,
    )
    assert planned.waiting == 2
    assert planned.store_plan.anonymise is None
    forced = attrs.evolve(planned.store_plan, anonymise=Anonymisation("Europe/London"))
    with pytest.raises(StorageError, match="review item"):
        store.purge(forced)
    assert not store.anonymised(cid)
    assert {who.name for who in store.respondents(cid)} != {""}


def test_without_scrubbing_names_the_report_would_change(tmp_path):
    """The control: anonymised with no name scrubbing, quotes that named their author would be
    published unredacted (the store no longer knows the names), so the report differs."""
    with open_store(f"sqlite:///{tmp_path}/r.db?synchronous=normal") as store:
        made = populate(store)
        consultation = anonymising()
        cid = consultation.metadata.id
        before = public_json(consultation, store)
        planned = purge.plan(
            consultation,
            anonymisation_due(consultation),
            messages=store.messages(cid),
            reviews=store.review_items(cid, status=None),
            kinds=get_plugins().kinds,
        )
        store.purge(planned.store_plan)
        after = public_json(consultation, store)
        assert after != before
        assert any(name.split()[0] in after for name in made.names)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_no_name_address_or_link_hash_is_left_in_the_bytes(backend, request, tmp_path):
    """The SQLite file and its WAL, or a pg_dump: every name, address and link hash is found
    before anonymising (so the scan reads the data) and none after."""
    from erasegen import scan, sqlite_bytes
    from test_erase import _dump

    if backend == "sqlite":
        path = tmp_path / "bytes.db"
        url = f"sqlite:///{path}"

        def raw() -> bytes:
            return sqlite_bytes(path)
    else:
        url = request.getfixturevalue("postgres_url")

        def raw() -> bytes:
            return _dump(url)

    consultation = anonymising()
    with open_store(url) as store:
        made = populate(store, people=16)
        needles = {
            **{f"name {n}": name.encode() for n, name in enumerate(made.names)},
            **{f"email {n}": email.encode() for n, email in enumerate(made.emails)},
            **{f"hash {n}": h.encode() for n, h in enumerate(made.token_hashes)},
        }
        assert scan(raw(), needles) == set(needles)
        counts = anonymise(consultation, store, anonymisation_due(consultation))
        assert counts.scrubbed
        assert scan(raw(), needles) == set()
