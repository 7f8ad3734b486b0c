"""The DuckDB sink upserts by each table's key: re-landing changes nothing, a newer row wins."""

from datetime import UTC, datetime
from decimal import Decimal

import duckdb

from analytics.sink import DuckDBSink
from pipeline.step import Fact

WHEN = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def budget(spent: str) -> Fact:
    row = {
        "business_id": "b1",
        "period": "2026-11",
        "currency": "PLN",
        "budget": Decimal("1000.00"),
        "spent": Decimal(spent),
        "as_of": WHEN,
    }
    return Fact("budget_status", "b1:2026-11", row)


def alert(alert_id: str, state: str = "open") -> Fact:
    row = {
        "alert_id": alert_id,
        "rule": "badly_closed",
        "severity": "critical",
        "business_id": "b1",
        "created_at": WHEN,
        "dedupe_key": f"k:{alert_id}",
        "facts": {"complaint_id": "k1", "amount": Decimal("12.50")},
        "state": state,
    }
    return Fact("alerts", alert_id, row)


def test_relanding_the_same_facts_in_later_flushes_changes_nothing(tmp_path):
    sink = DuckDBSink(tmp_path / "s.duckdb")
    for _ in range(3):
        sink.add([alert("a1"), alert("a2"), budget("10.00")])
        sink.flush()
    assert sink.con.execute("SELECT count(*) FROM alerts").fetchone()[0] == 2
    assert sink.con.execute("SELECT count(*) FROM budget_status").fetchone()[0] == 1
    sink.close()


def test_newer_row_replaces_older_on_composite_and_single_keys(tmp_path):
    sink = DuckDBSink(tmp_path / "s.duckdb")
    sink.add([budget("10.00"), alert("a1")])
    sink.flush()
    sink.add([budget("25.50"), alert("a1", state="acknowledged")])
    sink.close()
    with duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True) as con:
        spent = con.execute("SELECT spent FROM budget_status").fetchall()
        state, facts = con.execute("SELECT state, facts FROM alerts").fetchone()
    assert spent == [(Decimal("25.50"),)]
    assert state == "acknowledged"
    assert '"amount": "12.50"' in facts  # money in JSON stays an exact decimal string
