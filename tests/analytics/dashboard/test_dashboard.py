"""The owners' dashboard in a real browser (Debian's chromium, driven by Playwright), logged
in as an admin, who sees every business (test_dashboard_security.py beside it covers owners,
scoping and the defences)."""

import duckdb
import pytest

from analytics.delivery.outbox import Outbox
from tests.analytics.conftest import PASSWORD, fast_store
from tests.analytics.dashboard.conftest import chromium, dashboard_copy, dashboard_server, log_in


@pytest.fixture(scope="module")
def dashboard(sample_folder, tmp_path_factory):
    config = dashboard_copy(sample_folder, tmp_path_factory.mktemp("dash") / "data")
    store = fast_store(config.users)
    store.add_user("boss", PASSWORD, "admin")
    with dashboard_server(config, store) as base, chromium() as browser:
        page = browser.new_page()
        log_in(page, base, "boss")
        yield page, config


def test_feed_puts_the_blogger_first_with_reasons(dashboard):
    page, _ = dashboard
    first = page.locator("#feed tr").nth(1)
    assert "fit_kasia" in first.inner_text()
    assert "blogger" in first.inner_text()
    assert "closed badly" in first.inner_text()


def test_budget_alerts_come_first_then_badly_closed_complaints(dashboard):
    page, _ = dashboard
    rules = [r.get_attribute("data-rule") for r in page.locator("#alerts tr[data-alert]").all()]
    assert rules[0] == "budget_level"
    first_other = next(r for r in rules if not r.startswith("budget"))
    assert first_other == "badly_closed"


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
        changed = {a["alert_id"]: a for a in outbox.list_alerts()}[alert_id]
    assert changed["state"] == "acknowledged"
    assert changed["state_changed_by"] == "boss"  # the logged-in user, never a form field


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
    with duckdb.connect(str(config.db), read_only=True) as con:
        by = con.execute(
            "SELECT corrected_by FROM sentiment_corrections WHERE target_event_id = ?", [event_id]
        ).fetchone()[0]
    assert by == "boss"
    # and the reviewer's risk follows: a review now negative puts them at risk
    assert risk_of_reviewer(config.db, event_id) > before
