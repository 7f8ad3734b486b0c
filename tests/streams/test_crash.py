"""kill -9 a worker in the middle of a stream, start it again: the totals are exact."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.streams.conftest import ROOT, diff, embedded_db, newest_event_time, totals, wait_for

pytestmark = pytest.mark.broker


def test_kill_9_mid_stream_and_restart_loses_and_doubles_nothing(broker, tmp_path):
    # A longer input than the sample, so the kill lands mid-stream on any machine.
    events = tmp_path / "events.jsonl"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "sample/generate.py"),
            "--filler",
            "1200",
            "--out",
            str(events),
        ],
        check=True,
        capture_output=True,
    )
    total = sum(1 for line in events.open() if line.strip())
    clock = newest_event_time(events)
    expected = totals(embedded_db(events, tmp_path / "embedded.duckdb", clock))

    worker = broker.worker("w1", REPUTE_WATCHDOG_NOW=clock.isoformat())
    broker.produce_file(events)
    wait_for(
        lambda: worker.metric("repute_events_total", outcome="processed") >= 300,
        120,
        "the worker to be mid-stream",
        interval=0.05,
    )
    worker.kill9()
    worker.start()  # same name: same group member role, fresh process, tables from changelogs
    broker.wait_processed(worker)
    got = totals(broker.land(tmp_path / "broker.duckdb"))
    assert got == expected, diff(expected, got) + "\n" + worker.tail(30)
    # It really was mid-stream: the restarted worker processed part of the input itself.
    after_restart = sum(
        worker.metric("repute_events_total", topic=topic, outcome="processed")
        for topic in ("reviews", "complaints", "concessions", "corrections")
    )
    assert 0 < after_restart < total
