"""The bundled sample sent over HTTP, one request per line, lands the same totals as the file
itself: the inbox log is the same input as the file, minus what the API refuses to queue."""

from __future__ import annotations

import json
from pathlib import Path

from streams.ingest import IngestConfig
from tests.ingest.conftest import SAMPLE, call, ingest_server
from tests.streams.conftest import diff, embedded_db, newest_event_time, totals


def test_the_sample_over_http_lands_the_same_totals_as_the_file(tmp_path: Path) -> None:
    with ingest_server(tmp_path / "api", rate=10_000, burst=10_000) as ingest:
        keys = {"dobry-sen": ingest.key_a, "knyzhkova-lavka": ingest.key_b}
        _, keys["masaz-akademia"] = ingest.keys.add("masaz-akademia")
        statuses: dict[int, int] = {}
        for line in SAMPLE.read_text(encoding="utf-8").splitlines():
            try:
                data = json.loads(line)
            except ValueError:
                data = None
            business = data.get("business_id") if isinstance(data, dict) else None
            key = keys.get(business if isinstance(business, str) else "", ingest.key_a)
            url = f"{ingest.base}/v1/events"
            status = call(url, key=key, raw=line.encode()).status
            statuses[status] = statuses.get(status, 0) + 1
        inbox = ingest.inbox
    # 526 processed, 8 repeats (200, or 409 where the repeat's content differs), 6 bad lines:
    # one is not JSON at all (400 with no event to record), and `[1, 2, 3]` is over HTTP a
    # batch of three bad events (three dead letters where the file has one)
    assert statuses[202] == 526
    assert statuses.get(200, 0) + statuses.get(409, 0) == 8
    assert statuses[400] == 6
    clock = newest_event_time(SAMPLE)
    by_file = totals(embedded_db(SAMPLE, tmp_path / "file.duckdb", clock))
    by_http = totals(embedded_db(inbox, tmp_path / "http.duckdb", clock))
    assert by_http.pop("rows.dead_letters") == by_file.pop("rows.dead_letters") - 1 + 2
    assert by_http == by_file, diff(by_file, by_http)


def test_ingest_config_defaults_match_the_documented_limits() -> None:
    fields = IngestConfig.__dataclass_fields__
    assert fields["max_body_bytes"].default == 1_048_576
    assert (fields["rate"].default, fields["burst"].default) == (10.0, 20.0)
