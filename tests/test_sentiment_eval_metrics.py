"""The sentiment eval's arithmetic, on counts worked out by hand."""

from __future__ import annotations

from types import SimpleNamespace

from benchmarks.sentiment_eval import confidence_report, metrics


def test_negative_f1_at_exactly_the_target_is_not_rounded_below_it():
    # 3 negatives, 2 found, no false alarm: F1 = 2*2 / (2*2 + 0 + 1) = 0.8 exactly.
    m = metrics(["neg", "neg", "neg", "pos", "neu"], ["neg", "neg", "pos", "pos", "neu"])
    assert m.neg_f1 >= 0.80
    assert m.neg_precision == 1.0
    assert abs(m.neg_recall - 2 / 3) < 1e-12
    assert abs(m.balanced_accuracy - (2 / 3 + 1.0) / 2) < 1e-12


def test_unscored_counts_as_not_negative_and_as_wrong():
    m = metrics(["neg", "pos", "pos", "neg"], ["neg", "unscored", "pos", "unscored"])
    assert m.unscored == 0.5
    assert m.accuracy == 0.5
    assert m.neg_recall == 0.5
    assert abs(m.neg_f1 - 2 / 3) < 1e-12  # 2*1 / (2*1 + 0 + 1)


def test_confidence_report_counts_right_calls_per_band() -> None:
    results = [
        SimpleNamespace(label="neg", confidence=0.9),  # gold neg: right
        SimpleNamespace(label="pos", confidence=0.85),  # gold neg: wrong
        SimpleNamespace(label="neu", confidence=0.1),  # gold pos: right (not negative)
        SimpleNamespace(label="unscored", confidence=0.0),  # left out
    ]
    text = confidence_report(["neg", "neg", "pos", "neg"], results)
    assert "| 0.8 to 1.0 | 2 | 50.0% |" in text
    assert "| 0.0 to 0.4 | 1 | 100.0% |" in text
    assert "| 0.4 to 0.6 | 0 | - |" in text
