"""The owners' dashboard: the live risk feed, alerts to acknowledge or resolve, the refund
budget, and recent reviews with a way to correct a wrong score.

It reads the analysts' catalog (views over the Parquet snapshot, never the live database) and
the alert outbox, so it runs beside a streaming sink without touching the writer's file.

Every page and API route needs a login (analytics/dashboard/auth.py) and answers only for the
businesses of the logged-in user (an admin sees all); another business's alert or review is
404. Every POST needs the session's CSRF token and an Origin (or Referer) of this site.

    repute user add anna --db data/demo.duckdb --business dobry-sen
    repute dashboard --db data/demo.duckdb --port 8080
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
import jinja2
from aiohttp import web

from analytics.corrections import CorrectionError, record_correction, review_of
from analytics.dashboard.alertlist import STATES, AlertList, alert_list, collapse, plain_words
from analytics.dashboard.auth import SESSION_MAX, LoginLimiter, Session, User, UserStore, users_path
from analytics.dashboard.charts import Chart, business_charts
from analytics.dashboard.websecurity import SECURITY_HEADERS, csrf_matches, safe_next, same_origin
from analytics.delivery.outbox import Outbox, OutboxError, default_path
from analytics.lake import catalog_path, lake_path
from pipeline.alerts import ALERT_STATES
from pipeline.config import Settings

log = logging.getLogger(__name__)

TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("analytics.dashboard", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
)
LABELS = ("neg", "neu", "pos")
SESSION_COOKIE = "repute_session"
LOGIN_COOKIE = "repute_login"
STATIC_FILES = {"dashboard.css": "text/css"}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SESSION = web.RequestKey("session", Session)
TOKEN = web.RequestKey("token", str)


@dataclass(frozen=True)
class DashboardConfig:
    db: Path
    settings: Settings
    broker: str | None = None
    refresh_seconds: int = 15
    # Secure cookies even when the app itself sees plain HTTP (behind a TLS proxy)
    secure_cookies: bool = False
    # origins allowed to POST besides the one the request was sent to (a proxy's public URL)
    trusted_origins: tuple[str, ...] = ()

    @property
    def catalog(self) -> Path:
        return catalog_path(self.db)

    @property
    def lake(self) -> Path:
        return lake_path(self.db)

    @property
    def outbox(self) -> Path:
        return default_path(self.db)

    @property
    def users(self) -> Path:
        return users_path(self.db)

    def currency_of(self, business_id: str) -> str:
        """The currency a business keeps its books in (the config's, PLN by default)."""
        return self.settings.params_for(business_id).currency


def _money(value: Any) -> str:
    if value is None:
        return ""
    return f"{Decimal(value):,.2f}".replace(",", " ")


TEMPLATES.filters["money"] = _money


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def scope_clause(business: str | None, scope: frozenset[str] | None) -> tuple[str, list[str]]:
    """The WHERE clause for one business, or for every business a user may see (None: all)."""
    if business:
        return "WHERE business_id = ?", [business]
    if scope is None:
        return "", []
    if not scope:
        return "WHERE false", []
    return f"WHERE business_id IN ({', '.join('?' * len(scope))})", sorted(scope)


def in_scope(business_id: str, scope: frozenset[str] | None) -> bool:
    return scope is None or business_id in scope


def read_view(
    config: DashboardConfig, business: str | None, scope: frozenset[str] | None = None
) -> dict[str, Any]:
    """Everything the page shows, from the catalog and the outbox, for one business or for
    every business in `scope` (None: all)."""
    where, params = scope_clause(business, scope)
    view: dict[str, Any] = {
        "business": business,
        "feed": [],
        "budget": [],
        "reviews": [],
        "businesses": [],
        "overview": [],
        "alerts": [],
        "every_alert": [],
        "charts": [],
        "ready": False,
    }
    if config.catalog.exists():
        with duckdb.connect(str(config.catalog), read_only=True) as con:
            view["ready"] = True
            view["businesses"] = [
                r["business_id"]
                for r in _rows(con, "SELECT DISTINCT business_id FROM business_overview ORDER BY 1")
                if in_scope(r["business_id"], scope)
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
            for o in view["overview"]:
                o["currency"] = config.currency_of(o["business_id"])
            view["charts"] = charts_of(con, [o["business_id"] for o in view["overview"]])
            if not config.outbox.exists():
                view["every_alert"] = _rows(
                    con,
                    f"SELECT * FROM alerts {where} ORDER BY rule = 'badly_closed' DESC,"
                    " severity = 'critical' DESC, revenue_at_risk DESC NULLS LAST",
                    params,
                )
    if config.outbox.exists():
        with Outbox(config.outbox) as outbox:
            alerts = outbox.list_alerts(states=ALERT_STATES, business_id=business)
        view["every_alert"] = [a for a in alerts if in_scope(a["business_id"], scope)]
    open_per_business = Counter(
        latest["business_id"]
        for latest, _ in collapse(view["every_alert"])
        if latest.get("state", "open") == "open"
    )
    for o in view["overview"]:  # one per cause, as the alert list counts them
        o["open_alerts"] = open_per_business.get(o["business_id"], 0)
    active = [a for a in view["every_alert"] if a.get("state", "open") != "resolved"]
    view["alerts"] = active[:50]
    return view


def charts_of(
    con: duckdb.DuckDBPyConnection, businesses: list[str]
) -> list[tuple[str, list[Chart]]]:
    """The charts of each business shown (none for one whose tables are not there yet)."""
    out = []
    for business_id in businesses:
        try:
            out.append((business_id, business_charts(con, business_id)))
        except duckdb.CatalogException as exc:
            log.info("no charts for %s yet: %s", business_id, exc)
    return out


def alert_filters(request: web.Request) -> tuple[str | None, str, bool]:
    """`?rule=`, `?state=` (active, all, open, acknowledged, resolved), `?alerts=all`."""
    rule = request.query.get("rule") or None
    state = request.query.get("state") or "active"
    if state not in ("active", "all", *STATES):
        raise web.HTTPBadRequest(text="state must be active, all, open, acknowledged or resolved")
    return rule, state, request.query.get("alerts") == "all"


def owner_alerts(config: DashboardConfig, view: dict[str, Any], request: web.Request) -> AlertList:
    rule, state, everything = alert_filters(request)
    return alert_list(
        view["every_alert"],
        config.currency_of,
        rule=rule,
        state=state,
        limit=None if everything else 10,
    )


def page_url(business: str | None, **query: str | None) -> str:
    """A link to the page keeping the business, with the given alert filters."""
    params = {"business": business, **query}
    pairs = [f"{k}={quote(v, safe='')}" for k, v in params.items() if v]
    return "/" + ("?" + "&".join(pairs) if pairs else "")


TEMPLATES.globals["page_url"] = page_url
TEMPLATES.filters["plain"] = plain_words


def superseded_by(config: DashboardConfig, alert_id: str, business_id: str) -> list[str]:
    """The earlier alerts of the same cause that `alert_id` replaces on the page."""
    with Outbox(config.outbox) as outbox:
        alerts = outbox.list_alerts(states=ALERT_STATES, business_id=business_id)
    for latest, earlier in collapse(alerts):
        if latest["alert_id"] == alert_id:
            return [a["alert_id"] for a in earlier]
    return []


def alert_business(config: DashboardConfig, alert_id: str) -> str | None:
    """The business of an alert in the outbox, by its exact id (None when unknown)."""
    if not config.outbox.exists():
        return None
    with Outbox(config.outbox) as outbox:
        return outbox.business_of(alert_id)


def review_business(config: DashboardConfig, event_id: str) -> str | None:
    """The business of a scored review (None when unknown)."""
    try:
        business_id, _ = review_of(config.db, config.catalog, event_id)
    except CorrectionError:
        return None
    return business_id


def public(handler: Handler) -> Handler:
    """Mark a route as reachable without logging in (the login page, static files)."""
    handler.public = True  # type: ignore[attr-defined]
    return handler


def redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def requested_business(request: web.Request, user: User) -> str | None:
    """The `business` (or `business_id`) asked for; 404 when it is not the user's."""
    business = request.query.get("business") or request.query.get("business_id") or None
    if business is not None and not user.can_see(business):
        raise web.HTTPNotFound(text="no such business")
    return business


def session_of(request: web.Request) -> Session:
    return request[SESSION]


def cookie_options(request: web.Request, config: DashboardConfig) -> dict[str, Any]:
    return {
        "httponly": True,
        "samesite": "Lax",
        "secure": request.secure or config.secure_cookies,
        "path": "/",
    }


def _unauthenticated(request: web.Request) -> web.StreamResponse:
    if request.method in ("GET", "HEAD") and not request.path.startswith("/api/"):
        return redirect(f"/login?next={quote(request.path_qs, safe='')}")
    return web.json_response({"error": "log in first"}, status=401)


def _allowed_origins(request: web.Request, config: DashboardConfig) -> set[str]:
    return {f"{request.scheme}://{request.host}", *config.trusted_origins}


def _guard(config: DashboardConfig, store: UserStore) -> Any:
    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.match_info.http_exception is not None:  # unknown path or method
            return await handler(request)
        headers = request.headers
        if request.method == "POST" and not same_origin(
            headers.get("Origin"), headers.get("Referer"), _allowed_origins(request, config)
        ):
            log.warning("refused a cross-site %s %s", request.method, request.path)
            raise web.HTTPForbidden(text="cross-site request refused")
        if getattr(request.match_info.route.handler, "public", False):
            return await handler(request)
        token = request.cookies.get(SESSION_COOKIE, "")
        session = store.session(token)
        if session is None:
            return _unauthenticated(request)
        if request.method == "POST":
            form = await request.post()
            given = str(form.get("csrf_token") or headers.get("X-CSRF-Token") or "")
            if not csrf_matches(session.csrf_token, given):
                raise web.HTTPForbidden(text="missing or wrong CSRF token: reload the page")
        request[SESSION] = session
        request[TOKEN] = token
        return await handler(request)

    return guard


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")


def build_app(
    config: DashboardConfig,
    clock: Callable[[], datetime] | None = None,
    *,
    store: UserStore | None = None,
    limiter: LoginLimiter | None = None,
) -> web.Application:
    now = clock or (lambda: datetime.now(UTC))
    store = store or UserStore(config.users, clock=now)
    limiter = limiter or LoginLimiter(clock=now)

    def render(name: str, status: int = 200, **context: Any) -> web.Response:
        html = TEMPLATES.get_template(name).render(**context)
        return web.Response(text=html, content_type="text/html", status=status)

    def login_form(
        request: web.Request, status: int = 200, error: str | None = None, next_: str = "/"
    ) -> web.Response:
        token = secrets.token_urlsafe(32)
        response = render("login.html", status, csrf_token=token, error=error, next=next_)
        response.set_cookie(LOGIN_COOKIE, token, max_age=3600, **cookie_options(request, config))
        return response

    @public
    async def login_page(request: web.Request) -> web.StreamResponse:
        target = safe_next(request.query.get("next"))
        if store.session(request.cookies.get(SESSION_COOKIE, "")) is not None:
            return redirect(target)
        return login_form(request, next_=target)

    @public
    async def login(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        target = safe_next(str(form.get("next") or ""))
        if not csrf_matches(request.cookies.get(LOGIN_COOKIE), str(form.get("csrf_token") or "")):
            return login_form(request, 403, "The form expired: please log in again.", target)
        name = str(form.get("name") or "").strip().lower()
        password = str(form.get("password") or "")
        ip = request.remote or "unknown"
        wait = limiter.retry_after(name, ip)
        if wait is not None:
            minutes = max(1, round(wait.total_seconds() / 60))
            response = login_form(
                request, 429, f"Too many failed logins: try again in {minutes} min.", target
            )
            response.headers["Retry-After"] = str(max(1, int(wait.total_seconds())))
            return response
        user = await asyncio.to_thread(store.authenticate, name, password)
        if user is None:
            limiter.failed(name, ip)
            log.warning("failed dashboard login for %r from %s", name, ip)
            return login_form(request, 401, "Wrong user name or password.", target)
        limiter.succeeded(name)
        token = store.start_session(user)
        response = redirect(target)
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=int(SESSION_MAX.total_seconds()),
            **cookie_options(request, config),
        )
        response.del_cookie(LOGIN_COOKIE, path="/")
        log.info("%s logged in to the dashboard from %s", user.name, ip)
        return response

    async def logout(request: web.Request) -> web.StreamResponse:
        store.end_session(request[TOKEN])
        response = redirect("/login")
        response.del_cookie(SESSION_COOKIE, path="/")
        return response

    @public
    async def health(request: web.Request) -> web.StreamResponse:
        # for the orchestrator's probes: says the process serves, and nothing about the data
        return web.json_response({"ok": True})

    @public
    async def static(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name not in STATIC_FILES:
            raise web.HTTPNotFound()
        body = (resources.files("analytics.dashboard") / "static" / name).read_bytes()
        return web.Response(
            body=body,
            content_type=STATIC_FILES[name],
            headers={"Cache-Control": "max-age=3600"},
        )

    async def index(request: web.Request) -> web.StreamResponse:
        session = session_of(request)
        business = requested_business(request, session.user)
        view = read_view(config, business, session.user.scope())
        return render(
            "dashboard.html",
            **view,
            alert_list=owner_alerts(config, view, request),
            refresh=config.refresh_seconds,
            labels=LABELS,
            message=store.pop_flash(request[TOKEN]),
            now=now(),
            user=session.user,
            csrf_token=session.csrf_token,
        )

    async def api_feed(request: web.Request) -> web.StreamResponse:
        user = session_of(request).user
        view = read_view(config, requested_business(request, user), user.scope())
        return web.json_response(view["feed"], dumps=_dumps)

    async def api_alerts(request: web.Request) -> web.StreamResponse:
        user = session_of(request).user
        view = read_view(config, requested_business(request, user), user.scope())
        return web.json_response(view["alerts"], dumps=_dumps)

    async def change_alert(request: web.Request) -> web.StreamResponse:
        user = session_of(request).user
        alert_id = request.match_info["alert_id"]
        owner = alert_business(config, alert_id)
        if owner is None or not user.can_see(owner):
            raise web.HTTPNotFound(text="no such alert")
        state = {"ack": "acknowledged", "resolve": "resolved", "reopen": "open"}[
            request.match_info["action"]
        ]
        # the page shows one alert per cause: acting on it acts on the ones it replaces too
        earlier = superseded_by(config, alert_id, owner) if state != "open" else []
        try:
            with Outbox(config.outbox) as outbox:
                for one in [alert_id, *earlier]:
                    outbox.set_state(one, state, by=user.name, now=now())
        except OutboxError as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        log.info("alert %s set to %s by %s from the dashboard", alert_id, state, user.name)
        store.set_flash(request[TOKEN], f"alert {alert_id} {state}")
        return redirect("/")

    async def correct(request: web.Request) -> web.StreamResponse:
        user = session_of(request).user
        form = await request.post()
        event_id = str(form.get("event_id", ""))
        owner = review_business(config, event_id)
        if owner is None or not user.can_see(owner):
            raise web.HTTPNotFound(text="no such review")
        label = str(form.get("label", ""))
        if label not in LABELS:
            raise web.HTTPBadRequest(text=f"label must be one of {', '.join(LABELS)}")
        try:
            record_correction(
                config.db,
                config.settings,
                event_id,
                label,
                user.name,
                lake=config.lake,
                catalog=config.catalog,
                broker=config.broker,
            )
        except CorrectionError as exc:
            raise web.HTTPConflict(text=str(exc)) from None
        log.info("review %s corrected to %s by %s", event_id, label, user.name)
        store.set_flash(request[TOKEN], f"review {event_id} marked {label}")
        return redirect("/")

    app = web.Application(middlewares=[_guard(config, store)])
    app.on_response_prepare.append(_security_headers)
    app.add_routes(
        [
            web.get("/login", login_page),
            web.post("/login", login),
            web.post("/logout", logout),
            web.get("/static/{name}", static),
            web.get("/health", health),
            web.get("/", index),
            web.get("/api/feed", api_feed),
            web.get("/api/alerts", api_alerts),
            web.post("/alerts/{alert_id}/{action:ack|resolve|reopen}", change_alert),
            web.post("/corrections", correct),
        ]
    )
    return app


def _dumps(value: Any) -> str:
    def default(item: Any) -> Any:
        if isinstance(item, Decimal):
            return str(item)
        if isinstance(item, datetime):
            return item.isoformat()
        return str(item)

    return json.dumps(value, default=default, ensure_ascii=False)


def serve(config: DashboardConfig, host: str, port: int) -> None:
    web.run_app(build_app(config), host=host, port=port, print=None)
