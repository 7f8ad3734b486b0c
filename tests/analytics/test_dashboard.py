"""The owners' dashboard in a real browser (Debian's chromium, driven by Playwright)."""

import asyncio
import shutil
import socket
import threading
from pathlib import Path

import duckdb
import pytest
from aiohttp import web
from playwright.sync_api import sync_playwright

from analytics.dashboard import DashboardConfig, build_app
from analytics.lake import write_catalog
from analytics.outbox import Outbox, default_path
from analytics.sink import DuckDBSink
from cli import load_settings
from streams.embedded import run_embedded

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    assert Path(CHROMIUM).exists(), "chromium is missing: `make venv` installs it with apt"
    folder = tmp_path_factory.mktemp("dash")
    db = folder / "demo.duckdb"
    settings = load_settings(str(ROOT / "sample" / "businesses.toml"))
    sink = DuckDBSink(db)
    run_embedded(str(ROOT / "sample" / "events.jsonl"), sink, settings)
    sink.snapshot(folder / "lake")
    alerts = sink.con.execute("SELECT * FROM alerts ORDER BY created_at").fetchall()
    columns = [d[0] for d in sink.con.description]
    sink.close()
    write_catalog(folder / "lake", folder / "analyst.duckdb")
    with Outbox(default_path(db)) as outbox:
        outbox.enqueue([dict(zip(columns, row, strict=True)) for row in alerts])

    config = DashboardConfig(db=db, settings=settings, refresh_seconds=600)
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(build_app(config))

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded", timeout=30_000)
        yield page, config
        browser.close()
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
    loop.call_soon_threadsafe(loop.stop)


def test_feed_puts_the_blogger_first_with_reasons(dashboard):
    page, _ = dashboard
    first = page.locator("#feed tr").nth(1)
    assert "fit_kasia" in first.inner_text()
    assert "blogger" in first.inner_text()
    assert "closed badly" in first.inner_text()


def test_badly_closed_alerts_come_first(dashboard):
    page, _ = dashboard
    first_alert = page.locator("#alerts tr").nth(1)
    assert "badly_closed" in first_alert.inner_text()


def test_acknowledging_an_alert_from_the_page_changes_its_state(dashboard):
    page, config = dashboard
    row = page.locator("#alerts tr", has_text="cmp-blog").first
    alert_id = row.get_attribute("data-alert")
    row.get_by_role("button", name="acknowledge").click()
    page.wait_for_selector("#message")
    assert "acknowledged" in page.locator("#message").inner_text()
    row = page.locator(f'#alerts tr[data-alert="{alert_id}"]')
    assert row.locator("td.state").inner_text() == "acknowledged"
    with Outbox(config.outbox) as outbox:
        states = {a["alert_id"]: a["state"] for a in outbox.list_alerts()}
    assert states[alert_id] == "acknowledged"


def risk_of_reviewer(db, event_id):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT f.risk_score FROM risk_feed AS f JOIN reviews_scored AS r USING (customer_key)"
            " WHERE r.event_id = ?",
            [event_id],
        ).fetchone()[0]


def test_correcting_a_review_from_the_page_relabels_it_everywhere(dashboard):
    page, config = dashboard
    row = page.locator("#reviews tr", has=page.locator("span.badge.pos")).first
    event_id = row.get_attribute("data-review")
    before = risk_of_reviewer(config.db, event_id)
    row.locator("select").select_option("neg")
    row.get_by_role("button", name="correct").click()
    page.wait_for_selector("#message")
    row = page.locator(f'#reviews tr[data-review="{event_id}"]')
    assert row.locator("span.badge").first.inner_text() == "neg"
    assert "corrected; scored pos" in row.inner_text()
    with duckdb.connect(str(config.db), read_only=True) as con:
        label = con.execute("SELECT label FROM reviews WHERE event_id = ?", [event_id]).fetchone()[
            0
        ]
    assert label == "neg"
    # and the reviewer's risk follows: a review now negative puts them at risk
    assert risk_of_reviewer(config.db, event_id) > before
