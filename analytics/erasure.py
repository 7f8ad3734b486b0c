"""Erasure on request (GDPR art. 17; issue 23): `repute forget --business B --customer C`.

What a customer is, here: their customer key `B/C`, plus the keys the pipeline gave their
reviews posted under a handle it linked to them (`B/@channel:handle`, found through the
`customer_id` and `handle` of their risk rows).

What happens to their rows (docs/analytics_at_scale.md, "Erasure"):

- **Anonymised, kept** where a row feeds a count or a money figure: reviews (text removed, event
  id replaced by a random one, so a public review id cannot lead back), complaint events,
  ledger entries (amounts kept: budgets, spent and committed still add up), policy exceptions,
  risk history and the risk feed (handle, explanation and factors removed). Every customer key
  becomes a random `B/erased-<hex>` and the customer id a random `erased-<hex>`, one per key and
  per erasure, with no record of the mapping: distinct-customer counts stay right, and nothing
  links the rows to the person any more.
- **Deleted**: their alerts (an alert is a message about them: title, facts, last words), in
  DuckDB and in the outbox with its deliveries and state log; dead letters that carry their
  event ids, their id or handle in the payload; the embedded runner's saved state of the
  customer. The businesses' saved state is scrubbed (ledger entries anonymised the same way,
  alert dedupe keys naming them rewritten, their review ids dropped from the seen ids).
- The daily aggregates are recomputed from the anonymised rows (the same figures).
- The lake: the changed rows are published, then every table is compacted from the live
  tables and superseded files are deleted at once (not kept for `KEEP_SUPERSEDED_S`); the
  catalog is rewritten. The DuckDB file is rewritten (COPY FROM DATABASE into a fresh file):
  deleted rows' old blocks would otherwise stay in the file until reused. The outbox is
  VACUUMed for the same reason.
- An audit row in `erasures` (id, business, who asked, when, rows per table): no customer
  id, no key, no text.

The DuckDB file must be free: a running sink or `repute run` holds it; stop it first.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from analytics.delivery.outbox import default_path
from analytics.lake import MANIFEST, Manifest, catalog_of_lake, compact_all, lake_path, publish
from analytics.sink import DuckDBSink, apply_sql


class ErasureError(ValueError):
    """An erasure that cannot run; the message says why and what to do."""


@dataclass
class ErasureReport:
    erasure_id: str
    business_id: str
    requested_by: str
    erased_at: datetime
    rows: dict[str, int] = field(default_factory=dict)  # "table:anonymised|deleted" -> rows

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _token() -> str:
    return f"erased-{uuid.uuid4().hex[:16]}"


# table -> {column: SQL of its anonymised value}; `t` is the table, _erase_keys / _erase_ids
# the maps of old customer keys and review event ids to random ones
KEY = "coalesce((SELECT new FROM _erase_keys WHERE old = t.{c}), t.{c})"
REVIEW_ID = "coalesce((SELECT new FROM _erase_ids WHERE old = t.{c}), t.{c})"
CUSTOMER_ID = "CASE WHEN t.{c} = $customer THEN $token ELSE t.{c} END"
NULL = "NULL"
ANONYMISE: dict[str, tuple[str, dict[str, str]]] = {
    "reviews_scored": (
        "customer_key IN (SELECT old FROM _erase_keys)",
        {"event_id": REVIEW_ID, "customer_key": KEY, "text": NULL},
    ),
    "sentiment_corrections": (
        "target_event_id IN (SELECT old FROM _erase_ids)",
        {"target_event_id": REVIEW_ID},
    ),
    "complaint_events": (
        "business_id = $business AND customer_id = $customer",
        {"customer_id": CUSTOMER_ID},
    ),
    "ledger_entries": (
        "business_id = $business AND customer_id = $customer",
        {"customer_id": CUSTOMER_ID},
    ),
    "policy_exceptions": (
        "customer_key IN (SELECT old FROM _erase_keys)",
        {"customer_key": KEY},
    ),
    "risk_history": (
        "customer_key IN (SELECT old FROM _erase_keys)",
        {
            "event_id": REVIEW_ID,
            "customer_key": KEY,
            "customer_id": NULL,
            "handle": NULL,
            "explanation": NULL,
            "factors": NULL,
        },
    ),
    "risk_feed": (
        "customer_key IN (SELECT old FROM _erase_keys)",
        {
            "event_id": REVIEW_ID,
            "customer_key": KEY,
            "customer_id": NULL,
            "handle": NULL,
            "explanation": NULL,
            "factors": NULL,
        },
    ),
}


def customer_keys(con: duckdb.DuckDBPyConnection, business: str, customer: str) -> list[str]:
    """`B/C` and the handle keys the pipeline linked to the customer (B/@channel:handle)."""
    key = f"{business}/{customer}"
    handles = [
        h
        for (h,) in con.execute(
            "SELECT DISTINCT handle FROM risk_history WHERE business_id = ? AND handle IS NOT NULL"
            " AND (customer_id = ? OR customer_key = ?)"
            " UNION SELECT DISTINCT handle FROM risk_feed WHERE business_id = ?"
            " AND handle IS NOT NULL AND (customer_id = ? OR customer_key = ?)",
            [business, customer, key, business, customer, key],
        ).fetchall()
    ]
    found = {key}
    for handle in handles:
        found |= {
            k
            for (k,) in con.execute(
                "SELECT DISTINCT customer_key FROM risk_history WHERE business_id = ?"
                " AND customer_key LIKE ? ESCAPE '\\'",
                [business, f"{business}/@%:{_like(handle)}"],
            ).fetchall()
        }
    return sorted(found)


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def forget(
    db: str | Path,
    business: str,
    customer: str,
    requested_by: str,
    *,
    now: datetime | None = None,
    rewrite_file: bool = True,
) -> ErasureReport:
    """Erase one customer of one business from the DuckDB file, its lake and catalog, its
    outbox and the saved pipeline state. Returns what was done (also landed in `erasures`)."""
    db = Path(db)
    if not db.exists():
        raise ErasureError(f"no database {db}")
    try:
        sink = DuckDBSink(db)
    except duckdb.IOException as exc:
        raise ErasureError(
            f"{db} is held by another process (a running `repute sink` or `repute run`):"
            f" stop it, then repeat the erasure ({exc})"
        ) from None
    report = ErasureReport(
        erasure_id=uuid.uuid4().hex,
        business_id=business,
        requested_by=requested_by,
        erased_at=now or datetime.now(UTC),
    )
    try:
        keys, alert_ids = _erase_tables(sink, business, customer, report)
        _land_audit(sink, report)
        lake = lake_path(db)
        if (lake / MANIFEST).exists() and not _owns_its_files(lake):
            # a copied or moved lake names another folder's files: publish it anew
            shutil.rmtree(lake)
            sink.refresh_aggregates()
            sink.changes.clear()
            publish(sink.con, lake, None, catalog_of_lake(lake))
        elif (lake / MANIFEST).exists():
            # the changed rows and the daily aggregates recomputed from them (the same
            # figures); superseded files deleted at once; then every table's deltas compacted
            sink.changes.erased = True
            sink.snapshot(lake)
            compact_all(sink.con, lake, erase=True)
            _remove_unnamed_files(lake)
        else:
            sink.refresh_aggregates()
            sink.changes.clear()
        sink.con.execute("CHECKPOINT")
    finally:
        sink.close()
    if rewrite_file:
        _rewrite_database(db)
    _erase_outbox(default_path(db), keys, alert_ids, report)
    return report


def _erase_tables(
    sink: DuckDBSink, business: str, customer: str, report: ErasureReport
) -> tuple[list[str], list[str]]:
    con = sink.con
    keys = customer_keys(con, business, customer)
    token_of = {k: f"{business}/{_token()}" for k in keys}
    main_key = f"{business}/{customer}"
    token = token_of[main_key].split("/", 1)[1]
    con.execute("BEGIN TRANSACTION")
    try:
        con.register(
            "_keys_in",
            pa.table({"old": list(token_of), "new": list(token_of.values())}),
        )
        con.execute("CREATE OR REPLACE TEMP TABLE _erase_keys AS FROM _keys_in")
        con.unregister("_keys_in")
        old_ids = [
            i
            for (i,) in con.execute(
                "SELECT event_id FROM reviews_scored WHERE customer_key IN"
                " (SELECT old FROM _erase_keys)"
            ).fetchall()
        ]
        con.register("_ids_in", pa.table({"old": old_ids, "new": [_token() for _ in old_ids]}))
        con.execute("CREATE OR REPLACE TEMP TABLE _erase_ids AS FROM _ids_in")
        con.unregister("_ids_in")
        # every event id of theirs (before renaming), for dead letters and saved state
        event_ids = set(old_ids)
        for table, column in (
            ("complaint_events", "customer_id"),
            ("ledger_entries", "customer_id"),
        ):
            event_ids |= {
                i
                for (i,) in con.execute(
                    f"SELECT event_id FROM {table} WHERE business_id = ? AND {column} = ?",
                    [business, customer],
                ).fetchall()
            }
        params = {"business": business, "customer": customer, "token": token}
        for table, (where, columns) in ANONYMISE.items():
            n = _anonymise(sink, table, where, columns, params)
            if n:
                report.rows[f"{table}:anonymised"] = n
        # alerts about them go (their titles and facts are about the person)
        alert_where = "WHERE customer_key IN (SELECT old FROM _erase_keys)"
        alert_ids = [
            a for (a,) in con.execute(f"SELECT alert_id FROM alerts {alert_where}").fetchall()
        ]
        n = sink._delete_tracked("alerts", alert_where)
        if n:
            report.rows["alerts:deleted"] = n
        n = _erase_dead_letters(sink, business, customer, keys, event_ids)
        if n:
            report.rows["dead_letters:deleted"] = n
        n = _erase_state(sink, business, customer, token_of, token, set(old_ids))
        if n:
            report.rows["pipeline_state:erased"] = n
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return keys, alert_ids


def _anonymise(
    sink: DuckDBSink, table: str, where: str, columns: dict[str, str], params: dict[str, str]
) -> int:
    """Replace the rows of `table` matching `where` by their anonymised version (tracked for
    the lake: the old keys as removed, the new ones as written)."""
    con = sink.con
    names = sink._table_columns(table)
    select = ", ".join(
        f'{columns[c].format(c=c) if c in columns else f"t.{c}"} AS "{c}"' for c in names
    )
    used = {k: v for k, v in params.items() if f"${k}" in select + where}
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _erase_rows AS SELECT {select} FROM {table} AS t"
        f" WHERE {where}",
        used,
    )
    removed = sink._delete_tracked(table, f"WHERE {where}", _where_params(where, params))
    con.execute(f"INSERT INTO {table} SELECT * FROM _erase_rows")
    keys = ", ".join(f'"{k}"' for k in sink._key_columns(table))
    sink.changes.add_written(table, con.execute(f"SELECT {keys} FROM _erase_rows").to_arrow_table())
    con.execute("DROP TABLE _erase_rows")
    return removed


def _where_params(where: str, params: dict[str, str]) -> dict[str, str] | None:
    used = {k: v for k, v in params.items() if f"${k}" in where}
    return used or None


def _erase_dead_letters(
    sink: DuckDBSink, business: str, customer: str, keys: list[str], event_ids: set[str]
) -> int:
    """Dead letters with one of their event ids, or whose payload names their id, key or
    handle as a JSON string (a dead letter need not be valid JSON: matched as text)."""
    needles = {f'"{customer}"'} | {f'"{k}"' for k in keys}
    needles |= {f'"{k.split(":", 1)[1]}"' for k in keys if "/@" in k}  # their handles
    sink.con.register("_dl_ids", pa.table({"i": sorted(event_ids) or [""]}))
    sink.con.register("_dl_needles", pa.table({"n": sorted(needles)}))
    try:
        return sink._delete_tracked(
            "dead_letters",
            "WHERE event_id IN (SELECT i FROM _dl_ids) OR (contains(payload, $business) AND"
            " EXISTS (SELECT 1 FROM _dl_needles WHERE contains(dead_letters.payload, n)))",
            {"business": business},
        )
    finally:
        sink.con.unregister("_dl_ids")
        sink.con.unregister("_dl_needles")


def _erase_state(
    sink: DuckDBSink,
    business: str,
    customer: str,
    token_of: dict[str, str],
    token: str,
    review_ids: set[str],
) -> int:
    """The embedded runner's saved state: the customer's own goes, their business's is
    scrubbed (ledger entries' customer id, alert keys that name them, their review ids)."""
    con = sink.con
    gone = con.execute(
        "DELETE FROM pipeline_state WHERE kind = 'customer' AND key IN"
        " (SELECT old FROM _erase_keys) RETURNING key"
    ).fetchall()
    found = con.execute(
        "SELECT state FROM pipeline_state WHERE kind = 'business' AND key = ?", [business]
    ).fetchone()
    if found is None:
        return len(gone)

    def scrub(value: Any) -> Any:
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if k == "customer_id" and v == customer:
                    out[scrub(k)] = token
                else:
                    out[scrub(k)] = scrub(v)
            return out
        if isinstance(value, list):
            return [scrub(v) for v in value if not (isinstance(v, str) and v in review_ids)]
        if isinstance(value, str):
            for old, new in token_of.items():
                value = value.replace(old, new)
            return value
        return value

    state = json.loads(found[0])
    scrubbed = scrub(state)
    if scrubbed != state:
        con.execute(
            "UPDATE pipeline_state SET state = ? WHERE kind = 'business' AND key = ?",
            [json.dumps(scrubbed, ensure_ascii=False), business],
        )
        return len(gone) + 1
    return len(gone)


def _named_files(lake: Path) -> set[Path]:
    manifest = Manifest.read(lake)
    return {
        Path(p).resolve()
        for entry in manifest.tables.values()
        for p in entry["base"] + entry["delta"]
    } | {Path(p).resolve() for _, p in manifest.superseded}


def _owns_its_files(lake: Path) -> bool:
    root = lake.resolve()
    return all(path.is_relative_to(root) for path in _named_files(lake))


def _remove_unnamed_files(lake: Path) -> None:
    """Files in the lake that the manifest does not name (left by a crash between a write and
    its manifest, or by hand) may hold old versions of the rows: they go too."""
    named = _named_files(lake)
    for path in lake.rglob("*"):
        if path.is_file() and path.name != MANIFEST and path.resolve() not in named:
            path.unlink()


def _land_audit(sink: DuckDBSink, report: ErasureReport) -> None:
    sink.con.execute(
        "INSERT INTO erasures VALUES (?, ?, ?, ?, ?, ?)",
        [
            report.erasure_id,
            report.business_id,
            report.requested_by,
            report.erased_at,
            report.total,
            json.dumps(report.rows, sort_keys=True),
        ],
    )
    sink.changes.add_written("erasures", pa.table({"erasure_id": [report.erasure_id]}))


def _rewrite_database(db: Path) -> None:
    """Copy the database into a fresh file and replace it: DuckDB keeps the old blocks of
    deleted rows in the file (free, not zeroed) until it reuses them."""
    fresh = db.with_name(f".{db.name}.erasing")
    fresh.unlink(missing_ok=True)
    with duckdb.connect(str(db)) as con:
        source = con.execute("SELECT current_database()").fetchone()[0]
        con.execute(f"ATTACH '{str(fresh).replace(chr(39), chr(39) * 2)}' AS _fresh")
        con.execute(f'COPY FROM DATABASE "{source}" TO _fresh')
        con.execute("DETACH _fresh")
    os.replace(fresh, db)
    Path(f"{db}.wal").unlink(missing_ok=True)
    with duckdb.connect(str(db)) as con:  # views and macros as analytics/sql defines them
        apply_sql(con)


def _erase_outbox(path: Path, keys: list[str], alert_ids: list[str], report: ErasureReport) -> None:
    """Their alerts (those landed in DuckDB, and any other the outbox holds about their keys),
    deliveries and state log out of the outbox; then VACUUM, so that the freed pages do not
    keep the text."""
    if not path.exists():
        return
    con = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        marks = ",".join("?" * len(keys))
        alert_ids = sorted(
            set(alert_ids)
            | {
                a
                for (a,) in con.execute(
                    "SELECT alert_id FROM alerts WHERE json_extract(payload, '$.customer_key')"
                    f" IN ({marks})",
                    keys,
                ).fetchall()
            }
        )
        marks = ",".join("?" * len(alert_ids))
        n = 0
        if alert_ids:
            for table in ("deliveries", "state_log"):
                con.execute(f"DELETE FROM {table} WHERE alert_id IN ({marks})", alert_ids)
            n = con.execute(f"DELETE FROM alerts WHERE alert_id IN ({marks})", alert_ids).rowcount
        con.execute("COMMIT")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("VACUUM")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    if n:
        report.rows["outbox_alerts:deleted"] = n


def erasures(db: str | Path) -> list[dict[str, Any]]:
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute("SELECT * FROM erasures ORDER BY erased_at")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


__all__ = ["ErasureError", "ErasureReport", "customer_keys", "erasures", "forget"]
