"""pipeline/state.py: the bounded set of seen ids, which correction counts, and state that
survives the JSON a Faust table stores it as. Plain values, no I/O."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pipeline import state as state_module
from pipeline.ledger import BudgetLedger, book_concession
from pipeline.state import (
    BusinessState,
    ComplaintRecord,
    ConcessionRecord,
    CorrectionRecord,
    CustomerState,
    SeenIds,
)
from tests.ledger_cases import grant, params

T = datetime(2026, 11, 20, 12, tzinfo=UTC)


def test_seen_ids_remember_what_was_added() -> None:
    seen = SeenIds()
    assert "a" not in seen
    seen.add("a")
    seen.add("b")
    assert "a" in seen and "b" in seen and "c" not in seen
    assert seen.ids == ["a", "b"]


def test_seen_ids_forget_the_oldest_past_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state_module, "SEEN_IDS_KEPT", 3)
    seen = SeenIds()
    for event_id in "abcde":
        seen.add(event_id)
    assert seen.ids == ["c", "d", "e"]
    assert [i for i in "abcde" if i in seen] == ["c", "d", "e"]


def test_seen_ids_lookup_is_rebuilt_after_a_round_trip() -> None:
    seen = SeenIds()
    seen.add("a")
    again = SeenIds.model_validate_json(seen.model_dump_json())
    assert again.model_dump() == {"ids": ["a"]}  # the index is not stored
    assert "a" in again and "b" not in again


E1 = CorrectionRecord(event_id="e1", occurred_at=T, label="pos")


@pytest.mark.parametrize(
    ("new", "old", "supersedes"),
    [
        (E1, None, True),
        (E1.model_copy(update={"occurred_at": T.replace(hour=13)}), E1, True),
        (E1.model_copy(update={"occurred_at": T.replace(hour=11)}), E1, False),
        (E1.model_copy(update={"event_id": "e2"}), E1, True),  # same time: the larger id
        (E1, E1.model_copy(update={"event_id": "e2"}), False),
        (E1, E1, False),  # itself again: not newer
    ],
    ids=["first", "later", "earlier", "same time larger id", "same time smaller id", "itself"],
)
def test_which_correction_counts(
    new: CorrectionRecord, old: CorrectionRecord | None, supersedes: bool
) -> None:
    assert new.supersedes(old) is supersedes


def test_customer_state_survives_json() -> None:
    customer = CustomerState(key="shop/c1", business_id="shop", customer_id="c1")
    customer.seen.add("e1")
    customer.complaints["k1"] = ComplaintRecord(
        complaint_id="k1", opened_at=T, revenue_at_risk_before_close=Decimal("12.50")
    )
    customer.concessions.append(
        ConcessionRecord(
            event_id="g1", kind="gift", occurred_at=T, amount=Decimal("10.00"), currency="PLN"
        )
    )
    customer.revenue_at_risk = Decimal("99.99")
    again = CustomerState.model_validate_json(customer.model_dump_json())
    assert again.model_dump() == customer.model_dump()
    assert "e1" in again.seen
    assert again.complaints["k1"].status == "open"
    assert isinstance(again.revenue_at_risk, Decimal)


def test_business_state_survives_json() -> None:
    book, _ = book_concession(BudgetLedger(), grant("g1", "100"), params())
    business = BusinessState(
        business_id="shop",
        ledger=book,
        recent_negative=deque([("2026-11-20T12:00:00+00:00", "-", "maps")]),
    )
    again = BusinessState.model_validate_json(business.model_dump_json())
    assert again == business
    assert isinstance(again.recent_negative, deque)
    assert again.ledger.period_entries("2026-11")[0].cost_budget == Decimal("100.00")


def test_defaults_are_not_shared_between_states() -> None:
    one, two = BusinessState(business_id="a"), BusinessState(business_id="b")
    one.alert_keys.append("x")
    one.recent_negative.append(("t", "-", "maps"))
    assert two.alert_keys == [] and not two.recent_negative
