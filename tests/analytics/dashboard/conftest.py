"""Shared by the dashboard tests: a private copy of the sample (tests/analytics/conftest.py
builds it once), the app served on loopback in a thread, Debian's chromium driven by Playwright
(no browser download), and logging in."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from analytics.dashboard.app import DashboardConfig, build_app
from analytics.dashboard.auth import UserStore
from analytics.lake import catalog_path, lake_path, write_catalog
from cli import load_settings
from tests.analytics.conftest import PASSWORD, ROOT
from tests.servers import serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def dashboard_copy(sample_folder: Path, target: Path) -> DashboardConfig:
    """A private copy of the sample (database, lake, outbox) with its own catalog."""
    shutil.copytree(sample_folder, target)
    db = target / "demo.duckdb"
    write_catalog(lake_path(db), catalog_path(db))
    settings = load_settings(str(ROOT / "sample" / "businesses.toml"))
    return DashboardConfig(db=db, settings=settings, refresh_seconds=600)


@contextmanager
def dashboard_server(config: DashboardConfig, store: UserStore) -> Iterator[str]:
    with serving(build_app(config, store=store)) as base:
        yield base


@contextmanager
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "chromium is missing: `make venv` installs it with apt"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def log_in(page, base: str, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login", wait_until="domcontentloaded", timeout=30_000)
    page.fill("#name", name)
    page.fill("#password", password)
    page.get_by_role("button", name="log in").click()
    page.wait_for_url(f"{base}/", timeout=30_000)
