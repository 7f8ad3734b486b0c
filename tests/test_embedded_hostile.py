"""Generated hostile input (tests/hostile.py) as a JSONL file through the embedded runner into
a real DuckDB file: every line is accounted for exactly once (processed, duplicate or
dead-lettered with a reason), the run never stops, money lands as exact Decimal, and a dead
letter holds a bounded excerpt of a huge line."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings

from analytics.sink import DuckDBSink
from cli import load_settings
from pipeline.events import MAX_REASON_CHARS
from streams.embedded import run_embedded
from tests.hostile import Case, streams

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = load_settings(str(ROOT / "sample" / "businesses.toml"))
PAYLOAD_CHARS = 10_000  # pipeline.step.dead_letter_fact keeps this much of a bad line


def expected(cases: list[Case]) -> tuple[dict[int, str], dict[str, dict]]:
    """From how the lines were built: {line number: "processed" | "duplicate" | "dead"} and
    the processed events by id."""
    fate: dict[int, str] = {}
    processed: dict[str, dict] = {}
    for number, case in enumerate(cases, start=1):
        if case.outcome != "event":
            fate[number] = "dead"
        elif case.event_id in processed:
            fate[number] = "duplicate"
        else:
            assert case.event is not None
            fate[number] = "processed"
            processed[case.event_id] = case.event
    return fate, processed


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(streams(max_size=20))
def test_every_line_is_accounted_for_exactly_once(tmp_path_factory, cases: list[Case]) -> None:
    folder = tmp_path_factory.mktemp("hostile")
    source = folder / "events.jsonl"
    # one line each: a line break inside a case would make two lines (JSON escapes them)
    assert all(b"\n" not in c.line for c in cases)
    source.write_bytes(b"".join(c.line + b"\n" for c in cases))
    fate, processed = expected(cases)
    db = folder / "x.duckdb"
    sink = DuckDBSink(db)
    summary = run_embedded(str(source), sink, SETTINGS)
    sink.close()

    assert summary.lines == len(cases)
    assert summary.dead_lettered == sum(1 for f in fate.values() if f == "dead")
    assert summary.duplicates == sum(1 for f in fate.values() if f == "duplicate")
    assert summary.processed == len(processed)

    with duckdb.connect(str(db), read_only=True) as con:
        dead = con.execute("SELECT position, reason, payload FROM dead_letters").fetchall()
        reviews = {r for (r,) in con.execute("SELECT event_id FROM reviews_scored").fetchall()}
        ledger = dict(con.execute("SELECT event_id, amount FROM ledger_entries").fetchall())
    assert sorted(int(p) for p, _, _ in dead) == [n for n, f in fate.items() if f == "dead"]
    for position, reason, payload in dead:
        case = cases[int(position) - 1]
        assert reason and len(reason) <= MAX_REASON_CHARS
        assert case.field is None or case.field in reason or case.outcome == "ledger", reason
        if case.outcome == "ledger":
            assert "over the limit" in reason
        assert len(payload) <= PAYLOAD_CHARS
        # an excerpt of the line as read, bytes that are not UTF-8 shown as "?"
        as_read = (case.line + b"\n").decode("utf-8", "surrogateescape")
        assert payload == as_read.encode("utf-8", "replace").decode("utf-8")[:PAYLOAD_CHARS]

    assert reviews == {i for i, e in processed.items() if e["type"] == "review"}
    granted = {i: e for i, e in processed.items() if e["type"] == "concession.granted"}
    assert set(ledger) == set(granted)
    for event_id, amount in ledger.items():
        assert isinstance(amount, Decimal)
        sent = Decimal(str(granted[event_id]["amount"]))
        assert amount == sent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
