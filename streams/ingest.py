"""`repute ingest`: the authenticated HTTP ingest API (aiohttp).

    POST /v1/events                   one event (a JSON object) or a batch (a JSON array)
    POST /v1/hooks/{provider}/{token} a helpdesk's webhook (streams/helpdesk.py)
    GET  /v1/openapi.json             the OpenAPI document (also committed as docs/openapi.json)

Every event is checked with the contracts of `pipeline.events` (`parse_event`, the validator of
file and broker input). A request is all or nothing:

- 401 without an active key (`Authorization: Bearer rk_...`), 403 when an event names another
  business than the key's, 415 unless `Content-Type: application/json`, 413 over the size
  limit, 429 (with `Retry-After`) when the key's token bucket is empty;
- 400 when any event breaks its contract: the answer lists each bad event's field-level
  reasons, the bad events go to the dead letters exactly as a bad line of a file does (the
  valid events of that request are not queued: send the request again once fixed);
- 202 once every new event is durably queued: produced to its topic and acknowledged by the
  broker (`--broker` / `REPUTE_BROKER`), or appended to the inbox log and fsynced;
- an event id this API has already accepted for the business is answered 200 with
  `"duplicate": true` and not queued again (409 if its content differs).

The inbox log is a folder of JSON-lines segments (`data/x.inbox/`). The segment being written
is `*.jsonl.open`; it is sealed (renamed to `*.jsonl`, atomically) after `segment_seconds`, at
shutdown and at start-up after a crash, so `repute run --embedded data/x.inbox` only ever reads
complete segments. Each line is the event exactly as sent (numbers kept as written).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import json
import logging
import math
import os
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from aiohttp import web
from pydantic import TypeAdapter

from pipeline.events import Event, EventBase, InvalidEvent, parse_event
from streams.ingest_keys import ApiKey, KeyStore

log = logging.getLogger("repute.ingest")

MAX_BODY_BYTES = 1_048_576
MAX_BATCH = 1_000
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SEALER = web.AppKey("sealer", asyncio.Task)
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def inbox_path(db: str | Path) -> Path:
    """The inbox folder of a DuckDB file: `data/x.duckdb` -> `data/x.inbox/`."""
    db = Path(db)
    return db.with_name(f"{db.stem}.inbox")


# ---------------------------------------------------------------- exact JSON


def exact_json(value: Any) -> str:
    """Compact JSON of a value decoded with `parse_float=Decimal`, numbers as written.

    `json.loads(exact_json(v), parse_float=Decimal) == v`: the queued line validates exactly
    as the request did (the standard encoder cannot write a Decimal as a number).
    """
    if isinstance(value, dict):
        items = (
            f"{json.dumps(str(k), ensure_ascii=False)}:{exact_json(v)}" for k, v in value.items()
        )
        return "{" + ",".join(items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(exact_json(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def content_digest(event: EventBase) -> str:
    """SHA-256 of an event's validated content: tells a repeat from a different event."""
    data = json.dumps(event.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


# ---------------------------------------------------------------- rate limit


@dataclass
class TokenBucket:
    """Per-key token buckets: `burst` requests at once, refilled at `rate` per second."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    _state: dict[str, tuple[float, float]] = field(default_factory=dict)

    def take(self, key: str) -> float | None:
        """Take a token; None when granted, else the seconds until one is available."""
        now = self.clock()
        tokens, last = self._state.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1:
            self._state[key] = (tokens - 1, now)
            return None
        self._state[key] = (tokens, now)
        return (1 - tokens) / self.rate if self.rate > 0 else math.inf


# ---------------------------------------------------------------- where events go


@dataclass(frozen=True)
class Queued:
    """One line to queue: the event as sent, where it came from, and why it is bad (if so)."""

    line: str
    source: str
    position: str
    reason: str | None = None


class EventQueue(Protocol):
    name: str

    async def put(self, items: list[Queued]) -> None: ...

    async def close(self) -> None: ...


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class InboxLog:
    """Appends lines to the open segment of the inbox folder and fsyncs before returning.

    One writer at a time, across threads and processes (an flock on `.lock`). The open segment
    is sealed after `segment_seconds`; sealed segments never change again.
    """

    name = "inbox"

    def __init__(self, folder: str | Path, segment_seconds: float = 60.0) -> None:
        self.folder = Path(folder)
        self.segment_seconds = segment_seconds
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._current: Path | None = None
        self._opened_at = 0.0
        with self._locked():
            self._recover()

    @contextlib.contextmanager
    def _locked(self) -> Any:
        with self._lock, (self.folder / ".lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _recover(self) -> None:
        """Seal segments a crashed writer left open, without a torn last line."""
        for segment in sorted(self.folder.glob("*.jsonl.open")):
            data = segment.read_bytes()
            if data and not data.endswith(b"\n"):
                with segment.open("r+b") as handle:
                    handle.truncate(data.rfind(b"\n") + 1)
                    handle.flush()
                    os.fsync(handle.fileno())
                log.warning("dropped an unacknowledged torn line at the end of %s", segment)
            self._seal(segment)

    def _seal(self, segment: Path) -> None:
        if segment.exists():
            segment.rename(segment.with_suffix(""))  # x.jsonl.open -> x.jsonl
            _fsync_dir(self.folder)

    def _segment(self) -> Path:
        now = time.time()
        if self._current is not None and now - self._opened_at >= self.segment_seconds:
            self._seal(self._current)
            self._current = None
        if self._current is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
            self._current = self.folder / f"{stamp}-{os.getpid()}.jsonl.open"
            self._opened_at = now
        return self._current

    def append(self, lines: list[str]) -> Path:
        """Write the lines (one event each) and fsync; returns the segment written."""
        data = "".join(line + "\n" for line in lines).encode()
        with self._locked():
            segment = self._segment()
            created = not segment.exists()
            with segment.open("ab") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if created:
                _fsync_dir(self.folder)
        return segment

    def seal_if_due(self) -> None:
        with self._locked():
            current = self._current
            if current is not None and time.time() - self._opened_at >= self.segment_seconds:
                self._seal(current)
                self._current = None

    def seal(self) -> None:
        with self._locked():
            if self._current is not None:
                self._seal(self._current)
                self._current = None

    async def put(self, items: list[Queued]) -> None:
        await asyncio.to_thread(self.append, [item.line for item in items])

    async def close(self) -> None:
        await asyncio.to_thread(self.seal)


class BrokerQueue:
    """Produces each line to its topic (as `repute produce` routes it) and waits for the acks."""

    name = "broker"

    def __init__(self, bootstrap: str, timeout: float = 30.0) -> None:
        from streams.producer import make_producer

        self.timeout = timeout
        self.producer = make_producer(bootstrap)
        self.ensured = False
        self.bootstrap = bootstrap

    def _send(self, items: list[Queued]) -> None:
        from pipeline.step import dead_letter_fact
        from streams import codec
        from streams.producer import DEAD_LETTERS, route

        if not self.ensured:
            from streams.app import PARTITIONS, REPLICATION
            from streams.broker import ensure_topics
            from streams.topics import ALL_TOPICS

            ensure_topics(self.bootstrap, ALL_TOPICS, PARTITIONS, REPLICATION)
            self.ensured = True
        futures = []
        for item in items:
            topic, key, reason = route(item.line)
            if topic == DEAD_LETTERS:
                fact = dead_letter_fact(item.line, item.source, item.position, reason or "")
                value = codec.dumps(fact.row)
                futures.append(self.producer.send(topic, key=item.source.encode(), value=value))
            else:
                futures.append(self.producer.send(topic, key=key, value=item.line.encode()))
        self.producer.flush(self.timeout)
        for future in futures:
            future.get(self.timeout)

    async def put(self, items: list[Queued]) -> None:
        await asyncio.to_thread(self._send, items)

    async def close(self) -> None:
        await asyncio.to_thread(self.producer.close, self.timeout)


# ---------------------------------------------------------------- checking a request


@dataclass(frozen=True)
class Checked:
    index: int
    line: str
    event: EventBase | None
    reason: str | None


def field_errors(reason: str) -> list[dict[str, str]]:
    """`parse_event`'s reason ("a.b: msg; c: msg") as [{"field", "message"}]."""
    errors = []
    for part in reason.split("; "):
        where, sep, message = part.partition(": ")
        errors.append(
            {"field": where, "message": message} if sep else {"field": "", "message": part}
        )
    return errors


def check_events(elements: list[Any]) -> list[Checked]:
    """Each element validated as the file and broker paths would validate its line."""
    checked = []
    for index, element in enumerate(elements):
        line = exact_json(element)
        try:
            checked.append(Checked(index, line, parse_event(line), None))
        except InvalidEvent as exc:
            checked.append(Checked(index, line, None, exc.reason))
    return checked


def foreign_events(elements: list[Any], business_id: str) -> list[int]:
    """Indexes of events that name another business than the key's."""
    return [
        i
        for i, e in enumerate(elements)
        if isinstance(e, dict)
        and isinstance(e.get("business_id"), str)
        and e["business_id"] != business_id
    ]


def json_error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status, dumps=_dumps)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _content_type_ok(request: web.Request) -> bool:
    if request.content_type != "application/json":
        return False
    charset = request.charset
    return charset is None or charset.lower() in ("utf-8", "utf8")


# ---------------------------------------------------------------- the app


@dataclass
class IngestConfig:
    keys: KeyStore
    queue: EventQueue
    max_body_bytes: int = MAX_BODY_BYTES
    max_batch: int = MAX_BATCH
    rate: float = 10.0
    burst: float = 20.0
    dedupe_days: float = 30.0
    hooks: Any = None  # streams.helpdesk.HookStore: serves the helpdesk webhooks when set


@web.middleware
async def _json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every answer is JSON, errors included (aiohttp's own are text or HTML)."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        headers = {k: v for k, v in exc.headers.items() if k in ("Allow", "Retry-After")}
        # 413 from aiohttp's body reader says the limit; the others' text is "404: Not Found"
        message = exc.text if exc.status == 413 and exc.text else exc.reason
        response = json_error(exc.status, message)
        response.headers.update(headers)
        return response
    except Exception:
        log.exception("ingest failed on %s %s", request.method, request.path)
        return json_error(500, "internal error: nothing was queued")


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


def authenticate(request: web.Request, keys: KeyStore) -> ApiKey | None:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return keys.check(key.strip())


def _unauthorized() -> web.Response:
    response = json_error(401, "missing, unknown or revoked API key (Authorization: Bearer rk_...)")
    response.headers["WWW-Authenticate"] = 'Bearer realm="repute ingest"'
    return response


async def _read_elements(
    request: web.Request, config: IngestConfig
) -> tuple[list[Any], bool] | web.Response:
    """(the request's events, whether it was a batch), or the error answer."""
    if not _content_type_ok(request):
        return json_error(415, "send JSON: Content-Type: application/json (UTF-8)")
    if (request.content_length or 0) > config.max_body_bytes:
        return json_error(413, f"request body over {config.max_body_bytes} bytes")
    body = await request.read()  # client_max_size refuses a longer body with 413
    try:
        data = json.loads(body.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError) as exc:
        return json_error(400, f"body is not valid JSON: {exc}")
    except RecursionError:
        return json_error(400, "body is nested too deeply")
    elements = data if isinstance(data, list) else [data]
    if not elements:
        return json_error(400, "an empty batch: send at least one event")
    if len(elements) > config.max_batch:
        return json_error(413, f"at most {config.max_batch} events per request")
    return elements, isinstance(data, list)


def _dead_letter_answer(checked: list[Checked]) -> web.Response:
    bad = [c for c in checked if c.reason is not None]
    events = [
        {
            "index": c.index,
            "event_id": _event_id_of(c.line),
            "reason": c.reason,
            "errors": field_errors(c.reason or ""),
            "dead_lettered": True,
        }
        for c in bad
    ]
    return json_error(
        400,
        f"{len(bad)} of {len(checked)} events break the contract; nothing of this request was"
        " queued except the bad events, as dead letters",
        events=events,
    )


def _event_id_of(line: str) -> str | None:
    try:
        data = json.loads(line, parse_float=Decimal)
    except ValueError:
        return None
    event_id = data.get("event_id") if isinstance(data, dict) else None
    return event_id if isinstance(event_id, str) else None


def build_app(config: IngestConfig) -> web.Application:
    bucket = TokenBucket(config.rate, config.burst)
    lock = asyncio.Lock()
    openapi = json.dumps(openapi_document(), ensure_ascii=False)

    async def post_events(request: web.Request) -> web.StreamResponse:
        key = authenticate(request, config.keys)
        if key is None:
            return _unauthorized()
        wait = bucket.take(key.key_id)
        if wait is not None:
            response = json_error(429, "rate limit for this key: retry later")
            response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
            return response
        read = await _read_elements(request, config)
        if isinstance(read, web.Response):
            return read
        elements, batch = read
        foreign = foreign_events(elements, key.business_id)
        if foreign:
            return json_error(
                403,
                f"this key writes business {key.business_id!r} only",
                indexes=foreign,
            )
        try:
            checked = check_events(elements)
        except RecursionError:
            return json_error(400, "an event is nested too deeply")
        request_id = secrets.token_hex(6)
        source = f"http:{key.key_id}"
        if any(c.reason is not None for c in checked):
            bad = [
                Queued(c.line, source, f"{request_id}#{c.index}", c.reason)
                for c in checked
                if c.reason is not None
            ]
            async with lock:
                await config.queue.put(bad)
            return _dead_letter_answer(checked)
        async with lock:
            return await _accept(config, key, checked, source, request_id, batch)

    async def get_openapi(request: web.Request) -> web.StreamResponse:
        return web.Response(text=openapi, content_type="application/json")

    async def on_startup(app: web.Application) -> None:
        await asyncio.to_thread(config.keys.forget_before, config.dedupe_days)
        if isinstance(config.queue, InboxLog):
            app[SEALER] = asyncio.create_task(_seal_periodically(config.queue))

    async def on_cleanup(app: web.Application) -> None:
        task = app.get(SEALER)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await config.queue.close()

    app = web.Application(middlewares=[_json_errors], client_max_size=config.max_body_bytes)
    app.on_response_prepare.append(_security_headers)
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    app.add_routes([web.post("/v1/events", post_events), web.get("/v1/openapi.json", get_openapi)])
    if config.hooks is not None:
        from streams.helpdesk import hook_routes

        app.add_routes(hook_routes(config, bucket, lock))
    return app


async def _seal_periodically(inbox: InboxLog) -> None:
    while True:
        await asyncio.sleep(max(0.05, inbox.segment_seconds / 2))
        await asyncio.to_thread(inbox.seal_if_due)


async def _accept(
    config: IngestConfig,
    key: ApiKey,
    checked: list[Checked],
    source: str,
    request_id: str,
    batch: bool,
) -> web.Response:
    """Queue the events not accepted before; answer 202 (or 200 when all are repeats)."""
    events = [c.event for c in checked if c.event is not None]
    seen = await asyncio.to_thread(config.keys.seen, key.business_id, [e.event_id for e in events])
    results: list[dict[str, Any]] = []
    new: list[tuple[Checked, str]] = []
    for item in checked:
        assert item.event is not None
        digest = content_digest(item.event)
        earlier = seen.get(item.event.event_id)
        if earlier is not None and earlier != digest:
            return json_error(
                409,
                f"event_id {item.event.event_id!r} was accepted before with different content;"
                " an event id names one event: use a new id for a new event",
                index=item.index,
            )
        duplicate = earlier is not None
        seen.setdefault(item.event.event_id, digest)
        if not duplicate:
            new.append((item, digest))
        results.append(
            {
                "index": item.index,
                "event_id": item.event.event_id,
                "status": "duplicate" if duplicate else "accepted",
                "duplicate": duplicate,
            }
        )
    if new:
        await config.queue.put([Queued(c.line, source, f"{request_id}#{c.index}") for c, _ in new])
        pairs = [(c.event.event_id, d) for c, d in new if c.event is not None]
        await asyncio.to_thread(config.keys.remember, key.business_id, key.key_id, pairs)
    status = 202 if new else 200
    if not batch:
        return web.json_response({**results[0], "queued_to": config.queue.name}, status=status)
    body = {
        "accepted": len(new),
        "duplicates": len(results) - len(new),
        "queued_to": config.queue.name,
        "events": results,
    }
    return web.json_response(body, status=status)


# ---------------------------------------------------------------- OpenAPI


def _error_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string"},
            "events": {
                "type": "array",
                "description": "with 400: every bad event, its reasons, and that it was"
                " dead-lettered",
                "items": {
                    "type": "object",
                    "properties": {
                        "index": {"type": "integer"},
                        "event_id": {"type": ["string", "null"]},
                        "reason": {"type": "string"},
                        "errors": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "field": {"type": "string"},
                                    "message": {"type": "string"},
                                },
                            },
                        },
                        "dead_lettered": {"type": "boolean"},
                    },
                },
            },
            "indexes": {"type": "array", "items": {"type": "integer"}},
        },
    }


def _result_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["event_id", "status", "duplicate"],
        "properties": {
            "index": {"type": "integer"},
            "event_id": {"type": "string"},
            "status": {"enum": ["accepted", "duplicate"]},
            "duplicate": {"type": "boolean"},
            "queued_to": {"enum": ["inbox", "broker"]},
        },
    }


def _batch_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "accepted": {"type": "integer"},
            "duplicates": {"type": "integer"},
            "queued_to": {"enum": ["inbox", "broker"]},
            "events": {"type": "array", "items": {"$ref": "#/components/schemas/EventResult"}},
        },
    }


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _answer(description: str) -> dict[str, Any]:
    one = {"$ref": "#/components/schemas/EventResult"}
    many = {"$ref": "#/components/schemas/BatchResult"}
    return {
        "description": description,
        "content": {"application/json": {"schema": {"oneOf": [one, many]}}},
    }


def _hook_path() -> dict[str, Any]:
    def parameter(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": name,
            "in": "path",
            "required": True,
            "description": description,
            "schema": schema,
        }

    result = {
        "type": "object",
        "properties": {
            "status": {"enum": ["accepted", "nothing new", "ignored"]},
            "note": {"type": "string", "description": "what the payload mapped to"},
            "events": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "event_id": {"type": "string"},
                        "type": {"type": "string"},
                        "status": {"enum": ["accepted", "duplicate"]},
                    },
                },
            },
            "dead_lettered": {"type": "integer"},
            "queued_to": {"enum": ["inbox", "broker"]},
        },
    }
    answer = {"application/json": {"schema": result}}
    return {
        "post": {
            "summary": "A helpdesk's webhook (Chatwoot): complaints opened, replied to, closed",
            "description": "Set this URL as the helpdesk's webhook (`repute hook add` prints it)."
            " The token in the URL names one business; a helpdesk that signs its requests"
            " (Chatwoot: X-Chatwoot-Signature, X-Chatwoot-Timestamp) is checked too when the"
            " hook has its signing secret. Events get ids from the helpdesk's ids, so a"
            " redelivery counts once.",
            "parameters": [
                parameter("provider", "the helpdesk", {"enum": ["chatwoot"]}),
                parameter(
                    "token", "the hook's secret, printed by `repute hook add`", {"type": "string"}
                ),
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            "responses": {
                "202": {"description": "new events durably queued", "content": answer},
                "200": {
                    "description": "nothing new: ignored, or every event seen before",
                    "content": answer,
                },
                "400": _error("body not JSON, or not an object"),
                "401": _error("unknown or revoked hook URL, or a bad signature"),
                "404": _error("no such helpdesk"),
                "415": _error("not application/json"),
                "429": _error("the hook's rate limit: see Retry-After"),
            },
        }
    }


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document, its event schemas generated from `pipeline.events`."""
    schema = TypeAdapter(Event).json_schema(ref_template="#/components/schemas/{model}")
    components = schema.pop("$defs")
    components["Event"] = schema
    components["EventResult"] = _result_schema()
    components["BatchResult"] = _batch_schema()
    components["Error"] = _error_schema()
    event = {"$ref": "#/components/schemas/Event"}
    body = {
        "oneOf": [event, {"type": "array", "items": event, "minItems": 1, "maxItems": MAX_BATCH}]
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "repute ingest",
            "version": "1",
            "description": "Send reviews, complaint and concession events to repute. One event"
            " or a batch per request, all or nothing. Each key writes one business.",
        },
        "paths": {
            "/v1/events": {
                "post": {
                    "summary": "Queue one event or a batch",
                    "security": [{"apiKey": []}],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": body}},
                    },
                    "responses": {
                        "202": _answer("queued durably (broker acknowledged, or inbox fsynced)"),
                        "200": _answer("every event was accepted before: nothing queued again"),
                        "400": _error("a bad event: reasons per field; bad events dead-lettered"),
                        "401": _error("missing, unknown or revoked key"),
                        "403": _error("an event of another business than the key's"),
                        "409": _error("an accepted event_id sent again with other content"),
                        "413": _error(
                            f"body over {MAX_BODY_BYTES} bytes or over {MAX_BATCH} events"
                        ),
                        "415": _error("not application/json"),
                        "429": _error("the key's rate limit: see Retry-After"),
                    },
                }
            },
            "/v1/hooks/{provider}/{token}": _hook_path(),
            "/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": {"description": "the OpenAPI document"}},
                }
            },
        },
        "components": {
            "schemas": components,
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a key from `repute key add --business ID`",
                }
            },
        },
    }


def openapi_text() -> str:
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


def serve(config: IngestConfig, host: str, port: int) -> None:
    web.run_app(build_app(config), host=host, port=port, print=None)
