"""The model's own hashing gives what scikit-learn's hashers gave, on real texts.

The reference below is the featurization the shipped model was trained with (FeatureHasher over
the named features beside HashingVectorizer's char_wb 2-4-grams, l2-normalised); the fast path
in `pipeline.sentiment.model` must give the same columns, values and probabilities.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix, hstack

from pipeline.sentiment import analyze, analyze_many, model, score_text

SHARED = Path(__file__).resolve().parents[3] / "shared"
PER_FILE = 60  # rows from each language's file of each set (corpora/uk.jsonl is empty)


def _real_texts() -> list[tuple[str, str]]:
    assert SHARED.is_dir(), (
        f"{SHARED} is missing: these tests read real texts from ../shared/evaldata/dev and"
        " ../shared/corpora (clone the repository beside ../shared)"
    )
    rows = []
    for folder in (SHARED / "evaldata" / "dev", SHARED / "corpora"):
        for lang in ("en", "pl", "ru", "uk"):
            path = folder / f"{lang}.jsonl"
            assert path.is_file(), f"{path} is missing"
            lines = path.read_text(encoding="utf-8").splitlines()
            step = max(1, len(lines) // PER_FILE)  # spread over the file's sources
            rows += [(json.loads(line)["text"], lang) for line in lines[::step][:PER_FILE]]
    return rows


def reference_vectorize(texts, langs, scores) -> csr_matrix:
    from sklearn.feature_extraction import FeatureHasher
    from sklearn.feature_extraction.text import HashingVectorizer

    chars = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=model.CHAR_NGRAMS,
        n_features=model.CHAR_FEATURES,
        alternate_sign=False,
        lowercase=True,
        norm="l2",
    )
    named = FeatureHasher(n_features=model.WORD_FEATURES, input_type="dict", alternate_sign=False)
    rows = []
    for text, lang, scored in zip(texts, langs, scores, strict=True):
        features = model.word_features(lang, text)
        features.update(model.engine_features(lang, scored))
        rows.append(features)
    return hstack(
        [named.transform(rows), chars.transform([t[: model.MAX_CHARS] for t in texts])],
        format="csr",
    )


def reference_drivers(shipped, text: str, lang: str, top: int = 3) -> tuple[str, ...]:
    from sklearn.utils import murmurhash3_32

    names = list(model.word_features(lang, text))
    columns = [abs(murmurhash3_32(name, seed=0)) % model.WORD_FEATURES for name in names]
    leaning = shipped._word_leaning[columns]
    order = sorted(range(len(names)), key=lambda i: -abs(leaning[i]))[:top]
    return tuple(
        f"{'-' if leaning[i] < 0 else '+'}{names[i].split(':', 2)[2]}"
        for i in order
        if abs(leaning[i]) >= model.MIN_DRIVER_WEIGHT
    )


@pytest.fixture(scope="module")
def batch():
    rows = _real_texts()
    # a text longer than the model reads, one with odd whitespace and one with no words
    rows += [(" ".join(t for t, _ in rows[:40]) * 3, "pl"), ("Zły \t\n  towar\u2003!!", "pl")]
    rows += [("  ", "en")]
    texts, langs = [t for t, _ in rows], [lang for _, lang in rows]
    scores = [score_text(t, lang) for t, lang in rows]
    scores[5] = None  # the engine found nothing to read
    return texts, langs, scores


def test_real_texts_are_many_and_in_every_language(batch) -> None:
    texts, langs, _ = batch
    assert len(texts) >= 400
    assert {"en", "pl", "ru", "uk"} <= set(langs)
    assert max(map(len, texts)) > model.MAX_CHARS


def test_the_fast_features_are_the_hashers_columns_and_values(batch) -> None:
    ours, theirs = model.vectorize(*batch), reference_vectorize(*batch)
    assert ours.shape == theirs.shape
    assert np.array_equal(ours.indptr, theirs.indptr)
    assert np.array_equal(ours.indices, theirs.indices)
    assert np.abs(ours.data - theirs.data).max() <= 1e-15


def test_the_probabilities_and_drivers_are_unchanged(batch) -> None:
    texts, langs, scores = batch
    shipped = model.load_model()
    theirs = shipped.linear.probabilities(reference_vectorize(texts, langs, scores))
    ours = np.array([[p[c] for c in shipped.linear.classes] for p in shipped.predict(*batch)])
    assert np.abs(ours - theirs).max() <= 1e-12
    read = shipped.read(texts, langs, scores)
    for (polarity, drivers), text, lang, scored, row in zip(
        read, texts, langs, scores, theirs, strict=True
    ):
        probabilities = dict(zip(shipped.linear.classes, map(float, row), strict=True))
        engine = scored.polarity if scored is not None else 0.0
        assert abs(polarity - shipped.blend(engine, probabilities, lang)) <= 1e-12
        assert drivers == reference_drivers(shipped, text, lang)
        assert shipped.word_drivers(text, lang) == drivers


def test_one_batch_reads_each_text_as_alone(batch) -> None:
    texts = batch[0][:120]
    assert analyze_many(texts) == [analyze(t) for t in texts]
