# ruff: noqa: E501 - long lines are SQL literals of the generator
"""A fast generator of landed tables at scale (issue 23): rows shaped like the sink's, written
straight into DuckDB with set-based SQL (no pipeline run), for measuring the lake and the marts.

`events` counts input events (reviews, complaint events, concessions, corrections); the derived
tables are sized as the pipeline sizes them: one risk_history row per review and per closure,
one risk_feed row per customer, alerts on ~2 % of events, a budget per business and month.

    .venv/bin/python -m benchmarks.scale_data --events 1000000 --db /tmp/scale/1m.duckdb
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from analytics.sink import apply_sql

BUSINESSES = 40
DAYS = 365
START = "2025-12-01 00:00:00+00"

# Shares of the input events (they add up to 1).
REVIEW_SHARE = 0.60
COMPLAINT_SHARE = 0.11  # complaints; each has opened + reply + closed = 3 events
CONCESSION_SHARE = 0.06
CORRECTION_SHARE = 0.003

TEXTS = [
    "Jestem zachwycona, materac wygodny, śpię jak dziecko.",
    "Нормально, обычный магазин.",
    "Delivery was late twice and nobody answered my emails. Never again.",
    "Materac przyjechał uszkodzony, a obsługa nie odpisuje od tygodnia.",
    "Чудова книгарня, привітний персонал і швидка доставка.",
    "Great massage, friendly staff, will come back next month.",
    "Zwrot pieniędzy trwa już miesiąc, to skandal.",
    "Замовлення загубили, гроші не повернули, пишу в усі чати.",
]


def _macros(con: duckdb.DuckDBPyConnection) -> None:
    # u(seed, i): a repeatable uniform number in [0, 1) from a hash (no RNG state: parallel-safe)
    con.execute("CREATE OR REPLACE MACRO u(seed, i) AS (hash(seed, i) % 1000003) / 1000003.0")
    con.execute(
        f"CREATE OR REPLACE MACRO biz(i) AS 'biz-' || lpad(CAST(i % {BUSINESSES} AS VARCHAR), 3, '0')"
    )
    con.execute(
        "CREATE OR REPLACE MACRO cur(b) AS "
        "CASE hash(b) % 3 WHEN 0 THEN 'PLN' WHEN 1 THEN 'UAH' ELSE 'EUR' END"
    )
    con.execute(
        f"CREATE OR REPLACE MACRO ts(seed, i) AS TIMESTAMPTZ '{START}'"
        f" + to_seconds(CAST(floor(u(seed, i) * {DAYS} * 86400) AS BIGINT))"
    )


def generate(db: Path, events: int) -> dict[str, int]:
    """Create `db` with the schema and `events` input events' worth of landed rows."""
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = false")
    apply_sql(con)
    _macros(con)
    reviews = int(events * REVIEW_SHARE)
    complaints = int(events * COMPLAINT_SHARE)
    concessions = int(events * CONCESSION_SHARE)
    corrections = int(events * CORRECTION_SHARE)
    customers = max(events // 8, 1)
    texts = "[" + ", ".join("'" + t.replace("'", "''") + "'" for t in TEXTS) + "]"
    con.execute(
        f"CREATE OR REPLACE MACRO txt(i) AS {texts}[1 + CAST(hash(i, 7) % {len(TEXTS)} AS INTEGER)]"
    )
    # customer c of business c % BUSINESSES: customer_key 'biz-007/c-123'
    con.execute(f"CREATE OR REPLACE MACRO cust(i) AS CAST(hash(i, 3) % {customers} AS BIGINT)")
    con.execute(
        f"""
        INSERT INTO reviews_scored
        SELECT
            'r-' || i AS event_id,
            biz(cust(i)) AS business_id,
            'loc-' || (hash(i, 5) % 4) AS location_id,
            ts(1, i) AS occurred_at,
            biz(cust(i)) || '/c-' || cust(i) AS customer_key,
            ['maps', 'own_site', 'facebook', 'instagram', 'email'][1 + CAST(hash(i, 11) % 5 AS INTEGER)],
            u(12, i) < 0.8 AS public,
            1 + CAST(hash(i, 13) % 5 AS INTEGER) AS rating,
            CASE WHEN u(14, i) < 0.02 THEN 'influencer' ELSE 'customer' END AS author_kind,
            CASE WHEN u(14, i) < 0.02 THEN CAST(u(15, i) * 200000 AS BIGINT) ELSE 0 END,
            length(txt(i)) AS text_chars,
            txt(i) AS text,
            ['pl', 'uk', 'ru', 'en'][1 + CAST(hash(i, 7) % 4 AS INTEGER)] AS lang,
            ['neg', 'neu', 'pos', 'pos', 'unscored'][1 + CAST(hash(i, 17) % 5 AS INTEGER)] AS label,
            round(u(18, i) * 2 - 1, 4) AS polarity,
            round(u(19, i), 4) AS negativity,
            round(0.5 + u(20, i) / 2, 3) AS confidence,
            'rules:polvader+afinn-pl+rating' AS method,
            ['+wygodny', '-late', 'rating:' || (1 + hash(i, 13) % 5)] AS drivers,
            round(u(21, i), 2) AS specificity,
            round(u(22, i) * 80) AS risk_score,
            CAST(round(u(23, i) * 3000, 2) AS DECIMAL(18, 2)) AS revenue_at_risk,
            cur(biz(cust(i))) AS currency
        FROM range({reviews}) AS t(i)
        """
    )
    # complaints: opened at t, reply at t + 1..48 h, closed at t + 2..240 h
    con.execute(
        f"""
        INSERT INTO complaint_events
        WITH c AS (
            SELECT i, biz(cust(i + 7777777)) AS business_id, cust(i + 7777777) AS customer,
                ts(30, i) AS opened_at,
                'h-' || (hash(i, 31) % 6) AS handler,
                u(32, i) < 0.15 AS bad,
                round(u(33, i) * 2000, 2) AS before
            FROM range({complaints}) AS t(i)
        )
        SELECT 'co-' || i, 'complaint.opened', business_id, 'loc-' || (hash(i, 5) % 4), opened_at,
            'cmp-' || i, 'c-' || customer, 'email', false, NULL, 'pl', round(u(34, i), 3),
            opened_at + INTERVAL 72 HOUR, NULL, NULL, NULL, NULL, NULL, NULL, NULL, [], NULL,
            NULL, NULL, NULL
        FROM c
        UNION ALL
        SELECT 'cr-' || i, 'complaint.reply', business_id, 'loc-' || (hash(i, 5) % 4),
            opened_at + to_seconds(CAST(3600 + u(35, i) * 47 * 3600 AS BIGINT)),
            'cmp-' || i, 'c-' || customer, 'email', false, handler, 'pl', NULL,
            NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, [], NULL, NULL, NULL, NULL
        FROM c
        UNION ALL
        SELECT 'cc-' || i, 'complaint.closed', business_id, 'loc-' || (hash(i, 5) % 4),
            opened_at + to_seconds(CAST(7200 + u(36, i) * 238 * 3600 AS BIGINT)),
            'cmp-' || i, 'c-' || customer, NULL, false, handler, 'pl', NULL,
            opened_at + INTERVAL 72 HOUR,
            ['refund', 'replacement', 'apology', 'declined'][1 + CAST(hash(i, 37) % 4 AS INTEGER)],
            'calm', CAST(1 + hash(i, 38) % 5 AS INTEGER), u(36, i) * 238 < 70,
            CASE WHEN bad THEN CAST(u(39, i) * 40 AS INTEGER) ELSE 60 + CAST(u(39, i) * 40 AS INTEGER) END,
            CASE WHEN bad THEN 'bad' WHEN u(40, i) < 0.5 THEN 'good' ELSE 'acceptable' END,
            bad, ['did: apology'], round(u(41, i) * 60), CASE WHEN bad THEN 30.0 ELSE 0.0 END,
            CAST(before AS DECIMAL(18, 2)),
            CAST(CASE WHEN bad THEN before * 0.8 ELSE before * 0.1 END AS DECIMAL(18, 2))
        FROM c
        """
    )
    # concessions, most tied to a complaint; 5 % of them reversed
    con.execute(
        f"""
        INSERT INTO ledger_entries
        WITH g AS (
            SELECT i, CAST(hash(i, 50) % {max(complaints, 1)} AS BIGINT) AS k,
                u(51, i) < 0.8 AS tied
            FROM range({concessions}) AS t(i)
        ), g2 AS (
            SELECT g.*, biz(cust(k + 7777777)) AS business_id, cust(k + 7777777) AS customer,
                ts(30, k) + INTERVAL 1 HOUR AS granted_at,
                CAST(round(10 + u(52, i) * 490, 2) AS DECIMAL(18, 2)) AS amount
            FROM g
        )
        SELECT 'l-' || i, business_id, granted_at, strftime(granted_at, '%Y-%m'),
            ['refund_partial', 'gift', 'discount', 'reship_free'][1 + CAST(hash(i, 53) % 4 AS INTEGER)],
            NULL, 'c-' || customer, 'h-' || (hash(k, 31) % 6), 'loc-' || (hash(k, 5) % 4),
            CASE WHEN tied THEN 'cmp-' || k END,
            CASE WHEN u(54, i) < 0.9 THEN 'paid' ELSE 'committed' END,
            amount, cur(business_id), 1.0, amount, amount, NULL
        FROM g2
        UNION ALL
        SELECT 'lr-' || i, business_id, granted_at + INTERVAL 2 DAY, strftime(granted_at, '%Y-%m'),
            ['refund_partial', 'gift', 'discount', 'reship_free'][1 + CAST(hash(i, 53) % 4 AS INTEGER)],
            NULL, 'c-' || customer, 'h-' || (hash(k, 31) % 6), 'loc-' || (hash(k, 5) % 4),
            CASE WHEN tied THEN 'cmp-' || k END,
            CASE WHEN u(54, i) < 0.9 THEN 'reversed-paid' ELSE 'reversed-committed' END,
            -amount, cur(business_id), 1.0, -amount, -amount, 'l-' || i
        FROM g2 WHERE u(55, i) < 0.05
        """
    )
    con.execute("UPDATE ledger_entries SET category = kind")
    con.execute(
        """
        INSERT INTO risk_history
        SELECT event_id, business_id, customer_key, split_part(customer_key, '/', 2), NULL,
            author_kind, audience_size, channel, 0, 0, occurred_at, risk_score,
            CAST(round(risk_score / 100, 2) AS DECIMAL(18, 2)), revenue_at_risk, currency,
            'score ' || CAST(risk_score AS INTEGER) || ': negativity ' || negativity,
            '[{"name": "negativity", "detail": "negativity", "points": 10}]', risk_score
        FROM reviews_scored
        UNION ALL
        SELECT event_id, business_id, business_id || '/' || customer_id, customer_id, NULL,
            'customer', 0, NULL, 0, CAST(badly_closed AS INTEGER), occurred_at, risk_after,
            CAST(round(risk_after / 100, 2) AS DECIMAL(18, 2)), revenue_at_risk_after,
            cur(business_id), 'score ' || risk_after, '[]', risk_before
        FROM complaint_events WHERE type = 'complaint.closed'
        """
    )
    con.execute(
        """
        INSERT INTO risk_feed
        SELECT customer_key, arg_max(event_id, occurred_at), any_value(business_id),
            any_value(customer_id), NULL, any_value(author_kind), max(audience_size),
            NULL, 0, 0, max(occurred_at), arg_max(risk_score, occurred_at),
            arg_max(customers_at_risk, occurred_at), arg_max(revenue_at_risk, occurred_at),
            any_value(currency), arg_max(explanation, occurred_at), '[]', max(risk_score)
        FROM risk_history GROUP BY customer_key
        """
    )
    con.execute(
        """
        INSERT INTO budget_status
        SELECT business_id, period, any_value(currency), 50000, sum(cost_budget) FILTER (status = 'paid'),
            coalesce(sum(cost_budget) FILTER (status = 'committed'), 0), 0, 0, 0, NULL,
            last_day(CAST(period || '-01' AS DATE)), max(occurred_at)
        FROM ledger_entries GROUP BY ALL
        """
    )
    con.execute(
        """
        INSERT INTO policy_exceptions
        SELECT event_id || ':customer_cap', event_id, business_id, business_id || '/' || customer_id,
            occurred_at, 'customer_cap', 'cap', granted_by, kind, period
        FROM ledger_entries WHERE reverses IS NULL AND hash(event_id) % 20 = 0
        """
    )
    con.execute(
        f"""
        INSERT INTO alerts
        SELECT 'a-' || i, ['badly_closed', 'negative_spike', 'influencer', 'deadline_overdue'][1 + CAST(hash(i, 60) % 4 AS INTEGER)],
            ['critical', 'warning', 'info'][1 + CAST(hash(i, 61) % 3 AS INTEGER)],
            biz(i), ts(62, i), 'alert ' || i, 'why', 'next step',
            'k:' || i, biz(i) || '/c-' || i, CAST(round(u(63, i) * 5000, 2) AS DECIMAL(18, 2)),
            cur(biz(i)), NULL,
            '{{"complaint_id": "cmp-' || i || '", "handler": "h-1", "customer_last_words": "..."}}',
            ['open', 'acknowledged', 'resolved'][1 + CAST(hash(i, 64) % 3 AS INTEGER)]
        FROM range({int(events * 0.02)}) AS t(i)
        """
    )
    con.execute(
        f"""
        INSERT INTO sentiment_corrections
        SELECT 'sc-' || i, r.business_id, r.event_id, 'neg', 'owner', r.occurred_at + INTERVAL 1 DAY
        FROM range({corrections}) AS t(i)
        JOIN reviews_scored AS r ON r.event_id = 'r-' || (hash(i, 70) % {max(reviews, 1)})
        """
    )
    apply_sql(con)  # the aggregate tables
    counts = {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
            " ORDER BY 1"
        ).fetchall()
    }
    con.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    start = time.perf_counter()
    counts = generate(args.db, args.events)
    print(f"{args.events} events in {time.perf_counter() - start:.1f} s: {counts}")


if __name__ == "__main__":
    main()
