"""Helpdesk webhooks mapped to complaint events: one module per helpdesk (`chatwoot.py`).

A provider module is pure: it turns one webhook payload and the conversation's state into the
conversation's new state and the events to queue. It offers:

    conversation_key(payload) -> str | None        whose state the payload touches (None: ignore)
    step(state, payload, business_id, settings, received_at) -> Step
    verify_signature(secret, body, headers, now) -> str | None   (None when the signature holds)

The caller keeps the state between calls (the ingest service keeps it in SQLite) and queues the
events through the same validation and dedupe as `POST /v1/events`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from pipeline.events import Resolution

RESOLUTIONS: tuple[str, ...] = Resolution.__args__  # refund, replacement, ...


@dataclass(frozen=True)
class HelpdeskSettings:
    """Which conversations are complaints, and the resolution a closure gets by default."""

    complaint_labels: frozenset[str] = frozenset()
    complaint_inboxes: frozenset[str] = frozenset()
    all_conversations: bool = False
    resolution: str = "explanation"

    def to_json(self) -> str:
        return json.dumps(
            {
                "complaint_labels": sorted(self.complaint_labels),
                "complaint_inboxes": sorted(self.complaint_inboxes),
                "all_conversations": self.all_conversations,
                "resolution": self.resolution,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> HelpdeskSettings:
        data = json.loads(text)
        return cls(
            complaint_labels=frozenset(label.lower() for label in data["complaint_labels"]),
            complaint_inboxes=frozenset(str(inbox) for inbox in data["complaint_inboxes"]),
            all_conversations=bool(data["all_conversations"]),
            resolution=data["resolution"],
        )


@dataclass
class Conversation:
    """What the mapping remembers of one conversation between webhook calls."""

    conversation_id: str
    complaint: bool = False  # complaint.opened was emitted
    closed: bool = False  # complaint.closed was emitted
    customer_id: str | None = None
    channel: str = "chat"
    first_customer_text: str = ""
    last_agent_message_id: int = 0
    last_agent_text: str | None = None
    handler: str | None = None
    last_customer_message_id: int = 0
    customer_text_after_reply: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Conversation:
        return cls(**json.loads(text))


@dataclass(frozen=True)
class Step:
    """A payload's outcome: the new state (None: forget the conversation), events, and why."""

    state: Conversation | None
    events: list[dict[str, Any]]
    note: str
