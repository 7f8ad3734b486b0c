"""Logins, business scoping and the dashboard's defences, in a real browser (Debian's chromium
driven by Playwright, loopback only).

Three users: `ola` owns dobry-sen, `ivan` is staff at knyzhkova-lavka, `locked` owns
masaz-akademia and is only used to trip the login rate limit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from aiohttp import web

from analytics.dashboard.app import SESSION_COOKIE, DashboardConfig, build_app
from analytics.dashboard.auth import UserStore
from analytics.delivery.outbox import Outbox
from pipeline.alerts import ALERT_STATES
from tests.analytics.conftest import HOSTILE, PASSWORD, fast_store
from tests.analytics.dashboard.conftest import chromium, dashboard_copy, dashboard_server, log_in
from tests.servers import serving

OWN = "dobry-sen"  # ola's business, the one the others attack

# Routes anyone may reach, and routes that hold no business's data. Every other route of the
# app must have a probe in `tenant_probes`, or test_every_route_is_probed fails.
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/static/{name}"), ("GET", "/health")}
NO_BUSINESS_DATA = {("POST", "/logout")}


@dataclass
class Site:
    base: str
    config: DashboardConfig
    store: UserStore
    browser: object


@pytest.fixture(scope="module")
def site(sample_folder: Path, tmp_path_factory: pytest.TempPathFactory):
    config = dashboard_copy(sample_folder, tmp_path_factory.mktemp("secure") / "data")
    store = fast_store(config.users)
    store.add_user("ola", PASSWORD, "owner", [OWN])
    store.add_user("ivan", PASSWORD, "staff", ["knyzhkova-lavka"])
    store.add_user("locked", PASSWORD, "owner", ["masaz-akademia"])
    with dashboard_server(config, store) as base, chromium() as browser:
        yield Site(base, config, store, browser)


@pytest.fixture
def open_as(site: Site):
    """open_as(name) -> a page in a fresh browser context, logged in as that user."""
    contexts = []

    def open_page(name: str | None):
        context = site.browser.new_context()
        contexts.append(context)
        page = context.new_page()
        if name:
            log_in(page, site.base, name)
        return page

    yield open_page
    for context in contexts:
        context.close()


def all_alerts(config: DashboardConfig) -> dict[str, dict]:
    with Outbox(config.outbox) as outbox:
        alerts = outbox.list_alerts(states=ALERT_STATES, include_suppressed=True)
    return {a["alert_id"]: a for a in alerts}


def corrections(config: DashboardConfig) -> list[tuple]:
    with duckdb.connect(str(config.db), read_only=True) as con:
        return con.execute(
            "SELECT target_event_id, label, corrected_by FROM sentiment_corrections ORDER BY 1"
        ).fetchall()


def one_review_of(config: DashboardConfig, business: str) -> str:
    with duckdb.connect(str(config.catalog), read_only=True) as con:
        return con.execute(
            "SELECT event_id FROM reviews WHERE business_id = ? ORDER BY event_id LIMIT 1",
            [business],
        ).fetchone()[0]


def one_open_alert_of(config: DashboardConfig, business: str) -> str:
    return next(
        a["alert_id"]
        for a in all_alerts(config).values()
        if a["business_id"] == business and a["state"] == "open"
    )


def csrf_of(page) -> str:
    return page.locator("input[name=csrf_token]").first.get_attribute("value")


def column(page, table: str, index: int) -> set[str]:
    cells = page.locator(f"#{table} tr td:nth-child({index})").all_inner_texts()
    return {c.strip() for c in cells}


# ------------------------------------------------------------------ logging in and out


def test_the_dashboard_asks_for_a_login(site, open_as):
    page = open_as(None)
    page.goto(f"{site.base}/?business={OWN}", wait_until="domcontentloaded")
    assert page.url == f"{site.base}/login?next=%2F%3Fbusiness%3D{OWN}"
    page.fill("#name", "ola")
    page.fill("#password", "not the password")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="log in").click()
    assert navigation.value.status == 401
    assert "Wrong user name or password" in page.locator("#error").inner_text()
    page.fill("#name", "ola")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="log in").click()
    page.wait_for_url(f"{site.base}/?business={OWN}")  # back where they were going
    assert page.locator("#user").inner_text() == "ola (owner)"


def test_the_session_cookie_is_httponly_and_samesite_lax(site, open_as):
    page = open_as("ola")
    (cookie,) = [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["secure"] is False  # plain http on loopback; https sets it (test_auth.py)
    assert page.evaluate("() => document.cookie") == ""  # no script can read it


def test_an_owner_sees_only_their_business(site, open_as):
    page = open_as("ola")
    assert page.locator("nav a").all_inner_texts() == [OWN]
    for table, index in (("alerts", 3), ("feed", 2), ("budget", 1), ("reviews", 2)):
        assert column(page, table, index) == {OWN}, table
    cards = page.locator("#overview .card").all_inner_texts()
    assert len(cards) == 1 and cards[0].startswith(OWN)
    for api in ("/api/feed", "/api/alerts"):
        rows = page.request.get(f"{site.base}{api}").json()
        assert rows and {r["business_id"] for r in rows} == {OWN}, api


def test_an_owner_acts_on_an_alert_as_themself(site, open_as):
    page = open_as("ola")
    row = page.locator("#alerts tr", has=page.get_by_role("button", name="acknowledge")).first
    alert_id = row.get_attribute("data-alert")
    row.get_by_role("button", name="acknowledge").click()
    page.wait_for_selector("#message")
    assert page.locator("#message").inner_text() == f"alert {alert_id} acknowledged"
    row = page.locator(f'#alerts tr[data-alert="{alert_id}"]')
    assert row.locator("td.state").inner_text() == "acknowledged"
    alert = all_alerts(site.config)[alert_id]
    assert (alert["state"], alert["state_changed_by"]) == ("acknowledged", "ola")
    page.reload()
    assert page.locator("#message").count() == 0  # the message shows once


def test_an_owner_corrects_a_review_as_themself(site, open_as):
    page = open_as("ola")
    row = page.locator("#reviews tr", has=page.locator("span.badge.pos")).first
    event_id = row.get_attribute("data-review")
    row.locator("select").select_option("neg")
    row.get_by_role("button", name="correct").click()
    page.wait_for_selector("#message")
    row = page.locator(f'#reviews tr[data-review="{event_id}"]')
    assert row.locator("span.badge").first.inner_text() == "neg"
    assert (event_id, "neg", "ola") in corrections(site.config)


def test_logging_out_ends_the_session_on_the_server(site, open_as):
    page = open_as("ola")
    (cookie,) = [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    page.get_by_role("button", name="log out").click()
    page.wait_for_url(f"{site.base}/login")
    assert page.request.get(f"{site.base}/api/feed").status == 401
    replay = open_as(None)  # the old cookie, replayed by someone who kept it
    replay.context.add_cookies([cookie])
    assert replay.request.get(f"{site.base}/api/feed").status == 401


def test_failed_logins_are_rate_limited_per_user(site, open_as):
    page = open_as(None)
    page.goto(f"{site.base}/login")
    for attempt in range(6):
        page.fill("#name", "locked")
        page.fill("#password", PASSWORD if attempt == 5 else f"wrong password {attempt}")
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="log in").click()
        assert navigation.value.status == (429 if attempt == 5 else 401)
    assert "Too many failed logins" in page.locator("#error").inner_text()
    assert int(navigation.value.headers["retry-after"]) > 0
    log_in(open_as(None), site.base, "ola")  # another user from the same address still can


# ------------------------------------------------------------------ forged and foreign requests


@pytest.fixture
def attacker(site: Site):
    """A page on another origin (another loopback port: same site, so Lax cookies go along)
    with forms that post to the dashboard."""
    alert_id = one_open_alert_of(site.config, OWN)
    review_id = one_review_of(site.config, OWN)
    html = f"""<!doctype html><title>win a prize</title>
<form id="resolve" method="post" action="{site.base}/alerts/{alert_id}/resolve">
<input name="csrf_token" value="guessed"><button>claim prize</button></form>
<form id="correct" method="post" action="{site.base}/corrections">
<input name="event_id" value="{review_id}"><input name="label" value="pos">
<button>claim bonus</button></form>"""

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=html, content_type="text/html")

    app = web.Application()
    app.add_routes([web.get("/", page)])
    with serving(app) as base:
        yield base, alert_id, review_id


def test_a_cross_site_post_is_refused_and_changes_nothing(site, open_as, attacker):
    evil, alert_id, review_id = attacker
    alerts_before, corrections_before = all_alerts(site.config), corrections(site.config)
    page = open_as("ola")
    for button in ("claim prize", "claim bonus"):
        page.goto(evil)
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name=button).click()
        assert navigation.value.status == 403
        assert "cross-site request refused" in page.content()
    # the same posts from the dashboard's own origin but without the session's token
    page.goto(f"{site.base}/")
    own = {"Origin": site.base}
    for form in ({}, {"csrf_token": "guessed"}, {"csrf_token": ""}):
        url = f"{site.base}/alerts/{alert_id}/resolve"
        assert page.request.post(url, form=form, headers=own).status == 403
        form = {**form, "event_id": review_id, "label": "pos"}
        assert page.request.post(f"{site.base}/corrections", form=form, headers=own).status == 403
    # and a right token with no Origin or Referer at all
    token = {"csrf_token": csrf_of(page)}
    no_source = {"Referer": "", "Origin": ""}
    url = f"{site.base}/alerts/{alert_id}/resolve"
    assert page.request.post(url, form=token, headers=no_source).status == 403
    assert all_alerts(site.config) == alerts_before
    assert all_alerts(site.config)[alert_id]["state"] == "open"
    assert corrections(site.config) == corrections_before


def test_the_token_and_origin_together_are_accepted(site, open_as):
    """The refusals above are not a broken endpoint: the same request with both passes."""
    page = open_as("ola")
    alert_id = one_open_alert_of(site.config, OWN)
    response = page.request.post(
        f"{site.base}/alerts/{alert_id}/ack",
        form={"csrf_token": csrf_of(page)},
        headers={"Origin": site.base},
        max_redirects=0,
    )
    assert response.status == 303
    assert all_alerts(site.config)[alert_id]["state_changed_by"] == "ola"


def app_routes(config: DashboardConfig) -> set[tuple[str, str]]:
    """(method, path pattern) of every route the app serves (HEAD mirrors GET)."""
    app = build_app(config, store=UserStore(config.users))
    return {
        (route.method, route.resource.canonical)
        for route in app.router.routes()
        if route.method != "HEAD"
    }


def tenant_probes(alert_id: str, review_id: str) -> dict[tuple[str, str], list[tuple]]:
    """For each route: requests that ask it for dobry-sen's data (url, form)."""
    pages = [f"?business={OWN}", f"?business_id={OWN}"]
    return {
        ("GET", "/"): [(f"/{q}", None) for q in pages],
        ("GET", "/api/feed"): [(f"/api/feed{q}", None) for q in pages],
        ("GET", "/api/alerts"): [(f"/api/alerts{q}", None) for q in pages],
        ("POST", "/alerts/{alert_id}/{action}"): [
            (f"/alerts/{alert_id}/{action}", {}) for action in ("ack", "resolve", "reopen")
        ],
        ("POST", "/corrections"): [("/corrections", {"event_id": review_id, "label": "pos"})],
    }


def test_every_route_is_probed(site):
    probes = tenant_probes("a", "r")
    assert app_routes(site.config) == PUBLIC | NO_BUSINESS_DATA | set(probes)


def test_another_business_gets_404_on_every_route(site, open_as):
    alert_id = one_open_alert_of(site.config, OWN)
    review_id = one_review_of(site.config, OWN)
    alerts_before, corrections_before = all_alerts(site.config), corrections(site.config)
    page = open_as("ivan")
    token = csrf_of(page)
    tried = 0
    for (method, _), requests in tenant_probes(alert_id, review_id).items():
        for path, form in requests:
            url = f"{site.base}{path}"
            if method == "GET":
                for verb in ("GET", "HEAD"):
                    assert page.request.fetch(url, method=verb).status == 404, (verb, path)
            else:
                form = {**form, "csrf_token": token}
                response = page.request.post(url, form=form, headers={"Origin": site.base})
                assert response.status == 404, path
            tried += 1
    assert tried == 10
    assert all_alerts(site.config) == alerts_before
    assert corrections(site.config) == corrections_before
    # and without asking for a business, none of dobry-sen's data shows
    page.goto(f"{site.base}/")
    assert OWN not in page.content()
    for api in ("/api/feed", "/api/alerts"):
        rows = page.request.get(f"{site.base}{api}").json()
        assert rows and OWN not in {r["business_id"] for r in rows}


def test_without_a_login_every_route_answers_401_or_the_login_page(site, open_as):
    page = open_as(None)
    probes = tenant_probes(one_open_alert_of(site.config, OWN), one_review_of(site.config, OWN))
    for (method, _), requests in {**probes, ("POST", "/logout"): [("/logout", {})]}.items():
        for path, form in requests:
            url = f"{site.base}{path}"
            if method == "POST":
                response = page.request.post(url, form=form, headers={"Origin": site.base})
                assert response.status == 401, path
            elif path.startswith("/api/"):
                assert page.request.get(url).status == 401, path
            else:
                response = page.request.get(url, max_redirects=0)
                assert response.status == 303, path
                assert response.headers["location"].startswith("/login?next="), path


def test_health_answers_without_a_login_and_shows_no_data(site, open_as):
    response = open_as(None).request.get(f"{site.base}/health", max_redirects=0)
    assert response.status == 200
    assert response.json() == {"ok": True}


def test_an_admin_sees_every_business(site, open_as):
    site.store.add_user("root", PASSWORD, "admin")
    page = open_as("root")
    assert len(column(page, "reviews", 2)) == 3
    assert page.request.get(f"{site.base}/api/feed?business={OWN}").status == 200


# ------------------------------------------------------------------ hostile content, headers


def test_hostile_review_text_renders_as_text(site, open_as):
    page = open_as("ola")
    texts = page.locator("#reviews tr td:nth-child(6)").all_inner_texts()
    for text in HOSTILE.values():
        assert text in texts  # shown literally, tags and all
    assert page.locator("#reviews img").count() == 0
    assert page.locator("script").count() == 0
    assert page.evaluate("() => window.__pwned") is None


def test_security_headers_on_every_kind_of_response(site, open_as):
    page = open_as("ola")
    anonymous = open_as(None)
    responses = {
        "page": page.request.get(f"{site.base}/"),
        "api": page.request.get(f"{site.base}/api/alerts"),
        "css": page.request.get(f"{site.base}/static/dashboard.css"),
        "login": anonymous.request.get(f"{site.base}/login"),
        "401": anonymous.request.get(f"{site.base}/api/feed"),
        "404": page.request.get(f"{site.base}/api/feed?business=nope"),
        "no route": page.request.get(f"{site.base}/nowhere"),
        "403": page.request.post(f"{site.base}/corrections", headers={"Origin": "http://x.test"}),
    }
    for kind, response in responses.items():
        headers = response.headers
        assert "default-src 'none'" in headers["content-security-policy"], kind
        assert headers["x-frame-options"] == "DENY", kind
        assert headers["referrer-policy"] == "same-origin", kind
        assert headers["x-content-type-options"] == "nosniff", kind
    assert responses["css"].headers["content-type"].startswith("text/css")
    assert responses["page"].headers["cache-control"] == "no-store"
    assert page.request.get(f"{site.base}/static/../auth.py").status == 404


INLINE_CODE = """() => ({
    scripts: document.scripts.length,
    styles: document.querySelectorAll("style").length,
    attributes: [...document.querySelectorAll("*")]
        .flatMap(e => [...e.attributes].map(a => a.name))
        .filter(name => name === "style" || name.startsWith("on")),
})"""


def test_the_page_carries_no_inline_script_or_style(site, open_as):
    page = open_as("ola")
    assert page.evaluate(INLINE_CODE) == {"scripts": 0, "styles": 0, "attributes": []}
    # its CSS loaded under the CSP: the cards have the stylesheet's white background
    background = page.locator("#overview .card").first.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert background == "rgb(255, 255, 255)"
