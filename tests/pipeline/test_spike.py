"""pipeline/spike.py piece by piece: the tails, one evaluation, the history markers, the
time-ordered record of negatives and the episode markers. Plain values, no I/O, no clock.
(Whole scenarios - noise, bursts, escalation, a cold start - are in test_alerts.py.)"""

from __future__ import annotations

import math
from collections import deque
from datetime import UTC, datetime, timedelta

import pytest

from pipeline import spike
from pipeline.alerts import AlertRule
from pipeline.config import AlertThresholds

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DEFAULTS = AlertThresholds()  # 60 min window, 12 h baseline, min 3, ratio 3


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def rec(minutes: float, location: str = "krakow", channel: str = "maps") -> spike.Record:
    return (at(minutes).astimezone(UTC).isoformat(), location, channel)


# ---------------------------------------------------------------- the tails


@pytest.mark.parametrize(
    ("k", "n", "p", "expected"),
    [
        (0, 5, 0.3, 1.0),  # at least nothing: certain
        (6, 5, 0.3, 0.0),  # more than n: impossible
        (1, 5, 0.0, 0.0),
        (1, 5, 1.0, 1.0),
        (5, 5, 0.5, 1 / 32),
        (1, 3, 0.5, 7 / 8),
        (2, 4, 0.25, 1 - 0.75**4 - 4 * 0.25 * 0.75**3),
    ],
)
def test_binomial_tail(k: int, n: int, p: float, expected: float) -> None:
    assert spike.binomial_tail(k, n, p) == pytest.approx(expected, rel=1e-9, abs=1e-15)


@pytest.mark.parametrize(
    ("k", "lam", "expected"),
    [
        (0, 2.0, 1.0),
        (-1, 2.0, 1.0),
        (1, 0.0, 0.0),
        (1, 2.0, 1 - math.exp(-2)),
        (2, 1.0, 1 - 2 * math.exp(-1)),
    ],
)
def test_poisson_tail_edges(k: int, lam: float, expected: float) -> None:
    assert spike.poisson_tail(k, lam) == pytest.approx(expected, rel=1e-9)


def test_tails_stay_exact_for_tiny_probabilities() -> None:
    assert 0 < spike.binomial_tail(60, 60, 0.01) < 1e-100
    assert 0 < spike.poisson_tail(60, 0.1) < 1e-100


# ---------------------------------------------------------------- one evaluation

# (name, negatives as (minutes from now, location, channel), location, channel, history start
#  in minutes (None: long enough), scopes expected to spike, most significant first)
FIVE = [(-i,) for i in range(5)]
EVALUATE_CASES = [
    ("nothing", [], "krakow", "maps", None, []),
    ("two are under the minimum count", [(-1,), (0,)], "krakow", "maps", None, []),
    # an empty baseline: a text falls in the window with p = 1/13 (1 h of 13), so four in a
    # row have p = 13**-4 = 3.5e-5, over max_p = 2e-5; five have 2.7e-6
    ("four are not unlikely enough", FIVE[:4], "krakow", "maps", None, []),
    (
        "five in an empty history: every scope of the place",
        FIVE,
        "krakow",
        "maps",
        None,
        ["place", "location", "channel", "business"],
    ),
    (
        "a busy baseline explains five",
        [*FIVE, *((-70 - 10 * i,) for i in range(40))],
        "krakow",
        "maps",
        None,
        [],
    ),
    (
        "older than window + baseline is forgotten",
        [*FIVE, *((-800 - i,) for i in range(40))],
        "krakow",
        "maps",
        None,
        ["place", "location", "channel", "business"],
    ),
    (
        "spread over places: only the business and the channel",
        [(0, "krakow"), (-1, "gdansk"), (-2, "poznan"), (-3, "lodz"), (-4, "opole")],
        "krakow",
        "maps",
        None,
        ["channel", "business"],
    ),
    (
        "no location: no place or location scope",
        [(-i, "-") for i in range(5)],
        "-",
        "maps",
        None,
        ["channel", "business"],
    ),
    ("a cold start: history shorter than one window", FIVE, "krakow", "maps", -90, []),
    ("later than now is not counted", [(1,), (2,), (3,), (4,), (0,)], "krakow", "maps", None, []),
]


@pytest.mark.parametrize(
    ("negatives", "location", "channel", "since", "scopes"),
    [case[1:] for case in EVALUATE_CASES],
    ids=[case[0] for case in EVALUATE_CASES],
)
def test_evaluate(
    negatives: list[tuple], location: str, channel: str, since: float | None, scopes: list[str]
) -> None:
    records = sorted(rec(*n) for n in negatives)
    start = at(since) if since is not None else at(-10_000)
    found = spike.evaluate(records, T0, location, channel, DEFAULTS, history_start=start)
    assert sorted(f.scope for f in found) == sorted(scopes)
    assert [f.p_value for f in found] == sorted(f.p_value for f in found)
    for finding in found:
        assert finding.recent >= DEFAULTS.spike_min_count
        assert finding.p_value <= spike.DEFAULT_MAX_P
        assert finding.value == spike.scope_value(finding.scope, location, channel)


def test_a_large_burst_is_critical_a_small_one_a_warning() -> None:
    small = [rec(-i) for i in range(5)]
    large = [rec(-i / 2) for i in range(4 * DEFAULTS.spike_min_count)]
    start = at(-10_000)
    assert {
        f.severity for f in spike.evaluate(small, T0, "krakow", "maps", DEFAULTS, None, start)
    } == {"warning"}
    assert "critical" in {
        f.severity for f in spike.evaluate(large, T0, "krakow", "maps", DEFAULTS, None, start)
    }


@pytest.mark.parametrize(
    ("scope", "expected"),
    [("business", "all"), ("location", "krakow"), ("channel", "maps"), ("place", "krakow|maps")],
)
def test_scope_value(scope: str, expected: str) -> None:
    assert spike.scope_value(scope, "krakow", "maps") == expected


# ---------------------------------------------------------------- history and records


def test_history_starts_at_the_earliest_text_seen() -> None:
    seen: list[str] = []
    assert spike.history_start(seen, "shop") is None
    assert spike.note_history(seen, "shop", at(10)) == at(10)
    assert spike.note_history(seen, "shop", at(20)) == at(10)  # later: unchanged
    assert spike.note_history(seen, "shop", at(5)) == at(5)  # earlier: moves back
    assert spike.note_history(seen, "other", at(1)) == at(1)  # per business
    assert spike.history_start(seen, "shop") == at(5)
    assert seen == [
        f"spike-since:shop@{at(5).isoformat()}",
        f"spike-since:other@{at(1).isoformat()}",
    ]


def test_observe_keeps_time_order_and_forgets_relative_to_now() -> None:
    negatives: deque[spike.Record] = deque()
    keep = timedelta(hours=1)
    spike.observe(negatives, at(0), "krakow", "maps", keep)
    spike.observe(negatives, at(30), None, "maps", keep)
    spike.observe(negatives, at(10), "krakow", "email", keep)  # late: inserted in order
    assert [r[0] for r in negatives] == [rec(0)[0], rec(10)[0], rec(30)[0]]
    assert negatives[2][1] == spike.NO_LOCATION
    # a text from the past (a skewed clock) does not wipe the history
    spike.observe(negatives, at(-600), "krakow", "maps", keep)
    assert len(negatives) == 4
    spike.observe(negatives, at(75), "krakow", "maps", keep)  # all before 0:15 is forgotten
    assert [r[0] for r in negatives] == [rec(30)[0], rec(75)[0]]


def test_episode_markers_round_trip_and_the_latest_wins() -> None:
    key = spike.episode_key("shop", "location", "krakow", "2026-11-20T10:00:00+00:00")
    assert key == "spike:shop:location:krakow@2026-11-20T10:00:00+00:00"
    later = spike.episode_key("shop", "location", "krakow", "2026-11-20T11:00:00+00:00")
    place = spike.episode_key("shop", "place", "krakow|maps", "2026-11-20T09:00:00+00:00")
    seen = [f"{key}#warning", f"{later}#critical", place, "spike:other:business:all@x#warning"]
    assert spike._episodes(seen, "shop") == {
        ("location", "krakow"): "2026-11-20T11:00:00+00:00",
        ("place", "krakow|maps"): "2026-11-20T09:00:00+00:00",
    }


def test_old_episode_markers_are_forgotten_oldest_first() -> None:
    extra = 5
    seen = ["keep-me", *(f"spike:shop:business:all@{i:04d}#warning" for i in range(200 + extra))]
    seen.append("spike:other:business:all@0#warning")
    spike._forget_old_episodes(seen, "shop")
    mine = [m for m in seen if m.startswith("spike:shop:")]
    assert len(mine) == spike.EPISODES_KEPT
    assert mine[0] == f"spike:shop:business:all@{extra:04d}#warning"
    assert "keep-me" in seen and "spike:other:business:all@0#warning" in seen


# ---------------------------------------------------------------- check: one alert per burst


def test_check_raises_one_alert_for_a_burst_under_its_episode_key() -> None:
    negatives: deque[spike.Record] = deque()
    seen: list[str] = []
    spike.note_history(seen, "shop", at(-1_000))
    fired = []
    for i in range(6):
        fired += spike.check(
            negatives,
            seen,
            business_id="shop",
            event_id=f"e{i}",
            when=at(i),
            location="krakow",
            channel="maps",
            negative=True,
            thresholds=DEFAULTS,
        )
    [alert] = fired
    assert alert.rule == AlertRule.NEGATIVE_SPIKE == "negative_spike"
    assert alert.source_event_id == "e4"  # the fifth: four are not unlikely enough
    assert alert.dedupe_key.startswith("spike:shop:")
    assert alert.dedupe_key.endswith(f"@{rec(4)[0]}")
    assert f"{alert.dedupe_key}#warning" in seen


def test_a_positive_text_only_notes_the_history() -> None:
    negatives: deque[spike.Record] = deque()
    seen: list[str] = []
    found = spike.check(
        negatives,
        seen,
        business_id="shop",
        event_id="e",
        when=at(0),
        location=None,
        channel="maps",
        negative=False,
        thresholds=DEFAULTS,
    )
    assert found == [] and not negatives
    assert spike.history_start(seen, "shop") == at(0)
