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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
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


HASH_CACHE = 1 << 16  # words whose char n-gram columns are kept (a few MB at most)


@cache
def _murmurhash() -> Callable[..., int]:
    from sklearn.utils import murmurhash3_32

    return murmurhash3_32


def _columns(names: Iterable[str]) -> list[int]:
    """The columns scikit-learn's FeatureHasher gives the names (murmurhash3, seed 0, unsigned)."""
    murmurhash = _murmurhash()
    return [abs(murmurhash(name, seed=0)) % WORD_FEATURES for name in names]


@lru_cache(maxsize=HASH_CACHE)
def _char_columns(word: str) -> np.ndarray:
    """The columns of a lower-cased word's char_wb n-grams, one per n-gram (repeats kept), as
    HashingVectorizer(analyzer="char_wb") makes them, offset past the word features."""
    import numpy as np

    murmurhash = _murmurhash()
    padded = f" {word} "
    grams = []
    for n in range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1):
        grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
        if len(padded) <= n:  # a short word counts once, at its whole length
            break
    return np.array(
        [WORD_FEATURES + abs(murmurhash(gram, seed=0)) % CHAR_FEATURES for gram in grams],
        dtype=np.int64,
    )


def _named_keys(
    words: Sequence[dict[str, float]], langs: Sequence[str], scores: Sequence[TextScore | None]
) -> tuple[np.ndarray, np.ndarray]:
    """(row * FEATURES + column, value) of the hashed named features, summed per key, zeros
    left out: FeatureHasher's matrix as sorted keys."""
    import numpy as np

    keys, values = [], []
    for row, (named, lang, scored) in enumerate(zip(words, langs, scores, strict=True)):
        features = {**named, **engine_features(lang, scored)}
        kept = [name for name, value in features.items() if value != 0]
        start = row * FEATURES
        keys += [start + column for column in _columns(kept)]
        values += [features[name] for name in kept]
    unique, inverse = np.unique(np.array(keys, dtype=np.int64), return_inverse=True)
    return unique, np.bincount(inverse, weights=values, minlength=len(unique))


def _char_keys(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(row * FEATURES + column, value) of the char_wb 2-4-gram counts, l2-normalised per row:
    HashingVectorizer's matrix as sorted keys."""
    import numpy as np

    pieces, rows = [], []
    for row, text in enumerate(texts):
        for word in text[:MAX_CHARS].lower().split():
            pieces.append(_char_columns(word))
            rows.append(row * FEATURES)
    if not pieces:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    keys = np.repeat(np.array(rows, dtype=np.int64), lengths) + np.concatenate(pieces)
    keys, counts = np.unique(keys, return_counts=True)
    of_row = keys // FEATURES
    # sums of squared counts are integers, exact in any order: the norms are sklearn's
    norms = np.sqrt(np.bincount(of_row, weights=counts.astype(np.float64) ** 2))
    return keys, counts / norms[of_row]


def feature_rows(
    texts: Sequence[str],
    words: Sequence[dict[str, float]],
    langs: Sequence[str],
    scores: Sequence[TextScore | None],
) -> csr_matrix:
    """The feature matrix of texts whose `word_features` are already known, one row a text,
    each row's columns sorted (as the hstacked hashers gave them)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    named, named_values = _named_keys(words, langs, scores)
    chars, char_values = _char_keys(texts)
    keys = np.concatenate([named, chars])
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], np.concatenate([named_values, char_values])[order]
    per_row = np.bincount(keys // FEATURES, minlength=len(texts))
    indptr = np.concatenate([[0], np.cumsum(per_row)])
    index = np.int32 if len(keys) < 2**31 else np.int64  # a training set may need more
    return csr_matrix(
        (values, (keys % FEATURES).astype(index), indptr.astype(index)),
        shape=(len(texts), FEATURES),
    )


def vectorize(
    texts: Sequence[str], langs: Sequence[str], scores: Sequence[TextScore | None]
) -> csr_matrix:
    """The model's features: FeatureHasher over the named features beside HashingVectorizer's
    char_wb n-grams, the same columns and values, computed without their per-call overhead."""
    words = [word_features(lang, text) for text, lang in zip(texts, langs, strict=True)]
    return feature_rows(texts, words, langs, scores)


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
        return [polarity for polarity, _ in self.read(texts, langs, scores, top=0)]

    def read(
        self,
        texts: Sequence[str],
        langs: Sequence[str],
        scores: Sequence[TextScore | None],
        top: int = 3,
    ) -> list[tuple[float, tuple[str, ...]]]:
        """Each text's blended polarity and its `top` word drivers, one batch: the words are
        read once for both."""
        if not texts:
            return []
        words = [word_features(lang, text) for text, lang in zip(texts, langs, strict=True)]
        probs = self.linear.probabilities(feature_rows(texts, words, langs, scores))
        return [
            (
                self.blend(
                    scored.polarity if scored is not None else 0.0,
                    dict(zip(self.linear.classes, map(float, row), strict=True)),
                    lang,
                ),
                self._drivers(list(named), top) if top else (),
            )
            for scored, row, lang, named in zip(scores, probs, langs, words, strict=True)
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
        return self._drivers(list(word_features(lang, text)), top)

    def _drivers(self, names: list[str], top: int) -> tuple[str, ...]:
        if not names:
            return ()
        import numpy as np

        leaning = self._word_leaning[_columns(names)]
        order = np.argsort(-np.abs(leaning), kind="stable")[:top]
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
