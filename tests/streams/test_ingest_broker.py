"""The HTTP ingest with a broker configured: a 202 means the event is on its topic (keyed by
customer, as `repute produce` sends it); a bad event goes where a bad produced line goes."""

from __future__ import annotations

import json
from pathlib import Path

from kafka import KafkaConsumer

from streams.ingest import BrokerQueue, IngestConfig, build_app
from streams.ingest_keys import KeyStore
from tests.ingest.conftest import call, review, serving
from tests.streams.conftest import Broker


def _read(bootstrap: str, topic: str, count: int) -> list[tuple[bytes | None, bytes]]:
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=10_000,
    )
    try:
        found = []
        for message in consumer:
            found.append((message.key, message.value))
            if len(found) == count:
                break
        return found
    finally:
        consumer.close()


def test_accepted_events_are_acknowledged_by_the_broker(broker: Broker, tmp_path: Path) -> None:
    keys = KeyStore(tmp_path / "x.keys.sqlite")
    _, key = keys.add("dobry-sen")
    config = IngestConfig(keys=keys, queue=BrokerQueue(broker.bootstrap))
    with serving(build_app(config)) as base:
        url = f"{base}/v1/events"
        accepted = call(url, [review("b1"), review("b2", author={"customer_id": "c-7"})], key)
        assert accepted.status == 202 and accepted.json()["queued_to"] == "broker"
        assert call(url, review("b1"), key).json()["duplicate"] is True
        bad = call(url, [review("b3", rating=0), {"type": "nonsense"}], key)
        assert bad.status == 400
    reviews = _read(broker.bootstrap, "reviews", 3)
    # partitions are read in any order; a known type that breaks its contract goes raw to its
    # topic, unkeyed, for the agent to dead-letter with its offset (as `repute produce` does)
    assert sorted((json.loads(v)["event_id"], k) for k, v in reviews) == [
        ("b1", b"dobry-sen/c-42"),
        ("b2", b"dobry-sen/c-7"),
        ("b3", None),
    ]
    dead = _read(broker.bootstrap, "dead-letters", 1)
    row = json.loads(dead[0][1])
    assert row["source"].startswith("http:") and "unknown event type" in row["reason"]
