"""The trained sentiment layer's features (training/sentiment_model.py fits on them)."""

from __future__ import annotations

from pipeline.sentiment import model, score_text


def test_the_rule_engine_reading_becomes_named_features() -> None:
    scored = score_text("Nie polecam, nikt nie odpowiada na maile.", "pl")
    features = model.engine_features("pl", scored)
    assert features["lang:pl"] == 1.0
    assert features["engine:label:neg"] == 1.0
    assert features["engine:polarity"] < 0
    assert features["engine:negative"] > features["engine:positive"]
    assert any(name.startswith("rule:") for name in features)


def test_a_text_the_engine_cannot_read_is_marked_as_such() -> None:
    assert model.engine_features("uk", None) == {"lang:uk": 1.0, "engine:none": 1.0}


def test_word_features_are_per_language_unigrams_and_bigrams() -> None:
    features = model.word_features("ru", "Не советую этот магазин")
    assert "w:ru:советую" in features
    assert "w2:ru:не_советую" in features
    assert not any(name.startswith("w:pl:") for name in features)


def test_one_row_a_text_in_the_input_matrix() -> None:
    texts = ["Great, thanks!", "Terrible, never again."]
    scores = [score_text(t, "en") for t in texts]
    matrix = model.vectorize(texts, ["en", "en"], scores)
    assert matrix.shape == (2, model.WORD_FEATURES + model.CHAR_FEATURES)
    assert matrix[0].nnz > 0 and matrix[1].nnz > 0
