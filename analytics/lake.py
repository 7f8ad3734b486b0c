"""Analyst access while the pipeline runs.

DuckDB lets one process write a database file, and while it does, no other process may open
that file. So the writer (the sink) exports every table to Parquet after a flush, replacing
each file atomically, and a small *catalog* database holds only views: one per table over its
Parquet file, plus the analyst views of analytics/sql. The catalog is written once and never
held open by the pipeline, so any number of analysts can open it with the stock CLI:

    duckdb -readonly data/demo.analyst.duckdb -c "FROM risk_feed_ranked ORDER BY rank LIMIT 10"

The lake and the catalog belong to one database, named after it like its outbox and users
file (`data/x.duckdb` -> `data/x.lake/`, `data/x.analyst.duckdb`), so two databases in one
folder never share them.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from analytics.sink import sql_files

# SQL files that define only views over the tables; replayed in the catalog.
VIEW_FILE_PREFIXES = ("20_", "30_", "40_")


def lake_path(db: str | Path) -> Path:
    """The Parquet snapshot folder of a DuckDB file: `data/x.duckdb` -> `data/x.lake/`."""
    db = Path(db)
    return db.with_name(f"{db.stem}.lake")


def catalog_path(db: str | Path) -> Path:
    """The analysts' catalog of a DuckDB file: `data/x.duckdb` -> `data/x.analyst.duckdb`."""
    db = Path(db)
    return db.with_name(f"{db.stem}.analyst.duckdb")


def base_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The fact tables analysts read (not the runner's own `pipeline_state`)."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_type = 'BASE TABLE' AND table_schema = 'main'"
        " AND table_name <> 'pipeline_state' ORDER BY table_name"
    ).fetchall()
    return [name for (name,) in rows]


def export_snapshot(con: duckdb.DuckDBPyConnection, lake: Path) -> list[Path]:
    """Write every table to lake/<table>.parquet; readers never see a half-written file."""
    lake.mkdir(parents=True, exist_ok=True)
    written = []
    for table in base_tables(con):
        target = lake / f"{table}.parquet"
        partial = lake / f".{table}.parquet.tmp"
        con.execute(f"COPY (SELECT * FROM {table}) TO '{partial}' (FORMAT parquet)")
        os.replace(partial, target)
        written.append(target)
    return written


def write_catalog(lake: Path, catalog: Path) -> None:
    """(Re)create the analysts' catalog: views over the lake's Parquet files and the marts."""
    lake = lake.resolve()
    tables = sorted(p.stem for p in lake.glob("*.parquet"))
    if not tables:
        raise FileNotFoundError(
            f"no Parquet snapshot in {lake}: run the sink or `repute run` first"
        )
    partial = catalog.with_name(catalog.name + ".tmp")
    partial.unlink(missing_ok=True)
    with duckdb.connect(str(partial)) as con:
        for table in tables:
            path = str(lake / f"{table}.parquet").replace("'", "''")
            con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_parquet('{path}')")
        for name, text in sql_files():
            if name.startswith(VIEW_FILE_PREFIXES):
                con.execute(text)
    os.replace(partial, catalog)
