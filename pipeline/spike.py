"""Negative spikes per business, location and channel: pure decisions, no clock, no I/O.

A spike is the last `spike_window_minutes` holding far more negative texts than the previous
`spike_baseline_hours` lead to expect. Three tests must all pass for a scope:

- at least `spike_min_count` negatives in the window,
- at least `spike_ratio` times the expected count (the baseline rate, floored at
  1/`spike_ratio` per window so an empty history does not make three texts a spike),
- chance: given all texts of window + baseline, the probability that this many or more fell
  in the window by luck (a binomial tail: two Poisson counts compared, the baseline rate
  estimated rather than trusted) is at most `max_p` (`AlertThresholds.spike_max_p` when the
  config has it, else `DEFAULT_MAX_P`). Ordinary noise over a day stays quiet.

A cold start is not a spike: nothing fires until the business's history (its first scored
text, remembered as `spike-since:{business}@{time}`) covers one window of baseline, and until
it covers the full baseline the rate is taken over what it does cover.

One burst fires once: the first alert opens an *episode* for its scope (its dedupe key carries
the episode start). While an episode younger than the baseline contains the new text, or what
still spikes once its texts are taken away is nothing, later negatives belong to that episode
and alert again only on an escalation (warning -> critical: `CRITICAL_COUNT_FACTOR` times the
minimum count in the episode's own scope, at p <= max_p**2). Episodes are remembered in
`BusinessState.alert_keys` as `spike:{business}:{scope}:{value}@{start}#{severity}`.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from collections.abc import Iterable, MutableSequence, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from pipeline import alerts
from pipeline.config import AlertThresholds

DEFAULT_MAX_P = 2e-5
CRITICAL_COUNT_FACTOR = 4  # critical: this many times the minimum count, and p <= max_p**2
EPISODES_KEPT = 200  # spike markers remembered per business (oldest dropped)
# Narrowest first (ties go to the narrowest). "place" is one location's one channel.
SCOPE_ORDER = ("place", "location", "channel", "business")
NO_LOCATION = "-"

Record = tuple[str, str, str]  # (UTC ISO time, location or "-", channel)


@dataclass(frozen=True)
class SpikeFinding:
    scope: str  # business | location | channel
    value: str  # "all" for the business scope
    recent: int
    expected: float
    p_value: float
    severity: alerts.Severity


def poisson_tail(k: int, lam: float) -> float:
    """P(X >= k) for X ~ Poisson(lam), summed from the tail side (exact for tiny values)."""
    if k <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    term = math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1))
    total, i = 0.0, k
    while term > total * 1e-15 and i < k + 1000:
        total += term
        i += 1
        term *= lam / i
    return min(1.0, total)


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    if k > n or p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    total = 0.0
    for i in range(k, n + 1):
        total += math.exp(
            math.lgamma(n + 1)
            - math.lgamma(i + 1)
            - math.lgamma(n - i + 1)
            + i * log_p
            + (n - i) * log_q
        )
    return min(1.0, total)


def _utc_iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()


def _max_p(thresholds: AlertThresholds) -> float:
    return float(getattr(thresholds, "spike_max_p", DEFAULT_MAX_P))


def evaluate(
    negatives: Iterable[Record],
    now: datetime,
    location: str,
    channel: str,
    thresholds: AlertThresholds,
    max_p: float | None = None,
    history_start: datetime | None = None,
) -> list[SpikeFinding]:
    """Scopes of one new negative text (at `now`) that are spiking, most significant first.

    `history_start` is when the business's history begins (its first scored text): while the
    baseline covers less than a full window nothing fires (a cold start is not a spike), and
    until it covers the full baseline the rate is taken over the part it does cover.
    """
    max_p = _max_p(thresholds) if max_p is None else max_p
    window = timedelta(minutes=thresholds.spike_window_minutes)
    baseline = timedelta(hours=thresholds.spike_baseline_hours)
    covered = baseline
    if history_start is not None:
        covered = min(baseline, now - window - history_start)
        if covered < window:
            return []
    now_iso = _utc_iso(now)
    start = _utc_iso(now - window)
    horizon = _utc_iso(now - window - baseline)
    here = ("", location, channel)
    scopes = [s for s in SCOPE_ORDER if s in ("business", "channel") or location != NO_LOCATION]
    counts = {scope: [0, 0] for scope in scopes}
    for record in negatives:
        at = record[0]
        if at > now_iso or at < horizon:
            continue
        slot = 0 if at > start else 1
        for scope in scopes:
            if _same_scope(scope, record, here):
                counts[scope][slot] += 1
    per_window = window / covered
    floor = 1.0 / max(thresholds.spike_ratio, 1.0)
    found = []
    for scope in scopes:
        value = scope_value(scope, location, channel)
        recent, earlier = counts[scope]
        expected = max(earlier * per_window, floor)
        if recent < thresholds.spike_min_count or recent < thresholds.spike_ratio * expected:
            continue
        # Conditional test of two Poisson counts: given all n texts of window + baseline, how
        # likely is it that this many fell in the window? (The baseline rate is estimated,
        # not known: a plain Poisson tail would trust a short, lucky-quiet baseline too much.)
        p_value = binomial_tail(recent, recent + earlier, per_window / (1 + per_window))
        if p_value > max_p:
            continue
        severe = recent >= CRITICAL_COUNT_FACTOR * thresholds.spike_min_count
        severity: alerts.Severity = "critical" if severe and p_value <= max_p**2 else "warning"
        found.append(SpikeFinding(scope, value, recent, expected, p_value, severity))
    found.sort(key=lambda f: (f.p_value, SCOPE_ORDER.index(f.scope)))
    return found


def history_start(seen: Iterable[str], business_id: str) -> datetime | None:
    prefix = f"spike-since:{business_id}@"
    for marker in seen:
        if marker.startswith(prefix):
            return datetime.fromisoformat(marker[len(prefix) :])
    return None


def note_history(seen: MutableSequence[str], business_id: str, when: datetime) -> datetime:
    """Remember when the business's history starts (the earliest scored text seen)."""
    prefix = f"spike-since:{business_id}@"
    for i, marker in enumerate(seen):
        if marker.startswith(prefix):
            known = datetime.fromisoformat(marker[len(prefix) :])
            if when < known:
                seen[i] = f"{prefix}{_utc_iso(when)}"
                return when
            return known
    seen.append(f"{prefix}{_utc_iso(when)}")
    return when


def _episodes(seen: Iterable[str], business_id: str) -> dict[tuple[str, str], str]:
    """(scope, value) -> the latest episode start, from the spike markers in `seen`."""
    prefix = f"spike:{business_id}:"
    latest: dict[tuple[str, str], str] = {}
    for marker in seen:
        if not marker.startswith(prefix):
            continue
        key = marker.rpartition("#")[0] or marker
        head, _, started = key.rpartition("@")
        scope, _, value = head[len(prefix) :].partition(":")
        if started > latest.get((scope, value), ""):
            latest[(scope, value)] = started
    return latest


def episode_key(business_id: str, scope: str, value: str, started: str) -> str:
    return f"spike:{business_id}:{scope}:{value}@{started}"


def observe(
    negatives: deque[Record], now: datetime, location: str | None, channel: str, keep: timedelta
) -> Record:
    """Insert a negative text into the time-ordered history; forget what `now` cannot see.

    Out-of-order texts (a late redelivery) are inserted in time order and judged at their own
    time. Pruning is relative to `now`, never to the newest time seen, so one event with a
    skewed clock cannot wipe the history.
    """
    record = (_utc_iso(now), location or NO_LOCATION, channel)
    horizon = _utc_iso(now - keep)
    while negatives and negatives[0][0] < horizon:
        negatives.popleft()
    if not negatives or record >= negatives[-1]:
        negatives.append(record)
    else:
        bisect.insort(negatives, record)
    return record


def check(
    negatives: deque[Record],
    seen: MutableSequence[str],
    *,
    business_id: str,
    event_id: str,
    when: datetime,
    location: str | None,
    channel: str,
    negative: bool,
    thresholds: AlertThresholds,
    max_p: float | None = None,
) -> list[alerts.Alert]:
    """Record one scored text; return the spike alert it raises, if any (at most one)."""
    started_at = note_history(seen, business_id, when)
    if not negative:
        return []
    window = timedelta(minutes=thresholds.spike_window_minutes)
    baseline = timedelta(hours=thresholds.spike_baseline_hours)
    record = observe(negatives, when, location, channel, window + baseline)
    findings = evaluate(
        negatives, when, record[1], record[2], thresholds, max_p, history_start=started_at
    )
    _forget_old_episodes(seen, business_id)
    if not findings:
        return []
    open_since = _utc_iso(when - baseline)
    episodes = [
        (scope_value, started)
        for scope_value, started in _episodes(seen, business_id).items()
        if started >= open_since
    ]
    fresh: list[SpikeFinding] = []
    if not episodes:
        finding, started = findings[0], record[0]
    else:
        # Take away the texts of the bursts already alerted; what still spikes is a new cause.
        residual = [r for r in negatives if not any(_covers(e, r) for e, _ in episodes)]
        if record in residual:
            fresh = evaluate(
                residual, when, record[1], record[2], thresholds, max_p, history_start=started_at
            )
        if fresh:
            finding, started = fresh[0], record[0]
        else:  # the same cause: report under the open episode (only an escalation alerts)
            by_scope = {(f.scope, f.value): f for f in findings}
            related = [(st, e) for e, st in episodes if _covers(e, record) or e in by_scope]
            started, episode = min(related or [(st, e) for e, st in episodes])
            # Severity from the episode's own scope: noise elsewhere does not escalate it.
            finding = by_scope.get(episode) or replace(findings[0], severity="warning")
    scope, value = episode if episodes and not fresh else (finding.scope, finding.value)
    alert = spike_alert(
        business_id=business_id,
        event_id=event_id,
        when=when,
        finding=finding,
        others=[f for f in findings if (f.scope, f.value) != (finding.scope, finding.value)],
        dedupe_key=episode_key(business_id, scope, value, started),
        thresholds=thresholds,
    )
    return alerts.fresh([alert], seen)


def scope_value(scope: str, location: str, channel: str) -> str:
    return {"business": "all", "location": location, "channel": channel}.get(
        scope, f"{location}|{channel}"
    )


def _same_scope(scope: str, record: Record, here: Record) -> bool:
    """Does `record` fall in the `scope` that contains `here`?"""
    if scope == "business":
        return True
    if scope == "location":
        return record[1] == here[1]
    if scope == "channel":
        return record[2] == here[2]
    return record[1] == here[1] and record[2] == here[2]


def _covers(episode: tuple[str, str], record: Record) -> bool:
    """An open episode of this scope contains the new text: the same burst."""
    scope, value = episode
    return value == scope_value(scope, record[1], record[2])


def _forget_old_episodes(seen: MutableSequence[str], business_id: str) -> None:
    """Keep the newest `EPISODES_KEPT` spike markers of a business (by position: arrival)."""
    prefix = f"spike:{business_id}:"
    mine = [i for i, marker in enumerate(seen) if marker.startswith(prefix)]
    for i in reversed(mine[: max(0, len(mine) - EPISODES_KEPT)]):
        del seen[i]


def spike_alert(
    *,
    business_id: str,
    event_id: str,
    when: datetime,
    finding: SpikeFinding,
    others: Sequence[SpikeFinding],
    dedupe_key: str,
    thresholds: AlertThresholds,
) -> alerts.Alert:
    where = {
        "business": "the whole business",
        "location": f"location {finding.value}",
        "channel": f"channel {finding.value}",
    }.get(finding.scope, finding.value.replace("|", " on "))
    minutes = thresholds.spike_window_minutes
    also = ", ".join(f"{o.scope} {o.value.replace('|', ' on ')} ({o.recent})" for o in others)
    also = f"; also {also}" if also else ""
    return alerts.make_alert(
        rule=alerts.AlertRule.NEGATIVE_SPIKE,
        severity=finding.severity,
        dedupe_key=dedupe_key,
        business_id=business_id,
        created_at=when,
        title=f"Negative spike at {where}: {finding.recent} negative texts in {minutes} min",
        explanation=(
            f"{finding.recent} negative texts in the last {minutes} min vs"
            f" {finding.expected:.1f} expected from the previous"
            f" {thresholds.spike_baseline_hours} h (chance p={finding.p_value:.1g}){also}"
        ),
        next_step="Look for a common cause (an outage, a courier, one product, one shift) and "
        "answer the public reviews first.",
        source_event_id=event_id,
        facts={
            "scope": finding.scope,
            "value": finding.value,
            "count": finding.recent,
            "expected": round(finding.expected, 2),
            "p_value": finding.p_value,
            "window_minutes": minutes,
            "also": [{"scope": o.scope, "value": o.value, "count": o.recent} for o in others],
        },
    )
