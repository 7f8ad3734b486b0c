"""The goodwill ledger: concessions booked against the refund budget, and the policy limits.

What the stream needs per event, and only that: booking (entries, reversals, payments), the
policy rules a concession breaks, and the budget status (burn rate, forecast) the budget alerts
read. The reports over the landed entries (breakdowns by category, handler and location, a
customer's goodwill, goodwill return) are SQL views, `analytics/sql/30_ledger.sql`: one source of
truth for each money figure, checked against hand-computed cases in
`tests/analytics/test_ledger_views.py`.

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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any
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


class EntryStatus(StrEnum):
    """Statuses an entry can have; a reversal takes "reversed-" + the original's status.

    The values land in `ledger_entries.status` and the SQL views filter on them.
    """

    PAID = "paid"
    COMMITTED = "committed"
    REVERSED_PAID = "reversed-paid"
    REVERSED_COMMITTED = "reversed-committed"


class PolicyRule(StrEnum):
    """The policy rules a concession can break: `policy_exceptions.rule`, and the alert rule
    `policy_<rule>` (`alerts.AlertRule.policy`)."""

    RESHIP_LIMIT = "reship_limit"
    DISCOUNT_CAP = "discount_cap"
    RETURNS_WINDOW = "returns_window"
    CUSTOMER_CAP = "customer_cap"
    HANDLER_APPROVAL = "handler_approval"


PAID_STATUSES = frozenset({EntryStatus.PAID, EntryStatus.REVERSED_PAID})
COMMITTED_STATUSES = frozenset({EntryStatus.COMMITTED, EntryStatus.REVERSED_COMMITTED})
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

    rule: PolicyRule
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
    status: str  # an EntryStatus value
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
    given). Rules: `PolicyRule`, in the order they are checked.
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
                    PolicyRule.RESHIP_LIMIT,
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
                PolicyRule.DISCOUNT_CAP,
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
                PolicyRule.RETURNS_WINDOW,
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
                PolicyRule.CUSTOMER_CAP,
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
                PolicyRule.HANDLER_APPROVAL,
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
    paid = event.status == EntryStatus.PAID or event.event_id in ledger.paid_ids
    entry = LedgerEntry(
        event_id=event.event_id,
        period=period,
        kind=event.kind,
        category=event.category or event.kind,
        customer_id=event.customer_id,
        granted_by=event.granted_by,
        location_id=event.location_id,
        complaint_id=event.complaint_id,
        status=EntryStatus.PAID if paid else EntryStatus.COMMITTED,
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
    if entry is not None and entry.status == EntryStatus.COMMITTED:
        ledger.entries[concession_event_id] = entry.model_copy(
            update={"status": EntryStatus.PAID.value}
        )
    reversal = ledger.entries.get(ledger.reversed_by.get(concession_event_id, ""))
    if reversal is not None and reversal.status == EntryStatus.REVERSED_COMMITTED:
        ledger.entries[reversal.event_id] = reversal.model_copy(
            update={"status": EntryStatus.REVERSED_PAID.value}
        )
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
    paid = original.status == EntryStatus.PAID or original.event_id in ledger.paid_ids
    entry = original.model_copy(
        update={
            "event_id": event_id,
            "status": (EntryStatus.REVERSED_PAID if paid else EntryStatus.REVERSED_COMMITTED).value,
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
