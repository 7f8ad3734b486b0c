"""Topics: names, keys and what flows in them. Values are raw bytes; agents decode them.

Input (JSON events, the public contract of `pipeline.events`), key = customer key
(`events.customer_key`, e.g. "dobry-sen/c-ivan-3"), partitioned with Kafka's default murmur2:

    reviews, complaints, concessions, corrections

Internal:

    business-events   key = business_id. The repartition: the customer agent forwards each new
                      event (+ its sentiment label) here so that business-keyed state (budget
                      ledger, spike windows) is owned by one partition per business.

Output:

    facts             key = "table:key"; value {"table", "key", "row"} (streams.codec). Every row
                      the sink lands in DuckDB. One key -> one partition -> versions stay in order.
    alerts            key = alert_id; value = the alert row (also in `facts`), for notifiers.
    risk-feed         key = customer key; the latest risk row per customer (also in `facts`).
    dead-letters      key = source topic; value = the dead_letters row: source topic,
                      "partition:offset", event_id when known, reason, payload.
"""

from __future__ import annotations

from streams.app import PARTITIONS, app

INPUT_TOPICS = ("reviews", "complaints", "concessions", "corrections")
BUSINESS_EVENTS = "business-events"
FACTS = "facts"
ALERTS = "alerts"
RISK_FEED = "risk-feed"
DEAD_LETTERS = "dead-letters"
OUTPUT_TOPICS = (FACTS, ALERTS, RISK_FEED, DEAD_LETTERS)
ALL_TOPICS = (*INPUT_TOPICS, BUSINESS_EVENTS, *OUTPUT_TOPICS)


def _topic(*names: str):
    return app.topic(
        *names,
        partitions=PARTITIONS,
        key_serializer="raw",
        value_serializer="raw",
    )


customer_events_topic = _topic(*INPUT_TOPICS)
business_events_topic = _topic(BUSINESS_EVENTS)
facts_topic = _topic(FACTS)
alerts_topic = _topic(ALERTS)
risk_feed_topic = _topic(RISK_FEED)
dead_letters_topic = _topic(DEAD_LETTERS)
# One topic object per input name, for re-keying a message to the topic it came from.
input_topics = {name: _topic(name) for name in INPUT_TOPICS}
