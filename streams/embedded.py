"""The embedded driver: replay JSONL events through pipeline/ in-process, land them in DuckDB.

No broker: the same `pipeline.step` code the Faust agents call, with state in memory. Input is
a file, a directory of *.jsonl files (name order) or stdin ("-").
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import TypeVar

from analytics.delivery.outbox import Outbox
from analytics.sink import DuckDBSink
from pipeline.config import Settings
from pipeline.step import Pipeline

log = logging.getLogger(__name__)
T = TypeVar("T")
CHUNK = 256  # lines a batch: the scorer's fixed costs paid once per chunk, memory bounded
CUSTOMERS_KEPT = 20_000  # customer states in memory; the rest wait in pipeline_state
SAVED = "SELECT kind, key, state FROM pipeline_state"


@dataclass
class RunSummary:
    lines: int = 0
    processed: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    facts: int = 0
    last_event_at: datetime | None = None


def input_lines(source: str) -> Iterator[tuple[str, int, str]]:
    """(source name, line number, line) for every non-blank line of the input."""
    if source == "-":
        for number, line in enumerate(sys.stdin, start=1):
            if line.strip():
                yield "stdin", number, line
        return
    path = Path(source)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files:
        raise FileNotFoundError(f"no *.jsonl files in {path}")
    for file in files:
        # Bytes that are not UTF-8 stay in the line as lone surrogates: the contract rejects
        # them (field-level, as the broker path rejects those bytes), never read as U+FFFD.
        with file.open(encoding="utf-8", errors="surrogateescape") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield file.name, number, line


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of up to `size` items (the last may be shorter)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class SavedCustomers:
    """The customer states saved in the sink's file, read a chunk's keys at a time; not asked
    at all while none can be there (a fresh file, before the first eviction)."""

    def __init__(self, sink: DuckDBSink) -> None:
        self.sink = sink
        self.any = (
            sink.con.execute(f"{SAVED} WHERE kind = 'customer' LIMIT 1").fetchone() is not None
        )

    def __call__(self, keys: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
        if not self.any:
            return []
        return self.sink.con.execute(
            f"{SAVED} WHERE kind = 'customer' AND key IN (SELECT unnest(?::VARCHAR[]))",
            [[key for _, key in keys]],
        ).fetchall()


def each_saved_customer(sink: DuckDBSink, batch: int = 1_000) -> Iterator[tuple[str, str, str]]:
    """Every saved customer state, a batch at a time (nothing else may use the connection
    until the iterator is done)."""
    result = sink.con.execute(f"{SAVED} WHERE kind = 'customer'")
    while rows := result.fetchmany(batch):
        yield from rows


def count_lines(source: str) -> int | None:
    if source == "-":
        return None
    path = Path(source)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    return sum(
        1
        for f in files
        for line in f.open(encoding="utf-8", errors="surrogateescape")
        if line.strip()
    )


def run_embedded(
    source: str,
    sink: DuckDBSink,
    settings: Settings,
    on_line: Callable[[], None] | None = None,
    watchdog_at: datetime | None = None,
    outbox: Outbox | None = None,
    chunk_size: int | None = None,
    customers_kept: int | None = CUSTOMERS_KEPT,
) -> RunSummary:
    """Replay every line through the pipeline; land facts; then run the deadline watchdog.

    Lines are read and processed `chunk_size` at a time (CHUNK from files; 1 from stdin, which
    may be a live feed that must not wait for a chunk to fill), in order: a chunk's texts are
    scored in one batch (`Pipeline.process_raw_many`), so memory holds one chunk of input, the
    sink's bounded buffer and the state of at most `customers_kept` customers (None: all),
    however long the input. Beyond that bound the least recently seen customers are saved to
    the file's `pipeline_state` (with every other changed state, one consistent point of the
    run) and read back when their next event comes.

    The run continues from the state an earlier run saved in the same DuckDB file (so a file of
    new events adds to the customers' and businesses' history, and an event seen before counts
    once), and saves its own state after its facts have landed: a crash in between leaves the
    saved state behind the facts, and the next run replays those events to the same facts.

    The watchdog's clock is `watchdog_at`, or the newest event time seen (a replay of the past
    judges deadlines as of its own end, not of today). Alerts are stored in the `outbox`, when
    given, right after their facts are buffered for DuckDB; the outbox ignores known alert ids,
    so a replay sends nothing twice.
    """
    saved = None
    if customers_kept is None:
        pipeline = Pipeline(settings)
        pipeline.restore(sink.saved_states())
    else:
        saved = SavedCustomers(sink)
        pipeline = Pipeline(settings, customers_kept, saved)
        pipeline.restore(sink.con.execute(f"{SAVED} WHERE kind = 'business'").fetchall())
    summary = RunSummary()
    size = chunk_size or (1 if source == "-" else CHUNK)
    for chunk in chunks(input_lines(source), size):
        lines = [(line, name, str(number)) for name, number, line in chunk]
        done = pipeline.process_raw_many(lines)
        for (name, number, _), (facts, dead, duplicate) in zip(chunk, done, strict=True):
            summary.lines += 1
            if dead:
                summary.dead_lettered += 1
                log.warning("dead letter: %s line %s: %s", name, number, facts[0].row["reason"])
            elif not facts and duplicate:
                summary.duplicates += 1
            else:
                summary.processed += 1
            summary.facts += len(facts)
            sink.add(facts)
            if outbox is not None:
                outbox.enqueue_facts(facts)
            if on_line:
                on_line()
        if evicted := pipeline.evicted_facts():
            sink.add(evicted)
            sink.flush()
            saved.any = True
    summary.last_event_at = pipeline.newest_event_at
    clock = watchdog_at or summary.last_event_at
    if clock is not None:
        older = () if saved is None or not saved.any else each_saved_customer(sink)
        watchdog_facts = pipeline.check_deadlines(clock, older)
        summary.facts += len(watchdog_facts)
        sink.add(watchdog_facts)
        sink.add(pipeline.evicted_facts())
        if outbox is not None:
            outbox.enqueue_facts(watchdog_facts)
    sink.flush()
    sink.add(pipeline.state_facts())
    sink.flush()
    return summary
