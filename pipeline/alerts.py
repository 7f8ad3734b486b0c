"""Alert decisions: pure functions from facts the steps already hold to `Alert`s.

Every alert carries a dedupe key naming its cause (a complaint, a review, a budget level, a
spike episode). The id is derived from the key and the severity, so a replay or a restart makes
the same id again and every store downstream (DuckDB upsert, the outbox) keeps one copy. The
same cause never alerts twice; an escalation (a higher severity for the same cause) does.

Nothing here does I/O or reads a clock: `when` / `now` always come from the caller.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, MutableSequence
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

from pipeline.closure import ClosureGrade
from pipeline.closure.grade import quote
from pipeline.ledger import BudgetStatus, PolicyException, PolicyRule
from pipeline.risk import RiskAssessment

Severity = Literal["info", "warning", "critical"]
AlertState = Literal["open", "acknowledged", "resolved"]
SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}
ALERT_STATES: tuple[str, ...] = ("open", "acknowledged", "resolved")


class AlertRule(StrEnum):
    """Every alert rule: `alerts.rule` in DuckDB, the outbox and the dashboard read these."""

    BADLY_CLOSED = "badly_closed"
    HIGH_RISK_REVIEW = "high_risk_review"
    DEADLINE_OVERDUE = "deadline_overdue"
    DEADLINE_NEAR = "deadline_near"
    BUDGET_LEVEL = "budget_level"
    BUDGET_FORECAST = "budget_forecast"
    NEGATIVE_SPIKE = "negative_spike"
    # a concession outside policy: "policy_" + the ledger's `PolicyRule`
    POLICY_RESHIP_LIMIT = "policy_reship_limit"
    POLICY_DISCOUNT_CAP = "policy_discount_cap"
    POLICY_RETURNS_WINDOW = "policy_returns_window"
    POLICY_CUSTOMER_CAP = "policy_customer_cap"
    POLICY_HANDLER_APPROVAL = "policy_handler_approval"

    @classmethod
    def policy(cls, rule: PolicyRule | str) -> AlertRule:
        """The alert rule of a broken policy rule: `policy_<rule>`."""
        return cls(f"policy_{PolicyRule(rule)}")


# Rules shown first in every list: a badly closed complaint can still be saved today.
RULE_PRIORITY = {
    AlertRule.BADLY_CLOSED: 0,
    AlertRule.HIGH_RISK_REVIEW: 1,
    AlertRule.DEADLINE_OVERDUE: 2,
}

BADLY_CLOSED_CRITICAL_SCORE = 40.0
LAST_WORDS_CHARS = 280

# What to do next, by what went wrong in the closure (most urgent first).
NEXT_STEP_BY_PROBLEM: dict[str, str] = {
    "rude": "A manager apologises personally for the tone today; review the reply with {handler}.",
    "personal": "A manager apologises personally for the tone today; review the reply with "
    "{handler}.",
    "sarcasm": "A manager apologises for the tone today; review the reply with {handler}.",
    "argues": "Stop arguing: a named person acknowledges the customer's view and proposes a fix.",
    "blames": "Take ownership instead of blaming the customer: apologise for the situation and "
    "name who fixes it.",
    "dismissive": "Reopen the complaint: a named person answers the substance with a next step.",
    "condescending": "A manager apologises for the tone today; review the reply with {handler}.",
    "dismissive_soft": "Reopen the complaint: a named person answers the substance with a date.",
    "non_apology": "Replace 'sorry you feel that way' with a real apology for the situation.",
    "deadline_missed": "Give the promised answer now, or call to agree a new binding date.",
    "customer_unsatisfied": "Call the customer today and ask what would make it right.",
    "unhappy": "Call the customer today and ask what would make it right.",
    "bare_refusal": "Call back and explain the refusal kindly: regret, a short reason and what "
    "you can offer instead.",
}
NEXT_STEP_BY_MISSING: dict[str, str] = {
    "apology": "apologise for the situation",
    "understanding": "show you understand what went wrong for them",
    "ownership": "name the person who sees it through",
    "commitment": "commit to a concrete fix",
    "deadline": "promise the next step with a date",
    "next_action": "promise the next step with a date",
    "positive_opening": "open on a positive note",
    "regret": "phrase the refusal as an apology",
    "reason": "give a short reason",
    "perspective": "offer a positive perspective",
}
DEFAULT_BADLY_CLOSED_STEP = (
    "Call the customer today: a named person apologises for how it was handled, shows "
    "understanding and promises a binding next step with a date."
)


class Alert(BaseModel):
    alert_id: str
    rule: str
    severity: Severity
    business_id: str
    created_at: datetime
    title: str
    explanation: str
    next_step: str
    dedupe_key: str
    customer_key: str | None = None
    revenue_at_risk: Decimal = Decimal(0)
    currency: str | None = None
    source_event_id: str | None = None
    facts: dict[str, Any] = Field(default_factory=dict)
    state: AlertState = "open"


def alert_id_for(dedupe_key: str, severity: str) -> str:
    """Deterministic: the same cause at the same severity always has the same id."""
    return hashlib.sha1(f"{dedupe_key}|{severity}".encode()).hexdigest()[:16]


def make_alert(*, rule: AlertRule, severity: Severity, dedupe_key: str, **fields: Any) -> Alert:
    return Alert(
        alert_id=alert_id_for(dedupe_key, severity),
        rule=rule,
        severity=severity,
        dedupe_key=dedupe_key,
        **fields,
    )


def priority(alert: Alert | dict[str, Any]) -> tuple[Any, ...]:
    """Sort key: badly closed complaints first, then severity, money at risk, age."""
    get = alert.get if isinstance(alert, dict) else lambda k: getattr(alert, k)
    revenue = get("revenue_at_risk") or Decimal(0)
    return (
        RULE_PRIORITY.get(get("rule"), 9),
        -SEVERITY_RANK.get(get("severity"), 0),
        -Decimal(str(revenue)),
        str(get("created_at")),
        get("alert_id"),
    )


# ---------------------------------------------------------------- dedupe


def seen_marker(alert: Alert) -> str:
    return f"{alert.dedupe_key}#{alert.severity}"


def _seen_rank(seen: Iterable[str], dedupe_key: str) -> int:
    """Highest severity rank already raised for this cause; -1 if never."""
    best = -1
    for marker in seen:
        key, _, severity = marker.rpartition("#")
        if not key:  # a plain dedupe key (older state): the cause is done
            key, severity = marker, "critical"
        if key == dedupe_key:
            best = max(best, SEVERITY_RANK.get(severity, 2))
    return best


def is_new(alert: Alert, seen: Iterable[str]) -> bool:
    """True unless the same cause was already raised at this severity or higher."""
    return SEVERITY_RANK[alert.severity] > _seen_rank(seen, alert.dedupe_key)


def fresh(found: Iterable[Alert | None], seen: MutableSequence[str]) -> list[Alert]:
    """The alerts not raised before (escalations pass); records them in `seen`."""
    out = []
    for alert in found:
        if alert is None or not is_new(alert, seen):
            continue
        seen.append(seen_marker(alert))
        out.append(alert)
    return out


# ---------------------------------------------------------------- rules


def _badly_closed_next_step(closure: ClosureGrade, handler: str) -> str:
    for problem in closure.problems:
        if problem in NEXT_STEP_BY_PROBLEM:
            step = NEXT_STEP_BY_PROBLEM[problem].format(handler=handler)
            break
    else:
        step = DEFAULT_BADLY_CLOSED_STEP
    missing = [NEXT_STEP_BY_MISSING[s] for s in closure.steps_missing if s in NEXT_STEP_BY_MISSING]
    if missing:
        step += " Then: " + ", ".join(dict.fromkeys(missing)) + "."
    return step


def badly_closed_alert(
    *,
    business_id: str,
    customer_key: str,
    complaint_id: str,
    handler: str,
    closure: ClosureGrade,
    risk: RiskAssessment,
    last_words: str | None,
    when: datetime,
    event_id: str,
    public: bool = False,
    resolution: str | None = None,
    customer_behaviour: str | None = None,
) -> Alert | None:
    """A complaint closed badly, ranked by the customer's revenue at risk.

    Only `closure.badly_closed` decides: a firm, polite refusal to an abusive customer is a
    good closure (the grader's job), so it never reaches here as bad.
    """
    if not closure.badly_closed:
        return None
    staff_conduct = {"rude", "personal", "sarcasm", "condescending"} & set(closure.problems)
    critical = risk.score >= BADLY_CLOSED_CRITICAL_SCORE or public or bool(staff_conduct)
    severity: Severity = "critical" if critical else "warning"
    at_risk = f"{risk.revenue_at_risk} {risk.currency} at risk"
    words = (last_words or "").strip()
    # The grader's quotes of what staff wrote, for the problems: the first quote of each.
    evidence: dict[str, str] = {}
    for cue, found in closure.evidence:
        if cue in closure.problems and found:
            evidence.setdefault(cue, quote(found))
    because = list(closure.badly_closed_because)
    # plain words an owner acts on ('The reply blames the customer: "..."'), not our labels
    explanation = " ".join(closure.explanations) or f"The closure was graded {closure.grade}."
    explanation += f" Customer risk {risk.explain()}."
    if words:
        explanation += f' Last words: "{words[:LAST_WORDS_CHARS]}"'
    return make_alert(
        rule=AlertRule.BADLY_CLOSED,
        severity=severity,
        dedupe_key=f"badly_closed:{business_id}:{complaint_id}",
        business_id=business_id,
        created_at=when,
        customer_key=customer_key,
        title=f"Complaint {complaint_id} closed badly by {handler} ({at_risk})",
        explanation=explanation,
        next_step=_badly_closed_next_step(closure, handler),
        revenue_at_risk=risk.revenue_at_risk,
        currency=risk.currency,
        source_event_id=event_id,
        facts={
            "complaint_id": complaint_id,
            "handler": handler,
            "closure_score": closure.score,
            "closure_grade": closure.grade,
            "closure_reasons": list(closure.reasons),
            "problems": list(closure.problems),
            "steps_taken": list(closure.steps_taken),
            "steps_missing": list(closure.steps_missing),
            "customer_last_words": words[:LAST_WORDS_CHARS],
            "badly_closed_because": because,
            "staff_quotes": evidence,
            "customer_behaviour": customer_behaviour,
            "resolution": resolution,
            "public": public,
            "risk_score": round(risk.score, 1),
            "customers_at_risk": str(risk.customers_at_risk),
            "risk_factors": [f.detail for f in risk.factors],
        },
    )


def high_risk_review_alert(
    *,
    business_id: str,
    customer_key: str,
    event_id: str,
    channel: str,
    risk: RiskAssessment,
    threshold: float,
    negative: bool,
    when: datetime,
    public: bool = True,
    text: str | None = None,
    author_kind: str | None = None,
    audience_size: int | None = None,
) -> Alert | None:
    """A negative review whose author/channel makes it dangerous (risk score >= threshold)."""
    if not negative or risk.score < threshold:
        return None
    severity: Severity = "critical" if risk.score >= threshold + 20 else "warning"
    who = author_kind if author_kind and author_kind != "customer" else "customer"
    reach = f" ({audience_size:,} followers)" if audience_size else ""
    return make_alert(
        rule=AlertRule.HIGH_RISK_REVIEW,
        severity=severity,
        dedupe_key=f"high_risk_review:{business_id}:{event_id}",
        business_id=business_id,
        created_at=when,
        customer_key=customer_key,
        title=f"High-risk negative review by a {who}{reach} on {channel}",
        explanation=risk.explain(),
        next_step=(
            "Answer publicly within hours (apologise, show understanding, name who handles it), "
            "then take it to a private channel."
            if public
            else "Answer within hours: a named person apologises and offers a next step."
        ),
        revenue_at_risk=risk.revenue_at_risk,
        currency=risk.currency,
        source_event_id=event_id,
        facts={
            "channel": channel,
            "public": public,
            "risk_score": round(risk.score, 1),
            "author_kind": author_kind,
            "audience_size": audience_size,
            "customers_at_risk": str(risk.customers_at_risk),
            "text": (text or "")[:LAST_WORDS_CHARS],
        },
    )


def deadline_alert(
    *,
    business_id: str,
    customer_key: str,
    complaint_id: str,
    deadline: datetime,
    now: datetime,
    warning_hours: float,
    risk: RiskAssessment | None,
    handler: str | None = None,
) -> Alert | None:
    """An open complaint near (warning) or past (critical) its promised deadline."""
    hours_left = (deadline - now).total_seconds() / 3600
    if hours_left > warning_hours:
        return None
    overdue = hours_left < 0
    stage = "overdue" if overdue else "warning"
    owner = f" (handler {handler})" if handler else ""
    return make_alert(
        rule=AlertRule.DEADLINE_OVERDUE if overdue else AlertRule.DEADLINE_NEAR,
        severity="critical" if overdue else "warning",
        dedupe_key=f"deadline:{business_id}:{complaint_id}:{stage}",
        business_id=business_id,
        created_at=now,
        customer_key=customer_key,
        title=(
            f"Complaint {complaint_id} is {-hours_left:.0f} h past its promised deadline{owner}"
            if overdue
            else f"Complaint {complaint_id} is due in {hours_left:.0f} h{owner}"
        ),
        explanation=f"promised by {deadline.isoformat()}, still open",
        next_step="Give the customer the promised answer now, or call to agree a new date.",
        revenue_at_risk=risk.revenue_at_risk if risk else Decimal(0),
        currency=risk.currency if risk else None,
        facts={
            "complaint_id": complaint_id,
            "deadline": deadline.isoformat(),
            "hours_left": round(hours_left, 1),
            "handler": handler,
        },
    )


POLICY_NEXT_STEP = {
    PolicyRule.RESHIP_LIMIT: "Three strikes: offer further re-shipments prepaid only; tell the "
    "customer kindly and firmly.",
    PolicyRule.CUSTOMER_CAP: "The customer is over the goodwill cap this period: approve further "
    "concessions at manager level only.",
    PolicyRule.HANDLER_APPROVAL: "The concession is over the handler's approval limit: a manager "
    "confirms or corrects it.",
}


def policy_alerts(
    *,
    business_id: str,
    customer_key: str,
    event_id: str,
    granted_by: str,
    period: str,
    broken: list[PolicyException],
    when: datetime,
) -> list[Alert]:
    """A customer over the concession limits (three strikes, caps, approval limits)."""
    return [
        make_alert(
            rule=AlertRule.policy(rule.rule),
            severity="warning",
            dedupe_key=f"policy:{business_id}:{customer_key}:{rule.rule}:{period}",
            business_id=business_id,
            created_at=when,
            customer_key=customer_key,
            title=f"Concession outside policy: {rule.rule.replace('_', ' ')}",
            explanation=f"{rule.detail}; granted by {granted_by}",
            next_step=POLICY_NEXT_STEP.get(
                rule.rule, "Review the exception; for repeat re-shipments offer prepaid only."
            ),
            source_event_id=event_id,
            facts={
                "rule": rule.rule,
                "granted_by": granted_by,
                "period": period,
                "limit": None if rule.limit is None else str(rule.limit),
                "actual": None if rule.actual is None else str(rule.actual),
            },
        )
        for rule in broken
    ]


def budget_alerts(status: BudgetStatus, levels: tuple[int, ...], when: datetime) -> list[Alert]:
    """Budget levels crossed (each level once per period) and a forecast run-out."""
    alerts = []
    crossed = [level for level in sorted(levels) if status.used_pct >= level]
    for level in crossed:
        alerts.append(
            make_alert(
                rule=AlertRule.BUDGET_LEVEL,
                severity="critical" if level >= 100 else "warning" if level >= 80 else "info",
                dedupe_key=f"budget:{status.business_id}:{status.period}:{level}",
                business_id=status.business_id,
                created_at=when,
                title=f"Refund budget {status.period}: {level}% used",
                explanation=(
                    f"spent {status.spent} + committed {status.committed} of"
                    f" {status.budget} {status.currency} ({status.used_pct}%)"
                ),
                next_step="Check the largest concessions this period and their approvals.",
                currency=status.currency,
                facts={
                    "used_pct": str(status.used_pct),
                    "level": level,
                    "remaining": str(status.remaining),
                    "period": status.period,
                },
            )
        )
    runs_out_early = status.runs_out_on is not None and status.runs_out_on < status.period_ends_on
    if runs_out_early and status.used_pct < 100:
        alerts.append(
            make_alert(
                rule=AlertRule.BUDGET_FORECAST,
                severity="warning",
                dedupe_key=f"budget_forecast:{status.business_id}:{status.period}",
                business_id=status.business_id,
                created_at=when,
                title=f"Refund budget runs out on {status.runs_out_on.isoformat()}",
                explanation=(
                    f"burn {status.burn_per_day} {status.currency}/day, remaining"
                    f" {status.remaining}; period ends {status.period_ends_on.isoformat()}"
                ),
                next_step="Tighten approval limits or raise the budget for this period.",
                currency=status.currency,
                facts={
                    "runs_out_on": status.runs_out_on.isoformat(),
                    "period_ends_on": status.period_ends_on.isoformat(),
                    "burn_per_day": str(status.burn_per_day),
                    "remaining": str(status.remaining),
                    "period": status.period,
                },
            )
        )
    return alerts
