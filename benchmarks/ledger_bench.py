"""Goodwill ledger: booking + budget status per event, against a bare running total.

    python -m benchmarks.ledger_bench [--per-month 300] [--months 12] [--no-record]

What the business step does for every concession (`book_concession` with conversion, then
`budget_status` with burn rate and forecast) vs the cheapest bookkeeping there is: a dict insert
and a running Decimal total per period. Per-event cost must stay bounded by the period's size,
not grow with the whole ledger, so the figure is taken over a year of concessions.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from benchmarks.summary import median_seconds, record
from pipeline import ledger
from pipeline.config import BusinessParams
from pipeline.events import ConcessionGranted


def concessions(per_month: int, months: int) -> list[ConcessionGranted]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    step = timedelta(days=30) / per_month
    kinds = ["refund_partial", "discount", "reship_free", "gift", "compensation"]
    return [
        ConcessionGranted(
            type="concession.granted",
            event_id=f"k{i}",
            business_id="b",
            occurred_at=start + step * i,
            kind=kinds[i % len(kinds)],
            customer_id=f"c{i % 400}",
            amount=Decimal(i % 997) / 10,
            currency="EUR" if i % 3 else "PLN",
            granted_by=f"h{i % 4}",
            status="committed" if i % 5 == 0 else "paid",
        )
        for i in range(per_month * months)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-month", type=int, default=300)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args()
    events = concessions(args.per_month, args.months)
    params = BusinessParams(
        business_id="b", refund_budget=Decimal("5000"), fx_rates={"*": {"EUR": Decimal("4.30")}}
    )

    def ours() -> None:
        book = ledger.BudgetLedger()
        for event in events:
            book, entry = ledger.book_concession(book, event, params)
            assert entry is not None
            ledger.budget_status(book, params, entry.period, event.occurred_at)

    def bare() -> None:
        entries: dict[str, Decimal] = {}
        totals: dict[str, Decimal] = {}
        for event in events:
            period = f"{event.occurred_at.year:04d}-{event.occurred_at.month:02d}"
            entries[event.event_id] = event.amount
            totals[period] = totals.get(period, Decimal(0)) + event.amount

    ours_s = median_seconds(3, ours)
    bare_s = median_seconds(3, bare)
    ours_rate = len(events) / ours_s
    bare_rate = len(events) / bare_s
    print(
        f"ledger: {ours_rate:,.0f} concessions/s booked with budget status"
        f" ({args.per_month}/month x {args.months} months); bare running total"
        f" {bare_rate:,.0f}/s (ratio {ours_rate / bare_rate:.3f})"
    )
    if not args.no_record:
        record(
            "ledger_concessions_per_s",
            ours_rate,
            "concessions/s",
            bare_rate,
            ">= 2000/s at 300 concessions a month (well above the embedded pipeline's rate)",
        )


if __name__ == "__main__":
    main()
