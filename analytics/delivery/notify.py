"""Alert delivery through Apprise, routed by business and severity; the notifier loop.

Where an alert goes is `BusinessParams.alert_urls`: Apprise URLs keyed by the *minimum*
severity they want, e.g. in `sample/businesses.toml`:

    [businesses.dobry-sen.alert_urls]
    warning = ["json://127.0.0.1:8765/alerts"]        # warning and critical
    critical = ["tgram://BOT_TOKEN/CHAT_ID"]          # critical only

How it is paged is a top-level `[notify]` table in the same file (and per business under
`[notify.businesses.<id>]`), read here and nowhere else:

    [notify]
    quiet_hours = "22:00-07:00"      # business-local time; "" for none
    quiet_bypass = "critical"        # this severity and above is sent even then
    digest_severities = ["info"]     # sent as one digest message
    digest_every_minutes = 1440
    backoff_base_seconds = 30
    backoff_max_seconds = 3600

Alerts reach the outbox either straight from the pipeline (`Outbox.enqueue_facts`) or by
`sync_from_duckdb`, which copies new rows of the landed `alerts` table.
"""

from __future__ import annotations

import logging
import time as _time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from analytics.delivery.outbox import DeliveryPolicy, DrainReport, Outbox, Route, Sender
from pipeline.alerts import SEVERITY_RANK, priority
from pipeline.config import BusinessParams, Settings

log = logging.getLogger(__name__)

NOTIFY_TYPES = {"info": "info", "warning": "warning", "critical": "failure"}


# ---------------------------------------------------------------- routing


def routes_for(
    params: BusinessParams, severity: str, default_urls: Sequence[str] = ()
) -> list[Route]:
    """URLs that want an alert of this severity: every key at or below it in rank."""
    rank = SEVERITY_RANK[severity]
    urls: list[str] = []
    for minimum, listed in sorted(params.alert_urls.items(), key=lambda kv: kv[0]):
        if minimum not in SEVERITY_RANK:
            log.warning("alert_urls key %r is not a severity (info/warning/critical)", minimum)
            continue
        if SEVERITY_RANK[minimum] <= rank:
            urls.extend(listed)
    urls.extend(default_urls)
    return [Route(url) for url in dict.fromkeys(u.strip() for u in urls if u.strip())]


def make_router(
    settings: Settings, default_urls: Sequence[str] = ()
) -> Callable[[dict[str, Any]], list[Route]]:
    def router(alert: dict[str, Any]) -> list[Route]:
        params = settings.params_for(alert["business_id"])
        return routes_for(params, alert["severity"], default_urls)

    return router


# ---------------------------------------------------------------- paging policy


def _clock_time(text: str) -> time:
    hours, _, minutes = text.strip().partition(":")
    return time(int(hours), int(minutes or 0))


def parse_quiet_hours(text: str | None) -> tuple[time | None, time | None]:
    """ "22:00-07:00" -> (22:00, 07:00); empty or None -> no quiet hours."""
    if not text or not text.strip():
        return None, None
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError(f"quiet_hours must look like 22:00-07:00, got {text!r}")
    return _clock_time(start), _clock_time(end)


@dataclass(frozen=True)
class NotifyConfig:
    """The `[notify]` table: defaults plus per-business overrides."""

    defaults: dict[str, Any]
    businesses: dict[str, dict[str, Any]]

    @classmethod
    def from_mapping(cls, data: dict[str, Any] | None) -> NotifyConfig:
        data = dict(data or {})
        businesses = data.pop("businesses", {}) or {}
        return cls(defaults=data, businesses=dict(businesses))

    def policy(self, business_id: str, timezone: str = "UTC") -> DeliveryPolicy:
        merged = {**self.defaults, **self.businesses.get(business_id, {})}
        start, end = parse_quiet_hours(merged.get("quiet_hours"))
        return DeliveryPolicy(
            timezone=merged.get("timezone", timezone),
            quiet_start=start,
            quiet_end=end,
            quiet_bypass=merged.get("quiet_bypass", "critical"),
            digest_severities=frozenset(merged.get("digest_severities", ["info"])),
            digest_every=timedelta(minutes=float(merged.get("digest_every_minutes", 1440))),
            backoff_base=timedelta(seconds=float(merged.get("backoff_base_seconds", 30))),
            backoff_max=timedelta(seconds=float(merged.get("backoff_max_seconds", 3600))),
        )


def make_policy_for(settings: Settings, config: NotifyConfig) -> Callable[[str], DeliveryPolicy]:
    cache: dict[str, DeliveryPolicy] = {}

    def policy_for(business_id: str) -> DeliveryPolicy:
        if business_id not in cache:
            tz = settings.params_for(business_id).timezone
            cache[business_id] = config.policy(business_id, tz)
        return cache[business_id]

    return policy_for


def open_outbox(
    path: str | Path,
    settings: Settings,
    config: NotifyConfig | None = None,
    default_urls: Sequence[str] = (),
    clock: Callable[[], datetime] | None = None,
) -> Outbox:
    """An outbox routed and paced by the business settings and the `[notify]` table."""
    return Outbox(
        path,
        router=make_router(settings, default_urls),
        policy_for=make_policy_for(settings, config or NotifyConfig({}, {})),
        clock=clock,
    )


# ---------------------------------------------------------------- sending


def apprise_sender(timeout: float = 5.0) -> Sender:
    """A `Sender` over Apprise: one message to one URL; False when Apprise reports failure."""
    import apprise

    def send(url: str, title: str, body: str, severity: str) -> bool:
        app = apprise.Apprise()
        if not app.add(url):
            raise ValueError(f"Apprise does not understand the URL {_redact(url)}")
        for server in app:
            for attr in ("socket_connect_timeout", "socket_read_timeout"):
                if hasattr(server, attr):
                    setattr(server, attr, timeout)
        notify_type = NOTIFY_TYPES.get(severity, "info")
        return bool(app.notify(title=title, body=body, notify_type=notify_type))

    return send


def _redact(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    return f"{scheme}://…" if sep else "…"


# ---------------------------------------------------------------- feeding the outbox


def sync_from_duckdb(outbox: Outbox, db: str | Path) -> int:
    """Copy alerts landed in DuckDB into the outbox (new ids only), oldest first.

    Raises duckdb.IOException when the pipeline holds the file: the caller retries later.
    """
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        cursor = con.execute("SELECT * FROM alerts ORDER BY created_at, alert_id")
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    rows.sort(key=lambda r: (r["created_at"], priority(r)))
    return outbox.enqueue(rows)


def sync_from_lake(outbox: Outbox, lake: str | Path) -> int:
    """Copy alerts from the sink's Parquet lake (analytics/lake.py): readable while the
    pipeline or the stream sink holds the DuckDB file."""
    import duckdb

    from analytics.lake import lake_table_sql

    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        cursor = con.execute(
            f"SELECT * FROM ({lake_table_sql(Path(lake), 'alerts')}) ORDER BY created_at, alert_id"
        )
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    rows.sort(key=lambda r: (r["created_at"], priority(r)))
    return outbox.enqueue(rows)


def sync_alerts(outbox: Outbox, db: str | Path) -> int:
    """New alerts from the DuckDB file, or from its Parquet lake while a writer holds it."""
    try:
        return sync_from_duckdb(outbox, db)
    except Exception:
        from analytics.lake import MANIFEST, lake_path

        lake = lake_path(db)
        if not (lake / MANIFEST).exists():
            raise
        return sync_from_lake(outbox, lake)


@dataclass
class NotifyRound:
    synced: int
    report: DrainReport
    sync_error: str | None = None


def notify_once(outbox: Outbox, send: Sender, db: str | Path | None = None) -> NotifyRound:
    synced, error = 0, None
    if db is not None and Path(db).exists():
        try:
            synced = sync_alerts(outbox, db)
        except Exception as exc:  # the writer holds the file: deliver what is stored
            error = f"{type(exc).__name__}: {exc}"
            log.info("could not read %s this round: %s", db, error)
    return NotifyRound(synced, outbox.drain(send), error)


def notify_loop(
    outbox: Outbox,
    send: Sender,
    db: str | Path | None = None,
    interval: float = 5.0,
    rounds: int | None = None,
    sleep: Callable[[float], None] = _time.sleep,
    on_round: Callable[[NotifyRound], None] | None = None,
    before_round: Callable[[], None] | None = None,
) -> Iterable[NotifyRound]:
    """Sync and drain every `interval` seconds (sooner when a retry falls due)."""
    done = 0
    while rounds is None or done < rounds:
        if before_round:
            before_round()
        result = notify_once(outbox, send, db)
        done += 1
        if on_round:
            on_round(result)
        yield result
        if rounds is not None and done >= rounds:
            break
        wait = interval
        due = outbox.next_due()
        if due is not None:
            wait = max(0.05, min(interval, (due - datetime.now(UTC)).total_seconds()))
        sleep(wait)
