"""Analyst access while the pipeline runs: an incremental, partitioned Parquet lake.

DuckDB lets one process write a database file, and while it does, no other process may open
that file. So the writer (the sink) publishes what it landed to Parquet, and a small *catalog*
database holds only views over the published files, plus the analyst views of analytics/sql.
Any number of analysts open the catalog with the stock CLI while the sink runs:

    duckdb -readonly data/demo.analyst.duckdb -c "FROM risk_feed_ranked ORDER BY rank LIMIT 10"

Layout (issue 23; why this and not DuckLake: docs/analytics_at_scale.md):

    <db stem>.lake/
      _manifest.json                      the published state: files per table, atomic replace
      <table>/base/_m=<YYYY-MM>/c<seq>_<uuid>.parquet   compacted rows, a business's together
      <table>/delta/d<seq>.parquet        what one publish landed (new versions, tombstones)

A publish writes only the rows the sink landed since the last one (one delta file per table
touched), so its cost grows with the flush, not with the history. Readers merge on read: a
table's view is its base minus the keys in the deltas, plus the newest delta row per key
(`_deleted` rows are tombstones). When a table's deltas grow past a share of its base, the
publish *compacts*: it rewrites from the live database only the (business, month) partitions
that the deltas touched, and drops the deltas. Files a new manifest no longer names are kept
for `KEEP_SUPERSEDED_S` seconds (an analyst's open catalog may still read them), except after
an erasure, which removes them at once.

The lake and the catalog belong to one database, named after it like its outbox and users
file (`data/x.duckdb` -> `data/x.lake/`, `data/x.analyst.duckdb`), so two databases in one
folder never share them.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

# SQL files that define only views over the tables; replayed in the catalog.
VIEW_FILE_PREFIXES = ("20_", "30_", "35_", "40_")
MANIFEST = "_manifest.json"
# The time column whose month partitions a table (with business_id); None: by business only.
PARTITION_TIME = {
    "reviews_scored": "occurred_at",
    "complaint_events": "occurred_at",
    "risk_history": "occurred_at",
    "ledger_entries": "occurred_at",
    "policy_exceptions": "occurred_at",
    "sentiment_corrections": "occurred_at",
    "alerts": "created_at",
    "daily_reviews": "day",
    "daily_closures": "day",
    "complaint_lifecycle": "closed_at",
}
NO_MONTH = "0000-00"
# Compact a table when its deltas hold more rows than this share of its base (or this many
# files): reads stay cheap (the anti-join's small side is the deltas) and the rewrite cost,
# spread over the flushes that filled the deltas, stays proportional to what they landed.
COMPACT_SHARE = 0.10
COMPACT_MIN_ROWS = 50_000
COMPACT_MAX_FILES = 64
KEEP_SUPERSEDED_S = 600.0


def lake_path(db: str | Path) -> Path:
    """The Parquet lake folder of a DuckDB file: `data/x.duckdb` -> `data/x.lake/`."""
    db = Path(db)
    return db.with_name(f"{db.stem}.lake")


def catalog_path(db: str | Path) -> Path:
    """The analysts' catalog of a DuckDB file: `data/x.duckdb` -> `data/x.analyst.duckdb`."""
    db = Path(db)
    return db.with_name(f"{db.stem}.analyst.duckdb")


def catalog_of_lake(lake: Path) -> Path:
    """`data/x.lake` -> `data/x.analyst.duckdb` (the same convention from the other side)."""
    return lake.with_name(f"{lake.stem}.analyst.duckdb")


def base_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables analysts read (not the runner's own `pipeline_state`)."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_type = 'BASE TABLE' AND table_schema = 'main'"
        " AND table_name <> 'pipeline_state' ORDER BY table_name"
    ).fetchall()
    return [name for (name,) in rows]


def key_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    found = con.execute(
        "SELECT constraint_column_names FROM duckdb_constraints()"
        " WHERE table_name = ? AND constraint_type = 'PRIMARY KEY'",
        [table],
    ).fetchone()
    if not found:
        raise KeyError(f"table {table!r} has no primary key: the lake merges by it")
    return list(found[0])


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
        " AND table_schema = 'main' ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [name for (name,) in rows]


def partition_sql(con: duckdb.DuckDBPyConnection, table: str, alias: str = "") -> tuple[str, str]:
    """SQL of a row's (business, month) partition in `table`."""
    p = f"{alias}." if alias else ""
    # Measured (docs/analytics_at_scale.md): business x month made 40 x 12 files per table at
    # 10M events, and binding the catalog's views over them took seconds; by month alone a
    # table has a dozen files a year, and a business is found by row-group statistics.
    business = "'all'"
    time_column = PARTITION_TIME.get(table)
    if time_column is None:
        return business, f"'{NO_MONTH}'"
    # DATE or TIMESTAMPTZ: the month in UTC, as the analysts' daily aggregates count days
    utc = f"timezone('UTC', {p}\"{time_column}\"::TIMESTAMPTZ)"
    month = f"coalesce(strftime({utc}, '%Y-%m'), '{NO_MONTH}')"
    if time_column == "day":
        month = f"coalesce(strftime({p}\"day\", '%Y-%m'), '{NO_MONTH}')"
    return business, month


@dataclass
class Changes:
    """What the sink landed since the last publish: per table, the keys written (new versions)
    and the keys removed (replaced or erased), each with its old (business, month) partition."""

    written: dict[str, list[pa.Table]] = field(default_factory=dict)
    removed: dict[str, list[pa.Table]] = field(default_factory=dict)
    erased: bool = False  # an erasure: superseded files must go at once, deltas compacted

    # Past this many keys between two publishes (a sink that never publishes), stop tracking:
    # the next publish starts the lake over from the tables.
    MAX_TRACKED = 5_000_000
    tracked: int = 0
    overflow: bool = False

    def add_written(self, table: str, keys: pa.Table) -> None:
        if self.overflow or not keys.num_rows:
            return
        self.tracked += keys.num_rows
        if self.tracked > self.MAX_TRACKED:
            self.overflow = True
            self.written.clear()
            self.removed.clear()
            return
        self.written.setdefault(table, []).append(keys)

    def add_removed(self, table: str, keys_and_partitions: pa.Table) -> None:
        if keys_and_partitions.num_rows and not self.overflow:
            self.removed.setdefault(table, []).append(keys_and_partitions)

    def tables(self) -> set[str]:
        return set(self.written) | set(self.removed)

    def clear(self) -> None:
        self.written.clear()
        self.removed.clear()
        self.erased = False
        self.tracked = 0
        self.overflow = False


@dataclass
class Manifest:
    seq: int = 0
    published_at: float = 0.0
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    superseded: list[tuple[float, str]] = field(default_factory=list)

    @classmethod
    def read(cls, lake: Path) -> Manifest:
        path = lake / MANIFEST
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            data["seq"],
            data["published_at"],
            data["tables"],
            [tuple(x) for x in data.get("superseded", [])],
        )

    def write(self, lake: Path) -> None:
        partial = lake / f".{MANIFEST}.tmp"
        data = {
            "seq": self.seq,
            "published_at": self.published_at,
            "tables": self.tables,
            "superseded": self.superseded,
        }
        partial.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(partial, lake / MANIFEST)  # readers see the old manifest or the new one


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _files_under(folder: Path, pattern: str) -> list[str]:
    return sorted(str(p) for p in folder.rglob(pattern))


def _write_partitioned(
    con: duckdb.DuckDBPyConnection, table: str, where: str, target: Path, seq: int
) -> list[str]:
    """Rows of `table` matching `where`, one file per (business, month) under target."""
    business, month = partition_sql(con, table)
    target.mkdir(parents=True, exist_ok=True)
    names = table_columns(con, table)
    columns = ", ".join(f'"{c}"' for c in names)
    # rows of a business together: its row groups' min/max let a query skip the others
    business_order = '"business_id"' if "business_id" in names else "1"
    con.execute(
        f"COPY (SELECT {columns}, {month} AS _m FROM {table} WHERE {where}"
        f" ORDER BY {business_order}) TO '{_sql_path(target)}' (FORMAT parquet, PARTITION_BY (_m),"
        f" FILENAME_PATTERN 'c{seq}_{{uuid}}', APPEND)"
    )
    return _files_under(target, f"c{seq}_*.parquet")


def _empty_file(con: duckdb.DuckDBPyConnection, table: str, target: Path, seq: int) -> str:
    """A table with no rows still has its columns and types: one empty Parquet file."""
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"e{seq}.parquet"
    columns = ", ".join(f'"{c}"' for c in table_columns(con, table))
    con.execute(f"COPY (SELECT {columns} FROM {table} LIMIT 0) TO '{_sql_path(path)}'")
    return str(path)


def column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?"
        " AND table_schema = 'main'",
        [table],
    ).fetchall()
    return dict(rows)


def _register(con: duckdb.DuckDBPyConnection, name: str, parts: list[pa.Table]) -> None:
    con.register(name, pa.concat_tables(parts, promote_options="permissive"))


def publish(
    con: duckdb.DuckDBPyConnection,
    lake: Path,
    changes: Changes | None = None,
    catalog: Path | None = None,
    now: float | None = None,
) -> Manifest:
    """Publish to the lake what `changes` landed (everything, on a lake's first publish), then
    the manifest, then the analysts' catalog over it. Returns the new manifest."""
    lake.mkdir(parents=True, exist_ok=True)
    now = time.time() if now is None else now
    manifest = Manifest.read(lake)
    manifest.seq += 1
    seq = manifest.seq
    if changes is not None and changes.overflow:
        # the changes were not tracked: publish every table whole again
        for entry in manifest.tables.values():
            manifest.superseded.extend((now, path) for path in entry["base"] + entry["delta"])
        manifest.tables = {}
    tables = base_tables(con)
    for table in tables:
        entry = manifest.tables.get(table)
        if entry is None:
            # first publish of this table: all of it, compacted
            files = _write_partitioned(con, table, "true", lake / table / "base", seq)
            files = files or [_empty_file(con, table, lake / table / "base", seq)]
            rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            manifest.tables[table] = {
                "key": key_columns(con, table),
                "columns": table_columns(con, table),
                "base": files,
                "base_rows": rows,
                "delta": [],
                "delta_rows": 0,
                "touched": [],
            }
            continue
        if changes is None or table not in changes.tables():
            continue
        _publish_delta(con, lake, table, entry, changes, seq)
        compact_due = (
            entry["delta_rows"] > max(COMPACT_MIN_ROWS, COMPACT_SHARE * entry["base_rows"])
            or len(entry["delta"]) > COMPACT_MAX_FILES
            or changes.erased
        )
        if compact_due:
            _compact(con, lake, table, entry, seq, manifest, now)
    _drop_superseded(manifest, now, at_once=bool(changes and changes.erased))
    manifest.published_at = now
    manifest.write(lake)
    write_catalog(lake, catalog or catalog_of_lake(lake), manifest, con)
    if changes is not None:
        changes.clear()
    return manifest


def _publish_delta(
    con: duckdb.DuckDBPyConnection,
    lake: Path,
    table: str,
    entry: dict[str, Any],
    changes: Changes,
    seq: int,
) -> None:
    keys = entry["key"]
    key_list = ", ".join(f'"{k}"' for k in keys)
    columns = table_columns(con, table)
    names = ", ".join(f't."{c}"' for c in columns)
    business, month = partition_sql(con, table, "t")
    selects = []
    if table in changes.written:
        _register(con, "_written", changes.written[table])
        # the current version of every key written: `_written` holds keys only
        selects.append(
            f"SELECT {names}, false AS _deleted, {business} AS _b, {month} AS _m FROM {table} AS t"
            f" SEMI JOIN (SELECT DISTINCT {key_list} FROM _written) AS w USING ({key_list})"
        )
    if table in changes.removed:
        _register(con, "_removed", changes.removed[table])
        # removed keys that are gone for good become tombstones (the others were rewritten,
        # and their new version is above); their old partition is remembered for compaction
        types = column_types(con, table)
        nulls = ", ".join(
            f'r."{c}"' if c in keys else f'CAST(NULL AS {types[c]}) AS "{c}"' for c in columns
        )
        selects.append(
            f"SELECT {nulls}, true AS _deleted, r._b, r._m FROM _removed AS r"
            f" ANTI JOIN {table} AS t USING ({key_list})"
        )
        for b, m in con.execute("SELECT DISTINCT _b, _m FROM _removed").fetchall():
            entry["touched"].append([b, m])
    target = lake / table / "delta" / f"d{seq}.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.tmp")
    # one file per publish: `_seq` orders versions of a key across deltas
    con.execute(
        f"COPY (SELECT *, {seq} AS _seq FROM ({' UNION ALL '.join(selects)}))"
        f" TO '{_sql_path(partial)}' (FORMAT parquet)"
    )
    os.replace(partial, target)
    rows, parts = con.execute(
        f"SELECT count(*), list(DISTINCT [_b, _m]) FROM read_parquet('{_sql_path(target)}')"
    ).fetchone()
    for name in ("_written", "_removed"):
        with contextlib.suppress(Exception):  # not registered for this table
            con.unregister(name)
    entry["delta"].append(str(target))
    entry["delta_rows"] += rows
    entry["touched"].extend(parts or [])


def _compact(
    con: duckdb.DuckDBPyConnection,
    lake: Path,
    table: str,
    entry: dict[str, Any],
    seq: int,
    manifest: Manifest,
    now: float,
) -> None:
    """Rewrite from the live table the partitions the deltas touched; drop the deltas."""
    touched = sorted({(b, m) for b, m in entry["touched"]})
    business, month = partition_sql(con, table)
    if touched:
        con.register(
            "_touched", pa.table({"b": [b for b, _ in touched], "m": [m for _, m in touched]})
        )
        where = f"({business}, {month}) IN (SELECT (b, m) FROM _touched)"
        new_files = _write_partitioned(con, table, where, lake / table / "base", seq)
        con.unregister("_touched")
    else:
        new_files = []
    touched_dirs = {f"/_m={m}/" for _, m in touched}
    kept, dropped = [], []
    for path in entry["base"]:
        stale = any(d in path for d in touched_dirs) and f"/c{seq}_" not in path
        (dropped if stale else kept).append(path)
    entry["base"] = sorted(kept + [f for f in new_files if f not in kept])
    if not entry["base"]:
        entry["base"] = [_empty_file(con, table, lake / table / "base", seq)]
    manifest.superseded.extend((now, path) for path in dropped + entry["delta"])
    entry["delta"] = []
    entry["delta_rows"] = 0
    entry["touched"] = []
    entry["base_rows"] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _drop_superseded(manifest: Manifest, now: float, at_once: bool) -> None:
    keep = []
    for since, path in manifest.superseded:
        if at_once or now - since >= KEEP_SUPERSEDED_S:
            Path(path).unlink(missing_ok=True)
        else:
            keep.append((since, path))
    manifest.superseded = keep


def compact_all(con: duckdb.DuckDBPyConnection, lake: Path, erase: bool = False) -> Manifest:
    """Compact every table's deltas now (`repute forget` uses it with erase=True)."""
    manifest = Manifest.read(lake)
    now = time.time()
    manifest.seq += 1
    for table, entry in manifest.tables.items():
        if entry["delta"] or entry["touched"]:
            _compact(con, lake, table, entry, manifest.seq, manifest, now)
    _drop_superseded(manifest, now, at_once=erase)
    manifest.write(lake)
    write_catalog(lake, catalog_of_lake(lake), manifest, con)
    return manifest


def table_view_sql(table: str, entry: dict[str, Any], columns: Iterable[str]) -> str:
    """A lake table as a view: base minus the keys in the deltas, plus their newest versions."""
    names = ", ".join(f'"{c}"' for c in columns)
    keys = ", ".join(f'"{k}"' for k in entry["key"])

    def files(paths: list[str]) -> str:
        return "[" + ", ".join(f"'{_sql_path(Path(p))}'" for p in paths) + "]"

    base = f"SELECT {names} FROM read_parquet({files(entry['base'])})"
    if not entry["delta"]:
        return base
    delta = (
        f"SELECT * FROM read_parquet({files(entry['delta'])})"
        f" QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY _seq DESC) = 1"
    )
    parts = [f"WITH d AS ({delta})"]
    body = [f"SELECT {names} FROM ({base}) AS b ANTI JOIN d USING ({keys})"]
    body.append(f"SELECT {names} FROM d WHERE NOT _deleted")
    return parts[0] + " " + " UNION ALL ".join(body)


def lake_table_sql(lake: Path, table: str) -> str:
    """SQL that reads one table from the lake as last published (no catalog needed)."""
    entry = Manifest.read(lake).tables.get(table)
    if entry is None:
        raise FileNotFoundError(f"no table {table!r} in the lake at {lake}")
    return table_view_sql(table, entry, entry.get("columns") or _columns_of(entry, None, table))


def write_catalog(
    lake: Path,
    catalog: Path,
    manifest: Manifest | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> None:
    """(Re)create the analysts' catalog from the lake's manifest: a view per table, then the
    analyst views of analytics/sql. Replaced atomically; nothing in it but view definitions."""
    from analytics.sink import sql_files

    lake = lake.resolve()
    manifest = manifest or Manifest.read(lake)
    if not manifest.tables:
        raise FileNotFoundError(f"no lake in {lake}: run the sink or `repute run` first")
    partial = catalog.with_name(catalog.name + ".tmp")
    partial.unlink(missing_ok=True)
    with duckdb.connect(str(partial)) as out:
        out.execute("SET TimeZone = 'UTC'")
        for table, entry in sorted(manifest.tables.items()):
            columns = entry.get("columns")
            if columns is None:
                columns = _columns_of(entry, con, table)
                entry["columns"] = columns
            out.execute(
                f"CREATE OR REPLACE VIEW {table} AS {table_view_sql(table, entry, columns)}"
            )
        out.execute(
            "CREATE OR REPLACE VIEW lake_freshness AS SELECT"
            f" to_timestamp({manifest.published_at}) AS published_at, {manifest.seq} AS seq"
        )
        for name, text in sql_files():
            if name.startswith(VIEW_FILE_PREFIXES):
                out.execute(text)
    os.replace(partial, catalog)


def _columns_of(
    entry: dict[str, Any], con: duckdb.DuckDBPyConnection | None, table: str
) -> list[str]:
    if con is not None:
        return table_columns(con, table)
    files = entry["base"] or entry["delta"]
    with duckdb.connect() as probe:
        described = probe.execute(f"DESCRIBE SELECT * FROM read_parquet('{files[0]}')").fetchall()
    return [row[0] for row in described if row[0] not in {"_deleted", "_b", "_m", "_seq"}]


def export_snapshot(con: duckdb.DuckDBPyConnection, lake: Path) -> Manifest:
    """Publish everything (a lake's first publish, or a fresh one): see `publish`."""
    return publish(con, lake)
