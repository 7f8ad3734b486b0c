"""Prometheus metrics of a worker (served at http://<worker>:<web port>/metrics) and of the sink.

Worker:
    repute_events_total{topic, outcome}      input messages by outcome: processed, duplicate,
                                             dead_letter, rekeyed (re-sent under its proper key)
    repute_dead_letters_total{topic}         messages routed to the dead-letters topic
    repute_consumer_lag{topic, partition}    messages behind the partition's high watermark
    repute_processing_seconds{agent}         from an event's processing to its batch's outputs acked
    repute_alerts_total{rule, severity}      alerts emitted
    repute_alert_outbox_depth                alerts handed to the producer, not yet acked
    repute_facts_total{table}                fact rows sent to the facts topic
    repute_watchdog_runs_total               deadline watchdog passes
    repute_rewinds_total{topic, partition}   seeks back over messages lost before the agent
    repute_commit_stall_seeks_total{topic, partition}
                                             seeks back to a committed offset that stopped moving
Sink:
    repute_sink_rows_total                   rows upserted into DuckDB
    repute_sink_flush_seconds                time of one DuckDB flush (batch)
    repute_sink_lag{topic, partition}        facts not yet landed
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# one registry per process kind: a worker's /metrics shows only worker metrics, the sink's only its
registry = CollectorRegistry()
sink_registry = CollectorRegistry()

events = Counter(
    "repute_events", "input messages by outcome", ["topic", "outcome"], registry=registry
)
dead_letters = Counter(
    "repute_dead_letters", "messages sent to dead-letters", ["topic"], registry=registry
)
consumer_lag = Gauge(
    "repute_consumer_lag",
    "messages behind high watermark",
    ["topic", "partition"],
    registry=registry,
)
processing_seconds = Histogram(
    "repute_processing_seconds",
    "receive -> outputs acknowledged",
    ["agent"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0),
    registry=registry,
)
alerts = Counter("repute_alerts", "alerts emitted", ["rule", "severity"], registry=registry)
alert_outbox_depth = Gauge(
    "repute_alert_outbox_depth", "alerts sent but not yet acknowledged", registry=registry
)
facts = Counter("repute_facts", "fact rows sent", ["table"], registry=registry)
rewinds = Counter(
    "repute_rewinds",
    "seeks back over messages lost before the agent",
    ["topic", "partition"],
    registry=registry,
)
commit_stall_seeks = Counter(
    "repute_commit_stall_seeks",
    "seeks back to a stuck committed offset",
    ["topic", "partition"],
    registry=registry,
)
watchdog_runs = Counter("repute_watchdog_runs", "deadline watchdog passes", registry=registry)

sink_rows = Counter("repute_sink_rows", "rows upserted into DuckDB", registry=sink_registry)
sink_flush_seconds = Histogram(
    "repute_sink_flush_seconds", "one DuckDB flush", registry=sink_registry
)
sink_lag = Gauge(
    "repute_sink_lag", "facts not yet landed", ["topic", "partition"], registry=sink_registry
)


def exposition() -> bytes:
    return generate_latest(registry)
