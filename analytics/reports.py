"""Canned reports: the SQL lives in analytics/reports/*.sql, named by report."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import duckdb

REPORTS = ("risk_feed", "alerts", "budget", "closures", "ledger", "goodwill", "handlers")
# the compact tables `repute run` prints (few, human columns for an 80-column terminal)
FEED_REPORTS = ("feed_risk", "feed_alerts", "feed_budget")


@dataclass(frozen=True)
class Report:
    name: str
    columns: list[str]
    rows: list[tuple[Any, ...]]


def report_sql(name: str) -> str:
    if name not in REPORTS + FEED_REPORTS:
        raise KeyError(f"unknown report {name!r}; choose from {', '.join(REPORTS)}")
    return (resources.files("analytics") / "reports" / f"{name}.sql").read_text(encoding="utf-8")


def run_report(con: duckdb.DuckDBPyConnection, name: str, limit: int = 10) -> Report:
    sql = report_sql(name)
    params = {"limit": limit} if "$limit" in sql else None
    cursor = con.execute(sql, params) if params else con.execute(sql)
    columns = [d[0] for d in cursor.description]
    return Report(name, columns, cursor.fetchall())


FORMATS = ("table", "csv", "json", "parquet")


def write_report(
    con: duckdb.DuckDBPyConnection, name: str, fmt: str, out: Any, limit: int = 10
) -> int:
    """Write a report as csv or json to the text stream `out`, or as parquet to the file path
    `out`; returns the number of rows. (The table format is the CLI's own printing.)"""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        sql = report_sql(name)
        params = {"limit": limit} if "$limit" in sql else None
        cursor = con.execute(sql, params) if params else con.execute(sql)
        table = cursor.to_arrow_table()
        pq.write_table(table, str(out))
        return table.num_rows
    report = run_report(con, name, limit)
    if fmt == "csv":
        import csv

        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(report.columns)
        writer.writerows(report.rows)
    elif fmt == "json":
        import json

        rows = [dict(zip(report.columns, r, strict=True)) for r in report.rows]
        out.write(json.dumps(rows, default=str, ensure_ascii=False, indent=1) + "\n")
    else:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    return len(report.rows)
