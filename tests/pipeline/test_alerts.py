"""Alert rules: each fires when it must and stays quiet when it must not; never twice."""

from __future__ import annotations

import random
from collections import deque
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from pipeline import alerts, spike
from pipeline.closure import ClosureGrade, grade_closure
from pipeline.config import AlertThresholds, Settings
from pipeline.events import parse_event
from pipeline.ledger import BudgetStatus, PolicyException, PolicyRule
from pipeline.risk import RiskAssessment, RiskFactor
from pipeline.step import Pipeline

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def risk(score: float, revenue: str = "1000.00") -> RiskAssessment:
    return RiskAssessment(
        score=score,
        factors=(RiskFactor("reach", "blogger, 120k followers", score),),
        customers_at_risk=Decimal("3.5"),
        revenue_at_risk=Decimal(revenue),
        currency="PLN",
    )


def grade(**kw) -> ClosureGrade:
    fields = {
        "score": 80,
        "grade": "good",
        "badly_closed": False,
        "steps_taken": ("apology",),
        "steps_missing": (),
        "problems": (),
    }
    fields.update(kw)
    return ClosureGrade(**fields)


BAD_RUDE = grade(
    score=5,
    grade="bad",
    badly_closed=True,
    problems=("rude",),
    steps_missing=("apology",),
    explanations=('The reply is rude to the customer: "stop whining".',),
)
BAD_LATE = grade(
    score=30,
    grade="bad",
    badly_closed=True,
    problems=("deadline_missed",),
    explanations=("The promised deadline was missed and the customer is still unhappy.",),
)
# Seed 000 / 004: a firm, polite "no" to an abusive customer is a good closure.
FIRM_POLITE_REFUSAL = grade(
    score=85, steps_taken=("positive_opening", "regret", "reason", "perspective", "boundary")
)
ACCEPTABLE = grade(score=55, grade="acceptable", steps_missing=("deadline",))


# ---------------------------------------------------------------- badly closed


@pytest.mark.parametrize(
    ("closure", "score", "public", "expected"),
    [
        pytest.param(BAD_RUDE, 10.0, False, "critical", id="rude-staff-always-critical"),
        pytest.param(BAD_LATE, 55.0, False, "critical", id="high-risk-customer"),
        pytest.param(BAD_LATE, 10.0, True, "critical", id="closed-in-public"),
        pytest.param(BAD_LATE, 10.0, False, "warning", id="low-risk-private"),
        pytest.param(FIRM_POLITE_REFUSAL, 90.0, True, None, id="firm-polite-refusal-not-bad"),
        pytest.param(ACCEPTABLE, 90.0, False, None, id="acceptable-not-bad"),
    ],
)
def test_badly_closed(closure, score, public, expected):
    alert = alerts.badly_closed_alert(
        business_id="shop",
        customer_key="shop/c1",
        complaint_id="cmp-1",
        handler="marek",
        closure=closure,
        risk=risk(score),
        last_words="I will tell everyone in the town group.",
        when=T0,
        event_id="e-1",
        public=public,
    )
    if expected is None:
        assert alert is None
        return
    assert alert.severity == expected
    assert alert.rule == "badly_closed"
    assert alert.revenue_at_risk == Decimal("1000.00")
    assert alert.facts["handler"] == "marek"
    assert alert.facts["customer_last_words"].startswith("I will tell everyone")
    assert alert.facts["closure_reasons"] == list(closure.reasons)
    assert "town group" in alert.explanation
    # plain words an owner acts on, never the grader's labels
    assert closure.explanations and closure.explanations[0] in alert.explanation
    assert not any(label in alert.explanation for label in ("problem:", "missing:", "did:", "["))
    assert alert.next_step


def test_graded_closures_through_the_real_grader():
    """The grader's own output: a polite firm refusal passes, a rude dismissal alerts."""
    base = {
        "type": "complaint.closed",
        "business_id": "shop",
        "occurred_at": T0.isoformat(),
        "complaint_id": "cmp-9",
        "customer_id": "c9",
        "handler": "anna",
        "resolution": "declined",
    }
    polite = parse_event(
        {
            **base,
            "event_id": "p",
            "customer_behaviour": "abusive",
            "reply_text": "Thank you for your message. We are sorry, but we cannot refund a "
            "completed course, because the terms exclude it. We would be glad to see you at "
            "the next course with a 10% discount.",
        }
    )
    rude = parse_event(
        {
            **base,
            "event_id": "r",
            "reply_text": "That's not our problem, you should have read the terms. "
            "Stop wasting our time.",
            "customer_last_message": "I will tell everyone about this.",
        }
    )
    fired = []
    for event in (polite, rude):
        fired.append(
            alerts.badly_closed_alert(
                business_id="shop",
                customer_key="shop/c9",
                complaint_id=event.complaint_id,
                handler=event.handler,
                closure=grade_closure(event),
                risk=risk(20),
                last_words=event.customer_last_message,
                when=T0,
                event_id=event.event_id,
            )
        )
    assert fired[0] is None
    assert fired[1] is not None and fired[1].severity == "critical"
    assert "stop wasting our time" in fired[1].explanation.lower()


def test_badly_closed_ranks_first_then_by_money():
    def a(rule: str, severity: str, revenue: str) -> alerts.Alert:
        return alerts.make_alert(
            rule=rule,
            severity=severity,
            dedupe_key=f"{rule}:{revenue}",
            business_id="shop",
            created_at=T0,
            title="t",
            explanation="e",
            next_step="n",
            revenue_at_risk=Decimal(revenue),
        )

    found = [
        a("negative_spike", "critical", "0"),
        a("badly_closed", "warning", "100"),
        a("badly_closed", "critical", "50"),
        a("badly_closed", "critical", "900"),
        a("budget_level", "info", "0"),
    ]
    ranked = sorted(found, key=alerts.priority)
    assert [(x.rule, x.revenue_at_risk) for x in ranked] == [
        ("badly_closed", Decimal("900")),
        ("badly_closed", Decimal("50")),
        ("badly_closed", Decimal("100")),
        ("negative_spike", Decimal("0")),
        ("budget_level", Decimal("0")),
    ]


# ---------------------------------------------------------------- high-risk review


@pytest.mark.parametrize(
    ("score", "negative", "expected"),
    [
        pytest.param(85.0, True, "critical", id="far-over-threshold"),
        pytest.param(65.0, True, "warning", id="just-over"),
        pytest.param(59.0, True, None, id="under-threshold"),
        pytest.param(95.0, False, None, id="not-negative"),
    ],
)
def test_high_risk_review(score, negative, expected):
    alert = alerts.high_risk_review_alert(
        business_id="shop",
        customer_key="shop/blogger",
        event_id="rev-1",
        channel="social_group",
        risk=risk(score),
        threshold=60.0,
        negative=negative,
        when=T0,
        author_kind="blogger",
        audience_size=120_000,
        text="Never again.",
    )
    assert (alert.severity if alert else None) == expected
    if alert:
        assert "blogger" in alert.title and "120,000" in alert.title
        assert alert.facts["text"] == "Never again."


# ---------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    ("hours_left", "expected_rule"),
    [
        pytest.param(-3, "deadline_overdue", id="overdue"),
        pytest.param(10, "deadline_near", id="warning-before"),
        pytest.param(30, None, id="far-away"),
    ],
)
def test_deadline(hours_left, expected_rule):
    alert = alerts.deadline_alert(
        business_id="shop",
        customer_key="shop/c1",
        complaint_id="cmp-1",
        deadline=T0 + timedelta(hours=hours_left),
        now=T0,
        warning_hours=24,
        risk=None,
        handler="olga",
    )
    assert (alert.rule if alert else None) == expected_rule
    if alert:
        assert "olga" in alert.title


def _complaint_events(deadline: datetime) -> list[dict]:
    common = {"business_id": "shop", "complaint_id": "cmp-7", "customer_id": "c7"}
    return [
        {
            **common,
            "event_id": "o7",
            "type": "complaint.opened",
            "occurred_at": T0.isoformat(),
            "channel": "email",
            "text": "The parcel is damaged.",
        },
        {
            **common,
            "event_id": "r7",
            "type": "complaint.reply",
            "occurred_at": (T0 + timedelta(hours=1)).isoformat(),
            "handler": "olga",
            "text": "We are sorry. I will personally send a replacement by Friday.",
            "promised_deadline": deadline.isoformat(),
        },
    ]


def test_deadline_watchdog_warns_then_escalates_once_each():
    deadline = T0 + timedelta(days=3)
    pipeline = Pipeline(Settings())
    for raw in _complaint_events(deadline):
        pipeline.process(parse_event(raw))
    checks = [deadline - timedelta(days=2), deadline - timedelta(hours=5), deadline]
    checks += [deadline + timedelta(hours=1), deadline + timedelta(days=1)]
    raised = [[f.row["rule"] for f in pipeline.check_deadlines(now)] for now in checks]
    assert raised == [[], ["deadline_near"], [], ["deadline_overdue"], []]


# ---------------------------------------------------------------- policy, budget


@pytest.mark.parametrize(
    ("broken", "rules"),
    [
        pytest.param(
            [PolicyException(PolicyRule.RESHIP_LIMIT, "4th re-shipment at our cost (limit 3)")],
            ["policy_reship_limit"],
            id="three-strikes",
        ),
        pytest.param(
            [
                PolicyException(PolicyRule.CUSTOMER_CAP, "620 over 500", limit=Decimal("500")),
                PolicyException(PolicyRule.HANDLER_APPROVAL, "400 over 300"),
            ],
            ["policy_customer_cap", "policy_handler_approval"],
            id="two-rules",
        ),
        pytest.param([], [], id="within-policy"),
    ],
)
def test_policy(broken, rules):
    found = alerts.policy_alerts(
        business_id="shop",
        customer_key="shop/c1",
        event_id="g-1",
        granted_by="anna",
        period="2026-11",
        broken=broken,
        when=T0,
    )
    assert [a.rule for a in found] == rules
    assert all("anna" in a.explanation for a in found)
    assert all(type(a.rule) is str for a in found)  # the bare value lands in DuckDB


def test_rule_names_are_the_values_that_land() -> None:
    """`alerts.rule` in DuckDB, the outbox and the dashboard hold these values: never rename."""
    assert {r.name: r.value for r in alerts.AlertRule} == {
        "BADLY_CLOSED": "badly_closed",
        "HIGH_RISK_REVIEW": "high_risk_review",
        "DEADLINE_OVERDUE": "deadline_overdue",
        "DEADLINE_NEAR": "deadline_near",
        "BUDGET_LEVEL": "budget_level",
        "BUDGET_FORECAST": "budget_forecast",
        "NEGATIVE_SPIKE": "negative_spike",
        "POLICY_RESHIP_LIMIT": "policy_reship_limit",
        "POLICY_DISCOUNT_CAP": "policy_discount_cap",
        "POLICY_RETURNS_WINDOW": "policy_returns_window",
        "POLICY_CUSTOMER_CAP": "policy_customer_cap",
        "POLICY_HANDLER_APPROVAL": "policy_handler_approval",
    }
    # every policy rule of the ledger has its alert rule, and only those are "policy_"
    assert {alerts.AlertRule.policy(r) for r in PolicyRule} == {
        r for r in alerts.AlertRule if r.startswith("policy_")
    }
    with pytest.raises(ValueError):
        alerts.AlertRule.policy("no_such_rule")


def status(used: str, runs_out: date | None = None) -> BudgetStatus:
    used_pct = Decimal(used)
    return BudgetStatus(
        business_id="shop",
        period="2026-11",
        currency="PLN",
        budget=Decimal("1000"),
        spent=used_pct * 10,
        committed=Decimal("0"),
        remaining=Decimal("1000") - used_pct * 10,
        used_pct=used_pct,
        burn_per_day=Decimal("50"),
        runs_out_on=runs_out,
        period_ends_on=date(2026, 11, 30),
    )


@pytest.mark.parametrize(
    ("used", "runs_out", "expected"),
    [
        pytest.param("49.99", None, [], id="under-half"),
        pytest.param("50", None, [("budget_level", "info")], id="half"),
        pytest.param(
            "85",
            date(2026, 11, 23),
            [("budget_level", "info"), ("budget_level", "warning"), ("budget_forecast", "warning")],
            id="80-and-forecast",
        ),
        pytest.param(
            "120",
            date(2026, 11, 18),
            [("budget_level", "info"), ("budget_level", "warning"), ("budget_level", "critical")],
            id="over-no-forecast-needed",
        ),
        pytest.param("60", date(2026, 12, 20), [("budget_level", "info")], id="lasts-the-period"),
    ],
)
def test_budget(used, runs_out, expected):
    found = alerts.budget_alerts(status(used, runs_out), (50, 80, 100), T0)
    assert [(a.rule, a.severity) for a in found] == expected


# ---------------------------------------------------------------- dedupe


def test_fresh_lets_escalations_through_only():
    seen: list[str] = []

    def a(severity: str, key: str = "cause") -> alerts.Alert:
        return alerts.make_alert(
            rule="r",
            severity=severity,
            dedupe_key=key,
            business_id="b",
            created_at=T0,
            title="t",
            explanation="e",
            next_step="n",
        )

    assert alerts.fresh([a("warning")], seen) == [a("warning")]
    assert alerts.fresh([a("warning")], seen) == []  # the same cause
    assert alerts.fresh([a("info")], seen) == []  # a de-escalation
    assert [x.severity for x in alerts.fresh([a("critical")], seen)] == ["critical"]
    assert alerts.fresh([a("critical"), a("warning", "other")], seen) == [a("warning", "other")]
    assert alerts.fresh([a("critical", "legacy")], ["legacy"]) == []  # plain key: done
    assert a("warning").alert_id == a("warning").alert_id != a("critical").alert_id


def _story() -> list[dict]:
    """A bad closure, a blogger's review and a budget blow-out: several rules at once."""
    common = {"business_id": "shop", "customer_id": "c1"}
    events = [
        {
            **common,
            "event_id": "o1",
            "type": "complaint.opened",
            "occurred_at": T0.isoformat(),
            "complaint_id": "k1",
            "channel": "email",
            "text": "The mattress sagged after a week.",
        },
        {
            **common,
            "event_id": "x1",
            "type": "complaint.closed",
            "occurred_at": (T0 + timedelta(hours=2)).isoformat(),
            "complaint_id": "k1",
            "handler": "marek",
            "resolution": "declined",
            "reply_text": "That's not our problem, you should have read the terms. "
            "Stop wasting our time.",
            "customer_last_message": "I will tell everyone about this.",
        },
    ]
    for n in range(3):
        events.append(
            {
                **common,
                "event_id": f"g{n}",
                "type": "concession.granted",
                "occurred_at": (T0 + timedelta(hours=3 + n)).isoformat(),
                "kind": "refund_full",
                "amount": "2000.00",
                "currency": "PLN",
                "granted_by": "anna",
            }
        )
    return events


def _alert_ids(pipeline: Pipeline, events: list[dict]) -> list[str]:
    ids = []
    for raw in events:
        ids += [f.key for f in pipeline.process(parse_event(raw)) if f.table == "alerts"]
    return ids


def test_replay_and_restart_raise_nothing_new():
    events = _story()
    pipeline = Pipeline(Settings())
    first = _alert_ids(pipeline, events)
    # Policy alerts repeat their id while the customer stays over the limit (the customer
    # state keeps no alert keys): an upsert in DuckDB, and the outbox keeps the first copy.
    assert len(set(first)) >= 4
    assert _alert_ids(pipeline, events) == []  # the same events replayed: no second alert
    restarted = _alert_ids(Pipeline(Settings()), events)  # state lost: the same ids again,
    assert restarted == first  # which every store downstream already holds


# ---------------------------------------------------------------- spike


def _feed(
    events: list[tuple[datetime, str, str]],
    thresholds: AlertThresholds,
    max_p=None,
    history_from: datetime | None = T0 - timedelta(hours=13),
):
    """Negative texts through spike.check; history starts with a neutral text by default."""
    negatives: deque = deque()
    seen: list[str] = []
    fired = []
    if history_from is not None:
        spike.note_history(seen, "shop", history_from)
    for n, (when, location, channel) in enumerate(events):
        fired += spike.check(
            negatives,
            seen,
            business_id="shop",
            event_id=f"e{n}",
            when=when,
            location=location,
            channel=channel,
            negative=True,
            thresholds=thresholds,
            max_p=max_p,
        )
    return fired


def _noise(rng: random.Random, per_hour: float, hours: int, start: datetime = T0):
    """Negatives as a Poisson process: exponential gaps at `per_hour`."""
    out, at = [], start
    while True:
        at += timedelta(hours=rng.expovariate(per_hour))
        if at >= start + timedelta(hours=hours):
            return out
        out.append((at, rng.choice(["krakow", "warszawa"]), rng.choice(["maps", "marketplace"])))


@pytest.mark.parametrize("per_hour", [0.2, 0.5, 1.0, 2.0, 4.0, 8.0])
@pytest.mark.parametrize("seed", [1, 3, 5])
def test_normal_noise_over_a_day_fires_nothing(per_hour, seed):
    """From a cold start (no history at all), a day and a half of ordinary negatives."""
    events = _noise(random.Random(seed), per_hour, hours=36)
    assert len(events) > 0
    assert _feed(events, AlertThresholds(), history_from=None) == []


def test_false_alarms_from_pure_noise_are_rare():
    """Poisson noise has real clusters; over 20 x 6 x 36 h = 4,320 business-hours of it
    (rates 0.2 to 8 negatives an hour, four scopes each) the default test raises at most
    three alerts: about one per 60 business-days of pure noise (measured: 3)."""
    fired = 0
    for seed in range(20):
        for per_hour in (0.2, 0.5, 1.0, 2.0, 4.0, 8.0):
            events = _noise(random.Random(seed), per_hour, hours=36)
            fired += len(_feed(events, AlertThresholds(), history_from=None))
    assert fired <= 3


def test_a_cold_start_is_not_a_spike():
    burst = [(T0 + timedelta(minutes=5 * i), "krakow", "maps") for i in range(6)]
    assert _feed(burst, AlertThresholds(), history_from=None) == []
    assert len(_feed(burst, AlertThresholds(), history_from=T0 - timedelta(hours=13))) == 1


@pytest.mark.parametrize("per_hour", [0.0, 0.5, 1.0])
def test_a_burst_fires_once(per_hour):
    rng = random.Random(7)
    start = T0 - timedelta(hours=13)  # the history starts with the noise
    events = _noise(rng, per_hour, hours=43, start=start) if per_hour else []
    burst_at = T0 + timedelta(hours=20)
    burst = [(burst_at + timedelta(minutes=4 * i), "krakow", "maps") for i in range(8)]
    fired = _feed(sorted(events + burst), AlertThresholds(), history_from=start)
    assert len(fired) == 1
    alert = fired[0]
    assert alert.rule == "negative_spike"
    assert burst_at <= alert.created_at <= burst_at + timedelta(minutes=30)
    # The most significant scope holding the burst (Krakow's maps page, or maps, or Krakow),
    # never the whole business, whose noise dilutes it.
    assert (alert.facts["scope"], alert.facts["value"]) in {
        ("place", "krakow|maps"),
        ("channel", "maps"),
        ("location", "krakow"),
    }


def test_a_burst_that_keeps_growing_escalates_once():
    burst = [(T0 + timedelta(minutes=2 * i), "krakow", "maps") for i in range(25)]
    fired = _feed(burst, AlertThresholds())
    assert [a.severity for a in fired] == ["warning", "critical"]
    assert fired[0].dedupe_key == fired[1].dedupe_key


def test_a_second_burst_a_day_later_is_a_new_episode():
    first = [(T0 + timedelta(minutes=5 * i), "krakow", "maps") for i in range(6)]
    later = T0 + timedelta(hours=30)
    second = [(later + timedelta(minutes=5 * i), "krakow", "maps") for i in range(6)]
    fired = _feed(first + second, AlertThresholds())
    assert len(fired) == 2 and fired[0].dedupe_key != fired[1].dedupe_key


def test_spike_thresholds_are_configurable():
    burst = [(T0 + timedelta(minutes=5 * i), "krakow", "maps") for i in range(6)]
    assert _feed(burst, AlertThresholds(spike_min_count=10)) == []
    assert len(_feed(burst[:3], AlertThresholds(), max_p=1.0)) == 1


@pytest.mark.parametrize(
    ("k", "lam", "expected"),
    [(0, 1.0, 1.0), (1, 1.0, 1 - 0.36787944117144233), (3, 0.0, 0.0), (5, 0.5, 0.000172)],
)
def test_poisson_tail(k, lam, expected):
    assert spike.poisson_tail(k, lam) == pytest.approx(expected, rel=1e-2)
