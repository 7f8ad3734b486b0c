"""The owners' dashboard: the live risk feed, alerts to acknowledge or resolve, the refund
budget, and recent reviews with a way to correct a wrong score.

It reads the analysts' catalog (views over the Parquet snapshot, never the live database) and
the alert outbox, so it runs beside a streaming sink without touching the writer's file.

    repute dashboard --db data/demo.duckdb --port 8080
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import jinja2
from aiohttp import web

from analytics.corrections import CorrectionError, record_correction
from analytics.outbox import Outbox, OutboxError, default_path
from pipeline.config import Settings

log = logging.getLogger(__name__)

TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("analytics", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
)
LABELS = ("neg", "neu", "pos")


@dataclass(frozen=True)
class DashboardConfig:
    db: Path
    settings: Settings
    broker: str | None = None
    refresh_seconds: int = 15

    @property
    def catalog(self) -> Path:
        return self.db.parent / "analyst.duckdb"

    @property
    def lake(self) -> Path:
        return self.db.parent / "lake"

    @property
    def outbox(self) -> Path:
        return default_path(self.db)


def _money(value: Any) -> str:
    if value is None:
        return ""
    return f"{Decimal(value):,.2f}".replace(",", " ")


TEMPLATES.filters["money"] = _money


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def read_view(config: DashboardConfig, business: str | None) -> dict[str, Any]:
    """Everything the page shows, from the catalog and the outbox."""
    where = "WHERE business_id = ?" if business else ""
    params = [business] if business else []
    view: dict[str, Any] = {
        "business": business,
        "feed": [],
        "budget": [],
        "reviews": [],
        "businesses": [],
        "overview": [],
        "alerts": [],
        "ready": False,
    }
    if config.catalog.exists():
        with duckdb.connect(str(config.catalog), read_only=True) as con:
            view["ready"] = True
            view["businesses"] = [
                r["business_id"]
                for r in _rows(con, "SELECT DISTINCT business_id FROM business_overview ORDER BY 1")
            ]
            view["overview"] = _rows(
                con,
                f"SELECT * FROM business_overview {where} ORDER BY revenue_at_risk DESC NULLS LAST",
                params,
            )
            # one business: its own money order; all: customers expected to be lost
            order = "rank_in_business" if business else "rank"
            view["feed"] = _rows(
                con,
                f"SELECT *, {order} AS shown_rank FROM risk_feed_ranked {where}"
                f" ORDER BY {order} LIMIT 25",
                params,
            )
            view["budget"] = _rows(
                con, f"SELECT * FROM budget_status {where} ORDER BY business_id, period", params
            )
            view["reviews"] = _rows(
                con,
                "SELECT event_id, business_id, occurred_at, channel, lang, label, scored_label,"
                " corrected, negativity, confidence, rating, text, drivers FROM reviews"
                f" {where} ORDER BY occurred_at DESC LIMIT 40",
                params,
            )
            if not config.outbox.exists():
                view["alerts"] = _rows(
                    con,
                    f"SELECT * FROM alerts {where} ORDER BY rule = 'badly_closed' DESC,"
                    " severity = 'critical' DESC, revenue_at_risk DESC NULLS LAST LIMIT 50",
                    params,
                )
    if config.outbox.exists():
        with Outbox(config.outbox) as outbox:
            view["alerts"] = outbox.list_alerts(business_id=business, limit=50)
    return view


def build_app(
    config: DashboardConfig, clock: Callable[[], datetime] | None = None
) -> web.Application:
    now = clock or (lambda: datetime.now(UTC))

    async def index(request: web.Request) -> web.Response:
        business = request.query.get("business") or None
        view = read_view(config, business)
        html = TEMPLATES.get_template("dashboard.html").render(
            **view,
            refresh=config.refresh_seconds,
            labels=LABELS,
            message=request.query.get("message"),
            now=now(),
        )
        return web.Response(text=html, content_type="text/html")

    async def api_feed(request: web.Request) -> web.Response:
        view = read_view(config, request.query.get("business") or None)
        return web.json_response(view["feed"], dumps=_dumps)

    async def api_alerts(request: web.Request) -> web.Response:
        view = read_view(config, request.query.get("business") or None)
        return web.json_response(view["alerts"], dumps=_dumps)

    async def change_alert(request: web.Request) -> web.Response:
        alert_id = request.match_info["alert_id"]
        state = {"ack": "acknowledged", "resolve": "resolved", "reopen": "open"}[
            request.match_info["action"]
        ]
        form = await request.post()
        try:
            with Outbox(config.outbox) as outbox:
                outbox.set_state(alert_id, state, by=str(form.get("by") or "dashboard"), now=now())
        except OutboxError as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        log.info("alert %s set to %s from the dashboard", alert_id, state)
        raise web.HTTPSeeOther(f"/?message=alert+{alert_id}+{state}")

    async def correct(request: web.Request) -> web.Response:
        form = await request.post()
        label = str(form.get("label", ""))
        event_id = str(form.get("event_id", ""))
        if label not in LABELS:
            raise web.HTTPBadRequest(text=f"label must be one of {', '.join(LABELS)}")
        try:
            record_correction(
                config.db,
                config.settings,
                event_id,
                label,
                str(form.get("by") or "dashboard"),
                lake=config.lake,
                catalog=config.catalog,
                broker=config.broker,
            )
        except CorrectionError as exc:
            raise web.HTTPConflict(text=str(exc)) from None
        log.info("review %s corrected to %s from the dashboard", event_id, label)
        raise web.HTTPSeeOther(f"/?message=review+{event_id}+marked+{label}")

    app = web.Application()
    app.add_routes(
        [
            web.get("/", index),
            web.get("/api/feed", api_feed),
            web.get("/api/alerts", api_alerts),
            web.post("/alerts/{alert_id}/{action:ack|resolve|reopen}", change_alert),
            web.post("/corrections", correct),
        ]
    )
    return app


def _dumps(value: Any) -> str:
    import json

    def default(item: Any) -> Any:
        if isinstance(item, Decimal):
            return str(item)
        if isinstance(item, datetime):
            return item.isoformat()
        return str(item)

    return json.dumps(value, default=default, ensure_ascii=False)


def serve(config: DashboardConfig, host: str, port: int) -> None:
    web.run_app(build_app(config), host=host, port=port, print=None)
