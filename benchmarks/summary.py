"""benchmarks/results/summary.json: {"name": {"value", "unit", "baseline", "ratio", "target"}}."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

SUMMARY = Path(__file__).resolve().parent / "results" / "summary.json"


def record(
    name: str, value: float, unit: str, baseline: float, target: str, ratio: float | None = None
) -> dict:
    """Merge one figure into summary.json (read-modify-write; other figures are kept)."""
    figures = json.loads(SUMMARY.read_text(encoding="utf-8")) if SUMMARY.exists() else {}
    if ratio is None:
        ratio = value / baseline if baseline else None
    figures[name] = {
        "value": round(value, 4),
        "unit": unit,
        "baseline": round(baseline, 4),
        "ratio": round(ratio, 4) if ratio is not None else None,
        "target": target,
    }
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return figures[name]


def median_seconds(runs: int, work: Callable[[], None]) -> float:
    """Median wall time of `runs` calls of `work` (benchmarks only; tests never time)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
