"""`repute sink`: land the `facts` and `dead-letters` topics in DuckDB, in batches.

A kafka-python consumer (group `repute-sink`, auto-commit off). Messages are buffered in the
`DuckDBSink` and flushed as one transaction per batch; offsets are committed only *after* the
flush. A crash between the two re-reads the batch, and the upsert by key lands it again without
changing anything: at-least-once delivery, exactly-once rows.

The sink is the only writer of the DuckDB file. Analysts and the dashboard read the Parquet
snapshot: `--snapshot-every N` exports every table to `<db>.lake/` beside the database after a
flush at most every N seconds, and `<db>.analyst.duckdb` (views only) is what the stock
`duckdb` CLI opens while the sink runs (see analytics/lake.py). Alerts among the facts are
stored in the alert outbox in the same flush, before offsets are committed, so none is lost on
a crash.
"""

from __future__ import annotations

import logging
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analytics.delivery.outbox import Outbox, default_path
from analytics.lake import catalog_path, lake_path, write_catalog
from analytics.sink import DuckDBSink
from pipeline.step import Fact
from streams import codec, metrics

log = logging.getLogger("repute.sink")

SINK_TOPICS = ("facts", "dead-letters")


@dataclass
class SinkStats:
    messages: int = 0
    rows: int = 0
    flushes: int = 0
    undecodable: int = 0


def to_fact(topic: str, value: bytes) -> Fact:
    if topic == "dead-letters":
        row = codec.loads(value)
        return Fact("dead_letters", row["dead_letter_id"], row)
    return codec.decode_fact(value)


def to_facts(topic: str, value: bytes) -> list[Fact]:
    """The facts of one message: a dead letter, or a `facts` message of one event's facts (or
    of one fact, as earlier workers sent them)."""
    if topic == "dead-letters":
        return [to_fact(topic, value)]
    return codec.decode_facts(value)


class SinkRunner:
    """Poll -> buffer -> flush DuckDB -> commit offsets. `stop()` ends after a last flush."""

    def __init__(
        self,
        bootstrap: str,
        db: str | Path,
        group: str = "repute-sink",
        batch_rows: int = 5_000,
        max_wait: float = 1.0,
        idle_exit: float | None = None,
        until_caught_up: bool = False,
        snapshot_every: float | None = None,
        refresh_marts_every: float = 30.0,
    ) -> None:
        from kafka import KafkaConsumer

        self.consumer = KafkaConsumer(
            *SINK_TOPICS,
            bootstrap_servers=bootstrap,
            group_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            key_deserializer=None,
            value_deserializer=None,
            session_timeout_ms=6_000,
            max_poll_interval_ms=30_000,  # also the rebalance timeout: a join waits this long
            heartbeat_interval_ms=1_000,
            max_poll_records=batch_rows,
        )
        self.db = Path(db)
        self.sink = DuckDBSink(self.db, batch_size=10**9)  # we decide when to flush
        self.outbox = Outbox(default_path(self.db))
        self._alerts: list[Fact] = []
        self.batch_rows = batch_rows
        self.max_wait = max_wait
        self.idle_exit = idle_exit
        self.until_caught_up = until_caught_up
        self.snapshot_every = snapshot_every
        self.refresh_marts_every = refresh_marts_every
        self.stats = SinkStats()
        self._running = True
        self._buffered = 0
        self._last_lag = 0.0

    def stop(self, *_: Any) -> None:
        self._running = False

    def run(self) -> SinkStats:
        last_flush = last_message = last_snapshot = last_marts = time.monotonic()
        marts_stale = False
        caught_up_since: float | None = None
        while self._running:
            batches = self.consumer.poll(timeout_ms=200, max_records=self.batch_rows)
            now = time.monotonic()
            for tp, records in batches.items():
                for record in records:
                    self._take(tp.topic, tp.partition, record.offset, record.value)
                last_message = now
            if self._buffered and (
                self._buffered >= self.batch_rows
                or now - last_flush >= self.max_wait
                or not batches
            ):
                self.flush()
                last_flush = now
                marts_stale = True
            if marts_stale and now - last_marts >= self.refresh_marts_every and not batches:
                self.sink.refresh_marts()
                last_marts, marts_stale = now, False
            if self.snapshot_every is not None and now - last_snapshot >= self.snapshot_every:
                self.snapshot()
                last_snapshot = now
            if not self.consumer.assignment():
                last_message = now  # idle time counts from joining the group
            elif self.until_caught_up and not batches and not self._buffered and self._caught_up():
                # tansu can report an end offset one batch short: believe it only when it
                # still holds after a quiet second.
                if caught_up_since is None:
                    caught_up_since = now
                elif now - caught_up_since >= 1.0:
                    log.info("caught up with the end of every partition: stopping")
                    break
            if batches:
                caught_up_since = None
            if self.idle_exit is not None and now - last_message >= self.idle_exit:
                log.info("idle for %.0f s: stopping", self.idle_exit)
                break
            if now - self._last_lag >= 5.0:
                self._measure_lag()
                self._last_lag = now
        self.close()
        return self.stats

    def _take(self, topic: str, partition: int, offset: int, value: bytes | None) -> None:
        self.stats.messages += 1
        try:
            facts = to_facts(topic, value or b"")
        except (ValueError, KeyError, TypeError) as exc:
            self.stats.undecodable += 1
            log.error(
                "cannot decode topic=%s partition=%s offset=%s: %s", topic, partition, offset, exc
            )
            return
        self.sink.add(facts)
        self._alerts.extend(fact for fact in facts if fact.table == "alerts")
        self._buffered += len(facts)

    def flush(self) -> None:
        started = time.perf_counter()
        self.sink.flush()
        self.outbox.enqueue_facts(self._alerts)
        self._alerts = []
        metrics.sink_flush_seconds.observe(time.perf_counter() - started)
        metrics.sink_rows.inc(self._buffered)
        self.stats.rows += self._buffered
        self.stats.flushes += 1
        # Only now is the batch durable in DuckDB: commit what we consumed.
        self.consumer.commit()
        log.info("landed %d rows (flush %d)", self._buffered, self.stats.flushes)
        self._buffered = 0

    def snapshot(self) -> Path:
        """Export the tables to Parquet for readers; returns the analysts' catalog."""
        lake = lake_path(self.db)
        catalog = catalog_path(self.db)
        self.sink.snapshot(lake)
        if not catalog.exists():
            write_catalog(lake, catalog)
        return catalog

    def _caught_up(self) -> bool:
        assigned = list(self.consumer.assignment())
        ends = self.consumer.end_offsets(assigned)
        return all(self.consumer.position(tp) >= ends.get(tp, 0) for tp in assigned)

    def _measure_lag(self) -> None:
        try:
            assigned = self.consumer.assignment()
            if not assigned:
                return
            ends = self.consumer.end_offsets(list(assigned))
            for tp in assigned:
                lag = ends.get(tp, 0) - self.consumer.position(tp)
                metrics.sink_lag.labels(tp.topic, str(tp.partition)).set(max(lag, 0))
        except Exception:  # metrics only
            log.debug("lag not measured", exc_info=True)

    def close(self) -> None:
        if self._buffered:
            self.flush()
        if self.snapshot_every is not None:
            self.snapshot()
        self.sink.close()  # flush + refresh marts
        self.outbox.close()
        self.consumer.close()


def run_sink(
    bootstrap: str,
    db: str | Path,
    metrics_port: int | None = None,
    metrics_host: str | None = None,
    **options: Any,
) -> SinkStats:
    """The `repute sink` process: runs until SIGTERM/SIGINT (or `idle_exit` seconds of quiet)."""
    from streams.app import PARTITIONS, REPLICATION, WEB_HOST
    from streams.broker import ensure_topics

    ensure_topics(bootstrap, SINK_TOPICS, PARTITIONS, REPLICATION)
    if metrics_port:
        from prometheus_client import start_http_server

        start_http_server(
            metrics_port, addr=metrics_host or WEB_HOST, registry=metrics.sink_registry
        )
    runner = SinkRunner(bootstrap, db, **options)
    signal.signal(signal.SIGTERM, runner.stop)
    signal.signal(signal.SIGINT, runner.stop)
    return runner.run()
