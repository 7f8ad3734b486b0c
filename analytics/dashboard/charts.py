"""Charts an owner reads at a glance, drawn on the server as SVG (no script, no CDN).

The data comes from the SQL files in analytics/dashboard/charts/ run against the analysts' catalog;
this module only draws. Each chart has a one-line summary in words beside the picture, so
the page says the same to someone who cannot see it. The SVG carries classes, never inline
style: the colours are in analytics/dashboard/static/dashboard.css, so the page's CSP stays strict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any

import duckdb
from markupsafe import Markup, escape

from analytics.dashboard.alertlist import money

WIDTH, HEIGHT = 360, 160
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 22
CHART_FILES = ("negative_per_day", "money_at_risk", "budget_burndown", "badly_closed_by_handler")


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    summary: str
    svg: Markup


def chart_sql(name: str) -> str:
    return (resources.files("analytics.dashboard") / "charts" / f"{name}.sql").read_text(
        encoding="utf-8"
    )


def chart_rows(con: duckdb.DuckDBPyConnection, name: str, business: str) -> list[dict[str, Any]]:
    cursor = con.execute(chart_sql(name), {"business": business})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _svg(label: str, body: Sequence[str]) -> Markup:
    return Markup(
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}"'
        f' xmlns="http://www.w3.org/2000/svg">{"".join(body)}</svg>'
    )


def _scale(value: float, low: float, high: float) -> float:
    """A value's y in the plot (high at the top)."""
    span = (high - low) or 1.0
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - low) / span)


def _x(index: int, count: int) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * (index + 0.5) / max(count, 1)


def _text(x: float, y: float, words: str, cls: str = "axis", anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" text-anchor="{anchor}">{escape(words)}</text>'
    )


def _rect(x: float, y: float, width: float, height: float, cls: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" class="{cls}"/>'
    )


def _axis(low: float, high: float, unit: str = "") -> list[str]:
    base = HEIGHT - BOTTOM
    return [
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" class="baseline"/>',
        _text(LEFT - 4, _scale(high, low, high) + 4, f"{high:,.0f}{unit}", anchor="end"),
        _text(LEFT - 4, base, f"{low:,.0f}{unit}", anchor="end"),
    ]


def _day_labels(days: Sequence[date]) -> list[str]:
    if not days:
        return []
    ends = [(0, days[0]), (len(days) - 1, days[-1])]
    anchors = ("start", "end")
    return [
        _text(_x(i, len(days)), HEIGHT - 6, day.strftime("%d %b"), anchor=a)
        for (i, day), a in zip(ends, anchors, strict=True)
    ]


def negative_reviews_chart(rows: Sequence[dict[str, Any]]) -> Chart:
    """Bars of negative reviews per day; spike days in another colour, with a marker."""
    title = "Negative reviews per day"
    if not rows:
        return Chart("negative", title, "No reviews yet.", _svg(title, []))
    high = float(max(max(r["negative"] for r in rows), 1))
    width = (WIDTH - LEFT - RIGHT) / len(rows) * 0.8
    body = _axis(0, high)
    for i, r in enumerate(rows):
        y = _scale(float(r["negative"]), 0, high)
        cls = "bar spike" if r["spike"] else "bar"
        body.append(
            f'<rect x="{_x(i, len(rows)) - width / 2:.1f}" y="{y:.1f}" width="{width:.1f}"'
            f' height="{HEIGHT - BOTTOM - y:.1f}" class="{cls}"><title>'
            f"{escape(r['day'].isoformat())}: {r['negative']} negative of {r['reviews']}"
            f"{' (spike alert)' if r['spike'] else ''}</title></rect>"
        )
        if r["spike"]:
            body.append(_text(_x(i, len(rows)), max(y - 3, TOP + 8), "spike", "mark", "middle"))
    body += _day_labels([r["day"] for r in rows])
    spikes = [r["day"].strftime("%d %b") for r in rows if r["spike"]]
    worst = max(rows, key=lambda r: r["negative"])
    summary = f"Most on {worst['day']:%d %b}: {worst['negative']}." + (
        f" Spike alert on {', '.join(spikes)}." if spikes else " No spike alert."
    )
    return Chart("negative", title, summary, _svg(f"{title}. {summary}", body))


def _polyline(values: Sequence[float], low: float, high: float, cls: str) -> str:
    points = " ".join(
        f"{_x(i, len(values)):.1f},{_scale(v, low, high):.1f}" for i, v in enumerate(values)
    )
    return f'<polyline points="{points}" class="{cls}"/>'


def money_at_risk_chart(rows: Sequence[dict[str, Any]]) -> Chart:
    """A line of the money at risk at the end of each day."""
    title = "Money at risk over time"
    if not rows:
        return Chart("at-risk", title, "Nobody is at risk yet.", _svg(title, []))
    currency = rows[-1]["currency"]
    values = [float(r["revenue_at_risk"] or 0) for r in rows]
    high = max(max(values), 1.0)
    body = [*_axis(0, high), _polyline(values, 0, high, "line risk")]
    body += _day_labels([r["day"] for r in rows])
    summary = (
        f"{money(rows[-1]['revenue_at_risk'], currency)} at risk on {rows[-1]['day']:%d %b},"
        f" from {money(rows[0]['revenue_at_risk'], currency)} on {rows[0]['day']:%d %b}."
    )
    return Chart("at-risk", title, summary, _svg(f"{title}. {summary}", body))


def _forecast(runs_out: date | None, today: date, end: date) -> str:
    if runs_out is None or runs_out > end:
        return "; at this pace it lasts the period"
    if runs_out <= today:
        return f"; it ran out on {runs_out:%d %b}"
    return f"; at this pace it runs out on {runs_out:%d %b}"


def budget_burndown_chart(rows: Sequence[dict[str, Any]]) -> Chart:
    """What is left of the refund budget each day, to the period's end; zero, the forecast
    exhaustion day and the period end marked."""
    title = "Refund budget left"
    if not rows:
        return Chart("budget", title, "No refund budget yet.", _svg(title, []))
    last = rows[-1]
    first_day, end = rows[0]["day"], last["period_ends_on"]
    days = (end - first_day).days + 1
    values = [float(r["remaining"]) for r in rows]
    high, low = float(last["budget"]), min(min(values), 0.0)
    body = _axis(low, high)
    zero = _scale(0, low, high)
    body.append(
        f'<line x1="{LEFT}" y1="{zero:.1f}" x2="{WIDTH - RIGHT}" y2="{zero:.1f}" class="zero"/>'
    )
    points = " ".join(f"{_x(i, days):.1f},{_scale(v, low, high):.1f}" for i, v in enumerate(values))
    body.append(f'<polyline points="{points}" class="line budget"/>')
    markers = [(end, "period ends", "end")]
    runs_out = last["runs_out_on"]
    if runs_out is not None and first_day <= runs_out <= end:
        markers.append((runs_out, "runs out", "middle"))
    for day, words, anchor in markers:
        x = _x((day - first_day).days, days)
        body.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM}" class="marker"/>'
        )
        body.append(_text(x, TOP + 8, f"{words} {day:%d %b}", "mark", anchor))
    body.append(_text(_x(0, days), HEIGHT - 6, f"{first_day:%d %b}"))
    currency = last["currency"]
    left = Decimal(str(last["remaining"]))
    state = (
        f"over budget by {money(-left, currency)}" if left < 0 else f"{money(left, currency)} left"
    )
    forecast = _forecast(runs_out, last["day"], end)
    summary = (
        f"{last['period']}: {state} of {money(last['budget'], currency)} on {last['day']:%d %b}"
        f"{forecast}; the period ends on {end:%d %b}."
    )
    return Chart("budget", title, summary, _svg(f"{title}. {summary}", body))


def badly_closed_chart(rows: Sequence[dict[str, Any]]) -> Chart:
    """One bar per handler: the share of their closed complaints that were closed badly."""
    title = "Complaints closed badly, per handler"
    if not rows:
        return Chart("handlers", title, "No complaints closed yet.", _svg(title, []))
    shown = list(rows[:6])
    step = (HEIGHT - TOP) / len(shown)
    body = []
    for i, r in enumerate(shown):
        y = TOP + i * step
        share = float(r["share_pct"])
        width = (WIDTH - 150) * share / 100
        body.append(_text(0, y + step * 0.6, str(r["handler"])[:16]))
        top, thick = y + step * 0.15, step * 0.6
        body.append(_rect(100, top, WIDTH - 150, thick, "track"))
        body.append(_rect(100, top, width, thick, "bar bad" if share >= 50 else "bar"))
        body.append(_text(WIDTH - 46, y + step * 0.6, f"{share:.0f}% of {r['closed']}", "value"))
    worst = shown[0]
    summary = (
        f"{worst['handler']} closed {worst['badly_closed']} of {worst['closed']} complaints badly"
        f" ({float(worst['share_pct']):.0f}%)."
    )
    return Chart("handlers", title, summary, _svg(f"{title}. {summary}", body))


def business_charts(con: duckdb.DuckDBPyConnection, business: str) -> list[Chart]:
    """The four charts of one business, from the catalog."""
    return [
        negative_reviews_chart(chart_rows(con, "negative_per_day", business)),
        money_at_risk_chart(chart_rows(con, "money_at_risk", business)),
        budget_burndown_chart(chart_rows(con, "budget_burndown", business)),
        badly_closed_chart(chart_rows(con, "badly_closed_by_handler", business)),
    ]
