"""The contract under generated hostile input (tests/hostile.py): `parse_event` accepts every
valid event, rejects every broken one with `InvalidEvent` only, and each rejection's reason
names the field that is wrong, in bounded length, whatever the size of the input."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.events import MAX_REASON_CHARS, EventBase, InvalidEvent, parse_event
from tests.hostile import BREAKS, HUGE, Case, broken, cases, encode, valid_events

HOSTILE = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def outcome(raw: bytes | str) -> EventBase | InvalidEvent:
    """What parse_event does; any other exception fails the test with its traceback."""
    try:
        return parse_event(raw)
    except InvalidEvent as exc:
        return exc


@HOSTILE
@given(cases())
def test_the_parser_raises_nothing_but_invalid_event(case: Case) -> None:
    check_parse(case)


@pytest.mark.parametrize("how", BREAKS)
@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_each_way_of_breaking_an_event_is_rejected_with_its_field(how: str, data) -> None:
    case = data.draw(broken(how))
    assert case.outcome == "rejected"
    check_parse(case)


def check_parse(case: Case) -> None:
    # as bytes (broker, ingest) and as text read the way the file reader reads it
    for raw in (case.line, case.line.decode("utf-8", "surrogateescape")):
        result = outcome(raw)
        if case.outcome in ("event", "ledger"):
            assert isinstance(result, EventBase), getattr(result, "reason", "")
            assert result.event_id == case.event_id
            continue
        assert isinstance(result, InvalidEvent), case.label
        reason = result.reason
        assert reason and len(reason) <= MAX_REASON_CHARS, len(reason)
        # field-level: "field: message" parts. Bytes that are not UTF-8 break the whole line
        # (json.loads of bytes reads an encoded surrogate, ED A0 80, into the field instead).
        assert case.field is not None
        wanted = {case.field if case.field != "<event>" else "<event>: "}
        if isinstance(raw, bytes) and not is_utf8(raw):
            wanted.add("<event>: ")
        assert any(w in reason for w in wanted), (case.label, wanted, reason[:300])
        assert all(": " in part for part in reason.split("; ")), reason[:300]


@HOSTILE
@given(valid_events())
def test_money_stays_an_exact_decimal(event: dict) -> None:
    parsed = parse_event(encode(event))
    for name in ("amount", "cost", "order_value", "discount_pct"):
        if name in event:
            value = getattr(parsed, name)
            assert isinstance(value, Decimal)
            assert value == Decimal(str(event[name]))
            assert str(value) == str(Decimal(str(event[name])))  # digits and places kept


@settings(max_examples=30, deadline=None, derandomize=True)
@given(broken(), st.integers(1, 3))
def test_a_rejection_never_echoes_a_huge_input(case: Case, megabytes: int) -> None:
    """Whatever is huge (a value, an extra field's name, the type), the reason stays short."""
    padding = "ẞ" * (megabytes * 400_000)
    for bad in (
        {"type": padding},
        {"type": "review", "schema_version": padding},
        {"type": "review", padding: 1},
        {"type": "review", "event_id": padding, "text": padding},
        {"type": "review", **{f"extra{i}": i for i in range(5_000)}},
    ):
        result = outcome(json.dumps(bad))
        assert isinstance(result, InvalidEvent)
        assert len(result.reason) <= MAX_REASON_CHARS
        assert result.event_id is None or len(result.event_id) <= 200


def test_a_huge_text_costs_bounded_work() -> None:
    """A 1 MB+ text is refused by its documented limit (20 000 characters) in time linear in
    the line: 10 MB of lines take well under the time a quadratic or per-character cost would."""
    event = {
        "event_id": "huge",
        "type": "review",
        "business_id": "dobry-sen",
        "occurred_at": "2026-11-20T10:00:00+00:00",
        "channel": "maps",
    }
    started = time.perf_counter()
    for text in ("x" * HUGE, "😡" * HUGE, "\x00" * HUGE, "ż\u200f" * HUGE):
        result = outcome(encode({**event, "text": text}))
        assert isinstance(result, InvalidEvent)
        assert result.reason == "text: String should have at most 20000 characters"
    assert time.perf_counter() - started < 10
