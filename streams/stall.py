"""Spotting a partition whose committed offset is stuck behind a message nobody will ack.

Faust commits a partition only up to its first unacknowledged offset. A known race in Faust's
recovery after a restart or rebalance (faust-streaming/faust#596, open) can leave one offset
neither delivered nor acked: the agent goes on with later messages, but the committed offset
never moves again and the consumer group looks behind forever (we measured it: `kill -9`, restart,
one partition stuck at offset 77 of 288). The cure is the at-least-once one: seek the partition
back to its committed offset so the missing message is delivered again; the messages after it
come again too and are skipped as duplicates (dedupe by `event_id`).

`CommitWatch` decides when; the worker's timer (streams/agents.py) does the seek.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field


@dataclass
class CommitWatch:
    """Per partition: the committed offset last seen and since when it has not moved."""

    patience: float
    seen: dict[Hashable, tuple[int | None, float]] = field(default_factory=dict)

    def stuck(
        self,
        tp: Hashable,
        committed: int | None,
        highwater: int | None,
        held: int,
        now: float,
    ) -> bool:
        """True when `tp` has messages past its committed offset, none of them held in our
        buffers, and the committed offset has not moved for `patience` seconds. A partition that
        is reported stuck starts a new wait, so a seek is not repeated before it can work."""
        if highwater is None or (committed or 0) >= highwater or held:
            self.seen[tp] = (committed, now)
            return False
        last, since = self.seen.get(tp, (None, now))
        if last != committed:
            self.seen[tp] = (committed, now)
            return False
        if now - since < self.patience:
            self.seen.setdefault(tp, (committed, since))
            return False
        self.seen[tp] = (committed, now)
        return True

    def forget(self) -> None:
        """A rebalance: offsets and ownership start over."""
        self.seen.clear()


@dataclass
class HeadCheck:
    """The first message of a partition after an assignment must be at its committed offset.

    When it is later, messages in between were lost on their way to the agent (the same Faust
    race). Faust would even commit past a single lost message (its gap check allows one), so the
    partition's messages are dropped unacked until the missing one comes back. The seek back is
    made once the partition has been quiet for a moment: a seek while Faust still hands out a
    fetched batch is undone by that batch (Faust moves its read offset past the sought one and
    then drops the redelivered messages). A gap seen again at the same offset after a rebalance
    is real (retention deleted the messages, or transaction markers fill the offsets): accepted.
    """

    quiet: float = 1.0
    checked: set[Hashable] = field(default_factory=set)
    rewinding: dict[Hashable, int] = field(default_factory=dict)
    last_dropped: dict[Hashable, float] = field(default_factory=dict)
    tried: set[tuple[Hashable, int]] = field(default_factory=set)

    def judge(
        self, tp: Hashable, offset: int, committed: int | None, now: float
    ) -> tuple[str, int | None]:
        """("accept", None), ("drop", None) or ("rewind", offset `tp` must go back to)."""
        if tp in self.rewinding:
            if offset > self.rewinding[tp]:
                self.last_dropped[tp] = now
                return "drop", None
            del self.rewinding[tp]
            return "accept", None
        if tp in self.checked:
            return "accept", None
        self.checked.add(tp)
        if committed is None or offset <= committed or (tp, committed) in self.tried:
            return "accept", None
        self.tried.add((tp, committed))
        self.rewinding[tp] = committed
        self.last_dropped[tp] = now
        return "rewind", committed

    def due(self, now: float) -> list[tuple[Hashable, int]]:
        """Partitions to seek back now: rewinding and quiet for `quiet` seconds. Each one waits
        another quiet spell before it is named again (a seek that was undone is retried)."""
        ready = [
            (tp, target)
            for tp, target in self.rewinding.items()
            if now - self.last_dropped.get(tp, now) >= self.quiet
        ]
        for tp, _ in ready:
            self.last_dropped[tp] = now
        return ready

    def forget(self) -> None:
        """A rebalance: every partition's next message is a head again."""
        self.checked.clear()
        self.rewinding.clear()
        self.last_dropped.clear()
