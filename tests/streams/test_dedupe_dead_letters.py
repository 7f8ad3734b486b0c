"""Redelivery counts once; a malformed message is dead-lettered with its offset; the stream
goes on."""

from __future__ import annotations

import json

import duckdb
import pytest

from pipeline.events import customer_key, parse_event

pytestmark = pytest.mark.broker

REVIEW = {
    "event_id": "dup-review-1",
    "type": "review",
    "business_id": "dobry-sen",
    "occurred_at": "2026-11-20T10:00:00+00:00",
    "channel": "maps",
    "rating": 1,
    "author": {"customer_id": "c-dup"},
    "text": "Materac przyszedł uszkodzony, nikt nie odpowiada od tygodnia.",
}
CONCESSION = {
    "event_id": "dup-concession-1",
    "type": "concession.granted",
    "business_id": "dobry-sen",
    "occurred_at": "2026-11-20T11:00:00+00:00",
    "kind": "refund_partial",
    "customer_id": "c-dup",
    "amount": "120.00",
    "currency": "PLN",
    "granted_by": "anna",
}
AFTER = {**REVIEW, "event_id": "after-bad-1", "occurred_at": "2026-11-20T12:00:00+00:00"}


def _send(producer, event: dict, times: int = 1) -> list:
    parsed = parse_event(event)
    topic = {"review": "reviews", "concession.granted": "concessions"}[event["type"]]
    key = customer_key(parsed).encode()
    return [
        producer.send(topic, key=key, value=json.dumps(event).encode()).get(10)
        for _ in range(times)
    ]


def test_three_deliveries_count_once_and_a_bad_message_is_parked(broker, tmp_path):
    worker = broker.worker("w1")
    producer = broker.producer()
    _send(producer, REVIEW, times=3)
    _send(producer, CONCESSION, times=3)
    key = customer_key(parse_event(REVIEW)).encode()
    bad = producer.send("reviews", key=key, value=b'{"type": "review", "event_id": "x"').get(10)
    worse = producer.send("reviews", key=key, value=b"\xff\xfe not even text").get(10)
    _send(producer, AFTER)
    producer.flush()
    producer.close()

    broker.wait_processed(worker)
    db = broker.land(tmp_path / "broker.duckdb")
    con = duckdb.connect(str(db), read_only=True)
    q = lambda sql: con.execute(sql).fetchall()  # noqa: E731

    assert q("SELECT count(*) FROM reviews_scored WHERE event_id = 'dup-review-1'") == [(1,)]
    assert q("SELECT count(*) FROM ledger_entries WHERE event_id = 'dup-concession-1'") == [(1,)]
    assert q("SELECT spent FROM budget_status WHERE business_id = 'dobry-sen'") == [(120,)]
    # The stream went on after the bad messages.
    assert q("SELECT count(*) FROM reviews_scored WHERE event_id = 'after-bad-1'") == [(1,)]
    parked = q("SELECT source, position, reason FROM dead_letters ORDER BY position")
    positions = {(source, position) for source, position, _ in parked}
    assert ("reviews", f"{bad.partition}:{bad.offset}") in positions
    assert ("reviews", f"{worse.partition}:{worse.offset}") in positions
    assert all(reason for _, _, reason in parked)
    assert worker.metric("repute_events_total", topic="reviews", outcome="duplicate") == 2
    assert worker.metric("repute_events_total", topic="concessions", outcome="duplicate") == 2
    assert worker.metric("repute_dead_letters_total", topic="reviews") == 2
