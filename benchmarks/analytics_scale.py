"""Analytics at scale (issue 23): the lake's per-flush publish cost, and every analyst view and
canned report timed through the analysts' catalog at 1M and 10M events.

    .venv/bin/python -m benchmarks.analytics_scale                 # 1M and 10M (10M: ~5 min)
    .venv/bin/python -m benchmarks.analytics_scale --sizes 1000000 --keep /tmp/scale

Writes benchmarks/results/analytics_scale.md and .json, and merges figures into summary.json.
Times are medians of --runs runs on this machine (2 cores shared with other work): compare
ratios, not absolute seconds. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from analytics.lake import catalog_path, lake_path, publish, write_catalog
from analytics.reports import REPORTS, run_report
from analytics.sink import DuckDBSink, apply_sql
from benchmarks.scale_data import generate
from benchmarks.summary import median_seconds, record
from pipeline.step import Fact

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_S = 1.0


def catalog_views(catalog: Path) -> list[str]:
    with duckdb.connect(str(catalog), read_only=True) as con:
        rows = con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY view_name"
        ).fetchall()
    return [name for (name,) in rows]


def time_views(catalog: Path, runs: int) -> dict[str, float]:
    """Seconds to compute each view whole: every row and column read (hashed), nothing
    transferred to Python; reports as `repute report` runs them."""
    timings = {}
    con = duckdb.connect(str(catalog), read_only=True)
    for view in catalog_views(catalog):
        timings[view] = median_seconds(
            runs,
            lambda v=view: con.execute(
                f"SELECT count(*), max(hash(COLUMNS(*))) FROM {v}"
            ).fetchall(),
        )
    for name in REPORTS:
        timings[f"report:{name}"] = median_seconds(
            runs, lambda n=name: run_report(con, n, limit=20)
        )
    con.close()
    return timings


def review_fact(n: int, day: datetime) -> Fact:
    """A review like the sink lands it, for the flush benchmark."""
    row = {
        "event_id": f"flush-{n}",
        "business_id": f"biz-{n % 40:03d}",
        "location_id": "loc-1",
        "occurred_at": day + timedelta(seconds=n % 86_400),
        "customer_key": f"biz-{n % 40:03d}/c-new-{n}",
        "channel": "maps",
        "public": True,
        "rating": 1 + n % 5,
        "author_kind": "customer",
        "audience_size": 0,
        "text": "Delivery was late twice and nobody answered my emails.",
        "lang": "en",
        "label": "neg",
        "negativity": 0.8,
        "drivers": ["-late"],
        "risk_score": 40.0,
        "currency": "PLN",
    }
    return Fact("reviews_scored", row["event_id"], row)


def flush_costs(db: Path, flushes: int = 10, rows: int = 5_000) -> list[float]:
    """Seconds per publish of `flushes` flushes of `rows` new reviews over the history in db."""
    sink = DuckDBSink(db)
    lake = lake_path(db)
    sink.snapshot(lake)  # the history's first publish (not timed)
    day = datetime(2026, 12, 1, tzinfo=UTC)
    costs = []
    for f in range(flushes):
        sink.add(review_fact(f * rows + n, day) for n in range(rows))
        sink.flush()
        start = time.perf_counter()
        sink.snapshot(lake)
        costs.append(time.perf_counter() - start)
    sink.close()
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description="analytics at scale")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--flush-sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="folder for the generated files (reused)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="scale-"))
    work.mkdir(parents=True, exist_ok=True)
    report: dict = {"measured_at": datetime.now(UTC).isoformat(), "sizes": {}, "flush": {}}

    for size in args.flush_sizes:
        # history of `size` reviews' worth of events; 10 flushes of 5k new rows on top
        db = work / f"flush-{size}.duckdb"
        generate(db, int(size / 0.6))
        shutil.rmtree(lake_path(db), ignore_errors=True)
        costs = flush_costs(db)
        report["flush"][size] = {"per_flush_s": costs, "median_s": sorted(costs)[len(costs) // 2]}
        print(f"publish per flush over {size:,} reviews: {report['flush'][size]['median_s']:.3f} s")
    if len(args.flush_sizes) >= 2:
        small, large = (report["flush"][s]["median_s"] for s in args.flush_sizes[:2])
        record(
            "lake_publish_per_flush_1m_history_s",
            large,
            "s",
            small,
            "within 1.5x of the 100k-history figure (baseline) for a 5k-row flush",
        )

    for size in args.sizes:
        db = work / f"events-{size}.duckdb"
        if not db.exists():
            start = time.perf_counter()
            generate(db, size)
            report.setdefault("generate_s", {})[size] = time.perf_counter() - start
        lake = lake_path(db)
        shutil.rmtree(lake, ignore_errors=True)
        with duckdb.connect(str(db)) as con:
            apply_sql(con)  # the daily aggregates, if the file predates them
            start = time.perf_counter()
            publish(con, lake)
            first_publish = time.perf_counter() - start
        catalog = catalog_path(db)
        write_catalog(lake, catalog)
        timings = time_views(catalog, args.runs)
        report["sizes"][size] = {"first_publish_s": first_publish, "views_s": timings}
        label = f"{size // 1_000_000}m" if size >= 1_000_000 else f"{size // 1000}k"
        for name, seconds in sorted(timings.items(), key=lambda kv: -kv[1]):
            print(
                f"{label} {name:40s} {seconds:8.3f} s{'  OVER 1 s' if seconds > TARGET_S else ''}"
            )
        slowest = max(timings, key=timings.get)
        record(
            f"analyst_slowest_view_{label}_s",
            timings[slowest],
            "s",
            TARGET_S,
            f"< 1 s for every view and report at {label} events (slowest: {slowest})",
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "analytics_scale.json").write_text(json.dumps(report, indent=1, default=str))
    write_markdown(report)


def write_markdown(report: dict) -> None:
    lines = ["# Analytics at scale", "", f"measured {report['measured_at']} (2 shared cores)", ""]
    if report["flush"]:
        lines += [
            "## Publish per flush (5k new reviews)",
            "",
            "| history | median s | runs |",
            "|---|---|---|",
        ]
        for size, f in report["flush"].items():
            runs = ", ".join(f"{c:.3f}" for c in f["per_flush_s"])
            lines.append(f"| {int(size):,} reviews | {f['median_s']:.3f} | {runs} |")
        lines.append("")
    sizes = list(report["sizes"])
    if sizes:
        lines += ["## Views and reports through the catalog (median s)", ""]
        lines.append("| view | " + " | ".join(f"{int(s):,} events" for s in sizes) + " |")
        lines.append("|---|" + "---|" * len(sizes))
        names = sorted(report["sizes"][sizes[-1]]["views_s"])
        for name in names:
            cells = [f"{report['sizes'][s]['views_s'].get(name, float('nan')):.3f}" for s in sizes]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
        lines.append(
            "first publish of the whole history: "
            + ", ".join(f"{int(s):,}: {report['sizes'][s]['first_publish_s']:.1f} s" for s in sizes)
        )
    (RESULTS / "analytics_scale.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
