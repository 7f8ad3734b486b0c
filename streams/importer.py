"""`repute import`: read a review export, plan it (`pipeline.imports`), report or queue it.

The real run queues through what `repute ingest` queues through: the inbox log beside the
database (for `repute run --embedded`) or the broker's topics, with the same accepted-id memory
in the keys file, so a review imported before (by id) is not queued again. Rejected rows are
queued too, so they become dead-letter rows with their reason, as a bad line of a file does.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.events import parse_event
from pipeline.imports import FIELDS, Format, Plan, google_reviews, google_rows
from streams.ingest import EventQueue, Queued, content_digest, exact_json
from streams.ingest_keys import KeyStore


def read_export(fmt: Format, path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """(columns, rows) of an export file; Google's is a JSON file, a folder or a Takeout zip."""
    if fmt.name == "google-business":
        documents = _json_documents(path)
        rows = google_rows(review for d in documents for review in google_reviews(d))
        columns = list(dict.fromkeys(c for row in rows for c in row))
        return columns, rows
    text = path.read_text(encoding="utf-8-sig")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    rows = [{k: v or "" for k, v in row.items() if k is not None} for row in reader]
    return list(reader.fieldnames or []), rows


def _json_documents(path: Path) -> Iterator[Any]:
    if path.is_dir():
        for file in sorted(path.rglob("*.json")):
            yield json.loads(file.read_text(encoding="utf-8"))
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                if name.endswith(".json") and "review" in name.lower():
                    yield json.loads(archive.read(name).decode("utf-8"))
    else:
        yield json.loads(path.read_text(encoding="utf-8"))


def describe(plan: Plan, columns: list[str], limit: int = 5) -> str:
    """The dry run's report: how each column maps, and how many rows are rejected and why."""
    lines = [f"{len(plan.rows)} rows in the {plan.format} export", "", "column -> field"]
    for name, column in plan.mapping.items():
        where = repr(column) if column else "(no column: --map " + name + "=COLUMN)"
        lines.append(f"  {where} -> {name}: {FIELDS[name]}")
    for column in plan.unused:
        lines.append(f"  {column!r} -> (not used)")
    lines += ["", f"would import {len(plan.accepted)}, reject {len(plan.rejected)}"]
    for reason, numbers in sorted(plan.reasons().items(), key=lambda item: -len(item[1])):
        shown = ", ".join(map(str, numbers[:limit])) + (", ..." if len(numbers) > limit else "")
        lines.append(f"  {len(numbers)} rejected: {reason} (rows {shown})")
    return "\n".join(lines)


@dataclass
class ImportSummary:
    queued: int = 0
    already: int = 0
    changed: int = 0  # the same review id with other content: not queued again
    rejected: int = 0  # queued as dead letters
    rejected_before: int = 0  # the same rejected row, dead-lettered by an earlier import


def queue_plan(plan: Plan, queue: EventQueue, keys: KeyStore, business_id: str) -> ImportSummary:
    """Queue the new events and the rejected rows (as dead letters); remember the ids."""
    return asyncio.run(_queue_plan(plan, queue, keys, business_id))


async def _queue_plan(
    plan: Plan, queue: EventQueue, keys: KeyStore, business_id: str
) -> ImportSummary:
    summary = ImportSummary()
    source = f"import:{plan.format}"
    run = secrets.token_hex(4)
    valid = [(row, parse_event(row.event)) for row in plan.accepted]
    # a rejected row is remembered under its own key, so a fixed row with its id still imports
    rejected = [(r, f"rejected:{r.event['event_id']}", _digest(r.event)) for r in plan.rejected]
    seen = keys.seen(
        business_id, [event.event_id for _, event in valid] + [key for _, key, _ in rejected]
    )
    items: list[Queued] = []
    remember: list[tuple[str, str]] = []
    for row, key, digest in rejected:
        if seen.get(key) == digest:
            summary.rejected_before += 1
            continue
        seen[key] = digest
        remember.append((key, digest))
        items.append(Queued(exact_json(row.event), source, f"{run}#{row.number}", row.reason))
        summary.rejected += 1
    for row, event in valid:
        digest = content_digest(event)
        earlier = seen.get(event.event_id)
        if earlier is not None:
            summary.already += earlier == digest
            summary.changed += earlier != digest
            continue
        seen[event.event_id] = digest
        remember.append((event.event_id, digest))
        items.append(Queued(exact_json(row.event), source, f"{run}#{row.number}"))
    for start in range(0, len(items), 1000):
        await queue.put(items[start : start + 1000])
    keys.remember(business_id, source, remember)
    await queue.close()
    summary.queued = len(remember) - summary.rejected
    return summary


def _digest(event: dict[str, Any]) -> str:
    return hashlib.sha256(exact_json(event).encode()).hexdigest()
