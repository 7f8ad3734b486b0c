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


def sql_files() -> list[tuple[str, str]]:
    """(name, text) of analytics/sql/*.sql in name order: schema first, then marts."""
    folder = resources.files("analytics") / "sql"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [(f.name, f.read_text(encoding="utf-8")) for f in files]


def apply_sql(con: duckdb.DuckDBPyConnection) -> None:
    for _name, text in sql_files():
        con.execute(text)


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

    def __init__(self, path: str | Path, batch_size: int = 5_000) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path))
        self.con.execute("SET TimeZone = 'UTC'")
        apply_sql(self.con)
        self.batch_size = batch_size
        self._buffer: dict[str, dict[str, dict[str, Any]]] = {}
        self._columns: dict[str, list[str]] = {}
        self._keys: dict[str, list[str]] = {}
        self.rows_landed = 0

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

    def _land(self, table: str, rows: list[dict[str, Any]]) -> None:
        columns = self._table_columns(table)
        arrays = {c: [_plain(row.get(c), c) for row in rows] for c in columns}
        batch = pa.table(arrays)  # noqa: F841 - read by name in the SQL below
        names = ", ".join(f'"{c}"' for c in columns)
        # Upsert as delete-then-insert inside the flush's transaction: measured ~1.5x faster
        # than INSERT OR REPLACE on this DuckDB version.
        match = " AND ".join(f'{table}."{k}" = batch."{k}"' for k in self._key_columns(table))
        self.con.execute(f"DELETE FROM {table} USING batch WHERE {match}")
        self.con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM batch")
        self.rows_landed += len(rows)

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
        """Re-run the mart SQL (aggregate tables are rebuilt from the facts)."""
        apply_sql(self.con)

    def snapshot(self, lake: Path) -> None:
        """Land what is buffered, rebuild the aggregates, export Parquet for analysts."""
        from analytics.lake import export_snapshot

        self.flush()
        self.refresh_marts()
        export_snapshot(self.con, lake)

    def close(self) -> None:
        self.flush()
        self.refresh_marts()
        self.con.close()
