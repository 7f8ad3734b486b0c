"""Analysts query with the stock duckdb CLI while the pipeline's sink holds the database."""

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from analytics.lake import catalog_path, lake_path, write_catalog
from analytics.sink import DuckDBSink
from pipeline.step import Fact

DUCKDB_CLI = Path(sys.executable).parent / "duckdb"


def review_fact(n: int) -> Fact:
    row = {
        "event_id": f"r{n}",
        "business_id": "b1",
        "occurred_at": datetime(2026, 11, 1, 12, n % 60, tzinfo=UTC),
        "customer_key": f"b1/c{n}",
        "channel": "maps",
        "label": "neg" if n % 3 == 0 else "pos",
        "drivers": ["word"],
    }
    return Fact("reviews_scored", row["event_id"], row)


def cli(db: Path, sql: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(DUCKDB_CLI), "-readonly", "-csv", "-noheader", str(db), "-c", sql],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_stock_cli_reads_the_catalog_while_the_writer_holds_the_database(tmp_path):
    live = tmp_path / "live.duckdb"
    lake, catalog = lake_path(live), catalog_path(live)
    sink = DuckDBSink(live)
    sink.add(review_fact(n) for n in range(30))
    sink.snapshot(lake)
    write_catalog(lake, catalog)

    # The live file is locked by the writer: that is why the catalog exists.
    locked = cli(live, "SELECT count(*) FROM reviews_scored")
    assert locked.returncode != 0

    first = cli(catalog, "SELECT count(*), count(*) FILTER (label='neg') FROM reviews")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "30,10"

    # More events land; the next snapshot is visible to the same catalog without rewriting it.
    sink.add(review_fact(n) for n in range(30, 45))
    sink.snapshot(lake)
    second = cli(catalog, "SELECT count(*), sum(reviews) FROM daily_reviews")
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip().split(",")[1] == "45"
    sink.close()
