"""Embedded pipeline and DuckDB landing, each against a baseline run in the same process.

    python -m benchmarks.pipeline_bench [--filler 3000]

- embedded pipeline events/s vs bare TextBlob polarity over the same texts (the cheapest
  thing that could call itself a scorer), and vs our own scorer alone (`analyze_many` in the
  runner's chunks) over the texts the pipeline scores (issue #21: >= 0.7x);
- DuckDB sink rows/s (upsert by key, Arrow batches) vs a raw Arrow bulk INSERT of the same rows.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa
from textblob import TextBlob

from analytics.sink import DuckDBSink
from benchmarks.summary import median_seconds, record
from cli import load_settings
from pipeline.events import Review, parse_event
from pipeline.sentiment import analyze_many
from pipeline.step import Pipeline, score_ahead, scored_text
from streams.embedded import CHUNK, chunks

SAMPLE_CONFIG = Path(__file__).resolve().parents[1] / "sample" / "businesses.toml"
sys.path.insert(0, str(SAMPLE_CONFIG.parent))
from generate import build  # noqa: E402


def bench_pipeline(filler: int) -> None:
    events = []
    for line in build(seed=11, filler_count=filler):
        try:
            events.append(parse_event(line))
        except ValueError:
            continue
    texts = [e.text for e in events if isinstance(e, Review)]
    settings = load_settings(str(SAMPLE_CONFIG))

    def ours() -> None:  # as the embedded runner does: texts scored a chunk at a time
        pipeline = Pipeline(settings)
        for chunk in chunks(events, CHUNK):
            for event, sentiment in zip(chunk, score_ahead(chunk), strict=True):
                pipeline.process(event, sentiment)

    scored = [found for found in map(scored_text, events) if found is not None]

    def scorer() -> None:
        for chunk in chunks(scored, CHUNK):
            analyze_many([text for text, _ in chunk], [rating for _, rating in chunk])

    ours()  # load every language's lexicons and lemmatizers once

    def bare() -> None:
        for text in texts:
            TextBlob(text).sentiment  # noqa: B018

    ours_s = median_seconds(3, ours)
    bare_s = median_seconds(3, bare)
    scorer_s = median_seconds(3, scorer)
    ours_rate = len(events) / ours_s
    bare_rate = len(texts) / bare_s
    figure = record(
        "embedded_pipeline_events_per_s",
        ours_rate,
        "events/s",
        bare_rate,
        ">= 0.5x bare TextBlob texts/s",
    )
    print(
        f"embedded pipeline: {ours_rate:,.0f} events/s; bare TextBlob {bare_rate:,.0f} texts/s"
        f" (ratio {figure['ratio']})"
    )
    alone = record(
        "embedded_vs_scorer_events_per_s",
        ours_rate,
        "events/s",
        len(events) / scorer_s,
        ">= 0.7x our scorer alone (analyze_many) on the same events' texts",
    )
    print(
        f"our scorer alone on the same events' texts: {len(events) / scorer_s:,.0f} events/s"
        f" (ratio {alone['ratio']})"
    )


def review_rows(n: int) -> list[dict]:
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 11, 1, tzinfo=UTC)
    return [
        {
            "event_id": f"r{i}",
            "business_id": "b1",
            "occurred_at": start + timedelta(seconds=i),
            "customer_key": f"b1/c{i % 500}",
            "channel": "maps",
            "label": "neg",
            "negativity": 0.5,
            "drivers": ["a", "b"],
        }
        for i in range(n)
    ]


def bench_sink(rows_count: int = 50_000) -> None:
    from pipeline.step import Fact

    rows = review_rows(rows_count)
    facts = [Fact("reviews_scored", r["event_id"], r) for r in rows]

    with tempfile.TemporaryDirectory() as folder:

        def ours() -> None:
            path = Path(folder) / "ours.duckdb"
            path.unlink(missing_ok=True)
            sink = DuckDBSink(path, batch_size=10_000)
            sink.add(facts)
            sink.flush()
            sink.con.close()

        def raw() -> None:
            path = Path(folder) / "raw.duckdb"
            path.unlink(missing_ok=True)
            con = duckdb.connect(str(path))
            con.execute(
                "CREATE TABLE t (event_id VARCHAR, business_id VARCHAR,"
                " occurred_at TIMESTAMPTZ, customer_key VARCHAR, channel VARCHAR,"
                " label VARCHAR, negativity DOUBLE, drivers VARCHAR[])"
            )
            batch = pa.Table.from_pylist(rows)  # noqa: F841 - read by name below
            con.execute("INSERT INTO t SELECT * FROM batch")
            con.close()

        ours_s = median_seconds(3, ours)
        raw_s = median_seconds(3, raw)
    figure = record(
        "duckdb_sink_rows_per_s",
        rows_count / ours_s,
        "rows/s",
        rows_count / raw_s,
        ">= 0.3x raw Arrow bulk insert (ours upserts by key)",
    )
    print(
        f"DuckDB sink: {rows_count / ours_s:,.0f} rows/s; raw bulk insert"
        f" {rows_count / raw_s:,.0f} rows/s (ratio {figure['ratio']})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filler", type=int, default=3000)
    args = parser.parse_args()
    bench_pipeline(args.filler)
    bench_sink()


if __name__ == "__main__":
    main()
