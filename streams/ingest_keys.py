"""API keys of the HTTP ingest (`repute ingest`), and the event ids it has accepted.

Both live in a small SQLite file beside the DuckDB file (`data/x.duckdb` ->
`data/x.keys.sqlite`), apart from the data: `repute run --fresh` keeps them.

A key is `rk_<key id>_<secret>`: the key id (8 hex digits) names it in `repute key list` and
`repute key revoke`; the secret is 32 random bytes. The file keeps only the SHA-256 of the
whole key, so a copy of the file lets nobody write. Each key writes one business only.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

KEY_PATTERN = re.compile(r"^rk_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$")
BUSINESS_PATTERN = re.compile(r"^\S{1,200}$")
Clock = Callable[[], datetime]

SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY,
    key_sha256 TEXT NOT NULL UNIQUE,
    business_id TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS accepted_events (
    business_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    key_id TEXT NOT NULL,
    accepted_at TEXT NOT NULL,
    PRIMARY KEY (business_id, event_id)
);
CREATE INDEX IF NOT EXISTS accepted_events_at ON accepted_events (accepted_at);
"""


@contextmanager
def durable_sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to a small SQLite file written durably (WAL, full sync), one transaction
    per `with`: the key store and the helpdesk hook store."""
    con = sqlite3.connect(path, timeout=10)
    try:
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = FULL")
        with con:
            yield con
    finally:
        con.close()


class ApiKeyError(ValueError):
    """A key that cannot be added or revoked; the message says why."""


def keys_path(db: str | Path) -> Path:
    """The keys file of a DuckDB file: `data/x.duckdb` -> `data/x.keys.sqlite`."""
    db = Path(db)
    return db.with_name(f"{db.stem}.keys.sqlite")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    business_id: str
    label: str
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _utc_now() -> datetime:
    return datetime.now(UTC)


class KeyStore:
    """The keys file: add, revoke, list and check keys; remember accepted event ids."""

    def __init__(self, path: str | Path, clock: Clock = _utc_now) -> None:
        self.path = Path(path)
        self.clock = clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.executescript(SCHEMA)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return durable_sqlite(self.path)

    def _now(self) -> str:
        return self.clock().astimezone(UTC).isoformat()

    def add(self, business_id: str, label: str = "") -> tuple[ApiKey, str]:
        """A new key for one business: (its record, the key itself, shown only now)."""
        if not BUSINESS_PATTERN.match(business_id):
            raise ApiKeyError(f"not a business id: {business_id!r}")
        key_id = secrets.token_hex(4)
        key = f"rk_{key_id}_{secrets.token_urlsafe(32)}"
        record = ApiKey(key_id, business_id, label, self._now(), None)
        with self._connect() as con:
            con.execute(
                "INSERT INTO api_keys (key_id, key_sha256, business_id, label, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (key_id, sha256(key), business_id, label, record.created_at),
            )
        return record, key

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key by its id (the `rk_<id>_` part, or the whole key)."""
        match = KEY_PATTERN.match(key_id)
        key_id = match.group(1) if match else key_id
        with self._connect() as con:
            updated = con.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL",
                (self._now(), key_id),
            ).rowcount
        found = [k for k in self.list_keys() if k.key_id == key_id]
        if not found:
            raise ApiKeyError(f"no key {key_id!r} in {self.path}")
        if not updated:
            raise ApiKeyError(f"key {key_id} was already revoked at {found[0].revoked_at}")
        return found[0]

    def list_keys(self) -> list[ApiKey]:
        with self._connect() as con:
            rows = con.execute(
                "SELECT key_id, business_id, label, created_at, revoked_at FROM api_keys"
                " ORDER BY business_id, created_at"
            ).fetchall()
        return [ApiKey(*row) for row in rows]

    def check(self, key: str) -> ApiKey | None:
        """The active key record of a presented key, or None (unknown, malformed, revoked).

        The lookup is by the SHA-256 of a 256-bit secret, so its timing tells nothing useful.
        """
        if not KEY_PATTERN.match(key):
            return None
        with self._connect() as con:
            row = con.execute(
                "SELECT key_id, business_id, label, created_at, revoked_at FROM api_keys"
                " WHERE key_sha256 = ? AND revoked_at IS NULL",
                (sha256(key),),
            ).fetchone()
        return ApiKey(*row) if row else None

    # ------------------------------------------------------------ accepted event ids

    def seen(self, business_id: str, event_ids: Iterable[str]) -> dict[str, str]:
        """{event_id: content hash} of the ids already accepted for this business."""
        ids = list(dict.fromkeys(event_ids))
        found: dict[str, str] = {}
        with self._connect() as con:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                found.update(
                    con.execute(
                        "SELECT event_id, content_sha256 FROM accepted_events"
                        f" WHERE business_id = ? AND event_id IN ({marks})",
                        (business_id, *chunk),
                    ).fetchall()
                )
        return found

    def remember(self, business_id: str, key_id: str, events: Iterable[tuple[str, str]]) -> None:
        """Record (event_id, content hash) pairs as accepted: call once they are queued."""
        now = self._now()
        with self._connect() as con:
            con.executemany(
                "INSERT OR IGNORE INTO accepted_events VALUES (?, ?, ?, ?, ?)",
                [(business_id, event_id, digest, key_id, now) for event_id, digest in events],
            )

    def forget_before(self, days: float) -> int:
        """Drop accepted ids older than `days` (the pipeline still dedupes them)."""
        cutoff = (self.clock() - timedelta(days=days)).astimezone(UTC).isoformat()
        with self._connect() as con:
            return con.execute(
                "DELETE FROM accepted_events WHERE accepted_at < ?", (cutoff,)
            ).rowcount
