"""Wire format and routing, without a broker."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from pipeline.step import Fact
from streams import codec
from streams.broker import bootstrap_of
from streams.producer import DEAD_LETTERS, route


def test_facts_round_trip_with_exact_types():
    row = {
        "amount": Decimal("12.50"),
        "at": datetime(2026, 11, 1, 10, 51, tzinfo=UTC),
        "on": date(2026, 11, 30),
        "score": 61.3,
        "drivers": ["late", "rude"],
        "facts": {"count": 3, "money": Decimal("1E+2")},
        "none": None,
    }
    fact = Fact("alerts", "a1", row)
    back = codec.decode_fact(codec.encode_fact(fact))
    assert back == fact
    assert type(back.row["amount"]) is Decimal and back.row["at"].tzinfo is not None
    assert codec.fact_key(fact) == b"alerts:a1"


def test_one_message_carries_all_the_facts_of_an_event_and_old_messages_still_read():
    from streams.sink_consumer import to_facts

    facts = [
        Fact("reviews_scored", "e1", {"score": Decimal("0.5"), "at": date(2026, 11, 30)}),
        Fact("risk_feed", "b/c1", {"risk_score": 61.3}),
        Fact("alerts", "a1", {"rule": "high_risk_review"}),
    ]
    assert to_facts("facts", codec.encode_facts(facts)) == facts  # in order, exact types
    assert to_facts("facts", codec.encode_fact(facts[1])) == [facts[1]]  # one fact a message


@pytest.mark.parametrize(
    ("line", "topic", "keyed", "reason"),
    [
        (
            '{"event_id": "e1", "type": "review", "business_id": "b", "occurred_at":'
            ' "2026-11-01T10:00:00+00:00", "channel": "maps", "text": "ok",'
            ' "author": {"customer_id": "c1"}}',
            "reviews",
            True,
            False,
        ),
        ('{"event_id": "e2", "type": "review", "business_id": "b"}', "reviews", False, True),
        ('{"event_id": "e3", "type": "tweet"}', DEAD_LETTERS, False, True),
        ("not json at all", DEAD_LETTERS, False, True),
        ("[1, 2]", DEAD_LETTERS, False, True),
    ],
)
def test_producer_routes_by_type_and_keys_by_customer(line, topic, keyed, reason):
    got_topic, key, why = route(line)
    assert got_topic == topic
    assert (key == b"b/c1") if keyed else key is None
    assert bool(why) is reason


def test_bootstrap_from_faust_url():
    assert bootstrap_of("kafka://a:1;kafka://b:2") == "a:1,b:2"
    assert bootstrap_of("127.0.0.1:9092") == "127.0.0.1:9092"
