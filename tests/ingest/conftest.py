"""The ingest API served on a free loopback port in a thread, with real keys in a temporary
keys file and a real inbox folder; requests are plain urllib HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipeline.events import InvalidEvent, parse_event
from streams.ingest import InboxLog, IngestConfig, build_app, inbox_path
from streams.ingest_keys import KeyStore, keys_path
from tests.servers import serving

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample" / "events.jsonl"


@dataclass
class Reply:
    status: int
    headers: Any
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    url: str,
    body: Any = None,
    key: str | None = None,
    content_type: str = "application/json",
    raw: bytes | None = None,
    method: str | None = None,
) -> Reply:
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", content_type)
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, exc.headers, exc.read())


@dataclass
class Ingest:
    base: str
    keys: KeyStore
    inbox: Path
    key_a: str  # writes dobry-sen
    key_b: str  # writes knyzhkova-lavka
    db: Path

    def post(self, body: Any, key: str | None = None, **options: Any) -> Reply:
        return call(f"{self.base}/v1/events", body, key or self.key_a, **options)

    def lines(self) -> list[dict]:
        """Every event line in the inbox, open segment included."""
        return [
            json.loads(line)
            for segment in sorted(self.inbox.glob("*.jsonl*"))
            for line in segment.read_text(encoding="utf-8").splitlines()
        ]


@contextmanager
def ingest_server(tmp: Path, **options: Any) -> Iterator[Ingest]:
    db = tmp / "shop.duckdb"
    keys = KeyStore(keys_path(db))
    _, key_a = keys.add("dobry-sen", "test")
    _, key_b = keys.add("knyzhkova-lavka")
    inbox = InboxLog(inbox_path(db), segment_seconds=options.pop("segment_seconds", 3600))
    config = IngestConfig(keys=keys, queue=inbox, **options)
    with serving(build_app(config)) as base:
        yield Ingest(base, keys, inbox.folder, key_a, key_b, db)


@pytest.fixture
def ingest(tmp_path: Path) -> Iterator[Ingest]:
    with ingest_server(tmp_path) as server:
        yield server


def sample_events(business: str, limit: int) -> list[dict]:
    """The first valid events of one business in the bundled sample, each id once."""
    events: list[dict] = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        try:
            event = parse_event(line)
        except InvalidEvent:
            continue
        if event.business_id == business and all(e["event_id"] != event.event_id for e in events):
            events.append(json.loads(line))
        if len(events) == limit:
            break
    return events


def review(event_id: str, business: str = "dobry-sen", **changes: Any) -> dict:
    event = {
        "event_id": event_id,
        "type": "review",
        "business_id": business,
        "occurred_at": "2026-11-20T10:00:00+00:00",
        "channel": "maps",
        "rating": 1,
        "author": {"customer_id": "c-42"},
        "text": "Nikt nie odpowiada na maile.",
    }
    event.update(changes)
    return event
