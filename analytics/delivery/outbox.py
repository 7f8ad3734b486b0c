"""The alert outbox: an alert is stored before it is sent, and never lost or sent twice.

A small SQLite file next to the DuckDB data (`<db>.outbox.sqlite`): SQLite because the notifier
(`repute notify --loop`) and the pipeline writer run as separate processes, and DuckDB allows
one writer per file. Three tables:

- `alerts`: one row per alert id, in order of creation (`seq`). A second copy of an id (a
  replay, a restart) is ignored; a new id for a cause already raised at the same or a higher
  severity is stored as `suppressed_by` the earlier one and never sent. An escalation is sent.
  `state` (open / acknowledged / resolved) is changed from the CLI; `state_log` keeps history.
- `deliveries`: one row per (alert, destination URL): pending, delivered or cancelled.
- `destinations`: per URL, consecutive failures and when the next attempt may be made.

Delivery (`Outbox.drain`): for each destination, pending alerts go out in `seq` order; the
first failure stops that destination (later alerts wait behind it, so order holds) and sets
an exponential backoff (`base * 2**(failures-1)`, capped, never giving up). Alerts below the
quiet-hours bypass severity wait while the business's quiet hours last; alerts of a digest
severity (info by default) are collected and sent as one digest message per business and
destination once the oldest has waited `digest_every`. A delivery is marked delivered in the
same transaction right after the send returns, so the only window for a duplicate is a crash
between the two; the alert id travels with every message for receivers that dedupe.

The clock is injected (`clock=`, or `now=` per call); nothing here sleeps.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.alerts import ALERT_STATES, SEVERITY_RANK, Alert, priority

SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id TEXT NOT NULL UNIQUE,
    dedupe_key TEXT NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    severity_rank INTEGER NOT NULL,
    business_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    title TEXT,
    revenue_at_risk TEXT,
    currency TEXT,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open',
    state_changed_at TEXT,
    state_changed_by TEXT,
    suppressed_by TEXT
);
CREATE INDEX IF NOT EXISTS alerts_by_cause ON alerts (dedupe_key, severity_rank);
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER NOT NULL,
    alert_id TEXT NOT NULL,
    url TEXT NOT NULL,
    mode TEXT NOT NULL,              -- immediate | digest
    status TEXT NOT NULL,            -- pending | delivered | cancelled
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    delivered_at TEXT,
    digest_id TEXT,
    PRIMARY KEY (alert_id, url)
);
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (status, url, seq);
CREATE TABLE IF NOT EXISTS destinations (
    url TEXT PRIMARY KEY,
    failures INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    last_success_at TEXT
);
CREATE TABLE IF NOT EXISTS state_log (
    alert_id TEXT NOT NULL,
    state TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT
);
"""


class OutboxError(ValueError):
    pass


@dataclass(frozen=True)
class Route:
    url: str
    mode: str = "immediate"  # immediate | digest


@dataclass(frozen=True)
class DeliveryPolicy:
    """How a business is paged: quiet hours (local time), digest, retry backoff."""

    timezone: str = "UTC"
    quiet_start: time | None = None
    quiet_end: time | None = None
    quiet_bypass: str = "critical"  # this severity and above is sent even in quiet hours
    digest_severities: frozenset[str] = frozenset({"info"})
    digest_every: timedelta = timedelta(hours=24)
    backoff_base: timedelta = timedelta(seconds=30)
    backoff_max: timedelta = timedelta(hours=1)

    def in_quiet_hours(self, now: datetime) -> bool:
        if self.quiet_start is None or self.quiet_end is None:
            return False
        local = now.astimezone(ZoneInfo(self.timezone)).time()
        if self.quiet_start <= self.quiet_end:
            return self.quiet_start <= local < self.quiet_end
        return local >= self.quiet_start or local < self.quiet_end

    def held(self, severity: str, now: datetime) -> bool:
        below = SEVERITY_RANK.get(severity, 0) < SEVERITY_RANK.get(self.quiet_bypass, 2)
        return below and self.in_quiet_hours(now)

    def backoff(self, failures: int) -> timedelta:
        if failures <= 0:
            return timedelta(0)
        seconds = self.backoff_base.total_seconds() * 2 ** min(failures - 1, 30)
        return timedelta(seconds=min(seconds, self.backoff_max.total_seconds()))


# A sender delivers one message to one URL; returns True on success (False or raise: failed).
Sender = Callable[[str, str, str, str], bool]
Router = Callable[[dict[str, Any]], Sequence[Route]]
PolicyFor = Callable[[str], DeliveryPolicy]


@dataclass
class DrainReport:
    sent: int = 0  # alerts delivered (a digest counts each alert in it)
    messages: int = 0  # messages sent (a digest is one)
    failed: int = 0  # send attempts that failed
    held: int = 0  # waiting for quiet hours to end or for the digest
    backing_off: int = 0  # destinations skipped because they are in backoff
    retried: int = 0  # send attempts at a message that had failed before
    locked: bool = False  # another notifier is sending from this outbox right now
    delivered_ids: list[str] = field(default_factory=list)


def _iso(when: datetime) -> str:
    if when.tzinfo is None:
        raise OutboxError("datetimes must be timezone-aware")
    return when.astimezone(UTC).isoformat()


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _alert_dict(alert: Alert | dict[str, Any]) -> dict[str, Any]:
    data = alert.model_dump() if isinstance(alert, Alert) else dict(alert)
    if isinstance(data.get("facts"), str):
        data["facts"] = json.loads(data["facts"] or "{}")
    return data


def default_path(db: str | Path) -> Path:
    """The outbox file that belongs to a DuckDB file: `data/x.duckdb` -> `data/x.outbox.sqlite`."""
    db = Path(db)
    return db.with_name(f"{db.stem}.outbox.sqlite")


def format_message(alert: dict[str, Any]) -> tuple[str, str]:
    """(title, body) of one alert: what happened, why, what to do, and its id."""
    severity = str(alert["severity"]).upper()
    title = f"[{severity}] {alert['business_id']}: {alert['title']}"
    lines = [alert.get("explanation") or "", f"Next step: {alert.get('next_step') or '-'}"]
    if alert.get("revenue_at_risk") and Decimal(str(alert["revenue_at_risk"])) > 0:
        lines.append(f"Revenue at risk: {alert['revenue_at_risk']} {alert.get('currency') or ''}")
    facts = alert.get("facts") or {}
    for key in ("handler", "customer_last_words", "complaint_id", "channel"):
        if facts.get(key):
            lines.append(f"{key.replace('_', ' ').capitalize()}: {facts[key]}")
    lines.append(f"Alert {alert['alert_id']} ({alert['rule']}, {alert['created_at']})")
    return title, "\n".join(line for line in lines if line)


def format_digest(business_id: str, alerts: Sequence[dict[str, Any]]) -> tuple[str, str]:
    title = f"[DIGEST] {business_id}: {len(alerts)} low-severity alert(s)"
    body = "\n".join(f"- {a['title']} ({a['rule']}, alert {a['alert_id']})" for a in alerts)
    return title, body


class Outbox:
    """Stores alerts before sending them; `drain` delivers what is due. Safe to reopen."""

    def __init__(
        self,
        path: str | Path,
        *,
        router: Router | None = None,
        policy_for: PolicyFor | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        self.con.row_factory = sqlite3.Row
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute("PRAGMA synchronous=NORMAL")
        self.con.executescript(SCHEMA)
        self.router = router or (lambda alert: ())
        self.policy_for = policy_for or (lambda business_id: DeliveryPolicy())
        self.clock = clock or (lambda: datetime.now(UTC))

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ storing

    def enqueue(self, alerts: Iterable[Alert | dict[str, Any]], now: datetime | None = None) -> int:
        """Store alerts (and their pending deliveries) in one transaction. Returns how many
        were new and will be sent; a known id or an already-raised cause adds nothing to send."""
        stored_at = _iso(now or self.clock())
        added = 0
        self.con.execute("BEGIN IMMEDIATE")
        try:
            for alert in alerts:
                added += self._store(_alert_dict(alert), stored_at)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return added

    def enqueue_facts(self, facts: Iterable[Any], now: datetime | None = None) -> int:
        """Store the `alerts` facts of a pipeline step's output (other facts are ignored)."""
        found = [f.row for f in facts if getattr(f, "table", None) == "alerts"]
        return self.enqueue(found, now) if found else 0

    def _store(self, alert: dict[str, Any], stored_at: str) -> int:
        alert_id = alert["alert_id"]
        if self.con.execute("SELECT 1 FROM alerts WHERE alert_id = ?", [alert_id]).fetchone():
            return 0
        rank = SEVERITY_RANK[alert["severity"]]
        earlier = self.con.execute(
            "SELECT alert_id FROM alerts WHERE dedupe_key = ? AND severity_rank >= ?"
            " ORDER BY seq LIMIT 1",
            [alert["dedupe_key"], rank],
        ).fetchone()
        created = alert["created_at"]
        created = _iso(created) if isinstance(created, datetime) else str(created)
        cursor = self.con.execute(
            "INSERT INTO alerts (alert_id, dedupe_key, rule, severity, severity_rank,"
            " business_id, created_at, stored_at, title, revenue_at_risk, currency, payload,"
            " state, suppressed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                alert_id,
                alert["dedupe_key"],
                alert["rule"],
                alert["severity"],
                rank,
                alert["business_id"],
                created,
                stored_at,
                alert.get("title"),
                str(alert.get("revenue_at_risk") or 0),
                alert.get("currency"),
                json.dumps(alert, default=_json_default, ensure_ascii=False),
                alert.get("state") or "open",
                earlier["alert_id"] if earlier else None,
            ],
        )
        if earlier:
            return 0
        policy = self.policy_for(alert["business_id"])
        routes = {r.url: r for r in self.router(alert)}
        for route in routes.values():
            mode = "digest" if alert["severity"] in policy.digest_severities else route.mode
            self.con.execute(
                "INSERT OR IGNORE INTO deliveries (seq, alert_id, url, mode, status)"
                " VALUES (?, ?, ?, ?, 'pending')",
                [cursor.lastrowid, alert_id, route.url, mode],
            )
        return 1

    def reroute(self) -> int:
        """Apply the current router to open, unsuppressed alerts: a destination added to the
        config (or passed on the command line) gets the alerts it has not had. Returns rows."""
        added = 0
        rows = self.con.execute(
            "SELECT seq, alert_id, payload, severity, business_id FROM alerts"
            " WHERE state = 'open' AND suppressed_by IS NULL ORDER BY seq"
        ).fetchall()
        self.con.execute("BEGIN IMMEDIATE")
        try:
            for row in rows:
                alert = json.loads(row["payload"])
                policy = self.policy_for(row["business_id"])
                for route in {r.url: r for r in self.router(alert)}.values():
                    mode = "digest" if row["severity"] in policy.digest_severities else route.mode
                    added += self.con.execute(
                        "INSERT OR IGNORE INTO deliveries (seq, alert_id, url, mode, status)"
                        " VALUES (?, ?, ?, ?, 'pending')",
                        [row["seq"], row["alert_id"], route.url, mode],
                    ).rowcount
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return added

    # ------------------------------------------------------------ sending

    def drain(self, send: Sender, now: datetime | None = None, limit: int = 1000) -> DrainReport:
        """Send what is due now, once. Call again later (or loop) for retries and digests.

        One sender at a time per outbox file: a second notifier finds the lock taken and
        sends nothing this round (two senders could otherwise both send the same row).
        """
        now = now or self.clock()
        report = DrainReport()
        with self._sender_lock() as mine:
            if not mine:
                report.locked = True
                return report
            self._drain_all(send, now, report, limit)
        return report

    @contextlib.contextmanager
    def _sender_lock(self) -> Iterator[bool]:
        if str(self.path) == ":memory:":
            yield True
            return
        with open(f"{self.path}.send-lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _drain_all(self, send: Sender, now: datetime, report: DrainReport, limit: int) -> None:
        urls = [
            row["url"]
            for row in self.con.execute(
                "SELECT DISTINCT url FROM deliveries WHERE status = 'pending' ORDER BY url"
            )
        ]
        for url in urls:
            dest = self.con.execute(
                "SELECT failures, next_attempt_at FROM destinations WHERE url = ?", [url]
            ).fetchone()
            if dest and dest["next_attempt_at"] and dest["next_attempt_at"] > _iso(now):
                report.backing_off += 1
                continue
            self._drain_destination(url, send, now, report, limit)

    def _pending(self, url: str, limit: int) -> list[sqlite3.Row]:
        return self.con.execute(
            "SELECT d.seq, d.alert_id, d.mode, d.attempts, a.payload, a.severity, a.business_id,"
            " a.stored_at FROM deliveries d JOIN alerts a ON a.alert_id = d.alert_id"
            " WHERE d.url = ? AND d.status = 'pending' ORDER BY d.seq LIMIT ?",
            [url, limit],
        ).fetchall()

    def _drain_destination(
        self, url: str, send: Sender, now: datetime, report: DrainReport, limit: int
    ) -> None:
        digests: dict[str, list[sqlite3.Row]] = {}
        for row in self._pending(url, limit):
            policy = self.policy_for(row["business_id"])
            if row["mode"] == "digest":
                digests.setdefault(row["business_id"], []).append(row)
                continue
            if policy.held(row["severity"], now):
                report.held += 1
                continue
            alert = json.loads(row["payload"])
            title, body = format_message(alert)
            if not self._attempt(url, [row], title, body, alert["severity"], send, now, report):
                return  # order: nothing later goes to this URL before this one
        for business_id, rows in digests.items():
            policy = self.policy_for(business_id)
            oldest = datetime.fromisoformat(min(r["stored_at"] for r in rows))
            if now - oldest < policy.digest_every or policy.held("info", now):
                report.held += len(rows)
                continue
            alerts = [json.loads(r["payload"]) for r in rows]
            title, body = format_digest(business_id, alerts)
            if not self._attempt(url, rows, title, body, "info", send, now, report, digest=True):
                return

    def _attempt(
        self,
        url: str,
        rows: list[sqlite3.Row],
        title: str,
        body: str,
        severity: str,
        send: Sender,
        now: datetime,
        report: DrainReport,
        digest: bool = False,
    ) -> bool:
        ids = [r["alert_id"] for r in rows]
        if any(r["attempts"] for r in rows):
            report.retried += 1
        error = None
        try:
            ok = bool(send(url, title, body, severity))
        except Exception as exc:  # a sender that raises is a failed send, never a lost alert
            ok, error = False, f"{type(exc).__name__}: {exc}"
        marks = ",".join("?" * len(ids))
        self.con.execute("BEGIN IMMEDIATE")
        try:
            if ok:
                digest_id = f"digest:{ids[0]}:{len(ids)}" if digest else None
                self.con.execute(
                    "UPDATE deliveries SET status = 'delivered', attempts = attempts + 1,"
                    f" delivered_at = ?, digest_id = ?, last_error = NULL WHERE url = ?"
                    f" AND alert_id IN ({marks}) AND status = 'pending'",
                    [_iso(now), digest_id, url, *ids],
                )
                self.con.execute(
                    "INSERT INTO destinations (url, failures, last_success_at) VALUES (?, 0, ?)"
                    " ON CONFLICT (url) DO UPDATE SET failures = 0, next_attempt_at = NULL,"
                    " last_error = NULL, last_success_at = excluded.last_success_at",
                    [url, _iso(now)],
                )
            else:
                error = error or "send returned failure"
                failures = self._failures(url) + 1
                policy = self.policy_for(str(rows[0]["business_id"]))
                retry_at = _iso(now + policy.backoff(failures))
                self.con.execute(
                    f"UPDATE deliveries SET attempts = attempts + 1, last_error = ?"
                    f" WHERE url = ? AND alert_id IN ({marks})",
                    [error, url, *ids],
                )
                self.con.execute(
                    "INSERT INTO destinations (url, failures, next_attempt_at, last_error)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
                    " failures = excluded.failures, next_attempt_at = excluded.next_attempt_at,"
                    " last_error = excluded.last_error",
                    [url, failures, retry_at, error],
                )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        if ok:
            report.sent += len(ids)
            report.messages += 1
            report.delivered_ids.extend(ids)
        else:
            report.failed += 1
        return ok

    def _failures(self, url: str) -> int:
        row = self.con.execute("SELECT failures FROM destinations WHERE url = ?", [url]).fetchone()
        return int(row["failures"]) if row else 0

    def next_due(self) -> datetime | None:
        """When the earliest backed-off destination may be retried (None: nothing waits)."""
        row = self.con.execute(
            "SELECT min(next_attempt_at) FROM destinations WHERE next_attempt_at IS NOT NULL"
            " AND url IN (SELECT url FROM deliveries WHERE status = 'pending')"
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    # ------------------------------------------------------------ owners' actions

    def resolve_id(self, prefix: str) -> str:
        rows = self.con.execute(
            "SELECT alert_id FROM alerts WHERE alert_id LIKE ? || '%' LIMIT 2", [prefix]
        ).fetchall()
        if not rows:
            raise OutboxError(f"no alert {prefix!r} in {self.path}")
        if len(rows) > 1:
            raise OutboxError(f"alert id {prefix!r} is ambiguous: give more characters")
        return str(rows[0]["alert_id"])

    def business_of(self, alert_id: str) -> str | None:
        """The business an alert belongs to, by its exact id (None when unknown)."""
        row = self.con.execute(
            "SELECT business_id FROM alerts WHERE alert_id = ?", [alert_id]
        ).fetchone()
        return str(row["business_id"]) if row else None

    def set_state(
        self, alert_id: str, state: str, by: str | None = None, now: datetime | None = None
    ) -> dict[str, Any]:
        """Acknowledge or resolve an alert (or reopen it). Resolving cancels unsent messages."""
        if state not in ALERT_STATES:
            raise OutboxError(f"state must be one of {', '.join(ALERT_STATES)}")
        alert_id = self.resolve_id(alert_id)
        at = _iso(now or self.clock())
        self.con.execute("BEGIN IMMEDIATE")
        try:
            self.con.execute(
                "UPDATE alerts SET state = ?, state_changed_at = ?, state_changed_by = ?"
                " WHERE alert_id = ?",
                [state, at, by, alert_id],
            )
            self.con.execute(
                "INSERT INTO state_log (alert_id, state, changed_at, changed_by)"
                " VALUES (?, ?, ?, ?)",
                [alert_id, state, at, by],
            )
            if state == "resolved":
                self.con.execute(
                    "UPDATE deliveries SET status = 'cancelled', last_error = 'resolved'"
                    " WHERE alert_id = ? AND status = 'pending'",
                    [alert_id],
                )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return {"alert_id": alert_id, "state": state, "changed_at": at, "changed_by": by}

    # ------------------------------------------------------------ reading

    def list_alerts(
        self,
        *,
        states: Sequence[str] = ("open", "acknowledged"),
        business_id: str | None = None,
        include_suppressed: bool = False,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Alerts ranked for the on-call: badly closed first, then severity and money at risk."""
        where = [f"a.state IN ({','.join('?' * len(states))})"]
        params: list[Any] = list(states)
        if business_id:
            where.append("a.business_id = ?")
            params.append(business_id)
        if not include_suppressed:
            where.append("a.suppressed_by IS NULL")
        rows = self.con.execute(
            "SELECT a.*, count(d.url) AS destinations,"
            " sum(d.status = 'delivered') AS delivered, sum(d.status = 'pending') AS pending,"
            " max(d.attempts) AS attempts, max(d.last_error) AS last_error"
            " FROM alerts a LEFT JOIN deliveries d ON d.alert_id = a.alert_id"
            f" WHERE {' AND '.join(where)} GROUP BY a.seq ORDER BY a.seq",
            params,
        ).fetchall()
        out = []
        for row in rows:
            alert = json.loads(row["payload"])
            alert.update(
                seq=row["seq"],
                state=row["state"],
                state_changed_at=row["state_changed_at"],
                state_changed_by=row["state_changed_by"],
                suppressed_by=row["suppressed_by"],
                delivery=_delivery_status(row),
                attempts=row["attempts"] or 0,
                last_error=row["last_error"],
            )
            out.append(alert)
        out.sort(key=priority)
        return out[:limit] if limit else out

    def delivered(self, url: str | None = None) -> list[tuple[str, str]]:
        """(alert_id, url) of every delivered message, in order of creation."""
        rows = self.con.execute(
            "SELECT alert_id, url FROM deliveries WHERE status = 'delivered'"
            + (" AND url = ?" if url else "")
            + " ORDER BY seq",
            [url] if url else [],
        ).fetchall()
        return [(r["alert_id"], r["url"]) for r in rows]

    def backlog(self) -> int:
        """Deliveries still to be made (pending: due, held, or waiting out a backoff)."""
        query = "SELECT count(*) FROM deliveries WHERE status = 'pending'"
        return int(self.con.execute(query).fetchone()[0])

    def counts(self) -> dict[str, int]:
        out = {
            f"alerts_{state}": n
            for state, n in self.con.execute(
                "SELECT state, count(*) FROM alerts WHERE suppressed_by IS NULL GROUP BY state"
            )
        }
        out["alerts_suppressed"] = self.con.execute(
            "SELECT count(*) FROM alerts WHERE suppressed_by IS NOT NULL"
        ).fetchone()[0]
        for status, n in self.con.execute(
            "SELECT status, count(*) FROM deliveries GROUP BY status"
        ):
            out[f"deliveries_{status}"] = n
        return out


def _delivery_status(row: sqlite3.Row) -> str:
    if row["suppressed_by"]:
        return f"suppressed (same cause as {row['suppressed_by']})"
    if not row["destinations"]:
        return "no channel (feed only)"
    if row["pending"]:
        return f"pending {row['pending']}/{row['destinations']}"
    if row["delivered"] == row["destinations"]:
        return "delivered"
    return f"delivered {row['delivered'] or 0}/{row['destinations']}"
