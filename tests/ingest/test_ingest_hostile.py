"""Generated hostile input (tests/hostile.py) through the HTTP ingest API on loopback, then the
inbox it wrote through the embedded runner: every request gets a JSON answer (never a 500),
every refusal says why (per field for a bad event), and every line the API queued is processed
or dead-lettered downstream, exactly once."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from analytics.sink import DuckDBSink
from cli import load_settings
from pipeline.events import MAX_REASON_CHARS
from streams.embedded import run_embedded
from streams.ingest import MAX_BODY_BYTES
from tests.hostile import Case, streams
from tests.ingest.conftest import ROOT, call, ingest_server

SETTINGS = load_settings(str(ROOT / "sample" / "businesses.toml"))


@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(streams(max_size=15))
def test_every_request_is_answered_and_every_queued_line_lands_once(cases: list[Case]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        queued_bad = queued_events = ledger_dead = 0
        accepted: set[str] = set()
        with ingest_server(tmp, rate=1_000.0, burst=1_000.0) as ingest:
            keys = {"dobry-sen": ingest.key_a, "knyzhkova-lavka": ingest.key_b}
            keys["masaz-akademia"] = ingest.keys.add("masaz-akademia")[1]
            for case in cases:
                business = case.event["business_id"] if case.event else "dobry-sen"
                reply = call(f"{ingest.base}/v1/events", raw=case.line, key=keys[business])
                body = reply.json()  # every answer is JSON
                assert reply.status in (200, 202, 400, 403, 413), (reply.status, body)
                if case.outcome in ("event", "ledger"):
                    new = case.event_id not in accepted
                    assert reply.status == (202 if new else 200), body
                    assert body["duplicate"] is (not new)
                    accepted.add(case.event_id)
                    queued_events += new
                    ledger_dead += new and case.outcome == "ledger"
                    continue
                assert body["error"]
                if len(case.line) > MAX_BODY_BYTES:
                    assert reply.status == 413
                elif reply.status == 400 and "events" in body:
                    # a bad event: per-field reasons, and it is queued as a dead letter
                    (bad,) = body["events"]
                    assert bad["dead_lettered"] is True
                    assert 0 < len(bad["reason"]) <= MAX_REASON_CHARS
                    assert all(e["field"] and e["message"] for e in bad["errors"]), bad
                    assert case.field in {e["field"] for e in bad["errors"]} | {"<event>"}
                    queued_bad += 1
                else:  # a body that is not an event at all, or names another business
                    assert reply.status in (400, 403), body
        sink = DuckDBSink(tmp / "run.duckdb")
        summary = (
            run_embedded(str(ingest.inbox), sink, SETTINGS)
            if any(ingest.inbox.glob("*.jsonl"))
            else None
        )
        sink.close()
    if summary is None:
        assert queued_events == queued_bad == 0
        return
    assert summary.lines == queued_events + queued_bad
    assert summary.dead_lettered == queued_bad + ledger_dead
    assert summary.processed == queued_events - ledger_dead
    assert summary.duplicates == 0
