"""Land facts in DuckDB in batches, idempotently: rows are upserted by each table's key.

Per-row inserts run at 1-2k rows/s; an Arrow batch lands at hundreds of thousands, so facts
are buffered per table and written as one `INSERT OR REPLACE ... BY NAME SELECT` per flush.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipeline.step import Fact

log = logging.getLogger(__name__)

JSON_COLUMNS = {"factors", "facts"}
# DuckDB's buffer pool defaults to 80 % of the machine's memory and keeps the blocks it read or
# wrote cached up to that: a long run's RSS then grows with its database. `repute run
# --embedded` bounds it while it lands facts (what does not fit spills to `<db>.tmp/`); a
# publish to the lake lifts the bound while it runs (compacting a month of a 1M-event run's
# facts into Parquet failed at 128MB) and sets it again after.
DEFAULT_MEMORY_LIMIT = "128MB"
# Keys the sink tracks for the lake between two publishes (analytics.lake.Changes) before it
# publishes on its own, when it has a lake to publish to (`publish_to`): bounded memory.
PUBLISH_EVERY_KEYS = 200_000


def sql_files() -> list[tuple[str, str]]:
    """(name, text) of analytics/sql/*.sql in name order: schema first, then marts."""
    folder = resources.files("analytics") / "sql"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [(f.name, f.read_text(encoding="utf-8")) for f in files]


def apply_sql(con: duckdb.DuckDBPyConnection) -> None:
    _drop_unkeyed_aggregates(con)
    for _name, text in sql_files():
        con.execute(text)
    # an empty aggregate in a file with facts: new, or from before it existed
    empty = [t for t in AGGREGATES if con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == 0]
    if empty:
        rebuild_aggregates(con, empty)


AGGREGATES = ("daily_reviews", "daily_closures", "complaint_lifecycle")


def _drop_unkeyed_aggregates(con: duckdb.DuckDBPyConnection) -> None:
    """Databases from before issue 23 built the aggregates without a key: build them anew."""
    # complaint_lifecycle was a view before it was a table
    if con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = 'complaint_lifecycle'"
        " AND NOT internal"
    ).fetchone()[0]:
        con.execute("DROP VIEW complaint_lifecycle")
    for table in AGGREGATES:
        unkeyed = con.execute(
            "SELECT count(*) FROM duckdb_tables() t WHERE t.table_name = ? AND NOT EXISTS ("
            " SELECT 1 FROM duckdb_constraints() c WHERE c.table_name = t.table_name"
            " AND c.constraint_type = 'PRIMARY KEY')",
            [table],
        ).fetchone()[0]
        if unkeyed:
            con.execute(f"DROP TABLE {table}")


def rebuild_aggregates(
    con: duckdb.DuckDBPyConnection, tables: tuple[str, ...] | list[str] = AGGREGATES
) -> None:
    """The aggregates from all the facts (once; then `refresh_aggregates` keeps them)."""
    for table in tables:
        con.execute(f"DELETE FROM {table}")
        con.execute(f"INSERT INTO {table} SELECT * FROM {table}_source")


# (aggregate, fact tables whose rows feed it, SQL of a fact row's (business_id, day) in it)
AGGREGATE_INPUTS = {
    "daily_reviews": {
        "reviews_scored": "SELECT business_id, CAST(occurred_at AT TIME ZONE 'UTC' AS DATE)"
        " FROM reviews_scored SEMI JOIN _keys USING (event_id)",
        # a correction moves its review's label: the review's day is touched
        "sentiment_corrections": "SELECT r.business_id, CAST(r.occurred_at AT TIME ZONE 'UTC'"
        " AS DATE) FROM sentiment_corrections c SEMI JOIN _keys USING (event_id)"
        " JOIN reviews_scored r ON r.event_id = c.target_event_id",
    },
    "daily_closures": {
        "complaint_events": "SELECT business_id, CAST(occurred_at AT TIME ZONE 'UTC' AS DATE)"
        " FROM complaint_events SEMI JOIN _keys USING (event_id)",
    },
}


def _plain(value: Any, column: str) -> Any:
    if column in JSON_COLUMNS:
        return json.dumps(value, default=_json_default, ensure_ascii=False)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class DuckDBSink:
    """Buffers facts per table and lands them as Arrow batches. The only writer of its file."""

    def __init__(
        self, path: str | Path, batch_size: int = 5_000, memory_limit: str | None = None
    ) -> None:
        """`memory_limit`: DuckDB's buffer pool bound for this connection ("256MB", "2GB";
        None: DuckDB's default, 80 % of the machine's memory)."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path))
        self.con.execute("SET TimeZone = 'UTC'")
        self.memory_limit = memory_limit.replace("'", "") if memory_limit else None
        if self.memory_limit:
            self.con.execute(f"SET memory_limit = '{self.memory_limit}'")
        apply_sql(self.con)
        self.batch_size = batch_size
        self._buffer: dict[str, dict[str, dict[str, Any]]] = {}
        self._columns: dict[str, list[str]] = {}
        self._keys: dict[str, list[str]] = {}
        self.rows_landed = 0
        # what landed since the last publish to the lake (analytics.lake.publish reads it)
        from analytics.lake import Changes

        self.changes = Changes()
        self.lake: Path | None = None
        self.catalog: Path | None = None
        self.publish_every_keys = PUBLISH_EVERY_KEYS

    def publish_to(
        self, lake: Path, catalog: Path | None = None, every_keys: int = PUBLISH_EVERY_KEYS
    ) -> None:
        """Publish to `lake` on its own whenever the changes tracked since the last publish
        pass `every_keys` keys (checked after each flush), so a long run holds a bounded set of
        them instead of all until its end (the caller still publishes at the end)."""
        self.lake, self.catalog, self.publish_every_keys = lake, catalog, every_keys

    def add(self, facts: Iterable[Fact]) -> None:
        for fact in facts:
            # Within one batch the last version of a key wins, as the upsert would.
            self._buffer.setdefault(fact.table, {})[fact.key] = fact.row
        if sum(len(rows) for rows in self._buffer.values()) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not any(self._buffer.values()):
            return
        self.con.execute("BEGIN TRANSACTION")
        try:
            for table, rows in self._buffer.items():
                if rows:
                    self._land(table, list(rows.values()))
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        self._buffer = {}
        if self.lake is not None and self.changes.tracked >= self.publish_every_keys:
            self.snapshot(self.lake, self.catalog)

    def _land(self, table: str, rows: list[dict[str, Any]]) -> None:
        columns = self._table_columns(table)
        arrays = {c: [_plain(row.get(c), c) for row in rows] for c in columns}
        batch = pa.table(arrays)
        names = ", ".join(f'"{c}"' for c in columns)
        # Upsert as delete-then-insert inside the flush's transaction: measured ~1.5x faster
        # than INSERT OR REPLACE on this DuckDB version.
        keys = self._key_columns(table)
        match = " AND ".join(f'{table}."{k}" = batch."{k}"' for k in keys)
        self.con.register("batch", batch)
        try:
            self._delete_tracked(table, f"USING batch WHERE {match}")
            self.con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM batch")
        finally:
            self.con.unregister("batch")
        self.changes.add_written(table, batch.select(keys))
        self.rows_landed += len(rows)

    def _delete_tracked(self, table: str, condition: str, params: list | None = None) -> int:
        """DELETE FROM table <condition>, remembering the removed keys and their partitions
        for the lake (a replaced row's old version, or an erased one)."""
        from analytics.lake import partition_sql

        keys = ", ".join(f'{table}."{k}"' for k in self._key_columns(table))
        business, month = partition_sql(self.con, table, table)
        removed = self.con.execute(
            f"DELETE FROM {table} {condition} RETURNING {keys}, {business} AS _b, {month} AS _m",
            params,
        ).to_arrow_table()
        self.changes.add_removed(table, removed)
        return removed.num_rows

    def refresh_aggregates(self) -> None:
        """Recompute the daily aggregate rows of the (business, day) groups whose facts landed
        since the last publish; cost grows with those groups, not with the history."""
        if self.changes.overflow:
            rebuild_aggregates(self.con)  # untracked changes: all groups
            return
        touched = []
        for source, sql in AGGREGATE_INPUTS["daily_reviews"].items():
            touched += self._touched_days(source, sql)
        self._refresh_aggregate("daily_reviews", touched)
        touched = []
        for source, sql in AGGREGATE_INPUTS["daily_closures"].items():
            touched += self._touched_days(source, sql)
        self._refresh_aggregate("daily_closures", touched)
        self._refresh_lifecycle()

    def _refresh_lifecycle(self) -> None:
        """Recompute the complaint_lifecycle rows of the complaints whose events landed."""
        written = self.changes.written.get("complaint_events")
        removed = self.changes.removed.get("complaint_events")
        if removed:
            self.con.register("_gone", pa.concat_tables(removed))
            # an event gone for good (not re-landed): its complaint is unknown now
            gone = self.con.execute(
                "SELECT count(*) FROM _gone ANTI JOIN complaint_events USING (event_id)"
            ).fetchone()[0]
            self.con.unregister("_gone")
            if gone:
                self._delete_tracked("complaint_lifecycle", "")
                inserted = self.con.execute(
                    "INSERT INTO complaint_lifecycle SELECT * FROM complaint_lifecycle_source"
                    " RETURNING business_id, complaint_id"
                ).to_arrow_table()
                self.changes.add_written("complaint_lifecycle", inserted)
                return
        if not written:
            return
        self.con.register("_keys", pa.concat_tables(written))
        ids = [
            i
            for (i,) in self.con.execute(
                "SELECT DISTINCT business_id || chr(31) || complaint_id FROM complaint_events"
                " SEMI JOIN _keys USING (event_id)"
            ).fetchall()
        ]
        self.con.unregister("_keys")
        self.con.register(
            "_complaints", pa.table({"k": ids}, schema=pa.schema([("k", pa.string())]))
        )
        self._delete_tracked(
            "complaint_lifecycle",
            "WHERE business_id || chr(31) || complaint_id IN (SELECT k FROM _complaints)",
        )
        self.con.unregister("_complaints")
        inserted = self.con.execute(
            "INSERT INTO complaint_lifecycle SELECT * FROM complaint_lifecycle_of(false, ?)"
            " RETURNING business_id, complaint_id",
            [ids],
        ).to_arrow_table()
        self.changes.add_written("complaint_lifecycle", inserted)

    def _touched_days(self, source: str, sql: str) -> list[tuple[str, Any]]:
        found: list[tuple[str, Any]] = []
        written = self.changes.written.get(source)
        if written:
            self.con.register("_keys", pa.concat_tables(written))
            found += self.con.execute(f"SELECT DISTINCT * FROM ({sql})").fetchall()
            self.con.unregister("_keys")
        for removed in self.changes.removed.get(source, []):
            # a removed fact's month is known (its old partition): recompute that month
            for business, month in {
                (b, m)
                for b, m in zip(
                    removed.column("_b").to_pylist(), removed.column("_m").to_pylist(), strict=True
                )
            }:
                found.append((business, month))
        return found

    def _refresh_aggregate(self, table: str, touched: list[tuple[str, Any]]) -> None:
        if not touched:
            return
        days = [(b, d) for b, d in touched if not isinstance(d, str)]
        months = [(b, m) for b, m in touched if isinstance(m, str)]
        self.con.register(
            "_days",
            pa.table(
                {
                    "b": [b for b, _ in days] + [b for b, _ in months],
                    "d": [d for _, d in days] + [None] * len(months),
                    "m": [None] * len(days) + [m for _, m in months],
                },
                schema=pa.schema([("b", pa.string()), ("d", pa.date32()), ("m", pa.string())]),
            ),
        )
        match = (
            # b is 'all' for a removed fact's month (the lake partitions by month alone)
            "EXISTS (SELECT 1 FROM _days WHERE _days.b IN ({t}.business_id, 'all') AND"
            " (_days.d = {t}.day OR _days.m = strftime({t}.day, '%Y-%m')))"
        )
        self._delete_tracked(table, "WHERE " + match.format(t=table))
        keys = self._key_columns(table)
        lo, hi = self.con.execute(
            "SELECT least(min(d), min(CAST(m || '-01' AS DATE))),"
            " greatest(max(d), max(last_day(CAST(m || '-01' AS DATE)))) + 1 FROM _days"
        ).fetchone()
        inserted = self.con.execute(
            f"INSERT INTO {table} SELECT * FROM {table}_between("
            f"CAST(?::DATE AS TIMESTAMPTZ), CAST(?::DATE AS TIMESTAMPTZ)) AS s"
            f" WHERE {match.format(t='s')}"
            f" RETURNING {', '.join(keys)}",
            [lo, hi],
        ).to_arrow_table()
        self.con.unregister("_days")
        self.changes.add_written(table, inserted)

    def _key_columns(self, table: str) -> list[str]:
        if table not in self._keys:
            found = self.con.execute(
                "SELECT constraint_column_names FROM duckdb_constraints()"
                " WHERE table_name = ? AND constraint_type = 'PRIMARY KEY'",
                [table],
            ).fetchone()
            if not found:
                raise KeyError(f"table {table!r} has no primary key to upsert by")
            self._keys[table] = list(found[0])
        return self._keys[table]

    def _table_columns(self, table: str) -> list[str]:
        if table not in self._columns:
            described = self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
                " ORDER BY ordinal_position",
                [table],
            ).fetchall()
            if not described:
                raise KeyError(f"no table {table!r} in analytics/sql/00_schema.sql")
            self._columns[table] = [name for (name,) in described]
        return self._columns[table]

    def saved_states(
        self, keys: Iterable[tuple[str, str]] | None = None
    ) -> list[tuple[str, str, str]]:
        """(kind, key, state JSON) saved by an earlier run: all of them, or those of `keys`."""
        if keys is None:
            return self.con.execute("SELECT kind, key, state FROM pipeline_state").fetchall()
        found = []
        for kind, key in keys:
            found += self.con.execute(
                "SELECT kind, key, state FROM pipeline_state WHERE kind = ? AND key = ?",
                [kind, key],
            ).fetchall()
        return found

    def refresh_marts(self) -> None:
        """Bring the daily aggregates up to what has landed (only the groups it touched)."""
        self.refresh_aggregates()

    def snapshot(self, lake: Path, catalog: Path | None = None) -> None:
        """Land what is buffered, refresh the aggregates, publish what changed to the lake and
        the analysts' catalog over it (analytics/lake.py)."""
        from analytics.lake import publish

        self.flush()
        if self.memory_limit:
            self.con.execute("RESET memory_limit")  # whole partitions are rewritten: unbounded
        try:
            self.refresh_marts()
            publish(self.con, lake, self.changes, catalog)
        finally:
            if self.memory_limit:  # the pool evicts down to the bound again
                self.con.execute(f"SET memory_limit = '{self.memory_limit}'")

    def close(self) -> None:
        self.flush()
        self.refresh_marts()
        self.con.close()
