"""A small learned layer per business and language, trained online from weak labels.

Weak labels arrive for free: a business's own star-rated reviews (1-2 stars neg, 3 neu, 4-5
pos) and its owners' corrections. The model is an online logistic regression for "negative vs
the rest" over the lexicon score and hashed word-prefix n-grams (negation-marked). It is a pure
value: `update(state, text, label) -> state`, `predict(state, text) -> P(neg)`. It never scores
a text it was trained on (`combine` falls back to the lexicon result), and it is used only once
it has seen enough of both classes.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from pipeline.sentiment.base import squash
from pipeline.sentiment.rules import RULES
from pipeline.text.tokens import tokenize

BUCKETS = 1 << 18
PREFIX = 5  # a cheap stem: "zwrot", "zwrotu", "zwrócić" share "zwrot"/"zwróc"
LEARNING_RATE = 0.2
L2 = 1e-4
MIN_PER_CLASS = 20  # below this many negatives and non-negatives the layer stays off
LABEL_FROM_RATING = {1: "neg", 2: "neg", 3: "neu", 4: "pos", 5: "pos"}


@dataclass(frozen=True)
class LearnedState:
    lang: str
    weights: Mapping[int, float] = field(default_factory=dict)
    negatives: int = 0
    others: int = 0
    trained_on: frozenset[int] = frozenset()  # fingerprints of the texts learned from

    @property
    def ready(self) -> bool:
        return self.negatives >= MIN_PER_CLASS and self.others >= MIN_PER_CLASS


def fingerprint(text: str) -> int:
    return zlib.crc32(" ".join(text.lower().split()).encode("utf-8"))


def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) % BUCKETS


def features(text: str, lang: str, lexicon_polarity: float) -> dict[int, float]:
    """Sparse features: bias, the lexicon polarity, and word-prefix uni/bigrams, where a word
    after a negator is marked ("NOT_dział")."""
    rules = RULES.get(lang)
    negators = rules.negators if rules else frozenset()
    grams: list[str] = []
    negate = False
    for token in tokenize(text):
        if token.text in negators:
            negate = True
            continue
        grams.append(("NOT_" if negate else "") + token.text[:PREFIX])
        negate = False
    counts: dict[int, float] = {_bucket("bias"): 1.0}
    for gram in grams + [f"{a}|{b}" for a, b in zip(grams, grams[1:], strict=False)]:
        key = _bucket(gram)
        counts[key] = counts.get(key, 0.0) + 1.0
    norm = math.sqrt(sum(v * v for v in counts.values()))
    scaled = {k: v / norm for k, v in counts.items()}
    scaled[_bucket("lexicon")] = 2.0 * lexicon_polarity
    return scaled


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _probability(weights: Mapping[int, float], feats: Mapping[int, float]) -> float:
    return _sigmoid(sum(weights.get(k, 0.0) * v for k, v in feats.items()))


def _lexicon_polarity(text: str, lang: str) -> float:
    from pipeline.sentiment import score_text

    return score_text(text, lang).polarity


def update_many(state: LearnedState, examples: Iterable[tuple[str, str]]) -> LearnedState:
    """Learn from (text, label) pairs in order; returns a new state."""
    weights = dict(state.weights)
    negatives, others = state.negatives, state.others
    seen = set(state.trained_on)
    for text, label in examples:
        if label not in ("neg", "neu", "pos"):
            continue
        feats = features(text, state.lang, _lexicon_polarity(text, state.lang))
        target = 1.0 if label == "neg" else 0.0
        step = LEARNING_RATE / math.sqrt(1 + (negatives + others) / 50)
        error = _probability(weights, feats) - target
        for key, value in feats.items():
            weights[key] = weights.get(key, 0.0) * (1 - step * L2) - step * error * value
        negatives += label == "neg"
        others += label != "neg"
        seen.add(fingerprint(text))
    return replace(
        state, weights=weights, negatives=negatives, others=others, trained_on=frozenset(seen)
    )


def update(state: LearnedState, text: str, label: str) -> LearnedState:
    """Learn from one weakly labelled text (a rated review or an owner's correction)."""
    return update_many(state, [(text, label)])


def predict(state: LearnedState, text: str, lexicon_polarity: float | None = None) -> float:
    """P(negative) for `text`; 0.5 means the layer knows nothing."""
    if lexicon_polarity is None:
        lexicon_polarity = _lexicon_polarity(text, state.lang)
    return _probability(state.weights, features(text, state.lang, lexicon_polarity))


def usable_for(state: LearnedState | None, text: str, lang: str) -> bool:
    return (
        state is not None
        and state.ready
        and state.lang == lang
        and fingerprint(text) not in state.trained_on
    )


def combined_polarity(lexicon_polarity: float, p_negative: float) -> float:
    """Move the lexicon polarity toward the learned layer's verdict: the sign follows the
    learned P(neg) (which already includes the lexicon score as a feature)."""
    learned = squash(math.log((1 - p_negative + 1e-9) / (p_negative + 1e-9)), alpha=4.0)
    if (learned < 0) == (lexicon_polarity < 0):
        return (lexicon_polarity + learned) / 2
    return learned


def _neg_f1_and_balanced_accuracy(gold: Sequence[str], neg: Sequence[bool]) -> tuple[float, float]:
    tp = sum(1 for g, p in zip(gold, neg, strict=True) if p and g == "neg")
    fp = sum(1 for g, p in zip(gold, neg, strict=True) if p and g != "neg")
    positives = sum(1 for g in gold if g == "neg")
    rest = len(gold) - positives
    tn = rest - fp
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / positives if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, (recall + (tn / rest if rest else 0.0)) / 2


def cross_validated_gain(
    rows: Sequence[tuple[str, str, str]], folds: int, langs: Sequence[str]
) -> dict[str, dict[str, float]]:
    """For each language: neg F1 and balanced accuracy of the lexicon alone vs with the learned
    layer, k-fold (train on k-1 folds, score the held-out fold). rows: (lang, text, label)."""
    from pipeline.sentiment import label_of, score_text, settled

    out: dict[str, dict[str, float]] = {}
    for lang in langs:
        mine = [(text, label) for row_lang, text, label in rows if row_lang == lang]
        if len(mine) < folds * 2:
            continue
        fold_of = [fingerprint(text) % folds for text, _ in mine]
        polarity = [score_text(text, lang).polarity for text, _ in mine]
        learned_neg = [False] * len(mine)
        for k in range(folds):
            train = [ex for ex, f in zip(mine, fold_of, strict=True) if f != k]
            state = update_many(LearnedState(lang), train)
            for i, (text, _) in enumerate(mine):
                if fold_of[i] == k:
                    p = predict(state, text, polarity[i]) if state.ready else None
                    final = polarity[i] if p is None else combined_polarity(polarity[i], p)
                    learned_neg[i] = label_of(settled(final)) == "neg"
        gold = [label for _, label in mine]
        base_f1, base_ba = _neg_f1_and_balanced_accuracy(
            gold, [label_of(settled(p)) == "neg" for p in polarity]
        )
        f1, ba = _neg_f1_and_balanced_accuracy(gold, learned_neg)
        out[lang] = {"base_f1": base_f1, "base_ba": base_ba, "learned_f1": f1, "learned_ba": ba}
    return out


def label_from_rating(rating: int | None) -> str | None:
    """The weak label a star rating gives (1-2 neg, 3 neu, 4-5 pos)."""
    return LABEL_FROM_RATING.get(rating) if rating is not None else None


def apply_learned(result, state: LearnedState | None, text: str):  # SentimentResult -> same
    """`result` moved by the business's learned layer, when that layer is ready, is for the
    result's language and has not been trained on this very text; otherwise `result` as is."""
    from pipeline.sentiment import label_of, settled

    if not result.scored or not usable_for(state, text, result.lang):
        return result
    p_negative = predict(state, text)
    polarity = settled(combined_polarity(result.polarity, p_negative))
    return replace(
        result,
        label=label_of(polarity),
        polarity=polarity,
        negativity=round(max(result.negativity or 0.0, -polarity, 0.0), 4),
        method=f"{result.method}+learned",
    )
