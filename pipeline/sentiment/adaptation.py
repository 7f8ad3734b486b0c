"""Per-business adaptation: a small shift of the shipped scorer's polarity, learned online from
one business's owner corrections (and, if wanted, its own star-rated reviews).

The shipped scorer (rule engine blended with the trained model, `analyze`) stays as it is. On
top of it each business has an `Adaptation`: a sparse weight vector (and, if `Params` asks, a
bias per language; measured worse, so off by default)
over the hashed word features the model reads (`model.word_features`: word unigrams and
bigrams per language, hashed to the model's columns; 5-letter word prefixes can be added,
`Params.prefixes`, but measured worse). A text's polarity becomes

    polarity + bias[lang] + sum(weight[column] * value)

clipped to [-1, 1]. Each labelled text updates the state once, in arrival order, with a
passive-aggressive step (PA-II) on "negative vs the rest": the smallest change of the weights
that puts the text on the owner's side of zero by `margin`, capped by `aggressiveness`, so one
correction moves its words a tenth of the way and a word the owner corrects again and again
(a business's recurring misreading) moves furthest; weights decay towards zero by `decay` per
update, and only the MAX_WEIGHTS strongest are kept. The settings are the most conservative
measured (benchmarks/results/sentiment_adaptation.md): on real reviews the shipped scorer is
already calibrated per source and twenty corrections of unrelated errors teach little, so
bolder settings lost accuracy on the business's other reviews.

Pure functions over a frozen value; `to_json` / `from_json` give a small dict that a stream
worker can keep in a table (a few KB after a few hundred updates).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.sentiment import SentimentResult

STATE_VERSION = 1
NEGATIVE = "neg"
LABELS = ("neg", "neu", "pos")
LABEL_FROM_RATING = {1: "neg", 2: "neg", 4: "pos", 5: "pos"}  # 3 stars says neither
PREFIX = 5
RATING_WEIGHT = 0.5  # a star rating teaches half as much as an owner's correction
MAX_WEIGHTS = 4000  # the strongest kept; the rest dropped (a stream worker's row stays small)
MIN_WEIGHT = 1e-4
DIGITS = 5  # weights are rounded so a saved state is small and round-trips exactly


@dataclass(frozen=True)
class Params:
    """How the layer learns (benchmarks/sentiment_adaptation.py measured these defaults)."""

    margin: float = 0.1  # a learned text lands this far past zero on the owner's side
    aggressiveness: float = 0.05  # PA-II's C: how far one example may move the state
    bias_feature: float = 0.0  # the bias's feature value (0: no bias; measured: a bias lost)
    decay: float = 0.01  # every update shrinks all weights by this share, towards zero
    prefixes: bool = False  # word prefixes beside the model's word features (measured: worse)


DEFAULT = Params()


@dataclass(frozen=True)
class Adaptation:
    """One business's learned shift. Empty (the default) changes nothing."""

    bias: Mapping[str, float] = field(default_factory=dict)  # lang -> shift of every text
    weights: Mapping[int, float] = field(default_factory=dict)  # hashed column -> weight
    examples: int = 0  # labelled texts learned from

    @property
    def empty(self) -> bool:
        return not self.bias and not self.weights


def features(text: str, lang: str, params: Params = DEFAULT) -> dict[int, float]:
    """The text's hashed word features (the model's word unigram / bigram columns, and word
    prefixes), each 1/sqrt(n) so a text's vector has unit length."""
    from pipeline.sentiment.model import _columns, word_features

    names = list(word_features(lang, text))
    prefixes = (
        {f"p:{lang}:{name.split(':', 2)[2][:PREFIX]}" for name in names if name[:2] == "w:"}
        if params.prefixes
        else set()
    )
    columns = set(_columns(names + sorted(prefixes)))
    if not columns:
        return {}
    value = 1.0 / math.sqrt(len(columns))
    return {column: value for column in sorted(columns)}


def shift(state: Adaptation, lang: str, feats: Mapping[int, float]) -> float:
    """How far the state moves a text of these features (positive: towards pos)."""
    weights = state.weights
    return state.bias.get(lang, 0.0) + sum(weights.get(k, 0.0) * v for k, v in feats.items())


def adapted_polarity(
    state: Adaptation, text: str, lang: str, polarity: float, params: Params = DEFAULT
) -> float:
    """The scorer's polarity of a text moved by the business's state, in [-1, 1]."""
    if state.empty:
        return polarity
    return moved(polarity, shift(state, lang, features(text, lang, params)))


def moved(polarity: float, by: float) -> float:
    return max(-1.0, min(1.0, polarity + by))


def learn(
    state: Adaptation,
    text: str,
    lang: str,
    polarity: float,
    label: str,
    weight: float = 1.0,
    params: Params = DEFAULT,
) -> Adaptation:
    """The state after one labelled text: `polarity` is what the shipped scorer gave the text
    (text only), `label` what the owner (or the star rating) says; `weight` scales the step."""
    return learn_features(
        state, features(text, lang, params), lang, polarity, label, weight, params
    )


def learn_features(
    state: Adaptation,
    feats: Mapping[int, float],
    lang: str,
    polarity: float,
    label: str,
    weight: float = 1.0,
    params: Params = DEFAULT,
) -> Adaptation:
    """`learn` of a text whose `features` are known."""
    if label not in LABELS or weight <= 0:
        return state
    side = -1.0 if label == NEGATIVE else 1.0  # which side of zero the text belongs on
    loss = max(0.0, params.margin - side * (polarity + shift(state, lang, feats)))
    keep = 1.0 - params.decay
    weights = {k: w * keep for k, w in state.weights.items()}
    bias = {lg: b * keep for lg, b in state.bias.items()}
    if loss > 0:
        norm = sum(v * v for v in feats.values()) + params.bias_feature**2
        step = weight * loss / (norm + 1.0 / (2.0 * params.aggressiveness))
        for column, value in feats.items():
            weights[column] = weights.get(column, 0.0) + step * side * value
        if params.bias_feature:
            bias[lang] = bias.get(lang, 0.0) + step * side * params.bias_feature
    return Adaptation(
        bias=_tidy(bias), weights=_tidy(weights, MAX_WEIGHTS), examples=state.examples + 1
    )


def learn_many(
    state: Adaptation,
    examples: Iterable[tuple[str, str, float, str]],
    weight: float = 1.0,
    params: Params = DEFAULT,
) -> Adaptation:
    """`learn` from (text, lang, polarity, label) in order."""
    for text, lang, polarity, label in examples:
        state = learn(state, text, lang, polarity, label, weight, params)
    return state


def learn_rating(
    state: Adaptation,
    text: str,
    lang: str,
    polarity: float,
    rating: int | None,
    params: Params = DEFAULT,
) -> Adaptation:
    """`learn` from a star-rated review of the business (1-2 stars neg, 4-5 pos; 3 skipped),
    at RATING_WEIGHT. `polarity` is the scorer's reading of the text alone, without the
    rating."""
    label = LABEL_FROM_RATING.get(rating) if rating is not None else None
    if label is None:
        return state
    return learn(state, text, lang, polarity, label, RATING_WEIGHT, params)


def apply(
    state: Adaptation | None, result: SentimentResult, text: str, params: Params = DEFAULT
) -> SentimentResult:
    """`result` as the business's state reads it: the polarity shifted, the label, negativity
    and method to match; unscored results and an empty state leave it as it is."""
    from pipeline.sentiment import label_of, settled

    if state is None or state.empty or not result.scored or result.polarity is None:
        return result
    polarity = settled(adapted_polarity(state, text, result.lang, result.polarity, params))
    if polarity == result.polarity:
        return result
    negativity = result.negativity or 0.0
    return replace(
        result,
        label=label_of(polarity),
        polarity=polarity,
        negativity=round(max(negativity, -polarity), 4) if polarity < 0 else negativity,
        method=f"{result.method}+business",
    )


def to_json(state: Adaptation) -> dict[str, Any]:
    """A JSON-ready dict (keys are strings; the weights sorted by column)."""
    return {
        "version": STATE_VERSION,
        "examples": state.examples,
        "bias": dict(sorted(state.bias.items())),
        "weights": {str(k): w for k, w in sorted(state.weights.items())},
    }


def from_json(data: Mapping[str, Any]) -> Adaptation:
    if data.get("version") != STATE_VERSION:
        raise ValueError(f"adaptation state version {data.get('version')!r}, not {STATE_VERSION}")
    return Adaptation(
        bias={str(k): float(v) for k, v in data.get("bias", {}).items()},
        weights={int(k): float(v) for k, v in data.get("weights", {}).items()},
        examples=int(data.get("examples", 0)),
    )


def _tidy(values: Mapping[Any, float], keep: int | None = None) -> dict[Any, float]:
    """Rounded, the near-zero dropped, at most `keep` of the largest magnitude."""
    tidy = {k: round(v, DIGITS) for k, v in values.items() if abs(v) >= MIN_WEIGHT}
    tidy = {k: v for k, v in tidy.items() if v != 0.0}
    if keep is not None and len(tidy) > keep:
        strongest = sorted(tidy, key=lambda k: (-abs(tidy[k]), k))[:keep]
        tidy = {k: tidy[k] for k in sorted(strongest)}
    return tidy
