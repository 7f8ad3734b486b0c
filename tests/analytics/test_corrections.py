"""A correction is an event: it overrides the label in every view and mart, and exports."""

import json

import duckdb
import pytest

from analytics.corrections import CorrectionError, export_rows, record_correction
from analytics.lake import Manifest
from analytics.sink import DuckDBSink
from pipeline.config import Settings
from pipeline.events import parse_event
from pipeline.step import Pipeline

REVIEW = {
    "event_id": "rev-1",
    "type": "review",
    "business_id": "b1",
    "location_id": "l1",
    "occurred_at": "2026-11-02T10:00:00+00:00",
    "channel": "maps",
    "rating": 5,
    "author": {"customer_id": "c1"},
    "text": "Great service, arrived on time and well packed. Recommend!",
}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "c.duckdb"
    sink = DuckDBSink(path)
    sink.add(Pipeline(Settings()).process(parse_event(REVIEW)))
    sink.close()
    return path


def labels(db):
    with duckdb.connect(str(db), read_only=True) as con:
        view = con.execute("SELECT label, scored_label, corrected FROM reviews").fetchone()
        mart = con.execute("SELECT negative, positive FROM daily_reviews").fetchone()
        rows = export_rows(con)
    return view, mart, rows


def test_correction_overrides_the_label_downstream_and_exports(db, tmp_path):
    assert labels(db)[0] == ("pos", "pos", False)
    record_correction(db, Settings(), "rev-1", "neg", "owner", lake=tmp_path / "lake")
    view, mart, rows = labels(db)
    assert view == ("neg", "pos", True)
    assert mart == (1, 0)
    assert rows == [
        {
            "id": "rev-1",
            "lang": "en",
            "text": REVIEW["text"],
            "label": "neg",
            "source": "correction:b1",
        }
    ]
    assert "sentiment_corrections" in Manifest.read(tmp_path / "lake").tables


def test_the_latest_correction_wins(db):
    record_correction(db, Settings(), "rev-1", "neg", "owner")
    record_correction(db, Settings(), "rev-1", "neu", "analyst")
    view, _, rows = labels(db)
    assert view[0] == "neu"
    assert [r["label"] for r in rows] == ["neu"]


def test_unknown_review_is_a_clear_error(db):
    with pytest.raises(CorrectionError, match="no scored review with event_id 'nope'"):
        record_correction(db, Settings(), "nope", "neg", "owner")


def test_a_correction_recomputes_the_risk_the_feed_shows(tmp_path):
    """After an embedded run saved its state, `repute correct` also revises the customer's risk."""
    from streams.embedded import run_embedded

    angry = {
        **REVIEW,
        "event_id": "rev-2",
        "rating": 1,
        "author": {"customer_id": "c2"},
        "text": "Order 4417 came broken and nobody answers my emails. Never again!",
    }
    source = tmp_path / "events.jsonl"
    source.write_text(json.dumps(angry) + "\n", encoding="utf-8")
    db = tmp_path / "r.duckdb"
    sink = DuckDBSink(db)
    run_embedded(str(source), sink, Settings())
    sink.close()

    def feed():
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute(
                "SELECT risk_score, explanation FROM risk_feed WHERE customer_key = 'b1/c2'"
            ).fetchone()

    before, explanation = feed()
    assert "negativity" in explanation
    record_correction(db, Settings(), "rev-2", "pos", "owner")
    after, explanation = feed()
    assert after < before
    assert "negativity" not in explanation
