"""The ledger's hand-computed cases, shared by the two places that check them:

- tests/pipeline/test_ledger.py: the Python the stream runs per event (booking, policy, the
  budget status and forecast), on plain values;
- tests/analytics/test_ledger_views.py: the same events run through the steps, landed through
  the sink into a real DuckDB file and read back through the SQL views of 30_ledger.sql (the
  reports: breakdowns, a customer's goodwill, goodwill return).

Money is written as strings so it stays exact. Each figure in a comment is worked out by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pipeline.config import BusinessParams, PolicyLimits
from pipeline.events import ConcessionGranted, ConcessionPaid, ConcessionReversed
from pipeline.ledger import BudgetLedger, book_concession
from pipeline.state import ConcessionRecord

D = Decimal
WARSAW = "Europe/Warsaw"
BUSINESS = "shop"


def params(**overrides: Any) -> BusinessParams:
    policy = overrides.pop("policy", {})
    base: dict[str, Any] = {
        "business_id": BUSINESS,
        "currency": "PLN",
        "timezone": WARSAW,
        "refund_budget": D("5000"),
        "fx_rates": {"2026-11": {"EUR": D("4.3071")}, "*": {"EUR": D("4.30"), "UAH": D("0.1")}},
        "policy": PolicyLimits(**policy),
    }
    base.update(overrides)
    return BusinessParams(**base)


def at(day: int, hour: int = 12, month: int = 11) -> datetime:
    """A moment in November 2026 (Warsaw is UTC+1 then), given in UTC."""
    return datetime(2026, month, day, hour, tzinfo=UTC)


def grant(
    event_id: str = "g1",
    amount: str = "100",
    *,
    kind: str = "refund_partial",
    currency: str = "PLN",
    when: datetime | None = None,
    status: str = "paid",
    cost: str | None = None,
    granted_by: str = "anna",
    customer_id: str = "c1",
    **extra: Any,
) -> ConcessionGranted:
    return ConcessionGranted(
        type="concession.granted",
        event_id=event_id,
        business_id=BUSINESS,
        occurred_at=when or at(2),
        kind=kind,
        customer_id=customer_id,
        amount=D(amount),
        currency=currency,
        cost=D(cost) if cost is not None else None,
        granted_by=granted_by,
        status=status,
        **extra,
    )


def reversal(
    event_id: str, concession_id: str, when: datetime, customer_id: str = "c1"
) -> ConcessionReversed:
    return ConcessionReversed(
        type="concession.reversed",
        event_id=event_id,
        business_id=BUSINESS,
        occurred_at=when,
        concession_event_id=concession_id,
        customer_id=customer_id,
        reason="cancelled",
    )


def payment(
    event_id: str, concession_id: str, when: datetime, customer_id: str = "c1"
) -> ConcessionPaid:
    return ConcessionPaid(
        type="concession.paid",
        event_id=event_id,
        business_id=BUSINESS,
        occurred_at=when,
        concession_event_id=concession_id,
        customer_id=customer_id,
    )


def record(
    event_id: str,
    kind: str = "reship_free",
    amount: str = "20",
    *,
    currency: str = "PLN",
    when: datetime | None = None,
    reversed: bool = False,
) -> ConcessionRecord:
    return ConcessionRecord(
        event_id=event_id,
        kind=kind,
        occurred_at=when or at(1),
        amount=D(amount),
        currency=currency,
        reversed=reversed,
    )


def booked(*events: ConcessionGranted, p: BusinessParams | None = None) -> BudgetLedger:
    book = BudgetLedger()
    for event in events:
        book, _ = book_concession(book, event, p or params())
    return book


# ---------------------------------------------------------------- the hand-computed cases


@dataclass(frozen=True)
class LedgerCase:
    """Events of one business in November 2026, the complaints' revenue at risk before and
    after closing (None after: still open), and the figures expected for 2026-11."""

    events: list[Any]
    refund_budget: str = "5000"
    complaints: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    # spent, committed, remaining, over budget (of the period, net of reversals)
    budget: tuple[Decimal, Decimal, Decimal, bool] | None = None
    # (dimension, value) -> (spent, committed, consumed, concessions, reversals)
    breakdown: dict[tuple[str, str], tuple[Decimal, Decimal, Decimal, int, int]] = field(
        default_factory=dict
    )
    # concession -> (closed, risk removed by its complaint, its share, removed no risk)
    goodwill: dict[str, tuple[bool, Decimal | None, Decimal | None, bool | None]] = field(
        default_factory=dict
    )
    # goodwill return of the period: spent, closed_spent, risk_removed, net_return,
    # return_ratio, concessions, open_concessions, no_risk_removed
    goodwill_return: tuple[Any, ...] | None = None
    # customer -> (goodwill in the period, re-shipments at our cost, policy rules broken)
    customers: dict[str, tuple[Decimal, int, list[str]]] = field(default_factory=dict)


CASES: dict[str, LedgerCase] = {
    # November has 30 days; budget 2500 PLN. 2 Nov: 600 paid; 6 Nov: 400 committed.
    # Spent 600, committed 400, remaining 2500 - 1000 = 1500.
    "forecast": LedgerCase(
        events=[grant("a", "600", when=at(2)), grant("b", "400", when=at(6), status="committed")],
        refund_budget="2500",
        budget=(D("600.00"), D("400.00"), D("1500.00"), False),
    ),
    # Budget 1000: 600 on 2 Nov, 500 on 5 Nov -> 1100: over by 100.
    "over budget": LedgerCase(
        events=[grant("a", "600", when=at(2)), grant("b", "500", when=at(5))],
        refund_budget="1000",
        budget=(D("1100.00"), D("0.00"), D("-100.00"), True),
    ),
    # A zero budget: any spend is over it.
    "zero budget": LedgerCase(
        events=[grant("a", "50", when=at(3))],
        refund_budget="0",
        budget=(D("50.00"), D("0.00"), D("-50.00"), True),
    ),
    # A reversal is a negative entry in the original's period (even when booked in December);
    # a payment after the reversal moves both to paid: nothing is left of g1.
    "reversal and late payment": LedgerCase(
        events=[
            grant("g1", "120", cost="80"),
            reversal("r1", "g1", at(3, month=12)),
            grant("g2", "90", status="committed"),
            reversal("r2", "g2", at(4)),
            payment("p2", "g2", at(5)),
            grant("g3", "50", status="committed"),
        ],
        budget=(D("0.00"), D("50.00"), D("4950.00"), False),
    ),
    # a (100) and c (60, reversed) are "transport damage" by anna in krakow; b is a gift (no
    # category given: the kind) of 40, committed, by bob, no location.
    "breakdowns": LedgerCase(
        events=[
            grant("a", "100", granted_by="anna", location_id="krakow", category="transport damage"),
            grant("b", "40", kind="gift", granted_by="bob", status="committed"),
            grant("c", "60", granted_by="anna", location_id="krakow", category="transport damage"),
            reversal("rc", "c", at(6)),
        ],
        budget=(D("100.00"), D("40.00"), D("4860.00"), False),
        breakdown={
            ("category", "transport damage"): (D("100.00"), D("0.00"), D("100.00"), 2, 1),
            ("category", "gift"): (D("0.00"), D("40.00"), D("40.00"), 1, 0),
            ("handler", "anna"): (D("100.00"), D("0.00"), D("100.00"), 2, 1),
            ("handler", "bob"): (D("0.00"), D("40.00"), D("40.00"), 1, 0),
            ("location", "krakow"): (D("100.00"), D("0.00"), D("100.00"), 2, 1),
            ("location", "(none)"): (D("0.00"), D("40.00"), D("40.00"), 1, 0),
        },
    ),
    # c1 removed 1000 - 200 = 800, shared by cost 100 : 300 -> k1 200, k2 600 (k5 is reversed:
    # not goodwill); c2 removed nothing (k3); c3 is still open (k4); k6 is tied to no complaint.
    # Spent on complaints 100 + 300 + 50 + 70 = 520; on closed ones 450; net 800 - 450 = 350;
    # ratio 800 / 450 = 1.777... -> 1.78.
    "goodwill return": LedgerCase(
        events=[
            grant("k1", "100", complaint_id="c1"),
            grant("k2", "300", complaint_id="c1", when=at(4)),
            grant("k3", "50", complaint_id="c2"),
            grant("k4", "70", complaint_id="c3"),
            grant("k5", "999", complaint_id="c1"),
            grant("k6", "25"),
            reversal("r5", "k5", at(6)),
        ],
        complaints={
            "c1": ("1000.00", "200.00"),
            "c2": ("500.00", "500.00"),
            "c3": ("900.00", None),
        },
        goodwill={
            "k1": (True, D("800.00"), D("200.00"), False),
            "k2": (True, D("800.00"), D("600.00"), False),
            "k3": (True, D("0.00"), D("0.00"), True),
            "k4": (False, None, None, None),
        },
        goodwill_return=(
            D("520.00"),
            D("450.00"),
            D("800.00"),
            D("350.00"),
            D("1.78"),
            4,
            1,
            1,
        ),
    ),
    # One complaint removed 1.00, shared equally by three concessions of 1: the rounding
    # remainder goes to the last by id, so the shares add up to the complaint's total.
    "goodwill shares": LedgerCase(
        events=[grant(f"k{i}", "1", complaint_id="c") for i in range(3)],
        complaints={"c": ("1.00", "0.00")},
        goodwill={
            "k0": (True, D("1.00"), D("0.33"), False),
            "k1": (True, D("1.00"), D("0.33"), False),
            "k2": (True, D("1.00"), D("0.34"), False),
        },
    ),
    # Three re-shipments of 20 (within the limit of 3) and a gift of 480: the customer's
    # goodwill this period is 3 x 20 + 480 = 540, over the cap of 500; the gift is also over
    # anna's approval limit of 300.
    "customer standing": LedgerCase(
        events=[
            *(grant(f"s{i}", "20", kind="reship_free", when=at(1)) for i in range(1, 4)),
            grant("p", "480", kind="gift", when=at(10)),
        ],
        customers={"c1": (D("540.00"), 3, ["customer_cap", "handler_approval"])},
    ),
}
