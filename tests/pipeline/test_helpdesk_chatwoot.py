"""The pure Chatwoot mapping: which payloads open, reply to and close a complaint."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline.helpdesk import Conversation, HelpdeskSettings, chatwoot
from tests.ingest.test_chatwoot import DELIVERIES, conversation_event, message

NOW = datetime(2026, 11, 20, tzinfo=UTC)
LABELLED = HelpdeskSettings(complaint_labels=frozenset({"reklamacja"}))


def run(
    payloads: list[dict], settings: HelpdeskSettings = LABELLED
) -> tuple[Conversation | None, list[dict]]:
    state, events = None, []
    for payload in payloads:
        outcome = chatwoot.step(state, payload, "dobry-sen", settings, NOW)
        state = outcome.state
        events.extend(outcome.events)
    return state, events


def test_a_redelivered_older_agent_message_does_not_become_the_last_reply() -> None:
    state, events = run([*DELIVERIES[:5], DELIVERIES[2]])
    assert state is not None and state.last_agent_text.startswith("We have sent a full refund")
    # the redelivered reply maps to the same event again (the API dedupes it by id)
    assert events[-1]["event_id"] == events[1]["event_id"] == "chatwoot:4711:message:9002"


def test_a_label_added_late_opens_the_complaint_with_the_first_words() -> None:
    unlabelled = {**message(1, "incoming", "Where is my order?", 1_795_000_000)}
    unlabelled["conversation"] = {**unlabelled["conversation"], "labels": []}
    relabelled = conversation_event("conversation_updated")
    _, events = run([unlabelled, relabelled])
    assert [e["type"] for e in events] == ["complaint.opened"]
    assert events[0]["text"] == "Where is my order?"


def test_a_resolved_conversation_that_is_no_complaint_is_forgotten() -> None:
    resolved = conversation_event("conversation_status_changed", status="resolved", labels=[])
    state, events = run([resolved], HelpdeskSettings(complaint_labels=frozenset({"x"})))
    assert state is None and events == []


@pytest.mark.parametrize(
    ("custom", "labels", "expected"),
    [
        ({"resolution": "Replacement"}, ["reklamacja"], "replacement"),
        ({}, ["reklamacja", "discount"], "discount"),
        ({"resolution": "whatever"}, ["reklamacja"], "explanation"),
    ],
)
def test_the_resolution_comes_from_the_conversation_or_the_default(
    custom: dict, labels: list[str], expected: str
) -> None:
    resolved = conversation_event(
        "conversation_resolved", status="resolved", custom_attributes=custom, labels=labels
    )
    _, events = run([DELIVERIES[1], resolved])
    assert events[-1]["type"] == "complaint.closed" and events[-1]["resolution"] == expected
    assert events[-1]["reply_text"] == "" and events[-1]["customer_last_message"] is None
