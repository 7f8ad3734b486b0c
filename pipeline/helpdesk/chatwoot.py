"""Chatwoot webhooks -> complaint.opened / complaint.reply / complaint.closed.

Payload shapes from Chatwoot's documentation ("Webhook events") and its webhook listener: a
`conversation_*` event is the conversation itself plus `event` (`id` is the conversation's
display id, `labels`, `inbox_id`, `meta.sender` the contact, `meta.assignee`, `status`,
`created_at` / `timestamp` in Unix seconds); a `message_*` event is the message (`id`,
`content`, `message_type` incoming / outgoing / activity / template, `private`, `created_at`,
`sender`) with its `conversation`.

- A conversation is a complaint when it carries one of the configured labels or sits in one of
  the configured inboxes (or every conversation, when so configured). complaint.opened is
  emitted, with the customer's first message as its text, by the first payload that shows the
  conversation so once that message is known (or an agent replies, or it is resolved).
- An agent's public outgoing message on a complaint emits complaint.reply (private notes,
  activity and template messages are skipped).
- Resolution (`conversation_status_changed` to resolved, or the older `conversation_resolved`)
  emits complaint.closed once: the last agent message as the reply text, the customer's last
  message after the first agent reply as last words, the resolution from the conversation's
  custom attribute `resolution` or a label naming one (refund, replacement...), else the
  configured default.

Event ids come from Chatwoot's ids (`chatwoot:<conversation>:opened`, `...:message:<id>`,
`...:closed`), so a redelivered webhook yields the same events and counts once.

Signature (Chatwoot with per-webhook secrets): `X-Chatwoot-Signature: sha256=<hex>`, an
HMAC-SHA256 of `"<X-Chatwoot-Timestamp>.<raw body>"` with the webhook's secret.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pipeline.helpdesk import RESOLUTIONS, Conversation, HelpdeskSettings, Step

NAME = "chatwoot"
MAX_TEXT = 20_000
SIGNATURE_TOLERANCE_SECONDS = 300
INCOMING, OUTGOING = "incoming", "outgoing"
# push_event_data sends message_type as Rails' enum integer, webhook_data as its name
MESSAGE_TYPES = {0: INCOMING, 1: OUTGOING, 2: "activity", 3: "template"}
CHANNELS = {
    "Channel::Email": "email",
    "Channel::FacebookPage": "social_media",
    "Channel::Instagram": "social_media",
    "Channel::TwitterProfile": "social_media",
    "Channel::Tiktok": "social_media",
    "Channel::Voice": "phone",
}
RESOLVED_EVENTS = {"conversation_resolved"}
CONVERSATION_EVENTS = {
    "conversation_created",
    "conversation_updated",
    "conversation_opened",
    "conversation_status_changed",
    "conversation_resolved",
}
MESSAGE_EVENTS = {"message_created", "message_updated"}
# a complaint waits for its first words (or a reply, or its resolution) before it opens
QUIET_EVENTS = {"conversation_created", "conversation_updated", "conversation_opened"}


def conversation_key(payload: Mapping[str, Any]) -> str | None:
    """The conversation a payload is about (its display id), or None for other events."""
    conversation = _conversation(payload)
    key = conversation.get("id") if conversation is not None else None
    return str(key) if isinstance(key, int | str) and str(key) else None


def step(
    state: Conversation | None,
    payload: Mapping[str, Any],
    business_id: str,
    settings: HelpdeskSettings,
    received_at: datetime,
) -> Step:
    conversation = _conversation(payload)
    key = conversation_key(payload)
    if conversation is None or key is None:
        return Step(state, [], f"ignored: {payload.get('event')!r} is not mapped")
    state = state or Conversation(conversation_id=key)
    state.customer_id = state.customer_id or _customer_id(conversation)
    state.channel = CHANNELS.get(str(conversation.get("channel")), state.channel)
    event = payload.get("event")
    if event in MESSAGE_EVENTS:
        _note_message(state, payload)
    else:
        _seed_first_text(state, conversation)
    events: list[dict[str, Any]] = []
    waiting = not state.first_customer_text and event in QUIET_EVENTS
    if not state.complaint and not waiting and _is_complaint(conversation, settings):
        state.complaint = True
        events.append(_opened(state, conversation, business_id, received_at))
    if event == "message_created" and state.complaint and not state.closed:
        reply = _reply(state, payload, business_id, received_at)
        if reply is not None:
            events.append(reply)
    if _resolved(payload) and not state.closed:
        if not state.complaint:
            return Step(None, [], "resolved, not a complaint: forgotten")
        state.closed = True
        events.append(_closed(state, conversation, business_id, settings, received_at))
    note = ", ".join(e["type"] for e in events) or "nothing to emit"
    return Step(state, events, note)


def verify_signature(
    secret: str, body: bytes, headers: Mapping[str, str], now: datetime
) -> str | None:
    """None when the request is signed with `secret` within the tolerance, else why not."""
    signature = headers.get("X-Chatwoot-Signature", "")
    timestamp = headers.get("X-Chatwoot-Timestamp", "")
    if not signature or not timestamp:
        return "missing X-Chatwoot-Signature or X-Chatwoot-Timestamp"
    try:
        sent = int(timestamp)
    except ValueError:
        return "X-Chatwoot-Timestamp is not Unix seconds"
    if abs(now.timestamp() - sent) > SIGNATURE_TOLERANCE_SECONDS:
        return "X-Chatwoot-Timestamp is more than 5 minutes off"
    expected = "sha256=" + sign(secret, timestamp, body)
    return None if hmac.compare_digest(expected, signature) else "signature does not match"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- reading the payload


def _conversation(payload: Mapping[str, Any]) -> Mapping[str, Any] | None:
    event = payload.get("event")
    if event in CONVERSATION_EVENTS:
        return payload
    if event in MESSAGE_EVENTS and isinstance(payload.get("conversation"), Mapping):
        return payload["conversation"]
    return None


def _resolved(payload: Mapping[str, Any]) -> bool:
    event = payload.get("event")
    if event in RESOLVED_EVENTS:
        return True
    return event == "conversation_status_changed" and payload.get("status") == "resolved"


def _is_complaint(conversation: Mapping[str, Any], settings: HelpdeskSettings) -> bool:
    if settings.all_conversations:
        return True
    labels = {str(label).lower() for label in conversation.get("labels") or []}
    inbox = conversation.get("inbox_id")
    return bool(labels & settings.complaint_labels) or (
        inbox is not None and str(inbox) in settings.complaint_inboxes
    )


def _customer_id(conversation: Mapping[str, Any]) -> str | None:
    sender = (conversation.get("meta") or {}).get("sender") or {}
    contact = sender.get("id") or (conversation.get("contact_inbox") or {}).get("contact_id")
    return f"chatwoot-contact-{contact}" if contact is not None else None


def _message_type(message: Mapping[str, Any]) -> str:
    kind = message.get("message_type")
    return MESSAGE_TYPES.get(kind, str(kind)) if isinstance(kind, int) else str(kind)


def _text(message: Mapping[str, Any]) -> str:
    content = message.get("content")
    return content[:MAX_TEXT] if isinstance(content, str) else ""


def _message_id(message: Mapping[str, Any]) -> int:
    try:
        return int(message.get("id") or 0)
    except (TypeError, ValueError):
        return 0


def _public(message: Mapping[str, Any]) -> bool:
    return not message.get("private") and _message_type(message) in (INCOMING, OUTGOING)


def _when(value: Any, fallback: datetime) -> str:
    """Chatwoot's times (Unix seconds, or ISO 8601 with Z) as ISO 8601 with an offset."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return datetime.fromtimestamp(value, UTC).isoformat()
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace(" UTC", "+00:00").replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None:
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).isoformat()
    return fallback.astimezone(UTC).isoformat()


def _handler(sender: Any) -> str | None:
    if not isinstance(sender, Mapping):
        return None
    name = sender.get("name") or sender.get("available_name")
    if isinstance(name, str) and name.strip():
        return name.strip()[:200]
    return f"chatwoot-agent-{sender['id']}" if sender.get("id") is not None else None


# ---------------------------------------------------------------- state and events


def _note_message(state: Conversation, message: Mapping[str, Any]) -> None:
    """Remember the newest agent and customer texts (a redelivered older message changes none)."""
    if not _public(message) or not _text(message):
        return
    number = _message_id(message)
    if _message_type(message) == INCOMING:
        if not state.first_customer_text:
            state.first_customer_text = _text(message)
        if state.last_agent_text is not None and number > state.last_customer_message_id:
            state.customer_text_after_reply = _text(message)
        state.last_customer_message_id = max(state.last_customer_message_id, number)
    elif number > state.last_agent_message_id:
        state.last_agent_message_id = number
        state.last_agent_text = _text(message)
        state.handler = _handler(message.get("sender")) or state.handler


def _seed_first_text(state: Conversation, conversation: Mapping[str, Any]) -> None:
    """A conversation payload carries its last chat message: the first text, if none yet."""
    for message in conversation.get("messages") or []:
        if isinstance(message, Mapping) and _message_type(message) == INCOMING:
            state.first_customer_text = state.first_customer_text or _text(message)


def _complaint_id(state: Conversation) -> str:
    return f"chatwoot-{state.conversation_id}"


def _base(state: Conversation, kind: str, suffix: str, business_id: str, when: str) -> dict:
    return {
        "event_id": f"chatwoot:{state.conversation_id}:{suffix}",
        "type": kind,
        "business_id": business_id,
        "occurred_at": when,
        "complaint_id": _complaint_id(state),
        "customer_id": state.customer_id or f"chatwoot-conversation-{state.conversation_id}",
    }


def _opened(
    state: Conversation, conversation: Mapping[str, Any], business_id: str, now: datetime
) -> dict[str, Any]:
    when = _when(conversation.get("created_at") or conversation.get("timestamp"), now)
    return {
        **_base(state, "complaint.opened", "opened", business_id, when),
        "channel": state.channel,
        "public": False,
        "text": state.first_customer_text,
    }


def _reply(
    state: Conversation, message: Mapping[str, Any], business_id: str, now: datetime
) -> dict[str, Any] | None:
    if not _public(message) or _message_type(message) != OUTGOING or not _text(message):
        return None
    number = _message_id(message)
    when = _when(message.get("created_at"), now)
    return {
        **_base(state, "complaint.reply", f"message:{number}", business_id, when),
        "handler": _handler(message.get("sender")) or state.handler or "chatwoot-agent",
        "text": _text(message),
    }


def _resolution(conversation: Mapping[str, Any], settings: HelpdeskSettings) -> str:
    custom = (conversation.get("custom_attributes") or {}).get("resolution")
    if isinstance(custom, str) and custom.lower() in RESOLUTIONS:
        return custom.lower()
    labels = [str(label).lower() for label in conversation.get("labels") or []]
    return next((label for label in labels if label in RESOLUTIONS), settings.resolution)


def _closed(
    state: Conversation,
    conversation: Mapping[str, Any],
    business_id: str,
    settings: HelpdeskSettings,
    now: datetime,
) -> dict[str, Any]:
    updated = conversation.get("updated_at") or conversation.get("timestamp")
    assignee = _handler((conversation.get("meta") or {}).get("assignee"))
    return {
        **_base(state, "complaint.closed", "closed", business_id, _when(updated, now)),
        "handler": state.handler or assignee or "chatwoot-agent",
        "resolution": _resolution(conversation, settings),
        "reply_text": state.last_agent_text or "",
        "customer_last_message": state.customer_text_after_reply,
    }
