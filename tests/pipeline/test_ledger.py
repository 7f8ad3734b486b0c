"""The goodwill ledger: invariants (hypothesis), policy cases, budget status and forecast.

Plain values only: no I/O, no clock. Money is written as strings so it stays exact. The reports
over the landed entries (breakdowns, goodwill return, a customer's goodwill) are SQL views,
checked on the same hand-computed cases (tests/ledger_cases.py) in
tests/analytics/test_ledger_views.py.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from pipeline import ledger
from pipeline.config import BusinessParams
from pipeline.events import ConcessionGranted, ConcessionPaid, ConcessionReversed
from pipeline.ledger import (
    BudgetLedger,
    EntryStatus,
    PolicyRule,
    book_concession,
    book_payment,
    book_reversal,
    budget_status,
    check_policy,
    period_bounds,
    period_key,
    period_totals,
)
from pipeline.state import ConcessionRecord
from tests.ledger_cases import CASES, WARSAW, D, at, booked, grant, params, record

# ---------------------------------------------------------------- no float anywhere

MONEY_FIELDS = {
    "amount",
    "amount_budget",
    "cost_budget",
    "budget",
    "spent",
    "committed",
    "remaining",
    "used_pct",
    "burn_per_day",
    "consumed",
    "projected_spend",
    "cost",
    "risk_removed",
    "complaint_risk_removed",
    "goodwill_spent",
    "closed_spent",
    "net_return",
    "period_goodwill",
}


def assert_exact(obj: Any, where: str = "") -> None:
    """No float anywhere; every money field a Decimal quantized to 0.01."""
    if isinstance(obj, float):
        raise AssertionError(f"float at {where}: {obj!r}")
    if isinstance(obj, BaseModel):
        obj = {name: getattr(obj, name) for name in type(obj).model_fields}
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        obj = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key in MONEY_FIELDS and value is not None:
                assert isinstance(value, Decimal), f"{where}.{key} is {type(value).__name__}"
                assert value.as_tuple().exponent == -2, f"{where}.{key}={value} not to the cent"
            assert_exact(value, f"{where}.{key}")
    elif isinstance(obj, list | tuple | set | frozenset):
        for i, value in enumerate(obj):
            assert_exact(value, f"{where}[{i}]")


# ---------------------------------------------------------------- ledger invariants (hypothesis)

amounts = st.decimals(
    min_value=D("0"), max_value=D("99999"), places=4, allow_nan=False, allow_infinity=False
)


@st.composite
def concession_streams(draw: st.DrawFn) -> tuple[list[tuple[str, Any]], dict[str, Any]]:
    """Grants, payments and reversals (some arriving before their grant), shuffled, some twice."""
    count = draw(st.integers(min_value=1, max_value=12))
    ops: list[tuple[str, Any]] = []
    facts: dict[str, Any] = {}
    for i in range(count):
        gid = f"g{i}"
        event = grant(
            gid,
            str(draw(amounts)),
            currency=draw(st.sampled_from(["PLN", "EUR", "UAH"])),
            cost=draw(st.one_of(st.none(), amounts.map(str))),
            status=draw(st.sampled_from(["paid", "committed"])),
            when=at(draw(st.integers(1, 28)), draw(st.integers(0, 23))),
            kind=draw(st.sampled_from(["refund_full", "discount", "gift", "reship_free"])),
            granted_by=draw(st.sampled_from(["anna", "bob"])),
        )
        ops.append(("grant", event))
        paid = event.status == "paid"
        if draw(st.booleans()):
            ops.append(("pay", gid))
            paid = True
        reversed_ = draw(st.booleans())
        if reversed_:
            ops.append(("reverse", (f"r{i}", gid, at(draw(st.integers(1, 28))))))
        facts[gid] = (event, paid, reversed_)
    ops = draw(st.permutations(ops))
    dupes = draw(st.lists(st.sampled_from(ops), max_size=5))
    for op in dupes:
        ops.insert(draw(st.integers(0, len(ops))), op)
    return ops, facts


def apply_ops(ops: list[tuple[str, Any]], p: BusinessParams) -> BudgetLedger:
    book = BudgetLedger()
    for kind, arg in ops:
        if kind == "grant":
            book, _ = book_concession(book, arg, p)
        elif kind == "pay":
            book = book_payment(book, arg)
        else:
            rid, gid, when = arg
            book, _ = book_reversal(book, rid, gid, when, p)
    return book


def canonical(ops: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The same events once each, in the 'natural' order: grants, payments, reversals."""
    order = {"grant": 0, "pay": 1, "reverse": 2}
    unique = {(kind, repr(arg)): (kind, arg) for kind, arg in ops}
    return sorted(unique.values(), key=lambda op: (order[op[0]], repr(op[1])))


def expected_cost(event: ConcessionGranted, p: BusinessParams) -> Decimal:
    """The cost in PLN computed independently of the ledger's own conversion."""
    rate = {"PLN": D(1), "EUR": D("4.3071"), "UAH": D("0.1")}[event.currency]
    cost = event.cost if event.cost is not None else event.amount
    return (cost * rate).quantize(D("0.01"), rounding="ROUND_HALF_UP")


@settings(max_examples=300, deadline=None)
@given(concession_streams())
def test_ledger_invariants_hold_in_any_order(stream: Any) -> None:
    ops, facts = stream
    p = params()
    book = apply_ops(ops, p)
    reference = apply_ops(canonical(ops), p)

    # Order of arrival and duplicates do not change the books.
    assert period_totals(book, "2026-11") == period_totals(reference, "2026-11")
    assert {k: e.status for k, e in book.entries.items()} == {
        k: e.status for k, e in reference.entries.items()
    }
    as_of = at(28, 23)
    assert budget_status(book, p, "2026-11", as_of) == budget_status(reference, p, "2026-11", as_of)

    # spent = paid entries minus reversals of paid ones; committed likewise; both as expected.
    grants = [e for e in book.entries.values() if e.reverses is None]
    reversals = [e for e in book.entries.values() if e.reverses is not None]
    spent, committed = period_totals(book, "2026-11")
    paid_sum = sum((e.cost_budget for e in grants if e.status == "paid"), D("0"))
    paid_reversed = sum((-e.cost_budget for e in reversals if e.status == "reversed-paid"), D("0"))
    assert spent == paid_sum - paid_reversed
    open_sum = sum((e.cost_budget for e in grants if e.status == "committed"), D("0"))
    open_reversed = sum(
        (-e.cost_budget for e in reversals if e.status == "reversed-committed"), D("0")
    )
    assert committed == open_sum - open_reversed
    assert spent == sum(
        (expected_cost(ev, p) for ev, paid, rev in facts.values() if paid and not rev), D("0")
    )
    assert committed == sum(
        (expected_cost(ev, p) for ev, paid, rev in facts.values() if not paid and not rev), D("0")
    )
    # Each grant books once, each reversal once, whatever arrived first.
    assert len(grants) == len(facts)
    assert len(reversals) == sum(1 for _, _, rev in facts.values() if rev)
    assert not book.pending_reversals

    status = budget_status(book, p, "2026-11", as_of)
    assert status.remaining == status.budget - status.spent - status.committed
    assert status.consumed == status.spent + status.committed
    assert_exact(status, "status")
    for entry in book.entries.values():
        assert_exact(entry, entry.event_id)


@settings(max_examples=100, deadline=None)
@given(concession_streams())
def test_replaying_every_event_twice_changes_nothing(stream: Any) -> None:
    ops, _ = stream
    p = params()
    once = apply_ops(ops, p)
    twice = apply_ops(ops + ops, p)
    assert once == twice


@given(amount=amounts, rate=st.decimals(min_value=D("0.0001"), max_value=D("100"), places=4))
def test_conversion_is_exact_and_to_the_cent(amount: Decimal, rate: Decimal) -> None:
    p = params(fx_rates={"2026-11": {"EUR": rate}})
    _, entry = book_concession(BudgetLedger(), grant(amount=str(amount), currency="EUR"), p)
    assert entry is not None
    assert entry.fx_rate == rate
    assert entry.amount_budget == (amount * rate).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert_exact(entry)


# ---------------------------------------------------------------- booking rules


def test_rate_is_recorded_and_per_period_rate_beats_the_default() -> None:
    book = booked(
        grant("nov", "10", currency="EUR"), grant("dec", "10", currency="EUR", when=at(3, month=12))
    )
    assert book.entries["nov"].fx_rate == D("4.3071")
    assert book.entries["nov"].amount_budget == D("43.07")
    assert book.entries["dec"].fx_rate == D("4.30")  # no December rate: the "*" one
    assert book.entries["dec"].period == "2026-12"


def test_missing_rate_is_an_error_that_names_the_config_key() -> None:
    with pytest.raises(ledger.LedgerError, match=r'fx_rates\."2026-11"\.USD'):
        book_concession(BudgetLedger(), grant(currency="USD"), params())


def test_period_is_the_business_local_month() -> None:
    # 23:30 UTC on 30 Nov is 00:30 on 1 Dec in Warsaw (UTC+1).
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    assert period_key(late, "month") == "2026-11"
    assert period_key(late, "month", tz=WARSAW) == "2026-12"
    assert booked(grant(when=late)).entries["g1"].period == "2026-12"


@pytest.mark.parametrize(
    ("when", "period", "key", "bounds"),
    [
        (date(2026, 11, 5), "month", "2026-11", (date(2026, 11, 1), date(2026, 11, 30))),
        (date(2026, 2, 5), "month", "2026-02", (date(2026, 2, 1), date(2026, 2, 28))),
        (date(2026, 11, 5), "quarter", "2026-Q4", (date(2026, 10, 1), date(2026, 12, 31))),
        (date(2026, 1, 5), "quarter", "2026-Q1", (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 11, 5), "year", "2026", (date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_period_keys_and_bounds(when: date, period: str, key: str, bounds: tuple) -> None:
    assert period_key(when, period) == key
    assert period_bounds(key) == bounds


def test_reversal_is_a_new_negative_entry_in_the_original_period() -> None:
    p = params()
    book = booked(grant("g1", "120", cost="80"))
    book, rev = book_reversal(book, "r1", "g1", at(3, month=12), p)
    assert rev is not None
    assert book.entries["g1"].cost_budget == D("80.00")  # the original is untouched
    assert (rev.period, rev.status, rev.reverses) == ("2026-11", "reversed-paid", "g1")
    assert (rev.amount, rev.amount_budget, rev.cost_budget) == (
        D("-120.00"),
        D("-120.00"),
        D("-80.00"),
    )
    assert period_totals(book, "2026-11") == (D("0.00"), D("0.00"))
    # A second reversal of the same concession, or a reversal of a reversal, books nothing.
    assert book_reversal(book, "r2", "g1", at(4), p)[1] is None
    assert book_reversal(book, "r3", "r1", at(4), p)[1] is None


def test_reversal_and_payment_before_their_grant() -> None:
    p = params()
    book = BudgetLedger()
    book = book_payment(book, "g1")
    book, rev = book_reversal(book, "r2", "g2", at(5), p)
    assert rev is None and "g2" in book.pending_reversals
    book, _ = book_concession(book, grant("g1", "50", status="committed"), p)
    book, _ = book_concession(book, grant("g2", "70", status="committed"), p)
    assert book.entries["g1"].status == "paid"
    assert book.entries["r2"].reverses == "g2"
    assert [e.event_id for e in ledger.entries_for(book, "g2")] == ["g2", "r2"]
    assert period_totals(book, "2026-11") == (D("50.00"), D("0.00"))


def test_payment_after_reversal_moves_both_entries_to_paid() -> None:
    p = params()
    book = booked(grant("g1", "90", status="committed"))
    book, _ = book_reversal(book, "r1", "g1", at(4), p)
    assert book.entries["r1"].status == "reversed-committed"
    book = book_payment(book, "g1")
    assert book.entries["r1"].status == "reversed-paid"
    assert period_totals(book, "2026-11") == (D("0.00"), D("0.00"))


# ---------------------------------------------------------------- policy (table-driven)

three_reships = [record("s1"), record("s2"), record("s3")]

POLICY_CASES = [
    # (name, history, event, policy overrides, rules broken)
    (
        "3rd re-shipment is within the limit",
        three_reships[:2],
        grant(kind="reship_free", amount="20"),
        {},
        [],
    ),
    (
        "4th re-shipment is an exception",
        three_reships,
        grant(kind="reship_free", amount="20"),
        {},
        ["reship_limit"],
    ),
    (
        "a replacement counts as a re-shipment",
        three_reships,
        grant(kind="replacement", amount="20"),
        {},
        ["reship_limit"],
    ),
    (
        "a reversed re-shipment does not count",
        [*three_reships[:2], record("s3", reversed=True)],
        grant(kind="reship_free", amount="20"),
        {},
        [],
    ),
    (
        "limit configured to 1",
        [record("s1")],
        grant(kind="reship_free", amount="20"),
        {"reship_at_our_cost_limit": 1},
        ["reship_limit"],
    ),
    ("a refund is not a re-shipment", three_reships, grant(amount="20"), {}, []),
    ("discount at the cap", [], grant(kind="discount", amount="20", discount_pct=D("20")), {}, []),
    (
        "discount above the cap",
        [],
        grant(kind="discount", amount="20", discount_pct=D("20.5")),
        {},
        ["discount_cap"],
    ),
    (
        "discount above a configured cap",
        [],
        grant(kind="discount", amount="20", discount_pct=D("16")),
        {"max_discount_pct": D("15")},
        ["discount_cap"],
    ),
    ("return on the last day of the window", [], grant(days_since_purchase=14), {}, []),
    (
        "return after the window",
        [],
        grant(kind="refund_full", days_since_purchase=15),
        {},
        ["returns_window"],
    ),
    (
        "a late replacement is not a return",
        [],
        grant(kind="replacement", amount="20", days_since_purchase=40),
        {},
        [],
    ),
    (
        "customer cap: 400 + 100 = 500 is at the cap",
        [record("p", "gift", "400")],
        grant(amount="100"),
        {},
        [],
    ),
    (
        "customer cap: 400 + 150 is over",
        [record("p", "gift", "400")],
        grant(amount="150"),
        {},
        ["customer_cap"],
    ),
    (
        "customer cap counts this period only",
        [record("p", "gift", "400", when=at(20, month=10))],
        grant(amount="150"),
        {},
        [],
    ),
    (
        "customer cap in budget currency: 100 EUR x 4.3071 = 430.71, + 80 PLN",
        [record("p", "gift", "100", currency="EUR")],
        grant(amount="80"),
        {},
        ["customer_cap"],
    ),
    (
        "customer cap ignores reversed concessions",
        [record("p", "gift", "400", reversed=True)],
        grant(amount="150"),
        {},
        [],
    ),
    (
        "handler over the default approval limit",
        [],
        grant(amount="300.01", granted_by="intern"),
        {"per_customer_goodwill_cap": D("10000")},
        ["handler_approval"],
    ),
    ("handler at the default approval limit", [], grant(amount="300", granted_by="intern"), {}, []),
    (
        "handler within a personal limit",
        [],
        grant(amount="800", granted_by="owner"),
        {"handler_approval_limits": {"owner": D("1000")}, "per_customer_goodwill_cap": D("10000")},
        [],
    ),
    (
        "handler approval in budget currency: 80 EUR = 344.57 PLN",
        [],
        grant(amount="80", currency="EUR", granted_by="intern"),
        {},
        ["handler_approval"],
    ),
    (
        "several rules at once",
        three_reships,
        grant(kind="reship_free", amount="900", granted_by="intern"),
        {},
        ["reship_limit", "customer_cap", "handler_approval"],
    ),
]


@pytest.mark.parametrize(
    ("history", "event", "policy", "rules"),
    [case[1:] for case in POLICY_CASES],
    ids=[case[0] for case in POLICY_CASES],
)
def test_policy(history: list, event: ConcessionGranted, policy: dict, rules: list) -> None:
    broken = check_policy(history, event, params(policy=policy))
    assert [b.rule for b in broken] == rules
    for b in broken:
        assert b.granted_by == event.granted_by
        assert b.detail
        assert_exact(b)


@settings(max_examples=100, deadline=None)
@given(
    kinds=st.lists(st.sampled_from(["reship_free", "replacement", "gift"]), max_size=10),
    limit=st.integers(0, 5),
    data=st.data(),
)
def test_three_strikes_flags_every_reship_past_the_limit_in_any_order(
    kinds: list[str], limit: int, data: st.DataObject
) -> None:
    p = params(policy={"reship_at_our_cost_limit": limit, "per_customer_goodwill_cap": D("1e9")})
    events = [grant(f"e{i}", "1", kind=k, when=at(i % 28 + 1)) for i, k in enumerate(kinds)]
    history: list[ConcessionRecord] = []
    flagged = 0
    for event in data.draw(st.permutations(events)):
        broken = check_policy(history, event, p)
        flagged += sum(1 for b in broken if b.rule == "reship_limit")
        history.append(record(event.event_id, event.kind, "1", when=event.occurred_at))
    reships = sum(1 for k in kinds if k in ("reship_free", "replacement"))
    assert flagged == max(0, reships - limit)


def test_policy_exception_says_which_rule_and_the_figures() -> None:
    [broken] = check_policy(three_reships, grant(kind="reship_free", amount="20"), params())
    assert broken.rule == "reship_limit"
    assert "#4" in broken.detail and "limit is 3" in broken.detail
    assert (broken.limit, broken.actual) == (D(3), D(4))


def test_policy_ignores_the_event_itself_in_its_history() -> None:
    history = [*three_reships[:2], record("g1")]
    assert check_policy(history, grant("g1", kind="reship_free", amount="20"), params()) == []


# ---------------------------------------------------------------- names that land in DuckDB


def test_rule_and_status_names_are_the_values_the_sql_reads() -> None:
    assert [r.value for r in PolicyRule] == [
        "reship_limit",
        "discount_cap",
        "returns_window",
        "customer_cap",
        "handler_approval",
    ]
    assert [s.value for s in EntryStatus] == [
        "paid",
        "committed",
        "reversed-paid",
        "reversed-committed",
    ]
    # a reversal's status is "reversed-" + the original's
    assert {s for s in EntryStatus if s.startswith("reversed-")} == {
        EntryStatus(f"reversed-{s}") for s in (EntryStatus.PAID, EntryStatus.COMMITTED)
    }


def test_booked_entries_hold_plain_strings() -> None:
    """The enums are str: what lands is the bare value, whatever path booked it."""
    p = params()
    book = booked(grant("g1", "10", status="committed"))
    book, _ = book_reversal(book, "r1", "g1", at(3), p)
    book = book_payment(book, "g1")
    assert {e.event_id: type(e.status) for e in book.entries.values()} == {"g1": str, "r1": str}
    [broken] = check_policy([], grant(amount="20", days_since_purchase=99), p)
    assert broken.rule == "returns_window" and f"{broken.rule}" == "returns_window"


# ---------------------------------------------------------------- budget and forecast


def book_case(events: list, p: BusinessParams) -> BudgetLedger:
    book = BudgetLedger()
    for event in events:
        if isinstance(event, ConcessionGranted):
            book, _ = book_concession(book, event, p)
        elif isinstance(event, ConcessionReversed):
            book, _ = book_reversal(
                book, event.event_id, event.concession_event_id, event.occurred_at, p
            )
        else:
            book = book_payment(book, event.concession_event_id)
    return book


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.budget])
def test_budget_of_the_shared_cases(name: str) -> None:
    """The hand-computed budget figures the SQL views are checked against, here in Python."""
    case = CASES[name]
    p = params(refund_budget=D(case.refund_budget))
    status = budget_status(book_case(case.events, p), p, "2026-11", at(30))
    assert (status.spent, status.committed, status.remaining, status.over_budget) == case.budget


def test_forecast_hand_computed() -> None:
    # November has 30 days; budget 2500 PLN.
    # 2 Nov: 600 paid; 6 Nov: 400 committed -> 1000 used by 10 Nov.
    # Days elapsed 1..10 Nov = 10 -> burn 1000 / 10 = 100 PLN/day.
    # Remaining 2500 - 1000 = 1500 -> 1500 / 100 = 15 more days -> 10 Nov + 15 = 25 Nov.
    # At this rate the month would use 100 x 30 = 3000.
    p = params(refund_budget=D("2500"))
    book = booked(grant("a", "600", when=at(2)), grant("b", "400", when=at(6), status="committed"))
    status = budget_status(book, p, "2026-11", at(10))
    assert (status.spent, status.committed, status.remaining) == (
        D("600.00"),
        D("400.00"),
        D("1500.00"),
    )
    assert status.days_elapsed == 10 and status.days_in_period == 30
    assert status.burn_per_day == D("100.00")
    assert status.runs_out_on == date(2026, 11, 25)
    assert status.runs_out_before_period_end
    assert status.projected_spend == D("3000.00")
    assert status.used_pct == D("40.00")
    assert status.period_ends_on == date(2026, 11, 30)


def test_forecast_uses_the_exact_rate_not_the_rounded_one() -> None:
    # Budget 2000; 1000 used in 3 days (1..3 Nov): burn 333.333.../day (shown as 333.33).
    # Remaining 1000 -> 1000 x 3 / 1000 = exactly 3 days -> 6 Nov.
    # (With the rounded 333.33 it would be 3.00003 days and round up to 7 Nov.)
    p = params(refund_budget=D("2000"))
    status = budget_status(booked(grant("a", "1000", when=at(1))), p, "2026-11", at(3))
    assert status.burn_per_day == D("333.33")
    assert status.runs_out_on == date(2026, 11, 6)


def test_forecast_partial_day_rounds_up() -> None:
    # Budget 1000; 300 used by 4 Nov (4 days): burn 75/day; remaining 700 / 75 = 9.33 days:
    # the budget is still there at the end of 13 Nov (4 + 9) and runs out during 14 Nov.
    p = params(refund_budget=D("1000"))
    status = budget_status(booked(grant("a", "300", when=at(2))), p, "2026-11", at(4))
    assert status.runs_out_on == date(2026, 11, 14)


def test_budget_already_used_up_gives_the_day_it_ran_out() -> None:
    # Budget 1000: 600 on 2 Nov, 500 on 5 Nov -> 1100 >= 1000 on 5 Nov.
    p = params(refund_budget=D("1000"))
    book = booked(grant("a", "600", when=at(2)), grant("b", "500", when=at(5)))
    status = budget_status(book, p, "2026-11", at(10))
    assert status.runs_out_on == date(2026, 11, 5)
    assert status.over_budget and status.remaining == D("-100.00")
    assert status.used_pct == D("110.00")


def test_zero_budget() -> None:
    p = params(refund_budget=D("0"))
    empty = budget_status(BudgetLedger(), p, "2026-11", at(10))
    assert (empty.used_pct, empty.runs_out_on, empty.over_budget) == (D("0.00"), None, False)
    status = budget_status(booked(grant("a", "50", when=at(3))), p, "2026-11", at(10))
    assert status.used_pct == D("100.00") and status.over_budget
    assert status.runs_out_on == date(2026, 11, 3)
    assert status.remaining == D("-50.00")


def test_budget_can_be_given_for_one_period() -> None:
    book = booked(grant("a", "300", when=at(2)))
    status = budget_status(book, params(), "2026-11", at(10), budget=D("600"))
    assert (status.budget, status.remaining, status.used_pct) == (
        D("600.00"),
        D("300.00"),
        D("50.00"),
    )


def test_floats_are_refused_as_money() -> None:
    with pytest.raises(ledger.LedgerError, match="no floats"):
        ledger._decimal(4.3)


def test_no_spend_means_no_forecast() -> None:
    status = budget_status(BudgetLedger(), params(), "2026-11", at(10))
    assert status.burn_per_day == D("0.00") and status.runs_out_on is None
    assert status.remaining == D("5000.00")


def test_days_elapsed_is_clamped_to_the_period() -> None:
    # A November report asked for on 15 Dec: all 30 days have elapsed.
    book = booked(grant("a", "300", when=at(2)))
    status = budget_status(book, params(), "2026-11", at(15, month=12))
    assert status.days_elapsed == 30 and status.burn_per_day == D("10.00")


def test_status_as_of_an_earlier_moment_counts_to_the_latest_entry() -> None:
    # A late event (3 Nov) arrives after one of 20 Nov: the status is as of 20 Nov either way.
    book = booked(grant("a", "200", when=at(20)), grant("b", "200", when=at(3)))
    assert budget_status(book, params(), "2026-11", at(3)) == budget_status(
        book, params(), "2026-11", at(20)
    )


def test_quarter_budget() -> None:
    p = params(budget_period="quarter", refund_budget=D("9200"))
    book = booked(grant("a", "920", when=at(1, month=10)), p=p)
    # Q4: 92 days; 920 used by 10 Oct (10 days): 92/day; remaining 8280 / 92 = 90 days -> 8 Jan,
    # after the quarter ends on 31 Dec: no early run-out.
    status = budget_status(book, p, "2026-Q4", at(10, month=10))
    assert status.days_in_period == 92
    assert status.runs_out_on == date(2027, 1, 8)
    assert not status.runs_out_before_period_end


# ---------------------------------------------------------------- wired through the steps


def test_steps_book_an_early_reversal_and_flag_the_fourth_reship() -> None:
    from pipeline.step import business_step, customer_step

    p = params()

    def run(events: list, cstate: Any = None, bstate: Any = None) -> tuple[Any, Any, list]:
        facts: list = []
        for event in events:
            cstate, more, forward = customer_step(cstate, event, p)
            facts += more
            if forward is not None:
                bstate, more = business_step(bstate, forward, p)
                facts += more
        return cstate, bstate, facts

    reships = [grant(f"s{i}", "20", kind="reship_free", when=at(i + 1)) for i in range(4)]
    early = ConcessionReversed(
        type="concession.reversed",
        event_id="rev",
        business_id="shop",
        occurred_at=at(9),
        concession_event_id="s1",
        customer_id="c1",
        reason="courier refunded us",
    )
    paid = ConcessionPaid(
        type="concession.paid",
        event_id="pay",
        business_id="shop",
        occurred_at=at(9),
        concession_event_id="s2",
        customer_id="c1",
    )
    cstate, bstate, facts = run([early, paid, *reships, reships[0]])
    exceptions = [f.row for f in facts if f.table == "policy_exceptions"]
    # s1 was reversed before it arrived, so s0, s2, s3 are the three at our cost: none over.
    assert exceptions == []
    assert bstate.ledger.entries["rev"].reverses == "s1"
    landed = {f.key: f.row for f in facts if f.table == "ledger_entries"}
    assert landed["rev"]["cost_budget"] == D("-20.00")
    assert landed["s1"]["occurred_at"] == at(2)
    _, _, facts = run([grant("s9", "20", kind="reship_free", when=at(12))], cstate, bstate)
    [exception] = [f.row for f in facts if f.table == "policy_exceptions"]
    assert (exception["rule"], exception["granted_by"]) == ("reship_limit", "anna")
    budget = [f.row for f in facts if f.table == "budget_status"][-1]
    assert budget["spent"] == D("80.00")  # s0, s2, s3, s9
    assert all(
        not isinstance(v, float)
        for f in facts
        for v in f.row.values()
        if f.table in {"ledger_entries", "budget_status"}
    )
