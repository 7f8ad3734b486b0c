"""The replay-order merge (`streams.agents.ReplayOrder`): events of co-partitioned topics are
handed to the customer step in producer order, and an event waits only while a partition of
this worker can still deliver an earlier one.

No broker: the worker's view of its partitions (assigned partitions, high watermarks, committed
offsets) is a fake `app`, and what the merge releases is recorded instead of processed. What a
real broker does with it is in test_crash.py and test_parity.py."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from faust.types import TP

from streams import agents

GENERATION = 1


def event(name: str, topic: str, offset: int, ms: int, seq: int | None = None) -> Any:
    headers = [("repute-seq", str(seq).encode())] if seq is not None else []
    message = SimpleNamespace(
        tp=TP(topic, 0),
        topic=topic,
        partition=0,
        offset=offset,
        timestamp=ms / 1000,
        headers=headers,
        generation_id=GENERATION,
    )
    return SimpleNamespace(message=message, name=name)


def fake_app(highwater: dict[str, int]) -> Any:
    """A worker assigned partition 0 of each topic in `highwater`, holding that many records."""
    tps = {TP(topic, 0): end for topic, end in highwater.items()}
    consumer = SimpleNamespace(highwater=lambda tp: tps[tp], _committed_offset={})
    return SimpleNamespace(
        consumer=consumer,
        consumer_generation_id=GENERATION,
        assignor=SimpleNamespace(assigned_actives=lambda: set(tps)),
    )


def merge(
    monkeypatch: pytest.MonkeyPatch,
    highwater: dict[str, int],
    arrivals: list[Any],
    wait: float = 60.0,
) -> tuple[list[str], list[str]]:
    """Buffer `arrivals` (in arrival order), release once: (released, still waiting)."""
    monkeypatch.setattr(agents, "app", fake_app(highwater))
    monkeypatch.setattr(agents, "MERGE_IDLE", 0.0)
    monkeypatch.setattr(agents, "MERGE_WAIT", wait)
    released: list[str] = []

    async def record(events: list[Any]) -> None:
        released.extend(e.name for e in events)

    order = agents.ReplayOrder(stream=None, topics=("reviews", "complaints"), process=record)
    order._process = record  # type: ignore[method-assign]
    for item in arrivals:
        order.add(item)
    asyncio.run(order.release())
    waiting = [entry[3].name for entry in sorted(order.heap, key=lambda entry: entry[:2])]
    return released, waiting


R0 = event("r0", "reviews", 0, 10_000)
R1 = event("r1", "reviews", 1, 30_000)
C0 = event("c0", "complaints", 0, 20_000)
C1 = event("c1", "complaints", 1, 40_000)

# (name, records on the broker per topic, arrival order, MERGE_WAIT, released, still waiting)
CASES = [
    (
        "all fetched: producer time across topics, whatever arrived first",
        {"reviews": 2, "complaints": 2},
        [C0, C1, R0, R1],
        60.0,
        ["r0", "c0", "r1", "c1"],
        [],
    ),
    (
        "a partition with more on the broker holds back what is later than its last event",
        {"reviews": 5, "complaints": 2},
        [C0, C1, R0],
        60.0,
        ["r0"],
        ["c0", "c1"],
    ),
    (
        "a drained partition blocks nothing",
        {"reviews": 5, "complaints": 1},
        [C0, R0, R1],
        60.0,
        ["r0", "c0", "r1"],
        [],
    ),
    (
        "a partition emptied by the release, with more on the broker, blocks too",
        {"reviews": 5, "complaints": 2},
        [C0, R0, R1],
        60.0,
        ["r0", "c0"],
        ["r1"],
    ),
    (
        "a stalled partition is waited for MERGE_WAIT, then the rest goes, in order",
        {"reviews": 5, "complaints": 2},
        [C1, R0, C0],
        0.0,
        ["r0", "c0", "c1"],
        [],
    ),
    (
        "the same millisecond: the producer's repute-seq header decides",
        {"reviews": 1, "complaints": 1},
        [event("r", "reviews", 0, 10_000, seq=7), event("c", "complaints", 0, 10_000, seq=3)],
        60.0,
        ["c", "r"],
        [],
    ),
    (
        "the same millisecond and no header: topic, then offset",
        {"reviews": 1, "complaints": 1},
        [event("r", "reviews", 0, 10_000), event("c", "complaints", 0, 10_000)],
        60.0,
        ["c", "r"],
        [],
    ),
]


@pytest.mark.parametrize(
    ("highwater", "arrivals", "wait", "released", "waiting"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_replay_order(
    monkeypatch: pytest.MonkeyPatch,
    highwater: dict[str, int],
    arrivals: list[Any],
    wait: float,
    released: list[str],
    waiting: list[str],
) -> None:
    assert merge(monkeypatch, highwater, arrivals, wait) == (released, waiting)


@pytest.mark.parametrize(
    ("timestamp", "headers", "key"),
    [
        (1.0, [("repute-seq", b"4")], (1000, 4, "reviews", 0, 7)),
        (1.0, {"repute-seq": b"4"}, (1000, 4, "reviews", 0, 7)),  # headers as a mapping
        (1.0004, [], (1000, 0, "reviews", 0, 7)),  # to the millisecond
        (1.0006, None, (1001, 0, "reviews", 0, 7)),
        (None, [("other", b"x")], (0, 0, "reviews", 0, 7)),  # no time: first
    ],
)
def test_order_key(timestamp: float | None, headers: Any, key: tuple) -> None:
    msg = SimpleNamespace(
        timestamp=timestamp, headers=headers, topic="reviews", partition=0, offset=7
    )
    assert agents._order_key(msg) == key
