"""On the broker path a correction reaches the worker that holds the customer's state."""

from __future__ import annotations

import json

import duckdb
import pytest

from analytics.corrections import correction_event, send_to_broker

pytestmark = pytest.mark.broker

REVIEW = {
    "event_id": "r-angry-1",
    "type": "review",
    "schema_version": 1,
    "business_id": "dobry-sen",
    "occurred_at": "2026-11-10T12:00:00+00:00",
    "channel": "maps",
    "public": True,
    "rating": 1,
    "author": {"handle": "anna_k", "audience_size": 3000},
    "text": "Order 4417 came broken and nobody answers my emails. Never again!",
}


def risk_of(db, key):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT risk_score, explanation FROM risk_feed WHERE customer_key = ?", [key]
        ).fetchone()


def test_a_correction_sent_to_the_broker_revises_the_customers_risk(broker, tmp_path):
    worker = broker.worker("w1")
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps(REVIEW) + "\n", encoding="utf-8")
    broker.produce_file(source)
    broker.wait_processed(worker)
    db = broker.land(tmp_path / "broker.duckdb")
    key = "dobry-sen/@maps:anna_k"
    before, why = risk_of(db, key)
    assert before > 0 and "negativity" in why

    send_to_broker(
        broker.bootstrap,
        correction_event("dobry-sen", "r-angry-1", "pos", "owner", customer_key=key),
    )
    broker.wait_processed(worker)
    broker.land(db)
    after, why = risk_of(db, key)
    assert after < before and "negativity" not in why
    with duckdb.connect(str(db), read_only=True) as con:
        label = con.execute("SELECT label FROM reviews WHERE event_id = 'r-angry-1'").fetchone()
    assert label == ("pos",)
