"""Noticing messages that never reached the agent, and fetching them again.

Faust commits a partition only up to its first unacknowledged offset, and it drops a fetched
message whose offset is below its own read position. A known race in Faust's recovery after a
restart or rebalance (faust-streaming/faust#596, open) leaves that read position ahead of the
messages still to be handed out, so some are never delivered. Measured here: after `kill -9` and
a restart one partition's committed offset stood at 77 of 288 for good; and when one message is
missing Faust even commits past it (its gap check allows one), and marks skipped offsets as
"acknowledged gaps" when its read position jumps, so a loss can also be silent.

The cure is the at-least-once one: the partition is sought back to the first missing offset and
its messages come again; those already processed are skipped as duplicates (dedupe by
`event_id`). A seek is only safe when Faust is not handing out a fetched batch of that partition:
the rest of such a batch moves Faust's read position past the sought offset again (and marks the
offsets in between as gaps), so a seek waits until the partition has been quiet for a moment.

`OffsetGuard` decides; the worker's timer (streams/agents.py) does the seeks.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field


@dataclass
class OffsetGuard:
    """Per partition: the offset the next message must have, and partitions being rewound.

    - the first message after an assignment must be at the committed offset; every later one
      must follow the previous one (input topics are neither compacted nor transactional, so
      offsets have no holes). A message past that is held back, unacked, with all after it,
      and the partition is sought back to the missing offset once quiet.
    - a message below it is a redelivery (after a seek or rebalance): accepted, duplicates are
      harmless.
    - a hole found again at the same offset is real (retention deleted the messages, a foreign
      transactional producer's markers fill the offsets, or a broker was killed between moving
      a partition's high watermark and writing the records: tansu on S3 storage does): the
      verdict is "gap", and the caller tells Faust those offsets are done, or its commit would
      wait for them forever. Found again means: after a rebalance, or after `real_after` seeks
      back that each brought a later offset first.
    - `stuck`: a partition whose committed offset has not moved for `patience` seconds while
      messages wait on the broker and none are held here is rewound to it too.
    """

    quiet: float = 1.0
    patience: float = 15.0
    real_after: int = 3
    expected: dict[Hashable, int] = field(default_factory=dict)
    rewinding: dict[Hashable, int] = field(default_factory=dict)
    last_seen: dict[Hashable, float] = field(default_factory=dict)
    tried: set[tuple[Hashable, int]] = field(default_factory=set)
    commits: dict[Hashable, tuple[int | None, float]] = field(default_factory=dict)
    seeks: dict[Hashable, int] = field(default_factory=dict)  # seeks of the current rewind

    def judge(
        self, tp: Hashable, offset: int, committed: int | None, now: float
    ) -> tuple[str, int | None]:
        """("accept", None), ("drop", None), ("rewind", offset `tp` must go back to), or
        ("gap", first missing offset): accept, and offsets from there up to `offset` are not on
        the broker."""
        self.last_seen[tp] = now
        if tp in self.rewinding:
            target = self.rewinding[tp]
            if offset > target and self.seeks.get(tp, 0) < self.real_after:
                return "drop", None
            del self.rewinding[tp]
            self.seeks.pop(tp, None)
            self.expected[tp] = offset + 1
            return ("gap", target) if offset > target else ("accept", None)
        wanted = self.expected.get(tp, committed)
        if wanted is None or offset <= wanted:
            self.expected[tp] = offset + 1
            return "accept", None
        if (tp, wanted) in self.tried:
            self.expected[tp] = offset + 1
            return "gap", wanted
        self.tried.add((tp, wanted))
        self.rewinding[tp] = wanted
        return "rewind", wanted

    def stuck(
        self,
        tp: Hashable,
        committed: int | None,
        highwater: int | None,
        held: int,
        now: float,
    ) -> bool:
        """True (and `tp` is rewound to `committed`) when its committed offset has not moved for
        `patience` seconds with messages after it on the broker and none of them held here."""
        if tp in self.rewinding:
            return False
        if highwater is None or (committed or 0) >= highwater or held:
            self.commits[tp] = (committed, now)
            return False
        last, since = self.commits.setdefault(tp, (committed, now))
        if last != committed:
            self.commits[tp] = (committed, now)
            return False
        if now - since < self.patience:
            return False
        self.commits[tp] = (committed, now)
        self.rewinding[tp] = committed or 0
        return True

    def due(self, now: float) -> list[tuple[Hashable, int]]:
        """Partitions to seek back now: rewinding, and no message of theirs for `quiet`
        seconds. Each one then waits another quiet spell before it is named again (a seek that
        was undone is retried)."""
        ready = [
            (tp, target)
            for tp, target in self.rewinding.items()
            if now - self.last_seen.get(tp, 0.0) >= self.quiet
        ]
        for tp, _ in ready:
            self.last_seen[tp] = now
            self.seeks[tp] = self.seeks.get(tp, 0) + 1
        return ready

    def forget(self) -> None:
        """A rebalance: every partition starts again from its committed offset."""
        self.expected.clear()
        self.rewinding.clear()
        self.commits.clear()
        self.seeks.clear()
