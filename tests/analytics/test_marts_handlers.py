"""Handler scorecards and goodwill return (issue 23): figures on a real DuckDB file, and the same
through the lake's catalog, checked against values computed by hand from a small fixture."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from analytics.lake import catalog_path, lake_path
from analytics.sink import DuckDBSink
from cli import main
from pipeline.step import Fact

DUCKDB_CLI = Path(sys.executable).parent / "duckdb"
B = "b1"


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def opened(n: int, when: datetime, deadline: datetime | None = None) -> Fact:
    row = {
        "event_id": f"o-{n}",
        "type": "complaint.opened",
        "business_id": B,
        "occurred_at": when,
        "complaint_id": f"cmp-{n}",
        "customer_id": f"c-{n}",
        "promised_deadline": deadline,
        "closure_reasons": [],
    }
    return Fact("complaint_events", row["event_id"], row)


def closed(n: int, when: datetime, handler: str, bad: bool, met: bool | None, before, after):
    row = {
        "event_id": f"x-{n}",
        "type": "complaint.closed",
        "business_id": B,
        "occurred_at": when,
        "complaint_id": f"cmp-{n}",
        "customer_id": f"c-{n}",
        "handler": handler,
        "badly_closed": bad,
        "closure_grade": "bad" if bad else "good",
        "deadline_met": met,
        "closure_reasons": [],
        "revenue_at_risk_before": Decimal(before),
        "revenue_at_risk_after": Decimal(after),
    }
    return Fact("complaint_events", row["event_id"], row)


def entry(eid: str, by: str, cost: str, complaint: str | None, status="paid", reverses=None):
    amount = Decimal(cost)
    row = {
        "event_id": eid,
        "business_id": B,
        "occurred_at": at(12),
        "period": "2026-11",
        "kind": "refund_partial",
        "category": "refund_partial",
        "customer_id": "c-x",
        "granted_by": by,
        "complaint_id": complaint,
        "status": status,
        "amount": amount,
        "currency": "PLN",
        "fx_rate": Decimal("1"),
        "amount_budget": amount,
        "cost_budget": amount,
        "reverses": reverses,
    }
    return Fact("ledger_entries", eid, row)


FACTS = [
    # anna: 24 h, 12 h, 48 h to close; one badly closed; deadlines: met, missed, none
    opened(1, at(1, 10), at(3)),
    closed(1, at(2, 10), "anna", False, True, "100.00", "10.00"),
    opened(2, at(3, 8), at(3, 12)),
    closed(2, at(3, 20), "anna", True, False, "50.00", "50.00"),
    opened(3, at(5)),
    closed(3, at(7), "anna", False, None, "200.00", "0.00"),
    # bob: 6 h, deadline met
    opened(4, at(4), at(5)),
    closed(4, at(4, 6), "bob", False, True, "80.00", "20.00"),
    opened(5, at(10)),  # still open: counts nowhere
    entry("l-1", "anna", "30.00", "cmp-1"),
    entry("l-2", "anna", "20.00", "cmp-2"),
    entry("l-3", "anna", "40.00", "cmp-3"),
    entry("l-3r", "anna", "-40.00", "cmp-3", status="reversed-paid", reverses="l-3"),
    entry("l-4", "bob", "15.00", "cmp-4"),
    entry("l-5", "bob", "5.00", "cmp-4"),
    entry("l-6", "bob", "10.00", None, status="committed"),
    Fact(
        "budget_status",
        f"{B}/2026-11",
        {"business_id": B, "period": "2026-11", "currency": "PLN", "budget": Decimal("1000")},
    ),
]

# (handler, closed, badly closed, badly %, with deadline, met, met %, median h, granted,
#  reversed, cost) -- computed by hand from FACTS above
SCORECARD = {
    "anna": (3, 1, 33.3, 2, 1, 50.0, 24.0, 2, 1, Decimal("50.00")),
    "bob": (1, 0, 0.0, 1, 1, 100.0, 6.0, 3, 0, Decimal("30.00")),
}
SCORECARD_SQL = (
    "SELECT handler, complaints_closed, badly_closed, badly_closed_pct, with_deadline,"
    " deadlines_met, deadlines_met_pct, median_hours_to_close, concessions_granted,"
    " concessions_reversed, concessions_cost FROM handler_scorecard"
    f" WHERE business_id = '{B}' AND period = '2026-11' ORDER BY handler"
)
# goodwill: l-1 removes 90.00 (cmp-1); l-2 0.00 (cmp-2 removed nothing); cmp-4 removed 60.00,
# shared by cost 15:5 -> l-4 45.00, l-5 15.00; l-3 was reversed; l-6 is not tied to a complaint
GOODWILL = {
    "goodwill_spent": Decimal("70.00"),
    "closed_spent": Decimal("70.00"),
    "risk_removed": Decimal("150.00"),
    "concessions": 4,
    "no_risk_removed": 1,
    "spent_without_return": Decimal("20.00"),
    "net_return": Decimal("80.00"),
    "return_ratio": Decimal("2.14"),  # 150 / 70 = 2.142...
}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("marts") / "marts.duckdb"
    sink = DuckDBSink(path)
    sink.add(FACTS)
    sink.snapshot(lake_path(path))  # the lake and the catalog beside the file
    sink.close()
    return path


def scorecard(con) -> dict:
    return {row[0]: tuple(row[1:]) for row in con.execute(SCORECARD_SQL).fetchall()}


def test_handler_scorecard_matches_the_hand_computed_figures(db):
    with duckdb.connect(str(db), read_only=True) as con:
        assert scorecard(con) == SCORECARD


def test_goodwill_return_matches_the_hand_computed_figures(db):
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute(
            f"SELECT * FROM goodwill_return WHERE business_id = '{B}' AND period = '2026-11'"
        )
        row = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
        shares = dict(
            con.execute(
                "SELECT concession_id, risk_removed FROM goodwill_concessions ORDER BY 1"
            ).fetchall()
        )
    assert {k: row[k] for k in GOODWILL} == GOODWILL
    assert shares == {
        "l-1": Decimal("90.00"),
        "l-2": Decimal("0.00"),
        "l-4": Decimal("45.00"),
        "l-5": Decimal("15.00"),
    }


def test_the_catalog_over_the_lake_gives_the_same_figures(db):
    with duckdb.connect(str(catalog_path(db)), read_only=True) as con:
        assert scorecard(con) == SCORECARD
    # and the stock CLI reads it too
    done = subprocess.run(
        [
            str(DUCKDB_CLI),
            "-readonly",
            "-csv",
            "-noheader",
            str(catalog_path(db)),
            "-c",
            f"SELECT return_ratio FROM goodwill_return WHERE business_id = '{B}'",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2.14"


@pytest.mark.parametrize("name", ["handlers", "goodwill", "budget", "closures"])
def test_every_report_writes_csv_json_and_parquet(db, tmp_path, capsys, name):
    assert main(["report", name, "--db", str(db), "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert main(["report", name, "--db", str(db), "--format", "json"]) == 0
    as_json = json.loads(capsys.readouterr().out)
    out = tmp_path / f"{name}.parquet"
    assert main(["report", name, "--db", str(db), "--format", "parquet", "--out", str(out)]) == 0
    with duckdb.connect() as con:
        parquet = con.execute(f"SELECT * FROM read_parquet('{out}')").fetchall()
    assert rows and len(rows) - 1 == len(as_json) == len(parquet) > 0
    assert rows[0] == list(as_json[0])


def test_the_handlers_report_lists_each_handler_once_per_period(db, capsys):
    assert main(["report", "handlers", "--db", str(db), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["handler"], r["complaints_closed"], r["concessions_cost"]) for r in rows] == [
        ("anna", 3, "50.00"),
        ("bob", 1, "30.00"),
    ]


def test_the_lifecycle_table_follows_flushes_as_the_view_did(tmp_path):
    """complaint_lifecycle is kept up to date flush by flush (only the touched complaints):
    a closing before its opening, a re-closing by someone else, a re-landed event."""
    path = tmp_path / "lifecycle.duckdb"
    sink = DuckDBSink(path)
    sql = "SELECT * FROM complaint_lifecycle ORDER BY complaint_id"
    source = "SELECT * FROM complaint_lifecycle_source ORDER BY complaint_id"
    steps = [
        [closed(1, at(2, 10), "anna", False, True, "100.00", "10.00")],  # opening not seen yet
        [opened(1, at(1, 10), at(3)), opened(2, at(3, 8))],
        [closed(2, at(3, 20), "anna", True, False, "50.00", "50.00")],
        [closed(2, at(3, 20), "bob", False, True, "50.00", "0.00")],  # re-landed, now bob's
    ]
    for facts in steps:
        sink.add(facts)
        sink.snapshot(lake_path(path))
        assert sink.con.execute(sql).fetchall() == sink.con.execute(source).fetchall()
        with duckdb.connect(str(catalog_path(path)), read_only=True) as con:
            assert con.execute(sql).fetchall() == sink.con.execute(sql).fetchall()
    rows = sink.con.execute(
        "SELECT complaint_id, closed_by, badly_closed, hours_to_close FROM complaint_lifecycle"
        " ORDER BY 1"
    ).fetchall()
    sink.close()
    assert rows == [("cmp-1", "anna", False, 24.0), ("cmp-2", "bob", False, 12.0)]
