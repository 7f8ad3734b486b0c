"""The embedded driver: replay JSONL events through pipeline/ in-process, land them in DuckDB.

No broker: the same `pipeline.step` code the Faust agents call, with state in memory. Input is
a file, a directory of *.jsonl files (name order) or stdin ("-").
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from analytics.outbox import Outbox
from analytics.sink import DuckDBSink
from pipeline.config import Settings
from pipeline.step import Pipeline

log = logging.getLogger(__name__)


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
        with file.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield file.name, number, line


def count_lines(source: str) -> int | None:
    if source == "-":
        return None
    path = Path(source)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    return sum(
        1 for f in files for line in f.open(encoding="utf-8", errors="replace") if line.strip()
    )


def run_embedded(
    source: str,
    sink: DuckDBSink,
    settings: Settings,
    on_line: Callable[[], None] | None = None,
    watchdog_at: datetime | None = None,
    outbox: Outbox | None = None,
) -> RunSummary:
    """Replay every line through the pipeline; land facts; then run the deadline watchdog.

    The run continues from the state an earlier run saved in the same DuckDB file (so a file of
    new events adds to the customers' and businesses' history, and an event seen before counts
    once), and saves its own state after its facts have landed: a crash in between leaves the
    saved state behind the facts, and the next run replays those events to the same facts.

    The watchdog's clock is `watchdog_at`, or the newest event time seen (a replay of the past
    judges deadlines as of its own end, not of today). Alerts are stored in the `outbox`, when
    given, right after their facts are buffered for DuckDB; the outbox ignores known alert ids,
    so a replay sends nothing twice.
    """
    pipeline = Pipeline(settings)
    pipeline.restore(sink.saved_states())
    summary = RunSummary()
    for name, number, line in input_lines(source):
        summary.lines += 1
        facts, dead = pipeline.process_raw(line, name, str(number))
        if dead:
            summary.dead_lettered += 1
            log.warning("dead letter: %s line %s: %s", name, number, facts[0].row["reason"])
        elif not facts and pipeline.last_was_duplicate:
            summary.duplicates += 1
        else:
            summary.processed += 1
        summary.facts += len(facts)
        sink.add(facts)
        if outbox is not None:
            outbox.enqueue_facts(facts)
        if on_line:
            on_line()
    summary.last_event_at = pipeline.newest_event_at
    clock = watchdog_at or summary.last_event_at
    if clock is not None:
        watchdog_facts = pipeline.check_deadlines(clock)
        summary.facts += len(watchdog_facts)
        sink.add(watchdog_facts)
        if outbox is not None:
            outbox.enqueue_facts(watchdog_facts)
    sink.flush()
    sink.add(pipeline.state_facts())
    sink.flush()
    return summary
