"""Owners' sentiment corrections: an event of its own, landed like any other, then exported.

`record_correction` is what `repute correct` and the dashboard call. It lands the correction
in the DuckDB file through the pipeline (the `reviews` view and every mart then use the
corrected label) and refreshes the analysts' Parquet snapshot. While a streaming sink holds
the file, it sends the event to the `corrections` topic instead, and the sink lands it.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from analytics.sink import DuckDBSink
from pipeline.config import Settings
from pipeline.corrections import eval_rows
from pipeline.events import SentimentCorrected, parse_event
from pipeline.step import Pipeline


class CorrectionError(ValueError):
    """A correction that cannot be recorded; the message says why and what to do."""


def correction_event(
    business_id: str,
    target_event_id: str,
    label: str,
    by: str,
    now: datetime | None = None,
    customer_key: str | None = None,
) -> dict[str, Any]:
    event = {
        "event_id": f"corr-{uuid.uuid4().hex[:12]}",
        "type": "sentiment.corrected",
        "schema_version": 1,
        "business_id": business_id,
        "occurred_at": (now or datetime.now(UTC)).isoformat(),
        "target_event_id": target_event_id,
        "label": label,
        "corrected_by": by,
    }
    if customer_key:
        event["customer_key"] = customer_key
    return event


def review_of(db: Path, catalog: Path | None, target_event_id: str) -> tuple[str, str]:
    """(business_id, customer_key) of a scored review."""
    sources = [db] + ([catalog] if catalog else [])
    for source in sources:
        if not source.exists():
            continue
        try:
            with duckdb.connect(str(source), read_only=True) as con:
                found = con.execute(
                    "SELECT business_id, customer_key FROM reviews_scored WHERE event_id = ?",
                    [target_event_id],
                ).fetchone()
        except duckdb.IOException:
            continue  # held by the running sink: try the analysts' catalog
        if found:
            return str(found[0]), str(found[1])
    raise CorrectionError(f"no scored review with event_id {target_event_id!r}")


def record_correction(
    db: Path,
    settings: Settings,
    target_event_id: str,
    label: str,
    by: str,
    *,
    lake: Path | None = None,
    catalog: Path | None = None,
    broker: str | None = None,
) -> dict[str, Any]:
    business_id, customer = review_of(db, catalog, target_event_id)
    event = correction_event(business_id, target_event_id, label, by, customer_key=customer)
    parsed = parse_event(event)
    try:
        sink = DuckDBSink(db)
    except duckdb.IOException as exc:
        if not broker:
            raise CorrectionError(
                f"{db} is held by a running sink and no broker is configured"
                " (set REPUTE_BROKER or pass --broker)"
            ) from exc
        send_to_broker(broker, event)
        return event
    # the customer's and business's state saved by the last run: the correction then also
    # recomputes that customer's risk, as a worker holding the state would
    pipeline = Pipeline(settings)
    pipeline.restore(sink.saved_states([("customer", customer), ("business", business_id)]))
    sink.add(pipeline.process(parsed))
    sink.flush()
    sink.add(pipeline.state_facts())
    if lake is not None:
        sink.snapshot(lake)
    sink.close()
    return event


def send_to_broker(broker: str, event: dict[str, Any]) -> None:
    from kafka import KafkaProducer

    from pipeline.events import STREAM_OF_TYPE, customer_key

    producer = KafkaProducer(bootstrap_servers=broker)
    try:
        producer.send(
            STREAM_OF_TYPE[event["type"]],
            key=customer_key(parse_event(event)).encode(),
            value=json.dumps(event, ensure_ascii=False).encode(),
        ).get(timeout=30)
    finally:
        producer.close()


def export_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Corrected reviews as labelled rows in the eval format: id, lang, text, label, source."""
    corrections = [
        SentimentCorrected(
            type="sentiment.corrected",
            event_id=event_id,
            business_id=business_id,
            occurred_at=occurred_at,
            target_event_id=target,
            label=label,
            corrected_by=by,
        )
        for event_id, business_id, occurred_at, target, label, by in con.execute(
            "SELECT event_id, business_id, occurred_at, target_event_id, label, corrected_by"
            " FROM sentiment_corrections"
        ).fetchall()
    ]
    reviews = con.execute(
        "SELECT event_id, text, lang FROM reviews_scored WHERE event_id IN"
        " (SELECT target_event_id FROM sentiment_corrections)"
    ).fetchall()
    texts = {event_id: text for event_id, text, _ in reviews}
    langs = {event_id: lang for event_id, _, lang in reviews}
    return eval_rows(corrections, texts, langs)
