"""The dashboard at phone width (issue 19): an owner checks it on the go at 390 px. Also takes
the screenshots the README shows (docs/dashboard-desktop.png, docs/dashboard-phone.png)."""

import os
import struct
from pathlib import Path

import pytest

from analytics.delivery.outbox import Outbox
from tests.analytics.conftest import PASSWORD, ROOT, fast_store
from tests.analytics.dashboard.conftest import chromium, dashboard_copy, dashboard_server, log_in

PHONE = {"width": 390, "height": 844}
# a phone as the browser sees one: a mobile viewport (the page's <meta name="viewport"> decides
# the layout width; without it a phone lays the page out 980 px wide) and touch
ON_A_PHONE = {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"width": 1280, "height": 900}
OWN = "dobry-sen"


@pytest.fixture(scope="module")
def site(sample_folder, tmp_path_factory):
    config = dashboard_copy(sample_folder, tmp_path_factory.mktemp("phone") / "data")
    store = fast_store(config.users)
    store.add_user("ola", PASSWORD, "owner", [OWN])
    with dashboard_server(config, store) as base, chromium() as browser:
        yield browser, base, config


@pytest.fixture
def phone(site):
    browser, base, _ = site
    context = browser.new_context(**ON_A_PHONE)
    page = context.new_page()
    log_in(page, base, "ola")
    yield page
    context.close()


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


def test_the_page_never_scrolls_sideways_at_390_px(phone):
    assert phone.evaluate("() => window.innerWidth") == PHONE["width"]  # laid out at 390 px
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    for selector in ("#alerts tr[data-alert]", "#charts figure.chart", "#overview .card"):
        boxes = [e.bounding_box() for e in phone.locator(selector).all()]
        assert boxes, selector
        for box in boxes:
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (selector, box)


def test_alerts_are_cards_with_buttons_a_thumb_can_hit(phone):
    assert not phone.locator("#alerts tr.head").is_visible()  # no table header on a phone
    card = phone.locator("#alerts tr[data-alert]").first
    assert card.evaluate("e => getComputedStyle(e).display") == "block"
    label = card.locator("td.state").evaluate("e => getComputedStyle(e, '::before').content")
    assert label == '"state: "'  # each value says what it is, as the header would
    button = card.get_by_role("button", name="resolve")
    box = button.bounding_box()
    assert box["height"] >= 30 and box["x"] + box["width"] <= PHONE["width"]
    # the wide tables scroll inside their own box
    feed = phone.locator("#feed").bounding_box()
    wrapper = phone.locator("div.scroll", has=phone.locator("#feed")).bounding_box()
    assert feed["width"] > wrapper["width"] <= PHONE["width"]


def test_an_owner_resolves_an_alert_from_the_phone(phone, site):
    _, _, config = site
    card = phone.locator("#alerts tr[data-alert]").nth(1)
    alert_id = card.get_attribute("data-alert")
    card.get_by_role("button", name="resolve").tap()
    phone.wait_for_selector("#message")
    with Outbox(config.outbox) as outbox:
        states = {a["alert_id"]: a["state"] for a in outbox.list_alerts(states=("resolved",))}
    assert states.get(alert_id) == "resolved"


def test_screenshots_at_desktop_and_phone_width_for_the_readme(site, tmp_path):
    # REPUTE_SCREENSHOTS=1 writes them over the README's copies in docs/; else a test run
    # leaves the working tree as it found it
    folder = ROOT / "docs" if os.environ.get("REPUTE_SCREENSHOTS") == "1" else tmp_path
    browser, base, _ = site
    shots = {}
    for name, options, full in (
        ("desktop", {"viewport": DESKTOP}, True),
        ("phone", {**ON_A_PHONE, "device_scale_factor": 1}, False),
    ):
        viewport = options["viewport"]
        context = browser.new_context(**options)
        page = context.new_page()
        log_in(page, base, "ola")
        path = folder / f"dashboard-{name}.png"
        if full:  # the top of the page: the cards, the alert list and the charts
            height = min(page.evaluate("() => document.body.scrollHeight"), 2200)
            page.screenshot(
                path=str(path),
                full_page=True,
                clip={"x": 0, "y": 0, "width": viewport["width"], "height": height},
            )
        else:
            page.screenshot(path=str(path))
        shots[name] = png_size(path)
        context.close()
    assert shots["desktop"][0] == DESKTOP["width"] and shots["desktop"][1] > DESKTOP["height"]
    assert shots["phone"] == (PHONE["width"], PHONE["height"])
