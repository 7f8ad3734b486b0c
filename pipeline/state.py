"""State the pipeline keeps, split by the key it lives under.

`CustomerState` is keyed by `events.customer_key` (business/customer): risk, complaints, the
customer's concession history. `BusinessState` is keyed by `business_id`: budget ledger, spike
windows, alert dedupe. Both are plain pydantic models so Faust tables can store them as JSON.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field, PrivateAttr

from pipeline.ledger import BudgetLedger

SEEN_IDS_KEPT = 10_000
REVIEWS_KEPT = 10_000  # per customer: the scores a later correction may need to revise


class SeenIds(BaseModel):
    """Event ids already applied: a bounded, ordered set (oldest forgotten first)."""

    ids: list[str] = Field(default_factory=list)
    _index: set[str] | None = PrivateAttr(default=None)

    def __contains__(self, event_id: str) -> bool:
        return event_id in self._lookup()

    def add(self, event_id: str) -> None:
        self.ids.append(event_id)
        self._lookup().add(event_id)
        if len(self.ids) > SEEN_IDS_KEPT:
            dropped = self.ids[: len(self.ids) - SEEN_IDS_KEPT]
            del self.ids[: len(dropped)]
            self._lookup().difference_update(dropped)

    def _lookup(self) -> set[str]:
        if self._index is None:
            self._index = set(self.ids)
        return self._index


class ComplaintRecord(BaseModel):
    complaint_id: str
    opened_at: datetime | None = None
    channel: str | None = None
    public: bool = False
    negativity: float = 0.0
    specificity: float = 0.0
    status: str = "open"  # open | closed
    handler: str | None = None
    replies: list[str] = Field(default_factory=list)
    promised_deadline: datetime | None = None
    closed_at: datetime | None = None
    closed_in_public: bool = False  # closed publicly or on camera: its channel is exposed
    closure_score: int | None = None
    closure_grade: str | None = None
    badly_closed: bool | None = None
    risk_before_close: float | None = None
    revenue_at_risk_before_close: Decimal | None = None
    revenue_at_risk_after_close: Decimal | None = None
    deadline_alerted: list[str] = Field(default_factory=list)  # "warning" / "overdue"


class ConcessionRecord(BaseModel):
    event_id: str
    kind: str
    occurred_at: datetime
    amount: Decimal
    currency: str
    complaint_id: str | None = None
    reversed: bool = False


class ReviewScore(BaseModel):
    """What one review added to its customer's risk, kept so that a correction can revise it."""

    occurred_at: datetime
    channel: str
    public: bool
    label: str  # as scored, before any correction
    polarity: float | None = None
    negativity: float | None = None
    specificity: float = 0.0


class CorrectionRecord(BaseModel):
    """The correction of a review that counts: the latest by (occurred_at, event_id)."""

    event_id: str
    occurred_at: datetime
    label: str

    def supersedes(self, other: CorrectionRecord | None) -> bool:
        return other is None or (self.occurred_at, self.event_id) > (
            other.occurred_at,
            other.event_id,
        )


class CustomerState(BaseModel):
    key: str
    business_id: str
    customer_id: str | None = None
    handle: str | None = None
    author_kind: str = "customer"
    audience_size: int = 0
    # The most exposed place the customer spoke in public: (channel, public)
    loudest_channel: str | None = None
    loudest_public: bool = False
    reviews: int = 0
    negative_reviews: int = 0
    max_negativity: float = 0.0
    max_specificity: float = 0.0
    complaints: dict[str, ComplaintRecord] = Field(default_factory=dict)
    concessions: list[ConcessionRecord] = Field(default_factory=list)
    # review event_id -> its score (the most recent REVIEWS_KEPT), and the owners' corrections
    # of this customer's reviews, which may arrive before the review they correct
    review_scores: dict[str, ReviewScore] = Field(default_factory=dict)
    corrections: dict[str, CorrectionRecord] = Field(default_factory=dict)
    # Largest order this customer is known to have placed, in the business's currency.
    known_order_value: Decimal | None = None
    risk_score: float = 0.0
    revenue_at_risk: Decimal = Decimal("0")
    seen: SeenIds = Field(default_factory=SeenIds)
    alert_keys: list[str] = Field(default_factory=list)  # causes already alerted (alerts.fresh)
    last_event_at: datetime | None = None


class BusinessState(BaseModel):
    business_id: str
    seen: SeenIds = Field(default_factory=SeenIds)
    ledger: BudgetLedger = Field(default_factory=BudgetLedger)
    # Recent negative texts for spike detection: (iso time, location, channel)
    recent_negative: deque[tuple[str, str, str]] = Field(default_factory=deque)
    recent_scored: deque[tuple[str, str, str]] = Field(default_factory=deque)
    alert_keys: list[str] = Field(default_factory=list)
