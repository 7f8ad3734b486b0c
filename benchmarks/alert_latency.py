"""Alert latency and alert noise in the embedded pipeline.

    python -m benchmarks.alert_latency [--filler 10000] [--seed 11]

- Event-to-alert latency: for every event that raises an alert, the wall time from handing
  the event to `Pipeline.process` until the alert is committed in the outbox (stored: it can
  no longer be lost), and until it has been delivered through Apprise to a webhook receiver
  on loopback (delivered). p50 and p95, against a baseline of the same events' bare
  `Pipeline.process` time: the ratio is what storing and sending add.
- Noise: alerts per 10,000 events on the sample generator (`sample/generate.py --filler N`:
  ordinary customers drawn at random plus the hand-written story, whose only real spike is
  five angry reviews in one hour). Baseline: the spike rule this replaced (min count and ratio
  only, one alert per scope and clock hour), replayed over the same scored texts.

The deadline watchdog's alerts are left out of the latency (they come from a timer, not from
an event). Both figures are merged into benchmarks/results/summary.json.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from analytics.delivery.notify import apprise_sender, open_outbox
from benchmarks.summary import record
from cli import load_settings
from pipeline import spike
from pipeline.events import parse_event
from pipeline.step import Pipeline

SAMPLE_CONFIG = Path(__file__).resolve().parents[1] / "sample" / "businesses.toml"
sys.path.insert(0, str(SAMPLE_CONFIG.parent))
from generate import build  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def start_receiver() -> tuple[ThreadingHTTPServer, list[int]]:
    received: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append(1)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def old_spike_rule(calls: list[tuple[datetime, str, str, bool]], window_min=60, base_h=12) -> int:
    """The first version (replaced by pipeline/spike.py): >= 3 negatives in the last hour and
    >= 3x the previous 12 h's hourly rate (floored), per business/location/channel, deduped
    per scope and clock hour."""
    keys: set[str] = set()
    negatives: list[tuple[datetime, str, str]] = []
    for when, location, channel, negative in calls:
        if not negative:
            continue
        record_ = (when, location or "-", channel)
        negatives.append(record_)
        horizon = when - timedelta(hours=base_h, minutes=window_min)
        negatives = [r for r in negatives if r[0] >= horizon]
        start = when - timedelta(minutes=window_min)
        for scope, index in (("business", None), ("location", 1), ("channel", 2)):
            mine = [r for r in negatives if index is None or r[index] == record_[index]]
            recent = sum(1 for r in mine if r[0] >= start)
            earlier = len(mine) - recent
            rate = earlier * window_min / (base_h * 60)
            if recent >= 3 and recent >= 3 * max(rate, 1 / 3):
                value = "all" if index is None else record_[index]
                keys.add(f"{scope}:{value}:{when.replace(minute=0, second=0, microsecond=0)}")
    return len(keys)


def run(filler: int, seed: int) -> dict[str, float]:
    events = []
    for line in build(seed=seed, filler_count=filler):
        try:
            events.append(parse_event(line))
        except ValueError:
            continue
    settings = load_settings(str(SAMPLE_CONFIG))
    Pipeline(settings).process(events[0])  # load lexicons and lemmatizers once

    # Record every spike check (per business) to replay the old rule over the same texts.
    calls: dict[str, list[tuple[datetime, str, str, bool]]] = {}
    real_check = spike.check

    def recording_check(negatives, seen, **kw):
        calls.setdefault(kw["business_id"], []).append(
            (kw["when"], kw["location"], kw["channel"], kw["negative"])
        )
        return real_check(negatives, seen, **kw)

    spike.check = recording_check
    server, received = start_receiver()
    url = f"json://127.0.0.1:{server.server_address[1]}/alerts"
    send = apprise_sender(timeout=5)
    stored_ms: list[float] = []
    delivered_ms: list[float] = []
    process_ms: list[float] = []
    rules: Counter[str] = Counter()
    seen_ids: set[str] = set()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            box = open_outbox(Path(tmp) / "outbox.sqlite", settings, default_urls=[url])
            pipeline = Pipeline(settings)
            for event in events:
                start = time.perf_counter()
                facts = pipeline.process(event)
                processed = time.perf_counter()
                alerts = [f for f in facts if f.table == "alerts"]
                if not alerts:
                    continue
                for fact in alerts:
                    if fact.key not in seen_ids:
                        seen_ids.add(fact.key)
                        rules[fact.row["rule"]] += 1
                if not box.enqueue_facts(alerts):
                    continue  # an id already stored (the same cause again): nothing to send
                stored = time.perf_counter()
                box.drain(send)
                delivered = time.perf_counter()
                process_ms.append((processed - start) * 1000)
                stored_ms.append((stored - start) * 1000)
                delivered_ms.append((delivered - start) * 1000)
            for fact in pipeline.check_deadlines(pipeline.newest_event_at):
                if fact.key not in seen_ids:
                    seen_ids.add(fact.key)
                    rules[fact.row["rule"]] += 1
            box.close()
    finally:
        spike.check = real_check
        server.shutdown()
    old_spikes = sum(old_spike_rule(c) for c in calls.values())
    per_10k = 10_000 / len(events)
    total = sum(rules.values())
    return {
        "events": len(events),
        "alerts": total,
        "alerts_per_10k": total * per_10k,
        "alerts_per_10k_old_spike_rule": (total - rules["negative_spike"] + old_spikes) * per_10k,
        "spikes_per_10k": rules["negative_spike"] * per_10k,
        "spikes_per_10k_old_rule": old_spikes * per_10k,
        "stored_p50": percentile(stored_ms, 50),
        "stored_p95": percentile(stored_ms, 95),
        "delivered_p50": percentile(delivered_ms, 50),
        "delivered_p95": percentile(delivered_ms, 95),
        "process_p50": percentile(process_ms, 50),
        "process_p95": percentile(process_ms, 95),
        "latency_samples": len(stored_ms),
        "received": len(received),
        "by_rule": dict(rules.most_common()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filler", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-record", action="store_true", help="print, do not merge")
    args = parser.parse_args()
    r = run(args.filler, args.seed)
    print(
        f"{r['events']} events, {r['alerts']} alerts ({r['alerts_per_10k']:.1f} per 10k;"
        f" {r['alerts_per_10k_old_spike_rule']:.1f} with the old spike rule)"
    )
    print(
        f"spikes per 10k: {r['spikes_per_10k']:.2f} (old rule {r['spikes_per_10k_old_rule']:.2f})"
    )
    print(f"by rule: {r['by_rule']}")
    print(
        f"latency over {r['latency_samples']} alerting events (ms): stored p50"
        f" {r['stored_p50']:.2f} p95 {r['stored_p95']:.2f}; delivered p50"
        f" {r['delivered_p50']:.2f} p95 {r['delivered_p95']:.2f}; bare process p50"
        f" {r['process_p50']:.2f} p95 {r['process_p95']:.2f}; {r['received']} messages received"
    )
    if args.no_record:
        return 0
    record(
        "alert_latency_stored_p50_ms",
        r["stored_p50"],
        "ms",
        r["process_p50"],
        "< 50 ms event-to-alert stored in the outbox (baseline: bare process of the same events)",
    )
    record(
        "alert_latency_stored_p95_ms",
        r["stored_p95"],
        "ms",
        r["process_p95"],
        "< 100 ms p95 event-to-alert stored (baseline: bare process of the same events)",
    )
    record(
        "alert_latency_delivered_p50_ms",
        r["delivered_p50"],
        "ms",
        r["process_p50"],
        "< 250 ms event-to-webhook on loopback via Apprise (baseline: bare process)",
    )
    record(
        "alert_latency_delivered_p95_ms",
        r["delivered_p95"],
        "ms",
        r["process_p95"],
        "< 500 ms p95 event-to-webhook on loopback via Apprise (baseline: bare process)",
    )
    record(
        "alerts_per_10k_events",
        r["alerts_per_10k"],
        "alerts/10k events",
        r["alerts_per_10k_old_spike_rule"],
        "fewer than the first version (baseline: same rules with the old spike rule)",
    )
    record(
        "spike_alerts_per_10k_events",
        r["spikes_per_10k"],
        "alerts/10k events",
        r["spikes_per_10k_old_rule"],
        "<= 1 per 10k on generator noise (the story holds one real burst)",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
