"""pipeline/config.py: a business inherits every default it does not set, an unknown business
gets the defaults under its own id, and a mistyped key is refused. Plain values; `Settings.load`
alone reads a file (it is the one function whose job that is)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from pipeline.config import BusinessParams, PolicyLimits, Settings

MAPPING: dict[str, Any] = {
    "defaults": {
        "currency": "PLN",
        "refund_budget": "3000",
        "policy": {"returns_window_days": 30, "max_discount_pct": "25"},
        "alerts": {"spike_min_count": 4},
    },
    "businesses": {
        "dobry-sen": {"refund_budget": "6000", "policy": {"returns_window_days": 14}},
        "knyzhkova-lavka": {"currency": "UAH", "timezone": "Europe/Kyiv"},
    },
}

# (business, field path, expected): what each business ends up with
CASES = [
    ("dobry-sen", "refund_budget", Decimal("6000")),  # its own
    ("dobry-sen", "currency", "PLN"),  # inherited from [defaults]
    ("dobry-sen", "policy.returns_window_days", 14),  # its own, inside a nested table
    ("dobry-sen", "policy.max_discount_pct", Decimal("25")),  # the rest of the table inherited
    ("dobry-sen", "policy.reship_at_our_cost_limit", 3),  # built-in default
    ("dobry-sen", "alerts.spike_min_count", 4),
    ("knyzhkova-lavka", "currency", "UAH"),
    ("knyzhkova-lavka", "timezone", "Europe/Kyiv"),
    ("knyzhkova-lavka", "refund_budget", Decimal("3000")),
    ("knyzhkova-lavka", "policy.returns_window_days", 30),
    ("unknown-shop", "business_id", "unknown-shop"),  # the defaults under its own id
    ("unknown-shop", "refund_budget", Decimal("3000")),
    ("unknown-shop", "policy.max_discount_pct", Decimal("25")),
    ("unknown-shop", "timezone", "Europe/Warsaw"),
]


def field(params: BusinessParams, path: str) -> Any:
    value: Any = params
    for name in path.split("."):
        value = getattr(value, name)
    return value


@pytest.mark.parametrize(("business", "path", "expected"), CASES)
def test_params_for(business: str, path: str, expected: Any) -> None:
    settings = Settings.from_mapping(MAPPING)
    assert field(settings.params_for(business), path) == expected


def test_each_business_is_named_by_its_key() -> None:
    settings = Settings.from_mapping(MAPPING)
    assert {k: v.business_id for k, v in settings.businesses.items()} == {
        "dobry-sen": "dobry-sen",
        "knyzhkova-lavka": "knyzhkova-lavka",
    }
    assert settings.defaults.business_id == "*"


def test_the_mapping_is_not_changed() -> None:
    before = repr(MAPPING)
    Settings.from_mapping(MAPPING)
    assert repr(MAPPING) == before


def test_params_for_an_unknown_business_do_not_change_the_defaults() -> None:
    settings = Settings.from_mapping(MAPPING)
    settings.params_for("x")
    assert settings.defaults.business_id == "*"


def test_no_config_gives_the_documented_defaults() -> None:
    params = Settings().params_for("shop")
    assert (params.currency, params.budget_period, params.refund_budget) == (
        "PLN",
        "month",
        Decimal("5000"),
    )
    assert params.policy == PolicyLimits()
    assert params.customer_value() == Decimal("400")  # 200 a order x 2 a year
    assert Settings.from_mapping({}) == Settings()


@pytest.mark.parametrize(
    "mapping",
    [
        {"defaults": {"refund_budjet": "1"}},  # a typo is refused, not ignored
        {"businesses": {"b": {"policy": {"max_discount": "5"}}}},
        {"businesses": {"b": {"currency": "zloty"}}},
        {"businesses": {"b": {"budget_period": "week"}}},
        {"defaults": {"alerts": {"spike_ratio": "lots"}}},
    ],
    ids=["typo", "nested typo", "currency", "period", "not a number"],
)
def test_bad_config_is_refused(mapping: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Settings.from_mapping(mapping)


def test_load(tmp_path: Path) -> None:
    assert Settings.load(None) == Settings()
    path = tmp_path / "businesses.toml"
    path.write_text(
        '[defaults]\nrefund_budget = "3000"\n\n[businesses.b1]\ncurrency = "EUR"\n',
        encoding="utf-8",
    )
    settings = Settings.load(path)
    assert settings.params_for("b1").currency == "EUR"
    assert settings.params_for("b1").refund_budget == Decimal("3000")
    assert Settings.load(str(path)) == settings
    with pytest.raises(FileNotFoundError):
        Settings.load(tmp_path / "missing.toml")
