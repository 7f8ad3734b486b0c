"""The reply-conduct model: is a sentence of a handler's reply condescending, blaming, arguing,
dismissive, sarcastic, threatening, rude, or none of these. Trained, not listed.

Each sentence becomes sparse features (see `sentence_features`):

* the sentence's meaning, and the whole reply's, as multilingual sentence embeddings
  (`pipeline.text.embeddings`: sentences that mean the same lie close, in any language);
* lemma unigrams and bigrams, per language;
* the sentence's shape in word classes shared by all languages (`YOU IMP`, `YOU FAULT`,
  `NEXT_TIME ADVICE`, `OTHERS`...), so what is learned in one language carries to another;
* the phrase lists' cues and the structural conduct rules that fire in the sentence (the rules
  are features, and stay quotable evidence);
* the sentiment model's reading of the sentence (`pipeline.sentiment.analyze`);
* punctuation (quotes, !, ?), position in the reply, length, whether the reply is courteous.

The whole reply is read as one more unit (the union of its sentences' features), so a tone
spread over several sentences counts too. A multinomial logistic regression (scikit-learn,
trained by `training/closure_conduct.py`, `make model`) maps each unit to the eight classes;
a reply is misconduct when any unit's probability of a bad kind reaches the threshold.

The artefact is plain data: the non-zero coefficients in `models/conduct.npz` and the spec,
classes, threshold and figures in `models/conduct.json` (model card: docs/closure_model.md).
At run time a stateless hasher, a sparse dot product and the sentence encoder are needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from pipeline import linear_model
from pipeline.closure import phrases
from pipeline.linear_model import LinearModel

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

    from pipeline.closure.grade import _Sentence, _Token

KINDS = (
    "none",
    "condescending",
    "blaming",
    "arguing",
    "dismissive",
    "sarcastic",
    "threatening",
    "rude",
)
# the model's kinds as the closure grade's problems
PROBLEM_OF_KIND = {
    "condescending": "condescending",
    "blaming": "blames",
    "arguing": "argues",
    "dismissive": "dismissive",
    "sarcastic": "sarcasm",
    "threatening": "threatens",
    "rude": "rude",
}
WORD_FEATURES = 2**18
EMBEDDING_FEATURES = 512
EMBEDDING_SCALE = 4.0  # the embedding blocks' length beside the binary named features
SPEC_VERSION = 3
MODEL_NAME = "conduct"

# Word classes of the shape features: the first class a token belongs to names it.
SHAPE_CLASSES = (
    ("NEG", "negators"),
    ("WE", "ours"),
    ("FAULT", "fault"),
    ("SELF", "self"),
    ("IF", "counterfactual"),
    ("COURT", "courtesy_words"),
    ("OFFER", "offer_verbs"),
    ("CUST", "customer_words"),
    ("MANNER", "manner"),
    ("SAY", "say_verbs"),
    ("TIMES", "times"),
    ("CEASE", "cease"),
    ("ENOUGH", "enough"),
    ("SARC", "sarcasm_openers"),
    ("Q", "question_words"),
    ("AGAIN", "again"),
    ("NEXT_TIME", "time_reproach"),
    ("ADVICE", "advice"),
    ("CAN", "can"),
    ("MISTAKE", "mistake"),
    ("UNTRUE", "untruth"),
    ("AFFAIR", "affair"),
    ("FORCE", "force"),
    ("DRAMA", "drama"),
    ("TOO", "too"),
    ("HARD", "hard"),
    ("REQUEST", "request"),
    ("NOBODY", "no_words"),
)
# every cue of the phrase data but the customer's side and the helpers of other cues
FEATURE_CUES = tuple(
    sorted(phrases.KNOWN_CUES - {"name_intro", "reason_in_refusal", "happy", "unhappy"})
)


def _shape_symbol(token: _Token, lang: str) -> str:
    from pipeline.closure.grade import _cls, _in_class

    if token.second:
        return "TY" if token.informal else "YOU"
    if token.imperative:
        return "IMP"
    if token.surface.isdigit():
        return "NUM"
    for symbol, name in SHAPE_CLASSES:
        if _in_class(token, _cls(name)[lang]):
            return symbol
    return "_"


def sentence_features(
    sentence: _Sentence,
    lang: str,
    *,
    position: str,
    courteous_reply: bool,
    sentiment: tuple[str, float, bool] | None,
) -> dict[str, float]:
    """Named features of one sentence (the word block; characters are hashed apart)."""
    from pipeline.closure.grade import _find_in_sentence, _generic_conduct

    tokens = sentence[1:-1]
    features: dict[str, float] = {}
    lemmas = [t.lemma for t in tokens]
    for lemma in lemmas:
        features[f"w:{lang}:{lemma}"] = 1.0
    for a, b in zip(lemmas, lemmas[1:], strict=False):
        features[f"w2:{lang}:{a}_{b}"] = 1.0
    shape = ["BOS", *(_shape_symbol(t, lang) for t in tokens), "EOS"]
    for a, b in zip(shape, shape[1:], strict=False):
        if a != "_" or b != "_":
            features[f"s2:{a}_{b}"] = 1.0
    for a, b, c in zip(shape, shape[1:], shape[2:], strict=False):
        if (a, b, c).count("_") <= 1:
            features[f"s3:{a}_{b}_{c}"] = 1.0
    for symbol in set(shape) - {"_", "BOS", "EOS"}:
        features[f"has:{symbol}"] = 1.0
    for cue in FEATURE_CUES:
        if _find_in_sentence(sentence, lang, cue):
            features[f"cue:{cue}"] = 1.0
    for problem, hits in _generic_conduct([sentence], lang, courteous_reply).items():
        for hit in hits:
            rule = hit.rsplit("[", 1)[-1].rstrip("]")
            features[f"rule:{problem}:{rule}"] = 1.0
    if sentiment is not None:
        label, negativity, any_positive = sentiment
        features[f"sent:{label}"] = 1.0
        features["sent:negativity"] = negativity
        if any_positive:
            features["sent:positive_words"] = 1.0
    text = sentence.text
    for mark, name in (("!", "exclaim"), ("?", "question"), ("...", "dots"), ("…", "dots")):
        if mark in text:
            features[f"punct:{name}"] = 1.0
    if any(q in text for q in '"«»„“”'):
        features["punct:quotes"] = 1.0
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.6:
        features["caps"] = 1.0
    features[f"pos:{position}"] = 1.0
    features[f"len:{min(len(tokens) // 5, 6)}"] = 1.0
    if courteous_reply:
        features["reply:courteous"] = 1.0
    return features


@cache
def _hasher():  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction import FeatureHasher

    return FeatureHasher(n_features=WORD_FEATURES, input_type="dict", alternate_sign=False)


@dataclass(frozen=True)
class Units:
    """One reply as the model reads it: each sentence, then the whole reply as one more unit
    (the union of its sentences' features, `unit:reply`)."""

    texts: list[str]  # the sentences, then the whole reply
    named: list[dict[str, float]]

    @property
    def sentences(self) -> int:
        return len(self.texts) - 1 if self.texts else 0


def vectorize(units: Sequence[Units]) -> csr_matrix:
    """The model's input, one row a unit: named features (hashed), the unit's sentence
    embedding and the whole reply's embedding (`pipeline.text.embeddings`), side by side."""
    import numpy as np
    from scipy.sparse import csr_matrix, hstack

    from pipeline.text.embeddings import embed

    units = [u for u in units if u.texts]
    texts = [t for u in units for t in u.texts]
    named = [f for u in units for f in u.named]
    meaning = embed(texts)
    # each reply's own embedding is its last unit's; repeated over the reply's units
    lengths = np.array([len(u.texts) for u in units])
    context = np.repeat(meaning[np.cumsum(lengths) - 1], lengths, axis=0)
    return hstack(
        [
            _hasher().transform(named),
            csr_matrix(meaning * EMBEDDING_SCALE),
            csr_matrix(context * EMBEDDING_SCALE),
        ],
        format="csr",
    )


@dataclass(frozen=True)
class Verdict:
    """The model's reading of one reply."""

    kind: str  # one of KINDS: the worst kind found, "none" below the threshold
    bad_probability: float  # the highest 1 - P(none) over the reply's units
    quote: str  # the sentence that weighed most (the reply itself if it has one sentence)


@dataclass(frozen=True)
class ConductModel:
    linear: LinearModel
    threshold: float  # a reply is misconduct when a unit's 1 - P(none) reaches this
    # a phrase-list or structural rule hit makes a closure bad only when the reply's
    # 1 - P(none) reaches this too: alone, a rule is one of the model's features
    corroboration: float = 0.5
    # the rule families whose hit counts without the model (`make model` picks them)
    trusted_rule_families: frozenset[str] = frozenset()
    # a language's own threshold, where `make model` chose one (else `threshold`)
    language_thresholds: dict[str, float] = field(default_factory=dict)

    def threshold_for(self, lang: str | None) -> float:
        return self.language_thresholds.get(lang or "", self.threshold)

    @property
    def classes(self) -> tuple[str, ...]:
        return self.linear.classes

    @property
    def card(self) -> dict:
        return self.linear.card

    def probabilities(self, matrix: csr_matrix) -> np.ndarray:
        return self.linear.probabilities(matrix)

    def judge(self, replies: Sequence[Units], lang: str | None = None) -> list[Verdict]:
        """One verdict per reply, all replies (in `lang`) scored in one batch."""
        threshold = self.threshold_for(lang)
        replies_with_text = [u for u in replies if u.texts]
        probs = self.probabilities(vectorize(replies_with_text)) if replies_with_text else None
        none = self.classes.index("none")
        verdicts, row = [], 0
        for units in replies:
            if not units.texts:
                verdicts.append(Verdict("none", 0.0, ""))
                continue
            block = probs[row : row + len(units.texts)]  # type: ignore[index]
            row += len(units.texts)
            bad = 1.0 - block[:, none]
            worst = int(bad.argmax())
            kinds = block[worst].copy()
            kinds[none] = -1.0
            kind = self.classes[int(kinds.argmax())] if bad[worst] >= threshold else "none"
            # quote the sentence that weighed most, also when the whole reply decided
            sentence = int(bad[: units.sentences].argmax()) if units.sentences else worst
            verdicts.append(Verdict(kind, round(float(bad[worst]), 4), units.texts[sentence]))
        return verdicts


FEATURES = WORD_FEATURES + 2 * EMBEDDING_FEATURES


def save(stem: str, model: ConductModel) -> None:
    """Write the artefact (`pipeline.linear_model`), the spec and threshold in its card."""
    spec = {
        "threshold": model.threshold,
        "language_thresholds": dict(sorted(model.language_thresholds.items())),
        "corroboration": model.corroboration,
        "trusted_rule_families": sorted(model.trusted_rule_families),
        "spec_version": SPEC_VERSION,
        "word_features": WORD_FEATURES,
        "embedding_features": EMBEDDING_FEATURES,
        "embedding_scale": EMBEDDING_SCALE,
    }
    linear = model.linear
    linear_model.save(
        stem, LinearModel(linear.classes, linear.weights, linear.intercept, {**linear.card, **spec})
    )


def _from_linear(linear: LinearModel) -> ConductModel:
    card = linear.card
    return ConductModel(
        linear,
        float(card["threshold"]),
        float(card["corroboration"]),
        frozenset(card.get("trusted_rule_families", ())),
        {lang: float(t) for lang, t in card.get("language_thresholds", {}).items()},
    )


def from_files(npz_path: object, json_path: object) -> ConductModel:
    return _from_linear(
        linear_model.load(npz_path, json_path, features=FEATURES, spec_version=SPEC_VERSION)
    )


@cache
def load_model() -> ConductModel:
    """The shipped model (package data `models/conduct.*`)."""
    return _from_linear(
        linear_model.load_packaged(
            "pipeline.closure", MODEL_NAME, features=FEATURES, spec_version=SPEC_VERSION
        )
    )


def _kept(sentences: Sequence[_Sentence]) -> list[_Sentence]:
    return [s for s in sentences if len(s) > 2]  # a sentence with at least one word


def unit_texts(sentences: Sequence[_Sentence]) -> list[str]:
    """The texts the model embeds for one reply: its sentences, then the whole reply."""
    texts = [s.text for s in _kept(sentences)]
    return [*texts, " ".join(texts)] if texts else []


def reply_units(sentences: Sequence[_Sentence], lang: str, courteous: bool) -> Units:
    """The sentences of one reply, and the reply as a whole, as the model's input."""
    from pipeline.closure.grade import _sentence_sentiment

    kept = _kept(sentences)
    texts: list[str] = []
    named: list[dict[str, float]] = []
    for i, sentence in enumerate(kept):
        if len(kept) == 1:
            position = "only"
        else:
            position = "first" if i == 0 else "last" if i == len(kept) - 1 else "mid"
        label, negativity, _, positive = _sentence_sentiment(sentence.text, lang)
        texts.append(sentence.text)
        named.append(
            sentence_features(
                sentence,
                lang,
                position=position,
                courteous_reply=courteous,
                sentiment=(label, negativity, positive),
            )
        )
    if not texts:
        return Units([], [])
    whole: dict[str, float] = {"unit:reply": 1.0}
    for features in named:
        for name, value in features.items():
            whole[name] = max(whole.get(name, 0.0), value)
    return Units([*texts, " ".join(texts)], [*named, whole])
