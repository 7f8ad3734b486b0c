"""A long-running sink holds bounded memory (issue 21): DuckDB's buffer pool has a limit, and
with a lake to publish to the sink publishes as it goes instead of tracking every key landed
until the end of the run."""

from __future__ import annotations

from analytics.lake import Manifest, lake_path
from analytics.sink import DuckDBSink
from tests.analytics.test_lake_incremental import catalog_rows, review


def test_the_memory_limit_is_set_on_the_connection(tmp_path):
    sink = DuckDBSink(tmp_path / "x.duckdb", memory_limit="256MB")
    (limit,) = sink.con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert limit == "244.1 MiB"  # 256MB, as DuckDB prints it
    sink.add(review(n) for n in range(10))
    sink.snapshot(lake_path(tmp_path / "x.duckdb"))  # lifts the bound while it publishes
    (after,) = sink.con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert after == limit
    sink.close()


def test_a_sink_with_a_lake_publishes_every_n_keys_and_tracks_no_more(tmp_path):
    db = tmp_path / "x.duckdb"
    sink = DuckDBSink(db, batch_size=10)
    sink.publish_to(lake_path(db), every_keys=25)
    for n in range(100):
        sink.add([review(n)])
        assert sink.changes.tracked < 25 + 10  # published once past 25: at most a flush more
    seq = Manifest.read(lake_path(db)).seq
    assert seq >= 3  # published along the way, not only at the end
    sink.snapshot(lake_path(db))
    assert sink.changes.tracked == 0
    assert catalog_rows(db, "SELECT count(*), count(DISTINCT event_id) FROM reviews_scored") == [
        (100, 100)
    ]
    sink.close()


def test_without_a_lake_the_sink_publishes_nothing_on_its_own(tmp_path):
    db = tmp_path / "x.duckdb"
    sink = DuckDBSink(db, batch_size=10)
    sink.add(review(n) for n in range(50))
    sink.flush()
    assert not lake_path(db).exists()
    assert sink.changes.tracked == 50
    sink.close()
