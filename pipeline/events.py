"""Contracts of the input streams: reviews, complaints, concessions (and sentiment corrections).

Every event carries `event_id` (idempotency key), `type`, `schema_version`, `business_id` and a
timezone-aware `occurred_at`. JSON is decoded with `Decimal` for every number, so money stays exact.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
)

SCHEMA_VERSION = 1

Identifier = Annotated[str, Field(min_length=1, max_length=200)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. PLN")]
Amount = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4)]

AuthorKind = Literal[
    "customer", "blogger", "influencer", "celebrity", "journalist", "lawyer", "competitor"
]
Channel = Literal[
    "marketplace",
    "maps",
    "own_site",
    "social_group",
    "social_media",
    "telegram_channel",
    "forum",
    "video",
    "email",
    "phone",
    "chat",
    "in_person",
]
Resolution = Literal["refund", "replacement", "compensation", "discount", "explanation", "declined"]
CustomerBehaviour = Literal["calm", "irate", "abusive", "threatening"]
ConcessionKind = Literal[
    "refund_full",
    "refund_partial",
    "discount",
    "reship_free",
    "replacement",
    "compensation",
    "gift",
]
SentimentLabel = Literal["neg", "neu", "pos"]


class EventBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: Identifier
    schema_version: Literal[1] = 1
    business_id: Identifier
    occurred_at: AwareDatetime
    location_id: Identifier | None = None


class Author(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    customer_id: Identifier | None = None
    handle: Identifier | None = None
    audience_size: int = Field(default=0, ge=0)
    kind: AuthorKind = "customer"


class Review(EventBase):
    type: Literal["review"]
    text: str = Field(max_length=20_000)
    rating: int | None = Field(default=None, ge=1, le=5)
    channel: Channel
    public: bool = True
    author: Author = Author()
    complaint_id: Identifier | None = None
    url: str | None = None


class ComplaintOpened(EventBase):
    type: Literal["complaint.opened"]
    complaint_id: Identifier
    customer_id: Identifier
    channel: Channel
    public: bool = False
    text: str = Field(default="", max_length=20_000)
    category: str | None = None
    order_value: Amount | None = None
    currency: Currency | None = None


class ComplaintReply(EventBase):
    """A handler's reply while the complaint is open; may promise a deadline."""

    type: Literal["complaint.reply"]
    complaint_id: Identifier
    customer_id: Identifier
    handler: Identifier
    text: str = Field(max_length=20_000)
    promised_deadline: AwareDatetime | None = None


class ComplaintClosed(EventBase):
    type: Literal["complaint.closed"]
    complaint_id: Identifier
    customer_id: Identifier
    handler: Identifier
    resolution: Resolution
    reply_text: str = Field(default="", max_length=20_000)
    customer_behaviour: CustomerBehaviour = "calm"
    customer_last_message: str | None = Field(default=None, max_length=20_000)
    satisfaction: int | None = Field(default=None, ge=1, le=5)
    promised_deadline: AwareDatetime | None = None
    deadline_met: bool | None = None
    public: bool = False
    on_camera: bool = False


class ConcessionGranted(EventBase):
    """A refund or goodwill concession. `status` committed = promised, not yet paid."""

    type: Literal["concession.granted"]
    kind: ConcessionKind
    customer_id: Identifier
    amount: Amount
    currency: Currency
    cost: Amount | None = Field(
        default=None, description="cost to the business, in `currency`; defaults to amount"
    )
    complaint_id: Identifier | None = None
    granted_by: Identifier
    status: Literal["paid", "committed"] = "paid"
    discount_pct: Annotated[Decimal, Field(ge=0, le=100)] | None = None
    days_since_purchase: int | None = Field(default=None, ge=0)
    category: str | None = None
    note: str | None = Field(default=None, max_length=2_000)


class ConcessionPaid(EventBase):
    """A committed concession is now paid."""

    type: Literal["concession.paid"]
    concession_event_id: Identifier
    customer_id: Identifier


class ConcessionReversed(EventBase):
    """A reversal or correction: never an edit, always a new entry pointing at the original."""

    type: Literal["concession.reversed"]
    concession_event_id: Identifier
    customer_id: Identifier
    reason: str = Field(min_length=1, max_length=2_000)


class SentimentCorrected(EventBase):
    """An owner or analyst says a text's sentiment is wrong."""

    type: Literal["sentiment.corrected"]
    target_event_id: Identifier
    label: SentimentLabel
    corrected_by: Identifier
    customer_id: Identifier | None = None
    customer_key: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,  # business_id + "/@" + channel + ":" + handle
        description="the key the corrected review's customer lives under (reviews_scored."
        "customer_key, e.g. 'dobry-sen/@maps:anna_k'); with it the customer's risk is "
        "recomputed. `repute correct` and the dashboard fill it in.",
    )


ReviewEvent = Review
ComplaintEvent = Annotated[
    ComplaintOpened | ComplaintReply | ComplaintClosed, Field(discriminator="type")
]
ConcessionEvent = Annotated[
    ConcessionGranted | ConcessionPaid | ConcessionReversed, Field(discriminator="type")
]
Event = Annotated[
    Review
    | ComplaintOpened
    | ComplaintReply
    | ComplaintClosed
    | ConcessionGranted
    | ConcessionPaid
    | ConcessionReversed
    | SentimentCorrected,
    Field(discriminator="type"),
]
EVENT_TYPES: dict[str, type[EventBase]] = {
    "review": Review,
    "complaint.opened": ComplaintOpened,
    "complaint.reply": ComplaintReply,
    "complaint.closed": ComplaintClosed,
    "concession.granted": ConcessionGranted,
    "concession.paid": ConcessionPaid,
    "concession.reversed": ConcessionReversed,
    "sentiment.corrected": SentimentCorrected,
}
# The stream (and Kafka topic) each event type belongs to.
STREAM_OF_TYPE: dict[str, str] = {
    "review": "reviews",
    "complaint.opened": "complaints",
    "complaint.reply": "complaints",
    "complaint.closed": "complaints",
    "concession.granted": "concessions",
    "concession.paid": "concessions",
    "concession.reversed": "concessions",
    "sentiment.corrected": "corrections",
}

_event_adapter: TypeAdapter[Any] = TypeAdapter(Event)


class InvalidEvent(ValueError):
    """An input that is not a valid event. `reason` is short and readable; `event_id` if known."""

    def __init__(self, reason: str, event_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.event_id = event_id


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors(include_url=False):
        location = ".".join(str(p) for p in item["loc"] if not str(p).startswith("function-"))
        # Drop the discriminator tag that pydantic puts first in union locations.
        tag = next((t for t in EVENT_TYPES if location == t or location.startswith(f"{t}.")), "")
        location = location[len(tag) :].lstrip(".")
        parts.append(f"{location or '<event>'}: {item['msg']}")
    return "; ".join(parts)


def parse_event(raw: bytes | str | dict[str, Any]) -> EventBase:
    """Decode and validate one event; raise `InvalidEvent` with a readable reason."""
    if isinstance(raw, dict):
        data = raw
    else:
        try:
            data = json.loads(raw, parse_float=Decimal)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InvalidEvent(f"not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidEvent(f"an event must be a JSON object, got {type(data).__name__}")
    event_id = data.get("event_id") if isinstance(data.get("event_id"), str) else None
    kind = data.get("type")
    if kind not in EVENT_TYPES:
        known = ", ".join(EVENT_TYPES)
        raise InvalidEvent(f"unknown event type {kind!r}; expected one of: {known}", event_id)
    if data.get("schema_version", SCHEMA_VERSION) != SCHEMA_VERSION:
        raise InvalidEvent(
            f"unsupported schema_version {data.get('schema_version')!r};"
            f" this build reads {SCHEMA_VERSION}",
            event_id,
        )
    try:
        return _event_adapter.validate_python(data)
    except ValidationError as exc:
        raise InvalidEvent(_describe(exc), event_id) from None


def customer_key(event: EventBase) -> str:
    """The key of the customer an event is about: customer-keyed state lives under it.

    Reviews without a known customer are keyed by channel and author handle, so one anonymous
    author's reviews still accumulate; a review without either is keyed by its own event.
    """
    if isinstance(event, Review):
        if event.author.customer_id:
            return f"{event.business_id}/{event.author.customer_id}"
        if event.author.handle:
            return f"{event.business_id}/@{event.channel}:{event.author.handle}"
        return f"{event.business_id}/~{event.event_id}"
    customer_id = getattr(event, "customer_id", None)
    if customer_id:
        return f"{event.business_id}/{customer_id}"
    if isinstance(event, SentimentCorrected):
        if event.customer_key and event.customer_key.startswith(f"{event.business_id}/"):
            return event.customer_key
        return f"{event.business_id}/~{event.target_event_id}"
    return f"{event.business_id}/~{event.event_id}"


def event_time(event: EventBase) -> datetime:
    return event.occurred_at


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schema of every event type, by type name (for docs/schemas/)."""
    return {name: model.model_json_schema() for name, model in EVENT_TYPES.items()}
