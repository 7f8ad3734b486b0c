"""The dashboard's alert list, written for the owner rather than for the pipeline.

The outbox holds one row per alert the pipeline raised. An owner needs fewer and plainer ones:

- grouped by what to do about them and ranked, the refund budget and critical alerts first;
- one alert per cause: the budget's 50 % -> 80 % -> 100 % alerts of one period (and a
  deadline's warning -> overdue) are one alert, the latest, saying which ones it replaces;
- every reason in plain words (no rule names, no internal markers such as
  `[negative_at_you]` or `missing: positive_opening`), money always with its currency;
- counts per kind of alert, filters by kind and state, and "showing 10 of 29".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pipeline.alerts import SEVERITY_RANK, AlertRule

# rule -> what the owner reads instead of the rule's name
RULE_LABELS: dict[str, str] = {
    AlertRule.BUDGET_LEVEL: "Refund budget used up",
    AlertRule.BUDGET_FORECAST: "Refund budget runs out early",
    AlertRule.BADLY_CLOSED: "Complaint closed badly",
    AlertRule.HIGH_RISK_REVIEW: "Risky negative review",
    AlertRule.DEADLINE_OVERDUE: "Promised deadline missed",
    AlertRule.DEADLINE_NEAR: "Promised deadline close",
    AlertRule.POLICY_CUSTOMER_CAP: "Customer over the goodwill cap",
    AlertRule.POLICY_RESHIP_LIMIT: "Too many free re-shipments",
    AlertRule.NEGATIVE_SPIKE: "Burst of negative reviews",
}
# rule -> (rank of its group, the group's heading); lower ranks come first
RULE_GROUPS: dict[str, tuple[int, str]] = {
    AlertRule.BUDGET_LEVEL: (0, "Refund budget"),
    AlertRule.BUDGET_FORECAST: (0, "Refund budget"),
    AlertRule.BADLY_CLOSED: (1, "Complaints closed badly"),
    AlertRule.DEADLINE_OVERDUE: (2, "Promises to keep"),
    AlertRule.DEADLINE_NEAR: (2, "Promises to keep"),
    AlertRule.HIGH_RISK_REVIEW: (3, "Reviews that can hurt"),
    AlertRule.NEGATIVE_SPIKE: (3, "Reviews that can hurt"),
    AlertRule.POLICY_CUSTOMER_CAP: (4, "Goodwill outside policy"),
    AlertRule.POLICY_RESHIP_LIMIT: (4, "Goodwill outside policy"),
}
OTHER_GROUP = (5, "Other alerts")
# rules whose dedupe key ends in a stage (":50", ":80", ":100"; ":warning", ":overdue"):
# the same cause without it, so a later stage replaces the earlier ones
STAGED_RULES = frozenset(
    {AlertRule.BUDGET_LEVEL, AlertRule.DEADLINE_OVERDUE, AlertRule.DEADLINE_NEAR}
)
STATES = ("open", "acknowledged", "resolved")
ACTIVE = ("open", "acknowledged")
DEFAULT_SHOWN = 10

# words the pipeline's texts use as identifiers, in plain words
PLAIN_WORDS: dict[str, str] = {
    "negative_at_you": "angry at you personally",
    "positive_opening": "a friendly opening",
    "own_site": "your own site",
    "social_media": "social media",
    "social_group": "a local social group",
    "telegram_channel": "a Telegram channel",
    "in_person": "in person",
    "customer_cap": "customer cap",
    "reship_limit": "re-shipment limit",
}
IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
MARKER = re.compile(r"\[([a-z]+(?:_[a-z]+)*)\]")


def _word(name: str) -> str:
    return PLAIN_WORDS.get(name, name.replace("_", " "))


def plain_words(text: str | None) -> str:
    """A pipeline text without internal names: `[marker]` and `snake_case` become words."""
    if not text:
        return ""
    text = MARKER.sub(lambda m: f"({_word(m.group(1))})", text)
    return IDENTIFIER.sub(lambda m: _word(m.group(0)), text)


def money(amount: Any, currency: str | None) -> str:
    """`2757` + `PLN` -> `2 757.00 PLN`; empty when there is no amount."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return f"{amount} {currency or ''}".strip()
    return f"{value:,.2f}".replace(",", "\u202f") + (f" {currency}" if currency else "")


def _facts(alert: Mapping[str, Any]) -> dict[str, Any]:
    facts = alert.get("facts") or {}
    if isinstance(facts, str):
        try:
            facts = json.loads(facts)
        except ValueError:
            return {}
    return facts if isinstance(facts, dict) else {}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _budget_level(f: dict[str, Any], cur: str | None) -> str:
    remaining = Decimal(str(f.get("remaining", "0")))
    left = (
        f"over budget by {money(-remaining, cur)}"
        if remaining < 0
        else f"{money(remaining, cur)} left"
    )
    used = f"{f.get('used_pct')} % of the {f.get('period')} refund budget"
    return f"{used} is spent or promised: {left}."


def _budget_forecast(f: dict[str, Any], cur: str | None) -> str:
    return (
        f"At {money(f.get('burn_per_day'), cur)} a day, the {money(f.get('remaining'), cur)} left"
        f" run out on {f.get('runs_out_on')}, before the period ends on {f.get('period_ends_on')}."
    )


def _customer_cap(f: dict[str, Any], cur: str | None) -> str:
    return (
        f"This customer got {money(f.get('actual'), cur)} of goodwill in {f.get('period')},"
        f" over the cap of {money(f.get('limit'), cur)} (granted by {f.get('granted_by')})."
    )


def _reship_limit(f: dict[str, Any], cur: str | None) -> str:
    return (
        f"The {_ordinal(int(f.get('actual', 0)))} free re-shipment to this customer in"
        f" {f.get('period')}; after {f.get('limit')} they should be prepaid"
        f" (granted by {f.get('granted_by')})."
    )


def _spike(f: dict[str, Any], cur: str | None) -> str:
    where = str(f.get("value", "")).replace("|", " on ")
    return (
        f"{f.get('count')} negative reviews within {f.get('window_minutes')} minutes"
        f" ({_word(where) if where != 'all' else 'across the business'}),"
        f" where about {float(f.get('expected') or 0):.1f} would be usual."
    )


def _overdue(f: dict[str, Any], cur: str | None) -> str:
    deadline = str(f.get("deadline", ""))[:16].replace("T", " ")
    return f"The customer was promised an answer by {deadline} UTC and is still waiting."


SCORE = re.compile(r"^score (\d+):\s*")
NEGATIVITY = re.compile(r"negativity (\d\.\d+)")
AT_RISK_IN_TITLE = re.compile(r"\s*\([\d.,]+ [A-Z]{3} at risk\)")


def _risky_review(explanation: str) -> str:
    """`score 87: negativity 0.97 (+29), lawyer (+18)` in words an owner reads."""
    text = SCORE.sub(r"Risk \1 of 100, because of: ", plain_words(explanation))
    return NEGATIVITY.sub(lambda m: f"how angry the text is ({float(m.group(1)):.0%})", text)


# rule -> the reason in plain words, from the alert's facts (the pipeline's text otherwise)
REASONS: dict[str, Callable[[dict[str, Any], str | None], str]] = {
    AlertRule.BUDGET_LEVEL: _budget_level,
    AlertRule.BUDGET_FORECAST: _budget_forecast,
    AlertRule.POLICY_CUSTOMER_CAP: _customer_cap,
    AlertRule.POLICY_RESHIP_LIMIT: _reship_limit,
    AlertRule.NEGATIVE_SPIKE: _spike,
    AlertRule.DEADLINE_OVERDUE: _overdue,
}


def reason(alert: Mapping[str, Any], currency: str | None) -> str:
    """Why the alert was raised, in plain words; money carries its currency."""
    if alert.get("rule") == AlertRule.HIGH_RISK_REVIEW:
        return _risky_review(str(alert.get("explanation") or ""))
    build = REASONS.get(str(alert.get("rule")))
    if build is not None:
        try:
            return build(_facts(alert), currency)
        except (KeyError, ValueError, TypeError, InvalidOperation):
            pass
    return plain_words(alert.get("explanation"))


def title(alert: Mapping[str, Any]) -> str:
    rule = str(alert.get("rule"))
    if rule.startswith("policy_"):
        return RULE_LABELS.get(rule, plain_words(alert.get("title")))
    return AT_RISK_IN_TITLE.sub("", plain_words(alert.get("title")))


def cause_of(alert: Mapping[str, Any]) -> str:
    """Alerts with the same cause: a later stage (budget 80 % after 50 %) replaces earlier."""
    key = str(alert.get("dedupe_key") or alert.get("alert_id"))
    if alert.get("rule") in STAGED_RULES:
        return key.rsplit(":", 1)[0]
    return key


def _lateness(alert: Mapping[str, Any]) -> tuple[int, int, str]:
    """How late a stage is: severity, then the budget level (50, 80, 100), then time."""
    level = str(_facts(alert).get("level", ""))
    return (
        SEVERITY_RANK.get(str(alert.get("severity")), 0),
        int(level) if level.isdigit() else 0,
        str(alert.get("created_at")),
    )


@dataclass(frozen=True)
class AlertItem:
    """One line of the owner's alert list: the latest alert of a cause."""

    alert: dict[str, Any]
    label: str
    heading: str
    group_rank: int
    title: str
    reason: str
    next_step: str
    at_risk: str
    replaces: tuple[str, ...] = ()

    @property
    def alert_id(self) -> str:
        return str(self.alert["alert_id"])

    @property
    def state(self) -> str:
        return str(self.alert.get("state") or "open")


def collapse(alerts: Iterable[dict[str, Any]]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(latest, the earlier alerts it replaces) per cause."""
    causes: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for alert in alerts:
        causes.setdefault((str(alert.get("business_id")), cause_of(alert)), []).append(alert)
    out = []
    for chain in causes.values():
        chain.sort(key=_lateness, reverse=True)
        out.append((chain[0], chain[1:]))
    return out


def _amount(alert: Mapping[str, Any]) -> Decimal:
    try:
        return Decimal(str(alert.get("revenue_at_risk") or 0))
    except InvalidOperation:
        return Decimal(0)


def item_of(
    latest: dict[str, Any],
    earlier: Sequence[dict[str, Any]],
    currency_of: Callable[[str], str | None],
) -> AlertItem:
    rule = str(latest.get("rule"))
    currency = latest.get("currency") or currency_of(str(latest.get("business_id")))
    rank, heading = RULE_GROUPS.get(rule, OTHER_GROUP)
    amount = _amount(latest)
    return AlertItem(
        alert=latest,
        label=RULE_LABELS.get(rule, rule.replace("_", " ").capitalize()),
        heading=heading,
        group_rank=rank,
        title=title(latest),
        reason=reason(latest, currency),
        next_step=plain_words(latest.get("next_step")),
        at_risk=money(amount, currency) if amount > 0 else "",
        replaces=tuple(plain_words(e.get("title")) for e in earlier),
    )


def item_key(item: AlertItem) -> tuple[Any, ...]:
    """Within a group: critical before warnings, then money at risk, oldest first."""
    return (
        -SEVERITY_RANK.get(str(item.alert.get("severity")), 0),
        -_amount(item.alert),
        str(item.alert.get("created_at")),
    )


def ranked_groups(items: Iterable[AlertItem]) -> list[tuple[str, list[AlertItem]]]:
    """Groups of alerts, the refund budget first, then groups holding a critical alert."""
    groups: dict[str, list[AlertItem]] = {}
    for item in items:
        groups.setdefault(item.heading, []).append(item)
    for members in groups.values():
        members.sort(key=item_key)

    def group_key(entry: tuple[str, list[AlertItem]]) -> tuple[Any, ...]:
        first = entry[1][0]
        return (first.group_rank != 0, item_key(first)[0], first.group_rank)

    return sorted(groups.items(), key=group_key)


@dataclass(frozen=True)
class AlertList:
    groups: list[tuple[str, list[AlertItem]]]
    counts: list[tuple[str, str, int]]  # (rule, label, alerts of that rule after filters)
    shown: int
    total: int
    rule: str | None
    state: str
    everything: bool
    chains: dict[str, list[str]] = field(default_factory=dict)  # latest id -> earlier ids


def alert_list(
    alerts: Iterable[dict[str, Any]],
    currency_of: Callable[[str], str | None],
    *,
    rule: str | None = None,
    state: str = "active",
    limit: int | None = DEFAULT_SHOWN,
) -> AlertList:
    """The owner's list: collapsed per cause, filtered by state and rule, ranked, grouped."""
    states = ACTIVE if state == "active" else STATES if state == "all" else (state,)
    collapsed = [(a, e) for a, e in collapse(alerts) if (a.get("state") or "open") in states]
    counts: dict[str, int] = {}
    for latest, _ in collapsed:
        counts[str(latest["rule"])] = counts.get(str(latest["rule"]), 0) + 1
    chosen = [item_of(a, e, currency_of) for a, e in collapsed if rule in (None, a.get("rule"))]
    ranked = [item for _, members in ranked_groups(chosen) for item in members]
    shown = ranked if limit is None else ranked[:limit]
    groups = ranked_groups(shown)
    return AlertList(
        groups=groups,
        counts=sorted(
            ((r, RULE_LABELS.get(r, r.replace("_", " ")), n) for r, n in counts.items()),
            key=lambda c: (RULE_GROUPS.get(c[0], OTHER_GROUP)[0], -c[2]),
        ),
        shown=len(shown),
        total=len(chosen),
        rule=rule,
        state=state,
        everything=limit is None,
        chains={a["alert_id"]: [x["alert_id"] for x in e] for a, e in collapsed if e},
    )
