"""When a partition is sought back to fetch lost messages (streams/stall.py): plain values."""

from __future__ import annotations

from streams.stall import OffsetGuard

TP = ("reviews", 2)


def test_contiguous_offsets_from_the_committed_one_are_accepted():
    guard = OffsetGuard()
    for offset in range(77, 90):
        assert guard.judge(TP, offset, 77, now=0.0) == ("accept", None)
    assert guard.judge(("reviews", 0), 0, None, now=0.0) == ("accept", None)  # never committed
    assert guard.due(now=100.0) == []


def test_a_later_head_is_held_and_sought_back_once_quiet():
    guard = OffsetGuard(quiet=1.0)
    assert guard.judge(TP, 79, 77, now=0.0) == ("rewind", 77)
    assert guard.judge(TP, 80, 77, now=0.5) == ("drop", None)  # the rest of the fetched batch
    assert guard.due(now=1.4) == []  # still handing out messages: a seek now would be undone
    assert guard.due(now=1.5) == [(TP, 77)]
    assert guard.due(now=2.0) == []  # one quiet spell before the seek is tried again
    assert guard.due(now=2.5) == [(TP, 77)]
    assert guard.judge(TP, 77, 77, now=3.0) == ("accept", None)  # the missing one is back
    assert guard.judge(TP, 78, 77, now=3.0) == ("accept", None)
    assert guard.due(now=10.0) == []


def test_a_hole_in_the_middle_of_a_stream_is_held_too():
    guard = OffsetGuard(quiet=1.0)
    for offset in range(10, 15):
        guard.judge(TP, offset, 10, now=0.0)
    assert guard.judge(TP, 17, 10, now=0.1) == ("rewind", 15)
    assert guard.judge(TP, 18, 10, now=0.2) == ("drop", None)
    assert guard.due(now=1.2) == [(TP, 15)]
    assert guard.judge(TP, 15, 10, now=1.3) == ("accept", None)


def test_redeliveries_below_the_expected_offset_are_accepted():
    guard = OffsetGuard()
    for offset in range(0, 5):
        guard.judge(TP, offset, 0, now=0.0)
    assert guard.judge(TP, 2, 0, now=1.0) == ("accept", None)  # Faust sought back after a seek
    assert guard.judge(TP, 3, 0, now=1.0) == ("accept", None)
    assert guard.judge(TP, 4, 0, now=1.0) == ("accept", None)
    assert guard.judge(TP, 5, 0, now=1.0) == ("accept", None)


def test_the_same_hole_again_is_real_and_accepted():
    guard = OffsetGuard()
    assert guard.judge(TP, 90, 77, now=0.0) == ("rewind", 77)
    guard.forget()
    assert guard.due(now=10.0) == []
    # The broker starts at 90 again: offsets 77..89 are not there (retention, markers).
    assert guard.judge(TP, 90, 77, now=11.0) == ("gap", 77)
    assert guard.judge(TP, 92, 77, now=11.0) == ("rewind", 91)  # a new hole is tried once


def test_a_committed_offset_that_moves_is_never_stuck():
    guard = OffsetGuard(patience=10)
    for step, committed in enumerate(range(0, 300, 10)):
        assert not guard.stuck(TP, committed, 400, 0, now=step * 5.0)


def test_stuck_after_patience_with_messages_waiting_and_none_held():
    guard = OffsetGuard(patience=10, quiet=1.0)
    assert not guard.stuck(TP, 77, 288, 0, now=0.0)
    assert not guard.stuck(TP, 77, 288, 0, now=9.9)
    assert guard.stuck(TP, 77, 288, 0, now=10.0)
    assert guard.rewinding == {TP: 77}
    assert guard.due(now=10.0) == [(TP, 77)]  # nothing of it arrived: quiet already
    assert not guard.stuck(TP, 77, 288, 0, now=30.0)  # being rewound: not judged again


def test_caught_up_partitions_and_held_messages_are_not_stuck():
    guard = OffsetGuard(patience=10)
    assert not guard.stuck(TP, 288, 288, 0, now=0.0)
    assert not guard.stuck(TP, 288, 288, 0, now=100.0)
    # Messages buffered in the replay order are on their way: wait for them, restart the clock.
    assert not guard.stuck(TP, 288, 300, 12, now=200.0)
    assert not guard.stuck(TP, 288, 300, 0, now=209.0)
    assert guard.stuck(TP, 288, 300, 0, now=210.0)


def test_never_committed_partition_with_messages_counts_from_zero():
    guard = OffsetGuard(patience=5)
    assert not guard.stuck(TP, None, 3, 0, now=0.0)
    assert guard.stuck(TP, None, 3, 0, now=5.0)
    assert guard.rewinding == {TP: 0}
    assert not guard.stuck(("x", 1), None, None, 0, now=50.0)  # highwater unknown: not judged


def test_a_hole_that_seeks_back_cannot_fill_is_a_gap_after_real_after_seeks():
    # A broker killed between moving the high watermark and writing the records leaves offsets
    # that never hold a message: every seek back to 49 brings 52 first.
    guard = OffsetGuard(quiet=1.0, real_after=3)
    assert guard.judge(TP, 52, 49, now=0.0) == ("rewind", 49)
    for seek in range(1, 4):
        assert guard.due(now=seek * 2.0) == [(TP, 49)]
        verdict = guard.judge(TP, 52, 49, now=seek * 2.0 + 0.1)
        assert verdict == (("gap", 49) if seek == 3 else ("drop", None))
    assert guard.judge(TP, 53, 49, now=9.0) == ("accept", None)
    assert guard.due(now=20.0) == []
