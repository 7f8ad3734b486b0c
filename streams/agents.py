"""Agents: decode, call `pipeline.step`, update a table, send on. No business rules here.

Who owns which key:

    score_customer_events    consumes reviews, complaints, concessions, corrections
                             key = customer key; owns `customer_to_state` (risk, complaints,
                             concession history, policy limits per customer)
        |  forwards every new event + its sentiment label to `business-events`, keyed by
        |  business_id: THE REPARTITION (customer key -> business key)
        v
    account_business_events  consumes business-events
                             key = business_id; owns `business_to_state` (budget ledger, spike
                             windows, business alert dedupe)
    watch_deadlines          timer over the customer table's local partitions

Delivery is at-least-once, so results are made exact here:
- both steps skip an `event_id` they have seen (the id set lives in the table's state);
- events are processed in batches (`Batch`, up to REPUTE_BATCH_SIZE events or
  REPUTE_COMMIT_LINGER seconds): an agent waits until the broker acknowledged the batch's
  outputs (facts, forwards) *before* it writes the new states to the table (closing each
  changelog partition with a tombstone, see `streams.tables.write_states`), and acks the input
  messages after that. A crash before the write leaves the old
  state and uncommitted offsets: the events are redone and re-send the same rows (the sink
  upserts them by key). A crash after the write means the outputs are already in Kafka: the
  redelivered events are duplicates.
- both agents hold their messages in a `ReplayOrder` (manual acks) that releases them in
  producer order across topics; at a rebalance it drops what it holds, and Faust redelivers
  from the committed offsets.
- batch-first: the customer agent parses a released run of events, scores their texts with one
  `analyze_many` call (`score_ahead`) and encodes the handlers' sentences in one batch
  (`prepare_texts`), then steps them one by one in order (`_prepare_customer`). Not Faust's
  `stream.take(n, within)`: take() acks its whole buffer in a `finally` as soon as the loop body
  returns (also when it raised), so offsets would run ahead of a batch whose outputs the broker
  has not acknowledged, and a table written inside it goes to the changelog partition of the
  buffer's *last* event (Faust's current_event); the merge heap would also see no more than one
  take() buffer. `ReplayOrder` is our take(): up to REPUTE_BATCH_SIZE events or
  REPUTE_COMMIT_LINGER seconds, acked after the outputs and the table writes.
- each event's facts go out as one `facts` message keyed by the agent's key (customer key or
  business_id), carrying all its rows (`codec.encode_facts`; the sink lands them as before).
- messages that never reached the agent after a restart (a Faust race) are noticed by their
  offsets and fetched again (`streams.stall`);
- a message that cannot be read goes to `dead-letters` with topic, partition, offset and reason;
  an agent never dies on one message (Faust acks even when an agent raises, so we catch inside).
Log lines name event_id, topic, partition and offset; customer texts never appear at info level.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import os
import time
from collections.abc import Awaitable, Iterable
from datetime import UTC, datetime
from typing import Any

from faust.transport.consumer import Consumer as FaustConsumer
from faust.types import TP, EventT
from kafka.partitioner.default import murmur2

from pipeline.closure import prepare_texts
from pipeline.events import STREAM_OF_TYPE, EventBase, InvalidEvent, customer_key, parse_event
from pipeline.sentiment import SentimentResult
from pipeline.step import (
    Fact,
    Forward,
    business_step,
    customer_step,
    deadline_check,
    handler_texts,
    score_ahead,
)
from streams import codec, metrics
from streams.app import PARTITIONS, WATCHDOG_INTERVAL, WATCHDOG_NOW, app, settings
from streams.stall import OffsetGuard
from streams.tables import (
    business_state,
    business_to_state,
    customer_state,
    customer_states,
    customer_to_state,
    write_states,
)
from streams.topics import (
    BUSINESS_EVENTS,
    INPUT_TOPICS,
    alerts_topic,
    business_events_topic,
    customer_events_topic,
    dead_letters_topic,
    facts_topic,
    input_topics,
    risk_feed_topic,
)

log = logging.getLogger("repute.streams")

_faust_add_gap = FaustConsumer._add_gap


async def _no_gap_acks_on_our_topics(self: Any, tp: TP, offset_from: int, offset_to: int) -> None:
    """Faust counts offsets its read position jumped over as acknowledged ("gaps", meant for
    compacted topics), so it can commit past messages it dropped in its recovery race
    (streams/stall.py). Our input topics have no holes: on them a jump stays unacknowledged, the
    commit waits, and the offset guard fetches the messages again."""
    if tp.topic in INPUT_TOPICS or tp.topic == BUSINESS_EVENTS:
        return
    await _faust_add_gap(self, tp, offset_from, offset_to)


FaustConsumer._add_gap = _no_gap_acks_on_our_topics

SETTINGS = settings()
MERGE_WAIT = float(os.environ.get("REPUTE_MERGE_WAIT", "5.0"))
# seconds an event waits before release while some input partition has nothing buffered: the
# broker may show one partition's new records a moment before another's of the same produce
MERGE_IDLE = float(os.environ.get("REPUTE_MERGE_IDLE", "0.25"))
BATCH_SIZE = int(os.environ.get("REPUTE_BATCH_SIZE", "200"))  # events per acknowledgement wait
COMMIT_LINGER = float(os.environ.get("REPUTE_COMMIT_LINGER", "0.05"))  # max age of open batch
# events whose texts are scored in one call: big enough for the scorer's batch, small enough
# not to hold the event loop past a heartbeat (session timeout 4 s) on a busy machine
SCORE_SLICE = int(os.environ.get("REPUTE_SCORE_SLICE", "64"))
STALL_PATIENCE = float(os.environ.get("REPUTE_STALL_PATIENCE", "15"))  # seconds
_last_event_at = 0.0  # monotonic time the last input message was handled (watchdog idle check)
_positions: dict[TP, int] = {}  # last offset handled per partition (consumer lag)


def warm_up(lines: int = 600) -> None:
    """Load lexicons, lemmatizer dictionaries and the language detector before the event loop
    runs. Loaded lazily on the first messages they block the loop for seconds (measured: 6.6 s
    of simplemma dictionaries, 1.4 s of lingua), long enough to miss heartbeats and be thrown out
    of the group (session timeout 4 s). Replays part of the bundled sample into a throwaway
    in-process pipeline; falls back to a few texts when the sample is not there."""
    from pathlib import Path

    from pipeline.sentiment import analyze
    from pipeline.step import Pipeline

    sample = Path(__file__).resolve().parents[1] / "sample" / "events.jsonl"
    if sample.exists():
        pipeline = Pipeline(SETTINGS)
        with sample.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                if number >= lines:
                    break
                pipeline.process_raw(line, "warm-up", str(number))
        return
    for text in (
        "Great service, thank you.",
        "Bardzo dobra obsługa, polecam.",
        "Спасибо, всё отлично.",
        "Дякую, все чудово.",
    ):
        analyze(text, None)


def partition_for(key: str, partitions: int = PARTITIONS) -> int:
    """Kafka's default partitioner (murmur2, as kafka-python, aiokafka and Java clients use)."""
    return (murmur2(key.encode()) & 0x7FFFFFFF) % partitions


class Batch:
    """The outputs of a run of events, acknowledged together, then their new states written.

    Sending without waiting and awaiting all acknowledgements once per batch costs one broker
    round trip per batch instead of one per event. The rule stays: a table is written only
    after the broker has the outputs that the new state accounts for.
    """

    def __init__(self, table: Any, read: Any) -> None:
        self.table = table
        self.read = read
        self.pending: list[Awaitable[Any]] = []
        self.states: dict[str, tuple[int, Any]] = {}
        self.started: list[tuple[str, float]] = []

    def state(self, key: str) -> Any:
        """A working copy of `key`'s state: the batch's own newer version, or the table's."""
        if key in self.states:
            return self.states[key][1]
        current = self.read(key)
        return current.model_copy(deep=True) if current is not None else None

    def stage(self, key: str, partition: int, state: Any) -> None:
        self.states[key] = (partition, state)

    async def commit(self, agent: str) -> None:
        await _acked(self.pending)
        # Outside the stream's own iteration (batches, timer): write the store and the
        # changelog of the key's partition directly.
        await write_states(self.table, self.states)
        now = time.perf_counter()
        for _, started in self.started:
            metrics.processing_seconds.labels(agent).observe(now - started)


# ---------------------------------------------------------------- agent 1: customer key


class ReplayOrder:
    """Hands events to the customer step in the order they were produced, across topics.

    Kafka orders messages only within one partition of one topic. A customer's review, complaint
    and concession arrive on three topics (same partition number, co-partitioned), and a consumer
    that reads full topics - a replay, a restart, a worker catching up - gets them in fetch
    chunks: the complaint's close before the review it answers. So events wait in a small heap
    ordered by (producer timestamp, `repute-seq` header, topic, offset) and the smallest one is
    released when no input partition of this worker can still deliver an earlier one: each
    partition either has an event buffered, or has nothing more on the broker (its high
    watermark is reached), or its last event is not earlier (a partition's events come in
    producer order) - the rule Kafka Streams uses to merge co-partitioned topics by timestamp.
    An event blocked longer than
    REPUTE_MERGE_WAIT seconds (default 5) is released anyway: a stalled partition cannot stop
    the rest. While some partition has nothing buffered, an event also waits REPUTE_MERGE_IDLE
    seconds (default 0.25) before release: a broker shows the records of one produce request on
    one partition a moment before another's, so a partition that looks drained may still show an
    earlier event (measured: a customer's review released after the complaint that answered it,
    one two-worker run in five).
    Events are acked only after they are processed, so a crash re-reads what was buffered.
    """

    def __init__(
        self,
        stream: Any,
        topics: tuple[str, ...] = INPUT_TOPICS,
        process: Any = None,
        prepare: Any = None,
        table: Any = None,
        read: Any = None,
        agent: str = "score_customer_events",
    ) -> None:
        self.stream = stream
        self.topics = topics
        self.process_one = process or _score
        # the batch pass before the steps: `prepare(events)` -> one value per event handed to
        # `process_one` (the customer agent: parsed events and their texts scored in one call)
        self.prepare = prepare if process is not None else (prepare or _prepare_customer)
        self.table = table if table is not None else customer_to_state
        self.read = read or customer_state
        self.agent = agent
        self.heap: list[tuple[tuple[Any, ...], int, float, EventT]] = []
        self.buffered: dict[TP, int] = {}
        self.arrivals = 0
        self.received: dict[TP, int] = {}
        self.last_key: dict[TP, tuple[Any, ...]] = {}  # order key of the newest event per tp
        self.lock = asyncio.Lock()
        self.blocked_since: float | None = None
        self.forced = False
        self.generation = 0  # +1 at every rebalance: events of an older one are not acked
        self.offsets = OffsetGuard(patience=STALL_PATIENCE)
        self.open: Batch | None = None  # processed, outputs sent, not yet committed
        self.open_events: list[EventT] = []
        self.open_generation = 0
        self.open_since = 0.0

    async def take(self, event: EventT) -> None:
        """One message from the agent's stream: buffer it, release a full batch."""
        msg = event.message
        if msg.generation_id != app.consumer_generation_id:
            return  # fetched before the last rebalance: Faust delivers it again (as it skips it)
        committed = app.consumer._committed_offset.get(msg.tp)
        verdict, target = self.offsets.judge(msg.tp, msg.offset, committed, time.monotonic())
        if verdict == "rewind":
            log.warning(
                "lost messages: topic=%s partition=%s offset %s came where %s was due;"
                " holding the partition to redeliver from %s",
                msg.topic,
                msg.partition,
                msg.offset,
                target,
                target,
            )
            metrics.rewinds.labels(msg.topic, str(msg.partition)).inc()
        elif verdict == "gap":
            log.warning(
                "offsets missing on the broker: topic=%s partition=%s offsets %s..%s are not"
                " there after a seek back (a broker killed mid-write leaves such holes):"
                " counting them done",
                msg.topic,
                msg.partition,
                target,
                msg.offset - 1,
            )
            assert target is not None
            await _faust_add_gap(app.consumer, msg.tp, target, msg.offset - 1)
            verdict = "accept"
        if verdict != "accept":
            return  # unacked: delivered again after the seek back (unstick_commits)
        self.add(event)
        if len(self.heap) >= BATCH_SIZE:
            await self.release()  # else the timer releases within 50 ms, in bigger runs

    def add(self, event: EventT) -> None:
        msg = event.message
        self.buffered[msg.tp] = self.buffered.get(msg.tp, 0) + 1
        self.received[msg.tp] = max(self.received.get(msg.tp, -1), msg.offset)
        self.arrivals += 1
        key = _order_key(msg)
        self.last_key[msg.tp] = max(self.last_key.get(msg.tp, key), key)
        heapq.heappush(self.heap, (key, self.arrivals, time.monotonic(), event))

    def _drained(self, tp: TP) -> bool:
        """Nothing of `tp` is buffered here and nothing more is on the broker right now."""
        try:
            highwater = app.consumer.highwater(tp)
        except Exception:
            return False
        if highwater is None:
            return False
        committed = app.consumer._committed_offset.get(tp) or 0
        return max(self.received.get(tp, -1) + 1, committed) >= highwater

    def _may_deliver_more(self, tp: TP) -> bool:
        """Nothing of `tp` is buffered here, and the broker holds more of it."""
        return not self.buffered.get(tp) and not self._drained(tp)

    def _blocks_after(self, tp: TP, bound: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
        """`bound` lowered to what `tp` may still deliver: events up to the returned key can go
        (None: no limit; (): nothing can go, as () sorts before every key)."""
        if not self._may_deliver_more(tp):
            return bound
        last = self.last_key.get(tp, ())
        return last if bound is None or last < bound else bound

    def _release_bound(self) -> tuple[Any, ...] | None:
        bound = None
        for tp in app.assignor.assigned_actives():
            if tp.topic in self.topics:
                bound = self._blocks_after(tp, bound)
        return bound

    def _waiting_for(self) -> list[str]:
        return [
            f"{tp.topic}:{tp.partition}"
            for tp in app.assignor.assigned_actives()
            if tp.topic in self.topics and self._may_deliver_more(tp)
        ]

    async def release(self) -> None:
        async with self.lock:
            await self._release()

    def _all_buffered(self) -> bool:
        """Every input partition of this worker has an event waiting: the order is certain."""
        return all(
            self.buffered.get(tp)
            for tp in app.assignor.assigned_actives()
            if tp.topic in self.topics
        )

    async def _release(self) -> None:
        batch_events: list[EventT] = []
        generation = self.generation  # a rebalance (forget) ends this release
        bound = self._release_bound()
        settled = time.monotonic() - MERGE_IDLE
        certain = self._all_buffered()
        while self.heap:
            if not certain and self.heap[0][2] > settled:
                break  # too fresh: a partition that looks drained may still show an earlier one
            if bound is None or self.heap[0][0] <= bound:
                self.blocked_since = None
                self.forced = False
            else:
                now = time.monotonic()
                self.blocked_since = self.blocked_since or now
                if now - self.blocked_since < MERGE_WAIT:
                    break
                # Waited long enough: release what is here, in order, until unblocked.
                if not self.forced:
                    self.forced = True
                    log.warning(
                        "replay order: waited %.1f s for partitions %s; releasing %d events",
                        MERGE_WAIT,
                        self._waiting_for(),
                        len(self.heap),
                    )
            _, _, _, event = heapq.heappop(self.heap)
            msg = event.message
            self.buffered[msg.tp] -= 1
            certain = certain and self.buffered[msg.tp] > 0  # an emptied partition may deliver
            batch_events.append(event)
            # Only the partition just taken from can have become a blocker.
            bound = self._blocks_after(msg.tp, bound)
            if len(batch_events) >= BATCH_SIZE:
                await self._process(batch_events)
                batch_events = []
                if self.generation != generation:
                    return
        if batch_events and self.generation == generation:
            await self._process(batch_events)
        if not self.heap and self.open is not None:
            await self._commit_open()  # caught up: nothing to wait for

    async def _process(self, events: list[EventT]) -> None:
        """Process released events into the open batch; commit it when it is full. A release
        is often a handful of events (the merge waits for the slowest partition), and each
        commit waits a broker round trip, so a batch stays open across releases."""
        if self.open is None:
            self.open = Batch(self.table, self.read)
            self.open_generation = self.generation
            self.open_since = time.monotonic()
        batch, generation = self.open, self.generation
        ahead: list[Any] = []
        for number, event in enumerate(events):
            if number % SCORE_SLICE == 0 and self.prepare is not None:
                # Score the next slice in one call; between slices the loop runs (heartbeats).
                await asyncio.sleep(0)
                ahead = self.prepare(events[number : number + SCORE_SLICE])
            prepared = ahead[number % SCORE_SLICE] if self.prepare is not None else None
            if self.generation != generation:
                # A rebalance began while an event was processed (`forget` dropped the batch;
                # Faust delivers its events again). Seen: with a worker SIGSTOPped past its
                # session timeout and then continued, both workers crashed on `self.open` None.
                return
            if prepared is None:
                await self.process_one(event, batch)
            else:
                await self.process_one(event, batch, prepared)
        if self.generation != generation:
            return
        self.open_events.extend(events)
        if len(self.open_events) >= BATCH_SIZE:
            await self._commit_open()

    async def _commit_open(self) -> None:
        batch, events, generation = self.open, self.open_events, self.open_generation
        self.open, self.open_events = None, []
        if batch is None:
            return
        await batch.commit(self.agent)
        if generation == self.generation:  # not after a rebalance: Faust redelivers those
            current = app.consumer_generation_id
            for event in events:
                if event.message.generation_id == current:
                    await self.stream.ack(event)

    async def flush(self, linger: float = 0.0) -> None:
        """Commit the open batch if it is older than `linger` seconds."""
        async with self.lock:
            if self.open is not None and time.monotonic() - self.open_since >= linger:
                await self._commit_open()

    def forget(self) -> None:
        """A rebalance began: drop what is buffered, unacked. After the new assignment Faust
        seeks every partition to its committed offset and delivers those messages again (to us
        or to the partition's new owner); processing them twice is harmless (dedupe by
        event_id, upserts by key)."""
        self.generation += 1
        self.open, self.open_events = None, []
        self.heap.clear()
        self.buffered.clear()
        self.received.clear()
        self.last_key.clear()
        self.blocked_since = None
        self.forced = False
        self.offsets.forget()


_replay_order: ReplayOrder | None = None
_business_order: ReplayOrder | None = None


def _order_key(msg: Any) -> tuple[Any, ...]:
    seq = 0
    headers = msg.headers or ()
    for name, value in headers.items() if isinstance(headers, dict) else headers:
        if name == "repute-seq":
            seq = int(value)
    return (round((msg.timestamp or 0) * 1000), seq, msg.topic, msg.partition, msg.offset)


@app.agent(customer_events_topic)
async def score_customer_events(stream: Any) -> None:
    """Customer-keyed: score each event against its customer's state; forward to business."""
    global _replay_order
    manual = stream.noack()
    _replay_order = ReplayOrder(manual)
    async for event in manual.events():
        await _replay_order.take(event)


@app.on_partitions_revoked.connect
async def forget_buffered_events(sender: Any, revoked: Any, **_: Any) -> None:
    for order in (_replay_order, _business_order):
        if order is not None:
            log.info("rebalance: %d buffered events dropped for redelivery", len(order.heap))
            order.forget()


@app.timer(interval=0.05, name="release_waiting_events")
async def release_waiting_events() -> None:
    for order in (_replay_order, _business_order):
        if order is not None and order.heap:
            await order.release()
        if order is not None and order.open is not None:
            await order.flush(COMMIT_LINGER)


def _prepare_customer(
    events: list[EventT],
) -> list[tuple[EventBase, SentimentResult | None] | None]:
    """Batch-first: parse a released run of events, score their texts with one `analyze_many`
    call (`score_ahead`) and prepare the handlers' texts for closure grading
    (`prepare_texts`), before the steps run one by one in order. Scoring reads no state, so
    each step finds what it would have found alone (the embedded runner does this per chunk).
    None for a message that does not parse (its step dead-letters it); if the batch scoring
    fails, every step scores its own text."""
    parsed: list[EventBase | None] = []
    for event in events:
        try:
            parsed.append(parse_event(event.value))
        except Exception:  # InvalidEvent or worse: the step reports it, with its offset
            parsed.append(None)
    # Only the events stepped here: not those re-keyed to their customer's partition.
    mine = [
        item
        for item, event in zip(parsed, events, strict=True)
        if item is not None and _keyed_here(item, event.message)
    ]
    try:
        scored = dict(zip((id(item) for item in mine), score_ahead(mine), strict=True))
        prepare_texts(handler_texts(mine))
    except Exception:
        log.exception("batch scoring failed: scoring event by event")
        scored = {}
    return [None if item is None else (item, scored.get(id(item))) for item in parsed]


def _keyed_here(parsed: EventBase, msg: Any) -> bool:
    try:
        key = customer_key(parsed)
    except Exception:
        return False
    return msg.key == key.encode() and msg.partition == partition_for(key)


async def _score(
    event: EventT,
    batch: Batch,
    ahead: tuple[EventBase, SentimentResult | None] | None = None,
) -> None:
    """One event's customer step; `ahead`: the event parsed and its text scored in the batch
    pass (`_prepare_customer`), else both are done here."""
    global _last_event_at
    msg = event.message
    started = time.perf_counter()
    _last_event_at = time.monotonic()
    _positions[msg.tp] = msg.offset
    raw: bytes = event.value
    sentiment = None
    try:
        parsed, sentiment = ahead if ahead is not None else (parse_event(raw), None)
    except InvalidEvent as exc:
        await _dead_letter(
            raw, msg.topic, msg.partition, msg.offset, exc.reason, exc.event_id, batch
        )
        return
    try:
        key = customer_key(parsed)
        partition = partition_for(key)
        if msg.key != key.encode() or msg.partition != partition:
            # Not keyed by customer (kcat without -K, or librdkafka's crc32 partitioner): state
            # for this customer lives in partition `partition`, so send it there and skip here.
            batch.pending.append(
                await input_topics[msg.topic].send(key=key.encode(), value=raw, partition=partition)
            )
            metrics.events.labels(msg.topic, "rekeyed").inc()
            log.info(
                "re-keyed event_id=%s topic=%s partition=%s offset=%s -> partition %s",
                parsed.event_id,
                msg.topic,
                msg.partition,
                msg.offset,
                partition,
            )
            return
        if STREAM_OF_TYPE[parsed.type] != msg.topic:
            log.info(
                "event_id=%s type=%s on topic=%s partition=%s offset=%s (expected %s)",
                parsed.event_id,
                parsed.type,
                msg.topic,
                msg.partition,
                msg.offset,
                STREAM_OF_TYPE[parsed.type],
            )
        # A working copy: the stored state changes only after the outputs are acknowledged.
        state, facts, forward = customer_step(
            batch.state(key), parsed, SETTINGS.params_for(parsed.business_id), sentiment
        )
        if forward is None:
            metrics.events.labels(msg.topic, "duplicate").inc()
            log.debug(
                "duplicate event_id=%s topic=%s partition=%s offset=%s",
                parsed.event_id,
                msg.topic,
                msg.partition,
                msg.offset,
            )
            return
        batch.pending.extend(await _send_facts(facts, key))
        # {"event": {...event JSON...}, "sentiment_label": "neg"}  keyed by business_id
        batch.pending.append(
            await business_events_topic.send(
                key=parsed.business_id.encode(), value=_encode_forward(forward)
            )
        )
        batch.stage(key, msg.partition, state)
        batch.started.append((parsed.event_id, started))
        metrics.events.labels(msg.topic, "processed").inc()
        log.debug(
            "scored event_id=%s topic=%s partition=%s offset=%s facts=%d",
            parsed.event_id,
            msg.topic,
            msg.partition,
            msg.offset,
            len(facts),
        )
    except InvalidEvent as exc:
        await _dead_letter(
            raw, msg.topic, msg.partition, msg.offset, exc.reason, exc.event_id, batch
        )
    except Exception as exc:  # a bug must not stop the stream: park the message, say why
        log.exception(
            "failed event_id=%s topic=%s partition=%s offset=%s",
            parsed.event_id,
            msg.topic,
            msg.partition,
            msg.offset,
        )
        reason = f"internal error: {type(exc).__name__}: {exc}"
        await _dead_letter(
            raw, msg.topic, msg.partition, msg.offset, reason, parsed.event_id, batch
        )


# ---------------------------------------------------------------- agent 2: business key


@app.agent(business_events_topic)
async def account_business_events(stream: Any) -> None:
    """Business-keyed: budget ledger and spike windows of the business each event belongs to."""
    # Batches of released events, acked by us after their outputs (the same machinery as the
    # customer agent; with one topic the order is simply by producer timestamp).
    global _business_order
    manual = stream.noack()
    _business_order = ReplayOrder(
        manual,
        topics=(BUSINESS_EVENTS,),
        process=_account,
        table=business_to_state,
        read=business_state,
        agent="account_business_events",
    )
    async for event in manual.events():
        await _business_order.take(event)


async def _account(event: EventT, batch: Batch) -> None:
    msg = event.message
    started = time.perf_counter()
    _positions[msg.tp] = msg.offset
    event_id = None
    try:
        value = codec.loads(event.value)
        parsed = parse_event(value["event"])
        event_id = parsed.event_id
        current = batch.state(parsed.business_id)
        if current is not None and event_id in current.seen:
            metrics.events.labels(BUSINESS_EVENTS, "duplicate").inc()
            return
        state, facts = business_step(
            current,
            Forward(parsed, value.get("sentiment_label")),
            SETTINGS.params_for(parsed.business_id),
        )
        batch.pending.extend(await _send_facts(facts, parsed.business_id))
        batch.stage(parsed.business_id, msg.partition, state)
        batch.started.append((event_id, started))
        metrics.events.labels(BUSINESS_EVENTS, "processed").inc()
    except Exception as exc:  # includes InvalidEvent: a forward we wrote ourselves, so a bug
        log.exception(
            "failed event_id=%s topic=%s partition=%s offset=%s",
            event_id,
            msg.topic,
            msg.partition,
            msg.offset,
        )
        reason = f"business step: {type(exc).__name__}: {exc}"
        await _dead_letter(
            event.value, msg.topic, msg.partition, msg.offset, reason, event_id, batch
        )


# ---------------------------------------------------------------- deadline watchdog


async def watch_deadlines() -> None:
    """Open complaints near or past their promised deadline, over this worker's partitions.

    The clock is the wall clock, or REPUTE_WATCHDOG_NOW for a replay of the past; with a fixed
    clock a pass waits until the worker is idle, so a replay is judged as of its end, as the
    embedded runner does.
    """
    fixed = datetime.fromisoformat(WATCHDOG_NOW) if WATCHDOG_NOW else None
    if fixed is not None and time.monotonic() - _last_event_at < WATCHDOG_INTERVAL:
        return
    now = fixed or datetime.now(UTC)
    mine = {tp.partition for tp in app.assignor.assigned_actives() if tp.topic in INPUT_TOPICS}
    if not mine:
        return
    metrics.watchdog_runs.inc()
    if _replay_order is None:
        await _watch(now, mine)
        return
    # The watchdog writes customer states too: not while a batch holds newer ones.
    async with _replay_order.lock:
        await _replay_order._commit_open()
        await _watch(now, mine)


async def _watch(now: datetime, mine: set[int]) -> None:
    for key, state in customer_states():
        if not any(
            c.status == "open" and c.promised_deadline is not None
            for c in state.complaints.values()
        ):
            continue
        partition = partition_for(key)
        if partition not in mine:
            continue
        params = SETTINGS.params_for(state.business_id)
        new_state, facts = deadline_check(state.model_copy(deep=True), now, params)
        if not facts:
            continue
        await _acked(await _send_facts(facts, key))
        # Outside an agent there is no current event to take the partition from: write the
        # store and the changelog of the key's own partition directly.
        await write_states(customer_to_state, {key: (partition, new_state)})
        log.info(
            "watchdog: %d alert(s) for %s complaints, partition=%s, as of %s",
            len(facts),
            key.split("/", 1)[0],
            partition,
            now.isoformat(),
        )


if WATCHDOG_INTERVAL > 0:
    app.timer(interval=WATCHDOG_INTERVAL, name="watch_deadlines")(watch_deadlines)


# ---------------------------------------------------------------- metrics


@app.timer(interval=5.0, name="measure_lag")
async def measure_lag() -> None:
    for tp in app.assignor.assigned_actives():
        if tp.topic not in INPUT_TOPICS and tp.topic != BUSINESS_EVENTS:
            continue  # changelogs are read only while recovering
        try:
            highwater = app.consumer.highwater(tp)
        except Exception:  # not fetched yet
            continue
        if highwater is None:
            continue
        position = _positions.get(tp)
        lag = highwater - (position + 1) if position is not None else highwater
        metrics.consumer_lag.labels(tp.topic, str(tp.partition)).set(max(lag, 0))


async def unstick_commits() -> None:
    """Seek back partitions with messages that never reached the agent (streams/stall.py)."""
    if not app.flow_control.is_active() or not app.tables.recovery.completed.is_set():
        return
    consumer = app.consumer
    now = time.monotonic()
    for tp in app.assignor.assigned_actives():
        order = _business_order if tp.topic == BUSINESS_EVENTS else _replay_order
        if order is None or tp.topic not in order.topics:
            continue
        try:
            highwater = consumer.highwater(tp)
        except Exception:  # not fetched yet
            continue
        committed = consumer._committed_offset.get(tp)
        if order.offsets.stuck(tp, committed, highwater, order.buffered.get(tp, 0), now):
            log.warning(
                "commit stuck: topic=%s partition=%s committed=%s highwater=%s for %.0f s;"
                " holding the partition to redeliver from the committed offset",
                tp.topic,
                tp.partition,
                committed,
                highwater,
                STALL_PATIENCE,
            )
            metrics.commit_stall_seeks.labels(tp.topic, str(tp.partition)).inc()
    for order in (_replay_order, _business_order):
        for tp, target in order.offsets.due(now) if order is not None else ():
            log.info("seeking topic=%s partition=%s back to %s", tp.topic, tp.partition, target)
            await consumer.seek(tp, target)


app.timer(interval=0.5, name="unstick_commits")(unstick_commits)


@app.page("/metrics")
async def metrics_view(web: Any, request: Any) -> Any:
    return web.bytes(metrics.exposition(), content_type="text/plain; version=0.0.4")


@app.page("/health")
async def health_view(web: Any, request: Any) -> Any:
    consumer = app.consumer
    partitions = {}
    for tp in sorted(app.assignor.assigned_actives()):
        if tp.topic not in INPUT_TOPICS and tp.topic != BUSINESS_EVENTS:
            continue
        try:
            highwater = consumer.highwater(tp)
        except Exception:
            highwater = None
        partitions[f"{tp.topic}:{tp.partition}"] = {
            "highwater": highwater,
            "read": consumer._read_offset.get(tp),
            "committed": consumer._committed_offset.get(tp),
            "buffered": _replay_order.buffered.get(tp, 0) if _replay_order else None,
            "received": _replay_order.received.get(tp) if _replay_order else None,
        }
    return web.json({"ok": True, "partitions": partitions})


# ---------------------------------------------------------------- helpers


def _encode_forward(forward: Forward) -> bytes:
    return codec.dumps(
        {"event": forward.event.model_dump(mode="json"), "sentiment_label": forward.sentiment_label}
    )


async def _send_facts(facts: Iterable[Fact], key: str) -> list[Awaitable[Any]]:
    """Send one event's facts as one `facts` message keyed by the agent's own `key` (customer
    key or business_id: every version of a row is made under one such key, so they stay in one
    partition, in order), and copies of alerts / risk rows to their own topics; return the
    futures. One message an event instead of one a fact: fewer sends, fewer records."""
    facts = list(facts)
    pending: list[Awaitable[Any]] = []
    if facts:
        pending.append(await facts_topic.send(key=key.encode(), value=codec.encode_facts(facts)))
    for fact in facts:
        metrics.facts.labels(fact.table).inc()
        if fact.table == "alerts":
            metrics.alerts.labels(fact.row.get("rule"), fact.row.get("severity")).inc()
            metrics.alert_outbox_depth.inc()
            sent = await alerts_topic.send(key=fact.key.encode(), value=codec.dumps(fact.row))
            sent.add_done_callback(lambda _f: metrics.alert_outbox_depth.dec())
            pending.append(sent)
        elif fact.table == "risk_feed":
            pending.append(
                await risk_feed_topic.send(key=fact.key.encode(), value=codec.dumps(fact.row))
            )
    return pending


async def _acked(pending: list[Awaitable[Any]]) -> None:
    if pending:
        await asyncio.gather(*pending)


async def _dead_letter(
    raw: bytes,
    topic: str,
    partition: int,
    offset: int,
    reason: str,
    event_id: str | None,
    batch: Batch,
) -> None:
    from pipeline.step import dead_letter_fact

    fact = dead_letter_fact(raw, topic, f"{partition}:{offset}", reason, event_id)
    batch.pending.append(
        await dead_letters_topic.send(key=topic.encode(), value=codec.dumps(fact.row))
    )
    metrics.dead_letters.labels(topic).inc()
    metrics.events.labels(topic, "dead_letter").inc()
    log.warning(
        "dead letter event_id=%s topic=%s partition=%s offset=%s: %s",
        event_id,
        topic,
        partition,
        offset,
        reason[:200],
    )
