"""A writer lands and publishes flushes in a loop while readers run the stock duckdb CLI over the
analysts' catalog in a loop (issue 23): no read fails, the writer never fails, and every read is
one consistent snapshot: facts and the aggregates over them agree, and nothing goes backwards."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from analytics import lake as lake_module
from analytics.lake import catalog_path, lake_path
from analytics.sink import DuckDBSink
from pipeline.step import Fact

DUCKDB_CLI = Path(sys.executable).parent / "duckdb"
START = datetime(2026, 10, 1, tzinfo=UTC)
# one read: the snapshot's seq, facts, the daily aggregate over them, a mart over complaints
READ = (
    "SELECT (SELECT seq FROM lake_freshness), (SELECT count(*) FROM reviews_scored),"
    " (SELECT coalesce(sum(reviews), 0) FROM daily_reviews),"
    " (SELECT count(*) FROM reviews WHERE label = 'neg'),"
    " (SELECT coalesce(sum(negative), 0) FROM daily_reviews),"
    " (SELECT count(*) FROM complaint_lifecycle),"
    " (SELECT coalesce(sum(complaints_closed), 0) FROM handler_scorecard)"
)


def review(n: int, label: str) -> Fact:
    row = {
        "event_id": f"r{n}",
        "business_id": f"b{n % 3}",
        "occurred_at": START + timedelta(hours=7 * n),  # months go by: partitions and deltas
        "customer_key": f"b{n % 3}/c{n % 50}",
        "channel": "maps",
        "text": f"review {n}",
        "label": label,
        "rating": 1 + n % 5,
        "drivers": [],
    }
    return Fact("reviews_scored", row["event_id"], row)


def closing(n: int) -> Fact:
    row = {
        "event_id": f"x{n}",
        "type": "complaint.closed",
        "business_id": f"b{n % 3}",
        "occurred_at": START + timedelta(hours=7 * n),
        "complaint_id": f"cmp{n}",
        "handler": f"h{n % 4}",
        "badly_closed": n % 5 == 0,
        "closure_reasons": [],
    }
    return Fact("complaint_events", row["event_id"], row)


def test_readers_see_consistent_growing_snapshots_while_the_sink_writes(tmp_path, monkeypatch):
    monkeypatch.setattr(lake_module, "COMPACT_MIN_ROWS", 100)  # compactions happen mid-test
    db = tmp_path / "live.duckdb"
    sink = DuckDBSink(db)
    sink.add(review(n, "pos") for n in range(50))
    sink.snapshot(lake_path(db))
    catalog = catalog_path(db)

    reads: list[tuple[int, ...]] = []
    by_reader: dict[int, list[int]] = {0: [], 1: []}
    errors: list[str] = []
    writing = threading.Event()
    writing.set()

    def reader(me: int) -> None:
        while writing.is_set():
            done = subprocess.run(
                [str(DUCKDB_CLI), "-readonly", "-csv", "-noheader", str(catalog), "-c", READ],
                capture_output=True,
                text=True,
                timeout=60,
            )
            if done.returncode != 0:
                errors.append(done.stderr)
            else:
                reads.append(tuple(int(x) for x in done.stdout.strip().split(",")))
                by_reader[me].append(reads[-1][0])

    readers = [threading.Thread(target=reader, args=(i,)) for i in range(2)]
    for thread in readers:
        thread.start()
    flushes = 0
    try:
        deadline = time.monotonic() + 8
        n = 50
        while time.monotonic() < deadline or flushes < 12:
            # new reviews, a few earlier ones re-landed with another label, a closing
            sink.add(review(k, "neg" if k % 2 else "neu") for k in range(n, n + 40))
            sink.add(review(k, "neg") for k in range(n - 30, n - 20))
            sink.add([closing(flushes)])
            sink.snapshot(lake_path(db))
            n += 40
            flushes += 1
            if flushes >= 60:
                break
    finally:
        writing.clear()
        for thread in readers:
            thread.join(timeout=120)
    final = sink.con.execute(
        "SELECT count(*), (SELECT count(*) FROM reviews WHERE label = 'neg') FROM reviews_scored"
    ).fetchone()
    sink.close()

    assert errors == []
    assert len(reads) >= 6, f"only {len(reads)} reads in {flushes} flushes"
    compactions = lake_module.Manifest.read(lake_path(db)).tables["reviews_scored"]["base"]
    assert any("/c1_" not in f for f in compactions), "no compaction happened during the test"
    for _seq, facts, aggregated, negative, negative_agg, lifecycle, closed in reads:
        # one snapshot: the aggregate was published with the facts it counts
        assert (facts, negative, lifecycle) == (aggregated, negative_agg, closed)
    # each reader's snapshots never go back; and across readers, counts grow with the seq
    for seqs in by_reader.values():
        assert seqs == sorted(seqs)
    ordered = sorted(reads)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        assert later[1] >= earlier[1] and later[5] >= earlier[5]
    assert len({r[0] for r in reads}) > 1  # the readers saw the data grow
    last = ordered[-1]
    assert last[1] <= final[0] and last[3] <= final[1]
