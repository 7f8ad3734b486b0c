"""The ledger's reports are SQL (analytics/sql/30_ledger.sql), one source of truth for each money
figure: the hand-computed cases of tests/ledger_cases.py run through the two steps (the code the
stream runs), landed through the sink into a real DuckDB file and read back through the views
analysts and the dashboard read, give the figures worked out by hand; and the budget figures the
views compute from the entries agree with the budget status the stream computed per event."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from analytics.sink import DuckDBSink
from pipeline.events import customer_key
from pipeline.state import BusinessState, CustomerState
from pipeline.step import Fact, business_step, customer_step
from tests.ledger_cases import BUSINESS, CASES, LedgerCase, at, params

PERIOD = "2026-11"


def complaint_facts(complaint_id: str, before: str, after: str | None) -> list[Fact]:
    """The complaint's open and (when `after` is given) its close, with the revenue at risk
    before and after closing: what the customer step lands in complaint_events."""
    common = {"business_id": BUSINESS, "complaint_id": complaint_id, "customer_id": "c1"}
    facts = [
        Fact(
            "complaint_events",
            f"o-{complaint_id}",
            {**common, "event_id": f"o-{complaint_id}", "type": "complaint.opened",
             "occurred_at": at(1, 8), "closure_reasons": []},
        )
    ]  # fmt: skip
    if after is not None:
        row = {
            **common,
            "event_id": f"x-{complaint_id}",
            "type": "complaint.closed",
            "occurred_at": at(20),
            "handler": "anna",
            "badly_closed": False,
            "closure_grade": "good",
            "closure_reasons": [],
            "revenue_at_risk_before": Decimal(before),
            "revenue_at_risk_after": Decimal(after),
        }
        facts.append(Fact("complaint_events", row["event_id"], row))
    return facts


def land(case: LedgerCase, path: Path) -> Path:
    """The case's events through customer_step and business_step, their facts (and the
    complaints' closes) landed through the sink."""
    p = params(refund_budget=Decimal(case.refund_budget))
    customers: dict[str, CustomerState] = {}
    business: BusinessState | None = None
    facts: list[Fact] = []
    for event in case.events:
        key = customer_key(event)
        customers[key], more, forward = customer_step(customers.get(key), event, p)
        facts += more
        if forward is not None:
            business, more = business_step(business, forward, p)
            facts += more
    for complaint_id, (before, after) in case.complaints.items():
        facts += complaint_facts(complaint_id, before, after)
    sink = DuckDBSink(path)
    sink.add(facts)
    sink.close()
    return path


@pytest.fixture(scope="module")
def landed_db(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Each case landed once, in a database of its own, opened read-only."""
    opened: dict[str, Any] = {}

    def open_case(name: str) -> tuple[LedgerCase, Any]:
        if name not in opened:
            path = land(CASES[name], tmp_path_factory.mktemp("ledger") / "ledger.duckdb")
            opened[name] = duckdb.connect(str(path), read_only=True)
        return CASES[name], opened[name]

    yield open_case
    for con in opened.values():
        con.close()


def cases_with(attribute: str) -> list[str]:
    return [name for name, case in CASES.items() if getattr(case, attribute)]


def rows(con: Any, sql: str) -> list[tuple]:
    return con.execute(sql, [BUSINESS, PERIOD]).fetchall()


@pytest.mark.parametrize("name", cases_with("budget"))
def test_budget_figures(landed_db: Any, name: str) -> None:
    case, con = landed_db(name)
    [view] = rows(
        con,
        "SELECT spent, committed, remaining, over_budget FROM ledger_budget"
        " WHERE business_id = ? AND period = ?",
    )
    assert view == case.budget
    # the budget status the stream computed at the period's last change: the same figures
    [status] = rows(
        con,
        "SELECT spent, committed, remaining FROM budget_status"
        " WHERE business_id = ? AND period = ?",
    )
    assert status == case.budget[:3]


@pytest.mark.parametrize("name", cases_with("breakdown"))
def test_breakdowns(landed_db: Any, name: str) -> None:
    case, con = landed_db(name)
    found = {
        (dimension, value): tuple(figures)
        for dimension, value, *figures in rows(
            con,
            "SELECT dimension, value, spent, committed, consumed, concessions, reversals"
            " FROM ledger_budget_breakdown WHERE business_id = ? AND period = ?"
            " AND dimension IN ('category', 'handler', 'location')",
        )
    }
    assert found == case.breakdown
    # each dimension adds up to the period's spent and committed
    [(spent, committed)] = rows(
        con, "SELECT spent, committed FROM ledger_budget WHERE business_id = ? AND period = ?"
    )
    for dimension in ("category", "handler", "location"):
        mine = [f for (d, _), f in found.items() if d == dimension]
        assert sum(f[0] for f in mine) == spent and sum(f[1] for f in mine) == committed


@pytest.mark.parametrize("name", cases_with("goodwill"))
def test_goodwill_per_concession(landed_db: Any, name: str) -> None:
    case, con = landed_db(name)
    found = {
        concession: tuple(figures)
        for concession, *figures in rows(
            con,
            "SELECT concession_id, closed, complaint_risk_removed, risk_removed, removed_no_risk"
            " FROM goodwill_concessions WHERE business_id = ? AND period = ?",
        )
    }
    assert found == case.goodwill
    # a complaint's shares add up to what its close removed: each complaint counts once
    for complaint_id, (before, after) in case.complaints.items():
        if after is None:
            continue
        [(total,)] = con.execute(
            "SELECT sum(risk_removed) FROM goodwill_concessions WHERE complaint_id = ?",
            [complaint_id],
        ).fetchall()
        assert total == Decimal(before) - Decimal(after)


@pytest.mark.parametrize("name", cases_with("goodwill_return"))
def test_goodwill_return(landed_db: Any, name: str) -> None:
    case, con = landed_db(name)
    [found] = rows(
        con,
        "SELECT goodwill_spent, closed_spent, risk_removed, net_return, return_ratio,"
        " concessions, open_concessions, no_risk_removed"
        " FROM goodwill_return WHERE business_id = ? AND period = ?",
    )
    assert found == case.goodwill_return


@pytest.mark.parametrize("name", cases_with("customers"))
def test_customer_goodwill(landed_db: Any, name: str) -> None:
    case, con = landed_db(name)
    found = {
        customer: (goodwill, reships, rules)
        for customer, goodwill, reships, rules in rows(
            con,
            "SELECT customer_id, goodwill_amount, reships_to_date, rules_broken"
            " FROM ledger_customer_goodwill WHERE business_id = ? AND period = ?",
        )
    }
    assert found == case.customers


@pytest.mark.parametrize("name", list(CASES))
def test_money_stays_exact(landed_db: Any, name: str) -> None:
    """No float reaches a money column of the views: DuckDB DECIMALs come back as Decimal."""
    _, con = landed_db(name)
    for view, columns in {
        "ledger_budget": "spent, committed, remaining",
        "ledger_budget_breakdown": "spent, committed, consumed",
        "goodwill_concessions": "cost, risk_removed",
        "goodwill_return": "goodwill_spent, closed_spent, risk_removed, net_return",
    }.items():
        for row in con.execute(f"SELECT {columns} FROM {view}").fetchall():
            assert all(v is None or isinstance(v, Decimal) for v in row), (view, row)
