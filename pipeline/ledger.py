"""The goodwill ledger: concessions against the refund budget, and policy limits.

Entries are never edited: a reversal is a new entry. Money is `Decimal` throughout; amounts in
another currency are converted with the business's configured rate, recorded on the entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import BaseModel, Field

from pipeline.config import BusinessParams
from pipeline.events import ConcessionGranted

CENT = Decimal("0.01")
RESHIP_KINDS = frozenset({"reship_free", "replacement"})
REFUND_KINDS = frozenset({"refund_full", "refund_partial"})


class LedgerError(ValueError):
    """A concession that cannot be booked (e.g. no exchange rate for its currency)."""


@dataclass(frozen=True)
class PolicyException:
    rule: str
    detail: str


class LedgerEntry(BaseModel):
    event_id: str
    period: str
    kind: str
    category: str
    customer_id: str
    granted_by: str
    location_id: str | None = None
    complaint_id: str | None = None
    status: str  # paid | committed | reversed-*
    amount: Decimal
    currency: str
    fx_rate: Decimal
    amount_budget: Decimal  # signed: a reversal books the negative of what it reverses
    cost_budget: Decimal
    reverses: str | None = None


class BudgetLedger(BaseModel):
    """One business's ledger; `entries` keyed by event id, so a duplicate books once."""

    entries: dict[str, LedgerEntry] = Field(default_factory=dict)
    paid_ids: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class BudgetStatus:
    business_id: str
    period: str
    currency: str
    budget: Decimal
    spent: Decimal
    committed: Decimal
    remaining: Decimal
    used_pct: Decimal
    burn_per_day: Decimal
    runs_out_on: date | None
    period_ends_on: date


def period_key(when: datetime | date, period: str = "month") -> str:
    if period == "year":
        return f"{when.year:04d}"
    if period == "quarter":
        return f"{when.year:04d}-Q{(when.month - 1) // 3 + 1}"
    return f"{when.year:04d}-{when.month:02d}"


def fx_rate(params: BusinessParams, currency: str, period: str) -> Decimal:
    if currency == params.currency:
        return Decimal(1)
    for key in (period, "*"):
        rate = params.fx_rates.get(key, {}).get(currency)
        if rate is not None:
            return Decimal(rate)
    raise LedgerError(
        f"no exchange rate {currency}->{params.currency} for period {period}:"
        f" set fx_rates.\"{period}\".{currency} (or fx_rates.\"*\") in the business config"
    )


def to_budget_currency(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def check_policy(
    history: Sequence[Any], event: ConcessionGranted, params: BusinessParams
) -> list[PolicyException]:
    """Policy rules a concession breaks, given the customer's earlier concessions.

    `history` items have `.kind` and `.reversed` (`state.ConcessionRecord`).
    """
    policy = params.policy
    broken: list[PolicyException] = []
    if event.kind in RESHIP_KINDS:
        earlier = sum(1 for c in history if c.kind in RESHIP_KINDS and not c.reversed)
        if earlier + 1 > policy.reship_at_our_cost_limit:
            broken.append(
                PolicyException(
                    "reship_limit",
                    f"re-shipment #{earlier + 1} at our cost; limit is"
                    f" {policy.reship_at_our_cost_limit} (then prepaid only)",
                )
            )
    if event.discount_pct is not None and event.discount_pct > policy.max_discount_pct:
        broken.append(
            PolicyException(
                "discount_cap", f"discount {event.discount_pct}% over the {policy.max_discount_pct}% cap"
            )
        )
    if (
        event.kind in REFUND_KINDS
        and event.days_since_purchase is not None
        and event.days_since_purchase > policy.returns_window_days
    ):
        broken.append(
            PolicyException(
                "returns_window",
                f"return {event.days_since_purchase} days after purchase;"
                f" window is {policy.returns_window_days} days",
            )
        )
    return broken


def book_concession(
    ledger: BudgetLedger, event: ConcessionGranted, params: BusinessParams
) -> tuple[BudgetLedger, LedgerEntry | None]:
    """Book a granted concession; None when this event id was booked already."""
    if event.event_id in ledger.entries:
        return ledger, None
    period = period_key(event.occurred_at, params.budget_period)
    rate = fx_rate(params, event.currency, period)
    cost = event.cost if event.cost is not None else event.amount
    entry = LedgerEntry(
        event_id=event.event_id,
        period=period,
        kind=event.kind,
        category=event.category or event.kind,
        customer_id=event.customer_id,
        granted_by=event.granted_by,
        location_id=event.location_id,
        complaint_id=event.complaint_id,
        status="paid" if event.status == "paid" or event.event_id in ledger.paid_ids else "committed",
        amount=event.amount,
        currency=event.currency,
        fx_rate=rate,
        amount_budget=to_budget_currency(event.amount, rate),
        cost_budget=to_budget_currency(cost, rate),
    )
    ledger.entries[event.event_id] = entry
    return ledger, entry


def book_payment(ledger: BudgetLedger, concession_event_id: str) -> BudgetLedger:
    """A committed concession is now paid (a payment may arrive before its grant)."""
    if concession_event_id not in ledger.paid_ids:
        ledger.paid_ids.append(concession_event_id)
    entry = ledger.entries.get(concession_event_id)
    if entry is not None and entry.status == "committed":
        ledger.entries[concession_event_id] = entry.model_copy(update={"status": "paid"})
    return ledger


def book_reversal(
    ledger: BudgetLedger, event_id: str, reverses: str, when: datetime, params: BusinessParams
) -> tuple[BudgetLedger, LedgerEntry | None]:
    """Reverse an earlier entry with a new, negative one. None if already booked or unknown."""
    original = ledger.entries.get(reverses)
    if event_id in ledger.entries or original is None or original.reverses is not None:
        return ledger, None
    if any(e.reverses == reverses for e in ledger.entries.values()):
        return ledger, None
    entry = original.model_copy(
        update={
            "event_id": event_id,
            "period": period_key(when, params.budget_period),
            "status": f"reversed-{original.status}",
            "amount_budget": -original.amount_budget,
            "cost_budget": -original.cost_budget,
            "reverses": reverses,
        }
    )
    ledger.entries[event_id] = entry
    return ledger, entry


def budget_status(
    ledger: BudgetLedger, params: BusinessParams, period: str, as_of: datetime
) -> BudgetStatus:
    spent = Decimal(0)
    committed = Decimal(0)
    for entry in ledger.entries.values():
        if entry.period != period:
            continue
        if entry.status.endswith("committed"):
            committed += entry.cost_budget
        else:
            spent += entry.cost_budget
    budget = params.refund_budget
    remaining = budget - spent - committed
    start, end = period_bounds(period)
    days_elapsed = max(1, (min(as_of.date(), end) - start).days + 1)
    burn = ((spent + committed) / days_elapsed).quantize(CENT, rounding=ROUND_HALF_UP)
    runs_out_on = None
    if burn > 0:
        days_left = remaining / burn
        runs_out_on = as_of.date() + timedelta(days=max(0, int(days_left)))
    used_pct = ((spent + committed) * 100 / budget).quantize(CENT) if budget else Decimal(0)
    return BudgetStatus(
        business_id=params.business_id,
        period=period,
        currency=params.currency,
        budget=budget,
        spent=spent,
        committed=committed,
        remaining=remaining,
        used_pct=used_pct,
        burn_per_day=burn,
        runs_out_on=runs_out_on,
        period_ends_on=end,
    )


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a period key made by `period_key`."""
    if "-Q" in period:
        year, quarter = int(period[:4]), int(period[-1])
        start = date(year, 3 * quarter - 2, 1)
        months = 3
    elif "-" in period:
        start = date(int(period[:4]), int(period[5:7]), 1)
        months = 1
    else:
        start = date(int(period), 1, 1)
        months = 12
    next_month = start.month - 1 + months
    end = date(start.year + next_month // 12, next_month % 12 + 1, 1) - timedelta(days=1)
    return start, end
