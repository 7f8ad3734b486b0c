"""Contracts of the input streams: reviews, complaints, concessions (and sentiment corrections).

Every event carries `event_id` (idempotency key), `type`, `schema_version`, `business_id` and a
timezone-aware `occurred_at`. JSON is decoded with `Decimal` for every number, so money stays exact.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
)

SCHEMA_VERSION = 1

# Limits of hostile input (tests/pipeline/test_events_hostile.py). Times outside [EARLIEST,
# LATEST) UTC are rejected: the domain's date arithmetic (UTC conversion, periods, deadlines)
# stays within what `datetime` and DuckDB hold. A JSON number's decimal exponent is bounded:
# converting 1E+999999999 to an int would take minutes. A rejection's reason is bounded too.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
MAX_EXPONENT = 1_000
MAX_REASON_CHARS = 2_000
MAX_ERRORS_LISTED = 20
MAX_AUDIENCE = 10_000_000_000  # above the world's population: the reach of any one author

Identifier = Annotated[str, Field(min_length=1, max_length=200)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. PLN")]
Amount = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4)]


def _in_range(value: datetime) -> datetime:
    try:
        inside = EARLIEST <= value.astimezone(UTC) < LATEST
    except (OverflowError, ValueError):  # year 1 at +23:59 has no UTC time
        inside = False
    if not inside:
        raise ValueError(f"must be from {EARLIEST:%Y-%m-%d} to before {LATEST:%Y-%m-%d} UTC")
    return value


Timestamp = Annotated[AwareDatetime, AfterValidator(_in_range)]

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
    occurred_at: Timestamp
    location_id: Identifier | None = None


class Author(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    customer_id: Identifier | None = None
    handle: Identifier | None = None
    audience_size: int = Field(default=0, ge=0, le=MAX_AUDIENCE)
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
    promised_deadline: Timestamp | None = None


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
    promised_deadline: Timestamp | None = None
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
        if len(reason) > MAX_REASON_CHARS:
            reason = reason[: MAX_REASON_CHARS - 1] + "…"
        super().__init__(reason)
        self.reason = reason
        self.event_id = event_id


def _short(value: Any, limit: int = 60) -> str:
    """repr of a value, cut to `limit` characters: a reason never echoes a huge input."""
    if isinstance(value, dict | list):
        return "a JSON object" if isinstance(value, dict) else "a JSON array"
    text = repr(value[: limit + 1] if isinstance(value, str) else value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(error: ValidationError) -> str:
    parts = []
    items = error.errors(include_url=False, include_input=False, include_context=False)
    for item in items[:MAX_ERRORS_LISTED]:
        location = ".".join(str(p)[:100] for p in item["loc"] if not str(p).startswith("function-"))
        # Drop the discriminator tag that pydantic puts first in union locations.
        tag = next((t for t in EVENT_TYPES if location == t or location.startswith(f"{t}.")), "")
        location = location[len(tag) :].lstrip(".")
        parts.append(f"{location or '<event>'}: {item['msg']}")
    if len(items) > MAX_ERRORS_LISTED:
        parts.append(f"<event>: and {len(items) - MAX_ERRORS_LISTED} more errors")
    return "; ".join(parts)


def _numbers_out_of_range(data: Any) -> list[str]:
    """Where `data` holds a number whose decimal exponent is beyond ±MAX_EXPONENT."""
    found: list[str] = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack and len(found) < MAX_ERRORS_LISTED:
        where, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((f"{where}.{str(k)[:100]}".lstrip("."), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{where}.{i}".lstrip("."), v) for i, v in enumerate(value))
        elif (
            isinstance(value, Decimal)
            and value.is_finite()
            and value
            and abs(value.adjusted()) > MAX_EXPONENT
        ):
            found.append(f"{where or '<event>'}: number out of range: {_short(value)}")
    return found


def parse_event(raw: bytes | str | dict[str, Any]) -> EventBase:
    """Decode and validate one event; raise `InvalidEvent` with a readable reason."""
    if isinstance(raw, dict):
        data = raw
    else:
        try:
            data = json.loads(raw, parse_float=Decimal)
        except RecursionError:
            raise InvalidEvent("<event>: not valid JSON: nested too deeply") from None
        # ValueError: JSONDecodeError, UnicodeDecodeError, an integer over 4300 digits
        except ValueError as exc:
            raise InvalidEvent(f"<event>: not valid JSON: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise InvalidEvent(f"<event>: an event must be a JSON object, got {type(data).__name__}")
    event_id = data.get("event_id")
    if not isinstance(event_id, str) or not 0 < len(event_id) <= 200:
        event_id = None
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in EVENT_TYPES:
        known = ", ".join(EVENT_TYPES)
        raise InvalidEvent(
            f"type: unknown event type {_short(kind)}, expected one of: {known}", event_id
        )
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int | Decimal) or version != SCHEMA_VERSION:
        raise InvalidEvent(
            f"schema_version: unsupported schema_version {_short(version)},"
            f" this build reads {SCHEMA_VERSION}",
            event_id,
        )
    out_of_range = _numbers_out_of_range(data)
    if out_of_range:
        raise InvalidEvent("; ".join(out_of_range), event_id)
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
