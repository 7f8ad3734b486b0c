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

`analyze` reads a text's polarity as a blend (`SentimentModel.blend`): the card's
share of the engine times the engine's polarity plus the rest times the model's
P(pos) - P(neg), and neutral when the model finds neutral most likely and the blend is weak
(the neutral band); `make model` chooses both per language on held-out real texts (the card's
`blend`; docs/sentiment_model.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING

from pipeline import linear_model
from pipeline.linear_model import LinearModel

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
MIN_DRIVER_WEIGHT = 0.5  # a word weighing less is not named as a driver


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
    from pipeline.text.tokens import tokenize

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


FEATURES = WORD_FEATURES + CHAR_FEATURES


def blend(
    engine_polarity: float, probabilities: dict[str, float], weight: float, band: float
) -> float:
    """A text's polarity: the engine's and the model's P(pos) - P(neg), weighted; 0.0 for a
    text the model reads as neutral whose blend stays inside the neutral band."""
    polarity = weight * engine_polarity + (1.0 - weight) * (
        probabilities["pos"] - probabilities["neg"]
    )
    neutral = probabilities["neu"] >= max(probabilities["neg"], probabilities["pos"])
    return 0.0 if neutral and abs(polarity) < band else polarity


@dataclass(frozen=True)
class SentimentModel:
    linear: LinearModel

    def blend_of(self, lang: str) -> tuple[float, float]:
        """(share of the engine, neutral band) for a language: the card's choice for it, or
        the shared one for a language with no held-out texts to choose on."""
        blends = self.linear.card.get("blend", {})
        weight, band = blends.get(lang, blends.get("shared", (0.5, 0.0)))
        return float(weight), float(band)

    def blend(self, engine_polarity: float, probabilities: dict[str, float], lang: str) -> float:
        """`blend` at this language's share of the engine and neutral band."""
        return blend(engine_polarity, probabilities, *self.blend_of(lang))

    def polarities(
        self, texts: Sequence[str], langs: Sequence[str], scores: Sequence[TextScore | None]
    ) -> list[float]:
        """Each text's blended polarity (`blend`), one batch."""
        return [
            self.blend(scored.polarity if scored is not None else 0.0, probabilities, lang)
            for scored, probabilities, lang in zip(
                scores, self.predict(texts, langs, scores), langs, strict=True
            )
        ]

    @cached_property
    def _word_leaning(self) -> np.ndarray:
        """Each hashed word feature's weight towards pos minus towards neg (4 MB, once)."""
        import numpy as np

        neg, pos = self.linear.classes.index("neg"), self.linear.classes.index("pos")
        words = self.linear.weights[:WORD_FEATURES].tocsc()
        return np.asarray((words[:, pos] - words[:, neg]).toarray()).ravel().astype(np.float32)

    def word_drivers(self, text: str, lang: str, top: int = 3) -> tuple[str, ...]:
        """The words and word pairs of the text that pushed the model most, signed like the
        engine's drivers ("-nie_polecam", "+polecam")."""
        from sklearn.utils import murmurhash3_32

        names = list(word_features(lang, text))
        if not names:
            return ()
        # the column FeatureHasher gives a name (alternate_sign=False), without its overhead
        columns = [abs(murmurhash3_32(name, seed=0)) % WORD_FEATURES for name in names]
        leaning = self._word_leaning[columns]
        order = sorted(range(len(names)), key=lambda i: -abs(leaning[i]))[:top]
        return tuple(
            f"{'-' if leaning[i] < 0 else '+'}{names[i].split(':', 2)[2]}"
            for i in order
            if abs(leaning[i]) >= MIN_DRIVER_WEIGHT
        )

    def predict(
        self, texts: Sequence[str], langs: Sequence[str], scores: Sequence[TextScore | None]
    ) -> list[dict[str, float]]:
        """P(neg), P(neu), P(pos) of each text, one batch."""
        if not texts:
            return []
        probs = self.linear.probabilities(vectorize(texts, langs, scores))
        return [dict(zip(self.linear.classes, map(float, row), strict=True)) for row in probs]


def from_files(npz_path: object, json_path: object) -> SentimentModel:
    return SentimentModel(
        linear_model.load(npz_path, json_path, features=FEATURES, spec_version=SPEC_VERSION)
    )


@cache
def load_model() -> SentimentModel:
    """The shipped model (package data `models/sentiment.*`)."""
    return SentimentModel(
        linear_model.load_packaged(
            "pipeline.sentiment", MODEL_NAME, features=FEATURES, spec_version=SPEC_VERSION
        )
    )


def save(stem: str, model: SentimentModel) -> None:
    spec = {
        "spec_version": SPEC_VERSION,
        "word_features": WORD_FEATURES,
        "char_features": CHAR_FEATURES,
        "char_ngrams": list(CHAR_NGRAMS),
    }
    linear = model.linear
    linear_model.save(
        stem, LinearModel(linear.classes, linear.weights, linear.intercept, {**linear.card, **spec})
    )
