"""The trained sentiment layer's features (training/sentiment_model.py fits on them)."""

from __future__ import annotations

import pytest

from pipeline.linear_model import LinearModel
from pipeline.sentiment import analyze, analyze_many, model, score_text, settled


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


# the shipped artefact (pipeline/sentiment/models/sentiment.*), as `analyze` uses it


def test_analyze_many_reads_each_text_as_analyze_does() -> None:
    texts = [
        "Nie polecam, nikt nie odpowiada na maile.",
        "Все пришло вовремя, спасибо!",
        "Посилка прийшла, ще не тестувала.",
        "The room was pretty small and the shower ran cold.",
        "",
        "😡😡",
    ]
    ratings = [None, 5, None, 2, None, None]
    batch = analyze_many(texts, ratings)
    assert batch == [analyze(t, r) for t, r in zip(texts, ratings, strict=True)]


def test_the_model_reads_texts_of_supported_languages_and_names_its_words() -> None:
    result = analyze("Nie polecam, nikt nie odpowiada na maile.")
    assert result.method.endswith("+model")
    assert result.label == "neg"
    assert any(d.startswith("-") for d in result.drivers)


def test_the_engine_alone_is_still_available_for_comparison() -> None:
    text = "Nie polecam, nikt nie odpowiada na maile."
    engine = analyze(text, trained=False)
    assert "+model" not in engine.method
    assert engine.polarity == settled(score_text(text, "pl").polarity)


def test_the_blend_comes_from_the_card_and_mixes_engine_and_model() -> None:
    shipped = model.load_model()
    for lang in ("en", "pl", "ru", "uk"):
        weight, band = shipped.blend_of(lang)
        assert 0.0 <= weight <= 1.0 and 0.0 <= band < 1.0
    text = "Obsługa miła, ale czekałem dwa tygodnie na zwrot pieniędzy."
    scored = score_text(text, "pl")
    (probabilities,) = shipped.predict([text], ["pl"], [scored])
    weight, _ = shipped.blend_of("pl")
    mixed = weight * scored.polarity + (1 - weight) * (probabilities["pos"] - probabilities["neg"])
    assert probabilities["neg"] > probabilities["neu"]  # a complaint: no neutral band applies
    assert shipped.blend(scored.polarity, probabilities, "pl") == pytest.approx(mixed)
    assert analyze(text).polarity == settled(shipped.blend(scored.polarity, probabilities, "pl"))


def test_a_text_the_model_reads_as_neutral_stays_neutral_inside_the_band() -> None:
    blender = model.SentimentModel(
        LinearModel((), None, None, {"blend": {"pl": [0.5, 0.3], "shared": [1.0, 0.0]}})
    )
    pending = {"neg": 0.35, "neu": 0.5, "pos": 0.15}  # "arrived, not tested yet"
    assert blender.blend(-0.2, pending, "pl") == 0.0
    # outside the band, or when neutral is not the model's first reading, the blend stands
    assert blender.blend(-0.9, pending, "pl") == pytest.approx(0.5 * -0.9 + 0.5 * -0.2)
    complaint = {"neg": 0.6, "neu": 0.3, "pos": 0.1}
    assert blender.blend(-0.1, complaint, "pl") == pytest.approx(0.5 * -0.1 + 0.5 * -0.5)
    # a language the card has no choice for takes the shared one: here the engine alone
    assert blender.blend(-0.2, pending, "uk") == -0.2


def test_the_card_keeps_the_attributions_of_the_licensed_corpora() -> None:
    card = model.load_model().linear.card
    assert "allegro_reviews" in card["trained_on"]["sources"]
    assert "../shared/evaldata/dev" in card["trained_on"]["never_trained_on"]
    assert any("CC BY-SA" in line for line in card["attribution"])


def test_neutral_and_pending_reviews_from_the_issue_are_not_negative() -> None:
    # issue #18: both were `neg` under the rule engine alone
    assert analyze("Wszystko dotarło na czas, obsługa bardzo miła.", 4).label != "neg"
    assert analyze("Paczka przyszła, jeszcze nie testowałam.").label != "neg"


def test_the_drivers_read_the_columns_the_model_was_trained_on() -> None:
    from sklearn.feature_extraction import FeatureHasher
    from sklearn.utils import murmurhash3_32

    named = FeatureHasher(n_features=model.WORD_FEATURES, input_type="dict", alternate_sign=False)
    for name in ("w:pl:nie", "w2:pl:nie_polecam", "w:uk:повернення"):
        column = abs(murmurhash3_32(name, seed=0)) % model.WORD_FEATURES
        assert named.transform([{name: 1.0}]).indices.tolist() == [column]
