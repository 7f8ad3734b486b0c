"""The keyed steps with plain values: dedupe, risk before/after closing, money conversion."""

from decimal import Decimal

import pytest

from pipeline.config import BusinessParams, Settings
from pipeline.events import InvalidEvent, parse_event
from pipeline.step import Pipeline, business_step, customer_step

PARAMS = BusinessParams(
    business_id="b1",
    currency="PLN",
    average_order_value=Decimal("100"),
    fx_rates={"*": {"EUR": Decimal("4.00")}},
)
SETTINGS = Settings(businesses={"b1": PARAMS})


def event(event_type: str, event_id: str, **fields):
    base = {
        "event_id": event_id,
        "type": event_type,
        "business_id": "b1",
        "occurred_at": "2026-11-10T12:00:00+00:00",
    }
    return parse_event({**base, **fields})


OPENED = dict(
    complaint_id="k1",
    customer_id="c1",
    channel="maps",
    public=True,
    text="Order 12345 never arrived, nobody answers. Terrible.",
)
GOOD_CLOSE = dict(
    complaint_id="k1",
    customer_id="c1",
    handler="anna",
    resolution="refund",
    reply_text="We are very sorry for this situation. We understand how frustrating it is. "
    "I, Anna Kowalska, will personally make sure the refund reaches you by Friday.",
    satisfaction=5,
    deadline_met=True,
    customer_last_message="Thank you, all sorted!",
)
RUDE_CLOSE = dict(
    complaint_id="k1",
    customer_id="c1",
    handler="marek",
    resolution="declined",
    reply_text="That's not our problem, you should have read the terms. Stop wasting our time.",
    satisfaction=1,
    customer_last_message="Unbelievable. Everyone will hear about this.",
)


def test_a_duplicate_event_changes_nothing_and_says_so():
    first = event("complaint.opened", "e1", **OPENED)
    state, facts, forward = customer_step(None, first, PARAMS)
    assert facts and forward is not None
    snapshot = state.model_dump()
    state, facts, forward = customer_step(state, first, PARAMS)
    assert (facts, forward) == ([], None)
    assert state.model_dump() == snapshot


def test_business_step_counts_a_redelivered_concession_once():
    grant = event(
        "concession.granted",
        "g1",
        kind="refund_partial",
        customer_id="c1",
        amount="50.00",
        currency="PLN",
        granted_by="anna",
    )
    _, _, forward = customer_step(None, grant, PARAMS)
    state, facts = business_step(None, forward, PARAMS)
    assert [f.table for f in facts].count("ledger_entries") == 1
    state, again = business_step(state, forward, PARAMS)
    assert again == []


@pytest.mark.parametrize(("closing", "lower"), [(GOOD_CLOSE, True), (RUDE_CLOSE, False)])
def test_closing_well_lowers_risk_and_closing_badly_raises_it(closing, lower):
    state, _, _ = customer_step(None, event("complaint.opened", "e1", **OPENED), PARAMS)
    state, facts, _ = customer_step(state, event("complaint.closed", "e2", **closing), PARAMS)
    row = next(f.row for f in facts if f.table == "complaint_events")
    assert row["badly_closed"] is (not lower)
    assert (row["risk_after"] < row["risk_before"]) is lower
    alerts = [f.row["rule"] for f in facts if f.table == "alerts"]
    assert ("badly_closed" in alerts) is (not lower)


def test_an_order_value_in_another_currency_is_converted_with_the_configured_rate():
    private = dict(OPENED, public=False, channel="email")
    euro = event("complaint.opened", "e1", **private, order_value="500.00", currency="EUR")
    state, _, _ = customer_step(None, euro, PARAMS)
    assert state.known_order_value == Decimal("2000.00")  # 500 EUR * 4.00
    plain, _, _ = customer_step(None, event("complaint.opened", "e9", **private), PARAMS)
    assert state.revenue_at_risk > plain.revenue_at_risk


def test_money_without_a_configured_rate_is_rejected_before_any_state_changes():
    grant = event(
        "concession.granted",
        "g1",
        kind="gift",
        customer_id="c1",
        amount="10.00",
        currency="USD",
        granted_by="anna",
    )
    with pytest.raises(InvalidEvent, match="no exchange rate USD"):
        customer_step(None, grant, PARAMS)


def test_embedded_pipeline_dead_letters_instead_of_raising():
    pipeline = Pipeline(SETTINGS)
    facts, dead = pipeline.process_raw('{"type": "review"', "inbox.jsonl", "7")
    assert dead
    assert facts[0].table == "dead_letters"
    assert facts[0].row["position"] == "7"
    assert "not valid JSON" in facts[0].row["reason"]
