"""The owner's alert list (issue 19): grouped and ranked with the budget first, one alert per
cause, plain words, money with its currency, counts per kind, filters, "showing 10 of N"."""

import re
from decimal import Decimal

import pytest

from analytics.dashboard.alertlist import alert_list, collapse, money, plain_words
from analytics.delivery.outbox import Outbox
from pipeline.alerts import ALERT_STATES
from tests.analytics.conftest import PASSWORD, fast_store
from tests.analytics.dashboard.conftest import chromium, dashboard_copy, dashboard_server, log_in

INTERNAL_NAME = re.compile(r"\[[a-z_]+\]|\b[a-z]+_[a-z_]+\b")


def alert(rule, severity="warning", key=None, state="open", **extra):
    return {
        "alert_id": extra.pop("alert_id", f"{rule}-{key or severity}"),
        "rule": rule,
        "severity": severity,
        "business_id": extra.pop("business_id", "b1"),
        "created_at": extra.pop("created_at", "2026-11-20T10:00:00+00:00"),
        "dedupe_key": key or f"{rule}:b1:x",
        "title": extra.pop("title", rule),
        "explanation": extra.pop("explanation", ""),
        "state": state,
        **extra,
    }


def budget(level, severity, state="open"):
    facts = {
        "level": level,
        "used_pct": f"{level + 2}.00",
        "remaining": "10.00",
        "period": "2026-11",
    }
    return alert(
        "budget_level",
        severity,
        f"budget:b1:2026-11:{level}",
        state,
        alert_id=f"budget-{level}",
        title=f"Refund budget 2026-11: {level}% used",
        facts=facts,
        currency="PLN",
        created_at=f"2026-11-{10 + level // 10}T10:00:00+00:00",
    )


def no_currency(business_id):
    return None


def test_budget_stages_of_one_period_collapse_into_the_latest():
    stages = [budget(50, "info"), budget(80, "warning"), budget(100, "critical")]
    [(latest, earlier)] = collapse(stages)
    assert latest["alert_id"] == "budget-100"
    assert [a["alert_id"] for a in earlier] == ["budget-80", "budget-50"]
    listed = alert_list(stages, no_currency)
    [(heading, [item])] = listed.groups
    assert heading == "Refund budget"
    assert item.replaces == ("Refund budget 2026-11: 80% used", "Refund budget 2026-11: 50% used")
    assert listed.total == 1
    # another period is another cause
    other = dict(budget(50, "info"), alert_id="dec", dedupe_key="budget:b1:2026-12:50")
    assert alert_list([*stages, other], no_currency).total == 2


def test_a_deadline_warning_is_replaced_by_its_overdue_alert_but_not_by_another_complaint():
    near = alert("deadline_near", "warning", "deadline:b1:c1:warning", alert_id="near")
    late = alert("deadline_overdue", "critical", "deadline:b1:c1:overdue", alert_id="late")
    other = alert("deadline_near", "warning", "deadline:b1:c2:warning", alert_id="other")
    chains = {
        a["alert_id"]: [e["alert_id"] for e in earlier]
        for a, earlier in collapse([near, late, other])
    }
    assert chains == {"late": ["near"], "other": []}


def test_budget_comes_first_then_groups_with_a_critical_alert():
    alerts = [
        alert("policy_reship_limit", "warning", revenue_at_risk="0"),
        alert("badly_closed", "warning", "badly_closed:b1:c1", revenue_at_risk="10"),
        alert("high_risk_review", "critical", "high_risk_review:b1:r1", revenue_at_risk="5"),
        alert("badly_closed", "critical", "badly_closed:b1:c2", revenue_at_risk="1"),
        alert("budget_forecast", "warning", facts={}),
    ]
    listed = alert_list(alerts, no_currency)
    headings = [heading for heading, _ in listed.groups]
    assert headings == [
        "Refund budget",
        "Complaints closed badly",
        "Reviews that can hurt",
        "Goodwill outside policy",
    ]
    complaints = listed.groups[1][1]
    assert [i.alert["severity"] for i in complaints] == ["critical", "warning"]


def test_reasons_are_plain_words_without_internal_names():
    text = "[negative_at_you] The reply is short; missing: positive_opening, own_site"
    plain = plain_words(text)
    assert not INTERNAL_NAME.search(plain), plain
    assert "angry at you personally" in plain and "a friendly opening" in plain


def test_money_always_carries_its_currency_even_when_the_alert_has_none():
    cap = alert(
        "policy_customer_cap",
        facts={"limit": "500", "actual": "520.00", "period": "2026-11", "granted_by": "tom"},
        currency=None,
    )
    [(_, [item])] = alert_list([cap], lambda business: "UAH").groups
    assert "520.00 UAH" in item.reason and "500.00 UAH" in item.reason
    assert item.label == "Customer over the goodwill cap"
    assert money(Decimal("275529.5"), "PLN") == "275\u202f529.50 PLN"


def test_counts_filters_and_showing_n_of_total():
    alerts = [
        alert("badly_closed", key=f"badly_closed:b1:c{n}", alert_id=f"c{n}") for n in range(12)
    ]
    alerts += [alert("negative_spike", key="spike:b1:1"), budget(100, "critical", "resolved")]
    listed = alert_list(alerts, no_currency)
    assert (listed.shown, listed.total) == (10, 13)
    assert dict((r, n) for r, _, n in listed.counts) == {"badly_closed": 12, "negative_spike": 1}
    spikes = alert_list(alerts, no_currency, rule="negative_spike")
    assert (spikes.shown, spikes.total) == (1, 1)
    resolved = alert_list(alerts, no_currency, state="resolved")
    assert [i.alert_id for _, items in resolved.groups for i in items] == ["budget-100"]
    assert alert_list(alerts, no_currency, state="all", limit=None).shown == 14


# ------------------------------------------------------------------ in the browser


@pytest.fixture(scope="module")
def site(sample_folder, tmp_path_factory):
    config = dashboard_copy(sample_folder, tmp_path_factory.mktemp("alerts") / "data")
    store = fast_store(config.users)
    store.add_user("boss", PASSWORD, "admin")
    with dashboard_server(config, store) as base, chromium() as browser:
        page = browser.new_page()
        log_in(page, base, "boss")
        yield page, base, config


def outbox_alerts(config, states=("open", "acknowledged")):
    with Outbox(config.outbox) as outbox:
        return outbox.list_alerts(states=states)


def test_the_page_starts_with_the_budget_and_says_how_many_it_shows(site):
    page, base, config = site
    page.goto(f"{base}/")
    assert page.locator("#alerts tr.group th").first.inner_text() == "Refund budget"
    first = page.locator("#alerts tr[data-alert]").first
    assert first.get_attribute("data-rule") == "budget_level"
    assert "100% used" in first.inner_text()
    assert "Replaces Refund budget 2026-11: 80% used" in first.inner_text()
    active = outbox_alerts(config)
    expected = alert_list(active, config.currency_of, limit=None).total
    assert expected < len(active)  # the 50 % and 80 % alerts are folded into the 100 % one
    summary = page.locator("#alert-summary").inner_text()
    assert summary.startswith(f"showing 10 of {expected} alerts")
    assert page.locator("#alerts tr[data-alert]").count() == 10


def test_the_alert_list_has_no_internal_names_and_money_has_currency(site):
    page, base, _ = site
    page.goto(f"{base}/?alerts=all")
    table = page.locator("#alerts").inner_text()
    assert not INTERNAL_NAME.search(table), INTERNAL_NAME.search(table)
    for amount in page.locator("#alerts td.num").all_inner_texts():
        if amount.strip():
            assert re.fullmatch(r"[\d\u202f]+\.\d\d [A-Z]{3}", amount.strip()), amount
    for card in page.locator("#overview .card b").all_inner_texts():
        assert re.search(r"\d [A-Z]{3}$", card), card
    html = page.content()
    assert "<script" not in html and " style=" not in html  # the CSP allows neither


def test_counts_per_kind_filter_the_list(site):
    page, base, config = site
    page.goto(f"{base}/")
    link = page.locator('#alert-counts a[data-rule="badly_closed"]')
    count = int(link.locator("b").inner_text())
    assert count == sum(a["rule"] == "badly_closed" for a in outbox_alerts(config))
    link.click()
    page.wait_for_url("**rule=badly_closed**")
    rules = {r.get_attribute("data-rule") for r in page.locator("#alerts tr[data-alert]").all()}
    assert rules == {"badly_closed"}
    assert page.locator("#alert-summary").inner_text().startswith(f"showing 10 of {count}")


def test_the_cards_count_open_alerts_as_the_list_does_one_per_cause(site):
    page, base, config = site
    page.goto(f"{base}/")
    cards = page.locator("#overview .card").all_inner_texts()
    shown = sum(int(re.search(r"(\d+) open alerts", card).group(1)) for card in cards)
    listed = alert_list(outbox_alerts(config), config.currency_of, state="open", limit=None)
    assert shown == listed.total
    assert shown < len(outbox_alerts(config, ("open",)))  # the budget stages count once


def test_resolving_the_budget_alert_resolves_the_stages_it_replaced(site):
    page, base, config = site
    page.goto(f"{base}/")
    row = page.locator('#alerts tr[data-rule="budget_level"]').first
    row.get_by_role("button", name="resolve").click()
    page.wait_for_selector("#message")
    budget_states = {
        a["title"]: a["state"]
        for a in outbox_alerts(config, ALERT_STATES)
        if a["rule"] == "budget_level" and a["business_id"] == "dobry-sen"
    }
    assert set(budget_states.values()) == {"resolved"}, budget_states
    assert len(budget_states) == 3
    assert page.locator('#alerts tr[data-rule="budget_level"]').count() == 0
    page.select_option("#alert-filters select[name=state]", "resolved")
    page.locator("#alert-filters").get_by_role("button", name="filter").click()
    page.wait_for_url("**state=resolved**")
    shown = page.locator("#alerts tr[data-alert]")
    assert shown.count() == 1  # one line for the three stages
    assert shown.first.locator("td.state").inner_text() == "resolved"
