"""Helpdesk webhooks on the ingest service: `POST /v1/hooks/<provider>/<token>`.

The token in the URL names one hook, and the hook one business and one helpdesk (`repute hook
add`). The mapping is the provider's module in `pipeline.helpdesk`; this layer authenticates,
keeps each conversation's state, and queues the events exactly as `POST /v1/events` does (same
validation, same dead letters, same accepted-id memory, same inbox log or broker).

Hooks and conversation state live in the keys file beside the database
(`data/x.keys.sqlite`, tables `helpdesk_hooks` and `helpdesk_conversations`): the state is
durable, so replies that arrive days before the resolution still make its closure. Only the
SHA-256 of a URL token is stored; a signing secret (for helpdesks that sign) is stored as given,
because checking an HMAC needs it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import secrets
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from aiohttp import web

from pipeline.helpdesk import Conversation, HelpdeskSettings, chatwoot
from streams.ingest_keys import BUSINESS_PATTERN, ApiKeyError, durable_sqlite, sha256

log = logging.getLogger("repute.helpdesk")

PROVIDERS: dict[str, ModuleType] = {chatwoot.NAME: chatwoot}
TOKEN_PATTERN = re.compile(r"^wh_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$")

SCHEMA = """
CREATE TABLE IF NOT EXISTS helpdesk_hooks (
    hook_id TEXT PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE,
    provider TEXT NOT NULL,
    business_id TEXT NOT NULL,
    settings TEXT NOT NULL,
    signing_secret TEXT,
    label TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS helpdesk_conversations (
    business_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (business_id, provider, conversation_id)
);
"""


@dataclass(frozen=True)
class Hook:
    hook_id: str
    provider: str
    business_id: str
    settings: HelpdeskSettings
    signing_secret: str | None
    label: str
    created_at: str
    revoked_at: str | None


def _now() -> str:
    return datetime.now(UTC).isoformat()


class HookStore:
    """Hooks (add, revoke, list, check a URL token) and each conversation's mapping state."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.executescript(SCHEMA)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return durable_sqlite(self.path)

    def add(
        self,
        provider: str,
        business_id: str,
        settings: HelpdeskSettings,
        signing_secret: str | None = None,
        label: str = "",
    ) -> tuple[Hook, str]:
        """A new hook: (its record, the URL token, shown only now)."""
        if provider not in PROVIDERS:
            raise ApiKeyError(f"unknown helpdesk {provider!r}; known: {', '.join(PROVIDERS)}")
        if not BUSINESS_PATTERN.match(business_id):
            raise ApiKeyError(f"not a business id: {business_id!r}")
        hook_id = secrets.token_hex(4)
        token = f"wh_{hook_id}_{secrets.token_urlsafe(32)}"
        hook = Hook(hook_id, provider, business_id, settings, signing_secret, label, _now(), None)
        with self._connect() as con:
            con.execute(
                "INSERT INTO helpdesk_hooks (hook_id, token_sha256, provider, business_id,"
                " settings, signing_secret, label, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    hook_id,
                    sha256(token),
                    provider,
                    business_id,
                    settings.to_json(),
                    signing_secret,
                    label,
                    hook.created_at,
                ),
            )
        return hook, token

    def _hooks(self, where: str = "", args: tuple[Any, ...] = ()) -> list[Hook]:
        with self._connect() as con:
            rows = con.execute(
                "SELECT hook_id, provider, business_id, settings, signing_secret, label,"
                f" created_at, revoked_at FROM helpdesk_hooks {where}"
                " ORDER BY business_id, created_at",
                args,
            ).fetchall()
        return [
            Hook(r[0], r[1], r[2], HelpdeskSettings.from_json(r[3]), r[4], r[5], r[6], r[7])
            for r in rows
        ]

    def list_hooks(self) -> list[Hook]:
        return self._hooks()

    def check(self, provider: str, token: str) -> Hook | None:
        """The active hook of a URL token for this provider, or None."""
        if not TOKEN_PATTERN.match(token):
            return None
        found = self._hooks(
            "WHERE token_sha256 = ? AND provider = ? AND revoked_at IS NULL",
            (sha256(token), provider),
        )
        return found[0] if found else None

    def revoke(self, hook_id: str) -> Hook:
        match = TOKEN_PATTERN.match(hook_id)
        hook_id = match.group(1) if match else hook_id
        with self._connect() as con:
            updated = con.execute(
                "UPDATE helpdesk_hooks SET revoked_at = ? WHERE hook_id = ? AND revoked_at IS NULL",
                (_now(), hook_id),
            ).rowcount
        found = self._hooks("WHERE hook_id = ?", (hook_id,))
        if not found:
            raise ApiKeyError(f"no hook {hook_id!r} in {self.path}")
        if not updated:
            raise ApiKeyError(f"hook {hook_id} was already revoked at {found[0].revoked_at}")
        return found[0]

    def load(self, hook: Hook, conversation_id: str) -> Conversation | None:
        with self._connect() as con:
            row = con.execute(
                "SELECT state FROM helpdesk_conversations"
                " WHERE business_id = ? AND provider = ? AND conversation_id = ?",
                (hook.business_id, hook.provider, conversation_id),
            ).fetchone()
        return Conversation.from_json(row[0]) if row else None

    def save(self, hook: Hook, conversation_id: str, state: Conversation | None) -> None:
        with self._connect() as con:
            if state is None:
                con.execute(
                    "DELETE FROM helpdesk_conversations"
                    " WHERE business_id = ? AND provider = ? AND conversation_id = ?",
                    (hook.business_id, hook.provider, conversation_id),
                )
            else:
                con.execute(
                    "INSERT OR REPLACE INTO helpdesk_conversations VALUES (?, ?, ?, ?, ?)",
                    (hook.business_id, hook.provider, conversation_id, state.to_json(), _now()),
                )


# ---------------------------------------------------------------- the route


def hook_routes(config: Any, bucket: Any, lock: asyncio.Lock) -> list[web.RouteDef]:
    """`POST /v1/hooks/{provider}/{token}` for the ingest app (`streams.ingest.build_app`)."""
    from streams.ingest import Queued, _content_type_ok, check_events, content_digest, json_error

    store: HookStore = config.hooks

    async def post_hook(request: web.Request) -> web.StreamResponse:
        provider = PROVIDERS.get(request.match_info["provider"])
        if provider is None:
            return json_error(404, f"no helpdesk {request.match_info['provider']!r}")
        hook = await asyncio.to_thread(store.check, provider.NAME, request.match_info["token"])
        if hook is None:
            return json_error(401, "unknown or revoked hook URL")
        wait = bucket.take(f"hook:{hook.hook_id}")
        if wait is not None:
            response = json_error(429, "rate limit for this hook: retry later")
            response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
            return response
        if not _content_type_ok(request):
            return json_error(415, "send JSON: Content-Type: application/json (UTF-8)")
        body = await request.read()
        now = datetime.now(UTC)
        if hook.signing_secret:
            reason = provider.verify_signature(hook.signing_secret, body, request.headers, now)
            if reason is not None:
                return json_error(401, f"bad signature: {reason}")
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            return json_error(400, f"body is not valid JSON: {exc}")
        if not isinstance(payload, dict):
            return json_error(400, "a webhook payload is a JSON object")
        key = provider.conversation_key(payload)
        if key is None:
            return web.json_response({"status": "ignored", "event": payload.get("event")})
        source = f"hook:{hook.hook_id}"
        async with lock:
            state = await asyncio.to_thread(store.load, hook, key)
            outcome = provider.step(state, payload, hook.business_id, hook.settings, now)
            checked = check_events(outcome.events)
            good = [c for c in checked if c.event is not None]
            seen = await asyncio.to_thread(
                config.keys.seen, hook.business_id, [c.event.event_id for c in good]
            )
            new = [c for c in good if c.event.event_id not in seen]
            bad = [c for c in checked if c.event is None]
            stamp = f"{request.match_info['provider']}:{key}"
            items = [Queued(c.line, source, f"{stamp}#{c.index}", c.reason) for c in bad + new]
            if items:
                await config.queue.put(items)
            pairs = [(c.event.event_id, content_digest(c.event)) for c in new]
            await asyncio.to_thread(config.keys.remember, hook.business_id, source, pairs)
            await asyncio.to_thread(store.save, hook, key, outcome.state)
        for c in bad:
            log.error("hook %s: mapped event %s broke the contract: %s", source, c.index, c.reason)
        results = [
            {
                "event_id": c.event.event_id,
                "type": c.event.type,
                "status": "accepted" if c in new else "duplicate",
            }
            for c in good
        ]
        body_out = {
            "status": "accepted" if new else "nothing new",
            "note": outcome.note,
            "events": results,
            "dead_lettered": len(bad),
            "queued_to": config.queue.name,
        }
        return web.json_response(body_out, status=202 if new else 200)

    return [web.post("/v1/hooks/{provider}/{token}", post_hook)]
