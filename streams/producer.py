"""`repute produce FILE`: send JSONL events to their topics with kafka-python.

Routing: topic = `STREAM_OF_TYPE[type]`, key = `customer_key(event)` (so all of a customer's
events share a partition, in order), Kafka's default murmur2 partitioner.

Malformed lines (our call, chosen so there is one validator and one dead-letter path):
- a JSON object whose `type` we know is sent *raw* to that type's topic, even if it does not
  validate; the customer agent dead-letters it with the topic, partition and offset it got,
  exactly as it would for any other producer's bad message;
- a line with no routable type (not JSON, not an object, unknown `type`) cannot go to any input
  topic, so it goes straight to `dead-letters` with the file name, line number and reason.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pipeline.events import STREAM_OF_TYPE, InvalidEvent, customer_key, parse_event
from pipeline.step import dead_letter_fact
from streams import codec

log = logging.getLogger("repute.produce")

DEAD_LETTERS = "dead-letters"


@dataclass
class ProduceSummary:
    sent: int = 0
    sent_invalid: int = 0
    dead_lettered: int = 0
    seq: int = 0
    failed: int = 0  # sends the broker never acknowledged (produce_lines raises when any)


class ProduceError(RuntimeError):
    """Some sends were never acknowledged by the broker, even after the retries."""


def route(line: str | bytes) -> tuple[str, bytes | None, str | None]:
    """(topic, key, reason) of one line; reason is set when the line is not a valid event."""
    try:
        event = parse_event(line)
        return STREAM_OF_TYPE[event.type], customer_key(event).encode(), None
    except InvalidEvent as exc:
        try:
            data: Any = json.loads(line, parse_float=Decimal)
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            data = None
        kind = data.get("type") if isinstance(data, dict) else None
        if isinstance(kind, str) and kind in STREAM_OF_TYPE:
            return STREAM_OF_TYPE[kind], None, exc.reason
        return DEAD_LETTERS, None, exc.reason


def make_producer(bootstrap: str, **options: Any) -> Any:
    from kafka import KafkaProducer

    # No cap on retries: a send is retried until kafka-python's delivery timeout (120 s), so a
    # broker that restarts (tansu on S3 storage, a Kafka broker failing over) loses nothing.
    # Not idempotent: tansu 0.6 stores a producer's sequence number before the records, so after
    # a kill -9 between the two it answers the retry "duplicate" and the records are lost
    # (measured: 2-16 of 1,500 events per broker kill, tests/streams/test_durable_broker.py).
    # A retry may then write a batch twice: the agents drop repeated event ids. One request in
    # flight per connection keeps a partition's order across retries.
    settings: dict[str, Any] = {
        "acks": "all",
        "linger_ms": 5,
        "enable_idempotence": False,
        "max_in_flight_requests_per_connection": 1,
    }
    settings.update(options)
    return KafkaProducer(bootstrap_servers=bootstrap, **settings)


def produce_lines(
    producer: Any, lines: Iterable[tuple[str, int, str]], flush: bool = True
) -> ProduceSummary:
    """Send (source, line number, line) triples; returns counts. Flushes at the end."""
    summary = ProduceSummary()
    errors: list[BaseException] = []

    def failed(exc: BaseException) -> None:
        summary.failed += 1
        errors.append(exc)

    for source, number, line in lines:
        raw = line.strip().encode("utf-8", "surrogateescape")  # the bytes as read
        topic, key, reason = route(line)  # the line as read: same reasons as `repute run`
        if topic == DEAD_LETTERS:
            fact = dead_letter_fact(line, source, str(number), reason or "unroutable")
            future = producer.send(DEAD_LETTERS, key=source.encode(), value=codec.dumps(fact.row))
            future.add_errback(failed)
            summary.dead_lettered += 1
            log.warning("dead letter: %s line %s: %s", source, number, reason)
            continue
        # repute-seq: the line's place in the replay, so agents can restore the order across
        # topics (streams.agents.ReplayOrder); other producers' messages order by timestamp.
        summary.seq += 1
        future = producer.send(
            topic, key=key, value=raw, headers=[("repute-seq", b"%d" % summary.seq)]
        )
        future.add_errback(failed)
        if reason:
            summary.sent_invalid += 1
            log.info(
                "sent invalid %s line %s to %s for the agent to dead-letter", source, number, topic
            )
        summary.sent += 1
    if flush:
        producer.flush()
        if errors:
            raise ProduceError(
                f"{summary.failed} of {summary.sent + summary.dead_lettered} sends were not"
                f" acknowledged by the broker; first: {errors[0]!r}"
            )
    return summary


def produce_file(bootstrap: str, source: str, ensure: bool = True) -> ProduceSummary:
    from streams.app import PARTITIONS, REPLICATION
    from streams.broker import ensure_topics
    from streams.embedded import input_lines
    from streams.topics import ALL_TOPICS

    if ensure:
        ensure_topics(bootstrap, ALL_TOPICS, PARTITIONS, REPLICATION)
    producer = make_producer(bootstrap)
    try:
        return produce_lines(producer, input_lines(source))
    finally:
        producer.close()
