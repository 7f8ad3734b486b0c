"""The incremental lake (issue 23): a publish writes only what the flush landed; re-landed and
compacted rows are read once; the catalog always agrees with the live tables."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest

from analytics import lake as lake_module
from analytics.lake import Manifest, catalog_path, lake_path
from analytics.sink import DuckDBSink
from pipeline.step import Fact


def review(n: int, label: str = "neg", month: int = 11) -> Fact:
    row = {
        "event_id": f"r{n}",
        "business_id": f"b{n % 2}",
        "occurred_at": datetime(2026, month, 1 + n % 28, 12, tzinfo=UTC),
        "customer_key": f"b{n % 2}/c{n}",
        "channel": "maps",
        "label": label,
        "drivers": [],
    }
    return Fact("reviews_scored", row["event_id"], row)


def catalog_rows(db, sql: str):
    with duckdb.connect(str(catalog_path(db)), read_only=True) as con:
        return con.execute(sql).fetchall()


def live_rows(sink: DuckDBSink, sql: str):
    return sink.con.execute(sql).fetchall()


def test_a_publish_writes_only_what_the_flush_landed(tmp_path):
    db = tmp_path / "x.duckdb"
    sink = DuckDBSink(db)
    sink.add(review(n) for n in range(100))
    sink.snapshot(lake_path(db))
    first = Manifest.read(lake_path(db)).tables["reviews_scored"]
    assert first["base_rows"] == 100 and first["delta"] == []

    sink.add(review(n) for n in range(100, 110))
    sink.snapshot(lake_path(db))
    entry = Manifest.read(lake_path(db)).tables["reviews_scored"]
    assert entry["base"] == first["base"]  # the history is not rewritten
    assert entry["delta_rows"] == 10
    with duckdb.connect() as con:
        in_delta = con.execute(f"SELECT count(*) FROM read_parquet('{entry['delta'][0]}')")
        assert in_delta.fetchone()[0] == 10
    assert catalog_rows(db, "SELECT count(*) FROM reviews_scored") == [(110,)]
    sink.close()


def test_a_relanded_row_is_read_once_with_its_last_version(tmp_path):
    db = tmp_path / "x.duckdb"
    sink = DuckDBSink(db)
    sink.add(review(n, "pos") for n in range(20))
    sink.snapshot(lake_path(db))
    sink.add([review(3, "neg"), review(3, "neu")])  # the last version wins, as in DuckDB
    sink.snapshot(lake_path(db))
    sink.add([review(3, "neg")])
    sink.snapshot(lake_path(db))
    sql = "SELECT label, count(*) FROM reviews_scored WHERE event_id = 'r3' GROUP BY 1"
    assert catalog_rows(db, sql) == [("neg", 1)] == live_rows(sink, sql)
    agg = "SELECT sum(reviews), sum(negative) FROM daily_reviews"
    assert catalog_rows(db, agg) == live_rows(sink, agg) == [(20, 1)]
    sink.close()


def test_compaction_rewrites_touched_months_and_keeps_every_row_once(tmp_path, monkeypatch):
    monkeypatch.setattr(lake_module, "COMPACT_MIN_ROWS", 5)
    db = tmp_path / "x.duckdb"
    sink = DuckDBSink(db)
    sink.add(review(n, month=10) for n in range(50))
    sink.add(review(n, month=11) for n in range(50, 100))
    sink.snapshot(lake_path(db))
    october = [
        f
        for f in Manifest.read(lake_path(db)).tables["reviews_scored"]["base"]
        if "_m=2026-10" in f
    ]
    sink.add(review(n, month=11) for n in range(100, 120))  # 20 > 5: compacts November only
    sink.snapshot(lake_path(db))
    entry = Manifest.read(lake_path(db)).tables["reviews_scored"]
    assert entry["delta"] == [] and entry["base_rows"] == 120
    assert [f for f in entry["base"] if "_m=2026-10" in f] == october
    sql = "SELECT business_id, count(*) FROM reviews_scored GROUP BY 1 ORDER BY 1"
    assert catalog_rows(db, sql) == live_rows(sink, sql)
    sink.close()


@pytest.mark.parametrize("table", ["risk_feed", "alerts", "budget_status"])
def test_empty_tables_still_have_their_columns_in_the_catalog(tmp_path, table):
    db = tmp_path / "x.duckdb"
    sink = DuckDBSink(db)
    sink.add([review(1)])
    sink.snapshot(lake_path(db))
    sink.close()
    assert catalog_rows(db, f"SELECT count(*) FROM {table}") == [(0,)]
