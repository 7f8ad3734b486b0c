"""The trained sentiment layer: the rule engine's signals beside word and character n-grams.

Per text, the features are

* the engine's reading (`score_text`): its polarity, the negative and positive evidence mass,
  its label, and how many hits each rule family gave (`rule:negated-unknown`, `rule:phrase`,
  `rule:stated-rating`...): the rules are features, and the model learns how far to trust each;
* lower-cased word unigrams and bigrams, per language (`w:pl:nie_polecam`);
* character 2-4-grams inside word boundaries (shared by all languages: Russian and Ukrainian
  share many);
* the language itself, so each language has its own bias.

A multinomial logistic regression (scikit-learn; `training/sentiment_model.py`, `make model`)
maps them to neg / neu / pos with probabilities. The artefact is plain data: the non-zero
coefficients in `models/sentiment.npz`, the spec and the card in `models/sentiment.json`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

    from pipeline.sentiment.base import TextScore

CLASSES = ("neg", "neu", "pos")
WORD_FEATURES = 2**20
CHAR_FEATURES = 2**20
CHAR_NGRAMS = (2, 4)
SPEC_VERSION = 1
MODEL_NAME = "sentiment"
MAX_CHARS = 5_000


class ModelMissingError(RuntimeError):
    """The sentiment model's files are not installed: run `make model` or reinstall."""


def engine_features(lang: str, scored: TextScore | None) -> dict[str, float]:
    """The rule engine's reading of a text as named features."""
    from pipeline.sentiment.base import squash

    features: dict[str, float] = {f"lang:{lang}": 1.0}
    if scored is None:
        features["engine:none"] = 1.0
        return features
    evidence = scored.evidence
    features["engine:polarity"] = scored.polarity
    features["engine:negative"] = squash(evidence.negative_mass)
    features["engine:positive"] = squash(evidence.positive_mass)
    features[f"engine:{lang}:polarity"] = scored.polarity
    label = "neg" if scored.polarity < 0 else "pos" if scored.polarity > 0 else "neu"
    features[f"engine:label:{label}"] = 1.0
    features[f"engine:method:{scored.method.split('+')[0]}"] = 1.0
    for rule, n in Counter(h.rule for h in evidence.hits).items():
        features[f"rule:{rule}"] = min(n, 5) / 5
    if not evidence.hits:
        features["engine:no_hits"] = 1.0
    return features


def word_features(lang: str, text: str) -> dict[str, float]:
    from pipeline.sentiment.text import tokenize

    words = [t.text for t in tokenize(text[:MAX_CHARS]) if t.kind != "stop"]
    features: dict[str, float] = {}
    for word in words:
        features[f"w:{lang}:{word}"] = 1.0
    for a, b in zip(words, words[1:], strict=False):
        features[f"w2:{lang}:{a}_{b}"] = 1.0
    return features


@cache
def _hashers():  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction import FeatureHasher
    from sklearn.feature_extraction.text import HashingVectorizer

    chars = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=CHAR_NGRAMS,
        n_features=CHAR_FEATURES,
        alternate_sign=False,
        lowercase=True,
        norm="l2",
    )
    named = FeatureHasher(n_features=WORD_FEATURES, input_type="dict", alternate_sign=False)
    return chars, named


def vectorize(
    texts: Sequence[str], langs: Sequence[str], scores: Sequence[TextScore | None]
) -> csr_matrix:
    from scipy.sparse import hstack

    chars, named = _hashers()
    rows = []
    for text, lang, scored in zip(texts, langs, scores, strict=True):
        features = word_features(lang, text)
        features.update(engine_features(lang, scored))
        rows.append(features)
    return hstack(
        [named.transform(rows), chars.transform([t[:MAX_CHARS] for t in texts])], format="csr"
    )


@dataclass(frozen=True)
class SentimentModel:
    classes: tuple[str, ...]
    weights: csr_matrix  # features x classes
    intercept: np.ndarray
    card: dict

    def probabilities(self, matrix: csr_matrix) -> np.ndarray:
        import numpy as np

        logits = (matrix @ self.weights).toarray() + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(
        self, texts: Sequence[str], langs: Sequence[str], scores: Sequence[TextScore | None]
    ) -> list[dict[str, float]]:
        """P(neg), P(neu), P(pos) of each text, one batch."""
        if not texts:
            return []
        probs = self.probabilities(vectorize(texts, langs, scores))
        return [dict(zip(self.classes, map(float, row), strict=True)) for row in probs]


def save(path_stem: str, model: SentimentModel) -> None:
    import numpy as np

    coo = model.weights.tocoo()
    np.savez_compressed(
        f"{path_stem}.npz",
        rows=coo.row.astype(np.int32),
        cols=coo.col.astype(np.int8),  # the class
        values=coo.data.astype(np.float32),
        intercept=model.intercept.astype(np.float64),
    )
    card = dict(model.card)
    card.update(
        {
            "classes": list(model.classes),
            "spec_version": SPEC_VERSION,
            "word_features": WORD_FEATURES,
            "char_features": CHAR_FEATURES,
            "char_ngrams": list(CHAR_NGRAMS),
        }
    )
    with open(f"{path_stem}.json", "w", encoding="utf-8") as out:
        json.dump(card, out, ensure_ascii=False, indent=2, sort_keys=True)
        out.write("\n")


def from_files(npz_path: object, json_path: object) -> SentimentModel:
    import numpy as np
    from scipy.sparse import coo_matrix

    with open(json_path, encoding="utf-8") as f:  # type: ignore[call-overload]
        card = json.load(f)
    if card.get("spec_version") != SPEC_VERSION:
        raise ModelMissingError(
            f"sentiment model spec {card.get('spec_version')} != {SPEC_VERSION}: run `make model`"
        )
    arrays = np.load(npz_path, allow_pickle=False)
    classes = tuple(card["classes"])
    weights = coo_matrix(
        (arrays["values"].astype(np.float64), (arrays["rows"], arrays["cols"].astype(np.int32))),
        shape=(WORD_FEATURES + CHAR_FEATURES, len(classes)),
    ).tocsr()
    return SentimentModel(classes, weights, arrays["intercept"], card)


@cache
def load_model() -> SentimentModel:
    folder = resources.files("pipeline.sentiment").joinpath("models")
    npz, card = folder.joinpath(f"{MODEL_NAME}.npz"), folder.joinpath(f"{MODEL_NAME}.json")
    if not (npz.is_file() and card.is_file()):
        raise ModelMissingError(
            "the sentiment model (pipeline/sentiment/models/sentiment.npz, .json) is not"
            " installed: run `make model`, or reinstall the package"
        )
    with resources.as_file(npz) as npz_path, resources.as_file(card) as json_path:
        return from_files(npz_path, json_path)
