"""Influence risk: each factor moves the score the way an owner expects, money is exact."""

from decimal import Decimal

import pytest

from pipeline.config import BusinessParams
from pipeline.risk import assess, money_at_risk
from pipeline.state import ComplaintRecord, ConcessionRecord, CustomerState

PARAMS = BusinessParams(
    business_id="b1",
    currency="PLN",
    average_order_value=Decimal("200"),
    repeat_purchases_per_year=Decimal("2"),
    loss_rate=Decimal("0.1"),
)


def customer(**changes) -> CustomerState:
    base = {
        "key": "b1/c1",
        "business_id": "b1",
        "max_negativity": 0.6,
        "max_specificity": 0.3,
        "loudest_channel": "maps",
        "loudest_public": True,
    }
    base.update(changes)
    return CustomerState(**base)


def closed(grade: str, badly: bool) -> dict[str, dict[str, ComplaintRecord]]:
    record = ComplaintRecord(
        complaint_id="k1", status="closed", closure_grade=grade, badly_closed=badly
    )
    return {"complaints": {"k1": record}}


# (factor, lower-risk customer, higher-risk customer)
DIRECTIONS = [
    ("negativity", {"max_negativity": 0.2}, {"max_negativity": 0.9}),
    ("specificity", {"max_specificity": 0.0}, {"max_specificity": 0.9}),
    ("reach", {"audience_size": 100}, {"audience_size": 1_000_000}),
    ("reach", {"audience_size": 0}, {"audience_size": 5_000}),
    ("author kind", {"author_kind": "customer"}, {"author_kind": "lawyer"}),
    ("author kind", {"author_kind": "customer"}, {"author_kind": "blogger"}),
    ("public channel", {"loudest_public": False, "loudest_channel": None}, {}),
    ("local public group", {"loudest_channel": "own_site"}, {"loudest_channel": "social_group"}),
    ("complaint open", {}, {"complaints": {"k1": ComplaintRecord(complaint_id="k1")}}),
    ("badly closed", closed("good", False), closed("bad", True)),
    ("badly vs no complaint", {}, closed("bad", True)),
    ("well closed lowers", closed("good", False), {}),
    (
        "repeat complaints",
        {"complaints": {"k1": ComplaintRecord(complaint_id="k1")}},
        {"complaints": {f"k{i}": ComplaintRecord(complaint_id=f"k{i}") for i in range(3)}},
    ),
    (
        "many concessions",
        {},
        {
            "concessions": [
                ConcessionRecord(
                    event_id=f"e{i}",
                    kind="reship_free",
                    occurred_at="2026-11-01T00:00:00+00:00",
                    amount=Decimal("10"),
                    currency="PLN",
                )
                for i in range(4)
            ]
        },
    ),
]


@pytest.mark.parametrize(("factor", "lower", "higher"), DIRECTIONS, ids=[d[0] for d in DIRECTIONS])
def test_factor_direction(factor, lower, higher):
    low = assess(customer(**lower), PARAMS)
    high = assess(customer(**higher), PARAMS)
    assert high.score > low.score
    assert high.revenue_at_risk > low.revenue_at_risk


def test_score_is_bounded_and_explained():
    loud = customer(
        max_negativity=1.0,
        max_specificity=1.0,
        audience_size=10_000_000,
        author_kind="lawyer",
        loudest_channel="social_group",
        **closed("bad", True),
    )
    result = assess(loud, PARAMS)
    assert result.score == 100.0
    names = {f.name for f in result.factors}
    assert {"negativity", "reach", "author_kind", "channel", "badly_closed"} <= names
    assert "lawyer" in result.explain()


def test_a_happy_customer_puts_nothing_at_risk_however_loud():
    fan = customer(
        max_negativity=0.0, max_specificity=0.0, audience_size=1_000_000, author_kind="celebrity"
    )
    result = assess(fan, PARAMS)
    assert result.score == 0
    assert result.revenue_at_risk == Decimal("0.00")


def test_money_at_risk_by_hand():
    # score 50 -> the customer leaves with p=0.5 and takes 200 * 2 = 400 PLN a year: 200.
    # A public maps post reaches max(0, 500 base readers); 3 % notice, 10 % of those leave:
    # 500 * 0.03 * 0.1 = 1.5 others, p=0.5 -> 0.75 customers * 400 PLN = 300.
    # Customers lost 0.5 * (1 + 1.5) = 1.25; revenue 200 + 300 = 500.00 PLN.
    customers, revenue = money_at_risk(customer(), PARAMS, 50.0)
    assert customers == Decimal("1.25")
    assert revenue == Decimal("500.00")
    assert isinstance(revenue, Decimal)


def test_a_known_large_order_raises_the_customers_own_value():
    # Their own order of 1000 PLN (converted already) replaces the 200 average for them alone.
    private = customer(loudest_public=False, loudest_channel=None)
    _, average = money_at_risk(private, PARAMS, 50.0)
    _, large = money_at_risk(
        private.model_copy(update={"known_order_value": Decimal("1000")}), PARAMS, 50.0
    )
    assert average == Decimal("200.00")  # 0.5 * 200 * 2
    assert large == Decimal("1000.00")  # 0.5 * 1000 * 2


def test_money_at_risk_is_in_the_business_currency():
    uah = PARAMS.model_copy(update={"currency": "UAH", "average_order_value": Decimal("650")})
    result = assess(customer(), uah)
    assert result.currency == "UAH"
    assert result.revenue_at_risk > assess(customer(), PARAMS).revenue_at_risk
