"""The embedded pipeline end to end: bundled sample in, DuckDB file out."""

import io
import json
import re
from pathlib import Path

import duckdb
import pytest

from analytics.sink import DuckDBSink
from cli import load_settings, main, print_feed
from streams.embedded import run_embedded

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample" / "events.jsonl"
CONFIG = ROOT / "sample" / "businesses.toml"
# Written by hand in sample/generate.py (MALFORMED): what the run must dead-letter.
MALFORMED_LINES = 6
DUPLICATED_LINES = 8
TABLES = [
    "reviews_scored",
    "complaint_events",
    "risk_history",
    "risk_feed",
    "ledger_entries",
    "budget_status",
    "policy_exceptions",
    "alerts",
    "dead_letters",
]


def sample_counts() -> dict[str, int]:
    """Counted from the input file itself, independently of the pipeline."""
    by_type: dict[str, set[str]] = {}
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(event, dict) and not str(event.get("event_id", "")).startswith("bad-"):
            by_type.setdefault(event["type"], set()).add(event["event_id"])
    return {kind: len(ids) for kind, ids in by_type.items()}


def land(db: Path) -> None:
    sink = DuckDBSink(db)
    run_embedded(str(SAMPLE), sink, load_settings(str(CONFIG)))
    sink.close()


def table_digest(db: Path) -> dict[str, list]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in TABLES}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    land(db)
    return db


def test_run_summary_counts_every_line(tmp_path):
    sink = DuckDBSink(tmp_path / "x.duckdb")
    summary = run_embedded(str(SAMPLE), sink, load_settings(str(CONFIG)))
    sink.close()
    lines = len([x for x in SAMPLE.read_text(encoding="utf-8").splitlines() if x.strip()])
    assert summary.lines == lines
    assert summary.dead_lettered == MALFORMED_LINES
    assert summary.duplicates == DUPLICATED_LINES
    assert summary.processed == lines - MALFORMED_LINES - DUPLICATED_LINES


def test_each_valid_event_lands_once(demo_db):
    expected = sample_counts()
    with duckdb.connect(str(demo_db), read_only=True) as con:
        reviews = con.execute("SELECT count(*) FROM reviews_scored").fetchone()[0]
        complaints = con.execute("SELECT count(*) FROM complaint_events").fetchone()[0]
        granted = con.execute(
            "SELECT count(*) FROM ledger_entries WHERE reverses IS NULL"
        ).fetchone()[0]
        dead = con.execute("SELECT count(*) FROM dead_letters").fetchone()[0]
    assert reviews == expected["review"]
    assert complaints == sum(v for k, v in expected.items() if k.startswith("complaint."))
    assert granted == expected["concession.granted"]
    assert dead == MALFORMED_LINES


def test_dead_letters_keep_source_line_and_reason(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        rows = con.execute("SELECT source, position, reason, payload FROM dead_letters").fetchall()
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    reasons = " | ".join(r[2] for r in rows)
    for source, position, _reason, payload in rows:
        assert source == "events.jsonl"
        assert lines[int(position) - 1] == payload.rstrip("\n")
    for words in [
        "not valid JSON",
        "unknown event type 'tweet'",
        "timezone",
        "greater than or equal to 0",
        "less than or equal to 5",
        "JSON object",
    ]:
        assert words in reasons


def test_replaying_the_same_input_changes_nothing(tmp_path):
    db = tmp_path / "twice.duckdb"
    land(db)
    first = table_digest(db)
    land(db)
    assert table_digest(db) == first
    assert sum(len(rows) for rows in first.values()) > 500


def test_bad_cases_top_the_risk_feed(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        top = [
            r[0]
            for r in con.execute(
                "SELECT handle FROM risk_feed_ranked ORDER BY rank LIMIT 3"
            ).fetchall()
        ]
        well_closed = con.execute(
            "SELECT risk_before, risk_after FROM complaint_events WHERE complaint_id = 'cmp-group'"
            " AND type = 'complaint.closed'"
        ).fetchone()
    assert "fit_kasia" in top[:2]  # blogger, 120k followers, complaint closed badly
    assert "anna_writes" in top  # journalist, 45k readers
    assert well_closed[1] < well_closed[0]  # a well-closed complaint lowers the risk


def test_sample_raises_the_alerts_an_owner_needs(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        rules = dict(con.execute("SELECT rule, count(*) FROM alerts GROUP BY rule").fetchall())
        blog = con.execute(
            "SELECT count(*) FROM alerts WHERE rule = 'badly_closed' AND facts LIKE '%cmp-blog%'"
        ).fetchone()[0]
        abusive = con.execute(
            "SELECT count(*) FROM alerts WHERE facts LIKE '%cmp-abuse%'"
        ).fetchone()[0]
    assert blog == 1
    assert abusive == 0  # a firm, polite "no" to an abusive customer is a good closure
    assert rules.get("policy_reship_limit") == 1  # the 4th re-shipment, alerted once
    assert rules.get("deadline_overdue") == 1  # cmp-late promised by Nov 16, still open
    assert rules.get("budget_forecast") == 1
    assert rules.get("negative_spike", 0) >= 1


def test_daily_aggregates_add_up_to_the_facts(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        daily = con.execute("SELECT sum(reviews), sum(negative) FROM daily_reviews").fetchone()
        facts = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE label = 'neg') FROM reviews"
        ).fetchone()
    assert daily == facts


def test_cli_demo_command_prints_feed_and_summary(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    code = main(
        [
            "run",
            "--embedded",
            str(SAMPLE),
            "--db",
            str(db),
            "--config",
            str(CONFIG),
            "--fresh",
            "--top",
            "5",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert f"{MALFORMED_LINES} dead-lettered" in out
    assert "Reputation risk: the customers who can hurt most" in out
    assert "fit_kasia" in out


def test_a_second_run_continues_from_the_state_the_first_saved(tmp_path, demo_db):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    halves = [tmp_path / "first.jsonl", tmp_path / "second.jsonl"]
    halves[0].write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    halves[1].write_text("".join(lines[len(lines) // 2 :]), encoding="utf-8")
    db = tmp_path / "two-runs.duckdb"
    for half in halves:
        sink = DuckDBSink(db)
        run_embedded(str(half), sink, load_settings(str(CONFIG)))
        sink.close()
    split, whole = table_digest(db), table_digest(demo_db)
    # the watchdog ran once more in between (a deadline warning may come before its overdue
    # alert), so alerts may differ, and dead letters name other files and lines; every fact of
    # the events themselves is the same
    for table in TABLES:
        if table not in ("alerts", "dead_letters"):
            assert split[table] == whole[table], table
    assert len(split["dead_letters"]) == len(whole["dead_letters"]) == MALFORMED_LINES
    with duckdb.connect(str(db), read_only=True) as con:
        kinds = dict(
            con.execute("SELECT kind, count(*) FROM pipeline_state GROUP BY kind").fetchall()
        )
    assert kinds["business"] == 3 and kinds["customer"] > 20


def test_the_feed_ranks_across_currencies_by_customers_and_within_a_business_by_money(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        rows = con.execute(
            "SELECT business_id, currency, customers_at_risk, revenue_at_risk, rank_in_business"
            " FROM risk_feed_ranked ORDER BY rank"
        ).fetchall()
    assert len({currency for _, currency, *_ in rows}) > 1  # the sample has PLN and UAH
    lost = [row[2] for row in rows]
    assert lost == sorted(lost, reverse=True)
    for business in {row[0] for row in rows}:
        own = sorted((r for r in rows if r[0] == business), key=lambda r: r[4])
        assert [r[4] for r in own] == list(range(1, len(own) + 1))
        money = [r[3] for r in own]
        assert money == sorted(money, reverse=True)


@pytest.mark.parametrize("width", [80, 120])
def test_the_terminal_feed_fits_the_terminal_in_human_words(demo_db, width):
    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO())
    with duckdb.connect(str(demo_db), read_only=True) as con:
        print_feed(console, con, 10)
        open_alerts = con.execute(
            "SELECT count(*) FROM alerts WHERE state <> 'resolved'"
        ).fetchone()
    out = console.export_text()
    assert max(len(line) for line in out.splitlines()) <= width
    assert open_alerts[0] > 10
    assert f"10 of {open_alerts[0]} open alerts shown" in out
    for label in ("Customer", "Money at risk", "What happened", "Refund budget", "Runs out"):
        assert label in out
    for internal in ("risk_score", "revenue_at_risk", "business_id", "author_kind", "score 9"):
        assert internal not in out


def test_money_in_the_terminal_feed_always_carries_its_currency(demo_db):
    from analytics.reports import run_report

    with duckdb.connect(str(demo_db), read_only=True) as con:
        risk = run_report(con, "feed_risk", 50)
        budget = run_report(con, "feed_budget")
    money = re.compile(r"^-?[0-9][0-9,]* (PLN|UAH|EUR|USD|RUB|GBP)$")
    column = risk.columns.index("Money at risk")
    assert risk.rows and all(money.match(row[column]) for row in risk.rows)
    for name in ("Budget", "Used"):
        column = budget.columns.index(name)
        assert budget.rows and all(money.match(row[column]) for row in budget.rows)


def test_scoring_in_chunks_lands_what_event_by_event_lands(tmp_path, demo_db):
    # event by event with every state in memory, as before chunks; chunks of 7 split the
    # duplicates and the malformed lines across batches, and keeping 6 customers in memory
    # evicts and reads back states all through the run (and the watchdog reads saved ones)
    digests = {}
    for size, kept in ((1, None), (7, 6)):
        db = tmp_path / f"chunks-{size}.duckdb"
        sink = DuckDBSink(db)
        summary = run_embedded(
            str(SAMPLE), sink, load_settings(str(CONFIG)), chunk_size=size, customers_kept=kept
        )
        sink.close()
        digests[size] = (summary, table_digest(db), state_digest(db))
    assert digests[7] == digests[1]
    assert digests[1][1] == table_digest(demo_db)  # the default chunk too
    assert digests[1][2] == state_digest(demo_db)
    assert digests[1][0].dead_lettered == MALFORMED_LINES
    assert digests[1][0].duplicates == DUPLICATED_LINES


def state_digest(db: Path) -> list:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT kind, key, state FROM pipeline_state ORDER BY 1, 2").fetchall()


def test_chunks_keep_the_input_order_and_every_line() -> None:
    from streams.embedded import chunks

    assert list(chunks(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunks([], 3)) == []
