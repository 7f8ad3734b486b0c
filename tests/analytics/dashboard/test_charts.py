"""The dashboard's charts (issue 19): the SQL in analytics/dashboard/charts/ agrees with the
tables it reads, the SVG marks what an owner needs (the spike, the period end, running out), and the
page shows them for the logged-in owner's business only, with no script."""

from datetime import date
from decimal import Decimal

import duckdb
import pytest

from analytics.dashboard.charts import (
    badly_closed_chart,
    budget_burndown_chart,
    chart_rows,
    negative_reviews_chart,
)
from tests.analytics.conftest import PASSWORD, fast_store
from tests.analytics.dashboard.conftest import chromium, dashboard_copy, dashboard_server, log_in

OWN = "dobry-sen"
SPIKY = "masaz-akademia"  # the sample's burst of angry reviews in Kraków


@pytest.fixture(scope="module")
def config(sample_folder, tmp_path_factory):
    return dashboard_copy(sample_folder, tmp_path_factory.mktemp("charts") / "data")


@pytest.fixture(scope="module")
def catalog(config):
    with duckdb.connect(str(config.catalog), read_only=True) as con:
        yield con


def one(con, sql, params):
    return con.execute(sql, params).fetchone()


def test_negative_per_day_adds_up_to_the_reviews_and_marks_the_spike_day(catalog):
    rows = chart_rows(catalog, "negative_per_day", SPIKY)
    (negative,) = one(
        catalog, "SELECT count(*) FROM reviews WHERE business_id = ? AND label = 'neg'", [SPIKY]
    )
    assert sum(r["negative"] for r in rows) == negative
    (spike_day,) = one(
        catalog,
        "SELECT min(CAST(timezone('UTC', created_at) AS DATE)) FROM alerts"
        " WHERE business_id = ? AND rule = 'negative_spike'",
        [SPIKY],
    )
    assert [r["day"] for r in rows if r["spike"]] == [spike_day]
    assert not any(r["spike"] for r in chart_rows(catalog, "negative_per_day", OWN))


def test_budget_burndown_ends_at_what_the_budget_status_says_is_left(catalog):
    rows = chart_rows(catalog, "budget_burndown", OWN)
    remaining, period_end = one(
        catalog,
        "SELECT remaining, period_ends_on FROM budget_status WHERE business_id = ?"
        " ORDER BY period DESC LIMIT 1",
        [OWN],
    )
    assert rows[-1]["remaining"] == remaining
    assert rows[0]["day"] == date(2026, 11, 1)
    assert rows[-1]["period_ends_on"] == period_end
    # it only ever goes down or stays (the sample has no reversals for this business)
    left = [r["remaining"] for r in rows]
    assert left == sorted(left, reverse=True)


def test_money_at_risk_each_day_sums_every_customers_latest_risk_by_then(catalog):
    rows = chart_rows(catalog, "money_at_risk", OWN)
    history = catalog.execute(
        "SELECT customer_key, CAST(timezone('UTC', occurred_at) AS DATE), occurred_at, event_id,"
        " revenue_at_risk FROM risk_history WHERE business_id = ? ORDER BY occurred_at, event_id",
        [OWN],
    ).fetchall()
    for row in (rows[0], rows[len(rows) // 2], rows[-1]):
        latest = {}
        for customer, day, _, _, revenue in history:  # in time order: the last one wins
            if day <= row["day"]:
                latest[customer] = revenue or Decimal(0)
        assert row["revenue_at_risk"] == sum(latest.values()), row["day"]
    assert rows[-1]["currency"] == "PLN"
    days = [r["day"] for r in rows]
    assert days == sorted(set(days)) and (days[-1] - days[0]).days + 1 == len(days)  # no gaps


def test_badly_closed_share_per_handler_matches_the_closures(catalog):
    rows = chart_rows(catalog, "badly_closed_by_handler", OWN)
    closures = catalog.execute(
        "SELECT handler, badly_closed FROM complaints_closed WHERE business_id = ?", [OWN]
    ).fetchall()
    for row in rows:
        mine = [bad for handler, bad in closures if handler == row["handler"]]
        assert row["closed"] == len(mine)
        assert row["badly_closed"] == sum(mine)
    shares = [r["share_pct"] for r in rows]
    assert shares == sorted(shares, reverse=True)


def test_the_svg_marks_the_spike_the_period_end_and_the_day_it_ran_out():
    spike = negative_reviews_chart(
        [
            {"day": date(2026, 11, 18), "negative": 1, "reviews": 4, "spike": False},
            {"day": date(2026, 11, 19), "negative": 6, "reviews": 7, "spike": True},
        ]
    )
    assert spike.svg.count('class="bar spike"') == 1 and ">spike</text>" in spike.svg
    assert "Spike alert on 19 Nov" in spike.summary
    burn = budget_burndown_chart(
        [
            {
                "day": date(2026, 11, d),
                "remaining": Decimal(r),
                "budget": Decimal("1000"),
                "currency": "PLN",
                "period": "2026-11",
                "period_ends_on": date(2026, 11, 30),
                "runs_out_on": date(2026, 11, 2),
            }
            for d, r in ((1, "400"), (2, "-50"))
        ]
    )
    assert "period ends 30 Nov" in burn.svg and "runs out 02 Nov" in burn.svg
    assert "over budget by 50.00 PLN" in burn.summary
    hostile = badly_closed_chart(
        [{"handler": "<script>x</script>", "closed": 2, "badly_closed": 1, "share_pct": 50.0}]
    )
    assert "<script>" not in hostile.svg and "&lt;script&gt;" in hostile.svg


def test_the_page_shows_the_charts_of_the_owners_business_only(config):
    store = fast_store(config.users)
    store.add_user("ola", PASSWORD, "owner", [OWN])
    store.add_user("boss", PASSWORD, "admin")
    with dashboard_server(config, store) as base, chromium() as browser:
        page = browser.new_page()
        log_in(page, base, "ola")
        sets = page.locator("#charts .charts")
        assert sets.count() == 1 and sets.first.get_attribute("data-business") == OWN
        figures = page.locator("#charts figure.chart")
        keys = [f.get_attribute("data-chart") for f in figures.all()]
        assert keys == ["negative", "at-risk", "budget", "handlers"]
        for figure in figures.all():
            box = figure.locator("svg").bounding_box()
            assert box and box["width"] > 200 and box["height"] > 80
        budget = page.locator('figure[data-chart="budget"]').inner_text()
        assert "over budget by" in budget and "PLN" in budget and "period ends on 30 Nov" in budget
        assert "<script" not in page.content()
        page.context.clear_cookies()
        log_in(page, base, "boss")
        page.goto(f"{base}/?business={SPIKY}")
        spike = page.locator('figure[data-chart="negative"]')
        assert spike.locator("rect.spike").count() == 1
        assert "Spike alert on 19 Nov" in spike.inner_text()
