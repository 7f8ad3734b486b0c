"""A stalled worker (issue 24): SIGSTOP one of two workers past the session timeout while it is
in the middle of the stream, let the group give everything to the other, then SIGCONT it.

Asserted: both workers live through the rebalance that the continued worker starts (before the
fix in `ReplayOrder._process` both crashed, every time: `forget` dropped the open batch under a
running release), and they catch up. Not asserted, because it does not hold yet: exact totals.
The stale worker's writes are not fenced (no generation on outputs or table writes, README
"Limits", issue #24); measured with this scenario, 3 runs of 4 landed the embedded totals and 1
lost 15 of 63 ledger entries.
"""

from __future__ import annotations

import signal
import time

import pytest

from tests.streams.conftest import (
    PARTITIONS,
    WORKER_TOPICS,
    generated_events,
    newest_event_time,
    wait_for,
)

pytestmark = pytest.mark.broker


def test_a_worker_stopped_past_its_session_and_continued_survives_and_catches_up(broker, tmp_path):
    events = generated_events(tmp_path)
    clock = newest_event_time(events)
    first = broker.worker("w1", REPUTE_WATCHDOG_NOW=clock.isoformat())
    second = broker.worker("w2", REPUTE_WATCHDOG_NOW=clock.isoformat())
    broker.wait_shared(first, second)
    broker.produce_file(events)
    wait_for(
        lambda: first.metric("repute_events_total", outcome="processed") >= 150,
        120,
        "the first worker to be mid-stream",
        interval=0.02,
    )
    assert first.process is not None and second.process is not None
    first.process.send_signal(signal.SIGSTOP)
    try:
        # The session (4 s) runs out; the group gives every partition to the second worker.
        wait_for(
            lambda: len(second.partitions()) == len(WORKER_TOPICS) * PARTITIONS,
            120,
            "the second worker to own every partition",
            interval=0.5,
        )
        time.sleep(2)  # the second worker processes on its own for a while
    finally:
        first.process.send_signal(signal.SIGCONT)
    broker.wait_shared(first, second, timeout=120)  # the continued worker is back in the group
    broker.wait_processed(second, timeout=240)
    assert first.process.poll() is None, first.tail(40)
    assert second.process.poll() is None, second.tail(40)
