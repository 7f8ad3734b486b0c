"""The goodwill ledger: concessions against the refund budget, policy limits, goodwill return.

Everything here is pure: functions of the ledger (or a customer's concession history), the event
and the business's parameters; no I/O, no clock. Money is `Decimal` throughout and every money
figure is quantized to 0.01 with ROUND_HALF_UP; no float is ever produced.

- Entries are never edited. A reversal is a new, negative entry pointing at the original; it is
  booked in the original's period (a cancelled concession cost that period nothing).
- Amounts in another currency are converted into the budget currency (`params.currency`) with the
  rate the business configured for the entry's period (`fx_rates`), recorded on the entry.
- Order of arrival does not change totals: a payment may arrive before its grant (`paid_ids`), a
  reversal before its grant (`pending_reversals`); a duplicate event id books once.
- Periods are calendar months (or quarters, years) in the business's `timezone`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, PrivateAttr

from pipeline.config import BusinessParams
from pipeline.events import ConcessionGranted

CENT = Decimal("0.01")
# The largest money figure of one event in the budget currency (larger ones are dead-lettered):
# figures and their totals stay within the DuckDB columns, DECIMAL(18, 2).
MAX_MONEY = Decimal("1000000000000")
ZERO = Decimal("0.00")
RESHIP_KINDS = frozenset({"reship_free", "replacement"})
REFUND_KINDS = frozenset({"refund_full", "refund_partial"})
# Statuses an entry can have; a reversal takes "reversed-" + the original's status.
PAID_STATUSES = frozenset({"paid", "reversed-paid"})
COMMITTED_STATUSES = frozenset({"committed", "reversed-committed"})
BREAKDOWN_DIMENSIONS = ("category", "granted_by", "location_id", "kind", "customer_id")
Dimension = Literal["category", "granted_by", "location_id", "kind", "customer_id"]
NO_VALUE = "(none)"
# Kind of the placeholder a customer's history holds for a reversal that came before its grant.
PENDING_REVERSAL_KIND = "pending_reversal"
# A forecast further out than this is no forecast: `runs_out_on` is None ("not at this rate").
FORECAST_HORIZON_DAYS = 3660


class LedgerError(ValueError):
    """A concession that cannot be booked (e.g. no exchange rate for its currency)."""


def money(value: Decimal) -> Decimal:
    """Quantize a money figure to 0.01, ROUND_HALF_UP."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | str):
        return Decimal(value)
    raise LedgerError(f"not an exact number (no floats for money): {value!r}")


# ---------------------------------------------------------------- model


@dataclass(frozen=True)
class PolicyException:
    """A policy rule a concession broke: the rule, why, who granted it, the limit and the value."""

    rule: str
    detail: str
    granted_by: str | None = None
    limit: Decimal | None = None
    actual: Decimal | None = None


class LedgerEntry(BaseModel):
    event_id: str
    period: str
    kind: str
    category: str
    customer_id: str
    granted_by: str
    location_id: str | None = None
    complaint_id: str | None = None
    status: str  # paid | committed | reversed-paid | reversed-committed
    amount: Decimal  # in `currency`; signed like amount_budget
    currency: str
    fx_rate: Decimal
    amount_budget: Decimal  # signed: a reversal books the negative of what it reverses
    cost_budget: Decimal
    reverses: str | None = None
    occurred_at: datetime | None = None  # when granted (for a reversal: when reversed)


class PendingReversal(BaseModel):
    """A reversal that arrived before the concession it reverses."""

    event_id: str
    occurred_at: datetime


class BudgetLedger(BaseModel):
    """One business's ledger; `entries` keyed by event id, so a duplicate books once."""

    entries: dict[str, LedgerEntry] = Field(default_factory=dict)
    paid_ids: list[str] = Field(default_factory=list)
    # original concession id -> the reversal's entry id
    reversed_by: dict[str, str] = Field(default_factory=dict)
    # original concession id (not booked yet) -> the reversal waiting for it
    pending_reversals: dict[str, PendingReversal] = Field(default_factory=dict)
    # period -> ids of its entries: not stored, rebuilt when entries were added behind its back
    _by_period: dict[str, list[str]] | None = PrivateAttr(default=None)
    _indexed: int = PrivateAttr(default=0)

    def __eq__(self, other: object) -> bool:  # the index is a cache: not part of the value
        if not isinstance(other, BudgetLedger):
            return NotImplemented
        return (self.entries, self.paid_ids, self.reversed_by, self.pending_reversals) == (
            other.entries,
            other.paid_ids,
            other.reversed_by,
            other.pending_reversals,
        )

    __hash__ = None  # type: ignore[assignment]

    def period_entries(self, period: str) -> list[LedgerEntry]:
        """The entries of one period (including reversals booked in it)."""
        if self._by_period is None or self._indexed != len(self.entries):
            index: dict[str, list[str]] = {}
            for event_id, entry in self.entries.items():
                index.setdefault(entry.period, []).append(event_id)
            self._by_period, self._indexed = index, len(self.entries)
        return [self.entries[i] for i in self._by_period.get(period, ())]

    def _add(self, entry: LedgerEntry) -> None:
        fresh = entry.event_id not in self.entries
        self.entries[entry.event_id] = entry
        if fresh and self._by_period is not None and self._indexed == len(self.entries) - 1:
            self._by_period.setdefault(entry.period, []).append(entry.event_id)
            self._indexed += 1


@dataclass(frozen=True)
class BudgetStatus:
    business_id: str
    period: str
    currency: str
    budget: Decimal
    spent: Decimal  # paid, net of reversals of paid concessions
    committed: Decimal  # promised, not paid yet, net of their reversals
    remaining: Decimal  # budget - spent - committed (negative when over budget)
    used_pct: Decimal  # (spent + committed) / budget; 100.00 for any spend against a 0 budget
    burn_per_day: Decimal  # (spent + committed) / days elapsed in the period
    runs_out_on: date | None  # the day the budget is (or was) used up at this rate; None: never
    # (or not within FORECAST_HORIZON_DAYS)
    period_ends_on: date
    period_starts_on: date | None = None
    consumed: Decimal = ZERO  # spent + committed
    over_budget: bool = False
    days_elapsed: int = 0
    days_in_period: int = 0
    projected_spend: Decimal = ZERO  # at this rate, by the end of the period
    runs_out_before_period_end: bool = False
    as_of: datetime | None = None  # the moment the figures are computed for


@dataclass(frozen=True)
class BreakdownRow:
    dimension: str
    value: str
    spent: Decimal
    committed: Decimal
    consumed: Decimal
    grants: int  # concessions granted (booked in this period)
    reversals: int


@dataclass(frozen=True)
class CustomerStanding:
    """Where a customer stands against the limits: three strikes and the per-period cap."""

    reships_at_our_cost: int
    reship_limit: int
    prepaid_only: bool  # the limit is used up: the next re-shipment is an exception
    period: str
    period_goodwill: Decimal  # budget currency, this period, reversed ones excluded
    period_cap: Decimal
    over_cap: bool


@dataclass(frozen=True)
class ComplaintRisk:
    """A closed complaint's revenue at risk before and after it was closed (budget currency)."""

    complaint_id: str
    revenue_at_risk_before: Decimal | None
    revenue_at_risk_after: Decimal | None

    @property
    def closed(self) -> bool:
        return self.revenue_at_risk_before is not None and self.revenue_at_risk_after is not None

    @property
    def risk_removed(self) -> Decimal | None:
        if not self.closed:
            return None
        assert self.revenue_at_risk_before is not None and self.revenue_at_risk_after is not None
        return money(self.revenue_at_risk_before - self.revenue_at_risk_after)


@dataclass(frozen=True)
class GoodwillRow:
    """One concession tied to a complaint, against the risk its complaint's closing removed."""

    concession_id: str
    complaint_id: str
    period: str
    kind: str
    granted_by: str
    customer_id: str
    cost: Decimal  # net of reversals, budget currency
    closed: bool
    risk_before: Decimal | None
    risk_after: Decimal | None
    complaint_risk_removed: Decimal | None  # the whole complaint's
    risk_removed: Decimal | None  # this concession's share (by cost) of the complaint's
    removed_no_risk: bool | None  # None while the complaint is open


@dataclass(frozen=True)
class GoodwillSummary:
    period: str
    goodwill_spent: Decimal  # cost of concessions tied to complaints (closed or not)
    closed_spent: Decimal  # of which tied to closed complaints
    risk_removed: Decimal  # allocated shares, summed: each complaint counts once
    net_return: Decimal  # risk_removed - closed_spent
    return_ratio: Decimal | None  # risk_removed / closed_spent
    concessions: int
    open_concessions: int  # complaint not closed yet: return unknown
    no_risk_removed: int


# ---------------------------------------------------------------- periods and rates


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_time(when: datetime, tz: str | None) -> datetime:
    """`when` in the business's time zone (unchanged when naive or the zone is unknown)."""
    zone = _zone(tz) if tz else None
    if zone is None or when.tzinfo is None:
        return when
    return when.astimezone(zone)


def local_date(when: datetime | date, tz: str | None = None) -> date:
    if isinstance(when, datetime):
        return local_time(when, tz).date()
    return when


def period_key(when: datetime | date, period: str = "month", *, tz: str | None = None) -> str:
    """The key of a period: 2026-11, 2026-Q4 or 2026; with `tz`, of the local date there."""
    day = local_date(when, tz)
    if period == "year":
        return f"{day.year:04d}"
    if period == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}-{day.month:02d}"


def period_of(when: datetime | date, params: BusinessParams) -> str:
    """The budget period of a moment, in the business's time zone."""
    return period_key(when, params.budget_period, tz=params.timezone)


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


def fx_rate(params: BusinessParams, currency: str, period: str) -> Decimal:
    """Rate converting `currency` into the budget currency for a period; "*" is any period."""
    if currency == params.currency:
        return Decimal(1)
    for key in (period, "*"):
        rate = params.fx_rates.get(key, {}).get(currency)
        if rate is not None:
            value = _decimal(rate)
            if value <= 0:
                raise LedgerError(f"exchange rate {currency}->{params.currency} must be > 0")
            return value
    raise LedgerError(
        f"no exchange rate {currency}->{params.currency} for period {period}:"
        f' set fx_rates."{period}".{currency} (or fx_rates."*") in the business config'
    )


def rate_for(params: BusinessParams, currency: str, when: datetime) -> tuple[str, Decimal]:
    """(period, rate) of a concession at `when`, periods in the business's time zone.

    Near a period boundary the local period can differ from the period of the event's own UTC
    offset; when the local period has no rate, the rate of the event's own period is used.
    """
    period = period_of(when, params)
    try:
        return period, fx_rate(params, currency, period)
    except LedgerError:
        own = period_key(when, params.budget_period)
        if own == period:
            raise
        return period, fx_rate(params, currency, own)


def check_convertible(event: ConcessionGranted, params: BusinessParams) -> None:
    """Raise `LedgerError` when a concession cannot be converted into the budget currency."""
    rate_for(params, event.currency, event.occurred_at)


def to_budget_currency(amount: Decimal, rate: Decimal) -> Decimal:
    return money(amount * rate)


# ---------------------------------------------------------------- policy


def _amount_in_budget(
    params: BusinessParams, amount: Decimal, currency: str, when: datetime
) -> Decimal | None:
    try:
        return to_budget_currency(amount, rate_for(params, currency, when)[1])
    except LedgerError:
        return None


def check_policy(
    history: Sequence[Any],
    event: ConcessionGranted,
    params: BusinessParams,
    *,
    amount_budget: Decimal | None = None,
) -> list[PolicyException]:
    """Policy rules a concession breaks, given the customer's other concessions.

    `history` items have `.event_id`, `.kind`, `.occurred_at`, `.amount`, `.currency` and
    `.reversed` (`state.ConcessionRecord`); reversed ones and this event itself are ignored.
    `amount_budget` is this concession's amount in the budget currency (converted here if not
    given). Rules: reship_limit, discount_cap, returns_window, customer_cap, handler_approval.
    """
    policy = params.policy
    who = event.granted_by
    active = [c for c in history if not c.reversed and c.event_id != event.event_id]
    broken: list[PolicyException] = []
    if event.kind in RESHIP_KINDS:
        earlier = sum(1 for c in active if c.kind in RESHIP_KINDS)
        if earlier + 1 > policy.reship_at_our_cost_limit:
            broken.append(
                PolicyException(
                    "reship_limit",
                    f"re-shipment #{earlier + 1} at our cost; limit is"
                    f" {policy.reship_at_our_cost_limit} (then prepaid only)",
                    who,
                    Decimal(policy.reship_at_our_cost_limit),
                    Decimal(earlier + 1),
                )
            )
    if event.discount_pct is not None and event.discount_pct > policy.max_discount_pct:
        broken.append(
            PolicyException(
                "discount_cap",
                f"discount {event.discount_pct}% over the {policy.max_discount_pct}% cap",
                who,
                policy.max_discount_pct,
                event.discount_pct,
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
                who,
                Decimal(policy.returns_window_days),
                Decimal(event.days_since_purchase),
            )
        )
    if amount_budget is None:
        amount_budget = _amount_in_budget(params, event.amount, event.currency, event.occurred_at)
    if amount_budget is None:
        return broken
    currency = params.currency
    period = period_of(event.occurred_at, params)
    before = _period_goodwill(active, params, period)
    total = before + amount_budget
    if total > policy.per_customer_goodwill_cap:
        broken.append(
            PolicyException(
                "customer_cap",
                f"customer's goodwill in {period}: {before} + {amount_budget} = {total} {currency};"
                f" cap is {policy.per_customer_goodwill_cap} {currency}",
                who,
                policy.per_customer_goodwill_cap,
                total,
            )
        )
    limit = policy.handler_approval_limits.get(who, policy.default_handler_approval_limit)
    if amount_budget > limit:
        broken.append(
            PolicyException(
                "handler_approval",
                f"{who} granted {amount_budget} {currency}; their approval limit is"
                f" {limit} {currency}",
                who,
                limit,
                amount_budget,
            )
        )
    return broken


def _period_goodwill(active: Iterable[Any], params: BusinessParams, period: str) -> Decimal:
    total = ZERO
    for c in active:
        if period_of(c.occurred_at, params) != period:
            continue
        converted = _amount_in_budget(params, c.amount, c.currency, c.occurred_at)
        total += converted if converted is not None else ZERO
    return total


def customer_standing(
    history: Sequence[Any], params: BusinessParams, as_of: datetime
) -> CustomerStanding:
    """A customer's use of the limits: re-shipments at our cost, goodwill this period vs cap."""
    active = [c for c in history if not c.reversed]
    reships = sum(1 for c in active if c.kind in RESHIP_KINDS)
    limit = params.policy.reship_at_our_cost_limit
    period = period_of(as_of, params)
    goodwill = _period_goodwill(active, params, period)
    cap = params.policy.per_customer_goodwill_cap
    return CustomerStanding(
        reships_at_our_cost=reships,
        reship_limit=limit,
        prepaid_only=reships >= limit,
        period=period,
        period_goodwill=goodwill,
        period_cap=cap,
        over_cap=goodwill > cap,
    )


# ---------------------------------------------------------------- booking


def book_concession(
    ledger: BudgetLedger, event: ConcessionGranted, params: BusinessParams
) -> tuple[BudgetLedger, LedgerEntry | None]:
    """Book a granted concession; None when this event id was booked already.

    A payment or a reversal that arrived before this grant is applied now.
    """
    if event.event_id in ledger.entries:
        return ledger, None
    period, rate = rate_for(params, event.currency, event.occurred_at)
    cost = event.cost if event.cost is not None else event.amount
    paid = event.status == "paid" or event.event_id in ledger.paid_ids
    entry = LedgerEntry(
        event_id=event.event_id,
        period=period,
        kind=event.kind,
        category=event.category or event.kind,
        customer_id=event.customer_id,
        granted_by=event.granted_by,
        location_id=event.location_id,
        complaint_id=event.complaint_id,
        status="paid" if paid else "committed",
        amount=money(event.amount),
        currency=event.currency,
        fx_rate=rate,
        amount_budget=to_budget_currency(event.amount, rate),
        cost_budget=to_budget_currency(cost, rate),
        occurred_at=event.occurred_at,
    )
    ledger._add(entry)
    pending = ledger.pending_reversals.pop(event.event_id, None)
    if pending is not None:
        _reverse(ledger, pending.event_id, entry, pending.occurred_at)
    return ledger, entry


def book_payment(ledger: BudgetLedger, concession_event_id: str) -> BudgetLedger:
    """A committed concession is now paid (a payment may arrive before its grant)."""
    if concession_event_id not in ledger.paid_ids:
        ledger.paid_ids.append(concession_event_id)
    entry = ledger.entries.get(concession_event_id)
    if entry is not None and entry.status == "committed":
        ledger.entries[concession_event_id] = entry.model_copy(update={"status": "paid"})
    reversal = ledger.entries.get(ledger.reversed_by.get(concession_event_id, ""))
    if reversal is not None and reversal.status == "reversed-committed":
        ledger.entries[reversal.event_id] = reversal.model_copy(update={"status": "reversed-paid"})
    return ledger


def book_reversal(
    ledger: BudgetLedger, event_id: str, reverses: str, when: datetime, params: BusinessParams
) -> tuple[BudgetLedger, LedgerEntry | None]:
    """Reverse an earlier entry with a new, negative one in the original's period.

    None when this reversal was booked already, the original is reversed already or is itself a
    reversal, or the original has not arrived yet (then it waits in `pending_reversals`).
    """
    if event_id in ledger.entries:
        return ledger, None
    original = ledger.entries.get(reverses)
    if original is None:
        if reverses not in ledger.pending_reversals:
            ledger.pending_reversals[reverses] = PendingReversal(
                event_id=event_id, occurred_at=when
            )
        return ledger, None
    if original.reverses is not None or reverses in ledger.reversed_by:
        return ledger, None
    return ledger, _reverse(ledger, event_id, original, when)


def _reverse(
    ledger: BudgetLedger, event_id: str, original: LedgerEntry, when: datetime
) -> LedgerEntry:
    paid = original.status == "paid" or original.event_id in ledger.paid_ids
    entry = original.model_copy(
        update={
            "event_id": event_id,
            "status": "reversed-paid" if paid else "reversed-committed",
            "amount": -original.amount,
            "amount_budget": -original.amount_budget,
            "cost_budget": -original.cost_budget,
            "reverses": original.event_id,
            "occurred_at": when,
        }
    )
    ledger._add(entry)
    ledger.reversed_by[original.event_id] = event_id
    return entry


def entries_for(ledger: BudgetLedger, concession_event_id: str) -> list[LedgerEntry]:
    """A concession's entry and its reversal's, if booked: what a change to it touches."""
    found = [ledger.entries.get(concession_event_id)]
    found.append(ledger.entries.get(ledger.reversed_by.get(concession_event_id, "")))
    return [e for e in found if e is not None]


def is_reversed(ledger: BudgetLedger, concession_event_id: str) -> bool:
    return concession_event_id in ledger.reversed_by


# ---------------------------------------------------------------- budget


def period_totals(ledger: BudgetLedger, period: str | None = None) -> tuple[Decimal, Decimal]:
    """(spent, committed) of a period (all periods when None), net of reversals."""
    spent = ZERO
    committed = ZERO
    entries = ledger.entries.values() if period is None else ledger.period_entries(period)
    for entry in entries:
        if entry.status in PAID_STATUSES:
            spent += entry.cost_budget
        else:
            committed += entry.cost_budget
    return spent, committed


def budget_status(
    ledger: BudgetLedger,
    params: BusinessParams,
    period: str,
    as_of: datetime,
    *,
    budget: Decimal | None = None,
) -> BudgetStatus:
    """Budget, spent, committed, remaining, burn rate and forecast of one period.

    Burn rate: (spent + committed) / days elapsed, counting the period's first day through the
    day of `as_of` (or of the latest entry of the period, if later), clamped to the period.
    Forecast: at that rate the budget is used up `ceil(remaining / burn)` days after that day;
    when already used up, the first day the period's entries reached the budget.
    """
    spent, committed = period_totals(ledger, period)
    if budget is None:
        # A per-period budget ({"2026-12": "8000"}) once config grows `refund_budgets`.
        overrides = getattr(params, "refund_budgets", None) or {}
        budget = overrides.get(period, params.refund_budget)
    budget = money(max(_decimal(budget), ZERO))
    consumed = spent + committed
    remaining = budget - consumed
    start, end = period_bounds(period)
    in_period = ledger.period_entries(period)
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)  # a naive moment is taken as UTC, like the events'
    latest = max((e.occurred_at for e in in_period if e.occurred_at is not None), default=None)
    effective = max(as_of, latest) if latest is not None else as_of
    today = min(max(local_date(effective, params.timezone), start), end)
    days_elapsed = (today - start).days + 1
    days_in_period = (end - start).days + 1
    burn = consumed / days_elapsed if consumed > 0 else ZERO
    runs_out_on: date | None = None
    if consumed > 0:
        if remaining > 0:
            # one division of exact figures: an integer quotient is exact, so ceil is too
            days_left = (remaining * days_elapsed / consumed).to_integral_value(ROUND_CEILING)
            if days_left <= FORECAST_HORIZON_DAYS:
                runs_out_on = today + timedelta(days=int(days_left))
        else:
            runs_out_on = _exhausted_on(in_period, budget, params.timezone, start, today)
    if budget > 0:
        used_pct = money(consumed * 100 / budget)
    else:
        used_pct = Decimal("100.00") if consumed > 0 else ZERO
    return BudgetStatus(
        business_id=params.business_id,
        period=period,
        currency=params.currency,
        budget=budget,
        spent=money(spent),
        committed=money(committed),
        remaining=money(remaining),
        used_pct=used_pct,
        burn_per_day=money(burn),
        runs_out_on=runs_out_on,
        period_ends_on=end,
        period_starts_on=start,
        consumed=money(consumed),
        over_budget=consumed > budget,
        days_elapsed=days_elapsed,
        days_in_period=days_in_period,
        projected_spend=money(burn * days_in_period) if consumed > 0 else money(consumed),
        runs_out_before_period_end=runs_out_on is not None and runs_out_on < end,
        as_of=effective,
    )


def _exhausted_on(
    entries: Sequence[LedgerEntry], budget: Decimal, tz: str, start: date, today: date
) -> date:
    """The first day on which the period's entries (by local date) reached the budget."""
    zone = _zone(tz)
    by_day: dict[date, Decimal] = {}
    for entry in entries:
        when = entry.occurred_at
        if when is None:
            day = start
        elif zone is not None and when.tzinfo is not None:
            day = when.astimezone(zone).date()
        else:
            day = when.date()
        by_day[day] = by_day.get(day, ZERO) + entry.cost_budget
    running = ZERO
    for day in sorted(by_day):
        running += by_day[day]
        if running > 0 and running >= budget:
            return min(max(day, start), today)
    return today


def budget_breakdown(
    ledger: BudgetLedger, period: str, by: Dimension = "category"
) -> list[BreakdownRow]:
    """Spent and committed of a period by category, handler (granted_by), location, kind or
    customer, largest first. A reversal counts against the original's values."""
    if by not in BREAKDOWN_DIMENSIONS:
        raise ValueError(f"unknown breakdown {by!r}; expected one of {BREAKDOWN_DIMENSIONS}")
    acc: dict[str, list[Any]] = {}
    for entry in ledger.period_entries(period):
        value = getattr(entry, by) or NO_VALUE
        row = acc.setdefault(value, [ZERO, ZERO, 0, 0])
        row[0 if entry.status in PAID_STATUSES else 1] += entry.cost_budget
        row[3 if entry.reverses else 2] += 1
    rows = [
        BreakdownRow(by, value, money(s), money(c), money(s + c), grants, reversals)
        for value, (s, c, grants, reversals) in acc.items()
    ]
    return sorted(rows, key=lambda r: (-r.consumed, r.value))


@dataclass(frozen=True)
class BudgetReport:
    status: BudgetStatus
    breakdowns: dict[str, list[BreakdownRow]] = field(default_factory=dict)


def budget_report(
    ledger: BudgetLedger,
    params: BusinessParams,
    period: str,
    as_of: datetime,
    *,
    by: Sequence[Dimension] = ("category", "granted_by", "location_id"),
) -> BudgetReport:
    """The status of a period with its breakdowns (category, handler, location by default)."""
    return BudgetReport(
        status=budget_status(ledger, params, period, as_of),
        breakdowns={d: budget_breakdown(ledger, period, d) for d in by},
    )


# ---------------------------------------------------------------- goodwill return


def goodwill_by_concession(
    entries: Iterable[LedgerEntry], complaints: Mapping[str, ComplaintRisk]
) -> list[GoodwillRow]:
    """Each unreversed concession tied to a complaint, with the risk its complaint's close removed.

    A complaint's removed risk (before - after, may be negative) is shared among its concessions
    in proportion to their cost (equally when all cost nothing), the rounding remainder going to
    the last by event id, so per-period sums count each complaint exactly once.
    """
    entries = list(entries)
    reversed_ids = {e.reverses for e in entries if e.reverses}
    grants = sorted(
        (
            e
            for e in entries
            if e.reverses is None and e.complaint_id and e.event_id not in reversed_ids
        ),
        key=lambda e: e.event_id,
    )
    by_complaint: dict[str, list[LedgerEntry]] = {}
    for entry in grants:
        assert entry.complaint_id is not None
        by_complaint.setdefault(entry.complaint_id, []).append(entry)
    rows: list[GoodwillRow] = []
    for complaint_id, tied in by_complaint.items():
        risk = complaints.get(complaint_id) or ComplaintRisk(complaint_id, None, None)
        removed = risk.risk_removed
        shares = _shares(removed, [e.cost_budget for e in tied]) if removed is not None else None
        for i, entry in enumerate(tied):
            share = shares[i] if shares is not None else None
            rows.append(
                GoodwillRow(
                    concession_id=entry.event_id,
                    complaint_id=complaint_id,
                    period=entry.period,
                    kind=entry.kind,
                    granted_by=entry.granted_by,
                    customer_id=entry.customer_id,
                    cost=entry.cost_budget,
                    closed=risk.closed,
                    risk_before=risk.revenue_at_risk_before,
                    risk_after=risk.revenue_at_risk_after,
                    complaint_risk_removed=removed,
                    risk_removed=share,
                    removed_no_risk=None if removed is None else removed <= 0,
                )
            )
    return sorted(rows, key=lambda r: (r.period, r.concession_id))


def _shares(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    weight = sum(weights, ZERO)
    if weight <= 0:
        weights = [Decimal(1)] * len(weights)
        weight = Decimal(len(weights))
    shares = [money(total * w / weight) for w in weights[:-1]]
    shares.append(money(total - sum(shares, ZERO)))
    return shares


def goodwill_return(
    entries: Iterable[LedgerEntry], complaints: Mapping[str, ComplaintRisk]
) -> list[GoodwillSummary]:
    """Per period: goodwill spent on complaints vs revenue at risk their closing removed."""
    acc: dict[str, list[Any]] = {}
    for row in goodwill_by_concession(entries, complaints):
        a = acc.setdefault(row.period, [ZERO, ZERO, ZERO, 0, 0, 0])
        a[0] += row.cost
        a[3] += 1
        if row.closed:
            assert row.risk_removed is not None
            a[1] += row.cost
            a[2] += row.risk_removed
            a[5] += 1 if row.removed_no_risk else 0
        else:
            a[4] += 1
    out = []
    for period in sorted(acc):
        spent, closed_spent, removed, count, still_open, no_risk = acc[period]
        out.append(
            GoodwillSummary(
                period=period,
                goodwill_spent=money(spent),
                closed_spent=money(closed_spent),
                risk_removed=money(removed),
                net_return=money(removed - closed_spent),
                return_ratio=money(removed / closed_spent) if closed_spent > 0 else None,
                concessions=count,
                open_concessions=still_open,
                no_risk_removed=no_risk,
            )
        )
    return out
