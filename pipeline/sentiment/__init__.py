"""Sentiment of a customer's text in pl / ru / uk / en, honest about what it cannot score.

The one entry point is `analyze`; every other module of the project calls only that.
Language detection is `pipeline.text.language`; the per-language analyzers are in `analyzers`; the
learned layer per business is `learned`; the specificity score is `specificity`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pipeline.sentiment.base import TextScore, squash
from pipeline.sentiment.engine import Evidence, Hit
from pipeline.sentiment.specificity import Specificity, specificity
from pipeline.text.language import LanguageGuess, detect_language

Label = Literal["neg", "neu", "pos", "unscored"]
UnscoredReason = Literal["empty", "unsupported-language", "too-little-evidence"]

MIN_WORDS_WITHOUT_EVIDENCE = 3  # fewer words and no sentiment word at all: unscored
RATING_WEIGHT = 0.5  # how far a star rating moves a text whose own evidence is weak
MAX_DRIVERS = 6
FAINT = 0.02  # |polarity| up to this is neu
RATING_ONLY_CONFIDENCE = 0.3
SAME_SCRIPT = {"pl": "en", "en": "pl", "ru": "uk", "uk": "ru"}
SURE_DETECTION = 0.75  # a detector this sure of a short text's language is not second-guessed
MAX_WORDS_TO_SETTLE = 3
MAX_TEXT_CHARS = 20_000  # a bound on the time one event can take; reviews are far shorter


@dataclass(frozen=True)
class SentimentResult:
    lang: str  # ISO 639-1 code found ("pl", "ru", "uk", "en", another code) or "unknown"
    label: Label
    polarity: float | None  # [-1, 1]; None when unscored
    negativity: float | None  # [0, 1]; None when unscored
    confidence: float  # [0, 1]
    method: str
    drivers: tuple[str, ...] = field(default=())  # words / phrases that drove the score
    specificity: float = 0.0  # [0, 1]: numbers, dates, order numbers, money, names, places
    specificity_drivers: tuple[str, ...] = field(default=())  # e.g. ("money", "order_number")
    unscored_reason: UnscoredReason | None = None

    @property
    def scored(self) -> bool:
        return self.label != "unscored"


def label_of(polarity: float) -> Label:
    """neg below 0, pos above 0, neu at 0 (no evidence, or evidence that cancels out)."""
    if polarity < 0:
        return "neg"
    if polarity > 0:
        return "pos"
    return "neu"


def settled(polarity: float) -> float:
    """0.0 for evidence too faint to call (a single weak lexicon entry such as polvader's
    "produkt" -0.005), else the polarity rounded."""
    return 0.0 if abs(polarity) <= FAINT else round(polarity, 4)


def rating_polarity(rating: int) -> float:
    """1..5 stars -> -1..1."""
    return max(-1.0, min(1.0, (rating - 3) / 2))


def with_rating(text_polarity: float, rating: int | None) -> float:
    """The rating moves the polarity only as far as the text's own evidence leaves room:
    a 4-star "the courier was rude" stays negative, a 5-star "ok" becomes positive."""
    if rating is None:
        return text_polarity
    room = 1.0 - abs(text_polarity)
    return max(-1.0, min(1.0, text_polarity + RATING_WEIGHT * room * rating_polarity(rating)))


def negativity_of(evidence: Evidence, polarity: float) -> float:
    """Strength of the negative evidence times its share of all evidence, in [0, 1];
    never below -polarity, so a negative label always has a matching negativity."""
    negative, positive = evidence.negative_mass, evidence.positive_mass
    share = negative / (negative + positive) if negative + positive else 0.0
    return round(max(abs(squash(negative)) * share, -polarity, 0.0), 4)


def drivers_of(hits: tuple[Hit, ...]) -> tuple[str, ...]:
    """The strongest pieces of evidence, signed: ("-nie polecam", "+czysto", "~так себе")."""
    strongest = sorted(hits, key=lambda h: -abs(h.value))[:MAX_DRIVERS]
    return tuple(f"{_sign(h.value)}{h.text}" for h in strongest)


def _sign(value: float) -> str:
    return "-" if value < 0 else "+" if value > 0 else "~"


def confidence_of(guess: LanguageGuess, polarity: float, evidence: Evidence) -> float:
    strength = min(1.0, abs(polarity) * 1.5)
    support = min(1.0, len(evidence.hits) / 3)
    return round(guess.confidence * (0.2 + 0.4 * strength + 0.4 * support), 3)


def unscored(
    guess: LanguageGuess, reason: UnscoredReason, detail: Specificity, method: str
) -> SentimentResult:
    return SentimentResult(
        lang=guess.lang,
        label="unscored",
        polarity=None,
        negativity=None,
        confidence=0.0,
        method=method,
        specificity=detail.score,
        specificity_drivers=detail.drivers,
        unscored_reason=reason,
    )


def score_text(text: str, lang: str) -> TextScore:
    """The text-only score of a supported language (no rating, no learned layer)."""
    from pipeline.sentiment.analyzers import analyzer_for

    return analyzer_for(lang).score(text)


def _unscored_reason(guess: LanguageGuess) -> UnscoredReason:
    if guess.method == "empty":
        return "empty"
    return "unsupported-language" if not guess.supported else "too-little-evidence"


def _text_score(text: str, guess: LanguageGuess) -> tuple[LanguageGuess, TextScore | None]:
    """The language read and the text's own score, or None when it gives no evidence we can
    read."""
    from pipeline.sentiment.analyzers import symbols_score

    if guess.supported:
        scored = score_text(text, guess.lang)
        if not scored.has_evidence:
            guess, scored = _other_language_of_script(text, guess, scored)
        thin = scored.evidence.word_count < MIN_WORDS_WITHOUT_EVIDENCE
        return guess, (scored if scored.has_evidence or not thin else None)
    if guess.method == "empty":  # no letters, but perhaps "😡😡" or ":("
        scored = symbols_score(text)
        return guess, (scored if scored.has_evidence else None)
    return guess, None


def _other_language_of_script(
    text: str, guess: LanguageGuess, own: TextScore
) -> tuple[LanguageGuess, TextScore]:
    """A text of a word or two that the detector could not tell apart ("Junk." read as Polish,
    "Так себе." as Ukrainian) takes the other language of its script when only that one finds
    sentiment in it; `own` is its score in the detected language, which found none."""
    other = SAME_SCRIPT.get(guess.lang)
    if (
        other is None
        or guess.method != "lingua"
        or guess.confidence >= SURE_DETECTION
        or own.evidence.word_count > MAX_WORDS_TO_SETTLE
    ):
        return guess, own
    theirs = score_text(text, other)
    if theirs.has_evidence:
        return LanguageGuess(other, 1.0 - guess.confidence, "evidence"), theirs
    return guess, own


def analyze(
    text: str, rating: int | None = None, lang_hint: str | None = None, trained: bool = True
) -> SentimentResult:
    """Language, sentiment and specificity of one text; `rating` (1..5 stars) is a signal.

    Unscored when there is nothing to read (no letters and no emoji), the language is not one
    we score, or a supported text of under 3 words has no sentiment word; with a rating, those
    cases get a rating-only result instead (method "rating-only", low confidence).
    `trained=False` reads with the rule engine alone (for comparison)."""
    return analyze_many([text], [rating], [lang_hint], trained=trained)[0]


def analyze_many(
    texts: Sequence[str],
    ratings: Sequence[int | None] | None = None,
    lang_hints: Sequence[str | None] | None = None,
    trained: bool = True,
) -> list[SentimentResult]:
    """`analyze` of many texts at once: the trained model reads them in one batch."""
    texts = [text[:MAX_TEXT_CHARS] for text in texts]
    ratings = list(ratings) if ratings is not None else [None] * len(texts)
    hints = list(lang_hints) if lang_hints is not None else [None] * len(texts)
    read = [_text_score(t, detect_language(t, h)) for t, h in zip(texts, hints, strict=True)]
    blended: dict[int, tuple[float, tuple[str, ...]]] = {}
    if trained:
        blended = _with_model(texts, read)
    return [
        _result(text, guess, scored, rating, blended.get(i))
        for i, (text, (guess, scored), rating) in enumerate(zip(texts, read, ratings, strict=True))
    ]


def _with_model(
    texts: Sequence[str], read: Sequence[tuple[LanguageGuess, TextScore | None]]
) -> dict[int, tuple[float, tuple[str, ...]]]:
    """The text polarity blended with the trained model's and the model's word drivers, for
    each text of a supported language that the engine could read."""
    from pipeline.sentiment.model import load_model

    chosen = [
        i
        for i, (guess, scored) in enumerate(read)
        if scored is not None and guess.supported and scored.method != "emoji"
    ]
    if not chosen:
        return {}
    model = load_model()
    langs = [read[i][0].lang for i in chosen]
    scores = [read[i][1] for i in chosen]
    return dict(zip(chosen, model.read([texts[i] for i in chosen], langs, scores), strict=True))


def _result(
    text: str,
    guess: LanguageGuess,
    scored: TextScore | None,
    rating: int | None,
    blended: tuple[float, tuple[str, ...]] | None,
) -> SentimentResult:
    detail = specificity(text)
    if scored is None and rating is None:
        return unscored(guess, _unscored_reason(guess), detail, "none")
    if scored is None:
        scored = TextScore(0.0, Evidence((), 0), "rating-only")
        confidence = RATING_ONLY_CONFIDENCE
    else:
        confidence = confidence_of(guess, scored.polarity, scored.evidence)
        if scored.method == "emoji":  # no language to be unsure about
            confidence = confidence_of(
                LanguageGuess(guess.lang, 1.0, "empty"), scored.polarity, scored.evidence
            )
    text_polarity, method, drivers = (
        scored.polarity,
        scored.method,
        drivers_of(scored.evidence.hits),
    )
    if blended is not None:
        text_polarity, word_drivers = blended
        method += "+model"
        drivers += tuple(d for d in word_drivers if d not in drivers)
    polarity = settled(with_rating(text_polarity, rating))
    if rating is not None:
        drivers += (f"rating:{rating}",)
    rating_note = "+rating" if rating is not None and scored.method != "rating-only" else ""
    return SentimentResult(
        lang=guess.lang,
        label=label_of(polarity),
        polarity=polarity,
        negativity=negativity_of(scored.evidence, polarity),
        confidence=confidence,
        method=method + rating_note,
        drivers=drivers,
        specificity=detail.score,
        specificity_drivers=detail.drivers,
    )


def preload() -> None:
    """Load every lexicon, lemmatizer and language model now (a few seconds), e.g. when a worker
    starts, instead of on the first text of each language."""
    from pipeline.sentiment.analyzers import preload as preload_analyzers
    from pipeline.sentiment.model import load_model
    from pipeline.text.language import preload as preload_detectors

    preload_detectors()
    preload_analyzers()
    load_model()


__all__ = [
    "Label",
    "SentimentResult",
    "analyze",
    "analyze_many",
    "label_of",
    "preload",
    "score_text",
    "settled",
]
