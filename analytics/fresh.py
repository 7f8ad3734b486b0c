"""`repute run --fresh`: start a database over, with everything that belongs to it.

A database's derived files sit beside it under its name (`data/x.duckdb` -> `data/x.duckdb.wal`,
`data/x.outbox.sqlite`, `data/x.analyst.duckdb`, `data/x.lake/*.parquet`). Starting the
database over without its outbox would show alerts of the old run (a state "resolved" on an
alert the new run has open), so the outbox starts over too. The users file stays: accounts
are not data.
"""

from __future__ import annotations

from pathlib import Path

from analytics.delivery.outbox import default_path
from analytics.lake import catalog_path, lake_path


def derived_files(db: str | Path) -> list[Path]:
    """The files `--fresh` removes: the database, its WAL, its outbox, catalog and lake."""
    db = Path(db)
    outbox = default_path(db)
    catalog = catalog_path(db)
    files = [
        db,
        db.with_name(db.name + ".wal"),
        outbox,
        outbox.with_name(outbox.name + "-wal"),
        outbox.with_name(outbox.name + "-shm"),
        catalog,
        catalog.with_name(catalog.name + ".wal"),
    ]
    lake = lake_path(db)
    if lake.is_dir():
        files.extend(sorted(p for p in lake.rglob("*") if p.is_file()))
    return files


def start_over(db: str | Path) -> list[Path]:
    """Remove a database and the files derived from it; returns those that existed."""
    removed = [path for path in derived_files(db) if path.exists()]
    for path in removed:
        path.unlink()
    return removed
