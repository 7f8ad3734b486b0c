"""Shared by the analytics tests: the sample database (plus two reviews with hostile text),
built once (copy it before changing it), and a users file with cheap password hashes.
tests/analytics/dashboard/conftest.py adds the served app, the browser and logging in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from analytics.dashboard.auth import UserStore
from analytics.delivery.outbox import Outbox, default_path
from analytics.lake import lake_path
from analytics.sink import DuckDBSink
from cli import load_settings
from streams.embedded import run_embedded

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "test-only password 1"  # not a secret: these users live in a temporary folder
HOSTILE = {
    "hostile-script": "<script>window.__pwned = 'script'</script> Never again, nikt nie odpowiada.",
    "hostile-img": "<img src=x onerror=\"window.__pwned = 'img'\"> Materac przyjechał uszkodzony.",
}


def hostile_reviews() -> list[dict]:
    return [
        {
            "event_id": event_id,
            "type": "review",
            "schema_version": 1,
            "business_id": "dobry-sen",
            "location_id": "poznan",
            "occurred_at": f"2026-11-30T2{i}:00:00+00:00",
            "channel": "maps",
            "public": True,
            "rating": 1,
            "author": {"customer_id": f"c-hostile-{i}"},
            "text": text,
        }
        for i, (event_id, text) in enumerate(HOSTILE.items())
    ]


def fast_store(path: Path) -> UserStore:
    """Cheap argon2 parameters: the tests log in many times on a 2-core machine."""
    return UserStore(path, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(scope="session")
def sample_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample run once, its alerts in the outbox; copy it before changing it."""
    folder = tmp_path_factory.mktemp("sample")
    events = folder / "events.jsonl"
    sample = (ROOT / "sample" / "events.jsonl").read_text(encoding="utf-8")
    extra = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in hostile_reviews())
    events.write_text(sample + extra, encoding="utf-8")
    db = folder / "demo.duckdb"
    sink = DuckDBSink(db)
    run_embedded(str(events), sink, load_settings(str(ROOT / "sample" / "businesses.toml")))
    sink.snapshot(lake_path(db))
    alerts = sink.con.execute("SELECT * FROM alerts ORDER BY created_at").fetchall()
    columns = [d[0] for d in sink.con.description]
    sink.close()
    with Outbox(default_path(db)) as outbox:
        outbox.enqueue([dict(zip(columns, row, strict=True)) for row in alerts])
    events.unlink()
    return folder
