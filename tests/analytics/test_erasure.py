"""`repute forget` (issue 23): on the sample run's real DuckDB file, its incremental lake (with a
delta holding an older version of the customer's review), catalog and outbox, nothing of the
customer is left in any table, lake file, catalog view or the outbox, read with the stock
duckdb CLI and as bytes; the counts and money totals stay; an audit row says it happened."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from analytics.delivery.outbox import default_path
from analytics.lake import Manifest, catalog_path, lake_path
from analytics.sink import DuckDBSink
from cli import main
from pipeline.step import Fact

DUCKDB_CLI = Path(sys.executable).parent / "duckdb"
BUSINESS = "knyzhkova-lavka"
CUSTOMER = "c-yurist"  # reviews, complaints, a concession, a high-risk alert, a handle
HANDLE = "adv_sokolov"

# figures that must not move: counts and money (per business where it matters)
TOTALS = {
    "reviews": "SELECT count(*), sum(rating), count(*) FILTER (WHERE label = 'neg') FROM reviews",
    "daily_reviews": "SELECT business_id, sum(reviews), sum(negative), sum(positive),"
    " sum(revenue_at_risk_negative) FROM daily_reviews GROUP BY 1 ORDER BY 1",
    "daily_closures": "SELECT business_id, handler, sum(closed), sum(badly_closed),"
    " sum(revenue_at_risk_removed) FROM daily_closures GROUP BY ALL ORDER BY ALL",
    "ledger_budget": "SELECT business_id, period, spent, committed, remaining, granted, reversed,"
    " concessions, customers FROM ledger_budget ORDER BY ALL",
    "handler_scorecard": "SELECT * FROM handler_scorecard ORDER BY ALL",
    "goodwill_return": "SELECT * FROM goodwill_return ORDER BY ALL",
    "risk": "SELECT business_id, count(*), sum(revenue_at_risk), sum(customers_at_risk)"
    " FROM risk_feed GROUP BY 1 ORDER BY 1",
    "complaints": "SELECT type, count(*), count(DISTINCT complaint_id) FROM complaint_events"
    " GROUP BY 1 ORDER BY 1",
}


def cli(target: Path, sql: str) -> str:
    done = subprocess.run(
        [str(DUCKDB_CLI), "-readonly", "-csv", "-noheader", str(target), "-c", sql],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def sql_text(text: str) -> str:
    return text.replace("'", "''")


def totals(target: Path) -> dict[str, list]:
    with duckdb.connect(str(target), read_only=True) as con:
        return {name: con.execute(sql).fetchall() for name, sql in TOTALS.items()}


def needles_of(db: Path) -> list[str]:
    """What identifies the customer: id, key, handle, their review texts and review ids."""
    with duckdb.connect(str(db), read_only=True) as con:
        reviews = con.execute(
            "SELECT event_id, text FROM reviews_scored WHERE customer_key = ?",
            [f"{BUSINESS}/{CUSTOMER}"],
        ).fetchall()
    assert reviews and all(text for _, text in reviews)
    return [CUSTOMER, HANDLE] + [i for i, _ in reviews] + [t for _, t in reviews]


def rows_naming(con, needles: list[str]) -> dict[str, int]:
    """Rows of every table and view (as text) that contain one of the needles."""
    names = [
        n
        for (n,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    ]
    found = {}
    for name in names:
        for needle in needles:
            n = con.execute(
                f"SELECT count(*) FROM {name} AS t WHERE contains(CAST(t AS VARCHAR), ?)",
                [needle],
            ).fetchone()[0]
            if n:
                found[f"{name}:{needle}"] = n
    return found


@pytest.fixture(scope="module")
def erased(sample_folder: Path, tmp_path_factory: pytest.TempPathFactory):
    """The sample copied, its lake published anew (the copy's own files), a newer version of
    the customer's review landed as a delta; then the totals, then `repute forget`."""
    folder = tmp_path_factory.mktemp("erasure") / "sample"
    shutil.copytree(sample_folder, folder)
    db = folder / "demo.duckdb"
    shutil.rmtree(lake_path(db))
    catalog_path(db).unlink()
    sink = DuckDBSink(db)
    sink.snapshot(lake_path(db))
    cursor = sink.con.execute(
        "SELECT * FROM reviews_scored WHERE customer_key = ?", [f"{BUSINESS}/{CUSTOMER}"]
    )
    names = [d[0] for d in cursor.description]
    for row in cursor.fetchall():
        review = dict(zip(names, row, strict=True))
        sink.add([Fact("reviews_scored", review["event_id"], review)])  # same row, re-landed
    sink.snapshot(lake_path(db))
    sink.close()
    assert Manifest.read(lake_path(db)).tables["reviews_scored"]["delta"]
    needles = needles_of(db)
    with duckdb.connect(str(catalog_path(db)), read_only=True) as con:
        assert rows_naming(con, needles)  # the checks below can see the customer
    before = totals(db), totals(catalog_path(db))
    with duckdb.connect(str(db), read_only=True) as con:
        alerts = con.execute("SELECT count(*) FROM alerts").fetchone()[0]
        theirs = con.execute(
            "SELECT count(*) FROM alerts WHERE customer_key = ?", [f"{BUSINESS}/{CUSTOMER}"]
        ).fetchone()[0]
    assert theirs >= 1
    assert main(["forget", "--business", BUSINESS, "--customer", CUSTOMER, "--db", str(db),
                 "--by", "dpo@example.com"]) == 0  # fmt: skip
    return db, needles, before, (alerts, theirs)


def test_nothing_of_the_customer_is_left_in_the_database(erased):
    db, needles, _, _ = erased
    with duckdb.connect(str(db), read_only=True) as con:
        assert rows_naming(con, needles) == {}
        assert con.execute(
            "SELECT count(*) FROM pipeline_state WHERE key LIKE ?", [f"%{CUSTOMER}%"]
        ).fetchone() == (0,)
    # nor in the file's bytes (deleted rows' old blocks are not left behind)
    data = db.read_bytes()
    assert [n for n in needles if n.encode() in data] == []


def test_nothing_of_the_customer_is_left_in_the_lake_or_the_catalog(erased):
    db, needles, _, _ = erased
    lake = lake_path(db)
    # every Parquet file in the lake folder, read with the stock CLI, whatever the manifest says
    tables = sorted(p.name for p in lake.iterdir() if p.is_dir())
    assert "reviews_scored" in tables and "risk_feed" in tables
    script = " UNION ALL ".join(
        f"SELECT '{table}', count(*) FROM read_parquet('{lake}/{table}/**/*.parquet',"
        f" union_by_name = true) AS t WHERE contains(CAST(t AS VARCHAR), '{sql_text(needle)}')"
        for table in tables
        for needle in needles
    )
    counts = cli(db, script).split("\n")
    assert [line for line in counts if line and not line.endswith(",0")] == []
    # every table and view of the analysts' catalog, through the stock CLI
    with duckdb.connect(str(catalog_path(db)), read_only=True) as con:
        views = [
            v
            for (v,) in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        ]
    assert "reviews_scored" in views and "handler_scorecard" in views
    script = " UNION ALL ".join(
        f"SELECT '{v}', count(*) FROM {v} AS t WHERE contains(CAST(t AS VARCHAR), '{n}')"
        for v in views
        for n in (CUSTOMER, HANDLE)
    )
    counts = cli(catalog_path(db), script).split()
    assert counts and all(line.endswith(",0") for line in counts), counts
    with duckdb.connect(str(catalog_path(db)), read_only=True) as con:
        assert rows_naming(con, needles) == {}
    # and no file under the lake holds the bytes
    for path in [catalog_path(db), *lake.rglob("*")]:
        if path.is_file():
            data = path.read_bytes()
            assert [n for n in needles if n.encode() in data] == [], path


def test_nothing_of_the_customer_is_left_in_the_outbox(erased):
    db, needles, _, _ = erased
    outbox = default_path(db)
    with sqlite3.connect(outbox) as con:
        rows = con.execute("SELECT * FROM alerts").fetchall()
        assert rows  # other customers' alerts stay
        text = repr(rows) + repr(con.execute("SELECT * FROM deliveries").fetchall())
    assert [n for n in needles if n in text] == []
    assert [n for n in needles if n.encode() in outbox.read_bytes()] == []


def test_counts_and_money_stay_and_an_audit_row_says_what_happened(erased):
    db, _, (live, catalog), (alerts, theirs) = erased
    assert totals(db) == live
    assert totals(catalog_path(db)) == catalog == live
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM alerts").fetchone()[0] == alerts - theirs
        audit = con.execute(
            "SELECT business_id, requested_by, rows_changed, rows_by_table FROM erasures"
        ).fetchall()
    assert len(audit) == 1
    business, by, changed, by_table = audit[0]
    assert (business, by) == (BUSINESS, "dpo@example.com") and changed >= 8
    assert '"reviews_scored:anonymised": 1' in by_table and '"alerts:deleted"' in by_table
    # analysts see the audit row too
    assert cli(catalog_path(db), "SELECT count(*) FROM erasures").strip() == "1"


def test_forget_refuses_while_a_writer_holds_the_file(tmp_path, capsys):
    db = tmp_path / "held.duckdb"
    sink = DuckDBSink(db)
    try:
        # another process cannot open a file this one writes: run the command in one
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "cli",
                "forget",
                "--business",
                "b",
                "--customer",
                "c",
                "--db",
                str(db),
            ],  # fmt: skip
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        sink.close()
    assert done.returncode == 1
    assert "held by another process" in done.stderr and "stop it" in done.stderr
