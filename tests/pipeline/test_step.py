"""The keyed steps with plain values: dedupe, risk before/after closing, money conversion."""

from decimal import Decimal

import pytest

from pipeline.config import BusinessParams, Settings
from pipeline.events import InvalidEvent, customer_key, parse_event
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


ANGRY_REVIEW = dict(
    channel="maps",
    public=True,
    rating=1,
    author={"handle": "anna_k"},
    text="Order 4417 came broken and nobody answers my emails. Never again!",
)


def correction(event_id: str, label: str, at: str = "2026-11-11T09:00:00+00:00", **fields):
    return event(
        "sentiment.corrected",
        event_id,
        occurred_at=at,
        target_event_id="r1",
        label=label,
        corrected_by="owner",
        customer_key="b1/@maps:anna_k",
        **fields,
    )


def test_a_correction_reaches_the_customer_of_the_review_it_corrects():
    review = event("review", "r1", **ANGRY_REVIEW)
    assert customer_key(correction("x1", "pos")) == customer_key(review) == "b1/@maps:anna_k"
    # a key of another business is not taken: the correction keys by its own target instead
    foreign = correction("x2", "pos").model_copy(update={"customer_key": "b2/@maps:anna_k"})
    assert customer_key(foreign) == "b1/~r1"


def test_a_correction_recomputes_the_customers_risk():
    state, facts, _ = customer_step(None, event("review", "r1", **ANGRY_REVIEW), PARAMS)
    angry = state.risk_score
    assert state.negative_reviews == 1 and state.loudest_channel == "maps" and angry > 20
    state, facts, _ = customer_step(state, correction("x1", "pos"), PARAMS)
    assert state.negative_reviews == 0
    assert state.max_negativity == 0.0
    assert state.loudest_channel is None
    assert state.risk_score < angry
    feed = [f for f in facts if f.table == "risk_feed"]
    assert feed and feed[0].row["risk_score"] == state.risk_score
    assert "negativity" not in feed[0].row["explanation"]
    # and back: the latest correction counts
    state, _, _ = customer_step(
        state, correction("x2", "neg", at="2026-11-12T09:00:00+00:00"), PARAMS
    )
    assert state.negative_reviews == 1 and state.risk_score == pytest.approx(angry)


def test_a_correction_counts_the_same_whether_it_comes_before_or_after_its_review():
    review, fix = event("review", "r1", **ANGRY_REVIEW), correction("x1", "neu")
    after, _, _ = customer_step(None, review, PARAMS)
    after, _, _ = customer_step(after, fix, PARAMS)
    before, facts, _ = customer_step(None, fix, PARAMS)
    assert not [f for f in facts if f.table == "risk_feed"]  # nothing to recompute yet
    before, _, _ = customer_step(before, review, PARAMS)
    assert before.negative_reviews == after.negative_reviews == 0
    assert before.risk_score == after.risk_score


MISSED_REVIEW = dict(
    channel="social_media",
    public=True,
    author={"handle": "anna_k", "kind": "influencer", "audience_size": 500_000},
    # a reply the scorer reads as neutral that its owner knows to be a complaint (the trained
    # model now reads "the courier left the parcel at the gate" as the complaint it is)
    text="Order 4417 (paid 120 EUR) arrived on 3 May. We will see how it holds up.",
)


def test_a_review_the_owner_marks_negative_raises_the_alert_the_scorer_missed():
    state, facts, _ = customer_step(None, event("review", "r1", **MISSED_REVIEW), PARAMS)
    review_row = next(f.row for f in facts if f.table == "reviews_scored")
    assert review_row["label"] != "neg"  # the miss this test is about
    assert not [f for f in facts if f.table == "alerts"]
    state, facts, _ = customer_step(state, correction("x1", "neg"), PARAMS)
    raised = [f.row for f in facts if f.table == "alerts"]
    assert [a["rule"] for a in raised] == ["high_risk_review"]
    assert raised[0]["source_event_id"] == "r1"
    assert raised[0]["facts"]["channel"] == "social_media"
    assert state.risk_score >= PARAMS.alerts.high_risk_review_score
    # a second correction of the same review raises nothing new; one to "pos" raises nothing
    state, facts, _ = customer_step(
        state, correction("x2", "neg", at="2026-11-12T09:00:00+00:00"), PARAMS
    )
    assert not [f for f in facts if f.table == "alerts"]
    calm, facts, _ = customer_step(None, event("review", "r1", **MISSED_REVIEW), PARAMS)
    calm, facts, _ = customer_step(calm, correction("x3", "pos"), PARAMS)
    assert not [f for f in facts if f.table == "alerts"]


def test_an_older_correction_arriving_late_does_not_undo_a_newer_one():
    state, _, _ = customer_step(None, event("review", "r1", **ANGRY_REVIEW), PARAMS)
    state, _, _ = customer_step(
        state, correction("x2", "pos", at="2026-11-12T09:00:00+00:00"), PARAMS
    )
    calm = state.risk_score
    state, facts, _ = customer_step(
        state, correction("x1", "neg", at="2026-11-11T09:00:00+00:00"), PARAMS
    )
    assert [f.table for f in facts] == ["sentiment_corrections"]
    assert state.negative_reviews == 0 and state.risk_score == calm


def test_the_embedded_pipeline_saves_and_restores_its_state():
    first = Pipeline(SETTINGS)
    first.process(event("review", "r1", **ANGRY_REVIEW))
    saved = [tuple(f.row.values()) for f in first.state_facts()]
    assert sorted(kind for kind, _, _ in saved) == ["business", "customer"]
    assert first.state_facts() == []  # nothing changed since
    second = Pipeline(SETTINGS)
    second.restore(saved)
    assert second.process(event("review", "r1", **ANGRY_REVIEW)) == []  # seen before
    assert second.customers["b1/@maps:anna_k"] == first.customers["b1/@maps:anna_k"]


def test_texts_scored_ahead_in_one_batch_are_what_each_step_scores_alone():
    from pipeline.sentiment import analyze
    from pipeline.step import score_ahead, scored_text

    review = event(
        "review",
        "r1",
        channel="maps",
        rating=2,
        author={"customer_id": "c1"},
        text="Kurier spóźniony, paczka zgnieciona.",
    )
    silent = event("complaint.opened", "e2", **{**OPENED, "text": "  "})
    opened = event("complaint.opened", "e1", **OPENED)
    closed = event("complaint.closed", "e3", **GOOD_CLOSE)
    assert [scored_text(e) for e in (silent, closed)] == [None, None]
    found = score_ahead([review, silent, opened, closed])
    assert found[1] is None and found[3] is None
    assert found[0] == analyze(review.text, 2)
    assert found[2] == analyze(OPENED["text"])


def test_a_pipeline_keeping_few_customers_saves_the_evicted_and_reads_them_back():
    saved: dict[tuple[str, str], str] = {}

    def load(keys):
        return [(kind, key, saved[kind, key]) for kind, key in keys if (kind, key) in saved]

    pipeline = Pipeline(SETTINGS, customers_kept=2, load=load)
    lines = [
        (event("complaint.opened", f"o{i}", **{**OPENED, "complaint_id": f"k{i}",
                                                 "customer_id": f"c{i}"}).model_dump_json(),
         "test", str(i))
        for i in range(4)
    ]  # fmt: skip
    pipeline.process_raw_many(lines)
    evicted = pipeline.evicted_facts()
    for fact in evicted:
        saved[fact.row["kind"], fact.row["key"]] = fact.row["state"]
    assert len(pipeline.customers) == 1  # over 2: down to half
    assert ("customer", "b1/c0") in saved and ("business", "b1") in saved
    # the evicted customer's next event finds its complaint again: a duplicate is one
    again = pipeline.process_raw_many([lines[0]])
    assert again == [([], False, True)]
    assert "b1/c0" in pipeline.customers
