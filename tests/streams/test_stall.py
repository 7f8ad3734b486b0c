"""When a stuck committed offset is sought back (streams/stall.py): plain values, no broker."""

from __future__ import annotations

from streams.stall import CommitWatch, HeadCheck

TP = ("reviews", 2)


def test_a_committed_offset_that_moves_is_never_stuck():
    watch = CommitWatch(patience=10)
    for second, committed in enumerate(range(0, 300, 10)):
        assert not watch.stuck(TP, committed, 400, 0, now=second * 5.0)


def test_stuck_after_patience_with_messages_waiting_and_none_held():
    watch = CommitWatch(patience=10)
    assert not watch.stuck(TP, 77, 288, 0, now=0.0)
    assert not watch.stuck(TP, 77, 288, 0, now=9.9)
    assert watch.stuck(TP, 77, 288, 0, now=10.0)
    # The seek gets its own patience before it is tried again.
    assert not watch.stuck(TP, 77, 288, 0, now=15.0)
    assert watch.stuck(TP, 77, 288, 0, now=20.0)


def test_caught_up_partitions_and_held_messages_are_not_stuck():
    watch = CommitWatch(patience=10)
    assert not watch.stuck(TP, 288, 288, 0, now=0.0)
    assert not watch.stuck(TP, 288, 288, 0, now=100.0)
    # Messages buffered in the replay order are on their way: wait for them, restart the clock.
    assert not watch.stuck(TP, 288, 300, 12, now=200.0)
    assert not watch.stuck(TP, 288, 300, 0, now=209.0)
    assert watch.stuck(TP, 288, 300, 0, now=210.0)


def test_never_committed_partition_with_messages_counts_from_zero():
    watch = CommitWatch(patience=5)
    assert not watch.stuck(TP, None, 3, 0, now=0.0)
    assert watch.stuck(TP, None, 3, 0, now=5.0)
    assert not watch.stuck(TP, None, None, 0, now=50.0)  # highwater unknown: not judged


def test_partitions_are_judged_apart_and_a_rebalance_starts_over():
    watch = CommitWatch(patience=10)
    other = ("complaints", 0)
    watch.stuck(TP, 5, 9, 0, now=0.0)
    watch.stuck(other, 1, 2, 0, now=8.0)
    assert watch.stuck(TP, 5, 9, 0, now=10.0)
    assert not watch.stuck(other, 1, 2, 0, now=10.0)
    watch.forget()
    assert not watch.stuck(other, 1, 2, 0, now=18.0)


def test_a_head_at_the_committed_offset_is_accepted_once_checked():
    heads = HeadCheck()
    assert heads.judge(TP, 77, 77, now=0.0) == ("accept", None)
    assert heads.judge(TP, 78, 77, now=0.0) == ("accept", None)  # later messages are not heads
    assert heads.judge(("reviews", 0), 0, None, now=0.0) == ("accept", None)  # never committed
    assert heads.due(now=100.0) == []


def test_a_later_head_is_held_and_sought_back_once_quiet():
    heads = HeadCheck(quiet=1.0)
    assert heads.judge(TP, 79, 77, now=0.0) == ("rewind", 77)
    assert heads.judge(TP, 80, 77, now=0.5) == ("drop", None)  # the rest of the fetched batch
    assert heads.due(now=1.4) == []  # still handing out messages: a seek now would be undone
    assert heads.due(now=1.5) == [(TP, 77)]
    assert heads.due(now=2.0) == []  # one quiet spell before the seek is tried again
    assert heads.due(now=2.5) == [(TP, 77)]
    assert heads.judge(TP, 77, 77, now=3.0) == ("accept", None)  # the missing one is back
    assert heads.judge(TP, 78, 77, now=3.0) == ("accept", None)
    assert heads.due(now=10.0) == []


def test_the_same_gap_again_after_a_rebalance_is_real_and_accepted():
    heads = HeadCheck()
    assert heads.judge(TP, 90, 77, now=0.0) == ("rewind", 77)
    heads.forget()
    assert heads.due(now=10.0) == []
    # The broker starts at 90 again: offsets 77..89 are not there (retention, markers).
    assert heads.judge(TP, 90, 77, now=11.0) == ("accept", None)
    heads.forget()
    assert heads.judge(TP, 95, 90, now=12.0) == ("rewind", 90)  # a new gap is tried once again
