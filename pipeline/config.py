"""Parameters a business sets: money, exposure, budget, policy limits, alert thresholds.

Every field has a documented default, so a business with no config still gets sensible figures.
The CLI reads them from a TOML file (see `sample/businesses.toml`); this module only validates.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# Share of a channel's audience that sees a negative post, and then avoids the business.
DEFAULT_CHANNEL_EXPOSURE: dict[str, Decimal] = {
    "marketplace": Decimal("0.02"),
    "maps": Decimal("0.03"),
    "own_site": Decimal("0.01"),
    "social_group": Decimal("0.05"),
    "social_media": Decimal("0.02"),
    "telegram_channel": Decimal("0.03"),
    "forum": Decimal("0.02"),
    "video": Decimal("0.02"),
    "email": Decimal("0"),
    "phone": Decimal("0"),
    "chat": Decimal("0"),
    "in_person": Decimal("0"),
}
# Readers a public post reaches when the author has no audience of their own.
DEFAULT_CHANNEL_BASE_READERS: dict[str, int] = {
    "marketplace": 300,
    "maps": 500,
    "own_site": 100,
    "social_group": 2000,
    "social_media": 200,
    "telegram_channel": 500,
    "forum": 300,
    "video": 300,
    "email": 0,
    "phone": 0,
    "chat": 0,
    "in_person": 0,
}


class PolicyLimits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_discount_pct: Decimal = Decimal("20")
    returns_window_days: int = 14
    reship_at_our_cost_limit: int = 3
    per_customer_goodwill_cap: Decimal = Decimal("500")  # per period, budget currency
    handler_approval_limits: dict[str, Decimal] = Field(default_factory=dict)
    default_handler_approval_limit: Decimal = Decimal("300")


class AlertThresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    high_risk_review_score: float = 60.0
    deadline_warning_hours: float = 24.0
    spike_window_minutes: int = 60
    spike_baseline_hours: int = 12
    spike_min_count: int = 3
    spike_ratio: float = 3.0
    # A spike must also be unlikely under the scope's own baseline rate (binomial tail).
    spike_max_p: float = 2e-5
    budget_levels_pct: tuple[int, ...] = (50, 80, 100)


class BusinessParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    business_id: str = "*"
    name: str | None = None
    currency: str = Field(default="PLN", pattern=r"^[A-Z]{3}$")
    timezone: str = "Europe/Warsaw"
    average_order_value: Decimal = Decimal("200")
    repeat_purchases_per_year: Decimal = Decimal("2")
    # Of the people exposed to a negative story, the share who then stay away.
    loss_rate: Decimal = Decimal("0.1")
    channel_exposure: dict[str, Decimal] = Field(
        default_factory=lambda: dict(DEFAULT_CHANNEL_EXPOSURE)
    )
    channel_base_readers: dict[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_CHANNEL_BASE_READERS)
    )
    budget_period: Literal["month", "quarter", "year"] = "month"
    refund_budget: Decimal = Decimal("5000")  # per period, in `currency`
    # Conversion into `currency`: {"2026-11": {"EUR": "4.30"}}, by period key; "*" for any period.
    fx_rates: dict[str, dict[str, Decimal]] = Field(default_factory=dict)
    policy: PolicyLimits = Field(default_factory=PolicyLimits)
    alerts: AlertThresholds = Field(default_factory=AlertThresholds)
    alert_urls: dict[str, list[str]] = Field(
        default_factory=dict, description="Apprise URLs by minimum severity: info/warning/critical"
    )

    def customer_value(self) -> Decimal:
        """Revenue one customer brings in a year: what losing them costs."""
        return self.average_order_value * self.repeat_purchases_per_year


class Settings(BaseModel):
    """All businesses' parameters; `params_for` falls back to the `*` defaults."""

    model_config = ConfigDict(extra="forbid")

    defaults: BusinessParams = Field(default_factory=BusinessParams)
    businesses: dict[str, BusinessParams] = Field(default_factory=dict)

    def params_for(self, business_id: str) -> BusinessParams:
        return self.businesses.get(business_id) or self.defaults.model_copy(
            update={"business_id": business_id}
        )

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Settings:
        """Build from a parsed TOML mapping: `[defaults]` and `[businesses.<id>]` tables.

        Each business inherits every default it does not set itself.
        """
        defaults = dict(data.get("defaults", {}))
        businesses = {}
        for business_id, own in data.get("businesses", {}).items():
            merged = _deep_merge(defaults, own)
            merged["business_id"] = business_id
            businesses[business_id] = BusinessParams.model_validate(merged)
        return cls(defaults=BusinessParams.model_validate(defaults), businesses=businesses)

    @classmethod
    def load(cls, path: str | Path | None) -> Settings:
        """From a TOML file (`[defaults]`, `[businesses.<id>]`); the built-in defaults when
        `path` is None. A named file that does not exist is an error."""
        if path is None:
            return cls()
        with Path(path).open("rb") as handle:
            return cls.from_mapping(tomllib.load(handle))


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
