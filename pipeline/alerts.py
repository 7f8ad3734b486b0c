"""Alert decisions. Each alert has a dedupe key: the same cause never alerts twice."""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from pipeline.closure import ClosureGrade
from pipeline.ledger import BudgetStatus, PolicyException
from pipeline.risk import RiskAssessment

Severity = Literal["info", "warning", "critical"]
SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}


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
    state: Literal["open", "acknowledged", "resolved"] = "open"


def make_alert(*, rule: str, severity: Severity, dedupe_key: str, **fields: Any) -> Alert:
    alert_id = hashlib.sha1(f"{dedupe_key}|{severity}".encode()).hexdigest()[:16]
    return Alert(alert_id=alert_id, rule=rule, severity=severity, dedupe_key=dedupe_key, **fields)


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
) -> Alert | None:
    if not closure.badly_closed:
        return None
    severity: Severity = "critical" if risk.score >= 40 else "warning"
    return make_alert(
        rule="badly_closed",
        severity=severity,
        dedupe_key=f"badly_closed:{complaint_id}",
        business_id=business_id,
        created_at=when,
        customer_key=customer_key,
        title=f"Complaint {complaint_id} closed badly by {handler}",
        explanation="; ".join(closure.reasons) + f". Risk {risk.explain()}",
        next_step=(
            "Call the customer today: a named person apologises for how it was handled, "
            "shows understanding and promises a binding next step with a date."
        ),
        revenue_at_risk=risk.revenue_at_risk,
        currency=risk.currency,
        source_event_id=event_id,
        facts={
            "complaint_id": complaint_id,
            "handler": handler,
            "closure_score": closure.score,
            "problems": list(closure.problems),
            "steps_missing": list(closure.steps_missing),
            "customer_last_words": (last_words or "")[:280],
            "risk_score": risk.score,
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
) -> Alert | None:
    if not negative or risk.score < threshold:
        return None
    severity: Severity = "critical" if risk.score >= threshold + 20 else "warning"
    return make_alert(
        rule="high_risk_review",
        severity=severity,
        dedupe_key=f"high_risk_review:{event_id}",
        business_id=business_id,
        created_at=when,
        customer_key=customer_key,
        title=f"High-risk negative review on {channel}",
        explanation=risk.explain(),
        next_step="Answer publicly within hours, then take it to a private channel.",
        revenue_at_risk=risk.revenue_at_risk,
        currency=risk.currency,
        source_event_id=event_id,
        facts={"channel": channel, "risk_score": risk.score},
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
) -> Alert | None:
    hours_left = (deadline - now).total_seconds() / 3600
    if hours_left > warning_hours:
        return None
    overdue = hours_left < 0
    stage = "overdue" if overdue else "warning"
    return make_alert(
        rule="deadline_overdue" if overdue else "deadline_near",
        severity="critical" if overdue else "warning",
        dedupe_key=f"deadline:{complaint_id}:{stage}",
        business_id=business_id,
        created_at=now,
        customer_key=customer_key,
        title=(
            f"Complaint {complaint_id} is past its promised deadline"
            if overdue
            else f"Complaint {complaint_id} is due in {hours_left:.0f} h"
        ),
        explanation=f"promised by {deadline.isoformat()}, still open",
        next_step="Give the customer the promised answer now, or call to agree a new date.",
        revenue_at_risk=risk.revenue_at_risk if risk else Decimal(0),
        currency=risk.currency if risk else None,
        facts={"complaint_id": complaint_id, "deadline": deadline.isoformat()},
    )


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
    return [
        make_alert(
            rule=f"policy_{rule.rule}",
            severity="warning",
            dedupe_key=f"policy:{customer_key}:{rule.rule}:{period}",
            business_id=business_id,
            created_at=when,
            customer_key=customer_key,
            title=f"Concession outside policy: {rule.rule.replace('_', ' ')}",
            explanation=f"{rule.detail}; granted by {granted_by}",
            next_step="Review the exception; for repeat re-shipments offer prepaid only.",
            source_event_id=event_id,
            facts={"rule": rule.rule, "granted_by": granted_by},
        )
        for rule in broken
    ]


def budget_alerts(status: BudgetStatus, levels: tuple[int, ...], when: datetime) -> list[Alert]:
    alerts = []
    for level in levels:
        if status.used_pct >= level:
            alerts.append(
                make_alert(
                    rule="budget_level",
                    severity="critical" if level >= 100 else "warning" if level >= 80 else "info",
                    dedupe_key=f"budget:{status.business_id}:{status.period}:{level}",
                    business_id=status.business_id,
                    created_at=when,
                    title=f"Refund budget {status.period}: {level}% used",
                    explanation=(
                        f"spent {status.spent} + committed {status.committed} of"
                        f" {status.budget} {status.currency}"
                    ),
                    next_step="Check the largest concessions this period and their approvals.",
                    currency=status.currency,
                    facts={"used_pct": str(status.used_pct), "level": level},
                )
            )
    if status.runs_out_on is not None and status.runs_out_on < status.period_ends_on:
        alerts.append(
            make_alert(
                rule="budget_forecast",
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
                facts={"runs_out_on": status.runs_out_on.isoformat()},
            )
        )
    return alerts
