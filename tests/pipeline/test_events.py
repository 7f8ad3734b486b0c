import json
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.events import (
    EVENT_TYPES,
    ConcessionGranted,
    InvalidEvent,
    Review,
    customer_key,
    json_schemas,
    parse_event,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_every_documented_example_is_valid(event_type):
    event = parse_event(json.dumps(example(event_type)))
    assert event.type == event_type
    assert event.occurred_at.tzinfo is not None


def test_money_is_exact_decimal_even_from_json_numbers():
    raw = example("concession.granted")
    raw["amount"] = 0.1  # a JSON number, not a string
    event = parse_event(json.dumps(raw))
    assert isinstance(event, ConcessionGranted)
    assert event.amount == Decimal("0.1")
    assert isinstance(event.amount, Decimal)


# (event type, field, bad value, words the reason must contain)
INVALID_CASES = [
    ("review", "occurred_at", "2026-11-14T09:30:00", ["occurred_at", "timezone"]),
    ("review", "occurred_at", "yesterday", ["occurred_at"]),
    ("review", "rating", 6, ["rating", "less than or equal to 5"]),
    ("review", "rating", 0, ["rating", "greater than or equal to 1"]),
    ("review", "channel", "carrier_pigeon", ["channel", "maps"]),
    ("review", "event_id", "", ["event_id", "at least 1"]),
    ("review", "business_id", None, ["business_id"]),
    ("review", "text", None, ["text"]),
    ("review", "public", "maybe", ["public", "boolean"]),
    ("review", "schema_version", 2, ["schema_version"]),
    ("review", "surprise", 1, ["surprise", "Extra inputs"]),
    ("complaint.closed", "resolution", "shrug", ["resolution", "refund"]),
    ("complaint.closed", "customer_behaviour", "sleepy", ["customer_behaviour", "abusive"]),
    ("complaint.closed", "satisfaction", 9, ["satisfaction"]),
    ("complaint.closed", "complaint_id", None, ["complaint_id"]),
    ("complaint.reply", "promised_deadline", "2026-11-07", ["promised_deadline"]),
    ("concession.granted", "amount", "-5.00", ["amount: Input should be greater than or equal"]),
    ("concession.granted", "amount", "12.345678", ["amount", "decimal places"]),
    ("concession.granted", "currency", "zł", ["currency", "pattern"]),
    ("concession.granted", "kind", "hug", ["kind", "refund_full"]),
    ("concession.granted", "discount_pct", "150", ["discount_pct", "100"]),
    ("concession.reversed", "reason", "", ["reason"]),
    ("sentiment.corrected", "label", "meh", ["label", "neg"]),
]


@pytest.mark.parametrize(("event_type", "field", "value", "words"), INVALID_CASES)
def test_invalid_field_gets_a_reason_naming_the_field(event_type, field, value, words):
    raw = example(event_type)
    if value is None:
        raw.pop(field, None)
    else:
        raw[field] = value
    with pytest.raises(InvalidEvent) as caught:
        parse_event(json.dumps(raw))
    reason = caught.value.reason
    for word in words:
        assert word in reason, reason
    if field != "event_id":
        assert caught.value.event_id == raw["event_id"]


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ('{"event_id": "x", "type": "review"', ["not valid JSON"]),
        ("[1, 2]", ["JSON object", "list"]),
        ('{"event_id": "x", "type": "tweet"}', ["unknown event type", "tweet", "review"]),
        ('{"event_id": "x"}', ["unknown event type", "None"]),
        (b"\xff\xfe", ["not valid JSON"]),
    ],
)
def test_input_that_is_not_an_event(raw, words):
    with pytest.raises(InvalidEvent) as caught:
        parse_event(raw)
    for word in words:
        assert word in caught.value.reason


def test_customer_key_prefers_customer_then_handle_then_event():
    raw = example("review")
    assert customer_key(parse_event(raw)) == "dobry-sen/c-1042"
    raw["author"] = {"handle": "anna_writes"}
    assert customer_key(parse_event(raw)) == "dobry-sen/@maps:anna_writes"
    raw["author"] = {}
    assert customer_key(parse_event(raw)) == "dobry-sen/~rev-2026-0001"


def test_events_are_immutable():
    event = parse_event(example("review"))
    assert isinstance(event, Review)
    with pytest.raises(ValueError):
        event.text = "changed"  # type: ignore[misc]


def test_committed_json_schemas_match_the_contracts():
    folder = EXAMPLES.parent / "schemas"
    for name, schema in json_schemas().items():
        committed = json.loads((folder / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert committed == schema, f"docs/schemas/{name} is stale: run `repute schemas`"
