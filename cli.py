"""repute: one entry point for the reputation pipeline. `repute --help` lists the commands."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tomllib
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

DEFAULT_DB = os.environ.get("REPUTE_DB", "data/repute.duckdb")
DEFAULT_CONFIG = os.environ.get("REPUTE_CONFIG", "sample/businesses.toml")


def load_settings(path: str | None) -> Any:
    from pipeline.config import Settings

    config = Path(path or DEFAULT_CONFIG)
    if not config.exists():
        if path:
            raise SystemExit(f"config file {config} not found")
        return Settings()
    with config.open("rb") as handle:
        return Settings.from_mapping(tomllib.load(handle))


def _console() -> Any:
    from rich.console import Console

    console = Console()
    # Piped output (CI logs, files) is not a terminal: give the tables room instead of 80 columns.
    return console if console.is_terminal else Console(width=160)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def print_report(console: Any, report: Any, title: str, wide: set[str] = frozenset()) -> None:
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for column in report.columns:
        table.add_column(column, overflow="fold", max_width=70 if column in wide else 24)
    for row in report.rows:
        table.add_row(*(_cell(v) for v in row))
    if not report.rows:
        table.caption = "(nothing yet)"
    console.print(table)


def cmd_run(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from analytics.lake import write_catalog
    from analytics.reports import run_report
    from analytics.sink import DuckDBSink
    from streams.embedded import count_lines, run_embedded

    if not args.embedded:
        print(
            "`repute run` drives the embedded pipeline: pass --embedded SOURCE. For the broker"
            " path start `repute broker`, `repute worker` and `repute sink`.",
            file=sys.stderr,
        )
        return 2
    db = Path(args.db)
    if args.fresh and db.exists():
        db.unlink()
        Path(f"{db}.wal").unlink(missing_ok=True)
    settings = load_settings(args.config)
    console = _console()
    sink = DuckDBSink(db)
    total = count_lines(args.embedded)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=args.quiet or total is None or total < 2000,
    ) as progress:
        task = progress.add_task("replaying events", total=total)
        summary = run_embedded(
            args.embedded, sink, settings, on_line=lambda: progress.advance(task)
        )
    lake = Path(args.lake) if args.lake else db.parent / "lake"
    sink.snapshot(lake)
    sink.close()
    write_catalog(lake, db.parent / "analyst.duckdb")
    console.print(
        f"[bold]{summary.lines}[/] lines: [green]{summary.processed} processed[/],"
        f" {summary.duplicates} duplicates ignored,"
        f" [red]{summary.dead_lettered} dead-lettered[/] -> {db}"
    )
    if not args.quiet:
        import duckdb

        con = duckdb.connect(str(db), read_only=True)
        print_report(
            console,
            run_report(con, "risk_feed", args.top),
            "Reputation-risk feed (top customers by revenue at risk)",
            {"explanation"},
        )
        print_report(
            console, run_report(con, "alerts", args.top), "Open alerts", {"title", "explanation"}
        )
        print_report(console, run_report(con, "budget"), "Refund budget")
        con.close()
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    import duckdb

    from analytics.reports import run_report

    con = duckdb.connect(args.db, read_only=True)
    report = run_report(con, args.name, args.top)
    if args.json:
        print(
            json.dumps(
                [dict(zip(report.columns, r, strict=True)) for r in report.rows],
                default=str,
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        print_report(_console(), report, args.name, {"why", "explanation", "title"})
    return 0


def cmd_correct(args: argparse.Namespace) -> int:
    import duckdb

    from analytics.sink import DuckDBSink
    from pipeline.events import parse_event
    from pipeline.step import Pipeline

    with duckdb.connect(args.db, read_only=True) as con:
        found = con.execute(
            "SELECT business_id, customer_key FROM reviews_scored WHERE event_id = ?",
            [args.event_id],
        ).fetchone()
    if found is None:
        print(f"no scored review with event_id {args.event_id} in {args.db}", file=sys.stderr)
        return 1
    event = {
        "event_id": f"corr-{uuid.uuid4().hex[:12]}",
        "type": "sentiment.corrected",
        "business_id": found[0],
        "occurred_at": datetime.now(UTC).isoformat(),
        "target_event_id": args.event_id,
        "label": args.label,
        "corrected_by": args.by,
    }
    sink = DuckDBSink(args.db)
    sink.add(Pipeline(load_settings(args.config)).process(parse_event(event)))
    sink.close()
    print(json.dumps(event, ensure_ascii=False))
    return 0


def cmd_export_corrections(args: argparse.Namespace) -> int:
    import duckdb

    con = duckdb.connect(args.db, read_only=True)
    rows = con.execute(
        "SELECT r.event_id, r.lang, r.text, c.label, r.business_id FROM sentiment_corrections c"
        " JOIN reviews_scored r ON r.event_id = c.target_event_id ORDER BY c.occurred_at"
    ).fetchall()
    lines = [
        json.dumps(
            {
                "id": event_id,
                "lang": lang,
                "text": text,
                "label": label,
                "source": f"correction:{business_id}",
            },
            ensure_ascii=False,
        )
        for event_id, lang, text, label, business_id in rows
    ]
    if args.out:
        Path(args.out).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        print(f"wrote {len(lines)} corrections to {args.out}", file=sys.stderr)
    else:
        for line in lines:
            print(line)
    return 0


def cmd_schemas(args: argparse.Namespace) -> int:
    from pipeline.events import json_schemas

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, schema in json_schemas().items():
        (out / f"{name}.schema.json").write_text(
            json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    print(f"wrote {len(json_schemas())} schemas to {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="repute",
        description="Reputation and feedback pipeline: reviews, complaints and concessions in; "
        "sentiment, influence risk, closure quality, goodwill budget and alerts out, in DuckDB.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="replay events through the pipeline in-process (no broker)")
    run.add_argument(
        "--embedded", metavar="SOURCE", help="JSONL file, directory of *.jsonl, or - for stdin"
    )
    run.add_argument("--db", default=DEFAULT_DB, help=f"DuckDB file (default {DEFAULT_DB})")
    run.add_argument("--config", help=f"business parameters TOML (default {DEFAULT_CONFIG})")
    run.add_argument("--fresh", action="store_true", help="delete the DuckDB file first")
    run.add_argument("--lake", help="Parquet snapshot folder for analysts (default: beside --db)")
    run.add_argument("--top", type=int, default=10, help="rows of feed and alerts to print")
    run.add_argument("--quiet", action="store_true", help="print only the summary line")
    run.set_defaults(func=cmd_run)

    report = sub.add_parser("report", help="print a canned report from the DuckDB file")
    report.add_argument("name", choices=["risk_feed", "alerts", "budget", "closures"])
    report.add_argument("--db", default=DEFAULT_DB)
    report.add_argument("--top", type=int, default=20)
    report.add_argument("--json", action="store_true", help="JSON instead of a table")
    report.set_defaults(func=cmd_report)

    correct = sub.add_parser("correct", help="mark a review's sentiment as wrong (an event)")
    correct.add_argument("event_id", help="event_id of the scored review")
    correct.add_argument("--label", required=True, choices=["neg", "neu", "pos"])
    correct.add_argument("--by", default=os.environ.get("USER", "owner"), help="who corrects")
    correct.add_argument("--db", default=DEFAULT_DB)
    correct.add_argument("--config")
    correct.set_defaults(func=cmd_correct)

    export = sub.add_parser(
        "export-corrections", help="write corrections as labelled JSONL in the eval format"
    )
    export.add_argument("--db", default=DEFAULT_DB)
    export.add_argument("--out", help="file (default stdout)")
    export.set_defaults(func=cmd_export_corrections)

    schemas = sub.add_parser("schemas", help="write the JSON Schema of every event type")
    schemas.add_argument("--out", default="docs/schemas")
    schemas.set_defaults(func=cmd_schemas)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
