"""Influence risk of one customer: a 0-100 score from named factors, and money at risk.

Seed 002: "a badly closed situation is an angry customer with an unknown radius of influence".
Every point of the score comes from a named factor, so the feed can say why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pipeline.config import BusinessParams
from pipeline.state import CustomerState

AUTHOR_KIND_POINTS: dict[str, float] = {
    "customer": 0.0,
    "competitor": 5.0,
    "blogger": 12.0,
    "influencer": 12.0,
    "journalist": 15.0,
    "celebrity": 15.0,
    "lawyer": 18.0,
}
CHANNEL_POINTS: dict[str, float] = {
    "social_group": 15.0,  # a local public group: "famous across town"
    "maps": 10.0,
    "marketplace": 10.0,
    "telegram_channel": 10.0,
    "social_media": 8.0,
    "video": 8.0,
    "forum": 6.0,
    "own_site": 4.0,
}
NEGATIVITY_WEIGHT = 30.0
SPECIFICITY_WEIGHT = 10.0
REACH_WEIGHT = 25.0  # a million followers earn the full weight
REACH_FULL_AT = 1_000_000
OPEN_COMPLAINT_POINTS = 8.0
OVERDUE_COMPLAINT_POINTS = 14.0
BADLY_CLOSED_POINTS = 20.0
WELL_CLOSED_POINTS = -20.0  # seed 002: a well-closed complaint makes a customer more loyal
ACCEPTABLY_CLOSED_POINTS = -5.0
REPEAT_COMPLAINT_POINTS = 5.0
REPEAT_COMPLAINT_CAP = 10.0
MANY_CONCESSIONS_POINTS = 5.0
CENT = Decimal("0.01")


@dataclass(frozen=True)
class RiskFactor:
    name: str
    detail: str
    points: float


@dataclass(frozen=True)
class RiskAssessment:
    score: float  # 0..100
    factors: tuple[RiskFactor, ...]
    customers_at_risk: Decimal
    revenue_at_risk: Decimal
    currency: str

    def explain(self, top: int = 4) -> str:
        ranked = sorted(self.factors, key=lambda f: abs(f.points), reverse=True)[:top]
        parts = ", ".join(f"{f.detail} ({f.points:+.0f})" for f in ranked)
        return f"score {self.score:.0f}: {parts}" if parts else f"score {self.score:.0f}"


def reach_points(audience_size: int) -> float:
    if audience_size <= 0:
        return 0.0
    return min(
        REACH_WEIGHT, REACH_WEIGHT * math.log10(1 + audience_size) / math.log10(REACH_FULL_AT)
    )


def complaint_factors(customer: CustomerState, as_of_iso: str | None) -> list[RiskFactor]:
    factors: list[RiskFactor] = []
    for complaint in customer.complaints.values():
        if complaint.status == "open":
            overdue = (
                as_of_iso is not None
                and complaint.promised_deadline is not None
                and complaint.promised_deadline.isoformat() < as_of_iso
            )
            if overdue:
                factors.append(
                    RiskFactor(
                        "complaint_overdue",
                        "complaint open past its promised deadline",
                        OVERDUE_COMPLAINT_POINTS,
                    )
                )
            else:
                factors.append(
                    RiskFactor("complaint_open", "complaint still open", OPEN_COMPLAINT_POINTS)
                )
        elif complaint.badly_closed:
            factors.append(
                RiskFactor("badly_closed", "complaint closed badly", BADLY_CLOSED_POINTS)
            )
        elif complaint.closure_grade == "good":
            factors.append(RiskFactor("well_closed", "complaint closed well", WELL_CLOSED_POINTS))
        elif complaint.closure_grade == "acceptable":
            factors.append(
                RiskFactor(
                    "acceptably_closed", "complaint closed acceptably", ACCEPTABLY_CLOSED_POINTS
                )
            )
    if len(customer.complaints) > 1:
        points = min(REPEAT_COMPLAINT_CAP, REPEAT_COMPLAINT_POINTS * (len(customer.complaints) - 1))
        factors.append(
            RiskFactor("repeat_complaints", f"{len(customer.complaints)} complaints", points)
        )
    return factors


def assess(
    customer: CustomerState, params: BusinessParams, as_of_iso: str | None = None
) -> RiskAssessment:
    """Score a customer's influence risk from their state; explainable by its factors."""
    factors: list[RiskFactor] = []
    negativity = max(customer.max_negativity, _complaint_negativity(customer))
    if negativity > 0:
        factors.append(
            RiskFactor("negativity", f"negativity {negativity:.2f}", NEGATIVITY_WEIGHT * negativity)
        )
    if customer.max_specificity > 0 and negativity > 0:
        factors.append(
            RiskFactor(
                "specificity",
                f"specific details {customer.max_specificity:.2f}",
                SPECIFICITY_WEIGHT * customer.max_specificity,
            )
        )
    if customer.audience_size > 0:
        factors.append(
            RiskFactor(
                "reach",
                f"audience {_human_count(customer.audience_size)}",
                reach_points(customer.audience_size),
            )
        )
    kind_points = AUTHOR_KIND_POINTS.get(customer.author_kind, 0.0)
    if kind_points:
        factors.append(RiskFactor("author_kind", customer.author_kind, kind_points))
    if customer.loudest_public and customer.loudest_channel:
        channel_points = CHANNEL_POINTS.get(customer.loudest_channel, 0.0)
        if channel_points:
            factors.append(
                RiskFactor("channel", f"public {customer.loudest_channel}", channel_points)
            )
    factors.extend(complaint_factors(customer, as_of_iso))
    live = [c for c in customer.concessions if not c.reversed]
    if len(live) > params.policy.reship_at_our_cost_limit:
        factors.append(
            RiskFactor("many_concessions", f"{len(live)} concessions", MANY_CONCESSIONS_POINTS)
        )
    if negativity == 0 and not any(
        f.name.startswith("complaint") or f.name == "badly_closed" for f in factors
    ):
        # A customer who said nothing negative puts nothing at risk, however loud they are.
        factors = [f for f in factors if f.points < 0]
    raw = sum(f.points for f in factors)
    score = max(0.0, min(100.0, raw))
    customers, revenue = money_at_risk(customer, params, score)
    return RiskAssessment(
        score=round(score, 1),
        factors=tuple(factors),
        customers_at_risk=customers,
        revenue_at_risk=revenue,
        currency=params.currency,
    )


def money_at_risk(
    customer: CustomerState, params: BusinessParams, score: float
) -> tuple[Decimal, Decimal]:
    """Expected customers lost and revenue at risk (one year of their purchases).

    The customer themself leaves with probability score/100, costing a year of their own
    purchases (their known order value if larger than the average); a public story reaches
    max(audience, channel's base readers) people, of whom `channel_exposure` notice it and
    `loss_rate` of those stay away, scaled by the same score, each worth an average customer.
    """
    likelihood = Decimal(str(score)) / Decimal(100)
    readers = 0
    exposure = Decimal(0)
    if customer.loudest_public and customer.loudest_channel:
        base = params.channel_base_readers.get(customer.loudest_channel, 0)
        readers = max(customer.audience_size, base)
        exposure = params.channel_exposure.get(customer.loudest_channel, Decimal(0))
    others = Decimal(readers) * exposure * params.loss_rate
    own_order = max(params.average_order_value, customer.known_order_value or Decimal(0))
    own_value = own_order * params.repeat_purchases_per_year
    lost = likelihood * (1 + others)
    revenue = likelihood * (own_value + others * params.customer_value())
    return (
        lost.quantize(CENT, rounding=ROUND_HALF_UP),
        revenue.quantize(CENT, rounding=ROUND_HALF_UP),
    )


def _complaint_negativity(customer: CustomerState) -> float:
    return max((c.negativity for c in customer.complaints.values()), default=0.0)


def _human_count(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if n >= 1_000:
        return f"{n / 1_000:.0f}k"
    return str(n)
